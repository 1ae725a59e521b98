/**
 * Reading a sheet's used range (or the Excel table the selection is in) through Office.js in row chunks.
 *
 * Sync calls: one to find a selected table, one for the range's shape (two when a table's totals
 * row is dropped), one for its merged areas, then one per chunk (two when the chunk has some hidden
 * rows and some visible ones). Chunk height comes from the bytes a
 * row actually took: a first small chunk measures, later chunks fill CHUNK_BYTES, and a chunk that
 * Excel on the web still refuses as too large is retried at half the height.
 */
import type { CellValue, SheetGrid } from "../engine/types";
import type { Progress } from "../engine/host";
import { parseBoxes, splitAreas } from "./a1";
import { CHUNK_BYTES, CHUNK_CELLS, hasExcelApi, isPayloadError, jsonBytes, MAX_SHEET_CELLS } from "./limits";
import { sheetTooLarge } from "./errors";

/** Rows in the first chunk, read to measure how many bytes a row of this sheet takes. */
const PROBE_ROWS = 200;
/** Rows per sync when hidden rows must be asked one by one (the fallback below). */
const HIDDEN_ROWS_PER_SYNC = 20_000;

function toCell(v: unknown, type: string): CellValue {
  if (type === "Error") return { error: String(v) };
  if (type === "Empty" || v === "" || v === null || v === undefined) return null;
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "string") return v;
  return String(v);
}

/**
 * Hidden rows of a chunk whose rowHidden came back null (some hidden, some not). The visible
 * cells, as areas, give it in one request; if Excel cannot answer that (no visible cell because
 * every column is hidden, or too many areas), each row is asked on its own, in bounded batches.
 */
async function hiddenRowsOf(ctx: Excel.RequestContext, sheet: Excel.Worksheet, chunk: Excel.Range, firstRow: number, rows: number, col: number): Promise<number[]> {
  let visible: Excel.RangeAreas | null = chunk.getSpecialCellsOrNullObject("Visible");
  visible.load("address");
  try {
    await ctx.sync();
  } catch {
    visible = null;
  }
  if (visible && !visible.isNullObject) {
    const shown = new Uint8Array(rows);
    for (const b of parseBoxes(visible.address))
      for (let r = Math.max(b.r1, firstRow); r <= Math.min(b.r2, firstRow + rows - 1); r++) shown[r - firstRow] = 1;
    const out: number[] = [];
    shown.forEach((s, i) => s || out.push(firstRow + i));
    return out;
  }
  const out: number[] = [];
  for (let at = 0; at < rows; at += HIDDEN_ROWS_PER_SYNC) {
    const n = Math.min(HIDDEN_ROWS_PER_SYNC, rows - at);
    const probes: Excel.Range[] = [];
    for (let i = 0; i < n; i++) {
      const r = sheet.getRangeByIndexes(firstRow - 1 + at + i, col - 1, 1, 1);
      r.load("rowHidden");
      probes.push(r);
    }
    await ctx.sync();
    probes.forEach((p, i) => p.rowHidden && out.push(firstRow + at + i));
  }
  return out;
}

/**
 * The tables (ListObjects) the selection touches, when the selection is on this sheet: an
 * official who has selected a cell inside a table means that table, not every note and helper
 * block on the sheet. One sync; a selection that is not a range (a chart, a shape) has none.
 */
async function selectedTables(ctx: Excel.RequestContext, name: string): Promise<Excel.TableScopedCollection | null> {
  try {
    const active = ctx.workbook.worksheets.getActiveWorksheet();
    active.load("name");
    const tables = ctx.workbook.getSelectedRange().getTables(false);
    const count = tables.getCount();
    await ctx.sync();
    return count.value > 0 && active.name === name ? tables : null;
  } catch {
    return null;
  }
}

const SHAPE = "address,rowCount,columnCount,rowIndex,columnIndex";

/**
 * Reads the table the selection is in, when it is on this sheet, else the used range. A table's
 * totals row is left out: its 汇总 line is no record.
 */
export async function readUsedRange(ctx: Excel.RequestContext, name: string, onProgress?: (p: Progress) => void): Promise<SheetGrid> {
  const tables = await selectedTables(ctx, name);
  const sheet = ctx.workbook.worksheets.getItem(name);
  const table = tables ? tables.getFirst() : null;
  table?.load("name,showTotals");
  let used = table ? table.getRange() : sheet.getUsedRangeOrNullObject(true);
  used.load(SHAPE);
  await ctx.sync();
  if (table?.showTotals && used.rowCount > 1) {
    used = sheet.getRangeByIndexes(used.rowIndex, used.columnIndex, used.rowCount - 1, used.columnCount);
    used.load(SHAPE);
    await ctx.sync();
  }
  if (used.isNullObject) {
    onProgress?.({ done: 0, total: 0 });
    return { name, rows: [], origin: { row: 1, col: 1 }, hiddenRows: [], merges: [] };
  }
  const total = used.rowCount;
  const cols = used.columnCount;
  const origin = { row: used.rowIndex + 1, col: used.columnIndex + 1 };
  if (total * cols > MAX_SHEET_CELLS) throw sheetTooLarge(name, splitAreas(used.address)[0] ?? used.address, total, cols, MAX_SHEET_CELLS);

  // Merged areas matter for the header rows; a sheet whose merges Excel cannot list (or an Excel
  // before ExcelApi 1.13) is still read, without them.
  let merges: string[] = [];
  if (hasExcelApi("1.13")) {
    const merged = used.getMergedAreasOrNullObject();
    merged.load("address");
    try {
      await ctx.sync();
      if (!merged.isNullObject) merges = splitAreas(merged.address);
    } catch {
      merges = [];
    }
  }

  const rows: CellValue[][] = new Array(total);
  const hiddenRows: number[] = [];
  const maxRows = Math.max(1, Math.floor(CHUNK_CELLS / cols));
  let bytesPerRow = 0;
  let at = 0;
  onProgress?.({ done: 0, total });
  while (at < total) {
    const want = bytesPerRow ? Math.floor(CHUNK_BYTES / bytesPerRow) : PROBE_ROWS;
    const n = Math.max(1, Math.min(want, maxRows, total - at));
    const chunk = sheet.getRangeByIndexes(used.rowIndex + at, used.columnIndex, n, cols);
    chunk.load("values,valueTypes,rowHidden");
    try {
      await ctx.sync();
    } catch (e) {
      if (isPayloadError(e) && n > 1) {
        bytesPerRow = Math.ceil(CHUNK_BYTES / Math.floor(n / 2));
        continue;
      }
      throw e;
    }
    const values = chunk.values;
    const types = chunk.valueTypes as string[][];
    for (let i = 0; i < n; i++) {
      const vr = values[i];
      const tr = types[i];
      const out: CellValue[] = new Array(cols);
      for (let j = 0; j < cols; j++) out[j] = toCell(vr[j], tr[j]);
      rows[at + i] = out;
    }
    const firstRow = origin.row + at;
    if (chunk.rowHidden === true) for (let i = 0; i < n; i++) hiddenRows.push(firstRow + i);
    else if (chunk.rowHidden !== false) for (const r of await hiddenRowsOf(ctx, sheet, chunk, firstRow, n, origin.col)) hiddenRows.push(r);
    // Size the next chunk from what this one weighed, with a quarter to spare for heavier rows,
    // and let the estimate fall only by half at a time so one light chunk cannot cause a huge one.
    const measured = Math.ceil(((jsonBytes(values) + jsonBytes(types)) / n) * 1.25);
    bytesPerRow = Math.max(16, measured, Math.floor(bytesPerRow / 2));
    at += n;
    onProgress?.({ done: at, total });
  }
  return table ? { name, rows, origin, hiddenRows, merges, table: table.name } : { name, rows, origin, hiddenRows, merges };
}
