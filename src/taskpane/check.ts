/**
 * The pane's long steps — which packs fit a sheet, its verdicts, its results written, the other
 * sheets of the workbook checked — over any WorkbookHost, without React. The pane runs them in
 * place (Excel, tests); the web page's worker runs the very same functions beside its copy of
 * the workbook (src/file/page-session.ts), so the page's thread never does.
 */
import { detectPacks, evaluateSheet } from "../engine";
import { planResults, summarySheet } from "../engine/output";
import { buildLedger } from "../engine/term/ledger";
import { ourSheets } from "../engine/record";
import { ledgerSheet } from "../engine/term/sheet";
import { chosenReadings } from "../engine/interpretations";
import { cleanParams } from "../engine/choice";
import type { CheckProgress, OtherSheet, SheetChecker, WorkbookHost } from "../engine/host";
import type { EvaluateOptions, SheetGrid } from "../engine/types";
import type { Pack } from "../packs/schema";
import { isEmptyGrid, withoutOwnResults, yieldToUI } from "./model";
import { rowCount } from "../engine/grid";

/** Records explained at a time before their results are planned: the progress bar moves through them. */
const EXPLAIN_PART = 5_000;

/**
 * The pane's long steps over `host`. `verdicts` is how a sheet the pane looks at is evaluated
 * (the web page's worker passes one that reuses verdicts it prepared ahead; see SheetChecker.prepare).
 */
export function localChecker(host: WorkbookHost, verdicts: typeof evaluateSheet = evaluateSheet): SheetChecker {
  const evaluate = async (_sheet: string, grid: SheetGrid, pack: Pack, opts: EvaluateOptions, onProgress?: (p: CheckProgress) => void) => {
    onProgress?.({ phase: "evaluate", done: 0, total: rowCount(grid) });
    // Lets the progress bar show before a long evaluation.
    await yieldToUI();
    return verdicts(grid, pack, opts);
  };
  return {
    async detect(_sheet, grid, packs) {
      return detectPacks(grid, packs);
    },
    evaluate,
    async check(sheet, grid, pack, opts, onProgress, onResult) {
      const result = await evaluate(sheet, grid, pack, opts, onProgress);
      if (result.unmatched.length) return { result, outcome: null };
      onResult?.(result);
      const records = result.records;
      onProgress?.({ phase: "write", done: 0, total: records.length });
      await yieldToUI();
      // Each record's problems are built when first read, and the result columns read them all:
      // built here a part at a time, so the bar says how far writing has come, and between parts
      // the rows the results view asks for are answered (the web page's worker).
      for (let i = 0; i < records.length; i += EXPLAIN_PART) {
        const end = Math.min(records.length, i + EXPLAIN_PART);
        for (let k = i; k < end; k++) void records[k].issues;
        onProgress?.({ phase: "write", done: end, total: records.length });
        await yieldToUI();
      }
      try {
        const outcome = await host.writeResults(planResults(grid, result, pack), (p) => onProgress?.({ phase: "write", ...p }));
        return { result, outcome };
      } catch (writeError) {
        return { result, outcome: null, writeError };
      }
    },
    async checkOthers(skip, packs, saved, onProgress) {
      // Never our own sheets (校验记录, 周期台账, results and summaries a check created): they are not an official's data.
      const ours = ourSheets((await host.ownSheets?.()) ?? []);
      const names = (await host.listSheets()).filter((n) => n !== skip && !ours.has(n));
      const checked: OtherSheet[] = [];
      const unfit: string[] = [];
      for (const [i, name] of names.entries()) {
        onProgress?.({ phase: "evaluate", done: i, total: names.length });
        await yieldToUI();
        const g = withoutOwnResults(await host.readSheet(name));
        if (isEmptyGrid(g)) continue;
        const best = detectPacks(g, packs)[0];
        if (!best) {
          unfit.push(name);
          continue;
        }
        const pack = best.pack;
        const here = saved.sheet === name && saved.pack === pack.id;
        const params = cleanParams(pack, saved.pack === pack.id ? saved.params : undefined);
        const readings = chosenReadings(pack, saved.pack === pack.id ? saved.readings : undefined);
        const result = evaluateSheet(g, pack, { params, readings, mapping: here ? saved.mapping : undefined, headerRow: here ? saved.headerRow : undefined });
        if (result.unmatched.length) {
          unfit.push(name);
          continue;
        }
        const outcome = await host.writeResults(planResults(g, result, pack));
        checked.push({ pack, result, outcome, params, readings });
      }
      onProgress?.({ phase: "evaluate", done: names.length, total: names.length });
      return { checked, unfit };
    },
    async writeSummary(result, pack, withChart) {
      const plan = summarySheet([result], pack);
      if (!withChart) delete plan.chart;
      return host.writeSheet(plan);
    },
    async writeLedger(packs, opts, withChart, onProgress) {
      // Our own sheets (an earlier ledger, the summary, 校验记录) are not the studios' data.
      const ours = ourSheets((await host.ownSheets?.()) ?? []);
      const names = (await host.listSheets()).filter((n) => !ours.has(n));
      const sheets = [];
      for (const name of names) {
        sheets.push({ grid: withoutOwnResults(await host.readSheet(name, (p) => onProgress?.({ phase: "read", ...p }))) });
        await yieldToUI();
      }
      const ledger = buildLedger(sheets, packs, opts);
      // What the pane shows of it (in the web page, all that crosses from the worker).
      const shown = { studios: ledger.studios.map((s) => s.studio), names: ledger.names, readings: ledger.readings };
      if (!ledger.studios.length) return { ledger: shown, sheet: null };
      const plan = ledgerSheet(ledger);
      if (!withChart) delete plan.chart;
      return { ledger: shown, sheet: await host.writeSheet(plan) };
    },
  };
}

