/**
 * One whole process, measured as an official would feel it: wall time from start to exit, CPU
 * time of the process and every child it waited for (the command line's workers are child
 * processes), and peak memory. Peak memory is the largest sum of resident memory over the process
 * tree (shared file pages counted once), sampled from /proc every 50 ms (the command line's main process
 * and its workers hold memory at once), and never less than the kernel's own peak for the largest single process
 * (GNU time's %M, which no sampling can miss). Linux only, like the project's machine.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface Measure {
  /** Exit status accepted and what the command should have written is there. */
  ok: boolean;
  code: number | null;
  wallMs: number;
  /** user + system, every waited-for child included; NaN when killed. */
  cpuMs: number;
  /** Largest sampled sum of memory over the process tree, or the largest single process's peak, MB. */
  peakMb: number;
  /** Why it is not ok (last line of stderr, or the time limit), for the table. */
  note?: string;
  /** The end of what the process wrote on stderr. */
  stderr?: string;
}

export interface RunOptions {
  /** Where the child's stdout goes (otherwise discarded). */
  stdoutFile?: string;
  timeoutMs?: number;
  /** Exit statuses that mean "finished" (check exits 1 when records fail). */
  okCodes?: number[];
  /** What must exist after the run for it to count (the report, the copies…). */
  produced?: () => boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

const PAGE = 4096;

/** Every pid whose parent chain reaches `root` (root included), from /proc/<pid>/stat. */
export function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of fs.readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "latin1");
      // The command name may hold spaces and parentheses: the fields after the last ")".
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parent.set(pid, ppid);
    } catch {
      // the process ended while we looked
    }
  }
  const inTree = new Set<number>([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parent) {
      if (!inTree.has(pid) && inTree.has(ppid)) {
        inTree.add(pid);
        grew = true;
      }
    }
  }
  return [...inTree];
}

/**
 * Memory of a set of processes, in bytes: their anonymous resident memory summed, plus the largest
 * file-backed share of any one of them (statm: resident − shared, and shared) — so the node binary
 * the command's workers all map is counted once, not once per worker. statm costs nothing to read,
 * unlike smaps_rollup, whose page walk over a large process would steal the measured process's core.
 */
export function residentBytes(pids: number[]): number {
  let anon = 0;
  let shared = 0;
  for (const pid of pids) {
    try {
      const [, resident, file] = fs.readFileSync(`/proc/${pid}/statm`, "latin1").split(" ").map(Number);
      anon += (resident - file) * PAGE;
      shared = Math.max(shared, file * PAGE);
    } catch {
      // ended
    }
  }
  return anon + shared;
}

/** Samples the resident memory of `root`'s tree until stopped; returns the largest sum seen. */
export function treeSampler(root: () => number | undefined, everyMs = 50): { stop(): number } {
  let peak = 0;
  let known: number[] = [];
  let tick = 0;
  const timer = setInterval(() => {
    const pid = root();
    if (!pid) return;
    // Finding the tree scans /proc; re-scan every 4th tick, read the known pids' memory every tick.
    if (tick++ % 4 === 0) known = descendants(pid);
    peak = Math.max(peak, residentBytes(known));
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

/** Runs `node <args>` under GNU time, sampling its tree's memory. */
export function runNode(args: string[], opts: RunOptions = {}): Promise<Measure> {
  const timeFile = path.join(os.tmpdir(), `kj-bench-time-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const out = opts.stdoutFile ? fs.openSync(opts.stdoutFile, "w") : "ignore";
  const t0 = process.hrtime.bigint();
  const child = spawn("/usr/bin/time", ["-f", "%U %S %M", "-o", timeFile, process.execPath, ...args], {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ["ignore", out, "pipe"],
  });
  const sampler = treeSampler(() => child.pid);
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString("utf8")).slice(-4000);
  });
  let timedOut = false;
  const killer = setTimeout(() => {
    timedOut = true;
    // GNU time passes no signal on; kill the whole tree we know of, children first.
    for (const pid of descendants(child.pid!).reverse()) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
    }
  }, opts.timeoutMs ?? 900_000);
  return new Promise((resolve) => {
    child.on("close", (code) => {
      clearTimeout(killer);
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      const treePeak = sampler.stop();
      if (typeof out === "number") fs.closeSync(out);
      let cpuMs = NaN;
      let maxRss = 0;
      try {
        // GNU time writes "Command exited with non-zero status N" first when it is not 0.
        const line = fs.readFileSync(timeFile, "utf8").trim().split("\n").pop()!;
        const [u, s, m] = line.split(" ").map(Number);
        if (Number.isFinite(u + s)) cpuMs = (u + s) * 1000;
        if (Number.isFinite(m)) maxRss = m * 1024;
        fs.rmSync(timeFile, { force: true });
      } catch {
        // killed before GNU time could write
      }
      const exit = timedOut ? null : code;
      const ok = !timedOut && (opts.okCodes ?? [0]).includes(exit ?? -1) && (opts.produced?.() ?? true);
      const lastErr = stderr.trim().split("\n").pop() ?? "";
      const note = ok ? undefined : timedOut ? `did not finish within ${Math.round((opts.timeoutMs ?? 900_000) / 1000)} s` : `exit ${exit}${lastErr ? `: ${lastErr.slice(0, 160)}` : ""}`;
      resolve({ ok, code: exit, wallMs, cpuMs: timedOut ? NaN : cpuMs, peakMb: Math.max(treePeak, maxRss) / 1048576, note, stderr });
    });
  });
}

/** Best (lowest wall among finished runs) of `runs`. */
export async function bestOf(runs: number, once: () => Promise<Measure>): Promise<Measure> {
  let best: Measure | null = null;
  for (let k = 0; k < runs; k++) {
    const m = await once();
    if (!best || (m.ok && (!best.ok || m.wallMs < best.wallMs))) best = m;
  }
  return best!;
}
