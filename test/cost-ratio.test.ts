/**
 * The scaling checks' measure must still tell quadratic from linear after its extra rounds: more
 * rounds only take the least of more runs, so a cost that is truly 16× stays over the limit.
 */
import { costRatio } from "./support/cost-ratio";

/** One unit of work, kept so it is not optimised away; the same compiled loop at every size. */
let sink = 0;
const unit = () => {
  for (let i = 0; i < 20_000_000; i++) sink += i & 1;
};
/** `n` units: the cost of 4× the input is 16 units for quadratic work, 4 for linear. */
const units = (n: number) => () => {
  for (let k = 0; k < n; k++) unit();
};

test("4× the input: a quadratic cost stays over 8 after every round, a linear one settles under it", async () => {
  // Sizes as counts of one warmed loop, not loops of other sizes: two loops of different lengths
  // differ by more than their work (compiling, the clock's grain), and a toy quadratic measured
  // under 8 on CI twice.
  units(3)();
  const q = await costRatio(units(1), units(16), { limit: 8, floor: 1_000 });
  expect(q.rounds).toBe(8);
  expect(q.ratio).toBeGreaterThan(8);
  const l = await costRatio(units(1), units(4), { limit: 8, floor: 1_000 });
  expect(l.ratio).toBeLessThan(8);
  expect(sink).toBeGreaterThan(0);
}, 60_000);
