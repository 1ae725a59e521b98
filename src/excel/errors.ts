/**
 * What the Excel layer throws: a code the task pane can act on and a message an official can read,
 * naming the sheet. Thrown before anything is written, so a refusal never leaves half a result.
 */
import type { Text2 } from "../engine/types";

export type HostErrorCode =
  | "sheet-protected"
  | "sheet-not-found"
  | "sheet-too-large"
  | "plan-outside-sheet"
  | "excel-failed";

export interface HostError {
  code: HostErrorCode;
  message: Text2;
  sheet?: string;
}

export function isHostError(e: unknown): e is HostError {
  const x = e as HostError;
  return typeof x === "object" && x !== null && typeof x.code === "string" && typeof x.message?.zh === "string" && typeof x.message?.en === "string";
}

export function sheetProtected(sheet: string): HostError {
  return {
    code: "sheet-protected",
    sheet,
    message: {
      zh: `工作表“${sheet}”受保护，无法写入校验结果。请先在“审阅 → 撤消工作表保护”后再试；表中内容未作任何改动。`,
      en: `Sheet "${sheet}" is protected, so results cannot be written. Unprotect it (Review → Unprotect Sheet) and try again; nothing was changed.`,
    },
  };
}

export function sheetNotFound(sheet: string): HostError {
  return {
    code: "sheet-not-found",
    sheet,
    message: { zh: `找不到工作表“${sheet}”，它可能已被重命名或删除。`, en: `Sheet "${sheet}" was not found; it may have been renamed or deleted.` },
  };
}

export function sheetTooLarge(sheet: string, address: string, rows: number, cols: number, max: number): HostError {
  return {
    code: "sheet-too-large",
    sheet,
    message: {
      zh: `工作表“${sheet}”的已用区域 ${address} 有 ${rows.toLocaleString("en-US")} 行 × ${cols.toLocaleString("en-US")} 列，超过本工具一次能读取的 ${max.toLocaleString("en-US")} 个单元格。常见原因是远处某个单元格有内容：请删除数据区以外的内容，或把数据复制到新工作表后再校验。`,
      en: `The used range ${address} of sheet "${sheet}" is ${rows} rows × ${cols} columns, more than the ${max} cells this tool reads at once. Usually a stray cell far away is the cause: delete what lies outside the data, or copy the data to a new sheet, then check again.`,
    },
  };
}

export function planOutsideSheet(sheet: string, what: string): HostError {
  return {
    code: "plan-outside-sheet",
    sheet,
    message: { zh: `无法在工作表“${sheet}”中写入：${what}超出了工作表范围。`, en: `Cannot write to sheet "${sheet}": ${what} lies outside the sheet.` },
  };
}

/** Any other Office.js failure, with Excel's own words kept for the log. */
export function excelFailed(sheet: string | undefined, e: unknown): HostError {
  const detail = e instanceof Error ? e.message : String((e as { message?: unknown })?.message ?? e);
  return {
    code: "excel-failed",
    sheet,
    message: { zh: `Excel 操作失败：${detail}`, en: `Excel reported an error: ${detail}` },
  };
}
