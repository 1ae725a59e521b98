/**
 * A small Excel object model behind the Office.js API surface src/excel/ uses, for tests and for
 * scripts/bench-excel.ts. office-addin-mock cannot do this: it has no collections, no address
 * semantics and no request model.
 *
 * What it keeps faithful, because the Excel layer's design depends on it:
 * - Deferred execution: calls only queue operations; nothing runs and no loaded property can be
 *   read until context.sync() (reading earlier throws, like PropertyNotLoaded). Excel.run syncs
 *   what is left queued when its batch returns.
 * - Every sync is recorded with the bytes of its request (the JSON of each queued operation and
 *   its arguments, UTF-8) and of its response (the JSON of what was loaded). A request or a
 *   response over 5 MB fails the whole sync, as Excel on the web does.
 * - Excel's input parsing of Range.values: "=…", "+…", "-…" and "@…" become formulas, numbers,
 *   TRUE/FALSE, ISO dates and error words become non-text, a leading apostrophe makes text and is
 *   not stored, a cell formatted "@" keeps text; null leaves a cell alone, "" clears it.
 * - getRange/getRanges refuse addresses over 8,192 characters; a get of more than five million
 *   cells fails.
 */
import { PAYLOAD_LIMIT } from "../../src/excel/limits";

export interface Box {
  r1: number;
  c1: number;
  r2: number;
  c2: number;
}

export type Stored = string | number | boolean | { formula: string; value: string | number | boolean | { error: string } } | { error: string };
/** What tests seed: a stored value or null for an empty cell. */
export type Seed = Stored | null;

export interface SyncStat {
  request: number;
  response: number;
  ops: number;
  kinds: string[];
  failed?: string;
}

const ADDRESS_LIMIT = 8192;
const GET_CELLS_LIMIT = 5_000_000;
const MAX_COLS = 16384;

export class OfficeError extends Error {
  constructor(
    readonly code: string,
    message?: string,
  ) {
    super(message ?? code);
    this.name = "OfficeExtension.Error";
  }
}

const utf8 = (s: string) => Buffer.byteLength(s, "utf8");
const bytesOf = (v: unknown) => utf8(JSON.stringify(v) ?? "");

function letters(col: number): string {
  let s = "";
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function colOf(s: string): number {
  let n = 0;
  for (const ch of s) n = n * 26 + ch.charCodeAt(0) - 64;
  return n;
}

export function a1(b: Box): string {
  const x = `${letters(b.c1)}${b.r1}`;
  return b.r1 === b.r2 && b.c1 === b.c2 ? x : `${x}:${letters(b.c2)}${b.r2}`;
}

/** One area: "B3", "B3:D5", with optional $; no sheet part (callers pass sheet-local addresses). */
export function parseArea(s: string): Box {
  const m = /^\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$/.exec(s.trim().toUpperCase());
  if (!m) throw new OfficeError("InvalidArgument", `bad address "${s}"`);
  const r1 = Number(m[2]);
  const c1 = colOf(m[1]);
  const r2 = m[4] ? Number(m[4]) : r1;
  const c2 = m[3] ? colOf(m[3]) : c1;
  if (r1 < 1 || r2 > 1_048_576 || c1 < 1 || c2 > MAX_COLS) throw new OfficeError("InvalidArgument", `address outside the sheet "${s}"`);
  return { r1: Math.min(r1, r2), c1: Math.min(c1, c2), r2: Math.max(r1, r2), c2: Math.max(c1, c2) };
}

const key = (r: number, c: number) => r * (MAX_COLS + 1) + c;
const isFormula = (v: Stored | undefined): v is { formula: string; value: string | number | boolean | { error: string } } =>
  typeof v === "object" && v !== null && "formula" in v;
const isError = (v: unknown): v is { error: string } => typeof v === "object" && v !== null && "error" in v && !("formula" in v);

function quoteName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.]*$/.test(name) ? name : `'${name.replace(/'/g, "''")}'`;
}

function cellsIn(boxes: Box[], f: (r: number, c: number) => void): void {
  for (const b of boxes) for (let r = b.r1; r <= b.r2; r++) for (let c = b.c1; c <= b.c2; c++) f(r, c);
}

/** Runs of rows as boxes over [c1, c2]. */
function rowRuns(rows: number[], c1: number, c2: number): Box[] {
  const out: Box[] = [];
  for (const r of rows) {
    const last = out[out.length - 1];
    if (last && last.r2 === r - 1) last.r2 = r;
    else out.push({ r1: r, c1, r2: r, c2 });
  }
  return out;
}

export class FakeSheet {
  protected = false;
  readonly rows: (Stored | undefined)[][] = [];
  readonly fills = new Map<number, { color: string; pattern: string }>();
  readonly bold = new Set<number>();
  readonly formats = new Map<number, string>();
  readonly validations: { address: string; rule: unknown; alert?: string }[] = [];
  readonly widths = new Map<number, number>();
  readonly hiddenRows = new Set<number>();
  readonly hiddenCols = new Set<number>();
  merges: Box[] = [];
  readonly charts: { type: string; source: string; title?: string; position?: string; colors?: string[] }[] = [];
  selected: string | null = null;
  readonly tables: { name: string; box: Box; showTotals: boolean }[] = [];

  constructor(
    readonly id: string,
    public name: string,
  ) {}

  get(r: number, c: number): Stored | undefined {
    return this.rows[r]?.[c];
  }

  put(r: number, c: number, v: Stored | undefined): void {
    if (v === undefined) {
      if (this.rows[r]) delete this.rows[r][c];
      return;
    }
    (this.rows[r] ??= [])[c] = v;
  }

  /** The stored content of a cell, for assertions: a value, {formula}, {error} or null. */
  at(address: string): Stored | null {
    const b = parseArea(address);
    return this.get(b.r1, b.c1) ?? null;
  }

  fillAt(address: string): string | null {
    const b = parseArea(address);
    return this.fills.get(key(b.r1, b.c1))?.color ?? null;
  }

  boldAt(address: string): boolean {
    const b = parseArea(address);
    return this.bold.has(key(b.r1, b.c1));
  }

  formatAt(address: string): string | null {
    const b = parseArea(address);
    return this.formats.get(key(b.r1, b.c1)) ?? null;
  }

  /** Every non-empty cell as "A1" → stored, for whole-sheet comparisons. */
  snapshot(): Record<string, Stored> {
    const out: Record<string, Stored> = {};
    this.rows.forEach((row, r) => row?.forEach((v, c) => v !== undefined && (out[`${letters(c)}${r}`] = v)));
    return out;
  }

  fillSnapshot(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, f] of this.fills) out[`${letters(k % (MAX_COLS + 1))}${Math.floor(k / (MAX_COLS + 1))}`] = f.color;
    return out;
  }

  usedBox(valuesOnly: boolean, within?: Box): Box | null {
    let b: Box | null = null;
    const grow = (r: number, c: number) => {
      if (within && (r < within.r1 || r > within.r2 || c < within.c1 || c > within.c2)) return;
      if (!b) b = { r1: r, c1: c, r2: r, c2: c };
      else {
        b.r1 = Math.min(b.r1, r);
        b.r2 = Math.max(b.r2, r);
        b.c1 = Math.min(b.c1, c);
        b.c2 = Math.max(b.c2, c);
      }
    };
    const r1 = within ? within.r1 : 1;
    const r2 = within ? Math.min(within.r2, this.rows.length - 1) : this.rows.length - 1;
    for (let r = r1; r <= r2; r++) this.rows[r]?.forEach((v, c) => v !== undefined && grow(r, c));
    if (!valuesOnly)
      for (const m of [this.fills, this.formats]) for (const k of m.keys()) grow(Math.floor(k / (MAX_COLS + 1)), k % (MAX_COLS + 1));
    return b;
  }
}

/** Excel's parsing of a value written through Range.values into a cell with format `fmt`. */
function parseInput(v: unknown, fmt: string | undefined): Stored | undefined | "keep" {
  if (v === null) return "keep";
  if (v === "") return undefined;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new OfficeError("InvalidArgument", "non-finite number");
    return v;
  }
  if (typeof v === "boolean") return v;
  if (typeof v !== "string") throw new OfficeError("InvalidArgument", `cannot write ${typeof v}`);
  if (v.startsWith("'")) return v.slice(1);
  if (fmt === "@") return v;
  if (/^[=+\-@＝＋－＠]/.test(v)) return { formula: v, value: { error: "#NAME?" } };
  const t = v.trim();
  if (/^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?(e[+-]?\d+)?%?$/i.test(t) && /\d/.test(t)) {
    const n = Number(t.replace(/,/g, "").replace(/%$/, ""));
    return t.endsWith("%") ? n / 100 : n;
  }
  if (/^(true|false)$/i.test(t)) return t.toLowerCase() === "true";
  const d = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(t);
  if (d) return Math.round((Date.UTC(+d[1], +d[2] - 1, +d[3]) - Date.UTC(1899, 11, 30)) / 86_400_000);
  if (/^#(N\/A|DIV\/0!|VALUE!|REF!|NAME\?|NUM!|NULL!)$/i.test(t)) return { error: t.toUpperCase() };
  return v;
}

function valueOf(s: Stored | undefined): { value: string | number | boolean; type: string } {
  if (s === undefined) return { value: "", type: "Empty" };
  const v = isFormula(s) ? s.value : s;
  if (isError(v)) return { value: v.error, type: "Error" };
  if (typeof v === "number") return { value: v, type: "Double" };
  if (typeof v === "boolean") return { value: v, type: "Boolean" };
  return { value: v, type: v === "" ? "Empty" : "String" };
}

interface Op {
  bytes: number;
  kind: string;
  run: () => number | void;
}

/** "load:values,valueTypes", "set:values", "getRanges", … — what a sync carried, for assertions. */
function kindOf(desc: unknown): string {
  const d = desc as Record<string, unknown>;
  const k = Object.keys(d)[0] ?? "?";
  if (k === "set") return `set:${String(d.set)}`;
  if (k === "load") return `load:${String(d.load)}`;
  return k;
}

export class FakeContext {
  queue: Op[] = [];
  private commits: (() => void)[] = [];
  readonly workbook: FakeWorkbookProxy;
  constructor(readonly excel: FakeExcel) {
    this.workbook = new FakeWorkbookProxy(this);
  }
  push(desc: unknown, run: () => number | void): void {
    this.queue.push({ bytes: bytesOf(desc) + 2, kind: kindOf(desc), run });
  }
  commit(f: () => void): void {
    this.commits.push(f);
  }
  async sync(): Promise<void> {
    const ops = this.queue;
    this.queue = [];
    this.commits = [];
    const stat: SyncStat = { request: ops.reduce((a, o) => a + o.bytes, 0), response: 0, ops: ops.length, kinds: [...new Set(ops.map((o) => o.kind))] };
    this.excel.syncs.push(stat);
    await Promise.resolve();
    if (stat.request > PAYLOAD_LIMIT) {
      stat.failed = "RequestPayloadSizeLimitExceeded";
      throw new OfficeError("RequestPayloadSizeLimitExceeded");
    }
    try {
      for (const op of ops) stat.response += op.run() ?? 0;
    } catch (e) {
      stat.failed = (e as OfficeError).code ?? String(e);
      throw e;
    }
    if (stat.response > PAYLOAD_LIMIT) {
      stat.failed = "ResponsePayloadSizeLimitExceeded";
      throw new OfficeError("ResponsePayloadSizeLimitExceeded");
    }
    for (const c of this.commits) c();
    this.commits = [];
  }
  readonly trackedObjects = { add: () => undefined, remove: () => undefined };
}

abstract class FakeProxy {
  protected loaded: Record<string, unknown> = {};
  protected resolved = false;
  protected isNull = false;
  constructor(protected readonly ctx: FakeContext) {}
  get isNullObject(): boolean {
    if (!this.resolved) throw new OfficeError("PropertyNotLoaded", "isNullObject before sync");
    return this.isNull;
  }
  protected prop<T>(name: string): T {
    if (!(name in this.loaded)) throw new OfficeError("PropertyNotLoaded", `${this.constructor.name}.${name} was not loaded`);
    return this.loaded[name] as T;
  }
  /** Marks the proxy resolved (or null) once the sync that resolved it succeeds. */
  protected resolve(isNull: boolean): void {
    this.ctx.commit(() => {
      this.resolved = true;
      this.isNull = isNull;
    });
  }
  protected abstract read(name: string): unknown;
  load(props?: string | string[]): this {
    const names = (Array.isArray(props) ? props : (props ?? "").split(",")).map((s) => s.trim()).filter(Boolean);
    this.ctx.push({ load: names }, () => {
      if (this.isNullNow()) return 0;
      const data: Record<string, unknown> = {};
      for (const n of names) data[n] = this.read(n);
      this.ctx.commit(() => Object.assign(this.loaded, data));
      return bytesOf(data);
    });
    return this;
  }
  protected isNullNow(): boolean {
    return false;
  }
}

// ---------- workbook, sheets ----------

class FakeWorkbookProxy {
  readonly worksheets: FakeWorksheetCollection;
  constructor(private readonly ctx: FakeContext) {
    this.worksheets = new FakeWorksheetCollection(ctx);
  }
  /** The selection on the active sheet (A1 until something is selected); fails when a shape is selected, as Excel does. */
  getSelectedRange(): FakeRange {
    const r = new FakeRange(this.ctx);
    this.ctx.push({ getSelectedRange: true }, () => {
      const excel = this.ctx.excel;
      if (excel.shapeSelected) throw new OfficeError("InvalidSelection", "The current selection is invalid for this operation.");
      r.bind(excel.active!, parseArea(excel.active!.selected ?? "A1"));
    });
    return r;
  }
}

/** Range.getTables(): the tables overlapping (or, fully contained, inside) a range. */
class FakeTableScoped {
  private found: { sheet: FakeSheet; t: FakeSheet["tables"][number] }[] | null = null;
  constructor(
    private readonly ctx: FakeContext,
    range: FakeRange,
    fullyContained: boolean,
  ) {
    ctx.push({ getTables: fullyContained }, () => {
      const { sheet } = range.need();
      const b = range.box();
      this.found = sheet.tables
        .filter(({ box: t }) => (fullyContained ? b.r1 <= t.r1 && t.r2 <= b.r2 && b.c1 <= t.c1 && t.c2 <= b.c2 : t.r1 <= b.r2 && b.r1 <= t.r2 && t.c1 <= b.c2 && b.c1 <= t.c2))
        .map((t) => ({ sheet, t }));
    });
  }
  getCount(): { value: number } {
    const out = { value: Number.NaN };
    this.ctx.push({ getCount: true }, () => void this.ctx.commit(() => (out.value = this.found!.length)));
    return out;
  }
  getFirst(): FakeTable {
    const t = new FakeTable(this.ctx);
    this.ctx.push({ getFirst: true }, () => {
      if (!this.found!.length) throw new OfficeError("ItemNotFound", "no table");
      t.bind(this.found![0].sheet, this.found![0].t);
    });
    return t;
  }
}

class FakeTable extends FakeProxy {
  private sheet: FakeSheet | null = null;
  private t: FakeSheet["tables"][number] | null = null;
  bind(sheet: FakeSheet, t: FakeSheet["tables"][number]): void {
    this.sheet = sheet;
    this.t = t;
    this.resolve(false);
  }
  get name(): string {
    return this.prop("name");
  }
  get showTotals(): boolean {
    return this.prop("showTotals");
  }
  protected read(n: string): unknown {
    if (n === "name") return this.t!.name;
    if (n === "showTotals") return this.t!.showTotals;
    throw new OfficeError("InvalidArgument", `Table.${n} is not modelled`);
  }
  getRange(): FakeRange {
    const r = new FakeRange(this.ctx);
    this.ctx.push({ getTableRange: true }, () => r.bind(this.sheet!, { ...this.t!.box }));
    return r;
  }
}

class FakeWorksheetCollection extends FakeProxy {
  private list: FakeWorksheet[] | null = null;
  readonly onActivated: { add: (h: (e: { worksheetId: string; type: string }) => Promise<void> | void) => { context: FakeContext; remove: () => void } };
  constructor(ctx: FakeContext) {
    super(ctx);
    this.onActivated = {
      add: (h) => {
        ctx.push({ on: "activated" }, () => void ctx.excel.handlers.add(h));
        return { context: ctx, remove: () => ctx.push({ off: "activated" }, () => void ctx.excel.handlers.delete(h)) };
      },
    };
  }
  get items(): FakeWorksheet[] {
    if (!this.list) throw new OfficeError("PropertyNotLoaded", "worksheets.items was not loaded");
    return this.list;
  }
  protected read(): unknown {
    return null;
  }
  override load(props?: string): this {
    const fields = (props ?? "").split(",").map((p) => p.trim().replace(/^items\//, "")).filter(Boolean);
    this.ctx.push({ load: props }, () => {
      const sheets = [...this.ctx.excel.sheets];
      const data = sheets.map((s) => Object.fromEntries(fields.map((f) => [f, (s as unknown as Record<string, unknown>)[f]])));
      this.ctx.commit(() => {
        this.list = sheets.map((s, i) => FakeWorksheet.loaded(this.ctx, s, data[i]));
      });
      return bytesOf(data);
    });
    return this;
  }
  private find(k: string): FakeSheet | undefined {
    return this.ctx.excel.sheets.find((s) => s.id === k || s.name.toLowerCase() === k.toLowerCase());
  }
  getItem(k: string): FakeWorksheet {
    const w = new FakeWorksheet(this.ctx);
    this.ctx.push({ getItem: k }, () => {
      const s = this.find(k);
      if (!s) throw new OfficeError("ItemNotFound", `The requested resource doesn't exist: ${k}`);
      w.bind(s);
    });
    return w;
  }
  getItemOrNullObject(k: string): FakeWorksheet {
    const w = new FakeWorksheet(this.ctx);
    this.ctx.push({ getItemOrNullObject: k }, () => w.bind(this.find(k) ?? null));
    return w;
  }
  getActiveWorksheet(): FakeWorksheet {
    const w = new FakeWorksheet(this.ctx);
    this.ctx.push({ getActiveWorksheet: true }, () => w.bind(this.ctx.excel.active));
    return w;
  }
  add(name: string): FakeWorksheet {
    const w = new FakeWorksheet(this.ctx);
    this.ctx.push({ add: name }, () => w.bind(this.ctx.excel.createSheet(name)));
    return w;
  }
}

export class FakeWorksheet extends FakeProxy {
  sheet: FakeSheet | null = null;
  readonly protection: FakeProtection;
  readonly charts: { add: (type: string, source: FakeRange, seriesBy?: string) => FakeChart };
  constructor(ctx: FakeContext) {
    super(ctx);
    this.protection = new FakeProtection(ctx, this);
    this.charts = {
      add: (type, source) => {
        const chart = new FakeChart(ctx);
        ctx.push({ addChart: type }, () => {
          const entry: { type: string; source: string; title?: string; position?: string; colors?: string[] } = { type, source: a1(source.box()) };
          this.need().charts.push(entry);
          chart.entry = entry;
        });
        return chart;
      },
    };
  }
  static loaded(ctx: FakeContext, s: FakeSheet, data: Record<string, unknown>): FakeWorksheet {
    const w = new FakeWorksheet(ctx);
    w.sheet = s;
    w.resolved = true;
    w.loaded = { ...data };
    return w;
  }
  bind(s: FakeSheet | null): void {
    this.sheet = s;
    this.resolve(s === null);
  }
  protected override isNullNow(): boolean {
    return this.sheet === null;
  }
  need(): FakeSheet {
    if (!this.sheet) throw new OfficeError("InvalidReference", "operation on a null worksheet");
    return this.sheet;
  }
  get name(): string {
    return this.prop("name");
  }
  get id(): string {
    return this.prop("id");
  }
  protected read(n: string): unknown {
    const s = this.need();
    if (n === "name") return s.name;
    if (n === "id") return s.id;
    throw new OfficeError("InvalidArgument", `Worksheet.${n} is not modelled`);
  }
  getRange(address: string): FakeRange {
    const r = new FakeRange(this.ctx);
    this.ctx.push({ getRange: address }, () => {
      if (address.length > ADDRESS_LIMIT) throw new OfficeError("InvalidArgument", "address over 8192 characters");
      r.bind(this.need(), parseArea(address));
    });
    return r;
  }
  getRangeByIndexes(row: number, col: number, rows: number, cols: number): FakeRange {
    const r = new FakeRange(this.ctx);
    this.ctx.push({ getRangeByIndexes: [row, col, rows, cols] }, () => {
      if (rows < 1 || cols < 1) throw new OfficeError("InvalidArgument", "empty range");
      r.bind(this.need(), { r1: row + 1, c1: col + 1, r2: row + rows, c2: col + cols });
    });
    return r;
  }
  getRanges(address: string): FakeRangeAreas {
    const r = new FakeRangeAreas(this.ctx);
    this.ctx.push({ getRanges: address }, () => {
      if (address.length > ADDRESS_LIMIT) throw new OfficeError("InvalidArgument", "address over 8192 characters");
      r.bind(this.need(), address.split(/[,;]/).map(parseArea));
    });
    return r;
  }
  getUsedRangeOrNullObject(valuesOnly?: boolean): FakeRange {
    const r = new FakeRange(this.ctx);
    this.ctx.push({ getUsedRangeOrNullObject: !!valuesOnly }, () => {
      const s = this.need();
      r.bind(s, s.usedBox(!!valuesOnly));
    });
    return r;
  }
  activate(): void {
    this.ctx.push({ activate: true }, () => this.ctx.excel.activate(this.need()));
  }
  delete(): void {
    this.ctx.push({ delete: true }, () => this.ctx.excel.deleteSheet(this.need()));
  }
}

class FakeProtection extends FakeProxy {
  constructor(
    ctx: FakeContext,
    private readonly ws: FakeWorksheet,
  ) {
    super(ctx);
  }
  protected override isNullNow(): boolean {
    return this.ws.sheet === null;
  }
  get protected(): boolean {
    return this.prop("protected");
  }
  protected read(n: string): unknown {
    if (n === "protected") return this.ws.need().protected;
    throw new OfficeError("InvalidArgument", n);
  }
}

class FakeChart {
  entry: { title?: string; position?: string; colors?: string[] } | null = null;
  readonly title: { text: string };
  /** The first series' points: their fill colours, by point. */
  readonly series = {
    getItemAt: (i: number) => {
      if (i !== 0) throw new OfficeError("InvalidArgument", "only the first series is modelled");
      return {
        points: {
          getItemAt: (k: number) => ({
            format: {
              fill: {
                setSolidColor: (color: string) =>
                  this.ctx.push({ pointColor: [k, color] }, () => {
                    const colors = (this.entry!.colors ??= []);
                    colors[k] = color;
                  }),
              },
            },
          }),
        },
      };
    },
  };
  constructor(private readonly ctx: FakeContext) {
    const self = this;
    this.title = {
      set text(t: string) {
        ctx.push({ chartTitle: t }, () => void (self.entry!.title = t));
      },
      get text(): string {
        throw new OfficeError("PropertyNotLoaded", "chart title");
      },
    };
  }
  setPosition(start: string): void {
    this.ctx.push({ setPosition: start }, () => void (this.entry!.position = start));
  }
}

// ---------- ranges ----------

/** Cells of one sheet: one box (Range) or several (RangeAreas). */
abstract class CellsProxy extends FakeProxy {
  sheet: FakeSheet | null = null;
  boxes: Box[] | null = null;
  bind(sheet: FakeSheet, boxes: Box | Box[] | null): void {
    this.sheet = sheet;
    this.boxes = boxes === null ? null : Array.isArray(boxes) ? boxes : [boxes];
    this.resolve(boxes === null);
  }
  protected override isNullNow(): boolean {
    return this.boxes === null;
  }
  need(): { sheet: FakeSheet; boxes: Box[] } {
    if (!this.sheet || !this.boxes) throw new OfficeError("InvalidReference", "operation on a null range");
    return { sheet: this.sheet, boxes: this.boxes };
  }
  box(): Box {
    return this.need().boxes[0];
  }
  private fmt: FakeFormat | null = null;
  get format(): FakeFormat {
    return (this.fmt ??= new FakeFormat(this.ctx, this));
  }
  /** Range.clear and RangeAreas.clear (ExcelApi 1.9) alike. */
  clear(applyTo?: string): void {
    this.ctx.push({ clear: applyTo ?? "All" }, () => {
      const { sheet, boxes } = this.need();
      cellsIn(boxes, (r, c) => {
        if (applyTo === "Contents" || applyTo === undefined || applyTo === "All") sheet.put(r, c, undefined);
        if (applyTo === "Formats" || applyTo === undefined || applyTo === "All") {
          sheet.fills.delete(key(r, c));
          sheet.bold.delete(key(r, c));
          sheet.formats.delete(key(r, c));
        }
      });
    });
  }
  protected addressOf(): string {
    const { sheet, boxes } = this.need();
    return boxes.map((b) => `${quoteName(sheet.name)}!${a1(b)}`).join(",");
  }
}

export class FakeRange extends CellsProxy {
  get address(): string {
    return this.prop("address");
  }
  get rowCount(): number {
    return this.prop("rowCount");
  }
  get columnCount(): number {
    return this.prop("columnCount");
  }
  get rowIndex(): number {
    return this.prop("rowIndex");
  }
  get columnIndex(): number {
    return this.prop("columnIndex");
  }
  get valueTypes(): string[][] {
    return this.prop("valueTypes");
  }
  get formulas(): unknown[][] {
    return this.prop("formulas");
  }
  get rowHidden(): boolean | null {
    return this.prop("rowHidden");
  }
  get values(): unknown[][] {
    return this.prop("values");
  }
  set values(v: unknown[][]) {
    this.setGrid("values", v, (sheet, r, c, x) => {
      const parsed = parseInput(x, sheet.formats.get(key(r, c)));
      if (parsed !== "keep") sheet.put(r, c, parsed);
    });
  }
  get numberFormat(): unknown[][] {
    return this.prop("numberFormat");
  }
  set numberFormat(v: unknown[][]) {
    this.setGrid("numberFormat", v, (sheet, r, c, x) => {
      if (x === null) return;
      if (x === "" || x === "General") sheet.formats.delete(key(r, c));
      else sheet.formats.set(key(r, c), String(x));
    });
  }
  private setGrid(name: string, v: unknown[][], put: (s: FakeSheet, r: number, c: number, x: unknown) => void): void {
    this.ctx.push({ set: name, value: v }, () => {
      const { sheet } = this.need();
      const b = this.box();
      const rows = b.r2 - b.r1 + 1;
      const cols = b.c2 - b.c1 + 1;
      if (!Array.isArray(v) || v.length !== rows || v.some((line) => !Array.isArray(line) || line.length !== cols))
        throw new OfficeError("InvalidArgument", `${name}: the array is not ${rows} × ${cols}`);
      v.forEach((line, i) => line.forEach((x, j) => put(sheet, b.r1 + i, b.c1 + j, x)));
    });
  }
  protected read(n: string): unknown {
    const { sheet } = this.need();
    const b = this.box();
    const rows = b.r2 - b.r1 + 1;
    const cols = b.c2 - b.c1 + 1;
    const grid = (f: (r: number, c: number) => unknown) => {
      if (rows * cols > GET_CELLS_LIMIT) throw new OfficeError("InvalidOperation", "a get is limited to five million cells");
      return Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => f(b.r1 + i, b.c1 + j)));
    };
    switch (n) {
      case "address":
        return this.addressOf();
      case "rowCount":
        return rows;
      case "columnCount":
        return cols;
      case "rowIndex":
        return b.r1 - 1;
      case "columnIndex":
        return b.c1 - 1;
      case "values":
        return grid((r, c) => valueOf(sheet.get(r, c)).value);
      case "valueTypes":
        return grid((r, c) => valueOf(sheet.get(r, c)).type);
      case "formulas":
        return grid((r, c) => {
          const s = sheet.get(r, c);
          return isFormula(s) ? s.formula : valueOf(s).value;
        });
      case "numberFormat":
        return grid((r, c) => sheet.formats.get(key(r, c)) ?? "General");
      case "rowHidden": {
        let hidden = 0;
        for (let r = b.r1; r <= b.r2; r++) if (sheet.hiddenRows.has(r)) hidden++;
        return hidden === 0 ? false : hidden === rows ? true : null;
      }
      default:
        throw new OfficeError("InvalidArgument", `Range.${n} is not modelled`);
    }
  }
  get dataValidation(): { clear: () => void; rule: unknown; errorAlert: { style: string } } {
    const ctx = this.ctx;
    const self = this;
    return {
      clear: () =>
        ctx.push({ clearValidation: true }, () => {
          const { sheet } = self.need();
          const a = a1(self.box());
          for (let i = sheet.validations.length - 1; i >= 0; i--) if (sheet.validations[i].address === a) sheet.validations.splice(i, 1);
        }),
      set rule(rule: unknown) {
        ctx.push({ rule }, () => void self.need().sheet.validations.push({ address: a1(self.box()), rule }));
      },
      get rule(): unknown {
        throw new OfficeError("PropertyNotLoaded", "rule");
      },
      set errorAlert(alert: { style: string }) {
        ctx.push({ alert }, () => {
          const v = self.need().sheet.validations.filter((x) => x.address === a1(self.box())).pop();
          if (v) v.alert = alert.style;
        });
      },
    };
  }
  getTables(fullyContained = false): FakeTableScoped {
    return new FakeTableScoped(this.ctx, this, fullyContained);
  }
  select(): void {
    this.ctx.push({ select: true }, () => {
      const { sheet } = this.need();
      sheet.selected = a1(this.box());
      this.ctx.excel.activate(sheet);
    });
  }
  getUsedRangeOrNullObject(valuesOnly?: boolean): FakeRange {
    const r = new FakeRange(this.ctx);
    this.ctx.push({ getUsedRangeOrNullObject: !!valuesOnly }, () => {
      const { sheet } = this.need();
      r.bind(sheet, sheet.usedBox(!!valuesOnly, this.box()));
    });
    return r;
  }
  getMergedAreasOrNullObject(): FakeRangeAreas {
    const r = new FakeRangeAreas(this.ctx);
    this.ctx.push({ getMergedAreasOrNullObject: true }, () => {
      const { sheet } = this.need();
      const b = this.box();
      const hits = sheet.merges.filter((m) => m.r1 <= b.r2 && b.r1 <= m.r2 && m.c1 <= b.c2 && b.c1 <= m.c2);
      r.bind(sheet, hits.length ? hits : null);
    });
    return r;
  }
  getSpecialCellsOrNullObject(type: string): FakeRangeAreas {
    const r = new FakeRangeAreas(this.ctx);
    this.ctx.push({ getSpecialCellsOrNullObject: type }, () => {
      const { sheet } = this.need();
      const b = this.box();
      let boxes: Box[] = [];
      if (type === "Formulas") {
        for (let c = b.c1; c <= b.c2; c++) {
          const rows: number[] = [];
          for (let row = b.r1; row <= Math.min(b.r2, sheet.rows.length - 1); row++) if (isFormula(sheet.get(row, c))) rows.push(row);
          boxes.push(...rowRuns(rows, c, c));
        }
      } else if (type === "Visible") {
        const rows: number[] = [];
        for (let row = b.r1; row <= b.r2; row++) if (!sheet.hiddenRows.has(row)) rows.push(row);
        const cols: number[] = [];
        for (let c = b.c1; c <= b.c2; c++) if (!sheet.hiddenCols.has(c)) cols.push(c);
        for (const cr of rowRuns(cols, 0, 0)) for (const rr of rowRuns(rows, cr.r1, cr.r2)) boxes.push(rr);
      } else throw new OfficeError("InvalidArgument", `special cells ${type} not modelled`);
      boxes = boxes.filter((x) => x.r1 <= x.r2);
      r.bind(sheet, boxes.length ? boxes : null);
    });
    return r;
  }
  getCellProperties(opts: { format?: { fill?: { color?: boolean; pattern?: boolean } } }): { value: unknown[][] } {
    const result: { value: unknown[][] } = {
      get value(): unknown[][] {
        throw new OfficeError("PropertyNotLoaded", "ClientResult.value before sync");
      },
    };
    this.ctx.push({ getCellProperties: opts }, () => {
      const { sheet } = this.need();
      const b = this.box();
      const value = Array.from({ length: b.r2 - b.r1 + 1 }, (_, i) =>
        Array.from({ length: b.c2 - b.c1 + 1 }, (_, j) => {
          const f = sheet.fills.get(key(b.r1 + i, b.c1 + j));
          const fill: Record<string, string> = {};
          if (opts.format?.fill?.color) fill.color = f?.color ?? "#FFFFFF";
          if (opts.format?.fill?.pattern) fill.pattern = f?.pattern ?? "None";
          return { format: { fill } };
        }),
      );
      this.ctx.commit(() => Object.defineProperty(result, "value", { value }));
      return bytesOf(value);
    });
    return result;
  }
}

export class FakeRangeAreas extends CellsProxy {
  get address(): string {
    return this.prop("address");
  }
  protected read(n: string): unknown {
    if (n === "address") return this.addressOf();
    throw new OfficeError("InvalidArgument", `RangeAreas.${n} is not modelled`);
  }
}

class FakeFormat {
  readonly fill: FakeFill;
  readonly font: FakeFont;
  constructor(
    private readonly ctx: FakeContext,
    private readonly cells: CellsProxy,
  ) {
    this.fill = new FakeFill(ctx, cells);
    this.font = new FakeFont(ctx, cells);
  }
  set columnWidth(w: number) {
    this.ctx.push({ columnWidth: w }, () => {
      const { sheet, boxes } = this.cells.need();
      for (const b of boxes) for (let c = b.c1; c <= b.c2; c++) sheet.widths.set(c, w);
    });
  }
}

class FakeFill extends FakeProxy {
  constructor(
    ctx: FakeContext,
    private readonly cells: CellsProxy,
  ) {
    super(ctx);
  }
  get color(): string | null {
    return this.prop("color");
  }
  set color(color: string) {
    if (color === null || color === undefined) throw new OfficeError("InvalidArgument", "fill colour cannot be null");
    this.ctx.push({ fill: color }, () => {
      const { sheet, boxes } = this.cells.need();
      cellsIn(boxes, (r, c) => sheet.fills.set(key(r, c), { color: color.toUpperCase(), pattern: "Solid" }));
    });
  }
  get pattern(): string | null {
    return this.prop("pattern");
  }
  clear(): void {
    this.ctx.push({ clearFill: true }, () => {
      const { sheet, boxes } = this.cells.need();
      cellsIn(boxes, (r, c) => sheet.fills.delete(key(r, c)));
    });
  }
  protected override isNullNow(): boolean {
    return this.cells.boxes === null;
  }
  protected read(n: string): unknown {
    const { sheet, boxes } = this.cells.need();
    const seen = new Set<string>();
    cellsIn(boxes, (r, c) => {
      const f = sheet.fills.get(key(r, c));
      seen.add(n === "color" ? (f?.color ?? "#FFFFFF") : (f?.pattern ?? "None"));
    });
    return seen.size === 1 ? [...seen][0] : null;
  }
}

class FakeFont extends FakeProxy {
  constructor(
    ctx: FakeContext,
    private readonly cells: CellsProxy,
  ) {
    super(ctx);
  }
  get bold(): boolean | null {
    return this.prop("bold");
  }
  set bold(on: boolean) {
    this.ctx.push({ bold: on }, () => {
      const { sheet, boxes } = this.cells.need();
      cellsIn(boxes, (r, c) => (on ? sheet.bold.add(key(r, c)) : sheet.bold.delete(key(r, c))));
    });
  }
  protected override isNullNow(): boolean {
    return this.cells.boxes === null;
  }
  protected read(n: string): unknown {
    if (n !== "bold") throw new OfficeError("InvalidArgument", `font.${n} is not modelled`);
    const { sheet, boxes } = this.cells.need();
    const seen = new Set<boolean>();
    cellsIn(boxes, (r, c) => seen.add(sheet.bold.has(key(r, c))));
    return seen.size === 1 ? [...seen][0] : null;
  }
}

// ---------- the application ----------

export interface SheetSeed {
  /** Rows from `at` (default A1) down; null = empty cell. */
  rows?: Seed[][];
  at?: string;
  merges?: string[];
  hiddenRows?: number[];
  protected?: boolean;
  /** "A1" → colour */
  fills?: Record<string, string>;
  /** Excel tables (ListObjects): name, range with its header row, whether a totals row is shown. */
  tables?: { name: string; range: string; showTotals?: boolean }[];
}

export class FakeExcel {
  readonly sheets: FakeSheet[] = [];
  active: FakeSheet | null = null;
  readonly syncs: SyncStat[] = [];
  readonly handlers = new Set<(e: { worksheetId: string; type: string }) => Promise<void> | void>();
  readonly settings = new Map<string, unknown>();
  settingsSaves = 0;
  /** A chart or shape is selected: getSelectedRange fails. */
  shapeSelected = false;
  private nextId = 1;

  addSheet(name: string, seed: SheetSeed = {}): FakeSheet {
    const s = this.createSheet(name);
    const at = parseArea(seed.at ?? "A1");
    (seed.rows ?? []).forEach((line, i) =>
      line.forEach((v, j) => {
        if (v !== null && v !== "") s.put(at.r1 + i, at.c1 + j, v);
      }),
    );
    s.merges = (seed.merges ?? []).map(parseArea);
    seed.hiddenRows?.forEach((r) => s.hiddenRows.add(r));
    s.protected = !!seed.protected;
    for (const t of seed.tables ?? []) s.tables.push({ name: t.name, box: parseArea(t.range), showTotals: !!t.showTotals });
    for (const [a, color] of Object.entries(seed.fills ?? {})) {
      const b = parseArea(a);
      cellsIn([b], (r, c) => s.fills.set(key(r, c), { color: color.toUpperCase(), pattern: "Solid" }));
    }
    return s;
  }

  createSheet(name: string): FakeSheet {
    if (!name || name.length > 31 || /[[\]:*?/\\]/.test(name) || /^'|'$/.test(name)) throw new OfficeError("InvalidArgument", `bad sheet name "${name}"`);
    if (this.sheets.some((s) => s.name.toLowerCase() === name.toLowerCase())) throw new OfficeError("ItemAlreadyExists", name);
    const s = new FakeSheet(`{00000000-0001-0000-0000-${String(this.nextId++).padStart(12, "0")}}`, name);
    this.sheets.push(s);
    this.active ??= s;
    return s;
  }

  sheet(name: string): FakeSheet {
    const s = this.sheets.find((x) => x.name === name);
    if (!s) throw new Error(`no sheet ${name}`);
    return s;
  }

  deleteSheet(s: FakeSheet): void {
    if (this.sheets.length === 1) throw new OfficeError("InvalidOperation", "a workbook must keep one sheet");
    this.sheets.splice(this.sheets.indexOf(s), 1);
    if (this.active === s) this.active = this.sheets[0];
  }

  activate(s: FakeSheet): void {
    if (this.active === s) return;
    this.active = s;
    for (const h of this.handlers) setTimeout(() => void h({ worksheetId: s.id, type: "WorksheetActivated" }), 0);
  }

  resetStats(): void {
    this.syncs.length = 0;
  }

  get syncCount(): number {
    return this.syncs.length;
  }

  get maxRequest(): number {
    return Math.max(0, ...this.syncs.map((s) => s.request));
  }

  get maxResponse(): number {
    return Math.max(0, ...this.syncs.map((s) => s.response));
  }

  async run<T>(a: FakeContext | ((ctx: FakeContext) => Promise<T>), b?: (ctx: FakeContext) => Promise<T>): Promise<T> {
    const batch = (b ?? a) as (ctx: FakeContext) => Promise<T>;
    const ctx = b ? (a as FakeContext) : new FakeContext(this);
    const out = await batch(ctx);
    if (ctx.queue.length) await ctx.sync();
    return out;
  }

  /** Puts Excel and Office on the global object, as office.js does; returns the undo. */
  install(): () => void {
    const g = globalThis as Record<string, unknown>;
    const before = { Excel: g.Excel, Office: g.Office };
    const settings = this.settings;
    g.Excel = { run: this.run.bind(this) };
    g.Office = {
      AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
      context: {
        document: {
          settings: {
            get: (k: string) => (settings.has(k) ? JSON.parse(JSON.stringify(settings.get(k))) : null),
            set: (k: string, v: unknown) => void settings.set(k, JSON.parse(JSON.stringify(v))),
            remove: (k: string) => void settings.delete(k),
            saveAsync: (cb?: (r: { status: string }) => void) => {
              this.settingsSaves++;
              setTimeout(() => cb?.({ status: "succeeded" }), 0);
            },
          },
        },
      },
    };
    return () => {
      g.Excel = before.Excel;
      g.Office = before.Office;
    };
  }
}
