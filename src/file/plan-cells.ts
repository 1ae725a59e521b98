/**
 * The cells one sheet's result plans write or mark, looked up a row at a time. Values stay in the
 * plans; what is added is two sorted typed arrays — the rows that get anything, and the marked
 * cells packed with their look — so a sheet of a million rows needs no object per cell. A row's
 * cells are made when asked for (the copy's writer and its read-back ask in row order; the last
 * row asked is kept). Browser-safe.
 */
import type { OutValue, ResultPlan } from "../engine/host";
import { MAX_COLS, parseA1 } from "../engine/address";

export type Look = "error" | "warning" | "header";

/** What we write into one cell: a value, and/or the look of a mark or a header. */
export interface Target {
  value?: OutValue;
  look?: Look;
}

const filled = (v: OutValue | undefined) => v !== null && v !== undefined && v !== "";

/** Row and column of a plain address ("AB12") read by character codes, packed as row * MAX_COLS + column - 1; otherwise parseA1's answer. */
function cellKey(address: string): number {
  let col = 0;
  let i = 0;
  for (; i < address.length && i < 3; i++) {
    const c = address.charCodeAt(i);
    if (c < 65 || c > 90) break;
    col = col * 26 + c - 64;
  }
  let row = 0;
  const digits = i;
  for (; i < address.length && i - digits < 8; i++) {
    const c = address.charCodeAt(i);
    if (c < 48 || c > 57) break;
    row = row * 10 + c - 48;
  }
  if (digits > 0 && i > digits && i === address.length && col <= MAX_COLS && row >= 1) return row * MAX_COLS + col - 1;
  const a = parseA1(address.replace(/\$/g, ""));
  return a ? a.row * MAX_COLS + a.col - 1 : -1;
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

export class PlanCells {
  /** Rows that get a value or a mark, ascending, each once. */
  readonly rows: Float64Array;
  readonly minCol: number;
  readonly maxCol: number;
  /** Marked cells: (row * MAX_COLS + column - 1) * 2, plus 1 for an error; ascending. */
  private readonly marks: Float64Array;
  /** Per plan, its rows' numbers ascending and where each is in plan.rows. */
  private readonly byRow: { plan: ResultPlan; rows: Float64Array; at: Int32Array }[];
  private lastRow = -1;
  private last: Map<number, Target> | undefined;

  constructor(plans: ResultPlan[]) {
    let minCol = Infinity;
    let maxCol = 0;
    const col = (c: number) => {
      if (c < minCol) minCol = c;
      if (c > maxCol) maxCol = c;
    };
    const wanted: number[] = [];
    let n = 0;
    for (const p of plans) n += p.marks.length;
    const marks = new Float64Array(n);
    let m = 0;
    for (const p of plans) {
      for (const mark of p.marks) {
        const key = cellKey(mark.address);
        if (key < 0) continue;
        marks[m++] = key * 2 + (mark.severity === "error" ? 1 : 0);
        wanted.push(Math.floor(key / MAX_COLS));
        col((key % MAX_COLS) + 1);
      }
    }
    this.marks = marks.subarray(0, m).sort();
    this.byRow = plans.map((plan) => {
      if (plan.headers.length) {
        wanted.push(plan.headerRow);
        col(plan.startCol);
        col(plan.startCol + plan.headers.length - 1);
      }
      const rows = new Float64Array(plan.rows.length);
      let sorted = true;
      plan.rows.forEach((r, i) => {
        rows[i] = r.row;
        if (i && rows[i - 1] > r.row) sorted = false;
        let any = false;
        r.values.forEach((v, j) => {
          if (!filled(v)) return;
          any = true;
          col(plan.startCol + j);
        });
        if (any) wanted.push(r.row);
      });
      const at = Int32Array.from(plan.rows, (_, i) => i);
      if (!sorted) at.sort((a, b) => plan.rows[a].row - plan.rows[b].row);
      return { plan, rows: sorted ? rows : Float64Array.from(at, (i) => plan.rows[i].row), at };
    });
    const all = Float64Array.from(wanted).sort();
    let k = 0;
    for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[k++] = all[i];
    this.rows = all.subarray(0, k);
    this.minCol = minCol;
    this.maxCol = maxCol;
  }

  /** The cells of `row` we write or mark, by column; undefined when none. */
  get(row: number): Map<number, Target> | undefined {
    if (row === this.lastRow) return this.last;
    let out: Map<number, Target> | undefined;
    const at = (c: number): Target => {
      out ??= new Map();
      let t = out.get(c);
      if (!t) out.set(c, (t = {}));
      return t;
    };
    for (const { plan, rows, at: where } of this.byRow) {
      if (plan.headerRow === row) plan.headers.forEach((h, i) => Object.assign(at(plan.startCol + i), { value: h, look: "header" as Look }));
      for (let k = lowerBound(rows, row); k < rows.length && rows[k] === row; k++) {
        plan.rows[where[k]].values.forEach((v, i) => {
          if (filled(v)) at(plan.startCol + i).value = v;
        });
      }
    }
    const end = (row + 1) * MAX_COLS * 2;
    for (let k = lowerBound(this.marks, row * MAX_COLS * 2); k < this.marks.length && this.marks[k] < end; k++) {
      const key = this.marks[k];
      const t = at((Math.floor(key / 2) % MAX_COLS) + 1);
      if (t.look !== "error") t.look = key % 2 ? "error" : "warning";
    }
    this.lastRow = row;
    this.last = out;
    return out;
  }

  /** How many cells get a value. */
  values(): number {
    if (this.byRow.length === 1) {
      // One plan whose rows come once each, none on its header row: its header cells and its rows' filled values.
      const { plan, rows } = this.byRow[0];
      let once = !plan.headers.length || rows[lowerBound(rows, plan.headerRow)] !== plan.headerRow;
      for (let i = 1; once && i < rows.length; i++) once = rows[i] !== rows[i - 1];
      if (once) {
        let n = plan.headers.length;
        for (const r of plan.rows) for (const v of r.values) if (filled(v)) n++;
        return n;
      }
    }
    let n = 0;
    for (const row of this.rows) for (const t of this.get(row)!.values()) if (t.value !== undefined) n++;
    return n;
  }
}
