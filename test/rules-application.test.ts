/**
 * 第十一、十二条 checked whole: titles, backbone levels and applicants against explicit lists of
 * what qualifies and what does not (anything else 需核实, never 符合); awards by date, level, role
 * and contest; the readings that can be switched. Through a real sheet and =KJ.ELIGIBLE.
 */
import { evaluateSheet } from "../src/engine";
import { getPack } from "../src/packs";
import { eligible } from "../src/functions/functions";
import { setWorkbookParams } from "../src/functions/params";
import type { CellValue, Readings } from "../src/engine/types";

const application = getPack("studio-application")!;

function sheet(name: string, headers: string[], rows: CellValue[][], readings?: Readings) {
  return evaluateSheet({ name, rows: [["工作室申报审核"], headers, ...rows], origin: { row: 1, col: 1 } }, application, { readings });
}

const HOST = ["姓名", "申报日期", "拥护党的领导、遵纪守法", "专业技术职称", "市级学科带头人", "市级有突出贡献的优秀专家", "省赛一等奖获奖时间", "获奖等级", "指导教师排名", "获奖赛事", "专业引领和组织协调能力"];
const hostRow = (title: CellValue, o: Partial<Record<"leader" | "expert" | "date" | "level" | "role" | "contest", CellValue>> = {}): CellValue[] => [
  "张老师",
  "2024-09-01",
  "是",
  title,
  o.leader ?? "否",
  o.expert ?? "否",
  o.date ?? "2022-06-01",
  o.level ?? "一等奖",
  o.role ?? "第一指导教师",
  o.contest ?? "江苏省青少年科技创新大赛",
  "是",
];

describe("host title (第十二条（二）2)", () => {
  test.each(["讲师", "一级实习指导教师", "工程师", "实验师", "中学一级教师", "中小学一级教师", "一级教师", "小学高级教师", "中学高级教师", "副高级", "正高级教师", "高级讲师"])(
    "%s is intermediate or higher: 符合",
    (title) => {
      const r = sheet("主持人", HOST, [hostRow(title)]);
      expect(r.records[0].grade).toBe("符合");
      expect(eligible([hostRow(title)], [HOST])).toBe("符合");
    },
  );
  test.each(["小学一级教师", "非中级", "初级", "助理讲师", "助理工程师", "二级教师", "中学二级教师", "无职称"])("%s is not: 不符合", (title) => {
    const r = sheet("主持人", HOST, [hostRow(title)]);
    expect(r.records[0].grade).toBe("不符合");
    expect(r.records[0].failed).toEqual(["host-title"]);
    expect(eligible([hostRow(title)], [HOST])).toMatch(/^不符合：/);
  });
  test.each(["研究员", "教授级", "一级"])("%s is in neither list: 需核实, never 符合", (title) => {
    const r = sheet("主持人", HOST, [hostRow(title)]);
    expect(r.records[0].grade).toBe("需核实");
    expect(r.records[0].status).toBe("warning");
    const issue = r.records[0].issues.find((i) => i.code === "criterion-review")!;
    expect(issue).toMatchObject({ cell: "D3", text: title, source: "第十二条（二）2" });
    expect(eligible([hostRow(title)], [HOST])).not.toBe("符合");
  });
  test("a city subject leader qualifies whatever the title (any one of); read as 'all three', not", () => {
    const row = hostRow("初级", { leader: "是" });
    expect(sheet("主持人", HOST, [row]).records[0].grade).toBe("符合");
    const all = sheet("主持人", HOST, [row], { "host-any-title": "all" });
    expect(all.records[0].grade).toBe("不符合");
    expect(all.interpretations.find((i) => i.id === "host-any-title")).toMatchObject({ reading: "all", changed: true });
  });
});

describe("host award (第十二条（二）3): date, level, role and contest", () => {
  test("a provincial first prize as first instructor within five years: 符合", () => {
    expect(sheet("主持人", HOST, [hostRow("讲师")]).records[0].grade).toBe("符合");
  });
  test.each([
    ["a second prize", { level: "二等奖" }],
    ["as second instructor", { role: "第二指导教师" }],
    ["at a city contest", { contest: "连云港市青少年科技创新大赛" }],
    ["dated after the application", { date: "2024-10-01" }],
    ["six years before", { date: "2018-06-01" }],
  ])("%s: 不符合", (_, o) => {
    const r = sheet("主持人", HOST, [hostRow("讲师", o as Record<string, CellValue>)]);
    expect(r.records[0].grade).toBe("不符合");
    expect(r.records[0].failed).toEqual(["host-prize"]);
  });
  test("the provincial robot contest counts; a national one is for a person", () => {
    expect(sheet("主持人", HOST, [hostRow("讲师", { contest: "江苏省青少年机器人竞赛" })]).records[0].grade).toBe("符合");
    expect(sheet("主持人", HOST, [hostRow("讲师", { contest: "全国青少年科技创新大赛" })]).records[0].grade).toBe("需核实");
  });
  test("without level, role and contest columns the award is not checked whole: 需核实, not 符合", () => {
    const headers = HOST.filter((h) => !["获奖等级", "指导教师排名", "获奖赛事"].includes(h));
    const row = hostRow("讲师").filter((_, i) => ![7, 8, 9].includes(i));
    const r = sheet("主持人", headers, [row]);
    expect(r.records[0].grade).toBe("需核实");
    expect(r.records[0].unchecked).toEqual(["host-prize"]);
    expect(eligible([row], [headers])).not.toBe("符合");
  });
  test("five years back from the application date, or the five calendar years up to it (2020–2024): a reading", () => {
    const row = hostRow("讲师", { date: "2020-03-01" });
    // By date: 2020-03-01 is within five years of 2024-09-01 either way; 2019-10-01 only by date.
    const early = hostRow("讲师", { date: "2019-10-01" });
    expect(sheet("主持人", HOST, [row, early]).records.map((x) => x.grade)).toEqual(["符合", "符合"]);
    expect(sheet("主持人", HOST, [row, early], { "recent-years": "calendar-years" }).records.map((x) => x.grade)).toEqual(["符合", "不符合"]);
  });
});

describe("members (第十二条（三）)", () => {
  const MEMBER = ["姓名", "申报日期", "骨干教师级别", "县级二等奖以上获奖时间", "获奖等级", "指导教师排名", "获奖赛事", "团队合作精神"];
  const member = (backbone: CellValue, level: CellValue = "二等奖"): CellValue[] => ["李老师", "2024-09-01", backbone, "2023-05-01", level, "第一指导教师", "东海县青少年科技创新大赛", "是"];
  const grades = (rows: CellValue[][]) => sheet("成员", MEMBER, rows).records.map((r) => r.grade);

  test.each(["县级骨干教师", "区级骨干", "县（区）级", "市级骨干教师", "省骨干"])("%s: 符合", (b) => expect(grades([member(b)])).toEqual(["符合"]));
  test.each(["学区骨干", "校级骨干", "非骨干（市区学校）", "否"])("%s: 不符合", (b) => expect(grades([member(b)])).toEqual(["不符合"]));
  test.each(["城市骨干", "是", "骨干"])("%s shows no level: 需核实", (b) => expect(grades([member(b)])).toEqual(["需核实"]));
  test("a county first or second prize counts, a third does not", () => {
    expect(grades([member("县级骨干", "一等奖"), member("县级骨干", "三等奖")])).toEqual(["符合", "不符合"]);
  });
});

describe("applicant (第十一条)", () => {
  const SCHOOL = ["学校名称", "学校类型", "所在县（区）", "工作室面积（平方米）", "室内高度（米）", "可容纳人数", "安全、采光、通风、消防达标", "有公共卫生设施", "配有设备和教材"];
  const school = (type: CellValue, region: CellValue = "海州区", name = "新海实验中学"): CellValue[] => [name, type, region, 60, 3, 20, "是", "是", "是"];
  const grades = (rows: CellValue[][], headers = SCHOOL) => sheet("学校", headers, rows).records.map((r) => r.grade);

  test.each(["初级中学", "小学", "九年一贯制学校", "中等职业学校", "职业高中", "完全中学"])("%s: 符合", (t) => expect(grades([school(t)])).toEqual(["符合"]));
  test.each(["培训学校", "高等职业学校", "特殊教育学校", "幼儿园"])("%s: 不符合", (t) => expect(grades([school(t)])).toEqual(["不符合"]));
  test("a bare 学校 is 需核实", () => expect(grades([school("学校")])).toEqual(["需核实"]));
  test("outside the city is not passed: 需核实 for a person; the school's name can show the city", () => {
    expect(grades([school("小学", "南京市鼓楼区", "南京某小学")])).toEqual(["需核实"]);
    const noRegion = SCHOOL.filter((h) => h !== "所在县（区）");
    const strip = (r: CellValue[]) => r.filter((_, i) => i !== 2);
    expect(grades([strip(school("小学", null, "东海县实验小学")), strip(school("小学", null, "南京某小学"))], noRegion)).toEqual(["符合", "需核实"]);
  });
});

describe("=KJ.ELIGIBLE follows the readings chosen in the pane", () => {
  afterEach(() => setWorkbookParams("studio-application", {}, {}));
  test("host-any-title read as all three", async () => {
    const row = [hostRow("讲师", { leader: "否" })];
    expect(eligible(row, [HOST])).toBe("符合");
    await setWorkbookParams("studio-application", {}, { "host-any-title": "all" });
    expect(eligible(row, [HOST])).toMatch(/^不符合：/);
  });
});
