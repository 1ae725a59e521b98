/**
 * A sheet's verdicts are decided column by column (engine/columns.ts) and explained record by
 * record (judge in engine/evaluate.ts, which formulas use too). These tests hold the two to the
 * same answers — status, grade, standards met, failed standards — on random sheets typed the way
 * officials type, blanks and unreadable cells included, for every pack and every layout.
 */
import fc from "fast-check";
import { evaluateRow, evaluateSheet } from "../src/engine";
import { builtinPacks } from "../src/packs";
import { layoutHeader } from "./support/layout-header";
import type { Pack, Test } from "../src/packs/schema";
import { pack } from "./support/mini-packs";
import type { CellValue, SheetGrid } from "../src/engine/types";
import { CellColumns, columnGrid } from "../src/engine/grid";

/** What officials type, and what they should not: numbers in every form, 是/否 marks, dates, words, blanks, errors. */
const POOL: CellValue[] = [
  0, 1, 2, 3, 4, 5, 8, 15, 20, 100, 800, 1200, 0.5, -1, 2.9999999999999996,
  "0", "1", "3", "２", "二", "十二", "3项", "2场", "5名", "800字", "1,200", "¥5,000.00", "1.2万", "90%",
  "是", "否", "√", "×", "有", "无", "Y", "n", "TRUE", true, false,
  "2024-09-01", "2021年3月5日", "2019", 2020, 45000, 45536, "2024年9月",
  "一级教师", "高级教师", "正高级", "市学科带头人", "中学", "小学", "高中", "幼儿园",
  "若干", "约3项", "3-4", "待定", "N/A", "", "  ", null, { error: "#N/A" }, { error: "#DIV/0!" },
];
const cell = fc.constantFrom(...POOL);

type FieldJson = { id: string; label: string; labelEn: string; type: string };

/** An eligibility-style pack (符合 / 不符合) over a label column and the given fields and tests. */
function eligibilityPack(id: string, fields: FieldJson[], tests: { test: Test; severity: "error" | "warning" }[], required: string[]): Pack {
  return pack({
    id,
    name: { zh: "测试", en: "Test" },
    description: { zh: "测试用", en: "for tests" },
    document: "测试",
    recordIs: { zh: "一行", en: "a row" },
    fields: [{ id: "name", label: "名称", labelEn: "Name", type: "text", role: "label" }, ...fields],
    criteria: tests.map((t, i) => ({ id: `c${i}`, name: { zh: `标准${i}`, en: `Standard ${i}` }, source: "测试", ...t })),
    outcome: { kind: "all", pass: "符合", passEn: "eligible", fail: "不符合", failEn: "not eligible" },
    layouts: [{ id: "all", label: { zh: "全部", en: "All" }, required }],
  });
}

function agree(pack: Pack, header: string[], rows: CellValue[][]): void {
  const grid = { name: "随机", rows: [header, ...rows], origin: { row: 1, col: 1 } };
  const sheet = evaluateSheet(grid, pack);
  expect(sheet.headerRow).toBe(1);
  for (const rec of sheet.records) {
    const alone = evaluateRow(pack, header, rows[rec.row - 2]);
    expect({ row: rec.row, status: rec.status, grade: rec.grade, met: rec.met, total: rec.total, failed: [...rec.failed], unchecked: [...(rec.unchecked ?? [])] }).toEqual({
      row: rec.row,
      status: alone.status,
      grade: alone.grade,
      met: alone.met,
      total: alone.total,
      failed: alone.failed,
      unchecked: alone.unchecked ?? [],
    });
    // Explained from its column-wise codes (the criteria met not tested again, a plain comparison
    // not met said from its code), a sheet's record says what the record alone says, cell for cell.
    const bare = (m: string, cell: string | null) => (cell && m.startsWith(`${cell} `) ? m.slice(cell.length + 1) : m);
    expect(rec.issues.map((i) => ({ code: i.code, severity: i.severity, field: i.field, text: i.text, source: i.source, zh: bare(i.message.zh, i.cell), en: bare(i.message.en, i.cell) }))).toEqual(
      alone.issues.map((i) => ({ code: i.code, severity: i.severity, field: i.field, text: i.text, source: i.source, zh: i.message.zh, en: i.message.en })),
    );
    // A criterion nobody could check is never met, and leaves the row short of a pass.
    if (rec.unchecked?.length) expect(rec.status).not.toBe("ok");
    // The explanation agrees with the verdict: a record with problems says what they are.
    if (rec.status !== "ok") expect(rec.issues.length).toBeGreaterThan(0);
    if (rec.failed.length === 0 && pack.outcome.kind !== "checks") expect(rec.issues.filter((i) => i.code === "criterion-failed")).toEqual([]);
  }
}

describe("column-wise verdicts equal record-wise ones", () => {
  for (const pack of builtinPacks().filter((p) => p.criteria.length > 0)) {
    for (const layout of pack.layouts) {
      test(`${pack.id} / ${layout.id}`, () => {
        const header = layoutHeader(pack, layout.id);
        fc.assert(
          fc.property(fc.array(fc.array(cell, { minLength: header.length, maxLength: header.length }), { minLength: 1, maxLength: 25 }), (rows) => {
            // A label the row can be told by: never blank, never a total.
            rows.forEach((r, i) => (r[0] = `第${i + 1}个`));
            agree(pack, header, rows);
          }),
          { numRuns: 60 },
        );
      });
    }
  }

  test("random tests of every form, nested: anyOf, allOf, atLeast, if/then/else over counts, 是/否, text, dates", () => {
    const FIELDS: FieldJson[] = [
      { id: "a", label: "甲数", labelEn: "A", type: "count" },
      { id: "b", label: "乙数", labelEn: "B", type: "count" },
      { id: "m", label: "金额", labelEn: "Amount", type: "money" },
      { id: "y", label: "是否达标", labelEn: "Met", type: "yesno" },
      { id: "t", label: "职称", labelEn: "Title", type: "text" },
      { id: "d", label: "获奖日期", labelEn: "Award date", type: "date" },
      { id: "e", label: "申报日期", labelEn: "Application date", type: "date" },
    ];
    const leaf: fc.Arbitrary<Test> = fc.oneof(
      fc.record({ cmp: fc.constantFrom(">=", ">", "<=", "<", "=", "!="), field: fc.constantFrom("a", "b", "m"), value: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constant({ field: "b" })) }) as fc.Arbitrary<Test>,
      fc.record({ yes: fc.constant("y") }) as fc.Arbitrary<Test>,
      fc.record({ textIn: fc.constant("t"), values: fc.constantFrom<string[]>(["高级"], ["一级", "正高"]) }) as fc.Arbitrary<Test>,
      fc.record({ withinYears: fc.constant("d"), of: fc.constant("e"), years: fc.integer({ min: 1, max: 5 }) }) as fc.Arbitrary<Test>,
    );
    const { test: anyTest } = fc.letrec<{ test: Test }>((tie) => ({
      test: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        leaf,
        fc.record({ anyOf: fc.array(tie("test"), { minLength: 1, maxLength: 3 }) }) as fc.Arbitrary<Test>,
        fc.record({ allOf: fc.array(tie("test"), { minLength: 1, maxLength: 3 }) }) as fc.Arbitrary<Test>,
        fc.record({ atLeast: fc.integer({ min: 1, max: 3 }), of: fc.array(tie("test"), { minLength: 1, maxLength: 3 }) }) as fc.Arbitrary<Test>,
        fc.record({ if: tie("test"), then: tie("test"), else: fc.option(tie("test"), { nil: undefined }) }).map((t) => (t.else ? t : { if: t.if, then: t.then })) as fc.Arbitrary<Test>,
      ),
    }));
    fc.assert(
      fc.property(
        fc.array(anyTest, { minLength: 1, maxLength: 4 }),
        fc.array(fc.array(cell, { minLength: FIELDS.length, maxLength: FIELDS.length }), { minLength: 1, maxLength: 12 }),
        // Some columns missing from the sheet: their tests are unknown (not checked), the same in both walks.
        fc.subarray([1, 2, 3, 4, 5, 6]),
        (tests, rows, dropped) => {
          const pack = eligibilityPack("random", FIELDS, tests.map((test, i) => ({ test, severity: i % 2 ? "error" : "warning" })), ["a"]);
          const keep = (_: unknown, i: number) => !dropped.includes(i);
          const header = ["名称", ...FIELDS.filter(keep).map((f) => f.label)];
          agree(pack, header, rows.map((r, i) => [`第${i + 1}个`, ...r.filter(keep)]));
        },
      ),
      { numRuns: 300 },
    );
  });

  test("a pack with more criteria than a bit mask holds still lists every failed one", () => {
    const n = 34;
    const pack = eligibilityPack(
      "many",
      Array.from({ length: n }, (_, i) => ({ id: `f${i}`, label: `指标${i + 1}`, labelEn: `Measure ${i + 1}`, type: "count" })),
      Array.from({ length: n }, (_, i) => ({ test: { cmp: ">=", field: `f${i}`, value: 1 }, severity: "error" })),
      Array.from({ length: n }, (_, i) => `f${i}`),
    );
    const header = ["名称", ...Array.from({ length: n }, (_, i) => `指标${i + 1}`)];
    const rows: CellValue[][] = [
      ["甲", ...Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : 1))],
      ["乙", ...Array.from({ length: n }, (_, i) => (i === 32 || i === 33 ? "若干" : 1))],
    ];
    agree(pack, header, rows);
    const sheet = evaluateSheet({ name: "多", rows: [header, ...rows], origin: { row: 1, col: 1 } }, pack);
    expect(sheet.records[0].failed).toEqual(Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 === 0).map((i) => `c${i}`));
    expect(sheet.records[1].failed).toEqual(["c32", "c33"]);
    expect(sheet.records[1].status).toBe("error");
  });
});

/**
 * A sheet as the file reader holds it: column by column, texts as shared strings (one index for
 * every cell typing the same text, some as the sheet's own texts), numbers, booleans and errors
 * in place, ragged rows. recordRows and SheetColumns.fill read such a grid's columns directly
 * (kinds and indexes, a shared text looked at once); the result must be the one its rows give.
 */
function heldGrid(rows: CellValue[][], ownTexts: (r: number, c: number) => boolean): SheetGrid {
  const shared: string[] = [];
  const index = new Map<string, number>();
  const cols = new CellColumns(shared);
  rows.forEach((row, r) =>
    row.forEach((v, c) => {
      if (typeof v === "string" && !ownTexts(r, c)) {
        let k = index.get(v);
        if (k === undefined) index.set(v, (k = shared.push(v) - 1));
        cols.setShared(r, c, k);
      } else if (v !== null) cols.set(r, c, v);
    }),
  );
  return columnGrid({ name: "随机", origin: { row: 1, col: 1 } }, cols);
}

describe("a column-stored grid (as read from a file) gives what its rows give", () => {
  /** Besides what officials type in a record: the lines under and between records that are not records. */
  const LINES: CellValue[] = ["合计", "合 计", "全市合计", "平均", "全市平均", "平均分配工作室", "合计划", "填表人：张三", "注：单位为项", "  备注：无", "3项", "若干"];
  const anyCell = fc.oneof(cell, fc.constantFrom(...LINES));
  for (const pack of builtinPacks().filter((p) => p.criteria.length > 0)) {
    test(pack.id, () => {
      const header = layoutHeader(pack, pack.layouts[0].id);
      // Not vacuous: records, and lines skipped as totals, averages or footers, were seen.
      const seen = { records: 0, skipped: 0 };
      fc.assert(
        fc.property(
          fc.array(fc.array(anyCell, { minLength: 0, maxLength: header.length + 1 }), { minLength: 1, maxLength: 25 }),
          fc.integer({ min: 0, max: 2 }),
          (rows, own) => {
            const all = [header, ...rows];
            const byRows = evaluateSheet({ name: "随机", rows: all, origin: { row: 1, col: 1 } }, pack);
            const byColumns = evaluateSheet(heldGrid(all, (r, c) => (r + c) % 3 === own), pack);
            expect(JSON.parse(JSON.stringify(byColumns))).toEqual(JSON.parse(JSON.stringify(byRows)));
            seen.records += byRows.records.length;
            seen.skipped += byRows.skipped.filter((s) => s.reason !== "blank").length;
          },
        ),
        { numRuns: Number(process.env.RUNS ?? 80) },
      );
      expect(seen.records).toBeGreaterThan(0);
      expect(seen.skipped).toBeGreaterThan(0);
    });
  }
});
