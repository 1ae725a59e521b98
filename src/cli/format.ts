/**
 * How the command line says things in Chinese: status words, criterion names, terminal tables
 * (CJK characters take two columns), the per-sheet table and the inspect listing.
 */
import { failedNames } from "../engine/output";
import { severityWord, statusWord } from "../engine/verdicts";
import { getPack } from "../packs";
import type { SheetSummary } from "../file/check";
import type { SkippedJson } from "./json";

/** The engine's one vocabulary (verdicts.ts), in Chinese. */
export const STATUS_ZH: Record<string, string> = { ok: statusWord("ok"), warning: statusWord("warning"), error: statusWord("error") };
export const SEVERITY_ZH: Record<string, string> = { error: severityWord("error"), warning: severityWord("warning") };

/** Grades in the order an official reads them, best first; others follow in the order met. */
const GRADE_ORDER = ["优秀", "合格", "不合格", "符合", "不符合", "达标", "未达标"];

/** Columns a UTF-16 code unit takes: CJK characters and full-width forms take two (surrogates count with their pair's first half). */
function unitWidth(c: number): number {
  if (c < 0x1100) return 1;
  if (c <= 0x115f) return 2;
  if (c < 0x2e80) return 1;
  if (c <= 0xa4cf) return 2;
  if (c >= 0xac00 && c <= 0xd7a3) return 2;
  if (c >= 0xdc00 && c <= 0xdfff) return 0; // the second half of a surrogate pair: its character counted once
  if (c >= 0xf900 && c <= 0xfaff) return 2;
  if (c >= 0xfe30 && c <= 0xfe4f) return 2;
  if (c >= 0xff00 && c <= 0xff60) return 2;
  if (c >= 0xffe0 && c <= 0xffe6) return 2;
  return 1;
}

/** Width on a terminal: CJK characters and full-width forms take two columns. Character-code ranges, one pass. */
export function width(s: string): number {
  let w = 0;
  for (let i = 0; i < s.length; i++) w += unitWidth(s.charCodeAt(i));
  return w;
}

/** A code unit terminalSafe replaces: C0 and C1 controls, DEL, bidirectional marks and overrides. */
function unsafeUnit(c: number): boolean {
  if (c < 0x7f) return c < 0x20;
  return c <= 0x9f || c === 0x200e || c === 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from a workbook made safe to print: a control character (an escape sequence could clear
 * the screen, recolour it or retitle the window) is shown as its Unicode control picture (ESC as
 * ␛), C1 controls and bidirectional overrides as �. `keepLines` leaves our own line breaks alone.
 * Text with nothing to replace (nearly all of it) is answered by one loop, without the regex.
 */
export function terminalSafe(s: string, keepLines = false): string {
  let i = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (unsafeUnit(c) && !(c === 10 && keepLines)) break;
  }
  if (i === s.length) return s;
  return s.replace(UNSAFE, (ch) => {
    const c = ch.charCodeAt(0);
    if (c === 10 && keepLines) return ch;
    return c < 0x20 ? String.fromCharCode(0x2400 + c) : c === 0x7f ? "\u2421" : "\ufffd";
  });
}

const SPACES = Array.from({ length: 64 }, (_, n) => " ".repeat(n));
const spaces = (n: number) => (n <= 0 ? "" : n < SPACES.length ? SPACES[n] : " ".repeat(n));

/**
 * Pads to n columns, cutting with … so one column's text never runs into the next. One pass over
 * the text, however long; control characters shown safely (their pictures take the one column
 * and the one code unit the character did, so widths are counted on the text as it came).
 */
export function pad(text: string, n: number): string {
  let w = 0;
  let cut = -1;
  let safe = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (safe && unsafeUnit(c)) safe = false;
    const u = c < 0x1100 ? 1 : unitWidth(c);
    if (cut < 0 && w + u > n - 2) cut = i;
    w += u;
    if (w > n - 1) {
      // Too wide: keep what fits in n - 2 columns (at least one character) and add the ellipsis.
      let end = Math.max(cut, 1);
      if (end < text.length && text.charCodeAt(end) >= 0xdc00 && text.charCodeAt(end) <= 0xdfff) end++; // never split a pair
      const t = terminalSafe(text.slice(0, end)) + "…";
      return t + spaces(n - width(t));
    }
  }
  return (safe ? text : terminalSafe(text)) + spaces(n - w);
}

/** pad of a whole number (a sheet row): its digits take a column each and need no making safe, so when it fits nothing is looked at. */
export function padNumber(v: number, n: number): string {
  const text = String(v);
  return text.length <= n - 2 ? text + spaces(n - text.length) : pad(text, n);
}

/** Unmet criteria as an official reads them, for a pack named by id. */
export function failedNamesOf(packId: string, ids: readonly string[]): string[] {
  const pack = getPack(packId);
  return pack ? failedNames(pack, ids) : [...ids];
}

export function gradeText(grades: Record<string, number>): string {
  const known = GRADE_ORDER.filter((g) => g in grades);
  const rest = Object.keys(grades).filter((g) => !GRADE_ORDER.includes(g));
  return [...known, ...rest].map((g) => `${g} ${grades[g]}`).join("，");
}

/** The code stays in --json; a person reads the message. */
export function errorLines(file: string, error: { code: string; message: string }): string {
  return terminalSafe(`\n${file}\n  ✗ ${error.message}\n`, true);
}

export function skippedLines(e: SkippedJson): string {
  return terminalSafe(`\n${e.file}\n  - ${e.skipped.message}\n`, true);
}

/** Why files could not be checked, counted by reason, for the totals line: "（.xls 旧格式 2 个、临时锁定文件 1 个）". */
const REASON_ZH: Record<string, string> = {
  "legacy-xls": ".xls 旧格式",
  xlsb: ".xlsb 二进制格式",
  encrypted: "设了密码",
  "not-a-workbook": "不是工作簿",
  damaged: "已损坏",
  "too-large": "过大",
  timeout: "读取超时",
  "out-of-memory": "内存不够",
  "unreadable-file": "系统不让读取",
  "not-found": "找不到",
  "no-pack": "没有适用规则包的表",
  "no-such-sheet": "没有指定的工作表",
  "pack-does-not-fit": "与指定规则包不符",
};

export function whyNotChecked(failed: { file: string; error: { code: string; message: string } }[]): string {
  if (!failed.length) return "";
  const counts = new Map<string, number>();
  for (const f of failed) {
    const lock = /^~\$/.test(f.file.split(/[\\/]/).pop() ?? "");
    const reason = lock ? "临时锁定文件" : (REASON_ZH[f.error.code] ?? "其他原因");
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return `（${[...counts].map(([r, n]) => `${r} ${n} 个`).join("、")}）`;
}

/** `inspect` for one file: its sheets with their size, header row and the pack that fits. */
export function inspectLines(file: string, sheets: SheetSummary[]): string {
  const lines = [`\n${file}`];
  let widest = 8;
  for (const s of sheets) widest = Math.max(widest, Math.min(width(s.name), 32));
  const nameWidth = Math.min(32, widest + 2);
  for (const s of sheets) {
    const pack = s.pack ? getPack(s.pack) : undefined;
    const fit = s.error
      ? `✗ ${s.error.message}`
      : s.pack
        ? `${pack?.name.zh ?? s.pack}，表头第 ${s.headerRow} 行`
        : "不符合任何规则包";
    lines.push(`  ${pad(s.name, nameWidth)}${pad(`${s.rows} 行 × ${s.cols} 列`, 18)}${s.state !== "visible" ? "（隐藏）" : ""}${fit}`);
  }
  if (!sheets.length) lines.push("  （没有工作表）");
  return terminalSafe(lines.join("\n") + "\n", true);
}
