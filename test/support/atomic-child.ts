/**
 * Child process for the kill test: writes `file` over and over through writeAtomic, each time
 * SIZE bytes all equal to one value (1, 2, 3, …), so a complete file is recognisable by its size
 * and uniform content. The parent kills it at random moments.
 */
import { writeAtomic } from "../../src/file/node/atomic";

const [file, sizeText] = process.argv.slice(3);
const size = Number(sizeText);
process.stdout.write("ready\n");
for (let n = 1; ; n = (n % 250) + 1) {
  writeAtomic(file, new Uint8Array(size).fill(n), { mayReplace: () => true });
}
