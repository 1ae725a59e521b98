/**
 * The scaling checks' measure must still tell quadratic from linear after its extra rounds: more
 * rounds only take the least of more runs, so a cost that is truly 16× stays over the limit.
 */
import { costRatio } from "./support/cost-ratio";

/** Work on n items: each against every other (quadratic) or each once (linear), kept so it is not optimised away. */
let sink = 0;
const quadratic = (n: number) => () => {
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sink += (i ^ j) & 1;
};
const linear = (n: number) => () => {
  for (let k = 0; k < 10; k++) for (let i = 0; i < n * 1000; i++) sink += i & 1;
};

test("4× the input: a quadratic cost stays over 8 after every round, a linear one settles under it", async () => {
  // Sizes whose smaller run takes tens of milliseconds, each warmed first: a run of a few would be
  // decided by compiling and the clock's grain (a 3-round quadratic "under 8" seen once on CI).
  for (const f of [quadratic(2_000), linear(250)]) f();
  const q = await costRatio(quadratic(4_000), quadratic(16_000), { limit: 8, floor: 10_000 });
  expect(q.rounds).toBe(8);
  expect(q.ratio).toBeGreaterThan(8);
  const l = await costRatio(linear(1_000), linear(4_000), { limit: 8, floor: 10_000 });
  expect(l.ratio).toBeLessThan(8);
  expect(sink).toBeGreaterThan(0);
}, 60_000);
