/**
 * A result's rows as a list shows them: one per record in sheet order with its own issues (and,
 * for budget lines, the 提醒 of their studio-year's over-spend), under a status filter, a window
 * at a time. Pure: the pane holds them in place, the web page's worker answers each window.
 */
import type { Issue, RecordResult, SheetResult } from "./types";
import { groupRemindersByRow } from "./verdicts";

export type Filter = "all" | "error" | "warning";

export interface RowGroup {
  row: number;
  record: RecordResult | null;
  issues: Issue[];
}

/**
 * One entry per record (in sheet order) with its own issues and, for budget lines, the 提醒 of
 * their studio-year's over-spend (groupRemindersByRow: the line's status stays its own).
 */
export function rowGroups(result: SheetResult): RowGroup[] {
  const reminders = groupRemindersByRow(result.groups);
  // A record's issues are explained when its row is drawn, not when the rows are grouped: grouping
  // and filtering (by status) read no issue, so the first window does not explain every record.
  const group = (rec: RecordResult): RowGroup => {
    const extra = reminders.get(rec.row);
    let issues: Issue[] | undefined;
    return {
      row: rec.row,
      record: rec,
      get issues() {
        return (issues ??= extra ? rec.issues.concat(extra) : rec.issues);
      },
    };
  };
  // Records come in sheet order, one per row: then one pass, no map and no sort.
  const records = result.records;
  let ordered = true;
  for (let i = 1; i < records.length && ordered; i++) ordered = records[i].row > records[i - 1].row;
  if (ordered) return records.map(group);
  const byRow = new Map<number, RowGroup>();
  for (const rec of records) byRow.set(rec.row, group(rec));
  return [...byRow.values()].sort((a, b) => a.row - b.row);
}

/** A window of the rows a filter shows: `total` of them in all, `rows` from the one asked for. */
export interface RowPage {
  total: number;
  rows: RowGroup[];
}

/**
 * The rows a filter shows, windowed over groups already made: indexes per filter are built once
 * (where the records are: the worker answers each window from them).
 */
export class RowIndex {
  private readonly shown = new Map<Filter, RowGroup[]>();
  constructor(private readonly groups: RowGroup[]) {}
  page(filter: Filter, from: number, count: number): RowPage {
    let list = this.shown.get(filter);
    if (!list) this.shown.set(filter, (list = filter === "all" ? this.groups : this.groups.filter((g) => passesFilter(g, filter))));
    return { total: list.length, rows: list.slice(from, from + count) };
  }
}

/** Filters are by record status (不通过 / 需核实), the same words as the copy's verdict column and the report. */
export function passesFilter(g: RowGroup, filter: Filter): boolean {
  if (filter === "all") return true;
  return g.record?.status === filter;
}
