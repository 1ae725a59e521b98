/**
 * The record rows below a header. Blank rows and total rows (合计, 总计, 小计) are not records and
 * are reported as skipped; hidden rows are still records (flagged hidden).
 *
 * Decisions:
 * - A row is blank when every matched column is blank (null, "" or only white space); text in
 *   columns no field is matched to (a note off to the side) does not make a row a record.
 * - Blank rows are reported only when a record comes after them (gaps inside the data). The blank
 *   rows after the last record — the rest of a sheet's used range, a gap before the 合计 row — are
 *   simply the end of the data and are not listed one by one.
 * - A total row is one whose label-column cell or one of its first TOTAL_LOOKAHEAD cells is a short
 *   text that is 合计 / 总计 / 小计 / 共计 once spaces and punctuation are gone, possibly with a
 *   short place before it or an amount after it (合 计, 总　计, 合计：, 全市合计, 本页小计, 合计12所);
 *   合计划 or 总计算机工作室 are names. It is skipped wherever it appears.
 *
 * This runs over every row of a sheet (100,000 rows in a few milliseconds): one pass, no per-row
 * regular expression unless a cell holds the character 计, rows passed through without copying
 * unless they are shorter than the sheet and must be padded.
 */
import type { HeaderMatch } from "./headers";
import type { CellValue, SheetGrid, Skipped } from "./types";
import { isInvisibleChar } from "./values";

/**
 * The records of a sheet as parallel lists (no object per record: a city sheet has 100,000 of
 * them, and they are only a step on the way to the results).
 */
export interface RecordRows {
  /** 1-based sheet row of each record. */
  rows: number[];
  /**
   * Each record's row as read: cells[k][i] is the cell at sheet column grid.origin.col + i, padded
   * with null to the grid's width. Shared with the grid when no padding was needed: do not modify.
   */
  cells: CellValue[][];
  /** The sheet rows among `rows` that are hidden. */
  hidden: Set<number>;
  skipped: Skipped[];
}

/** How many leading cells of a row may hold the word 合计 (序号 / 名称 columns, often merged). */
export const TOTAL_LOOKAHEAD = 3;
/**
 * The word, with up to four characters before it (全市合计, 本页小计) and after it only an amount
 * or a unit (合计金额, 合计12所, 合计元) — so 合计划 and 总计算机… are names, not totals.
 */
const TOTAL_WORD = /^\p{Script=Han}{0,4}(?:合计|总计|小计|共计)(?:金额|数)?[\d.,]*[元项场次人所名个万]*$/u;
/** Longer texts are sentences or names, not a total label. */
const TOTAL_MAX_LENGTH = 12;

function isBlank(v: CellValue | undefined): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v !== "string") return false;
  // Most texts start with a visible character: decide without trimming (no new string per cell).
  if (v.length && !isInvisibleChar(v.charCodeAt(0))) return false;
  return v.trim() === "";
}

/** 合计, 合 计, 总　计, 合计：, （合计）, 全市合计, 本页小计 — but not 合计划 or a long sentence. */
export function isTotalText(v: CellValue | undefined): boolean {
  if (typeof v !== "string" || v.indexOf("计") < 0 || v.length > TOTAL_MAX_LENGTH * 2) return false;
  const t = v.replace(/[\s\u3000:：,，.。()（）【】\[\]、\-—_*＊]/g, "");
  return t.length <= TOTAL_MAX_LENGTH && TOTAL_WORD.test(t);
}

export function recordRows(grid: SheetGrid, match: HeaderMatch): RecordRows {
  const rows: number[] = [];
  const records: CellValue[][] = [];
  const skipped: Skipped[] = [];
  const hiddenRows = new Set(grid.hiddenRows ?? []);
  const hidden = new Set<number>();
  // Nothing is known about a sheet without a single matched column: no records to read.
  if (!match.columns.length) return { rows, cells: records, hidden, skipped };

  const origin = grid.origin;
  const matched = [...new Set(match.columns.map((c) => c.col - origin.col))].filter((i) => i >= 0);
  const probe = new Set<number>();
  if (match.labelCol !== undefined && match.labelCol >= origin.col) probe.add(match.labelCol - origin.col);
  for (let i = 0; i < TOTAL_LOOKAHEAD; i++) probe.add(i);
  const probes = [...probe];

  let width = 0;
  for (const r of grid.rows) if (r && r.length > width) width = r.length;

  const start = Math.max(0, match.headerRow - origin.row + 1);
  let lastRecord = -1;
  for (let r = start; r < grid.rows.length; r++) {
    const cells = grid.rows[r] ?? [];
    const row = origin.row + r;
    let blank = true;
    for (let k = 0; k < matched.length; k++) {
      if (!isBlank(cells[matched[k]])) {
        blank = false;
        break;
      }
    }
    if (blank) {
      skipped.push({ row, reason: "blank" });
      continue;
    }
    let total = false;
    for (let k = 0; k < probes.length; k++) {
      if (isTotalText(cells[probes[k]])) {
        total = true;
        break;
      }
    }
    if (total) {
      skipped.push({ row, reason: "total" });
      continue;
    }
    let out = cells;
    if (cells.length < width) {
      out = cells.slice();
      for (let i = cells.length; i < width; i++) out.push(null);
    }
    rows.push(row);
    records.push(out);
    if (hiddenRows.size > 0 && hiddenRows.has(row)) hidden.add(row);
    lastRecord = row;
  }
  // Blank rows after the last record are the end of the data, not gaps: drop them from the list.
  let keep = 0;
  for (const s of skipped) if (s.reason === "total" || s.row < lastRecord) skipped[keep++] = s;
  skipped.length = keep;
  return { rows, cells: records, hidden, skipped };
}
