import { evaluateCriterion, evaluateRow, evaluateSheet } from "../src/engine";
import { getPack } from "../src/packs";
import type { CellValue, SheetGrid } from "../src/engine/types";

const pack = getPack("studio-assessment")!;

const HEADERS = [
  "工作室名称", "国家级科技比赛获奖数", "全国专项赛事获奖数", "参加青少年科技活动项数", "省级一等奖（项）", "省级二等奖（项）",
  "帮扶薄弱学校数", "参加科普周/科普日/承办竞赛次数", "市级创新大赛获奖数", "培训场次(场)", "新增骨干成员 数", "单位配套经费（元）",
];
/** A studio that meets all ten standards exactly at their thresholds. */
const AT_THRESHOLD: CellValue[] = ["新海实验中学工作室", 1, 1, 1, 2, 0, 2, 1, 3, 2, 3, 1];

function sheet(rows: CellValue[][], headers = HEADERS): SheetGrid {
  return { name: "2024考核", rows: [["2024年度青少年科技教育名师工作室考核汇总表"], headers, ...rows], origin: { row: 1, col: 1 }, merges: ["A1:L1"] };
}

function one(row: CellValue[], params?: Record<string, number>) {
  const r = evaluateSheet(sheet([row]), pack, { params });
  expect(r.records).toHaveLength(1);
  return r.records[0];
}

/** Column of each standard's evidence in HEADERS, and the value just below its threshold. */
const BELOW: [string, number, CellValue][] = [
  ["一", 1, 0], ["二", 2, 0], ["三", 3, 0], ["五", 6, 1], ["六", 7, 0], ["七", 8, 2], ["八", 9, 1], ["九", 10, 2], ["十", 11, 0],
];

describe("studio-assessment: each standard at and around its threshold (第十六条)", () => {
  test("all ten met at their thresholds → 优秀, 10/10", () => {
    const r = one(AT_THRESHOLD);
    expect(r).toMatchObject({ grade: "优秀", met: 10, total: 10, failed: [], status: "ok", label: "新海实验中学工作室" });
  });

  test.each(BELOW)("standard %s fails one step below its threshold, with the cell and the article", (id, col, value) => {
    const row = [...AT_THRESHOLD];
    row[col] = value;
    const r = one(row);
    expect(r.failed).toEqual([id]);
    expect(r.met).toBe(9);
    expect(r.grade).toBe("优秀");
    const issue = r.issues.find((i) => i.code === "criterion-failed")!;
    expect(issue.cell).toBe(`${String.fromCharCode(65 + col)}3`);
    expect(issue.source).toBe(`第十六条（${id}）`);
    expect(issue.message.zh).toContain(`第十六条（${id}）`);
  });

  test("standard 四: two first prizes, or four second prizes; prizes are not converted", () => {
    const four = (first: CellValue, second: CellValue) => {
      const row = [...AT_THRESHOLD];
      row[4] = first;
      row[5] = second;
      return one(row).failed.includes("四");
    };
    expect(four(2, 0)).toBe(false);
    expect(four(0, 4)).toBe(false);
    expect(four(1, 3)).toBe(true); // 1 first + 3 second would pass if converted; strictly it does not
    expect(four(1, 0)).toBe(true);
    expect(four(0, 3)).toBe(true);
    expect(four(3, null)).toBe(false); // met by first prizes: a blank second-prize cell does not matter
  });

  test("standard 十: 是 counts as funding, 否 and 0 do not", () => {
    const ten = (v: CellValue) => {
      const row = [...AT_THRESHOLD];
      row[11] = v;
      return one(row).failed.includes("十");
    };
    expect(ten("是")).toBe(false);
    expect(ten("¥5,000.00")).toBe(false);
    expect(ten("否")).toBe(true);
    expect(ten(0)).toBe(true);
  });

  test("grade bands: 9 → 优秀, 8 and 6 → 合格, 5 → 不合格 (error, no subsidy next year)", () => {
    const withFails = (n: number) => {
      const row = [...AT_THRESHOLD];
      for (const [, col, v] of BELOW.slice(0, n)) row[col] = v;
      return one(row);
    };
    expect(withFails(1)).toMatchObject({ met: 9, grade: "优秀", status: "ok" });
    expect(withFails(2)).toMatchObject({ met: 8, grade: "合格", status: "ok" });
    expect(withFails(4)).toMatchObject({ met: 6, grade: "合格", status: "ok" });
    expect(withFails(5)).toMatchObject({ met: 5, grade: "不合格", status: "error" });
  });

  test("standard 七's number is an interpretation, said so, and editable", () => {
    const row = [...AT_THRESHOLD];
    row[8] = 2;
    const r = evaluateSheet(sheet([row]), pack);
    expect(r.records[0].failed).toEqual(["七"]);
    expect(r.interpretations.map((i) => i.id)).toEqual(expect.arrayContaining(["std7-number", "std4-strict"]));
    const relaxed = evaluateSheet(sheet([row]), pack, { params: { std7Min: 2 } });
    expect(relaxed.records[0].failed).toEqual([]);
  });

  test("changing a grade band changes the verdict", () => {
    const row = [...AT_THRESHOLD];
    row[1] = 0;
    expect(one(row).grade).toBe("优秀");
    expect(one(row, { excellentMin: 10 }).grade).toBe("合格");
  });
});

describe("unreadable and blank evidence never passes", () => {
  test.each<CellValue>(["若干", "约3项", "待定", null, "", { error: "#N/A" }, "3-4"])("%p in 省级一等奖 with no second prizes fails 四 and is reported", (v) => {
    const row = [...AT_THRESHOLD];
    row[4] = v;
    row[5] = 0;
    const r = one(row);
    expect(r.failed).toContain("四");
    const issue = r.issues.find((i) => i.cell === "E3")!;
    expect(issue.code).toMatch(/^(missing|unreadable)$/);
    expect(issue.text).toBe(v === null ? "" : typeof v === "object" ? "#N/A" : v);
    // Nine standards met: still 优秀, but 需核实; the cell is a 提醒, never a 错误 on a row that is not 不通过.
    expect(r.status).toBe("warning");
    expect(issue.severity).toBe("warning");
  });

  test("a row with every cell unreadable is 不合格, never a pass", () => {
    const r = one(["某工作室", "若干", "有", "很多", "?", "?", "几所", "N/A", "待定", "—", "若干", "不详"]);
    expect(r.met).toBe(0);
    expect(r.grade).toBe("不合格");
    expect(r.issues.filter((i) => i.code === "unreadable").length).toBeGreaterThanOrEqual(10);
  });
});

describe("typing habits, title rows, blank and total rows", () => {
  test("full-width digits, units, Chinese numerals and money forms read as the official meant", () => {
    const r = one(["海州工作室", "１", "1项", "二", "２项", "0", "2所", "一次", "三", "2场", "3名", "1.2万元"]);
    expect(r.failed).toEqual([]);
    expect(r.grade).toBe("优秀");
  });

  test("blank rows between records and a 合计 row are skipped, with their rows", () => {
    const r = evaluateSheet(sheet([AT_THRESHOLD, [], [...AT_THRESHOLD.slice(0, 1).map(() => "连云区工作室"), ...AT_THRESHOLD.slice(1)], ["合计", 2, 2, 2, 4, 0, 4, 2, 6, 4, 6, 2]]), pack);
    expect(r.records.map((x) => x.row)).toEqual([3, 5]);
    expect(r.skipped).toEqual([{ row: 4, reason: "blank" }, { row: 6, reason: "total" }]);
    expect(r.summary).toMatchObject({ records: 2, ok: 2, grades: { 优秀: 2 } });
  });

  test("hidden rows are still records", () => {
    const g = sheet([AT_THRESHOLD, AT_THRESHOLD]);
    g.hiddenRows = [4];
    const r = evaluateSheet(g, pack);
    expect(r.records.map((x) => [x.row, !!x.hidden])).toEqual([[3, false], [4, true]]);
  });

  test("a sheet without the pack's header reports no-header, not a crash", () => {
    const r = evaluateSheet({ name: "杂项", rows: [["随便写点"], ["甲", "乙"], [1, 2]], origin: { row: 1, col: 1 } }, pack);
    expect(r.records).toEqual([]);
    expect(r.problems[0].code).toBe("no-header");
  });

  test("a missing evidence column is named as a problem and its standard is unchecked: never met, the row 需核实 at best", () => {
    const headers = HEADERS.filter((_, i) => i !== 9);
    const row = AT_THRESHOLD.filter((_, i) => i !== 9);
    const r = evaluateSheet(sheet([row], headers), pack);
    expect(r.unmatched).toEqual(["trainings"]);
    expect(r.problems.find((p) => p.code === "column-missing")!.message.zh).toContain("科技辅导员培训场次");
    expect(r.problems.find((p) => p.code === "criterion-unchecked-sheet")!.message.zh).toContain("第十六条（八）");
    expect(r.records[0]).toMatchObject({ met: 9, total: 10, failed: [], unchecked: ["八"], status: "warning" });
    expect(r.records[0].issues.map((i) => i.code)).toEqual(["criterion-unchecked"]);
  });
});

describe("the one-是/否-column-per-standard layout", () => {
  const FLAG_HEADERS = ["工作室名称", "（一）国家级比赛获奖", "（二）全国专项赛事获奖", "（三）参加科技活动", "（四）省赛一等奖2项或二等奖4项", "（五）帮扶薄弱学校", "（六）科普周科普日", "（七）市级创新大赛获奖", "标准八", "标准九", "标准十"];

  test("marks and words, blanks reported", () => {
    const rows: CellValue[][] = [
      ["灌云县工作室", "是", "√", "✓", "否", "Y", "有", "对", "是", "是", "TRUE"],
      ["东海县工作室", "是", "×", "否", "否", "是", null, "是", "是", "待定", "是"],
    ];
    const r = evaluateSheet({ name: "考核", rows: [["2024年度考核汇总"], FLAG_HEADERS, ...rows], origin: { row: 1, col: 1 } }, pack);
    expect(r.columns.length).toBe(11);
    expect(r.records[0]).toMatchObject({ met: 9, grade: "优秀", failed: ["四"] });
    expect(r.records[1].failed).toEqual(["二", "三", "四", "六", "九"]);
    expect(r.records[1].grade).toBe("不合格");
    expect(r.records[1].issues.filter((i) => i.code === "missing" || i.code === "unreadable").map((i) => i.cell)).toEqual(["G4", "J4"]);
  });
});

describe("formulas: evaluateRow and evaluateCriterion", () => {
  test("ten flags in order", () => {
    const r = evaluateRow(pack, null, ["是", "是", "是", "否", "是", "是", "是", "否", "是", "是"]);
    expect(r).toMatchObject({ met: 8, grade: "合格", failed: ["四", "八"] });
  });
  test("a row of evidence with its headers", () => {
    const r = evaluateRow(pack, HEADERS, AT_THRESHOLD);
    expect(r).toMatchObject({ met: 10, grade: "优秀" });
  });
  test("standard 四 from first and second prizes; unreadable → null, never true", () => {
    expect(evaluateCriterion(pack, "四", [2, 0]).met).toBe(true);
    expect(evaluateCriterion(pack, "四", [1, 4]).met).toBe(true);
    expect(evaluateCriterion(pack, "四", [1, 3]).met).toBe(false);
    const r = evaluateCriterion(pack, "四", ["若干", 0]);
    expect(r.met).toBeNull();
    expect(r.issues[0].message.zh).toContain("若干");
  });
});

describe("records build their issues when first read", () => {
  const rows: CellValue[][] = [
    ["甲工作室", 0, 1, "若干", 2, 0, 2, 1, 3, 2, 3, 1],
    AT_THRESHOLD,
  ];

  test("the lazily built issues equal the ones a single-row evaluation finds, and are built once", () => {
    const r = evaluateSheet(sheet(rows), pack).records[0];
    const alone = evaluateRow(pack, HEADERS, rows[0]);
    expect(r.failed).toEqual(alone.failed);
    expect(r.issues.map((i) => [i.code, i.field, i.text])).toEqual(alone.issues.map((i) => [i.code, i.field, i.text]));
    expect(r.issues.map((i) => i.cell)).toEqual(expect.arrayContaining(["B3", "D3"]));
    expect(r.issues).toBe(r.issues);
  });

  test("JSON and Object.keys see a complete plain record; the issues can be replaced", () => {
    const res = evaluateSheet(sheet(rows), pack);
    const json = JSON.parse(JSON.stringify(res.records));
    expect(Object.keys(json[0]).sort()).toEqual(["failed", "grade", "issues", "label", "met", "row", "status", "total", "unchecked"]);
    expect(json[0].issues.length).toBeGreaterThan(0);
    expect(json[1].issues).toEqual([]);
    const rec = res.records[0];
    rec.issues = [];
    expect(rec.issues).toEqual([]);
  });
});

describe("issue severity agrees with the record's status (one vocabulary, verdicts.ts)", () => {
  test("an unreadable cell on a 不合格 row is a 错误, and so is every unmet standard", () => {
    const row = [...AT_THRESHOLD].map((v, i) => (i >= 3 ? 0 : v));
    row[4] = "若干";
    const r = one(row);
    expect(r.grade).toBe("不合格");
    expect(r.status).toBe("error");
    expect(r.issues.find((i) => i.cell === "E3")).toMatchObject({ code: "unreadable", severity: "error" });
    expect(r.issues.filter((i) => i.code === "criterion-failed").every((i) => i.severity === "error")).toBe(true);
  });

  test("on a 合格 row the unmet standards are 提醒", () => {
    const row = [...AT_THRESHOLD];
    row[3] = 0;
    row[8] = 0;
    row[11] = 0;
    const r = one(row);
    expect(r.grade).toBe("合格");
    expect(r.status).toBe("ok");
    expect(r.issues.length).toBeGreaterThan(0);
    expect(r.issues.every((i) => i.severity === "warning")).toBe(true);
  });
});
