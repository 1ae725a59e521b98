/**
 * What the add-in writes, decided once for every door (Excel layer, .xlsx file layer, command
 * line): result columns beside the data, marks on problem cells, the printable summary sheet and
 * the empty submission template. Hosts only decide *how* to put these plans into their workbook.
 */
import type { OutValue, PlanLines, ResultPlan, SheetPlan } from "./host";
import type { CellValue, GroupResult, Issue, RecordResult, Severity, SheetGrid, SheetResult, Status } from "./types";
import type { Field, Pack, Test } from "../packs/schema";
import { a1, cellKey, MAX_COLS, MAX_ROWS, parseRange, rangeA1 } from "./address";
import { explainRecord, type IssueSink } from "./evaluate";
import { issueMessage, type IssueCode } from "./issues";
import { groupRemindersByRow, isStandardNumeral, severityWord, STATUS_FILL, statusWord } from "./verdicts";
import { cellAt, columnGrid, gridBase, rowAt, rowCount, rowWidth } from "./grid";

/** Excel treats text that starts with these as a formula (=, +, -) or an implicit-intersection formula (@). */
export function needsTextGuard(s: string): boolean {
  return /^[=+\-@]/.test(s);
}

/** Longest 校验说明 we write into one cell: a reason, not a report (the task pane lists every problem). */
const NOTE_MAX = 300;
/** Rows of a template sheet that get drop-downs and number formats. */
export const TEMPLATE_ROWS = 500;

export const ASSESSMENT_HEADERS = ["得分", "等级", "未达标项", "校验说明"] as const;
export const CHECK_HEADERS = ["校验结果", "说明"] as const;

function isBlank(v: CellValue | undefined): boolean {
  return v === null || v === undefined || (typeof v === "string" && v.trim() === "");
}

function filled(cells: CellValue[] | undefined): number {
  return (cells ?? []).filter((v) => !isBlank(v)).length;
}

/**
 * The first column right of the data: past the last non-empty cell of the header rows and every
 * row below, and past any merged area that reaches into those rows. The row above the header
 * counts as a header row (the group row of a two-row header) when it holds more than one cell;
 * a title row holds one, and a wide title must not push the results away from the data.
 */
export function firstFreeColumn(grid: SheetGrid, headerRow: number): number {
  const above = headerRow - 1 - grid.origin.row;
  const top = Math.max(grid.origin.row, above >= 0 && filled(rowAt(grid, above)) > 1 ? headerRow - 1 : headerRow);
  let last = grid.origin.col - 1;
  for (let i = Math.max(0, top - grid.origin.row), n = rowCount(grid); i < n; i++) {
    for (let j = rowWidth(grid, i) - 1; j >= 0; j--) {
      if (!isBlank(cellAt(grid, i, j))) {
        last = Math.max(last, grid.origin.col + j);
        break;
      }
    }
  }
  for (const m of grid.merges ?? []) {
    const box = parseRange(m);
    if (box && box.r2 >= top) last = Math.max(last, box.c2);
  }
  return Math.max(last + 1, 1);
}

/** What a line of 校验说明 is made from: an issue's code, cell, article and Chinese message. */
interface NoteIssue {
  code: string;
  severity: Severity;
  cell: string | null;
  source: string | null;
  zh: string;
}

/**
 * One issue as a line of 校验说明: where, what, and the article (unless the message names it).
 * A standard not met is already listed in 未达标项, so its line keeps only the evidence and the
 * threshold: "八：科技辅导员培训场次为“1场”，需≥2".
 */
function issueLine(issue: NoteIssue, pack: Pack): string {
  return lineOf(pack, issue.code, issue.cell, issue.source, issue.zh);
}

/** Memoised lines of unmet standards, per pack, article and message; past this many, made each time. */
const LINES_KEPT = 4096;
const unmetLines = new WeakMap<Pack, Map<string | null, Map<string, string>>>();

/** The last pack's memo (a sheet's lines are all of one pack). */
let linesPack: Pack | null = null;
let linesOfPack: Map<string | null, Map<string, string>> | undefined;

function lineOf(pack: Pack, code: string, cell: string | null, source: string | null, zh: string): string {
  let memo: Map<string, string> | undefined;
  if (code === "criterion-failed") {
    // An unmet standard's message is the same string for the same criterion and cell text (the
    // engine makes it once): so is its line, which names no cell — made once, not per record.
    let bySource = pack === linesPack ? linesOfPack : unmetLines.get(pack);
    if (!bySource) unmetLines.set(pack, (bySource = new Map()));
    linesPack = pack;
    linesOfPack = bySource;
    memo = bySource.get(source);
    if (!memo) bySource.set(source, (memo = new Map()));
    const hit = memo.get(zh);
    if (hit !== undefined) return hit;
    const msg = zh.trim();
    const c = unmetOf(pack, source);
    if (c && msg.startsWith(c.prefix) && msg.endsWith("）")) {
      const line = `${c.name}：${msg.slice(c.prefix.length, -1)}`;
      if (memo.size < LINES_KEPT) memo.set(zh, line);
      return line;
    }
  }
  const msg = zh.trim();
  const cited = source && !msg.includes(source) ? `${msg}（${source}）` : msg;
  return cell && !cited.includes(cell) ? `${cell}：${cited}` : cited;
}

const noteIssue = (i: Issue, severity: Severity = i.severity): NoteIssue => ({ code: i.code, severity, cell: i.cell, source: i.source, zh: i.message.zh });

/**
 * A record's issues as lines of its notes, errors before warnings, otherwise in the engine's
 * order: explained for this reading and not kept on the record (messages in Chinese only, each
 * the one the engine made when it made one).
 */
function recordLines(rec: RecordResult, pack: Pack, into: string[]): void {
  const sink = noteSink;
  sink.pack = pack;
  sink.into = into;
  sink.later.length = 0;
  explainRecord(rec, sink);
  for (const l of sink.later) into.push(l);
  sink.into = [];
}

/** Where recordLines has a record's issues said (one sink for every record: explaining one is not re-entered). */
class NoteSink implements IssueSink {
  readonly lang = "zh" as const;
  readonly standards = true;
  pack: Pack | null = null;
  into: string[] = [];
  readonly later: string[] = [];
  found(code: IssueCode, severity: Severity, cell: string | null, _row: number | null, _field: string | null, _text: string | null, source: string | null, params: (lang: "zh" | "en" | "both") => Record<string, string | number>, message?: string): void {
    const line = lineOf(this.pack!, code, cell, source, message ?? issueMessage(code, params("zh"), cell, "zh"));
    (severity === "error" ? this.into : this.later).push(line);
  }
  made(issue: Issue, severity: Severity): void {
    (severity === "error" ? this.into : this.later).push(lineOf(this.pack!, issue.code, issue.cell, issue.source, issue.message.zh));
  }
}
const noteSink = new NoteSink();

/** Issues joined with "；", each once, cut to a cell-sized note that says how many were left out. */
function note(lines: string[], empty: string): string {
  // Each once, in the order first met: a record has a few lines, found by a scan (no Set made per record).
  const unique: string[] = [];
  for (const l of lines) if (l && !unique.includes(l)) unique.push(l);
  if (!unique.length) return empty;
  let out = "";
  for (let i = 0; i < unique.length; i++) {
    const next = out ? `${out}；${unique[i]}` : unique[i];
    if (next.length > NOTE_MAX && out) return `${out}；……（另有 ${unique.length - i} 条，见任务窗格问题列表）`;
    out = next;
  }
  return out.length > NOTE_MAX ? `${out.slice(0, NOTE_MAX)}……` : out;
}

/** Criterion ids as officials read them: the assessment's numerals stay (四), others become their names. */
export function failedNames(pack: Pack, ids: readonly string[]): string[] {
  return ids.map((id) => (isStandardNumeral(id) ? id : pack.criteria.find((c) => c.id === id)?.name.zh ?? id));
}

/**
 * Per pack and article: the first criterion citing it, as an unmet standard's message begins
 * (`未达到第十六条（四）：…（`) and as 未达标项 names it — made once, not found and written again
 * for each of a sheet's hundred thousand lines.
 */
const unmetBySource = new WeakMap<Pack, Map<string | null, { prefix: string; name: string } | null>>();

function unmetOf(pack: Pack, source: string | null): { prefix: string; name: string } | null {
  let bySource = unmetBySource.get(pack);
  if (!bySource) unmetBySource.set(pack, (bySource = new Map()));
  let hit = bySource.get(source);
  if (hit === undefined) {
    const c = pack.criteria.find((x) => x.source === source);
    hit = c ? { prefix: `未达到${c.source}：${c.name.zh}（`, name: failedNames(pack, [c.id])[0] } : null;
    bySource.set(source, hit);
  }
  return hit;
}

/**
 * 未达标项's failed part per list of failed criteria: records that failed the same standards share
 * one list (the engine's), so it is written once per list — and only while the list still holds
 * the ids it was written from.
 */
const failedTexts = new WeakMap<readonly string[], { pack: Pack; ids: string[]; text: string }>();

function failedText(pack: Pack, failed: readonly string[]): string {
  const hit = failedTexts.get(failed);
  if (hit && hit.pack === pack && hit.ids.length === failed.length && hit.ids.every((id, i) => id === failed[i])) return hit.text;
  const text = failedNames(pack, failed).join("、");
  failedTexts.set(failed, { pack, ids: [...failed], text });
  return text;
}

function criterionName(pack: Pack, id: string): string {
  const c = pack.criteria.find((x) => x.id === id);
  return c ? `${c.name.zh}（${c.source}）` : id;
}

const HIDDEN_NOTE = "此行在表中是隐藏的，已照常校验";
const severityPrefix = `${severityWord("warning")}：`;

/** 未达标项: the failed standards, then those that could not be checked for want of a column. */
function unmetText(pack: Pack, rec: RecordResult): string {
  const failed = failedText(pack, rec.failed);
  const unchecked = rec.unchecked?.length ? `无法检查：${failedNames(pack, rec.unchecked).join("、")}` : "";
  return failed && unchecked ? `${failed}；${unchecked}` : failed || unchecked;
}

/**
 * A record's result cells. Its verdict is its own status; a budget group's over-spend comes after
 * the line's own problems as a 提醒 naming the group (the group's verdict is on the summary).
 */
function recordValues(rec: RecordResult, pack: Pack, reminders: Issue[] | undefined): OutValue[] {
  const group = (reminders ?? []).map((i) => `${severityPrefix}${issueLine(noteIssue(i), pack)}`);
  const lines: string[] = rec.hidden ? [HIDDEN_NOTE] : [];
  recordLines(rec, pack, lines);
  for (const g of group) lines.push(g);
  const status = rec.status;
  const empty = status === "ok" && !group.length ? "无问题" : "";
  if (pack.outcome.kind === "grade") return [rec.met, rec.grade, unmetText(pack, rec) || null, note(lines, empty)];
  const verdict = pack.outcome.kind === "all" && rec.grade ? rec.grade : statusWord(status);
  const unmet = rec.failed.map((id) => `未满足：${criterionName(pack, id)}`);
  return [verdict, note([...unmet, ...lines], empty)];
}

/**
 * Result columns for one evaluated sheet: headers on the header row, one line per record, and a
 * mark on every cell an issue points at (an error outranks a warning on the same cell).
 *
 * Made compact (`lines`): each line's sheet row, its values made when asked from the record's
 * verdicts, and the marked cells packed in one sorted typed array — a sheet of a million records
 * needs no object per line or mark, and no record keeps its explained issues. `rows` and `marks`
 * are made from the same verdicts when a door first reads them (Excel, the page).
 */
export function planResults(grid: SheetGrid, result: SheetResult, pack: Pack): ResultPlan {
  const headers: string[] = pack.outcome.kind === "grade" ? [...ASSESSMENT_HEADERS] : [...CHECK_HEADERS];
  const byRow = groupRemindersByRow(result.groups);
  const records = result.records;
  const rowOf = new Int32Array(records.length);
  for (let i = 0; i < records.length; i++) rowOf[i] = records[i].row;
  const values = (i: number) => recordValues(records[i], pack, byRow.get(records[i].row));
  const lines: PlanLines = { rows: rowOf, values, marks: packedMarks(result, byRow) };
  const plan = { sheet: result.sheet, headerRow: result.headerRow, startCol: firstFreeColumn(grid, result.headerRow), headers } as ResultPlan;
  let rows: ResultPlan["rows"] | undefined;
  let marks: ResultPlan["marks"] | undefined;
  Object.defineProperties(plan, {
    rows: {
      enumerable: true,
      get: () => (rows ??= Array.from(rowOf, (row, i) => ({ row, values: values(i) }))),
      set: (v: ResultPlan["rows"]) => void (rows = v),
    },
    marks: {
      enumerable: true,
      get: () => (marks ??= markList(result, byRow)),
      set: (v: ResultPlan["marks"]) => void (marks = v),
    },
    // Not enumerable: a plan compared or serialised is its rows and marks.
    lines: { enumerable: false, value: lines },
  });
  return plan;
}

/** The plan's marks without its values or headers (results moved to a sheet of their own leave only marks on the data). */
export function marksOnly(plan: ResultPlan): ResultPlan {
  const base = { sheet: plan.sheet, headerRow: plan.headerRow, startCol: plan.startCol, headers: [] as string[], rows: [] as ResultPlan["rows"] };
  const lines = plan.lines;
  if (!lines) return { ...base, marks: plan.marks };
  const out = base as ResultPlan;
  let marks: ResultPlan["marks"] | undefined;
  Object.defineProperties(out, {
    marks: { enumerable: true, get: () => (marks ??= unpackMarks(lines.marks)), set: (v: ResultPlan["marks"]) => void (marks = v) },
    lines: { enumerable: false, value: { rows: new Int32Array(0), values: () => [], marks: lines.marks } satisfies PlanLines },
  });
  return out;
}

/**
 * Every cell an issue of the sheet points at, with the issue's severity, in the engine's order:
 * the records' issues (explained for this reading, without messages), a group's problems on its
 * lines, then the sheet's problems.
 */
function eachMark(result: SheetResult, byRow: Map<number, Issue[]>, mark: (cell: string | null, severity: Severity) => void, at?: IssueSink["at"]): void {
  const sink: IssueSink = {
    lang: null,
    standards: true,
    found: (_code, severity, cell) => mark(cell, severity),
    made: (issue, severity) => mark(issue.cell, severity),
    at,
  };
  for (const r of result.records) explainRecord(r, sink);
  // A group's problem marks its cells as the 提醒 its lines carry, never against a line's own verdict.
  for (const list of byRow.values()) for (const i of list) mark(i.cell, i.severity);
  for (const i of result.problems) mark(i.cell, i.severity);
}

/** The marks as A1 addresses, each once in the order first met, an error outranking a warning. */
function markList(result: SheetResult, byRow: Map<number, Issue[]>): ResultPlan["marks"] {
  const marks = new Map<string, Severity>();
  eachMark(result, byRow, (c, severity) => {
    if (!c) return;
    const cell = c.replace(/\$/g, "").toUpperCase();
    if (marks.get(cell) !== "error") marks.set(cell, severity);
  });
  return [...marks].map(([address, severity]) => ({ address, severity }));
}

/** The marks packed as PlanLines.marks holds them; an address that is not a cell marks nothing. */
function packedMarks(result: SheetResult, byRow: Map<number, Issue[]>): Float64Array {
  let out = new Float64Array(1024);
  let n = 0;
  const put = (key: number, severity: Severity) => {
    if (key < 0) return;
    if (n === out.length) {
      const grown = new Float64Array(out.length * 2);
      grown.set(out);
      out = grown;
    }
    out[n++] = key * 2 + (severity === "error" ? 1 : 0);
  };
  // The records' cells as sheet row and column where the engine can tell them from the verdicts
  // (no address made and read again); the order does not matter here, the marks are sorted.
  eachMark(
    result,
    byRow,
    (c, severity) => put(c ? cellKey(c) : -1, severity),
    (row, col, severity) => put(row >= 1 && row <= MAX_ROWS && col >= 1 && col <= MAX_COLS ? row * MAX_COLS + col - 1 : -1, severity),
  );
  const sorted = out.subarray(0, n).sort();
  // Each cell once: its last entry, an error where there is one (odd sorts after even).
  let k = 0;
  for (let i = 0; i < n; i++) if (i === n - 1 || Math.floor(sorted[i + 1] / 2) !== Math.floor(sorted[i] / 2)) sorted[k++] = sorted[i];
  return sorted.slice(0, k);
}

/** Packed marks as A1 addresses. */
function unpackMarks(packed: Float64Array): ResultPlan["marks"] {
  return Array.from(packed, (m) => {
    const key = Math.floor(m / 2);
    return { address: a1(Math.floor(key / MAX_COLS), (key % MAX_COLS) + 1), severity: m % 2 ? ("error" as const) : ("warning" as const) };
  });
}

/** The last sheet row a plan writes on: its header row or its last line's. */
export function lastPlanRow(plan: ResultPlan): number {
  let last = plan.headerRow;
  if (plan.lines) for (const r of plan.lines.rows) last = r > last ? r : last;
  else for (const r of plan.rows) last = r.row > last ? r.row : last;
  return last;
}

/** Name of the sheet results go to when the cells beside the data hold someone else's content. */
export const RESULT_SHEET = "校验结果";

/**
 * The results of `plan` on a sheet of their own, for every door alike: a title naming the checked
 * sheet and why the results are not beside it, then 原表行号 and the result headers, then one line
 * per record in row order. Rows are `plan.headers.length + 1` wide.
 */
export function asideRows(plan: ResultPlan, why: string): OutValue[][] {
  const width = plan.headers.length + 1;
  const title: OutValue[] = [`工作表“${plan.sheet}”的校验结果（${why}，未写入原表）`, ...new Array<OutValue>(width - 1).fill("")];
  const byRow = new Map<number, OutValue[]>();
  for (const r of plan.rows) if (r.row > plan.headerRow && !byRow.has(r.row)) byRow.set(r.row, r.values);
  const lines = [...byRow].sort((a, b) => a[0] - b[0]).map(([row, values]) => [row, ...plan.headers.map((_, j) => values[j] ?? "")]);
  return [title, ["原表行号", ...plan.headers], ...lines];
}

/** The grid with the cells of these A1 areas blank: results we wrote earlier, read as what they are — not the official's data. */
export function blankAreas(grid: SheetGrid, areas: string[]): SheetGrid {
  const boxes = areas.map((a) => parseRange(a)).filter((b): b is NonNullable<typeof b> => b !== null);
  if (!boxes.length) return grid;
  if (grid.columns) {
    const { row, col } = grid.origin;
    return columnGrid(gridBase(grid), grid.columns.blanked(boxes.map((b) => ({ r1: b.r1 - row, r2: b.r2 - row, c1: b.c1 - col, c2: b.c2 - col }))));
  }
  const rows = grid.rows.map((cells, i) => {
    const row = grid.origin.row + i;
    const hit = boxes.filter((b) => row >= b.r1 && row <= b.r2);
    if (!hit.length) return cells;
    return cells.map((v, j) => (hit.some((b) => grid.origin.col + j >= b.c1 && grid.origin.col + j <= b.c2) ? null : v));
  });
  return { ...grid, rows };
}

/** Sheet names: at most 31 characters, none of []:*?/\ (Excel's rules, and WPS's). */
export function safeSheetName(name: string): string {
  const clean = name.replace(/[[\]:*?/\\]/g, "").replace(/^'+|'+$/g, "").trim();
  return (clean || "Sheet").slice(0, 31);
}

function range(c1: number, r1: number, c2: number, r2: number): string {
  return rangeA1(r1, c1, r2, c2);
}

/** Display width of a header in Excel character units: CJK characters take two. */
function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u2E80-\uFFEF]/.test(ch) ? 2 : 1;
  return w;
}

function widthsFor(rows: OutValue[][], from: number, min = 6, max = 40): number[] {
  const widths: number[] = [];
  rows.slice(from).forEach((r) =>
    r.forEach((v, j) => {
      const w = v === null ? 0 : textWidth(String(v));
      widths[j] = Math.min(max, Math.max(widths[j] ?? min, w + 2));
    }),
  );
  return widths;
}

function labelOfGroup(g: GroupResult): string {
  return Object.values(g.key)
    .map((v) => String(v))
    .join(" ");
}

/**
 * A printable summary of one validation (every evaluated sheet for one pack): a title, one line
 * per record — or, for budgets, spent / limit / status per studio and year — then counts per grade
 * (or status) with a column chart over them.
 */
export function summarySheet(results: SheetResult[], pack: Pack): SheetPlan {
  const rows: OutValue[][] = [];
  const title = `${pack.name.zh}校验汇总`;
  rows.push([title]);
  rows.push([`依据：${pack.document}`]);
  rows.push([`工作表：${results.map((r) => r.sheet).join("、") || "（无）"}`]);
  rows.push([]);
  const headerRows: number[] = [];
  const numberFormats: { range: string; format: string }[] = [];
  let chart: SheetPlan["chart"];

  if (pack.budget) {
    const groups = results.flatMap((r) => r.groups);
    headerRows.push(rows.length + 1);
    rows.push(["工作室及年度", "已支出（元）", "限额（元）", "使用比例", "状态", "说明"]);
    const first = rows.length + 1;
    for (const g of groups)
      rows.push([
        labelOfGroup(g),
        g.spent,
        g.limit,
        g.limit > 0 ? g.spent / g.limit : null,
        statusWord(g.status),
        note(g.issues.map((i) => issueLine(noteIssue(i), pack)), ""),
      ]);
    if (!groups.length) rows.push(["（没有可汇总的经费记录）"]);
    const last = rows.length;
    if (groups.length) {
      numberFormats.push({ range: range(2, first, 3, last), format: "#,##0.00" });
      numberFormats.push({ range: range(4, first, 4, last), format: "0.0%" });
      chart = { type: "bar", range: range(1, first - 1, 3, last), title: "各工作室经费：已支出与限额" };
    }
  } else {
    const graded = pack.outcome.kind === "grade";
    headerRows.push(rows.length + 1);
    rows.push(graded ? ["序号", "名称", "等级", "达标项数", "未达标项", "工作表", "行号"] : ["序号", "名称", "结果", "未满足条件", "问题数", "工作表", "行号"]);
    let n = 0;
    for (const r of results)
      for (const rec of r.records) {
        n++;
        rows.push(
          graded
            ? [n, rec.label, rec.grade, rec.met, failedNames(pack, rec.failed).join("、") || null, r.sheet, rec.row]
            : [n, rec.label, rec.grade ?? statusWord(rec.status), rec.failed.map((id) => criterionName(pack, id)).join("；") || null, rec.issues.length, r.sheet, rec.row],
          );
      }
    if (!n) rows.push(["", "（没有记录）"]);
  }

  // Counts: per grade band (in the pack's order, zeros included) or per status.
  rows.push([]);
  const countsHeader = rows.length + 1;
  headerRows.push(countsHeader);
  // Each count with the status it stands for: the chart colours its bar as the task pane does.
  const counts: [string, number, Status][] = [];
  if (pack.outcome.kind === "grade" && !pack.budget) {
    const grades = results.flatMap((r) => r.records.map((x) => x.grade));
    for (const b of pack.outcome.bands) counts.push([b.grade, grades.filter((g) => g === b.grade).length, b.status]);
    rows.push(["等级", "数量"]);
  } else if (pack.outcome.kind === "all") {
    const { pass, fail } = pack.outcome;
    const grades = results.flatMap((r) => r.records.map((x) => x.grade));
    counts.push([pass, grades.filter((g) => g === pass).length, "ok"]);
    counts.push([fail, grades.filter((g) => g === fail).length, "error"]);
    rows.push(["结果", "数量"]);
  } else {
    const statuses = pack.budget ? results.flatMap((r) => r.groups.map((g) => g.status)) : results.flatMap((r) => r.records.map((x) => x.status));
    for (const s of ["ok", "warning", "error"] as Status[]) counts.push([statusWord(s), statuses.filter((x) => x === s).length, s]);
    rows.push([pack.budget ? "经费状态（按工作室年度）" : "状态", "数量"]);
  }
  for (const [k, v] of counts) rows.push([k, v]);
  const total = counts.reduce((a, [, v]) => a + v, 0);
  rows.push(["合计", total]);
  if (!chart && total > 0)
    chart = {
      type: "column",
      range: range(1, countsHeader, 2, countsHeader + counts.length),
      title: `${pack.name.zh}：${rows[countsHeader - 1][0]}分布`,
      colors: counts.map(([, , s]) => STATUS_FILL[s]),
    };

  return {
    name: safeSheetName(`${pack.name.zh}汇总`),
    rows,
    widths: widthsFor(rows, 4),
    headerRows,
    numberFormats,
    chart,
  };
}

/** What a run of checks counted: records per status, sheets that fit no pack, files that could not be read. */
export interface RunCounts {
  records: Record<Status, number>;
  notChecked: number;
  unreadable: number;
}

export const REPORT_COUNTS_SHEET = "统计";

/**
 * The report's 统计 sheet: records per status (通过 / 需核实 / 不通过) with a column chart over
 * them in the status colours, as the task pane draws its counts; then the sheets and files not
 * checked. For every report writer: the exceljs one draws the chart from `chart`, a streamed one
 * adds file/chart.ts's parts for the same plan.
 */
export function countsSheet(c: RunCounts): SheetPlan {
  const statuses: Status[] = ["ok", "warning", "error"];
  const total = statuses.reduce((n, s) => n + c.records[s], 0);
  const rows: OutValue[][] = [["状态", "记录数"], ...statuses.map((s): OutValue[] => [statusWord(s), c.records[s]]), ["合计", total], [], ["未检查的工作表", c.notChecked], ["无法读取的文件", c.unreadable]];
  return {
    name: REPORT_COUNTS_SHEET,
    rows,
    widths: [16, 10],
    headerRows: [1],
    chart: total > 0 ? { type: "column", range: "A1:B4", title: "各状态记录数", colors: statuses.map((s) => STATUS_FILL[s]) } : undefined,
  };
}

function testFields(t: Test, out: Set<string>): void {
  if ("cmp" in t) out.add(t.field);
  else if ("yes" in t) out.add(t.yes);
  else if ("textIn" in t) out.add(t.textIn);
  else if ("vocab" in t) out.add(t.vocab);
  else if ("reading" in t) Object.values(t.cases).forEach((s) => testFields(s, out));
  else if ("withinYears" in t) (out.add(t.withinYears), out.add(t.of));
  else if ("anyOf" in t) t.anyOf.forEach((s) => testFields(s, out));
  else if ("allOf" in t) t.allOf.forEach((s) => testFields(s, out));
  else if ("atLeast" in t) t.of.forEach((s) => testFields(s, out));
  else if ("if" in t) (testFields(t.if, out), testFields(t.then, out), t.else && testFields(t.else, out));
}

/**
 * The fields a template for `layoutId` asks for. By default the evidence layout (the first
 * layout that requires no 是/否 flag column): a template should collect the evidence, not the
 * verdict. Asked for by id, the flag layout gets one 是/否 column per standard.
 */
export function templateFields(pack: Pack, layoutId?: string): Field[] {
  const flags = new Set(pack.criteria.map((c) => c.flag).filter((f): f is string => !!f));
  const layout =
    pack.layouts.find((l) => l.id === layoutId) ?? pack.layouts.find((l) => !l.required.some((f) => flags.has(f))) ?? pack.layouts[0];
  const wanted = new Set<string>(layout.required);
  const criteria = layout.criteria ? pack.criteria.filter((c) => layout.criteria!.includes(c.id)) : pack.criteria;
  // A layout that requires a flag column is the one-是/否-column-per-standard layout: it asks
  // each standard's flag, and evidence only for standards that have no flag.
  const flagLayout = layout.required.some((f) => flags.has(f));
  for (const c of criteria) {
    if (flagLayout && c.flag) wanted.add(c.flag);
    else testFields(c.test, wanted);
  }
  for (const f of pack.fields) if (f.role === "label") wanted.add(f.id);
  const budget = pack.budget ? [pack.budget.fields.category, pack.budget.fields.amount, pack.budget.fields.purpose, pack.budget.fields.matching, ...pack.budget.groupBy] : [];
  budget.forEach((f) => f && wanted.add(f));
  // Fields no layout requires and no rule reads (主持人, 年度) describe the record: every template asks for them.
  const claimed = new Set<string>([...flags, ...budget.filter((f): f is string => !!f)]);
  for (const l of pack.layouts) l.required.forEach((f) => claimed.add(f));
  for (const c of pack.criteria) testFields(c.test, claimed);
  for (const f of pack.fields) if (!claimed.has(f.id)) wanted.add(f.id);
  return pack.fields.filter((f) => wanted.has(f.id) && (flagLayout || !flags.has(f.id)));
}

const FORMAT: Partial<Record<Field["type"], string>> = {
  money: "#,##0.00",
  date: "yyyy-mm-dd",
  count: "0",
  year: "0",
  // Text columns are formatted as text so that what an official types (a leading 0, a "-") stays as typed.
  text: "@",
};

/**
 * An empty submission sheet for a pack: a title row, the header row (the evidence layout for the
 * assessment), drop-downs — 是/否 (only those), budget categories and a field's `choices` (others
 * may be typed, with a note) — and number formats per field type.
 */
export function templateSheet(pack: Pack, layoutId?: string): SheetPlan {
  const fields = templateFields(pack, layoutId);
  const first = 3;
  const last = first + TEMPLATE_ROWS - 1;
  const validations: NonNullable<SheetPlan["validations"]> = [];
  const numberFormats: { range: string; format: string }[] = [];
  fields.forEach((f, i) => {
    const col = i + 1;
    const area = range(col, first, col, last);
    if (f.type === "yesno") validations.push({ range: area, list: ["是", "否"] });
    // Any category may be typed: a spending outside the permitted ones must be recorded as it was, and is then flagged.
    else if (pack.budget && f.id === pack.budget.fields.category) validations.push({ range: area, list: pack.budget.categories.map((c) => c.name), allowOther: true });
    else if (f.choices) validations.push({ range: area, list: f.choices, allowOther: true });
    const fmt = FORMAT[f.type];
    if (fmt) numberFormats.push({ range: area, format: fmt });
  });
  return {
    name: safeSheetName(`${pack.name.zh}模板`),
    rows: [[`${pack.name.zh}（${pack.recordIs.zh}）`], fields.map((f) => f.label)],
    widths: fields.map((f) => Math.max(8, Math.min(30, textWidth(f.label) + 2))),
    headerRows: [2],
    validations,
    numberFormats,
  };
}

/** How every door names what it writes beside a file: 名单.xlsx → 名单-已标注.xlsx, 名单-校验报告.xlsx. */
export const ANNOTATED_SUFFIX = "-已标注";
export const REPORT_SUFFIX = "-校验报告";
