/**
 * A cell's own fill survives our marks in every door, both ways (issue 12: data loss when Excel
 * cleared a copy the file door wrote). On a real submission (examples/考核-证据数量.xlsx) D6 is given
 * its own yellow, E6 a theme colour with a tint (as Excel writes "Accent 1, lighter 80%") and B3,
 * which is never marked, a green. D6 and E6 are problem cells: every door colours them red, records
 * the fill each had in the ledger, and 清除结果 in any door — or a re-check that no longer marks
 * them — gives the fill back.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { evaluateSheet, planResults } from "../src/engine";
import { checkedSheet, checkRecord } from "../src/engine/record";
import { MARK_FILL } from "../src/engine/verdicts";
import { getPack } from "../src/packs";
import type { SheetGrid } from "../src/engine/types";
import { fileDoor } from "../src/file/door";
import { readWorkbook, sheetGrid } from "../src/file/xlsx-read";
import { FileWorkbookHost } from "../src/file/host";
import { addinSettingsOf } from "../src/file/addin-part";
import { LEDGER_KEY, parseLedger } from "../src/excel/ledger";
import { decodeRuns } from "../src/excel/a1";
import { createExcelHost } from "../src/excel";
import { withoutOwnResults } from "../src/taskpane/model";
import { cellFills, openInExcel, saveFromExcel, annotateWithCli } from "./support/workbook-doors";

const ROOT = path.resolve(__dirname, "..");
const SHEET = "2024年度考核";
const pack = getPack("studio-assessment")!;
const YELLOW = "#FFFF00";
const GREEN = "#C6EFCE";
/** What Excel shows for the example theme's accent 1 (4F81BD) lighter by 80 %. */
const ACCENT1_LIGHTER80 = [0xdc, 0xe6, 0xf1];

beforeAll(() => {
  spawnSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.node.json"], { cwd: ROOT, encoding: "utf8" });
});

/** The example with D6 yellow, E6 a tinted theme colour and B3 green, each in a copy of the cell's own format. */
function filledOriginal(): Uint8Array {
  const files = unzipSync(new Uint8Array(fs.readFileSync(path.join(ROOT, "examples", "考核-证据数量.xlsx"))));
  let styles = strFromU8(files["xl/styles.xml"]);
  styles = styles.replace(
    /<fills count="2">([\s\S]*?)<\/fills>/,
    `<fills count="5">$1<fill><patternFill patternType="solid"><fgColor rgb="FFFFFF00"/><bgColor indexed="64"/></patternFill></fill><fill><patternFill patternType="solid"><fgColor theme="4" tint="0.79998168889431442"/><bgColor indexed="64"/></patternFill></fill><fill><patternFill patternType="solid"><fgColor rgb="FFC6EFCE"/><bgColor indexed="64"/></patternFill></fill></fills>`,
  );
  styles = styles.replace(
    /<cellXfs count="3">([\s\S]*?)<\/cellXfs>/,
    `<cellXfs count="6">$1<xf numFmtId="0" fontId="0" fillId="2" borderId="0" xfId="0" applyFill="1"/><xf numFmtId="0" fontId="0" fillId="3" borderId="0" xfId="0" applyFill="1"/><xf numFmtId="0" fontId="0" fillId="4" borderId="0" xfId="0" applyFill="1"/></cellXfs>`,
  );
  files["xl/styles.xml"] = strToU8(styles);
  const sheet = strFromU8(files["xl/worksheets/sheet1.xml"]).replace('<c r="D6">', '<c r="D6" s="3">').replace('<c r="E6">', '<c r="E6" s="4">').replace(/<c r="B3"( t="s")?>/, '<c r="B3" s="5"$1>');
  files["xl/worksheets/sheet1.xml"] = strToU8(sheet);
  return zipSync(files);
}

/** The page: check the sheet (or clear), download the copy. */
async function page(bytes: Uint8Array, clear = false): Promise<Uint8Array> {
  const opened = await fileDoor.open(bytes, "考核.xlsx");
  if (!opened.ok) throw new Error(opened.message.zh);
  const host = opened.host as FileWorkbookHost;
  if (clear) {
    expect((await host.clearResults()).cellsCleared).toBeGreaterThan(0);
    return fileDoor.annotated(host);
  }
  const grid = await host.readSheet(SHEET);
  const result = evaluateSheet(grid, pack);
  await host.writeResults(planResults(grid, result, pack));
  await host.recordCheck(checkRecord("page", [checkedSheet(result, pack, {})]));
  return fileDoor.annotated(host);
}


/** The ledger's record of the fills our marks covered on the sheet: address → colour. */
function recordedFills(bytes: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of parseLedger(addinSettingsOf(bytes)[LEDGER_KEY]).sheets)
    for (const [colour, runs] of Object.entries(e.fills))
      for (const b of decodeRuns(runs)) for (let r = b.r1; r <= b.r2; r++) for (let c = b.c1; c <= b.c2; c++) out[`${String.fromCharCode(64 + c)}${r}`] = colour;
  return out;
}

const near = (hex: string | null, rgb: number[]) => !!hex && [1, 3, 5].every((i, k) => Math.abs(parseInt(hex.slice(i, i + 2), 16) - rgb[k]) <= 1);

/** Excel: open, then check (with these thresholds) or clear; returns the fake workbook's sheet and the saved file. */
async function excel(bytes: Uint8Array, action: "check" | "clear") {
  const { fake, restore } = openInExcel(bytes);
  try {
    const host = createExcelHost();
    if (action === "clear") expect((await host.clearResults()).cellsCleared).toBeGreaterThan(0);
    else {
      const grid = withoutOwnResults(await host.readSheet(SHEET));
      const result = evaluateSheet(grid, pack);
      expect((await host.writeResults(planResults(grid, result, pack))).placement).toBe("columns");
      await host.recordCheck!(checkRecord("excel", [checkedSheet(result, pack, {})]));
    }
    return { sheet: fake.sheet(SHEET), saved: saveFromExcel(fake) };
  } finally {
    restore();
  }
}

const original = filledOriginal();
const own = cellFills(original, SHEET);

test("the example carries the three fills, and D6 and E6 are problem cells every door marks", () => {
  expect(Object.keys(own).sort()).toEqual(["B3", "D6", "E6"]);
  expect([own.D6.rgb, own.B3.rgb, own.E6.rgb]).toEqual([YELLOW, GREEN, null]);
  const grid = sheetOf(original);
  const marks = new Map(planResults(grid, evaluateSheet(grid, pack), pack).marks.map((m) => [m.address, m.severity]));
  expect([marks.get("D6"), marks.get("E6"), marks.get("B3")]).toEqual(["error", "error", undefined]);
});

function sheetOf(bytes: Uint8Array): SheetGrid {
  const r = readWorkbook(bytes);
  if (!r.ok) throw new Error(r.error.message);
  const g = sheetGrid(r.workbook.sheets.find((s) => s.name === SHEET)!);
  if (!g.ok) throw new Error(g.error.message);
  return g.grid;
}

describe("file door first: page → copy", () => {
  let copy: Uint8Array;
  beforeAll(async () => {
    copy = await page(original);
  });

  test("the copy marks D6 and E6 red and its ledger keeps their own fills; B3 is untouched", () => {
    const fills = cellFills(copy, SHEET);
    expect([fills.D6.rgb, fills.E6.rgb]).toEqual([MARK_FILL.error, MARK_FILL.error]);
    expect(fills.B3.xml).toBe(own.B3.xml);
    const recorded = recordedFills(copy);
    expect(recorded.D6).toBe(YELLOW);
    expect(near(recorded.E6, ACCENT1_LIGHTER80)).toBe(true);
    expect(recorded.B3).toBeUndefined();
  });

  test("清除结果 in the page gives every cell its own fill back, theme colour and all", async () => {
    const cleared = await page(copy, true);
    const fills = cellFills(cleared, SHEET);
    expect(Object.keys(fills).sort()).toEqual(["B3", "D6", "E6"]);
    for (const a of ["B3", "D6", "E6"]) expect([a, fills[a].xml]).toEqual([a, own[a].xml]);
  });

  test("清除结果 in Excel on the page's copy gives D6 its yellow and E6 its colour back", async () => {
    const { sheet } = await excel(copy, "clear");
    expect(sheet.fillAt("D6")).toBe(YELLOW);
    expect(near(sheet.fillAt("E6"), ACCENT1_LIGHTER80)).toBe(true);
    expect(sheet.fillAt("B3")).toBe(GREEN);
    expect(Object.values(sheet.fillSnapshot()).filter((c) => c === MARK_FILL.error || c === MARK_FILL.warning)).toEqual([]);
  });

  test("the command line re-checks the page's copy: the ledger still says yellow (not our red), and Excel's clear of that copy gives it back", async () => {
    const again = annotateWithCli(copy);
    expect(cellFills(again, SHEET).D6.rgb).toBe(MARK_FILL.error);
    expect(recordedFills(again).D6).toBe(YELLOW);
    const { sheet } = await excel(again, "clear");
    expect(sheet.fillAt("D6")).toBe(YELLOW);
  }, 120_000);
});

describe("Excel first: add-in → saved → page and command line", () => {
  let saved: Uint8Array;
  beforeAll(async () => {
    const r = await excel(original, "check");
    expect(r.sheet.fillAt("D6")).toBe(MARK_FILL.error);
    saved = r.saved;
  });

  test("Excel's ledger keeps D6's yellow; the page's 清除结果 of the saved workbook gives it back and leaves no mark", async () => {
    expect(recordedFills(saved).D6).toBe(YELLOW);
    expect(cellFills(saved, SHEET).D6.rgb).toBe(MARK_FILL.error);
    const cleared = await page(saved, true);
    const fills = cellFills(cleared, SHEET);
    expect(fills.D6.rgb).toBe(YELLOW);
    expect(fills.B3.rgb).toBe(GREEN);
    expect(Object.values(fills).filter((f) => f.rgb === MARK_FILL.error || f.rgb === MARK_FILL.warning)).toEqual([]);
  });

  test("the command line re-checks Excel's workbook: D6 red again over a recorded yellow; the page clears that copy back to yellow", async () => {
    const copy = annotateWithCli(saved);
    expect(cellFills(copy, SHEET).D6.rgb).toBe(MARK_FILL.error);
    expect(recordedFills(copy).D6).toBe(YELLOW);
    const cleared = await page(copy, true);
    expect(cellFills(cleared, SHEET).D6.rgb).toBe(YELLOW);
  }, 120_000);

  test("a re-check that no longer marks D6 (标准一 lowered to 0) gives it its yellow back", () => {
    const copy = annotateWithCli(saved, ["--set", "标准一=0"]);
    const fills = cellFills(copy, SHEET);
    expect(fills.D6.rgb).toBe(YELLOW);
    expect(recordedFills(copy).D6).toBeUndefined();
  }, 120_000);
});
