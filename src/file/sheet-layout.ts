/**
 * How a sheet we create is laid out for reading, the same whoever writes it (exceljs for new
 * workbooks, resave.ts for sheets added to a copy): the first header row and the list under it
 * stay in view while scrolling, with a filter on that list — a report is read by sorting and
 * filtering. A sheet of several blocks (a summary's list, then its counts) gets this for its first
 * list only: freezing a later header would freeze most of the sheet.
 */
import type { OutValue, SheetPlan } from "../engine/host";

export interface Table {
  /** The header row (1-based). */
  header: number;
  /** The list's last row: the row before the first blank row under the header. */
  last: number;
  /** Columns of the header row. */
  width: number;
}

const blank = (row: OutValue[] | undefined) => !row || row.every((v) => v === null || v === undefined || v === "");

/** The first header row's list, or null when the plan has no header row with rows under it. */
export function tableOf(plan: SheetPlan): Table | null {
  const headers = plan.headerRows ?? [];
  if (!headers.length) return null;
  let header = headers[0];
  for (const h of headers) if (h < header) header = h;
  let last = header;
  while (last < plan.rows.length && !blank(plan.rows[last])) last++;
  if (last === header) return null;
  return { header, last, width: Math.max(1, plan.rows[header - 1]?.length ?? 1) };
}

/** Excel refuses a list validation whose quoted list is longer than this. */
const LIST_MAX = 255;

/** A drop-down's list as Excel's inline formula ("是,否"), or null when it cannot be inline (too long, or a value holds a comma). */
export function inlineList(list: string[]): string | null {
  const inline = `"${list.map((v) => v.replace(/"/g, '""')).join(",")}"`;
  return inline.length <= LIST_MAX && !list.some((v) => v.includes(",")) ? inline : null;
}

/** The sheet that holds the lists too long to be inline, one per column; very hidden. */
export const LISTS_SHEET = "_lists";

/** Ranges larger than this get their number format per column, not per cell. */
export const CELLS_PER_FORMAT = 100_000;
