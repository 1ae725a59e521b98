/**
 * Writing workbooks we make from scratch (summary, template, report parts) with exceljs. exceljs
 * only ever sees our own plans here — never a file from outside (see xlsx-read.ts for why).
 * Strings go in as strings: exceljs makes a formula only from a `{ formula }` value, so text an
 * official typed that starts with = + - @ stays text. exceljs draws no charts: a plan's chart is
 * added to the written package as its own parts (chart.ts).
 */
import ExcelJS from "exceljs";
import { colLetter, parseRange } from "../engine/address";
import type { SheetPlan } from "../engine/host";
import { safeSheetName } from "../engine/output";
import { chartParts, withDrawing } from "./chart";
import { EMPTY_RELS, withOverride, withRelationship } from "./xml";
import { editPackage, utf8Text } from "./marker";
import { workbookParts } from "./resave";
import { CELLS_PER_FORMAT, inlineList, LISTS_SHEET, tableOf } from "./sheet-layout";

const enc = new TextEncoder();

/** Light fill of header rows (the same blue as the report's headers). */
export const HEADER_FILL = "FFDDEBF7";

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
  const inline = inlineList(list);
  if (inline) return inline;
  long.push(list);
  const letter = colLetter(long.length);
  return `'${LISTS_SHEET}'!$${letter}$1:$${letter}$${list.length}`;
}

function addSheet(wb: ExcelJS.Workbook, plan: SheetPlan, long: string[][]): string {
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
  const table = tableOf(plan);
  if (table) {
    ws.views = [{ state: "frozen", xSplit: 0, ySplit: table.header }];
    ws.autoFilter = { from: { row: table.header, column: 1 }, to: { row: table.last, column: table.width } };
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
      // A list that only suggests: another value is noted, not refused.
      ...(v.allowOther ? { errorStyle: "information" as const } : {}),
    });
  }
  return ws.name;
}

/** A new workbook holding the given sheets, in order. */
export async function writeWorkbook(plans: SheetPlan[]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "科教考核助手 kj-assess";
  const long: string[][] = [];
  const names = plans.map((plan) => addSheet(wb, plan, long));
  if (!plans.length) wb.addWorksheet("Sheet1");
  if (long.length) {
    const ws = wb.addWorksheet(LISTS_SHEET, { state: "veryHidden" });
    long.forEach((list, j) => list.forEach((v, i) => (ws.getCell(i + 1, j + 1).value = v)));
  }
  const bytes = new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
  return plans.some((p) => p.chart) ? withCharts(bytes, plans, names) : bytes;
}

/**
 * exceljs draws no charts: each plan's chart goes into the written package afterwards (chart.ts),
 * into the sheet exceljs wrote for that plan — the i-th sheet of the workbook.
 */
function withCharts(bytes: Uint8Array, plans: SheetPlan[], names: string[]): Uint8Array {
  const pkg = editPackage(bytes);
  const { sheets } = workbookParts(pkg);
  let ct = utf8Text(pkg, "[Content_Types].xml") ?? "";
  const broken = (what: string): never => {
    throw new Error(`exceljs 写出的${what}无法添加图表`);
  };
  let n = 0;
  plans.forEach((plan, i) => {
    const key = sheets[i]?.key;
    if (!plan.chart || !key) return;
    const parts = chartParts(plan, names[i], ++n);
    if (!parts) return;
    for (const [name, xml] of Object.entries(parts.parts)) pkg.set(name, enc.encode(xml));
    const relsKey = key.replace(/[^/]*$/, (f) => `_rels/${f}.rels`);
    const rel = withRelationship(utf8Text(pkg, relsKey) ?? EMPTY_RELS, "rIdKjChart", parts.sheetRel.type, parts.sheetRel.target) ?? broken("关系部件");
    pkg.set(relsKey, enc.encode(rel.xml));
    pkg.set(key, enc.encode(withDrawing(utf8Text(pkg, key) ?? broken("工作表"), parts.drawing(rel.id))));
    for (const o of parts.contentTypes) ct = withOverride(ct, o.partName, o.contentType) ?? broken("[Content_Types].xml");
  });
  pkg.set("[Content_Types].xml", enc.encode(ct));
  return pkg.toZip();
}
