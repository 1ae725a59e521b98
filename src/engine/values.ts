/**
 * Reading what officials type (DOMAIN.md, "Values as officials type them"). Every reader returns
 * a value or a reason; none throws; a blank cell is "missing", never "no" or 0; anything that
 * cannot be read is never guessed. Readers sit on the hot path of every record, so plain numbers
 * and plain 是/否 take a fast path and every pattern is compiled once, here.
 */
import { isCellError, type CellValue, type Text2 } from "./types";

export type Read<T> = { ok: true; value: T } | { ok: false; missing: boolean; text: string; reason: Text2 };

const ok = <T>(value: T): Read<T> => ({ ok: true, value });
/** Shared answers for the small whole numbers most cells hold: no allocation per read. */
const SMALL: Read<number>[] = Array.from({ length: 1025 }, (_, i) => Object.freeze({ ok: true as const, value: i }));
const okNumber = (n: number): Read<number> => (n >= 0 && n <= 1024 && (n | 0) === n && !Object.is(n, -0) ? SMALL[n] : { ok: true, value: n });
const YES_READ: Read<boolean> = Object.freeze({ ok: true as const, value: true });
const NO_READ: Read<boolean> = Object.freeze({ ok: true as const, value: false });
const okBool = (b: boolean): Read<boolean> => (b ? YES_READ : NO_READ);
const MISSING: Read<never> = Object.freeze({ ok: false, missing: true, text: "", reason: { zh: "单元格为空", en: "the cell is blank" } }) as Read<never>;

function unreadable(text: string, zhKind: string, enKind: string, why?: Text2): Read<never> {
  const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  return {
    ok: false,
    missing: false,
    text,
    reason: why ?? { zh: `“${shown}”无法识别为${zhKind}`, en: `"${shown}" cannot be read as ${enKind}` },
  };
}

/** Full-width ASCII (Ａ１，．) and the ideographic space become their half-width forms. */
export function toHalfWidth(s: string): string {
  let out = "";
  let changed = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xff01 && c <= 0xff5e) {
      out += String.fromCharCode(c - 0xfee0);
      changed = true;
    } else if (c === 0x3000) {
      out += " ";
      changed = true;
    } else out += s[i];
  }
  return changed ? out : s;
}

/** The text as the official sees it in the cell. */
export function cellText(v: CellValue): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number") return formatNumber(v);
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  if (isCellError(v)) return v.error;
  return safeString(v);
}

function safeString(v: unknown): string {
  try {
    return String(v);
  } catch {
    return "";
  }
}

function blankText(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === "string" && v.trim() === "");
}

function errorRead(v: { error: string }, zhKind: string, enKind: string): Read<never> {
  return unreadable(v.error, zhKind, enKind, {
    zh: `单元格是错误值 ${v.error}，无法识别为${zhKind}`,
    en: `the cell holds the error ${v.error}, not ${enKind}`,
  });
}

// ---------------------------------------------------------------- yes / no

const YES_NO = new Map<string, boolean>();
for (const w of ["是", "有", "√", "✓", "✔", "☑", "y", "yes", "true", "1", "对", "已", "达标", "满足", "符合", "合格"]) YES_NO.set(w, true);
for (const w of ["否", "无", "×", "✗", "✘", "☒", "n", "no", "false", "0", "错", "未达标", "不满足", "不符合", "不合格", "没有"]) YES_NO.set(w, false);

export function readYesNo(v: CellValue): Read<boolean> {
  if (typeof v === "boolean") return okBool(v);
  if (typeof v === "string") {
    const direct = YES_NO.get(v);
    if (direct !== undefined) return okBool(direct);
    if (v.trim() === "") return MISSING;
    const key = toHalfWidth(v).trim().toLowerCase();
    const found = YES_NO.get(key);
    return found === undefined ? unreadable(v, "是/否", "yes/no") : okBool(found);
  }
  if (typeof v === "number") return v === 1 ? YES_READ : v === 0 ? NO_READ : unreadable(cellText(v), "是/否", "yes/no");
  if (blankText(v)) return MISSING;
  if (isCellError(v)) return errorRead(v, "是/否", "yes/no");
  return unreadable(safeString(v), "是/否", "yes/no");
}

// ---------------------------------------------------------------- numbers

const CN_DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const CN_NUMERAL = /^[零〇一二两三四五六七八九十百]{1,6}$/;
/** Units officials append to counts and sizes; 元 and 万 are handled as money words. */
const UNIT = /(?:平方米|平米|㎡|m²|m2|个人|人次|项|场|次|名|所|个|人|篇|字|节|米|m|天|年|岁|本|册|课时|课)$/i;
const PLAIN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const GROUPED = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;

/** Small Chinese numerals as used for counts: 二, 十, 十二, 二十, 九十九, 一百. Anything looser is not a number. */
function chineseNumeral(s: string): number | null {
  if (!CN_NUMERAL.test(s)) return null;
  let total = 0;
  let digit = -1;
  let seenHundred = false;
  let seenTen = false;
  for (const ch of s) {
    if (ch === "百") {
      if (seenHundred || seenTen || digit === 0) return null;
      total += (digit < 0 ? 1 : digit) * 100;
      digit = -1;
      seenHundred = true;
    } else if (ch === "十") {
      if (seenTen || digit === 0) return null;
      total += (digit < 0 ? 1 : digit) * 10;
      digit = -1;
      seenTen = true;
    } else {
      if (digit >= 0) {
        // 零 between places (一百零五) is fine; two digits in a row (二三) is a range, not a number.
        if (digit !== 0) return null;
      }
      digit = CN_DIGIT[ch];
    }
  }
  if (digit > 0) total += digit;
  return total;
}

/** Officials' cells repeat ("2项", "二", "¥5,000.00"): remember recent parses, up to a bound. */
const PARSED = new Map<string, number | null>();
const PARSED_MAX = 50_000;

function parseNumberText(raw: string): number | null {
  const hit = PARSED.get(raw);
  if (hit !== undefined) return hit;
  const n = parseNumberUncached(raw);
  if (PARSED.size >= PARSED_MAX) PARSED.clear();
  PARSED.set(raw, n);
  return n;
}

function parseNumberUncached(raw: string): number | null {
  let s = toHalfWidth(raw).trim().replace(/\s+/g, "");
  if (s === "") return null;
  let sign = 1;
  if (s[0] === "-" || s[0] === "+") {
    if (s[0] === "-") sign = -1;
    s = s.slice(1);
  }
  s = s.replace(/^(?:¥|￥|rmb|cny|人民币)/i, "");
  if (s[0] === "-" && sign === 1) {
    sign = -1;
    s = s.slice(1);
  }
  let scale = 1;
  if (s.endsWith("%")) {
    scale = 0.01;
    s = s.slice(0, -1);
  } else {
    s = s.replace(/元$/, "");
    if (s.endsWith("万")) {
      scale = 10000;
      s = s.slice(0, -1);
    } else if (scale === 1) s = s.replace(UNIT, "");
  }
  if (s === "") return null;
  let n: number | null = null;
  if (PLAIN.test(s)) n = Number(s);
  else if (GROUPED.test(s)) n = Number(s.replace(/,/g, ""));
  else n = chineseNumeral(s);
  if (n === null || !Number.isFinite(n)) return null;
  const v = sign * n * scale;
  // 1.2万 = 12000 exactly, not 12000.000000000002.
  return scale === 1 ? v : Number(v.toPrecision(15));
}

export function readNumber(v: CellValue): Read<number> {
  if (typeof v === "number") return Number.isFinite(v) ? okNumber(v) : unreadable(String(v), "数字", "a number");
  if (typeof v === "string") {
    if (v.trim() === "") return MISSING;
    const n = parseNumberText(v);
    return n === null ? unreadable(v, "数字", "a number") : okNumber(n);
  }
  if (blankText(v)) return MISSING;
  if (isCellError(v)) return errorRead(v, "数字", "a number");
  return unreadable(cellText(v as CellValue), "数字", "a number");
}

/** A count of awards, schools, trainings: a whole number, not negative. */
export function readCount(v: CellValue): Read<number> {
  const r = readNumber(v);
  if (!r.ok) return r.missing || isCellError(v) ? r : unreadable(r.text, "个数", "a count");
  if (!Number.isInteger(r.value) || r.value < 0) {
    const text = cellText(v);
    return unreadable(text, "个数", "a count", {
      zh: `“${text}”不是非负整数，无法作为个数`,
      en: `"${text}" is not a whole number of zero or more`,
    });
  }
  return r;
}

/** An amount of money in yuan (¥3,000.00, 1.2万元); cents are kept. */
export function readMoney(v: CellValue): Read<number> {
  const r = readNumber(v);
  if (!r.ok) return r.missing || isCellError(v) ? r : unreadable(r.text, "金额", "an amount");
  return ok(Math.round(r.value * 100) / 100);
}

// ---------------------------------------------------------------- dates (Excel serials, 1900 system)

const DAY_MS = 86_400_000;
const EPOCH = Date.UTC(1899, 11, 30);
export const MAX_SERIAL = 2_958_465; // 9999-12-31

/** Excel's 1900 system, including its phantom 1900-02-29 (serial 60). */
export function ymdToSerial(y: number, m: number, d: number): number {
  const days = Math.round((Date.UTC(y, m - 1, d) - EPOCH) / DAY_MS);
  return days < 61 ? days - 1 : days;
}

export function serialToYMD(serial: number): { y: number; m: number; d: number } {
  const s = Math.floor(serial);
  if (s === 60) return { y: 1900, m: 2, d: 29 };
  const t = new Date(EPOCH + (s < 60 ? s + 1 : s) * DAY_MS);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

function validYMD(y: number, m: number, d: number): boolean {
  if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

export function addDays(serial: number, days: number): number {
  return serial + days;
}

/** Same day n years later; 29 February becomes 28 February in a common year. */
export function addYears(serial: number, n: number): number {
  const { y, m, d } = serialToYMD(serial);
  const year = y + n;
  const day = m === 2 && d === 29 && !validYMD(year, 2, 29) ? 28 : d;
  return ymdToSerial(year, m, day);
}

export function formatDate(serial: number): string {
  const { y, m, d } = serialToYMD(serial);
  return `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

const DATE_DASHED = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?$/i;
const DATE_CN = /^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$/;
const SERIAL_TEXT = /^\d{5}(?:\.\d+)?$/;

export function readDate(v: CellValue): Read<number> {
  if (typeof v === "number") {
    return Number.isFinite(v) && v >= 1 && v <= MAX_SERIAL ? ok(Math.floor(v)) : unreadable(cellText(v), "日期", "a date");
  }
  if (typeof v === "string") {
    if (v.trim() === "") return MISSING;
    const s = toHalfWidth(v).trim().replace(/\s+/g, " ");
    const m = DATE_DASHED.exec(s) ?? DATE_CN.exec(s.replace(/ /g, ""));
    if (m) {
      const y = Number(m[1]);
      const mo = Number(m[2]);
      const d = Number(m[3]);
      if (!validYMD(y, mo, d)) {
        return unreadable(v, "日期", "a date", { zh: `“${v}”不是存在的日期`, en: `"${v}" is not a real date` });
      }
      return ok(ymdToSerial(y, mo, d));
    }
    if (SERIAL_TEXT.test(s)) return readDate(Number(s));
    return unreadable(v, "日期", "a date");
  }
  if (blankText(v)) return MISSING;
  if (isCellError(v)) return errorRead(v, "日期", "a date");
  return unreadable(cellText(v as CellValue), "日期", "a date");
}

const YEAR_TEXT = /^(\d{4})\s*(?:年度|学年|年)?$/;
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2200;

/** A year: 2024, "2024年", "2024年度", or the year of a date. */
export function readYear(v: CellValue): Read<number> {
  if (typeof v === "number") {
    if (Number.isInteger(v) && v >= MIN_YEAR && v <= MAX_YEAR) return ok(v);
    // A small number that is not a plausible year is a typo, not a date serial (serials of our era are > 36,000).
    if (v < 10000) return unreadable(cellText(v), "年份", "a year");
    const d = readDate(v);
    return d.ok ? ok(serialToYMD(d.value).y) : unreadable(cellText(v), "年份", "a year");
  }
  if (typeof v === "string") {
    if (v.trim() === "") return MISSING;
    const m = YEAR_TEXT.exec(toHalfWidth(v).trim());
    if (m) {
      const y = Number(m[1]);
      return y >= MIN_YEAR && y <= MAX_YEAR ? ok(y) : unreadable(v, "年份", "a year");
    }
    const d = readDate(v);
    return d.ok ? ok(serialToYMD(d.value).y) : unreadable(v, "年份", "a year");
  }
  if (blankText(v)) return MISSING;
  if (isCellError(v)) return errorRead(v, "年份", "a year");
  return unreadable(cellText(v as CellValue), "年份", "a year");
}

export function readText(v: CellValue): Read<string> {
  if (typeof v === "string") {
    const t = v.trim();
    return t === "" ? MISSING : ok(t);
  }
  if (typeof v === "number" || typeof v === "boolean") return ok(cellText(v));
  if (blankText(v)) return MISSING;
  if (isCellError(v)) return errorRead(v, "文字", "text");
  return unreadable(safeString(v), "文字", "text");
}

// ---------------------------------------------------------------- formatting

/** Shortest text that reads back as the same number (no float noise: 0.1 + 0.2 shows as 0.30000000000000004 only if it is). */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Object.is(n, -0) ? "0" : String(n);
}

/** ¥12,000.00 — what officials expect to see for an amount. */
export function formatMoney(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const cents = Math.round(Math.abs(n) * 100);
  const whole = Math.floor(cents / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const frac = String(cents % 100).padStart(2, "0");
  return `${n < 0 && cents > 0 ? "-" : ""}¥${whole}.${frac}`;
}
