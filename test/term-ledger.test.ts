import { buildLedger, type LedgerSheet } from "../src/engine/term/ledger";
import { revocationRisk } from "../src/engine/term/readings";
import { termYear, termYearOfDate } from "../src/engine/term/term-year";
import { ymdToSerial } from "../src/engine/values";
import { getPack, rosterPack } from "../src/packs";
import type { CellValue, SheetGrid } from "../src/engine/types";

const packs = { assessment: getPack("studio-assessment")!, budget: getPack("studio-budget")!, roster: rosterPack() };

const STD = ["（一）国家级比赛获奖", "（二）全国专项赛事获奖", "（三）参加科技活动", "（四）省赛一等奖2项或二等奖4项", "（五）帮扶薄弱学校", "（六）科普周科普日", "（七）市级创新大赛获奖", "标准八", "标准九", "标准十"];
type Grade = "优秀" | "合格" | "不合格" | null;
/** 是 for as many standards as the grade needs: 10 → 优秀, 7 → 合格, 3 → 不合格. */
const MET: Record<Exclude<Grade, null>, number> = { 优秀: 10, 合格: 7, 不合格: 3 };
const flags = (g: Exclude<Grade, null>) => STD.map((_, i) => (i < MET[g] ? "是" : "否"));

/** One assessment sheet with a 年度 column: rows of [studio, year, grade]. */
function assessment(rows: [string, CellValue, Exclude<Grade, null>, number?][], name = "考核"): SheetGrid {
  return {
    name,
    origin: { row: 1, col: 1 },
    rows: [["名师工作室年度考核汇总表"], ["工作室名称", "考核年度", ...STD, "新增骨干成员数"], ...rows.map(([s, y, g, nm]) => [s, y, ...flags(g), nm ?? 3])],
  };
}

function budget(rows: [string, CellValue, string, CellValue, CellValue?][], name = "经费"): SheetGrid {
  return { name, origin: { row: 1, col: 1 }, rows: [["工作室名称", "年度", "支出类别", "金额（元）", "用途说明", "单位配套经费（元）"], ...rows.map(([s, y, c, a, m]) => [s, y, c, a, "送教培训", m ?? null])] };
}

function roster(rows: CellValue[][]): SheetGrid {
  return { name: "名册", origin: { row: 1, col: 1 }, rows: [["工作室名称", "挂牌日期", "主持人", "成员", "预算报告报送日期"], ...rows] };
}

const LI = "连云港市新海实验中学李明青少年科技教育名师工作室";
const sheets = (...grids: SheetGrid[]): LedgerSheet[] => grids.map((grid) => ({ grid }));

describe("term years", () => {
  test("by anniversaries for dates; refused before the plaque", () => {
    const plaque = ymdToSerial(2023, 9, 1);
    expect(termYearOfDate(plaque, ymdToSerial(2023, 9, 1))).toBe(1);
    expect(termYearOfDate(plaque, ymdToSerial(2024, 8, 31))).toBe(1);
    expect(termYearOfDate(plaque, ymdToSerial(2024, 9, 1))).toBe(2);
    expect(termYearOfDate(plaque, ymdToSerial(2026, 9, 1))).toBe(4);
    expect(termYear("2023年9月1日", "2025/3/1")).toEqual({ ok: true, value: 2 });
    const early = termYear("2023-09-01", "2023-08-31");
    expect(early.ok).toBe(false);
    if (!early.ok) expect(early.reason.zh).toContain("早于挂牌日期2023-09-01");
    expect(termYear("九月", "2024-01-01")).toMatchObject({ ok: false, text: "九月" });
  });
});

describe("every sequence of grades over three years", () => {
  const choices: Grade[] = ["优秀", "合格", "不合格", null];
  const sequences: Grade[][] = [];
  for (const a of choices) for (const b of choices) for (const c of choices) sequences.push([a, b, c]);

  test.each(sequences.map((s) => [s.map((g) => g ?? "缺").join("-"), s]))("%s", (_label, seq) => {
    const rows = (seq as Grade[]).flatMap((g, i) => (g ? [[LI, 2023 + i, g] as [string, number, Exclude<Grade, null>]] : []));
    const grids = [roster([[LI, "2023-09-01", "李明", 11, null]])];
    if (rows.length) grids.push(assessment(rows));
    const ledger = buildLedger(sheets(...grids), packs);
    expect(ledger.studios).toHaveLength(1);
    const st = ledger.studios[0];
    expect(st.years.map((y) => y.termYear)).toEqual([1, 2, 3]);
    expect(st.years.map((y) => y.year)).toEqual([2023, 2024, 2025]);
    expect(st.years.map((y) => y.grade)).toEqual(seq);
    // 第十九条: 10,000 in each of three years; 第二十二条: 0 after a 不合格; unknown after a missing year.
    const expected = (n: number): number | null => (n > 3 ? 0 : n === 1 ? 10000 : seq[n - 2] === null ? null : seq[n - 2] === "不合格" ? 0 : 10000);
    expect(st.years.map((y) => y.subsidy)).toEqual([1, 2, 3].map(expected));
    expect(st.years.map((y) => y.nextSubsidy)).toEqual([2, 3, 4].map(expected));
    expect(st.years.map((y) => y.limit)).toEqual([1, 2, 3].map(expected));
    expect(st.years[2].nextSubsidy).toBe(0); // nothing after year 3
    expect(st.years.map((y) => y.priority)).toEqual(seq.map((g) => g === "优秀"));
    const fails = (n: number) => seq.slice(0, n).filter((g) => g === "不合格").length;
    expect(st.years.map((y) => y.revocationRisk)).toEqual([1, 2, 3].map((n) => fails(n) >= 2 || (n === 3 && seq[2] === "不合格")));
    expect(st.termEnded).toBe(seq[2] !== null);
    expect(st.totals.met).toBe(seq.reduce((a, g) => a + (g ? MET[g] : 0), 0));
    // A missing year is reported where it decides a subsidy, never assumed.
    for (let n = 2; n <= 3; n++)
      if (seq[n - 2] === null && seq.slice(n - 1).some((g) => g !== null)) expect(st.years[n - 1].notes.map((x) => x.message.zh).join()).toContain(`第${n - 1}年没有考核结果`);
    expect(st.years.map((y) => y.status)).toEqual(
      [1, 2, 3].map((n) => {
        const y = st.years[n - 1];
        if (seq[n - 1] === "不合格") return "error";
        return y.notes.some((x) => x.severity === "warning") ? "warning" : "ok";
      }),
    );
  });
});

describe("budgets against the ledger's limit", () => {
  test("year 2 after a 不合格 in year 1: any spending is over the limit, an error citing 第二十二条", () => {
    const ledger = buildLedger(
      sheets(
        roster([[LI, "2023-09-01", "李明", 11, "2023-09-05"]]),
        assessment([[LI, "2023年度", "不合格"], [LI, "2024年度", "合格"]]),
        budget([
          ["新海实验中学李明工作室", 2023, "讲课费", 6000, 2000],
          ["新海实验中学李明工作室", 2024, "交通费", 1500, 2000],
        ]),
      ),
      packs,
    );
    const [y1, y2, y3] = ledger.studios[0].years;
    expect(y1).toMatchObject({ subsidy: 10000, matching: 2000, limit: 12000, spent: 6000, overSpent: false, nextSubsidy: 0, onTime: true });
    expect(y2).toMatchObject({ subsidy: 0, matching: 2000, limit: 2000, spent: 1500, overSpent: false, status: "ok" });
    expect(y3).toMatchObject({ subsidy: 10000, limit: 10000, spent: null });

    const over = buildLedger(
      sheets(roster([[LI, "2023-09-01", "李明", 11, null]]), assessment([[LI, 2023, "不合格"]]), budget([["李明工作室", "2024年", "交通费", 800]])),
      packs,
    );
    const y = over.studios[0].years[1];
    expect(y).toMatchObject({ subsidy: 0, limit: 0, spent: 800, overSpent: true, status: "error" });
    const note = y.notes.find((n) => n.severity === "error")!;
    expect(note.source).toBe("第二十二条");
    expect(note.message.zh).toBe("第2年支出¥800.00，超过本年度额度¥0.00");
    expect(over.names).toEqual([expect.objectContaining({ name: "李明工作室", how: "partial" })]);
    // The budget sheet's own check uses the ledger's limit: 0 in year 2, not 10,000.
    const [group] = over.budgets[0].result.groups;
    expect(group).toMatchObject({ key: { studio: "李明工作室", year: 2024 }, spent: 800, limit: 0, status: "error" });
    expect(group.issues.map((i) => [i.code, i.source, i.message.zh])).toEqual([["over-limit", "第二十二条", "李明工作室 2024（管理期第2年）：共支出¥800.00，超过额度¥0.00（周期台账：补助¥0.00＋配套经费¥0.00）"]]);
    // The sheet alone could not check the term; the ledger did, so that note is answered.
    expect(over.budgets[0].result.problems.map((p) => p.code)).not.toContain("subsidy-unverified");
  });

  test("year 4 has no subsidy; a late budget report is a warning with both dates", () => {
    const ledger = buildLedger(
      sheets(roster([[LI, "2023年9月1日", "李明", "张三、李四、王五", "2023-09-20"]]), assessment([[LI, 2023, "合格"], [LI, 2024, "合格"], [LI, 2025, "优秀"]]), budget([[LI, 2026, "交通费", 300]])),
      packs,
    );
    const st = ledger.studios[0];
    expect(st.years).toHaveLength(4);
    expect(st.years[0]).toMatchObject({ reportDue: ymdToSerial(2023, 9, 8), reported: ymdToSerial(2023, 9, 20), onTime: false, members: 3, status: "warning" });
    expect(st.years[3]).toMatchObject({ termYear: 4, subsidy: 0, limit: 0, spent: 300, overSpent: true });
    expect(st).toMatchObject({ termEnded: true, priority: true, revocationRisk: false, totals: { met: 24, subsidy: 30000, spent: 300 } });
    expect(st.notes.map((n) => n.message.zh)).toContain("期满：应进行期末考核（三年共达标24项）");
  });
});

describe("what cannot be placed is reported", () => {
  test("an ambiguous short name is left out with both candidates named", () => {
    const WANG = "连云港市新海实验中学王芳青少年科技教育名师工作室";
    const ledger = buildLedger(sheets(assessment([[LI, 2024, "合格"], [WANG, 2024, "优秀"], ["新海工作室", 2025, "不合格"]])), packs);
    expect(ledger.studios.map((s) => s.studio).sort()).toEqual([LI, WANG].sort());
    for (const s of ledger.studios) expect(s.years.every((y) => y.grade !== "不合格")).toBe(true);
    expect(ledger.problems.map((p) => p.message.zh).join()).toMatch(/“新海工作室”可能是.*未计入台账/);
    // Without a plaque date the first year seen is year 1, and the ledger says so.
    expect(ledger.studios[0].notes[0].message.zh).toContain("没有挂牌日期：以最早出现的2024年度为管理期第1年");
  });

  test("a year from the sheet's title when there is no year column; a row before the plaque is an error", () => {
    const grid: SheetGrid = { name: "考核", origin: { row: 1, col: 1 }, rows: [["2024年度名师工作室考核汇总表"], ["工作室名称", ...STD], [LI, ...flags("优秀")]] };
    const ledger = buildLedger(sheets(roster([[LI, "2024-03-01", "李明", 10, null]]), grid, assessment([[LI, 2022, "合格"]], "考核2022")), packs);
    const st = ledger.studios[0];
    expect(st.years[0]).toMatchObject({ year: 2024, grade: "优秀" });
    expect(st.notes.some((n) => n.severity === "error" && n.message.zh.includes("2022年度早于挂牌日期2024-03-01"))).toBe(true);
  });
});

describe("revocation readings", () => {
  test("each reading over the same grades", () => {
    const g = ["不合格", "合格", "不合格"];
    expect(revocationRisk(g, 3, "two-or-final")).toBe(true);
    expect(revocationRisk(g, 3, "two")).toBe(true);
    expect(revocationRisk(g, 3, "consecutive")).toBe(false);
    expect(revocationRisk(["合格", "不合格", "不合格"], 3, "consecutive")).toBe(true);
    expect(revocationRisk(["合格", "合格", "不合格"], 3, "two")).toBe(false);
    expect(revocationRisk(["合格", "合格", "不合格"], 3, "two-or-final")).toBe(true);
    expect(revocationRisk(["不合格", "不合格"], 3, "off")).toBe(false);
  });
});
