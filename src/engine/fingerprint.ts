/**
 * What we wrote into our result columns, cell by cell, in a form small enough for the ledger: a
 * 16-bit hash of each cell's value as written, row by row over the area, two bytes a cell,
 * base64 (about 2.7 characters a cell). On 清除结果 or a re-check a cell whose value no longer
 * hashes the same was typed over by an official: it is theirs, kept, and named. The same in every
 * door (Excel's ledger and the file's are one format), so it lives here, once.
 *
 * A changed cell goes unnoticed only when the new text hashes like the old (1 in 65,536); then it
 * is cleared as before. Past FINGERPRINT_CHARS (Excel keeps the ledger in document settings,
 * MAX_LEDGER_CHARS in excel/limits.ts, half of it for marks) no fingerprint is kept for the area
 * and it is cleared as a block, as ledgers of earlier versions are.
 */
import type { OutValue, ResultPlan } from "./host";
import type { CellValue, SheetGrid } from "./types";
import { a1, parseRange } from "./address";
import { cellAt } from "./grid";
import { fnv1a } from "./hash";
import { blankAreas, lastPlanRow } from "./output";

/** Fingerprint characters a whole ledger may hold: about 150,000 result cells. */
export const FINGERPRINT_CHARS = 400_000;

export interface Area {
  r1: number;
  c1: number;
  r2: number;
  c2: number;
}

/**
 * A value as text, the same for what we wrote and what a door reads back: Excel returns our
 * apostrophe-guarded text without the apostrophe and numbers as numbers; the file reader likewise.
 */
function text(v: OutValue | CellValue | undefined): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  return JSON.stringify(v);
}

/** FNV-1a over the UTF-16 units, folded to 16 bits. */
function hash16(s: string): number {
  const h = fnv1a(s);
  return (h ^ (h >>> 16)) & 0xffff;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function toBase64(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const left = bytes.length - i;
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + (left > 1 ? B64[(n >> 6) & 63] : "=") + (left > 2 ? B64[n & 63] : "=");
  }
  return out;
}

function fromBase64(s: string): Uint8Array | null {
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return null;
  const pad = s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let k = 0;
  for (let i = 0; i < s.length; i += 4) {
    const n = (B64.indexOf(s[i]) << 18) | (B64.indexOf(s[i + 1]) << 12) | (Math.max(0, B64.indexOf(s[i + 2])) << 6) | Math.max(0, B64.indexOf(s[i + 3]));
    for (const b of [(n >> 16) & 255, (n >> 8) & 255, n & 255]) if (k < out.length) out[k++] = b;
  }
  return out;
}

/**
 * The fingerprint of a plan's result area as written beside the data — header row, then each row
 * up to the last the plan writes (a row it leaves out is written blank) — or null past the ceiling.
 */
export function fingerprint(plan: ResultPlan): string | null {
  const width = plan.headers.length;
  const last = lastPlanRow(plan);
  const cells = (last - plan.headerRow + 1) * width;
  if (width === 0 || Math.ceil((cells * 2) / 3) * 4 > FINGERPRINT_CHARS) return null;
  // Within the ceiling (a sheet of tens of thousands of cells at most): the values made once here.
  const byRow = new Map<number, OutValue[]>();
  const lines = plan.lines;
  if (lines) lines.rows.forEach((row, i) => void (row > plan.headerRow && !byRow.has(row) && byRow.set(row, lines.values(i))));
  else for (const r of plan.rows) if (r.row > plan.headerRow && !byRow.has(r.row)) byRow.set(r.row, r.values);
  const bytes = new Uint8Array(cells * 2);
  let k = 0;
  for (let r = plan.headerRow; r <= last; r++) {
    const values = r === plan.headerRow ? plan.headers : byRow.get(r);
    for (let j = 0; j < width; j++) {
      const h = hash16(text(values?.[j]));
      bytes[k++] = h >> 8;
      bytes[k++] = h & 255;
    }
  }
  return toBase64(bytes);
}

/**
 * The cells of `area` whose current value (`valueAt`, sheet row and column) no longer matches the
 * fingerprint: typed by someone since we wrote. Null when the fingerprint does not fit the area
 * (edited settings, another version): the caller then clears the area as a block.
 */
export function typedCells(area: Area, print: string, valueAt: (row: number, col: number) => CellValue | undefined): { row: number; col: number }[] | null {
  const bytes = fromBase64(print);
  const width = area.c2 - area.c1 + 1;
  if (!bytes || bytes.length !== (area.r2 - area.r1 + 1) * width * 2) return null;
  const out: { row: number; col: number }[] = [];
  let k = 0;
  for (let row = area.r1; row <= area.r2; row++)
    for (let col = area.c1; col <= area.c2; col++, k += 2)
      if (hash16(text(valueAt(row, col))) !== ((bytes[k] << 8) | bytes[k + 1])) out.push({ row, col });
  return out;
}

/** The area without these cells, as column runs (what is still ours to clear or read as blank). */
export function areaWithout(area: Area, cells: { row: number; col: number }[]): Area[] {
  if (!cells.length) return [area];
  const holes = new Set(cells.map((c) => c.row * 16_384 + c.col));
  const out: Area[] = [];
  for (let col = area.c1; col <= area.c2; col++) {
    let start = 0;
    for (let row = area.r1; row <= area.r2 + 1; row++) {
      const hole = row > area.r2 || holes.has(row * 16_384 + col);
      if (hole && start) {
        out.push({ r1: start, c1: col, r2: row - 1, c2: col });
        start = 0;
      } else if (!hole && !start) start = row;
    }
  }
  return out;
}

/** What a door needs of a ledger entry here (excel/ledger.ts LedgerSheet). */
export interface WrittenArea {
  area: string | null;
  fingerprint?: string;
}

/**
 * A sheet as a check must see it: our earlier result areas (`entries`, this sheet's) read as
 * blank — they are ours, replaced by the new results, which go where they went (as Excel's pane
 * sees them, taskpane/model.ts withoutOwnResults). `typed[i]`: the cells of entries[i] an official
 * has typed over since (A1) — theirs, kept, and in the way of new results (typedInTheWay).
 */
export function withoutOurResults(grid: SheetGrid, entries: WrittenArea[]): { grid: SheetGrid; typed: string[][] } {
  const typed: string[][] = [];
  const areas: string[] = [];
  for (const e of entries) {
    const area = e.area ? parseRange(e.area) : null;
    const cells = area && e.fingerprint ? (typedCells(area, e.fingerprint, (row, col) => cellAt(grid, row - grid.origin.row, col - grid.origin.col)) ?? []) : [];
    typed.push(cells.map((c) => a1(c.row, c.col)));
    if (area) areas.push(e.area!);
  }
  return { grid: blankAreas(grid, areas), typed };
}

/** The first typed-over cell (A1, as withoutOurResults lists them) inside the area a plan writes beside the data. */
export function typedInTheWay(plan: ResultPlan, typed: string[]): string | null {
  const last = lastPlanRow(plan);
  for (const cell of typed) {
    const c = parseRange(cell);
    if (c && c.r1 >= plan.headerRow && c.r1 <= last && c.c1 >= plan.startCol && c.c1 < plan.startCol + plan.headers.length) return cell;
  }
  return null;
}
