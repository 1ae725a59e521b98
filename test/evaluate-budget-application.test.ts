import { checkExpense, classifyExpense, dueDate, evaluateSheet, formatDate, subsidyFor, ymdToSerial } from "../src/engine";
import { getPack } from "../src/packs";
import type { CellValue, SheetGrid } from "../src/engine/types";

const budget = getPack("studio-budget")!;
const application = getPack("studio-application")!;
const routine = getPack("teacher-routine")!;

function grid(name: string, title: string, headers: string[], rows: CellValue[][]): SheetGrid {
  return { name, rows: [[title], headers, ...rows], origin: { row: 1, col: 1 } };
}

describe("budget categories (第二十一条) with the words officials type", () => {
  test.each([
    ["讲课费", "课时费"], ["专家课时费", "课时费"], ["劳务费", "课时费"], ["车费", "交通费"], ["差旅交通费", "交通费"], ["餐费", "食宿费"],
    ["住宿费", "食宿费"], ["场地费", "场地设备租赁费"], ["设备租赁费", "场地设备租赁费"], ["耗材费", "教学资源费"], ["图书资料费", "资料订购费"],
    ["版面费", "成果固化费"], ["印刷费", "成果固化费"], [" 餐 费 ", "食宿费"], ["课时费", "课时费"],
  ])("%s → %s", (word, category) => {
    expect(classifyExpense(budget, word)).toMatchObject({ kind: "allowed", category });
  });

  test.each(["设备购置费", "礼品", "招待费", "奖金", "福利费", "购置电脑"])("%s is outside the permitted scope", (word) => {
    const c = classifyExpense(budget, word);
    expect(c.kind).toBe("forbidden");
    if (c.kind !== "allowed") expect(c.message.zh).toContain("不在经费使用范围");
  });

  test("an unknown word goes to a person, a blank is missing", () => {
    expect(classifyExpense(budget, "办公用品").kind).toBe("unknown");
    expect(classifyExpense(budget, null).kind).toBe("missing");
  });

  test("one expense line", () => {
    expect(checkExpense(budget, "讲课费", "¥800.00", "送教下乡")).toEqual({ ok: true, category: "课时费" });
    expect(checkExpense(budget, "讲课费", 800, "日常办公")).toMatchObject({ ok: false, severity: "warning" });
    expect(checkExpense(budget, "餐费", "-50", null)).toMatchObject({ ok: false, severity: "error" });
    expect(checkExpense(budget, "餐费", "若干", null)).toMatchObject({ ok: false, severity: "error" });
    expect(checkExpense(budget, "礼品", 100, null)).toMatchObject({ ok: false, severity: "error" });
  });
});

describe("subsidy and due date (第十九、二十、二十二条)", () => {
  test("10,000 a year for three years, none after 不合格 or after the term", () => {
    const amount = (y: CellValue, g: CellValue) => {
      const r = subsidyFor(budget, y, g);
      return r.ok ? r.value.amount : "unreadable";
    };
    expect(amount(1, null)).toBe(10000);
    expect(amount("第三年", "合格")).toBe(10000);
    expect(amount(2, "不合格")).toBe(0);
    expect(amount(4, "优秀")).toBe(0);
    expect(subsidyFor(budget, "明年", null).ok).toBe(false);
  });
  test("the budget report is due 7 days after the plaque", () => {
    const r = dueDate(budget, "2024年9月1日");
    expect(r.ok && formatDate(r.value)).toBe("2024-09-08");
    expect(dueDate(budget, "下周").ok).toBe(false);
  });
});

describe("budget sheet: lines and studio-year groups", () => {
  const headers = ["工作室名称", "年度", "日期", "支出类别", "金额（元）", "用途说明", "单位配套经费（元）"];
  const rows: CellValue[][] = [
    ["新海工作室", 2024, "2024-03-01", "讲课费", "¥3,000.00", "送教下乡", 2000],
    ["新海工作室", 2024, "2024-04-01", "餐费", "1.2万元", "培训", null],
    ["新海工作室", "2024年", "2024-05-01", "设备购置费", 500, "买电脑", null],
    ["灌南工作室", 2024, "2024-05-01", "材料费", 9200, "科技活动", null],
    ["灌南工作室", 2024, "2024-06-01", "讲课费", 300, "日常", null],
    [],
    ["合计", null, null, null, 25000, null, null],
  ];
  const r = evaluateSheet(grid("经费", "2024年度名师工作室经费支出明细", headers, rows), budget);

  test("line checks name the cell and the article", () => {
    expect(r.records.map((x) => x.status)).toEqual(["ok", "ok", "error", "ok", "warning"]);
    const forbidden = r.records[2].issues.find((i) => i.code === "forbidden-category")!;
    expect(forbidden).toMatchObject({ cell: "D5", text: "设备购置费", source: "第二十一条", severity: "error" });
    const purpose = r.records[4].issues.find((i) => i.code === "purpose-mismatch")!;
    expect(purpose.cell).toBe("F7");
  });

  test("over-spend is an error, above 90 % a warning; the limit adds matching funds", () => {
    const byStudio = Object.fromEntries(r.groups.map((g) => [g.key.studio, g]));
    expect(byStudio["新海工作室"]).toMatchObject({ key: { studio: "新海工作室", year: 2024 }, spent: 15500, limit: 12000, status: "error" });
    expect(byStudio["新海工作室"].issues[0]).toMatchObject({ code: "over-limit", source: "第十九条" });
    expect(byStudio["灌南工作室"]).toMatchObject({ spent: 9500, limit: 10000, status: "warning" });
    expect(byStudio["灌南工作室"].issues[0].code).toBe("near-limit");
  });

  test("a changed subsidy changes the groups", () => {
    const r2 = evaluateSheet(grid("经费", "明细", headers, rows), budget, { params: { subsidy: 20000 } });
    expect(r2.groups.every((g) => g.status === "ok")).toBe(true);
  });

  test("the 合计 row is skipped; the blank gap before it is just the end of the data", () => {
    expect(r.skipped).toEqual([{ row: 9, reason: "total" }]);
  });
});

describe("studio-application (第十一、十二条)", () => {
  test("school site: thresholds at and around", () => {
    const headers = ["学校名称", "学校类型", "工作室面积（平方米）", "室内高度（米）", "可容纳人数", "安全、采光、通风、消防达标", "有公共卫生设施", "配有设备和教材"];
    const rows: CellValue[][] = [
      ["海州区新海实验中学", "初级中学", 50, 2.7, 10, "是", "是", "是"],
      ["灌云县某小学", "小学", "49.5平方米", "2.8米", "30人", "是", "否", "√"],
      ["赣榆区某培训机构", "培训机构", 80, 3, 20, "是", "是", "是"],
    ];
    const r = evaluateSheet(grid("学校", "工作室申报汇总", headers, rows), application);
    expect(r.records.map((x) => x.grade)).toEqual(["符合", "不符合", "不符合"]);
    expect(r.records[1].failed).toEqual(["area", "sanitary"]);
    expect(r.records[2].failed).toEqual(["school-type"]);
  });

  test("host: any one title; a provincial first prize within 5 years, with dates or years only", () => {
    const headers = ["姓名", "申报日期", "拥护党的领导、遵纪守法", "专业技术职称", "市级学科带头人", "市级有突出贡献的优秀专家", "省赛一等奖获奖时间", "专业引领和组织协调能力", "获奖等级", "指导教师排名", "获奖赛事"];
    const prize = ["一等奖", "第一指导教师", "江苏省青少年科技创新大赛"];
    const rows: CellValue[][] = [
      ["张老师", "2024-09-01", "是", "中学一级教师", "否", "否", "2019-09-01", "是", ...prize], // exactly 5 years back: within
      ["李老师", "2024-09-01", "是", "初级", "是", "否", "2019-08-31", "是", ...prize], // one day too early
      ["王老师", 2024, "是", "副高级", "否", "否", 2019, "是", ...prize], // years only: 2019 >= 2024 − 5
      ["赵老师", 2024, "是", "初级", "否", "否", 2021, "是", ...prize], // no title of any kind
    ];
    const r = evaluateSheet(grid("主持人", "主持人条件审核表", headers, rows), application);
    expect(r.records.map((x) => x.grade)).toEqual(["符合", "不符合", "符合", "不符合"]);
    expect(r.records[1].failed).toEqual(["host-prize"]);
    expect(r.records[3].failed).toEqual(["host-title"]);
    // Without the expert column, 赵老师 might still be one: not 不符合 on a guess, but 需核实, and the sheet says which column would settle it.
    const noExpert = evaluateSheet(grid("主持人", "主持人条件审核表", headers.filter((_, i) => i !== 5), rows.map((row) => row.filter((_, i) => i !== 5))), application);
    expect(noExpert.records.map((x) => x.grade)).toEqual(["符合", "不符合", "符合", "需核实"]);
    expect(noExpert.records[3]).toMatchObject({ status: "warning", failed: [], unchecked: ["host-title"] });
    expect(noExpert.records[3].issues.map((i) => i.message.zh).join("")).toContain("市级有突出贡献的优秀专家");
    expect(noExpert.problems.find((p) => p.code === "criterion-unchecked-sheet")!.message.zh).toContain("“市级有突出贡献的优秀专家”");
    expect(r.interpretations.map((i) => i.id)).toEqual(expect.arrayContaining(["host-any-title", "recent-years"]));
    const four = evaluateSheet(grid("主持人", "审核", headers, rows), application, { params: { recentYears: 4 } });
    expect(four.records[2].grade).toBe("不符合");
  });

  test("members: fewer than 8 is a warning on the sheet, not an error", () => {
    const headers = ["姓名", "申报日期", "骨干教师级别", "县级二等奖以上获奖时间", "获奖等级", "指导教师排名", "获奖赛事", "团队合作精神"];
    const rows: CellValue[][] = Array.from({ length: 5 }, (_, i) => [`成员${i + 1}`, 2024, "区级骨干教师", 2022, "二等奖", "第一指导教师", "区青少年机器人竞赛", "是"]);
    const r = evaluateSheet(grid("成员", "成员名单", headers, rows), application);
    expect(r.records.every((x) => x.grade === "符合")).toBe(true);
    const p = r.problems.find((x) => x.code === "record-count")!;
    expect(p).toMatchObject({ severity: "warning", source: "第二条" });
  });
});

describe("teacher-routine (教学常规)", () => {
  test("lessons observed depend on years of teaching; reflections at least 800 characters", () => {
    const headers = ["姓名", "教龄（年）", "听课次数", "学月反思篇数", "学期月数", "学月反思最少字数"];
    const rows: CellValue[][] = [
      ["陈老师", 10, 8, 4, 4, 900],
      ["刘老师", 2, 8, 4, 4, 900], // new teacher: needs 15
      ["孙老师", 2, 15, 3, 4, "800字"],
      ["周老师", 5, 7, 4, 4, 799],
    ];
    const r = evaluateSheet(grid("教师", "本学期教学常规检查", headers, rows), routine);
    expect(r.records.map((x) => x.grade)).toEqual(["达标", "未达标", "未达标", "未达标"]);
    expect(r.records[1].failed).toEqual(["observe"]);
    expect(r.records[2].failed).toEqual(["reflection-count"]);
    expect(r.records[3].failed).toEqual(["observe", "reflection-length"]);
  });
});

test("a serial date reads like its text", () => {
  expect(ymdToSerial(2024, 9, 1)).toBe(45536);
});
