/**
 * The reading worker behind read-file.ts: one file at a time, parsed in this child process so a
 * file that hangs or eats memory is stopped (child.ts's watchdog kills the process at its limit)
 * without taking the caller down. What it posts back is plain data (structured-clonable): no
 * functions, no class instances.
 */
import * as fs from "fs";
import { readWorkbook, sheetGrid } from "../xlsx-read";
import type { ReadJob, WorkerReply } from "./read-file";
import { useNodeInflate } from "./inflate";
import { rowCount, rowWidth } from "../../engine/grid";
import { serve } from "./child";

useNodeInflate();

function run(job: ReadJob): WorkerReply {
  const bytes = new Uint8Array(fs.readFileSync(job.path));
  const r = readWorkbook(bytes);
  if (!r.ok) return { ok: false, error: r.error };
  const sheets = r.workbook.sheets.map((entry) => {
    const g = sheetGrid(entry);
    if (!g.ok) return { name: entry.name, state: entry.state, error: g.error };
    if (job.mode === "grids") return { name: entry.name, state: entry.state, grid: g.grid };
    const rows = rowCount(g.grid);
    let cols = 0;
    for (let r = 0; r < rows; r++) cols = Math.max(cols, rowWidth(g.grid, r));
    return { name: entry.name, state: entry.state, rows, cols };
  });
  return { ok: true, date1904: r.workbook.date1904, sheets };
}

serve((job: ReadJob): WorkerReply => {
  try {
    return run(job);
  } catch (e) {
    // readWorkbook never throws; this is the file system (removed, unreadable) or an engine bug.
    return { ok: false, error: { code: "unreadable-file", message: `系统不允许读取这个文件：${e instanceof Error ? e.message : String(e)}` } };
  }
});
