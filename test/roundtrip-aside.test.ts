/**
 * The results sheet (校验结果, written when results cannot go beside the data) across doors: in the
 * page, results are written at column P while an official's note stands in P4 (the column a pane
 * would be given by a saved header row or by results of an older layout); in Excel, a formula that
 * shows nothing stands where the result columns go. It is in the ledger of every door,
 * a re-check in any door replaces exactly it (one 校验结果, never 校验结果(2)), 清除结果 removes it,
 * and one an official has typed into is theirs and stays — recognised by the ledger and what the
 * sheet holds, never by its name (a sheet of the official's called 校验结果 is never touched).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { evaluateSheet, planResults } from "../src/engine";
import { checkedSheet, checkRecord, RECORD_SHEET } from "../src/engine/record";
import { MARK_FILL } from "../src/engine/verdicts";
import type { CellValue, ParamOverrides } from "../src/engine/types";
import { getPack } from "../src/packs";
import { fileDoor } from "../src/file/door";
import { FileWorkbookHost } from "../src/file/host";
import { addinSettingsOf, setAddinSettings } from "../src/file/addin-part";
import { editPackage } from "../src/file/marker";
import { readWorkbook, sheetGrid } from "../src/file/xlsx-read";
import { LEDGER_KEY, parseLedger } from "../src/excel/ledger";
import { createExcelHost } from "../src/excel";
import { withoutOwnResults } from "../src/taskpane/model";
import { cellFills, openInExcel, saveFromExcel, annotateWithCli } from "./support/workbook-doors";

const ROOT = path.resolve(__dirname, "..");
const SHEET = "2024年度考核";
const ASIDE = "校验结果";
const pack = getPack("studio-assessment")!;

beforeAll(() => {
  spawnSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.node.json"], { cwd: ROOT, encoding: "utf8" });
});

/** Edits one part of a package as text. */
function editPart(bytes: Uint8Array, part: string, edit: (xml: string) => string): Uint8Array {
  const files = unzipSync(bytes);
  files[part] = strToU8(edit(strFromU8(files[part])));
  return zipSync(files);
}

/** The example with a note in P4, inside the columns the results would take (O:R). */
const original = editPart(new Uint8Array(fs.readFileSync(path.join(ROOT, "examples", "考核-证据数量.xlsx"))), "xl/worksheets/sheet1.xml", (xml) =>
  xml.replace(/(<row r="4"[^>]*>[\s\S]*?)(<\/row>)/, `$1<c r="P4" t="inlineStr"><is><t>备注：材料待补</t></is></c>$2`),
);

function sheets(bytes: Uint8Array): Map<string, CellValue[][]> {
  const r = readWorkbook(bytes);
  if (!r.ok) throw new Error(r.error.message);
  const out = new Map<string, CellValue[][]>();
  for (const s of r.workbook.sheets) {
    const g = sheetGrid(s);
    if (g.ok) out.set(s.name, g.grid.rows);
  }
  return out;
}

const asideNames = (bytes: Uint8Array) => [...sheets(bytes).keys()].filter((n) => n.startsWith(ASIDE));
const created = (bytes: Uint8Array) => parseLedger(addinSettingsOf(bytes)[LEDGER_KEY]).created;
/** The grade (等级) column of the results sheet: row 2 is its header. */
function grades(bytes: Uint8Array, name = ASIDE): CellValue[] {
  const rows = sheets(bytes).get(name)!;
  const at = rows[1].indexOf("等级");
  return rows.slice(2).map((r) => r[at]);
}

/** The page checks (results written from column P, where P4 holds a note) or clears; the copy. */
async function page(bytes: Uint8Array, params: ParamOverrides, clear = false): Promise<Uint8Array> {
  const opened = await fileDoor.open(bytes, "考核.xlsx");
  if (!opened.ok) throw new Error(opened.message.zh);
  const host = opened.host as FileWorkbookHost;
  if (clear) {
    await host.clearResults();
    return fileDoor.annotated(host);
  }
  const grid = await host.readSheet(SHEET);
  const result = evaluateSheet(grid, pack, { params });
  const outcome = await host.writeResults({ ...planResults(grid, result, pack), startCol: 16 });
  expect(outcome.placement).toBe("sheet");
  expect(asideNames(await fileDoor.annotated(host))).toContain(outcome.sheet);
  expect(outcome.note?.zh).toContain("P4");
  await host.recordCheck(checkRecord("page", [checkedSheet(result, pack, params)]));
  return fileDoor.annotated(host);
}


describe("the results sheet across doors", () => {
  let copy1: Uint8Array;
  let graded8: CellValue[];
  beforeAll(async () => {
    copy1 = await page(original, { excellentMin: 8 });
    graded8 = grades(copy1);
  });

  test("the page puts the results on 校验结果 in Excel's layout, records it in the ledger, and leaves the data (its marks aside) as it was", () => {
    expect(asideNames(copy1)).toEqual([ASIDE]);
    const rows = sheets(copy1).get(ASIDE)!;
    expect(String(rows[0][0])).toBe(`工作表“${SHEET}”的校验结果（结果列中已有不是本工具写入的内容（P4），未写入原表）`);
    expect(rows[1]).toEqual(["原表行号", "得分", "等级", "未达标项", "校验说明"]);
    expect(rows.slice(2).map((r) => r[0])).toEqual([3, 4, 5, 6, 8, 9, 10, 11]);
    expect(sheets(copy1).get(SHEET)).toEqual(sheets(original).get(SHEET));
    expect(cellFills(copy1, SHEET).D6.rgb).toBe(MARK_FILL.error);
    expect(created(copy1)).toEqual([expect.objectContaining({ name: ASIDE, source: SHEET })]);
  });

  test("a page re-check with other thresholds replaces it in place; the command line, finding room beside the data, removes it; 清除结果 removes it", async () => {
    const copy2 = await page(copy1, {});
    expect(asideNames(copy2)).toEqual([ASIDE]);
    const graded9 = grades(copy2);
    expect(graded9).not.toEqual(graded8);
    expect(created(copy2)).toHaveLength(1);
    // The command line finds room beside the data (past the note): the page's results sheet goes.
    const copy3 = annotateWithCli(copy2, ["--set", "优秀=8"]);
    expect(asideNames(copy3)).toEqual([]);
    const head = sheets(copy3).get(SHEET)![1];
    expect(head.indexOf("得分")).toBe(16);
    expect([3, 4, 5, 6, 8, 9, 10, 11].map((r) => sheets(copy3).get(SHEET)![r - 1][head.indexOf("等级")])).toEqual(graded8);
    expect(created(copy3)).toEqual([]);
    // 清除结果 in the page, on the page's copy: the sheet goes, the marks go; the record stays.
    const cleared = await page(copy2, {}, true);
    expect([...sheets(cleared).keys()]).toEqual([SHEET, RECORD_SHEET]);
    expect(sheets(cleared).get(SHEET)).toEqual(sheets(original).get(SHEET));
    expect(cellFills(cleared, SHEET)).toEqual({});
    expect(created(cleared)).toEqual([]);
  }, 180_000);

  test("a results sheet an official has typed into is theirs: kept on re-check and on 清除结果, and forgotten by the ledger", async () => {
    const r = readWorkbook(copy1);
    if (!r.ok) throw new Error(r.error.message);
    const part = `xl/worksheets/sheet${r.workbook.sheets.findIndex((s) => s.name === ASIDE) + 1}.xml`;
    const typed = editPart(copy1, part, (xml) => xml.replace(/<\/sheetData>/, `<row r="40"><c r="A40" t="inlineStr"><is><t>复核人：张三</t></is></c></row></sheetData>`));
    expect(sheets(typed).get(ASIDE)!.flat()).toContain("复核人：张三");
    const again = await page(typed, {});
    expect(asideNames(again)).toEqual([ASIDE, `${ASIDE}(2)`]);
    expect(sheets(again).get(ASIDE)!.flat()).toContain("复核人：张三");
    expect(created(again)).toEqual([expect.objectContaining({ name: `${ASIDE}(2)`, source: SHEET })]);
    expect(asideNames(annotateWithCli(typed))).toEqual([ASIDE]);
    const cleared = await page(typed, {}, true);
    expect(asideNames(cleared)).toEqual([ASIDE]);
    expect(created(cleared)).toEqual([]);
  }, 120_000);

  test("an official's own sheet called 校验结果, not in the ledger, is never touched", async () => {
    // The same sheet, but the ledger no longer names it: it is not ours.
    const pkg = editPackage(copy1);
    setAddinSettings(pkg, { [LEDGER_KEY]: undefined });
    const theirs = pkg.toZip();
    expect(created(theirs)).toEqual([]);
    const again = await page(theirs, {});
    expect(asideNames(again)).toEqual([ASIDE, `${ASIDE}(2)`]);
    expect(sheets(again).get(ASIDE)).toEqual(sheets(copy1).get(ASIDE));
    const cleared = await page(again, {}, true);
    expect(asideNames(cleared)).toEqual([ASIDE]);
  });

  test("Excel writes its own results sheet (a formula showing nothing where the columns go); the page and the command line, re-checking what Excel saved, replace or remove it", async () => {
    const { fake, restore } = openInExcel(original);
    let saved: Uint8Array;
    try {
      fake.sheet(SHEET).put(5, 17, { formula: '=IF(B5="","",""', value: "" });
      const host = createExcelHost();
      const grid = withoutOwnResults(await host.readSheet(SHEET));
      const result = evaluateSheet(grid, pack);
      const outcome = await host.writeResults(planResults(grid, result, pack));
      expect(outcome).toMatchObject({ placement: "sheet", sheet: ASIDE });
      await host.recordCheck!(checkRecord("excel", [checkedSheet(result, pack, {})]));
      // Excel keeps the formula; saved here as its (empty) value, so the file doors find room beside the data.
      fake.sheet(SHEET).put(5, 17, undefined);
      saved = saveFromExcel(fake);
    } finally {
      restore();
    }
    expect(asideNames(saved)).toEqual([ASIDE]);
    expect(created(saved)).toEqual([expect.objectContaining({ name: ASIDE })]);
    // The page, results forced aside again: one results sheet, the page's; Excel's (named by id in its ledger) is gone.
    const byPage = await page(saved, { excellentMin: 8 });
    expect(asideNames(byPage)).toEqual([ASIDE]);
    expect(grades(byPage)).toEqual(graded8);
    expect(created(byPage)).toEqual([expect.objectContaining({ id: ASIDE, source: SHEET })]);
    // The command line: results beside the data, Excel's results sheet removed.
    const byCli = annotateWithCli(saved);
    expect(asideNames(byCli)).toEqual([]);
    expect(created(byCli)).toEqual([]);
  }, 120_000);

  test("Excel re-checks the page's copy: the page's results sheet goes (found by the ledger), and 清除结果 removes Excel's", async () => {
    const { fake, restore } = openInExcel(copy1);
    try {
      fake.sheet(SHEET).put(5, 17, { formula: '=IF(B5="","",""', value: "" });
      const host = createExcelHost();
      const grid = withoutOwnResults(await host.readSheet(SHEET));
      const result = evaluateSheet(grid, pack);
      expect((await host.writeResults(planResults(grid, result, pack))).placement).toBe("sheet");
      expect(fake.sheets.map((s) => s.name).filter((n) => n.startsWith(ASIDE))).toEqual([ASIDE]);
      const cleared = await host.clearResults();
      expect(cleared.sheetsRemoved).toBe(1);
      expect(fake.sheets.map((s) => s.name)).toEqual([SHEET, RECORD_SHEET]);
    } finally {
      restore();
    }
  });
});
