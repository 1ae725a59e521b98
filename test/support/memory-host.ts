/**
 * An in-memory workbook behind the WorkbookHost interface, for component tests and the headless
 * page test. It keeps the same promises as the real hosts: reads in chunks with progress, never
 * overwrites a cell it did not write (results then go to a new sheet), refuses protected sheets
 * with a coded, bilingual error before writing anything, and clears exactly what it wrote.
 * Every call is logged so tests can assert what the pane asked for.
 */
import type { OutValue, Progress, ResultPlan, SheetPlan, WorkbookHost, WorkbookSettings, WriteOutcome } from "../../src/engine/host";
import type { CellValue, SheetGrid, Severity } from "../../src/engine/types";
import { RECORD_HEADERS, RECORD_SHEET, recordLines, type CheckRecord } from "../../src/engine/record";

interface MemorySheet {
  cells: CellValue[][];
  protected: boolean;
  hiddenRows: number[];
  merges: string[];
}

export interface HostCall {
  method: string;
  args: unknown[];
}

function letter(col: number): string {
  let s = "";
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

const blank = (v: CellValue | undefined) => v === null || v === undefined || (typeof v === "string" && v.trim() === "");
/** JSON round trip: what a real host stores (settings, Office.js payloads) is JSON too. */
const clone = <T>(x: T): T => (x === undefined ? x : JSON.parse(JSON.stringify(x)));
const key = (sheet: string, row: number, col: number) => `${sheet}!${row},${col}`;

export class MemoryHost implements WorkbookHost {
  readonly kind = "memory" as const;
  readonly calls: HostCall[] = [];
  /** Cell colours the host applied, by "Sheet!A1". */
  readonly marks = new Map<string, Severity>();
  /** Rows handed to the progress callback per step. */
  chunkRows = 1000;
  /** Runs just before results are written: what the user changed while the check ran. */
  beforeWrite: (() => void) | null = null;
  private sheets = new Map<string, MemorySheet>();
  private active: string;
  private settings: WorkbookSettings = {};
  private written = new Set<string>();
  private created = new Set<string>();
  private listeners = new Set<(sheet: string) => void>();

  constructor(sheets: Record<string, CellValue[][]>, opts: { active?: string; settings?: WorkbookSettings } = {}) {
    for (const [name, cells] of Object.entries(sheets)) this.addSheet(name, cells);
    this.active = opts.active ?? Object.keys(sheets)[0] ?? "Sheet1";
    this.settings = clone(opts.settings ?? {});
  }

  addSheet(name: string, cells: CellValue[][], opts: { protected?: boolean; hiddenRows?: number[]; merges?: string[] } = {}): void {
    this.sheets.set(name, {
      cells: cells.map((r) => [...r]),
      protected: !!opts.protected,
      hiddenRows: opts.hiddenRows ?? [],
      merges: opts.merges ?? [],
    });
  }

  protect(name: string): void {
    this.sheet(name).protected = true;
  }

  /** The user switches sheets in Excel. */
  activate(name: string): void {
    this.active = name;
    for (const l of this.listeners) l(name);
  }

  /** A cell's value (1-based), for assertions. */
  cell(sheet: string, address: string): CellValue {
    const m = /^([A-Z]+)(\d+)$/.exec(address)!;
    let col = 0;
    for (const ch of m[1]) col = col * 26 + ch.charCodeAt(0) - 64;
    return this.sheet(sheet).cells[Number(m[2]) - 1]?.[col - 1] ?? null;
  }

  /** The user types into a cell. */
  setCell(sheet: string, address: string, v: CellValue): void {
    const m = /^([A-Z]+)(\d+)$/.exec(address)!;
    let col = 0;
    for (const ch of m[1]) col = col * 26 + ch.charCodeAt(0) - 64;
    const cells = this.sheet(sheet).cells;
    while (cells.length < Number(m[2])) cells.push([]);
    const r = cells[Number(m[2]) - 1];
    while (r.length < col) r.push(null);
    r[col - 1] = v;
    this.written.delete(key(sheet, Number(m[2]), col));
  }

  sheetNames(): string[] {
    return [...this.sheets.keys()];
  }

  rows(sheet: string): CellValue[][] {
    return this.sheet(sheet).cells.map((r) => [...r]);
  }

  callsTo(method: string): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  private log(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args: clone(args) });
  }

  private sheet(name: string): MemorySheet {
    const s = this.sheets.get(name);
    if (!s)
      throw {
        code: "sheet-not-found",
        sheet: name,
        message: { zh: `找不到工作表“${name}”，它可能已被重命名或删除。`, en: `Sheet "${name}" was not found; it may have been renamed or deleted.` },
      };
    return s;
  }

  private refuseProtected(name: string): void {
    if (this.sheet(name).protected)
      throw {
        code: "sheet-protected",
        sheet: name,
        message: {
          zh: `工作表“${name}”受保护，无法写入校验结果。请先在“审阅 → 撤消工作表保护”后再试；表中内容未作任何改动。`,
          en: `Sheet "${name}" is protected, so results cannot be written. Unprotect it (Review → Unprotect Sheet) and try again; nothing was changed.`,
        },
      };
  }

  private put(sheet: string, row: number, col: number, v: OutValue): void {
    const cells = this.sheet(sheet).cells;
    while (cells.length < row) cells.push([]);
    const r = cells[row - 1];
    while (r.length < col) r.push(null);
    r[col - 1] = v;
    this.written.add(key(sheet, row, col));
  }

  private newSheetName(base: string): string {
    let name = base.slice(0, 31);
    for (let i = 2; this.sheets.has(name) && !this.created.has(name); i++) name = `${base.slice(0, 28)}(${i})`;
    return name;
  }

  async listSheets(): Promise<string[]> {
    this.log("listSheets");
    return this.sheetNames();
  }

  async activeSheet(): Promise<string> {
    this.log("activeSheet");
    return this.active;
  }

  async readSheet(name: string, onProgress?: (p: Progress) => void): Promise<SheetGrid> {
    this.log("readSheet", name);
    const s = this.sheet(name);
    const total = s.cells.length;
    for (let done = 0; done < total; done = Math.min(total, done + this.chunkRows)) {
      onProgress?.({ done, total });
      await new Promise((r) => setTimeout(r, 0));
    }
    onProgress?.({ done: total, total });
    const width = Math.max(0, ...s.cells.map((r) => r.length));
    return {
      name,
      origin: { row: 1, col: 1 },
      rows: s.cells.map((r) => [...r, ...Array(width - r.length).fill(null)]),
      hiddenRows: [...s.hiddenRows],
      merges: [...s.merges],
    };
  }

  async writeResults(plan: ResultPlan, onProgress?: (p: Progress) => void): Promise<WriteOutcome> {
    this.log("writeResults", plan);
    this.beforeWrite?.();
    this.refuseProtected(plan.sheet);
    // A new run replaces the previous one on this sheet.
    for (const k of [...this.written]) {
      const m = /^(.*)!(\d+),(\d+)$/.exec(k)!;
      if (m[1] !== plan.sheet) continue;
      this.sheet(plan.sheet).cells[Number(m[2]) - 1][Number(m[3]) - 1] = null;
      this.written.delete(k);
    }
    const cells = this.sheet(plan.sheet).cells;
    const lastRow = Math.max(plan.headerRow, ...plan.rows.map((r) => r.row));
    let foreign = false;
    for (let row = plan.headerRow; row <= lastRow && !foreign; row++)
      for (let c = 0; c < plan.headers.length; c++) {
        const col = plan.startCol + c;
        if (!blank(cells[row - 1]?.[col - 1]) && !this.written.has(key(plan.sheet, row, col))) foreign = true;
      }
    let written = 0;
    const total = plan.rows.length;
    if (foreign) {
      const name = this.newSheetName(`${plan.sheet}校验结果`);
      this.sheets.set(name, { cells: [], protected: false, hiddenRows: [], merges: [] });
      this.created.add(name);
      ["行号", ...plan.headers].forEach((h, c) => this.put(name, 1, c + 1, h));
      plan.rows.forEach((r, i) => [r.row, ...r.values].forEach((v, c) => (this.put(name, i + 2, c + 1, v), written++)));
      onProgress?.({ done: total, total });
      plan.marks.forEach((m) => this.marks.set(`${plan.sheet}!${m.address}`, m.severity));
      return { placement: "sheet", sheet: name, range: `'${name}'!A1:${letter(plan.headers.length + 1)}${total + 1}`, cellsWritten: written, marked: plan.marks.length };
    }
    plan.headers.forEach((h, c) => this.put(plan.sheet, plan.headerRow, plan.startCol + c, h));
    plan.rows.forEach((r, i) => {
      r.values.forEach((v, c) => (this.put(plan.sheet, r.row, plan.startCol + c, v), written++));
      if ((i + 1) % this.chunkRows === 0) onProgress?.({ done: i + 1, total });
    });
    onProgress?.({ done: total, total });
    plan.marks.forEach((m) => this.marks.set(`${plan.sheet}!${m.address}`, m.severity));
    const endCol = letter(plan.startCol + plan.headers.length - 1);
    return {
      placement: "columns",
      sheet: plan.sheet,
      range: `'${plan.sheet}'!${letter(plan.startCol)}${plan.headerRow}:${endCol}${lastRow}`,
      cellsWritten: written,
      marked: plan.marks.length,
    };
  }

  async clearResults(): Promise<{ cellsCleared: number; sheetsRemoved: number }> {
    this.log("clearResults");
    let cellsCleared = 0;
    for (const k of this.written) {
      const m = /^(.*)!(\d+),(\d+)$/.exec(k)!;
      if (this.created.has(m[1])) continue;
      const s = this.sheets.get(m[1]);
      if (s?.cells[Number(m[2]) - 1]) {
        s.cells[Number(m[2]) - 1][Number(m[3]) - 1] = null;
        cellsCleared++;
      }
    }
    const sheetsRemoved = this.created.size;
    for (const name of this.created) this.sheets.delete(name);
    this.written.clear();
    this.created.clear();
    this.marks.clear();
    return { cellsCleared, sheetsRemoved };
  }

  async writeSheet(plan: SheetPlan): Promise<string> {
    this.log("writeSheet", plan);
    const name = this.newSheetName(plan.name);
    this.sheets.set(name, { cells: [], protected: false, hiddenRows: [], merges: [] });
    this.created.add(name);
    plan.rows.forEach((r, i) => r.forEach((v, c) => this.put(name, i + 1, c + 1, v)));
    return name;
  }

  async selectCell(sheet: string, address: string): Promise<void> {
    this.log("selectCell", sheet, address);
    this.sheet(sheet);
  }

  async loadSettings(): Promise<WorkbookSettings> {
    this.log("loadSettings");
    return clone(this.settings);
  }

  async saveSettings(s: WorkbookSettings): Promise<void> {
    this.log("saveSettings", s);
    this.settings = clone(s);
  }

  /** Check records, as the add-in keeps them in settings; their lines also go to the 校验记录 sheet (not ours to clear). */
  records: CheckRecord[] = [];

  async recordCheck(r: CheckRecord): Promise<void> {
    this.log("recordCheck", r);
    this.records.push(clone(r));
    if (!this.sheets.has(RECORD_SHEET)) this.sheets.set(RECORD_SHEET, { cells: [[...RECORD_HEADERS]], protected: false, hiddenRows: [], merges: [] });
    const cells = this.sheets.get(RECORD_SHEET)!.cells;
    for (const line of recordLines(r)) cells.push(line.map((v) => v ?? null));
  }

  savedSettings(): WorkbookSettings {
    return clone(this.settings);
  }

  onActiveSheetChanged(cb: (sheet: string) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }
}
