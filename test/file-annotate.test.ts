/**
 * The annotated copy edits the submitted package instead of re-saving it: result columns and
 * marks appear, the official's cells and every other part stay exactly as they were, the input
 * bytes are never touched, and a package that cannot be edited with certainty is refused.
 */
import * as fs from "fs";
import * as path from "path";
import ExcelJS from "exceljs";
import { strToU8, unzipSync } from "fflate";
import { evaluateSheet, planResults } from "../src/engine";
import type { ResultPlan, WorkbookHost } from "../src/engine/host";
import { MARK_FILL } from "../src/engine/verdicts";
import type { CellValue } from "../src/engine/types";
import { getPack } from "../src/packs";
import { FileWorkbookHost, toAnnotatedCopy } from "../src/file/host";
import { readWorkbook, sheetGrid } from "../src/file/xlsx-read";
import { buildXlsx } from "./support/xlsx-build";
import { markerOfBytes } from "../src/file/marker";

const EXAMPLE = path.resolve(__dirname, "..", "examples", "考核-证据数量.xlsx");
const pack = getPack("studio-assessment")!;
const dec = new TextDecoder();

function grids(bytes: Uint8Array): Record<string, CellValue[][]> {
  const r = readWorkbook(bytes);
  if (!r.ok) throw new Error(r.error.message);
  return Object.fromEntries(
    r.workbook.sheets.map((s) => {
      const g = sheetGrid(s);
      if (!g.ok) throw new Error(g.error.message);
      return [s.name, g.grid.rows];
    }),
  );
}
function copyOf(bytes: Uint8Array, plans: ResultPlan[], sheets: Parameters<typeof toAnnotatedCopy>[2] = []): Uint8Array {
  const out = toAnnotatedCopy(bytes, plans, sheets);
  if (!(out instanceof Uint8Array)) throw new Error(out.error.message);
  return out;
}
async function exceljsLoad(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes.slice().buffer as ArrayBuffer);
  return wb;
}

describe("annotated copy of a real example workbook", () => {
  const bytes = new Uint8Array(fs.readFileSync(EXAMPLE));
  const pristine = bytes.slice();
  const before = grids(bytes)["2024年度考核"];
  const grid = (() => {
    const r = readWorkbook(bytes);
    if (!r.ok) throw new Error();
    const g = sheetGrid(r.workbook.sheets[0]);
    if (!g.ok) throw new Error();
    return g.grid;
  })();
  const plan = planResults(grid, evaluateSheet(grid, pack), pack);
  const copy = copyOf(bytes, [plan]);

  test("the input bytes are not modified", () => {
    expect(Buffer.compare(Buffer.from(bytes), Buffer.from(pristine))).toBe(0);
  });

  test("result columns are there, every cell the official typed is unchanged", () => {
    const after = grids(copy)["2024年度考核"];
    expect(after[plan.headerRow - 1].slice(plan.startCol - 1)).toEqual(plan.headers);
    for (const r of plan.rows) expect(after[r.row - 1].slice(plan.startCol - 1, plan.startCol - 1 + r.values.length)).toEqual(r.values.map((v) => (v === "" ? null : v)));
    const changed: string[] = [];
    before.forEach((row, i) => row.forEach((v, j) => JSON.stringify(after[i][j] ?? null) !== JSON.stringify(v ?? null) && changed.push(`${i + 1}:${j + 1}`)));
    expect(changed).toEqual([]);
    expect(before.flat().filter((v) => v !== null).length).toBeGreaterThan(50);
  });

  test("only the edited sheet, styles.xml and our marker differ; every other part is byte-identical", () => {
    const a = unzipSync(bytes);
    const b = unzipSync(copy);
    expect(Object.keys(b).sort()).toEqual([...Object.keys(a), "docProps/custom.xml"].sort());
    const changed = Object.keys(a).filter((k) => Buffer.compare(Buffer.from(a[k]), Buffer.from(b[k])) !== 0);
    expect(changed.sort()).toEqual(["[Content_Types].xml", "_rels/.rels", "xl/styles.xml", "xl/worksheets/sheet1.xml"]);
    expect(markerOfBytes(copy)).toBe("annotated-copy");
    expect(markerOfBytes(bytes)).toBeNull();
  });

  test("a strict XML parser (exceljs) opens the copy and sees the fills on marked cells, each keeping its own number format", async () => {
    const wb = await exceljsLoad(copy);
    const ws = wb.getWorksheet("2024年度考核")!;
    expect(plan.marks.length).toBeGreaterThan(0);
    const original = (await exceljsLoad(bytes)).getWorksheet("2024年度考核")!;
    for (const m of plan.marks) {
      const cell = ws.getCell(m.address);
      expect(cell.fill).toMatchObject({ type: "pattern", pattern: "solid", fgColor: { argb: `FF${MARK_FILL[m.severity].slice(1)}` } });
      expect(cell.numFmt).toBe(original.getCell(m.address).numFmt);
      expect(cell.value).toEqual(original.getCell(m.address).value);
    }
    expect(ws.getCell(plan.headerRow, plan.startCol).font?.bold).toBe(true);
  });
});

describe("editing the sheet XML", () => {
  const book = () =>
    buildXlsx({
      shared: ["<t>名称</t>", "<t>次数</t>"],
      sheets: [
        {
          name: "表",
          xml: `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:B4"/><sheetData><row r="1" spans="1:2"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2" spans="1:2"><c r="A2" t="inlineStr"><is><t>甲</t></is></c><c r="B2" s="2"><v>45292</v></c><c r="D2" s="1"/></row><row r="4"><c r="A4" t="inlineStr"><is><t>丙</t></is></c><c r="E4"><v>9</v></c></row></sheetData><mergeCells count="1"><mergeCell ref="A1:A1"/></mergeCells></worksheet>`,
        },
      ],
      extra: { "xl/media/image1.png": new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]), "xl/drawings/drawing1.xml": "<xdr:wsDr xmlns:xdr=\"http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing\"/>" },
    });

  test("cells go into their rows in column order, missing rows are created in order, the declared range grows", () => {
    const input = book();
    const out = copyOf(input, [
      {
        sheet: "表",
        headerRow: 1,
        startCol: 3,
        headers: ["校验结果", "说明"],
        rows: [
          { row: 2, values: ["通过", "无问题"] },
          { row: 3, values: ["不通过", "空行"] },
          { row: 4, values: [7, null] },
          { row: 6, values: ["需核实", "  前后空格 & <尖括号>  "] },
        ],
        marks: [{ address: "B2", severity: "error" }, { address: "A5", severity: "warning" }],
      },
    ]);
    const xml = dec.decode(unzipSync(out)["xl/worksheets/sheet1.xml"]);
    const rowOrder = [...xml.matchAll(/<row r="(\d+)"/g)].map((m) => Number(m[1]));
    expect(rowOrder).toEqual([1, 2, 3, 4, 5, 6]);
    // in row 2 the empty styled D2 is replaced in place, keeping its style; C2 goes between B2 and D2
    expect(/<row r="2"[^>]*>(.*?)<\/row>/.exec(xml)![1].match(/r="([A-Z]+2)"/g)).toEqual(['r="A2"', 'r="B2"', 'r="C2"', 'r="D2"']);
    expect(xml).toMatch(/<c r="D2" s="1" t="inlineStr">/);
    // in row 4, C4 (7) goes before the existing E4
    expect(/<row r="4"[^>]*>(.*?)<\/row>/.exec(xml)![1].match(/r="([A-Z]+4)"/g)).toEqual(['r="A4"', 'r="C4"', 'r="E4"']);
    // grown from A1:B4 to cover what we wrote (the file's own E4 was outside its declared range and stays its business)
    expect(xml).toContain('<dimension ref="A1:D6"/>');
    expect(xml).not.toContain("spans=");
    expect(grids(out)["表"]).toEqual([
      ["名称", "次数", "校验结果", "说明"],
      ["甲", 45292, "通过", "无问题"],
      [null, null, "不通过", "空行"],
      ["丙", null, 7, null, 9],
      [],
      [null, null, "需核实", "  前后空格 & <尖括号>  "],
    ]);
    // the marked date cell keeps its number format and border: a copy of its xf with our fill
    const styles = dec.decode(unzipSync(out)["xl/styles.xml"]);
    const s = Number(/<c r="B2" s="(\d+)"/.exec(xml)![1]);
    const xfs = /<cellXfs[^>]*>(.*)<\/cellXfs>/.exec(styles)![1].match(/<xf [^>]*?(?:\/>|>.*?<\/xf>)/g)!;
    expect(xfs[s]).toMatch(/numFmtId="164"/);
    expect(xfs[s]).toMatch(/borderId="1"/);
    expect(xfs[s]).toContain('<alignment horizontal="center"/>');
    expect(styles).toContain('<fgColor rgb="FFFFC7CE"/>');
    expect(styles).toMatch(/<cellXfs count="(\d+)"/);
    expect(Number(/<cellXfs count="(\d+)"/.exec(styles)![1])).toBe(xfs.length);
    // a blank marked cell (A5) is created with the warning fill
    expect(xml).toMatch(/<row r="5"><c r="A5" s="\d+"\/><\/row>/);
    // the drawing and the picture are carried over untouched
    expect([...unzipSync(out)["xl/media/image1.png"]]).toEqual([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
  });

  test("text that starts with = + - @ is written as inline text, never a formula", () => {
    const out = copyOf(book(), [{ sheet: "表", headerRow: 1, startCol: 3, headers: ["说明"], rows: [{ row: 2, values: ["=1+1"] }, { row: 3, values: ["@SUM(A1)"] }, { row: 4, values: ["-3项"] }, { row: 5, values: ["+86"] }], marks: [] }]);
    const xml = dec.decode(unzipSync(out)["xl/worksheets/sheet1.xml"]);
    expect(xml).not.toMatch(/<f[ >]/);
    expect(grids(out)["表"].slice(1, 5).map((r) => r[2])).toEqual(["=1+1", "@SUM(A1)", "-3项", "+86"]);
  });

  test("control characters and text that looks like an escape survive the round trip", () => {
    const text = "第一行\n第二行\u0007 _x0041_ 🔬 مدرسة";
    const out = copyOf(book(), [{ sheet: "表", headerRow: 1, startCol: 3, headers: ["说明"], rows: [{ row: 2, values: [text] }], marks: [] }]);
    expect(grids(out)["表"][1][2]).toBe(text);
  });

  test("a cell that already holds data is never overwritten: the copy is refused, the input untouched", () => {
    const input = book();
    const pristine = input.slice();
    const out = toAnnotatedCopy(input, [{ sheet: "表", headerRow: 1, startCol: 5, headers: ["说明"], rows: [{ row: 4, values: ["x"] }], marks: [] }]);
    expect(out).toMatchObject({ error: { code: "cannot-resave" } });
    if (!(out instanceof Uint8Array)) expect(out.error.message).toContain("E4");
    expect(Buffer.compare(Buffer.from(input), Buffer.from(pristine))).toBe(0);
  });

  test.each([
    ["a row without its number", `<row><c r="A1"><v>1</v></c></row>`],
    ["a cell without its address", `<row r="1"><c><v>1</v></c></row>`],
  ])("refused when the sheet cannot be edited with certainty: %s", (_label, xml) => {
    const out = toAnnotatedCopy(buildXlsx({ sheets: [{ name: "表", xml }] }), [{ sheet: "表", headerRow: 1, startCol: 3, headers: ["说明"], rows: [], marks: [] }]);
    expect(out).toMatchObject({ error: { code: "cannot-resave" } });
  });

  test("a damaged package and an unknown sheet are refused with a reason", () => {
    expect(toAnnotatedCopy(strToU8("not a zip"), [])).toMatchObject({ error: { code: "cannot-resave" } });
    expect(toAnnotatedCopy(book(), [{ sheet: "没有", headerRow: 1, startCol: 1, headers: ["x"], rows: [], marks: [] }])).toMatchObject({ error: { code: "cannot-resave", message: expect.stringContaining("没有") } });
  });

  test("namespace-prefixed sheets (x:row, x:c) are edited in their own prefix", () => {
    const xml = `<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>名称</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>`;
    const out = copyOf(buildXlsx({ sheets: [{ name: "表", xml }] }), [{ sheet: "表", headerRow: 1, startCol: 2, headers: ["说明"], rows: [{ row: 2, values: ["无问题"] }], marks: [] }]);
    expect(dec.decode(unzipSync(out)["xl/worksheets/sheet1.xml"])).toContain('<x:row r="2"><x:c r="B2" t="inlineStr"><x:is><x:t xml:space="preserve">无问题</x:t></x:is></x:c></x:row>');
    expect(grids(out)["表"]).toEqual([["名称", "说明"], [null, "无问题"]]);
  });

  test("added sheets (results moved aside, summary) get their own parts, relationships and content types", async () => {
    const out = copyOf(book(), [], [{ name: "表", rows: [["行", "校验结果"], [2, "=不是公式"]], headerRows: [1], widths: [6, 20] }]);
    const g = grids(out);
    expect(Object.keys(g)).toEqual(["表", "表(2)"]);
    expect(g["表(2)"]).toEqual([["行", "校验结果"], [2, "=不是公式"]]);
    const wb = await exceljsLoad(out);
    const ws = wb.getWorksheet("表(2)")!;
    expect(ws.getCell("A1").font?.bold).toBe(true);
    expect(ws.getColumn(2).width).toBe(20);
  });
});

describe("FileWorkbookHost with the annotated copy", () => {
  test("results blocked by foreign data go to 校验结果 with a note, and the copy carries that sheet", async () => {
    const bytes = new Uint8Array(fs.readFileSync(EXAMPLE));
    const host = new FileWorkbookHost(bytes);
    expect(host.kind).toBe("file");
    const sheet = await host.activeSheet();
    const grid = await host.readSheet(sheet);
    const plan = planResults(grid, evaluateSheet(grid, pack), pack);
    const outcome = await host.writeResults({ ...plan, startCol: 3 });
    expect(outcome).toMatchObject({ placement: "sheet", sheet: "校验结果" });
    expect(outcome.note?.zh).toContain("C2");
    const out = copyOf(bytes, host.resultPlans(), host.sheetPlans());
    const g = grids(out);
    // The layout Excel uses (engine/output.ts asideRows): a title naming the sheet and why, then 原表行号 and the headers.
    expect(String(g["校验结果"][0][0])).toMatch(new RegExp(`^工作表“${sheet}”的校验结果（.*C2.*，未写入原表）$`));
    expect(g["校验结果"][1]).toEqual(["原表行号", ...plan.headers]);
    expect(g["校验结果"].length).toBe(plan.rows.length + 2);
    expect(g[sheet]).toEqual(grids(bytes)[sheet]);
  });

  test("a sheet that cannot be read throws an error carrying its code", async () => {
    const host = new FileWorkbookHost(buildXlsx({ sheets: [{ name: "坏", xml: '<worksheet><sheetData><row r="1"><c r="A1"><v>1' }] }));
    await expect(host.readSheet("坏")).rejects.toMatchObject({ code: "damaged", text: { zh: expect.stringContaining("坏") } });
    await expect(host.readSheet("没有")).rejects.toMatchObject({ code: "no-such-sheet" });
  });

  test("settings stay in memory; selecting a cell does nothing to the file", async () => {
    const bytes = new Uint8Array(fs.readFileSync(EXAMPLE));
    const host = new FileWorkbookHost(bytes);
    await host.saveSettings({ pack: "studio-assessment", params: { minPrizes: 2 } });
    expect(await host.loadSettings()).toEqual({ pack: "studio-assessment", params: { minPrizes: 2 } });
    await (host as WorkbookHost).selectCell("2024年度考核", "A1");
    expect(host.resultPlans()).toEqual([]);
  });
});
