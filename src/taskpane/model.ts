/**
 * What the task pane shows, derived from the engine's results without React: column choices for
 * the matching drop-downs, which fields to list, problems grouped by row, labels in the UI
 * language, and the bilingual message for anything a host throws.
 */
import type { CellValue, Issue, SheetGrid, SheetResult, Status, Text2 } from "../engine/types";
import type { Field, Pack } from "../packs/schema";
import { ASSESSMENT_HEADERS, blankAreas, CHECK_HEADERS, templateFields } from "../engine/output";
import { cellAt, rowCount, rowWidth } from "../engine/grid";
import { isStandardNumeral, SEVERITY_STATUS } from "../engine/verdicts";
import type { Filter, RowPage } from "../engine/rows";

// The rows of a result as the list shows them are the engine's (pure: the page's worker answers from them too).
export { passesFilter, RowIndex, rowGroups, type Filter, type RowGroup, type RowPage } from "../engine/rows";
import { both, type Lang } from "./strings";

export function colLetter(col: number): string {
  let s = "";
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function isBlank(v: CellValue | undefined): boolean {
  return v === null || v === undefined || (typeof v === "string" && v.trim() === "");
}

function cellString(v: CellValue | undefined): string {
  if (isBlank(v)) return "";
  if (typeof v === "object" && v !== null) return v.error;
  return String(v).replace(/\s+/g, " ").trim();
}

/** A sheet with no value anywhere (a new sheet, or one whose only content is formatting). */
export function isEmptyGrid(grid: SheetGrid): boolean {
  const n = rowCount(grid);
  for (let r = 0; r < n; r++) for (let c = rowWidth(grid, r) - 1; c >= 0; c--) if (!isBlank(cellAt(grid, r, c))) return false;
  return true;
}

/** Rows searched for the header of earlier results (the engine looks for headers as far down). */
const RESULT_HEADER_SCAN = 20;

/**
 * The sheet as the official sees their own data: the result columns of an earlier 一键校验 (the
 * header row ending in exactly our result headers) are blanked. Otherwise a second run would
 * place its results right of the first one's and read 说明 as a data column; the host replaces
 * its own earlier output and refuses anything it did not write, so blanking cannot hide data
 * from that check.
 */
export function withoutOwnResults(grid: SheetGrid): SheetGrid {
  const sets = [ASSESSMENT_HEADERS, CHECK_HEADERS] as readonly (readonly string[])[];
  for (let i = 0; i < Math.min(rowCount(grid), RESULT_HEADER_SCAN); i++) {
    let last = rowWidth(grid, i) - 1;
    while (last >= 0 && isBlank(cellAt(grid, i, last))) last--;
    for (const headers of sets) {
      const first = last - headers.length + 1;
      if (first < 1 || !headers.every((h, k) => cellString(cellAt(grid, i, first + k)) === h)) continue;
      // The header row down to the last row, those columns (blankAreas keeps a column-stored grid column-stored).
      const { row, col } = grid.origin;
      return blankAreas(grid, [`${colLetter(col + first)}${row + i}:${colLetter(col + last)}${row + Math.max(i, rowCount(grid) - 1)}`]);
    }
  }
  return grid;
}

export interface ColumnChoice {
  col: number;
  letter: string;
  /** The header text(s) of the column; group header and sub-header joined for two-row headers. */
  header: string;
}

function mergeBoxes(grid: SheetGrid): { r1: number; c1: number; r2: number; c2: number }[] {
  const col = (l: string) => [...l.toUpperCase()].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
  const out: { r1: number; c1: number; r2: number; c2: number }[] = [];
  for (const m of grid.merges ?? []) {
    const x = /^\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$/i.exec(m.replace(/^.*!/, "").trim());
    if (x) out.push({ c1: col(x[1]), r1: Number(x[2]), c2: col(x[3] ?? x[1]), r2: Number(x[4] ?? x[2]) });
  }
  return out;
}

/**
 * Every column of the sheet a field could be assigned to, named by its letter and header text.
 * `headerRows` are 1-based sheet rows; a merged cell (a group header over its sub-columns, or a
 * single column merged down through both rows) lends its text to every cell it covers.
 */
export function columnChoices(grid: SheetGrid, headerRows: number[]): ColumnChoice[] {
  // Linear in the cells and the merges (a hostile file may list 50,000 full-width merges):
  // which columns hold data in one pass, and for each header row which merge covers each column.
  const n = rowCount(grid);
  let width = 0;
  for (let r = 0; r < n; r++) width = Math.max(width, rowWidth(grid, r));
  const hasData = new Uint8Array(width);
  for (let r = 0; r < n; r++) for (let j = rowWidth(grid, r) - 1; j >= 0; j--) if (!hasData[j] && !isBlank(cellAt(grid, r, j))) hasData[j] = 1;
  const covered = headerRows.map(() => new Map<number, { r1: number; c1: number }>());
  for (const b of mergeBoxes(grid)) {
    headerRows.forEach((row, k) => {
      if (row < b.r1 || row > b.r2) return;
      const seen = covered[k];
      const last = Math.min(b.c2, grid.origin.col + width - 1);
      for (let c = Math.max(b.c1, grid.origin.col); c <= last && seen.size < width; c++) if (!seen.has(c)) seen.set(c, b);
    });
  }
  const at = (k: number, row: number, col: number): string => {
    const box = covered[k].get(col);
    const [r, c] = box ? [box.r1, box.c1] : [row, col];
    return cellString(cellAt(grid, r - grid.origin.row, c - grid.origin.col));
  };
  const out: ColumnChoice[] = [];
  for (let j = 0; j < width; j++) {
    const col = grid.origin.col + j;
    const parts: string[] = [];
    headerRows.forEach((r, k) => {
      const t = at(k, r, col);
      if (t && !parts.includes(t)) parts.push(t);
    });
    if (parts.length || hasData[j]) out.push({ col, letter: colLetter(col), header: parts.join(" / ") });
  }
  return out;
}

export function fieldLabel(f: Field, lang: Lang): string {
  return lang === "zh" ? f.label : f.labelEn;
}

export function text(t: Text2 | null | undefined, lang: Lang): string {
  return t ? t[lang] : "";
}

/** Unmet criteria as a person reads them: the assessment's numerals (四) stay, others by their name. */
export function failedLabels(pack: Pack, ids: readonly string[], lang: Lang): string[] {
  return ids.map((id) => (isStandardNumeral(id) ? id : (pack.criteria.find((c) => c.id === id)?.name[lang] ?? id)));
}

/** A grade as the UI language says it (优秀 → Excellent). */
export function gradeLabel(pack: Pack, grade: string | null, lang: Lang): string | null {
  if (grade === null || lang === "zh") return grade;
  const o = pack.outcome;
  if (o.kind === "grade") return o.bands.find((b) => b.grade === grade)?.gradeEn ?? grade;
  if (o.kind === "all") return grade === o.pass ? o.passEn : grade === o.fail ? o.failEn : grade;
  return grade;
}

/**
 * The fields worth listing in the matching view: those the sheet's layout asks for (the same
 * list a template of that layout has) plus anything already matched. `all` lists every field.
 */
export function fieldsToShow(pack: Pack, layoutId: string | null | undefined, matched: Set<string>, unmatched: string[], all: boolean): Field[] {
  if (all) return pack.fields;
  const wanted = new Set<string>([...matched, ...unmatched]);
  for (const f of templateFields(pack, layoutId ?? undefined)) wanted.add(f.id);
  return pack.fields.filter((f) => wanted.has(f.id));
}

/** Totals' problems (a budget group's over-spend): shown on the group, apart from the rows. */
export function looseIssues(result: SheetResult): Issue[] {
  return result.groups.flatMap((g) => g.issues);
}

/** Where a result's rows come from when its records stay apart from the pane (the web page's worker). */
export type RowsOf = (filter: Filter, from: number, count: number) => Promise<RowPage>;

const apart = new WeakMap<SheetResult, RowsOf>();

/** Marks a result whose records stay in the worker: its rows are asked for a window at a time. */
export function withRowsApart<T extends SheetResult>(result: T, rows: RowsOf): T {
  apart.set(result, rows);
  return result;
}

/** The window source of a result whose records stay apart; undefined when the pane holds them. */
export function rowsApart(result: SheetResult): RowsOf | undefined {
  return apart.get(result);
}

/** A window of a sheet's rows, by grid row and column (0-based from the origin, as cellAt and rowWidth). */
export interface CellsWindow {
  width(r: number): number;
  at(r: number, c: number): CellValue;
}

/** Where the rows of a grid below its first `head` come from when they stay apart from the pane (the web page's worker). */
export interface CellsApart {
  head: number;
  window(from: number, count: number): Promise<CellsWindow>;
}

const cellsApartOf = new WeakMap<SheetGrid, CellsApart>();

/**
 * Marks a grid of which the pane holds the first `head` rows whole (below them, only what tells
 * whether the sheet or a column holds anything, and how far it reaches): its other rows are asked
 * for a window at a time.
 */
export function withCellsApart(grid: SheetGrid, head: number, window: CellsApart["window"]): SheetGrid {
  cellsApartOf.set(grid, { head, window });
  return grid;
}

/** The source of a grid's rows below its head, when they stay apart; undefined when the pane holds every cell. */
export function cellsApart(grid: SheetGrid): CellsApart | undefined {
  return cellsApartOf.get(grid);
}

/** Sheet-level and totals problems under a status filter: those whose severity stands for that status. */
export function issuesFor(issues: Issue[], filter: Filter): Issue[] {
  return filter === "all" ? issues : issues.filter((i) => SEVERITY_STATUS[i.severity] === filter);
}

export interface Count {
  key: string;
  label: string;
  value: number;
  status: Status;
}

/**
 * Counts for the chart: per grade band in the pack's order (zeros kept), else per status — from
 * the result's summary (the engine counts each record's status and grade there), not its records.
 */
export function counts(result: SheetResult, pack: Pack, lang: Lang, statusWords: Record<Status, string>): Count[] {
  const o = pack.outcome;
  const { summary } = result;
  const grade = (g: string) => summary.grades[g] ?? 0;
  if (o.kind === "grade") return o.bands.map((b) => ({ key: b.grade, label: lang === "zh" ? b.grade : b.gradeEn, value: grade(b.grade), status: b.status }));
  if (o.kind === "all")
    return [
      { key: o.pass, label: lang === "zh" ? o.pass : o.passEn, value: grade(o.pass), status: "ok" },
      { key: o.fail, label: lang === "zh" ? o.fail : o.failEn, value: grade(o.fail), status: "error" },
    ];
  return (["ok", "warning", "error"] as Status[]).map((s) => ({ key: s, label: statusWords[s], value: summary[s], status: s }));
}

/** A thrown host error carries a code and a message in both languages; anything else gets a generic one. */
export function errorMessage(e: unknown): { code: string | null; message: Text2 } {
  const x = e as { code?: unknown; message?: unknown };
  if (typeof x === "object" && x !== null && typeof x.message === "object" && x.message !== null) {
    const m = x.message as Partial<Text2>;
    if (typeof m.zh === "string" && typeof m.en === "string") return { code: typeof x.code === "string" ? x.code : null, message: { zh: m.zh, en: m.en } };
  }
  const detail = e instanceof Error ? e.message : typeof e === "string" ? e : "";
  return { code: typeof x?.code === "string" ? x.code : null, message: detail ? both((s) => s.failed(detail)) : both((s) => s.unknownError) };
}

/** Lets the browser paint (progress bar) and handle input between long steps. */
export function yieldToUI(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
