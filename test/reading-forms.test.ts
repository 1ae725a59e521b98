/**
 * Dates and marks as officials type them (issue 10, items 6 and 8): every year-month form, numbers
 * like 2023.5 in a date column (never Excel serials), month precision carried into "within the
 * last 5 years" and said in the message, dates after the application never counted; and every
 * common way to mark met / not met.
 */
import { evaluateSheet } from "../src/engine";
import { readDate, readWhen, readYear, readYesNo, ymdToSerial } from "../src/engine/values";
import { readDateOrYear, recency } from "../src/engine/readers";
import { builtinPacks } from "../src/packs";
import type { CellValue } from "../src/engine/types";

const application = builtinPacks().find((p) => p.id === "studio-application")!;
const assessment = builtinPacks().find((p) => p.id === "studio-assessment")!;

describe("year and month, as typed", () => {
  test.each<[CellValue, number, number]>([
    ["2022.6", 2022, 6], ["2022.06", 2022, 6], ["2022-6", 2022, 6], ["2022/6", 2022, 6], ["2022年6月", 2022, 6],
    ["22年6月", 2022, 6], ["２０２２年６月", 2022, 6], ["2022.10", 2022, 10], ["2022年6月份", 2022, 6],
    [2023.5, 2023, 5], [2023.05, 2023, 5], [2023.12, 2023, 12],
  ])("%p is %p-%p, month precision", (input, year, month) => {
    expect(readWhen(input)).toEqual({ ok: true, value: { serial: null, year, month } });
    expect(readYear(input)).toEqual({ ok: true, value: year });
  });

  test.each<CellValue>(["2024-09-01", "2024/9/1", "2024.9.1", "2024.09.01", "2024年9月1日", "2024年9月1号", 20240901, 45536])("%p is 2024-09-01, day precision", (input) => {
    expect(readWhen(input)).toEqual({ ok: true, value: { serial: ymdToSerial(2024, 9, 1), year: 2024, month: 9 } });
  });

  test("2023.5 stored as a number is May 2023, never the Excel serial 2023 (1905-07-15)", () => {
    expect(readDate(2023.5)).toMatchObject({ ok: false, reason: { zh: "“2023.5”是年月（2023年5月），没有具体日期" } });
    expect(readDate(2023)).toMatchObject({ ok: false, reason: { zh: "“2023”只有年份，没有具体日期" } });
    expect(readDateOrYear(2023.5)).toEqual({ ok: true, value: { serial: null, year: 2023, month: 5 } });
    expect(readDateOrYear(2023)).toEqual({ ok: true, value: { serial: null, year: 2023, month: null } });
  });

  test("2023.1 as a number may be January or October: refused, with both readings named", () => {
    const r = readWhen(2023.1);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason.zh).toContain("10月");
    expect(readWhen("2023.1")).toEqual({ ok: true, value: { serial: null, year: 2023, month: 1 } });
  });

  test.each<CellValue>(["2022.13", "2022年13月", "22.6", "去年", "2023年2月29日"])("%p is unreadable", (input) => {
    expect(readWhen(input)).toMatchObject({ ok: false, missing: false });
  });
});

describe("within the last 5 years, at the precision the cells give", () => {
  const app = { serial: ymdToSerial(2023, 9, 1), year: 2023, month: 9 };
  const w = (v: CellValue) => {
    const r = readWhen(v);
    if (!r.ok) throw new Error(r.reason.zh);
    return r.value;
  };
  test.each<[CellValue, boolean, string]>([
    ["2018-09-01", true, "day"],
    ["2018-08-31", false, "day"],
    ["2018年9月", true, "month"],
    ["2018年8月", false, "month"],
    ["2018.9", true, "month"],
    [2018.08, false, "month"],
    ["2018", true, "year"],
    [2017, false, "year"],
  ])("award %p, application 2023-09-01: within = %p (%s)", (award, within, precision) => {
    const r = recency(w(award), app, 5);
    expect(r.within).toBe(within);
    expect(r.precision).toBe(precision);
  });
  test("an award after the application is flagged, not counted", () => {
    expect(recency(w("2024年1月"), app, 5)).toMatchObject({ after: true });
    expect(recency(w("2023-09-02"), app, 5)).toMatchObject({ after: true });
    expect(recency(w("2023-09-01"), app, 5)).toMatchObject({ after: false, within: true });
  });

  test("a member sheet: the verdict and the message state the comparison used", () => {
    const header = ["姓名", "申报日期", "骨干教师级别", "县级二等奖以上获奖时间", "团队合作精神"];
    const rows: CellValue[][] = [
      ["甲", "2023-09-01", "市级骨干教师", "2018年9月", "是"],
      ["乙", "2023-09-01", "市级骨干教师", "2018年8月", "是"],
      ["丙", "2023-09-01", "市级骨干教师", 2021.5, "是"],
      ["丁", "2023-09-01", "市级骨干教师", "2024.3", "是"],
      ["戊", "2023-09-01", "市级骨干教师", "22年6月", "是"],
    ];
    const r = evaluateSheet({ name: "成员", rows: [header, ...rows], origin: { row: 1, col: 1 } }, application);
    // The award-date condition alone (other conditions may need columns this sheet leaves out).
    expect(r.records.map((x) => x.failed.includes("member-prize"))).toEqual([false, true, false, true, false]);
    expect(r.records.map((x) => x.grade === "不符合")).toEqual([false, true, false, true, false]);
    const why = (i: number) => r.records[i].issues.map((x) => x.message.zh).join("；");
    expect(why(1)).toContain("按月比较：需不早于2018年9月");
    expect(r.records[1].issues.find((i) => i.code === "criterion-failed")!.cell).toBe("D3");
    expect(why(3)).toContain("晚于申报日期");
  });
});

describe("met / not met, every common mark", () => {
  test.each<[string, boolean]>([
    ["达到", true], ["未达到", false], ["符合", true], ["不符合", false], ["有", true], ["无", false], ["完成", true], ["未完成", false],
    ["✓", true], ["✗", false], ["〇", true], ["○", true], ["具备", true], ["不具备", false], ["通过", true], ["未通过", false], ["达标", true], ["不达标", false],
  ])("%p reads as %p", (text, value) => {
    expect(readYesNo(text)).toEqual({ ok: true, value });
  });

  test("a studio marking all ten standards 达到 is 优秀; a mark that is neither is reported with its cell", () => {
    const header = ["工作室名称", ...Array.from({ length: 10 }, (_, i) => `标准${"一二三四五六七八九十"[i]}`)];
    const rows: CellValue[][] = [
      ["甲工作室", ...Array(10).fill("达到")],
      ["乙工作室", "达到", "未达到", "✓", "✗", "〇", "符合", "不符合", "完成", "有", "待补充"],
    ];
    const r = evaluateSheet({ name: "考核", rows: [header, ...rows], origin: { row: 1, col: 1 } }, assessment);
    expect(r.records[0]).toMatchObject({ met: 10, grade: "优秀", status: "ok" });
    expect(r.records[1]).toMatchObject({ met: 6, grade: "合格" });
    const bad = r.records[1].issues.find((i) => i.code === "unreadable")!;
    expect(bad).toMatchObject({ cell: "K3", text: "待补充" });
  });
});
