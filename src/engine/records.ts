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
 * - A total row is one with a cell, in any column, that is a short text 合计 / 总计 / 小计 / 共计 /
 *   累计 once spaces and punctuation are gone, possibly with a short place before it or an amount
 *   after it (合 计, 总　计, 合计：, 全市合计, 本页小计, 累计, 合计12所); 合计划 or 总计算机工作室
 *   are names. An average row likewise (平均, 平均值, 均值, 全市平均). Either is skipped wherever
 *   it appears — a ledger's running total is not a studio over its limit.
 * - A footer line is one whose first non-blank cell starts with a signature, contact, legend or
 *   note word (填表人, 审核人, 负责人, 联系电话, 联系人, 制表, 签字, 盖章, 注：, 说明：, 备注：,
 *   图例, 填表说明 …): what offices write under the table. A record's own 备注 cell saying 注：
 *   does not count — it is not the row's first cell.
 *
 * This runs over every row of a sheet (100,000 rows in a few milliseconds): one pass, no per-row
 * regular expression unless a cell holds the character 计, no row copied (records are read in
 * place through RecordCells).
 */
import type { HeaderMatch } from "./headers";
import type { CellValue, SheetGrid, Skipped } from "./types";
import { BLANK, cellAt, rowCount, rowWidth, SHARED, TEXT, type HeldColumn } from "./grid";
import { isInvisibleChar } from "./values";

/**
 * The records of a sheet as parallel lists (no object per record: a city sheet has 100,000 of
 * them, and they are only a step on the way to the results).
 */
export interface RecordRows {
  /** 1-based sheet row of each record. */
  rows: number[];
  /** Each record's cells, read in place from the grid (never copied out of a column-stored one). */
  cells: RecordCells;
  /** The sheet rows among `rows` that are hidden. */
  hidden: Set<number>;
  skipped: Skipped[];
}


/**
 * The records' cells as the grid holds them: at(k, i) is record k's cell at sheet column
 * grid.origin.col + i — null past its row, as if every row were padded to the sheet's width —
 * and columns worked out for every record (deriveFields in evaluate.ts) follow the sheet's own.
 */
export class RecordCells {
  private readonly derived: CellValue[][] = [];
  constructor(
    private readonly grid: SheetGrid,
    /** 0-based grid row of each record. */
    private readonly at0: number[],
    /** The sheet's width: derived columns start here. */
    readonly width: number,
  ) {}
  get length(): number {
    return this.at0.length;
  }
  /** The 0-based grid row of each record, for loops over a held column (below). */
  get gridRows(): readonly number[] {
    return this.at0;
  }
  /**
   * Column i as a column-stored grid holds it, so a loop over every record reads its kinds and
   * numbers directly (record k's cell at gridRows[k]); null for a row-stored grid, a derived
   * column, or a column holding nothing — read those through at().
   */
  held(i: number): HeldColumn | null {
    return i < this.width && this.grid.columns ? this.grid.columns.held(i) : null;
  }
  at(k: number, i: number): CellValue {
    if (i < this.width) return cellAt(this.grid, this.at0[k], i);
    return this.derived[i - this.width]?.[k] ?? null;
  }
  /** Record k as one row (built for the caller, who may keep it). */
  row(k: number): CellValue[] {
    const n = this.width + this.derived.length;
    const out: CellValue[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = this.at(k, i);
    return out;
  }
  /** A column of one value per record after the sheet's own; returns its index. */
  addColumn(values: CellValue[]): number {
    this.derived.push(values);
    return this.width + this.derived.length - 1;
  }
}

/** Why a row below the header is not a record, in words for every door. */
export const SKIP_REASONS: Record<Skipped["reason"], { zh: string; en: string }> = {
  blank: { zh: "空行", en: "blank" },
  total: { zh: "合计行", en: "total" },
  average: { zh: "平均行", en: "average" },
  footer: { zh: "表尾（签名、联系方式、说明）", en: "footer (signature, contact, note)" },
};
/**
 * The word, with up to four characters before it (全市合计, 本页小计) and after it only an amount
 * or a unit (合计金额, 合计12所, 合计元) — so 合计划 and 总计算机… are names, not totals.
 */
const TOTAL_WORD = /^\p{Script=Han}{0,4}(?:合计|总计|小计|共计|累计)(?:金额|数|支出)?[\d.,]*[元项场次人所名个万]*$/u;
/** 平均, 平均值, 均值, 全市平均, 平均数 — the same shape as a total. */
const AVERAGE_WORD = /^\p{Script=Han}{0,4}(?:平均|均值)(?:值|数|分)?[\d.,]*[元项场次人所名个万]*$/u;
/** The words a line under the table starts with: signatures, contacts, legends, notes (as regular expressions, each opening with its first character). */
const FOOTER_WORDS = ["填表人", "填报人", "审核人", "审批人", "复核人", "负责人", "经办人", "制表人", "制表", "统计人", "联系人", "联系电话", "联系方式", "电话", "签字", "签名", "盖章", "单位盖章", "单位（盖章）", "单位\\(盖章\\)", "填表日期", "填报日期", "制表日期", "注[:：]", "注\\d", "备注[:：]", "说明[:：]", "填表说明", "图例", "附注"];
const FOOTER_START = new RegExp(`^(?:${FOOTER_WORDS.join("|")})`);
/** Their first characters: a row whose first text opens with another visible character is no footer, decided without trimming or a regular expression. */
const FOOTER_FIRST = new Set(FOOTER_WORDS.map((w) => w.charCodeAt(0)));
/** Characters that are surely not white space (which trim would take off): printable ASCII, and from 、 on but the byte-order mark. */
const visible = (c: number) => (c > 0x20 && c < 0x7f) || (c > 0x3000 && c !== 0xfeff);
/** Longer texts are sentences or names, not a total label. */
const TOTAL_MAX_LENGTH = 12;

function isBlank(v: CellValue | undefined): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v !== "string") return false;
  // Most texts start with a visible character: decide without trimming (no new string per cell).
  if (v.length && !isInvisibleChar(v.charCodeAt(0))) return false;
  return v.trim() === "";
}

const PUNCTUATION = /[\s\u3000:：,，.。()（）【】\[\]、\-—_*＊]/g;

/** 合计, 合 计, 总　计, 合计：, （合计）, 全市合计, 本页小计, 累计 — but not 合计划 or a long sentence. */
export function isTotalText(v: CellValue | undefined): boolean {
  if (typeof v !== "string" || v.indexOf("计") < 0 || v.length > TOTAL_MAX_LENGTH * 2) return false;
  const t = v.replace(PUNCTUATION, "");
  return t.length <= TOTAL_MAX_LENGTH && TOTAL_WORD.test(t);
}

/** 平均, 平均值, 全市平均 — but not 平均分配 or a sentence. */
export function isAverageText(v: CellValue | undefined): boolean {
  if (typeof v !== "string" || v.indexOf("均") < 0 || v.length > TOTAL_MAX_LENGTH * 2) return false;
  const t = v.replace(PUNCTUATION, "");
  return t.length <= TOTAL_MAX_LENGTH && AVERAGE_WORD.test(t);
}

const NEITHER = 1;
const TOTAL = 2;
const AVERAGE = 3;

/** Whether a cell's value is a total's word, an average's, or neither. */
function sumWord(v: CellValue): number {
  // Only short texts holding 计 or 均 can be a total or an average: one look per cell.
  if (typeof v !== "string" || v.length > TOTAL_MAX_LENGTH * 2) return NEITHER;
  return isTotalText(v) ? TOTAL : isAverageText(v) ? AVERAGE : NEITHER;
}

/** sumWord of the shared texts, each worked out once (a sheet's 3项 or 合计 stands in many cells). */
class SumWords {
  #memo: Uint8Array | null = null;
  of(shared: readonly string[], i: number): number {
    const memo = (this.#memo ??= new Uint8Array(shared.length));
    return memo[i] || (memo[i] = sumWord(shared[i]));
  }
}

/** A held column's text at row r, `other` for a value that is no text, null for a blank. */
function heldText<T>(h: HeldColumn | null, r: number, other: T): string | T | null {
  if (!h || r >= h.kinds.length) return null;
  const kind = h.kinds[r];
  return kind === SHARED ? h.shared[h.nums[r]] : kind === TEXT ? h.texts[h.nums[r]] : kind === BLANK ? null : other;
}

/** The row's first non-blank cell opens a signature, contact, legend or note line. */
function footerText(grid: SheetGrid, r: number, width: number): string | null {
  for (let i = 0; i < width; i++) {
    const v = cellAt(grid, r, i);
    if (isBlank(v)) continue;
    if (typeof v !== "string") return null;
    const c = v.charCodeAt(0);
    if (visible(c) && !FOOTER_FIRST.has(c)) return null;
    const t = v.trim().replace(/\s+/g, "");
    return FOOTER_START.test(t) ? v.trim() : null;
  }
  return null;
}

export function recordRows(grid: SheetGrid, match: HeaderMatch): RecordRows {
  const rows: number[] = [];
  const at0: number[] = [];
  const skipped: Skipped[] = [];
  const hiddenRows = new Set(grid.hiddenRows ?? []);
  const hidden = new Set<number>();
  const n = rowCount(grid);
  let width = 0;
  for (let r = 0; r < n; r++) {
    const w = rowWidth(grid, r);
    if (w > width) width = w;
  }
  // Nothing is known about a sheet without a single matched column: no records to read.
  if (!match.columns.length) return { rows, cells: new RecordCells(grid, at0, width), hidden, skipped };

  const origin = grid.origin;
  const matched = [...new Set(match.columns.map((c) => c.col - origin.col))].filter((i) => i >= 0);

  const start = Math.max(0, match.headerRow - origin.row + 1);
  // A column-stored grid's columns read directly: a cell's kind tells a text from a number without
  // building the value, and a shared text (one index for all its cells) is looked at once.
  const held = grid.columns ? Array.from({ length: width }, (_, c) => grid.columns!.held(c)) : null;
  const sums = held ? new SumWords() : null;
  let lastRecord = -1;
  for (let r = start; r < n; r++) {
    const row = origin.row + r;
    const w = rowWidth(grid, r);
    let blank = true;
    for (let k = 0; k < matched.length; k++) {
      if (!isBlank(held ? heldText(held[matched[k]], r, 0) : cellAt(grid, r, matched[k]))) {
        blank = false;
        break;
      }
    }
    if (blank) {
      skipped.push({ row, reason: "blank" });
      continue;
    }
    let not: Skipped | null = null;
    for (let k = 0; k < w; k++) {
      let word = NEITHER;
      let v: CellValue;
      if (held) {
        const h = held[k];
        if (!h || r >= h.kinds.length) continue;
        const kind = h.kinds[r];
        if (kind === SHARED) {
          word = sums!.of(h.shared, h.nums[r]);
          if (word === NEITHER) continue;
          v = h.shared[h.nums[r]];
        } else if (kind === TEXT) {
          v = h.texts[h.nums[r]];
          word = sumWord(v);
        } else continue;
      } else {
        v = cellAt(grid, r, k);
        word = sumWord(v);
      }
      // The word of a total line is always one of a few; an average's or a footer's text is shown.
      if (word === TOTAL) not = { row, reason: "total" };
      else if (word === AVERAGE) not = { row, reason: "average", text: (v as string).trim() };
      if (not) break;
    }
    if (!not) {
      const footer = footerText(grid, r, w);
      if (footer !== null) not = { row, reason: "footer", text: footer };
    }
    if (not) {
      skipped.push(not);
      continue;
    }
    rows.push(row);
    at0.push(r);
    if (hiddenRows.size > 0 && hiddenRows.has(row)) hidden.add(row);
    lastRecord = row;
  }
  // Blank rows after the last record are the end of the data, not gaps: drop them from the list.
  let keep = 0;
  for (const s of skipped) if (s.reason !== "blank" || s.row < lastRecord) skipped[keep++] = s;
  skipped.length = keep;
  return { rows, cells: new RecordCells(grid, at0, width), hidden, skipped };
}
