/**
 * Reading what officials type (DOMAIN.md, "Values as officials type them"). Every reader returns
 * a value or a reason; none throws, whatever it is handed; a blank cell is "missing", never "no"
 * or 0; anything that cannot be read is never guessed ("约3项", "3-4", "若干" stay unreadable).
 *
 * Readers sit on the hot path of every record, so plain numbers and plain 是/否 take a fast path
 * that allocates nothing, parsed number texts are remembered, and every pattern is compiled once,
 * here.
 *
 * Decisions (the project's, documented so the UI and tests can rely on them):
 * - "90%" reads as 0.9 in readNumber, as Excel stores a typed percentage; readCount and readMoney
 *   refuse percentages (100% is not one award, nor one yuan).
 * - Chinese numerals are read in their strict written form up to 9,999 (二, 十二, 一百零五,
 *   两千三百), in small (一二三) and financial (壹贰叁) characters. Colloquial shortenings such as
 *   一百五 (150) and runs of digits such as 二三 (2 or 3) are unreadable, not guessed.
 * - 万 and 千 multiply (1.2万元 = 12000, 3千字 = 3000); one trailing unit (项, 场, 元, 字 …) is dropped.
 * - Digits separated by a space ("3 4") are not one number; thousands separators must group by three.
 * - readDate needs a day: "2024年9月" is unreadable as a date (no day is picked) but readYear reads it,
 *   and readWhen reads it as a month (2022.6, 2022-6, 2022/6, 2022年6月, 22年6月 likewise).
 *   An 8-digit 20240901 (text or number) is read as a date; 5-digit numbers are Excel serials;
 *   a number below 10,000 is a year (2023) or a year.month (2023.5, 2023.05), never a serial;
 *   2023.1 is refused (January, or October typed as 2023.10?).
 * - cellText shows numbers as Excel displays them (15 significant digits, so 0.1+0.2 shows as 0.3);
 *   formatNumber is exact (shortest text that reads back as the same double).
 * - A count whose float noise Excel would hide (2.9999999999999996 from a formula) reads as 3.
 */
import type { CellValue, Text2 } from "./types";

export type Read<T> = { ok: true; value: T } | { ok: false; missing: boolean; text: string; reason: Text2 };

// ---------------------------------------------------------------- shared answers

/** Shared answers for the small whole numbers most cells hold: no allocation per read. */
const SMALL: Read<number>[] = Array.from({ length: 1025 }, (_, i) => Object.freeze({ ok: true as const, value: i }));
function okNumber(n: number): Read<number> {
  return n >= 0 && n <= 1024 && (n | 0) === n && !Object.is(n, -0) ? SMALL[n] : { ok: true, value: n };
}
const YES_READ: Read<boolean> = Object.freeze({ ok: true as const, value: true });
const NO_READ: Read<boolean> = Object.freeze({ ok: true as const, value: false });
const okBool = (b: boolean): Read<boolean> => (b ? YES_READ : NO_READ);
const MISSING: Read<never> = Object.freeze({
  ok: false as const,
  missing: true,
  text: "",
  reason: Object.freeze({ zh: "单元格为空", en: "the cell is blank" }),
});

interface Kind {
  zh: string;
  en: string;
}
const K_YESNO: Kind = { zh: "是/否", en: "yes/no" };
const K_NUMBER: Kind = { zh: "数字", en: "a number" };
const K_COUNT: Kind = { zh: "个数", en: "a count" };
const K_MONEY: Kind = { zh: "金额", en: "an amount" };
const K_DATE: Kind = { zh: "日期", en: "a date" };
const K_YEAR: Kind = { zh: "年份", en: "a year" };
const K_TEXT: Kind = { zh: "文字", en: "text" };

/** Control and direction-override characters would garble or flip a message; line breaks become spaces. */
const UNSHOWABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const LINE_BREAKS = /[\r\n\t]+/g;

/** The found text as it may appear inside a message: short, printable, not cut inside a surrogate pair. */
function shown(text: string): string {
  let s = text;
  if (s.length > 60) {
    const cut = s.charCodeAt(59) >= 0xd800 && s.charCodeAt(59) <= 0xdbff ? 59 : 60;
    s = `${s.slice(0, cut)}…`;
  }
  return s.replace(LINE_BREAKS, " ").replace(UNSHOWABLE, "\ufffd");
}

function unreadable(text: string, kind: Kind, why?: Text2): Read<never> {
  const t = shown(text);
  return {
    ok: false,
    missing: false,
    text,
    reason: why ?? { zh: `“${t}”无法识别为${kind.zh}`, en: `"${t}" cannot be read as ${kind.en}` },
  };
}

function errorRead(error: string, kind: Kind): Read<never> {
  const t = shown(error);
  return unreadable(error, kind, {
    zh: `单元格是错误值 ${t}，无法识别为${kind.zh}`,
    en: `the cell holds the error ${t}, not ${kind.en}`,
  });
}

/** What is left once strings, numbers and booleans are handled: blanks, error cells, and whatever else a door hands over. */
function readOther(v: unknown, kind: Kind): Read<never> {
  if (v === null || v === undefined) return MISSING;
  try {
    if (typeof v === "object" && typeof (v as { error?: unknown }).error === "string") return errorRead((v as { error: string }).error, kind);
  } catch {
    // An object whose `error` cannot even be read (a hostile getter, a revoked proxy) is just unreadable.
  }
  return unreadable(safeString(v), kind);
}

function safeString(v: unknown): string {
  try {
    return String(v);
  } catch {
    return "";
  }
}

// ---------------------------------------------------------------- text helpers

/** Zero-width characters pasted from web pages and chat: invisible, so they count as spacing. */
const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/g;
const BLANK = /^[\s\u200b-\u200d\u2060\ufeff]*$/;

/** Whether a character is white space (JavaScript's \s) or zero-width: what trimming takes off. */
export function isInvisibleChar(c: number): boolean {
  return (
    c <= 0x20 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200d) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x2060 || c === 0x3000 || c === 0xfeff
  );
}

/** Blank as the official sees it: empty, spaces (any width), or only invisible characters. */
function isBlank(s: string): boolean {
  return s.length === 0 || (isInvisibleChar(s.charCodeAt(0)) && BLANK.test(s));
}

/** Full-width ASCII (Ａ１，．％) and the ideographic space become their half-width forms. */
export function toHalfWidth(s: string): string {
  let i = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0xff01 && c <= 0xff5e) || c === 0x3000) break;
  }
  if (i === s.length) return s;
  let out = s.slice(0, i);
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xff01 && c <= 0xff5e) out += String.fromCharCode(c - 0xfee0);
    else if (c === 0x3000) out += " ";
    else out += s[i];
  }
  return out;
}

/** Half-width, invisible characters as spaces, trimmed: the form every slow path compares. */
function normalized(s: string): string {
  return toHalfWidth(s).replace(ZERO_WIDTH, " ").trim();
}

/** The text as the official sees it in the cell: error cells by their error, numbers as Excel shows them. */
export function cellText(v: CellValue): string {
  if (typeof v === "string") return v;
  if (typeof v === "number") return displayNumber(v);
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  if (v === null || v === undefined) return "";
  try {
    if (typeof (v as { error?: unknown }).error === "string") return (v as { error: string }).error;
  } catch {
    return "";
  }
  return safeString(v);
}

/** Excel shows at most 15 significant digits, so a formula's 0.30000000000000004 shows as 0.3. */
function displayNumber(n: number): string {
  if (Number.isInteger(n)) return Object.is(n, -0) ? "0" : String(n);
  if (!Number.isFinite(n)) return String(n);
  return String(Number(n.toPrecision(15)));
}

// ---------------------------------------------------------------- yes / no

/**
 * Every common way to mark met / not met (DOMAIN.md): the words, the ticks and crosses, the circle
 * of a ○/× checklist (○ ◯ 〇). Matched whole, after width and case
 * are normalised: 达到 is yes, 未达到 no, and a mark that is neither (待补充, 部分) is unreadable.
 */
const YES_WORDS = [
  "是", "有", "√", "✓", "✔", "☑", "✅", "○", "◯", "〇", "y", "yes", "true", "1", "对", "已", "已完成", "完成", "达标", "已达标",
  "达到", "已达到", "满足", "符合", "合格", "具备", "具有", "通过", "齐全", "良好", "是的", "有的",
];
const NO_WORDS = [
  "否", "无", "×", "✗", "✘", "✕", "✖", "☒", "❌", "n", "no", "false", "0", "错", "不是", "没有", "未", "未完成", "没完成", "未达标",
  "不达标", "未达到", "没达到", "达不到", "不满足", "不符合", "不合格", "不具备", "未通过", "不通过", "不齐全", "暂无",
];
const YES_NO = new Map<string, boolean>();
for (const w of YES_WORDS) YES_NO.set(w, true);
for (const w of NO_WORDS) YES_NO.set(w, false);

const YES_NO_SEEN = new Map<string, boolean | "other">();

/** What a cell says as yes/no, without building a reason: true, false, "blank" or "other". */
export function yesNoOf(v: CellValue): boolean | "blank" | "other" {
  if (typeof v === "string") {
    const direct = YES_NO.get(v);
    if (direct !== undefined) return direct;
    if (isBlank(v)) return "blank";
    if (v.length > 40) return "other";
    // Texts repeat down a column (¥5,000.00 in a 是-or-amount column): normalise each once.
    let seen = YES_NO_SEEN.get(v);
    if (seen === undefined) {
      seen = YES_NO.get(normalized(v).toLowerCase()) ?? "other";
      if (YES_NO_SEEN.size >= PARSED_MAX) YES_NO_SEEN.clear();
      YES_NO_SEEN.set(v, seen);
    }
    return seen;
  }
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v === 1 ? true : v === 0 ? false : "other";
  return v === null || v === undefined ? "blank" : "other";
}

/** 是 √ Y TRUE 1 … → true; 否 × N FALSE 0 … → false; any width or case, trimmed; anything else is unreadable. */
export function readYesNo(v: CellValue): Read<boolean> {
  const yn = yesNoOf(v);
  if (yn === true || yn === false) return okBool(yn);
  if (yn === "blank") return MISSING;
  if (typeof v === "string") return unreadable(v, K_YESNO);
  if (typeof v === "number") return unreadable(displayNumber(v), K_YESNO);
  return readOther(v, K_YESNO);
}

// ---------------------------------------------------------------- numbers

const CN_DIGIT: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 壹: 1, 二: 2, 贰: 2, 貳: 2, 两: 2, 三: 3, 叁: 3, 參: 3, 四: 4, 肆: 4,
  五: 5, 伍: 5, 六: 6, 陆: 6, 陸: 6, 七: 7, 柒: 7, 八: 8, 捌: 8, 九: 9, 玖: 9,
};
const CN_PLACE: Record<string, number> = { 十: 10, 拾: 10, 百: 100, 佰: 100, 千: 1000, 仟: 1000 };

/**
 * Chinese numerals in their strict written form, below 10,000: 二, 十, 十二, 二十, 一百零五,
 * 三千零五十, 壹佰贰拾. Places must fall in order and a skipped place needs its 零; 一百五 (a
 * colloquial 150) and 二三 (two or three) are not read.
 */
function chineseNumeral(s: string): number | null {
  const len = s.length;
  if (len === 0 || len > 12) return null;
  let total = 0;
  let lastPlace = 10000;
  let digit = -1; // a digit waiting for its place
  let liang = false;
  let gap = false; // a 零 was written since the last place
  for (let i = 0; i < len; i++) {
    const ch = s[i];
    const d = CN_DIGIT[ch];
    if (d !== undefined) {
      if (digit >= 0) return null; // 二三: two digits in a row
      if (d === 0) {
        if (len === 1) return 0;
        if (i === 0 || i === len - 1 || gap || lastPlace < 100) return null;
        gap = true;
        continue;
      }
      digit = d;
      liang = ch === "两";
      continue;
    }
    const place = CN_PLACE[ch];
    if (place === undefined || place >= lastPlace) return null;
    if (digit < 0) {
      if (place !== 10 || i !== 0) return null; // only 十 may stand without its digit, and only first (十二)
      digit = 1;
    }
    if (liang && place === 10) return null; // 两十 is not written
    // A skipped place must be marked with 零 (一千零五十), and 零 must mark a skipped place (not 一百零十).
    if (lastPlace !== 10000 && (gap ? lastPlace === place * 10 : lastPlace !== place * 10)) return null;
    total += digit * place;
    lastPlace = place;
    digit = -1;
    gap = false;
  }
  if (digit >= 0) {
    // A bare last digit belongs to the ones place: after 十 (十二), after a 零 (一百零五), or alone (五).
    if (liang && lastPlace !== 10000) return null;
    if (lastPlace !== 10000 && lastPlace !== 10 && !gap) return null; // 一百五: colloquial, not read
    total += digit;
  }
  return total;
}

const PLAIN = /^(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const GROUPED = /^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;
const SPACED_DIGITS = /\d\s+[\d.,]|[\d.,]\s+\d/;
const SPACES = /\s+/g;
const CURRENCY_PREFIX = /^(?:¥|￥|rmb|cny|人民币)/i;
/** What officials write after a number: money words and the units of counts and sizes (longest first). */
const SUFFIX = /(?:元整|元|rmb|cny|平方米|平米|㎡|m²|m2|人次|个人|课时|项|场|次|名|所|个|人|篇|字|节|米|m|天|年|岁|本|册|件|门|课|期|届|家|位)$/i;
const MINUS = /^[-−]/;

/**
 * Officials' cells repeat ("2项", "二", "¥5,000.00"): remember recent parses of short texts, up to
 * a bound — as the answer itself, so a repeated text costs neither parsing nor an allocation.
 */
const PARSED = new Map<string, Read<number> | null>();
const PARSED_MAX = 50_000;
const PARSED_KEY_MAX = 32;
const NUMBER_TEXT_MAX = 1024;

function parsedNumber(raw: string): Read<number> | null {
  if (raw.length > PARSED_KEY_MAX) {
    const n = raw.length > NUMBER_TEXT_MAX ? null : parseNumberUncached(raw);
    return n === null ? null : okNumber(n);
  }
  let hit = PARSED.get(raw);
  if (hit === undefined) {
    const n = parseNumberUncached(raw);
    hit = n === null ? null : Object.freeze(okNumber(n));
    if (PARSED.size >= PARSED_MAX) PARSED.clear();
    PARSED.set(raw, hit);
  }
  return hit;
}

function parseNumberUncached(raw: string): number | null {
  let s = normalized(raw);
  if (SPACED_DIGITS.test(s)) return null; // "3 4" is two numbers, "1 000" is not how officials group
  s = s.replace(SPACES, "");
  let sign = 1;
  let signs = 0;
  if (s[0] === "+" || MINUS.test(s)) {
    sign = s[0] === "+" ? 1 : -1;
    signs++;
    s = s.slice(1);
  }
  const cur = CURRENCY_PREFIX.exec(s);
  if (cur) {
    s = s.slice(cur[0].length);
    if (s[0] === "+" || MINUS.test(s)) {
      sign = s[0] === "+" ? 1 : -1;
      signs++;
      s = s.slice(1);
    }
  }
  if (signs > 1) return null;
  let scale = 1;
  if (s.endsWith("%")) {
    scale = 0.01;
    s = s.slice(0, -1);
  } else {
    const unit = SUFFIX.exec(s);
    if (unit) s = s.slice(0, s.length - unit[0].length);
    const last = s[s.length - 1];
    if (last === "万" || last === "千") {
      scale = last === "万" ? 10000 : 1000;
      s = s.slice(0, -1);
    }
  }
  if (s === "") return null;
  let n: number | null;
  if (PLAIN.test(s)) n = Number(s);
  else if (GROUPED.test(s)) n = Number(s.replace(/,/g, ""));
  else n = chineseNumeral(s);
  if (n === null || !Number.isFinite(n)) return null;
  const v = sign * n * scale;
  if (!Number.isFinite(v)) return null;
  // 1.2万 = 12000 exactly, not 12000.000000000002.
  return scale === 1 ? v : Number(v.toPrecision(15));
}

/** A number as typed: 12, １２, 3,000, ¥3,000.00, 1.2万元, 3项, 二, 十二, 90% (0.9). */
export function readNumber(v: CellValue): Read<number> {
  if (typeof v === "number") return Number.isFinite(v) ? okNumber(v) : unreadable(String(v), K_NUMBER);
  if (typeof v === "string") {
    const r = parsedNumber(v);
    if (r !== null) return r;
    return isBlank(v) ? MISSING : unreadable(v, K_NUMBER);
  }
  if (typeof v === "boolean") return unreadable(v ? "TRUE" : "FALSE", K_NUMBER);
  return readOther(v, K_NUMBER);
}

function isPercentText(v: CellValue): boolean {
  if (typeof v !== "string") return false;
  // Most number texts end in a digit or a unit character (3, 3项, ２): no % can be in them as a
  // percentage, since one only reads as such at the very end. Anything else is searched whole.
  const last = v.charCodeAt(v.length - 1);
  if ((last >= 0x30 && last <= 0x39) || (last >= 0x4e00 && last !== 0xff05)) return false;
  return v.includes("%") || v.includes("％");
}

/** A count of awards, schools, trainings: a whole number, zero or more. */
export function readCount(v: CellValue): Read<number> {
  const r = readNumber(v);
  if (!r.ok) return r.missing || typeof v === "object" ? rekind(r, K_COUNT, v) : unreadable(r.text, K_COUNT);
  let n = r.value;
  if (!Number.isInteger(n)) {
    // Float noise a formula leaves and Excel hides (2.9999999999999996 shows as 3) is not a fraction.
    const shownValue = Number(n.toPrecision(15));
    if (Number.isInteger(shownValue)) n = shownValue;
  }
  if (!Number.isInteger(n) || n < 0 || n > Number.MAX_SAFE_INTEGER || isPercentText(v)) {
    const text = cellText(v);
    const t = shown(text);
    return unreadable(text, K_COUNT, {
      zh: `“${t}”不是非负整数，无法作为个数`,
      en: `"${t}" is not a whole number of zero or more`,
    });
  }
  return n === r.value ? r : okNumber(n + 0);
}

/** An error cell or a blank keeps its own reason; an odd object is re-described for the kind asked. */
function rekind(r: Read<never> & { ok: false }, kind: Kind, v: CellValue): Read<never> {
  if (r.missing) return r;
  return readOther(v, kind);
}

/** An amount of money in yuan (¥3,000.00, 1.2万元, 3，000元); rounded to the cent, halves away from zero. */
export function readMoney(v: CellValue): Read<number> {
  const r = readNumber(v);
  if (!r.ok) return r.missing || typeof v === "object" ? rekind(r, K_MONEY, v) : unreadable(r.text, K_MONEY);
  if (isPercentText(v)) return unreadable(cellText(v), K_MONEY);
  const n = r.value;
  if (Number.isInteger(n)) return r;
  const rounded = roundCents(n);
  return rounded === n ? r : okNumber(rounded);
}

function roundCents(n: number): number {
  const a = Math.abs(n);
  if (a >= 1e13) return n; // beyond this a double has no cents left to round
  const x = a * 100;
  // Away from half a cent, plain rounding is already right (and toPrecision is slow). Near one,
  // toPrecision first, so 1.005 (stored as 1.00499999…) rounds the way it was typed, to 1.01.
  const cents = a < 1e7 && Math.abs(x - Math.floor(x) - 0.5) > 1e-4 ? Math.round(x) : Math.round(Number(x.toPrecision(15)));
  return n < 0 ? -cents / 100 : cents / 100;
}

// ---------------------------------------------------------------- dates (Excel serials, 1900 system)

export const MAX_SERIAL = 2_958_465; // 9999-12-31
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2200;
/** Days from 1899-12-30 (Excel's real day zero) to 1970-01-01. */
const UNIX_OFFSET = 25_569;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm; no Date objects). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function civilFromDays(days: number): { y: number; m: number; d: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

/**
 * Excel's serial for a date, in the 1900 system with its phantom 1900-02-29 (serial 60). Like
 * Excel's DATE(), a month or day beyond its range rolls over (2024-02-30 → 2024-03-01); readers
 * check validity before calling it.
 */
export function ymdToSerial(y: number, m: number, d: number): number {
  let yy = Math.floor(y);
  let mm = Math.floor(m);
  const dd = Math.floor(d);
  if (yy === 1900 && mm === 2 && dd === 29) return 60;
  yy += Math.floor((mm - 1) / 12);
  mm = ((((mm - 1) % 12) + 12) % 12) + 1;
  const real = daysFromCivil(yy, mm, dd) + UNIX_OFFSET;
  return real < 61 ? real - 1 : real;
}

/** The calendar date of an Excel serial (time of day dropped); serial 60 is Excel's phantom 1900-02-29. */
export function serialToYMD(serial: number): { y: number; m: number; d: number } {
  const s = Math.floor(serial);
  if (s === 60) return { y: 1900, m: 2, d: 29 };
  return civilFromDays((s < 60 ? s + 1 : s) - UNIX_OFFSET);
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** A real calendar day in Excel's range (1900-01-01 … 9999-12-31). */
function validYMD(y: number, m: number, d: number): boolean {
  return y >= 1900 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** Same day n years later (or earlier); 29 February becomes 28 February in a common year. */
export function addYears(serial: number, n: number): number {
  const { y, m, d } = serialToYMD(serial);
  const year = y + Math.trunc(n);
  const day = m === 2 && d === 29 && !isLeap(year) ? 28 : d;
  return ymdToSerial(year, m, day);
}

/** 2024-09-01; "" for a serial that is not a number. */
export function formatDate(serial: number): string {
  if (!Number.isFinite(serial)) return "";
  const { y, m, d } = serialToYMD(serial);
  return `${String(y).padStart(4, "0")}-${m < 10 ? "0" : ""}${m}-${d < 10 ? "0" : ""}${d}`;
}

const DATE_DASHED = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:(?: +|t)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/i;
const DATE_CN = /^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$/;
const DATE_COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const SERIAL_TEXT = /^\d{5}(?:\.\d+)?$/;
const DATE_TEXT_MAX = 40;

/** A serial for a valid y-m-d, the phantom 1900-02-29 included (Excel accepts it as 60), else null. */
function serialOf(y: number, m: number, d: number): number | null {
  if (y === 1900 && m === 2 && d === 29) return 60;
  return validYMD(y, m, d) ? ymdToSerial(y, m, d) : null;
}

/** 20240901 (typed as a number or text): read only when it is a real date of years 1900–2200. */
function compactDate(n: number): number | null {
  if (!Number.isInteger(n) || n < 19000101 || n > 22001231) return null;
  return serialOf(Math.floor(n / 10000), Math.floor(n / 100) % 100, n % 100);
}

function notADay(v: string): Read<never> {
  const t = shown(v);
  return unreadable(v, K_DATE, { zh: `“${t}”不是存在的日期`, en: `"${t}" is not a real date` });
}

/**
 * A date as typed, or an Excel serial; answers the serial (whole days). A number below 10,000 is
 * never a serial here: 2023 is a year and 2023.5 a year and month (serials of our era are
 * above 36,000; 2023 read as a serial would be 1905-07-15).
 */
export function readDate(v: CellValue): Read<number> {
  if (typeof v === "number") {
    if (Number.isFinite(v) && v >= 1 && v < 10000) {
      const w = yearMonthNumber(v);
      const t = displayNumber(v);
      if (w.ok && w.value.month !== null) return unreadable(t, K_DATE, { zh: `“${t}”是年月（${w.value.year}年${w.value.month}月），没有具体日期`, en: `"${t}" is a year and month (${w.value.year}-${w.value.month}), not a day` });
      if (w.ok) return unreadable(t, K_DATE, { zh: `“${t}”只有年份，没有具体日期`, en: `"${t}" is only a year, not a day` });
      return unreadable(t, K_DATE);
    }
    if (Number.isFinite(v) && v >= 10000 && v < MAX_SERIAL + 1) return okNumber(Math.floor(v));
    const c = compactDate(v);
    return c === null ? unreadable(displayNumber(v), K_DATE) : okNumber(c);
  }
  if (typeof v === "string") {
    if (isBlank(v)) return MISSING;
    if (v.length > DATE_TEXT_MAX) return unreadable(v, K_DATE);
    const s = normalized(v).replace(SPACES, " ");
    const m = DATE_DASHED.exec(s);
    if (m) {
      const h = m[5] === undefined ? 0 : Number(m[5]);
      const min = m[6] === undefined ? 0 : Number(m[6]);
      const sec = m[7] === undefined ? 0 : Number(m[7]);
      const serial = h < 24 && min < 60 && sec < 60 ? serialOf(Number(m[1]), Number(m[3]), Number(m[4])) : null;
      return serial === null ? notADay(v) : okNumber(serial);
    }
    const cn = DATE_CN.exec(s.replace(SPACES, ""));
    if (cn) {
      const serial = serialOf(Number(cn[1]), Number(cn[2]), Number(cn[3]));
      return serial === null ? notADay(v) : okNumber(serial);
    }
    if (DATE_COMPACT.test(s)) {
      const serial = compactDate(Number(s));
      return serial === null ? notADay(v) : okNumber(serial);
    }
    if (SERIAL_TEXT.test(s)) return readDate(Number(s)).ok ? okNumber(Math.floor(Number(s))) : unreadable(v, K_DATE);
    return unreadable(v, K_DATE);
  }
  if (typeof v === "boolean") return unreadable(v ? "TRUE" : "FALSE", K_DATE);
  return readOther(v, K_DATE);
}

const YEAR_TEXT = /^(\d{4})(?:年度|学年|年)?$/;
const YEAR_CN = /^([零〇一二三四五六七八九]{4})(?:年度|学年|年)?$/;
/** 2022年6月, 2022-6, 2022/6, 2022.6, 2022.06, 22年6月 (a two-digit year only with 年: 20xx). */
const YEAR_MONTH = /^(\d{4}|\d{2}(?=年))(?:年(\d{1,2})月份?|[-/.](\d{1,2})月?)$/;

/** A point in time as precisely as the cell gives it: a day (serial), a month, or only a year. */
export interface When {
  /** Excel serial when the cell names a day; null otherwise. */
  serial: number | null;
  year: number;
  /** 1–12 when the month is known (always for a day); null for a year alone. */
  month: number | null;
}

function when(year: number, month: number | null, serial: number | null = null): Read<When> {
  return { ok: true, value: { serial, year, month } };
}

/**
 * A year or year.month typed as a number in a date or year column: 2023 → the year, 2023.5 and
 * 2023.05 → May 2023, 2023.12 → December. 2023.1 is refused: typed as 2023.10 it would be October,
 * and the number cannot tell.
 */
function yearMonthNumber(v: number): Read<When> {
  const t = displayNumber(v);
  const m = /^(\d{4})(?:\.(\d{1,2}))?$/.exec(t);
  if (!m) return unreadable(t, K_DATE);
  const year = Number(m[1]);
  if (year < MIN_YEAR || year > MAX_YEAR) return unreadable(t, K_DATE);
  if (m[2] === undefined) return when(year, null);
  if (m[2] === "1")
    return unreadable(t, K_DATE, {
      zh: `“${t}”可能是${year}年1月，也可能是${year}年10月（输成数字时末尾的0会丢失），请写成“${year}.01”或“${year}-10”`,
      en: `"${t}" may be January or October ${year} (a number drops the trailing 0); write ${year}-01 or ${year}-10`,
    });
  const month = Number(m[2]);
  return month >= 1 && month <= 12 ? when(year, month) : unreadable(t, K_DATE, { zh: `“${t}”中的月份${m[2]}不存在`, en: `"${t}" has no month ${m[2]}` });
}

/**
 * A date, a month or a year, as officials type them in a date column: every full-date form of
 * readDate; 2022.6, 2022.06, 2022-6, 2022/6, 2022年6月, 22年6月 (month precision); 2022, 2022年,
 * 二〇二二年 (year); numbers 2023, 2023.5, 2023.05 (never Excel serials below 10,000).
 */
export function readWhen(v: CellValue): Read<When> {
  if (typeof v === "number") {
    if (Number.isFinite(v) && v > 0 && v < 10000) return yearMonthNumber(v);
    const d = readDate(v);
    if (!d.ok) return d;
    const { y, m } = serialToYMD(d.value);
    return when(y, m, d.value);
  }
  if (typeof v === "string") {
    if (isBlank(v)) return MISSING;
    if (v.length > DATE_TEXT_MAX) return unreadable(v, K_DATE);
    const d = readDate(v);
    if (d.ok) {
      const { y, m } = serialToYMD(d.value);
      return when(y, m, d.value);
    }
    const s = normalized(v).replace(SPACES, "");
    const ym = YEAR_MONTH.exec(s);
    if (ym) {
      const year = ym[1].length === 2 ? 2000 + Number(ym[1]) : Number(ym[1]);
      const month = Number(ym[2] ?? ym[3]);
      if (month < 1 || month > 12) return unreadable(v, K_DATE, { zh: `“${shown(v)}”中的月份不存在`, en: `"${shown(v)}" has no such month` });
      return year >= MIN_YEAR && year <= MAX_YEAR ? when(year, month) : unreadable(v, K_DATE);
    }
    const y = readYear(v);
    if (y.ok) return when(y.value, null);
    // A day that does not exist (2023年2月29日) keeps readDate's own reason.
    return d.missing ? d : d.reason.zh.includes("不是存在的日期") ? d : unreadable(v, K_DATE);
  }
  const d = readDate(v);
  return d.ok ? when(serialToYMD(d.value).y, serialToYMD(d.value).m, d.value) : d;
}

function yearRead(y: number, v: CellValue): Read<number> {
  return y >= MIN_YEAR && y <= MAX_YEAR ? okNumber(y) : unreadable(cellText(v), K_YEAR);
}

/** A year: 2024, "2024年", "2024年度", "二〇二四年", "2024年9月", or the year of a date or serial (1900–2200). */
export function readYear(v: CellValue): Read<number> {
  if (typeof v === "number") {
    if (Number.isInteger(v) && v >= MIN_YEAR && v <= MAX_YEAR) return okNumber(v);
    // 2023.5 is May 2023; a small number that is not a plausible year is a typo, not a date serial (serials of our era are > 36,000).
    if (!(v >= 10000)) {
      const w = v > 0 ? yearMonthNumber(v) : null;
      return w && w.ok ? okNumber(w.value.year) : unreadable(displayNumber(v), K_YEAR);
    }
    const d = readDate(v);
    return d.ok ? yearRead(serialToYMD(d.value).y, v) : unreadable(displayNumber(v), K_YEAR);
  }
  if (typeof v === "string") {
    if (isBlank(v)) return MISSING;
    if (v.length > DATE_TEXT_MAX) return unreadable(v, K_YEAR);
    const s = normalized(v).replace(SPACES, "");
    const m = YEAR_TEXT.exec(s);
    if (m) return yearRead(Number(m[1]), v);
    const cn = YEAR_CN.exec(s);
    if (cn) {
      let y = 0;
      for (const ch of cn[1]) y = y * 10 + CN_DIGIT[ch];
      return yearRead(y, v);
    }
    const ym = YEAR_MONTH.exec(s);
    if (ym) {
      const month = Number(ym[2] ?? ym[3]);
      const year = ym[1].length === 2 ? 2000 + Number(ym[1]) : Number(ym[1]);
      return month >= 1 && month <= 12 ? yearRead(year, v) : unreadable(v, K_YEAR);
    }
    const d = readDate(v);
    return d.ok ? yearRead(serialToYMD(d.value).y, v) : unreadable(v, K_YEAR);
  }
  if (typeof v === "boolean") return unreadable(v ? "TRUE" : "FALSE", K_YEAR);
  return readOther(v, K_YEAR);
}

/** Text, trimmed (spaces of any width and invisible characters at the ends); numbers as the cell shows them. */
export function readText(v: CellValue): Read<string> {
  if (typeof v === "string") {
    // Most texts start and end with a visible character: nothing to trim, nothing to search.
    if (v.length && !isInvisibleChar(v.charCodeAt(0)) && !isInvisibleChar(v.charCodeAt(v.length - 1))) return { ok: true, value: v };
    if (isBlank(v)) return MISSING;
    const t = v.trim();
    return { ok: true, value: t.length === v.length && !ZERO_WIDTH_EDGE.test(t) ? v : t.replace(ZERO_WIDTH_EDGES, "").trim() };
  }
  if (typeof v === "number" || typeof v === "boolean") return { ok: true, value: cellText(v) };
  return readOther(v, K_TEXT);
}
const ZERO_WIDTH_EDGE = /^[\u200b-\u200d\u2060\ufeff]|[\u200b-\u200d\u2060\ufeff]$/;
const ZERO_WIDTH_EDGES = /^[\s\u200b-\u200d\u2060\ufeff]+|[\s\u200b-\u200d\u2060\ufeff]+$/g;

// ---------------------------------------------------------------- formatting

/** Shortest text that reads back as exactly the same number (12000, 3000.5, 1e+21). */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Object.is(n, -0) ? "0" : String(n);
}

const THOUSANDS = /\B(?=(\d{3})+(?!\d))/g;

/** ¥12,000.00 — what officials expect to see for an amount; reads back through readNumber to the cent. */
export function formatMoney(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  let whole: string;
  let frac: string;
  if (a >= 1e13) {
    // No cents survive in a double this large; BigInt writes every digit (no 1e+21).
    whole = BigInt(Math.round(a)).toString();
    frac = "00";
  } else {
    const cents = Math.round(Number((a * 100).toPrecision(15)));
    whole = String(Math.floor(cents / 100));
    const c = cents % 100;
    frac = c < 10 ? `0${c}` : String(c);
  }
  const negative = n < 0 && (whole !== "0" || frac !== "00");
  return `${negative ? "-" : ""}¥${whole.replace(THOUSANDS, ",")}.${frac}`;
}
