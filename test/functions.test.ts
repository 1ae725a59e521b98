/**
 * Every =KJ.* function called the way Excel calls it: ranges as 2-D arrays, a left-out optional as
 * null, numbers as numbers, dates as serials, error cells as error objects.
 */
import { assess, budgetCheck, category, dueDateOf, eligible, failed, num, score, standard, subsidy } from "../src/functions/functions";
import { setWorkbookParams } from "../src/functions/params";
import { FormulaError } from "../src/functions/runtime";

const HEADERS = [["工作室名称", "国家级科技比赛获奖数", "全国专项赛事获奖数", "参加青少年科技活动项数", "省级一等奖（项）", "省级二等奖（项）", "帮扶薄弱学校数", "参加科普周/科普日/承办竞赛次数", "市级创新大赛获奖数", "培训场次(场)", "新增骨干成员 数", "单位配套经费（元）"]];
const ROW = [["新海工作室", 1, 1, "2项", 2, 0, "２", 1, 3, "2场", 3, "¥5,000.00"]];

/** The error a formula shows: its code (#VALUE!, #N/A) and its tooltip. */
function formulaFails(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FormulaError);
    return { code: (e as FormulaError).code, message: (e as FormulaError).message };
  }
  throw new Error("expected the formula to return an error");
}

describe("=KJ.ASSESS / SCORE / FAILED", () => {
  const flags = [["是", "是", "√", "否", "Y", "有", "是", "否", "是", "TRUE"]];
  test("ten 是/否 cells in a row, or in a column", () => {
    expect(assess(flags, null as never, null as never)).toBe("合格");
    expect(score(flags, null as never, null as never)).toBe(8);
    expect(failed(flags, null as never, null as never)).toBe("四、八");
    expect(assess(flags[0].map((v) => [v]), null as never, null as never)).toBe("合格");
  });
  test("a row of evidence with its header row (=KJ.ASSESS(B3:M3, B$2:M$2))", () => {
    expect(assess(ROW, HEADERS, null as never)).toBe("优秀");
    expect(score(ROW, HEADERS, null as never)).toBe(10);
    expect(failed(ROW, HEADERS, null as never)).toBe("");
    const weak = [["某工作室", 0, 0, 1, 1, 3, 1, 1, 1, 1, 1, 0]];
    expect(assess(weak, HEADERS, "studio-assessment")).toBe("不合格");
    expect(failed(weak, HEADERS, "名师工作室年度考核")).toBe("一、二、四、五、七、八、九、十");
  });
  test("wrong shapes and unreadable values are errors that say why, never a grade", () => {
    expect(formulaFails(() => assess([["是", "否"]], null as never, null as never))).toMatchObject({ code: "#VALUE!", message: expect.stringContaining("10 个是/否单元格") });
    expect(formulaFails(() => assess([["是", "否"], ["是", "否"]], null as never, null as never)).message).toContain("2 行 × 2 列");
    expect(formulaFails(() => assess(ROW, [HEADERS[0].slice(0, 5)], null as never)).message).toContain("应一样多");
    const bad = [["某工作室", "若干", 1, 1, 2, 0, 2, 1, 3, 2, 3, 1]];
    expect(formulaFails(() => assess(bad, HEADERS, null as never))).toMatchObject({ code: "#VALUE!", message: expect.stringContaining("若干") });
    const na = [["某工作室", { code: "#N/A" }, 1, 1, 2, 0, 2, 1, 3, 2, 3, 1]];
    expect(formulaFails(() => assess(na, HEADERS, null as never)).message).toContain("#N/A");
    expect(formulaFails(() => assess(ROW, [["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸", "子", "丑"]], null as never)).code).toBe("#N/A");
    expect(formulaFails(() => assess(flags, null as never, "no-such-pack")).message).toContain("没有规则包");
  });
  test("thresholds changed in the task pane apply to the formulas", async () => {
    const row = [["某工作室", 1, 1, 1, 2, 0, 2, 1, 2, 2, 3, 1]]; // 七: 2 city awards
    expect(failed(row, HEADERS, null as never)).toBe("七");
    await setWorkbookParams("studio-assessment", { std7Min: 2 });
    expect(failed(row, HEADERS, null as never)).toBe("");
    await setWorkbookParams("studio-assessment", {});
    expect(failed(row, HEADERS, null as never)).toBe("七");
  });
});

describe("=KJ.STANDARD", () => {
  test("standard 四 takes first and second prizes; numbers as 4, '四', '标准四'", () => {
    expect(standard(4, 2, 0)).toBe(true);
    expect(standard("四", 1, 4)).toBe(true);
    expect(standard("标准四", 1, 3)).toBe(false);
    expect(standard(8, "2场", null)).toBe(true);
    expect(standard(10, "是", null)).toBe(true);
  });
  test("unreadable evidence or a bad number is #VALUE!, never TRUE", () => {
    expect(formulaFails(() => standard(1, "若干", null))).toMatchObject({ code: "#VALUE!", message: expect.stringContaining("若干") });
    expect(formulaFails(() => standard(11, 1, null)).message).toContain("1–10");
    expect(formulaFails(() => standard(1, "", null)).code).toBe("#VALUE!");
  });
});

describe("budget formulas", () => {
  test("=KJ.CATEGORY maps the words officials type; forbidden and unknown words are #N/A with the reason", () => {
    expect(category("餐费")).toBe("食宿费");
    expect(category("专家课时费")).toBe("课时费");
    expect(formulaFails(() => category("设备购置费"))).toMatchObject({ code: "#N/A", message: expect.stringContaining("不在经费使用范围") });
    expect(formulaFails(() => category("办公用品"))).toMatchObject({ code: "#N/A", message: expect.stringContaining("需人工复核") });
    expect(formulaFails(() => category(null)).code).toBe("#VALUE!");
  });
  test("=KJ.BUDGETCHECK", () => {
    expect(budgetCheck("讲课费", "¥800.00", "送教下乡")).toBe("通过");
    expect(budgetCheck("讲课费", 800, null)).toMatch(/^需核实：/);
    expect(budgetCheck("礼品", 200, null)).toMatch(/^不通过：.*不在经费使用范围/);
    expect(budgetCheck("餐费", -5, null)).toMatch(/^不通过：/);
  });
  test("=KJ.SUBSIDY and =KJ.DUEDATE", () => {
    expect(subsidy(1)).toBe(10000);
    expect(subsidy(2, [["不合格"]])).toBe(0);
    expect(subsidy("第三年", [["优秀"]])).toBe(10000);
    expect(subsidy(4)).toBe(0);
    expect(formulaFails(() => subsidy("明年")).code).toBe("#VALUE!");
    expect(dueDateOf(45536)).toBe(45543); // 2024-09-01 → 2024-09-08, as a serial outside Excel 1.16
    expect(dueDateOf("2024年9月1日")).toBe(45543);
    expect(formulaFails(() => dueDateOf("下周")).code).toBe("#VALUE!");
  });
});

describe("=KJ.NUM and =KJ.ELIGIBLE", () => {
  test("numbers as officials type them", () => {
    expect(num("1.2万元")).toBe(12000);
    expect(num("¥3,000.00")).toBe(3000);
    expect(num("１２")).toBe(12);
    expect(num(7)).toBe(7);
    expect(formulaFails(() => num("约3项"))).toMatchObject({ code: "#VALUE!", message: expect.stringContaining("约3项") });
    expect(formulaFails(() => num(null)).message).toBe("单元格为空");
  });
  test("eligibility names every failed condition", () => {
    const heads = [["学校名称", "学校类型", "工作室面积（平方米）", "室内高度（米）", "可容纳人数", "安全、采光、通风、消防达标", "有公共卫生设施", "配有设备和教材"]];
    expect(eligible([["海州区新海实验中学", "初级中学", 60, 3, 30, "是", "是", "是"]], heads)).toBe("符合");
    expect(eligible([["东海县某小学", "小学", 45, 2.5, 30, "是", "否", "是"]], heads)).toBe("不符合：工作室面积不低于50平方米；室内高度不低于2.7米；有可使用的公共卫生设施");
    expect(formulaFails(() => eligible([["x"]], null as never)).message).toContain("表头");
  });
});
