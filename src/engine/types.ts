/**
 * The engine's shared vocabulary. Every door (custom functions, task pane, Excel layer, file
 * reader, command line) speaks in these types; none of them depends on Office.js or the DOM.
 */
import type { CellColumns } from "./grid";

/** A cell whose formula evaluated to an error (#N/A, #DIV/0!, …). Its value is unreadable. */
export interface CellError {
  readonly error: string;
}

/**
 * One cell as a door hands it to the engine: the cached value for formulas, `null` for blank.
 * Dates arrive as Excel serial numbers (Office.js and our .xlsx reader both give serials).
 */
export type CellValue = string | number | boolean | null | CellError;

/** A rectangle of a sheet, as read. `rows[0][0]` sits at sheet row `origin.row`, column `origin.col` (both 1-based). */
export interface SheetGrid {
  name: string;
  rows: CellValue[][];
  origin: { row: number; col: number };
  /** 1-based sheet rows that are hidden (still records, reported as such). */
  hiddenRows?: number[];
  /** Merged areas in A1 form, e.g. "A1:K1". */
  merges?: string[];
  /**
   * Cells a file reader could not place (a damaged address such as r="1A", or a damaged row
   * number): skipped, and reported as a sheet problem so the loss is never silent.
   */
  unplaced?: { ref: string; row: number | null }[];
  /** Set when only an Excel table of the sheet was read (the selection was inside it): its name. */
  table?: string;
  /**
   * The cells column by column (grid.ts), for sheets read from files; then `rows` is built from
   * them only when asked for. The engine reads either through grid.ts's cellAt / rowWidth.
   */
  columns?: CellColumns;
}

/** A message in both UI languages. Chinese first. */
export interface Text2 {
  zh: string;
  en: string;
}

export type Severity = "error" | "warning";
export type Status = "ok" | "warning" | "error";

/**
 * One problem, in the frictionless style: a stable code, a position, and a message built from a
 * template of that code.
 */
export interface Issue {
  code: string;
  severity: Severity;
  /** A1 address on the sheet, e.g. "H3"; null when the problem is not one cell's (a group, the sheet). */
  cell: string | null;
  /** 1-based sheet row, null for sheet-level problems. */
  row: number | null;
  /** Pack field id the problem is about, when there is one. */
  field: string | null;
  /** The text found in the cell, as the official typed it ("" for blank). */
  text: string | null;
  message: Text2;
  /** The article the rule comes from, e.g. "第十六条（四）". */
  source: string | null;
}

export interface RecordResult {
  /** 1-based sheet row. */
  row: number;
  /** What the record is called (studio, school, teacher name); falls back to "第N行". */
  label: string;
  status: Status;
  /** 优秀 / 合格 / 不合格 for graded packs, 符合 / 不符合 for eligibility; null where the pack does neither. */
  grade: string | null;
  met: number | null;
  total: number | null;
  /** Criteria not met, by their id (Chinese numerals for the assessment: "四"). */
  failed: readonly string[];
  /**
   * Criteria that could not be checked because the sheet has no column for their evidence: not
   * met (counted in `total`, not in `met`), not failed either; the record is 需核实 at best.
   */
  unchecked?: readonly string[];
  issues: Issue[];
  /** Whether the row is hidden in the sheet (still evaluated). */
  hidden?: boolean;
}

export interface GroupResult {
  key: Record<string, string | number>;
  spent: number;
  limit: number;
  status: Status;
  issues: Issue[];
  /** 1-based sheet rows of the records in this group, so a group's problem can be shown on them. */
  rows?: number[];
}

export interface Skipped {
  row: number;
  /** blank; a total (合计, 小计, 累计 …) or average line; a footer line (填表人, 联系电话, 注： …). */
  reason: "blank" | "total" | "average" | "footer";
  /** The words that made an average or footer row so (平均值, 填表人：张三), for the message. */
  text?: string;
}

export interface ColumnMatch {
  field: string;
  /** 1-based sheet column and its letter. */
  col: number;
  letter: string;
  header: string;
  /** 0..1; 1 = exact name, lower for synonyms and partial matches. */
  confidence: number;
  /** True when the mapping came from the user, not from the guess. */
  manual?: boolean;
}

export interface Summary {
  records: number;
  ok: number;
  warning: number;
  error: number;
  grades: Record<string, number>;
}

export interface SheetResult {
  sheet: string;
  pack: string;
  /** 1-based sheet row of the (last) header row. */
  headerRow: number;
  columns: ColumnMatch[];
  /** Required fields no column was found for. */
  unmatched: string[];
  records: RecordResult[];
  groups: GroupResult[];
  skipped: Skipped[];
  /** Sheet-level problems (no header, required column missing, …). */
  problems: Issue[];
  summary: Summary;
  /** Interpretations the evaluation applied, with the reading in force, so every door can say so. */
  interpretations: { id: string; text: Text2; source: string | null; reading?: string; changed?: boolean; invented?: boolean }[];
}

/** Field id → 1-based sheet column; overrides the guessed header matching. */
export type Mapping = Record<string, number>;

/** Parameter id → value; thresholds an official changed for this workbook. */
export type ParamOverrides = Record<string, number>;

/** Interpretation id → option id; readings an official chose for this workbook (engine/interpretations.ts). */
export type Readings = Record<string, string>;

export interface EvaluateOptions {
  mapping?: Mapping;
  params?: ParamOverrides;
  /** Readings chosen where the regulation leaves room; the pack's defaults otherwise. */
  readings?: Readings;
  /** 1-based header row, when the user fixed it; otherwise it is found. */
  headerRow?: number;
}
