/**
 * One vocabulary in every door, for the same workbook (examples/经费支出.xlsx, budget lines with
 * forbidden spending, an unknown word, a 课时费 without purpose and an over-spent studio-year):
 * the engine's statuses, the page's annotated copy (result words and the fill of each marked cell,
 * read from the copy's styles), Excel through the fake object model (words and fills), the command
 * line's JSON, its annotated copy (words and fills), its report (状态 and 级别), the pane's words,
 * filters and colours, and =KJ.BUDGETCHECK all say 通过 / 需核实 / 不通过 and 错误 / 提醒 alike,
 * with one colour per status.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { unzipSync } from "fflate";
import ExcelJS from "exceljs";
import { evaluateSheet, planResults } from "../src/engine";
import { MARK_FILL, SEVERITY_STATUS, STATUS_FILL, STATUS_WORDS, severityWord, statusWord } from "../src/engine/verdicts";
import type { Issue, SheetGrid } from "../src/engine/types";
import { getPack, builtinPacks } from "../src/packs";
import { fileDoor } from "../src/file/door";
import { readWorkbook, sheetGrid } from "../src/file/xlsx-read";
import { createExcelHost } from "../src/excel";
import { STRINGS } from "../src/taskpane/strings";
import { STATUS_COLOR } from "../src/taskpane/Charts";
import { budgetCheck } from "../src/functions/functions";
import { detectPacks } from "../src/engine";
import { FakeExcel, type Seed } from "./support/fake-excel";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin", "kj-assess.js");
const FILE = path.join(ROOT, "examples", "经费支出.xlsx");
const budget = getPack("studio-budget")!;

beforeAll(() => {
  spawnSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.node.json"], { cwd: ROOT, encoding: "utf8" });
});

function firstSheet(bytes: Uint8Array): SheetGrid {
  const r = readWorkbook(bytes);
  if (!r.ok) throw new Error(r.error.message);
  for (const s of r.workbook.sheets) {
    const g = sheetGrid(s);
    if (g.ok && detectPacks(g.grid, builtinPacks())[0]?.pack.id === budget.id) return g.grid;
  }
  throw new Error("no budget sheet");
}

const letter = (c: number) => String.fromCharCode(64 + c);

/** The fill colour (#RRGGBB) a cell of the copy shows: its s= → cellXfs → fillId → fgColor. */
function copyFill(bytes: Uint8Array, sheetPart: string, address: string): string | null {
  const files = unzipSync(bytes);
  const dec = new TextDecoder();
  const sheet = dec.decode(files[sheetPart]);
  const cell = new RegExp(`<c r="${address}"[^>]*>|<c r="${address}"[^>]*/>`).exec(sheet)?.[0];
  const s = cell ? Number(/\ss="(\d+)"/.exec(cell)?.[1] ?? 0) : 0;
  const styles = dec.decode(files["xl/styles.xml"]);
  const xfs = /<cellXfs[^>]*>([\s\S]*?)<\/cellXfs>/.exec(styles)![1].match(/<xf [^>]*>/g)!;
  const fillId = Number(/fillId="(\d+)"/.exec(xfs[s])?.[1] ?? 0);
  const fills = /<fills[^>]*>([\s\S]*?)<\/fills>/.exec(styles)![1].match(/<fill>[\s\S]*?<\/fill>|<fill\/>/g)!;
  const rgb = /fgColor rgb="FF([0-9A-F]{6})"/i.exec(fills[fillId] ?? "")?.[1];
  return rgb ? `#${rgb.toUpperCase()}` : null;
}

test("every door gives the same status words and colours for the same workbook", async () => {
  const bytes = new Uint8Array(fs.readFileSync(FILE));
  const grid = firstSheet(bytes);
  const result = evaluateSheet(grid, budget);
  const plan = planResults(grid, result, budget);
  const words = new Map(result.records.map((r) => [r.row, statusWord(r.status)]));
  const marks = new Map(plan.marks.map((m) => [m.address, MARK_FILL[m.severity]]));
  // The workbook exercises all three statuses and both severities.
  expect(new Set(result.records.map((r) => r.status))).toEqual(new Set(["ok", "warning", "error"]));
  expect(new Set(plan.marks.map((m) => m.severity))).toEqual(new Set(["error", "warning"]));
  // An issue is a 错误 only on a 不通过 record; a line's verdict is its own, never its group's.
  for (const r of result.records) if (r.status !== "error") expect(r.issues.filter((i: Issue) => i.severity === "error")).toEqual([]);
  expect(result.groups.some((g) => g.status === "error")).toBe(true);
  const resultCol = plan.startCol;

  // The page's annotated copy.
  const opened = await fileDoor.open(bytes, "经费支出.xlsx");
  if (!opened.ok) throw new Error(opened.message.zh);
  const pageGrid = await opened.host.readSheet(grid.name);
  await opened.host.writeResults(planResults(pageGrid, evaluateSheet(pageGrid, budget), budget));
  const copy = await fileDoor.annotated(opened.host);
  const copyGrid = firstSheet(copy);
  for (const [row, word] of words) expect([row, copyGrid.rows[row - copyGrid.origin.row][resultCol - copyGrid.origin.col]]).toEqual([row, word]);
  const part = Object.keys(unzipSync(copy)).find((k) => /worksheets\/sheet\d+\.xml$/.test(k) && new TextDecoder().decode(unzipSync(copy)[k]).includes(`r="${letter(resultCol)}`))!;
  for (const [address, fill] of marks) expect([address, copyFill(copy, part, address)]).toEqual([address, fill]);

  // Excel (fake object model).
  const fake = new FakeExcel();
  const restore = fake.install();
  try {
    fake.addSheet(grid.name, { rows: grid.rows.map((r) => r.map((v) => (typeof v === "object" && v !== null ? null : v))) as Seed[][], at: `${letter(grid.origin.col)}${grid.origin.row}` });
    const host = createExcelHost();
    const g = await host.readSheet(grid.name);
    await host.writeResults(planResults(g, evaluateSheet(g, budget), budget));
    const s = fake.sheet(grid.name);
    for (const [row, word] of words) expect([row, s.at(`${letter(resultCol)}${row}`)]).toEqual([row, word]);
    for (const [address, fill] of marks) expect([address, s.fillAt(address)]).toEqual([address, fill]);
  } finally {
    restore();
  }

  // The command line: JSON and the report.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-words-"));
  const report = path.join(dir, "报告.xlsx");
  const copies = path.join(dir, "副本");
  const run = spawnSync(process.execPath, [BIN, "check", FILE, "--json", "--report", report, "--annotate", copies], { encoding: "utf8", timeout: 120_000 });
  const json = JSON.parse(run.stdout) as { files: { sheet?: string; records?: { row: number; status: "ok" | "warning" | "error"; issues: { severity: "error" | "warning"; cell: string | null }[] }[] }[] };
  const entry = json.files.find((f) => f.sheet === grid.name)!;
  for (const r of entry.records!) expect([r.row, statusWord(r.status)]).toEqual([r.row, words.get(r.row)]);
  for (const r of entry.records!) for (const i of r.issues) if (i.cell && marks.has(i.cell) && i.severity === "error") expect(marks.get(i.cell)).toBe(STATUS_FILL.error);
  // The command line's annotated copy: the same words beside the data, the same colour on each marked cell.
  const cliCopy = new Uint8Array(fs.readFileSync(path.join(copies, fs.readdirSync(copies).find((f) => f.endsWith(".xlsx"))!)));
  const cliGrid = firstSheet(cliCopy);
  for (const [row, word] of words) expect([row, cliGrid.rows[row - cliGrid.origin.row][resultCol - cliGrid.origin.col]]).toEqual([row, word]);
  const cliPart = Object.keys(unzipSync(cliCopy)).find((k) => /worksheets\/sheet\d+\.xml$/.test(k) && new TextDecoder().decode(unzipSync(cliCopy)[k]).includes(`r="${letter(resultCol)}`))!;
  for (const [address, fill] of marks) expect([address, copyFill(cliCopy, cliPart, address)]).toEqual([address, fill]);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(report);
  const summary = wb.getWorksheet("汇总")!;
  const head = (summary.getRow(1).values as unknown[]).slice(1);
  const [rowAt, statusAt] = [head.indexOf("行") + 1, head.indexOf("状态") + 1];
  summary.eachRow((r, n) => {
    if (n > 1 && r.getCell(2).value === grid.name) expect([r.getCell(rowAt).value, r.getCell(statusAt).value]).toEqual([r.getCell(rowAt).value, words.get(Number(r.getCell(rowAt).value))]);
  });
  const issues = wb.getWorksheet("问题清单")!;
  const levels = new Set<unknown>();
  issues.eachRow((r, n) => n > 1 && levels.add(r.getCell(6).value));
  expect([...levels].every((l) => l === severityWord("error") || l === severityWord("warning"))).toBe(true);

  // The pane: badges, filters, legend and chart colours; and the formula.
  for (const lang of ["zh", "en"] as const) {
    const s = STRINGS[lang];
    expect([s.statusOk, s.statusWarning, s.statusError]).toEqual([STATUS_WORDS.ok[lang], STATUS_WORDS.warning[lang], STATUS_WORDS.error[lang]]);
    expect([s.filterErrors, s.filterWarnings]).toEqual([STATUS_WORDS.error[lang], STATUS_WORDS.warning[lang]]);
  }
  expect(STATUS_COLOR).toEqual(STATUS_FILL);
  expect(MARK_FILL).toEqual({ error: STATUS_FILL[SEVERITY_STATUS.error], warning: STATUS_FILL[SEVERITY_STATUS.warning] });
  expect(budgetCheck("礼品", 500, "慰问")).toMatch(new RegExp(`^${statusWord("error")}：`));
  expect(budgetCheck("讲课费", 800, null)).toMatch(new RegExp(`^${statusWord("warning")}：`));
  expect(budgetCheck("讲课费", 800, "送教下乡")).toBe(statusWord("ok"));
}, 180_000);
