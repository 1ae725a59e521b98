/**
 * The web page's worker protocol, in Node: a stand-in Worker runs the real PageSession (the same
 * code page-worker.js runs) and passes every message through structuredClone, as a browser does.
 * The page's side (page-remote.ts through the file door) opens a real .xlsx, reads a sheet back in
 * parts, checks it, writes the report and the annotated copy; a result crosses without its
 * records, its rows asked for a window at a time; 取消 in the middle of a check ends that step
 * and leaves the workbook as it was before it (settings, earlier checks and their rows replayed).
 */
import { fileDoor } from "../src/file/door";
import { PageSession, PART, type SessionMessage, type SessionRequest } from "../src/file/page-session";
import { RemoteHost } from "../src/file/page-remote";
import { evaluateSheet } from "../src/engine";
import { rowGroups, rowsApart, withoutOwnResults, type RowGroup } from "../src/taskpane/model";
import { readWorkbook, sheetGrid } from "../src/file/xlsx-read";
import { getPack } from "../src/packs";
import type { CheckProgress } from "../src/engine/host";
import { bigAssessmentBook } from "./support/big-book";

/** What a worker does, in this process: each message cloned and delivered in a later task. */
class StandInWorker {
  static started = 0;
  /** The size (JSON characters) of every message the worker sent, in order. */
  static sent: number[] = [];
  onmessage: ((e: { data: SessionMessage }) => void) | null = null;
  onerror: ((e: { preventDefault(): void }) => void) | null = null;
  private dead = false;
  private queue = Promise.resolve();
  private readonly session = new PageSession((m) => {
    StandInWorker.sent.push(JSON.stringify(m)?.length ?? 0);
    setTimeout(() => !this.dead && this.onmessage?.({ data: structuredClone(m) }));
  });
  constructor(readonly url: string) {
    StandInWorker.started++;
  }
  postMessage(req: SessionRequest): void {
    const copy = structuredClone(req);
    // A worker takes messages one at a time, each in its own task.
    this.queue = this.queue.then(() => new Promise((r) => setTimeout(r))).then(() => (this.dead ? undefined : this.session.handle(copy)));
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

test("a sheet comes back in parts, each short, and equals the reader's own grid", async () => {
  const host = await open();
  const seen: number[] = [];
  const grid = await host.readSheet("2024年度考核", (p) => seen.push(p.done));
  const wb = readWorkbook(bytes);
  if (!wb.ok) throw new Error("unreadable");
  const own = sheetGrid(wb.workbook.sheets[0]);
  if (!own.ok) throw new Error("unreadable");
  expect(grid).toEqual(own.grid);
  // ROWS + 2 rows in parts of PART: progress rises part by part to the total.
  expect(seen).toHaveLength(Math.ceil((ROWS + 2) / PART));
  expect(seen[seen.length - 1]).toBe(ROWS + 2);
  expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  // Asked again, the page's own copy: nothing crosses twice.
  expect(await host.readSheet("2024年度考核")).toBe(grid);
  host.remote.close();
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
  const { result, outcome } = await host.checker.check("2024年度考核", grid, pack, {}, (p) => progress.push(p));
  // Counts and the summary cross; the 3,500 records stay in the worker (no message near their size).
  expect(result.records).toEqual([]);
  expect(result.summary.records).toBe(ROWS);
  expect(Math.max(...StandInWorker.sent)).toBeLessThan(20_000);
  expect(outcome?.placement).toBe("columns");
  // Writing the results (each record explained) moves the bar, rising to every record.
  const writing = progress.filter((p) => p.phase === "write").map((p) => p.done);
  expect(writing.length).toBeGreaterThanOrEqual(2);
  expect(writing[writing.length - 1]).toBe(ROWS);
  expect([...writing].sort((a, b) => a - b)).toEqual(writing);
  expect(host.remote.made).toEqual({ results: ["2024年度考核"], added: [] });

  // The rows, a window at a time, are the pane's own rows of the same check made in place.
  const here = rowGroups(evaluateSheet(withoutOwnResults(grid), pack, {}));
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
