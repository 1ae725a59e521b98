/**
 * The web page's workbook, held in its worker (page-worker.ts): the file is read, checked and
 * written here — the same host and the same check functions as the pane uses in place — and the
 * page's thread only shows what comes back. A result's records stay here: the page gets the
 * summary and counts, and asks for the rows it draws a window at a time ("rows"). So do a sheet's
 * cells: the page gets the rows matching reads and what it must know of the rest (SheetSketch),
 * and its preview asks for the rows it shows ("cells"). No DOM here, no Worker global:
 * page-worker.ts wires `handle` to the worker's messages, and tests call it directly.
 */
import { pageReport } from "./page-report";
import type { CheckProgress, SheetChecker, WorkbookSettings } from "../engine/host";
import type { CellValue, EvaluateOptions, SheetGrid, SheetResult, Text2 } from "../engine/types";
import { cellAt, gridBase, rowCount, rowWidth } from "../engine/grid";
import { headerReadRows } from "../engine/headers";
import type { Pack } from "../packs/schema";
import type { LedgerOptions, LedgerPacks } from "../engine/term/ledger";
import { localChecker } from "../taskpane/check";
import { paneChoice } from "../engine/choice";
import { matchHeaders } from "../engine/headers";
import { evaluateSheet } from "../engine";
import { both } from "../taskpane/strings";
import { errorMessage, withoutOwnResults } from "../taskpane/model";
import { RowIndex, rowGroups, type Filter, type RowGroup } from "../engine/rows";
import { annotatedCopy } from "./copy";
import { FileWorkbookHost, HostError } from "./host";
import { readAll, workbookOf } from "./xlsx-read";
import { inflatedAhead } from "./web-inflate";
import { withInflate } from "./zip";

/**
 * Cells as they cross: rows [from, from + widths.length), each value with its place (no blanks: a
 * wide sparse row costs its values, not its width) — not an array per row: the page keeps them
 * column-stored too (engine/grid.ts).
 */
export interface CellPart {
  from: number;
  /** Each row's width (one past its last cell). */
  widths: number[];
  /** Row (from `from`) and column of each value, in pairs. */
  places: number[];
  values: CellValue[];
}

/** Rows [from, to) of a grid as they cross. */
function cellPart(g: SheetGrid, from: number, to: number): CellPart {
  const part: CellPart = { from, widths: [], places: [], values: [] };
  for (let r = from; r < Math.min(rowCount(g), to); r++) {
    const w = rowWidth(g, r);
    part.widths.push(w);
    for (let c = 0; c < w; c++) {
      const v = cellAt(g, r, c);
      if (v !== null) part.places.push(r - from, c), part.values.push(v);
    }
  }
  return part;
}

/** Rows the page holds of a sheet at least (its preview's first screen), whatever matching reads. */
export const HEAD_ROWS = 100;

/** The most rows a window of a sheet's cells may ask for (the preview asks for what it shows). */
const WINDOW_MAX = 1_000;

/**
 * A sheet as the page holds it (page-remote.ts puts it together): its own properties, its first
 * `head` rows whole — all that header matching reads, and the preview's first screen — and below
 * them only what the page's questions about the whole sheet need: the first cell of each column
 * that is not blank (is the sheet empty? which columns hold data?), and the width of the last row
 * and of a widest row (how many rows and columns there are). The rest stays here: the preview
 * asks for the rows it shows, a window at a time ("cells").
 */
export interface SheetSketch {
  base: Omit<SheetGrid, "rows" | "columns">;
  head: number;
  top: CellPart;
  /** Below the head, absolute rows: widths to mark (row, width pairs), then values with their places (row, column pairs). */
  widths: number[];
  places: number[];
  values: CellValue[];
}

/** A value as JSON with its objects' keys in order: the same choices give the same text whatever order they were made in. */
function canonical(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(",")}}`;
}

const blank = (v: CellValue) => v === null || (typeof v === "string" && v.trim() === "");

function sketchOf(g: SheetGrid, want: number): SheetSketch {
  const n = rowCount(g);
  // A last row without cells (a row-stored grid may have one) could not be marked: such a grid crosses whole.
  const head = n > 0 && rowWidth(g, n - 1) === 0 ? n : Math.min(n, want);
  const sketch: SheetSketch = { base: gridBase(g), head, top: cellPart(g, 0, head), widths: [], places: [], values: [] };
  if (head >= n) return sketch;
  let widest = head;
  const seen: boolean[] = [];
  for (let r = head; r < n; r++) {
    const w = rowWidth(g, r);
    if (w > rowWidth(g, widest)) widest = r;
    for (let c = 0; c < w; c++) {
      if (seen[c]) continue;
      const v = cellAt(g, r, c);
      if (!blank(v)) (seen[c] = true), sketch.places.push(r, c), sketch.values.push(v);
    }
  }
  sketch.widths.push(n - 1, rowWidth(g, n - 1));
  if (widest !== n - 1) sketch.widths.push(widest, rowWidth(g, widest));
  return sketch;
}

/** Host methods the page calls through the worker (writeResults only as part of "check"). */
export type HostMethod = "listSheets" | "ownSheets" | "activeSheet" | "writeSheet" | "clearResults" | "loadSettings" | "saveSettings" | "recordCheck";

export type SessionOp =
  | { op: "open"; bytes: ArrayBuffer; name: string }
  | { op: "host"; method: HostMethod; args: unknown[] }
  /** A sheet as the page holds it (SheetSketch), our earlier result columns blanked as the pane reads them. */
  | { op: "sheet"; sheet: string }
  /** Rows [from, from + count) of a sheet as the page reads it (a CellPart): what the preview shows. */
  | { op: "cells"; sheet: string; from: number; count: number }
  | { op: "detect"; sheet: string; packs: Pack[] }
  | { op: "evaluate"; sheet: string; pack: Pack; opts: EvaluateOptions }
  /** The verdicts a check or an evaluation will most likely ask for next, made ahead (SheetChecker.prepare); nothing is sent back. */
  | { op: "prepare"; sheet: string; pack: Pack; opts: EvaluateOptions }
  | { op: "check"; sheet: string; pack: Pack; opts: EvaluateOptions }
  | { op: "checkOthers"; skip: string; packs: Pack[]; saved: WorkbookSettings }
  | { op: "report"; file: string; sheets: string[] }
  /** 汇总表 of a result this worker gave (`ref`: see Shown). */
  | { op: "summary"; ref: string; pack: Pack; withChart: boolean }
  | { op: "ledger"; packs: LedgerPacks; opts: LedgerOptions; withChart: boolean }
  /** A window of a result's rows, as the results view draws them; `ref` names the result (see Shown). */
  | { op: "rows"; ref: string; filter: Filter; from: number; count: number }
  | { op: "annotated" };

/** `quiet`: replayed after a cancel to rebuild the workbook's state; nothing is sent back but errors. */
export type SessionRequest = SessionOp & { id: number; quiet?: boolean };

/** What the annotated copy holds so far: sheets with results, sheets added. */
export interface Made {
  results: string[];
  added: string[];
}

export type SessionMessage =
  | { id: number; type: "progress"; phase: CheckProgress["phase"] | "open"; done: number; total: number }
  /** A check's result, as soon as it is known (a Shown): its writing goes on. */
  | { id: number; type: "result"; value: Shown }
  | { id: number; type: "done"; value: unknown; made: Made }
  | { id: number; type: "error"; code: string | null; message: Text2 };

type Post = (m: SessionMessage, transfer?: Transferable[]) => void;

/** An item as it crosses: a record's lazily built issues made plain (its toJSON), since a copy keeps no getters. */
const plain = (x: unknown): unknown => (x !== null && typeof x === "object" && typeof (x as { toJSON?: unknown }).toJSON === "function" ? (x as { toJSON(): unknown }).toJSON() : x);

/**
 * A result as it crosses: everything but its records, which stay here — the page draws a window
 * of rows at a time ("rows", by `ref`) and counts from the summary. `ref` is the request's id
 * (with the sheet's place for checkOthers), so a replay after 取消 keeps the same names.
 */
export type Shown = SheetResult & { ref: string };
const hollow = (r: SheetResult, ref: string): Shown => ({ ...r, records: [], ref });

/** A row as it crosses: its record's fields and its issues (built now, plain). */
const plainRow = (g: RowGroup): RowGroup => ({ row: g.row, record: g.record && (plain(g.record) as RowGroup["record"]), issues: g.issues });

export class PageSession {
  private host: FileWorkbookHost | null = null;
  private checker: SheetChecker | null = null;
  /** The latest result of each sheet checked, for the report. */
  private readonly checked = new Map<string, SheetResult>();
  /** Results the page may show, by ref: the latest check and the latest evaluation of each sheet. */
  private readonly shown = new Map<string, { result: SheetResult; index?: RowIndex }>();
  private readonly latest = new Map<string, string>();
  private readonly blanked = new WeakMap<SheetGrid, SheetGrid>();
  /** The latest verdicts made (prepared ahead, or an evaluation or check): of this very grid, with this pack and these choices. */
  private last: { grid: SheetGrid; key: string; result: SheetResult } | null = null;

  constructor(private readonly post: Post) {}

  async handle(req: SessionRequest): Promise<void> {
    const post: Post = req.quiet ? (m, t) => (m.type === "error" ? this.post(m, t) : undefined) : this.post;
    try {
      await this.run(req, post);
    } catch (e) {
      const { code, message } = e instanceof HostError ? { code: e.code, message: e.text } : errorMessage(e);
      post({ id: req.id, type: "error", code, message });
    }
  }

  private made(): Made {
    const host = this.host;
    return { results: host ? host.resultPlans().map((p) => p.sheet) : [], added: host ? host.sheetPlans().map((p) => p.name) : [] };
  }

  /** The answer to a request, with what the annotated copy holds now. */
  private answer(post: Post, id: number, value: unknown, transfer?: Transferable[]): void {
    post({ id, type: "done", value, made: this.made() }, transfer);
  }

  /** Keeps a result for its rows; the one it replaces (same sheet, same kind of step) is let go. */
  private keep(kind: "check" | "evaluate", result: SheetResult, ref: string): Shown {
    const key = `${kind}:${result.sheet}`;
    const before = this.latest.get(key);
    if (before !== undefined) this.shown.delete(before);
    this.latest.set(key, ref);
    this.shown.set(ref, { result });
    return hollow(result, ref);
  }

  /** Whether the rows of `ref` can be answered now (not before a replay has made its result again). */
  holds(ref: string): boolean {
    return this.shown.has(ref);
  }

  private kept(ref: string): { result: SheetResult; index?: RowIndex } {
    const kept = this.shown.get(ref);
    // A result since replaced: the page has the new one by now and uses that.
    if (!kept) throw new HostError("gone", both((t) => t.resultReplaced));
    return kept;
  }

  /** The sheet as the pane sees it: our own earlier result columns blanked (the pane does the same), once per grid read. */
  private async grid(host: FileWorkbookHost, sheet: string): Promise<SheetGrid> {
    const read = await host.readSheet(sheet);
    let g = this.blanked.get(read);
    if (!g) this.blanked.set(read, (g = withoutOwnResults(read)));
    return g;
  }

  /**
   * A sheet's verdicts: those made last when they are of the same grid, pack and choices (prepared
   * ahead while the page drew the pane, or the evaluation on screen), else made now — and kept.
   */
  private verdicts(grid: SheetGrid, pack: Pack, opts: EvaluateOptions = {}): SheetResult {
    const key = canonical([pack, opts.mapping, opts.params, opts.readings, opts.headerRow]);
    const last = this.last;
    if (last && last.grid === grid && last.key === key) return last.result;
    this.last = null;
    const result = evaluateSheet(grid, pack, opts);
    this.last = { grid, key, result };
    return result;
  }

  /** Whether a file is open (a window of a sheet's cells can then be answered at once). */
  isOpen(): boolean {
    return this.host !== null;
  }

  private opened(): { host: FileWorkbookHost; checker: SheetChecker } {
    if (!this.host || !this.checker) throw new HostError("not-open", both((t) => t.noFileOpen));
    return { host: this.host, checker: this.checker };
  }

  private async run(req: SessionRequest, post: Post): Promise<void> {
    const { id } = req;
    const progress = (p: CheckProgress) => post({ id, type: "progress", ...p });
    if (req.op === "open") {
      const bytes = new Uint8Array(req.bytes);
      // The sheets inflated ahead by the browser's own inflater where it has one (web-inflate.ts).
      const ahead = await inflatedAhead(bytes);
      const readBytes = () => readAll(bytes, (done, total) => post({ id, type: "progress", phase: "open", done, total }));
      const read = ahead ? withInflate(ahead, readBytes) : readBytes();
      if (!read.ok) return this.answer(post, id, { ok: false, code: read.error.code, message: { zh: read.error.message, en: read.error.message } });
      this.host = new FileWorkbookHost(bytes, req.name, workbookOf(read));
      this.checker = localChecker(this.host, (grid, pack, opts) => this.verdicts(grid, pack, opts));
      this.last = null;
      this.checked.clear();
      this.shown.clear();
      this.latest.clear();
      return this.answer(post, id, { ok: true });
    }
    const { host, checker } = this.opened();
    const grid = (sheet: string) => this.grid(host, sheet);
    switch (req.op) {
      case "host":
        return this.answer(post, id, await (host[req.method] as (...a: unknown[]) => Promise<unknown>).apply(host, req.args));
      case "sheet": {
        // Every row matching may read, for the header row the workbook's settings fix (if any).
        const g = await grid(req.sheet);
        const fixed = (await host.loadSettings()).headerRow;
        return this.answer(post, id, sketchOf(g, Math.max(HEAD_ROWS, headerReadRows(fixed, g.origin.row))));
      }
      case "cells":
        return this.answer(post, id, cellPart(await grid(req.sheet), req.from, req.from + Math.min(req.count, WINDOW_MAX)));
      case "detect": {
        const g = await grid(req.sheet);
        const found = await checker.detect(req.sheet, g, req.packs);
        // Packs go back by position in the list the page sent (it keeps its own objects).
        this.answer(post, id, found.map((c) => ({ index: req.packs.findIndex((p) => p.id === c.pack.id), match: c.match })));
        // The pane opens the sheet with the choice it takes from these (the same function): its
        // check is begun now, while the page draws the pane (its own prepare then finds it made).
        const choice = paneChoice(req.sheet, await host.loadSettings(), found, req.packs);
        if (!choice) return;
        const { pack, mapping, headerRow, params, readings } = choice;
        if (!matchHeaders(g, pack, { mapping, headerRow }).unmatched.length) this.verdicts(g, pack, { mapping, headerRow, params, readings });
        return;
      }
      case "prepare":
        // Answered at once (nothing waits for it); the work follows, ahead of the requests sent after it.
        this.answer(post, id, null);
        this.verdicts(await grid(req.sheet), req.pack, req.opts);
        return;
      case "evaluate": {
        const result = await checker.evaluate(req.sheet, await grid(req.sheet), req.pack, req.opts, progress);
        return this.answer(post, id, this.keep("evaluate", result, `${id}`));
      }
      case "check": {
        // The result goes to the page before it is written: the page shows it, and asks for its rows meanwhile.
        let shown: Shown | null = null;
        const early = (result: SheetResult) => post({ id, type: "result", value: (shown = this.keep("check", result, `${id}`)) });
        const r = await checker.check(req.sheet, await grid(req.sheet), req.pack, req.opts, progress, early);
        if (r.outcome) this.checked.set(req.sheet, r.result);
        const w = r.writeError;
        const writeError = w === undefined ? undefined : w instanceof HostError ? { code: w.code, message: w.text } : errorMessage(w);
        return this.answer(post, id, { result: shown ?? this.keep("check", r.result, `${id}`), outcome: r.outcome, writeError });
      }
      case "checkOthers": {
        const r = await checker.checkOthers(req.skip, req.packs, req.saved, progress);
        for (const o of r.checked) this.checked.set(o.result.sheet, o.result);
        const checked = r.checked.map((o, i) => ({ ...o, pack: req.packs.findIndex((p) => p.id === o.pack.id), result: this.keep("check", o.result, `${id}.${i}`) }));
        return this.answer(post, id, { checked, unfit: r.unfit });
      }
      case "summary":
        return this.answer(post, id, await checker.writeSummary(this.kept(req.ref).result, req.pack, req.withChart));
      case "ledger":
        return this.answer(post, id, await checker.writeLedger(req.packs, req.opts, req.withChart, progress));
      case "rows": {
        const kept = this.kept(req.ref);
        kept.index ??= new RowIndex(rowGroups(kept.result));
        const page = kept.index.page(req.filter, req.from, req.count);
        return this.answer(post, id, { total: page.total, rows: page.rows.map(plainRow) });
      }
      case "report": {
        const bytes = await pageReport(req.file, req.sheets.flatMap((s) => this.checked.get(s) ?? []), host);
        return this.answer(post, id, bytes, [bytes.buffer]);
      }
      case "annotated": {
        const out = annotatedCopy(host.original, host.copyInput());
        if (!("copy" in out)) throw new HostError("cannot-write", { zh: out.error.message, en: out.error.message });
        // Handed over, not copied — unless it is the original's own buffer, which the workbook still needs.
        return this.answer(post, id, out.copy, out.copy.buffer === host.original.buffer ? [] : [out.copy.buffer]);
      }
    }
  }
}
