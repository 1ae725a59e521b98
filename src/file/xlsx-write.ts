/**
 * Writing workbooks we make from scratch (summary, template, report parts) with exceljs. exceljs
 * only ever sees our own plans here — never a file from outside (see xlsx-read.ts for why).
 * Strings go in as strings: exceljs makes a formula only from a `{ formula }` value, so text an
 * official typed that starts with = + - @ stays text. Charts are not drawn (exceljs cannot); the
 * chart's data range is in the sheet, and the add-in draws the chart where Excel is present.
 */
import ExcelJS from "exceljs";
import { colLetter, parseRange } from "../engine/address";
import type { SheetPlan } from "../engine/host";
import { safeSheetName } from "../engine/output";

/** Light fill of header rows (the same blue as the report's headers). */
export const HEADER_FILL = "FFDDEBF7";
/** Excel refuses a list validation whose quoted list is longer than this; longer lists live on a hidden sheet. */
const LIST_MAX = 255;
/** Ranges larger than this get their number format per column, not per cell. */
const CELLS_PER_FORMAT = 100_000;
const LISTS_SHEET = "_lists";

function uniqueName(wb: ExcelJS.Workbook, wanted: string): string {
  const base = safeSheetName(wanted);
  const taken = new Set(wb.worksheets.map((w) => w.name.toLowerCase()));
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base.slice(0, 31 - String(n).length - 2)}(${n})`;
  return name;
}

function applyNumberFormat(ws: ExcelJS.Worksheet, range: string, format: string): void {
  const r = parseRange(range);
  if (!r) return;
  if ((r.r2 - r.r1 + 1) * (r.c2 - r.c1 + 1) > CELLS_PER_FORMAT) {
    for (let c = r.c1; c <= r.c2; c++) ws.getColumn(c).numFmt = format;
    return;
  }
  for (let row = r.r1; row <= r.r2; row++) for (let c = r.c1; c <= r.c2; c++) ws.getCell(row, c).numFmt = format;
}

type DataValidations = { add(address: string, validation: ExcelJS.DataValidation): void };

/**
 * A list validation: inline when Excel allows it, else a reference to a column of the hidden
 * list sheet (`long` collects those columns; the sheet is added after the official's sheets).
 */
function listFormula(list: string[], long: string[][]): string {
  const inline = `"${list.map((v) => v.replace(/"/g, '""')).join(",")}"`;
  if (inline.length <= LIST_MAX && !list.some((v) => v.includes(","))) return inline;
  long.push(list);
  const letter = colLetter(long.length);
  return `'${LISTS_SHEET}'!$${letter}$1:$${letter}$${list.length}`;
}

function addSheet(wb: ExcelJS.Workbook, plan: SheetPlan, long: string[][]): void {
  const ws = wb.addWorksheet(uniqueName(wb, plan.name));
  for (const row of plan.rows) ws.addRow(row.map((v) => (v === undefined ? null : v)));
  for (const r of plan.headerRows ?? []) {
    const row = ws.getRow(r);
    const width = Math.max(1, plan.rows[r - 1]?.length ?? 0);
    for (let c = 1; c <= width; c++) {
      const cell = row.getCell(c);
      cell.font = { bold: true };
      cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: HEADER_FILL } };
    }
  }
  // The header stays in view while scrolling, with a filter on it: the report is read by sorting and filtering.
  const lastHeader = Math.max(0, ...(plan.headerRows ?? []));
  if (lastHeader > 0 && plan.rows.length > lastHeader) {
    ws.views = [{ state: "frozen", xSplit: 0, ySplit: lastHeader }];
    ws.autoFilter = { from: { row: lastHeader, column: 1 }, to: { row: lastHeader, column: Math.max(1, plan.rows[lastHeader - 1]?.length ?? 1) } };
  }
  plan.widths?.forEach((w, i) => {
    if (Number.isFinite(w) && w > 0) ws.getColumn(i + 1).width = w;
  });
  for (const f of plan.numberFormats ?? []) applyNumberFormat(ws, f.range, f.format);
  for (const v of plan.validations ?? []) {
    const r = parseRange(v.range);
    if (!r || !v.list.length) continue;
    const ref = r.r1 === r.r2 && r.c1 === r.c2 ? v.range.split(":")[0] : v.range;
    (ws as unknown as { dataValidations: DataValidations }).dataValidations.add(ref.replace(/\$/g, ""), {
      type: "list",
      allowBlank: true,
      formulae: [listFormula(v.list, long)],
      showErrorMessage: true,
    });
  }
}

/** A new workbook holding the given sheets, in order. */
export async function writeWorkbook(plans: SheetPlan[]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "科教考核助手 kj-assess";
  const long: string[][] = [];
  for (const plan of plans) addSheet(wb, plan, long);
  if (!plans.length) wb.addWorksheet("Sheet1");
  if (long.length) {
    const ws = wb.addWorksheet(LISTS_SHEET, { state: "veryHidden" });
    long.forEach((list, j) => list.forEach((v, i) => (ws.getCell(i + 1, j + 1).value = v)));
  }
  return new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}
