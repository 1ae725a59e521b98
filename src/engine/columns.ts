/**
 * Verdicts column by column. Deciding whether a record meets a pack needs no messages, so a
 * sheet is decided field by field: each field's column is read once into typed arrays, and each
 * test runs as one tight loop over all records. A record is explained (its issues built when a
 * door asks) from these codes: the criteria it met are not looked at again, a plain comparison
 * is said from its code and its one cell, and only tests of other shapes are run again record by
 * record (evaluate.ts). Both follow the same rules, and test/evaluate-columns.test.ts holds them
 * to the same verdicts and the same issues on random sheets.
 *
 * A test's outcome per record is a code: bits 0–1 the three-valued result (no, yes, unknown),
 * bit 2 set when blank or unreadable evidence was met on the way — the same facts the
 * record-by-record walk gathers in `unknownSeen`, with the same short-circuits: a met anyOf or
 * atLeast forgets the unusable cells it passed, an allOf stops at its first failure, an if's
 * condition counts only when it is itself unknown and its branches disagree. Bit 3 is set when a
 * column the test needs is absent from the sheet (the criterion could not be checked).
 */
import { readText, yesNoOf, type Read, type When } from "./values";
import { BLANK, NUMBER, SHARED, type HeldColumn } from "./grid";
import { NO, numericReader, OPS, readDateOrYear, recency, UNKNOWN, vocabJudge, YES } from "./readers";
import type { CellValue } from "./types";
import type { RecordCells } from "./records";
import type { Field, Operand, PlainTest } from "../packs/schema";

/** Set in a code when the test met blank or unreadable evidence. */
export const UNUSABLE = 4;
/**
 * Set in a code when the test needed a column the sheet does not have: the criterion could not
 * be checked at all (never met; the record is 需核实 at best, never passed on it).
 */
export const ABSENT = 8;
/** The evidence bits a code may carry besides its three-valued result. */
const EVIDENCE = UNUSABLE | ABSENT;
/** Unknown because the evidence is blank or unreadable. */
export const UNKNOWN_UNUSABLE = UNKNOWN | UNUSABLE;
const UNKNOWN_ABSENT = UNKNOWN | ABSENT;
/** Which whole numbers a numeric column takes as they are: none, zero or more (counts), any (money). */
const WHOLE_COUNT = 1;
const WHOLE_ANY = 2;

/** A field read one way: as its type's number, as 是/否, as text, as a date or year. */
export interface Need {
  kind: "number" | "yesno" | "text" | "date";
  field: number;
}

type NumberColumn = { v: Float64Array; ok: Uint8Array };
type NumberReader = (v: CellValue) => Read<number>;

/** What one reader made of each shared text, by its index: state 0 not read yet, 1 a number (in value), 2 unreadable. */
class SharedReads {
  readonly state: Uint8Array;
  readonly value: Float64Array;
  constructor(n: number) {
    this.state = new Uint8Array(n);
    this.value = new Float64Array(n);
  }
}
/** fill's mark for a numeric column already read from its held column. */
const HELD = -2;
type DateColumn = { when: (When | null)[] };

/**
 * One sheet's records, with each field's column read once per way of reading it. `fill` reads
 * the numeric columns a pack needs in one pass over the records (row by row: a row-stored grid's
 * cells sit together in memory, so this is much faster there than walking one column after another).
 */
export class SheetColumns {
  readonly n: number;
  private readonly numbers = new Map<number, NumberColumn>();
  private readonly flags = new Map<number, Uint8Array>();
  private readonly texts = new Map<number, (string | null)[]>();
  private readonly dates = new Map<number, DateColumn>();

  constructor(
    private readonly cells: RecordCells,
    /** Column of each field within a record's cells, -1 when the sheet has none. */
    private readonly colOf: Int32Array,
    private readonly fields: Field[],
  ) {
    this.n = cells.length;
  }

  /** Reads the columns not read yet: one pass over the records per way of reading. */
  fill(needs: Need[]): void {
    const want = (kind: Need["kind"], have: Map<number, unknown>) => [...new Set(needs.filter((x) => x.kind === kind && !have.has(x.field)).map((x) => x.field))];

    // Numbers are most of what packs read: a plain loop over the record's cells, no callbacks.
    const numbers = want("number", this.numbers);
    if (numbers.length) {
      const readers = numbers.map((f) => numericReader(this.fields[f].type));
      // A whole number in a count or money cell is its own answer — what readCount / readMoney
      // say, without the call (5 % of a sheet's time; 55 % of cells in a typical sheet). The
      // property tests of test/evaluate-columns.test.ts hold it to the readers.
      const whole = numbers.map((f) => (this.fields[f].type === "count" ? WHOLE_COUNT : this.fields[f].type === "money" ? WHOLE_ANY : 0));
      const at = numbers.map((f) => this.colOf[f]);
      const out = numbers.map((f): NumberColumn => {
        const c = { v: new Float64Array(this.n), ok: new Uint8Array(this.n) };
        this.numbers.set(f, c);
        return c;
      });
      // A column-stored grid's columns are read one by one, straight from the kinds and numbers it
      // holds; a shared text (3项, 若干: one index for all its cells) is read once per reader.
      const memos = new Map<NumberReader, SharedReads>();
      for (let j = 0; j < numbers.length; j++) {
        const held = at[j] >= 0 ? this.cells.held(at[j]) : null;
        if (!held) continue;
        let memo = memos.get(readers[j]);
        if (!memo) memos.set(readers[j], (memo = new SharedReads(held.shared.length)));
        this.#numbersHeld(held, at[j], readers[j], whole[j], out[j], memo);
        at[j] = HELD;
      }
      for (let i = 0; i < this.n; i++) {
        for (let j = 0; j < numbers.length; j++) {
          if (at[j] === HELD) continue;
          const v = at[j] >= 0 ? this.cells.at(i, at[j]) : null;
          if (typeof v === "number" && whole[j] !== 0 && Number.isSafeInteger(v) && (v >= 0 || whole[j] === WHOLE_ANY)) {
            out[j].v[i] = v;
            out[j].ok[i] = 1;
            continue;
          }
          const r = readers[j](v);
          if (r.ok) {
            out[j].v[i] = r.value;
            out[j].ok[i] = 1;
          }
        }
      }
    }
    for (const f of want("yesno", this.flags)) {
      const c = new Uint8Array(this.n);
      for (let i = 0; i < this.n; i++) {
        const yn = yesNoOf(this.value(f, i));
        c[i] = yn === true ? YES : yn === false ? NO : UNKNOWN_UNUSABLE;
      }
      this.flags.set(f, c);
    }
    for (const f of want("text", this.texts)) {
      const c: (string | null)[] = new Array(this.n);
      for (let i = 0; i < this.n; i++) {
        const r = readText(this.value(f, i));
        c[i] = r.ok ? r.value : null;
      }
      this.texts.set(f, c);
    }
    for (const f of want("date", this.dates)) {
      const c: DateColumn = { when: new Array(this.n) };
      for (let i = 0; i < this.n; i++) {
        const r = readDateOrYear(this.value(f, i));
        c.when[i] = r.ok ? r.value : null;
      }
      this.dates.set(f, c);
    }
  }

  /**
   * A numeric column read from a held column (what the row-by-row loop of fill does, cell by cell),
   * in two passes. The first takes what needs no reader — a whole number that is its own answer, a
   * shared text read before — and notes the other cells; the second reads those with the column's
   * reader. The first loop, where nearly all the time goes, then calls no function of the column's
   * own: a call to each column's reader in it threw its compiled code away at every new column.
   */
  #numbersHeld(h: HeldColumn, col: number, read: NumberReader, whole: number, out: NumberColumn, memo: SharedReads): void {
    const rows = this.cells.gridRows;
    const { kinds, nums, shared } = h;
    const { v: values, ok } = out;
    const { state, value } = memo;
    const later = (this.#later ??= new Int32Array(this.n));
    let m = 0;
    for (let i = 0; i < this.n; i++) {
      const r = rows[i];
      const kind = r < kinds.length ? kinds[r] : BLANK;
      if (kind === NUMBER) {
        const v = nums[r];
        if (whole !== 0 && Number.isSafeInteger(v) && (v >= 0 || whole === WHOLE_ANY)) {
          values[i] = v;
          ok[i] = 1;
          continue;
        }
      } else if (kind === SHARED) {
        const k = nums[r];
        if (state[k] === 1) {
          values[i] = value[k];
          ok[i] = 1;
          continue;
        }
        if (state[k] === 2) continue;
      }
      later[m++] = i;
    }
    for (let q = 0; q < m; q++) {
      const i = later[q];
      const r = rows[i];
      const kind = r < kinds.length ? kinds[r] : BLANK;
      if (kind === SHARED) {
        // Read once: a later cell of the same text finds it read.
        const k = nums[r];
        if (state[k] === 0) {
          const x = read(shared[k]);
          if (x.ok) value[k] = x.value;
          state[k] = x.ok ? 1 : 2;
        }
        if (state[k] === 1) {
          values[i] = value[k];
          ok[i] = 1;
        }
        continue;
      }
      const x = read(kind === NUMBER ? nums[r] : this.cells.at(i, col));
      if (x.ok) {
        values[i] = x.value;
        ok[i] = 1;
      }
    }
  }

  /** #numbersHeld's cells left for the second pass, one array for every column. */
  #later: Int32Array | null = null;

  /** Whether the sheet has a column for the field at all. */
  has(f: number): boolean {
    return f >= 0 && this.colOf[f] >= 0;
  }

  /** Every record unknown for want of a column. */
  absent(): Uint8Array {
    return new Uint8Array(this.n).fill(UNKNOWN_ABSENT);
  }

  private value(f: number, i: number): CellValue {
    const c = this.colOf[f];
    return c >= 0 ? this.cells.at(i, c) : null;
  }

  numbersOf(f: number): NumberColumn {
    if (!this.numbers.has(f)) this.fill([{ kind: "number", field: f }]);
    return this.numbers.get(f)!;
  }

  /** The field as 是/否: a code per record (yes, no, or unknown and unusable). */
  yesNoOf(f: number): Uint8Array {
    if (!this.flags.has(f)) this.fill([{ kind: "yesno", field: f }]);
    return this.flags.get(f)!;
  }

  textsOf(f: number): (string | null)[] {
    if (!this.texts.has(f)) this.fill([{ kind: "text", field: f }]);
    return this.texts.get(f)!;
  }

  datesOf(f: number): DateColumn {
    if (!this.dates.has(f)) this.fill([{ kind: "date", field: f }]);
    return this.dates.get(f)!;
  }
}

/** The columns a test reads, and how: what SheetColumns.fill should read before the test runs. */
export function needsOf(t: PlainTest, fieldIndex: Map<string, number>, out: Need[] = []): Need[] {
  const f = (id: string) => fieldIndex.get(id)!;
  if ("cmp" in t) {
    out.push({ kind: "number", field: f(t.field) });
    if (typeof t.value === "object" && "field" in t.value) out.push({ kind: "number", field: f(t.value.field) });
  } else if ("yes" in t) out.push({ kind: "yesno", field: f(t.yes) });
  else if ("textIn" in t) out.push({ kind: "text", field: f(t.textIn) });
  else if ("vocab" in t) out.push({ kind: "text", field: f(t.vocab) });
  else if ("withinYears" in t) out.push({ kind: "date", field: f(t.withinYears) }, { kind: "date", field: f(t.of) });
  else if ("anyOf" in t) t.anyOf.forEach((s) => needsOf(s, fieldIndex, out));
  else if ("allOf" in t) t.allOf.forEach((s) => needsOf(s, fieldIndex, out));
  else if ("atLeast" in t) t.of.forEach((s) => needsOf(s, fieldIndex, out));
  else {
    needsOf(t.if, fieldIndex, out);
    needsOf(t.then, fieldIndex, out);
    if (t.else) needsOf(t.else, fieldIndex, out);
  }
  return out;
}

export type ColumnTest = (c: SheetColumns) => Uint8Array;

/**
 * A column against a fixed threshold — what nearly every standard is. One loop per operator, so
 * the comparison is inlined rather than called per record.
 */
function compareWith(op: string, col: { v: Float64Array; ok: Uint8Array }, bound: number, n: number): Uint8Array {
  const { v, ok } = col;
  const out = new Uint8Array(n).fill(UNKNOWN_UNUSABLE);
  switch (op) {
    case ">=":
      for (let i = 0; i < n; i++) if (ok[i]) out[i] = v[i] >= bound ? YES : NO;
      break;
    case ">":
      for (let i = 0; i < n; i++) if (ok[i]) out[i] = v[i] > bound ? YES : NO;
      break;
    case "<=":
      for (let i = 0; i < n; i++) if (ok[i]) out[i] = v[i] <= bound ? YES : NO;
      break;
    case "<":
      for (let i = 0; i < n; i++) if (ok[i]) out[i] = v[i] < bound ? YES : NO;
      break;
    case "=":
      for (let i = 0; i < n; i++) if (ok[i]) out[i] = v[i] === bound ? YES : NO;
      break;
    default:
      for (let i = 0; i < n; i++) if (ok[i]) out[i] = OPS[op](v[i], bound) ? YES : NO;
  }
  return out;
}

/** A test on a field's text, record by record; a cell that could not be read is unusable evidence. */
function byText(fi: number, verdict: (text: string) => number): ColumnTest {
  return (c) => {
    if (!c.has(fi)) return c.absent();
    const texts = c.textsOf(fi);
    const out = new Uint8Array(c.n);
    for (let i = 0; i < c.n; i++) {
      const s = texts[i];
      out[i] = s === null ? UNKNOWN_UNUSABLE : verdict(s);
    }
    return out;
  };
}

/** Compiles a pack's test into a column-wise one, with the same field indexes and thresholds as the record-wise one. */
export function compileColumnTest(t: PlainTest, fieldIndex: Map<string, number>, param: (a: Operand | number) => number): ColumnTest {
  const compile = (t: PlainTest): ColumnTest => {
    if ("cmp" in t) {
      const fi = fieldIndex.get(t.field)!;
      const op = OPS[t.cmp];
      const other = typeof t.value === "object" && "field" in t.value ? fieldIndex.get(t.value.field)! : -1;
      const fixed = other < 0 ? param(t.value) : Number.NaN;
      if (other < 0) return (c) => (c.has(fi) ? compareWith(t.cmp, c.numbersOf(fi), fixed, c.n) : c.absent());
      return (c) => {
        if (!c.has(fi) || !c.has(other)) return c.absent();
        const a = c.numbersOf(fi);
        const b = c.numbersOf(other);
        const out = new Uint8Array(c.n);
        for (let i = 0; i < c.n; i++) out[i] = !a.ok[i] || !b.ok[i] ? UNKNOWN_UNUSABLE : op(a.v[i], b.v[i]) ? YES : NO;
        return out;
      };
    }
    if ("yes" in t) {
      const fi = fieldIndex.get(t.yes)!;
      return (c) => (c.has(fi) ? c.yesNoOf(fi) : c.absent());
    }
    if ("textIn" in t) {
      const fi = fieldIndex.get(t.textIn)!;
      const words = t.values;
      return byText(fi, (s) => (words.some((w) => s.includes(w)) ? YES : NO));
    }
    if ("vocab" in t) {
      const fi = fieldIndex.get(t.vocab)!;
      const judge = vocabJudge(t);
      return byText(fi, (s) => {
        // A word neither list knows: like a missing column, the record waits for a person (需核实).
        const v = judge(s).tri;
        return v === UNKNOWN ? UNKNOWN_ABSENT : v;
      });
    }
    if ("withinYears" in t) {
      const fi = fieldIndex.get(t.withinYears)!;
      const oi = fieldIndex.get(t.of)!;
      const years = param(t.years);
      return (c) => {
        if (!c.has(fi) || !c.has(oi)) return c.absent();
        const a = c.datesOf(fi);
        const b = c.datesOf(oi);
        const out = new Uint8Array(c.n);
        for (let i = 0; i < c.n; i++) {
          const x = a.when[i];
          const y = b.when[i];
          if (x === null || y === null) out[i] = UNKNOWN_UNUSABLE;
          else {
            const r = recency(x, y, years, t.by);
            out[i] = r.within && !r.after ? YES : NO;
          }
        }
        return out;
      };
    }
    if ("anyOf" in t || "allOf" in t) {
      const any = "anyOf" in t;
      const parts = (any ? (t as { anyOf: PlainTest[] }).anyOf : (t as { allOf: PlainTest[] }).allOf).map(compile);
      return (c) => {
        const codes = parts.map((p) => p(c));
        const out = new Uint8Array(c.n);
        for (let i = 0; i < c.n; i++) {
          let unusable = 0;
          let unknown = false;
          let result = -1;
          for (const part of codes) {
            const code = part[i];
            const v = code & 3;
            unusable |= code & EVIDENCE;
            if (any && v === YES) {
              result = YES;
              unusable = 0; // met: what the other branches found does not matter
              break;
            }
            if (!any && v === NO) {
              result = NO;
              break;
            }
            if (v === UNKNOWN) unknown = true;
          }
          if (result < 0) result = unknown ? UNKNOWN : any ? NO : YES;
          out[i] = result | unusable;
        }
        return out;
      };
    }
    if ("atLeast" in t) {
      const parts = t.of.map(compile);
      const need = param(t.atLeast);
      return (c) => {
        const codes = parts.map((p) => p(c));
        const out = new Uint8Array(c.n);
        for (let i = 0; i < c.n; i++) {
          let yes = 0;
          let unknown = 0;
          let unusable = 0;
          for (const part of codes) {
            const code = part[i];
            unusable |= code & EVIDENCE;
            if ((code & 3) === YES) yes++;
            else if ((code & 3) === UNKNOWN) unknown++;
          }
          out[i] = yes >= need ? YES : (yes + unknown >= need ? UNKNOWN : NO) | unusable;
        }
        return out;
      };
    }
    const cond = compile(t.if);
    const then = compile(t.then);
    const otherwise = t.else ? compile(t.else) : null;
    return (c) => {
      const k = cond(c);
      const yes = then(c);
      const no = otherwise ? otherwise(c) : null;
      const out = new Uint8Array(c.n);
      for (let i = 0; i < c.n; i++) {
        const v = k[i] & 3;
        if (v === UNKNOWN) {
          // Both branches agree: what the condition would have said does not matter.
          const a = yes[i] & 3;
          const b = no ? no[i] & 3 : YES;
          out[i] = a === b && a !== UNKNOWN ? (no ? no[i] : YES) : k[i];
        } else out[i] = v === YES ? yes[i] : no ? no[i] : YES;
      }
      return out;
    };
  };
  return compile(t);
}
