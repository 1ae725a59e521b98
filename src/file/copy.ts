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
 * typed arrays: a city sheet's copy colours millions. Each cell packed column first with a bit
 * for an error; its fill as an index into the colours in the order first met (0: none).
 */
export class MarkLog {
  /** ((column * ROW_BITS + row) * 2 + 1 for an error) * 65536 + fill: below 2^53. */
  private keys = new Float64Array(256);
  private n = 0;
  private readonly colours: string[] = [];
  private readonly colourIds = new Map<string, number>();

  add(row: number, col: number, severity: Severity, fill: string | null): void {
    if (this.n === this.keys.length) {
      const keys = new Float64Array(this.n * 2);
      keys.set(this.keys);
      this.keys = keys;
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
    this.keys[this.n++] = ((col * ROW_BITS + row) * 2 + (severity === "error" ? 1 : 0)) * FILLS + id;
  }

  /** The ledger's marks and fills, as encodeRuns(packCells(cells)) writes each list of cells. */
  encoded(): { error: string; warning: string; fills: Record<string, string> } {
    const n = this.n;
    const keys = this.keys.subarray(0, n).sort();
    // Each key taken apart once: the cell, whether an error, its fill.
    const cell = new Float64Array(n);
    const error = new Uint8Array(n);
    const fill = new Uint16Array(n);
    for (let i = 0; i < n; i++) {
      const f = keys[i] % FILLS;
      const key = (keys[i] - f) / FILLS;
      fill[i] = f;
      error[i] = key % 2;
      cell[i] = (key - error[i]) / 2;
    }
    const cells = new Float64Array(n);
    /** The cells whose `of` entry is `is`, in order, as encodeCells writes them. */
    const pick = (of: Uint8Array | Uint16Array, is: number) => {
      let m = 0;
      for (let i = 0; i < n; i++) if (of[i] === is) cells[m++] = cell[i];
      return encodeCells(cells.subarray(0, m));
    };
    const fills: Record<string, string> = {};
    this.colours.forEach((colour, k) => (fills[colour] = pick(fill, k + 1)));
    return { error: pick(error, 1), warning: pick(error, 0), fills };
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
  let token = "";
  let times = 0;
  let r1 = -1;
  let r2 = -1;
  const endToken = () => {
    if (times) folded.push(times > 1 ? `${token}*${times.toString(36)}` : token);
    times = 0;
  };
  const endRun = () => {
    if (r1 < 0) return;
    const t = (r1 - prev).toString(36) + (r2 > r1 ? `+${(r2 - r1).toString(36)}` : "");
    prev = r1;
    if (times && t === token) times++;
    else {
      endToken();
      token = t;
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
