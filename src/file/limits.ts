/**
 * What reading one file may use, in every door: the command line's worker processes hold a file
 * to these as CPU time and resident memory (node/workers.ts); the web page, which has no way to
 * measure either, holds its reading worker to the same time on the clock (door.ts) and relies on
 * the reader's own budgets (xlsx-read.ts LIMITS: inflated bytes, grid cells, text) for memory.
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
