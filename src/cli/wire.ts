/**
 * What crosses from a worker process to the main process for each checked sheet: verdicts, not
 * record objects. A head (the sheet's counts, problems, groups, what the table's columns need)
 * and then the records in chunks of typed arrays — rows, met counts, status, grade, which shared
 * failed list, labels as one string — with the issues only of the records an output prints them
 * for (every record's for the JSON and the report; for a graded sheet's table, only the cells to
 * fix of the records naming one, its 未达标项 column naming the standards). Messages come in the
 * chosen language only, and only when an output prints them, as indexes into the sheet's table of
 * distinct messages (an unmet standard said of the same value is one message for thousands of
 * records: it crosses once, and the report's shared strings find it by its index). Each record is explained straight
 * into the chunk (explainRecord), so neither process holds a sheet's explanations at once. Plain
 * data: structured-clonable, no Node built-ins.
 */
import { recordVerdicts, type IssueSink, type RecordVerdicts } from "../engine/evaluate";
import { ISSUE_TEMPLATES, issueMessage } from "../engine/issues";
import { consequenceText } from "../engine/consequences";
import type { Issue, SheetResult, Skipped, Status, Summary } from "../engine/types";
import { getPack } from "../packs";
import { width } from "./format";

export type Lang = "zh" | "en";

/** What the outputs of a run print, so the worker builds nothing more. */
export interface Needs {
  lang: Lang;
  /** Every record's issues (JSON, report); otherwise only the issues of records naming a cell to fix (the table). */
  all: boolean;
  /** Issue messages (the table, the report, the JSON with --messages). */
  messages: boolean;
}

/** An issue as the outputs print it: the message only when asked for. */
export interface IssueOut {
  code: string;
  severity: "error" | "warning";
  cell: string | null;
  text: string | null;
  source: string | null;
  message?: string;
}

export interface SheetHead {
  kind: "head";
  sheet: string;
  pack: string;
  headerRow: number;
  records: number;
  /** Some record has a grade / a met count (the table's columns). */
  graded: boolean;
  counted: boolean;
  /** The table's name column and row column, in terminal columns (the widest label, the last row). */
  nameWidth: number;
  rowWidth: number;
  summary: Summary;
  skipped: Skipped[];
  problems: IssueOut[];
  groups: { key: Record<string, string | number>; spent: number; limit: number; status: Status; issues: IssueOut[] }[];
  interpretations: { id: string; text: string; source: string | null }[];
  /** Grades by index (records carry the index), and what each means for the studio (null: nothing). */
  grades: string[];
  consequences: (string | null)[];
}

/** Strings in one: each one's end, and which are null. */
export interface Strings {
  text: string;
  end: Uint32Array;
  nul: Uint8Array;
}

export interface RecordChunk {
  kind: "records";
  n: number;
  row: Int32Array;
  /** -1: none. */
  met: Int16Array;
  total: Int16Array;
  /** 0 ok, 1 warning, 2 error. */
  status: Uint8Array;
  /** Index into the head's grades; -1: none. */
  grade: Int16Array;
  /** Index into the lists (every list so far, this chunk's new ones appended). */
  failed: Int32Array;
  unchecked: Int32Array;
  hidden: Uint8Array;
  labels: Strings;
  /** Failed and unchecked lists first used in this chunk, in index order. */
  lists: string[][];
  /** The issues of the records explained, in record order; `rec` is the record's index in the chunk. */
  issues: {
    n: number;
    rec: Int32Array;
    code: Uint8Array;
    codes: string[];
    /** 0 warning, 1 error. */
    severity: Uint8Array;
    cell: Strings;
    /** The text found in the cell, as an index into the sheet's texts (below); -1: none. */
    text: Int32Array;
    /** Index into `sources` (every article cited so far, this chunk's new ones appended); -1: none. */
    source: Int32Array;
    sources: string[];
    /**
     * Each issue's message, when printed, as an index into the sheet's texts — or, below zero
     * (-1 - k), the chunk's k-th in `own`: a message that names its cell is that cell's alone,
     * sent with its chunk, not kept in the table. Null when no message is printed.
     */
    message: Int32Array | null;
    own: Strings | null;
    /**
     * The sheet's texts — messages and the texts found in cells, each distinct one once — this
     * chunk's new ones, appended to those of the chunks before: the same unmet standard said of
     * the same value on thousands of records crosses once. `fresh`: the table starts again with
     * this chunk's (it is bounded, TEXTS_KEPT).
     */
    texts: string[];
    fresh: boolean;
  };
}

export type SheetPiece = SheetHead | RecordChunk;

export const STATUSES: readonly Status[] = ["ok", "warning", "error"];

/** Codes whose message starts with the cell it names (their templates begin with {where}): unique to the cell, never repeated. */
const OWN_CELL: ReadonlySet<string> = new Set(
  Object.entries(ISSUE_TEMPLATES)
    .filter(([, t]) => t.zh.startsWith("{where}") && t.en.startsWith("{whereEn}"))
    .map(([code]) => code),
);

/** Records per chunk. */
export const CHUNK = 8192;

/** Distinct texts a sheet's table holds before it starts again (at a chunk's start): memory stays bounded whatever the sheet. */
export const TEXTS_KEPT = 1 << 16;

/**
 * Whole numbers collected in an Int32Array that grows by doubling (one kind of array, so the
 * push stays monomorphic), handed over as the array type the chunk holds.
 */
class Column {
  #a = new Int32Array(64);
  n = 0;
  push(v: number): void {
    if (this.n === this.#a.length) {
      const b = new Int32Array(this.n * 2);
      b.set(this.#a);
      this.#a = b;
    }
    this.#a[this.n++] = v;
  }
  /** A copy of what was pushed. */
  done<T>(as: new (from: Int32Array) => T): T {
    return new as(this.#a.subarray(0, this.n));
  }
  /** Empty again, its array kept: the next chunk's pushes find the same array they were compiled for. */
  reset(): void {
    this.n = 0;
  }
}

class StringsBuilder {
  /** Strings pushed. */
  n = 0;
  readonly #parts: string[] = [];
  readonly #end = new Column();
  readonly #nul = new Column();
  #at = 0;
  push(s: string | null): void {
    this.n++;
    if (s === null) this.#nul.push(1);
    else {
      this.#parts.push(s);
      this.#at += s.length;
      this.#nul.push(0);
    }
    this.#end.push(this.#at);
  }
  done(): Strings {
    return { text: this.#parts.join(""), end: this.#end.done(Uint32Array), nul: this.#nul.done(Uint8Array) };
  }
  /** Empty again, its arrays kept (Column.reset): an array made afresh changed kind at its first string, and the code compiled for the last one was thrown away. */
  reset(): void {
    this.n = 0;
    this.#parts.length = 0;
    this.#end.reset();
    this.#nul.reset();
    this.#at = 0;
  }
}

/** The i-th string. */
export function stringAt(s: Strings, i: number): string | null {
  if (s.nul[i]) return null;
  return s.text.slice(i ? s.end[i - 1] : 0, s.end[i]);
}

export function issueOut(i: Issue, needs: Pick<Needs, "lang" | "messages">): IssueOut {
  const o: IssueOut = { code: i.code, severity: i.severity, cell: i.cell, text: i.text, source: i.source };
  if (needs.messages) o.message = i.message[needs.lang];
  return o;
}

/** The table's label of a record: hidden rows say so. */
export const shownLabel = (label: string, hidden: boolean): string => (hidden ? `${label}（隐藏行）` : label);

/**
 * A checked sheet as pieces: the head, then the records chunk by chunk (`sizes`: records per chunk
 * and texts kept, smaller only in tests). A generator, so the
 * caller posts each piece and lets it go before the next is built.
 */
export function* sheetPieces(r: SheetResult, needs: Needs, sizes: { chunk?: number; keep?: number } = {}): Generator<SheetPiece> {
  const chunk = sizes.chunk ?? CHUNK;
  const keep = sizes.keep ?? TEXTS_KEPT;
  const pack = getPack(r.pack);
  // Read as verdicts: no object per record (and none made) for a sheet evaluateSheet decided here.
  const records = recordVerdicts(r);
  const count = records.length;
  let graded = false;
  let counted = false;
  let widest = 10;
  const grades = Object.keys(r.summary.grades);
  for (let i = 0; i < count; i++) {
    const grade = records.grade(i);
    if (grade !== null) {
      graded = true;
      if (!grades.includes(grade)) grades.push(grade);
    }
    if (records.met(i) !== null) counted = true;
    // A loop, not a spread: a spread overflows the stack past ~120,000 records.
    const w = width(shownLabel(records.label(i), records.hidden(i)));
    if (w > widest) widest = Math.min(w, 46);
  }
  const o = (i: Issue) => issueOut(i, needs);
  yield {
    kind: "head",
    sheet: r.sheet,
    pack: r.pack,
    headerRow: r.headerRow,
    records: count,
    graded,
    counted,
    nameWidth: Math.min(46, widest + 2),
    rowWidth: Math.max(6, String(count ? records.row(count - 1) : 0).length + 2),
    summary: r.summary,
    skipped: r.skipped,
    problems: r.problems.map(o),
    groups: r.groups.map((g) => ({ key: g.key, spent: g.spent, limit: g.limit, status: g.status, issues: g.issues.map(o) })),
    interpretations: r.interpretations.map((i) => ({ id: i.id, text: i.text[needs.lang], source: i.source })),
    grades,
    consequences: grades.map((g) => (pack ? consequenceText(pack, g, needs.lang) || null : null)),
  };
  const chunks = new ChunkBuilder(records, needs, graded, keep, grades);
  for (let from = 0; from < count; from += chunk) yield chunks.build(from, Math.min(chunk, count - from));
}

/**
 * A sheet's records made into chunks. One object for the sheet, its methods the same functions
 * from chunk to chunk: closures made afresh for each chunk (the sink, the issue adder) gave the
 * compiled record loop a new call target every 8,192 records, and it was thrown away and compiled
 * again; and the loop over a chunk's records, one generator long, was compiled twice per chunk.
 */
class ChunkBuilder {
  // Lists shared by records that failed the same standards (one per mask in the engine): sent once.
  readonly #byList = new Map<readonly string[], number>([[[], 0]]);
  readonly #byKey = new Map<string, number>([["", 0]]);
  #lists = 1;
  readonly #codes = new Map<string, number>();
  readonly #sources = new Map<string, number>();
  readonly #texts = new Map<string, number>();
  readonly #sink: IssueSink;
  // This chunk's: what its issues are collected into, and the record being explained (its index in the chunk).
  #c!: RecordChunk;
  // Emptied for each chunk, not made again (Column.reset).
  readonly #rec = new Column();
  readonly #code = new Column();
  readonly #severity = new Column();
  readonly #cell = new StringsBuilder();
  readonly #text = new Column();
  readonly #source = new Column();
  readonly #message: Column | null;
  readonly #own: StringsBuilder | null;
  readonly #labels = new StringsBuilder();
  #newTexts: string[] = [];
  #j = 0;

  constructor(
    private readonly records: RecordVerdicts,
    private readonly needs: Needs,
    private readonly graded: boolean,
    private readonly keep: number,
    private readonly grades: string[],
  ) {
    const lang = needs.messages ? needs.lang : null;
    this.#message = lang ? new Column() : null;
    this.#own = lang ? new StringsBuilder() : null;
    this.#sink = {
      lang,
      // Without grades the table prints every issue; with them, 未达标项 names the standards.
      standards: needs.all || !graded,
      found: (c, s, at, _row, _field, t, from, params, made) => this.#add(c, s, at, t, from, lang ? (made ?? issueMessage(c, params(lang), at, lang)) : null),
      made: (i, s) => this.#add(i.code, s, i.cell, i.text, i.source, lang ? i.message[lang] : null),
    };
  }

  /** Records from..from+n as a chunk. */
  build(from: number, n: number): RecordChunk {
    const c: RecordChunk = (this.#c = {
      kind: "records",
      n,
      row: new Int32Array(n),
      met: new Int16Array(n),
      total: new Int16Array(n),
      status: new Uint8Array(n),
      grade: new Int16Array(n),
      failed: new Int32Array(n),
      unchecked: new Int32Array(n),
      hidden: new Uint8Array(n),
      labels: { text: "", end: new Uint32Array(0), nul: new Uint8Array(0) },
      lists: [],
      issues: {
        n: 0,
        rec: new Int32Array(0),
        code: new Uint8Array(0),
        codes: [],
        severity: new Uint8Array(0),
        cell: { text: "", end: new Uint32Array(0), nul: new Uint8Array(0) },
        text: new Int32Array(0),
        source: new Int32Array(0),
        sources: [],
        message: null,
        own: null,
        texts: [],
        fresh: false,
      },
    });
    for (const b of [this.#rec, this.#code, this.#severity, this.#cell, this.#text, this.#source, this.#message, this.#own, this.#labels]) b?.reset();
    const fresh = this.#texts.size >= this.keep;
    if (fresh) this.#texts.clear();
    this.#newTexts = [];
    const labels = this.#labels;
    // Rows, counts, status, grade and hidden copied as codes (every grade is in `grades`: the loop in sheetPieces found them).
    this.records.copyCodes(from, n, c, this.grades);
    for (let j = 0; j < n; j++) labels.push(this.#record(from, j));
    c.labels = labels.done();
    c.issues = {
      n: this.#rec.n,
      rec: this.#rec.done(Int32Array),
      code: this.#code.done(Uint8Array),
      codes: [...this.#codes.keys()],
      severity: this.#severity.done(Uint8Array),
      cell: this.#cell.done(),
      text: this.#text.done(Int32Array),
      source: this.#source.done(Int32Array),
      sources: [...this.#sources.keys()],
      message: this.#message ? this.#message.done(Int32Array) : null,
      own: this.#own ? this.#own.done() : null,
      texts: this.#newTexts,
      fresh,
    };
    return c;
  }

  /** Record from+j into the chunk: its lists, its issues when printed; its label. */
  #record(from: number, j: number): string {
    const i = from + j;
    const records = this.records;
    this.#j = j;
    this.#c.failed[j] = this.#listOf(records.failed(i));
    this.#c.unchecked[j] = this.#listOf(records.unchecked(i));
    // Without grades the table prints every record's problems; with them, only the cells to fix.
    if (this.needs.all || !this.graded || records.namesCells(i)) records.explain(i, this.#sink);
    return records.label(i);
  }

  #listOf(ids: readonly string[] | undefined): number {
    if (!ids || !ids.length) return 0;
    let k = this.#byList.get(ids);
    if (k !== undefined) return k;
    const key = ids.join("\u0001");
    k = this.#byKey.get(key);
    if (k === undefined) {
      k = this.#lists++;
      this.#byKey.set(key, k);
      this.#c.lists.push([...ids]);
    }
    this.#byList.set(ids, k);
    return k;
  }

  // The text's index in the sheet's texts (the engine hands an unmet standard's message out as the same string each time: its hash is kept, the lookup cheap).
  #textIndex(t: string): number {
    let x = this.#texts.get(t);
    if (x === undefined) {
      this.#texts.set(t, (x = this.#texts.size));
      this.#newTexts.push(t);
    }
    return x;
  }

  #add(c: string, s: "error" | "warning", at: string | null, t: string | null, from: string | null, m: string | null): void {
    this.#rec.push(this.#j);
    let k = this.#codes.get(c);
    if (k === undefined) this.#codes.set(c, (k = this.#codes.size));
    this.#code.push(k);
    this.#severity.push(s === "error" ? 1 : 0);
    this.#cell.push(at);
    this.#text.push(t === null ? -1 : this.#textIndex(t));
    // A few articles, cited hundreds of thousands of times: sent once each.
    if (from === null) this.#source.push(-1);
    else {
      let a = this.#sources.get(from);
      if (a === undefined) this.#sources.set(from, (a = this.#sources.size));
      this.#source.push(a);
    }
    const message = this.#message;
    if (message) {
      // A message that starts by naming its cell ("F3 …") is the cell's own; any other goes in the table.
      if (at !== null && m !== null && OWN_CELL.has(c) && m.startsWith(at)) {
        message.push(-1 - this.#own!.n);
        this.#own!.push(m);
      } else message.push(this.#textIndex(m ?? ""));
    }
  }
}

/** The main process's view of a sheet's chunks: lists and messages accumulated as chunks arrive. */
export class SheetReader {
  readonly lists: string[][] = [[]];
  /** The sheet's texts by index (RecordChunk's `text` and `message`). */
  texts: string[] = [];
  constructor(readonly head: SheetHead) {}
  /** Takes a chunk's new lists and texts; call once per chunk, in order. */
  take(c: RecordChunk): RecordChunk {
    for (const l of c.lists) this.lists.push(l);
    // Emptied in place, not replaced: a new array in the field changes the reader's hidden class, and the
    // outputs' hot loops that read it (compiled for the old one) would be thrown away and compiled again.
    if (c.issues.fresh) this.texts.length = 0;
    for (const t of c.issues.texts) this.texts.push(t);
    return c;
  }
  /** Issue k's message (chunk c, taken); "" when the chunk carries none. */
  message(c: RecordChunk, k: number): string {
    const m = c.issues.message;
    if (!m) return "";
    const x = m[k];
    return x >= 0 ? this.texts[x] : stringAt(c.issues.own!, -1 - x)!;
  }
  /** The text found in issue k's cell (chunk c, taken). */
  text(c: RecordChunk, k: number): string | null {
    const t = c.issues.text[k];
    return t < 0 ? null : this.texts[t];
  }
  issue(c: RecordChunk, k: number): IssueOut {
    const s = c.issues;
    const o: IssueOut = {
      code: s.codes[s.code[k]],
      severity: s.severity[k] ? "error" : "warning",
      cell: stringAt(s.cell, k),
      text: this.text(c, k),
      source: s.source[k] < 0 ? null : s.sources[s.source[k]],
    };
    if (s.message) o.message = this.message(c, k);
    return o;
  }
}
