/**
 * Every problem the engine reports, in the frictionless style: a stable code, a severity, a
 * position, and a message built from that code's template. Templates name the cell and the text
 * found so an official can go straight to it.
 */
import type { Issue, Severity, Text2 } from "./types";

type Template = { severity: Severity; zh: string; en: string };

export const ISSUE_TEMPLATES = {
  "no-header": { severity: "error", zh: "工作表“{sheet}”{scope}中找不到表头行：没有一行与“{pack}”的列名相符", en: 'No header row found on sheet "{sheet}" in {scopeEn}: no row matches the columns of "{packEn}"' },
  "no-header-mapped": { severity: "warning", zh: "工作表“{sheet}”前{rows}行中找不到表头，已按手动指定的列从第{first}行起逐行读取", en: 'No header in the first {rows} rows of sheet "{sheet}"; every row from row {first} is read with the columns set by hand' },
  "empty-sheet": { severity: "error", zh: "工作表“{sheet}”是空的", en: 'Sheet "{sheet}" is empty' },
  "column-missing": { severity: "error", zh: "工作表“{sheet}”缺少“{label}”列（找到的列：{found}）", en: 'Sheet "{sheet}" has no "{labelEn}" column (columns found: {foundEn})' },
  "ambiguous-column": { severity: "warning", zh: "工作表“{sheet}”中{col}列“{header}”和{other}列“{otherHeader}”都像“{label}”，已用{col}列；如不对请手动指定", en: 'Sheet "{sheet}": columns {col} ("{header}") and {other} ("{otherHeader}") both look like "{labelEn}"; used {col} — set the column by hand if that is wrong' },
  "mapping-unknown-field": { severity: "warning", zh: "工作表“{sheet}”的手动列对应中有规则包“{pack}”没有的字段“{field}”，已忽略", en: 'Sheet "{sheet}": the manual mapping names field "{field}", which pack "{packEn}" does not have; ignored' },
  "mapping-bad-column": { severity: "warning", zh: "工作表“{sheet}”的手动列对应给字段“{field}”的列号“{col}”无效，已忽略", en: 'Sheet "{sheet}": the manual mapping gives field "{field}" the invalid column "{col}"; ignored' },
  "missing": { severity: "error", zh: "{where}“{label}”未填写", en: '{whereEn}"{labelEn}" is blank' },
  "unreadable": { severity: "error", zh: "{where}“{label}”：{reason}", en: '{whereEn}"{labelEn}": {reasonEn}' },
  "criterion-review": { severity: "warning", zh: "{where}需核实{source}：{name}（{detail}）", en: "{whereEn}{source} to be checked by a person: {nameEn} ({detailEn})" },
  "criterion-unchecked": { severity: "warning", zh: "无法检查{source}：{name}——表中没有{headers}列，此条按未满足计、本行需核实", en: "{source} could not be checked: {nameEn} — the sheet has no {headersEn} column; counted as not met, the row needs checking" },
  "criterion-unchecked-sheet": { severity: "warning", zh: "工作表“{sheet}”没有{headers}列：{source}（{name}）无法检查，各行此条按未满足计、最多判为需核实；加上此列即可检查", en: 'Sheet "{sheet}" has no {headersEn} column: {source} ({nameEn}) cannot be checked; each row counts it as not met and needs checking at best — add the column to check it' },
  "derived-field": { severity: "warning", zh: "工作表“{sheet}”没有“{label}”列，已按“{to}”减“{from}”的天数算出", en: 'Sheet "{sheet}" has no "{labelEn}" column; it was worked out as the days from "{fromEn}" to "{toEn}"' },
  "derived-count": { severity: "warning", zh: "工作表“{sheet}”没有“{label}”列，已按{group}中已填写的列数算出", en: 'Sheet "{sheet}" has no "{labelEn}" column; it was counted as the filled columns of {groupEn}' },
  "derived-size": { severity: "warning", zh: "工作表“{sheet}”没有“{label}”列，已按{group}共{n}列算出", en: 'Sheet "{sheet}" has no "{labelEn}" column; it was taken as the {n} columns of {groupEn}' },
  "criterion-failed": { severity: "error", zh: "未达到{source}：{name}（{detail}）", en: "{source} not met: {nameEn} ({detailEn})" },
  "forbidden-category": { severity: "error", zh: "{where}“{text}”不在经费使用范围：{reason}", en: '{whereEn}"{text}" is outside the permitted scope: {reasonEn}' },
  "forbidden-purpose": { severity: "error", zh: "{where}用途“{text}”不在经费使用范围：{reason}", en: '{whereEn}the purpose "{text}" is outside the permitted scope: {reasonEn}' },
  "unknown-category": { severity: "warning", zh: "{where}“{text}”不是第二十一条列出的支出类别，需人工复核", en: '{whereEn}"{text}" is not a category of Article 21; a person should review it' },
  "amount-not-positive": { severity: "error", zh: "{where}金额“{text}”应为大于0的数", en: '{whereEn}amount "{text}" should be a positive number' },
  "purpose-mismatch": { severity: "warning", zh: "{where}课时费的用途“{text}”未写明送教、帮扶、讲学、讲座或培训", en: '{whereEn}lecture fee purpose "{text}" names no outreach, assistance, lecture or training' },
  "over-limit": { severity: "error", zh: "{group}：共支出{spent}，超过额度{limit}（{basis}）", en: "{group} spent {spent}, over the limit of {limit} ({basisEn})" },
  "near-limit": { severity: "warning", zh: "{group}：共支出{spent}，已达额度{limit}的{ratio}（{basis}）", en: "{group} spent {spent}, {ratio} of the limit of {limit} ({basisEn})" },
  "year-unknown": { severity: "warning", zh: "{group}的支出没有年度，无法按年核对额度（不同年度不能合计）：请增加“年度”列或填写支出日期", en: "{group}: the expenses have no year, so they cannot be checked against a year's limit (years are not added together): add a 年度 column or the expense dates" },
  "subsidy-undecided": { severity: "warning", zh: "{group}当年补助无法确定：{reason}；额度暂按补助全额计算，需核实", en: "{group}: this year's subsidy cannot be decided: {reasonEn}; the limit assumes the full subsidy — a person should check" },
  "subsidy-unverified": { severity: "warning", zh: "工作表“{sheet}”没有“{term}”列：每年额度按补助{subsidy}加配套经费计算，未核对补助只安排{years}年（第十九条）和考核不合格次年不拨付（第二十二条）；请增加“{term}”和“{grade}”列", en: 'Sheet "{sheet}" has no "{termEn}" column: each year\'s limit assumes the {subsidy} subsidy plus matching funds; neither the {years}-year term (Art. 19) nor "no subsidy after 不合格" (Art. 22) was checked — add "{termEn}" and "{gradeEn}" columns' },
  "cell-unplaced": { severity: "warning", zh: "工作表“{sheet}”{near}有一个单元格的地址“{ref}”无效，已跳过该单元格，其余照常读取", en: 'Sheet "{sheet}"{nearEn}: a cell with the invalid address "{ref}" was skipped; the rest was read' },
  "record-count": { severity: "warning", zh: "工作表“{sheet}”有{count}条{what}记录，规定约为{min}至{max}人", en: 'Sheet "{sheet}" has {count} {whatEn} records; expected about {min} to {max}' },
} satisfies Record<string, Template>;

export type IssueCode = keyof typeof ISSUE_TEMPLATES;

/**
 * The codes that say a standard is unmet or could not be checked — what a record's failed and
 * unchecked lists say already: a graded table names those in its 未达标项 column and prints only
 * the other issues (the cells to fix).
 */
export const STANDARD_CODES: ReadonlySet<string> = new Set<IssueCode>(["criterion-failed", "criterion-unchecked"]);

export interface IssuePosition {
  cell?: string | null;
  row?: number | null;
  field?: string | null;
  text?: string | null;
  source?: string | null;
  severity?: Severity;
}

/**
 * A template split once into its literal text and the parameter names between them
 * (`"{where}“{label}”未填写"` → texts ["", "“", "”未填写"], keys ["where", "label"]): a message is
 * then a few concatenations, not a regular-expression pass — a city sheet makes hundreds of
 * thousands of them.
 */
interface Compiled {
  texts: string[];
  keys: string[];
}

function compile(template: string): Compiled {
  const texts: string[] = [];
  const keys: string[] = [];
  let last = 0;
  for (const m of template.matchAll(/\{(\w+)\}/g)) {
    texts.push(template.slice(last, m.index));
    keys.push(m[1]);
    last = m.index + m[0].length;
  }
  texts.push(template.slice(last));
  return { texts, keys };
}

const COMPILED = new Map<string, { zh: Compiled; en: Compiled }>(
  Object.entries(ISSUE_TEMPLATES as Record<string, Template>).map(([code, t]) => [code, { zh: compile(t.zh), en: compile(t.en) }]),
);

/**
 * The pieces joined at once, not added one by one: `+=` leaves a tree of partial strings that
 * lives as long as the message does (a chunk of a city sheet holds 30,000 messages — the garbage
 * collector copied those trees from one generation to the next); a join makes one flat string
 * and its pieces die young (--messages at 100,000 rows: a quarter less CPU).
 */
function fill(t: Compiled, params: Record<string, string | number>, where: string): string {
  const parts: string[] = new Array(t.keys.length * 2 + 1);
  parts[0] = t.texts[0];
  for (let i = 0; i < t.keys.length; i++) {
    const k = t.keys[i];
    const v = params[k];
    parts[2 * i + 1] = v !== undefined ? String(v) : k === "where" || k === "whereEn" ? where : "";
    parts[2 * i + 2] = t.texts[i + 1];
  }
  return parts.join("");
}

/** The severity of an issue of this code: the one given, or the template's. */
export function issueSeverity(code: IssueCode, given?: Severity): Severity {
  return given ?? (ISSUE_TEMPLATES[code] as Template).severity;
}

/**
 * An issue's message in one language. `where` defaults to the cell ("H3 ") when there is one, so
 * the message always says where to look. A door that prints one language builds only that one.
 */
export function issueMessage(code: IssueCode, params: Record<string, string | number>, cell: string | null | undefined, lang: keyof Text2): string {
  return fill(COMPILED.get(code)![lang], params, cell ? `${cell} ` : "");
}

/** Builds an issue from its code's template, with its message in both languages. */
export function makeIssue(code: IssueCode, params: Record<string, string | number>, pos: IssuePosition = {}): Issue {
  const c = COMPILED.get(code)!;
  const where = pos.cell ? `${pos.cell} ` : "";
  const message: Text2 = { zh: fill(c.zh, params, where), en: fill(c.en, params, where) };
  return {
    code,
    severity: issueSeverity(code, pos.severity),
    cell: pos.cell ?? null,
    row: pos.row ?? null,
    field: pos.field ?? null,
    text: pos.text ?? null,
    message,
    source: pos.source ?? null,
  };
}
