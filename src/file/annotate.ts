/**
 * The annotated copy: the submitted workbook with our result columns and problem colours, saved
 * as a new file. We re-save with exceljs only packages it can carry over without loss; anything
 * with parts it would drop (charts, drawings, pivot tables, macros, embedded objects …) is refused
 * with a clear reason instead of handing back a damaged copy. The input bytes are never changed.
 */
import ExcelJS from "exceljs";
import { unzipSync } from "fflate";
import { parseA1 } from "../engine/address";
import type { ResultPlan, SheetPlan } from "../engine/host";
import { MARK_FILL } from "../engine/output";

const LOSSY_PARTS = /(^|\/)(charts|drawings|pivotTables|pivotCache|vbaProject\.bin|externalLinks|slicers|slicerCaches|timelines|activeX|ctrlProps|embeddings|customXml|threadedComments|persons)(\/|$)/i;

export type AnnotateError = { error: { code: string; message: string } };

/** Names of the package's parts that would not survive a re-save. */
export function lossyParts(bytes: Uint8Array): string[] {
  const names: string[] = [];
  unzipSync(bytes, {
    filter: (f) => {
      names.push(f.name);
      return false;
    },
  });
  return names.filter((n) => LOSSY_PARTS.test(n));
}

function argb(hex: string): string {
  return `FF${hex.replace("#", "").toUpperCase()}`;
}

/** Adds a sheet the add-in made (summary, template, results moved aside) to a workbook being saved. */
export function addSheetPlan(wb: ExcelJS.Workbook, plan: SheetPlan): void {
  const ws = wb.addWorksheet(plan.name);
  // Plain strings are stored as strings: text that starts with = + - @ never becomes a formula.
  for (const row of plan.rows) ws.addRow(row);
  for (const r of plan.headerRows ?? []) ws.getRow(r).font = { bold: true };
  plan.widths?.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  for (const f of plan.numberFormats ?? []) {
    const m = /^([A-Z]+)\d*(?::([A-Z]+)\d*)?$/.exec(f.range.replace(/\$/g, ""));
    if (m) ws.getColumn(m[1]).numFmt = f.format;
  }
  for (const v of plan.validations ?? []) {
    const list = `"${v.list.join(",")}"`;
    if (list.length <= 255) (ws as unknown as { dataValidations: { add(range: string, dv: object): void } }).dataValidations.add(v.range, { type: "list", allowBlank: true, formulae: [list] });
  }
}

export async function annotatedCopy(original: Uint8Array, plans: ResultPlan[], sheets: SheetPlan[] = []): Promise<Uint8Array | AnnotateError> {
  let lossy: string[];
  try {
    lossy = lossyParts(original);
  } catch {
    return { error: { code: "damaged", message: "工作簿压缩包无法解开，不能生成批注副本（damaged package）" } };
  }
  if (lossy.length) {
    const kinds = [...new Set(lossy.map((n) => n.split("/").slice(-2, -1)[0] || n))].join("、");
    return { error: { code: "cannot-resave", message: `工作簿含有图表、透视表或宏等内容（${kinds}），另存会丢失，未生成批注副本；请查看报告（cannot re-save without loss）` } };
  }
  const wb = new ExcelJS.Workbook();
  try {
    // A copy: exceljs must never see (or keep) the caller's buffer.
    await wb.xlsx.load(original.slice().buffer);
  } catch (e) {
    return { error: { code: "cannot-resave", message: `此工作簿无法另存（cannot re-save）：${(e as Error).message}` } };
  }
  for (const plan of plans) {
    const ws = wb.getWorksheet(plan.sheet);
    if (!ws) continue;
    plan.headers.forEach((h, i) => {
      const cell = ws.getCell(plan.headerRow, plan.startCol + i);
      cell.value = h;
      cell.font = { bold: true };
    });
    for (const r of plan.rows) {
      // Strings are stored as strings: exceljs writes a formula only for { formula } values.
      r.values.forEach((v, i) => (ws.getCell(r.row, plan.startCol + i).value = v));
    }
    for (const m of plan.marks) {
      const at = parseA1(m.address);
      if (!at) continue;
      ws.getCell(at.row, at.col).fill = { type: "pattern", pattern: "solid", fgColor: { argb: argb(MARK_FILL[m.severity]) } };
    }
  }
  for (const sheet of sheets) if (!wb.getWorksheet(sheet.name)) addSheetPlan(wb, sheet);
  const out = await wb.xlsx.writeBuffer();
  return new Uint8Array(out as ArrayBuffer);
}
