/**
 * The one pool of worker threads behind every batch of files (read-file.ts for reading and
 * inspecting, pool.ts for the command line's checks): a few workers, one file each at a time,
 * each file under a clock and each worker under a heap limit. A worker that overruns its time,
 * runs out of heap or dies is terminated and replaced; only its file fails, with `timeout` or
 * `out-of-memory`, and the batch goes on. Files that are plainly not workbooks are refused by
 * their first bytes (sniff) before any worker sees them.
 *
 * Which script a worker runs: after `tsc -p tsconfig.node.json` the compiled `<name>.js` sits
 * beside this module (lib/file/node/) and runs as is. Under ts-jest or `node scripts/run-ts.js`
 * there is only `<name>.ts`; worker-boot.js (plain JS, kept in src/) then installs a require hook
 * that transpiles with the project's own typescript before loading it. Nothing is copied.
 */
import * as fs from "fs";
import * as path from "path";
import { Worker } from "worker_threads";
import { LIMITS, readMessage, type ReadErrorCode } from "../xlsx-read";

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
export const MAX_FILE_BYTES = LIMITS.inflatedBytes;

/**
 * The first bytes decide whether a worker is worth starting: `PK` is a zip (an .xlsx or
 * something posing as one), `D0 CF 11 E0` an OLE file (encrypted workbook or legacy .xls; the
 * reader tells which). Anything else — including a 0-byte file and the `~$…xlsx` lock files
 * Excel leaves beside open workbooks — is not a workbook.
 */
export function sniff(file: string): FileError | null {
  let fd: number | null = null;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return fileError("unreadable-file", "这不是一个文件");
    if (st.size === 0) return fileError("not-a-workbook", "文件为空（0 字节）");
    if (st.size > MAX_FILE_BYTES) return fileError("too-large", `文件有 ${Math.round(st.size / 1048576)} MB`);
    fd = fs.openSync(file, "r");
    const head = Buffer.alloc(4);
    const n = fs.readSync(fd, head, 0, 4, 0);
    if (n >= 2 && head[0] === 0x50 && head[1] === 0x4b) return null;
    if (n === 4 && head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) return null;
    return fileError("not-a-workbook", "内容不是工作簿的格式，可能是别的文件改了扩展名");
  } catch (e) {
    return fileError("unreadable-file", (e as NodeJS.ErrnoException).code ?? (e as Error).message);
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

function workerScript(name: string): { file: string; argv: string[] } {
  const compiled = path.join(__dirname, `${name}.js`);
  if (fs.existsSync(compiled)) return { file: compiled, argv: [] };
  return { file: path.join(__dirname, "worker-boot.js"), argv: [path.join(__dirname, `${name}.ts`)] };
}

export interface PoolOptions<R> {
  /** Worker module beside this one, without extension ("read-worker", "worker"). */
  script: string;
  concurrency: number;
  /** Per file, from the moment its worker gets it. Default 10 s. */
  timeoutMs?: number;
  /** Old-generation heap of each worker. Default 1 GB. */
  maxMemoryMb?: number;
  /** The path each job reads, for the first-bytes check. */
  pathOf: (i: number) => string;
  /** The answer for a job that never got one from its worker (refused by sniff, timed out, out of memory, worker died). */
  failed: (i: number, error: FileError) => R;
  /** After each job, with how long it took (ms from its worker getting it; 0 when refused by its first bytes). */
  onProgress?: (done: number, total: number, i: number, ms: number) => void;
}

/** Runs each job in a worker (the job is posted as is; the worker posts one reply). Replies in input order. */
export async function runInWorkers<J, R>(jobs: J[], opts: PoolOptions<R>): Promise<R[]> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const maxMemoryMb = opts.maxMemoryMb ?? 1024;
  const concurrency = Math.max(1, Math.min(opts.concurrency, jobs.length || 1));
  const script = workerScript(opts.script);
  const replies: R[] = new Array(jobs.length);
  let next = 0;
  let done = 0;

  const spawn = () => new Worker(script.file, { argv: script.argv, resourceLimits: { maxOldGenerationSizeMb: maxMemoryMb } });

  function one(w: Worker, i: number): Promise<{ reply: R; dead: boolean }> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (reply: R, dead: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        w.removeAllListeners("message");
        w.removeAllListeners("error");
        w.removeAllListeners("exit");
        resolve({ reply, dead });
      };
      const timer = setTimeout(() => finish(opts.failed(i, fileError("timeout")), true), timeoutMs);
      w.once("message", (reply: R) => finish(reply, false));
      w.once("error", (e: Error & { code?: string }) => {
        const oom = e.code === "ERR_WORKER_OUT_OF_MEMORY" || /out of memory|heap/i.test(e.message);
        finish(opts.failed(i, oom ? fileError("out-of-memory") : fileError("damaged", e.message.slice(0, 200))), true);
      });
      // A worker that exits without answering was stopped by the engine (heap limit): the file is the cause.
      w.once("exit", () => finish(opts.failed(i, fileError("out-of-memory")), true));
      w.postMessage(jobs[i]);
    });
  }

  async function lane(): Promise<void> {
    let worker: Worker | null = null;
    while (next < jobs.length) {
      const i = next++;
      const refused = sniff(opts.pathOf(i));
      const started = Date.now();
      if (refused) replies[i] = opts.failed(i, refused);
      else {
        worker ??= spawn();
        const { reply, dead } = await one(worker, i);
        if (dead) {
          await worker.terminate().catch(() => undefined);
          worker = null;
        }
        replies[i] = reply;
      }
      opts.onProgress?.(++done, jobs.length, i, refused ? 0 : Date.now() - started);
    }
    if (worker) await worker.terminate();
  }

  await Promise.all(Array.from({ length: concurrency }, lane));
  return replies;
}
