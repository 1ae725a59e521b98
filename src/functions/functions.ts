/**
 * The custom functions =KJ.*: thin wrappers over the engine. Every function either answers or
 * returns #VALUE! / #N/A with a short Chinese message saying what was expected or why — never a
 * silent wrong answer. Thresholds the official changed in the task pane (params.ts) apply here too.
 *
 * custom-functions-metadata-plugin reads the JSDoc below into functions.json (only plain
 * `function` declarations with plain parameter types; optional parameters arrive as null) and
 * appends the CustomFunctions.associate calls to this file at build time.
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
 * 工作室考核等级：优秀、合格或不合格（第十六条）。 Studio grade: 优秀, 合格 or 不合格 (excellent, qualified, unqualified).
 * @customfunction ASSESS
 * @param values 十项标准的是/否单元格，或一行原始数据。 The ten yes/no cells of the standards, or a row of evidence.
 * @param [headers] values 上方的表头行（原始数据时必填，如 E$2:O$2）。 The header row above the evidence (e.g. E$2:O$2); leave out for yes/no cells.
 * @param [pack] 规则包，默认“studio-assessment”（工作室年度考核）。 Rule pack id or name; default studio-assessment.
 * @returns 优秀 / 合格 / 不合格。 The grade.
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
 * 达到的标准项数（第十六条）。 Number of standards met.
 * @customfunction SCORE
 * @param values 十项标准的是/否单元格，或一行原始数据。 The ten yes/no cells of the standards, or a row of evidence.
 * @param [headers] values 上方的表头行（原始数据时必填）。 The header row above the evidence; leave out for yes/no cells.
 * @param [pack] 规则包，默认“studio-assessment”。 Rule pack id or name; default studio-assessment.
 * @returns 达标项数。 How many standards are met.
 */
export function score(values: any[][], headers?: any[][], pack?: string): number {
  const { result } = recordFor(values, headers, pack, "SCORE");
  if (result.met === null) throw formulaError("notAvailable", "这个规则包不按条数计分");
  return result.met;
}

/**
 * 未达到的标准，如“四、八”；全部达到时为空。 The standards not met, e.g. 四、八; empty when all are met.
 * @customfunction FAILED
 * @param values 十项标准的是/否单元格，或一行原始数据。 The ten yes/no cells of the standards, or a row of evidence.
 * @param [headers] values 上方的表头行（原始数据时必填）。 The header row above the evidence; leave out for yes/no cells.
 * @param [pack] 规则包，默认“studio-assessment”。 Rule pack id or name; default studio-assessment.
 * @returns 未达标项，用顿号分隔。 The failed standards, separated by 、.
 */
export function failed(values: any[][], headers?: any[][], pack?: string): string {
  const { pack: p, result } = recordFor(values, headers, pack, "FAILED");
  return result.failed.join("、") + uncheckedNote(p, result.unchecked);
}

/**
 * 某一项考核标准是否达到（第十六条）。 Whether one assessment standard is met.
 * @customfunction STANDARD
 * @param n 标准序号：1–10 或 一…十。 The standard: 1–10 or 一…十.
 * @param evidence1 该标准的证据值（如获奖数、场次、是/否）。 The standard's evidence (a count, a yes/no…).
 * @param [evidence2] 第二个证据值（仅标准四：省级二等奖数）。 Second evidence value (standard 4 only: provincial second prizes).
 * @returns TRUE 达到，FALSE 未达到。 TRUE when met.
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
 * 费用名称对应的允许开支类别（第二十一条），如 餐费 → 食宿费。 The allowed budget category an expense word maps to.
 * @customfunction CATEGORY
 * @param text 费用名称或类别。 The expense word or category as typed.
 * @returns 允许的开支类别。 The allowed category.
 */
export function category(text: any): string {
  const out = classifyExpense(budgetPack(), cell(text));
  if (out.kind === "allowed") return out.category;
  throw formulaError(out.kind === "missing" ? "invalidValue" : "notAvailable", out.message.zh);
}

/**
 * 核对一笔开支（第二十一条）：通过，或不通过的原因。 Checks one expense: 通过 (passes), or the reason it does not.
 * @customfunction BUDGETCHECK
 * @param category 开支类别或费用名称。 The expense category or word.
 * @param amount 金额（元），如 3000、¥3,000.00、1.2万元。 The amount in yuan, as typed.
 * @param [purpose] 用途说明（课时费需写明送教、帮扶、讲学等）。 What it was for (lecture fees need 送教/帮扶/讲学…).
 * @returns “通过”，或“不通过：…”/“需核实：…”。 通过, or 不通过：… / 需核实：… with the reason.
 */
export function budgetCheck(category: any, amount: any, purpose?: any): string {
  const pack = budgetPack();
  const out = checkExpense(pack, cell(category), cell(amount), omitted(purpose) ? null : cell(purpose), getWorkbookReadings(pack.id));
  if (out.ok) return statusWord("ok");
  return `${statusWord(SEVERITY_STATUS[out.severity])}：${out.message.zh}`;
}

/**
 * 管理期某一年应拨付的补助资金（元，第十九、二十二条）：第1–3年每年10000元；上一年度考核不合格的，该年为0；第4年起为0。 The subsidy paid in one year of a studio's term, in yuan: 10000 in years 1–3, 0 in a year after a 不合格 grade, 0 from year 4.
 * @customfunction SUBSIDY
 * @param termYear 要拨付补助的是管理期第几年（1、2、3 或“第二年”）。 The year of the three-year term the subsidy is for (1, 2, 3 or 第二年).
 * @param [previousGrade] 前一年度的考核等级（第2、3年必填），或管理期各年等级所在的一行/一列（按第1年、第2年…排列，取前一年的）：含“不合格”“差”“×”的文字均按不合格。 The grade of the year before (needed for years 2 and 3), or a row or column of the term's grades from year 1 on (the year before is taken); any text containing 不合格, 差 or × counts as 不合格.
 * @returns 补助金额（元）；上一年等级未填写或无法识别时为 #N/A / #VALUE! 并说明原因。 The subsidy in yuan; #N/A or #VALUE! with the reason when last year's grade is blank or unreadable.
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
  const list = line(grades, "previousGrade（上一年度等级）");
  if (list.length === 1) return list[0];
  const y = readTermYear(cell(termYear));
  // An unreadable term year is refused by the subsidy rule itself, with its message.
  return y.ok && y.value >= 2 ? (list[y.value - 2] ?? null) : null;
}

/**
 * 某一日期是工作室管理期的第几年（第四条：管理周期3年），按挂牌周年计算。 Which year of the studio's term a date falls in, counted from the plaque's anniversaries.
 * @customfunction TERMYEAR
 * @param plaqueDate 挂牌（授牌）日期，如 2023-09-01、2023年9月1日 或日期单元格。 The plaque date, as a date cell or text.
 * @param date 要判断的日期，如支出日期或考核日期。 The date to place, e.g. an expense or assessment date.
 * @returns 第几年（1、2、3…）；早于挂牌日期时为 #VALUE! 并说明原因。 The year of the term (1, 2, 3 …); #VALUE! with the reason for a date before the plaque.
 */
export function termYearOf(plaqueDate: any, date: any): number {
  return readOrFail(termYear(cell(plaqueDate), cell(date)));
}

/**
 * 年度经费预算报告的截止日期：授牌后 7 天（第二十条）。 Due date of the budget report: 7 days after the plaque.
 * @customfunction DUEDATE
 * @param plaqueDate 授牌日期，如 2024-09-01、2024年9月1日 或日期单元格。 The plaque date, as a date cell or text.
 * @returns 截止日期。 The due date.
 */
export function dueDateOf(plaqueDate: any): any {
  const pack = budgetPack();
  const serial = readOrFail(dueDate(pack, cell(plaqueDate), getWorkbookParams(pack.id)));
  return asDate(serial);
}

/**
 * 读出单元格里的数字，如 1.2万元 → 12000。 The number an official meant, e.g. 1.2万元 → 12000.
 * @customfunction NUM
 * @param text 要读取的单元格或文字。 The cell or text to read.
 * @returns 数字。 The number.
 */
export function num(text: any): number {
  return readOrFail(readNumber(cell(text)));
}

/**
 * 是否符合工作室申报条件（第十一、十二条）。 Eligibility to open a studio, with every failed condition.
 * @customfunction ELIGIBLE
 * @param values 一行申报数据（学校、主持人或成员）。 One row of application data (school, host or member).
 * @param headers values 上方的表头行。 The header row above it.
 * @returns 符合，或 不符合：… 。 符合, or 不符合：… with the failed conditions.
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

