/**
 * Budget rules (第十九至二十二条): which category an expense word belongs to, whether one expense
 * passes, next year's subsidy and the budget report's due date. Used by the sheet evaluation and
 * directly by the custom functions.
 */
import { cellText, formatMoney, readDate, readMoney, readText, toHalfWidth, type Read } from "./values";
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
export function readTermYear(v: CellValue): Read<number> {
  let n: number | null = null;
  if (typeof v === "number") n = Number.isInteger(v) && v >= 1 && v < 100 ? v : null;
  else {
    const s = readText(v);
    if (!s.ok) return s.missing ? s : { ...s, reason: TERM_YEAR_REASON(s.text) };
    const m = TERM_YEAR.exec(toHalfWidth(s.value).replace(SPACES, ""));
    if (m) n = /\d/.test(m[1]) ? Number(m[1]) : CN_SMALL.indexOf(m[1]) + 1;
  }
  if (n !== null && n >= 1) return { ok: true, value: n };
  const text = cellText(v);
  return { ok: false, missing: text.trim() === "", text, reason: TERM_YEAR_REASON(text) };
}
const TERM_YEAR_REASON = (text: string): Text2 => ({ zh: `“${text}”不是管理期的第几年（应为1、2、3…）`, en: `"${text}" is not a year of the term (1, 2, 3 …)` });

// ------------------------------------------------------------------ grades

/** An annual assessment grade (第十六条): the three band labels. */
export type GradeKind = "excellent" | "qualified" | "unqualified";

/**
 * Words that mean 不合格 wherever they sit in the text: the band label itself (考核不合格,
 * 不合格（5条）), and what officials type for a failed year (差, ×). Checked before 合格, which
 * every 不合格 contains.
 */
export const UNQUALIFIED_WORDS = ["不合格", "不及格", "不通过", "未通过", "差", "×", "✗", "✘", "✕", "✖", "unqualified", "fail"];
/** 优秀 (第十六条: ≥ 9 standards) — 优秀（9条）, 考核优秀. */
export const EXCELLENT_WORDS = ["优秀", "excellent"];
/** 合格 (≥ 6 standards) — 合格（7条）, 考核合格. */
export const QUALIFIED_WORDS = ["合格", "qualified", "pass"];
/**
 * Qualifiers that make a text not one of the three grades even though it holds a band label
 * (基本合格, 待定, 未考核): a person must say which grade it is.
 */
const NOT_A_GRADE = ["基本", "待", "未考核", "未评", "暂", "?", "？"];

const GRADE_NAMES: Record<GradeKind, string> = { excellent: "优秀", qualified: "合格", unqualified: "不合格" };
/** The band label of a grade: 优秀 / 合格 / 不合格. */
export const gradeLabel = (g: GradeKind): string => GRADE_NAMES[g];

/**
 * The one reader of an assessment grade, used wherever a grade decides something (the subsidy,
 * budget limits, the term ledger): any text containing 不合格 or 差/× is 不合格; then 优秀, then
 * 合格. Blank is missing; anything else (基本合格, 良好, a number) is unreadable — never assumed.
 */
export function readGrade(v: CellValue): Read<GradeKind> {
  const r = readText(v);
  if (!r.ok) return r;
  const t = norm(r.value);
  if (UNQUALIFIED_WORDS.some((w) => t.includes(w))) return { ok: true, value: "unqualified" };
  if (!NOT_A_GRADE.some((w) => t.includes(w))) {
    if (EXCELLENT_WORDS.some((w) => t.includes(w))) return { ok: true, value: "excellent" };
    if (QUALIFIED_WORDS.some((w) => t.includes(w))) return { ok: true, value: "qualified" };
  }
  return {
    ok: false,
    missing: false,
    text: r.value,
    reason: { zh: `“${r.value}”不是考核等级（优秀、合格、不合格），需核实`, en: `"${r.value}" is not an assessment grade (优秀, 合格, 不合格); a person should check it` },
  };
}

// ------------------------------------------------------------------ the subsidy rule

/** What a studio receives in one year of its term, and why (第十九、二十二条). */
export interface SubsidyDecision {
  /** Which year of the term (1 = the year of the plaque). */
  termYear: number;
  /** Yuan; null when it cannot be decided without a person (the previous grade blank or unreadable) — never assumed. */
  amount: number | null;
  /** "ok" decided; "warning" needs a person (需核实). */
  status: "ok" | "warning";
  /** Why, in words an official can check against the article. */
  reason: Text2;
  /** The article the decision rests on. */
  source: string;
  /** The previous year's grade as read, when it was. */
  previousGrade: GradeKind | null;
}

/**
 * THE subsidy rule, in one place for every door (=KJ.SUBSIDY, budget groups, the term ledger):
 * the yearly amount (第十九条: 1万元) in years 1..N of the term (N = 3), except in a year that follows
 * a 不合格 (第二十二条: 次年不再拨付). Year 1 has no earlier assessment in the term. From year 2 the
 * previous year's grade decides; blank or unreadable, the amount is not decided (null, 需核实).
 * Fails only when the term year itself cannot be read.
 */
export function subsidyFor(pack: Pack, termYear: CellValue, previousGrade: CellValue = null, params?: ParamOverrides): Read<SubsidyDecision> {
  const b = budgetOf(pack);
  const y = readTermYear(termYear);
  if (!y.ok) return y;
  const year = y.value;
  const years = paramValue(pack, b.subsidyYears, params);
  const yearly = paramValue(pack, b.subsidy, params);
  const money = formatMoney(yearly);
  const decided = (amount: number | null, status: "ok" | "warning", zh: string, en: string, source: string, previous: GradeKind | null = null): Read<SubsidyDecision> => ({
    ok: true,
    value: { termYear: year, amount, status, reason: { zh, en }, source, previousGrade: previous },
  });
  if (year > years) return decided(0, "ok", `管理期第${year}年：补助只连续安排${years}年`, `year ${year} of the term: the subsidy is paid for ${years} years only`, b.subsidySource);
  if (year === 1) return decided(yearly, "ok", `管理期第1年：补助${money}`, `year 1 of the term: ${money}`, b.subsidySource);
  const g = readGrade(previousGrade);
  if (!g.ok) {
    return g.missing
      ? decided(null, "warning", `管理期第${year}年：上一年度考核等级未填写，无法确定是否拨付（不合格则次年不拨付）`, `year ${year}: last year's grade is blank, so whether the subsidy is paid cannot be decided (none after 不合格)`, b.noSubsidySource)
      : decided(null, "warning", `管理期第${year}年：上一年度考核等级${g.reason.zh.replace(/，需核实$/, "")}，无法确定是否拨付`, `year ${year}: ${g.reason.en}; whether the subsidy is paid cannot be decided`, b.noSubsidySource);
  }
  if (g.value === "unqualified")
    return decided(0, "ok", `管理期第${year}年：上一年度考核不合格，次年不再拨付补助资金`, `year ${year}: last year's grade was 不合格, so no subsidy this year`, b.noSubsidySource, g.value);
  return decided(yearly, "ok", `管理期第${year}年：上一年度考核${gradeLabel(g.value)}，补助${money}`, `year ${year}: last year's grade ${gradeLabel(g.value)}, ${money}`, b.subsidySource, g.value);
}

/** The annual budget report is due a set number of days after the plaque (第二十条). */
export function dueDate(pack: Pack, plaque: CellValue, params?: ParamOverrides): Read<number> {
  const d = readDate(plaque);
  if (!d.ok) return d;
  return { ok: true, value: d.value + paramValue(pack, budgetOf(pack).reportDueDays, params) };
}
