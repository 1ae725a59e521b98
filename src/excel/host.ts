/**
 * WorkbookHost over Office.js: the task pane's only way into the open workbook.
 * Needs ExcelApi 1.9 (RangeAreas, getCellProperties, getSpecialCells, RangeFill.pattern): Microsoft
 * 365, Excel on the web, and perpetual versions newer than Excel 2019, whose API stops at 1.8.
 * Merged areas (getMergedAreasOrNullObject) need 1.13; without it sheets are read without their
 * merges and a merged cell in the result columns is not detected.
 */
import type { Progress, ResultPlan, SheetPlan, WorkbookHost, WorkbookSettings, WriteOutcome } from "../engine/host";
import type { SheetGrid } from "../engine/types";
import type { CheckRecord } from "../engine/record";
import { excelFailed, isHostError, sheetNotFound } from "./errors";
import { readUsedRange } from "./read";
import { readSettings, writeSettings } from "./settings";
import { clearResults, writeResults, writeSheet } from "./write";
import { recordCheck } from "./record";

/** Runs one Excel batch; Office.js failures come out as HostErrors naming the sheet. */
async function run<T>(sheet: string | undefined, batch: (ctx: Excel.RequestContext) => Promise<T>): Promise<T> {
  try {
    return await Excel.run(batch);
  } catch (e) {
    if (isHostError(e)) throw e;
    if (sheet !== undefined && (e as { code?: string })?.code === "ItemNotFound") throw sheetNotFound(sheet);
    throw excelFailed(sheet, e);
  }
}

export function createExcelHost(): WorkbookHost {
  return {
    kind: "excel",

    listSheets: () =>
      run(undefined, async (ctx) => {
        const sheets = ctx.workbook.worksheets;
        sheets.load("items/name");
        await ctx.sync();
        return sheets.items.map((s) => s.name);
      }),

    activeSheet: () =>
      run(undefined, async (ctx) => {
        const s = ctx.workbook.worksheets.getActiveWorksheet();
        s.load("name");
        await ctx.sync();
        return s.name;
      }),

    readSheet: (name: string, onProgress?: (p: Progress) => void): Promise<SheetGrid> => run(name, (ctx) => readUsedRange(ctx, name, onProgress)),

    writeResults: (plan: ResultPlan, onProgress?: (p: Progress) => void): Promise<WriteOutcome> => run(plan.sheet, (ctx) => writeResults(ctx, plan, onProgress)),

    clearResults: () => run(undefined, (ctx) => clearResults(ctx)),

    writeSheet: (plan: SheetPlan) => run(plan.name, (ctx) => writeSheet(ctx, plan)),

    recordCheck: (r: CheckRecord) => run(undefined, (ctx) => recordCheck(ctx, r)),

    selectCell: (sheet: string, address: string) =>
      run(sheet, async (ctx) => {
        const s = ctx.workbook.worksheets.getItem(sheet);
        s.activate();
        s.getRange(address).select();
        await ctx.sync();
      }),

    loadSettings: async (): Promise<WorkbookSettings> => readSettings(),

    saveSettings: (s: WorkbookSettings) => writeSettings(s),

    onActiveSheetChanged(cb: (sheet: string) => void): () => void {
      let handler: OfficeExtension.EventHandlerResult<Excel.WorksheetActivatedEventArgs> | null = null;
      let stopped = false;
      const stop = async () => {
        const h = handler;
        handler = null;
        if (h) await Excel.run(h.context, async (ctx) => (h.remove(), ctx.sync()));
      };
      void Excel.run(async (ctx) => {
        handler = ctx.workbook.worksheets.onActivated.add(async (ev) => {
          // The event names the sheet by id; its name is what the task pane shows and passes back.
          await Excel.run(async (c) => {
            const s = c.workbook.worksheets.getItem(ev.worksheetId);
            s.load("name");
            await c.sync();
            if (!stopped) cb(s.name);
          });
        });
        await ctx.sync();
        if (stopped) await stop();
      }).catch(() => undefined);
      return () => {
        stopped = true;
        void stop().catch(() => undefined);
      };
    },
  };
}
