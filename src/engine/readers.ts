/**
 * How a pack's tests read their fields, shared by the record-by-record evaluation (which builds
 * messages) and the column-by-column one (which only decides): one reader per field type, the
 * comparison operators, and the three-valued outcome of a test.
 */
import { addYears, toHalfWidth, formatDate, readCount, readDate, readMoney, readNumber, readWhen, readYear, readYesNo, yesNoOf, type Read, type When } from "./values";
import type { CellValue } from "./types";
import type { FieldType, VocabTest } from "../packs/schema";

export type Tri = 0 | 1 | 2; // not met, met, unknown
export const NO: Tri = 0;
export const YES: Tri = 1;
export const UNKNOWN: Tri = 2;

export const OPS: Record<string, (a: number, b: number) => boolean> = {
  ">=": (a, b) => a >= b,
  ">": (a, b) => a > b,
  "<=": (a, b) => a <= b,
  "<": (a, b) => a < b,
  "=": (a, b) => a === b,
  "!=": (a, b) => a !== b,
};

const YES_AS_NUMBER: Read<number> = Object.freeze({ ok: true as const, value: Number.POSITIVE_INFINITY });
const NO_AS_NUMBER: Read<number> = Object.freeze({ ok: true as const, value: 0 });

/** 是 counts as met for a yes-or-number field (standard 十: 配套经费 > 0, or simply 是). */
function readYesOrNumber(v: CellValue): Read<number> {
  const yn = yesNoOf(v);
  if (yn === true) return YES_AS_NUMBER;
  if (yn === false) return NO_AS_NUMBER;
  return readMoney(v); // a blank reads as missing here too
}

const YES_AS_ONE: Read<number> = Object.freeze({ ok: true as const, value: 1 });
function readYesNoAsNumber(v: CellValue): Read<number> {
  const r = readYesNo(v);
  return r.ok ? (r.value ? YES_AS_ONE : NO_AS_NUMBER) : r;
}

/** The reader a comparison uses for a field of this type. */
export function numericReader(type: FieldType): (v: CellValue) => Read<number> {
  switch (type) {
    case "count":
      return readCount;
    case "money":
      return readMoney;
    case "yesnoOrNumber":
      return readYesOrNumber;
    case "date":
      return readDate;
    case "year":
      return readYear;
    case "yesno":
      return readYesNoAsNumber;
    default:
      return readNumber;
  }
}

/** A date, a month, or only a year — as precisely as the cell gives it (see readWhen). */
export function readDateOrYear(v: CellValue): Read<When> {
  if (typeof v === "number" && Number.isInteger(v) && v >= 1900 && v <= 2200) return { ok: true, value: { serial: null, year: v, month: null } };
  return readWhen(v);
}

export type Precision = "day" | "month" | "year";

/**
 * "Within the last N years" of a reference date, at the precision both cells share: by day when
 * both name a day (2019-09-01 is within 5 years of 2024-09-01, 2019-08-31 is not), by month when
 * both know the month (2018年8月 is not within 5 years of 2023-09-01), else by year. A date after
 * the reference (an award dated after the application) is never counted.
 */
export function recency(a: When, b: When, years: number, by: "date" | "calendarYear" = "date"): { within: boolean; after: boolean; precision: Precision; from: { zh: string; en: string } } {
  if (by === "calendarYear") {
    // The N calendar years up to and including the reference's (2020–2024 for 2024 and 5).
    const from = b.year - (years - 1);
    return { within: a.year >= from, after: recency(a, b, 0).after, precision: "year", from: { zh: `${from}年`, en: String(from) } };
  }
  if (a.serial !== null && b.serial !== null) {
    const from = addYears(b.serial, -years);
    return { within: a.serial >= from, after: a.serial > b.serial, precision: "day", from: { zh: formatDate(from), en: formatDate(from) } };
  }
  if (a.month !== null && b.month !== null) {
    const am = a.year * 12 + a.month;
    const bm = b.year * 12 + b.month;
    const y = b.year - years;
    return { within: am >= bm - 12 * years, after: am > bm, precision: "month", from: { zh: `${y}年${b.month}月`, en: `${y}-${String(b.month).padStart(2, "0")}` } };
  }
  return { within: a.year >= b.year - years, after: a.year > b.year, precision: "year", from: { zh: `${b.year - years}年`, en: String(b.year - years) } };
}

/** How a recency comparison was made, for the message. */
export const PRECISION_WORDS: Record<Precision, { zh: string; en: string }> = {
  day: { zh: "按日比较", en: "compared by day" },
  month: { zh: "按月比较", en: "compared by month" },
  year: { zh: "按年份比较", en: "compared by year" },
};

/** What a vocabulary says of a text: NO with the word that fails it, YES with the word that passes it, or UNKNOWN (for a person). */
export interface VocabVerdict {
  tri: Tri;
  word: string | null;
}

const vocabNorm = (s: string): string => toHalfWidth(s).replace(/[\s\u3000]+/g, "").toLowerCase();

/**
 * A vocabulary test's judge (see VocabTest): the no-list first, then the yes-list, after the
 * ignore words are taken out as separators. Titles repeat down a column: each distinct text is
 * judged once.
 */
export function vocabJudge(t: VocabTest): (text: string) => VocabVerdict {
  const no = t.fail.map((w) => ({ w, n: vocabNorm(w) }));
  const yes = t.pass.map((w) => ({ w, n: vocabNorm(w) }));
  const ignore = (t.ignore ?? []).map(vocabNorm);
  const seen = new Map<string, VocabVerdict>();
  return (text) => {
    let v = seen.get(text);
    if (v) return v;
    let s = vocabNorm(text);
    for (const i of ignore) s = s.split(i).join("|");
    const bad = no.find((x) => s.includes(x.n));
    const good = bad ? undefined : yes.find((x) => s.includes(x.n));
    v = bad ? { tri: NO, word: bad.w } : good ? { tri: YES, word: good.w } : { tri: UNKNOWN, word: null };
    if (seen.size < 10_000) seen.set(text, v);
    return v;
  };
}
