/**
 * Small packs in the shape of the real ones (assessment with evidence and flag layouts, an
 * eligibility pack, a budget pack), validated by the real schema. Output and Excel-layer tests use
 * them so they do not depend on the wording of the built-in packs.
 */
import { parsePack, type Pack } from "../../src/packs/schema";

/** A pack from JSON through the real schema; a test pack that does not parse fails loudly. */
export function pack(json: unknown): Pack {
  const r = parsePack(json);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.pack;
}

const t2 = (zh: string, en = zh) => ({ zh, en });

export const assessmentPack: Pack = pack({
  id: "mini-assessment",
  name: t2("工作室年度考核", "Studio annual assessment"),
  description: t2("考核"),
  document: "连云港市青少年科技教育名师工作室创建与管理办法（试行）",
  recordIs: t2("一行 = 一个工作室一个考核年度", "one studio, one year"),
  fields: [
    { id: "studio", label: "工作室名称", labelEn: "Studio", type: "text", role: "label" },
    { id: "year", label: "考核年度", labelEn: "Year", type: "year" },
    { id: "national", label: "国家级科技比赛获奖数", labelEn: "National awards", type: "count" },
    { id: "provFirst", label: "省级一等奖数", labelEn: "Provincial first", type: "count" },
    { id: "provSecond", label: "省级二等奖数", labelEn: "Provincial second", type: "count" },
    { id: "training", label: "科技辅导员培训场次", labelEn: "Trainings", type: "count" },
    { id: "funding", label: "单位配套经费（元）", labelEn: "Matching funds", type: "money" },
    { id: "reportDate", label: "报送日期", labelEn: "Report date", type: "date" },
    { id: "flag4", label: "（四）省赛一等奖2项或二等奖4项", labelEn: "Standard 4", type: "yesno", markers: ["（四）", "标准四"] },
  ],
  layouts: [
    { id: "evidence", label: t2("证据列"), required: ["studio", "national"] },
    { id: "flags", label: t2("是否列"), required: ["studio", "flag4"] },
  ],
  criteria: [
    { id: "一", name: t2("国家级比赛获奖"), source: "第十六条（一）", test: { cmp: ">=", field: "national", value: 1 } },
    {
      id: "四",
      name: t2("省级竞赛获奖"),
      source: "第十六条（四）",
      test: { anyOf: [{ cmp: ">=", field: "provFirst", value: 2 }, { cmp: ">=", field: "provSecond", value: 4 }] },
      flag: "flag4",
    },
    { id: "八", name: t2("辅导员培训"), source: "第十六条（八）", test: { cmp: ">=", field: "training", value: 2 } },
    { id: "十", name: t2("配套经费"), source: "第十六条（十）", test: { cmp: ">", field: "funding", value: 0 } },
  ],
  outcome: {
    kind: "grade",
    bands: [
      { min: 4, grade: "优秀", gradeEn: "Excellent", status: "ok" },
      { min: 3, grade: "合格", gradeEn: "Qualified", status: "ok" },
      { min: 0, grade: "不合格", gradeEn: "Unqualified", status: "error" },
    ],
  },
});

export const applicationPack: Pack = pack({
  id: "mini-application",
  name: t2("工作室申报资格", "Studio eligibility"),
  description: t2("资格"),
  document: "连云港市青少年科技教育名师工作室创建与管理办法（试行）",
  recordIs: t2("一行 = 一所申报学校", "one applicant school"),
  fields: [
    { id: "school", label: "学校名称", labelEn: "School", type: "text", role: "label" },
    { id: "area", label: "场地面积", labelEn: "Area", type: "number" },
    { id: "safety", label: "安全消防达标", labelEn: "Safety", type: "yesno" },
  ],
  layouts: [{ id: "school", label: t2("学校"), required: ["school", "area"] }],
  criteria: [
    { id: "site-area", name: t2("场地面积不少于50平方米"), source: "第十一条（二）", test: { cmp: ">=", field: "area", value: 50 } },
    { id: "site-safety", name: t2("安全、消防符合要求"), source: "第十一条（二）", test: { yes: "safety" } },
  ],
  outcome: { kind: "all", pass: "符合", passEn: "Eligible", fail: "不符合", failEn: "Not eligible" },
});

export const budgetPack: Pack = pack({
  id: "mini-budget",
  name: t2("工作室经费", "Studio budget"),
  description: t2("经费"),
  document: "连云港市青少年科技教育名师工作室创建与管理办法（试行）",
  recordIs: t2("一行 = 一笔支出", "one expense"),
  fields: [
    { id: "studio", label: "工作室", labelEn: "Studio", type: "text", role: "label" },
    { id: "year", label: "年度", labelEn: "Year", type: "year" },
    { id: "category", label: "支出类别", labelEn: "Category", type: "text" },
    { id: "amount", label: "金额（元）", labelEn: "Amount", type: "money" },
    { id: "purpose", label: "用途", labelEn: "Purpose", type: "text" },
  ],
  layouts: [{ id: "expenses", label: t2("支出明细"), required: ["studio", "category", "amount"] }],
  outcome: { kind: "checks" },
  budget: {
    categories: [
      { name: "课时费", nameEn: "Lecture fees", synonyms: ["讲课费"], source: "第二十一条", purposeWords: ["送教", "帮扶"] },
      { name: "交通费", nameEn: "Travel", synonyms: ["车费"], source: "第二十一条" },
      { name: "资料订购费", nameEn: "Subscriptions", synonyms: ["图书资料费"], source: "第二十一条" },
    ],
    forbidden: [{ id: "gifts", words: [["礼品"]], reason: t2("不在经费使用范围"), source: "第二十一条" }],
    source: "第二十一条",
    fields: { category: "category", amount: "amount", purpose: "purpose" },
    groupBy: ["studio", "year"],
    subsidy: 10000,
    subsidySource: "第十九条",
    warnRatio: 0.9,
    subsidyYears: 3,
    noSubsidySource: "第二十二条",
    reportDueDays: 7,
    reportDueSource: "第二十条",
  },
});
