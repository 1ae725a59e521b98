/**
 * The one pool of worker processes behind every batch of files (read-file.ts for reading and
 * inspecting, pool.ts for the command line's checks): a few child processes, one file each at a
 * time, each file under real limits — CPU time (not wall-clock time: a busy machine does not make
 * a file fail) and resident memory (everything the process holds, not only the JavaScript heap) —
 * both scaled with the file's size (limitsFor). A watchdog thread inside each child (child.ts)
 * measures the process and kills it the moment a limit is passed, saying which on stderr; the
 * pool then answers that file with `timeout` or `out-of-memory`, starts a fresh child, and the
 * batch goes on. Files that are plainly not workbooks are refused by their first bytes (sniff)
 * before any child sees them. How a child is started (and the first one early, while the command
 * line loads its own modules) is child-start.ts.
 */
import * as fs from "fs";
import type { ChildProcess } from "child_process";
import { startChild, takeEarly } from "./child-start";
import { readMessage, sniffBytes, type ReadErrorCode } from "../xlsx-read";
import { limitsFor, type FileLimits } from "../limits";

/** The reader's codes, plus a file the operating system would not let us read (missing, a folder, no permission). */
export type FileErrorCode = ReadErrorCode | "unreadable-file";
export interface FileError {
  code: FileErrorCode;
  message: string;
}

export const fileError = (code: FileErrorCode, detail?: string): FileError => ({
  code,
  message: code === "unreadable-file" ? `系统不允许读取这个文件${detail ? `：${detail}` : ""}；请检查文件权限，或把它复制到别的文件夹再检查` : readMessage(code, detail),
});

/** Bigger files are refused before reading: the whole file is held in memory while it is read. */
export const MAX_FILE_BYTES = 1024 * 1024 * 1024;

/**
 * The first bytes decide whether a worker is worth starting (sniffBytes, the reader's own test):
 * a zip (an .xlsx or something posing as one) or an OLE file (encrypted workbook or legacy .xls;
 * the reader tells which) goes to a worker; a bare-BIFF or XML-2003 .xls, a 0-byte file, the
 * `~$…xlsx` lock files Excel leaves beside open workbooks and anything else is answered here.
 */
export function sniff(file: string): FileError | null {
  let fd: number | null = null;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return fileError("unreadable-file", "这不是一个文件");
    if (st.size > MAX_FILE_BYTES) return fileError("too-large", `文件有 ${Math.round(st.size / 1048576)} MB`);
    fd = fs.openSync(file, "r");
    const head = Buffer.alloc(Math.min(4096, st.size));
    const n = fs.readSync(fd, head, 0, head.length, 0);
    const kind = sniffBytes(new Uint8Array(head.buffer, head.byteOffset, n));
    return kind === "zip" || kind === "ole" ? null : kind;
  } catch (e) {
    return fileError("unreadable-file", (e as NodeJS.ErrnoException).code ?? (e as Error).message);
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

export { limitsFor, type FileLimits } from "../limits";

export interface PoolOptions<R> {
  /** Worker module beside this one, without extension ("read-worker", "worker"). */
  script: string;
  concurrency: number;
  /** CPU time per file, in ms. Default: limitsFor(the file's size). */
  timeoutMs?: number;
  /** Resident memory of the process per file, in MB. Default: limitsFor(the file's size). */
  maxMemoryMb?: number;
  /** The path each job reads, for the first-bytes check and the file's size. */
  pathOf: (i: number) => string;
  /** The answer for a job that never got one from its worker (refused by sniff, over a limit, worker died). */
  failed: (i: number, error: FileError) => R;
  /** After each job, with how long it took (ms from its worker getting it; 0 when refused by its first bytes). */
  onProgress?: (done: number, total: number, i: number, ms: number) => void;
  /**
   * What a worker posts before its reply (a message with `part: true`), handed on as it comes. A
   * part with `read: true` says the file has been read and checked: its limits were for that, and
   * what follows (outputs) runs under a generous backstop only.
   */
  onPart?: (i: number, part: { part: true; read?: boolean }) => void;
  /** The answer for a job whose worker died after the file was read (its outputs failed, not the input); default: failed. */
  failedAfterRead?: (i: number, error: FileError) => R;
  /** Each reply as it comes (any order); when given, replies are not kept and the answer is empty. */
  onReply?: (i: number, reply: R) => void;
  /** Awaited before a lane takes its next job. */
  gate?: () => Promise<void>;
}

/** After a file is read, how long its outputs may take on the clock (a backstop, never reached by a working worker). */
const OUTPUT_BACKSTOP_MS = 60 * 60_000;

const isPart = (m: unknown): m is { part: true; read?: boolean } => typeof m === "object" && m !== null && (m as { part?: unknown }).part === true;

/** @internal What the pool sends a child: the job and the limits it runs under. */
export interface Envelope<J> {
  job: J;
  limits: FileLimits;
}

/** How a child that was killed by its watchdog says why (child.ts writes it; the last one counts). */
const VERDICT = /KJ-LIMIT (timeout|out-of-memory) (\d+)/g;

function overLimit(stderr: string, limits: FileLimits): FileError | null {
  let last: RegExpExecArray | null = null;
  for (let m; (m = VERDICT.exec(stderr)); ) last = m;
  if (!last) return /heap out of memory|Allocation failed/i.test(stderr) ? fileError("out-of-memory", `进程内存超过上限 ${limits.memoryMb} MB`) : null;
  if (last[1] === "timeout") return fileError("timeout", `CPU 时间超过上限 ${(limits.cpuMs / 1000).toFixed(0)} 秒`);
  return fileError("out-of-memory", `进程内存达到 ${last[2]} MB，超过上限 ${limits.memoryMb} MB`);
}

/** Runs each job in a child process (the job is posted as is; the child posts one reply). Replies in input order. */
export async function runInWorkers<J, R>(jobs: J[], opts: PoolOptions<R>): Promise<R[]> {
  const concurrency = Math.max(1, Math.min(opts.concurrency, jobs.length || 1));
  const replies: R[] = new Array(jobs.length);
  let next = 0;
  let done = 0;

  /** A child process, once it has loaded its modules and said so (or died trying): the one started early, if any. */
  const spawn = async (): Promise<ChildProcess> => {
    const started = takeEarly(opts.script) ?? startChild(opts.script, [], jobs.length > 1);
    await started.ready;
    return started.child;
  };

  function one(child: ChildProcess, i: number, limits: FileLimits): Promise<{ reply: R; dead: boolean }> {
    return new Promise((resolve) => {
      let settled = false;
      let read = false;
      let stderr = "";
      const onErr = (d: Buffer) => {
        // Only the tail matters (the watchdog's verdict, V8's out-of-memory line).
        stderr = (stderr + d.toString("utf8")).slice(-4096);
      };
      const finish = (reply: R, dead: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(wall);
        child.removeListener("message", onMessage);
        child.removeListener("exit", onExit);
        child.removeListener("error", onExit);
        child.stderr?.removeListener("data", onErr);
        resolve({ reply, dead });
      };
      const onMessage = (m: unknown) => {
        if (!isPart(m)) return finish(m as R, false);
        if (m.read) {
          read = true;
          clearTimeout(wall);
          wall = setTimeout(backstop, OUTPUT_BACKSTOP_MS);
        }
        opts.onPart?.(i, m);
      };
      // The child is gone (killed by its watchdog, V8 out of memory, crashed): the file is the cause.
      // Its last words on stderr may still be in the pipe: read them to the end (or 200 ms) first.
      const onExit = () => {
        const decide = () => {
          const why = overLimit(stderr, limits) ?? fileError("out-of-memory", "读取进程意外退出");
          finish(read && opts.failedAfterRead ? opts.failedAfterRead(i, why) : opts.failed(i, why), true);
        };
        const err = child.stderr;
        if (!err || err.readableEnded) return decide();
        const t = setTimeout(decide, 200);
        err.once("end", () => (clearTimeout(t), decide()));
      };
      // A backstop on wall-clock time, far past the CPU limit: a child starved of CPU is not the file's fault, a hung one is.
      const backstop = () => {
        child.kill("SIGKILL");
        if (read && opts.failedAfterRead) return finish(opts.failedAfterRead(i, fileError("timeout", `超过 ${OUTPUT_BACKSTOP_MS / 60_000} 分钟仍未写完`)), true);
        finish(opts.failed(i, fileError("timeout", `超过 ${Math.round((limits.cpuMs * 5 + 30_000) / 1000)} 秒仍未读完`)), true);
      };
      let wall = setTimeout(backstop, limits.cpuMs * 5 + 30_000);
      child.stderr?.on("data", onErr);
      child.on("message", onMessage);
      child.once("exit", onExit);
      child.once("error", onExit);
      child.send({ job: jobs[i], limits } satisfies Envelope<J>);
    });
  }

  async function lane(): Promise<void> {
    let child: ChildProcess | null = null;
    while (next < jobs.length) {
      if (opts.gate) {
        await opts.gate();
        if (next >= jobs.length) break;
      }
      const i = next++;
      const file = opts.pathOf(i);
      const refused = sniff(file);
      if (!refused) child ??= await spawn();
      const started = Date.now();
      const answer = (reply: R) => (opts.onReply ? opts.onReply(i, reply) : (replies[i] = reply));
      if (refused) answer(opts.failed(i, refused));
      else {
        const scaled = limitsFor(fileSize(file));
        const limits = { cpuMs: opts.timeoutMs ?? scaled.cpuMs, memoryMb: opts.maxMemoryMb ?? scaled.memoryMb };
        const { reply, dead } = await one(child!, i, limits);
        if (dead) {
          child!.kill("SIGKILL");
          child = null;
        } else if (next >= jobs.length) {
          // No job left for it: it ends (its heap let go) while the reply is written out.
          child!.disconnect();
        }
        answer(reply);
      }
      opts.onProgress?.(++done, jobs.length, i, refused ? 0 : Date.now() - started);
    }
    if (child) {
      const c = child;
      await new Promise<void>((resolve) => {
        if (c.exitCode !== null || c.signalCode !== null) return resolve();
        c.once("exit", () => resolve());
        if (c.connected) c.disconnect();
      });
    }
  }

  await Promise.all(Array.from({ length: concurrency }, lane));
  return replies;
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}
