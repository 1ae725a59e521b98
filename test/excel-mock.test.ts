/**
 * The Excel layer against Microsoft's office-addin-mock. The mock has no collections and no
 * address semantics, so the object model is seeded by hand: every range call returns a seeded
 * child and the builder records the addresses asked for. What these tests check is that the calls,
 * loads and written values are the ones Office.js expects, and how many context.sync() calls a
 * write takes. The fuller fake in excel.test.ts adds cell contents, payload sizes and Excel's
 * parsing of written values.
 */
import { OfficeMockObject } from "office-addin-mock";
import { createExcelHost } from "../src/excel";
import { MARK_FILL } from "../src/engine/verdicts";
import type { ResultPlan } from "../src/engine/host";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Mock = any;

/** OfficeMockObject reports a property that was not load()ed as an error string; Office.js sets isNullObject at sync without a load. */
function setNull(obj: object, isNull: boolean): void {
  Object.defineProperty(obj, "isNullObject", { value: isNull, writable: true, configurable: true });
}

interface Calls {
  getItem: string[];
  add: string[];
  deleted: string[];
  getRange: string[];
  getRangeByIndexes: number[][];
  getRanges: string[];
  cleared: string[];
  fillCleared: number;
  syncs: number;
}

interface Seed {
  protected?: boolean;
  /** Address of non-empty cells Excel reports inside the result columns, or null when they are empty. */
  targetUsed?: string | null;
  used?: { address: string; rowCount: number; columnCount: number; values: unknown[][]; valueTypes: string[][] };
}

function excelMock(seed: Seed): { excel: Mock; calls: Calls; sheet: Mock; added: Mock } {
  const calls: Calls = { getItem: [], add: [], deleted: [], getRange: [], getRangeByIndexes: [], getRanges: [], cleared: [], fillCleared: 0, syncs: 0 };
  let m: Mock = null;
  const ws = () => m.context.workbook.worksheets;
  const used = seed.used ?? { address: "'2024年度考核'!A1:A1", rowCount: 1, columnCount: 1, values: [["x"]], valueTypes: [["String"]] };
  const range = () => ({
    format: { font: { bold: false } },
    clear: (what: string) => void calls.cleared.push(`${calls.getRange[calls.getRange.length - 1]}:${what}`),
  });
  const data = {
    context: {
      workbook: {
        worksheets: {
          items: { name: "" },
          getItem: (name: string) => (calls.getItem.push(name), ws().sheet),
          getItemOrNullObject: (key: string) => (key === "{SHEET-2}" ? ws().added : ws().sheet),
          add: (name: string) => (calls.add.push(name), ws().added),
          sheet: {
            id: "{SHEET-1}",
            name: "2024年度考核",
            protection: { protected: !!seed.protected },
            getRange: (a: string) => (calls.getRange.push(a), ws().sheet.range),
            getRangeByIndexes: (...args: number[]) => (calls.getRangeByIndexes.push(args), ws().sheet.block),
            getRanges: (a: string) => (calls.getRanges.push(a), ws().sheet.areas),
            getUsedRangeOrNullObject: () => ws().sheet.used,
            range: {
              ...range(),
              getUsedRangeOrNullObject: () => ws().sheet.targetUsed,
              getSpecialCellsOrNullObject: () => ws().sheet.formulas,
              getMergedAreasOrNullObject: () => ws().sheet.merged,
            },
            used: { ...used, rowIndex: 0, columnIndex: 0, getMergedAreasOrNullObject: () => ws().sheet.merged },
            targetUsed: { address: seed.targetUsed ?? "" },
            formulas: { address: "" },
            merged: { address: "" },
            block: { values: used.values, valueTypes: used.valueTypes, rowHidden: false, format: { font: { bold: false } } },
            areas: { format: { fill: { color: "#FFFFFF", pattern: "None", clear: () => void calls.fillCleared++ } } },
          },
          added: {
            id: "{SHEET-2}",
            name: "校验结果",
            protection: { protected: false },
            getRangeByIndexes: (...args: number[]) => (calls.getRangeByIndexes.push([-1, ...args]), ws().added.block),
            getUsedRangeOrNullObject: () => ws().added.used,
            delete: () => void calls.deleted.push("{SHEET-2}"),
            used: { address: "" },
            block: { values: [[]], format: { font: { bold: false } } },
          },
        },
      },
    },
    run: async function (callback: (ctx: unknown) => Promise<unknown>) {
      return callback(this.context);
    },
  };
  m = new OfficeMockObject(data);
  const w = m.context.workbook.worksheets;
  // Loading "items/name" goes through the mock; reading items gives the sheet list.
  Object.defineProperty(w, "items", { get: () => [{ name: "2024年度考核" }], set: () => undefined });
  setNull(w.sheet, false);
  setNull(w.added, false);
  setNull(w.sheet.used, false);
  setNull(w.sheet.targetUsed, seed.targetUsed == null);
  for (const k of ["formulas", "merged"]) setNull(w.sheet[k], true);
  setNull(w.added.used, true);
  const sync = m.context.sync.bind(m.context);
  m.context.sync = async () => {
    calls.syncs++;
    await sync();
  };
  return { excel: m, calls, sheet: w.sheet, added: w.added };
}

function officeMock(store: Map<string, unknown>): Mock {
  return new OfficeMockObject({
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    context: {
      document: {
        settings: {
          get: (k: string) => store.get(k) ?? null,
          set: (k: string, v: unknown) => void store.set(k, JSON.parse(JSON.stringify(v))),
          remove: (k: string) => void store.delete(k),
          saveAsync: (cb: (r: { status: string }) => void) => cb({ status: "succeeded" }),
        },
      },
    },
  });
}

const g = globalThis as Record<string, unknown>;
let store: Map<string, unknown>;

function install(seed: Seed) {
  const mock = excelMock(seed);
  store = new Map();
  g.Excel = mock.excel;
  g.Office = officeMock(store);
  return mock;
}

afterEach(() => {
  delete g.Excel;
  delete g.Office;
});

const smallPlan: ResultPlan = {
  sheet: "2024年度考核",
  headerRow: 1,
  startCol: 4,
  headers: ["得分", "等级", "未达标项", "校验说明"],
  rows: [
    { row: 2, values: [9, "优秀", null, "无问题"] },
    { row: 3, values: [5, "不合格", "四、八", "=B3 写作“两个”"] },
  ],
  marks: [
    { address: "B3", severity: "error" },
    { address: "C2", severity: "warning" },
  ],
};

function rowsPlan(n: number): ResultPlan {
  return {
    ...smallPlan,
    rows: Array.from({ length: n }, (_, i) => ({ row: i + 2, values: [i % 11, "合格", "四、八", `C${i + 2}：省级一等奖数“两个”不是数字，按未达标处理`] })),
    marks: Array.from({ length: n }, (_, i) => ({ address: `C${i + 2}`, severity: "error" as const })),
  };
}

test("readSheet loads the used range and its values and types, and turns error cells into {error}", async () => {
  const { calls } = install({
    used: {
      address: "'2024年度考核'!A1:C3",
      rowCount: 3,
      columnCount: 3,
      values: [
        ["工作室名称", "省级一等奖（项）", "培训场次"],
        ["海州区创客工作室", 2, "#N/A"],
        ["灌云县科学影像工作室", "两个", 1],
      ],
      valueTypes: [
        ["String", "String", "String"],
        ["String", "Double", "Error"],
        ["String", "String", "Double"],
      ],
    },
  });
  const grid = await createExcelHost().readSheet("2024年度考核");
  expect(calls.getItem).toEqual(["2024年度考核"]);
  expect(calls.getRangeByIndexes).toEqual([[0, 0, 3, 3]]);
  expect(grid.rows).toEqual([
    ["工作室名称", "省级一等奖（项）", "培训场次"],
    ["海州区创客工作室", 2, { error: "#N/A" }],
    ["灌云县科学影像工作室", "两个", 1],
  ]);
  expect(grid.origin).toEqual({ row: 1, col: 1 });
});

test("writeResults writes the result block at the right address, bolds the header, colours marks with RangeAreas", async () => {
  const { calls, sheet } = install({});
  const out = await createExcelHost().writeResults(smallPlan);
  expect(out).toMatchObject({ placement: "columns", range: "'2024年度考核'!D1:G3", cellsWritten: 12, marked: 2 });
  // Preflight reads the target area; the header's bold state is read; the block goes as one 3 × 4 array.
  expect(calls.getRange).toEqual(["D1:G3", "D1:G1"]);
  expect(calls.getRangeByIndexes).toEqual([
    [0, 3, 3, 4],
    [0, 3, 1, 4],
  ]);
  expect(sheet.block.values).toEqual([
    ["得分", "等级", "未达标项", "校验说明"],
    [9, "优秀", "", "无问题"],
    [5, "不合格", "四、八", "'=B3 写作“两个”"],
  ]);
  expect(sheet.block.format.font.bold).toBe(true);
  // Colours: fills probed first so they can be restored, then one RangeAreas per severity.
  expect(calls.getRanges).toEqual(["B3,C2", "C2", "B3"]);
  expect(sheet.areas.format.fill.color).toBe(MARK_FILL.error);
  expect(store.get("kj-assess:written")).toMatchObject({ sheets: [{ id: "{SHEET-1}", area: "D1:G3", marks: { error: "B:3", warning: "C:2" } }] });
});

test("sync calls for 100 and 50,000 rows differ only by the number of chunks", async () => {
  const count = async (n: number) => {
    const { calls } = install({});
    await createExcelHost().writeResults(rowsPlan(n));
    return { syncs: calls.syncs, chunks: calls.getRangeByIndexes.filter((c) => c[2] > 1).length };
  };
  const small = await count(100);
  const large = await count(50_000);
  expect(small.chunks).toBe(1);
  expect(large.chunks).toBeGreaterThan(1);
  expect(large.syncs - large.chunks).toBe(small.syncs - small.chunks);
});

test("cells beside the data that hold something else: results go to a new sheet, the data sheet only gets colours", async () => {
  const { calls, sheet, added } = install({ targetUsed: "'2024年度考核'!F3" });
  const out = await createExcelHost().writeResults(smallPlan);
  expect(out).toMatchObject({ placement: "sheet", sheet: "校验结果", range: "'校验结果'!A1:E4" });
  expect(out.note?.zh).toContain("F3");
  expect(calls.add).toEqual(["校验结果"]);
  // Nothing but marks touches the data sheet: every block write went to the new sheet.
  expect(calls.getRangeByIndexes.every((c) => c[0] === -1)).toBe(true);
  expect(sheet.block.values).toBe("Error, property was not loaded");
  expect(added.block.values.slice(1)).toEqual([
    ["原表行号", "得分", "等级", "未达标项", "校验说明"],
    [2, 9, "优秀", "", "无问题"],
    [3, 5, "不合格", "四、八", "'=B3 写作“两个”"],
  ]);
});

test("清除结果 clears exactly the recorded area and marks, and deletes the result sheet it created", async () => {
  const { calls } = install({ targetUsed: "'2024年度考核'!F3" });
  const host = createExcelHost();
  await host.writeResults(smallPlan);
  calls.getRange.length = 0;
  calls.getRanges.length = 0;
  const r = await host.clearResults();
  expect(r).toEqual({ cellsCleared: 0, sheetsRemoved: 1, sheetsKept: [], cellsKept: [] });
  expect(calls.deleted).toEqual(["{SHEET-2}"]);
  expect(calls.cleared).toEqual([]);
  expect(calls.getRanges).toEqual(["B3,C2"]);
  expect(calls.fillCleared).toBe(1);
  expect(store.has("kj-assess:written")).toBe(false);

  const again = install({});
  await createExcelHost().writeResults(smallPlan);
  again.calls.getRange.length = 0;
  again.calls.getRangeByIndexes.length = 0;
  // The area read back as Excel gives it (without the text apostrophe): nothing typed over, so it is cleared as one block.
  again.sheet.block.values = again.sheet.block.values.map((r: unknown[]) => r.map((v) => (typeof v === "string" ? v.replace(/^'/, "") : v)));
  await createExcelHost().clearResults();
  expect(again.calls.getRangeByIndexes).toEqual([[0, 3, 3, 4]]);
  expect(again.calls.cleared).toEqual(["D1:G3:Contents"]);
  expect(again.calls.getRange).toEqual(["D1:G3", "D1:G1"]);
});

test("a protected sheet is refused before anything is written", async () => {
  const { calls, sheet } = install({ protected: true });
  await expect(createExcelHost().writeResults(smallPlan)).rejects.toMatchObject({ code: "sheet-protected", sheet: "2024年度考核" });
  expect(calls.syncs).toBe(1);
  expect(calls.getRangeByIndexes).toEqual([]);
  expect(calls.getRanges).toEqual([]);
  // Never assigned: the mock still reports the seeded properties as not loaded.
  expect(sheet.block.values).toBe("Error, property was not loaded");
  expect(sheet.areas.format.fill.color).toBe("Error, property was not loaded");
  expect(store.size).toBe(0);
});
