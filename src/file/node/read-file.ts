/**
 * Reading workbook files from disk without letting one file take the process down. Each file is
 * parsed in a worker thread with a heap limit (1 GB) and a clock (10 s): a file that overruns is
 * stopped and reported as `timeout` or `out-of-memory`, and the next file goes on. Plainly
 * non-workbook files (empty, a lock file, text) are refused by their first bytes before any
 * worker sees them.
 *
 * Workers run the compiled read-worker.js when it sits beside this module (after
 * `tsc -p tsconfig.node.json`); under ts-jest there is only read-worker.ts, and worker-boot.js
 * (plain JS, beside it in src/) installs a transpiling require hook first. So the bootstrap is
 * never needed in the compiled tree and nothing has to be copied there.
 */
import * as fs from "fs";
import * as path from "path";
import { Worker } from "worker_threads";
import type { SheetGrid } from "../../engine/types";
import { MESSAGES, type ReadErrorCode } from "../xlsx-read";

/** The reader's codes, plus a file the operating system would not let us read (missing, a folder, no permission). */
export type FileErrorCode = ReadErrorCode | "unreadable-file";
export interface FileError {
  code: FileErrorCode;
  message: string;
}

export type SheetRead = { name: string; state: string; grid: SheetGrid } | { name: string; state: string; error: FileError };
export type FileRead = { ok: true; file: string; date1904: boolean; sheets: SheetRead[] } | { ok: false; file: string; error: FileError };

export type SheetInfo = { name: string; state: string; rows: number; cols: number } | { name: string; state: string; error: FileError };
export type FileInfo = { file: string; sheets: SheetInfo[] } | { file: string; error: FileError };

export interface ReadLimits {
  /** Per file, from the moment its worker gets it. */
  timeoutMs?: number;
  /** Old-generation heap of each worker. */
  maxMemoryMb?: number;
}

export interface ReadManyOptions extends ReadLimits {
  /** Workers at once; 2 uses both cores of the reference machine. */
  concurrency?: number;
  /** After each file, with how long it took (ms, from the worker getting it; 0 for files refused by their first bytes). */
  onProgress?: (done: number, total: number, file: string, ms: number) => void;
}

/** @internal What the parent asks a worker: full grids, or only each sheet's extent. */
export interface ReadJob {
  path: string;
  mode: "grids" | "summary";
}

/** @internal What a worker answers. */
export type WorkerReply =
  | { ok: true; date1904: boolean; sheets: Array<{ name: string; state: string; grid?: SheetGrid; rows?: number; cols?: number; error?: FileError }> }
  | { ok: false; error: FileError };

const err = (code: FileErrorCode, detail?: string): FileError => ({
  code,
  message: code === "unreadable-file" ? `无法读取文件（cannot read file）${detail ? `：${detail}` : ""}` : detail ? `${MESSAGES[code]}：${detail}` : MESSAGES[code],
});

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
    if (!st.isFile()) return err("unreadable-file", "不是文件（not a file）");
    if (st.size === 0) return err("not-a-workbook", "文件为空（0 字节）");
    fd = fs.openSync(file, "r");
    const head = Buffer.alloc(4);
    const n = fs.readSync(fd, head, 0, 4, 0);
    if (n >= 2 && head[0] === 0x50 && head[1] === 0x4b) return null;
    if (n === 4 && head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) return null;
    return err("not-a-workbook");
  } catch (e) {
    return err("unreadable-file", (e as NodeJS.ErrnoException).code ?? (e as Error).message);
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

function workerScript(): { file: string; argv: string[] } {
  const compiled = path.join(__dirname, "read-worker.js");
  if (fs.existsSync(compiled)) return { file: compiled, argv: [] };
  return { file: path.join(__dirname, "worker-boot.js"), argv: [path.join(__dirname, "read-worker.ts")] };
}

/**
 * Runs jobs over a small pool of workers and gives the replies in input order. A worker that
 * times out, runs out of heap or dies is terminated and replaced; only its file fails.
 */
async function runPool(files: string[], mode: ReadJob["mode"], opts: ReadManyOptions): Promise<WorkerReply[]> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const maxMemoryMb = opts.maxMemoryMb ?? 1024;
  const concurrency = Math.max(1, Math.min(opts.concurrency ?? 2, files.length || 1));
  const script = workerScript();
  const replies: WorkerReply[] = new Array(files.length);
  let next = 0;
  let done = 0;

  const spawn = () => new Worker(script.file, { argv: script.argv, resourceLimits: { maxOldGenerationSizeMb: maxMemoryMb } });

  async function one(w: Worker, file: string): Promise<{ reply: WorkerReply; dead: boolean }> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (reply: WorkerReply, dead: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        w.removeAllListeners("message");
        w.removeAllListeners("error");
        w.removeAllListeners("exit");
        resolve({ reply, dead });
      };
      const timer = setTimeout(() => finish({ ok: false, error: err("timeout") }, true), timeoutMs);
      w.once("message", (reply: WorkerReply) => finish(reply, false));
      w.once("error", (e: Error & { code?: string }) => {
        const oom = e.code === "ERR_WORKER_OUT_OF_MEMORY" || /out of memory|heap/i.test(e.message);
        finish({ ok: false, error: oom ? err("out-of-memory") : err("damaged", e.message.slice(0, 200)) }, true);
      });
      // A worker that exits without answering was killed by the engine (heap limit): the file is the cause.
      w.once("exit", () => finish({ ok: false, error: err("out-of-memory") }, true));
      w.postMessage({ path: file, mode } satisfies ReadJob);
    });
  }

  async function lane(): Promise<void> {
    let worker: Worker | null = null;
    while (next < files.length) {
      const i = next++;
      const refused = sniff(files[i]);
      const started = Date.now();
      if (refused) replies[i] = { ok: false, error: refused };
      else {
        worker ??= spawn();
        const { reply, dead } = await one(worker, files[i]);
        if (dead) {
          await worker.terminate().catch(() => undefined);
          worker = null;
        }
        replies[i] = reply;
      }
      opts.onProgress?.(++done, files.length, files[i], Date.now() - started);
    }
    if (worker) await worker.terminate();
  }

  await Promise.all(Array.from({ length: concurrency }, lane));
  return replies;
}

function toFileRead(file: string, r: WorkerReply): FileRead {
  if (!r.ok) return { ok: false, file, error: r.error };
  return {
    ok: true,
    file,
    date1904: r.date1904,
    sheets: r.sheets.map((s) => (s.error ? { name: s.name, state: s.state, error: s.error } : { name: s.name, state: s.state, grid: s.grid! })),
  };
}

/** One file's sheets with their grids, or the coded error that stopped it. Never throws, never hangs past the timeout. */
export async function readFileSafe(file: string, opts: ReadLimits = {}): Promise<FileRead> {
  const [r] = await runPool([file], "grids", { ...opts, concurrency: 1 });
  return toFileRead(file, r);
}

/** Many files, both cores busy; results in input order. */
export async function readFiles(files: string[], opts: ReadManyOptions = {}): Promise<FileRead[]> {
  const replies = await runPool(files, "grids", opts);
  return replies.map((r, i) => toFileRead(files[i], r));
}

/** Each file's sheets with their used extent (rows, columns) — no grids cross the thread boundary. */
export async function inspectFiles(files: string[], opts: ReadManyOptions = {}): Promise<FileInfo[]> {
  const replies = await runPool(files, "summary", opts);
  return replies.map((r, i) => {
    if (!r.ok) return { file: files[i], error: r.error };
    return {
      file: files[i],
      sheets: r.sheets.map((s) => (s.error ? { name: s.name, state: s.state, error: s.error } : { name: s.name, state: s.state, rows: s.rows ?? 0, cols: s.cols ?? 0 })),
    };
  });
}

export async function inspectFile(file: string, opts: ReadLimits = {}): Promise<FileInfo> {
  const [r] = await inspectFiles([file], { ...opts, concurrency: 1 });
  return r;
}
