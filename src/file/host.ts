/**
 * WorkbookHost over an .xlsx held in memory — the standalone page's workbook (and any door that
 * checks files). Reading goes through our reader; "writing" records what the add-in would write,
 * so the annotated copy can be built from the untouched original bytes plus these plans.
 */
import { a1, colLetter, rangeA1 } from "../engine/address";
import type { OutValue, Progress, ResultPlan, SheetPlan, WorkbookHost, WorkbookSettings, WriteOutcome } from "../engine/host";
import type { CellValue, SheetGrid, Text2 } from "../engine/types";
import { readWorkbook, sheetGrid, type Workbook } from "./xlsx-read";

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
  private settings: WorkbookSettings = {};

  /** Throws a HostError (encrypted, legacy-xls, not-a-workbook, damaged, too-large) when the bytes are not a readable workbook. */
  constructor(readonly original: Uint8Array, readonly name = "workbook.xlsx") {
    const r = readWorkbook(original);
    if (!r.ok) throw new HostError(r.error.code, { zh: r.error.message, en: r.error.message.replace(/^.*（(.*)）.*$/, "$1") });
    this.workbook = r.workbook;
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
    onProgress?.({ done: g.grid.rows.length, total: g.grid.rows.length });
    this.grids.set(name, g.grid);
    return g.grid;
  }

  /** The first cell of the target area that holds something the add-in did not write, if any. */
  private foreign(grid: SheetGrid, plan: ResultPlan): string | null {
    const rows = [plan.headerRow, ...plan.rows.map((r) => r.row)];
    for (const row of rows) {
      const cells = grid.rows[row - grid.origin.row] ?? [];
      for (let i = 0; i < plan.headers.length; i++) {
        const col = plan.startCol + i;
        if (!blank(cells[col - grid.origin.col])) return a1(row, col);
      }
    }
    return null;
  }

  async writeResults(plan: ResultPlan, onProgress?: (p: Progress) => void): Promise<WriteOutcome> {
    const grid = await this.readSheet(plan.sheet);
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
    const cellsCleared = this.results.reduce((n, p) => n + p.rows.length * p.headers.length + p.headers.length, 0);
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

  /** What validation wrote beside the data, per sheet. */
  resultPlans(): ResultPlan[] {
    return [...this.results];
  }

  /** Sheets the add-in created (summary, template, results moved aside). */
  sheetPlans(): SheetPlan[] {
    return [...this.sheets];
  }
}

/** The annotated copy of the original file (result columns, marks, added sheets), edited in place of re-saved: see resave.ts. */
export { toAnnotatedCopy, type ResaveError } from "./resave";
