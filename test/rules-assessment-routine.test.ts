/**
 * Readings of 第十六条 and of the teaching-research plan that an official can switch, in both
 * directions: standard 四 strict or converted, standard 九 at least or exactly 3, the study-trip
 * report for cross-province trips only; sources a reader can find in the plan.
 */
import { evaluateSheet, evaluateCriterion } from "../src/engine";
import { getPack } from "../src/packs";
import type { CellValue, Readings } from "../src/engine/types";

const assessment = getPack("studio-assessment")!;
const routine = getPack("teacher-routine")!;

describe("standard 四 (第十六条（四）)", () => {
  const met = (first: number, second: number, readings?: Readings) => evaluateCriterion(assessment, "四", [first, second], { readings }).met;
  test("strict: 2 firsts or 4 seconds, not 1 first and 2 seconds", () => {
    expect(met(2, 0)).toBe(true);
    expect(met(0, 4)).toBe(true);
    expect(met(1, 2)).toBe(false);
    expect(met(1, 1)).toBe(false);
  });
  test("converted: 1 first and 2 seconds also count", () => {
    expect(met(1, 2, { "std4-strict": "convert" })).toBe(true);
    expect(met(1, 1, { "std4-strict": "convert" })).toBe(false);
  });
});

describe("standard 九 (第十六条（九）)", () => {
  const met = (n: number, readings?: Readings) => evaluateCriterion(assessment, "九", [n], { readings }).met;
  test("at least 3 by default; exactly 3 when so read", () => {
    expect([met(3), met(4), met(2)]).toEqual([true, true, false]);
    expect([met(3, { "std9-count": "exactly" }), met(4, { "std9-count": "exactly" })]).toEqual([true, false]);
  });
  test("standard 七's number is marked as the tool's own", () => {
    expect(assessment.interpretations.find((i) => i.id === "std7-number")!.invented).toBe(true);
  });
});

describe("study trips (科室工作计划 篇3·五（五）)", () => {
  const sheet = (headers: string[], rows: CellValue[][], readings?: Readings) =>
    evaluateSheet({ name: "外出考察", rows: [["外出学习登记"], headers, ...rows], origin: { row: 1, col: 1 } }, routine, { readings }).records.map((r) => r.grade);
  const H = ["姓名", "是否跨省", "考察报告字数", "新闻撰写用时（天）"];
  test("the report is required of cross-province trips only", () => {
    expect(sheet(H, [["甲", "是", 2100, 10], ["乙", "是", 1500, 10], ["丙", "否", 300, 10]])).toEqual(["达标", "未达标", "达标"]);
  });
  test("read as every trip, the short report of an in-province trip falls short", () => {
    expect(sheet(H, [["丙", "否", 300, 10]], { "trip-report-scope": "all-trips" })).toEqual(["未达标"]);
  });
  test("2000 字 is marked as the tool's number; the source is the plan's own heading", () => {
    expect(routine.interpretations.find((i) => i.id === "trip-report-length")!.invented).toBe(true);
    const c = routine.criteria.find((x) => x.id === "trip-report")!;
    expect(c.source).toBe("科室工作计划 篇3·五（五）外出培训与学习，开阔视野，仰望星空");
    expect(c.quote).toContain("20xx字左右");
  });
  test("lesson-plan checks are counted in 人次, as the plan says", () => {
    expect(routine.params.find((p) => p.id === "minPlanChecks")!.unit).toBe("人次");
  });
});
