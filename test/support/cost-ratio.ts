/**
 * How much more a larger input costs than a smaller one, in CPU time — the scaling checks' one
 * measure (read-hostile, scaling). A jest worker is a shared, long-lived process: its heap holds
 * what earlier test files left, and a collection that lands in one timed run (a 13× seen once on
 * CI for a linear read of empty rows) says nothing about the code. So each timed run starts after
 * a full collection, the sizes are taken in turn, each keeps its least time, and rounds go on —
 * up to `rounds` — only while the ratio is still over the limit. Noise only ever adds time, so
 * more rounds can only bring a ratio down to what the code costs: a linear cost settles near 4
 * for 4× the input, a quadratic one stays near 16 however often it is measured.
 */
import { setFlagsFromString } from "v8";
import { runInNewContext } from "vm";

/** A full collection, taken from a fresh context once the flag is set (jest's workers are not started with --expose-gc). */
const collect: () => void = (() => {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
})();

/** CPU time (µs) of one run of fn, after a full collection and a pause for its sweeping to end. */
async function cpuOnce(fn: () => unknown): Promise<number> {
  collect();
  // The collection's sweeping goes on in helper threads, whose CPU this process's clock counts: in
  // a jest worker's large heap, milliseconds that would land in the timed run (the smaller run most).
  await new Promise((resolve) => setTimeout(resolve, 20));
  const t = process.cpuUsage();
  await fn();
  const d = process.cpuUsage(t);
  return d.user + d.system;
}

export interface CostRatio {
  /** least CPU time (µs) of a run at each size */
  small: number;
  large: number;
  /** large over small, the small side never taken below `floor` */
  ratio: number;
  rounds: number;
}

/**
 * The ratio of the larger run's cost to the smaller's: at least three rounds, then more (up to
 * `rounds`) while it is not under `limit`. `floor` (µs) keeps a run too short to time from
 * inflating the ratio.
 */
export async function costRatio(
  small: () => unknown,
  large: () => unknown,
  { limit, floor = 0, rounds = 8 }: { limit: number; floor?: number; rounds?: number },
): Promise<CostRatio> {
  let a = Infinity;
  let b = Infinity;
  let k = 0;
  const ratio = () => b / Math.max(a, floor);
  while (k < rounds && (k < 3 || ratio() >= limit)) {
    a = Math.min(a, await cpuOnce(small));
    b = Math.min(b, await cpuOnce(large));
    k++;
  }
  return { small: a, large: b, ratio: ratio(), rounds: k };
}
