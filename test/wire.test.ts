/**
 * What crosses from a worker (cli/wire.ts) is explained straight into the chunks — one language or
 * none, and for a graded sheet's table only the cells to fix — instead of the records' own Issue
 * objects. These tests hold it to those objects: on random sheets typed the way officials type
 * (blanks, unreadable cells, words no vocabulary knows, columns missing), for every pack and
 * layout, every output's view of the issues is the records' issues, in the same order, with the
 * same severity, cell, text, source and message.
 */
import fc from "fast-check";
import { evaluateSheet, recordNamesCells } from "../src/engine/evaluate";
import { builtinPacks } from "../src/packs";
import { STANDARD_CODES } from "../src/engine/issues";
import { layoutHeader } from "./support/layout-header";
import type { Pack } from "../src/packs/schema";
import type { CellValue, SheetResult } from "../src/engine/types";
import { issueOut, sheetPieces, SheetReader, type IssueOut, type Needs, type RecordChunk, type SheetHead } from "../src/cli/wire";
import { noCounts, ReportRows, reportRowsOf, type ReportSheets } from "../src/cli/render";
import type { OutValue } from "../src/engine/host";
import { XmlText } from "../src/cli/report-xml";

const POOL: CellValue[] = [
  0, 1, 2, 3, 5, 15, 800, 1200, -1, "0", "２", "二", "3项", "800字", "1,200", "¥5,000.00", "1.2万",
  "是", "否", "√", "×", "有", "无", "2024-09-01", "2021年3月5日", "2019", 45536, "2024年9月",
  "一级教师", "高级教师", "正高级", "市学科带头人", "中学", "小学", "餐费", "讲课费", "礼品", "送教下乡", "日常教研",
  "若干", "约3项", "待定", "", null, { error: "#N/A" },
];
const cell = fc.constantFrom(...POOL);

/** Every issue the chunks carry, per record (by row), as the main process reads them. */
function crossed(r: SheetResult, needs: Needs, sizes?: { chunk?: number; keep?: number }): { head: SheetHead; byRow: Map<number, IssueOut[]> } {
  let reader: SheetReader | null = null;
  const byRow = new Map<number, IssueOut[]>();
  for (const p of sheetPieces(r, needs, sizes)) {
    if (p.kind === "head") reader = new SheetReader(p);
    else {
      const c: RecordChunk = reader!.take(p);
      for (let k = 0; k < c.issues.n; k++) {
        const row = c.row[c.issues.rec[k]];
        byRow.set(row, [...(byRow.get(row) ?? []), reader!.issue(c, k)]);
      }
    }
  }
  return { head: (reader as SheetReader | null)!.head, byRow };
}


/** What the chunks should carry: the records' own issues, for the records and of the kinds the output prints. */
function expected(r: SheetResult, needs: Needs, graded: boolean): Map<number, IssueOut[]> {
  const out = new Map<number, IssueOut[]>();
  for (const x of r.records) {
    if (!(needs.all || !graded || recordNamesCells(x))) continue;
    const list = x.issues.filter((i) => needs.all || !graded || !STANDARD_CODES.has(i.code)).map((i) => issueOut(i, needs));
    if (list.length) out.set(x.row, list);
  }
  return out;
}

const NEEDS: Needs[] = [
  { lang: "zh", all: false, messages: true }, // the table
  { lang: "en", all: false, messages: true },
  { lang: "zh", all: true, messages: false }, // compact JSON
  { lang: "en", all: true, messages: true }, // JSON --messages --lang en, the report
  { lang: "zh", all: true, messages: true },
];

function agree(pack: Pack, header: string[], rows: CellValue[][]): void {
  const grid = () => ({ name: "随机", rows: [header, ...rows.map((r) => [...r])], origin: { row: 1, col: 1 } });
  for (const needs of NEEDS) {
    // Explained for the wire first (nothing read before), and compared with a second evaluation's records.
    const got = crossed(evaluateSheet(grid(), pack), needs);
    const want = expected(evaluateSheet(grid(), pack), needs, got.head.graded);
    expect(got.byRow).toEqual(want);
    // Records whose issues were read before (a door that showed them) send what they hold.
    const read = evaluateSheet(grid(), pack);
    for (const x of read.records) void x.issues;
    expect(crossed(read, needs).byRow).toEqual(expected(read, needs, got.head.graded));
    // The verdicts as evaluateSheet holds them (no record objects made) cross as the record objects
    // do (a copy of the result holds only those): the same head, the same chunks.
    const held = evaluateSheet(grid(), pack);
    expect([...sheetPieces(held, needs)]).toEqual([...sheetPieces({ ...held }, needs)]);
    // In chunks of two records, the sheet's table of texts starting again once it holds three: the same issues.
    if (needs === NEEDS[2] || needs === NEEDS[4]) expect(crossed(evaluateSheet(grid(), pack), needs, { chunk: 2, keep: 3 }).byRow).toEqual(want);
  }
}

describe("the wire carries the records' own issues, in one language and only those printed", () => {
  for (const pack of builtinPacks().filter((p) => p.criteria.length > 0 || p.budget)) {
    for (const layout of pack.layouts) {
      test(`${pack.id} / ${layout.id}`, () => {
        const full = layoutHeader(pack, layout.id, { budget: true });
        fc.assert(
          fc.property(
            fc.array(fc.array(cell, { minLength: full.length, maxLength: full.length }), { minLength: 1, maxLength: 12 }),
            // A column or two missing: their criteria are unchecked, said per record.
            fc.subarray(full.slice(1).map((_, i) => i + 1), { maxLength: 2 }),
            (rows, dropped) => {
              const keep = (_: unknown, i: number) => !dropped.includes(i);
              rows.forEach((r, i) => (r[0] = `第${i + 1}个`));
              agree(pack, full.filter(keep), rows.map((r) => r.filter(keep)));
            },
          ),
          { numRuns: 25 },
        );
      });
    }
  }

  test("the report's rows name each repeated text by its shared-strings item — the right one, also when the wire's table of texts starts again", () => {
    const pack = builtinPacks().find((p) => p.id === "studio-assessment")!;
    const header = layoutHeader(pack, "evidence");
    const values: CellValue[] = [0, 1, 2, 5, "若干", null, "3项", "二"];
    const rows: CellValue[][] = Array.from({ length: 30 }, (_, k) => [`工作室${k % 7}`, ...header.slice(1).map((_, f) => values[(k * 3 + f * 5) % values.length])]);
    const result = () => evaluateSheet({ name: "考核", rows: [header, ...rows], origin: { row: 1, col: 1 } }, pack);
    // Each row as written: a column given an item is that item's text (items never reused for another text).
    const written = (sizes?: { chunk?: number; keep?: number }) => {
      const items: string[] = [];
      const out: OutValue[][] = [];
      // A text given encoded already (XmlText: these sheets have a table) read back from its bytes.
      const value = (x: OutValue | XmlText): OutValue => (x instanceof XmlText ? new TextDecoder().decode(x.bytes.subarray(x.from, x.to)) : x);
      const sink = { row: (v: readonly (OutValue | XmlText)[], it?: ArrayLike<number>) => void out.push(v.map((x, j) => (it && it[j] >= 0 ? `#${items[it[j]]}` : value(x)))) };
      const to: ReportSheets = { summary: sink, issues: sink, groups: sink, records: () => sink, counts: noCounts(), sharedIndex: (t) => items.push(t) - 1 };
      let w: ReportRows | null = null;
      for (const p of sheetPieces(result(), { lang: "zh", all: true, messages: true }, sizes)) {
        if (p.kind === "head") w = new ReportRows("a.xlsx", p, to);
        else w!.records(p);
      }
      return out;
    };
    const plain = reportRowsOf([{ file: "a.xlsx", result: result() }]);
    const want = [...plain[0].rows.slice(1), ...plain[1].rows.slice(1)];
    const shown = (rows: OutValue[][]) => rows.map((r) => r.map((v) => (typeof v === "string" && v.startsWith("#") ? v.slice(1) : v)));
    for (const sizes of [undefined, { chunk: 2, keep: 3 }]) {
      const got = written(sizes);
      expect(got.some((r) => r.some((v) => typeof v === "string" && v.startsWith("#")))).toBe(true);
      // Summary rows and issue rows interleave here (one sink): compared as sets of rows in order per kind.
      const isSummary = (r: OutValue[]) => r.length === 13;
      expect(shown(got.filter(isSummary))).toEqual(want.filter(isSummary));
      expect(shown(got.filter((r) => !isSummary(r)))).toEqual(want.filter((r) => !isSummary(r)));
    }
  });

  test("records replaced on a result are what crosses, not the verdicts it was evaluated with", () => {
    const pack = builtinPacks().find((p) => p.id === "studio-assessment")!;
    const header = layoutHeader(pack, "evidence");
    const rows: CellValue[][] = [1, 2, 3].map((k) => [`工作室${k}`, ...header.slice(1).map(() => k)]);
    const result = evaluateSheet({ name: "考核", rows: [header, ...rows], origin: { row: 1, col: 1 } }, pack);
    const rowsOf = (r: SheetResult) => [...sheetPieces(r, NEEDS[2])].flatMap((p) => (p.kind === "records" ? [...p.row] : []));
    expect(rowsOf(result)).toEqual([2, 3, 4]);
    result.records = result.records.slice(1);
    expect(rowsOf(result)).toEqual([3, 4]);
    expect(JSON.parse(JSON.stringify(result)).records.map((r: { row: number }) => r.row)).toEqual([3, 4]);
  });

  test("a graded table's records carry their blank and unreadable cells only; the JSON's every issue, without messages", () => {
    const pack = builtinPacks().find((p) => p.id === "studio-assessment")!;
    const header = ["工作室名称", "国家级科技比赛获奖数", "全国专项赛事获奖数", "参加青少年科技活动项数", "省级一等奖（项）", "省级二等奖（项）", "帮扶薄弱学校数", "参加科普周/科普日/承办竞赛次数", "市级创新大赛获奖数", "培训场次(场)", "新增骨干成员 数", "单位配套经费（元）"];
    const rows: CellValue[][] = [
      ["甲", 1, 1, 1, 2, 0, 2, 1, 3, 2, 3, "是"],
      ["乙", 0, 1, null, 2, 0, 2, "若干", 3, 2, 3, "是"],
    ];
    const grid = { name: "考核", rows: [header, ...rows], origin: { row: 1, col: 1 } };
    const table = crossed(evaluateSheet(grid, pack), { lang: "zh", all: false, messages: true }).byRow;
    expect([...table.keys()]).toEqual([3]);
    expect(table.get(3)!.map((i) => [i.code, i.cell, i.message])).toEqual([
      ["missing", "D3", "D3 “参加青少年科技活动项数”未填写"],
      ["unreadable", "H3", "H3 “参加科普周/科普日/承办竞赛次数”：“若干”无法识别为个数"],
    ]);
    const json = crossed(evaluateSheet(grid, pack), { lang: "zh", all: true, messages: false }).byRow;
    expect(json.get(3)!.map((i) => i.code)).toEqual(["criterion-failed", "missing", "unreadable"]);
    expect(json.get(3)!.every((i) => !("message" in i))).toBe(true);
  });
});
