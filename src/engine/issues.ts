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
  "criterion-failed": { severity: "error", zh: "未达到{source}：{name}（{detail}）", en: "{source} not met: {nameEn} ({detailEn})" },
  "forbidden-category": { severity: "error", zh: "{where}“{text}”不在经费使用范围：{reason}", en: '{whereEn}"{text}" is outside the permitted scope: {reasonEn}' },
  "unknown-category": { severity: "warning", zh: "{where}“{text}”不是第二十一条列出的支出类别，需人工复核", en: '{whereEn}"{text}" is not a category of Article 21; a person should review it' },
  "amount-not-positive": { severity: "error", zh: "{where}金额“{text}”应为大于0的数", en: '{whereEn}amount "{text}" should be a positive number' },
  "purpose-mismatch": { severity: "warning", zh: "{where}课时费的用途“{text}”未写明送教、帮扶、讲学、讲座或培训", en: '{whereEn}lecture fee purpose "{text}" names no outreach, assistance, lecture or training' },
  "over-limit": { severity: "error", zh: "{group}共支出{spent}，超过额度{limit}", en: "{group} spent {spent}, over the limit of {limit}" },
  "near-limit": { severity: "warning", zh: "{group}共支出{spent}，已达额度{limit}的{ratio}", en: "{group} spent {spent}, {ratio} of the limit of {limit}" },
  "record-count": { severity: "warning", zh: "工作表“{sheet}”有{count}条{what}记录，规定约为{min}至{max}人", en: 'Sheet "{sheet}" has {count} {whatEn} records; expected about {min} to {max}' },
} satisfies Record<string, Template>;

export type IssueCode = keyof typeof ISSUE_TEMPLATES;

export interface IssuePosition {
  cell?: string | null;
  row?: number | null;
  field?: string | null;
  text?: string | null;
  source?: string | null;
  severity?: Severity;
}

function fill(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => (k in params ? String(params[k]) : ""));
}

/**
 * Builds an issue from its code's template. `where`/`whereEn` default to the cell ("H3 ") when
 * the position has one, so the message always says where to look.
 */
export function makeIssue(code: IssueCode, params: Record<string, string | number>, pos: IssuePosition = {}): Issue {
  const t: Template = ISSUE_TEMPLATES[code];
  const where = pos.cell ? `${pos.cell} ` : "";
  const p = { where, whereEn: where, ...params };
  const message: Text2 = { zh: fill(t.zh, p), en: fill(t.en, p) };
  return {
    code,
    severity: pos.severity ?? t.severity,
    cell: pos.cell ?? null,
    row: pos.row ?? null,
    field: pos.field ?? null,
    text: pos.text ?? null,
    message,
    source: pos.source ?? null,
  };
}
