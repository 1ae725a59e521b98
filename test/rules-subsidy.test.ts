/**
 * THE subsidy rule (第十九、二十二条) and the one grade reader, through the engine, the budget
 * sheet's studio-year groups and =KJ.SUBSIDY: what must be paid and what must not, the grade texts
 * officials type, and the cases where nothing may be assumed.
 */
import { evaluateSheet, readGrade, subsidyFor } from "../src/engine";
import { getPack } from "../src/packs";
import { subsidy } from "../src/functions/functions";
import { FormulaError } from "../src/functions/runtime";
import type { CellValue, SheetGrid } from "../src/engine/types";

const budget = getPack("studio-budget")!;

function formulaFails(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FormulaError);
    return { code: (e as FormulaError).code, message: (e as FormulaError).message };
  }
  throw new Error("expected the formula to return an error");
}

describe("the grade reader", () => {
  test.each(["不合格", "考核不合格", "不合格（5条）", " 不合格 ", "差", "较差", "×", "✗", "未通过"])("%s is 不合格", (t) => {
    expect(readGrade(t)).toEqual({ ok: true, value: "unqualified" });
  });
  test.each(["优秀", "优秀（9条）", "考核优秀"])("%s is 优秀", (t) => expect(readGrade(t)).toEqual({ ok: true, value: "excellent" }));
  test.each(["合格", "合格（7条）", "考核合格"])("%s is 合格", (t) => expect(readGrade(t)).toEqual({ ok: true, value: "qualified" }));
  test.each(["基本合格", "良好", "待定", 7, "是"])("%s is not a grade: reported, never assumed", (t) => {
    const r = readGrade(t);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.missing).toBe(false);
      expect(r.reason.zh).toContain("不是考核等级");
    }
  });
  test("blank is missing", () => {
    expect(readGrade(null)).toMatchObject({ ok: false, missing: true });
    expect(readGrade("  ")).toMatchObject({ ok: false, missing: true });
  });
});

describe("the subsidy rule", () => {
  const amount = (y: CellValue, g: CellValue = null) => {
    const r = subsidyFor(budget, y, g);
    if (!r.ok) throw new Error(r.reason.zh);
    return r.value;
  };
  test("paid in years 1–3 after a pass; year 1 needs no previous grade", () => {
    expect(amount(1).amount).toBe(10000);
    expect(amount("第二年", "合格").amount).toBe(10000);
    expect(amount(3, "优秀（9条）").amount).toBe(10000);
  });
  test.each(["不合格", "考核不合格", "不合格（5条）", "差", "×"])("not paid in the year after %s (第二十二条)", (g) => {
    const d = amount(2, g);
    expect(d).toMatchObject({ amount: 0, status: "ok", source: "第二十二条", previousGrade: "unqualified" });
    expect(d.reason.zh).toContain("次年不再拨付");
  });
  test("not paid from year 4 (第十九条: 连续安排3年)", () => {
    expect(amount(4, "优秀")).toMatchObject({ amount: 0, source: "第十九条" });
    expect(amount("第五年", null).amount).toBe(0);
  });
  test("a blank or unreadable previous grade in years 2–3 is reported, not assumed", () => {
    expect(amount(2, null)).toMatchObject({ amount: null, status: "warning" });
    expect(amount(2, null).reason.zh).toContain("上一年度考核等级未填写");
    expect(amount(3, "基本合格")).toMatchObject({ amount: null, status: "warning" });
    expect(amount(3, "基本合格").reason.zh).toContain("基本合格");
  });
  test("the term years and the amount follow the official's thresholds", () => {
    const r = subsidyFor(budget, 4, "合格", { subsidyYears: 4, subsidy: 20000 });
    expect(r.ok && r.value.amount).toBe(20000);
  });
  test("an unreadable term year fails", () => {
    expect(subsidyFor(budget, "明年", null).ok).toBe(false);
    expect(subsidyFor(budget, 0, null).ok).toBe(false);
  });
});

describe("=KJ.SUBSIDY", () => {
  test("pays and stops as the rule says", () => {
    expect(subsidy(1)).toBe(10000);
    expect(subsidy(2, [["合格"]])).toBe(10000);
    expect(subsidy(2, [["考核不合格"]])).toBe(0);
    expect(subsidy(3, [["不合格（5条）"]])).toBe(0);
    expect(subsidy(2, [["差"]])).toBe(0);
    expect(subsidy(2, [["×"]])).toBe(0);
    expect(subsidy(4, [["优秀"]])).toBe(0);
  });
  test("a blank previous grade is #N/A with the reason, never 10000", () => {
    const e = formulaFails(() => subsidy(2));
    expect(e.code).toBe("#N/A");
    expect(e.message).toContain("上一年度考核等级未填写");
    expect(formulaFails(() => subsidy(2, [[""]])).code).toBe("#N/A");
  });
  test("a previous grade that is no grade is #VALUE! naming the text", () => {
    const e = formulaFails(() => subsidy(3, [["良好"]]));
    expect(e.code).toBe("#VALUE!");
    expect(e.message).toContain("良好");
  });
});

function grid(headers: string[], rows: CellValue[][]): SheetGrid {
  return { name: "经费", rows: [["工作室经费支出明细"], headers, ...rows], origin: { row: 1, col: 1 } };
}

describe("budget groups: each studio-year's limit follows the subsidy rule", () => {
  const headers = ["工作室名称", "年度", "管理期第几年", "上年度考核等级", "支出类别", "金额（元）", "用途说明", "单位配套经费（元）"];
  const r = evaluateSheet(
    grid(headers, [
      ["新海工作室", 2024, 1, null, "讲课费", 6000, "送教下乡", 2000],
      ["新海工作室", 2025, 2, "不合格（5条）", "餐费", 3000, "培训", 2000], // no subsidy: limit 2000
      ["灌南工作室", 2025, 4, "优秀", "餐费", 500, "培训", null], // year 4: no subsidy, no matching
      ["赣榆工作室", 2025, 2, "合格", "餐费", 9000, "培训", 1000], // 9000 of 11000
      ["东海工作室", 2025, 3, null, "餐费", 500, "培训", null], // grade blank: reported
    ]),
    budget,
  );
  test("year 1 pays 10,000 + matching", () => {
    const g = r.groups.filter((x) => x.key.studio === "新海工作室");
    expect(g.map((x) => [x.key.year, x.limit, x.status])).toEqual([
      [2024, 12000, "ok"],
      [2025, 2000, "error"],
    ]);
    expect(g[1].issues[0]).toMatchObject({ code: "over-limit", source: "第二十二条" });
    expect(g[1].issues[0].message.zh).toContain("次年不再拨付");
  });
  test("year 4 has no subsidy", () => {
    expect(r.groups.find((x) => x.key.studio === "灌南工作室")).toMatchObject({ limit: 0, status: "error" });
  });
  test("a pass the year before keeps the full limit", () => {
    expect(r.groups.find((x) => x.key.studio === "赣榆工作室")).toMatchObject({ limit: 11000, status: "ok" });
  });
  test("a blank previous grade in year 3 is reported on the group", () => {
    const g = r.groups.find((x) => x.key.studio === "东海工作室")!;
    expect(g.status).toBe("warning");
    expect(g.issues[0]).toMatchObject({ code: "subsidy-undecided", cell: "D7" });
  });
  test("no sheet note when the term year is there", () => {
    expect(r.problems.find((p) => p.code === "subsidy-unverified")).toBeUndefined();
  });
});

describe("budget groups without a term year or a year", () => {
  test("without a term-year column the sheet says the subsidy rule was not checked", () => {
    const r = evaluateSheet(grid(["工作室名称", "年度", "支出类别", "金额（元）"], [["新海工作室", 2024, "餐费", 500]]), budget);
    const note = r.problems.find((p) => p.code === "subsidy-unverified")!;
    expect(note.severity).toBe("warning");
    expect(note.message.zh).toContain("管理期第几年");
    expect(r.groups[0]).toMatchObject({ limit: 10000, status: "ok" });
  });
  test("without a year, years are not pooled: the group asks for a year instead of 超过额度", () => {
    // Three years of spending, 8,000 a year: pooled it would be 24,000 > 10,000 — a false over-spend.
    const r = evaluateSheet(
      grid(["工作室名称", "支出类别", "金额（元）"], [
        ["新海工作室", "餐费", 8000],
        ["新海工作室", "餐费", 8000],
        ["新海工作室", "餐费", 8000],
      ]),
      budget,
    );
    expect(r.groups).toHaveLength(1);
    expect(r.groups[0].status).toBe("warning");
    expect(r.groups[0].issues.map((i) => i.code)).toEqual(["year-unknown"]);
    expect(r.groups[0].issues[0].message.zh).toContain("请增加“年度”列");
  });
  test("the expense date gives the year when there is no year column", () => {
    const r = evaluateSheet(
      grid(["工作室名称", "日期", "支出类别", "金额（元）"], [
        ["新海工作室", "2024-03-01", "餐费", 8000],
        ["新海工作室", "2025-03-01", "餐费", 8000],
      ]),
      budget,
    );
    expect(r.groups.map((g) => [g.key.year, g.status])).toEqual([
      [2024, "ok"],
      [2025, "ok"],
    ]);
  });
});
