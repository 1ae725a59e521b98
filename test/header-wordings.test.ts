/**
 * Headers in the regulation's own words, and the way offices shorten them (issue 10, item 2):
 * every wording the issue quotes and the seeds' wording for the fields is matched to the right
 * field; sheets written that way get the verdicts the regulation gives.
 */
import { evaluateSheet, matchHeaders } from "../src/engine";
import { builtinPacks } from "../src/packs";
import type { CellValue, SheetGrid } from "../src/engine/types";

const packOf = (id: string) => builtinPacks().find((p) => p.id === id)!;
const application = packOf("studio-application");
const routine = packOf("teacher-routine");

const grid = (name: string, rows: CellValue[][]): SheetGrid => ({ name, rows, origin: { row: 1, col: 1 } });

/** Field matched to each header, in header order (null where none). */
function fieldsFor(pack: ReturnType<typeof packOf>, name: string, header: string[], row: CellValue[]): (string | null)[] {
  const m = matchHeaders(grid(name, [header, row]), pack);
  return header.map((_, i) => m.columns.find((c) => c.col === i + 1)?.field ?? null);
}

describe("the regulation's words and their abbreviations name the right field", () => {
  test.each<[string, string, string, CellValue]>([
    // studio-assessment (第十六条), as the seed words the standards and as offices shorten them
    ["studio-assessment", "国赛获奖", "national", 1],
    ["studio-assessment", "国赛获奖数（项）", "national", 1],
    ["studio-assessment", "在由中国科协、教育部等牵头组织的科技比赛中获奖（项）", "national", 1],
    ["studio-assessment", "在全国青少年创意编程与智能设计大赛、青少年科学调查体验竞赛、全国青少年科学影像大赛中获奖", "special", 1],
    ["studio-assessment", "参加青少年科技类活动（项）", "activities", 1],
    ["studio-assessment", "省一等", "provFirst", 2],
    ["studio-assessment", "省二等（项）", "provSecond", 4],
    ["studio-assessment", "联系、协助科技教育薄弱学校（所）", "assisted", 2],
    ["studio-assessment", "科技辅导员专题技能培训（场次）", "trainings", 2],
    ["studio-assessment", "新增骨干成员（名）", "newMembers", 3],
    ["studio-assessment", "经费保障", "funding", "是"],
    // studio-application (第十一、十二条)
    ["studio-application", "学校类别", "schoolType", "初级中学"],
    ["studio-application", "符合消防规范", "fireCode", "×"],
    ["studio-application", "安全、采光通风", "siteSafety", "√"],
    ["studio-application", "可同时容纳人数", "capacity", 20],
    ["studio-application", "配有开展活动所需的设备和教材", "equipment", "是"],
    ["studio-application", "有可使用的公共卫生设施", "sanitary", "是"],
    ["studio-application", "中级及以上专业技术职称", "title", "中级"],
    // teacher-routine (seed 003)
    ["teacher-routine", "抽查备课笔记（人次）", "planChecks", 2],
    ["teacher-routine", "学习心得字数", "reportChars", 2100],
    ["teacher-routine", "返校日期", "returnDate", "2024-05-10"],
    ["teacher-routine", "新闻完成日期", "newsDate", "2024-05-20"],
    ["teacher-routine", "每篇反思字数", "reflectionChars", 900],
  ])("%s: “%s” is %s", (packId, header, field, value) => {
    const pack = packOf(packId);
    const label = pack.fields.find((f) => f.role === "label")!.label;
    expect(fieldsFor(pack, "Sheet1", [label, header], ["某某", value])[1]).toBe(field);
  });
});

describe("sheets written in those words get the regulation's verdicts", () => {
  test("学校类别 is the school type of 第十一条: a 高等职业院校 is not eligible, not 符合 6/6", () => {
    const header = ["学校名称", "学校类别", "工作室面积（平方米）", "室内高度（米）", "可容纳人数", "安全、采光、通风、消防达标", "有公共卫生设施", "配有设备和教材"];
    const r = evaluateSheet(grid("学校", [header, ["某高等职业技术学院", "高等职业院校", 80, 3, 20, "是", "是", "是"]]), application);
    expect(r.records[0].grade).toBe("不符合");
    expect(r.records[0].failed).toContain("school-type");
  });

  test("a separate 符合消防规范 × next to 安全、采光通风: the school does not meet 第十二条（一）2", () => {
    const header = ["学校名称", "学校类别", "工作室面积（平方米）", "室内高度（米）", "可容纳人数", "安全、采光通风", "符合消防规范", "有公共卫生设施", "配有设备和教材"];
    const r = evaluateSheet(grid("学校", [header, ["新海实验中学", "初级中学", 80, 3, 20, "√", "×", "是", "是"], ["海州实验小学", "小学", 80, 3, 20, "√", "√", "是", "是"]]), application);
    expect(r.records[0]).toMatchObject({ grade: "不符合", failed: ["safety"] });
    expect(r.records[0].issues.find((i) => i.code === "criterion-failed")!.cell).toBe("G2");
    expect(r.records[1]).toMatchObject({ grade: "符合", status: "ok" });
    // Only the safety column, no fire column: not passed on half the condition.
    const half = evaluateSheet(grid("学校", [header.filter((_, i) => i !== 6), ["海州实验小学", "小学", 80, 3, 20, "√", "是", "是"]]), application);
    expect(half.records[0]).toMatchObject({ grade: "需核实", unchecked: ["safety"] });
  });

  test("抽查备课笔记（人次）: the research staff's weekly sheet, not the per-semester teacher one", () => {
    const header = ["教研员", "每周听课次数", "抽查备课笔记（人次）"];
    const r = evaluateSheet(grid("教研员每周检查", [header, ["张老师", 3, 2], ["李老师", 3, 1]]), routine);
    expect(r.unmatched).toEqual([]);
    expect(r.records.map((x) => x.grade)).toEqual(["达标", "未达标"]);
    expect(r.records[1].failed).toEqual(["staff-plans"]);
  });

  test("a study trip with 学习心得字数, 返校日期 and 新闻完成日期: the days are worked out from the two dates", () => {
    const header = ["考察人", "学习心得字数", "返校日期", "新闻完成日期"];
    const rows: CellValue[][] = [
      ["张老师", 2100, "2024-05-10", "2024-05-20"],
      ["李老师", 2100, "2024-05-10", "2024-06-10"],
      ["王老师", 1800, "2024-05-10", null],
    ];
    const r = evaluateSheet(grid("外出考察", [header, ...rows]), routine);
    expect(r.records.map((x) => x.grade)).toEqual(["达标", "未达标", "未达标"]);
    expect(r.records[1].failed).toEqual(["trip-news"]);
    expect(r.records[2].failed).toContain("trip-news");
    expect(r.records[2].issues.find((i) => i.code === "missing")!.cell).toBe("D4");
    expect(r.problems.map((p) => p.message.zh).join("")).toContain("已按“新闻完成日期”减“返校日期”的天数算出");
  });
});

describe("a field repeated per month is read as a group: every member checked", () => {
  const header = ["姓名", "教龄（年）", "听课次数", "9月反思字数", "10月反思字数", "11月反思字数", "12月反思字数"];
  const rows: CellValue[][] = [
    ["甲老师", 10, 10, 900, "850字", 1000, 820],
    ["乙老师", 10, 10, 900, 799, null, "待补充"],
  ];
  test("a 799-字 October, a blank November and a 待补充 December are each reported at their cell; one a month counts the months filled", () => {
    const r = evaluateSheet(grid("教师常规检查", [header, ...rows]), routine);
    const m = matchHeaders(grid("教师常规检查", [header, ...rows]), routine);
    expect(m.groups).toEqual([{ field: "reflectionChars", members: ["D", "E", "F", "G"].map((letter, i) => ({ col: i + 4, letter, header: header[i + 3] })) }]);
    expect(r.records[0]).toMatchObject({ grade: "达标", status: "ok", failed: [] });
    const b = r.records[1];
    expect(b.grade).toBe("未达标");
    expect(b.failed).toEqual(["reflection-length", "reflection-count"]);
    const at = (code: string) => b.issues.filter((i) => i.code === code).map((i) => i.cell);
    expect(at("missing")).toEqual(["F3"]);
    expect(at("unreadable")).toEqual(["G3"]);
    expect(b.issues.find((i) => i.code === "unreadable")!.message.zh).toContain("12月反思字数");
    const said = r.problems.map((p) => p.message.zh).join("\n");
    expect(said).toContain("已按“9月反思字数”“10月反思字数”“11月反思字数”“12月反思字数”中已填写的列数算出");
    expect(said).toContain("共4列算出");
  });
  test("a 799 in October alone fails the length rule, named at E", () => {
    const r = evaluateSheet(grid("教师常规检查", [header, ["丙老师", 10, 10, 900, 799, 900, 900]]), routine);
    expect(r.records[0].failed).toEqual(["reflection-length"]);
    expect(r.records[0].issues.find((i) => i.code === "criterion-failed")!.cell).toBe("E2");
  });
});

describe("a row that carries several layouts of a pack", () => {
  test("one row per application with the school's site data and the host's data side by side: both are checked", () => {
    const header = ["学校名称", "学校类别", "工作室面积（平方米）", "室内高度（米）", "可容纳人数", "安全、采光、通风、消防达标", "有公共卫生设施", "配有设备和教材", "申报日期", "主持人", "拥护党的领导、遵纪守法", "专业技术职称", "市级学科带头人", "市级有突出贡献的优秀专家", "省赛一等奖获奖时间", "专业引领和组织协调能力"];
    const rows: CellValue[][] = [
      ["新海实验中学", "初级中学", 80, 3, 20, "是", "是", "是", "2024-09-01", "王老师", "是", "高级教师", "否", "否", "2021年5月", "是"],
      ["海州实验小学", "小学", 80, 3, 20, "是", "是", "是", "2024-09-01", "李老师", "是", "初级", "否", "否", "2017年5月", "是"],
    ];
    const r = evaluateSheet(grid("申报汇总", [header, ...rows]), application);
    // The host's conditions are counted with the school's (the school layout alone has fewer).
    const schoolOnly = evaluateSheet(grid("申报汇总", [header.slice(0, 8), ...rows.map((x) => x.slice(0, 8))]), application);
    expect(r.records[0].total).toBeGreaterThan(schoolOnly.records[0].total! + 3);
    expect(r.records[0].failed).toEqual([]);
    expect(r.records[1].grade).toBe("不符合");
    expect(r.records[1].failed).toContain("host-prize");
  });
});
