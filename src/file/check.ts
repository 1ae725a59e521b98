/**
 * Checking a whole workbook file: read it, find the sheets that fit a pack, evaluate them. Pure
 * (bytes in, plain data out) so the command line's workers and the standalone page share it.
 */
import { typedInTheWay, withoutOurResults } from "../engine/fingerprint";
import { detectPacks, evaluateSheet, matchHeaders, planResults } from "../engine";
import { chosenReadings } from "../engine/interpretations";
import { rowCount, rowWidth } from "../engine/grid";
import { DETECT_THRESHOLD } from "../engine/headers";
import { checkedSheet, ourSheets, parseRecords, RECORDS_KEY, type CheckedSheet, type CheckRecord } from "../engine/record";
import type { ParamOverrides } from "../engine/types";
import type { WorkbookSettings } from "../engine/host";
import { LEDGER_KEY, parseLedger, parseSettings, SETTINGS_KEY, type Ledger } from "../excel/ledger";
import { addinSettingsOf } from "./addin-part";
import type { ResultPlan } from "../engine/host";
import type { SheetResult } from "../engine/types";
import type { Pack } from "../packs/schema";
import { readWorkbook, sheetGrid, type Limits, type ReadError, type ReadErrorCode, type Workbook } from "./xlsx-read";

/**
 * The annotated copy's modules (copy.ts, unwrite.ts and the package editing under them), loaded
 * when a check needs them — results to plan, or results of an earlier check to recognise — so a
 * worker whose check is only printed does not load them at its start.
 */
const copyModule = (): typeof import("./copy") => require("./copy");
const unwriteModule = (): typeof import("./unwrite") => require("./unwrite");

export interface CheckOptions {
  /** Use this pack for every sheet instead of detecting one. */
  pack?: Pack;
  /** Only this sheet. */
  sheet?: string;
  /** Also compute what an annotated copy would write. */
  plans?: boolean;
  /** Thresholds set for this run (--set, --rules), per pack id: over the workbook's own saved ones. */
  params?: Record<string, ParamOverrides>;
  /** The reader's budgets, when not its defaults (xlsx-read.ts LIMITS). */
  limits?: Partial<Limits>;
}

export interface SheetCheck {
  result: SheetResult;
  plan?: ResultPlan;
  /** The first cell beside the data, where the plan would write, that holds someone's content: the results then go to a sheet of their own. */
  blocked?: string | null;
  /** Cells of earlier results here that an official has typed over (A1): theirs, left in the copy. */
  typed?: string[];
  /** This sheet's part of the check record: pack, version, thresholds and readings in force, columns, counts. */
  checked: CheckedSheet;
}

/** What the add-in keeps in the workbook (settings part): read by every door. */
export interface Stored {
  settings: WorkbookSettings;
  ledger: Ledger;
  records: CheckRecord[];
}

/** A sheet of the workbook that was not checked, and why — named, never dropped silently. */
export interface LeftOut {
  sheet: string;
  message: string;
}

export type FileCheck = { ok: true; sheets: SheetCheck[]; leftOut: LeftOut[]; stored: Stored; workbook: Workbook } | { ok: false; error: { code: string; message: string } };

export interface SheetSummary {
  name: string;
  state: string;
  rows: number;
  cols: number;
  headerRow: number | null;
  pack: string | null;
  error?: ReadError;
}

export type FileInspect = { ok: true; sheets: SheetSummary[] } | { ok: false; error: { code: string; message: string } };

export function checkWorkbook(bytes: Uint8Array, packs: Pack[], opts: CheckOptions = {}): FileCheck {
  const r = readWorkbook(bytes, { limits: opts.limits });
  if (!r.ok) return { ok: false, error: r.error };
  const sheets: SheetCheck[] = [];
  const chosen = opts.sheet !== undefined ? r.workbook.sheets.filter((s) => s.name === opts.sheet) : r.workbook.sheets;
  if (opts.sheet !== undefined && chosen.length === 0) {
    const names = r.workbook.sheets.map((s) => `“${s.name}”`).join("、");
    return { ok: false, error: { code: "no-such-sheet", message: `工作簿中没有名为“${opts.sheet}”的工作表（有：${names}）` } };
  }
  const problems: string[] = [];
  const problemCodes = new Set<ReadErrorCode>();
  const misfits: string[] = [];
  const leftOut: LeftOut[] = [];
  const raw = addinSettingsOf(bytes);
  const stored: Stored = { settings: parseSettings(raw[SETTINGS_KEY]), ledger: parseLedger(raw[LEDGER_KEY]), records: parseRecords(raw[RECORDS_KEY]) };
  const saved = stored.settings;
  // Sheets a check created (results moved aside, summaries), known by the ledger: ours, not an official's data.
  const names = r.workbook.sheets.map((s) => s.name);
  const ours = ourSheets(stored.ledger.created.map((c) => unwriteModule().createdSheet(names, c)).filter((n): n is string => n !== null));
  for (const entry of chosen) {
    const read = sheetGrid(entry);
    if (!read.ok) {
      problems.push(`工作表“${entry.name}”：${read.error.message}`);
      problemCodes.add(read.error.code);
      leftOut.push({ sheet: entry.name, message: `工作表“${entry.name}”无法读取，未检查：${read.error.message}` });
      continue;
    }
    // Results an earlier check wrote (in any door) are ours, not data: read as blank, replaced by the copy.
    // Cells of them an official has typed over since are theirs: kept, and in the way of new results.
    const g = withoutOurResults(read.grid, stored.ledger.sheets.filter((e) => e.id === entry.name || e.name === entry.name));
    let pack = opts.pack;
    if (pack) {
      // A pack forced on a sheet it does not fit would grade every row on missing columns: say what is missing instead.
      const match = matchHeaders(g.grid, pack);
      if (match.score < DETECT_THRESHOLD) {
        misfits.push(misfit(entry.name, pack, match.unmatched));
        leftOut.push({ sheet: entry.name, message: `${misfit(entry.name, pack, match.unmatched)}，未检查` });
        continue;
      }
    } else {
      const best = detectPacks(g.grid, packs)[0];
      if (!best) {
        // Sheets we wrote ourselves (校验记录, 周期台账, results and summaries of a check) are not an official's data: nothing to say about them.
        if (!ours.has(entry.name)) leftOut.push({ sheet: entry.name, message: fitsNothing(entry.name) });
        continue;
      }
      pack = best.pack;
    }
    // The workbook's own choices (saved by the pane in any door) apply, and this run's settings over them.
    const mine = saved.pack === pack.id;
    const params = { ...(mine ? saved.params : {}), ...(opts.params?.[pack.id] ?? {}) };
    const here = mine && saved.sheet === entry.name;
    // Readings the pane saved for this pack apply too, so every door gives the same verdicts and records them.
    const readings = chosenReadings(pack, mine ? saved.readings : undefined);
    const result = evaluateSheet(g.grid, pack, { params, readings, mapping: here ? saved.mapping : undefined, headerRow: here ? saved.headerRow : undefined });
    const checked = checkedSheet(result, pack, params, readings);
    if (opts.plans) {
      const plan = planResults(g.grid, result, pack);
      sheets.push({ result, plan, blocked: copyModule().blockedCell(g.grid, plan) ?? typedInTheWay(plan, g.typed.flat()), typed: g.typed.flat(), checked });
    } else sheets.push({ result, checked });
  }
  if (sheets.length === 0 && misfits.length) return { ok: false, error: { code: "pack-does-not-fit", message: `${misfits.join("；")}。请检查表头，或去掉 --pack 让程序按表头选择规则包` } };
  // Nothing checked because nothing could be read: say what stopped the reading (too large, damaged), not that no pack fits.
  if (sheets.length === 0 && problems.length && problems.length === leftOut.length) {
    return { ok: false, error: { code: problemCodes.size === 1 ? [...problemCodes][0] : "damaged", message: problems.join("；") } };
  }
  if (sheets.length === 0) {
    const detail = problems.length ? `；${problems.join("；")}` : "";
    return {
      ok: false,
      error: {
        code: problems.length ? (problemCodes.size === 1 ? [...problemCodes][0] : "damaged") : "no-pack",
        message: `没有找到符合任何规则包的工作表：表头里没有“工作室名称”“省级一等奖数”“支出金额”这类列名${detail}`,
      },
    };
  }
  return { ok: true, sheets, leftOut, stored, workbook: r.workbook };
}

/** How a sheet that fits no pack is named, in the command line's and the page's reports alike. */
export function fitsNothing(sheet: string): string {
  return `工作表“${sheet}”的表头不符合任何规则包，未检查`;
}

function misfit(sheet: string, pack: Pack, unmatched: string[]): string {
  const names = unmatched.map((id) => pack.fields.find((f) => f.id === id)?.label ?? id);
  const shown = names.slice(0, 6).map((n) => `“${n}”`).join("");
  const more = names.length > 6 ? `等 ${names.length} 列` : "";
  return `工作表“${sheet}”与规则包“${pack.name.zh}”不相符${names.length ? `：缺少${shown}${more}` : ""}`;
}

export function inspectWorkbook(bytes: Uint8Array, packs: Pack[]): FileInspect {
  const r = readWorkbook(bytes);
  if (!r.ok) return { ok: false, error: r.error };
  return {
    ok: true,
    sheets: r.workbook.sheets.map((entry) => {
      const g = sheetGrid(entry);
      if (!g.ok) return { name: entry.name, state: entry.state, rows: 0, cols: 0, headerRow: null, pack: null, error: g.error };
      const rows = rowCount(g.grid);
      let cols = 0;
      for (let r = 0; r < rows; r++) cols = Math.max(cols, rowWidth(g.grid, r));
      const best = detectPacks(g.grid, packs)[0];
      return { name: entry.name, state: entry.state, rows, cols, headerRow: best ? best.match.headerRow : null, pack: best ? best.pack.id : null };
    }),
  };
}
