/**
 * What reading one file may use, in every door: the command line's worker processes hold a file
 * to these as CPU time and resident memory (node/workers.ts); the web page, which has no way to
 * measure either, holds its reading worker to the same time on the clock (door.ts) and relies on
 * the reader's own budgets (xlsx-read.ts LIMITS: grid cells, text, inflation) for memory — the
 * cell budget lowered to what fits in the same memory (cellsWithin).
 * Browser-safe: no node built-ins.
 */
export interface FileLimits {
  /** CPU time (command line) or time on the clock (web page), ms. */
  cpuMs: number;
  /** Resident memory of the process reading the file, MB (command line). */
  memoryMb: number;
}

/**
 * The limits for a file of `bytes`: 10 s plus 1 s per MB, and 1 GB of resident memory plus 24
 * times the file's size (an .xlsx inflates ~7–10×, and the grid built from it costs about as much
 * again), at most 6 GB. A 100,000-row workbook (8 MB) gets 18 s and 1.2 GB; a 1,000,000-row one
 * (76 MB) 86 s and 2.8 GB. The README quotes these.
 */
export function limitsFor(bytes: number): FileLimits {
  const mb = bytes / 1048576;
  return { cpuMs: Math.round(10_000 + 1_000 * mb), memoryMb: Math.min(6144, Math.round(1024 + 24 * mb)) };
}

/**
 * What one cell costs from reading to verdicts, at most, in bytes: its slot in the column store
 * (9 bytes, up to twice over while a column grows), the rows a door may ask for, and the engine's
 * per-record columns. Measured: 1,000,000 × 16 read and checked in ≈ 650 MB (≈ 28 bytes a cell
 * with the process's own ≈ 200 MB).
 */
const BYTES_PER_CELL = 32;
/** The process before any cell: node, the code, the file's bytes. */
const BASE_MB = 256;

/** The grid budget (cells per sheet) that fits in `memoryMb`: 1 GB holds about 25 million cells. */
export function cellsWithin(memoryMb: number): number {
  return Math.max(0, Math.floor(((memoryMb - BASE_MB) * 1048576) / BYTES_PER_CELL));
}
