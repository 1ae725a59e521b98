/**
 * writeWorkbook: the sheets we make ourselves (summary, template, report parts), read back with
 * our reader and with exceljs — header rows bold on a light fill, widths, drop-down lists (long
 * ones through a hidden list sheet), number formats, and text that starts with = + - @ kept as text.
 */
import ExcelJS from "exceljs";
import { unzipSync } from "fflate";
import { summarySheet, templateSheet, evaluateSheet } from "../src/engine";
import type { SheetPlan } from "../src/engine/host";
import { getPack } from "../src/packs";
import { HEADER_FILL, writeWorkbook } from "../src/file/xlsx-write";
import { readWorkbook, sheetGrid } from "../src/file/xlsx-read";

async function load(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes.slice().buffer as ArrayBuffer);
  return wb;
}

const plan: SheetPlan = {
  name: "汇总",
  rows: [
    ["工作室", "得分", "说明", "日期"],
    ["=HYPERLINK(\"http://x\")", 9, "+86 电话", 45292],
    ["@SUM(A1)", 7, "-3项", 45293],
  ],
  headerRows: [1],
  widths: [30, 8, 40, 12],
  validations: [
    { range: "B2:B500", list: ["是", "否"] },
    { range: "C2:C500", list: Array.from({ length: 40 }, (_, i) => `经费类别第${i + 1}项（含说明）`) },
  ],
  numberFormats: [{ range: "D2:D3", format: "yyyy-mm-dd" }, { range: "B2:B1048576", format: "0" }],
};

describe("writeWorkbook", () => {
  test("values come back as written; = + - @ stay text (no <f> in the sheet XML)", async () => {
    const bytes = await writeWorkbook([plan]);
    const xml = new TextDecoder().decode(unzipSync(bytes)["xl/worksheets/sheet1.xml"]);
    expect(xml).not.toMatch(/<f[ >]/);
    const r = readWorkbook(bytes);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.workbook.sheets.map((s) => [s.name, s.state])).toEqual([["汇总", "visible"], ["_lists", "veryHidden"]]);
    const g = sheetGrid(r.workbook.sheets[0]);
    if (!g.ok) throw new Error(g.error.message);
    expect(g.grid.rows).toEqual(plan.rows);
  });

  test("header bold on a light fill, widths, number formats, list validations (a long list through the hidden sheet)", async () => {
    const wb = await load(await writeWorkbook([plan]));
    const ws = wb.getWorksheet("汇总")!;
    for (let c = 1; c <= 4; c++) {
      expect(ws.getCell(1, c).font?.bold).toBe(true);
      expect(ws.getCell(1, c).fill).toMatchObject({ type: "pattern", pattern: "solid", fgColor: { argb: HEADER_FILL } });
    }
    expect(ws.getCell(2, 1).font?.bold).toBeFalsy();
    expect([1, 2, 3, 4].map((c) => ws.getColumn(c).width)).toEqual([30, 8, 40, 12]);
    expect(ws.getCell("D2").numFmt).toBe("yyyy-mm-dd");
    expect(ws.getColumn(2).numFmt).toBe("0");
    const dv = (ws as unknown as { dataValidations: { model: Record<string, { type: string; formulae: string[] }> } }).dataValidations.model;
    const yesNo = Object.entries(dv).find(([k]) => k.startsWith("B2"))![1];
    expect(yesNo).toMatchObject({ type: "list", formulae: ['"是,否"'] });
    const long = Object.entries(dv).find(([k]) => k.startsWith("C2"))![1];
    expect(long.formulae[0]).toBe("'_lists'!$A$1:$A$40");
    expect(wb.getWorksheet("_lists")!.getCell("A40").value).toBe("经费类别第40项（含说明）");
  });

  test("the engine's template and summary sheets write and read back; clashing and unsafe names are made valid", async () => {
    const pack = getPack("studio-budget")!;
    const template = templateSheet(pack);
    const bytes = await writeWorkbook([template, { ...template, name: template.name }, { name: "a/b:c*?[1]", rows: [["x"]] }]);
    const r = readWorkbook(bytes);
    if (!r.ok) throw new Error(r.error.message);
    const names = r.workbook.sheets.map((s) => s.name);
    expect(names[0]).toBe(template.name);
    expect(names[1]).not.toBe(template.name);
    expect(names[2]).toBe("abc1");
    const g = sheetGrid(r.workbook.sheets[0]);
    if (!g.ok) throw new Error(g.error.message);
    expect(g.grid.rows[1]).toEqual(template.rows[1]);

    const assessment = getPack("studio-assessment")!;
    const grid = { name: "S", origin: { row: 1, col: 1 }, rows: [["工作室名称", "国家级科技比赛获奖数"], ["甲工作室", 1]] };
    const summary = summarySheet([evaluateSheet(grid, assessment)], assessment);
    const back = readWorkbook(await writeWorkbook([summary]));
    expect(back.ok).toBe(true);
  });

  test("no plans still makes a valid workbook", async () => {
    const r = readWorkbook(await writeWorkbook([]));
    expect(r.ok && r.workbook.sheets.length).toBe(1);
  });
});
