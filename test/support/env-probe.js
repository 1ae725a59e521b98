/*
 * Loaded into every node process of a check by NODE_OPTIONS=--require (test/cli-batch.test.ts):
 * appends one line per process — its pid, its parent's, its script and glibc's mmap threshold as
 * its environment has it — to the file KJ_ENV_PROBE names.
 */
"use strict";
const fs = require("fs");
if (process.env.KJ_ENV_PROBE) {
  const line = { pid: process.pid, ppid: process.ppid, script: process.argv[1] || "", threshold: process.env.MALLOC_MMAP_THRESHOLD_ ?? null };
  fs.appendFileSync(process.env.KJ_ENV_PROBE, JSON.stringify(line) + "\n");
}
