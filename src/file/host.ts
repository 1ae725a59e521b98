/**
 * WorkbookHost over an .xlsx held in memory — the standalone page's workbook (and any door that
 * checks files). Reading goes through our reader; "writing" records what the add-in would write,
 * so the annotated copy can be built from the untouched original bytes plus these plans.
 */
import { cellAt, rowCount } from "../engine/grid";
import { a1, colLetter, rangeA1 } from "../engine/address";
import type { OutValue, Progress, ResultPlan, SheetPlan, WorkbookHost, WorkbookSettings, WriteOutcome } from "../engine/host";
import type { CellValue, SheetGrid, Text2 } from "../engine/types";
import { readWorkbook, sheetGrid, type Workbook } from "./xlsx-read";
import { addinSettingsOf } from "./addin-part";
import { LEDGER_KEY, parseLedger, parseSettings, SETTINGS_KEY, type Ledger, type LedgerSheet } from "../excel/ledger";
import { appendRecord, parseRecords, RECORDS_KEY, type CheckRecord } from "../engine/record";
import { boxA1, encodeRuns, packCells, parseBox } from "../excel/a1";
import { blankAreas } from "../engine/output";

/** Errors a host throws carry a code and a message in both languages, like the Excel layer's. */
export class HostError extends Error {
  constructor(readonly code: string, readonly text: Text2) {
    super(text.zh);
  }
}

const RESULT_SHEET = "校验结果";

function blank(v: CellValue | undefined): boolean {
  return v === null || v === undefined || (typeof v === "string" && v.trim() === "");
}

export class FileWorkbookHost implements WorkbookHost {
  readonly kind = "file" as const;
  private readonly workbook: Workbook;
  private readonly grids = new Map<string, SheetGrid>();
  private results: ResultPlan[] = [];
  private sheets: SheetPlan[] = [];
  private settings: WorkbookSettings;
  /** What an earlier check wrote into this file (an annotated copy, or Excel), from the file's own ledger. */
  readonly prior: Ledger;
  /** Prior entries to take out of the copy: the sheets checked again, or all after 清除结果. */
  private readonly replaced = new Set<LedgerSheet>();
  /** The check records stored in the file, and those made since it was opened (their lines go to 校验记录). */
  private records: CheckRecord[];
  private readonly newRecords: CheckRecord[] = [];

  /**
   * Throws a HostError (encrypted, legacy-xls, not-a-workbook, damaged, too-large) when the bytes are not a readable workbook.
   * `read`: the workbook already read (the web page reads in a worker); otherwise the bytes are read here.
   */
  constructor(readonly original: Uint8Array, readonly name = "workbook.xlsx", read?: Workbook) {
    const r = read ? { ok: true as const, workbook: read } : readWorkbook(original);
    if (!r.ok) throw new HostError(r.error.code, { zh: r.error.message, en: r.error.message.replace(/^.*（(.*)）.*$/, "$1") });
    this.workbook = r.workbook;
    // Where the add-in keeps its settings, ledger and records (document settings): Excel's and ours are the same.
    const stored = addinSettingsOf(original);
    this.settings = parseSettings(stored[SETTINGS_KEY]);
    this.prior = parseLedger(stored[LEDGER_KEY]);
    this.records = parseRecords(stored[RECORDS_KEY]);
  }

  private priorOf(sheet: string): LedgerSheet[] {
    return this.prior.sheets.filter((e) => (e.id === sheet || e.name === sheet) && !this.replaced.has(e));
  }

  async listSheets(): Promise<string[]> {
    return this.workbook.sheets.map((s) => s.name);
  }

  async activeSheet(): Promise<string> {
    return (this.workbook.sheets.find((s) => s.state === "visible") ?? this.workbook.sheets[0]).name;
  }

  async readSheet(name: string, onProgress?: (p: Progress) => void): Promise<SheetGrid> {
    const hit = this.grids.get(name);
    if (hit) return hit;
    const entry = this.workbook.sheets.find((s) => s.name === name);
    if (!entry) throw new HostError("no-such-sheet", { zh: `没有名为“${name}”的工作表`, en: `there is no sheet named "${name}"` });
    const g = sheetGrid(entry);
    if (!g.ok) throw new HostError(g.error.code, { zh: g.error.message, en: g.error.message });
    onProgress?.({ done: rowCount(g.grid), total: rowCount(g.grid) });
    // Results an earlier check wrote here are ours, not the official's data: read as blank.
    const grid = blankAreas(g.grid, this.prior.sheets.filter((e) => e.id === name || e.name === name).flatMap((e) => (e.area ? [e.area] : [])));
    this.grids.set(name, grid);
    return grid;
  }

  /** The first cell of the target area that holds something the add-in did not write, if any. */
  private foreign(grid: SheetGrid, plan: ResultPlan): string | null {
    const rows = [plan.headerRow, ...plan.rows.map((r) => r.row)];
    for (const row of rows) {
      for (let i = 0; i < plan.headers.length; i++) {
        const col = plan.startCol + i;
        if (!blank(cellAt(grid, row - grid.origin.row, col - grid.origin.col))) return a1(row, col);
      }
    }
    return null;
  }

  async writeResults(plan: ResultPlan, onProgress?: (p: Progress) => void): Promise<WriteOutcome> {
    const grid = await this.readSheet(plan.sheet);
    // A new check replaces what an earlier one wrote on this sheet, whichever door wrote it.
    for (const e of this.priorOf(plan.sheet)) this.replaced.add(e);
    this.results = this.results.filter((p) => p.sheet !== plan.sheet);
    this.sheets = this.sheets.filter((s) => s.name !== RESULT_SHEET);
    const cells = plan.rows.length * plan.headers.length + plan.headers.length;
    const blocked = this.foreign(grid, plan);
    onProgress?.({ done: plan.rows.length, total: plan.rows.length });
    if (blocked) {
      // Never over someone's data: the results go to a sheet of their own, row numbers first.
      const rows: OutValue[][] = [["行", ...plan.headers], ...plan.rows.map((r) => [r.row, ...r.values])];
      this.sheets.push({ name: RESULT_SHEET, rows, headerRows: [1] });
      return {
        placement: "sheet",
        sheet: RESULT_SHEET,
        range: `${RESULT_SHEET}!${rangeA1(1, 1, rows.length, plan.headers.length + 1)}`,
        cellsWritten: cells,
        marked: 0,
        note: { zh: `${blocked} 已有内容，结果写入新工作表`, en: `${blocked} is not empty; results went to a new sheet` },
      };
    }
    this.results.push(plan);
    const last = plan.rows.length ? plan.rows[plan.rows.length - 1].row : plan.headerRow;
    return {
      placement: "columns",
      sheet: plan.sheet,
      range: `${plan.sheet}!${colLetter(plan.startCol)}${plan.headerRow}:${colLetter(plan.startCol + plan.headers.length - 1)}${last}`,
      cellsWritten: cells,
      marked: plan.marks.length,
    };
  }

  async clearResults(): Promise<{ cellsCleared: number; sheetsRemoved: number }> {
    let cellsCleared = this.results.reduce((n, p) => n + p.rows.length * p.headers.length + p.headers.length, 0);
    for (const e of this.prior.sheets)
      if (!this.replaced.has(e)) {
        this.replaced.add(e);
        cellsCleared += e.cells;
      }
    const sheetsRemoved = this.sheets.length;
    this.results = [];
    this.sheets = [];
    return { cellsCleared, sheetsRemoved };
  }

  async writeSheet(plan: SheetPlan): Promise<string> {
    const taken = new Set(this.workbook.sheets.map((s) => s.name));
    let name = plan.name;
    for (let n = 2; taken.has(name); n++) name = `${plan.name}(${n})`;
    this.sheets = this.sheets.filter((s) => s.name !== name);
    this.sheets.push({ ...plan, name });
    return name;
  }

  async selectCell(): Promise<void> {
    // A file has no selection; the page shows the address instead.
  }

  async loadSettings(): Promise<WorkbookSettings> {
    return this.settings;
  }

  async saveSettings(s: WorkbookSettings): Promise<void> {
    this.settings = s;
  }

  async recordCheck(r: CheckRecord): Promise<void> {
    this.records = appendRecord(this.records, r);
    this.newRecords.push(r);
  }

  /** Check records made since the file was opened (for its 校验记录 lines). */
  recordsMade(): CheckRecord[] {
    return [...this.newRecords];
  }

  /** Earlier results to take out of the copy before the new ones go in. */
  replacedEntries(): LedgerSheet[] {
    return this.prior.sheets.filter((e) => this.replaced.has(e));
  }

  /**
   * What the copy's add-in settings hold: the settings, every check record, and the ledger of what
   * is ours in the copy — earlier entries still standing plus this session's results — so that a
   * later check in Excel, the page or the command line replaces or clears exactly them.
   */
  addinValues(): Record<string, unknown> {
    const sheets = [...this.prior.sheets.filter((e) => !this.replaced.has(e)), ...this.results.map(ledgerEntry)];
    return {
      [SETTINGS_KEY]: this.settings,
      [RECORDS_KEY]: this.records,
      [LEDGER_KEY]: sheets.length ? ({ v: 1, sheets, created: [] } satisfies Ledger) : undefined,
    };
  }

  /** What validation wrote beside the data, per sheet. */
  resultPlans(): ResultPlan[] {
    return [...this.results];
  }

  /** Sheets the add-in created (summary, template, results moved aside). */
  sheetPlans(): SheetPlan[] {
    return [...this.sheets];
  }
}

/** A ledger entry for results a file door wrote beside the data: the sheet named by its name (a file has no Excel ids). */
export function ledgerEntry(plan: ResultPlan): LedgerSheet {
  const last = plan.rows.reduce((m, r) => Math.max(m, r.row), plan.headerRow);
  const area = { r1: plan.headerRow, c1: plan.startCol, r2: last, c2: plan.startCol + plan.headers.length - 1 };
  const cells: Record<"error" | "warning", { row: number; col: number }[]> = { error: [], warning: [] };
  for (const m of plan.marks) {
    const b = parseBox(m.address);
    if (b) for (let row = b.r1; row <= b.r2; row++) for (let col = b.c1; col <= b.c2; col++) cells[m.severity].push({ row, col });
  }
  return {
    id: plan.sheet,
    name: plan.sheet,
    area: boxA1(area),
    cells: (area.r2 - area.r1 + 1) * (area.c2 - area.c1 + 1),
    header: boxA1({ ...area, r2: area.r1 }),
    headerBold: false,
    marks: { error: encodeRuns(packCells(cells.error)), warning: encodeRuns(packCells(cells.warning)) },
    fills: {},
  };
}

/** The annotated copy of the original file (result columns, marks, added sheets), edited in place of re-saved: see resave.ts. */
export { toAnnotatedCopy, type ResaveError } from "./resave";
