/**
 * The check record in Excel: appended to the list in document settings (where the ledger and the
 * settings are, so the page and the command line read it back from the file) and, as lines, below
 * the last line of the visible 校验记录 sheet — created on the first check, never rewritten, and
 * not ours to clear: 清除结果 leaves it (it is not in the ledger).
 */
import { appendRecord, RECORD_HEADERS, RECORD_SHEET, recordLines, type CheckRecord } from "../engine/record";
import { parseBox } from "./a1";
import { readRecords, writeRecords } from "./settings";
import { cellOut } from "./write";

export async function recordCheck(ctx: Excel.RequestContext, r: CheckRecord): Promise<void> {
  await writeRecords(appendRecord(readRecords(), r));
  const lines = recordLines(r).map((l) => l.map(cellOut));
  if (!lines.length) return;
  const width = RECORD_HEADERS.length;
  let sheet = ctx.workbook.worksheets.getItemOrNullObject(RECORD_SHEET);
  await ctx.sync();
  let next: number;
  if (sheet.isNullObject) {
    sheet = ctx.workbook.worksheets.add(RECORD_SHEET);
    const head = sheet.getRangeByIndexes(0, 0, 1, width);
    head.values = [RECORD_HEADERS.map(cellOut)];
    head.format.font.bold = true;
    next = 2;
  } else {
    const used = sheet.getUsedRangeOrNullObject(true);
    used.load("address");
    await ctx.sync();
    next = used.isNullObject ? 1 : (parseBox(used.address)?.r2 ?? 0) + 1;
  }
  sheet.getRangeByIndexes(next - 1, 0, lines.length, width).values = lines;
  await ctx.sync();
}
