/**
 * The custom functions =KJ.*: thin wrappers over the engine. Every function either answers or
 * returns #VALUE! / #N/A with a short Chinese message saying what was expected or why — never a
 * silent wrong answer. Thresholds the official changed in the task pane (params.ts) apply here too.
 *
 * custom-functions-metadata-plugin reads the declarations below into functions.json (only plain
 * `function` declarations with plain parameter types; optional parameters arrive as null) and
 * appends the CustomFunctions.associate calls to this file at build time. What Excel shows —
 * descriptions, parameter names and their help, in Chinese and English — comes from
 * metadata-text.json (metadata-i18n.js writes one functions.json per language).
 */
import "./runtime"; // first: makes CustomFunctions.associate safe before the appended calls run
import { cell, line, omitted } from "./args";
import {
  assessmentPack,
  budgetPack,
  criterionFor,
  eligibilityPack,
  readOrFail,
  recordFor,
} from "./wrap";
import { formulaError } from "./runtime";
import type { Pack } from "../packs/schema";
import { getWorkbookParams, getWorkbookReadings } from "./params";
import { checkExpense, classifyExpense, dueDate, evaluateCriterion, failedNames, readGrade, readNumber, readTermYear, SEVERITY_STATUS, statusWord, subsidyFor } from "../engine";
import { termYear } from "../engine/term/term-year";
import type { CellValue } from "../engine/types";

/**
 * Studio grade: 优秀, 合格 or 不合格 (excellent, qualified, unqualified).
 * @customfunction ASSESS
 * @param values
 * @param [headers]
 * @param [pack]
 */
export function assess(values: any[][], headers?: any[][], pack?: string): string {
  const { pack: p, result } = recordFor(values, headers, pack, "ASSESS");
  if (result.grade === null) throw formulaError("notAvailable", "这个规则包不评等级");
  return result.grade + uncheckedNote(p, result.unchecked);
}

/**
 * What a formula adds when some criterion could not be checked (its column is not among the
 * headers): the grade stands on the others, and the cell says which were not looked at.
 */
function uncheckedNote(pack: Pack, unchecked: readonly string[] | undefined): string {
  return unchecked?.length ? `（需核实：无法检查 ${failedNames(pack, unchecked).join("、")}）` : "";
}

/**
 * Number of standards met.
 * @customfunction SCORE
 * @param values
 * @param [headers]
 * @param [pack]
 */
export function score(values: any[][], headers?: any[][], pack?: string): number {
  const { result } = recordFor(values, headers, pack, "SCORE");
  if (result.met === null) throw formulaError("notAvailable", "这个规则包不按条数计分");
  return result.met;
}

/**
 * The standards not met, e.g. 四、八; empty when all are met.
 * @customfunction FAILED
 * @param values
 * @param [headers]
 * @param [pack]
 */
export function failed(values: any[][], headers?: any[][], pack?: string): string {
  const { pack: p, result } = recordFor(values, headers, pack, "FAILED");
  return result.failed.join("、") + uncheckedNote(p, result.unchecked);
}

/**
 * Whether one assessment standard is met.
 * @customfunction STANDARD
 * @param n
 * @param evidence1
 * @param [evidence2]
 */
export function standard(n: any, evidence1: any, evidence2?: any): boolean {
  const pack = assessmentPack();
  const criterion = criterionFor(pack, cell(n));
  const evidence = [cell(evidence1)];
  if (!omitted(evidence2)) evidence.push(cell(evidence2));
  const out = evaluateCriterion(pack, criterion.id, evidence, { params: getWorkbookParams(pack.id), readings: getWorkbookReadings(pack.id) });
  if (out.met === null) throw formulaError("invalidValue", out.issues[0]?.message.zh ?? `标准${criterion.id}的证据无法识别`);
  return out.met;
}

/**
 * The allowed budget category an expense word maps to.
 * @customfunction CATEGORY
 * @param text
 */
export function category(text: any): string {
  const out = classifyExpense(budgetPack(), cell(text));
  if (out.kind === "allowed") return out.category;
  throw formulaError(out.kind === "missing" ? "invalidValue" : "notAvailable", out.message.zh);
}

/**
 * Checks one expense: 通过 (passes), or the reason it does not.
 * @customfunction BUDGETCHECK
 * @param category
 * @param amount
 * @param [purpose]
 */
export function budgetCheck(category: any, amount: any, purpose?: any): string {
  const pack = budgetPack();
  const out = checkExpense(pack, cell(category), cell(amount), omitted(purpose) ? null : cell(purpose), getWorkbookReadings(pack.id));
  if (out.ok) return statusWord("ok");
  return `${statusWord(SEVERITY_STATUS[out.severity])}：${out.message.zh}`;
}

/**
 * The subsidy paid in one year of a studio's term, in yuan: 10000 in years 1–3, 0 in a year after a 不合格 grade, 0 from year 4.
 * @customfunction SUBSIDY
 * @param termYear
 * @param [previousGrade]
 */
export function subsidy(termYear: any, previousGrade?: any[][]): number {
  const pack = budgetPack();
  const grade = previousGradeOf(termYear, previousGrade);
  const decision = readOrFail(subsidyFor(pack, cell(termYear), grade, getWorkbookParams(pack.id)));
  if (decision.amount !== null) return decision.amount;
  // Not decided: the previous grade is blank (#N/A, like a lookup with nothing to find) or not a grade (#VALUE!).
  const g = readGrade(grade);
  throw formulaError(!g.ok && g.missing ? "notAvailable" : "invalidValue", decision.reason.zh);
}

/** One grade cell, or the term's grades (year 1 first) from which the year before `termYear` is taken. */
function previousGradeOf(termYear: unknown, grades: unknown): CellValue {
  if (omitted(grades)) return null;
  const list = line(grades, "上年等级");
  if (list.length === 1) return list[0];
  const y = readTermYear(cell(termYear));
  // An unreadable term year is refused by the subsidy rule itself, with its message.
  return y.ok && y.value >= 2 ? (list[y.value - 2] ?? null) : null;
}

/**
 * Which year of the studio's term a date falls in, counted from the plaque's anniversaries.
 * @customfunction TERMYEAR
 * @param plaqueDate
 * @param date
 */
export function termYearOf(plaqueDate: any, date: any): number {
  return readOrFail(termYear(cell(plaqueDate), cell(date)));
}

/**
 * Due date of the budget report: 7 days after the plaque.
 * @customfunction DUEDATE
 * @param plaqueDate
 */
export function dueDateOf(plaqueDate: any): any {
  const pack = budgetPack();
  const serial = readOrFail(dueDate(pack, cell(plaqueDate), getWorkbookParams(pack.id)));
  return asDate(serial);
}

/**
 * The number an official meant, e.g. 1.2万元 → 12000.
 * @customfunction NUM
 * @param text
 */
export function num(text: any): number {
  return readOrFail(readNumber(cell(text)));
}

/**
 * Eligibility to open a studio, with every failed condition.
 * @customfunction ELIGIBLE
 * @param values
 * @param headers
 */
export function eligible(values: any[][], headers: any[][]): string {
  if (omitted(headers)) throw formulaError("invalidValue", "请给出表头行（第二个参数），如 B$2:M$2");
  const pack = eligibilityPack();
  const { result } = recordFor(values, headers, pack.id, "ELIGIBLE");
  if (!result.failed.length) return (result.grade ?? "符合") + uncheckedNote(pack, result.unchecked);
  return `${result.grade ?? "不符合"}：${failedNames(pack, result.failed).join("；")}${uncheckedNote(pack, result.unchecked)}`;
}

/** Due dates show as dates where Excel supports formatted-number values; elsewhere the serial (format the cell as a date). */
function asDate(serial: number): any {
  const supported =
    typeof Office !== "undefined" && typeof Office.context?.requirements?.isSetSupported === "function" && Office.context.requirements.isSetSupported("ExcelApi", "1.16");
  return supported ? { type: "FormattedNumber", basicValue: serial, numberFormat: "yyyy-mm-dd" } : serial;
}

