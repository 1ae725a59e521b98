/**
 * The annotated copy with its record, the same from the page and the command line: earlier results
 * the ledger names are taken out (unwrite.ts), the new results and sheets go in (resave.ts), the
 * check's lines are appended to 校验记录 (or the sheet is added), and the add-in's settings part
 * gets the settings, the records and the ledger of what is ours in the copy (addin-part.ts), so
 * Excel and every door read them back. Browser-safe.
 */
import { cellAt, rowCount, rowWidth } from "../engine/grid";
import type { ResultPlan, SheetPlan } from "../engine/host";
import { RECORD_SHEET, recordLines, recordSheet, type CheckRecord } from "../engine/record";
import type { LedgerSheet } from "../excel/ledger";
import { setAddinSettings } from "./addin-part";
import { editPackage } from "./marker";
import { toAnnotatedCopy, type CopyOptions, type ResaveError } from "./resave";
import { unwrite } from "./unwrite";
import { readWorkbook, sheetGrid } from "./xlsx-read";

export interface CopyInput {
  plans: ResultPlan[];
  sheets: SheetPlan[];
  /** Earlier results to take out first. */
  replaced: LedgerSheet[];
  /** Checks made now: their lines go to 校验记录. */
  records: CheckRecord[];
  /** Add-in settings to store (key → value; undefined removes). */
  addin: Record<string, unknown>;
}

export interface Copy {
  copy: Uint8Array;
  /** The package the copy was made from (the original without earlier results): what to verify the copy against. */
  base: Uint8Array;
  plans: ResultPlan[];
  sheets: SheetPlan[];
}

const refusal = (detail: string): ResaveError => ({ error: { code: "cannot-resave", message: `无法生成批注副本，原文件未改动（cannot write an annotated copy）：${detail}` } });

/** The record lines as an append below the last line of an existing 校验记录 sheet, or as a new sheet. */
function recordOutput(base: Uint8Array, records: CheckRecord[]): { plan?: ResultPlan; sheet?: SheetPlan } {
  const lines = records.flatMap(recordLines);
  if (!lines.length) return {};
  const r = readWorkbook(base);
  const entry = r.ok ? r.workbook.sheets.find((s) => s.name === RECORD_SHEET) : undefined;
  const g = entry ? sheetGrid(entry) : null;
  if (!g?.ok) return { sheet: recordSheet(records) };
  let last = 0;
  for (let i = 0, n = rowCount(g.grid); i < n; i++) {
    for (let c = 0, w = rowWidth(g.grid, i); c < w; c++) {
      const v = cellAt(g.grid, i, c);
      if (v !== null && v !== "") {
        last = g.grid.origin.row + i;
        break;
      }
    }
  }
  return { plan: { sheet: RECORD_SHEET, headerRow: last, startCol: 1, headers: [], rows: lines.map((values, i) => ({ row: last + 1 + i, values })), marks: [] } };
}

export function annotatedCopy(original: Uint8Array, input: CopyInput, opts: CopyOptions = {}): Copy | ResaveError {
  let base: Uint8Array;
  try {
    base = unwrite(original, input.replaced);
  } catch (e) {
    return refusal(`无法移除先前的校验结果：${e instanceof Error ? e.message : String(e)}`);
  }
  const rec = recordOutput(base, input.records);
  const plans = rec.plan ? [...input.plans, rec.plan] : input.plans;
  const sheets = rec.sheet ? [...input.sheets, rec.sheet] : input.sheets;
  const made = toAnnotatedCopy(base, plans, sheets, opts);
  if (!(made instanceof Uint8Array)) return made;
  try {
    const pkg = editPackage(made);
    setAddinSettings(pkg, input.addin);
    return { copy: pkg.toZip(), base, plans, sheets };
  } catch (e) {
    return refusal(`无法写入加载项设置：${e instanceof Error ? e.message : String(e)}`);
  }
}
