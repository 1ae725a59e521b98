/**
 * Budget rules (第十九至二十二条): which category an expense word belongs to, whether one expense
 * passes, next year's subsidy and the budget report's due date. Used by the sheet evaluation and
 * directly by the custom functions.
 */
import { cellText, formatMoney, readDate, readMoney, readText, toHalfWidth, type Read } from "./values";
import { readingOf } from "./interpretations";
import type { CellValue, ParamOverrides, Readings, Severity, Text2 } from "./types";
import type { Amount, Budget, BudgetCategory, ForbiddenRule, Pack } from "../packs/schema";

export type Classification =
  | { kind: "allowed"; category: string; entry: BudgetCategory }
  | { kind: "forbidden"; message: Text2; text: string; rule: ForbiddenRule }
  | { kind: "unknown" | "missing"; message: Text2; text: string };

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
 * Whether a text holds a forbidden rule's words — one word of every group (购置/购买 with 设备/打印机)
 * — once the longer words that merely contain one are taken out: 福利院 is not 福利, 研学旅游 is not
 * 旅游, 招待所 is not 招待. Taken out as a separator, so the words on either side do not join.
 */
export function forbiddenHit(rule: ForbiddenRule, normalized: string): boolean {
  let t = normalized;
  for (const u of rule.unless) t = t.split(norm(u)).join("|");
  return rule.words.every((group) => group.some((w) => t.includes(norm(w))));
}

/** The first forbidden rule a text falls under, or null. */
export function forbiddenIn(pack: Pack, text: CellValue): ForbiddenRule | null {
  const r = readText(text);
  if (!r.ok) return null;
  const t = norm(r.value);
  return budgetOf(pack).forbidden.find((f) => forbiddenHit(f, t)) ?? null;
}

/**
 * The category an expense word belongs to (第二十一条): exact names and synonyms first; then the
 * forbidden rules, which win over a partial match (设备购置费 contains 设备 but buying is not
 * renting); then the longest key term the text contains (图书资料购置费 → 资料订购费, 材料购置费 →
 * 教学资源费); else unknown, for a person to review — never passed.
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
  const rule = b.forbidden.find((f) => forbiddenHit(f, t));
  if (rule) return { kind: "forbidden", text: r.value, rule, message: { zh: `不在经费使用范围：${rule.reason.zh}`, en: `outside the permitted scope: ${rule.reason.en}` } };
  // Key terms inside the longer words the forbidden rules excuse (研学旅游交通费) still count.
  let best: { c: BudgetCategory; len: number } | null = null;
  for (const c of b.categories) {
    for (const name of [c.name, ...c.synonyms, ...c.terms]) {
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

/** How a forbidden rule counts under the readings in force: 不通过, or 需核实 when the official chose to have a person decide items the text does not name. */
export function forbiddenSeverity(pack: Pack, rule: ForbiddenRule, readings?: Readings): Severity {
  return rule.interpretation && readingOf(pack, rule.interpretation, readings) === "review" ? "warning" : "error";
}

/** One finding about an expense's category and purpose, with the cell it is about. */
export interface SpendingFinding {
  code: "missing" | "forbidden-category" | "forbidden-purpose" | "unknown-category" | "purpose-mismatch";
  on: "category" | "purpose";
  severity: Severity;
  text: string;
  /** Why, without the cell: for messages and formulas. */
  reason: Text2;
  source: string;
}

/**
 * What an expense's category and purpose say together (第二十一条): the category must be an allowed
 * one, and neither the category nor the purpose may describe forbidden spending (材料费 for
 * 购买3D打印机, 餐费 for 招待来宾); a lecture fee's purpose must name 送教/帮扶/讲学…. The sheet and
 * =KJ.BUDGETCHECK both use it.
 */
export function spendingFindings(pack: Pack, category: CellValue, purpose: CellValue, readings?: Readings): { category: string | null; findings: SpendingFinding[] } {
  const b = budgetOf(pack);
  const out: SpendingFinding[] = [];
  const c = classifyExpense(pack, category);
  if (c.kind === "missing") out.push({ code: "missing", on: "category", severity: "error", text: "", reason: c.message, source: b.source });
  else if (c.kind === "forbidden") out.push({ code: "forbidden-category", on: "category", severity: forbiddenSeverity(pack, c.rule, readings), text: c.text, reason: c.rule.reason, source: c.rule.source });
  else if (c.kind === "unknown") out.push({ code: "unknown-category", on: "category", severity: "warning", text: c.text, reason: c.message, source: b.source });
  const p = readText(purpose);
  const rule = p.ok ? forbiddenIn(pack, p.value) : null;
  if (rule && p.ok && !(c.kind === "forbidden" && c.rule === rule))
    out.push({ code: "forbidden-purpose", on: "purpose", severity: forbiddenSeverity(pack, rule, readings), text: p.value, reason: rule.reason, source: rule.source });
  if (c.kind === "allowed" && c.entry.purposeWords && !purposeFits(c.entry, purpose)) {
    const words = c.entry.purposeWords.join("、");
    const text = cellText(purpose);
    out.push({ code: "purpose-mismatch", on: "purpose", severity: "warning", text, source: c.entry.source, reason: { zh: `${c.category}应用于${words}，用途“${text}”未写明`, en: `${c.category} is for ${words}; the purpose "${text}" names none` } });
  }
  return { category: c.kind === "allowed" ? c.category : null, findings: out };
}

export type ExpenseCheck = { ok: true; category: string } | { ok: false; severity: Severity; message: Text2 };

/** One expense line: allowed category and purpose, positive amount. Every problem is in the message, the worst decides the severity. */
export function checkExpense(pack: Pack, category: CellValue, amount: CellValue, purpose: CellValue = null, readings?: Readings): ExpenseCheck {
  const { category: name, findings } = spendingFindings(pack, category, purpose, readings);
  const messages: { severity: Severity; message: Text2 }[] = findings.map((f) => ({
    severity: f.severity,
    message:
      f.code === "forbidden-category"
        ? { zh: `“${f.text}”不在经费使用范围：${f.reason.zh}`, en: `"${f.text}" is outside the permitted scope: ${f.reason.en}` }
        : f.code === "forbidden-purpose"
          ? { zh: `用途“${f.text}”不在经费使用范围：${f.reason.zh}`, en: `the purpose "${f.text}" is outside the permitted scope: ${f.reason.en}` }
          : f.reason,
  }));
  const a = readMoney(amount);
  if (!a.ok) messages.push({ severity: "error", message: a.missing ? { zh: "金额未填写", en: "the amount is blank" } : a.reason });
  else if (a.value <= 0) messages.push({ severity: "error", message: { zh: `金额“${cellText(amount)}”应为大于0的数`, en: `amount "${cellText(amount)}" should be a positive number` } });
  if (!messages.length) return { ok: true, category: name! };
  const severity: Severity = messages.some((m) => m.severity === "error") ? "error" : "warning";
  // The failures first: a reader sees why it does not pass before what else to check.
  const ordered = [...messages.filter((m) => m.severity === "error"), ...messages.filter((m) => m.severity !== "error")];
  return { ok: false, severity, message: { zh: ordered.map((m) => m.message.zh).join("；"), en: ordered.map((m) => m.message.en).join("; ") } };
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
