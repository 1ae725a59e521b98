/**
 * The Excel layer against Microsoft's office-addin-mock: the object model is hand-seeded (the mock
 * has no collections and no address semantics, so every range call returns a seeded child and we
 * record the addresses asked for). What it checks is that the calls, the loaded properties and
 * the written values are the ones Office.js expects. Sync counts, chunking and payload sizes are
 * tested against the fuller fake in excel.test.ts.
 */
import { OfficeMockObject } from "office-addin-mock";
import { createExcelHost } from "../src/excel";
import { MARK_FILL } from "../src/engine/output";

/** OfficeMockObject reports any property that was not load()ed as an error string; Office.js sets isNullObject at sync without a load. */
function setNull(obj: object, isNull: boolean): void {
  Object.defineProperty(obj, "isNullObject", { value: isNull, writable: true, configurable: true });
}

interface Calls {
  getItem: string[];
  getRange: string[];
  getRangeByIndexes: number[][];
  getRanges: string[];
  syncs: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Mock = any;

function excelMock(sheetProtected: boolean, used: { address: string; rowCount: number; columnCount: number; values: unknown[][]; valueTypes: string[][] }): { excel: Mock; calls: Calls; sheet: Mock } {
  const calls: Calls = { getItem: [], getRange: [], getRangeByIndexes: [], getRanges: [], syncs: 0 };
  let m: Mock = null;
  const sheetOf = () => m.context.workbook.worksheets.sheet;
  const data = {
    context: {
      workbook: {
        worksheets: {
          getItem: (name: string) => (calls.getItem.push(name), sheetOf()),
          sheet: {
            id: "{SHEET-1}",
            name: "2024年度考核",
            protection: { protected: sheetProtected },
            getRange: (a: string) => (calls.getRange.push(a), sheetOf().range),
            getRangeByIndexes: (...args: number[]) => (calls.getRangeByIndexes.push(args), sheetOf().block),
            getRanges: (a: string) => (calls.getRanges.push(a), sheetOf().areas),
            getUsedRangeOrNullObject: () => sheetOf().used,
            range: {
              format: { font: { bold: false } },
              getUsedRangeOrNullObject: () => sheetOf().targetUsed,
              getSpecialCellsOrNullObject: () => sheetOf().formulas,
              getMergedAreasOrNullObject: () => sheetOf().merged,
            },
            used: { ...used, rowIndex: 0, columnIndex: 0, getMergedAreasOrNullObject: () => sheetOf().merged },
            targetUsed: { address: "" },
            formulas: { address: "" },
            merged: { address: "" },
            block: { values: used.values, valueTypes: used.valueTypes, rowHidden: false, format: { font: { bold: false } } },
            areas: { format: { fill: { color: "#FFFFFF", pattern: "None" } } },
          },
        },
      },
    },
    run: async function (callback: (ctx: unknown) => Promise<unknown>) {
      return callback(this.context);
    },
  };
  m = new OfficeMockObject(data);
  const s = m.context.workbook.worksheets.sheet;
  setNull(s.used, false);
  for (const k of ["targetUsed", "formulas", "merged"]) setNull(s[k], true);
  const sync = m.context.sync.bind(m.context);
  m.context.sync = async () => {
    calls.syncs++;
    await sync();
  };
  return { excel: m, calls, sheet: s };
}

function officeMock(store: Map<string, unknown>): Mock {
  return new OfficeMockObject({
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    context: {
      document: {
        settings: {
          get: (k: string) => store.get(k) ?? null,
          set: (k: string, v: unknown) => void store.set(k, v),
          remove: (k: string) => void store.delete(k),
          saveAsync: (cb: (r: { status: string }) => void) => cb({ status: "succeeded" }),
        },
      },
    },
  });
}

const g = globalThis as Record<string, unknown>;
const sheetData = {
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
};

afterEach(() => {
  delete g.Excel;
  delete g.Office;
});

test("readSheet loads the used range and its values and types, and turns error cells into {error}", async () => {
  const { excel, calls } = excelMock(false, sheetData);
  g.Excel = excel;
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
  const { excel, calls, sheet } = excelMock(false, sheetData);
  const store = new Map<string, unknown>();
  g.Excel = excel;
  g.Office = officeMock(store);
  const out = await createExcelHost().writeResults({
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
  });
  expect(out).toMatchObject({ placement: "columns", range: "'2024年度考核'!D1:G3", cellsWritten: 12, marked: 2 });
  // Preflight: the target area and the header cells, then the block as one 3 × 4 array.
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
  // Colours: one RangeAreas per severity, fills probed first so they can be restored.
  expect(calls.getRanges).toEqual(["B3,C2", "C2", "B3"]);
  expect(sheet.areas.format.fill.color).toBe(MARK_FILL.error);
  expect(store.get("kj-assess:written")).toMatchObject({ sheets: [{ id: "{SHEET-1}", area: "D1:G3", marks: { error: "B:3", warning: "C:2" } }] });
});

test("a protected sheet is refused before anything is written", async () => {
  const { excel, calls, sheet } = excelMock(true, sheetData);
  const store = new Map<string, unknown>();
  g.Excel = excel;
  g.Office = officeMock(store);
  await expect(
    createExcelHost().writeResults({ sheet: "2024年度考核", headerRow: 1, startCol: 4, headers: ["校验结果", "说明"], rows: [{ row: 2, values: ["通过", "无问题"] }], marks: [{ address: "B2", severity: "error" }] }),
  ).rejects.toMatchObject({ code: "sheet-protected", sheet: "2024年度考核" });
  expect(calls.syncs).toBe(1);
  expect(calls.getRangeByIndexes).toEqual([]);
  expect(calls.getRanges).toEqual([]);
  // Never assigned: the mock still reports the seeded property as not loaded.
  expect(sheet.block.values).toBe("Error, property was not loaded");
  expect(sheet.areas.format.fill.color).toBe("Error, property was not loaded");
  expect(store.size).toBe(0);
});
