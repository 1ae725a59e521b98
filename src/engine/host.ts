/**
 * The one interface through which the task pane touches a workbook. `src/excel/` implements it
 * with Office.js, `src/file/` over an .xlsx file in memory (CLI and standalone page), and tests
 * with an in-memory workbook. The engine decides *what* to write (see output.ts); a host only
 * knows *how* to write it into its kind of workbook.
 */
import type { CellValue, EvaluateOptions, ParamOverrides, Readings, SheetGrid, SheetResult, Severity, Text2 } from "./types";
import type { CheckRecord } from "./record";
import type { HeaderMatch } from "./headers";
import type { Pack } from "../packs/schema";
import type { Ledger, LedgerOptions, LedgerPacks } from "./term/ledger";

/** A cell value we write. Strings are always written as text, never as formulas. */
export type OutValue = string | number | null;

/**
 * What the add-in writes for one validation: result columns to the right of the data (or into a
 * new sheet when those cells hold foreign data), and marks on problem cells.
 */
export interface ResultPlan {
  sheet: string;
  /** 1-based sheet row of the header row; result headers go here. */
  headerRow: number;
  /** 1-based first result column (the first empty column right of the data). */
  startCol: number;
  headers: string[];
  /** One entry per data row that gets results: 1-based sheet row and one value per header. */
  rows: { row: number; values: OutValue[] }[];
  /** Cells to colour, as A1 addresses on `sheet`. */
  marks: { address: string; severity: Severity }[];
  /**
   * The same lines and marks, compact, where the plan was made from a sheet's verdicts
   * (output.ts planResults; not enumerable): what a large sheet's copy is written from, with no
   * object per line or mark. `rows` and `marks` are then made from the verdicts when first read.
   */
  readonly lines?: PlanLines;
}

/** A plan's lines and marks, compact (ResultPlan.lines). */
export interface PlanLines {
  /** Sheet row of each line, in the plan's order (rows[i] is rows[i].row of the plan). */
  readonly rows: Int32Array;
  /** Line i's values, one per header, made when asked and not kept. */
  values(i: number): OutValue[];
  /** Each marked cell once, ascending: (row * MAX_COLS + column - 1) * 2, plus 1 for an error. */
  readonly marks: Float64Array;
}

/** Where results actually went. */
export interface WriteOutcome {
  /** "columns" = beside the data; "sheet" = a new sheet because the columns held foreign data. */
  placement: "columns" | "sheet";
  sheet: string;
  /** The written range in A1 form (sheet-qualified). */
  range: string;
  cellsWritten: number;
  marked: number;
  /** Why the results are not beside the data (placement "sheet"), naming the cell that was in the way. */
  note?: Text2;
}

/** A sheet to create in full (summary, template, report parts). */
export interface SheetPlan {
  name: string;
  /** Row 1 first. */
  rows: OutValue[][];
  /** Column widths in characters, optional. */
  widths?: number[];
  /** Rows (1-based) to format as a header. */
  headerRows?: number[];
  /** Drop-down lists: A1 range → the values offered; `allowOther`: another value may be typed (with a note), else it is refused. */
  validations?: { range: string; list: string[]; allowOther?: boolean }[];
  /** Number formats: A1 range → Excel format code. */
  numberFormats?: { range: string; format: string }[];
  /** A native chart, where the host can make one. */
  chart?: {
    type: "column" | "bar";
    /** The first column names the categories, the first row the series. */
    range: string;
    title: string;
    /** One colour per category (#RRGGBB) for a one-series chart: the status each stands for. */
    colors?: string[];
  };
}

/** What the add-in remembers inside the workbook (chosen pack, mapping, changed thresholds, what it wrote). */
export interface WorkbookSettings {
  pack?: string;
  mapping?: Record<string, number>;
  params?: Record<string, number>;
  /** Readings chosen where the regulation leaves room: interpretation id → option id. */
  readings?: Record<string, string>;
  headerRow?: number;
  /** The sheet the pack, mapping and header row were chosen for (a workbook may hold several kinds of sheet). */
  sheet?: string;
  /** The term ledger: written studio name → the studio a person confirmed it is. */
  studioNames?: Record<string, string>;
  /** The term ledger: the reading of 第十七条 for 撤销风险 (engine/term/readings.ts). */
  revocation?: string;
}

export interface Progress {
  done: number;
  total: number;
}

export interface WorkbookHost {
  readonly kind: "excel" | "file" | "memory";
  listSheets(): Promise<string[]>;
  activeSheet(): Promise<string>;
  /** The used range of a sheet as values (cached results for formulas), read in chunks. */
  readSheet(name: string, onProgress?: (p: Progress) => void): Promise<SheetGrid>;
  /** Writes a result plan. Refuses to overwrite anything the add-in did not write: then writes a new sheet. */
  writeResults(plan: ResultPlan, onProgress?: (p: Progress) => void): Promise<WriteOutcome>;
  /** Removes exactly what the add-in wrote (values, colours, sheets it created) and nothing else. */
  /** `sheetsKept`: sheets the add-in created that the user has since typed into; they are theirs now and stay. */
  /** `cellsKept`: result cells an official has typed over since; theirs now, kept (sheet name, A1). */
  clearResults(): Promise<{ cellsCleared: number; sheetsRemoved: number; sheetsKept?: string[]; cellsKept?: { sheet: string; cell: string }[] }>;
  /** Creates (or replaces one the add-in made earlier) a sheet. Returns the name used. */
  writeSheet(plan: SheetPlan): Promise<string>;
  selectCell(sheet: string, address: string): Promise<void>;
  /**
   * Keeps the record of a check in the workbook: appended to the list beside the settings and as
   * lines of the 校验记录 sheet (record.ts). Not part of what 清除结果 removes.
   */
  recordCheck?(r: CheckRecord): Promise<void>;
  /** Sheets a check created (results moved aside, summaries), known by the ledger: not an official's data, never checked. */
  ownSheets?(): Promise<string[]>;
  loadSettings(): Promise<WorkbookSettings>;
  saveSettings(s: WorkbookSettings): Promise<void>;
  /** Subscribes to active-sheet changes; returns an unsubscribe function. */
  onActiveSheetChanged?(cb: (sheet: string) => void): () => void;
  /**
   * Where the workbook lives in another thread (the web page's worker), the checking happens there
   * too, so no long step runs on the page's thread; without it the pane checks in place.
   */
  checker?: SheetChecker;
}

/** Progress of a check, by phase: rows read, records checked or written. */
export interface CheckProgress extends Progress {
  phase: "read" | "evaluate" | "write";
}

/** A sheet of the workbook checked besides the one shown (the page checks them all). */
export interface OtherSheet {
  pack: Pack;
  result: SheetResult;
  outcome: WriteOutcome;
  params: ParamOverrides;
  readings: Readings;
}

/**
 * The pane's long steps over one sheet. `grid` is the sheet as the pane read it (a checker in
 * another thread holds its own copy and uses `sheet`).
 */
export interface SheetChecker {
  detect(sheet: string, grid: SheetGrid, packs: Pack[]): Promise<{ pack: Pack; match: HeaderMatch }[]>;
  evaluate(sheet: string, grid: SheetGrid, pack: Pack, opts: EvaluateOptions, onProgress?: (p: CheckProgress) => void): Promise<SheetResult>;
  /**
   * Evaluates and writes the results; a result with unmatched fields is not written (outcome null),
   * and one the workbook refused comes back with the refusal, so its verdicts can still be shown.
   * `onResult` is given the result as soon as it is known, before it is written (the same object
   * the promise resolves with).
   */
  check(
    sheet: string,
    grid: SheetGrid,
    pack: Pack,
    opts: EvaluateOptions,
    onProgress?: (p: CheckProgress) => void,
    onResult?: (result: SheetResult) => void,
  ): Promise<{ result: SheetResult; outcome: WriteOutcome | null; writeError?: unknown }>;
  /** Every other sheet that fits a pack, with the workbook's saved choices where they apply; the rest named. */
  checkOthers(skip: string, packs: Pack[], saved: WorkbookSettings, onProgress?: (p: CheckProgress) => void): Promise<{ checked: OtherSheet[]; unfit: string[] }>;
  /** 汇总表: a result this checker gave (evaluate or check) summed up in a new sheet; the sheet's name. */
  writeSummary(result: SheetResult, pack: Pack, withChart: boolean): Promise<string>;
  /**
   * 生成台账: every sheet but our own read, the term ledger built and written as a new sheet (none
   * when it finds no studio: `sheet` null). The ledger comes back for the pane's names to confirm.
   */
  writeLedger(packs: LedgerPacks, opts: LedgerOptions, withChart: boolean, onProgress?: (p: CheckProgress) => void): Promise<{ ledger: LedgerShown; sheet: string | null }>;
  /** Stops the step under way (its promise rejects with the code "cancelled"); the workbook stays usable. */
  cancel?(): void;
  /**
   * The verdicts the pane will most likely ask for next (the pack and choices on screen), begun
   * ahead where the work runs apart from the pane (the web page's worker): a check or an
   * evaluation asked for with exactly these uses them instead of evaluating again; any other is
   * evaluated afresh. Nothing is shown or written by it.
   */
  prepare?(sheet: string, pack: Pack, opts: EvaluateOptions): void;
}

/** What the pane shows of a term ledger: its studios' names, the written names to confirm and the readings applied. */
export interface LedgerShown {
  studios: string[];
  names: Ledger["names"];
  readings: Ledger["readings"];
}

export type { CellValue };
