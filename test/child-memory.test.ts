/**
 * A worker process checking a folder keeps the memory of one file, not of one plus what the files
 * before left: the pool's children run with gc exposed and glibc's mmap threshold fixed
 * (child-start.ts), and child.ts collects before every job but the first.
 */
import * as path from "path";
import { fork } from "child_process";
import { CHILD_EXEC_ARGV, childEnv, relaunchEnv } from "../src/file/node/child-start";

type Reply = { collections: number; exposed: boolean; threshold: string | null };

/** Starts the test child with the pool's options and sends it `jobs` jobs one after the other: its replies. */
async function replies(jobs: number, env: NodeJS.ProcessEnv): Promise<Reply[]> {
  const child = fork(path.join(__dirname, "../src/file/node/worker-boot.js"), [path.join(__dirname, "support/gc-child.ts")], {
    execArgv: CHILD_EXEC_ARGV,
    env,
    serialization: "advanced",
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  const out: Reply[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      child.on("exit", (code) => reject(new Error(`child exited (${code}) after ${out.length} replies`)));
      child.on("message", (m: Reply & { ready?: boolean }) => {
        if (!m.ready) out.push(m);
        if (out.length === jobs) return resolve();
        child.send({ job: {}, limits: { cpuMs: 60_000, memoryMb: 4096 } });
      });
    });
  } finally {
    child.kill();
  }
  return out;
}

describe("the pool's children let go of one file's memory before the next", () => {
  test("a full collection before every job but the first, with gc exposed and the mmap threshold fixed", async () => {
    const r = await replies(3, childEnv());
    expect(r.map((x) => x.collections)).toEqual([0, 1, 2]);
    expect(r.every((x) => x.exposed)).toBe(true);
    expect(r[0].threshold).toBe("131072");
  }, 60_000);

  test("a threshold the user set is kept", () => {
    const before = process.env.MALLOC_MMAP_THRESHOLD_;
    process.env.MALLOC_MMAP_THRESHOLD_ = "65536";
    try {
      expect(childEnv().MALLOC_MMAP_THRESHOLD_).toBe("65536");
    } finally {
      if (before === undefined) delete process.env.MALLOC_MMAP_THRESHOLD_;
      else process.env.MALLOC_MMAP_THRESHOLD_ = before;
    }
  });
});

describe("the command's own process is started again for a check of file after file (relaunchEnv)", () => {
  const plain: NodeJS.ProcessEnv = { PATH: "/usr/bin", LANG: "zh_CN.UTF-8" };
  test("a folder or several workbooks, on Linux: the same environment with the threshold fixed", () => {
    for (const argv of [["check", "县区"], ["check", "a.xlsx", "b.xlsx"], ["check", "--json", "--report", "r.xlsx", "县区"], ["check", "a.xlsx", "--annotate", "out", "县区"]]) {
      expect(relaunchEnv(argv, plain, "linux")).toEqual({ ...plain, MALLOC_MMAP_THRESHOLD_: "131072" });
    }
  });
  test("one workbook, another command, help, no file, another system, or a threshold already set (the user's, or the relaunch's own): as it is", () => {
    const cases: [string[], NodeJS.ProcessEnv, string][] = [
      [["check", "a.xlsx"], plain, "linux"],
      [["check", "--report", "r.xlsx", "a.xlsx"], plain, "linux"],
      [["inspect", "县区"], plain, "linux"],
      [["check", "县区", "--help"], plain, "linux"],
      [["check", "--json"], plain, "linux"],
      [["check", "县区"], plain, "win32"],
      [["check", "县区"], { ...plain, MALLOC_MMAP_THRESHOLD_: "65536" }, "linux"],
    ];
    for (const [argv, env, platform] of cases) expect(relaunchEnv(argv, env, platform)).toBeNull();
  });
});
