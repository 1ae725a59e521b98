/**
 * `--report out.xlsx`: one new workbook for the whole run — 汇总 (one line per record, every
 * file, and a line for each file that could not be checked), 问题清单 (every problem with file,
 * sheet, cell, the text found and the rule), 经费 (budget groups per studio and year), 统计
 * (records per status with a chart, sheets and files not checked). Planned
 * here as SheetPlans, written by the file door's writeWorkbook (strings stay text, so a studio
 * name starting with = never becomes a formula). The standalone page offers the same report.
 */
import type { OutValue, SheetPlan } from "../engine/host";
import { countsSheet, type RunCounts } from "../engine/output";
import { recordSheet, type CheckRecord } from "../engine/record";
import { writeWorkbook } from "../file/xlsx-write";
import { markBytes } from "../file/marker";
import { getPack } from "../packs";
import { failedNamesOf, SEVERITY_ZH, STATUS_ZH } from "./format";
import { isError, isSheet, type EntryJson, type IssueJson } from "./json";

const REPORT_SHEETS = ["汇总", "问题清单", "经费"] as const;
const SUMMARY_HEADERS = ["文件", "工作表", "规则包", "行", "名称", "等级/结论", "后果", "达标条数", "满分条数", "未达标项", "状态", "隐藏行", "说明"];
const ISSUE_HEADERS = ["文件", "工作表", "单元格", "行", "名称", "级别", "问题", "单元格内容", "依据"];
const GROUP_HEADERS = ["文件", "工作表", "工作室", "年度", "已支出（元）", "额度（元）", "支出比例", "状态", "说明"];

function plan(name: string, headers: string[], rows: OutValue[][], widths: number[], numberFormats: SheetPlan["numberFormats"] = []): SheetPlan {
  return { name, rows: [headers, ...rows], widths, headerRows: [1], numberFormats: rows.length ? numberFormats : [] };
}

/** The report's sheets; with the check records, a 校验记录 sheet (the same lines as the workbook's own) goes last. */
export function reportPlans(entries: EntryJson[], records: CheckRecord[] = []): SheetPlan[] {
  const counts: RunCounts = { records: { ok: 0, warning: 0, error: 0 }, notChecked: 0, unreadable: 0 };
  const summary: OutValue[][] = [];
  const issues: OutValue[][] = [];
  const groups: OutValue[][] = [];
  const issueRow = (file: string, sheet: string, label: string | null, i: IssueJson, row: number | null): OutValue[] => [
    file,
    sheet,
    i.cell,
    row,
    label,
    SEVERITY_ZH[i.severity],
    i.message,
    i.text || null,
    i.source,
  ];
  for (const e of entries) {
    if (isError(e)) {
      counts.unreadable++;
      summary.push([e.file, null, null, null, null, null, null, null, null, null, "无法读取", null, e.error.message]);
      issues.push([e.file, null, null, null, null, SEVERITY_ZH.error, e.error.message, null, null]);
      continue;
    }
    if (!isSheet(e)) {
      counts.notChecked++;
      summary.push([e.file, e.sheet ?? null, null, null, null, null, null, null, null, null, "未检查", null, e.skipped.message]);
      continue;
    }
    const packName = getPack(e.pack)?.name.zh ?? e.pack;
    for (const r of e.records) {
      counts.records[r.status]++;
      // The row's own problems (cells to fix, rule breaches); unmet standards are in 未达标项 already.
      const notes = r.issues.filter((i) => i.code !== "criterion-failed").map((i) => i.message);
      summary.push([e.file, e.sheet, packName, r.row, r.label, r.grade, r.consequence, r.met, r.total, failedNamesOf(e.pack, r.failed).join("、") || null, STATUS_ZH[r.status], r.hidden ? "是" : null, notes.join("；") || null]);
      for (const i of r.issues) issues.push(issueRow(e.file, e.sheet, r.label, i, r.row));
    }
    for (const p of e.problems) issues.push(issueRow(e.file, e.sheet, null, p, null));
    for (const g of e.groups) {
      for (const i of g.issues) issues.push(issueRow(e.file, e.sheet, String(g.key.studio ?? ""), i, null));
      groups.push([e.file, e.sheet, String(g.key.studio ?? ""), g.key.year ?? null, g.spent, g.limit, g.limit > 0 ? g.spent / g.limit : null, STATUS_ZH[g.status], g.issues.map((i) => i.message).join("；") || null]);
    }
  }
  const last = (n: number) => n + 1;
  return [
    plan(REPORT_SHEETS[0], SUMMARY_HEADERS, summary, [28, 14, 18, 6, 36, 10, 40, 9, 9, 24, 9, 7, 60]),
    plan(REPORT_SHEETS[1], ISSUE_HEADERS, issues, [28, 14, 8, 6, 30, 6, 70, 16, 16]),
    plan(REPORT_SHEETS[2], GROUP_HEADERS, groups, [28, 14, 24, 8, 14, 12, 10, 8, 60], [
      { range: `E2:F${last(groups.length)}`, format: "#,##0.00" },
      { range: `G2:G${last(groups.length)}`, format: "0.0%" },
    ]),
    countsSheet(counts),
    ...(records.length ? [recordSheet(records)] : []),
  ];
}

/** The report workbook, marked as ours (a later run may replace it; a folder walk passes it over). */
export async function writeReport(entries: EntryJson[], records: CheckRecord[] = []): Promise<Uint8Array> {
  return markBytes(await writeWorkbook(reportPlans(entries, records)), "report");
}
