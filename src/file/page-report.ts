/**
 * The page's report, whether made in its worker (page-session.ts) or in place (door.ts, no
 * Worker): the sheets checked and, like the command line's report, every other sheet of the
 * workbook named as not checked, with the records of the checks made on this file (校验记录).
 */
import { reportBytes, type ReportEntry } from "../cli/render";
import type { SheetResult } from "../engine/types";
import { fitsNothing } from "./check";
import type { FileWorkbookHost } from "./host";

export async function pageReport(file: string, results: SheetResult[], host: FileWorkbookHost): Promise<Uint8Array> {
  const entries: ReportEntry[] = results.map((result) => ({ file, result }));
  for (const sheet of await host.notChecked(results.map((r) => r.sheet))) entries.push({ file, sheet, skipped: fitsNothing(sheet) });
  return reportBytes(entries, host.recordsMade());
}
