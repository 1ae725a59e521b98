/**
 * The annotated copy with its record, the same from the page and the command line: earlier results
 * the ledger names are taken out (unwrite.ts), the new results and sheets go in (resave.ts), the
 * check's lines are appended to 校验记录 (or the sheet is added), and the add-in's settings part
 * gets the settings, the records and the ledger of what is ours in the copy (addin-part.ts), so
 * Excel and every door read them back. Browser-safe.
 */
import { cellAt, rowCount, rowWidth } from "../engine/grid";
import type { ResultPlan, SheetPlan } from "../engine/host";
import { RECORD_SHEET, recordLines, recordSheet, type CheckRecord } from "../engine/record";
import { LEDGER_KEY, type Ledger, type LedgerCreated, type LedgerSheet } from "../excel/ledger";
import { boxA1 } from "../excel/a1";
import type { CellValue, Severity, SheetGrid, Text2 } from "../engine/types";
import { a1, colLetter, rangeA1 } from "../engine/address";
import { asideRows, lastPlanRow, marksOnly } from "../engine/output";
import { fingerprint, FINGERPRINT_CHARS } from "../engine/fingerprint";
import { setAddinSettings } from "./addin-part";
import type { PackageEdit } from "./zip-copy";
import { toAnnotatedCopy, toAnnotatedCopyAside, type CopyOptions, type ResaveError } from "./resave";
import { unwrite } from "./unwrite";
import { readWorkbook, sheetGrid } from "./xlsx-read";

export interface CopyInput {
  plans: ResultPlan[];
  sheets: SheetPlan[];
  /** Earlier results to take out first. */
  replaced: LedgerSheet[];
  /** Sheets we created earlier to take out first (found removable: nothing but what we wrote). */
  removed?: string[];
  /** Per sheet name, cells of the replaced results an official has typed over (A1): left in place. */
  typed?: Record<string, string[]>;
  /** Checks made now: their lines go to 校验记录. */
  records: CheckRecord[];
  /** Add-in settings to store (key → value; undefined removes); the ledger is made here. */
  addin: Record<string, unknown>;
  /** What stays ours in the copy besides this check's results: earlier entries not replaced, sheets created earlier and kept. */
  kept?: { sheets: LedgerSheet[]; created: LedgerCreated[] };
}

export interface Copy {
  copy: Uint8Array;
  /** The package the copy was made from (the original without earlier results): what to verify the copy against. */
  base: Uint8Array;
  plans: ResultPlan[];
  sheets: SheetPlan[];
}

const refusal = (detail: string): ResaveError => ({ error: { code: "cannot-resave", message: `无法生成批注副本，原文件未改动（cannot write an annotated copy）：${detail}` } });

/** The record lines as an append below the last line of an existing 校验记录 sheet, or as a new sheet. */
function recordOutput(base: Uint8Array, records: CheckRecord[]): { plan?: ResultPlan; sheet?: SheetPlan } {
  const lines = records.flatMap(recordLines);
  if (!lines.length) return {};
  const r = readWorkbook(base);
  const entry = r.ok ? r.workbook.sheets.find((s) => s.name === RECORD_SHEET) : undefined;
  const g = entry ? sheetGrid(entry) : null;
  if (!g?.ok) return { sheet: recordSheet(records) };
  let last = 0;
  for (let i = 0, n = rowCount(g.grid); i < n; i++) {
    for (let c = 0, w = rowWidth(g.grid, i); c < w; c++) {
      const v = cellAt(g.grid, i, c);
      if (v !== null && v !== "") {
        last = g.grid.origin.row + i;
        break;
      }
    }
  }
  return { plan: { sheet: RECORD_SHEET, headerRow: last, startCol: 1, headers: [], rows: lines.map((values, i) => ({ row: last + 1 + i, values })), marks: [] } };
}

export function annotatedCopy(original: Uint8Array, input: CopyInput, opts: CopyOptions = {}): Copy | ResaveError {
  const c = prepared(original, input, opts);
  return "error" in c ? c : c.done(toAnnotatedCopy(c.base, c.plans, c.sheets, c.opts));
}

/** annotatedCopy with the edited sheets compressed in the thread pool as they are edited (the command line's workers). */
export async function annotatedCopyAside(original: Uint8Array, input: CopyInput, opts: CopyOptions = {}): Promise<Copy | ResaveError> {
  const c = prepared(original, input, opts);
  return "error" in c ? c : c.done(await toAnnotatedCopyAside(c.base, c.plans, c.sheets, c.opts));
}

/** What the copy is made from and with: earlier results taken out, the record's lines, the ledger written as the last edit. */
function prepared(
  original: Uint8Array,
  input: CopyInput,
  opts: CopyOptions,
): ResaveError | { base: Uint8Array; plans: ResultPlan[]; sheets: SheetPlan[]; opts: CopyOptions; done: (made: Uint8Array | ResaveError) => Copy | ResaveError } {
  let base: Uint8Array;
  try {
    base = unwrite(original, input.replaced, input.removed, input.typed);
  } catch (e) {
    return refusal(`无法移除先前的校验结果：${e instanceof Error ? e.message : String(e)}`);
  }
  const rec = recordOutput(base, input.records);
  const plans = rec.plan ? [...input.plans, rec.plan] : input.plans;
  const sheets = rec.sheet ? [...input.sheets, rec.sheet] : input.sheets;
  const marked = new Map<string, MarkLog>();
  const onMark = (sheet: string, row: number, col: number, severity: Severity, fill: string | null) => {
    let log = marked.get(sheet);
    if (!log) marked.set(sheet, (log = new MarkLog()));
    log.add(row, col, severity, fill);
  };
  // The settings (with the ledger of the marks just made) go into the same package edit: the copy is zipped once.
  let settingsFailed: unknown = null;
  const finish = (pkg: PackageEdit) => {
    const kept = input.kept ?? { sheets: [], created: [] };
    const entries = withinPrintBudget([...kept.sheets, ...input.plans.map((p) => ledgerEntry(p, marked.get(p.sheet) ?? new MarkLog()))]);
    const ledger: Ledger | undefined = entries.length || kept.created.length ? { v: 1, sheets: entries, created: kept.created } : undefined;
    try {
      setAddinSettings(pkg, { ...input.addin, [LEDGER_KEY]: ledger });
    } catch (e) {
      settingsFailed = e;
      throw e;
    }
  };
  const done = (made: Uint8Array | ResaveError): Copy | ResaveError => {
    if (settingsFailed) return refusal(`无法写入加载项设置：${settingsFailed instanceof Error ? settingsFailed.message : String(settingsFailed)}`);
    if (!(made instanceof Uint8Array)) return made;
    return { copy: made, base, plans, sheets };
  };
  return { base, plans, sheets, opts: { ...opts, onMark, finish }, done };
}

/** Fingerprints past the ledger's ceiling are left out (those areas clear as a block, as before). */
function withinPrintBudget(entries: LedgerSheet[]): LedgerSheet[] {
  let room = FINGERPRINT_CHARS;
  return entries.map((e) => {
    if (!e.fingerprint) return e;
    if (e.fingerprint.length <= room) {
      room -= e.fingerprint.length;
      return e;
    }
    const { fingerprint: _dropped, ...rest } = e;
    return rest;
  });
}

/** Rows fit in 21 bits (1,048,576): a cell packed column first, so cells sort by column, then row. */
const ROW_BITS = 2 ** 21;
const FILLS = 65536;

/**
 * The cells a copy coloured on one sheet, with the fill each had before ("#RRGGBB" or none), as
 * typed arrays: a city sheet's copy colours millions. Per cell its row, its column, and its fill
 * as an index into the colours in the order first met (0: none) × 2, plus 1 for an error.
 */
export class MarkLog {
  private rows = new Int32Array(256);
  private cols = new Int32Array(256);
  private flags = new Int32Array(256);
  private n = 0;
  private readonly colours: string[] = [];
  private readonly colourIds = new Map<string, number>();

  add(row: number, col: number, severity: Severity, fill: string | null): void {
    if (this.n === this.rows.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.rows = grow(this.rows);
      this.cols = grow(this.cols);
      this.flags = grow(this.flags);
    }
    let id = 0;
    if (fill !== null) {
      id = this.colourIds.get(fill) ?? 0;
      if (!id) {
        // A workbook holds fewer cell formats than this (Excel's limit is 64,000).
        if (this.colours.length === FILLS - 1) throw new Error("标记的单元格原有底色种类过多");
        this.colourIds.set(fill, (id = this.colours.push(fill)));
      }
    }
    const n = this.n++;
    this.rows[n] = row;
    this.cols[n] = col;
    this.flags[n] = id * 2 + (severity === "error" ? 1 : 0);
  }

  /**
   * The cells' indexes column by column, rows ascending in each: the copy's writer adds them row
   * by row, columns ascending, so a stable count by column orders them in one pass; cells added in
   * any other order are sorted.
   */
  private columnOrder(): Int32Array {
    const { n, rows, cols } = this;
    const order = new Int32Array(n);
    let rowMajor = true;
    let maxCol = 0;
    for (let i = 0; i < n; i++) {
      if (cols[i] > maxCol) maxCol = cols[i];
      if (i && (rows[i] < rows[i - 1] || (rows[i] === rows[i - 1] && cols[i] < cols[i - 1]))) rowMajor = false;
    }
    if (!rowMajor) {
      for (let i = 0; i < n; i++) order[i] = i;
      return order.sort((a, b) => cols[a] - cols[b] || rows[a] - rows[b]);
    }
    const start = new Int32Array(maxCol + 2);
    for (let i = 0; i < n; i++) start[cols[i] + 1]++;
    for (let c = 1; c < start.length; c++) start[c] += start[c - 1];
    for (let i = 0; i < n; i++) order[start[cols[i]]++] = i;
    return order;
  }

  /** The ledger's marks and fills, as encodeRuns(packCells(cells)) writes each list of cells. */
  encoded(): { error: string; warning: string; fills: Record<string, string> } {
    const n = this.n;
    const { rows, cols, flags } = this;
    const order = this.columnOrder();
    // Each list of cells filled in one pass, in column order: errors, warnings, and per fill.
    const perFill = new Int32Array(this.colours.length + 1);
    let errors = 0;
    for (let i = 0; i < n; i++) {
      perFill[flags[i] >> 1]++;
      errors += flags[i] & 1;
    }
    const error = new Float64Array(errors);
    const warning = new Float64Array(n - errors);
    const byFill = Array.from(perFill, (m, k) => new Float64Array(k ? m : 0));
    const at = new Int32Array(perFill.length);
    let e = 0;
    let w = 0;
    for (let k = 0; k < n; k++) {
      const i = order[k];
      const cell = cols[i] * ROW_BITS + rows[i];
      const f = flags[i];
      if (f & 1) error[e++] = cell;
      else warning[w++] = cell;
      const id = f >> 1;
      if (id) byFill[id][at[id]++] = cell;
    }
    const fills: Record<string, string> = {};
    this.colours.forEach((colour, k) => (fills[colour] = encodeCells(byFill[k + 1])));
    return { error: encodeCells(error), warning: encodeCells(warning), fills };
  }
}

/**
 * Cells packed column first, ascending, written as encodeRuns writes packCells' runs: per column
 * "C:" and each run of consecutive rows as the distance of its first row from the previous run's
 * and its extra length in base 36, repeats folded ("a,7*1j8j").
 */
export function encodeCells(cells: ArrayLike<number>): string {
  const cols: string[] = [];
  let col = -1;
  let folded: string[] = [];
  let prev = 0;
  // The token being repeated as its two numbers (the run's distance from the last, its extra
  // length), written out once its repeats end: a city sheet's runs are mostly repeats.
  let delta = 0;
  let extra = 0;
  let times = 0;
  let r1 = -1;
  let r2 = -1;
  const endToken = () => {
    if (times) {
      const token = delta.toString(36) + (extra > 0 ? `+${extra.toString(36)}` : "");
      folded.push(times > 1 ? `${token}*${times.toString(36)}` : token);
    }
    times = 0;
  };
  const endRun = () => {
    if (r1 < 0) return;
    const d = r1 - prev;
    const x = r2 - r1;
    prev = r1;
    if (times && d === delta && x === extra) times++;
    else {
      endToken();
      delta = d;
      extra = x;
      times = 1;
    }
    r1 = -1;
  };
  const endCol = () => {
    endRun();
    endToken();
    if (col >= 0) cols.push(`${colLetter(col)}:${folded.join(",")}`);
    folded = [];
    prev = 0;
  };
  for (let i = 0; i < cells.length; i++) {
    const c = Math.floor(cells[i] / ROW_BITS);
    const row = cells[i] % ROW_BITS;
    if (c !== col) {
      endCol();
      col = c;
    }
    if (r1 >= 0 && row <= r2 + 1) r2 = Math.max(r2, row);
    else {
      endRun();
      r1 = r2 = row;
    }
  }
  endCol();
  return cols.join(";");
}

/**
 * The ledger entry for results the file door wrote beside the data — the same shape as Excel's
 * (excel/ledger.ts), the sheet named by its name (a file has no Excel ids): the area, the cells
 * actually coloured and the fill each had, so that any door's 清除结果 gives it back.
 */
export function ledgerEntry(plan: ResultPlan, marks: MarkLog): LedgerSheet {
  const last = lastPlanRow(plan);
  const area = { r1: plan.headerRow, c1: plan.startCol, r2: last, c2: plan.startCol + plan.headers.length - 1 };
  const { error, warning, fills } = marks.encoded();
  // Results moved to a sheet of their own leave only marks here (the sheet is in the ledger's created list).
  const aside = plan.headers.length === 0;
  const print = aside ? null : fingerprint(plan);
  return {
    id: plan.sheet,
    name: plan.sheet,
    area: aside ? null : boxA1(area),
    cells: aside ? 0 : (area.r2 - area.r1 + 1) * (area.c2 - area.c1 + 1),
    header: aside ? null : boxA1({ ...area, r2: area.r1 }),
    headerBold: aside ? null : false,
    marks: { error, warning },
    fills,
    ...(print === null ? {} : { fingerprint: print }),
  };
}

// ------------------------------------------------------------------ results that cannot go beside the data

const blank = (v: CellValue | undefined) => v === null || v === undefined || (typeof v === "string" && v.trim() === "");

/** The first cell of the plan's target area that holds something we did not write (the grid reads our earlier results as blank), if any. */
export function blockedCell(grid: SheetGrid, plan: ResultPlan): string | null {
  const at = (row: number): string | null => {
    for (let i = 0; i < plan.headers.length; i++) {
      const col = plan.startCol + i;
      if (!blank(cellAt(grid, row - grid.origin.row, col - grid.origin.col))) return a1(row, col);
    }
    return null;
  };
  let hit = at(plan.headerRow);
  if (plan.lines) for (let i = 0; !hit && i < plan.lines.rows.length; i++) hit = at(plan.lines.rows[i]);
  else for (let i = 0; !hit && i < plan.rows.length; i++) hit = at(plan.rows[i].row);
  return hit;
}

/** A sheet name not among `taken` (no case, as Excel compares), numbered as resave.ts numbers the sheets it adds. */
export function freeSheetName(base: string, taken: string[]): string {
  const lower = new Set(taken.map((n) => n.toLowerCase()));
  let name = base.slice(0, 31);
  for (let n = 2; lower.has(name.toLowerCase()); n++) name = `${base.slice(0, 31 - String(n).length - 2)}(${n})`;
  return name;
}

/** A sheet of ours added to the copy, as the ledger records it (a file's sheets are named by their names). */
export function createdEntry(plan: SheetPlan, source: string | null, base?: string): LedgerCreated {
  const width = plan.rows.reduce((w, r) => Math.max(w, r.length), 1);
  return { id: plan.name, name: plan.name, area: rangeA1(1, 1, Math.max(1, plan.rows.length), width), cells: plan.rows.length * width, source, ...(base !== undefined ? { base } : {}) };
}

/**
 * Results blocked by someone's content beside the data (`blocked`: the first such cell) go to a
 * sheet of their own named `name`, in the layout every door uses (asideRows); the marks stay on
 * the data sheet (the plan without headers or values).
 */
export function aside(plan: ResultPlan, blocked: string, name: string): { sheet: SheetPlan; created: LedgerCreated; marks: ResultPlan; why: Text2 } {
  const why = { zh: `结果列中已有不是本工具写入的内容（${blocked}）`, en: `the result columns hold content this tool did not write (${blocked})` };
  const sheet: SheetPlan = { name, rows: asideRows(plan, why.zh), headerRows: [2] };
  return { sheet, created: createdEntry(sheet, plan.sheet), marks: marksOnly(plan), why };
}
