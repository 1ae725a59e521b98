/**
 * Header matching against the header variants of DOMAIN.md ("Sheets look like this"): units and
 * punctuation, full-width text, title rows, two-row headers under a merged group header, the
 * one-是/否-column-per-standard layout, budget and application sheets, manual mappings, and sheets
 * with no header at all. Inline packs pin the matcher's rules; the built-in packs show the real
 * wording works.
 */
import * as path from "path";
import * as fs from "fs";
import ExcelJS from "exceljs";
import {
  detectPacks,
  DETECT_THRESHOLD,
  findHeaderRow,
  matchHeaders,
  matchHeaderTexts,
  normalizeHeader,
  type HeaderMatch,
} from "../src/engine/headers";
import type { CellValue, SheetGrid } from "../src/engine/types";
import { builtinPacks, getPack } from "../src/packs/index";
import { parsePack, type Pack } from "../src/packs/schema";
import { CORPUS } from "./support/corpus";

const t2 = (zh: string, en = zh) => ({ zh, en });

function pack(json: unknown): Pack {
  const r = parsePack(json);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.pack;
}

/** A studio-assessment pack written the way an official would: plain human headers, units and all. */
const studio = pack({
  id: "t-assessment",
  name: t2("工作室年度考核", "Studio assessment"),
  description: t2("考核"),
  document: "连云港市青少年科技教育名师工作室创建与管理办法（试行）",
  recordIs: t2("一行 = 一个工作室一个考核年度", "one studio, one year"),
  fields: [
    { id: "studio", label: "工作室名称", labelEn: "Studio", synonyms: ["工作室", "名师工作室"], type: "text", role: "label" },
    { id: "host", label: "主持人", labelEn: "Host", synonyms: ["主持人姓名"], type: "text" },
    { id: "national", label: "国家级科技比赛获奖数", labelEn: "National awards", synonyms: ["国家级获奖数"], type: "count" },
    { id: "provFirst", label: "省级一等奖数", labelEn: "Provincial first", synonyms: ["省级竞赛获奖一等奖", "省赛一等奖"], type: "count" },
    { id: "provSecond", label: "省级二等奖数", labelEn: "Provincial second", synonyms: ["省级竞赛获奖二等奖", "省赛二等奖"], type: "count" },
    { id: "trainings", label: "科技辅导员培训场次", labelEn: "Trainings", synonyms: ["培训场次"], type: "count" },
    { id: "newMembers", label: "新增骨干成员数", labelEn: "New core members", type: "count" },
    { id: "funding", label: "单位配套经费（元）", labelEn: "Matching funds", synonyms: ["配套经费"], type: "yesnoOrNumber" },
    { id: "std1", label: "标准一", labelEn: "Standard 1", markers: ["（一）", "标准一"], type: "yesno" },
    { id: "std4", label: "标准四", labelEn: "Standard 4", synonyms: ["（四）省赛一等奖2项或二等奖4项"], markers: ["（四）", "标准四", "四、"], type: "yesno" },
    { id: "std8", label: "标准八", labelEn: "Standard 8", markers: ["（八）", "标准八"], type: "yesno" },
  ],
  layouts: [
    { id: "evidence", label: t2("证据数量"), required: ["national", "provFirst", "provSecond", "trainings", "newMembers", "funding"] },
    { id: "flags", label: t2("逐条是/否"), required: ["std1", "std4", "std8"] },
  ],
  criteria: [{ id: "一", name: t2("国家级比赛获奖"), source: "第十六条（一）", test: { cmp: ">=", field: "national", value: 1 } }],
  outcome: {
    kind: "grade",
    bands: [
      { min: 1, grade: "合格", gradeEn: "Qualified", status: "ok" },
      { min: 0, grade: "不合格", gradeEn: "Unqualified", status: "error" },
    ],
  },
});

/** An eligibility pack with one layout per sheet kind, told apart by the sheet name. */
const application = pack({
  id: "t-application",
  name: t2("工作室申报资格", "Studio eligibility"),
  description: t2("资格"),
  document: "连云港市青少年科技教育名师工作室创建与管理办法（试行）",
  recordIs: t2("一行 = 一所学校或一个人", "one school or one person"),
  fields: [
    { id: "name", label: "姓名", labelEn: "Name", synonyms: ["学校名称"], type: "text", role: "label" },
    { id: "title", label: "专业技术职称", labelEn: "Title", synonyms: ["职称"], type: "text" },
    { id: "award", label: "获奖时间", labelEn: "Award date", type: "date" },
    { id: "area", label: "场地面积（平方米）", labelEn: "Area", synonyms: ["面积"], type: "number" },
  ],
  layouts: [
    { id: "school", label: t2("学校"), sheetHints: ["学校"], required: ["area"] },
    { id: "host", label: t2("主持人"), sheetHints: ["主持人"], required: ["title", "award"] },
    { id: "member", label: t2("成员"), sheetHints: ["成员"], required: ["title", "award"] },
  ],
  criteria: [{ id: "area", name: t2("面积"), source: "第十一条（二）", test: { cmp: ">=", field: "area", value: 50 } }],
  outcome: { kind: "all", pass: "符合", passEn: "Eligible", fail: "不符合", failEn: "Not eligible" },
});

function grid(rows: CellValue[][], extra: Partial<SheetGrid> = {}): SheetGrid {
  return { name: "考核汇总", rows, origin: { row: 1, col: 1 }, ...extra };
}

function cols(m: HeaderMatch | { columns: { field: string; col?: number; index?: number }[] }): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of m.columns) out[c.field] = (c as { col?: number }).col ?? (c as { index: number }).index;
  return out;
}

function conf(m: HeaderMatch, field: string): number | undefined {
  return m.columns.find((c) => c.field === field)?.confidence;
}

const EVIDENCE_HEADER = ["工作室名称", "主持人", "国家级科技比赛获奖数", "省级一等奖（项）", "省级二等奖（项）", "培训场次(场)", "新增骨干成员 数", "单位配套经费（元）"];
const EVIDENCE_ROW = ["阳光科技工作室", "张三", 1, 2, 0, 2, 3, 5000];

describe("normalizeHeader", () => {
  test.each([
    ["省级一等奖（项）", "省级一等奖"],
    ["省级一等奖(项)", "省级一等奖"],
    ["培训场次(场)", "培训"],
    ["科技辅导员培训场次", "科技辅导员培训"],
    ["新增骨干成员 数", "新增骨干成员"],
    ["新增骨干成员数", "新增骨干成员"],
    ["单位配套经费（元）", "单位配套经费"],
    ["单位配套经费（万元）", "单位配套经费"],
    ["单位配套经费(单位：元)", "单位配套经费"],
    ["金额/元", "金额"],
    ["场地面积（平方米）", "场地面积"],
    ["场地面积(㎡)", "场地面积"],
    ["场地面积(m²)", "场地面积"],
    ["室内高度（米）", "室内高度"],
    ["参加科普周/科普日/承办竞赛次数", "参加科普周科普日承办竞赛"],
    ["帮扶薄弱学校（所）", "帮扶薄弱学校"],
    ["市级创新大赛获奖（项/次）", "市级创新大赛获奖"],
    ["工作室名称（全称）", "工作室名称"],
    ["标准一（是/否）", "标准一"],
    ["获奖数（省级）", "获奖数省级"],
    ["＊工作室名称：", "工作室名称"],
    ["工作室\n名称", "工作室名称"],
    ["工作室　名称", "工作室名称"], // U+3000
    ["ＡＢＣ１２３", "abc123"],
    ["（四）省赛一等奖2项或二等奖4项", "(四)省赛一等奖2项或二等奖4项"],
    ["(四) 省赛一等奖2项或二等奖4项", "(四)省赛一等奖2项或二等奖4项"],
    ["四、省赛一等奖2项", "(四)省赛一等奖2项"],
    ["4.省赛一等奖2项", "(四)省赛一等奖2项"],
    ["（10）经费保障", "(十)经费保障"],
    ["⑷省赛", "(四)省赛"],
    ["④省赛", "(四)省赛"],
    ["【八】辅导员培训", "(八)辅导员培训"],
    ["标准8", "标准八"],
    ["第4项", "第四项"],
    ["一等奖", "一等奖"],
    ["次数", "次数"],
    ["人数", "人数"],
    ["2024年度", "2024年度"],
  ])("%s → %s", (raw, norm) => {
    expect(normalizeHeader(raw)).toBe(norm);
  });

  test("both spellings of one header meet in the same normal form", () => {
    expect(normalizeHeader("单位配套经费（元）")).toBe(normalizeHeader("单位配套经费(元)"));
    expect(normalizeHeader("（四）")).toBe(normalizeHeader("四、"));
    expect(normalizeHeader("培训场次(场)")).toBe(normalizeHeader("培训次数"));
  });

  test("a standard's marker is not the start of an unrelated header", () => {
    expect(normalizeHeader("一等奖").startsWith(normalizeHeader("一、"))).toBe(false);
    expect(normalizeHeader("(十一)其他").startsWith(normalizeHeader("（一）"))).toBe(false);
  });

  test("non-text input gives an empty normal form, not a throw", () => {
    expect(normalizeHeader("")).toBe("");
    expect(normalizeHeader(undefined as unknown as string)).toBe("");
    expect(normalizeHeader(42 as unknown as string)).toBe("");
  });
});

describe("matchHeaders: one header row", () => {
  test("units, punctuation and spaces: every evidence column found, confidence by kind of match", () => {
    const m = matchHeaders(grid([EVIDENCE_HEADER, EVIDENCE_ROW]), studio);
    expect(m.headerRow).toBe(1);
    expect(m.headerRows).toEqual([1]);
    expect(m.layout).toBe("evidence");
    expect(cols(m)).toEqual({ studio: 1, host: 2, national: 3, provFirst: 4, provSecond: 5, trainings: 6, newMembers: 7, funding: 8 });
    expect(m.unmatched).toEqual([]);
    expect(m.problems).toEqual([]);
    expect(conf(m, "national")).toBe(1); // exact label
    expect(conf(m, "trainings")).toBe(0.95); // 培训场次(场) = synonym 培训场次
    expect(conf(m, "newMembers")).toBe(1); // 新增骨干成员 数 = label 新增骨干成员数
    expect(m.score).toBeGreaterThan(0.95);
    expect(m.labelCol).toBe(1);
    expect(m.columns.find((c) => c.field === "provFirst")).toMatchObject({ letter: "D", header: "省级一等奖（项）" });
  });

  test("full-width headers (ＡＢＣ, （）, ：, U+3000) match like half-width ones", () => {
    const header = ["工作室名称：", "主持人", "国家级科技比赛获奖数", "省级一等奖（项）", "省级二等奖（项）", "培训场次（场）", "新增骨干成员　数", "单位配套经费（元）"];
    const m = matchHeaders(grid([header, EVIDENCE_ROW]), studio);
    expect(m.unmatched).toEqual([]);
    expect(cols(m).newMembers).toBe(7);
    expect(conf(m, "studio")).toBe(1);
  });

  test("a header containing a field's name is matched with lower confidence, scaled by overlap", () => {
    const header = ["工作室名称", "国家级科技比赛获奖数（含中国科协）", "省级一等奖", "省级二等奖", "培训场次", "本年新增骨干成员数", "配套经费"];
    const m = matchHeaders(grid([header]), studio);
    const national = conf(m, "national")!;
    const members = conf(m, "newMembers")!;
    expect(national).toBeGreaterThanOrEqual(0.6);
    expect(national).toBeLessThan(0.8);
    expect(members).toBeGreaterThan(national); // 新增骨干成员 covers more of 本年新增骨干成员 than the long national header
    expect(members).toBeLessThanOrEqual(0.8);
    expect(conf(m, "funding")).toBe(0.95);
  });

  test("one column per field and one field per column, best first", () => {
    // 省赛一等奖 is a synonym (0.95) for provFirst; the second 省级一等奖 column is the exact label (1.0).
    const m = matchHeaders(grid([["工作室名称", "省赛一等奖", "省级一等奖", "省级二等奖"]]), studio);
    expect(cols(m).provFirst).toBe(3);
    const used = m.columns.map((c) => c.col);
    expect(new Set(used).size).toBe(used.length);
  });

  test("the same header twice: the left one is used and the choice is reported", () => {
    const m = matchHeaders(grid([["工作室名称", "省级一等奖", "省级一等奖", "省级二等奖"]], { name: "汇总" }), studio);
    expect(cols(m).provFirst).toBe(2);
    const amb = m.problems.find((p) => p.code === "ambiguous-column");
    expect(amb).toMatchObject({ severity: "warning", field: "provFirst", cell: "B1", source: null });
    expect(amb!.message.zh).toContain("B列");
    expect(amb!.message.zh).toContain("C列");
    expect(amb!.message.en).toContain("used B");
    expect(amb!.message.zh).toContain("汇总");
  });

  test("a missing required column is a problem naming the sheet, the field and the headers found", () => {
    const header = EVIDENCE_HEADER.filter((h) => !h.startsWith("培训"));
    const m = matchHeaders(grid([header, EVIDENCE_ROW], { name: "2024考核" }), studio);
    expect(m.layout).toBe("evidence");
    expect(m.unmatched).toEqual(["trainings"]);
    const p = m.problems.find((x) => x.code === "column-missing")!;
    expect(p).toMatchObject({ severity: "error", field: "trainings", cell: null, source: null });
    expect(p.message.zh).toContain("2024考核");
    expect(p.message.zh).toContain("科技辅导员培训场次");
    expect(p.message.zh).toContain("D“省级一等奖（项）”");
    expect(p.message.zh).toContain("第1行");
    expect(p.message.en).toContain("Trainings");
    expect(p.message.en).toContain('D "省级一等奖（项）"');
    expect(m.score).toBeLessThan(0.9);
  });
});

describe("matchHeaders: title rows and two-row headers", () => {
  test("one merged title row above the header", () => {
    const rows = [["2024年度青少年科技教育名师工作室考核汇总表"], EVIDENCE_HEADER, EVIDENCE_ROW];
    const m = matchHeaders(grid(rows, { merges: ["A1:H1"] }), studio);
    expect(m.headerRow).toBe(2);
    expect(m.headerRows).toEqual([2]);
    expect(m.unmatched).toEqual([]);
  });

  test("two title rows (title and a line of who filled it in) above the header", () => {
    const rows: CellValue[][] = [
      ["2024年度青少年科技教育名师工作室考核汇总表"],
      ["填报单位：连云港市科协", null, null, null, null, "填报日期：2024年12月"],
      EVIDENCE_HEADER,
      EVIDENCE_ROW,
    ];
    const m = matchHeaders(grid(rows, { merges: ["A1:H1", "A2:E2", "F2:H2"] }), studio);
    expect(m.headerRow).toBe(3);
    expect(m.headerRows).toEqual([3]);
    expect(cols(m).funding).toBe(8);
  });

  test("a record whose name contains 工作室 does not pass for the header", () => {
    const rows = [["名师工作室"], EVIDENCE_HEADER, ["阳光工作室", "名师工作室", 1, 2, 0, 2, 3, 5000]];
    const m = matchHeaders(grid(rows), studio);
    expect(m.headerRow).toBe(2);
  });

  const twoRowHeader: CellValue[][] = [
    ["2024年度青少年科技教育名师工作室考核汇总表"],
    ["工作室名称", "主持人", "国家级科技比赛获奖数", "省级竞赛获奖（项）", null, "培训场次(场)", "新增骨干成员 数", "单位配套经费（元）"],
    [null, null, null, "一等奖", "二等奖", null, null, null],
    EVIDENCE_ROW,
  ];
  const twoRowMerges = ["A1:H1", "A2:A3", "B2:B3", "C2:C3", "D2:E2", "F2:F3", "G2:G3", "H2:H3"];

  test("a merged group header over 一等奖/二等奖, single columns merged down through both rows", () => {
    const m = matchHeaders(grid(twoRowHeader, { merges: twoRowMerges }), studio);
    expect(m.headerRows).toEqual([2, 3]);
    expect(m.headerRow).toBe(3);
    expect(cols(m)).toEqual({ studio: 1, host: 2, national: 3, provFirst: 4, provSecond: 5, trainings: 6, newMembers: 7, funding: 8 });
    expect(m.columns.find((c) => c.field === "provSecond")!.header).toBe("省级竞赛获奖（项）/二等奖");
    expect(m.unmatched).toEqual([]);
  });

  test("the same two-row header read without a merge list (values only)", () => {
    const m = matchHeaders(grid(twoRowHeader), studio);
    expect(m.headerRows).toEqual([2, 3]);
    expect(cols(m).provSecond).toBe(5);
  });

  test("group + sub-header gives 省级一等奖 even when the pack only knows the short label", () => {
    const short = pack({
      ...JSON.parse(JSON.stringify(studio)),
      fields: studio.fields.map((f) => (f.id === "provFirst" || f.id === "provSecond" ? { ...f, synonyms: [] } : f)),
    });
    const m = matchHeaders(grid(twoRowHeader, { merges: twoRowMerges }), short);
    expect(cols(m).provFirst).toBe(4);
    expect(cols(m).provSecond).toBe(5);
    expect(conf(m, "provFirst")).toBeGreaterThanOrEqual(0.9); // 省级 + 一等奖 = label 省级一等奖数
  });

  test("levels under a prize group (一等奖 over 省级 / 市级) read as 省级一等奖", () => {
    const rows: CellValue[][] = [
      ["工作室名称", "一等奖（项）", null, "二等奖（项）", null, "国家级科技比赛获奖数", "培训场次", "新增骨干成员数", "配套经费"],
      [null, "省级", "市级", "省级", "市级", null, null, null, null],
      ["阳光工作室", 2, 1, 0, 3, 1, 2, 3, 0],
    ];
    const m = matchHeaders(grid(rows, { merges: ["B1:C1", "D1:E1"] }), studio);
    expect(m.headerRows).toEqual([1, 2]);
    expect(cols(m).provFirst).toBe(2);
    expect(cols(m).provSecond).toBe(4);
  });

  test("a one-row header is not merged with the record below it", () => {
    const m = matchHeaders(grid([EVIDENCE_HEADER, EVIDENCE_ROW, EVIDENCE_ROW]), studio);
    expect(m.headerRows).toEqual([1]);
  });
});

describe("matchHeaders: layouts", () => {
  test("one 是/否 column per standard: （四）省赛一等奖2项或二等奖4项, 标准八", () => {
    const header = ["工作室名称", "（一）国家级比赛获奖", "（四）省赛一等奖2项或二等奖4项", "标准八"];
    const m = matchHeaders(grid([header, ["阳光工作室", "是", "否", "√"]]), studio);
    expect(m.layout).toBe("flags");
    expect(cols(m)).toEqual({ studio: 1, std1: 2, std4: 3, std8: 4 });
    expect(conf(m, "std1")).toBe(0.9); // marker
    expect(conf(m, "std4")).toBe(0.95); // synonym
    expect(conf(m, "std8")).toBe(1); // label
    expect(m.unmatched).toEqual([]);
  });

  test("numbered evidence headers with counts below stay evidence; the same headers over 是/否 are flags", () => {
    const header = ["工作室名称", "（一）国家级科技比赛获奖数", "省级一等奖", "省级二等奖", "（八）科技辅导员培训场次", "新增骨干成员数", "（四）配套经费", "（四）省赛"];
    const counts = matchHeaders(grid([header, ["甲工作室", 3, 2, 0, 4, 3, 5000, 2]]), studio);
    expect(counts.layout).toBe("evidence");
    expect(cols(counts).national).toBe(2);
    expect(cols(counts).trainings).toBe(5);

    const flagHeader = ["工作室名称", "（一）国家级科技比赛获奖", "（四）省赛一等奖2项或二等奖4项", "（八）科技辅导员培训"];
    const flags = matchHeaders(grid([flagHeader, ["甲工作室", "是", "否", "是"], ["乙工作室", "否", "是", "×"]]), studio);
    expect(flags.layout).toBe("flags");
    expect(cols(flags)).toMatchObject({ std1: 2, std4: 3, std8: 4 });
  });

  test("the sheet name decides between layouts that fit equally well (主持人 / 成员)", () => {
    const rows = [["姓名", "职称", "获奖时间"], ["王老师", "高级教师", "2022-05-01"]];
    expect(matchHeaders(grid(rows, { name: "主持人" }), application).layout).toBe("host");
    expect(matchHeaders(grid(rows, { name: "成员名单" }), application).layout).toBe("member");
    expect(matchHeaders(grid([["2024年工作室成员申报表"], ...rows], { name: "Sheet1" }), application).layout).toBe("member");
  });

  test("coverage beats a sheet-name hint: a school sheet named 主持人 is still a school sheet", () => {
    const m = matchHeaders(grid([["学校名称", "场地面积（平方米）"], ["海州实验中学", 80]], { name: "主持人" }), application);
    expect(m.layout).toBe("school");
    expect(m.unmatched).toEqual([]);
  });
});

describe("matchHeaders: explicit mapping and fixed header row", () => {
  test("a mapping overrides the guess and is marked manual; the rest is still guessed", () => {
    const header = ["工作室名称", "主持人", "国家级科技比赛获奖数", "省一等", "省级一等奖（项）", "省级二等奖（项）", "培训场次(场)", "新增骨干成员 数", "单位配套经费（元）"];
    const m = matchHeaders(grid([header]), studio, { mapping: { provFirst: 4 } });
    const first = m.columns.find((c) => c.field === "provFirst")!;
    expect(first).toEqual({ field: "provFirst", col: 4, letter: "D", header: "省一等", confidence: 1, manual: true });
    // Column E, the guess, is left to no field rather than taken twice.
    expect(m.columns.filter((c) => c.col === 5)).toEqual([]);
    expect(cols(m).provSecond).toBe(6);
    expect(m.columns.filter((c) => c.manual)).toHaveLength(1);
  });

  test("a mapping to an unknown field or an impossible column is reported and ignored", () => {
    const m = matchHeaders(grid([EVIDENCE_HEADER]), studio, { mapping: { nope: 3, national: 0 } });
    expect(m.problems.map((p) => p.code).sort()).toEqual(["mapping-bad-column", "mapping-unknown-field"]);
    expect(cols(m).national).toBe(3); // still guessed
  });

  test("a mapping without any recognisable header reads from the first row with names in the mapped columns", () => {
    const rows: CellValue[][] = [["表一"], ["单位", "甲", "乙"], ["阳光工作室", 2, 1]];
    const m = matchHeaders(grid(rows), studio, { mapping: { studio: 1, provFirst: 2, provSecond: 3 } });
    expect(m.headerRow).toBe(2);
    expect(cols(m)).toMatchObject({ studio: 1, provFirst: 2, provSecond: 3 });
  });

  test("a mapping on a sheet with no header at all: every row is a record, and that is said", () => {
    const m = matchHeaders(grid([["阳光工作室", 2, 1], ["星光工作室", 0, 4]], { origin: { row: 5, col: 1 } }), studio, {
      mapping: { studio: 1, provFirst: 2, provSecond: 3 },
    });
    expect(m.headerRow).toBe(4);
    expect(m.headerRows).toEqual([]);
    const said = m.problems.find((p) => p.code === "no-header-mapped")!;
    expect(said).toMatchObject({ severity: "warning", cell: null });
    expect(said.message.zh).toContain("第5行起");
    expect(m.unmatched).toContain("national");
    expect(m.problems.find((p) => p.field === "national")!.message.zh).toContain("没有表头");
  });

  test("a header row fixed by the user is used even when a better-looking row exists", () => {
    const rows = [EVIDENCE_HEADER, ["工作室名称", "主持人", "省赛一等奖"], EVIDENCE_ROW];
    const m = matchHeaders(grid(rows), studio, { headerRow: 2 });
    expect(m.headerRow).toBe(2);
    expect(cols(m)).toEqual({ studio: 1, host: 2, provFirst: 3 });
  });
});

describe("matchHeaders: sheets without a header", () => {
  test("a sheet of numbers has no header: a problem, not a crash", () => {
    const m = matchHeaders(grid([[1, 2, 3], [4, 5, 6]], { name: "数据" }), studio);
    expect(m.headerRow).toBe(0);
    expect(m.headerRows).toEqual([]);
    expect(m.columns).toEqual([]);
    expect(m.score).toBe(0);
    expect(m.unmatched).toEqual(studio.layouts[0].required);
    expect(m.problems).toHaveLength(1);
    expect(m.problems[0]).toMatchObject({ code: "no-header", severity: "error", cell: null, row: null, source: null });
    expect(m.problems[0].message.zh).toContain("数据");
    expect(m.problems[0].message.zh).toContain("前20行");
    expect(m.problems[0].message.en).toContain("Studio assessment");
  });

  test("a title alone is not a header", () => {
    const m = matchHeaders(grid([["2024年度青少年科技教育名师工作室考核汇总表"]]), studio);
    expect(m.problems.map((p) => p.code)).toEqual(["no-header"]);
  });

  test("an empty sheet", () => {
    for (const rows of [[], [[]], [[null, "", "  "]]] as CellValue[][][]) {
      const m = matchHeaders(grid(rows, { name: "Sheet3" }), studio);
      expect(m.columns).toEqual([]);
      expect(m.problems.map((p) => p.code)).toEqual(["empty-sheet"]);
      expect(m.problems[0].message.zh).toContain("Sheet3");
    }
  });

  test("header cells that are numbers, booleans or errors do not crash the matcher", () => {
    const m = matchHeaders(grid([[2024, true, { error: "#N/A" }, "工作室名称", "省级一等奖"], [null]]), studio);
    expect(cols(m)).toMatchObject({ studio: 4, provFirst: 5 });
  });

  test("a header below the 20th row is not looked for", () => {
    const rows: CellValue[][] = Array.from({ length: 20 }, () => [null]);
    rows.push(EVIDENCE_HEADER);
    expect(matchHeaders(grid(rows), studio).problems.map((p) => p.code)).toEqual(["no-header"]);
  });
});

describe("findHeaderRow", () => {
  test("returns the header rows and the header text of every column", () => {
    const g = grid([["考核表"], ["工作室名称", "省级竞赛获奖（项）", null], [null, "一等奖", "二等奖"]], { merges: ["A1:C1", "A2:A3", "B2:C2"] });
    expect(findHeaderRow(g, studio)).toEqual({
      headerRow: 3,
      headerRows: [2, 3],
      headers: [
        { col: 1, text: "工作室名称" },
        { col: 2, text: "省级竞赛获奖（项）/一等奖" },
        { col: 3, text: "省级竞赛获奖（项）/二等奖" },
      ],
    });
  });

  test("honours the grid origin", () => {
    const g = grid([["工作室名称", "省级一等奖"]], { origin: { row: 4, col: 3 } });
    expect(findHeaderRow(g, studio)).toMatchObject({ headerRow: 4, headers: [{ col: 3 }, { col: 4 }] });
    expect(matchHeaders(g, studio).columns.map((c) => c.letter)).toEqual(["C", "D"]);
  });

  test("null when nothing names a field", () => {
    expect(findHeaderRow(grid([["序号", "备注"]]), studio)).toBeNull();
  });
});

describe("matchHeaderTexts", () => {
  test("a header range passed to =KJ.ASSESS: positions are 0-based", () => {
    const r = matchHeaderTexts(["国家级科技比赛获奖数", "省级一等奖（项）", "省级二等奖（项）", "培训场次(场)", "新增骨干成员 数", "单位配套经费（元）"], studio);
    expect(r.layout).toBe("evidence");
    expect(cols(r)).toEqual({ national: 0, provFirst: 1, provSecond: 2, trainings: 3, newMembers: 4, funding: 5 });
    expect(r.unmatched).toEqual([]);
  });

  test("flags and missing columns, blanks in the range", () => {
    const r = matchHeaderTexts(["", "（一）国家级比赛获奖", "（四）省赛一等奖2项或二等奖4项"], studio);
    expect(r.layout).toBe("flags");
    expect(cols(r)).toEqual({ std1: 1, std4: 2 });
    expect(r.unmatched).toEqual(["std8"]);
  });
});

describe("built-in packs", () => {
  const assessment = getPack("studio-assessment")!;
  const budget = getPack("studio-budget")!;
  const applicationPack = getPack("studio-application")!;
  const routine = getPack("teacher-routine")!;

  const fullHeader = [
    "序号",
    "工作室名称",
    "主持人",
    "考核年度",
    "国家级科技比赛获奖数",
    "全国专项赛事获奖数",
    "参加青少年科技活动项数",
    "省级一等奖（项）",
    "省级二等奖（项）",
    "帮扶薄弱学校数（所）",
    "参加科普周/科普日/承办竞赛次数",
    "市级创新大赛获奖数",
    "培训场次(场)",
    "新增骨干成员 数",
    "单位配套经费（元）",
  ];

  test("the assessment sheet of DOMAIN.md, with a title row", () => {
    const m = matchHeaders(grid([["2024年度青少年科技教育名师工作室考核汇总表"], fullHeader, [1, "阳光工作室", "张三", 2024, 1, 1, 1, 2, 0, 2, 1, 3, 2, 3, 5000]]), assessment);
    expect(m.headerRow).toBe(2);
    expect(m.layout).toBe("evidence");
    expect(m.unmatched).toEqual([]);
    expect(m.problems).toEqual([]);
    expect(cols(m)).toMatchObject({ studio: 2, host: 3, year: 4, national: 5, provFirst: 8, provSecond: 9, assisted: 10, popular: 11, trainings: 13, newMembers: 14, funding: 15 });
  });

  test("the assessment sheet with a two-row header", () => {
    const top = fullHeader.slice();
    top.splice(7, 2, "省级竞赛获奖（项）", "");
    const sub = fullHeader.map((_, i) => (i === 7 ? "一等奖" : i === 8 ? "二等奖" : null));
    const m = matchHeaders(grid([["考核汇总表"], top, sub]), assessment);
    expect(m.headerRows).toEqual([2, 3]);
    expect(cols(m)).toMatchObject({ provFirst: 8, provSecond: 9 });
    expect(m.unmatched).toEqual([]);
  });

  test("the one-是/否-column-per-standard sheet", () => {
    const header = [
      "工作室名称",
      "（一）国家级比赛获奖",
      "（二）全国专项赛事获奖",
      "（三）参加科技活动",
      "（四）省赛一等奖2项或二等奖4项",
      "（五）帮扶薄弱学校",
      "（六）科普周科普日",
      "（七）市级创新大赛获奖",
      "标准八",
      "（九）新增骨干成员",
      "（十）经费保障",
    ];
    const m = matchHeaders(grid([header, ["阳光工作室", "是", "是", "是", "否", "是", "是", "是", "是", "否", "是"]]), assessment);
    expect(m.layout).toBe("flags");
    expect(m.unmatched).toEqual([]);
    expect(cols(m)).toMatchObject({ std1: 2, std4: 5, std8: 9, std10: 11 });
  });

  test("a budget sheet", () => {
    const rows: CellValue[][] = [
      ["2024年名师工作室经费支出明细表"],
      ["序号", "工作室", "年度", "支出日期", "费用类别", "支出金额(元)", "用途"],
      [1, "阳光工作室", 2024, "2024-03-02", "讲课费", "¥3,000.00", "送教下乡"],
    ];
    const m = matchHeaders(grid(rows, { name: "经费支出" }), budget);
    expect(m.headerRow).toBe(2);
    expect(m.layout).toBe("expenses");
    expect(cols(m)).toMatchObject({ studio: 2, year: 3, date: 4, category: 5, amount: 6, purpose: 7 });
    expect(m.unmatched).toEqual([]);
  });

  test("application sheets: school, host and member", () => {
    const school = matchHeaders(
      grid([["学校名称", "学校类型", "工作室面积（平方米）", "室内高度（米）", "可容纳人数", "安全、采光、通风、消防达标", "有公共卫生设施", "配有设备和教材"]], { name: "申报学校" }),
      applicationPack,
    );
    expect(school.layout).toBe("school");
    expect(school.unmatched).toEqual([]);
    const host = matchHeaders(grid([["姓名", "拥护党的领导、遵纪守法", "专业技术职称", "省赛一等奖获奖时间", "专业引领和组织协调能力"]], { name: "主持人" }), applicationPack);
    expect(host.layout).toBe("host");
    expect(host.unmatched).toEqual([]);
    const member = matchHeaders(grid([["姓名", "骨干教师级别", "县级二等奖以上获奖时间", "团队合作精神"]], { name: "成员" }), applicationPack);
    expect(member.layout).toBe("member");
    expect(member.unmatched).toEqual([]);
  });

  test("teacher routine: 学月反思篇数 and 学月反思字数 stay apart", () => {
    const m = matchHeaders(grid([["教师姓名", "教龄（年）", "听课节数", "学月反思篇数", "学月反思字数"]], { name: "教学常规" }), routine);
    expect(m.layout).toBe("teacher");
    expect(cols(m)).toMatchObject({ name: 1, seniority: 2, observed: 3, reflections: 4, reflectionChars: 5 });
  });

  test("detectPacks picks the pack that fits, best first", () => {
    const packs = builtinPacks();
    const a = detectPacks(grid([["考核汇总表"], fullHeader]), packs);
    expect(a[0].pack.id).toBe("studio-assessment");
    expect(a[0].match.score).toBeGreaterThan(0.9);
    const b = detectPacks(grid([["序号", "工作室名称", "年度", "支出类别", "金额（元）", "用途说明"]], { name: "经费" }), packs);
    expect(b[0].pack.id).toBe("studio-budget");
    for (const d of [...a, ...b]) expect(d.match.score).toBeGreaterThanOrEqual(DETECT_THRESHOLD);
  });

  test("detectPacks: a sheet that fits no pack gives nothing", () => {
    const packs = builtinPacks();
    expect(detectPacks(grid([["Name", "Email", "Phone"], ["Ann", "a@b.c", "123"]]), packs)).toEqual([]);
    expect(detectPacks(grid([["员工姓名", "身份证号码", "银行账号", "本月应付工资"]], { name: "1月" }), packs)).toEqual([]);
    expect(detectPacks(grid([]), packs)).toEqual([]);
  });
});

/** Real third-party workbooks with Chinese/Japanese text: none fits a pack, none crashes the matcher. */
describe("corpus workbooks", () => {
  const corpus = CORPUS;
  const list = path.join(corpus, "CJK_FILES.tsv");
  const files = fs.existsSync(list)
    ? fs
        .readFileSync(list, "utf8")
        .split("\n")
        .slice(1)
        .map((l) => l.split("\t")[0])
        .filter(Boolean)
    : [];

  function cellValue(v: ExcelJS.CellValue): CellValue {
    if (v === null || v === undefined) return null;
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
    if (v instanceof Date) return v.getTime() / 86400000 + 25569;
    if (typeof v === "object" && "richText" in v) return v.richText.map((r) => r.text).join("");
    if (typeof v === "object" && "error" in v) return { error: String(v.error) };
    if (typeof v === "object" && "result" in v) return cellValue(v.result as ExcelJS.CellValue);
    if (typeof v === "object" && "text" in v) return String(v.text);
    return null;
  }

  async function grids(file: string): Promise<SheetGrid[]> {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(corpus, file));
    const out: SheetGrid[] = [];
    wb.eachSheet((ws) => {
      const rows: CellValue[][] = [];
      for (let r = 1; r <= Math.min(ws.rowCount, 200); r++) {
        const values = ws.getRow(r).values as ExcelJS.CellValue[];
        rows.push(Array.isArray(values) ? values.slice(1).map(cellValue) : []);
      }
      const merges = Object.values((ws as unknown as { _merges: Record<string, { range: string }> })._merges ?? {}).map((m) => m.range);
      out.push({ name: ws.name, rows, origin: { row: 1, col: 1 }, merges });
    });
    return out;
  }

  (files.length ? test : test.skip)("no CJK corpus sheet is taken for a studio pack, and matching never throws", async () => {
    const packs = builtinPacks();
    let sheets = 0;
    for (const file of files) {
      let gs: SheetGrid[];
      try {
        gs = await grids(file);
      } catch {
        continue; // exceljs cannot read every corpus file; the matcher is what is under test
      }
      for (const g of gs) {
        sheets++;
        expect(detectPacks(g, packs)).toEqual([]);
        for (const p of packs) {
          const m = matchHeaders(g, p);
          expect(m.score).toBeGreaterThanOrEqual(0);
          expect(m.score).toBeLessThanOrEqual(1);
        }
      }
    }
    expect(sheets).toBeGreaterThan(5);
  });

  (files.includes("phpspreadsheet/tests/data/Reader/XLSX/issue.3613.xlsx") ? test : test.skip)(
    "a payroll sheet with blank rows above its header: the header is found in row 3",
    async () => {
      const payroll = pack({
        id: "t-payroll",
        name: t2("工资", "Payroll"),
        description: t2("工资"),
        document: "test",
        recordIs: t2("一行 = 一名员工", "one employee"),
        fields: [
          { id: "name", label: "姓名", labelEn: "Name", synonyms: ["员工姓名"], type: "text", role: "label" },
          { id: "pay", label: "本月应付工资", labelEn: "Pay", type: "money" },
        ],
        layouts: [{ id: "pay", label: t2("工资"), required: ["name", "pay"] }],
        outcome: { kind: "checks" },
      });
      const [g] = await grids("phpspreadsheet/tests/data/Reader/XLSX/issue.3613.xlsx");
      const m = matchHeaders(g, payroll);
      expect(m.headerRow).toBe(3);
      expect(cols(m)).toEqual({ name: 1, pay: 8 });
      expect(m.score).toBe(0.975);
    },
  );
});
