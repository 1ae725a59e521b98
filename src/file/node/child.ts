/**
 * The inside of a worker process (workers.ts): serves one job at a time from the pool and keeps
 * the process within the limits the pool sent with the job. A watchdog thread measures the whole
 * process every 20 ms — CPU time used since the job began (user + system, all threads: what
 * `process.cpuUsage()` reports) and resident memory (`process.memoryUsage.rss()`: everything the
 * process holds, buffers outside the JavaScript heap included) — and the moment either passes its
 * limit it writes the verdict to stderr and kills the process. The main thread may be stuck in a
 * loop or an allocation; the watchdog is its own thread, so it still runs.
 */
import { Worker } from "worker_threads";
import type { Envelope } from "./workers";

/** After reading, the outputs (the annotated copy) may use this many times the reading's memory limit, up to the cap. */
const OUTPUT_MEMORY_FACTOR = 3;
const OUTPUT_MEMORY_CAP = 6144 * 1048576;

/** Shared with the watchdog: [job running (0/1), CPU limit µs, RSS limit bytes, CPU µs at job start]. */
const state = new Float64Array(new SharedArrayBuffer(4 * 8));

/**
 * Ends the process if the running job has passed a limit in `s` (the shared state): the verdict
 * goes to stderr, where the pool reads it, then SIGKILL. Self-contained: the watchdog thread runs
 * this very function's source.
 */
function enforceLimits(s: Float64Array): void {
  if (!s[0]) return;
  const u = process.cpuUsage();
  const cpu = u.user + u.system - s[3];
  const rss = process.memoryUsage.rss();
  const verdict = cpu > s[1] ? `timeout ${Math.round(cpu / 1000)}` : rss > s[2] ? `out-of-memory ${Math.round(rss / 1048576)}` : null;
  if (!verdict) return;
  try {
    require("fs").writeSync(2, `\nKJ-LIMIT ${verdict}\n`);
  } catch {
    // stderr gone: the pool still sees the process killed
  }
  process.kill(process.pid, "SIGKILL");
}

const WATCHDOG = `
const s = new Float64Array(require("worker_threads").workerData);
${enforceLimits.toString()}
setInterval(() => enforceLimits(s), 20);
`;

/**
 * The limits measured once more from this thread, where a job's memory is at its height and its
 * reading ends: a read that is over between two of the watchdog's samples (20 ms apart, later on
 * a busy machine) is still held to them, so the same file meets the same verdict however the
 * machine is loaded.
 */
const holdToLimits = () => enforceLimits(state);

/**
 * The file has been read and checked: its CPU limit ends here (the limit is on reading a file, not
 * on writing what was found in it); the memory limit stays. Answers the CPU time the job took so far, in ms.
 */
export function readingDone(): number {
  holdToLimits();
  const u = process.cpuUsage();
  state[1] = Infinity;
  // What follows holds the original, the copy and the plans at once: a small multiple of what reading needed, never past the heap's own cap.
  state[2] = Math.min(state[2] * OUTPUT_MEMORY_FACTOR, OUTPUT_MEMORY_CAP);
  return (u.user + u.system - state[3]) / 1000;
}

/**
 * The job's CPU clock starts earlier, at `cpuUs` (process.cpuUsage's user + system, µs): its file
 * was read and inflated ahead, while this process loaded its modules (prefetch.ts) — that work is
 * the file's too, and the modules loaded meanwhile are counted with it.
 */
export function clockFrom(cpuUs: number): void {
  state[3] = Math.min(state[3], cpuUs);
}

/** CPU time since the job began, in ms. */
export function jobCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system - state[3]) / 1000;
}

/** A full collection, when the process was started with --expose-gc (child-start.ts starts the pool's children so). */
const collect = (): void => (globalThis as { gc?: () => void }).gc?.();

/** Runs `handle` for every job the pool sends, replying with its answer, under the job's limits. */
export function serve<J, R>(handle: (job: J) => R | Promise<R>): void {
  const watchdog = new Worker(WATCHDOG, { eval: true, workerData: state.buffer });
  watchdog.unref();
  // Modules loaded: the pool starts a file's clock from here, so a slow start is not the file's.
  process.send!({ ready: true });
  let jobs = 0;
  process.on("message", (m: Envelope<J>) => {
    // What the file before left (its buffers, its records) is collected before this one is read,
    // not when V8 next feels pressure: a child checking file after file keeps the memory of one
    // file, not of one plus whatever the last left. Before the job's clock starts; never before
    // a first job, so a single file's check pays nothing.
    if (jobs++ > 0) collect();
    const u = process.cpuUsage();
    state[1] = m.limits.cpuMs * 1000;
    state[2] = m.limits.memoryMb * 1048576;
    state[3] = u.user + u.system;
    state[0] = 1;
    Promise.resolve()
      .then(() => handle(m.job))
      .then(
        (reply) => {
          holdToLimits();
          state[0] = 0;
          process.send!(reply);
        },
        (e: unknown) => {
          state[0] = 0;
          throw e;
        },
      );
  });
}
