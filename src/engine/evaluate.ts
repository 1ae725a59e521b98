/**
 * Applying a pack to records. A pack is compiled once (per pack object and thresholds) into
 * closures over field indexes, so a record costs a few reads and comparisons. Tests are
 * three-valued: met, not met, or unknown (blank or unreadable evidence) — unknown is never met
 * and always reported with its cell.
 */
import { budgetOf, paramValue, spendingFindings, subsidyFor } from "./budget";
import { matchHeaderTexts, matchHeaders, type HeaderMatch } from "./headers";
import { issueMessage, issueSeverity, makeIssue, STANDARD_CODES, type IssueCode } from "./issues";
import { recordRows, type RecordCells } from "./records";
import { groupedPack, memberId } from "./groups";
import { colLetter, colNumber } from "./address";
import { cellText, yesNoOf, formatMoney, readDate, readMoney, readText, readYear, readYesNo, serialToYMD, formatNumber, type Read } from "./values";
import { NO, numericReader, OPS, PRECISION_WORDS, readDateOrYear, recency, UNKNOWN, vocabJudge, YES, type Tri } from "./readers";
import { ABSENT, compileColumnTest, needsOf, SheetColumns, UNKNOWN_UNUSABLE, UNUSABLE, type ColumnTest, type Need } from "./columns";
import { settledSeverity, settleIssues } from "./verdicts";
import { applied, readingOf, readingsIn, resolveTest } from "./interpretations";
import type { CellValue, EvaluateOptions, GroupResult, Issue, ParamOverrides, Readings, RecordResult, Severity, SheetGrid, SheetResult, Status, Summary, Text2 } from "./types";
import type { Criterion, Field, Layout, Operand, Pack, PlainTest } from "../packs/schema";

/** Cells the reader had to skip (a damaged address): each one said, so the loss is never silent. */
function unplacedIssues(grid: SheetGrid): Issue[] {
  return (grid.unplaced ?? []).map((u) =>
    makeIssue("cell-unplaced", { sheet: grid.name, ref: u.ref, near: u.row ? `第${u.row}行` : "", nearEn: u.row ? ` row ${u.row}` : "" }, { row: u.row, text: u.ref }),
  );
}

/** How one record's cells are reached: the value and the address of field i. */
interface Access {
  value(field: number): CellValue;
  cell(field: number): string | null;
  /** Whether the sheet has a column for the field at all. */
  has(field: number): boolean;
}

/** What a failed or unknown test found, for the message and the marks. */
interface Note {
  field: number;
  /** Set when the evidence could not be used (blank or unreadable). */
  read?: Read<unknown>;
  /** Set when the sheet has no column for the field: the test could not be made at all. */
  absent?: true;
  /** Set when the text is readable but neither list of a vocabulary knows it: for a person to check. */
  review?: (lang: Lang) => string;
  /** Built only when a message is wanted, in the language wanted: most evaluations never show one. */
  detail?: (lang: Lang) => string;
}

type Lang = keyof Text2;

/** A message's parameters for one language or both, made only when a message is wanted. */
type Params = (lang: Lang | "both") => Record<string, string | number>;

/**
 * Where a record's issues go as judge finds them, in order. `lang` says which messages to build:
 * both languages (Issue objects, what every door's records hold), one (the command line's wire),
 * or none (compact JSON without messages). `standards` false leaves out the unmet and
 * uncheckable standards (criterion-failed, criterion-unchecked) — a graded table names them in
 * its 未达标项 column and prints only the cells to fix.
 */
export interface IssueSink {
  readonly lang: Lang | "both" | null;
  readonly standards: boolean;
  /**
   * An issue found, its severity settled to the record's status; `params` may be called during
   * the call only. Its position as arguments, not an object: a city sheet's JSON has 400,000.
   * `message`, when given, is the message in `lang` already made (what issueMessage would make
   * of `params`): an unmet standard said of the same cell text again is the same string, made once.
   */
  found(code: IssueCode, severity: Severity, cell: string | null, row: number | null, field: string | null, text: string | null, source: string | null, params: Params, message?: string): void;
  /** An issue made before (a budget line's own, or issues already read), with its settled severity. */
  made(issue: Issue, severity: Severity): void;
  /**
   * When given, a record whose unmet criteria are all plain comparisons (cellsToFix's kind) says
   * its criteria's issues only by the cell each points at — sheet row and column — and its
   * settled severity, from the record's codes, without testing, message, text or address (where
   * a copy marks its cells: 400,000 at 100,000 rows). Other records, and made issues, as before.
   */
  at?(row: number, col: number, severity: Severity): void;
}


/** A sink that makes Issue objects (both languages) into `into`. */
function collect(into: Issue[]): IssueSink {
  return {
    lang: "both",
    standards: true,
    found(code, severity, cell, row, field, text, source, params) {
      const i = makeIssue(code, params("both"), { cell, row, field, text, source });
      i.severity = severity;
      into.push(i);
    },
    made(issue, severity) {
      into.push(severity === issue.severity ? issue : { ...issue, severity });
    },
  };
}


/** `notes` is null on the fast path: only the verdict is wanted, and `unknownSeen` counts unusable evidence. */
type Compiled = (acc: Access, notes: Note[] | null) => Tri;

let unknownSeen = 0;
/** Like unknownSeen, for evidence whose column the sheet lacks altogether. */
let absentSeen = 0;

/** The test's evidence cannot be read: unknown, and the cell reported. */
function unreadableField(notes: Note[] | null, field: number, read: Note["read"]): Tri {
  unknownSeen++;
  if (notes) notes.push({ field, read });
  return UNKNOWN;
}

/** The test needs a column the sheet does not have: unknown, and said so. */
function absentField(notes: Note[] | null, field: number): Tri {
  absentSeen++;
  if (notes) notes.push({ field, absent: true });
  return UNKNOWN;
}

/** What a comparison not met says: the cell as typed (or the number read), and what it needed — a number or another field. */
function comparedDetail(l: Lang, f: Field, raw: CellValue, value: number, cmp: string, need: Field | number): string {
  const shown = cellText(raw) || formatNumber(value);
  if (l === "zh") return `${f.label}为“${shown}”，需${OP_ZH[cmp]}${typeof need === "number" ? formatNumber(need) : need.label}`;
  return `${f.labelEn} is "${shown}", needs ${cmp} ${typeof need === "number" ? formatNumber(need) : need.labelEn}`;
}

/**
 * A criterion that is one field against a fixed number (most standards): not met, its one finding
 * is that cell, so a record is explained from its column-wise code without testing it again.
 */
interface Plain {
  field: number;
  read: (v: CellValue) => Read<number>;
  cmp: string;
  bound: number;
}

interface CompiledCriterion {
  c: Criterion;
  /** Its message when a plain comparison is not met, by the cell's value, per language (plainMessage). */
  said?: { zh: Map<string | number, string>; en: Map<string | number, string> };
  test: Compiled;
  plain: Plain | null;
  /** The same test over a whole sheet at once (columns.ts): verdicts without messages. */
  columns: ColumnTest;
  /** The columns it reads, for one pass over the rows. */
  needs: Need[];
  flag: number;
  fields: number[];
  firstField: number;
}

interface CompiledPack {
  pack: Pack;
  fieldIndex: Map<string, number>;
  criteria: CompiledCriterion[];
  byId: Map<string, CompiledCriterion>;
  param(a: Operand | number): number;
  /** Grade bands with their thresholds resolved, highest first. */
  bands: { min: number; grade: string; status: Status }[];
  /** The field that names a record (role "label"), or -1. */
  labelField: number;
  /** The readings it was compiled for (budget rules ask them as they go). */
  readings: Readings | undefined;
}

const OP_ZH: Record<string, string> = { ">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "=", "!=": "≠" };

const compiledPacks = new WeakMap<Pack, Map<string, CompiledPack>>();

function compilePack(pack: Pack, params?: ParamOverrides, readings?: Readings): CompiledPack {
  const key = params || readings ? JSON.stringify([params ?? {}, readings ?? {}]) : "";
  let perPack = compiledPacks.get(pack);
  if (!perPack) compiledPacks.set(pack, (perPack = new Map()));
  const hit = perPack.get(key);
  if (hit) return hit;

  const fieldIndex = new Map(pack.fields.map((f, i) => [f.id, i]));
  const fields = pack.fields;
  const param = (a: Operand | number): number =>
    typeof a === "object" && "field" in a ? NaN : paramValue(pack, a, params);

  const compileTest = (t: PlainTest): Compiled => {
    if ("cmp" in t) {
      const fi = fieldIndex.get(t.field)!;
      const f = fields[fi];
      const read = numericReader(f.type);
      const op = OPS[t.cmp];
      const other = typeof t.value === "object" && "field" in t.value ? fieldIndex.get(t.value.field)! : -1;
      const fixed = other < 0 ? param(t.value) : NaN;
      const otherRead = other >= 0 ? numericReader(fields[other].type) : null;
      return (acc, notes) => {
        if (!acc.has(fi)) return absentField(notes, fi);
        if (other >= 0 && !acc.has(other)) return absentField(notes, other);
        const r = read(acc.value(fi));
        if (!r.ok) return unreadableField(notes, fi, r);
        let bound = fixed;
        if (otherRead) {
          const o = otherRead(acc.value(other));
          if (!o.ok) return unreadableField(notes, other, o);
          bound = o.value;
        }
        if (op(r.value, bound)) return YES;
        const raw = acc.value(fi);
        const value = r.value;
        if (notes) notes.push({ field: fi, detail: (l) => comparedDetail(l, f, raw, value, t.cmp, otherRead ? fields[other] : bound) });
        return NO;
      };
    }
    if ("yes" in t) {
      const fi = fieldIndex.get(t.yes)!;
      const f = fields[fi];
      return (acc, notes) => {
        if (!acc.has(fi)) return absentField(notes, fi);
        const r = readYesNo(acc.value(fi));
        if (!r.ok) return unreadableField(notes, fi, r);
        if (r.value) return YES;
        const raw = acc.value(fi);
        if (notes) notes.push({ field: fi, detail: (l) => (l === "zh" ? `${f.label}为“${cellText(raw)}”` : `${f.labelEn} is "${cellText(raw)}"`) });
        return NO;
      };
    }
    if ("textIn" in t) {
      const fi = fieldIndex.get(t.textIn)!;
      const f = fields[fi];
      const words = t.values;
      return (acc, notes) => {
        if (!acc.has(fi)) return absentField(notes, fi);
        const r = readText(acc.value(fi));
        if (!r.ok) return unreadableField(notes, fi, r);
        if (words.some((w) => r.value.includes(w))) return YES;
        if (notes) notes.push({ field: fi, detail: (l) => (l === "zh" ? `${f.label}“${r.value}”不属于：${words.join("、")}` : `${f.labelEn} "${r.value}" is none of: ${words.join(", ")}`) });
        return NO;
      };
    }
    if ("vocab" in t) {
      const fi = fieldIndex.get(t.vocab)!;
      const f = fields[fi];
      const judgeText = vocabJudge(t);
      return (acc, notes) => {
        if (!acc.has(fi)) return absentField(notes, fi);
        const r = readText(acc.value(fi));
        if (!r.ok) return unreadableField(notes, fi, r);
        const v = judgeText(r.value);
        if (v.tri === YES) return YES;
        if (v.tri === NO) {
          if (notes) notes.push({ field: fi, detail: (l) => (l === "zh" ? `${f.label}“${r.value}”（${v.word}）不符合` : `${f.labelEn} "${r.value}" (${v.word}) does not qualify`) });
          return NO;
        }
        // Neither list knows the word: counted like a missing column (unchecked, 需核实), with the text named.
        absentSeen++;
        if (notes)
          notes.push({
            field: fi,
            review: (l) =>
              l === "zh"
                ? `${f.label}“${r.value}”不在可判定的词表中（符合的如：${t.pass.slice(0, 4).join("、")}）`
                : `${f.labelEn} "${r.value}" is in neither list (qualifying e.g.: ${t.pass.slice(0, 4).join(", ")})`,
          });
        return UNKNOWN;
      };
    }
    if ("withinYears" in t) {
      const fi = fieldIndex.get(t.withinYears)!;
      const oi = fieldIndex.get(t.of)!;
      const years = param(t.years);
      const f = fields[fi];
      const of = fields[oi];
      return (acc, notes) => {
        if (!acc.has(fi)) return absentField(notes, fi);
        if (!acc.has(oi)) return absentField(notes, oi);
        const award = readDateOrYear(acc.value(fi));
        if (!award.ok) return unreadableField(notes, fi, award);
        const app = readDateOrYear(acc.value(oi));
        if (!app.ok) return unreadableField(notes, oi, app);
        const r = recency(award.value, app.value, years, t.by);
        if (r.within && !r.after) return YES;
        const raw = acc.value(fi);
        const rawOf = acc.value(oi);
        const how = PRECISION_WORDS[r.precision];
        if (notes)
          notes.push({
            field: fi,
            detail: (l) =>
              r.after
                ? l === "zh"
                  ? `${f.label}“${cellText(raw)}”晚于${of.label}“${cellText(rawOf)}”，不计入（${how.zh}）`
                  : `${f.labelEn} "${cellText(raw)}" is after ${of.labelEn} "${cellText(rawOf)}" and does not count (${how.en})`
                : l === "zh"
                  ? `${f.label}“${cellText(raw)}”不在近${years}年内（${how.zh}：需不早于${r.from.zh}）`
                  : `${f.labelEn} "${cellText(raw)}" is not within the last ${years} years (${how.en}: ${r.from.en} or later)`,
          });
        return NO;
      };
    }
    if ("anyOf" in t || "allOf" in t) {
      const any = "anyOf" in t;
      const parts = (any ? (t as { anyOf: PlainTest[] }).anyOf : (t as { allOf: PlainTest[] }).allOf).map(compileTest);
      return (acc, notes) => {
        let unknown = false;
        const mark = notes ? notes.length : 0;
        const seen = unknownSeen;
        const seenAbsent = absentSeen;
        for (const p of parts) {
          const v = p(acc, notes);
          if (any && v === YES) {
            if (notes) notes.length = mark; // met: what the other branches found does not matter
            unknownSeen = seen;
            absentSeen = seenAbsent;
            return YES;
          }
          if (!any && v === NO) return NO;
          if (v === UNKNOWN) unknown = true;
        }
        return unknown ? UNKNOWN : any ? NO : YES;
      };
    }
    if ("atLeast" in t) {
      const parts = t.of.map(compileTest);
      const need = param(t.atLeast);
      return (acc, notes) => {
        let yes = 0;
        let unknown = 0;
        const mark = notes ? notes.length : 0;
        const seen = unknownSeen;
        const seenAbsent = absentSeen;
        for (const p of parts) {
          const v = p(acc, notes);
          if (v === YES) yes++;
          else if (v === UNKNOWN) unknown++;
        }
        if (yes >= need) {
          if (notes) notes.length = mark;
          unknownSeen = seen;
          absentSeen = seenAbsent;
          return YES;
        }
        return yes + unknown >= need ? UNKNOWN : NO;
      };
    }
    const cond = compileTest(t.if);
    const then = compileTest(t.then);
    const otherwise = t.else ? compileTest(t.else) : null;
    return (acc, notes) => {
      const seen = unknownSeen;
      const seenAbsent = absentSeen;
      const c = cond(acc, null);
      unknownSeen = seen;
      absentSeen = seenAbsent;
      if (c === UNKNOWN) {
        // Both branches agree (15 lessons observed meet the bar whatever the years of teaching):
        // the unknown condition does not matter.
        const a = then(acc, null);
        const b = otherwise ? otherwise(acc, null) : YES;
        unknownSeen = seen;
        absentSeen = seenAbsent;
        if (a === b && a !== UNKNOWN) return otherwise ? otherwise(acc, notes) : YES;
        return cond(acc, notes);
      }
      return c === YES ? then(acc, notes) : otherwise ? otherwise(acc, notes) : YES;
    };
  };

  const criteria = pack.criteria.map((c): CompiledCriterion => {
    const test = resolveTest(pack, c.test, readings);
    const needs = needsOf(test, fieldIndex);
    const idx = [...new Set(needs.map((n) => n.field))];
    const plain: Plain | null =
      "cmp" in test && !(typeof test.value === "object" && "field" in test.value)
        ? { field: fieldIndex.get(test.field)!, read: numericReader(fields[fieldIndex.get(test.field)!].type), cmp: test.cmp, bound: param(test.value) }
        : null;
    return { c, test: compileTest(test), plain, columns: compileColumnTest(test, fieldIndex, param), needs, flag: c.flag ? fieldIndex.get(c.flag)! : -1, fields: idx, firstField: idx[0] ?? -1 };
  });
  const bands =
    pack.outcome.kind === "grade"
      ? pack.outcome.bands.map((b) => ({ min: param(b.min), grade: b.grade, status: b.status })).sort((a, b) => b.min - a.min)
      : [];
  const labelField = pack.fields.findIndex((f) => f.role === "label");
  const out: CompiledPack = { pack, fieldIndex, criteria, byId: new Map(criteria.map((c) => [c.c.id, c])), param, bands, labelField, readings };
  perPack.set(key, out);
  return out;
}

function layoutOf(pack: Pack, id: string): Layout {
  return pack.layouts.find((l) => l.id === id) ?? pack.layouts[0];
}

/**
 * Criteria that apply to a layout: the ones it lists, or all; and those of any other layout whose
 * required columns the sheet has too. A criterion whose columns the sheet lacks still applies — it
 * is unknown on every record that needs them (never met, never dropped).
 */
function applicable(cp: CompiledPack, layout: Layout, has: (field: number) => boolean): CompiledCriterion[] {
  if (!layout.criteria) return cp.criteria;
  // A row may carry more than one layout (the school's site data and the host's data side by side):
  // every layout whose required columns are all there adds its criteria, and the verdict is over all.
  const listed = new Set(layout.criteria);
  for (const other of cp.pack.layouts) {
    if (other === layout || !other.required.every((f) => has(cp.fieldIndex.get(f) ?? -1))) continue;
    if (!other.criteria) return cp.criteria;
    for (const id of other.criteria) listed.add(id);
  }
  return cp.criteria.filter((k) => listed.has(k.c.id));
}

/** The headers that would let a criterion be checked: its 是/否 column, or the evidence columns missing. */
function wantedHeaders(pack: Pack, k: CompiledCriterion, missing: number[]): { zh: string; en: string } {
  const names = [...new Set(missing)].map((f) => pack.fields[f]);
  const flag = k.flag >= 0 ? pack.fields[k.flag] : null;
  const zh = names.map((f) => `“${f.label}”`).join("");
  const en = names.map((f) => `"${f.labelEn}"`).join(", ");
  return flag && !names.includes(flag)
    ? { zh: `${zh}（或一列“${flag.label}”）`, en: `${en} (or one column "${flag.labelEn}")` }
    : { zh, en };
}

/** Values whose message a criterion (or a field's reasons a column) remembers, per language: past it, messages are made each time (memory stays bounded on hostile sheets). */
const SAID_KEPT = 4096;

/**
 * The message of a plain comparison not met, in one language: it depends on the criterion and
 * the cell's value only (no cell address in it), so a sheet's hundreds of thousands of unmet
 * standards are a few hundred messages, each made once and handed out as the same string.
 */
function plainMessage(k: CompiledCriterion, lang: Lang, raw: CellValue, args: Params): string {
  if (typeof raw !== "string" && typeof raw !== "number") return issueMessage("criterion-failed", args(lang), null, lang);
  const memo = (k.said ??= { zh: new Map(), en: new Map() })[lang];
  let m = memo.get(raw);
  if (m === undefined) {
    m = issueMessage("criterion-failed", args(lang), null, lang);
    if (memo.size < SAID_KEPT) memo.set(raw, m);
  }
  return m;
}

/** A criterion's message arguments, its detail said only in the language asked for (the other left empty). */
function criterionArgs(c: { source: string; name: { zh: string; en: string } }, say: (l: Lang) => string): Params {
  return (l) => ({ source: c.source, name: c.name.zh, nameEn: c.name.en, detail: l === "en" ? "" : say("zh"), detailEn: l === "zh" ? "" : say("en") });
}

/** A record's issue for a criterion that could not be checked: which rule, which header is missing — or which text no list knows. */
function uncheckedIssue(pack: Pack, k: CompiledCriterion, notes: Note[], row: number | null, acc: Access, sink: IssueSink, status: Status): void {
  const review = notes.find((n) => n.review);
  const { source, name } = k.c;
  if (review && !notes.some((n) => n.absent)) {
    const f = pack.fields[review.field];
    const say = review.review!;
    sink.found("criterion-review", settledSeverity(issueSeverity("criterion-review"), status), acc.cell(review.field), row, f.id, cellText(acc.value(review.field)), source, criterionArgs(k.c, say));
    return;
  }
  if (!sink.standards) return;
  const missing = notes.filter((n) => n.absent).map((n) => n.field);
  const field = pack.fields[missing[0] ?? k.firstField]?.id ?? null;
  sink.found("criterion-unchecked", settledSeverity(issueSeverity("criterion-unchecked"), status), null, row, field, null, source, () => {
    const h = wantedHeaders(pack, k, missing);
    return { source, name: name.zh, nameEn: name.en, headers: h.zh, headersEn: h.en };
  });
}

/**
 * What a blank or unreadable cell's message says after naming the cell, by field, per language:
 * blank, or by the reason it could not be read. The same for every cell of that column read for
 * that reason, so a sheet's tens of thousands of such messages are each their cell and one of a
 * few hundred texts.
 */
interface ReadSaid {
  blank: { zh?: string; en?: string };
  zh: Map<string, string>;
  en: Map<string, string>;
}
const readSaid = new WeakMap<Field, ReadSaid>();

/** The message of a blank or unreadable cell in one language: the cell, then what readSaid keeps (templates "missing" and "unreadable" begin with {where}). */
function readMessage(f: Field, r: Extract<Read<unknown>, { ok: false }>, cell: string | null, lang: Lang, args: Params): string {
  let said = readSaid.get(f);
  if (!said) readSaid.set(f, (said = { blank: {}, zh: new Map(), en: new Map() }));
  let rest: string | undefined;
  if (r.missing) rest = said.blank[lang] ??= issueMessage("missing", args(lang), null, lang);
  else {
    const memo = said[lang];
    const reason = r.reason[lang];
    rest = memo.get(reason);
    if (rest === undefined) {
      rest = issueMessage("unreadable", args(lang), null, lang);
      if (memo.size < SAID_KEPT) memo.set(reason, rest);
    }
  }
  return cell ? `${cell} ${rest}` : rest;
}

/** The issue of a blank or unreadable cell a test needed. */
function readFound(pack: Pack, n: Note, acc: Access, row: number | null, source: string | null, sink: IssueSink, status: Status): void {
  const f = pack.fields[n.field];
  const cell = acc.cell(n.field);
  const r = n.read as Extract<Read<unknown>, { ok: false }>;
  const l = sink.lang;
  const args: Params = r.missing ? () => ({ label: f.label, labelEn: f.labelEn }) : () => ({ label: f.label, labelEn: f.labelEn, reason: r.reason.zh, reasonEn: r.reason.en });
  const made = l === "zh" || l === "en" ? readMessage(f, r, cell, l, args) : undefined;
  if (r.missing) sink.found("missing", settledSeverity(issueSeverity("missing"), status), cell, row, f.id, "", source, args, made);
  else sink.found("unreadable", settledSeverity(issueSeverity("unreadable"), status), cell, row, f.id, r.text, source, args, made);
}

function readIssue(pack: Pack, n: Note, acc: Access, row: number | null, source: string | null): Issue {
  const out: Issue[] = [];
  readFound(pack, n, acc, row, source, collect(out), "error");
  return out[0];
}

interface Verdict {
  met: number;
  total: number;
  failed: readonly string[];
  /** Criteria that could not be checked for want of a column: neither met nor failed. */
  unchecked: readonly string[];
  /** Worst severity the issues have (or would have). */
  status: Status;
  /** Some failed criterion's evidence was blank or unreadable. */
  dataProblems: boolean;
}

const NONE: readonly string[] = Object.freeze([]);

/** Criteria a failed-list key can hold (bits of a small integer). */
const MASK_BITS = 30;

/**
 * Every record's verdict, criterion by criterion over the column-wise codes (columns.ts): the same
 * counting as judge, without messages. Per record: standards met, which failed (a bit mask), and
 * what the failures carry as bits — WARNED, ERRED, and UNUSABLE_EVIDENCE when blank or unreadable
 * evidence made one fail (which is an error too). Order does not matter: counts and unions.
 */
interface SheetVerdicts {
  met: Uint16Array;
  mask: Int32Array;
  /** Criteria that could not be checked (no column), as bits like `mask`. */
  unchecked: Int32Array;
  state: Uint8Array;
}
const WARNED = 1;
const ERRED = 2;
const UNUSABLE_EVIDENCE = 4;
const UNCHECKED = 8;

function sheetVerdicts(crits: CompiledCriterion[], codes: Uint8Array[], n: number, failSeverity: "error" | "warning" | null): SheetVerdicts {
  const v: SheetVerdicts = { met: new Uint16Array(n), mask: new Int32Array(n), unchecked: new Int32Array(n), state: new Uint8Array(n) };
  const { met, mask, unchecked, state } = v;
  for (let k = 0; k < crits.length; k++) {
    const col = codes[k];
    const bit = k < MASK_BITS ? 1 << k : 0;
    const failed = (failSeverity ?? crits[k].c.severity) === "error" ? ERRED : WARNED;
    for (let i = 0; i < n; i++) {
      const code = col[i];
      const tri = code & 3;
      if (tri === YES) met[i]++;
      else if (code & UNUSABLE) {
        mask[i] |= bit;
        state[i] |= ERRED | UNUSABLE_EVIDENCE;
      } else if (tri === UNKNOWN && code & ABSENT) {
        unchecked[i] |= bit;
        state[i] |= UNCHECKED;
      } else {
        mask[i] |= bit;
        state[i] |= failed;
      }
    }
  }
  return v;
}

/**
 * The shared `failed` lists of a sheet, by bit mask: an array indexed by the mask when the pack
 * has few criteria (measured a few per cent faster than a Map over a 100,000-row sheet), a Map
 * otherwise.
 */
class FailedLists {
  readonly #byIndex: (readonly string[] | undefined)[] | null;
  readonly #byKey = new Map<number, readonly string[]>();
  constructor(criteria: number) {
    this.#byIndex = criteria <= 16 ? new Array(1 << criteria).fill(undefined) : null;
  }
  get(mask: number): readonly string[] | undefined {
    return this.#byIndex ? this.#byIndex[mask] : this.#byKey.get(mask);
  }
  set(mask: number, list: readonly string[]): void {
    if (this.#byIndex) this.#byIndex[mask] = list;
    else this.#byKey.set(mask, list);
  }
}

/**
 * Record i's verdict from the sheet's verdicts, written into `v` (one object reused for every
 * record). Records that failed the same criteria share one `failed` list (`failedLists`, per
 * sheet; read-only by its type): a sheet has a few hundred distinct lists, not one per record.
 */
function verdictAt(crits: CompiledCriterion[], codes: Uint8Array[], sv: SheetVerdicts, i: number, v: Verdict, failedLists: FailedLists, uncheckedLists: FailedLists): Verdict {
  const mask = sv.mask[i];
  const umask = sv.unchecked[i];
  let failed: readonly string[] | undefined;
  let unchecked: readonly string[] | undefined = NONE;
  if (crits.length > MASK_BITS) {
    // Too many criteria for a bit mask: this record gets its own lists.
    const isUnchecked = (j: number) => (codes[j][i] & (3 | UNUSABLE | ABSENT)) === (UNKNOWN | ABSENT);
    failed = crits.filter((_, j) => (codes[j][i] & 3) !== YES && !isUnchecked(j)).map((k) => k.c.id);
    unchecked = crits.filter((_, j) => isUnchecked(j)).map((k) => k.c.id);
  } else {
    if (!(failed = failedLists.get(mask))) {
      failed = crits.filter((_, k) => mask & (1 << k)).map((k) => k.c.id);
      failedLists.set(mask, failed);
    }
    if (umask && !(unchecked = uncheckedLists.get(umask))) {
      unchecked = crits.filter((_, k) => umask & (1 << k)).map((k) => k.c.id);
      uncheckedLists.set(umask, unchecked);
    }
  }
  v.met = sv.met[i];
  v.total = crits.length;
  v.failed = failed;
  v.unchecked = unchecked;
  const state = sv.state[i];
  v.status = state & ERRED ? "error" : state & (WARNED | UNCHECKED) ? "warning" : "ok";
  v.dataProblems = (state & UNUSABLE_EVIDENCE) !== 0;
  return v;
}

/**
 * Evaluates the criteria of one record, and explains it when given a sink: each failure and each
 * unusable cell becomes an issue, its severity settled to `status` (the record's, once known).
 * Formulas use it directly; a sheet's records use it when they are explained, with their
 * column-wise codes (`known`: record i's code per criterion), so the criteria it met are not tested
 * again (their verdicts come from verdictAt, held to the same results by tests).
 */
function judge(
  cp: CompiledPack,
  crits: CompiledCriterion[],
  acc: Access,
  row: number | null,
  failSeverity: "error" | "warning" | null,
  sink: IssueSink | null,
  recordStatus: Status = "error",
  known: { codes: Uint8Array[]; i: number } | null = null,
): Verdict {
  const pack = cp.pack;
  let met = 0;
  let status: Status = "ok";
  let dataProblems = false;
  const failed: string[] = [];
  const unchecked: string[] = [];
  // No sink, no notes: the tests take their fast path, and only the verdict is counted.
  const notes: Note[] | null = sink ? [] : null;
  // Fields whose blank or unreadable cell is said already (once per record, whichever criteria need it).
  const reported: number[] = [];
  for (let c = 0; c < crits.length; c++) {
    const k = crits[c];
    const code = known ? known.codes[c][known.i] : -1; // -1: not decided before (formulas)
    if ((code & 3) === YES) {
      met++;
      continue;
    }
    const flagged = k.flag >= 0 && acc.has(k.flag);
    if (code === UNKNOWN_UNUSABLE && k.plain && !flagged) {
      // A plain comparison whose cell is blank or unreadable: that cell is the one finding.
      const p = k.plain;
      failed.push(k.c.id);
      dataProblems = true;
      status = "error";
      if (sink && !reported.includes(p.field)) {
        reported.push(p.field);
        readFound(pack, { field: p.field, read: p.read(acc.value(p.field)) }, acc, row, k.c.source, sink, recordStatus);
      }
      continue;
    }
    // Not met on usable evidence: nothing to say but the unmet standard itself — which a sink
    // without standards does not want, and which a plain comparison says from its one cell.
    if (code === NO && (!sink?.standards || (k.plain && !flagged))) {
      failed.push(k.c.id);
      const severity = failSeverity ?? k.c.severity;
      if (severity === "error") status = "error";
      else if (status === "ok") status = "warning";
      if (sink?.standards) {
        const p = k.plain!;
        const f = pack.fields[p.field];
        const raw = acc.value(p.field);
        const { source } = k.c;
        const said = (l: Lang) => comparedDetail(l, f, raw, (p.read(raw) as { value: number }).value, p.cmp, p.bound);
        const args = criterionArgs(k.c, said);
        const l = sink.lang;
        sink.found("criterion-failed", settledSeverity(severity, recordStatus), acc.cell(p.field), row, f.id, cellText(raw), source, args, l === "zh" || l === "en" ? plainMessage(k, l, raw, args) : undefined);
      }
      continue;
    }
    if (notes) notes.length = 0;
    unknownSeen = 0;
    absentSeen = 0;
    let v: Tri;
    if (flagged) {
      const r = readYesNo(acc.value(k.flag));
      if (r.ok) {
        v = r.value ? YES : NO;
        if (!r.value && notes) {
          const raw = acc.value(k.flag);
          const f = pack.fields[k.flag];
          notes.push({ field: k.flag, detail: (l) => (l === "zh" ? `${f.label}为“${cellText(raw)}”` : `${f.labelEn} is "${cellText(raw)}"`) });
        }
      } else {
        v = UNKNOWN;
        unknownSeen++;
        notes?.push({ field: k.flag, read: r });
      }
    } else v = k.test(acc, notes);
    if (v === YES) {
      met++;
      continue;
    }
    const unreadable = unknownSeen;
    if (v === UNKNOWN && !unreadable && absentSeen) {
      // No column to look at: not met, not failed either — the record waits for a person (需核实).
      unchecked.push(k.c.id);
      if (status === "ok") status = "warning";
      if (sink) uncheckedIssue(pack, k, notes!, row, acc, sink, recordStatus);
      continue;
    }
    failed.push(k.c.id);
    const severity = failSeverity ?? k.c.severity;
    if (unreadable) {
      dataProblems = true;
      status = "error";
    } else if (severity === "error") status = "error";
    else if (status === "ok") status = "warning";
    if (!sink) continue;
    for (const n of notes!) {
      if (!n.read || reported.includes(n.field)) continue;
      reported.push(n.field);
      readFound(pack, n, acc, row, k.c.source, sink, recordStatus);
    }
    // Beside the unusable cells, what did fail is said too (a 799-字 October next to a blank November).
    const details = notes!.filter((n) => n.detail);
    if (sink.standards && (unreadable === 0 || details.length)) {
      const first = details[0]?.field ?? (k.flag >= 0 && acc.has(k.flag) ? k.flag : k.firstField);
      const f = first >= 0 ? pack.fields[first] : null;
      const { source } = k.c;
      const said = (l: Lang) => (details.length ? details.map((d) => d.detail!(l)).join(l === "zh" ? "；" : "; ") : l === "zh" ? "未达到" : "not met");
      sink.found("criterion-failed", settledSeverity(severity, recordStatus), f ? acc.cell(first) : null, row, f?.id ?? null, f ? cellText(acc.value(first)) : null, source, criterionArgs(k.c, said));
    }
  }
  return { met, total: crits.length, failed, unchecked, status, dataProblems };
}

/**
 * A record's cells to fix — what judge says into a sink without the standards — from its codes
 * alone, when every criterion it did not meet is a plain comparison: each blank or unreadable
 * cell once, in criterion order; unmet standards on usable evidence say nothing here. False (and
 * nothing said) when some criterion needs judge: a test of another shape, or a 是/否 column.
 */
function cellsToFix(pack: Pack, crits: CompiledCriterion[], codes: Uint8Array[], i: number, acc: Access, row: number, sink: IssueSink, status: Status): boolean {
  for (let c = 0; c < crits.length; c++) {
    const code = codes[c][i];
    if ((code & 3) === YES || code === NO) continue;
    const k = crits[c];
    if (code !== UNKNOWN_UNUSABLE || !k.plain || (k.flag >= 0 && acc.has(k.flag))) return false;
  }
  let reported: number[] | null = null;
  for (let c = 0; c < crits.length; c++) {
    if (codes[c][i] !== UNKNOWN_UNUSABLE) continue;
    const k = crits[c];
    const p = k.plain!;
    if (reported?.includes(p.field)) continue;
    (reported ??= []).push(p.field);
    readFound(pack, { field: p.field, read: p.read(acc.value(p.field)) }, acc, row, k.c.source, sink, status);
  }
  return true;
}

/**
 * The cells judge's issues point at, with their settled severities, into `sink.at` — from the
 * record's codes alone, when every criterion it did not meet is a plain comparison without a
 * 是/否 column: an unmet one points at its cell with the standard's severity, a blank or
 * unreadable one at its cell as an error (missing, unreadable), settled to `status` as judge
 * settles them. False (and nothing said) otherwise: judge says it. `cols`: each field's sheet
 * column as its cells are named (-1: none).
 */
function pointsAt(crits: CompiledCriterion[], codes: Uint8Array[], i: number, acc: Access, row: number, cols: Int32Array, failSeverity: "error" | "warning" | null, status: Status, at: NonNullable<IssueSink["at"]>): boolean {
  for (let c = 0; c < crits.length; c++) {
    const code = codes[c][i];
    if ((code & 3) === YES) continue;
    const k = crits[c];
    if ((code !== NO && code !== UNKNOWN_UNUSABLE) || !k.plain || (k.flag >= 0 && acc.has(k.flag))) return false;
    if (code === UNKNOWN_UNUSABLE && UNUSABLE_SEVERITY === null) return false;
  }
  for (let c = 0; c < crits.length; c++) {
    const code = codes[c][i];
    if ((code & 3) === YES) continue;
    const k = crits[c];
    const col = cols[k.plain!.field];
    if (col < 0) continue;
    at(row, col, settledSeverity(code === NO ? failSeverity ?? k.c.severity : UNUSABLE_SEVERITY!, status));
  }
  return true;
}
/** The severity of a blank or unreadable cell's issue (readFound's missing or unreadable), when the two have one. */
const UNUSABLE_SEVERITY: Severity | null = issueSeverity("missing") === issueSeverity("unreadable") ? issueSeverity("missing") : null;

function worst(issues: Issue[]): Status {
  let s: Status = "ok";
  for (const i of issues) {
    if (i.severity === "error") return "error";
    s = "warning";
  }
  return s;
}

const maxStatus = (a: Status, b: Status): Status => (a === "error" || b === "error" ? "error" : a === "warning" || b === "warning" ? "warning" : "ok");

/** The grade of a met-count, and the status it carries. */
function grade(cp: CompiledPack, met: number): { grade: string; status: Status } | null {
  const bands = cp.bands;
  if (!bands.length) return null;
  for (const b of bands) if (met >= b.min) return b;
  return bands[bands.length - 1];
}

type Outcome = Pick<RecordResult, "status" | "grade" | "met" | "total">;

/** The record's status and grade from its verdict; written into `into` so a sheet's loop can reuse one object. */
function outcome(cp: CompiledPack, v: Verdict, extra: Issue[], into: Outcome = { status: "ok", grade: null, met: null, total: null }): Outcome {
  const o = cp.pack.outcome;
  const status = extra.length ? maxStatus(v.status, worst(extra)) : v.status;
  if (o.kind === "grade") {
    const g = grade(cp, v.met)!;
    // Unusable evidence, or a standard that could not be checked, on a passing row still needs a person's eye.
    into.status = maxStatus(g.status, v.dataProblems || v.unchecked.length ? "warning" : "ok");
    into.grade = g.grade;
    into.met = v.met;
    into.total = v.total;
  } else if (o.kind === "all") {
    into.status = status;
    // A record with a condition nobody could check is not eligible yet: neither pass nor fail.
    into.grade = status === "error" ? o.fail : v.unchecked.length ? o.unknown : o.pass;
    into.met = v.met;
    into.total = v.total;
  } else {
    into.status = status;
    into.grade = null;
    into.met = null;
    into.total = null;
  }
  return into;
}

/** What a record is called when it names nothing itself. */
const rowLabel = (row: number): string => `第${row}行`;

function labelOf(cp: CompiledPack, acc: Access, row: number): string {
  if (cp.labelField >= 0) {
    const r = readText(acc.value(cp.labelField));
    if (r.ok) return r.value;
  }
  return rowLabel(row);
}

// ------------------------------------------------------------------ budget lines and groups

interface BudgetLine {
  key: Record<string, string | number>;
  keyText: string;
  amount: number | null;
  matching: number | null;
  row: number;
  /** The term year and previous grade cells with their addresses; undefined when the sheet has no such column. */
  termYear?: { value: CellValue; cell: string | null };
  previousGrade?: { value: CellValue; cell: string | null };
}

function checkBudgetLine(cp: CompiledPack, acc: Access, row: number): { issues: Issue[]; line: BudgetLine } {
  const pack = cp.pack;
  const b = budgetOf(pack);
  const issues: Issue[] = [];
  const fi = (id: string | undefined) => (id ? cp.fieldIndex.get(id) ?? -1 : -1);
  const catI = fi(b.fields.category);
  const amtI = fi(b.fields.amount);
  const purI = fi(b.fields.purpose);
  const matI = fi(b.fields.matching);
  const catField = pack.fields[catI];
  const { findings } = spendingFindings(pack, acc.value(catI), purI >= 0 ? acc.value(purI) : null, cp.readings);
  for (const f of findings) {
    // A purpose finding sits on the purpose cell; without a purpose column, on the category's.
    const on = f.on === "purpose" && purI >= 0 ? purI : catI;
    const pos = { cell: acc.cell(on), row, field: pack.fields[on].id, text: f.text, source: f.source, severity: f.severity };
    if (f.code === "missing") issues.push(makeIssue("missing", { label: catField.label, labelEn: catField.labelEn }, { ...pos, source: b.source }));
    else if (f.code === "unknown-category") issues.push(makeIssue("unknown-category", { text: f.text }, pos));
    else if (f.code === "purpose-mismatch") issues.push(makeIssue("purpose-mismatch", { text: f.text }, pos));
    else issues.push(makeIssue(f.code, { text: f.text, reason: f.reason.zh, reasonEn: f.reason.en }, pos));
  }

  const amtField = pack.fields[amtI];
  const amtCell = acc.cell(amtI);
  const amt = readMoney(acc.value(amtI));
  let amount: number | null = null;
  if (!amt.ok) issues.push(readIssue(pack, { field: amtI, read: amt }, acc, row, b.source));
  else if (amt.value <= 0) issues.push(makeIssue("amount-not-positive", { text: cellText(acc.value(amtI)) }, { cell: amtCell, row, field: amtField.id, text: cellText(acc.value(amtI)), source: b.source }));
  else amount = amt.value;

  const key: Record<string, string | number> = {};
  for (const g of b.groupBy) {
    const i = cp.fieldIndex.get(g)!;
    const f = pack.fields[i];
    if (f.type === "year") {
      const y = readYear(acc.value(i));
      if (y.ok) key[g] = y.value;
      else {
        // No year column: the expense date tells the year.
        const dateI = pack.fields.findIndex((x) => x.type === "date");
        const d = dateI >= 0 ? readDate(acc.value(dateI)) : null;
        key[g] = d && d.ok ? serialToYMD(d.value).y : "";
      }
    } else {
      const t = readText(acc.value(i));
      key[g] = t.ok ? t.value : "";
    }
  }
  const m = matI >= 0 ? readMoney(acc.value(matI)) : null;
  const line: BudgetLine = { key, keyText: JSON.stringify(key), amount, matching: m && m.ok ? m.value : null, row };
  const termI = fi(b.fields.termYear);
  const gradeI = fi(b.fields.previousGrade);
  if (acc.has(termI)) line.termYear = { value: acc.value(termI), cell: acc.cell(termI) };
  if (acc.has(gradeI)) line.previousGrade = { value: acc.value(gradeI), cell: acc.cell(gradeI) };
  return { issues, line };
}

function groupName(key: Record<string, string | number>): string {
  return Object.values(key).filter((v) => v !== "").map(String).join(" ") || "（未填写工作室）";
}

/** The first non-blank of a group's cells (the term year and previous grade are written on every line, or on the first). */
function firstGiven(cells: ({ value: CellValue; cell: string | null } | undefined)[]): { value: CellValue; cell: string | null } | null {
  for (const c of cells) if (c && cellText(c.value).trim() !== "") return c;
  return null;
}

/**
 * Spending per studio and year against that year's limit: the subsidy the studio receives that
 * year (THE subsidy rule, budget.ts: 3 years, none after a 不合格) plus the host school's matching
 * funds. A group without a year is not compared with a year's limit (its lines may span years):
 * the sheet is asked for a year instead. Without term-year and grade columns the limit assumes
 * the subsidy is paid, and the sheet says so (sheetNotes).
 */
function budgetGroups(cp: CompiledPack, lines: BudgetLine[], params: ParamOverrides | undefined, readings: Readings | undefined): GroupResult[] {
  const pack = cp.pack;
  // 第十九条 names both the subsidy and the school's matching funds; whether the year's limit adds them is a reading.
  const withMatching = readingOf(pack, "limit-includes-matching", readings) !== "subsidy-only";
  const b = budgetOf(pack);
  const yearly = cp.param(b.subsidy);
  const warn = cp.param(b.warnRatio);
  const yearFields = b.groupBy.filter((g) => pack.fields[cp.fieldIndex.get(g)!].type === "year");
  const groups = new Map<string, { key: Record<string, string | number>; spent: number; matching: number; rows: number[]; lines: BudgetLine[] }>();
  for (const l of lines) {
    let g = groups.get(l.keyText);
    if (!g) groups.set(l.keyText, (g = { key: l.key, spent: 0, matching: 0, rows: [], lines: [] }));
    g.rows.push(l.row);
    g.lines.push(l);
    if (l.amount !== null) g.spent += l.amount;
    if (l.matching !== null && l.matching > g.matching) g.matching = l.matching;
  }
  return [...groups.values()].map((g) => {
    const spent = Math.round(g.spent * 100) / 100;
    const issues: Issue[] = [];
    const name = groupName(g.key);
    let subsidy = yearly;
    let basisZh = "";
    let basisEn = "";
    let source = b.subsidySource;
    const term = firstGiven(g.lines.map((l) => l.termYear));
    const hasTermColumn = g.lines.some((l) => l.termYear);
    if (hasTermColumn) {
      const grade = firstGiven(g.lines.map((l) => l.previousGrade));
      const d = term ? subsidyFor(pack, term.value, grade?.value ?? null, params) : null;
      if (!d || !d.ok) {
        issues.push(makeIssue("subsidy-undecided", { group: name, reason: d && !d.ok ? d.reason.zh : "管理期第几年未填写", reasonEn: d && !d.ok ? d.reason.en : "the year of the term is blank" }, { cell: term?.cell ?? null, row: g.rows[0], text: term ? cellText(term.value) : "", source: b.subsidySource }));
      } else if (d.value.amount === null) {
        issues.push(makeIssue("subsidy-undecided", { group: name, reason: d.value.reason.zh, reasonEn: d.value.reason.en }, { cell: (grade ?? g.lines[0].previousGrade ?? term)!.cell, row: g.rows[0], text: grade ? cellText(grade.value) : "", source: d.value.source }));
      } else {
        subsidy = d.value.amount;
        basisZh = `；${d.value.reason.zh}`;
        basisEn = `; ${d.value.reason.en}`;
        source = d.value.source;
      }
    }
    const matching = withMatching ? g.matching : 0;
    const limit = subsidy + matching;
    const basis = {
      basis: `补助${formatMoney(subsidy)}${withMatching ? `＋配套经费${formatMoney(matching)}` : "（不含配套经费）"}${basisZh}`,
      basisEn: `subsidy ${formatMoney(subsidy)}${withMatching ? ` + matching ${formatMoney(matching)}` : " (matching funds not counted)"}${basisEn}`,
    };
    if (yearFields.some((f) => g.key[f] === "")) {
      issues.push(makeIssue("year-unknown", { group: name }, { row: g.rows[0], source: b.subsidySource }));
    } else if (spent > limit) issues.push(makeIssue("over-limit", { group: name, spent: formatMoney(spent), limit: formatMoney(limit), ...basis }, { source }));
    else if (spent > warn * limit) issues.push(makeIssue("near-limit", { group: name, spent: formatMoney(spent), limit: formatMoney(limit), ratio: `${Math.round((spent / limit) * 100)}%`, ...basis }, { source }));
    return { key: g.key, spent, limit, status: worst(issues), issues, rows: g.rows };
  });
}

/**
 * What a budget sheet cannot tell, said once for the sheet: without a term-year column the
 * limits assume the subsidy is paid that year — neither the 3-year term (第十九条) nor a 不合格
 * the year before (第二十二条) was checked.
 */
function budgetSheetNotes(cp: CompiledPack, has: (f: number) => boolean, sheet: string, params: ParamOverrides | undefined): Issue[] {
  const b = budgetOf(cp.pack);
  const termI = b.fields.termYear ? cp.fieldIndex.get(b.fields.termYear) ?? -1 : -1;
  if (termI < 0 || has(termI)) return [];
  const f = cp.pack.fields[termI];
  const gradeF = b.fields.previousGrade ? cp.pack.fields.find((x) => x.id === b.fields.previousGrade) : undefined;
  return [
    makeIssue(
      "subsidy-unverified",
      { sheet, subsidy: formatMoney(paramValue(cp.pack, b.subsidy, params)), years: paramValue(cp.pack, b.subsidyYears, params), term: f.label, termEn: f.labelEn, grade: gradeF?.label ?? "", gradeEn: gradeF?.labelEn ?? "" },
      { source: `${b.subsidySource}、${b.noSubsidySource}` },
    ),
  ];
}

// ------------------------------------------------------------------ public API

/** Explains a record's criteria into a sink: its sheet row, its index among the sheet's records, its status. */
type IssueBuilder = (row: number, record: number, status: Status, sink: IssueSink) => void;

const NO_ISSUES: Issue[] = [];

/**
 * A record whose issues are built when first read. A city sheet of 100,000 rows yields hundreds
 * of thousands of unmet standards; the summary and the grades need none of their messages, and a
 * door that shows or writes them reads them once. What the build needs sits in private fields
 * (invisible to Object.keys, JSON and equality), so a record costs one object and no closures;
 * `toJSON` includes the issues, so a serialised record is complete.
 */
class SheetRecord implements RecordResult {
  declare hidden?: boolean;
  /** The record's extra issues (budget lines) until its criteria's issues are built; then all of them. */
  #issues: Issue[];
  /** Its index among the sheet's records: its cells are read from there when it is explained. */
  readonly #record: number;
  /** Null once the issues are built, or when there is nothing to build (every criterion met). */
  #build: IssueBuilder | null;
  /** Some failed criterion's evidence was blank or unreadable: its issues name cells to fix, not only unmet standards. */
  #unusable = false;

  constructor(
    public row: number,
    public label: string,
    o: Pick<RecordResult, "status" | "grade" | "met" | "total">,
    public failed: readonly string[],
    public unchecked: readonly string[],
    record: number,
    extra: Issue[],
    build: IssueBuilder,
  ) {
    this.status = o.status;
    this.grade = o.grade;
    this.met = o.met;
    this.total = o.total;
    this.#record = record;
    this.#issues = extra;
    this.#build = failed.length || unchecked.length ? build : null;
  }
  // Declared, not defined: the constructor's assignments create them, in one shape for every record.
  declare status: Status;
  declare grade: string | null;
  declare met: number | null;
  declare total: number | null;

  get issues(): Issue[] {
    if (this.#build) {
      const found: Issue[] = [];
      this.#build(this.row, this.#record, this.status, collect(found));
      this.#issues = this.#issues.length ? [...found, ...settleIssues(this.#issues, this.status)] : found;
      this.#build = null;
    }
    return this.#issues;
  }
  set issues(value: Issue[]) {
    this.#issues = value;
    this.#build = null;
  }
  markUnusable(): void {
    this.#unusable = true;
  }
  /** Whether explaining the record would name a cell to fix (blank or unreadable evidence, or issues of its own). */
  get namesCells(): boolean {
    return this.#unusable || (this.#build ? this.#issues.length > 0 : this.#issues.some((i) => !STANDARD_CODES.has(i.code)));
  }
  /** The issues into a sink, for one reading and not kept: a door that streams records reads each once. */
  explainInto(sink: IssueSink): void {
    if (this.#build) {
      this.#build(this.row, this.#record, this.status, sink);
      for (const i of this.#issues) if (sink.standards || !STANDARD_CODES.has(i.code)) sink.made(i, settledSeverity(i.severity, this.status));
    } else for (const i of this.#issues) if (sink.standards || !STANDARD_CODES.has(i.code)) sink.made(i, i.severity);
  }
  toJSON(): RecordResult {
    const { row, label, status, grade, met, total, failed, unchecked, issues, hidden } = this;
    const out: RecordResult = { row, label, status, grade, met, total, failed, unchecked, issues };
    if (hidden) out.hidden = true;
    return out;
  }
}

/**
 * A sheet's records as what was decided about each, held in typed arrays (no object per record:
 * a city sheet has 100,000, and the command line's outputs read them once, in order):
 * `RecordVerdicts` for whoever streams them; `objects()` makes the RecordResults a door that holds
 * them reads (evaluateSheet's `records`, made on first read).
 */
export interface RecordVerdicts {
  readonly length: number;
  row(i: number): number;
  label(i: number): string;
  hidden(i: number): boolean;
  status(i: number): Status;
  grade(i: number): string | null;
  met(i: number): number | null;
  total(i: number): number | null;
  failed(i: number): readonly string[];
  unchecked(i: number): readonly string[];
  /** Whether explaining record i would name a cell to fix (recordNamesCells). */
  namesCells(i: number): boolean;
  /** Record i's issues into a sink, for one reading (explainRecord). */
  explain(i: number, sink: IssueSink): void;
  /**
   * Records from … from + n - 1 into `to` at 0 … n - 1, as codes: copied from the verdicts' own
   * arrays, not read record by record as strings and looked up again (a city sheet's 100,000).
   */
  copyCodes(from: number, n: number, to: VerdictCodes, grades: readonly string[]): void;
}

/**
 * Records' verdicts as codes (what the command line's wire carries): status 0 ok, 1 warning,
 * 2 error; grade an index into the grades given (-1: none); met and total -1 for none; hidden 1.
 */
export interface VerdictCodes {
  row: Int32Array;
  status: Uint8Array;
  grade: Int16Array;
  met: Int16Array;
  total: Int16Array;
  hidden: Uint8Array;
}

const STATUS_OF: readonly Status[] = ["ok", "warning", "error"];
const STATUS_CODE: Record<Status, number> = { ok: 0, warning: 1, error: 2 };
/** The verdicts evaluateSheet holds for a result it made, until its records are read (made as objects) or replaced. */
const EVALUATED = new WeakMap<SheetResult, EvaluatedRecords>();

class EvaluatedRecords implements RecordVerdicts {
  readonly length: number;
  readonly #status: Uint8Array;
  /** Index into #grades; -1: none. */
  readonly #grade: Int16Array;
  readonly #grades: string[] = [];
  /** -1: null. */
  readonly #met: Int16Array;
  readonly #total: Int16Array;
  readonly #failed: (readonly string[])[];
  readonly #unchecked: (readonly string[])[];
  readonly #hidden: Uint8Array;
  /** Some failed criterion's evidence was blank or unreadable. */
  readonly #unusable: Uint8Array;
  /** A budget line's own issues, by record (none for other packs). */
  readonly extras: Issue[][] | null;

  constructor(
    private readonly rows: number[],
    private readonly labels: (string | null)[] | null,
    private readonly build: IssueBuilder,
    budgetLines: boolean,
  ) {
    const n = (this.length = rows.length);
    this.#status = new Uint8Array(n);
    this.#grade = new Int16Array(n);
    this.#met = new Int16Array(n);
    this.#total = new Int16Array(n);
    this.#failed = new Array(n);
    this.#unchecked = new Array(n);
    this.#hidden = new Uint8Array(n);
    this.#unusable = new Uint8Array(n);
    this.extras = budgetLines ? new Array(n) : null;
  }

  set(i: number, o: Outcome, v: Verdict, hidden: boolean): void {
    this.#status[i] = STATUS_CODE[o.status];
    let g = -1;
    if (o.grade !== null) {
      g = this.#grades.indexOf(o.grade);
      if (g < 0) g = this.#grades.push(o.grade) - 1;
    }
    this.#grade[i] = g;
    this.#met[i] = o.met ?? -1;
    this.#total[i] = o.total ?? -1;
    this.#failed[i] = v.failed;
    this.#unchecked[i] = v.unchecked;
    if (hidden) this.#hidden[i] = 1;
    if (v.dataProblems) this.#unusable[i] = 1;
  }

  row(i: number): number {
    return this.rows[i];
  }
  label(i: number): string {
    return this.labels?.[i] ?? rowLabel(this.rows[i]);
  }
  hidden(i: number): boolean {
    return this.#hidden[i] === 1;
  }
  status(i: number): Status {
    return STATUS_OF[this.#status[i]];
  }
  grade(i: number): string | null {
    const g = this.#grade[i];
    return g < 0 ? null : this.#grades[g];
  }
  met(i: number): number | null {
    const m = this.#met[i];
    return m < 0 ? null : m;
  }
  total(i: number): number | null {
    const t = this.#total[i];
    return t < 0 ? null : t;
  }
  failed(i: number): readonly string[] {
    return this.#failed[i];
  }
  unchecked(i: number): readonly string[] {
    return this.#unchecked[i];
  }
  #explained(i: number): boolean {
    return this.#failed[i].length > 0 || this.#unchecked[i].length > 0;
  }
  namesCells(i: number): boolean {
    const extra = this.extras?.[i] ?? NO_ISSUES;
    return this.#unusable[i] === 1 || (this.#explained(i) ? extra.length > 0 : extra.some((x) => !STANDARD_CODES.has(x.code)));
  }
  copyCodes(from: number, n: number, to: VerdictCodes, grades: readonly string[]): void {
    const end = from + n;
    // Status, met, total and hidden are held as the codes already (STATUS_CODE, -1 for none).
    to.status.set(this.#status.subarray(from, end));
    to.met.set(this.#met.subarray(from, end));
    to.total.set(this.#total.subarray(from, end));
    to.hidden.set(this.#hidden.subarray(from, end));
    // The sheet's few grades, by this list's index: their index among `grades`.
    const g = this.#grades.map((x) => grades.indexOf(x));
    const rows = this.rows;
    const grade = this.#grade;
    for (let i = from, j = 0; i < end; i++, j++) {
      to.row[j] = rows[i];
      const k = grade[i];
      to.grade[j] = k < 0 ? -1 : g[k];
    }
  }
  explain(i: number, sink: IssueSink): void {
    const extra = this.extras?.[i] ?? NO_ISSUES;
    const status = this.status(i);
    if (this.#explained(i)) {
      this.build(this.rows[i], i, status, sink);
      for (const x of extra) if (sink.standards || !STANDARD_CODES.has(x.code)) sink.made(x, settledSeverity(x.severity, status));
    } else for (const x of extra) if (sink.standards || !STANDARD_CODES.has(x.code)) sink.made(x, x.severity);
  }

  /** Every record as a RecordResult, its issues built when first read. */
  objects(): RecordResult[] {
    const out: RecordResult[] = new Array(this.length);
    const o: Outcome = { status: "ok", grade: null, met: null, total: null };
    for (let i = 0; i < this.length; i++) {
      o.status = this.status(i);
      o.grade = this.grade(i);
      o.met = this.met(i);
      o.total = this.total(i);
      const rec = new SheetRecord(this.rows[i], this.label(i), o, this.#failed[i], this.#unchecked[i], i, this.extras?.[i] ?? NO_ISSUES, this.build);
      if (this.#hidden[i]) rec.hidden = true;
      if (this.#unusable[i]) rec.markUnusable();
      out[i] = rec;
    }
    return out;
  }
}

/** Records as a list of RecordResults (a result not made by evaluateSheet here, or whose records were read or replaced). */
class RecordList implements RecordVerdicts {
  readonly length: number;
  constructor(private readonly records: RecordResult[]) {
    this.length = records.length;
  }
  row(i: number): number {
    return this.records[i].row;
  }
  label(i: number): string {
    return this.records[i].label;
  }
  hidden(i: number): boolean {
    return !!this.records[i].hidden;
  }
  status(i: number): Status {
    return this.records[i].status;
  }
  grade(i: number): string | null {
    return this.records[i].grade;
  }
  met(i: number): number | null {
    return this.records[i].met;
  }
  total(i: number): number | null {
    return this.records[i].total;
  }
  failed(i: number): readonly string[] {
    return this.records[i].failed;
  }
  unchecked(i: number): readonly string[] {
    return this.records[i].unchecked ?? NONE;
  }
  namesCells(i: number): boolean {
    return recordNamesCells(this.records[i]);
  }
  explain(i: number, sink: IssueSink): void {
    explainRecord(this.records[i], sink);
  }
  copyCodes(from: number, n: number, to: VerdictCodes, grades: readonly string[]): void {
    for (let j = 0; j < n; j++) {
      const r = this.records[from + j];
      to.row[j] = r.row;
      to.status[j] = STATUS_CODE[r.status];
      to.grade[j] = r.grade === null ? -1 : grades.indexOf(r.grade);
      to.met[j] = r.met ?? -1;
      to.total[j] = r.total ?? -1;
      if (r.hidden) to.hidden[j] = 1;
    }
  }
}

/** A sheet's records as verdicts, without making an object per record when evaluateSheet holds them. */
export function recordVerdicts(r: SheetResult): RecordVerdicts {
  return EVALUATED.get(r) ?? new RecordList(r.records);
}

/**
 * One sheet problem per criterion that needs a column the sheet lacks: which rule cannot be
 * checked and which header would let it be. Its records are 需核实 at best on it.
 */
function uncheckedProblems(sheet: string, pack: Pack, crits: CompiledCriterion[], acc: Access): Issue[] {
  const out: Issue[] = [];
  for (const k of crits) {
    if (k.flag >= 0 && acc.has(k.flag)) continue;
    const missing = k.fields.filter((f) => !acc.has(f));
    if (!missing.length) continue;
    const h = wantedHeaders(pack, k, missing);
    out.push(
      makeIssue(
        "criterion-unchecked-sheet",
        { sheet, source: k.c.source, name: k.c.name.zh, nameEn: k.c.name.en, headers: h.zh, headersEn: h.en },
        { field: pack.fields[missing[0]].id, source: k.c.source },
      ),
    );
  }
  return out;
}

/**
 * Fields the sheet has no column for but can be worked out from columns it has (新闻撰写用时 from
 * 返校日期 and 新闻完成日期): the records get one more column holding the value, and the field
 * points there; a record whose dates cannot be read gets a blank, reported at the later date's
 * cell. The sheet says what was worked out.
 */
function deriveFields(pack: Pack, fieldIndex: Map<string, number>, colOf: Int32Array, letters: string[], cells: RecordCells, problems: Issue[], sheet: string): void {
  const append = (i: number, value: (k: number) => CellValue, blame: number) => {
    const values: CellValue[] = new Array(cells.length);
    for (let k = 0; k < cells.length; k++) values[k] = value(k);
    colOf[i] = cells.addColumn(values);
    letters[i] = letters[blame];
  };
  pack.fields.forEach((f, i) => {
    const d = f.derive;
    if (!d || colOf[i] >= 0) return;
    const issue = (code: "derived-field" | "derived-count" | "derived-size", params: Record<string, string | number>) =>
      problems.push(makeIssue(code, { sheet, label: f.label, labelEn: f.labelEn, ...params }, { field: f.id, severity: "warning" }));
    if ("daysBetween" in d) {
      const [from, to] = d.daysBetween.map((id) => fieldIndex.get(id)!);
      if (colOf[from] < 0 || colOf[to] < 0) return;
      append(i, (k) => {
        const a = readDate(cells.at(k, colOf[from]));
        const b = readDate(cells.at(k, colOf[to]));
        return a.ok && b.ok ? b.value - a.value : null;
      }, to);
      const [x, y] = [pack.fields[from], pack.fields[to]];
      issue("derived-field", { from: x.label, fromEn: x.labelEn, to: y.label, toEn: y.labelEn });
      return;
    }
    // A repeated field's group: the field and its members (groups.ts), all with columns.
    const source = "filledOf" in d ? d.filledOf : d.groupSize;
    const members = [fieldIndex.get(source)!];
    for (let j = 1; fieldIndex.has(memberId(source, j)); j++) members.push(fieldIndex.get(memberId(source, j))!);
    if (members.length < 2 || members.some((m) => colOf[m] < 0)) return;
    const names = members.map((m) => `“${pack.fields[m].label}”`).join("");
    if ("filledOf" in d) {
      append(i, (k) => members.filter((m) => yesNoOf(cells.at(k, colOf[m])) !== "blank").length, members[0]);
      issue("derived-count", { group: names, groupEn: names });
    } else {
      append(i, () => members.length, members[0]);
      issue("derived-size", { group: names, groupEn: names, n: members.length });
    }
  });
}

/** Evaluates every record of a sheet. Never throws for what a sheet contains. */
export function evaluateSheet(grid: SheetGrid, pack: Pack, opts: EvaluateOptions = {}): SheetResult {
  const match: HeaderMatch = matchHeaders(grid, pack, { mapping: opts.mapping, headerRow: opts.headerRow });
  // A field repeated per month or item is evaluated member by member (groups.ts).
  const evalPack = match.groups ? groupedPack(pack, match.groups) : pack;
  const cp = compilePack(evalPack, opts.params, opts.readings);
  const layout = layoutOf(pack, match.layout);
  const base: Omit<SheetResult, "records" | "groups" | "skipped" | "summary"> = {
    sheet: grid.name,
    pack: pack.id,
    headerRow: match.headerRow,
    columns: match.columns,
    unmatched: match.unmatched,
    problems: [...match.problems, ...unplacedIssues(grid)],
    interpretations: [],
  };
  if (match.columns.length === 0) return { ...base, records: [], groups: [], skipped: [], summary: { records: 0, ok: 0, warning: 0, error: 0, grades: {} } };

  const memberColumns = (match.groups ?? []).flatMap((g) =>
    g.members.slice(1).map((m, j) => ({ field: memberId(g.field, j + 1), col: m.col, letter: m.letter, header: m.header, confidence: 1 })),
  );
  const read = recordRows(grid, memberColumns.length ? { ...match, columns: [...match.columns, ...memberColumns] } : match);
  const { rows, hidden, skipped } = read;
  const colOf = new Int32Array(evalPack.fields.length).fill(-1);
  for (const c of [...match.columns, ...memberColumns]) {
    const i = cp.fieldIndex.get(c.field);
    if (i !== undefined) colOf[i] = c.col - grid.origin.col;
  }
  const letters = evalPack.fields.map((_, i) => (colOf[i] >= 0 ? colLetter(colOf[i] + grid.origin.col) : ""));
  const recordCells = read.cells;
  deriveFields(evalPack, cp.fieldIndex, colOf, letters, recordCells, base.problems, grid.name);
  // Each field's column as its cells are named (a worked-out field's by the column it is blamed on).
  const markCols = Int32Array.from(letters, (l, i) => (colOf[i] >= 0 && l ? colNumber(l) : -1));
  // The record being judged: its index among the records and its sheet row, as text once per record (not per cell named).
  let current = 0;
  let sheetRow = "";
  const acc: Access = {
    value: (f) => (f >= 0 && colOf[f] >= 0 ? recordCells.at(current, colOf[f]) : null),
    cell: (f) => (f >= 0 && colOf[f] >= 0 ? letters[f] + sheetRow : null),
    has: (f) => f >= 0 && colOf[f] >= 0,
  };
  const crits = applicable(cp, layout, acc.has);
  const failSeverity = pack.outcome.kind === "grade" ? "warning" : null;
  const lines: BudgetLine[] = [];
  // A graded record's unmet standards are 错误 only when they make it 不合格 (see verdicts.ts).
  const build: IssueBuilder = (row, record, status, sink) => {
    current = record;
    sheetRow = String(row);
    known.i = record;
    if (!sink.standards && cellsToFix(cp.pack, crits, codes, record, acc, row, sink, status)) return;
    const settled = failSeverity && status === "error" ? "error" : failSeverity;
    if (sink.at && sink.standards && pointsAt(crits, codes, record, acc, row, markCols, settled, status, sink.at)) return;
    judge(cp, crits, acc, row, settled, sink, status, known);
  };
  const columns = new SheetColumns(recordCells, colOf, evalPack.fields);
  const flagged = (k: CompiledCriterion) => k.flag >= 0 && colOf[k.flag] >= 0;
  const labelField = cp.labelField;
  const needs = crits.flatMap((k): Need[] => (flagged(k) ? [{ kind: "yesno", field: k.flag }] : k.needs));
  if (labelField >= 0) needs.push({ kind: "text", field: labelField });
  columns.fill(needs);
  const labels = labelField >= 0 ? columns.textsOf(labelField) : null;
  const codes = crits.map((k) => (flagged(k) ? columns.yesNoOf(k.flag) : k.columns(columns)));
  // What explaining a record needs of them: which criteria it met, so those are not tested again.
  const known = { codes, i: 0 };
  const scratch: Verdict = { met: 0, total: 0, failed: [], unchecked: [], status: "ok", dataProblems: false };
  const decided: Outcome = { status: "ok", grade: null, met: null, total: null };
  const failedLists = new FailedLists(crits.length);
  const uncheckedLists = new FailedLists(crits.length);
  const summary: Summary = { records: rows.length, ok: 0, warning: 0, error: 0, grades: {} };
  const verdicts = sheetVerdicts(crits, codes, rows.length, failSeverity);
  // A missing column is said for the sheet when some record could not be decided without it (an
  // anyOf whose other branch decided every record — the school's name naming its county — needs no word).
  let uncheckedAny = rows.length ? 0 : -1;
  for (let i = 0; i < rows.length; i++) uncheckedAny |= verdicts.unchecked[i];
  base.problems.push(...uncheckedProblems(grid.name, evalPack, crits.filter((_, k) => k >= MASK_BITS || uncheckedAny & (1 << k)), acc));
  const records = new EvaluatedRecords(rows, labels, build, !!pack.budget && pack.outcome.kind === "checks");
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    current = i;
    const v = verdictAt(crits, codes, verdicts, i, scratch, failedLists, uncheckedLists);
    let extra = NO_ISSUES;
    if (records.extras) {
      sheetRow = String(row);
      const b = checkBudgetLine(cp, acc, row);
      if (b.issues.length) records.extras[i] = extra = b.issues;
      lines.push(b.line);
    }
    records.set(i, outcome(cp, v, extra, decided), v, hidden.size > 0 && hidden.has(row));
    summary[decided.status]++;
    if (decided.grade) summary.grades[decided.grade] = (summary.grades[decided.grade] ?? 0) + 1;
  }

  if (layout.count) {
    const min = layout.count.min !== undefined ? cp.param(layout.count.min) : -Infinity;
    const max = layout.count.max !== undefined ? cp.param(layout.count.max) : Infinity;
    if (rows.length < min || rows.length > max) {
      base.problems.push(
        makeIssue("record-count", { sheet: grid.name, count: rows.length, what: layout.label.zh, whatEn: layout.label.en, min, max }, { severity: layout.count.severity, source: layout.count.source }),
      );
    }
  }

  const used = new Set<string>();
  for (const k of crits) {
    if (k.c.interpretation) used.add(k.c.interpretation);
    readingsIn(k.c.test, used);
  }
  for (const p of pack.params) if (p.interpretation) used.add(p.interpretation);
  if (pack.budget) for (const i of pack.interpretations) used.add(i.id);
  base.interpretations = pack.interpretations.filter((i) => used.has(i.id)).map((i) => applied(i, pack, opts.readings));

  if (pack.budget && pack.outcome.kind === "checks") base.problems.push(...budgetSheetNotes(cp, acc.has, grid.name, opts.params));
  const groups = pack.budget ? budgetGroups(cp, lines, opts.params, opts.readings) : [];
  // The records as objects only when a door reads them (the command line's outputs read the
  // verdicts); once made, they are the records — what a door read of their issues included.
  let made: RecordResult[] | null = null;
  const result: SheetResult = {
    ...base,
    get records(): RecordResult[] {
      if (!made) {
        made = records.objects();
        EVALUATED.delete(result);
      }
      return made;
    },
    set records(value: RecordResult[]) {
      made = value;
      EVALUATED.delete(result);
    },
    groups,
    skipped,
    summary,
  };
  EVALUATED.set(result, records);
  return result;
}

/**
 * One record outside a sheet (custom functions). With `headers` null, `values` are the
 * criteria's 是/否 flags in order; otherwise headers name the columns of `values`.
 */
export function evaluateRow(pack: Pack, headers: CellValue[] | null, values: CellValue[], opts: { params?: ParamOverrides; readings?: Readings } = {}): RecordResult {
  const cp = compilePack(pack, opts.params, opts.readings);
  const colOf = new Int32Array(pack.fields.length).fill(-1);
  let layout: Layout;
  if (headers === null) {
    cp.criteria.forEach((k, i) => {
      if (k.flag >= 0 && i < values.length) colOf[k.flag] = i;
    });
    layout = pack.layouts.find((l) => l.required.every((f) => colOf[cp.fieldIndex.get(f)!] >= 0)) ?? pack.layouts[0];
  } else {
    const m = matchHeaderTexts(headers.map((h) => cellText(h)), pack);
    for (const c of m.columns) colOf[cp.fieldIndex.get(c.field)!] = c.index;
    layout = layoutOf(pack, m.layout);
  }
  const acc: Access = {
    value: (f) => (f >= 0 && colOf[f] >= 0 ? values[colOf[f]] ?? null : null),
    cell: () => null,
    has: (f) => f >= 0 && colOf[f] >= 0,
  };
  const crits = applicable(cp, layout, acc.has);
  const graded = pack.outcome.kind === "grade";
  const extra = pack.budget && pack.outcome.kind === "checks" ? checkBudgetLine(cp, acc, 0).issues : [];
  // Judged and explained at once; a graded record's unmet standards are 错误 only when it is 不合格,
  // so only then is it judged again (one formula call usually runs the tests once).
  const found: Issue[] = [];
  let v = judge(cp, crits, acc, null, graded ? "warning" : null, collect(found));
  const o = outcome(cp, v, extra);
  if (graded && o.status === "error") {
    found.length = 0;
    v = judge(cp, crits, acc, null, "error", collect(found));
  }
  return { row: 0, label: labelOf(cp, acc, 0), ...o, failed: v.failed, unchecked: v.unchecked, issues: settleIssues([...found, ...extra], o.status) };
}

/** One criterion on bare evidence, bound to the criterion's fields in the order its test names them. */
export function evaluateCriterion(pack: Pack, criterionId: string, evidence: CellValue[], opts: { params?: ParamOverrides; readings?: Readings } = {}): { met: boolean | null; issues: Issue[] } {
  const cp = compilePack(pack, opts.params, opts.readings);
  const k = cp.byId.get(criterionId);
  if (!k) return { met: null, issues: [] };
  const colOf = new Map(k.fields.map((f, i) => [f, i]));
  const acc: Access = {
    value: (f) => (colOf.has(f) ? evidence[colOf.get(f)!] ?? null : null),
    cell: () => null,
    has: (f) => colOf.has(f),
  };
  const notes: Note[] = [];
  const v = k.test(acc, notes);
  const issues = notes.filter((n) => n.read).map((n) => readIssue(pack, n, acc, null, k.c.source));
  return { met: v === UNKNOWN ? null : v === YES, issues };
}


/**
 * A record's issues into a sink for one reading, not kept on the record: a door that streams a
 * sheet's records (the command line) explains each once, so 100,000 records' explanations never
 * live at the same time, and builds only the messages (and the issues) it prints.
 */
export function explainRecord(r: RecordResult, sink: IssueSink): void {
  if (r instanceof SheetRecord) r.explainInto(sink);
  else for (const i of r.issues) if (sink.standards || !STANDARD_CODES.has(i.code)) sink.made(i, i.severity);
}

/**
 * Whether a record's issues hold anything but its unmet and uncheckable standards (which its
 * failed and unchecked lists already say): blank or unreadable evidence, or issues of its own
 * (budget lines). Decided from the verdict codes, without explaining the record.
 */
export function recordNamesCells(r: RecordResult): boolean {
  return r instanceof SheetRecord ? r.namesCells : r.issues.some((i) => !STANDARD_CODES.has(i.code));
}
