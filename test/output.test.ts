import fc from "fast-check";
import { a1, MAX_COLS } from "../src/engine/address";
import { firstFreeColumn, needsTextGuard, planResults, summarySheet, templateSheet, templateFields, TEMPLATE_ROWS } from "../src/engine/output";
import type { Issue, RecordResult, SheetGrid, SheetResult, GroupResult } from "../src/engine/types";
import { applicationPack, assessmentPack, budgetPack } from "./support/mini-packs";
import { evaluateSheet } from "../src/engine/evaluate";
import { getPack } from "../src/packs";

function issue(p: Partial<Issue> & { cell: string | null; zh: string }): Issue {
  return {
    code: p.code ?? "unreadable",
    severity: p.severity ?? "error",
    cell: p.cell,
    row: p.row ?? (p.cell ? Number(p.cell.replace(/^[A-Z]+/, "")) : null),
    field: p.field ?? null,
    text: p.text ?? null,
    message: { zh: p.zh, en: p.zh },
    source: p.source ?? null,
  };
}

function record(p: Partial<RecordResult> & { row: number }): RecordResult {
  return { label: `第${p.row}行`, status: "ok", grade: null, met: null, total: null, failed: [], issues: [], ...p };
}

function result(sheet: string, records: RecordResult[], extra: Partial<SheetResult> = {}): SheetResult {
  return {
    sheet,
    pack: "x",
    headerRow: 2,
    columns: [],
    unmatched: [],
    records,
    groups: [],
    skipped: [],
    problems: [],
    summary: { records: records.length, ok: 0, warning: 0, error: 0, grades: {} },
    interpretations: [],
    ...extra,
  };
}

/** The shape officials send: a merged title row, the header, three studios and a 合计 row. */
const assessmentGrid: SheetGrid = {
  name: "2024年度考核",
  origin: { row: 1, col: 1 },
  merges: ["A1:F1"],
  rows: [
    ["2024年度青少年科技教育名师工作室考核汇总表", null, null, null, null, null],
    ["工作室名称", "国家级科技比赛获奖数", "省级一等奖（项）", "省级二等奖（项）", "培训场次(场)", "单位配套经费（元）"],
    ["海州区创客工作室", 1, 2, 0, 2, "¥3,000.00"],
    ["灌云县科学影像工作室", 0, "两个", 3, "1场", 0],
    ["=连云区机器人工作室", 2, 1, 5, 3, "是"],
    ["合计", 3, 3, 8, 6, null],
  ],
};

describe("needsTextGuard", () => {
  test.each([
    ["=SUM(A1)", true],
    ["+86 518", true],
    ["-5", true],
    ["@工作室", true],
    ["优秀", false],
    ["", false],
    [" =1", false],
    ["四、八", false],
  ])("%s → %s", (s, want) => expect(needsTextGuard(s)).toBe(want));
});

describe("firstFreeColumn", () => {
  test("right of the last non-empty header or data cell, not of a wide title", () => {
    const wideTitle: SheetGrid = { ...assessmentGrid, merges: ["A1:K1"] };
    expect(firstFreeColumn(assessmentGrid, 2)).toBe(7);
    expect(firstFreeColumn(wideTitle, 2)).toBe(7);
  });

  test("a note typed right of one data row moves the results past it", () => {
    const g: SheetGrid = { ...assessmentGrid, rows: assessmentGrid.rows.map((r, i) => (i === 3 ? [...r, null, "待补材料"] : r)) };
    expect(firstFreeColumn(g, 2)).toBe(9);
  });

  test("a two-row header whose group row reaches further counts, and merged headers cover their columns", () => {
    const g: SheetGrid = {
      name: "s",
      origin: { row: 3, col: 2 },
      merges: ["B3:B4", "C3:E3"],
      rows: [
        ["工作室名称", "省级竞赛获奖（项）", null, null],
        [null, "一等奖", "二等奖", null],
        ["海州区创客工作室", 2, 1, null],
      ],
    };
    // Group row 3 holds two cells, so it is a header row; its merge C3:E3 reaches column E.
    expect(firstFreeColumn(g, 4)).toBe(6);
  });
});

describe("planResults", () => {
  const r = result("2024年度考核", [
    record({ row: 3, label: "海州区创客工作室", grade: "优秀", met: 4, total: 4 }),
    record({
      row: 4,
      label: "灌云县科学影像工作室",
      status: "error",
      grade: "不合格",
      met: 0,
      total: 4,
      failed: ["一", "四", "八", "十"],
      issues: [
        issue({ cell: "C4", zh: "省级一等奖数“两个”不是数字，按未达标处理", text: "两个", field: "provFirst" }),
        issue({ cell: "C4", severity: "warning", zh: "C4 的写法不规范" }),
        issue({ cell: "E4", severity: "warning", zh: "培训场次“1场”少于 2 场", source: "第十六条（八）" }),
      ],
    }),
    record({ row: 5, label: "=连云区机器人工作室", status: "warning", grade: "合格", met: 3, total: 4, failed: ["四"], issues: [issue({ cell: "F5", severity: "warning", zh: "配套经费写“是”，未写金额" })] }),
  ], { problems: [issue({ cell: "B2", severity: "warning", zh: "列“国家级科技比赛获奖数”按同义词匹配" })] });

  const plan = planResults(assessmentGrid, r, assessmentPack);

  test("assessment: 得分 / 等级 / 未达标项 / 校验说明 beside the data on the header row", () => {
    expect(plan.sheet).toBe("2024年度考核");
    expect(plan.headerRow).toBe(2);
    expect(plan.startCol).toBe(7);
    expect(plan.headers).toEqual(["得分", "等级", "未达标项", "校验说明"]);
    expect(plan.rows.map((x) => x.row)).toEqual([3, 4, 5]);
    expect(plan.rows[0].values).toEqual([4, "优秀", null, "无问题"]);
    expect(plan.rows[1].values.slice(0, 3)).toEqual([0, "不合格", "一、四、八、十"]);
    expect(plan.rows[1].values[3]).toBe("C4：省级一等奖数“两个”不是数字，按未达标处理；C4 的写法不规范；E4：培训场次“1场”少于 2 场（第十六条（八））");
    expect(plan.rows[2].values).toEqual([3, "合格", "四", "F5：配套经费写“是”，未写金额"]);
  });

  test("marks every issue cell once, an error outranking a warning on the same cell", () => {
    const marks = Object.fromEntries(plan.marks.map((m) => [m.address, m.severity]));
    expect(marks).toEqual({ C4: "error", E4: "warning", F5: "warning", B2: "warning" });
  });

  test("a long list of issues is cut to a cell-sized note that says how many more there are", () => {
    const many = Array.from({ length: 40 }, (_, i) => issue({ cell: `B${i + 3}`, zh: `第${i + 3}行的证据无法读取：“${"很长的说明".repeat(3)}”` }));
    const p = planResults(assessmentGrid, result("s", [record({ row: 3, status: "error", grade: "不合格", met: 0, issues: many })]), assessmentPack);
    const text = p.rows[0].values[3] as string;
    expect(text.length).toBeLessThan(360);
    expect(text).toMatch(/另有 \d+ 条/);
  });

  test("eligibility: 校验结果 is the pack's verdict, 说明 names each unmet condition with its article", () => {
    const grid: SheetGrid = { name: "学校", origin: { row: 1, col: 1 }, rows: [["学校名称", "场地面积", "安全消防达标"], ["新海实验中学", "45平方米", "否"]] };
    const p = planResults(grid, result("学校", [record({ row: 2, status: "error", grade: "不符合", failed: ["site-area", "site-safety"] })], { headerRow: 1 }), applicationPack);
    expect(p.headers).toEqual(["校验结果", "说明"]);
    expect(p.startCol).toBe(4);
    expect(p.rows[0].values).toEqual(["不符合", "未满足：场地面积不少于50平方米（第十一条（二））；未满足：安全、消防符合要求（第十一条（二））"]);
  });

  test("budget: status words; a group's over-spend is a 提醒 on the row it points at, the line's verdict its own", () => {
    const grid: SheetGrid = {
      name: "支出",
      origin: { row: 1, col: 1 },
      rows: [["工作室", "年度", "支出类别", "金额（元）", "用途"], ["海州区创客工作室", 2024, "讲课费", 6000, "送教下乡"], ["海州区创客工作室", 2024, "礼品", 5000, "慰问"]],
    };
    const group: GroupResult = {
      key: { studio: "海州区创客工作室", year: 2024 },
      spent: 11000,
      limit: 10000,
      status: "error",
      issues: [issue({ cell: "D3", row: 3, zh: "海州区创客工作室 2024 年支出 11,000.00 元，超过限额 10,000.00 元", source: "第十九条" })],
    };
    const p = planResults(
      grid,
      result("支出", [record({ row: 2 }), record({ row: 3, status: "error", issues: [issue({ cell: "C3", zh: "“礼品”不在经费使用范围", source: "第二十一条" })] })], { headerRow: 1, groups: [group] }),
      budgetPack,
    );
    expect(p.headers).toEqual(["校验结果", "说明"]);
    expect(p.rows[0].values).toEqual(["通过", "无问题"]);
    expect(p.rows[1].values).toEqual(["不通过", "C3：“礼品”不在经费使用范围（第二十一条）；提醒：D3：海州区创客工作室 2024 年支出 11,000.00 元，超过限额 10,000.00 元（第十九条）"]);
    expect(p.marks).toEqual(expect.arrayContaining([{ address: "C3", severity: "error" }, { address: "D3", severity: "warning" }]));
  });
});

describe("summarySheet", () => {
  test("assessment: one line per studio over all sheets, counts per grade with zeros, a chart over the counts", () => {
    const a = result("海州区", [record({ row: 3, label: "海州区创客工作室", grade: "优秀", met: 4 }), record({ row: 4, label: "海州区物理工作室", grade: "不合格", met: 1, failed: ["四", "八", "十"] })]);
    const b = result("灌云县", [record({ row: 3, label: "灌云县科学影像工作室", grade: "优秀", met: 4 })]);
    const s = summarySheet([a, b], assessmentPack);
    expect(s.name).toBe("工作室年度考核汇总");
    expect(s.rows[0]).toEqual(["工作室年度考核校验汇总"]);
    const h = s.headerRows![0];
    expect(s.rows[h - 1]).toEqual(["序号", "名称", "等级", "达标项数", "未达标项", "工作表", "行号"]);
    expect(s.rows[h]).toEqual([1, "海州区创客工作室", "优秀", 4, null, "海州区", 3]);
    expect(s.rows[h + 1]).toEqual([2, "海州区物理工作室", "不合格", 1, "四、八、十", "海州区", 4]);
    expect(s.rows[h + 2]).toEqual([3, "灌云县科学影像工作室", "优秀", 4, null, "灌云县", 3]);
    const c = s.headerRows![1];
    expect(s.rows.slice(c - 1, c + 4)).toEqual([["等级", "数量"], ["优秀", 2], ["合格", 0], ["不合格", 1], ["合计", 3]]);
    // Each bar in its status's colour, as the task pane draws it: 优秀 and 合格 pass, 不合格 fails.
    expect(s.chart).toEqual({ type: "column", range: `A${c}:B${c + 3}`, title: "工作室年度考核：等级分布", colors: ["#C6EFCE", "#C6EFCE", "#FFC7CE"] });
  });

  test("budget: spent / limit / ratio / status per studio and year, money formats, a bar chart of spent against limit", () => {
    const groups: GroupResult[] = [
      { key: { studio: "海州区创客工作室", year: 2024 }, spent: 9500, limit: 10000, status: "warning", issues: [] },
      { key: { studio: "灌云县科学影像工作室", year: 2024 }, spent: 12000, limit: 10000, status: "error", issues: [issue({ cell: null, zh: "超支 2,000.00 元" })] },
    ];
    const s = summarySheet([result("支出", [], { groups })], budgetPack);
    const h = s.headerRows![0];
    expect(s.rows[h - 1]).toEqual(["工作室及年度", "已支出（元）", "限额（元）", "使用比例", "状态", "说明"]);
    expect(s.rows[h]).toEqual(["海州区创客工作室 2024", 9500, 10000, 0.95, "需核实", ""]);
    expect(s.rows[h + 1]).toEqual(["灌云县科学影像工作室 2024", 12000, 10000, 1.2, "不通过", "超支 2,000.00 元"]);
    expect(s.numberFormats).toEqual([
      { range: `B${h + 1}:C${h + 2}`, format: "#,##0.00" },
      { range: `D${h + 1}:D${h + 2}`, format: "0.0%" },
    ]);
    expect(s.chart).toEqual({ type: "bar", range: `A${h}:C${h + 2}`, title: "各工作室经费：已支出与限额" });
    const c = s.headerRows![1];
    expect(s.rows.slice(c, c + 4)).toEqual([["通过", 0], ["需核实", 1], ["不通过", 1], ["合计", 2]]);
  });

  test("nothing to summarise still gives a printable sheet and no chart", () => {
    const s = summarySheet([], applicationPack);
    expect(s.rows.flat()).toContain("（没有记录）");
    expect(s.chart).toBeUndefined();
  });
});

describe("templateSheet", () => {
  test("assessment: the evidence layout plus descriptive fields, not the 是/否 flag columns, with number formats per field type", () => {
    expect(templateFields(assessmentPack).map((f) => f.id)).toEqual(["studio", "year", "national", "provFirst", "provSecond", "training", "funding", "reportDate"]);
    const t = templateSheet(assessmentPack);
    expect(t.rows[1]).toEqual(["工作室名称", "考核年度", "国家级科技比赛获奖数", "省级一等奖数", "省级二等奖数", "科技辅导员培训场次", "单位配套经费（元）", "报送日期"]);
    expect(t.rows[0][0]).toBe("工作室年度考核（一行 = 一个工作室一个考核年度）");
    expect(t.headerRows).toEqual([2]);
    const last = 2 + TEMPLATE_ROWS;
    expect(t.numberFormats).toEqual([
      { range: `A3:A${last}`, format: "@" },
      { range: `B3:B${last}`, format: "0" },
      { range: `C3:C${last}`, format: "0" },
      { range: `D3:D${last}`, format: "0" },
      { range: `E3:E${last}`, format: "0" },
      { range: `F3:F${last}`, format: "0" },
      { range: `G3:G${last}`, format: "#,##0.00" },
      { range: `H3:H${last}`, format: "yyyy-mm-dd" },
    ]);
    expect(t.validations).toEqual([]);
  });

  test("the flag layout, asked for by id, asks 是/否 for flagged standards and evidence for the rest", () => {
    const t = templateSheet(assessmentPack, "flags");
    expect(t.rows[1]).toEqual(["工作室名称", "考核年度", "国家级科技比赛获奖数", "科技辅导员培训场次", "单位配套经费（元）", "报送日期", "（四）省赛一等奖2项或二等奖4项"]);
    expect(t.validations).toEqual([{ range: `G3:G${2 + TEMPLATE_ROWS}`, list: ["是", "否"] }]);
  });

  test("eligibility: 是/否 for yes/no fields", () => {
    const t = templateSheet(applicationPack);
    expect(t.rows[1]).toEqual(["学校名称", "场地面积", "安全消防达标"]);
    expect(t.validations).toEqual([{ range: `C3:C${2 + TEMPLATE_ROWS}`, list: ["是", "否"] }]);
  });

  test("budget: the category column lists the permitted categories, amounts are money", () => {
    const t = templateSheet(budgetPack);
    expect(t.rows[1]).toEqual(["工作室", "年度", "支出类别", "金额（元）", "用途"]);
    expect(t.validations).toEqual([{ range: `C3:C${2 + TEMPLATE_ROWS}`, list: ["课时费", "交通费", "资料订购费"], allowOther: true }]);
    expect(t.numberFormats).toContainEqual({ range: `D3:D${2 + TEMPLATE_ROWS}`, format: "#,##0.00" });
    expect(t.name).toBe("工作室经费模板");
  });
});

describe("with the built-in packs and the engine's evaluation", () => {
  const assessment = getPack("studio-assessment")!;
  const budget = getPack("studio-budget")!;

  /** The evidence layout as a county office sends it: merged title, units in headers, full-width digits, a hidden row, a 合计 row. */
  const grid: SheetGrid = {
    name: "2024年度考核",
    origin: { row: 1, col: 1 },
    merges: ["A1:N1"],
    hiddenRows: [5],
    rows: [
      ["2024年度青少年科技教育名师工作室考核汇总表"],
      ["工作室名称", "主持人", "考核年度", "国家级科技比赛获奖数", "全国专项赛事获奖数", "参加青少年科技活动项数", "省级一等奖（项）", "省级二等奖（项）", "帮扶薄弱学校数", "参加科普周/科普日/承办竞赛次数", "市级创新大赛获奖数", "科技辅导员培训场次", "新增骨干成员数", "单位配套经费（元）"],
      ["海州区创客工作室", "王老师", 2024, 1, 1, 2, 2, 0, 2, 1, 3, 2, 3, "¥3,000.00"],
      ["灌云县科学影像工作室", "李老师", 2024, 0, "１", 1, 1, 3, 1, 1, 0, "1场", 1, 0],
      ["连云区机器人工作室", "赵老师", 2024, 2, 1, 1, 1, 5, 2, 2, 4, 3, 3, "是"],
      ["合计", null, null, 3, 3, 4, 4, 8, 5, 4, 7, 6, 7, null],
    ],
  };

  test("assessment: results right of the data for each studio, never for the 合计 row; shortfalls as evidence against the threshold", () => {
    const r = evaluateSheet(grid, assessment);
    const p = planResults(grid, r, assessment);
    expect(p.startCol).toBe(15);
    expect(p.rows.map((x) => x.row)).toEqual([3, 4, 5]);
    expect(p.rows[0].values).toEqual([10, "优秀", null, "无问题"]);
    const [met, grade, failed, text] = p.rows[1].values as [number, string, string, string];
    expect(grade).toBe("不合格");
    expect(met).toBe(10 - failed.split("、").length);
    expect(failed.split("、")).toEqual(expect.arrayContaining(["一", "五", "八"]));
    expect(text).toContain("八：科技辅导员培训场次为“1场”，需≥2");
    expect(text).not.toContain("未达到");
    expect(p.rows[2].values[3]).toBe("此行在表中是隐藏的，已照常校验");
    // Row 4 is 不合格: the standards it misses are why, so their cells are 错误 (the 不通过 colour).
    expect(p.marks).toContainEqual({ address: "L4", severity: "error" });
  });

  test("budget: an over-spent studio-year is a 提醒 on every one of its expense rows, with the article; each line's verdict is its own", () => {
    const g: SheetGrid = {
      name: "支出",
      origin: { row: 1, col: 1 },
      rows: [
        ["工作室名称", "年度", "日期", "支出类别", "金额（元）", "用途说明", "单位配套经费（元）"],
        ["海州区创客工作室", 2024, "2024-03-01", "讲课费", "6000", "送教下乡", null],
        ["海州区创客工作室", 2024, "2024-05-01", "材料费", "5,500.00", "教学材料", null],
        ["灌云县科学影像工作室", 2024, "2024-04-01", "交通费", "800", "帮扶往返", null],
      ],
    };
    const r = evaluateSheet(g, budget);
    const p = planResults(g, r, budget);
    expect(p.rows.map((x) => x.values[0])).toEqual(["通过", "通过", "通过"]);
    expect(p.rows[0].values[1]).toMatch(/^提醒：海州区创客工作室 2024.*超过额度.*（第十九条）$/);
    expect(p.rows[1].values[1]).toBe(p.rows[0].values[1]);
    expect(p.rows[2].values[1]).toBe("无问题");
    const s = summarySheet([r], budget);
    expect(s.rows.find((row) => row[0] === "海州区创客工作室 2024")).toEqual(["海州区创客工作室 2024", 11500, 10000, 1.15, "不通过", expect.stringContaining("超过额度")]);
  });

  test("templates of the built-in packs: evidence columns with formats, 是/否 and category lists", () => {
    const t = templateSheet(assessment);
    expect(t.rows[1]).toEqual(["工作室名称", "主持人", "考核年度", "挂牌日期", "国家级科技比赛获奖数", "全国专项赛事获奖数", "参加青少年科技活动项数", "省级一等奖数", "省级二等奖数", "帮扶薄弱学校数", "参加科普周/科普日/承办竞赛次数", "市级创新大赛获奖数", "科技辅导员培训场次", "新增骨干成员数", "单位配套经费（元）"]);
    expect(t.rows[1].every((h) => !String(h).startsWith("标准"))).toBe(true);
    const b = templateSheet(budget);
    expect(b.validations?.[0].list).toEqual(budget.budget!.categories.map((c) => c.name));
    expect(b.numberFormats).toContainEqual({ range: `C3:C${2 + TEMPLATE_ROWS}`, format: "yyyy-mm-dd" });
  });
});

describe("the copy's packed marks", () => {
  const real = getPack("studio-assessment")!;
  const header = ["工作室名称", "国家级科技比赛获奖数", "全国专项赛事获奖数", "参加青少年科技活动项数", "省级一等奖数", "省级二等奖数", "帮扶薄弱学校数", "参加科普周/科普日/承办竞赛次数", "市级创新大赛获奖数", "科技辅导员培训场次", "新增骨干成员数", "单位配套经费（元）", "标准五"];
  // What officials type: numbers, full-width digits, units, blanks, words that are not numbers; 标准五 as 是/否 or blank.
  const typed = fc.constantFrom<string | number | null>(0, 1, 2, 3, 5, 12, "３", "2项", "", null, "若干", "无", "¥3,000.00", "是");
  const flag = fc.constantFrom<string | null>("是", "否", null, "", "不详");
  const unpack = (packed: Float64Array) =>
    Array.from(packed, (m) => {
      const key = Math.floor(m / 2);
      return `${a1(Math.floor(key / MAX_COLS), (key % MAX_COLS) + 1)}:${m % 2 ? "error" : "warning"}`;
    }).sort();

  test("property: told by sheet row and column from the verdicts, they are the marks the records' explained issues give, cell by cell and severity by severity", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.array(typed, { minLength: 11, maxLength: 11 }), flag), { minLength: 1, maxLength: 30 }), fc.boolean(), (lines, flags) => {
        const grid: SheetGrid = {
          name: "考核",
          origin: { row: 1, col: 1 },
          rows: [flags ? header : header.slice(0, -1), ...lines.map(([cells, f], i) => [`工作室${i}`, ...cells, ...(flags ? [f] : [])])],
        };
        const plan = planResults(grid, evaluateSheet(grid, real), real);
        // plan.marks is made by explaining every record (judge), as the page and Excel read them.
        expect(unpack(plan.lines!.marks)).toEqual(plan.marks.map((m) => `${m.address}:${m.severity}`).sort());
      }),
      { numRuns: 200 },
    );
  });
});
