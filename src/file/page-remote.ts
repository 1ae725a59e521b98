/**
 * The page's side of its worker (page-worker.ts): requests out, progress and answers back — none
 * of them big: a result's rows and a sheet's cells stay in the worker, asked for a window at a
 * time. A WorkbookHost and a SheetChecker over it, so the pane works as it does in place.
 *
 * 取消 terminates the worker: the step under way ends with the code "cancelled", and a new worker
 * opens the original bytes again and replays, quietly, every step that had changed the workbook
 * (settings, checks, added sheets, records), so the page goes on where it was before that step.
 */
import type { CheckProgress, LedgerShown, OtherSheet, Progress, ResultPlan, SheetChecker, SheetPlan, WorkbookHost, WorkbookSettings, WriteOutcome } from "../engine/host";
import { RECORD_SHEET, type CheckRecord } from "../engine/record";
import type { EvaluateOptions, SheetGrid, SheetResult, Text2 } from "../engine/types";
import type { HeaderMatch } from "../engine/headers";
import { limitsFor } from "./limits";
import { CellColumns, columnGrid, rowCount } from "../engine/grid";
import type { CellPart, HostMethod, Made, SessionMessage, SessionOp, SessionRequest, SheetSketch, Shown } from "./page-session";
import { withCellsApart, withRowsApart, type RowPage } from "../taskpane/model";
import { readMessage } from "./xlsx-read";

/** The page's worker, beside the page (webpack entry "page-worker"). */
export const WORKER_URL = "page-worker.js";

export type Refusal = { ok: false; code: string; message: Text2 };

/** A step stopped by 取消, as the pane reports any host error: a code and both languages. */
export const CANCELLED = { code: "cancelled", message: { zh: "已取消", en: "Cancelled" } };

/**
 * Steps replayed after a cancel: those that change the workbook, and evaluations (a summary may
 * be made of their result, and the result on screen keeps its rows).
 */
const REPLAYED = new Set<string>(["check", "checkOthers", "evaluate", "summary", "ledger", "host:writeSheet", "host:clearResults", "host:saveSettings", "host:recordCheck"]);
const replayed = (op: SessionOp) => REPLAYED.has(op.op === "host" ? `host:${op.method}` : op.op);

/** A step as sent: its id names the results it made (their rows stay in the worker), so a replay keeps it. */
interface Step {
  id: number;
  op: SessionOp;
}

interface Pending {
  op: SessionOp;
  resolve(v: unknown): void;
  reject(e: unknown): void;
  onProgress?: (p: CheckProgress | (Progress & { phase: "open" })) => void;
  /** A check's result before its answer (see SessionMessage "result"). */
  onResult?: (r: Shown) => void;
  /** What the bar was last told. */
  told: { phase: string; done: number } | null;
}

/** The bar is told when it moves by a twentieth (each telling draws the pane again), at a new phase, and at the end. */
const PROGRESS_STEPS = 20;

/** Cells put into the page's columns, `from` rows down; each row's last cell set (blank) first, so rows keep their widths. */
function putCells(into: CellColumns, part: CellPart, from = part.from): void {
  const { widths, places, values } = part;
  widths.forEach((w, i) => w > 0 && into.set(from + i, w - 1, null));
  for (let k = 0; k < values.length; k++) into.set(from + places[2 * k], places[2 * k + 1], values[k]);
}

/**
 * A sheet as the page holds it (see SheetSketch): a column-stored grid of its first rows and the
 * marks below them, whose rows below the head the preview asks for a window at a time. What the
 * page reads of a whole sheet — rows, widths, empty or not, which columns hold data, the header —
 * reads the same as over the whole grid.
 */
function sketchGrid(s: SheetSketch, window: (from: number, count: number) => Promise<CellPart>): SheetGrid {
  const cells = new CellColumns([]);
  putCells(cells, s.top);
  for (let k = 0; k < s.widths.length; k += 2) cells.set(s.widths[k], s.widths[k + 1] - 1, null);
  for (let k = 0; k < s.values.length; k++) cells.set(s.places[2 * k], s.places[2 * k + 1], s.values[k]);
  const grid = columnGrid(s.base, cells);
  if (s.head >= cells.rowCount) return grid;
  return withCellsApart(grid, s.head, async (from, count) => {
    const part = await window(from, count);
    const rows = new CellColumns([]);
    putCells(rows, part, 0);
    return { width: (r) => rows.width(r - part.from), at: (r, c) => rows.at(r - part.from, c) };
  });
}

/** A worker started before any file is chosen (warmUp), its script loaded and compiled: the next file's reading starts at once. */
let spare: { url: string; worker: Worker } | null = null;

/** Starts a worker ahead for the next file (the page calls it when it is shown); one at a time. */
export function warmUp(url = WORKER_URL): void {
  if (spare || typeof Worker !== "function") return;
  const worker = new Worker(url);
  const mine = { url, worker };
  // One that fails to start is let go: the next file starts its own, and says so if that fails too.
  worker.onerror = (e) => {
    e.preventDefault();
    worker.terminate();
    if (spare === mine) spare = null;
  };
  spare = mine;
}

function startWorker(url: string): Worker {
  if (spare?.url !== url) return new Worker(url);
  const w = spare.worker;
  spare = null;
  return w;
}

export class PageRemote {
  private worker: Worker;
  private next = 1;
  private readonly pending = new Map<number, Pending>();
  /** Steps to replay, in order (see REPLAYED). */
  private readonly journal: Step[] = [];
  /** What the annotated copy holds, as of the last answer. */
  made: Made = { results: [], added: [] };

  constructor(
    private readonly bytes: Uint8Array,
    private readonly name: string,
    private readonly url = WORKER_URL,
  ) {
    this.worker = this.start();
  }

  private start(): Worker {
    const w = startWorker(this.url);
    w.onmessage = (e: MessageEvent<SessionMessage>) => this.receive(e.data);
    w.onerror = (e) => {
      e.preventDefault();
      // The worker died (out of memory): every step under way fails; a new one takes over.
      this.restart({ code: "out-of-memory", message: { zh: readMessage("out-of-memory", "浏览器停止了处理"), en: "the browser stopped the work (out of memory)" } });
    };
    return w;
  }

  private receive(m: SessionMessage): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === "progress") this.tell(p, { phase: m.phase, done: m.done, total: m.total });
    else if (m.type === "result") p.onResult?.(m.value);
    else {
      this.pending.delete(m.id);
      if (m.type === "error") return p.reject({ code: m.code, message: m.message });
      this.made = m.made;
      if (replayed(p.op)) this.note({ id: m.id, op: p.op });
      p.resolve(m.value);
    }
  }

  private tell(p: Pending, progress: CheckProgress | (Progress & { phase: "open" })): void {
    const last = p.told;
    const moved = !last || last.phase !== progress.phase || progress.done >= progress.total || progress.done - last.done >= progress.total / PROGRESS_STEPS;
    if (!p.onProgress || !moved) return;
    p.told = { phase: progress.phase, done: progress.done };
    p.onProgress(progress);
  }

  /** Journals a step; an evaluation replaces the sheet's earlier one unless a summary was made of that. */
  private note(step: Step): void {
    const op = step.op;
    if (op.op === "evaluate") {
      const i = this.journal.findIndex((s) => s.op.op === "evaluate" && s.op.sheet === op.sheet);
      const before = this.journal[i];
      if (before && !this.journal.some((s) => s.op.op === "summary" && s.op.ref === `${before.id}`)) this.journal.splice(i, 1);
    }
    this.journal.push(step);
  }

  request<T>(op: SessionOp, onProgress?: Pending["onProgress"], transfer: Transferable[] = [], onResult?: Pending["onResult"]): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { op, resolve: resolve as (v: unknown) => void, reject, onProgress, onResult, told: null });
      this.worker.postMessage({ ...op, id } satisfies SessionRequest, transfer);
    });
  }

  /**
   * A sheet of the workbook as the pane reads it (our earlier result columns blank), column-stored:
   * its first rows and what the page must know of the rest (sketchGrid); the worker keeps the rest.
   */
  async readSheet(name: string, onProgress?: (p: Progress) => void): Promise<SheetGrid> {
    const sketch = await this.request<SheetSketch>({ op: "sheet", sheet: name });
    const grid = sketchGrid(sketch, (from, count) => this.request<CellPart>({ op: "cells", sheet: name, from, count }));
    onProgress?.({ done: rowCount(grid), total: rowCount(grid) });
    return grid;
  }

  /** A copy of the bytes goes to the worker: the page keeps the original for a replay. */
  private openOp(): [SessionOp, Transferable[]] {
    const copy = this.bytes.slice();
    return [{ op: "open", bytes: copy.buffer, name: this.name }, [copy.buffer]];
  }

  /** Reads the file in the worker, under the command line's time limit (on the clock: a browser has no CPU time). */
  open(opts: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {}): Promise<{ ok: true } | Refusal> {
    const limit = limitsFor(this.bytes.length).cpuMs;
    return new Promise((resolve) => {
      const stop = (r: Refusal) => {
        this.worker.terminate();
        this.pending.clear();
        finish(r);
      };
      const finish = (r: { ok: true } | Refusal) => {
        clearTimeout(timer);
        opts.signal?.removeEventListener("abort", onAbort);
        resolve(r);
      };
      const timer = setTimeout(() => stop(refusal("timeout", `超过 ${Math.round(limit / 1000)} 秒仍未读完`)), limit);
      const onAbort = () => stop({ ok: false, code: "cancelled", message: { zh: "已取消读取", en: "reading cancelled" } });
      opts.signal?.addEventListener("abort", onAbort);
      const [op, transfer] = this.openOp();
      this.request<{ ok: true } | Refusal>(op, (p) => opts.onProgress?.(p.done, p.total), transfer).then(finish, (e: { code?: string; message?: Text2 }) =>
        finish({ ok: false, code: e.code ?? "damaged", message: e.message ?? { zh: readMessage("damaged"), en: readMessage("damaged") } }),
      );
    });
  }

  /** Stops the step under way (its promise rejects with CANCELLED); the workbook goes on as it was before it. */
  cancel(): void {
    this.restart(CANCELLED);
  }

  private restart(why: { code: string; message: Text2 }): void {
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(why);
    this.pending.clear();
    this.worker = this.start();
    const [op, transfer] = this.openOp();
    this.worker.postMessage({ ...op, id: 0, quiet: true } satisfies SessionRequest, transfer);
    for (const step of this.journal) this.worker.postMessage({ ...step.op, id: step.id, quiet: true } satisfies SessionRequest);
  }

  close(): void {
    this.worker.terminate();
  }
}

function refusal(code: "timeout", detail: string): Refusal {
  const zh = readMessage(code, detail);
  return { ok: false, code, message: { zh, en: zh } };
}

/** The opened workbook as the pane sees it; every long step runs in the worker. */
export class RemoteHost implements WorkbookHost {
  readonly kind = "file" as const;
  /** A file does not change under the page: each sheet crosses over once. */
  private readonly grids = new Map<string, Promise<SheetGrid>>();
  readonly checker: SheetChecker;

  constructor(readonly remote: PageRemote) {
    this.checker = remoteChecker(remote);
  }

  private call<T>(method: HostMethod, ...args: unknown[]): Promise<T> {
    return this.remote.request<T>({ op: "host", method, args });
  }

  listSheets(): Promise<string[]> {
    return this.call("listSheets");
  }
  activeSheet(): Promise<string> {
    return this.call("activeSheet");
  }
  ownSheets(): Promise<string[]> {
    return this.call("ownSheets");
  }
  readSheet(name: string, onProgress?: (p: Progress) => void): Promise<SheetGrid> {
    // A sheet added by the page (summary, template, ledger, 校验记录) changes with each step: read afresh every time.
    if (name === RECORD_SHEET || this.remote.made.added.includes(name)) return this.remote.readSheet(name, onProgress);
    let g = this.grids.get(name);
    if (!g) {
      g = this.remote.readSheet(name, onProgress);
      this.grids.set(name, g);
      // A read that failed (or was cancelled) is tried again next time.
      g.catch(() => this.grids.delete(name));
    }
    return g;
  }
  writeResults(plan: ResultPlan): Promise<WriteOutcome> {
    // The pane writes through its checker (check, checkOthers); a plan is never sent across.
    return Promise.reject(new Error(`writeResults(${plan.sheet}) goes through the checker`));
  }
  clearResults(): Promise<{ cellsCleared: number; sheetsRemoved: number; cellsKept: { sheet: string; cell: string }[] }> {
    return this.call("clearResults");
  }
  writeSheet(plan: SheetPlan): Promise<string> {
    return this.call("writeSheet", plan);
  }
  async selectCell(): Promise<void> {
    // A file has no selection: the page's preview shows the cell.
  }
  recordCheck(r: CheckRecord): Promise<void> {
    return this.call("recordCheck", r);
  }
  loadSettings(): Promise<WorkbookSettings> {
    return this.call("loadSettings");
  }
  saveSettings(s: WorkbookSettings): Promise<void> {
    return this.call("saveSettings", s);
  }
}

type Index<T> = Omit<T, "pack"> & { pack: number };

/** The worker's name of each result it gave. */
const refs = new WeakMap<SheetResult, string>();

/** A result from the worker: its rows are asked for a window at a time, by its ref. */
function apart(remote: PageRemote, r: Shown): SheetResult {
  const { ref, ...result } = r;
  refs.set(result, ref);
  return withRowsApart(result, (filter, from, count) => remote.request<RowPage>({ op: "rows", ref, filter, from, count }));
}

function remoteChecker(remote: PageRemote): SheetChecker {
  return {
    async detect(sheet, _grid, packs) {
      const found = await remote.request<{ index: number; match: HeaderMatch }[]>({ op: "detect", sheet, packs });
      return found.map((c) => ({ pack: packs[c.index], match: c.match }));
    },
    async evaluate(sheet, _grid, pack, opts: EvaluateOptions, onProgress) {
      return apart(remote, await remote.request<Shown>({ op: "evaluate", sheet, pack, opts }, progressOf(onProgress)));
    },
    async check(sheet, _grid, pack, opts, onProgress, onResult) {
      // The result shown early is the one the answer resolves with (the same object: its rows are not asked for again).
      let early: SheetResult | null = null;
      const shown = (s: Shown) => onResult?.((early = apart(remote, s)));
      const r = await remote.request<{ result: Shown; outcome: WriteOutcome | null; writeError?: unknown }>({ op: "check", sheet, pack, opts }, progressOf(onProgress), [], shown);
      const result = early ?? apart(remote, r.result);
      return r.writeError === undefined ? { result, outcome: r.outcome } : { ...r, result };
    },
    async checkOthers(skip, packs, saved, onProgress) {
      const r = await remote.request<{ checked: (Index<OtherSheet> & { result: Shown })[]; unfit: string[] }>({ op: "checkOthers", skip, packs, saved }, progressOf(onProgress));
      return { checked: r.checked.map((o) => ({ ...o, pack: packs[o.pack], result: apart(remote, o.result) })), unfit: r.unfit };
    },
    writeSummary(result, pack, withChart) {
      const ref = refs.get(result);
      if (ref === undefined) return Promise.reject(new Error("a summary is made of a result the worker gave"));
      return remote.request<string>({ op: "summary", ref, pack, withChart });
    },
    writeLedger(packs, opts, withChart, onProgress) {
      return remote.request<{ ledger: LedgerShown; sheet: string | null }>({ op: "ledger", packs, opts, withChart }, progressOf(onProgress));
    },
    cancel: () => remote.cancel(),
    prepare(sheet, pack, opts) {
      // Nothing waits for it: a failure shows when the check itself is asked for.
      remote.request({ op: "prepare", sheet, pack, opts }).catch(() => undefined);
    },
  };
}

function progressOf(onProgress?: (p: CheckProgress) => void): Pending["onProgress"] {
  if (!onProgress) return undefined;
  return (p) => onProgress({ phase: p.phase === "open" ? "read" : p.phase, done: p.done, total: p.total });
}
