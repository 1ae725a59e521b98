/**
 * The bundled example workbooks (examples/*.xlsx, written by scripts/make-examples.ts) against the
 * verdicts worked out by hand in examples/README.md: read through the file door, the pack found by
 * detection (nobody tells the engine which pack), evaluated by the engine. Every line of the README's
 * tables is one line here.
 */
import * as fs from "fs";
import * as path from "path";
import { detectPacks, evaluateSheet } from "../src/engine";
import type { SheetResult } from "../src/engine/types";
import { builtinPacks, getPack, rosterPack } from "../src/packs";
import { buildLedger } from "../src/engine/term/ledger";
import { yearFlags } from "../src/engine/term/sheet";
import { readWorkbook, sheetGrid } from "../src/file/xlsx-read";

const EXAMPLES = path.resolve(__dirname, "..", "examples");

/** Every sheet of an example that some pack fits, evaluated with the pack detection chose. */
function check(file: string): Map<string, SheetResult> {
  const r = readWorkbook(new Uint8Array(fs.readFileSync(path.join(EXAMPLES, file))));
  if (!r.ok) throw new Error(`${file}: ${r.error.message}`);
  const out = new Map<string, SheetResult>();
  for (const entry of r.workbook.sheets) {
    const g = sheetGrid(entry);
    if (!g.ok) throw new Error(`${file} ${entry.name}: ${g.error.message}`);
    const best = detectPacks(g.grid, builtinPacks())[0];
    if (best) out.set(entry.name, evaluateSheet(g.grid, best.pack));
  }
  return out;
}

function sheetOf(file: string, sheet: string): SheetResult {
  const r = check(file).get(sheet);
  if (!r) throw new Error(`${file}: no pack detected for sheet ${sheet}`);
  return r;
}

/** [row, grade, met, status, failed (joined with 、), hidden?] */
type Expected = [number, string | null, number | null, "ok" | "warning" | "error", string, boolean?];

function rows(r: SheetResult) {
  return r.records.map((x): Expected => {
    const e: Expected = [x.row, x.grade, x.met, x.status, x.failed.join("、")];
    if (x.hidden) e.push(true);
    return e;
  });
}

/** The issues that are not simply "this standard is not met": unreadable, missing, out of scope … as [cell, code, severity]. */
function cellProblems(r: SheetResult) {
  return r.records.flatMap((x) => x.issues.filter((i) => i.code !== "criterion-failed").map((i) => [i.cell, i.code, i.severity]));
}

describe("examples/考核-证据数量.xlsx (studio-assessment, evidence counts)", () => {
  const r = sheetOf("考核-证据数量.xlsx", "2024年度考核");

  test("detected as the assessment, header row 2 below the merged title", () => {
    expect(r.pack).toBe("studio-assessment");
    expect(r.headerRow).toBe(2);
    expect(r.unmatched).toEqual([]);
  });

  test("grades per row as worked by hand", () => {
    expect(rows(r)).toEqual([
      [3, "优秀", 10, "ok", ""],
      [4, "优秀", 9, "ok", "一"],
      [5, "合格", 7, "ok", "一、二、四"],
      [6, "不合格", 2, "error", "一、二、四、五、七、八、九、十"],
      [8, "合格", 8, "warning", "二、六"],
      [9, "优秀", 10, "ok", "", true],
      [10, "不合格", 5, "error", "一、四、七、九、十"],
      [11, "优秀", 10, "ok", ""],
    ]);
  });

  test("the blank row and the 合计 row are skipped, and said so", () => {
    expect(r.skipped).toEqual([
      { row: 7, reason: "blank" },
      { row: 12, reason: "total" },
    ]);
  });

  // A cell on a row that still passes is a 提醒 (the row is 需核实); on a 不合格 row it is a 错误.
  test("若干 is reported where it is, with the text found; the blank 十 too", () => {
    expect(cellProblems(r)).toEqual([
      ["J8", "unreadable", "warning"],
      ["N10", "missing", "error"],
    ]);
    const unreadable = r.records.find((x) => x.row === 8)!.issues.find((i) => i.code === "unreadable")!;
    expect(unreadable).toMatchObject({ text: "若干", source: "第十六条（六）" });
    expect(unreadable.message.zh).toContain("若干");
  });

  test("summary", () => {
    expect(r.summary).toEqual({ records: 8, ok: 5, warning: 1, error: 2, grades: { 优秀: 4, 合格: 2, 不合格: 2 } });
  });
});

describe("examples/考核-逐条是否.xlsx (studio-assessment, one 是/否 column per standard)", () => {
  const r = sheetOf("考核-逐条是否.xlsx", "逐条考核");

  test("headers like （四）省赛一等奖2项或二等奖4项 and 标准八 are the ten standards", () => {
    expect(r.pack).toBe("studio-assessment");
    expect(r.headerRow).toBe(2);
    const byField = Object.fromEntries(r.columns.map((c) => [c.field, c.header]));
    expect(byField.std4).toBe("（四）省赛一等奖2项或二等奖4项");
    expect(byField.std8).toBe("标准八");
    expect(byField.std10).toBe("标准十");
  });

  test("grades per row: √ ✓ 1 有 Y 对 are 是, × ✗ 0 无 错 are 否, a cached formula text counts", () => {
    expect(rows(r)).toEqual([
      [3, "优秀", 10, "ok", ""],
      [4, "优秀", 9, "ok", "一"],
      [5, "合格", 7, "ok", "一、二、四"],
      [6, "不合格", 3, "error", "一、二、四、五、七、八、九"],
      [7, "优秀", 9, "warning", "六"],
      [8, "合格", 7, "warning", "二、四、七"],
      [10, "合格", 7, "ok", "一、四、七"],
      [11, "优秀", 9, "ok", "九", true],
      [12, "合格", 8, "ok", "二、五"],
      [13, "不合格", 5, "error", "一、二、四、七、九"],
    ]);
  });

  test("a blank standard and 待定 are reported, never taken as met", () => {
    expect(cellProblems(r)).toEqual([
      ["G7", "missing", "warning"],
      ["H8", "unreadable", "warning"],
    ]);
    expect(r.skipped).toEqual([
      { row: 9, reason: "blank" },
      { row: 14, reason: "total" },
    ]);
    expect(r.summary).toEqual({ records: 10, ok: 6, warning: 2, error: 2, grades: { 优秀: 4, 合格: 4, 不合格: 2 } });
  });
});

describe("examples/考核-两行表头.xlsx (studio-assessment, two-row header)", () => {
  const r = sheetOf("考核-两行表头.xlsx", "考核");

  test("省级竞赛获奖（项） over 一等奖 / 二等奖: the header ends on row 3", () => {
    expect(r.headerRow).toBe(3);
    const byField = Object.fromEntries(r.columns.map((c) => [c.field, c.letter]));
    expect(byField).toMatchObject({ provFirst: "E", provSecond: "F", cityAwards: "I", funding: "L" });
  });

  test("grades per row as worked by hand", () => {
    expect(rows(r)).toEqual([
      [4, "优秀", 10, "ok", ""],
      [5, "不合格", 2, "error", "一、二、四、五、七、八、九、十"],
      [6, "优秀", 10, "ok", ""],
      [7, "合格", 7, "ok", "一、四、九"],
      [9, "合格", 8, "warning", "二、十"],
      [10, "优秀", 10, "ok", "", true],
      [11, "不合格", 3, "error", "一、二、四、五、七、九、十"],
    ]);
  });

  test("a cached #N/A is unreadable, a blank is missing; blank and 合计 rows skipped", () => {
    expect(cellProblems(r)).toEqual([
      ["L9", "unreadable", "warning"],
      ["L11", "missing", "error"],
    ]);
    expect(r.records.find((x) => x.row === 9)!.issues.find((i) => i.code === "unreadable")!.message.zh).toContain("#N/A");
    expect(r.skipped).toEqual([
      { row: 8, reason: "blank" },
      { row: 12, reason: "total" },
    ]);
    expect(r.summary).toEqual({ records: 7, ok: 4, warning: 1, error: 2, grades: { 优秀: 3, 合格: 2, 不合格: 2 } });
  });
});

describe("examples/经费支出.xlsx (studio-budget)", () => {
  const r = sheetOf("经费支出.xlsx", "经费支出");

  test("one verdict per expense row as worked by hand", () => {
    expect(r.pack).toBe("studio-budget");
    expect(r.records.map((x) => [x.row, x.label, x.status, !!x.hidden])).toEqual([
      [3, "新海工作室", "ok", false],
      [4, "新海工作室", "ok", false],
      [5, "新海工作室", "ok", false],
      [6, "新海工作室", "ok", false],
      [7, "墟沟工作室", "error", false],
      [8, "墟沟工作室", "error", false],
      [9, "墟沟工作室", "warning", false],
      [11, "墟沟工作室", "ok", false],
      [12, "白塔工作室", "warning", false],
      [13, "白塔工作室", "error", false],
      [14, "赣榆工作室", "ok", false],
      [15, "赣榆工作室", "ok", false],
      [16, "赣榆工作室", "ok", true],
      [17, "赣榆工作室", "ok", false],
    ]);
  });

  test("设备购置费 and 礼品 out of scope, 讲课费 for 日常备课 questioned, 办公用品 for review, 若干 unreadable", () => {
    expect(cellProblems(r)).toEqual([
      ["D7", "forbidden-category", "error"],
      ["D8", "forbidden-category", "error"],
      ["F8", "forbidden-purpose", "error"],
      ["F9", "purpose-mismatch", "warning"],
      ["D12", "unknown-category", "warning"],
      ["E13", "unreadable", "error"],
    ]);
    for (const i of r.records.flatMap((x) => x.issues)) expect(i.source).toBe("第二十一条");
  });

  test("per studio and year: over the limit, near it (98 %), just under 90 %, and matching funds raising the limit", () => {
    expect(r.groups.map((g) => [g.key.studio, g.key.year, g.spent, g.limit, g.status, g.issues.map((i) => i.code)])).toEqual([
      ["新海工作室", 2024, 11800, 12000, "warning", ["near-limit"]],
      ["墟沟工作室", 2024, 23300, 10000, "error", ["over-limit"]],
      ["白塔工作室", 2024, 300, 10000, "ok", []],
      ["赣榆工作室", 2024, 8900, 10000, "ok", []],
    ]);
  });

  test("blank and 合计 rows skipped; summary", () => {
    expect(r.skipped).toEqual([
      { row: 10, reason: "blank" },
      { row: 18, reason: "total" },
    ]);
    expect(r.summary).toEqual({ records: 14, ok: 9, warning: 2, error: 3, grades: {} });
  });
});

describe("examples/申报资格.xlsx (studio-application)", () => {
  const all = check("申报资格.xlsx");

  test("three sheets, each detected as the application", () => {
    expect([...all.keys()]).toEqual(["学校", "主持人", "成员"]);
    for (const r of all.values()) expect(r.pack).toBe("studio-application");
  });

  test("符合 / 不符合 per school, host and member, with the failed condition's cell", () => {
    const v = (sheet: string) => all.get(sheet)!.records.map((x) => [x.row, x.label, x.grade, x.issues.map((i) => i.cell)]);
    expect(v("学校")).toEqual([
      [3, "海州区新海实验中学", "符合", []],
      [4, "连云区墟沟小学", "不符合", ["C4"]],
      [5, "东海县某培训中心", "不符合", ["B5"]],
    ]);
    expect(v("主持人")).toEqual([
      [3, "王建国", "符合", []],
      [4, "李敏", "符合", []],
      [5, "张伟", "不符合", ["F5"]],
    ]);
    expect(v("成员")).toEqual([
      [3, "陈静", "符合", []],
      [4, "杨帆", "符合", []],
      [5, "赵丽", "符合", []],
      [6, "孙强", "不符合", ["D6"]],
      [7, "周敏", "不符合", ["C7"]],
      [8, "吴刚", "不符合", ["H8"]],
    ]);
  });

  test("six members is a warning for the sheet (第二条), not an error", () => {
    expect(all.get("成员")!.problems.map((p) => [p.code, p.severity, p.source])).toEqual([["record-count", "warning", "第二条"]]);
    expect(all.get("学校")!.problems).toEqual([]);
  });
});

describe("examples/教学常规.xlsx (teacher-routine)", () => {
  const all = check("教学常规.xlsx");
  const v = (sheet: string) => all.get(sheet)!.records.map((x): Expected => {
    const e: Expected = [x.row, x.grade, x.met, x.status, x.failed.join("、")];
    if (x.hidden) e.push(true);
    return e;
  });

  test("teachers: 15 lessons under 3 years of teaching, else 8; reflections one a month, 800 字 each", () => {
    expect(all.get("教师常规")!.headerRow).toBe(2);
    expect(v("教师常规")).toEqual([
      [3, "达标", 3, "ok", ""],
      [4, "未达标", 2, "error", "observe"],
      [5, "达标", 3, "ok", ""],
      [6, "未达标", 2, "error", "reflection-count"],
      [7, "未达标", 2, "error", "reflection-length"],
      [9, "达标", 3, "ok", ""],
      [10, "未达标", 2, "error", "observe"],
      [11, "达标", 3, "ok", "", true],
      [12, "达标", 3, "ok", ""],
    ]);
    expect(cellProblems(all.get("教师常规")!)).toEqual([["E10", "unreadable", "error"]]);
    expect(all.get("教师常规")!.skipped).toEqual([
      { row: 8, reason: "blank" },
      { row: 13, reason: "total" },
    ]);
  });

  test("research staff per week and study trips", () => {
    expect(v("教研员")).toEqual([
      [3, "达标", 2, "ok", ""],
      [4, "未达标", 1, "error", "staff-observe"],
      [5, "未达标", 1, "error", "staff-plans"],
      [6, "达标", 2, "ok", ""],
    ]);
    expect(v("外出考察")).toEqual([
      [3, "达标", 2, "ok", ""],
      [4, "未达标", 1, "error", "trip-report"],
      [5, "未达标", 1, "error", "trip-news"],
    ]);
  });
});

describe("examples/周期台账.xlsx (the term ledger over roster, three years of assessments and spending)", () => {
  const r = readWorkbook(new Uint8Array(fs.readFileSync(path.join(EXAMPLES, "周期台账.xlsx"))));
  if (!r.ok) throw new Error(r.error.message);
  const grids = r.workbook.sheets.map((e) => {
    const g = sheetGrid(e);
    if (!g.ok) throw new Error(g.error.message);
    return { grid: g.grid };
  });
  const ledger = buildLedger(grids, { assessment: getPack("studio-assessment")!, budget: getPack("studio-budget")!, roster: rosterPack() });
  /** [studio, term year, 年度, grade, met, subsidy, limit, spent, next subsidy, flags, status] — README's table. */
  const lines = ledger.studios.flatMap((s) => s.years.map((y) => [s.studio, y.termYear, y.year, y.grade, y.met, y.subsidy, y.limit, y.spent, y.nextSubsidy, yearFlags(y).join("、"), y.status]));

  test("every studio-year as in the README", () => {
    expect(lines).toEqual([
      ["东海县白塔高级中学刘洋工作室", 1, 2023, "合格", 7, 10000, 10000, 2000, 10000, "", "ok"],
      ["东海县白塔高级中学刘洋工作室", 2, 2024, null, null, 10000, 10000, null, null, "", "warning"],
      ["东海县白塔高级中学刘洋工作室", 3, 2025, "合格", 7, null, null, 800, 0, "期满", "warning"],
      ["赣榆区实验中学张伟工作室", 1, 2023, "不合格", 4, 10000, 10000, 4000, 0, "", "error"],
      ["赣榆区实验中学张伟工作室", 2, 2024, "合格", 7, 0, 1000, 1500, 10000, "超支", "error"],
      ["赣榆区实验中学张伟工作室", 3, 2025, "不合格", 4, 10000, 10000, null, 0, "撤销风险、期满", "error"],
      ["海州区新海实验中学王建国工作室", 1, 2023, "优秀", 10, 10000, 12000, 7000, 10000, "优先推荐", "ok"],
      ["海州区新海实验中学王建国工作室", 2, 2024, "优秀", 10, 10000, 12000, 6200, 10000, "优先推荐", "ok"],
      ["海州区新海实验中学王建国工作室", 3, 2025, "合格", 7, 10000, 12000, 8600, 0, "期满", "ok"],
      ["连云区墟沟中学李敏工作室", 1, 2023, "合格", 7, 10000, 10000, 6000, 10000, "", "warning"],
      ["连云区墟沟中学李敏工作室", 2, 2024, "不合格", 4, 10000, 10000, 2000, 0, "", "error"],
      ["连云区墟沟中学李敏工作室", 3, 2025, "合格", 7, 0, 2000, 3000, 0, "期满、超支", "error"],
    ]);
  });

  test("the short names are matched and listed for confirmation; the late report is named", () => {
    expect(ledger.names.map((n) => [n.name, n.studio, n.how]).sort()).toEqual(
      [
        ["新海工作室", "海州区新海实验中学王建国工作室", "partial"],
        ["墟沟中学李敏工作室", "连云区墟沟中学李敏工作室", "partial"],
        ["李敏工作室", "连云区墟沟中学李敏工作室", "partial"],
        ["墟沟工作室", "连云区墟沟中学李敏工作室", "partial"],
        ["张伟工作室", "赣榆区实验中学张伟工作室", "partial"],
        ["赣榆工作室", "赣榆区实验中学张伟工作室", "partial"],
        ["白塔高级中学刘洋工作室", "东海县白塔高级中学刘洋工作室", "partial"],
        ["白塔工作室", "东海县白塔高级中学刘洋工作室", "partial"],
      ].sort(),
    );
    const li = ledger.studios.find((s) => s.studio === "连云区墟沟中学李敏工作室")!;
    expect(li.years[0].notes.map((n) => n.message.zh)).toContain("预算报告2023-09-15报送，晚于截止日期2023-09-08");
    expect(ledger.problems).toEqual([]);
  });
});

test("every example workbook is covered here", () => {
  const files = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith(".xlsx")).sort();
  expect(files).toEqual(["教学常规.xlsx", "申报资格.xlsx", "经费支出.xlsx", "考核-两行表头.xlsx", "考核-证据数量.xlsx", "考核-逐条是否.xlsx", "周期台账.xlsx"].sort());
});
