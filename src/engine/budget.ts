/**
 * Budget rules (第十九至二十二条): which category an expense word belongs to, whether one expense
 * passes, next year's subsidy and the budget report's due date. Used by the sheet evaluation and
 * directly by the custom functions.
 */
import { cellText, readDate, readMoney, readText, toHalfWidth, type Read } from "./values";
import type { CellValue, ParamOverrides, Severity, Text2 } from "./types";
import type { Amount, Budget, BudgetCategory, Pack } from "../packs/schema";

export type Classification =
  | { kind: "allowed"; category: string; entry: BudgetCategory }
  | { kind: "forbidden" | "unknown" | "missing"; message: Text2; text: string };

const SPACES = /[\s\u3000]+/g;

function norm(s: string): string {
  return toHalfWidth(s).replace(SPACES, "").toLowerCase();
}

export function budgetOf(pack: Pack): Budget {
  if (!pack.budget) throw new Error(`规则包“${pack.id}”没有经费规则（pack has no budget section）`);
  return pack.budget;
}

/** A pack param, overridden for this workbook where an official changed it. */
export function paramValue(pack: Pack, a: Amount, params?: ParamOverrides): number {
  if (typeof a === "number") return a;
  const override = params?.[a.param];
  if (typeof override === "number" && Number.isFinite(override)) return override;
  const p = pack.params.find((x) => x.id === a.param);
  return p ? p.value : NaN;
}

/**
 * Exact names and synonyms first; then forbidden words, which win over a partial match
 * (设备购置费 contains 设备 but buying is not renting); then partial matches; else unknown.
 */
export function classifyExpense(pack: Pack, text: CellValue): Classification {
  if (typeof text !== "string") return classifyUncached(pack, text);
  let cache = classified.get(pack);
  if (!cache) classified.set(pack, (cache = new Map()));
  let c = cache.get(text);
  if (!c) {
    if (cache.size >= 10_000) cache.clear();
    cache.set(text, (c = classifyUncached(pack, text)));
  }
  return c;
}

/** Expense words repeat down a sheet (餐费, 讲课费 …): classify each distinct word once per pack. */
const classified = new WeakMap<Pack, Map<string, Classification>>();

function classifyUncached(pack: Pack, text: CellValue): Classification {
  const b = budgetOf(pack);
  const r = readText(text);
  if (!r.ok) {
    return r.missing
      ? { kind: "missing", text: "", message: { zh: "支出类别未填写", en: "the expense category is blank" } }
      : { kind: "unknown", text: r.text, message: r.reason };
  }
  const t = norm(r.value);
  for (const c of b.categories) if (norm(c.name) === t || c.synonyms.some((s) => norm(s) === t)) return { kind: "allowed", category: c.name, entry: c };
  for (const f of b.forbidden) {
    if (t.includes(norm(f.word))) return { kind: "forbidden", text: r.value, message: { zh: `不在经费使用范围：${f.reason.zh}`, en: `outside the permitted scope: ${f.reason.en}` } };
  }
  let best: { c: BudgetCategory; len: number } | null = null;
  for (const c of b.categories) {
    for (const name of [c.name, ...c.synonyms]) {
      const n = norm(name);
      if (n.length >= 2 && t.includes(n) && (!best || n.length > best.len)) best = { c, len: n.length };
    }
  }
  if (best) return { kind: "allowed", category: best.c.name, entry: best.c };
  return {
    kind: "unknown",
    text: r.value,
    message: { zh: `“${r.value}”不是第二十一条列出的支出类别，需人工复核`, en: `"${r.value}" is not a category of Article 21; a person should review it` },
  };
}

/** Whether a purpose text names one of the category's purpose words (课时费: 送教/帮扶/讲学/讲座/培训). */
export function purposeFits(entry: BudgetCategory, purpose: CellValue): boolean {
  if (!entry.purposeWords) return true;
  const t = norm(cellText(purpose));
  return entry.purposeWords.some((w) => t.includes(norm(w)));
}

export type ExpenseCheck = { ok: true; category: string } | { ok: false; severity: Severity; message: Text2 };

/** One expense line: allowed category, positive amount, fitting purpose. */
export function checkExpense(pack: Pack, category: CellValue, amount: CellValue, purpose: CellValue = null): ExpenseCheck {
  const c = classifyExpense(pack, category);
  if (c.kind !== "allowed") return { ok: false, severity: c.kind === "unknown" ? "warning" : "error", message: c.message };
  const a = readMoney(amount);
  if (!a.ok) return { ok: false, severity: "error", message: a.missing ? { zh: "金额未填写", en: "the amount is blank" } : a.reason };
  if (a.value <= 0) return { ok: false, severity: "error", message: { zh: `金额“${cellText(amount)}”应为大于0的数`, en: `amount "${cellText(amount)}" should be a positive number` } };
  if (!purposeFits(c.entry, purpose)) {
    const words = c.entry.purposeWords!.join("、");
    return { ok: false, severity: "warning", message: { zh: `${c.category}应用于${words}，用途“${cellText(purpose)}”未写明`, en: `${c.category} is for ${words}; the purpose "${cellText(purpose)}" names none` } };
  }
  return { ok: true, category: c.category };
}

const TERM_YEAR = /^第?([0-9]{1,2}|[一二三四五六七八九十])(?:年|学年|年度)?$/;
const CN_SMALL = "一二三四五六七八九十";

/** Which year of the studio's term: 1, "2", "第3年", "第三年". */
function termYearOf(v: CellValue): number | null {
  if (typeof v === "number") return Number.isInteger(v) && v >= 1 && v < 100 ? v : null;
  const s = readText(v);
  if (!s.ok) return null;
  const m = TERM_YEAR.exec(toHalfWidth(s.value).replace(SPACES, ""));
  if (!m) return null;
  const n = /\d/.test(m[1]) ? Number(m[1]) : CN_SMALL.indexOf(m[1]) + 1;
  return n >= 1 ? n : null;
}

/** Next year's subsidy: the yearly amount in years 1..N unless the previous grade bars it (第二十二条). */
export function subsidyFor(pack: Pack, termYear: CellValue, previousGrade: CellValue = null, params?: ParamOverrides): Read<number> {
  const b = budgetOf(pack);
  const year = termYearOf(termYear);
  if (year === null) {
    const text = cellText(termYear);
    return { ok: false, missing: text.trim() === "", text, reason: { zh: `“${text}”不是管理期的第几年（应为1、2、3…）`, en: `"${text}" is not a year of the term (1, 2, 3 …)` } };
  }
  if (year > paramValue(pack, b.subsidyYears, params)) return { ok: true, value: 0 };
  const g = readText(previousGrade);
  if (g.ok && g.value === b.noSubsidyAfterGrade) return { ok: true, value: 0 };
  return { ok: true, value: paramValue(pack, b.subsidy, params) };
}

/** The annual budget report is due a set number of days after the plaque (第二十条). */
export function dueDate(pack: Pack, plaque: CellValue, params?: ParamOverrides): Read<number> {
  const d = readDate(plaque);
  if (!d.ok) return d;
  return { ok: true, value: d.value + paramValue(pack, budgetOf(pack).reportDueDays, params) };
}
