/**
 * Size without stack overflow: a 300,000-row sheet (past the ~120,000 arguments at which a
 * `Math.max(...list)` spread throws "Maximum call stack size exceeded") through every door's code
 * that walks records — the engine's verdicts and plans, the command line's table, JSON and report,
 * the task pane's view models, the formulas' argument reading and the file door's host.
 */
import { evaluateSheet, planResults, summarySheet } from "../src/engine";
import type { CellValue, SheetGrid, SheetResult } from "../src/engine/types";
import { getPack } from "../src/packs";
import { sheetJson } from "../src/cli/json";
import { pad, width } from "../src/cli/format";
import { reportRowsOf, sheetTable } from "../src/cli/render";
import { columnChoices, counts, rowGroups, withoutOwnResults } from "../src/taskpane/model";
import { line } from "../src/functions/args";

const ROWS = 300_000;
const HEADERS = ["工作室名称", "国家级科技比赛获奖数", "全国专项赛事获奖数", "参加青少年科技活动项数", "省级一等奖（项）", "省级二等奖（项）", "帮扶薄弱学校数", "参加科普周/科普日/承办竞赛次数", "市级创新大赛获奖数", "培训场次(场)", "新增骨干成员 数", "单位配套经费（元）"];

/** Most studios meet every standard; every 1,000th has a blank and an unreadable cell, so problems are listed too. */
function bigGrid(): SheetGrid {
  const rows: CellValue[][] = [["2024年度考核汇总表"], HEADERS];
  for (let i = 0; i < ROWS; i++) {
    const odd = i % 1000 === 7;
    rows.push([`工作室${i + 1}`, 1, 1, 1, odd ? null : 2, 0, 2, odd ? "若干" : 1, 3, 2, 3, "是"]);
  }
  // Excel's own longest cell as one studio's name: the table cuts it in one pass.
  rows[2][0] = "长".repeat(32_767);
  return { name: "考核", rows, origin: { row: 1, col: 1 }, merges: ["A1:L1"] };
}

let grid: SheetGrid;
let result: SheetResult;
const pack = getPack("studio-assessment")!;

beforeAll(() => {
  grid = bigGrid();
  result = evaluateSheet(grid, pack);
}, 120_000);

test("the engine decides and plans 300,000 records", () => {
  expect(result.summary.records).toBe(ROWS);
  expect(result.summary.ok + result.summary.warning + result.summary.error).toBe(ROWS);
  const odd = result.records[7];
  expect(odd.status).not.toBe("ok");
  expect(odd.issues.map((i) => i.cell)).toEqual(expect.arrayContaining(["E10", "H10"]));
  const plan = planResults(grid, result, pack);
  expect(plan.rows).toHaveLength(ROWS);
  expect(plan.marks.length).toBeGreaterThanOrEqual(2 * (ROWS / 1000));
  const summary = summarySheet([result], pack);
  expect(summary.rows.length).toBeGreaterThan(ROWS);
}, 120_000);

test("the command line's table, JSON and report plans over 300,000 records", () => {
  const json = sheetJson("big.xlsx", result);
  expect(json.records).toHaveLength(ROWS);
  const table = sheetTable("big.xlsx", result);
  const lines = table.split("\n");
  // A line per record, and the 32,767-character name cut to its column.
  expect(lines.filter((l) => /^ {2}\d+ /.test(l))).toHaveLength(ROWS);
  const first = lines.find((l) => l.startsWith("  3 "))!;
  expect(first).toContain("…");
  expect(width(first)).toBeLessThan(120);
  expect(table).toContain("E10 “省级一等奖");
  const plans = reportRowsOf([{ file: "big.xlsx", result }]);
  expect(plans[0].rows).toHaveLength(ROWS + 1);
}, 120_000);

test("the task pane's view models over 300,000 records", () => {
  expect(columnChoices(grid, [2]).map((c) => c.letter)).toEqual(["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L"]);
  expect(withoutOwnResults(grid)).toBe(grid);
  expect(rowGroups(result)).toHaveLength(ROWS);
  const c = counts(result, pack, "zh", { ok: "通过", warning: "需核实", error: "不通过" });
  expect(c.reduce((a, x) => a + x.value, 0)).toBe(ROWS);
}, 120_000);

test("a formula given a whole 300,000-row column reads it as one list", () => {
  const column = Array.from({ length: ROWS }, (_, i) => [i % 2 ? "是" : "否"]);
  expect(line(column, "values（数据）")).toHaveLength(ROWS);
});

test("width and pad are one pass over a long text", () => {
  const long = "工".repeat(100_000) + "abc";
  expect(width(long)).toBe(200_003);
  const cut = pad(long, 12);
  expect(width(cut)).toBe(12);
  expect(cut).toBe("工".repeat(5) + "…" + " ");
  expect(pad("😀x", 4)).toBe("😀x  ");
});
