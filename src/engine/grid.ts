/**
 * A sheet's cells held column by column, for sheets read from files. Each cell is a kind byte and
 * a number — the number itself, or the index of its text in the shared strings or in the sheet's
 * own texts — so a 1,000,000 × 16 sheet costs about 9 bytes a cell in typed arrays (≈150 MB)
 * instead of row arrays of JavaScript values (≈300 MB and 16 million references for the garbage
 * collector to trace on every major collection).
 *
 * The engine reads any grid through rowCount / rowWidth / cellAt, which take both forms: row
 * arrays (what the Excel door, the page's memory host and tests build) and these columns. A
 * column-stored grid still has `rows` for the doors and tests that want rows: built on first use
 * from the columns (and kept), never by the checking path.
 */
import type { CellValue, SheetGrid } from "./types";

export const BLANK = 0;
export const NUMBER = 1;
/** Index into the shared strings. */
export const SHARED = 2;
/** Index into the sheet's own texts (inline strings, formula results, texts that are not numbers). */
export const TEXT = 3;
const FALSE = 4;
const TRUE = 5;
/** Index into the sheet's own other values (error values). */
const OTHER = 6;

/**
 * One column as a column-stored grid holds it, for the engine's loops over every record (records.ts,
 * columns.ts): the kind of each row's cell and its number — the value, or an index into `shared`
 * (SHARED) or `texts` (TEXT) — read without a call per cell. Rows past `kinds.length` are blank.
 * A text shared by many cells has one index, so what is read from it can be worked out once.
 */
export interface HeldColumn {
  kinds: Uint8Array;
  nums: Float64Array;
  shared: readonly string[];
  texts: readonly string[];
}

export class CellColumns {
  /** Per column (0-based), a kind per row; undefined for a column that holds nothing. */
  private readonly kinds: (Uint8Array | undefined)[] = [];
  private readonly nums: (Float64Array | undefined)[] = [];
  /**
   * Per row, its width: one past its last value (0 for an empty row). Empty until the first cell:
   * the field is then replaced before any code is optimized for it — replacing it only once the
   * reader is well under way (row 1,024) threw away V8's optimized code for every cell setter.
   */
  private widths = new Int32Array(0);
  private readonly texts: string[] = [];
  private readonly others: CellValue[] = [];
  /** Rows held: one past the last row with a value. */
  rowCount = 0;
  /** Slots the columns hold (each column up to its last value): what the reader's budget counts. */
  slots = 0;

  constructor(private readonly shared: readonly string[]) {}

  /** Column `c` made to hold row `r`; returns the slots that cost (0 when it already did). */
  private reach(r: number, c: number): number {
    let k = this.kinds[c];
    const need = r + 1;
    let grown = 0;
    if (!k || k.length < need) {
      const old = k?.length ?? 0;
      // Doubling, but never past Excel's last row: growth is amortised, a column costs at most twice its extent.
      const size = Math.min(1_048_576, Math.max(need, old * 2, 64));
      const nk = new Uint8Array(size);
      const nn = new Float64Array(size);
      if (k) nk.set(k), nn.set(this.nums[c]!);
      this.kinds[c] = k = nk;
      this.nums[c] = nn;
      grown = size - old;
    }
    if (r >= this.widths.length) {
      const w = new Int32Array(Math.min(1_048_576, Math.max(r + 1, this.widths.length * 2, 1024)));
      w.set(this.widths);
      this.widths = w;
    }
    if (need > this.rowCount) this.rowCount = need;
    if (c + 1 > this.widths[r]) this.widths[r] = c + 1;
    return grown;
  }

  /** Sets one cell (0-based row and column); returns the slots newly allocated. */
  setNumber(r: number, c: number, v: number): number {
    const g = this.reach(r, c);
    this.kinds[c]![r] = NUMBER;
    this.nums[c]![r] = v;
    this.slots += g;
    return g;
  }
  setShared(r: number, c: number, index: number): number {
    const g = this.reach(r, c);
    this.kinds[c]![r] = SHARED;
    this.nums[c]![r] = index;
    this.slots += g;
    return g;
  }
  set(r: number, c: number, v: CellValue): number {
    if (typeof v === "number") return this.setNumber(r, c, v);
    const g = this.reach(r, c);
    const k = this.kinds[c]!;
    if (typeof v === "string") (k[r] = TEXT), (this.nums[c]![r] = this.texts.push(v) - 1);
    else if (typeof v === "boolean") k[r] = v ? TRUE : FALSE;
    else if (v === null) k[r] = BLANK;
    else (k[r] = OTHER), (this.nums[c]![r] = this.others.push(v) - 1);
    this.slots += g;
    return g;
  }

  /** Column c as held (0-based); null when it holds nothing. Read-only for the caller. */
  held(c: number): HeldColumn | null {
    const kinds = this.kinds[c];
    return kinds ? { kinds, nums: this.nums[c]!, shared: this.shared, texts: this.texts } : null;
  }

  width(r: number): number {
    return r >= 0 && r < this.rowCount ? this.widths[r] : 0;
  }

  at(r: number, c: number): CellValue {
    const k = this.kinds[c];
    if (!k || r < 0 || r >= k.length) return null;
    switch (k[r]) {
      case NUMBER:
        return this.nums[c]![r];
      case SHARED:
        return this.shared[this.nums[c]![r]];
      case TEXT:
        return this.texts[this.nums[c]![r]];
      case FALSE:
        return false;
      case TRUE:
        return true;
      case OTHER:
        return this.others[this.nums[c]![r]];
      default:
        return null;
    }
  }

  /** Row r as the row array a row-stored grid would hold: its width long, blanks as null. */
  row(r: number): CellValue[] {
    const w = this.width(r);
    const out: CellValue[] = new Array(w);
    for (let c = 0; c < w; c++) out[c] = this.at(r, c);
    return out;
  }

  /** A copy whose cells in [r1, r2] × [c1, c2] (0-based, inclusive) are blank; only the columns touched are copied. */
  blanked(boxes: { r1: number; r2: number; c1: number; c2: number }[]): CellColumns {
    const out = Object.create(CellColumns.prototype) as CellColumns;
    Object.assign(out, this, { kinds: this.kinds.slice() });
    for (const b of boxes) {
      for (let c = Math.max(0, b.c1); c <= b.c2 && c < out.kinds.length; c++) {
        const k = out.kinds[c];
        if (!k) continue;
        const copy = k === this.kinds[c] ? (out.kinds[c] = k.slice()) : k;
        copy.fill(BLANK, Math.max(0, b.r1), Math.min(copy.length, b.r2 + 1));
      }
    }
    return out;
  }
}

/**
 * A grid over columns: `rows` is built from them on first use and kept, and cannot be replaced
 * (the engine reads the columns, which would no longer agree). The columns are not enumerable, so
 * a copy or a clone (postMessage, JSON) carries rows as before.
 */
export function columnGrid(base: Omit<SheetGrid, "rows" | "columns">, columns: CellColumns): SheetGrid {
  let rows: CellValue[][] | null = null;
  const grid = { ...base } as SheetGrid;
  Object.defineProperty(grid, "columns", { value: columns, enumerable: false });
  Object.defineProperty(grid, "rows", {
    enumerable: true,
    configurable: true,
    get: () => {
      if (!rows) {
        rows = new Array(columns.rowCount);
        for (let r = 0; r < columns.rowCount; r++) rows[r] = columns.row(r);
      }
      return rows;
    },
  });
  return grid;
}

/** A grid's own properties but its cells (name, origin, merges, …), without building its rows. */
export function gridBase(g: SheetGrid): Omit<SheetGrid, "rows" | "columns"> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(g)) if (k !== "rows") out[k] = (g as unknown as Record<string, unknown>)[k];
  return out as unknown as Omit<SheetGrid, "rows" | "columns">;
}

/** Rows held (from the grid's origin). */
export function rowCount(g: SheetGrid): number {
  return g.columns ? g.columns.rowCount : g.rows.length;
}

/** Width of row r (0-based from the origin): one past its last cell. */
export function rowWidth(g: SheetGrid, r: number): number {
  if (g.columns) return g.columns.width(r);
  return g.rows[r]?.length ?? 0;
}

/** The value at row r, column c (0-based from the origin); null when there is none. */
export function cellAt(g: SheetGrid, r: number, c: number): CellValue {
  if (g.columns) return g.columns.at(r, c);
  return g.rows[r]?.[c] ?? null;
}

/** Row r as an array (a row-stored grid's own array; a column-stored grid's built for the caller). */
export function rowAt(g: SheetGrid, r: number): CellValue[] {
  if (g.columns) return g.columns.row(r);
  return g.rows[r] ?? [];
}
