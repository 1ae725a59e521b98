import * as fs from "fs";
import * as path from "path";
import { unzipSync } from "fflate";
import { evaluateSheet, planResults, summarySheet } from "../src/engine";
import { getPack } from "../src/packs";
import { fileDoor } from "../src/file/door";
import { FileWorkbookHost } from "../src/file/host";
import { readWorkbook, sheetGrid } from "../src/file/xlsx-read";
import { checkedSheet, checkRecord } from "../src/engine/record";
import { buildXlsx } from "./support/xlsx-build";

const EXAMPLE = path.resolve(__dirname, "..", "examples", "考核-证据数量.xlsx");
const pack = getPack("studio-assessment")!;

function sheetXml(bytes: Uint8Array, n = 1): string {
  const files = unzipSync(bytes);
  return new TextDecoder().decode(files[`xl/worksheets/sheet${n}.xml`]);
}

describe("FileWorkbookHost and the standalone page's door", () => {
  test("validate, write results beside the data, annotated copy read back; the original bytes untouched", async () => {
    const bytes = new Uint8Array(fs.readFileSync(EXAMPLE));
    const pristine = bytes.slice();
    const opened = await fileDoor.open(bytes, "考核-证据数量.xlsx");
    if (!opened.ok) throw new Error(opened.message.zh);
    const host = opened.host;
    const sheet = await host.activeSheet();
    expect(sheet).toBe("2024年度考核");
    const grid = await host.readSheet(sheet);
    const result = evaluateSheet(grid, pack);
    const outcome = await host.writeResults(planResults(grid, result, pack));
    expect(outcome).toMatchObject({ placement: "columns", sheet });
    expect(outcome.range).toMatch(/^2024年度考核!O2:R11$/);
    await host.writeSheet(summarySheet([result], pack));

    const copy = await fileDoor.annotated(host);
    expect(Buffer.compare(Buffer.from(bytes), Buffer.from(pristine))).toBe(0);
    const back = readWorkbook(copy);
    if (!back.ok) throw new Error(back.error.message);
    expect(back.workbook.sheets.map((s) => s.name)).toEqual(expect.arrayContaining(["2024年度考核"]));
    expect(back.workbook.sheets.length).toBe(2);
    const g = sheetGrid(back.workbook.sheets[0]);
    if (!g.ok) throw new Error(g.error.message);
    expect(g.grid.rows[1].slice(14, 18)).toEqual(["得分", "等级", "未达标项", "校验说明"]);
    expect(g.grid.rows[2].slice(14, 16)).toEqual([10, "优秀"]);
    // the official's own cells are as they were
    expect(g.grid.rows[2].slice(0, 4)).toEqual([1, "海州区新海实验中学科技教育名师工作室", "王建国", 1]);
    // problem cells are coloured: J8 (若干) carries a fill style
    expect(sheetXml(copy)).toMatch(/<c r="J8"[^>]* s="\d+"/);
  });

  test("results never overwrite foreign data: they go to a sheet of their own", async () => {
    const bytes = new Uint8Array(fs.readFileSync(EXAMPLE));
    const host = new FileWorkbookHost(bytes);
    const grid = await host.readSheet("2024年度考核");
    const plan = planResults(grid, evaluateSheet(grid, pack), pack);
    const outcome = await host.writeResults({ ...plan, startCol: 2 });
    expect(outcome.placement).toBe("sheet");
    expect(outcome.note!.zh).toContain("B2");
    // Nothing written beside the data; the marks stay on it, as in Excel.
    expect(host.resultPlans()).toEqual([{ ...plan, startCol: 2, headers: [], rows: [] }]);
    expect(host.sheetPlans()[0].name).toBe("校验结果");
    const cleared = await host.clearResults();
    expect(cleared.sheetsRemoved).toBe(1);
    expect(host.sheetPlans()).toEqual([]);
  });

  test("text that starts with = + - @ is written as text in the annotated copy and the report", async () => {
    const bytes = new Uint8Array(fs.readFileSync(EXAMPLE));
    const host = new FileWorkbookHost(bytes);
    const grid = await host.readSheet("2024年度考核");
    await host.writeResults({ sheet: "2024年度考核", headerRow: 2, startCol: 15, headers: ["说明"], rows: [{ row: 3, values: ["=1+1"] }, { row: 4, values: ["@SUM(A1)"] }, { row: 5, values: ["-3项"] }, { row: 6, values: ["+86"] }], marks: [] });
    const copy = await fileDoor.annotated(host);
    const xml = sheetXml(copy);
    for (const cell of ["O3", "O4", "O5", "O6"]) {
      const at = xml.indexOf(`<c r="${cell}"`);
      expect(at).toBeGreaterThan(0);
      expect(xml.slice(at, xml.indexOf("</c>", at))).not.toMatch(/<f>/);
    }
    const back = readWorkbook(copy);
    if (!back.ok) throw new Error(back.error.message);
    const g = sheetGrid(back.workbook.sheets[0]);
    if (!g.ok) throw new Error(g.error.message);
    expect([3, 4, 5, 6].map((r) => g.grid.rows[r - 1][14])).toEqual(["=1+1", "@SUM(A1)", "-3项", "+86"]);

    const result = evaluateSheet(grid, pack);
    result.records[0].label = "=HYPERLINK(\"http://x\")";
    const report = await fileDoor.report("x.xlsx", [{ pack, result }]);
    expect(sheetXml(report, 1)).not.toMatch(/<f>/);
    expect(sheetXml(report, 2)).not.toMatch(/<f>/);
  });

  test("a file that is not a workbook is refused with its code and a message in both languages", async () => {
    for (const [bytes, code] of [
      [new Uint8Array(0), "not-a-workbook"],
      [new TextEncoder().encode("姓名,听课次数\n陈老师,8"), "not-a-workbook"],
      [new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]), "legacy-xls"],
      [new Uint8Array(fs.readFileSync(EXAMPLE)).slice(0, 2000), "damaged"],
    ] as const) {
      const r = await fileDoor.open(bytes, "x.xlsx");
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.code).toBe(code);
        expect(r.message.zh.length).toBeGreaterThan(4);
      }
    }
  });
});

test("the page's report names every sheet it did not check (a cover page), not our own 校验记录 or results sheet", async () => {
  const head = ["工作室名称", "国家级科技比赛获奖数", "全国专项赛事获奖数", "参加青少年科技活动项数", "省级一等奖数", "省级二等奖数", "帮扶薄弱学校数", "参加科普周/科普日/承办竞赛次数", "市级创新大赛获奖数", "科技辅导员培训场次", "新增骨干成员数", "单位配套经费（元）"];
  const cell = (ref: string, v: string | number) => (typeof v === "number" ? `<c r="${ref}"><v>${v}</v></c>` : `<c r="${ref}" t="inlineStr"><is><t>${v}</t></is></c>`);
  const row = (r: number, values: (string | number)[]) => `<row r="${r}">${values.map((v, i) => cell(`${String.fromCharCode(65 + i)}${r}`, v)).join("")}</row>`;
  const bytes = buildXlsx({
    sheets: [
      { name: "封面", xml: row(1, ["2024年度考核材料"]) },
      { name: "考核", xml: row(1, head) + row(2, ["海州区创客工作室", 1, 1, 1, 2, 0, 2, 1, 3, 2, 3, 3000]) },
    ],
  });
  const opened = await fileDoor.open(bytes, "考核.xlsx");
  if (!opened.ok) throw new Error(opened.message.zh);
  const host = opened.host as FileWorkbookHost;
  const grid = await host.readSheet("考核");
  const result = evaluateSheet(grid, pack);
  await host.writeResults({ ...planResults(grid, result, pack), startCol: 2 });
  await host.recordCheck(checkRecord("page", [checkedSheet(result, pack, {})]));
  const report = readWorkbook(await fileDoor.report("考核.xlsx", [{ pack, result }], host));
  if (!report.ok) throw new Error(report.error.message);
  const summary = sheetGrid(report.workbook.sheets.find((s) => s.name === "汇总")!);
  if (!summary.ok) throw new Error(summary.error.message);
  const lines = summary.grid.rows.filter((r) => r[1] !== null && r[1] !== "考核").map((r) => [r[1], r.includes("未检查")]);
  expect(lines.slice(1)).toEqual([["封面", true]]);
});

describe("sheets the page adds are sheets of the workbook until the download", () => {
  test("listed after the originals and read as the copy will hold them; our own, never named as not checked; gone after 清除结果", async () => {
    const bytes = new Uint8Array(fs.readFileSync(EXAMPLE));
    const host = new FileWorkbookHost(bytes, "考核-证据数量.xlsx");
    const grid = await host.readSheet("2024年度考核");
    const result = evaluateSheet(grid, pack);
    const plan = summarySheet([result], pack);
    const name = await host.writeSheet(plan);
    expect(await host.listSheets()).toEqual(["2024年度考核", name]);
    const shown = await host.readSheet(name);
    expect(shown.rows.slice(0, 3)).toEqual(plan.rows.slice(0, 3).map((r) => r.map((v) => v ?? null)));
    expect(shown.rows[0][0]).toBe(`${pack.name.zh}校验汇总`);
    expect(await host.ownSheets()).toContain(name);
    expect(await host.notChecked(["2024年度考核"])).toEqual([]);

    // A second summary replaces the first under the same name: read afresh, not from an earlier read.
    const again = summarySheet([{ ...result, sheet: "另一表" }], pack);
    expect(await host.writeSheet(again)).toBe(name);
    expect((await host.readSheet(name)).rows[2][0]).toBe("工作表：另一表");

    // A check's record becomes a new 校验记录 sheet of the copy: listed and readable before the download.
    await host.recordCheck(checkRecord("page", [checkedSheet(result, pack)]));
    expect(await host.listSheets()).toEqual(["2024年度考核", name, "校验记录"]);
    expect((await host.readSheet("校验记录")).rows.length).toBeGreaterThan(1);

    await host.clearResults();
    expect(await host.listSheets()).toEqual(["2024年度考核", "校验记录"]);
    await expect(host.readSheet(name)).rejects.toThrow(name);
  });
});
