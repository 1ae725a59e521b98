import { subsidy, termYearOf } from "../src/functions/functions";

function formulaFails(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    const err = e as { code?: string; message?: string };
    return { code: String(err.code), message: String(err.message) };
  }
  throw new Error("the formula did not fail");
}

describe("=KJ.TERMYEAR(plaqueDate, date)", () => {
  test("by anniversaries of the plaque, dates as officials type them", () => {
    expect(termYearOf("2023-09-01", "2023-09-01")).toBe(1);
    expect(termYearOf("2023年9月1日", "2024/8/31")).toBe(1);
    expect(termYearOf(45170, "2024-09-01")).toBe(2); // 45170 = 2023-09-01 as a date cell
    expect(termYearOf("2023-09-01", "2026-09-01")).toBe(4);
  });
  test("a date before the plaque, or no date at all, is refused with the reason", () => {
    expect(formulaFails(() => termYearOf("2023-09-01", "2023-08-31")).message).toContain("早于挂牌日期2023-09-01");
    expect(formulaFails(() => termYearOf("九月一日", "2024-01-01")).message).toContain("九月一日");
  });
});

describe("=KJ.SUBSIDY with the term's grades as a range", () => {
  test("the year before the term year is taken from a row or a column", () => {
    const row = [["合格", "不合格", "优秀"]];
    expect(subsidy(1, row)).toBe(10000);
    expect(subsidy(2, row)).toBe(10000);
    expect(subsidy(3, row)).toBe(0); // year 2 was 不合格 (第二十二条)
    expect(subsidy(4, row)).toBe(0); // past the three years
    expect(subsidy("第三年", [["考核不合格"], ["合格"]])).toBe(10000);
    expect(subsidy(2, [["差"], ["合格"]])).toBe(0);
  });
  test("a year the range does not reach, or a blank grade, is #N/A with the reason — never assumed", () => {
    expect(formulaFails(() => subsidy(3, [["合格", ""]])).code).toBe("#N/A");
    expect(formulaFails(() => subsidy(3, [["合格"], [null]])).code).toBe("#N/A");
    expect(formulaFails(() => subsidy(3, [["合格", "良好"]])).code).toBe("#VALUE!");
    expect(formulaFails(() => subsidy(2, [["合格", "合格"], ["合格", "合格"]])).message).toContain("应为一行或一列");
  });
});
