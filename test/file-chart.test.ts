/**
 * The summary chart is in the file: a sheet plan's chart becomes a real DrawingML chart (chart
 * part, drawing, relationships, content types) in the workbooks we write with exceljs and in the
 * sheets added to an annotated copy — well-formed, pointing at the cells of the counts, its cache
 * holding their values, and the file still opening with exceljs and our own reader.
 */
import * as fs from "fs";
import * as path from "path";
import ExcelJS from "exceljs";
import { unzipSync } from "fflate";
import { SaxesParser } from "saxes";
import { evaluateSheet, summarySheet } from "../src/engine";
import type { SheetPlan } from "../src/engine/host";
import { STATUS_FILL } from "../src/engine/verdicts";
import { getPack } from "../src/packs";
import { chartData, withDrawing } from "../src/file/chart";
import { fileDoor } from "../src/file/door";
import { FileWorkbookHost } from "../src/file/host";
import { writeWorkbook } from "../src/file/xlsx-write";
import { readWorkbook, sheetGrid } from "../src/file/xlsx-read";

const dec = new TextDecoder();
const EXAMPLE = path.resolve(__dirname, "..", "examples", "考核-证据数量.xlsx");
const assessment = getPack("studio-assessment")!;

function wellFormed(name: string, xml: string): void {
  const p = new SaxesParser({ xmlns: true });
  p.on("error", (e) => {
    throw new Error(`${name}: ${e.message}`);
  });
  p.write(xml).close();
}

function texts(bytes: Uint8Array): Record<string, string> {
  return Object.fromEntries(Object.entries(unzipSync(bytes)).filter(([k]) => /\.(xml|rels)$/.test(k)).map(([k, v]) => [k, dec.decode(v)]));
}

const attrOf = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1] ?? null;

/** Follows the package from the sheet named `sheet` to its chart; every link checked on the way. */
function chartOf(p: Record<string, string>, sheet: string): { chart: string; sheetXml: string } {
  const wb = p["xl/workbook.xml"];
  const unescape = (v: string | null) => v?.replace(/&apos;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
  const tag = [...wb.matchAll(/<sheet [^>]*>/g)].map((m) => m[0]).find((t) => unescape(attrOf(t, "name")) === sheet)!;
  const rid = attrOf(tag, "r:id")!;
  const rel = [...p["xl/_rels/workbook.xml.rels"].matchAll(/<Relationship [^>]*>/g)].map((m) => m[0]).find((t) => attrOf(t, "Id") === rid)!;
  const target = attrOf(rel, "Target")!;
  const sheetKey = target.startsWith("/") ? target.slice(1) : `xl/${target}`;
  const sheetXml = p[sheetKey];
  const drawingRid = /<drawing [^>]*r:id="([^"]+)"/.exec(sheetXml)?.[1];
  expect(drawingRid).toBeDefined();
  const sheetRels = p[sheetKey.replace(/([^/]*)$/, "_rels/$1.rels")];
  const dRel = [...sheetRels.matchAll(/<Relationship [^>]*>/g)].map((m) => m[0]).find((t) => attrOf(t, "Id") === drawingRid)!;
  expect(attrOf(dRel, "Type")).toBe("http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing");
  const drawingKey = path.posix.normalize(path.posix.join(path.posix.dirname(sheetKey), attrOf(dRel, "Target")!));
  const drawing = p[drawingKey];
  const chartRid = /<c:chart [^>]*r:id="([^"]+)"/.exec(drawing)![1];
  const drawingRels = p[drawingKey.replace(/([^/]*)$/, "_rels/$1.rels")];
  const cRel = [...drawingRels.matchAll(/<Relationship [^>]*>/g)].map((m) => m[0]).find((t) => attrOf(t, "Id") === chartRid)!;
  const chartKey = path.posix.normalize(path.posix.join(path.posix.dirname(drawingKey), attrOf(cRel, "Target")!));
  const ct = p["[Content_Types].xml"];
  expect(ct).toContain(`<Override PartName="/${chartKey}" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/>`);
  expect(ct).toContain(`<Override PartName="/${drawingKey}" ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/>`);
  for (const k of [sheetKey, drawingKey, chartKey]) wellFormed(k, p[k]);
  // <drawing> in its schema place: after the sheet's data, filter and drop-downs, before tableParts/extLst.
  const order = ["sheetData", "autoFilter", "dataValidations", "pageMargins", "drawing", "tableParts", "extLst"].map((n) => sheetXml.search(new RegExp(`<${n}[ >/]`)));
  const present = order.filter((i) => i >= 0);
  expect(present).toEqual([...present].sort((a, b) => a - b));
  return { chart: p[chartKey], sheetXml };
}

function refs(chart: string): string[] {
  return [...chart.matchAll(/<c:f>([^<]*)<\/c:f>/g)].map((m) => m[1].replace(/&apos;/g, "'"));
}

function cached(chart: string, kind: "str" | "num"): string[][] {
  return [...chart.matchAll(new RegExp(`<c:${kind}Cache>([\\s\\S]*?)</c:${kind}Cache>`, "g"))].map((m) => [...m[1].matchAll(/<c:v>([^<]*)<\/c:v>/g)].map((v) => v[1]));
}

/** A real check: three studios of the example workbook, so the counts are not all zero. */
function exampleSummary(): SheetPlan {
  const r = readWorkbook(new Uint8Array(fs.readFileSync(EXAMPLE)));
  if (!r.ok) throw new Error(r.error.message);
  const g = sheetGrid(r.workbook.sheets[0]);
  if (!g.ok) throw new Error(g.error.message);
  return summarySheet([evaluateSheet(g.grid, assessment)], assessment);
}

function expectCountsChart(chart: string, plan: SheetPlan, sheet: string): void {
  const c = plan.headerRows![1];
  const n = plan.rows.slice(c).findIndex((r) => r[0] === "合计");
  const q = `'${sheet}'`;
  expect(refs(chart)).toEqual([`${q}!$B$${c}`, `${q}!$A$${c + 1}:$A$${c + n}`, `${q}!$B$${c + 1}:$B$${c + n}`]);
  expect(cached(chart, "str")).toEqual([["数量"], plan.rows.slice(c, c + n).map((r) => String(r[0]))]);
  expect(cached(chart, "num")).toEqual([plan.rows.slice(c, c + n).map((r) => String(r[1]))]);
  expect(chart).toContain('<c:barDir val="col"/>');
  expect(chart).toContain(`<a:t>${plan.chart!.title}</a:t>`);
  // Each grade's bar in its status colour.
  const colours = [...chart.matchAll(/<c:dPt>[\s\S]*?<a:srgbClr val="([0-9A-F]{6})"\/>/g)].map((m) => m[1]);
  expect(colours).toEqual(["优秀", "合格", "不合格"].map((g) => STATUS_FILL[g === "不合格" ? "error" : "ok"].slice(1)));
}

describe("the summary sheet's chart in a workbook written with exceljs", () => {
  test("chart part, drawing, relationships and content types; the counts' cells; it still opens", async () => {
    const plan = exampleSummary();
    expect(plan.rows.flat()).toContain("不合格");
    const bytes = await writeWorkbook([plan]);
    const p = texts(bytes);
    const { chart } = chartOf(p, plan.name);
    expectCountsChart(chart, plan, plan.name);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes.slice().buffer as ArrayBuffer);
    expect(wb.getWorksheet(plan.name)!.getCell("A1").value).toBe(plan.rows[0][0]);
    const r = readWorkbook(bytes);
    expect(r.ok && r.workbook.sheets.map((s) => s.name)).toEqual([plan.name]);
  });

  test("the budget summary: a bar chart with two series (spent, limit) and a legend", async () => {
    const budget = getPack("studio-budget")!;
    const grid = {
      name: "经费",
      origin: { row: 1, col: 1 },
      rows: [
        ["工作室", "年度", "支出类别", "金额（元）", "用途"],
        ["海州区创客工作室", 2024, "课时费", 3000, "送教"],
        ["灌南县科创工作室", 2024, "交通费", 800, "帮扶"],
      ],
    };
    const plan = summarySheet([evaluateSheet(grid, budget)], budget);
    const p = texts(await writeWorkbook([plan]));
    const { chart } = chartOf(p, plan.name);
    expect(chart).toContain('<c:barDir val="bar"/>');
    expect(cached(chart, "str").slice(0, 2)).toEqual([["已支出（元）"], ["海州区创客工作室 2024", "灌南县科创工作室 2024"]]);
    expect(cached(chart, "num")).toEqual([["3000", "800"], ["10000", "10000"]]);
    expect(chart).toContain("<c:legend>");
  });

  test("a sheet name with an apostrophe is quoted in the references", async () => {
    const plan: SheetPlan = { name: "O'Brien", rows: [["等级", "数量"], ["优秀", 1], ["合格", 2]], headerRows: [1], chart: { type: "column", range: "A1:B3", title: "t" } };
    const { chart } = chartOf(texts(await writeWorkbook([plan])), "O'Brien");
    expect(refs(chart)[0]).toBe("'O''Brien'!$B$1");
  });

  test("no chart part for a plan without a chart, or a range holding nothing to draw", async () => {
    const p = texts(await writeWorkbook([{ name: "a", rows: [["x"]] }]));
    expect(Object.keys(p).filter((k) => k.includes("chart"))).toEqual([]);
    expect(chartData({ type: "column", range: "A1:A1", title: "t" }, [["x"]])).toBeNull();
  });
});

describe("the summary sheet added to an annotated copy carries its chart", () => {
  test("the page's 汇总表: the copy holds the chart over the counts, passes its own comparison and opens", async () => {
    const host = new FileWorkbookHost(new Uint8Array(fs.readFileSync(EXAMPLE)), "考核.xlsx");
    const plan = exampleSummary();
    const name = await host.writeSheet(plan);
    const copy = await fileDoor.annotated(host);
    const p = texts(copy);
    for (const [k, xml] of Object.entries(p)) wellFormed(k, xml);
    const { chart, sheetXml } = chartOf(p, name);
    expectCountsChart(chart, plan, name);
    // The list of studios frozen under its header, with a filter over it.
    const h = plan.headerRows![0];
    expect(sheetXml).toContain(`<pane ySplit="${h}" topLeftCell="A${h + 1}" activePane="bottomLeft" state="frozen"/>`);
    const listed = plan.rows.findIndex((r, i) => i >= h && !r.length) - h;
    expect(listed).toBe(8);
    expect(sheetXml).toContain(`<autoFilter ref="A${h}:G${h + listed}"/>`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(copy.slice().buffer as ArrayBuffer);
    expect(wb.getWorksheet(name)!.getCell("A1").value).toBe(plan.rows[0][0]);
    const r = readWorkbook(copy);
    if (!r.ok) throw new Error(r.error.message);
    const g = sheetGrid(r.workbook.sheets.find((s) => s.name === name)!);
    expect(g.ok && g.grid.rows[0][0]).toBe(plan.rows[0][0]);
  });
});

describe("withDrawing", () => {
  test("goes before tableParts and extLst, else at the end", () => {
    const d = '<drawing r:id="x"/>';
    expect(withDrawing("<worksheet><sheetData/><pageMargins/><tableParts count=\"1\"/><extLst/></worksheet>", d)).toBe(
      `<worksheet><sheetData/><pageMargins/>${d}<tableParts count="1"/><extLst/></worksheet>`,
    );
    expect(withDrawing("<worksheet><sheetData/></worksheet>", d)).toBe(`<worksheet><sheetData/>${d}</worksheet>`);
  });
});
