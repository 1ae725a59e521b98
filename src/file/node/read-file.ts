/**
 * Reading workbook files from disk without letting one file take the process down. Each file is
 * parsed in a worker process under a CPU-time and a resident-memory limit (workers.ts): a file that overruns is
 * stopped and reported as `timeout` or `out-of-memory`, and the next file goes on. Plainly
 * non-workbook files (empty, a lock file, text) are refused by their first bytes before any
 * worker sees them. The pool itself, and how a worker runs compiled or under ts-jest, is in
 * workers.ts.
 */
import type { SheetGrid } from "../../engine/types";
import { runInWorkers, type FileError } from "./workers";

export { sniff, type FileError, type FileErrorCode } from "./workers";

export type SheetRead = { name: string; state: string; grid: SheetGrid } | { name: string; state: string; error: FileError };
export type FileRead = { ok: true; file: string; date1904: boolean; sheets: SheetRead[] } | { ok: false; file: string; error: FileError };

export type SheetInfo = { name: string; state: string; rows: number; cols: number } | { name: string; state: string; error: FileError };
export type FileInfo = { file: string; sheets: SheetInfo[] } | { file: string; error: FileError };

export interface ReadLimits {
  /** CPU time per file, ms (default scaled with the file's size: workers.ts limitsFor). */
  timeoutMs?: number;
  /** Resident memory of the process reading one file, MB (default scaled with the file's size). */
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

/** The pool over read-worker.ts: one reply per file, in input order. */
function runPool(files: string[], mode: ReadJob["mode"], opts: ReadManyOptions): Promise<WorkerReply[]> {
  return runInWorkers<ReadJob, WorkerReply>(
    files.map((path) => ({ path, mode })),
    {
      script: "read-worker",
      concurrency: opts.concurrency ?? 2,
      timeoutMs: opts.timeoutMs,
      maxMemoryMb: opts.maxMemoryMb,
      pathOf: (i) => files[i],
      failed: (_i, error) => ({ ok: false, error }),
      onProgress: opts.onProgress && ((done, total, i, ms) => opts.onProgress!(done, total, files[i], ms)),
    },
  );
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
