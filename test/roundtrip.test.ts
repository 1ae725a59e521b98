/**
 * The round trip across doors, on a real submission (examples/考核-证据数量.xlsx): the web page
 * checks with 优秀 lowered to 8 and hands out an annotated copy; the copy is checked again with the
 * default thresholds (replaced in place, not beside); Excel (the fake object model) opens the copy,
 * recognises the results as ours, re-checks in place and 清除结果 removes exactly them; the page
 * clears a copy and the command line checks it; and the other way round, command line first. The
 * record travels in the workbook's add-in settings and on 校验记录, one line per check.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { evaluateSheet, planResults } from "../src/engine";
import { checkedSheet, checkRecord, RECORDS_KEY, RECORD_SHEET, parseRecords } from "../src/engine/record";
import type { CellValue, ParamOverrides, SheetGrid } from "../src/engine/types";
import { getPack } from "../src/packs";
import { fileDoor } from "../src/file/door";
import { FileWorkbookHost } from "../src/file/host";
import { addinSettingsOf } from "../src/file/addin-part";
import { readWorkbook, sheetGrid } from "../src/file/xlsx-read";
import { LEDGER_KEY, parseLedger, SETTINGS_KEY } from "../src/excel/ledger";
import { createExcelHost } from "../src/excel";
import { withoutOwnResults } from "../src/taskpane/model";
import { MARK_FILL } from "../src/engine/verdicts";
import { FakeExcel, type Seed } from "./support/fake-excel";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin", "kj-assess.js");
const EXAMPLE = path.join(ROOT, "examples", "考核-证据数量.xlsx");
const SHEET = "2024年度考核";
const pack = getPack("studio-assessment")!;

beforeAll(() => {
  spawnSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.node.json"], { cwd: ROOT, encoding: "utf8" });
});

function grids(bytes: Uint8Array): Map<string, SheetGrid> {
  const r = readWorkbook(bytes);
  if (!r.ok) throw new Error(r.error.message);
  const out = new Map<string, SheetGrid>();
  for (const s of r.workbook.sheets) {
    const g = sheetGrid(s);
    if (g.ok) out.set(s.name, g.grid);
  }
  return out;
}

const at = (g: SheetGrid, row: number, col: number): CellValue => g.rows[row - g.origin.row]?.[col - g.origin.col] ?? null;

/** Header row cells (row 2) as text. */
function headerRow(bytes: Uint8Array): string[] {
  const g = grids(bytes).get(SHEET)!;
  return (g.rows[2 - g.origin.row] ?? []).map((v) => (v === null ? "" : String(v)));
}

function gradeColumn(bytes: Uint8Array): CellValue[] {
  const g = grids(bytes).get(SHEET)!;
  const col = headerRow(bytes).indexOf("等级") + g.origin.col;
  return [3, 4, 5, 6, 8, 9, 10, 11].map((r) => at(g, r, col));
}

function recordSheetLines(bytes: Uint8Array): CellValue[][] {
  const g = grids(bytes).get(RECORD_SHEET);
  return g ? g.rows.filter((r) => r.some((v) => v !== null)).slice(1) : [];
}

/** The page: open, check the sheet with these thresholds (saved in the workbook), record, download the copy. */
async function page(bytes: Uint8Array, params: ParamOverrides, opts: { clear?: boolean } = {}): Promise<Uint8Array> {
  const opened = await fileDoor.open(bytes, "考核.xlsx");
  if (!opened.ok) throw new Error(opened.message.zh);
  const host = opened.host as FileWorkbookHost;
  if (opts.clear) {
    const r = await host.clearResults();
    expect(r.cellsCleared).toBeGreaterThan(0);
    return fileDoor.annotated(host);
  }
  await host.saveSettings({ pack: pack.id, sheet: SHEET, params });
  const grid = await host.readSheet(SHEET);
  const result = evaluateSheet(grid, pack, { params });
  const outcome = await host.writeResults(planResults(grid, result, pack));
  expect(outcome.placement).toBe("columns");
  await host.recordCheck(checkRecord("page", [checkedSheet(result, pack, params)]));
  return fileDoor.annotated(host);
}

function cli(file: string, args: string[]): Uint8Array {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-rt-"));
  const r = spawnSync(process.execPath, [BIN, "check", file, "--annotate", dir, ...args], { encoding: "utf8", timeout: 120_000 });
  expect(r.stderr).toContain("已写出");
  const out = fs.readdirSync(dir).find((f) => f.endsWith(".xlsx"))!;
  return new Uint8Array(fs.readFileSync(path.join(dir, out)));
}

function tmpFile(bytes: Uint8Array, name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-rt-in-"));
  const f = path.join(dir, name);
  fs.writeFileSync(f, bytes);
  return f;
}

/** Excel with the workbook open: every sheet's values, and the add-in's document settings from the file. */
function openInExcel(bytes: Uint8Array): { fake: FakeExcel; restore: () => void } {
  const fake = new FakeExcel();
  const restore = fake.install();
  for (const [name, g] of grids(bytes)) {
    const rows = g.rows.map((r) => r.map((v) => (typeof v === "object" && v !== null ? null : v))) as Seed[][];
    fake.addSheet(name, { rows, at: `${String.fromCharCode(64 + g.origin.col)}${g.origin.row}` });
  }
  for (const [k, v] of Object.entries(addinSettingsOf(bytes))) fake.settings.set(k, v);
  return { fake, restore };
}

describe("round trip: page → copy → add-in → clear → command line, thresholds changed mid-way", () => {
  const original = new Uint8Array(fs.readFileSync(EXAMPLE));
  const firstResultCol = headerRow(original).length + 1;

  test("each door replaces the results in place, clears exactly them, and the record shows every check", async () => {
    // 1. The page, with 优秀 lowered to 8.
    const copy1 = await page(original, { excellentMin: 8 });
    expect(headerRow(copy1).slice(firstResultCol - 1)).toEqual(["得分", "等级", "未达标项", "校验说明"]);
    const graded8 = gradeColumn(copy1);
    const stored1 = addinSettingsOf(copy1);
    expect(stored1[SETTINGS_KEY]).toMatchObject({ pack: pack.id, sheet: SHEET, params: { excellentMin: 8 } });
    expect(parseLedger(stored1[LEDGER_KEY]).sheets.map((e) => e.id)).toEqual([SHEET]);
    expect(parseRecords(stored1[RECORDS_KEY])).toHaveLength(1);
    let lines = recordSheetLines(copy1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toEqual(expect.arrayContaining(["网页版", SHEET, "名师工作室年度考核", "优秀：至少达标条数：8（默认 9）"]));

    // 2. The copy checked again in the page with the defaults: same columns, new verdicts, a second record line.
    const copy2 = await page(copy1, {});
    expect(headerRow(copy2).filter((h) => h === "得分")).toHaveLength(1);
    expect(headerRow(copy2).indexOf("得分") + 1).toBe(firstResultCol);
    const graded9 = gradeColumn(copy2);
    expect(graded9).not.toEqual(graded8);
    expect(graded8.filter((g) => g === "优秀").length).toBeGreaterThan(graded9.filter((g) => g === "优秀").length);
    lines = recordSheetLines(copy2);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain("（均为默认值）");
    expect(parseRecords(addinSettingsOf(copy2)[RECORDS_KEY])).toHaveLength(2);

    // 3. Excel opens the copy: its results are recognised as ours, replaced in place, then cleared exactly.
    const { fake, restore } = openInExcel(copy2);
    try {
      const host = createExcelHost();
      const grid = withoutOwnResults(await host.readSheet(SHEET));
      const result = evaluateSheet(grid, pack, { params: { excellentMin: 7 } });
      const outcome = await host.writeResults(planResults(grid, result, pack));
      expect(outcome.placement).toBe("columns");
      expect(outcome.range).toContain(`!${String.fromCharCode(64 + firstResultCol)}2:`);
      await host.recordCheck!(checkRecord("excel", [checkedSheet(result, pack, { excellentMin: 7 })]));
      const s = fake.sheet(SHEET);
      expect(s.at(`${String.fromCharCode(64 + firstResultCol)}2`)).toBe("得分");
      const marked = s;
      const cleared = await host.clearResults();
      expect(cleared.cellsCleared).toBeGreaterThan(0);
      for (let c = firstResultCol; c < firstResultCol + 4; c++) for (let r = 2; r <= 12; r++) expect(marked.at(`${String.fromCharCode(64 + c)}${r}`)).toBeNull();
      // The data is untouched and no mark is left.
      const data = grids(original).get(SHEET)!;
      expect(marked.at("B3")).toBe(at(data, 3, 2));
      expect([...Array(12).keys()].flatMap((i) => [...Array(firstResultCol).keys()].map((j) => marked.fillAt(`${String.fromCharCode(65 + j)}${i + 1}`))).filter((f) => f === MARK_FILL.error || f === MARK_FILL.warning)).toEqual([]);
      // The record sheet stays (清除结果 is not for the record), with the Excel check's line appended.
      const rec = fake.sheet(RECORD_SHEET);
      expect(rec.at("B4")).toBe("Excel 加载项");
      expect(rec.at("B3")).toBe("网页版");
    } finally {
      restore();
    }

    // 4. The page clears a copy: nothing of ours is left, marks included; then the command line checks it with 优秀=8 by name.
    const cleared = await page(copy2, {}, { clear: true });
    expect(headerRow(cleared)).toEqual(headerRow(original));
    for (const [name, g] of grids(original)) expect(grids(cleared).get(name)!.rows).toEqual(g.rows);
    const copy3 = cli(tmpFile(cleared, "考核-已清除.xlsx"), ["--set", "优秀=8"]);
    expect(headerRow(copy3).indexOf("得分") + 1).toBe(firstResultCol);
    expect(gradeColumn(copy3)).toEqual(graded8);
    lines = recordSheetLines(copy3);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toEqual(expect.arrayContaining(["命令行", "优秀：至少达标条数：8（默认 9）"]));
  }, 180_000);

  test("the other way: command line (by parameter id) → page re-check → command line again, replaced in place", async () => {
    const copyA = cli(tmpFile(original, "考核.xlsx"), ["--set", "excellentMin=8", "--set", "标准一=0"]);
    const stored = addinSettingsOf(copyA);
    expect(parseRecords(stored[RECORDS_KEY])[0].sheets[0].params.filter((p) => p.changed).map((p) => [p.id, p.value])).toEqual([
      ["std1Min", 0],
      ["excellentMin", 8],
    ]);
    const copyB = await page(copyA, {});
    expect(headerRow(copyB).filter((h) => h === "得分")).toHaveLength(1);
    expect(gradeColumn(copyB)).toEqual(gradeColumn(await page(original, {})));
    const copyC = cli(tmpFile(copyB, "考核-复核.xlsx"), []);
    expect(headerRow(copyC).indexOf("得分") + 1).toBe(firstResultCol);
    expect(recordSheetLines(copyC).map((l) => l[1])).toEqual(["命令行", "网页版", "命令行"]);
  }, 180_000);
});
