/**
 * The web page's worker protocol, in Node: a stand-in Worker runs the real PageSession (the same
 * code page-worker.js runs) and passes every message through structuredClone, as a browser does.
 * The page's side (page-remote.ts through the file door) opens a real .xlsx, reads a sheet back in
 * parts, checks it, writes the report and the annotated copy; a result crosses without its
 * records, its rows asked for a window at a time; 取消 in the middle of a check ends that step
 * and leaves the workbook as it was before it (settings, earlier checks and their rows replayed).
 */
import { fileDoor } from "../src/file/door";
import { HEAD_ROWS, PageSession, type SessionMessage, type SessionRequest } from "../src/file/page-session";
import { RemoteHost } from "../src/file/page-remote";
import { evaluateSheet } from "../src/engine";
import * as evaluation from "../src/engine/evaluate";
import { cellAt, CellColumns, columnGrid, gridBase, rowCount, rowWidth } from "../src/engine/grid";
import { matchHeaders } from "../src/engine/headers";
import { cellsApart, columnChoices, isEmptyGrid, rowGroups, rowsApart, withoutOwnResults, type RowGroup } from "../src/taskpane/model";
import { buildXlsx } from "./support/xlsx-build";
import { readAll, readWorkbook, sheetGrid, workbookOf } from "../src/file/xlsx-read";
import { FileWorkbookHost } from "../src/file/host";
import { localChecker } from "../src/taskpane/check";
import { paneChoice } from "../src/engine/choice";
import { getPack, rosterPack } from "../src/packs";
import type { CheckProgress } from "../src/engine/host";
import type { CellValue, SheetGrid, SheetResult } from "../src/engine/types";
import { bigAssessmentBook } from "./support/big-book";

/** What a worker does, in this process: each message cloned and delivered in a later task. */
class StandInWorker {
  static started = 0;
  /** Every message the worker sent, in order: its type and size (JSON characters). */
  static sent: { type: string; size: number }[] = [];
  onmessage: ((e: { data: SessionMessage }) => void) | null = null;
  onerror: ((e: { preventDefault(): void }) => void) | null = null;
  private dead = false;
  private queue = Promise.resolve();
  private readonly session = new PageSession((m) => {
    StandInWorker.sent.push({ type: m.type, size: JSON.stringify(m)?.length ?? 0 });
    setTimeout(() => !this.dead && this.onmessage?.({ data: structuredClone(m) }));
  });
  constructor(readonly url: string) {
    StandInWorker.started++;
  }
  postMessage(req: SessionRequest): void {
    const copy = structuredClone(req);
    // As page-worker.ts: a window of rows is answered at once (between a check's parts), any other message in turn.
    if (copy.op === "rows" && this.session.holds(copy.ref)) setTimeout(() => !this.dead && void this.session.handle(copy));
    // A worker takes messages one at a time, each in its own task.
    else this.queue = this.queue.then(() => new Promise((r) => setTimeout(r))).then(() => (this.dead ? undefined : this.session.handle(copy)));
  }
  terminate(): void {
    this.dead = true;
  }
}

const ROWS = 3_500;
const pack = getPack("studio-assessment")!;
let bytes: Uint8Array;

beforeAll(() => {
  (globalThis as unknown as { Worker: unknown }).Worker = StandInWorker;
  bytes = bigAssessmentBook(ROWS);
});
afterAll(() => {
  delete (globalThis as unknown as { Worker?: unknown }).Worker;
});

async function open(): Promise<RemoteHost> {
  const sheets: number[] = [];
  const r = await fileDoor.open(bytes, "大表.xlsx", { onProgress: (done) => sheets.push(done) });
  if (!r.ok) throw new Error(r.message.zh);
  expect(sheets).toEqual([1]);
  expect(r.host).toBeInstanceOf(RemoteHost);
  return r.host as RemoteHost;
}

/** Every cell of a grid by its rows (as far as each row reaches). */
const cellsOf = (g: SheetGrid, from = 0, to = rowCount(g)) => Array.from({ length: to - from }, (_, i) => Array.from({ length: rowWidth(g, from + i) }, (_, c) => cellAt(g, from + i, c)));

/** A sheet the page holds, whole: its own properties, its first rows, and every row below asked of the worker a window at a time. */
async function wholeOnPage(g: SheetGrid): Promise<{ base: unknown; cells: CellValue[][] }> {
  const apart = cellsApart(g);
  const cells = cellsOf(g, 0, apart ? apart.head : rowCount(g));
  for (let from = cells.length; from < rowCount(g); from += 500) {
    const at = await apart!.window(from, 500);
    for (let r = from; r < Math.min(rowCount(g), from + 500); r++) cells.push(Array.from({ length: at.width(r) }, (_, c) => at.at(r, c)));
  }
  return { base: gridBase(g), cells };
}

test("a sheet stays in the worker: the page holds its first rows and reads the whole sheet the same — rows, widths, empty or not, the column choices, the header match — and the preview's windows are the reader's cells", async () => {
  const host = await open();
  const seen: number[] = [];
  StandInWorker.sent = [];
  const grid = await host.readSheet("2024年度考核", (p) => seen.push(p.done));
  const wb = readWorkbook(bytes);
  if (!wb.ok) throw new Error("unreadable");
  const own = sheetGrid(wb.workbook.sheets[0]);
  if (!own.ok) throw new Error("unreadable");
  const whole = own.grid;
  // Column-stored on the page too; no message near the sheet's size (a few hundred bytes a row): the first rows only.
  expect(grid.columns).toBeInstanceOf(CellColumns);
  expect(Math.max(...StandInWorker.sent.map((m) => m.size))).toBeLessThan(40_000);
  const apart = cellsApart(grid)!;
  expect(apart.head).toBe(HEAD_ROWS);
  expect(cellsOf(grid, 0, HEAD_ROWS)).toEqual(cellsOf(whole, 0, HEAD_ROWS));
  expect(rowCount(grid)).toBe(ROWS + 2);
  expect(isEmptyGrid(grid)).toBe(false);
  expect(columnChoices(grid, [2])).toEqual(columnChoices(whole, [2]));
  expect(matchHeaders(grid, pack)).toEqual(matchHeaders(whole, pack));
  expect(withoutOwnResults(grid)).toBe(grid);
  // The bar is told once, with every row.
  expect(seen).toEqual([ROWS + 2]);
  // The rows below, a window at a time, as the reader holds them.
  const at = await apart.window(3_000, 100);
  expect(Array.from({ length: 100 }, (_, i) => Array.from({ length: at.width(3_000 + i) }, (_, c) => at.at(3_000 + i, c)))).toEqual(cellsOf(whole, 3_000, 3_100));
  // Asked again, the page's own copy: nothing crosses twice.
  expect(await host.readSheet("2024年度考核")).toBe(grid);
  host.remote.close();
});

test("a sheet whose data below its first rows is uneven reads on the page as the whole: a column with data only far down, a widest row, a short last row, a sheet empty but far down", async () => {
  const row = (r: number, cells: [string, string | number][]) => `<row r="${r}">${cells.map(([c, v]) => (typeof v === "number" ? `<c r="${c}${r}"><v>${v}</v></c>` : `<c r="${c}${r}" t="inlineStr"><is><t>${v}</t></is></c>`)).join("")}</row>`;
  const lines = [row(1, [["A", "工作室名称"], ["B", "培训场次(场)"], ["C", "备注"]])];
  for (let r = 2; r <= 400; r++) {
    // Column C: blank text in row 250, a note in row 300 (and F there: the widest row); a short last row.
    if (r === 250) lines.push(row(r, [["A", `工作室${r}`], ["B", r % 7], ["C", "  "]]));
    else if (r === 300) lines.push(row(r, [["A", `工作室${r}`], ["B", r % 7], ["C", "迟到的备注"], ["F", 1]]));
    else if (r === 400) lines.push(row(r, [["A", "合计"]]));
    else lines.push(row(r, [["A", `工作室${r}`], ["B", r % 7]]));
  }
  const book = buildXlsx({
    sheets: [
      { name: "不齐", xml: lines.join("") },
      { name: "远处", xml: row(500, [["D", "只有这一格"]]) },
    ],
  });
  const r = await fileDoor.open(book, "不齐.xlsx");
  if (!r.ok) throw new Error(r.message.zh);
  const wb = readWorkbook(book);
  if (!wb.ok) throw new Error("unreadable");
  for (const [i, name] of ["不齐", "远处"].entries()) {
    const page = await r.host.readSheet(name);
    const own = sheetGrid(wb.workbook.sheets[i]);
    if (!own.ok) throw new Error("unreadable");
    const whole = own.grid;
    expect(cellsApart(page)).toBeDefined();
    expect(rowCount(page)).toBe(rowCount(whole));
    expect(isEmptyGrid(page)).toBe(isEmptyGrid(whole));
    expect(columnChoices(page, [1])).toEqual(columnChoices(whole, [1]));
    expect(matchHeaders(page, pack)).toEqual(matchHeaders(whole, pack));
    let width = 0;
    for (let k = 0; k < rowCount(page); k++) width = Math.max(width, rowWidth(page, k));
    let widthWhole = 0;
    for (let k = 0; k < rowCount(whole); k++) widthWhole = Math.max(widthWhole, rowWidth(whole, k));
    expect(width).toBe(widthWhole);
  }
  // Column C holds data only in row 300 (row 250's is blank text), F only there too.
  const uneven = await r.host.readSheet("不齐");
  expect(columnChoices(uneven, [1]).map((c) => c.letter)).toEqual(["A", "B", "C", "F"]);
  (r.host as RemoteHost).remote.close();
});

test("the check begun ahead while the pane is drawn (prepare) is used only by a check with the very same pack and choices; any other is evaluated afresh", async () => {
  const host = await open();
  const grid = await host.readSheet("2024年度考核");
  const wb = readWorkbook(bytes);
  const whole = wb.ok && sheetGrid(wb.workbook.sheets[0]);
  if (!whole || !whole.ok) throw new Error("unreadable");
  const strict = { params: { std1Min: 2, excellentMin: 10 } };
  const here = { plain: evaluateSheet(withoutOwnResults(whole.grid), pack, {}).summary, strict: evaluateSheet(withoutOwnResults(whole.grid), pack, strict).summary };
  expect(here.strict).not.toEqual(here.plain);
  const made = jest.spyOn(evaluation, "evaluateSheet");
  try {
    // Detecting the sheet's packs begins the check with the choice the pane then takes (paneChoice, here the defaults).
    const found = await host.checker.detect("2024年度考核", grid, [getPack("studio-budget")!, pack]);
    const choice = paneChoice("2024年度考核", {}, found, [getPack("studio-budget")!, pack])!;
    expect(choice.pack.id).toBe(pack.id);
    const { mapping, params, readings, headerRow } = choice;
    const first = await host.checker.check("2024年度考核", grid, choice.pack, { mapping, params, readings, headerRow });
    expect(first.result.summary).toEqual(here.plain);
    expect(made).toHaveBeenCalledTimes(1);
    made.mockClear();
    // Begun ahead with a stricter threshold; then 一键校验 with the defaults: not those verdicts.
    host.checker.prepare!("2024年度考核", pack, strict);
    const plain = await host.checker.check("2024年度考核", grid, pack, {});
    expect(plain.result.summary).toEqual(here.plain);
    expect(made).toHaveBeenCalledTimes(2);
    // Begun ahead with the choices the check then asks for (written in another order): made once.
    host.checker.prepare!("2024年度考核", pack, { readings: {}, params: { std1Min: 2, excellentMin: 10 }, mapping: {} });
    const again = await host.checker.check("2024年度考核", grid, pack, { mapping: {}, params: { std1Min: 2, excellentMin: 10 }, readings: {} });
    expect(again.result.summary).toEqual(here.strict);
    expect(made).toHaveBeenCalledTimes(3);
    // Another pack's verdicts are never taken for them.
    host.checker.prepare!("2024年度考核", getPack("studio-budget")!, {});
    expect((await host.checker.check("2024年度考核", grid, pack, {})).result.summary).toEqual(here.plain);
    expect(made).toHaveBeenCalledTimes(5);
  } finally {
    made.mockRestore();
    host.remote.close();
  }
});

test("the worker started ahead when the page is shown is the one the next file is read in: reading starts at once", async () => {
  const before = StandInWorker.started;
  fileDoor.warm();
  fileDoor.warm();
  expect(StandInWorker.started).toBe(before + 1);
  const host = await open();
  expect(StandInWorker.started).toBe(before + 1);
  expect(await host.listSheets()).toEqual(["2024年度考核"]);
  // The next file starts its own.
  const next = await open();
  expect(StandInWorker.started).toBe(before + 2);
  host.remote.close();
  next.remote.close();
});

/** Rows as the page draws them, plain (a record in the pane is the engine's own object, its issues a getter). */
const plainRows = (rows: RowGroup[]) => JSON.parse(JSON.stringify(rows)) as unknown;

test("check, report and annotated copy are made in the worker; the result crosses without its records, its rows a window at a time, the same as in place", async () => {
  const host = await open();
  const grid = await host.readSheet("2024年度考核");
  const found = await host.checker.detect("2024年度考核", grid, [getPack("studio-budget")!, pack]);
  expect(found[0].pack).toBe(pack);
  const progress: CheckProgress[] = [];
  StandInWorker.sent = [];
  // The result comes before it is written: its first rows can be drawn while the copy is written.
  const order: string[] = [];
  let early: SheetResult | null = null;
  let firstRows: Promise<unknown> = Promise.resolve();
  const checking = host.checker.check(
    "2024年度考核",
    grid,
    pack,
    {},
    (p) => progress.push(p),
    (r) => {
      early = r;
      order.push(`result, written ${progress.filter((p) => p.phase === "write").length}`);
      firstRows = rowsApart(r)!("all", 0, 50).then((w) => order.push(`rows ${w.rows.length}`));
    },
  );
  const { result, outcome } = await checking.then((r) => (order.push("written"), r));
  await firstRows;
  expect(result).toBe(early);
  expect(order).toEqual(["result, written 0", "rows 50", "written"]);
  // Counts and the summary cross; the 3,500 records stay in the worker (no message near their size).
  expect(result.records).toEqual([]);
  expect(result.summary.records).toBe(ROWS);
  expect(Math.max(...StandInWorker.sent.map((m) => m.size))).toBeLessThan(20_000);
  expect(outcome?.placement).toBe("columns");
  // Writing the results (each record explained) moves the bar, rising to every record.
  const writing = progress.filter((p) => p.phase === "write").map((p) => p.done);
  expect(writing.length).toBeGreaterThanOrEqual(2);
  expect(writing[writing.length - 1]).toBe(ROWS);
  expect([...writing].sort((a, b) => a - b)).toEqual(writing);
  expect(host.remote.made).toEqual({ results: ["2024年度考核"], added: [] });

  // The rows, a window at a time, are the pane's own rows of the same check made in place.
  const wb = readWorkbook(bytes);
  const whole = wb.ok && sheetGrid(wb.workbook.sheets[0]);
  if (!whole || !whole.ok) throw new Error("unreadable");
  const here = rowGroups(evaluateSheet(withoutOwnResults(whole.grid), pack, {}));
  const rows = rowsApart(result)!;
  const first = await rows("all", 0, 50);
  expect(first.total).toBe(ROWS);
  expect(plainRows(first.rows)).toEqual(plainRows(here.slice(0, 50)));
  expect(first.rows[7].issues.map((i) => i.cell)).toEqual(expect.arrayContaining(["E10", "H10"]));
  const last = await rows("all", ROWS - 10, 50);
  expect(plainRows(last.rows)).toEqual(plainRows(here.slice(ROWS - 10)));
  // Under a filter (the book has 需核实 rows, and no 不通过 one): the window of those rows only.
  const warnings = here.filter((g) => g.record?.status === "warning");
  expect(warnings.length).toBeGreaterThan(25);
  const some = await rows("warning", 5, 20);
  expect(some.total).toBe(warnings.length);
  expect(plainRows(some.rows)).toEqual(plainRows(warnings.slice(5, 25)));
  expect(await rows("error", 0, 50)).toEqual({ total: 0, rows: [] });

  const report = await fileDoor.report("大表.xlsx", [{ pack, result }], host);
  const back = readWorkbook(report);
  expect(back.ok && back.workbook.sheets.map((s) => s.name)).toEqual(["汇总", "问题清单", "经费", "统计"]);
  const copy = await fileDoor.annotated(host);
  const annotated = readWorkbook(copy);
  if (!annotated.ok) throw new Error("copy unreadable");
  const g = sheetGrid(annotated.workbook.sheets[0]);
  if (!g.ok) throw new Error("copy sheet unreadable");
  // The verdict columns beside the data, one per record.
  expect(g.grid.rows[1].slice(12)).toEqual(["得分", "等级", "未达标项", "校验说明"]);
  expect(g.grid.rows[2][13]).toBe("优秀");
  expect(g.grid.rows.length).toBe(ROWS + 2);
  // The original bytes are untouched.
  expect(bytes[0]).toBe(0x50);
  host.remote.close();
});

test("取消 in the middle of a check ends it as cancelled; a new worker carries the settings and earlier steps, and the page goes on", async () => {
  const host = await open();
  const grid = await host.readSheet("2024年度考核");
  await host.saveSettings({ pack: pack.id, params: { "national-awards": 2 } });
  await host.writeSheet({ name: "汇总", rows: [["a"]] });
  const before = StandInWorker.started;
  const checking = host.checker.check("2024年度考核", grid, pack, {});
  setTimeout(() => host.checker.cancel!(), 5);
  await expect(checking).rejects.toEqual({ code: "cancelled", message: { zh: "已取消", en: "Cancelled" } });
  expect(StandInWorker.started).toBe(before + 1);
  // The new worker re-opened the file and replayed the settings and the added sheet, not the cancelled check.
  expect(await host.loadSettings()).toEqual({ pack: pack.id, params: { "national-awards": 2 } });
  expect(host.remote.made).toEqual({ results: [], added: ["汇总"] });
  const again = await host.checker.check("2024年度考核", grid, pack, {});
  expect(again.result.summary.records).toBe(ROWS);
  expect(host.remote.made.results).toEqual(["2024年度考核"]);
  const before2 = await rowsApart(again.result)!("all", 100, 30);
  // Cancelled again: the result on screen keeps its rows (the new worker replays the check that made them, under its name).
  const third = host.checker.check("2024年度考核", grid, pack, {});
  setTimeout(() => host.checker.cancel!(), 5);
  await expect(third).rejects.toEqual({ code: "cancelled", message: { zh: "已取消", en: "Cancelled" } });
  const after = await rowsApart(again.result)!("all", 100, 30);
  expect(after.total).toBe(ROWS);
  expect(plainRows(after.rows)).toEqual(plainRows(before2.rows));
  host.remote.close();
});

/** The same step on the same file in place (the pane's own checker over the file's host, as with no Worker). */
async function inPlace(): Promise<{ host: FileWorkbookHost; checker: ReturnType<typeof localChecker> }> {
  const read = readAll(bytes);
  if (!read.ok) throw new Error("unreadable");
  const host = new FileWorkbookHost(bytes, "大表.xlsx", workbookOf(read));
  return { host, checker: localChecker(host) };
}

test("汇总表 and 生成台账 are made in the worker from its own records and sheets — the same sheets as in place; a summary survives a cancel", async () => {
  const host = await open();
  const here = await inPlace();
  const grid = await host.readSheet("2024年度考核");
  const localGrid = withoutOwnResults(await here.host.readSheet("2024年度考核"));

  // 汇总表 of a result on screen whose records never crossed: the worker sums them up.
  const { result } = await host.checker.check("2024年度考核", grid, pack, {});
  expect(result.records).toEqual([]);
  const name = await host.checker.writeSummary(result, pack, true);
  const local = await here.checker.check("2024年度考核", localGrid, pack, {});
  expect(await here.checker.writeSummary(local.result, pack, true)).toBe(name);
  const summary = await host.readSheet(name);
  expect(await wholeOnPage(summary)).toEqual(await wholeOnPage(withoutOwnResults(await here.host.readSheet(name))));
  // A line per record: all 3,500 studios are in it.
  expect(rowCount(summary)).toBeGreaterThan(ROWS);
  expect(host.remote.made.added).toEqual([name]);

  // 生成台账: the worker reads every sheet and writes the ledger; only what the pane shows crosses.
  const packs = { assessment: pack, budget: getPack("studio-budget")!, roster: rosterPack() };
  const remote = await host.checker.writeLedger(packs, {}, false);
  const local2 = await here.checker.writeLedger(packs, {}, false);
  expect(remote).toEqual(local2);
  expect(remote.sheet).not.toBeNull();
  // Studio names only (thousands of them), not each studio's term.
  expect(remote.ledger.studios.length).toBeGreaterThan(1000);
  expect(remote.ledger.studios[0]).toBe("工作室1");
  expect(await wholeOnPage(await host.readSheet(remote.sheet!))).toEqual(await wholeOnPage(withoutOwnResults(await here.host.readSheet(remote.sheet!))));

  // A summary of an evaluation (a changed threshold, the sheet still holding the check's results),
  // then 取消: the new worker replays both, and the summary is still in the copy.
  const again = await host.checker.evaluate("2024年度考核", grid, pack, { params: { "national-awards": 2 } });
  const second = await host.checker.writeSummary(again, pack, false);
  const cancelled = host.checker.check("2024年度考核", grid, pack, {});
  setTimeout(() => host.checker.cancel!(), 5);
  await expect(cancelled).rejects.toMatchObject({ code: "cancelled" });
  // (A summary of the same pack replaces the earlier one under its name.)
  expect(second).toBe(name);
  expect(await host.listSheets()).toEqual(["2024年度考核", remote.sheet, second]);
  expect(host.remote.made.added).toEqual([remote.sheet, second]);
  const localAgain = await here.checker.evaluate("2024年度考核", localGrid, pack, { params: { "national-awards": 2 } });
  expect(await here.checker.writeSummary(localAgain, pack, false)).toBe(second);
  expect(await wholeOnPage(await host.readSheet(second))).toEqual(await wholeOnPage(withoutOwnResults(await here.host.readSheet(second))));
  host.remote.close();
});

test("our earlier result columns read as blank alike from a row-stored grid and a column-stored one (which stays column-stored)", () => {
  const rows: CellValue[][] = [
    ["2024年度考核"],
    ["工作室名称", "培训场次(场)", "得分", "等级", "未达标项", "校验说明"],
    ["工作室甲", 2, 8, "合格", null, "无问题"],
    ["工作室乙", "若干", 6, "不合格", "八", "八：培训场次为“若干”"],
    ["工作室丙", 3],
  ];
  const cells = new CellColumns([]);
  rows.forEach((r, i) => r.forEach((v, c) => cells.set(i, c, v)));
  const byRows: SheetGrid = { name: "考核", origin: { row: 1, col: 1 }, rows };
  const byColumns = columnGrid({ name: "考核", origin: { row: 1, col: 1 } }, cells);
  const blank = [["2024年度考核"], ["工作室名称", "培训场次(场)", null, null, null, null], ["工作室甲", 2, null, null, null, null], ["工作室乙", "若干", null, null, null, null], ["工作室丙", 3]];
  expect(withoutOwnResults(byRows).rows).toEqual(blank);
  const fromColumns = withoutOwnResults(byColumns);
  expect(fromColumns.columns).toBeInstanceOf(CellColumns);
  expect(fromColumns.rows).toEqual(blank);
  // The grid read is left as it was.
  expect(byColumns.rows[2]).toEqual(["工作室甲", 2, 8, "合格", null, "无问题"]);
});
