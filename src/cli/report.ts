/**
 * `--report out.xlsx`: one new workbook for the whole run — 汇总 (one line per record, every
 * file), 问题清单 (every issue with file, sheet, cell and rule), 经费 (budget groups).
 */
import ExcelJS from "exceljs";
import { isError, type EntryJson } from "./json";

const STATUS: Record<string, string> = { ok: "通过", warning: "需核实", error: "不通过" };
const SEVERITY: Record<string, string> = { error: "错误", warning: "提醒" };

function addSheet(wb: ExcelJS.Workbook, name: string, headers: string[], rows: (string | number | null)[][], widths: number[]): void {
  const ws = wb.addWorksheet(name);
  const head = ws.addRow(headers);
  head.font = { bold: true };
  head.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFDDEBF7" } };
  // Plain strings are written as text, never as formulas, whatever they start with.
  for (const r of rows) ws.addRow(r);
  ws.views = [{ state: "frozen", ySplit: 1 }];
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  if (rows.length) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: rows.length + 1, column: headers.length } };
}

export async function writeReport(entries: EntryJson[]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "科教考核助手 kj-assess";
  const summary: (string | number | null)[][] = [];
  const issues: (string | number | null)[][] = [];
  const groups: (string | number | null)[][] = [];
  for (const e of entries) {
    if (isError(e)) {
      summary.push([e.file, null, null, null, null, null, null, null, "无法读取", e.error.message]);
      continue;
    }
    for (const r of e.records) {
      summary.push([e.file, e.sheet, e.pack, r.row, r.label, r.grade, r.met, r.failed.join("、") || null, STATUS[r.status], r.issues.length ? `${r.issues.length} 个问题` : null]);
      for (const i of r.issues) issues.push([e.file, e.sheet, i.cell, r.label, SEVERITY[i.severity], i.code, i.message, i.source]);
    }
    for (const p of e.problems) issues.push([e.file, e.sheet, p.cell, null, SEVERITY[p.severity], p.code, p.message, p.source]);
    for (const g of e.groups) {
      groups.push([e.file, e.sheet, String(g.key.studio ?? ""), g.key.year ?? null, g.spent, g.limit, g.limit ? Math.round((g.spent / g.limit) * 1000) / 10 : null, STATUS[g.status], g.issues.map((i) => i.message).join("；") || null]);
    }
  }
  addSheet(wb, "汇总", ["文件", "工作表", "规则包", "行", "名称", "等级/结论", "达标条数", "未达标项", "状态", "说明"], summary, [28, 14, 18, 6, 36, 10, 9, 16, 9, 14]);
  addSheet(wb, "问题清单", ["文件", "工作表", "单元格", "名称", "级别", "代码", "问题", "依据"], issues, [28, 14, 8, 30, 6, 18, 70, 16]);
  addSheet(wb, "经费", ["文件", "工作表", "工作室", "年度", "已支出（元）", "额度（元）", "支出比例（%）", "状态", "说明"], groups, [28, 14, 24, 8, 14, 12, 12, 8, 50]);
  for (const name of ["经费"]) {
    const ws = wb.getWorksheet(name)!;
    ws.getColumn(5).numFmt = "#,##0.00";
    ws.getColumn(6).numFmt = "#,##0.00";
  }
  return new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}
