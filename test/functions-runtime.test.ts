/**
 * The pieces under the custom functions that do not need the engine: the CustomFunctions shim
 * (the bundle must load outside Excel), errors as Excel shows them, arguments as Excel passes
 * them, and the thresholds store shared with the task pane (with its recalculation request).
 */
import { FormulaError, formulaError } from "../src/functions/runtime";
import { cell, line, omitted, quote } from "../src/functions/args";
import { getWorkbookParams, setWorkbookParams } from "../src/functions/params";

type G = { CustomFunctions?: unknown; Excel?: unknown };
const g = globalThis as unknown as G;

describe("runtime shim", () => {
  it("defines a no-op CustomFunctions.associate when no runtime is loaded, so the appended associations cannot throw", () => {
    const cf = g.CustomFunctions as { associate: (id: string, f: () => void) => void };
    expect(typeof cf.associate).toBe("function");
    expect(() => cf.associate("ASSESS", () => undefined)).not.toThrow();
  });

  it("leaves a loaded runtime alone", () => {
    const saved = g.CustomFunctions;
    const associate = jest.fn();
    g.CustomFunctions = { associate };
    try {
      jest.isolateModules(() => require("../src/functions/runtime"));
      expect((g.CustomFunctions as { associate: unknown }).associate).toBe(associate);
    } finally {
      g.CustomFunctions = saved;
    }
  });

  it("makes #VALUE! and #N/A errors carrying the message, without Excel", () => {
    const v = formulaError("invalidValue", "应为数字");
    expect(v).toBeInstanceOf(FormulaError);
    expect(v).toMatchObject({ code: "#VALUE!", message: "应为数字" });
    expect(formulaError("notAvailable", "需人工复核")).toMatchObject({ code: "#N/A", message: "需人工复核" });
  });

  it("uses Excel's CustomFunctions.Error once the runtime has loaded (it loads after office.js)", () => {
    const saved = g.CustomFunctions;
    class ExcelError extends Error {
      constructor(
        public code: string,
        message?: string,
      ) {
        super(message);
      }
    }
    g.CustomFunctions = { associate: () => undefined, Error: ExcelError, ErrorCode: { invalidValue: "#VALUE!", notAvailable: "#N/A" } };
    try {
      const e = formulaError("notAvailable", "不在经费使用范围");
      expect(e).toBeInstanceOf(ExcelError);
      expect(e).toMatchObject({ code: "#N/A", message: "不在经费使用范围" });
    } finally {
      g.CustomFunctions = saved;
    }
  });
});

describe("arguments as Excel passes them", () => {
  it("reads plain values, blanks and errors", () => {
    expect([cell(3), cell("１２项"), cell(true), cell(""), cell(null), cell(undefined)]).toEqual([3, "１２项", true, null, null, null]);
    expect(cell(NaN)).toEqual({ error: "#NUM!" });
    // An error cell in a range arrives as a CustomFunctions.Error-like object.
    expect(cell(formulaError("notAvailable", ""))).toEqual({ error: "#N/A" });
    expect(cell({ code: "#DIV/0!" })).toEqual({ error: "#DIV/0!" });
  });

  it("unwraps data-typed cells (the metadata allows them on `any` parameters)", () => {
    expect(cell({ type: "FormattedNumber", basicValue: 45536, numberFormat: "yyyy-mm-dd" })).toBe(45536);
    expect(cell({ type: "Double", basicType: "Double", basicValue: 2 })).toBe(2);
    expect(cell({ type: "String", basicValue: "是" })).toBe("是");
    expect(cell({ type: "Error", basicValue: "#N/A", errorType: "NotAvailable" })).toEqual({ error: "#N/A" });
    expect(cell({ type: "Entity", basicType: "Error", basicValue: "#VALUE!", text: "第一中学", properties: {} })).toBe("第一中学");
    expect(cell({ something: 1 })).toEqual({ error: "#VALUE!" });
  });

  it("accepts a row or a column as a record and names the shape it refuses", () => {
    expect(line([["是", "否", 3]], "values")).toEqual(["是", "否", 3]);
    expect(line([["是"], [""], [2]], "values")).toEqual(["是", null, 2]);
    expect(line("是", "values")).toEqual(["是"]);
    expect(line(["是", "否"], "values")).toEqual(["是", "否"]);
    const e = (() => {
      try {
        line(
          [
            [1, 2, 3],
            [4, 5, 6],
          ],
          "values（数据）",
        );
      } catch (x) {
        return x;
      }
    })();
    expect(e).toMatchObject({ code: "#VALUE!", message: "values（数据）应为一行或一列，收到 2 行 × 3 列" });
    expect(() => line([], "headers")).toThrow(/headers是空的/);
  });

  it("tells a left-out optional argument (null) from an empty cell", () => {
    expect([omitted(null), omitted(undefined), omitted(""), omitted([[""]]), omitted(0)]).toEqual([true, true, false, false, false]);
  });

  it("quotes what the official typed, briefly", () => {
    expect(quote("很多")).toBe("“很多”");
    expect(quote(null)).toBe("空白");
    expect(quote({ error: "#N/A" })).toBe("“#N/A”");
    expect(quote("这是一段非常非常非常非常非常非常长的备注文字，超过二十个字")).toBe("“这是一段非常非常非常非常非常非常长的备注…”");
  });
});

describe("thresholds shared with the task pane", () => {
  afterEach(async () => {
    delete g.Excel;
    await setWorkbookParams("studio-assessment", {});
  });

  it("starts empty, stores overrides per pack, and drops values that are not finite numbers", async () => {
    expect(getWorkbookParams("studio-assessment")).toEqual({});
    await setWorkbookParams("studio-assessment", { cityAwardsMin: 2, bad: NaN, worse: "3" as unknown as number });
    expect(getWorkbookParams("studio-assessment")).toEqual({ cityAwardsMin: 2 });
    expect(getWorkbookParams("studio-budget")).toEqual({});
    await setWorkbookParams("studio-assessment", {});
    expect(getWorkbookParams("studio-assessment")).toEqual({});
  });

  it("asks Excel for a full recalculation when the thresholds change, and only then", async () => {
    const calculate = jest.fn();
    const sync = jest.fn(async () => undefined);
    const run = jest.fn(async (cb: (ctx: unknown) => Promise<void>) => cb({ workbook: { application: { calculate } }, sync }));
    g.Excel = { run, CalculationType: { full: "Full", recalculate: "Recalculate" } };
    await setWorkbookParams("studio-assessment", { cityAwardsMin: 2 });
    expect(calculate).toHaveBeenCalledWith("Full");
    expect(sync).toHaveBeenCalledTimes(1);
    await setWorkbookParams("studio-assessment", { cityAwardsMin: 2 });
    expect(run).toHaveBeenCalledTimes(1);
    await setWorkbookParams("studio-assessment", { cityAwardsMin: 4 });
    expect(run).toHaveBeenCalledTimes(2);
  });

  it("keeps the new thresholds when Excel refuses to recalculate (a cell is being edited)", async () => {
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    g.Excel = { run: async () => Promise.reject(new Error("InvalidOperationInCellEditMode")), CalculationType: { full: "Full" } };
    await expect(setWorkbookParams("studio-assessment", { cityAwardsMin: 5 })).resolves.toBeUndefined();
    expect(getWorkbookParams("studio-assessment")).toEqual({ cityAwardsMin: 5 });
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });
});
