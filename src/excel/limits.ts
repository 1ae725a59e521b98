/**
 * The limits the Excel layer is designed around, and how it measures a request before sending it.
 *
 * "Excel on the web has a payload size limit for requests and responses of 5MB … A range is
 * limited to five million cells for get operations" — Microsoft, "Resource limits and performance
 * optimization for Office Add-ins" (learn.microsoft.com/office/dev/add-ins/concepts/resource-limits-and-performance-optimization).
 * getRange's address "has a limit of 8192 characters" (@types/office-js, Worksheet.getRange).
 */

/** The documented ceiling, read as the smaller of 5 MB and 5 MiB. */
export const PAYLOAD_LIMIT = 5_000_000;
/** What one chunk may carry, measured by `jsonBytes`: half the ceiling, for the request envelope and our estimate's error. */
export const CHUNK_BYTES = 2_500_000;
/** Cells per read chunk, well under the five-million-cell limit on one get. */
export const CHUNK_CELLS = 1_000_000;
/** One address string handed to getRange / getRanges. */
export const ADDRESS_CHARS = 8_000;
/**
 * The largest used range we read: every row Excel has (1,048,576) at up to 15 columns, or fewer
 * rows of more columns. Beyond it the task pane would hold more than it can work with; the
 * message says how to cut the sheet down.
 */
export const MAX_SHEET_CELLS = 16_000_000;
/**
 * Document settings carry the record of what we wrote; past this the rest of the marks are left
 * out. Microsoft supports 2 MB of settings (github.com/OfficeDev/office-js/issues/621) and users
 * report failures from about 1 MB on Excel 2021 (issues/3957); marks get half of this.
 */
export const MAX_LEDGER_CHARS = 1_000_000;

/**
 * Bytes a value takes in a request or response: its JSON, with every non-ASCII character counted
 * as a six-byte \uXXXX escape — the worst case, so Chinese text never pushes a chunk over.
 */
export function jsonBytes(value: unknown): number {
  const s = JSON.stringify(value) ?? "";
  let n = s.length;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) n += 5;
  return n;
}

/** Office.js errors raised when one batch is over the limit; a smaller chunk is the fix. */
export function isPayloadError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return code === "RequestPayloadSizeLimitExceeded" || code === "ResponsePayloadSizeLimitExceeded";
}

/**
 * Whether the running Excel has ExcelApi `version`. Outside Office (tests, the fake) there is no
 * requirements object and everything is taken as supported.
 */
export function hasExcelApi(version: string): boolean {
  const req = (globalThis as { Office?: { context?: { requirements?: { isSetSupported?: (set: string, v: string) => boolean } } } }).Office?.context?.requirements;
  return typeof req?.isSetSupported === "function" ? req.isSetSupported("ExcelApi", version) : true;
}
