/**
 * WorkbookHost over an .xlsx held in memory — the standalone page's workbook (and any door that
 * checks files). Reading goes through our reader; "writing" records what the add-in would write,
 * so the annotated copy can be built from the untouched original bytes plus these plans.
 */
import { rowCount } from "../engine/grid";
import { colLetter, rangeA1 } from "../engine/address";
import { typedInTheWay, withoutOurResults } from "../engine/fingerprint";
import type { Progress, ResultPlan, SheetPlan, WorkbookHost, WorkbookSettings, WriteOutcome } from "../engine/host";
import type { SheetGrid, Text2 } from "../engine/types";
import { readWorkbook, sheetGrid, type Workbook } from "./xlsx-read";
import { addinSettingsOf } from "./addin-part";
import { LEDGER_KEY, parseLedger, parseSettings, SETTINGS_KEY, type Ledger, type LedgerCreated, type LedgerSheet } from "../excel/ledger";
import { appendRecord, ourSheets, parseRecords, RECORD_SHEET, recordSheet, RECORDS_KEY, type CheckRecord } from "../engine/record";
import { RESULT_SHEET, safeSheetName } from "../engine/output";
import { aside, blockedCell, createdEntry, freeSheetName, type CopyInput } from "./copy";
import { removableSheets, sourceOf, createdSheet } from "./unwrite";

/** Errors a host throws carry a code and a message in both languages, like the Excel layer's. */
export class HostError extends Error {
  constructor(readonly code: string, readonly text: Text2) {
    super(text.zh);
  }
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
  /** Sheets an earlier check created that are dropped from the ledger (their source checked again, or 清除结果) … */
  private readonly dropped = new Set<LedgerCreated>();
  /** … and of those, the ones holding nothing but what we wrote: taken out of the copy. */
  private readonly removed = new Set<string>();
  /** Sheets this session adds (results moved aside, summary, template), for the ledger. */
  private created: LedgerCreated[] = [];
  /** The check records stored in the file, and those made since it was opened (their lines go to 校验记录). */
  private records: CheckRecord[];
  private readonly newRecords: CheckRecord[] = [];
  /** Cells of an earlier entry's result area an official has typed over (by its fingerprint): theirs, never cleared. */
  private readonly typed = new Map<LedgerSheet, string[]>();

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

  /** The sheet of this workbook an earlier entry names (by id; for the file door the id is the name). */
  private sheetOf(e: LedgerSheet): string {
    return this.workbook.sheets.some((s) => s.name === e.id) ? e.id : e.name;
  }

  /** Cells of an entry's area typed over since it was written (A1), read from the sheet as it is. */
  private typedOf(e: LedgerSheet): string[] {
    const hit = this.typed.get(e);
    if (hit) return hit;
    const entry = e.area && e.fingerprint ? this.workbook.sheets.find((s) => s.name === this.sheetOf(e)) : undefined;
    const g = entry ? sheetGrid(entry) : null;
    const found = g?.ok ? withoutOurResults(g.grid, [e]).typed[0] : [];
    this.typed.set(e, found);
    return found;
  }

  private priorOf(sheet: string): LedgerSheet[] {
    return this.prior.sheets.filter((e) => (e.id === sheet || e.name === sheet) && !this.replaced.has(e));
  }

  /** Earlier created sheets leave the ledger; those still only ours leave the copy too. */
  private drop(list: LedgerCreated[]): void {
    const fresh = list.filter((c) => !this.dropped.has(c));
    fresh.forEach((c) => this.dropped.add(c));
    for (const name of removableSheets(this.workbook, fresh)) this.removed.add(name);
  }

  /** A sheet name free in the copy: not an original sheet that stays, nor one added already. */
  private freeName(base: string): string {
    return freeSheetName(base, [...this.workbook.sheets.map((s) => s.name).filter((n) => !this.removed.has(n)), ...this.sheets.map((s) => s.name)]);
  }

  /** Adds a sheet of ours to the copy and to its ledger. */
  private addSheet(plan: SheetPlan, source: string | null, base?: string): string {
    const name = this.freeName(plan.name);
    this.sheets.push({ ...plan, name });
    this.created.push(createdEntry({ ...plan, name }, source, base));
    return name;
  }

  private unadd(keep: (c: LedgerCreated) => boolean): void {
    const gone = new Set(this.created.filter((c) => !keep(c)).map((c) => c.name));
    this.created = this.created.filter(keep);
    this.sheets = this.sheets.filter((s) => !gone.has(s.name));
  }

  /** Sheets that are ours — created by a check in any door, not since taken over by an official — besides 校验记录. */
  async ownSheets(): Promise<string[]> {
    const names = this.workbook.sheets.map((s) => s.name);
    const earlier = this.prior.created.filter((c) => !this.dropped.has(c)).map((c) => createdSheet(names, c));
    return [...earlier.filter((n): n is string => n !== null), ...this.removed, ...this.created.map((c) => c.name)];
  }

  /**
   * The sheets the annotated copy will hold, so an official can look at each before downloading:
   * the original's that stay (not an earlier sheet of ours taken out), then the sheets added —
   * summary, template, ledger, results moved aside, and a new 校验记录 once a check is recorded.
   */
  async listSheets(): Promise<string[]> {
    const kept = this.workbook.sheets.map((s) => s.name).filter((n) => !this.removed.has(n));
    const added = this.sheets.map((s) => s.name);
    return [...kept, ...added, ...(this.newRecordSheet() ? [RECORD_SHEET] : [])];
  }

  /** The 校验记录 sheet the copy will add (the file has none yet), as copy.ts builds it. */
  private newRecordSheet(): SheetPlan | null {
    if (!this.newRecords.length || this.workbook.sheets.some((s) => s.name === RECORD_SHEET)) return null;
    return recordSheet(this.newRecords);
  }

  /** A sheet that exists only as a plan so far: its cells as the copy will hold them. */
  private plannedSheet(name: string): SheetGrid | null {
    const plan = this.sheets.find((s) => s.name === name) ?? (name === RECORD_SHEET ? this.newRecordSheet() : null);
    return plan && { name, rows: plan.rows.map((r) => r.map((v) => v ?? null)), origin: { row: 1, col: 1 } };
  }

  async activeSheet(): Promise<string> {
    const kept = this.workbook.sheets.filter((s) => !this.removed.has(s.name));
    return (kept.find((s) => s.state === "visible") ?? kept[0] ?? this.workbook.sheets[0]).name;
  }

  async readSheet(name: string, onProgress?: (p: Progress) => void): Promise<SheetGrid> {
    // Not kept with the file's grids: a plan is replaced (a new summary) or taken back (清除结果) under the same name.
    const planned = this.plannedSheet(name);
    if (planned) return planned;
    const hit = this.grids.get(name);
    if (hit) return hit;
    const entry = this.workbook.sheets.find((s) => s.name === name);
    if (!entry) throw new HostError("no-such-sheet", { zh: `没有名为“${name}”的工作表`, en: `there is no sheet named "${name}"` });
    const g = sheetGrid(entry);
    if (!g.ok) throw new HostError(g.error.code, { zh: g.error.message, en: g.error.message });
    onProgress?.({ done: rowCount(g.grid), total: rowCount(g.grid) });
    // Results an earlier check wrote here are ours, not the official's data: read as blank; cells of
    // them an official has typed over since are theirs and stand in the way (writeResults).
    const entries = this.prior.sheets.filter((e) => e.id === name || e.name === name);
    const { grid, typed } = withoutOurResults(g.grid, entries);
    entries.forEach((e, i) => this.typed.set(e, typed[i]));
    this.grids.set(name, grid);
    return grid;
  }

  async writeResults(plan: ResultPlan, onProgress?: (p: Progress) => void): Promise<WriteOutcome> {
    const grid = await this.readSheet(plan.sheet);
    // A new check replaces what an earlier one wrote on this sheet, whichever door wrote it.
    for (const e of this.priorOf(plan.sheet)) this.replaced.add(e);
    // So does a results sheet an earlier check (any door) made for this sheet: the ledger says which.
    this.drop(this.prior.created.filter((c) => sourceOf(this.prior, c) === plan.sheet));
    this.results = this.results.filter((p) => p.sheet !== plan.sheet);
    this.unadd((c) => c.source !== plan.sheet);
    const cells = plan.rows.length * plan.headers.length + plan.headers.length;
    const blocked = blockedCell(grid, plan) ?? typedInTheWay(plan, this.prior.sheets.filter((e) => e.id === plan.sheet || e.name === plan.sheet).flatMap((e) => this.typedOf(e)));
    onProgress?.({ done: plan.rows.length, total: plan.rows.length });
    if (blocked) {
      // Never over someone's data: the results go to a sheet of their own (the same layout as Excel's); the marks stay on the data.
      const moved = aside(plan, blocked, this.freeName(RESULT_SHEET));
      const { why, sheet } = moved;
      const name = sheet.name;
      this.sheets.push(sheet);
      this.created.push(moved.created);
      this.results.push(moved.marks);
      return {
        placement: "sheet",
        sheet: name,
        range: `${name}!${rangeA1(1, 1, sheet.rows.length, plan.headers.length + 1)}`,
        cellsWritten: sheet.rows.length * (plan.headers.length + 1),
        marked: plan.marks.length,
        note: { zh: `${why.zh}，为不覆盖原有数据，结果写在新工作表“${name}”中。`, en: `${why.en}, so the results went to a new sheet "${name}" to leave existing data untouched.` },
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

  /** `cellsKept`: cells of earlier results an official has typed over — left in place, and named. */
  async clearResults(): Promise<{ cellsCleared: number; sheetsRemoved: number; cellsKept: { sheet: string; cell: string }[] }> {
    let cellsCleared = this.results.reduce((n, p) => n + p.rows.length * p.headers.length + p.headers.length, 0);
    const cellsKept: { sheet: string; cell: string }[] = [];
    for (const e of this.prior.sheets)
      if (!this.replaced.has(e)) {
        this.replaced.add(e);
        const typed = this.typedOf(e);
        cellsCleared += e.cells - typed.length;
        cellsKept.push(...typed.map((cell) => ({ sheet: this.sheetOf(e), cell })));
      }
    const before = this.removed.size;
    this.drop(this.prior.created);
    const sheetsRemoved = this.sheets.length + this.removed.size - before;
    this.results = [];
    this.sheets = [];
    this.created = [];
    return { cellsCleared, sheetsRemoved, cellsKept };
  }

  /** A sheet of ours (summary, template): an earlier one from the same plan, still only ours, is replaced. */
  async writeSheet(plan: SheetPlan): Promise<string> {
    const base = safeSheetName(plan.name);
    this.drop(this.prior.created.filter((c) => c.base === base));
    this.unadd((c) => c.base !== base);
    return this.addSheet({ ...plan, name: base }, null, base);
  }

  /** Earlier sheets of ours to take out of the copy. */
  removedSheets(): string[] {
    return [...this.removed];
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

  /** Everything the annotated copy needs (copy.ts), the same from the page and from its worker. */
  copyInput(): CopyInput {
    return {
      plans: this.resultPlans(),
      sheets: this.sheetPlans(),
      replaced: this.replacedEntries(),
      removed: this.removedSheets(),
      typed: this.typedReplaced(),
      records: this.recordsMade(),
      addin: this.addinValues(),
      kept: this.keptLedger(),
    };
  }

  /** Sheets of the workbook a report must name as not checked: all but `done` and our own. */
  async notChecked(done: string[]): Promise<string[]> {
    const skip = new Set([...done, ...ourSheets(await this.ownSheets())]);
    return this.workbook.sheets.map((s) => s.name).filter((n) => !skip.has(n));
  }

  /** Per sheet, the cells of the replaced earlier results that an official typed over: left in the copy. */
  typedReplaced(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const e of this.replacedEntries()) {
      const cells = this.typedOf(e);
      if (cells.length) (out[this.sheetOf(e)] ??= []).push(...cells);
    }
    return out;
  }

  /** Earlier results to take out of the copy before the new ones go in. */
  replacedEntries(): LedgerSheet[] {
    return this.prior.sheets.filter((e) => this.replaced.has(e));
  }

  /** What the copy's add-in settings hold besides the ledger: the settings and every check record. */
  addinValues(): Record<string, unknown> {
    return { [SETTINGS_KEY]: this.settings, [RECORDS_KEY]: this.records };
  }

  /**
   * Earlier entries of the file's ledger that stay ours in the copy (copy.ts adds this session's
   * results), so that a later check in Excel, the page or the command line replaces or clears
   * exactly them.
   */
  keptLedger(): { sheets: LedgerSheet[]; created: LedgerCreated[] } {
    return { sheets: this.prior.sheets.filter((e) => !this.replaced.has(e)), created: [...this.prior.created.filter((c) => !this.dropped.has(c)), ...this.created] };
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
