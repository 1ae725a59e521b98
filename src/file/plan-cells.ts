/**
 * The cells one sheet's result plans write or mark, looked up a row at a time. Values stay in the
 * plans (a plan made from verdicts makes a line's values when asked: ResultPlan.lines); what is
 * added is typed arrays — the rows that get anything, the marked cells packed with their look, and
 * per line two hashes of each value as it must read back — so a sheet of a million rows needs no
 * object per cell. The copy's writer asks `get` (values made), its read-back asks `expected`
 * (the hashes the writer recorded; no value made again). Both ask in row order; the last row
 * asked is kept. Browser-safe.
 */
import type { OutValue, ResultPlan } from "../engine/host";
import { cellKey, MAX_COLS } from "../engine/address";
import { concat } from "./zip";

/**
 * Math.imul taken once: in a loop over every byte, a global looked up each time is as slow as the
 * host makes it — where globals are intercepted (a vm sandbox, such as jest's) about 100× slower.
 */
const { imul } = Math;

export type Look = "error" | "warning" | "header";

/** What we write into one cell: a value, and/or the look of a mark or a header. */
export interface Target {
  /** The value (from `get`; `expected` leaves it out). */
  value?: OutValue;
  look?: Look;
  /** Set on a cell that gets a value: its hashes as it reads back (valueHash). */
  h1?: number;
  h2?: number;
}

/** One row's cells as the read-back asks them: by column, or all of them. */
export interface RowCells {
  get(col: number): Target | undefined;
  values(): IterableIterator<Target>;
}

/** The cells of each row we write or mark, as the read-back needs them: hashes of the values, no value. */
export interface ExpectedCells {
  expected(row: number): RowCells | undefined;
}

const LOOKS: (Look | undefined)[] = [undefined, "warning", "error", "header"];

/**
 * Rows' cells as the writer took them (PlanCells.get), packed into 32-bit integers to cross to
 * another thread: per row its number and cell count, per cell its column, flags (1: it gets a
 * value; its look × 2) and the value's two hashes.
 */
export class PackedRows {
  private buf = new Int32Array(4096);
  private n = 0;

  add(row: number, cells: Map<number, Target>): void {
    const need = this.n + 2 + 4 * cells.size;
    if (need > this.buf.length) {
      const grown = new Int32Array(Math.max(need, 2 * this.buf.length));
      grown.set(this.buf.subarray(0, this.n));
      this.buf = grown;
    }
    const b = this.buf;
    let n = this.n;
    b[n++] = row;
    b[n++] = cells.size;
    cells.forEach((t, col) => {
      const look = t.look === undefined ? 0 : t.look === "warning" ? 1 : t.look === "error" ? 2 : 3;
      b[n] = col;
      b[n + 1] = (t.h1 !== undefined ? 1 : 0) | (look << 1);
      b[n + 2] = t.h1 ?? 0;
      b[n + 3] = t.h2 ?? 0;
      n += 4;
    });
    this.n = n;
  }

  /** The rows added since the last take, in a buffer of their own. */
  take(): Int32Array {
    const out = this.buf.slice(0, this.n);
    this.n = 0;
    return out;
  }
}

/**
 * ExpectedCells from rows packed by PackedRows, as they arrive (the thread that walks the copy as
 * it is written). Each walk asks through a view of its own (`view`), which keeps the row it last
 * asked: the two sides are walked at different rows. Where each row is packed is kept as numbers
 * (its buffer, its place there), not an object per row.
 */
export class ExpectedRows {
  private readonly where = new Map<number, number>();
  private readonly buffers: Int32Array[] = [];
  private entryBuffer = new Int32Array(1024);
  private entryAt = new Int32Array(1024);
  private entries = 0;

  add(b: Int32Array): void {
    if (!b.length) return;
    const k = this.buffers.push(b) - 1;
    for (let at = 0; at < b.length; at += 2 + 4 * b[at + 1]) {
      if (this.entries === this.entryAt.length) {
        const grow = (a: Int32Array) => {
          const out = new Int32Array(a.length * 2);
          out.set(a);
          return out;
        };
        this.entryBuffer = grow(this.entryBuffer);
        this.entryAt = grow(this.entryAt);
      }
      this.entryBuffer[this.entries] = k;
      this.entryAt[this.entries] = at;
      this.where.set(b[at], this.entries++);
    }
  }

  view(): ExpectedCells {
    return new RowsView(this);
  }

  /** Row `row`'s cells into `into`; false when no cells of that row were added. */
  read(row: number, into: PackedRow): boolean {
    const e = this.where.get(row);
    if (e === undefined) return false;
    const b = this.buffers[this.entryBuffer[e]];
    const at = this.entryAt[e];
    into.clear();
    for (let k = 0, p = at + 2; k < b[at + 1]; k++, p += 4) {
      const t = into.next(b[p]);
      if (b[p + 1] & 1) {
        t.h1 = b[p + 2];
        t.h2 = b[p + 3];
      }
      const look = LOOKS[b[p + 1] >> 1];
      if (look) t.look = look;
    }
    return true;
  }
}

/**
 * One row's cells read from their packed form, in one object a view fills again for each row it
 * asks (a walk reads a row's cells while it is at that row): a row has a few, found by a scan.
 */
class PackedRow implements RowCells {
  private readonly cols: number[] = [];
  private readonly targets: Target[] = [];
  private n = 0;

  clear(): void {
    this.n = 0;
  }

  /** The next cell, at column `col`, empty. */
  next(col: number): Target {
    const i = this.n++;
    this.cols[i] = col;
    if (i === this.targets.length) this.targets.push({ look: undefined, h1: undefined, h2: undefined });
    const t = this.targets[i];
    t.look = undefined;
    t.h1 = undefined;
    t.h2 = undefined;
    return t;
  }

  get(col: number): Target | undefined {
    // The last of a repeated column, as a Map keeps it.
    for (let i = this.n - 1; i >= 0; i--) if (this.cols[i] === col) return this.targets[i];
    return undefined;
  }

  *values(): IterableIterator<Target> {
    for (let i = 0; i < this.n; i++) yield this.targets[i];
  }
}

class RowsView implements ExpectedCells {
  private lastRow = -1;
  private last: PackedRow | undefined;
  private readonly row = new PackedRow();

  constructor(private readonly rows: ExpectedRows) {}

  expected(row: number): RowCells | undefined {
    if (row === this.lastRow) return this.last;
    this.last = this.rows.read(row, this.row) ? this.row : undefined;
    this.lastRow = row;
    return this.last;
  }
}

const filled = (v: OutValue | undefined) => v !== null && v !== undefined && v !== "";

const FNV_START = 0x811c9dc5 | 0;
const hashOut = new Int32Array(2);

/**
 * Two 32-bit hashes of a value as our reader gives a cell back: a finite number as a number,
 * anything else as its text (how the copy's writer writes it). `hashOut` holds them until the next call.
 */
export function valueHash(v: unknown): Int32Array {
  const number = typeof v === "number" && Number.isFinite(v);
  // An empty cell reads as no text.
  const s = number ? String(v) : v === null || v === undefined ? "" : String(v);
  let h1 = imul(FNV_START ^ (number ? 110 : 115), 16777619);
  let h2 = number ? 110 : 115;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = imul(h1 ^ c, 16777619);
    h2 = (imul(h2, 31) + c) | 0;
  }
  hashOut[0] = h1;
  hashOut[1] = h2;
  return hashOut;
}

/** First index of `sorted` holding a value ≥ x. */
function lowerBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One plan's lines: their rows ascending, where each is in the plan, and what each line's values hash to once made. */
class Lines {
  readonly rows: Float64Array;
  readonly at: Int32Array;
  readonly width: number;
  /** Per line: 1 once its values were made and hashed. */
  private readonly done: Uint8Array;
  /** Per line and value: 1 when it is filled, and its hashes. */
  private readonly has: Uint8Array;
  private readonly h1: Int32Array;
  private readonly h2: Int32Array;

  constructor(
    readonly plan: ResultPlan,
    rowOf: ArrayLike<number>,
    private readonly valuesOf: (i: number) => OutValue[],
    width: number,
  ) {
    const n = rowOf.length;
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) sorted = rowOf[i - 1] <= rowOf[i];
    const at = new Int32Array(n);
    for (let i = 0; i < n; i++) at[i] = i;
    if (!sorted) at.sort((a, b) => rowOf[a] - rowOf[b]);
    this.at = at;
    this.rows = Float64Array.from(at, (i) => rowOf[i]);
    this.width = width;
    this.done = new Uint8Array(n);
    this.has = new Uint8Array(n * width);
    this.h1 = new Int32Array(n * width);
    this.h2 = new Int32Array(n * width);
  }

  /** Line i's values, made now; their hashes recorded. */
  values(i: number): OutValue[] {
    const v = this.valuesOf(i);
    const w = this.width;
    for (let j = 0; j < w; j++) {
      const k = i * w + j;
      if (j < v.length && filled(v[j])) {
        const h = valueHash(v[j]);
        this.has[k] = 1;
        this.h1[k] = h[0];
        this.h2[k] = h[1];
      } else this.has[k] = 0;
    }
    this.done[i] = 1;
    return v;
  }

  /** The hashes of line i's filled value j, `v`, as values(i) recorded them (made now past the width it records). */
  hashOf(i: number, j: number, v: OutValue): Int32Array {
    if (j >= this.width) return valueHash(v);
    const k = i * this.width + j;
    hashOut[0] = this.h1[k];
    hashOut[1] = this.h2[k];
    return hashOut;
  }

  /** Line i's filled values as hashes into `at(column offset)`, made only if the writer has not made them. */
  expected(i: number, put: (j: number, h1: number, h2: number) => void): void {
    if (!this.done[i]) this.values(i);
    const w = this.width;
    for (let j = 0; j < w; j++) if (this.has[i * w + j]) put(j, this.h1[i * w + j], this.h2[i * w + j]);
  }

  /** How many of line i's values are filled. */
  filledCount(i: number): number {
    if (!this.done[i]) this.values(i);
    let n = 0;
    for (let j = 0, w = this.width; j < w; j++) n += this.has[i * w + j];
    return n;
  }
}

export class PlanCells implements ExpectedCells {
  /** Told of each row's cells as `get` makes them (the copy's writer takes each row once, in order). */
  onGet: ((row: number, cells: Map<number, Target>) => void) | null = null;

  /** Rows that may get a value or a mark, ascending, each once (a row of a plan's lines whose values are all empty gets nothing: `get` gives undefined). */
  readonly rows: Float64Array;
  readonly minCol: number;
  readonly maxCol: number;
  /** Marked cells: (row * MAX_COLS + column - 1) * 2, plus 1 for an error; ascending. */
  private readonly marks: Float64Array;
  private readonly byPlan: Lines[];
  private lastRow = -1;
  private last: Map<number, Target> | undefined;
  private lastExpectedRow = -1;
  private lastExpected: Map<number, Target> | undefined;

  constructor(plans: ResultPlan[]) {
    let minCol = Infinity;
    let maxCol = 0;
    const col = (c: number) => {
      if (c < minCol) minCol = c;
      if (c > maxCol) maxCol = c;
    };
    const wanted: number[] = [];
    const packed: Float64Array[] = [];
    for (const p of plans) {
      if (p.lines) {
        packed.push(p.lines.marks);
        continue;
      }
      const own = new Float64Array(p.marks.length);
      let m = 0;
      for (const mark of p.marks) {
        const key = cellKey(mark.address);
        if (key >= 0) own[m++] = key * 2 + (mark.severity === "error" ? 1 : 0);
      }
      packed.push(own.subarray(0, m));
    }
    const marks = concat(packed, Float64Array);
    // A plan's own packed marks are sorted already.
    this.marks = plans.length === 1 && plans[0].lines ? marks : marks.sort();
    for (let i = 0; i < this.marks.length; i++) {
      const key = Math.floor(this.marks[i] / 2);
      // Rows ascend with the marks: each row once.
      const row = Math.floor(key / MAX_COLS);
      if (wanted[wanted.length - 1] !== row) wanted.push(row);
      col((key % MAX_COLS) + 1);
    }
    this.byPlan = plans.map((plan) => {
      if (plan.headers.length) {
        wanted.push(plan.headerRow);
        col(plan.startCol);
        col(plan.startCol + plan.headers.length - 1);
      }
      const lines = plan.lines;
      if (lines) {
        // Every line's row (its values are made when the writer comes to it); its columns are the headers'.
        for (const r of lines.rows) wanted.push(r);
        return new Lines(plan, lines.rows, (i) => lines.values(i), plan.headers.length);
      }
      let width = 0;
      for (const r of plan.rows) {
        if (r.values.length > width) width = r.values.length;
        let any = false;
        r.values.forEach((v, j) => {
          if (!filled(v)) return;
          any = true;
          col(plan.startCol + j);
        });
        if (any) wanted.push(r.row);
      }
      return new Lines(plan, Float64Array.from(plan.rows, (r) => r.row), (i) => plan.rows[i].values, width);
    });
    const all = Float64Array.from(wanted).sort();
    let k = 0;
    for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[k++] = all[i];
    this.rows = all.subarray(0, k);
    this.minCol = minCol;
    this.maxCol = maxCol;
  }

  /** The cells of `row` we write or mark, by column, with the values made now; undefined when none. */
  get(row: number): Map<number, Target> | undefined {
    if (row === this.lastRow) return this.last;
    this.last = this.cells(row, true);
    this.lastRow = row;
    if (this.last) this.onGet?.(row, this.last);
    return this.last;
  }

  /** The cells of `row` as they must read back: hashes of the values (as the writer made them), no value. */
  expected(row: number): Map<number, Target> | undefined {
    if (row === this.lastExpectedRow) return this.lastExpected;
    this.lastExpected = this.cells(row, false);
    this.lastExpectedRow = row;
    return this.lastExpected;
  }

  private cells(row: number, withValues: boolean): Map<number, Target> | undefined {
    let out: Map<number, Target> | undefined;
    const at = (c: number): Target => {
      out ??= new Map();
      let t = out.get(c);
      if (!t) out.set(c, (t = {}));
      return t;
    };
    for (const lines of this.byPlan) {
      const plan = lines.plan;
      if (plan.headerRow === row)
        plan.headers.forEach((h, i) => {
          const t = at(plan.startCol + i);
          const hash = valueHash(h);
          t.h1 = hash[0];
          t.h2 = hash[1];
          if (withValues) t.value = h;
          t.look = "header";
        });
      const { rows, at: where } = lines;
      for (let k = lowerBound(rows, row); k < rows.length && rows[k] === row; k++) {
        const i = where[k];
        if (withValues) {
          // Hashed once, as values() recorded them for the read-back.
          const values = lines.values(i);
          for (let j = 0; j < values.length; j++) {
            const v = values[j];
            if (!filled(v)) continue;
            const t = at(plan.startCol + j);
            const hash = lines.hashOf(i, j, v);
            t.value = v;
            t.h1 = hash[0];
            t.h2 = hash[1];
          }
        } else
          lines.expected(i, (j, h1, h2) => {
            const t = at(plan.startCol + j);
            t.h1 = h1;
            t.h2 = h2;
          });
      }
    }
    const end = (row + 1) * MAX_COLS * 2;
    for (let k = lowerBound(this.marks, row * MAX_COLS * 2); k < this.marks.length && this.marks[k] < end; k++) {
      const key = this.marks[k];
      const t = at((Math.floor(key / 2) % MAX_COLS) + 1);
      if (t.look !== "error") t.look = key % 2 ? "error" : "warning";
    }
    return out;
  }

  /** How many cells get a value. */
  values(): number {
    if (this.byPlan.length === 1) {
      // One plan whose rows come once each, none on its header row: its header cells and its lines' filled values.
      const lines = this.byPlan[0];
      const { plan, rows } = lines;
      let once = !plan.headers.length || rows[lowerBound(rows, plan.headerRow)] !== plan.headerRow;
      for (let i = 1; once && i < rows.length; i++) once = rows[i] !== rows[i - 1];
      if (once) {
        let n = plan.headers.length;
        for (let i = 0; i < rows.length; i++) n += lines.filledCount(i);
        return n;
      }
    }
    let n = 0;
    for (const row of this.rows) for (const t of this.expected(row)?.values() ?? []) if (t.h1 !== undefined) n++;
    return n;
  }
}
