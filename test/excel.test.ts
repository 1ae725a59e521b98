/**
 * The Office.js layer against the fake Excel object model (test/support/fake-excel.ts), which runs
 * operations only at context.sync(), counts syncs and request/response bytes, and parses written
 * values the way Excel does.
 */
import { createExcelHost } from "../src/excel";
import { isHostError } from "../src/excel/errors";
import { CHUNK_BYTES, PAYLOAD_LIMIT } from "../src/excel/limits";
import { LEDGER_KEY } from "../src/excel/ledger";
import { planResults, summarySheet, templateSheet } from "../src/engine/output";
import { evaluateSheet } from "../src/engine/evaluate";
import { MARK_FILL, STATUS_FILL } from "../src/engine/verdicts";
import type { ResultPlan, WorkbookHost } from "../src/engine/host";
import { FakeExcel, type Seed } from "./support/fake-excel";
import { assessmentPack, budgetPack } from "./support/mini-packs";

let fake: FakeExcel;
let restore: () => void;
let host: WorkbookHost;

beforeEach(() => {
  fake = new FakeExcel();
  restore = fake.install();
  host = createExcelHost();
});
afterEach(() => restore());

const TITLE = "2024年度青少年科技教育名师工作室考核汇总表";
const HEADER = ["工作室名称", "国家级科技比赛获奖数", "省级一等奖（项）", "省级二等奖（项）", "培训场次(场)", "单位配套经费（元）"];

/** A submission sheet as officials send it: merged title, header, studios, a 合计 row. */
function assessmentSheet(name = "2024年度考核", extra: Partial<Parameters<FakeExcel["addSheet"]>[1]> = {}) {
  return fake.addSheet(name, {
    rows: [
      [TITLE, null, null, null, null, null],
      HEADER,
      ["海州区创客工作室", 1, 2, 0, 2, "¥3,000.00"],
      ["灌云县科学影像工作室", 0, "两个", 3, "1场", 0],
      ["连云区机器人工作室", 2, { formula: "=VLOOKUP(A5,名单!A:B,2,0)", value: { error: "#N/A" } }, 5, 3, "是"],
      ["合计", 3, 3, 8, 6, null],
    ],
    merges: ["A1:F1"],
    ...extra,
  });
}

function plan(overrides: Partial<ResultPlan> = {}): ResultPlan {
  return {
    sheet: "2024年度考核",
    headerRow: 2,
    startCol: 7,
    headers: ["得分", "等级", "未达标项", "校验说明"],
    rows: [
      { row: 3, values: [4, "优秀", null, "无问题"] },
      { row: 4, values: [0, "不合格", "一、四、八、十", "C4：省级一等奖数“两个”不是数字"] },
      { row: 5, values: [3, "合格", "四", "=C5 公式结果为 #N/A，按未达标处理"] },
    ],
    marks: [
      { address: "C4", severity: "error" },
      { address: "E4", severity: "warning" },
      { address: "C5", severity: "error" },
    ],
    ...overrides,
  };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}

/** Syncs that carried a chunk of values (read or written). */
const chunkSyncs = () => fake.syncs.filter((s) => s.kinds.includes("set:values") || s.kinds.some((k) => k.startsWith("load:values"))).length;

function bigSheet(name: string, rows: number, withIssues = false): ResultPlan {
  const data: Seed[][] = [HEADER];
  for (let i = 0; i < rows; i++) data.push([`第${i + 1}号科技教育名师工作室`, i % 3, i % 4, (i * 7) % 5, i % 6, 1000 + i]);
  fake.addSheet(name, { rows: data });
  return {
    sheet: name,
    headerRow: 1,
    startCol: 7,
    headers: ["得分", "等级", "未达标项", "校验说明"],
    rows: Array.from({ length: rows }, (_, i) => ({
      row: i + 2,
      values: [i % 11, ["优秀", "合格", "不合格"][i % 3], i % 3 === 2 ? "四、八" : null, i % 3 === 2 ? `C${i + 2}：省级一等奖数“两个”不是数字；E${i + 2}：培训场次少于 2 场` : "无问题"],
    })),
    marks: withIssues ? Array.from({ length: rows }, (_, i) => ({ address: `${"BCDEF"[i % 5]}${i + 2}`, severity: i % 2 ? "warning" : "error" })) : [],
  };
}

describe("readSheet", () => {
  test("the used range as values: errors as {error}, blanks as null, merges, hidden rows, origin", async () => {
    fake.addSheet("名单", {
      at: "B2",
      rows: [
        [TITLE, null, null],
        ["工作室名称", "省级一等奖（项）", "备注"],
        ["海州区创客工作室", "２", null],
        ["灌云县科学影像工作室", { formula: "=1/0", value: { error: "#DIV/0!" } }, "待补"],
        ["赣榆区航模工作室", 3, true],
      ],
      merges: ["B2:D2"],
      hiddenRows: [5],
    });
    const grid = await host.readSheet("名单");
    expect(grid.origin).toEqual({ row: 2, col: 2 });
    expect(grid.rows).toEqual([
      [TITLE, null, null],
      ["工作室名称", "省级一等奖（项）", "备注"],
      ["海州区创客工作室", "２", null],
      ["灌云县科学影像工作室", { error: "#DIV/0!" }, "待补"],
      ["赣榆区航模工作室", 3, true],
    ]);
    expect(grid.merges).toEqual(["B2:D2"]);
    expect(grid.hiddenRows).toEqual([5]);
  });

  test("an Excel without ExcelApi 1.13 reads the sheet without its merges instead of failing", async () => {
    assessmentSheet();
    (globalThis as unknown as { Office: { context: Record<string, unknown> } }).Office.context.requirements = { isSetSupported: (_: string, v: string) => v !== "1.13" };
    fake.resetStats();
    const grid = await host.readSheet("2024年度考核");
    expect(grid.merges).toEqual([]);
    expect(grid.rows[1]).toEqual(HEADER);
    expect(fake.syncs.some((x) => x.kinds.includes("getMergedAreasOrNullObject"))).toBe(false);
    expect((await host.writeResults(plan())).placement).toBe("columns");
  });

  test("an empty sheet reads as no rows; a missing sheet is a clear error", async () => {
    fake.addSheet("空表");
    expect((await host.readSheet("空表")).rows).toEqual([]);
    const e = await rejection(host.readSheet("不存在"));
    expect(isHostError(e) && e.code).toBe("sheet-not-found");
    expect(isHostError(e) && e.message.zh).toContain("不存在");
  });

  test("50,000 rows: a constant number of syncs besides one per chunk, no request or response over the limit, progress to the end", async () => {
    bigSheet("大表", 50_000);
    const progress: number[] = [];
    fake.resetStats();
    const grid = await host.readSheet("大表", (p) => progress.push(p.done));
    expect(grid.rows).toHaveLength(50_001);
    expect(grid.rows[50_000]).toEqual(["第50000号科技教育名师工作室", 49_999 % 3, 49_999 % 4, (49_999 * 7) % 5, 49_999 % 6, 50_999]);
    expect(fake.syncCount - chunkSyncs()).toBe(3); // selected table?, shape, merges
    expect(chunkSyncs()).toBeLessThan(12);
    expect(fake.maxResponse).toBeLessThan(PAYLOAD_LIMIT);
    expect(fake.maxRequest).toBeLessThan(PAYLOAD_LIMIT);
    expect(progress[progress.length - 1]).toBe(50_001);
  });

  test("rows much heavier than the first ones: a chunk Excel refuses as too large is read again at half the height", async () => {
    const rows: Seed[][] = [["工作室名称", "说明"]];
    for (let i = 0; i < 3000; i++) rows.push([`工作室${i}`, i < 300 ? "短" : `${i}：${"很长的情况说明".repeat(300)}`]);
    fake.addSheet("越来越长", { rows });
    fake.resetStats();
    const grid = await host.readSheet("越来越长");
    expect(grid.rows).toHaveLength(3001);
    expect(grid.rows[3000][1]).toBe(`2999：${"很长的情况说明".repeat(300)}`);
    expect(fake.syncs.some((x) => x.failed === "ResponsePayloadSizeLimitExceeded")).toBe(true);
    expect(fake.syncs.filter((x) => !x.failed).every((x) => x.response < PAYLOAD_LIMIT)).toBe(true);
  });

  test("hidden rows scattered through a chunk are found exactly", async () => {
    const rows: Seed[][] = [["工作室名称", "培训场次"]];
    for (let i = 0; i < 1000; i++) rows.push([`工作室${i}`, i]);
    const hidden = [7, 8, 9, 300, 999, 1001];
    fake.addSheet("筛选后", { rows, hiddenRows: hidden });
    expect((await host.readSheet("筛选后")).hiddenRows).toEqual(hidden);
  });

  test("a stray cell far away makes the used range too large: a message naming the range, and nothing read", async () => {
    const s = assessmentSheet();
    s.put(1_048_576, 16_384, "x");
    fake.resetStats();
    const e = await rejection(host.readSheet("2024年度考核"));
    expect(isHostError(e) && e.code).toBe("sheet-too-large");
    expect(isHostError(e) && e.message.zh).toContain("A1:XFD1048576");
    expect(fake.syncCount).toBe(2); // selected table?, shape
  });

  test("a selection inside an Excel table reads that table only (without its totals row); elsewhere the used range", async () => {
    fake.addSheet("名单", {
      rows: [
        ["说明：本表由各区县填报", null, null, null, null, null, null, null],
        [...HEADER, null, "备注"],
        ["海州区创客工作室", 1, 2, 0, 2, 3000, null, "旁边的备注"],
        ["灌云县科学影像工作室", 0, 1, 3, 1, 0, null, null],
        ["汇总", 1, 3, 3, 3, 3000, null, null],
      ],
      tables: [{ name: "表1", range: "A2:F5", showTotals: true }],
    });
    fake.sheet("名单").selected = "C3";
    fake.activate(fake.sheet("名单"));
    const grid = await host.readSheet("名单");
    expect(grid.table).toBe("表1");
    expect(grid.origin).toEqual({ row: 2, col: 1 });
    expect(grid.rows).toEqual([HEADER, ["海州区创客工作室", 1, 2, 0, 2, 3000], ["灌云县科学影像工作室", 0, 1, 3, 1, 0]]);

    fake.sheet("名单").selected = "H3";
    const whole = await host.readSheet("名单");
    expect(whole.table).toBeUndefined();
    expect(whole.rows).toHaveLength(5);
    expect(whole.rows[1]).toHaveLength(8);

    fake.sheet("名单").selected = "C3";
    fake.shapeSelected = true;
    expect((await host.readSheet("名单")).table).toBeUndefined();
  });

  test("a table on another sheet than the one read does not narrow it", async () => {
    assessmentSheet();
    fake.addSheet("名单", { rows: [HEADER, ["甲", 1, 1, 1, 1, 1]], tables: [{ name: "表1", range: "A1:F2" }] });
    fake.sheet("名单").selected = "B2";
    fake.activate(fake.sheet("名单"));
    const grid = await host.readSheet("2024年度考核");
    expect(grid.table).toBeUndefined();
    expect(grid.rows).toHaveLength(6);
  });
});

describe("writeResults", () => {
  test("values and headers land beside the data, the header bold, problem cells coloured", async () => {
    const s = assessmentSheet();
    const out = await host.writeResults(plan());
    expect(out).toEqual({ placement: "columns", sheet: "2024年度考核", range: "'2024年度考核'!G2:J5", cellsWritten: 16, marked: 3 });
    expect(out.note).toBeUndefined();
    expect(["G2", "H2", "I2", "J2"].map((a) => s.at(a))).toEqual(["得分", "等级", "未达标项", "校验说明"]);
    expect(["G3", "H3", "I3", "J3"].map((a) => s.at(a))).toEqual([4, "优秀", null, "无问题"]);
    expect(["G4", "H4", "I4"].map((a) => s.at(a))).toEqual([0, "不合格", "一、四、八、十"]);
    expect(s.boldAt("G2") && s.boldAt("J2")).toBe(true);
    expect(s.boldAt("A2")).toBe(false);
    expect(s.fillAt("C4")).toBe(MARK_FILL.error);
    expect(s.fillAt("E4")).toBe(MARK_FILL.warning);
    expect(s.fillAt("C5")).toBe(MARK_FILL.error);
    expect(s.fillAt("D4")).toBeNull();
    // The 合计 row (6) gets nothing but stays untouched.
    expect(s.at("A6")).toBe("合计");
    expect(s.at("G6")).toBeNull();
  });

  test("text that starts with = + - @ (or looks like a number or date) is written as text", async () => {
    const s = assessmentSheet();
    await host.writeResults(
      plan({
        rows: [
          { row: 3, values: [1, "=HYPERLINK(\"http://x\")", "+86", "-5"] },
          { row: 4, values: [2, "@工作室", "001", "2024-01-01"] },
          { row: 5, values: [3, "TRUE", "'引号", "#N/A"] },
        ],
        marks: [],
      }),
    );
    expect(["H3", "I3", "J3", "H4", "I4", "J4", "H5", "I5", "J5"].map((a) => s.at(a))).toEqual([
      "=HYPERLINK(\"http://x\")",
      "+86",
      "-5",
      "@工作室",
      "001",
      "2024-01-01",
      "TRUE",
      "'引号",
      "#N/A",
    ]);
    expect(s.at("G3")).toBe(1);
  });

  test("cells beside the data that hold someone's notes are not overwritten: results go to a new sheet", async () => {
    const s = assessmentSheet();
    s.put(4, 9, "已电话核实");
    const before = s.snapshot();
    const out = await host.writeResults(plan());
    expect(out.placement).toBe("sheet");
    expect(out.sheet).toBe("校验结果");
    expect(out.note?.zh).toBe("结果列 G2:J5 中已有不是本工具写入的内容（I4 一带），为不覆盖原有数据，结果写在新工作表“校验结果”中。");
    expect(s.snapshot()).toEqual(before);
    const r = fake.sheet("校验结果");
    expect(r.at("A1")).toContain("2024年度考核");
    expect(["A2", "B2", "C2", "D2", "E2"].map((a) => r.at(a))).toEqual(["原表行号", "得分", "等级", "未达标项", "校验说明"]);
    expect(["A4", "B4", "C4", "D4"].map((a) => r.at(a))).toEqual([4, 0, "不合格", "一、四、八、十"]);
    expect(r.at("E5")).toBe("=C5 公式结果为 #N/A，按未达标处理");
    expect(out.range).toBe("'校验结果'!A1:E5");
    // The problem cells are still marked where the data is.
    expect(s.fillAt("C4")).toBe(MARK_FILL.error);
  });

  test("a formula that shows nothing, or a merged cell, in the target area also counts as someone's", async () => {
    const s = assessmentSheet();
    s.put(3, 10, { formula: '=IF(B3>0,"","缺")', value: "" });
    const a = await host.writeResults(plan());
    expect(a.placement).toBe("sheet");
    expect(a.note?.zh).toContain("有公式（J3）");

    const t = assessmentSheet("第二张", { merges: ["A1:F1", "H2:I2"] });
    const b = await host.writeResults(plan({ sheet: "第二张" }));
    expect(b.placement).toBe("sheet");
    expect(b.note?.zh).toContain("有合并单元格（H2:I2）");
    expect(t.at("H3")).toBeNull();
    expect(fake.sheets.map((x) => x.name)).toEqual(["2024年度考核", "校验结果", "第二张", "校验结果 (2)"]);
  });

  test("data reaching the last column of the sheet: results go to a new sheet, with the reason", async () => {
    assessmentSheet();
    const out = await host.writeResults(plan({ startCol: 16_383 }));
    expect(out.placement).toBe("sheet");
    expect(out.note?.zh).toContain("数据右侧已没有空列");
    expect(fake.sheet("校验结果").at("C4")).toBe("不合格");
  });

  test("running again replaces our own columns instead of treating them as foreign", async () => {
    const s = assessmentSheet();
    await host.writeResults(plan());
    const again = await host.writeResults(plan({ rows: [{ row: 3, values: [2, "不合格", "一", "改过"] }], marks: [{ address: "B3", severity: "warning" }] }));
    expect(again.placement).toBe("columns");
    expect(s.at("J3")).toBe("改过");
    expect(s.at("J4")).toBeNull();
    expect(s.fillAt("C4")).toBeNull();
    expect(s.fillAt("B3")).toBe(MARK_FILL.warning);
    expect(fake.sheets).toHaveLength(1);
    // The header was not bold before the first run, and 清除结果 remembers that through both runs.
    await host.clearResults();
    expect(s.boldAt("G2")).toBe(false);
    expect(s.at("G2")).toBeNull();
  });

  test("while the columns stay occupied, a new run replaces our earlier result sheet rather than adding another", async () => {
    const s = assessmentSheet();
    s.put(3, 9, "已电话核实");
    await host.writeResults(plan());
    const again = await host.writeResults(plan({ rows: [{ row: 3, values: [1, "不合格", "一", "重跑"] }] }));
    expect(again.sheet).toBe("校验结果");
    expect(fake.sheets.map((x) => x.name)).toEqual(["2024年度考核", "校验结果"]);
    expect(fake.sheet("校验结果").at("E3")).toBe("重跑");
    expect(fake.sheet("校验结果").at("A4")).toBeNull();
  });

  test("long Chinese notes on 20,000 rows: several chunks, every request under 5 MB", async () => {
    const p = bigSheet("长说明", 20_000);
    const long = "省级一等奖数“两个”不是数字，按未达标处理；".repeat(14);
    p.rows.forEach((r) => (r.values[3] = long));
    fake.resetStats();
    await host.writeResults(p);
    expect(chunkSyncs()).toBeGreaterThan(2);
    expect(fake.maxRequest).toBeLessThan(PAYLOAD_LIMIT);
    expect(fake.sheet("长说明").at("J20001")).toBe(long);
  });

  test("a protected sheet: a clear error and nothing written", async () => {
    const s = assessmentSheet("2024年度考核", { protected: true });
    const before = s.snapshot();
    const e = await rejection(host.writeResults(plan()));
    expect(e).toMatchObject({ code: "sheet-protected", message: { zh: expect.stringContaining("受保护"), en: expect.stringContaining("protected") } });
    expect(s.snapshot()).toEqual(before);
    expect(s.fills.size).toBe(0);
    expect(fake.settingsSaves).toBe(0);
    expect(fake.syncs.every((x) => !x.kinds.some((k) => k.startsWith("set:") || k === "fill"))).toBe(true);
  });

  test("sync calls for 100 and 50,000 rows differ only by the number of chunks", async () => {
    const small = bigSheet("小表", 100);
    fake.resetStats();
    await host.writeResults(small);
    const [syncs100, chunks100] = [fake.syncCount, chunkSyncs()];

    const large = bigSheet("大表", 50_000);
    fake.resetStats();
    await host.writeResults(large);
    const [syncs50k, chunks50k] = [fake.syncCount, chunkSyncs()];

    expect(chunks100).toBe(1);
    expect(chunks50k).toBeGreaterThan(1);
    expect(syncs50k - chunks50k).toBe(syncs100 - chunks100);
    expect(fake.maxRequest).toBeLessThan(PAYLOAD_LIMIT);
    // Chunks are filled: no more of them than the bytes need, with one for the remainder.
    const bytes = fake.syncs.filter((x) => x.kinds.includes("set:values")).reduce((a, x) => a + x.request, 0);
    expect(chunks50k).toBeLessThanOrEqual(Math.ceil(bytes / (CHUNK_BYTES / 2)) + 1);
  });

  test("sync calls do not grow with the number of marked cells", async () => {
    const quiet = bigSheet("无问题", 20_000, false);
    fake.resetStats();
    await host.writeResults(quiet);
    const without = fake.syncCount;

    const noisy = bigSheet("全是问题", 20_000, true);
    fake.resetStats();
    const out = await host.writeResults(noisy);
    expect(out.marked).toBe(20_000);
    expect(fake.syncCount - without).toBeLessThanOrEqual(3);
    expect(fake.maxRequest).toBeLessThan(PAYLOAD_LIMIT);
    // Colours went as RangeAreas, many cells per call, not one call per cell.
    const fillCalls = fake.syncs.reduce((a, x) => a + (x.kinds.includes("fill") ? 1 : 0), 0);
    expect(fillCalls).toBeLessThanOrEqual(2);
    expect(fake.sheet("全是问题").fills.size).toBe(20_000);
  });

  test("more scattered marks than the ledger can remember: errors first, only what can be undone is coloured, and undone", async () => {
    const s = assessmentSheet();
    const marks: ResultPlan["marks"] = [];
    for (let i = 0; i < 200_000; i++) marks.push({ address: `${"BCDEFGHIJKLMNOPQRSTUVWXYZ"[i % 25]}${7 + ((i * 7919) % 1_000_000)}`, severity: i % 3 === 0 ? "error" : "warning" });
    const errors = new Set(marks.filter((m) => m.severity === "error").map((m) => m.address));
    const out = await host.writeResults(plan({ marks }));
    expect(out.marked).toBeGreaterThan(errors.size);
    expect(out.marked).toBeLessThan(marks.length);
    expect(s.fills.size).toBe(out.marked);
    expect([...errors].every((a) => s.fillAt(a) === MARK_FILL.error)).toBe(true);
    expect(JSON.stringify(fake.settings.get(LEDGER_KEY)).length).toBeLessThan(600_000);
    await host.clearResults();
    expect(s.fills.size).toBe(0);
  });

  test("results written through the engine's plan for a real evaluation shape", async () => {
    const s = assessmentSheet();
    const grid = await host.readSheet("2024年度考核");
    const p = planResults(
      grid,
      {
        sheet: "2024年度考核",
        pack: assessmentPack.id,
        headerRow: 2,
        columns: [],
        unmatched: [],
        records: [{ row: 3, label: "海州区创客工作室", status: "ok", grade: "优秀", met: 4, total: 4, failed: [], issues: [] }],
        groups: [],
        skipped: [{ row: 6, reason: "total" }],
        problems: [],
        summary: { records: 1, ok: 1, warning: 0, error: 0, grades: { 优秀: 1 } },
        interpretations: [],
      },
      assessmentPack,
    );
    expect(p.startCol).toBe(7);
    await host.writeResults(p);
    expect(s.at("H3")).toBe("优秀");
  });
});

describe("clearResults", () => {
  test("removes exactly what we wrote: values, bold, our colours (restoring the fills they covered), our sheets", async () => {
    const s = assessmentSheet("2024年度考核", { fills: { C4: "#FFFF00", A3: "#00B050" } });
    s.bold.add(2 * 16385 + 1);
    const values = s.snapshot();
    const fills = s.fillSnapshot();
    await host.writeResults(plan());
    expect(s.fillAt("C4")).toBe(MARK_FILL.error);
    await host.writeSheet(summarySheet([], assessmentPack));
    expect(fake.sheets).toHaveLength(2);

    const r = await host.clearResults();
    expect(r).toMatchObject({ cellsCleared: 16, sheetsRemoved: 1 });
    expect(s.snapshot()).toEqual(values);
    expect(s.fillSnapshot()).toEqual(fills);
    expect(s.boldAt("G2")).toBe(false);
    expect(s.boldAt("A2")).toBe(true);
    expect(fake.sheets.map((x) => x.name)).toEqual(["2024年度考核"]);
    expect(fake.settings.has(LEDGER_KEY)).toBe(false);
    expect(await host.clearResults()).toMatchObject({ cellsCleared: 0, sheetsRemoved: 0 });
  });

  test("a result sheet or template the user has typed into is theirs and is kept", async () => {
    const s = assessmentSheet();
    s.put(3, 9, "备注");
    await host.writeResults(plan());
    const name = await host.writeSheet(templateSheet(budgetPack));
    fake.sheet(name).put(3, 1, "海州区创客工作室");
    const r = await host.clearResults();
    expect(r).toMatchObject({ sheetsRemoved: 1, sheetsKept: [name] });
    expect(fake.sheets.map((x) => x.name)).toEqual(["2024年度考核", name]);
    expect(fake.sheet(name).at("A3")).toBe("海州区创客工作室");
  });

  test("a renamed data sheet is still found (by id); a protected one stops the clear before any change", async () => {
    const s = assessmentSheet();
    await host.writeResults(plan());
    s.name = "改名后";
    s.protected = true;
    const e = await rejection(host.clearResults());
    expect(e).toMatchObject({ code: "sheet-protected" });
    expect(s.at("H3")).toBe("优秀");
    s.protected = false;
    await host.clearResults();
    expect(s.at("H3")).toBeNull();
    expect(s.fillAt("C4")).toBeNull();
  });
});

describe("writeSheet", () => {
  test("summary: rows, bold headers, number formats, a chart; activated", async () => {
    assessmentSheet();
    const plan = summarySheet(
      [
        {
          sheet: "支出",
          pack: budgetPack.id,
          headerRow: 1,
          columns: [],
          unmatched: [],
          records: [],
          groups: [{ key: { studio: "=海州区创客工作室", year: 2024 }, spent: 9500, limit: 10000, status: "warning", issues: [] }],
          skipped: [],
          problems: [],
          summary: { records: 0, ok: 0, warning: 0, error: 0, grades: {} },
          interpretations: [],
        },
      ],
      budgetPack,
    );
    const name = await host.writeSheet(plan);
    const s = fake.sheet(name);
    const h = plan.headerRows![0];
    expect(s.at(`A${h}`)).toBe("工作室及年度");
    expect(s.at(`A${h + 1}`)).toBe("=海州区创客工作室 2024");
    expect(s.at(`B${h + 1}`)).toBe(9500);
    expect(s.boldAt(`A${h}`)).toBe(true);
    expect(s.formatAt(`B${h + 1}`)).toBe("#,##0.00");
    expect(s.formatAt(`D${h + 1}`)).toBe("0.0%");
    expect(s.charts).toEqual([{ type: "BarClustered", source: `A${h}:C${h + 1}`, title: "各工作室经费：已支出与限额", position: "H2" }]);
    expect(fake.active).toBe(s);
  });

  test("summary of grades: the counts' chart colours each grade's bar by its status, as the pane does", async () => {
    assessmentSheet();
    const grid = await host.readSheet("2024年度考核");
    const plan = summarySheet([evaluateSheet(grid, assessmentPack)], assessmentPack);
    const name = await host.writeSheet(plan);
    const [chart] = fake.sheet(name).charts;
    const c = plan.headerRows![1];
    expect(chart.source).toBe(`A${c}:B${c + 3}`);
    // 优秀 and 合格 pass, 不合格 fails.
    expect(chart.colors).toEqual([STATUS_FILL.ok, STATUS_FILL.ok, STATUS_FILL.error]);
  });

  test("template: drop-down lists and formats; a user's sheet of the same name is left alone", async () => {
    fake.addSheet("工作室经费模板", { rows: [["我的表"]] });
    const name = await host.writeSheet(templateSheet(budgetPack));
    expect(name).toBe("工作室经费模板 (2)");
    const s = fake.sheet(name);
    expect(s.at("C2")).toBe("支出类别");
    // Another category may be typed (it is then flagged as outside the permitted ones): Excel notes it, does not refuse it.
    expect(s.validations).toEqual([{ address: "C3:C502", rule: { list: { inCellDropDown: true, source: "课时费,交通费,资料订购费" } }, alert: "Information" }]);
    expect(s.formatAt("D3")).toBe("#,##0.00");
    expect(s.formatAt("D502")).toBe("#,##0.00");
    expect(s.formatAt("A3")).toBe("@");
    expect(fake.sheet("工作室经费模板").at("A1")).toBe("我的表");
    const again = await host.writeSheet(templateSheet(budgetPack));
    expect(again).toBe(name);
    expect(fake.sheets).toHaveLength(2);
  });
});

describe("selection, settings, events", () => {
  test("selectCell activates the sheet and selects the cell", async () => {
    assessmentSheet();
    const other = fake.addSheet("其他");
    fake.active = other;
    await host.selectCell("2024年度考核", "C4");
    expect(fake.active?.name).toBe("2024年度考核");
    expect(fake.sheet("2024年度考核").selected).toBe("C4");
  });

  test("settings round-trip through document settings, and bad stored values are dropped", async () => {
    const saved = { pack: "studio-assessment", mapping: { studio: 1, national: 2 }, params: { "standard-7": 3 }, headerRow: 2, sheet: "2024年度考核" };
    await host.saveSettings(saved);
    expect(await host.loadSettings()).toEqual(saved);
    expect(fake.settingsSaves).toBe(1);
    fake.settings.set("kj-assess:settings", { pack: 5, mapping: { a: "x", b: 3 }, sheet: 7 });
    expect(await host.loadSettings()).toEqual({ pack: undefined, mapping: { b: 3 }, params: undefined, headerRow: undefined, sheet: undefined });
  });

  test("onActiveSheetChanged reports the new sheet's name until unsubscribed", async () => {
    const a = fake.addSheet("甲");
    const b = fake.addSheet("乙");
    const seen: string[] = [];
    const stop = host.onActiveSheetChanged!((n) => seen.push(n));
    await new Promise((r) => setTimeout(r, 5));
    fake.activate(b);
    await new Promise((r) => setTimeout(r, 5));
    stop();
    await new Promise((r) => setTimeout(r, 5));
    fake.activate(a);
    await new Promise((r) => setTimeout(r, 5));
    expect(seen).toEqual(["乙"]);
    expect(fake.handlers.size).toBe(0);
  });

  test("listSheets and activeSheet", async () => {
    fake.addSheet("甲");
    fake.addSheet("乙");
    expect(await host.listSheets()).toEqual(["甲", "乙"]);
    expect(await host.activeSheet()).toBe("甲");
  });
});
