/** A worker that answers each job with what child.ts did before it (child-memory.test.ts): the collections made, whether gc was exposed, glibc's mmap threshold. */
import { serve } from "../../src/file/node/child";

const g = globalThis as { gc?: () => void };
const real = g.gc;
let collections = 0;
if (real)
  g.gc = () => {
    collections++;
    real();
  };
serve(() => ({ collections, exposed: !!real, threshold: process.env.MALLOC_MMAP_THRESHOLD_ ?? null }));
