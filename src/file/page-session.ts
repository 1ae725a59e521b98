/**
 * The web page's workbook, held in its worker (page-worker.ts): the file is read, checked and
 * written here — the same host and the same check functions as the pane uses in place — and the
 * page's thread only shows what comes back. A result's records stay here: the page gets the
 * summary and counts, and asks for the rows it draws a window at a time ("rows"). A sheet's cells
 * come back in parts of PART rows, each its own message, so no single message costs the page's
 * thread more than a few milliseconds to take in. No DOM here, no Worker global: page-worker.ts
 * wires `handle` to the worker's messages, and tests call it directly.
 */
import { reportBytes, type ReportEntry } from "../cli/render";
import { fitsNothing } from "./check";
import type { CheckProgress, SheetChecker, WorkbookSettings } from "../engine/host";
import type { CellValue, EvaluateOptions, SheetGrid, SheetResult, Text2 } from "../engine/types";
import { cellAt, gridBase, rowCount, rowWidth } from "../engine/grid";
import type { Pack } from "../packs/schema";
import type { LedgerOptions, LedgerPacks } from "../engine/term/ledger";
import { localChecker } from "../taskpane/check";
import { errorMessage, RowIndex, rowGroups, withoutOwnResults, type Filter, type RowGroup } from "../taskpane/model";
import { annotatedCopy } from "./copy";
import { FileWorkbookHost, HostError } from "./host";
import { readAll, workbookOf } from "./xlsx-read";

/** Items per part message: a part of a sheet's rows costs the page a millisecond or two. */
export const PART = 500;

/**
 * A part of a sheet's cells as it crosses: rows [from, from + widths.length), each value with its
 * place (no blanks: a wide sparse row costs its values, not its width) — not an array per row: the
 * page keeps them column-stored too (engine/grid.ts), so 100,000 rows are not 100,000 arrays for
 * its garbage collector.
 */
export interface CellPart {
  from: number;
  /** Each row's width (one past its last cell). */
  widths: number[];
  /** Row (from `from`) and column of each value, in pairs. */
  places: number[];
  values: CellValue[];
}

/** A sheet's cells in parts of PART rows, each made as it is sent. */
function* cellParts(g: SheetGrid): Generator<CellPart> {
  const n = rowCount(g);
  for (let from = 0; from < n; from += PART) {
    const part: CellPart = { from, widths: [], places: [], values: [] };
    for (let r = from; r < Math.min(n, from + PART); r++) {
      const w = rowWidth(g, r);
      part.widths.push(w);
      for (let c = 0; c < w; c++) {
        const v = cellAt(g, r, c);
        if (v !== null) part.places.push(r - from, c), part.values.push(v);
      }
    }
    yield part;
  }
}

/** Host methods the page calls through the worker (writeResults only as part of "check"). */
export type HostMethod = "listSheets" | "ownSheets" | "activeSheet" | "readSheet" | "writeSheet" | "clearResults" | "loadSettings" | "saveSettings" | "recordCheck";

export type SessionOp =
  | { op: "open"; bytes: ArrayBuffer; name: string }
  | { op: "host"; method: HostMethod; args: unknown[] }
  | { op: "detect"; sheet: string; packs: Pack[] }
  | { op: "evaluate"; sheet: string; pack: Pack; opts: EvaluateOptions }
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
  /** A part of a sheet's cells (readSheet), of `total` rows. */
  | { id: number; type: "part"; cells: CellPart; total: number }
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
    if (!kept) throw new HostError("gone", { zh: "结果已更新，请再试一次", en: "the result was replaced; please try again" });
    return kept;
  }

  private opened(): { host: FileWorkbookHost; checker: SheetChecker } {
    if (!this.host || !this.checker) throw new HostError("not-open", { zh: "没有打开的文件", en: "no file is open" });
    return { host: this.host, checker: this.checker };
  }

  private async run(req: SessionRequest, post: Post): Promise<void> {
    const { id } = req;
    const progress = (p: CheckProgress) => post({ id, type: "progress", ...p });
    if (req.op === "open") {
      const bytes = new Uint8Array(req.bytes);
      const read = readAll(bytes, (done, total) => post({ id, type: "progress", phase: "open", done, total }));
      if (!read.ok) return this.answer(post, id, { ok: false, code: read.error.code, message: { zh: read.error.message, en: read.error.message } });
      this.host = new FileWorkbookHost(bytes, req.name, workbookOf(read));
      this.checker = localChecker(this.host);
      this.checked.clear();
      this.shown.clear();
      this.latest.clear();
      return this.answer(post, id, { ok: true });
    }
    const { host, checker } = this.opened();
    // The sheet as the pane sees it: our own earlier result columns blanked (the pane does the same).
    const grid = async (sheet: string) => withoutOwnResults(await host.readSheet(sheet));
    switch (req.op) {
      case "host": {
        const value = await (host[req.method] as (...a: unknown[]) => Promise<unknown>).apply(host, req.args);
        if (req.method === "readSheet" && value && typeof value === "object") {
          const g = value as SheetGrid;
          // Its cells in parts (the page puts them together as they come: page-remote.ts), then the grid's own properties.
          for (const cells of cellParts(g)) post({ id, type: "part", cells, total: rowCount(g) });
          return this.answer(post, id, gridBase(g));
        }
        return this.answer(post, id, value);
      }
      case "detect": {
        const found = await checker.detect(req.sheet, await grid(req.sheet), req.packs);
        // Packs go back by position in the list the page sent (it keeps its own objects).
        return this.answer(post, id, found.map((c) => ({ index: req.packs.findIndex((p) => p.id === c.pack.id), match: c.match })));
      }
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
        const results = req.sheets.flatMap((s) => this.checked.get(s) ?? []);
        // Like the command line's: every sheet not checked is named.
        const entries: ReportEntry[] = results.map((result) => ({ file: req.file, result }));
        for (const sheet of await host.notChecked(results.map((r) => r.sheet))) entries.push({ file: req.file, sheet, skipped: fitsNothing(sheet) });
        const bytes = reportBytes(entries, host.recordsMade());
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
