/**
 * What the =KJ.* formulas share: choosing the pack, turning ranges into a record, and turning the
 * engine's "cannot read" into the formula error that says why. Rules stay in the engine.
 */
import { cellText, evaluateRow, matchHeaderTexts, type Read } from "../engine";
import type { CellValue, RecordResult } from "../engine/types";
import { builtinPacks, findPack, getPack } from "../packs";
import type { Criterion, Pack } from "../packs/schema";
import { line, omitted, quote } from "./args";
import { getWorkbookParams, getWorkbookReadings } from "./params";
import { formulaError } from "./runtime";
import { STANDARD_NUMERALS } from "../engine/verdicts";

function builtin(id: string): Pack {
  const p = getPack(id);
  if (!p) throw formulaError("notAvailable", `缺少内置规则包“${id}”`);
  return p;
}

export const assessmentPack = (): Pack => builtin("studio-assessment");
export const budgetPack = (): Pack => builtin("studio-budget");
export const eligibilityPack = (): Pack => builtin("studio-application");

/** A pack named by id ("studio-assessment") or by its Chinese name (名师工作室年度考核). */
export function packNamed(name: unknown, fallback: () => Pack): Pack {
  if (omitted(name) || name === "") return fallback();
  const p = findPack(String(name));
  if (!p) throw formulaError("invalidValue", `没有规则包“${String(name).trim()}”，可用：${builtinPacks().map((x) => x.name.zh).join("、")}`);
  return p;
}


/** Standard n as officials write it: 4, "4", "四", "标准四", "（四）". */
export function criterionFor(pack: Pack, n: CellValue): Criterion {
  let id: string | null = null;
  if (typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= 10) id = STANDARD_NUMERALS[n - 1];
  else if (typeof n === "string") {
    const t = n.replace(/[\s（）()标准第项条]/g, "");
    if (/^(10|[1-9])$/.test(t)) id = STANDARD_NUMERALS[Number(t) - 1];
    else if (t.length === 1 && STANDARD_NUMERALS.includes(t)) id = t;
  }
  const c = id ? pack.criteria.find((x) => x.id === id) : undefined;
  if (!c) throw formulaError("invalidValue", `标准序号应为 1–10 或 一至十，收到${quote(n)}`);
  return c;
}

/** A value, or the formula error whose tooltip says what was found and why it cannot be read. */
export function readOrFail<T>(r: Read<T>): T {
  if (r.ok) return r.value;
  throw formulaError("invalidValue", r.missing ? "单元格为空" : r.reason.zh);
}

/**
 * One record from a formula's ranges. Without headers the values are the standards' 是/否 cells in
 * order; with headers they are a row of evidence. Unreadable evidence is an error, not a guess:
 * the formula shows #VALUE! naming the field and the text.
 */
export function recordFor(values: unknown, headers: unknown, pack: unknown, fn: string): { pack: Pack; result: RecordResult } {
  const p = packNamed(pack, assessmentPack);
  const cells = line(values, "数据");
  let result: RecordResult;
  if (omitted(headers)) {
    const flags = p.criteria.filter((c) => c.flag).length;
    if (!flags || cells.length !== flags) {
      throw formulaError("invalidValue", `${fn} 需要 ${flags} 个是/否单元格（每条标准一个），收到 ${cells.length} 个；原始数据请同时给出表头行`);
    }
    result = evaluateRow(p, null, cells, { params: getWorkbookParams(p.id), readings: getWorkbookReadings(p.id) });
  } else {
    const heads = line(headers, "表头");
    if (heads.length !== cells.length) throw formulaError("invalidValue", `表头有 ${heads.length} 格，数据有 ${cells.length} 格，应一样多`);
    const m = matchHeaderTexts(heads.map(cellText), p);
    if (!m.columns.length) throw formulaError("notAvailable", `表头中没有“${p.name.zh}”认得的列，请检查“表头”参数`);
    if (m.unmatched.length) {
      const labels = m.unmatched.map((f) => p.fields.find((x) => x.id === f)?.label ?? f);
      throw formulaError("invalidValue", `表头中缺少：${labels.join("、")}`);
    }
    result = evaluateRow(p, heads, cells, { params: getWorkbookParams(p.id), readings: getWorkbookReadings(p.id) });
  }
  const bad = result.issues.find((i) => i.code === "unreadable");
  if (bad) throw formulaError("invalidValue", bad.message.zh);
  return { pack: p, result };
}
