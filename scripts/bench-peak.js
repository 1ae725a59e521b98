/**
 * Preloaded into a process the command-line benchmark starts (`node -r scripts/bench-peak.js …`):
 * when the process exits, writes its CPU time (user + system, every thread) and peak resident
 * memory to the file named by KJ_BENCH_OUT. Plain JS so it needs no transpiling.
 */
"use strict";
const fs = require("fs");
const out = process.env.KJ_BENCH_OUT;
if (out) {
  process.on("exit", () => {
    const u = process.resourceUsage();
    fs.writeFileSync(out, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, peakMb: u.maxRSS / 1024 }));
  });
}
