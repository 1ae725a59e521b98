/**
 * `check`'s outputs in the main process, written as the workers' pieces arrive (render.ts), in
 * the order the files were found: a file's pieces are written at once when it is the oldest
 * unfinished file, and held only while an earlier one is still being checked; once a file is
 * done nothing of it is kept but counts. The pool waits (gate) while more than a few finished
 * files are held, so memory is bounded by the files in flight — never by the number of records
 * or of files in the run.
 */
import type { CheckRecord } from "../engine/record";
import type { Part, TaskResult } from "../file/node/pool";
import { errorLines, skippedLines } from "./format";
import { asText, JsonSheet, TableSheet, type Out, type ReportOut } from "./render";
import type { OutBytes } from "./bytes";
import type { SheetPiece } from "./wire";

export interface RunOutputOptions {
  json: boolean;
  /** The text table (when not --json). */
  table: boolean;
  /** Where the report goes (written here, or on a thread of its own). */
  report: ReportOut | null;
  out: Out;
  /** Where output made as UTF-8 bytes goes (the JSON's records), in its place among `out`'s text; default: decoded and given to `out`. */
  bytes?: OutBytes;
}

type Held = { parts: { sheet: number; piece: SheetPiece }[]; result?: TaskResult };
type Writers = { sheet: number; table?: TableSheet; json?: JsonSheet; report?: ReturnType<ReportOut["sheet"]> };

/** Finished files held, past which the pool waits before starting another. */
const MAX_HELD = 8;

export class RunOutput {
  #next = 0;
  readonly #held = new Map<number, Held>();
  #open: Writers | null = null;
  #entries = 0;
  #waiting: (() => void)[] = [];
  readonly totals = { sheets: 0, leftOut: 0, records: 0, ok: 0, warning: 0, error: 0, checked: 0 };
  /** Files that could not be checked (code only), for the totals' reasons. */
  readonly failed: { file: string; error: { code: string; message: string } }[] = [];
  failing = false;
  writeFailed = false;
  readonly notes: string[] = [];

  readonly #bytes: OutBytes;

  constructor(private readonly o: RunOutputOptions) {
    this.#bytes = o.bytes ?? asText(o.out);
    if (o.json) o.out('{"files":[');
  }

  /** Resolves when few enough finished files are held for the pool to start another. */
  readonly gate = (): Promise<void> => (this.#held.size <= MAX_HELD ? Promise.resolve() : new Promise((resolve) => this.#waiting.push(resolve)));

  /** A piece of file i's output (i in the order the files were found). */
  part(i: number, p: Part): void {
    if (!("piece" in p)) return;
    if (i === this.#next) this.#write(p.sheet, p.piece, i);
    else this.#slot(i).parts.push({ sheet: p.sheet, piece: p.piece });
  }

  /** File i is done (checked, or not): its result. */
  result(i: number, r: TaskResult): void {
    this.#slot(i).result = r;
    while (this.#held.get(this.#next)?.result) {
      const s = this.#held.get(this.#next)!;
      this.#held.delete(this.#next);
      for (const p of s.parts) this.#write(p.sheet, p.piece, this.#next);
      this.#close();
      this.#finish(s.result!);
      this.#next++;
      // The next file's pieces that came early; from now on its pieces are written as they come.
      const n = this.#held.get(this.#next);
      if (n) {
        for (const p of n.parts) this.#write(p.sheet, p.piece, this.#next);
        n.parts = [];
      }
    }
    if (this.#held.size <= MAX_HELD) for (const w of this.#waiting.splice(0)) w();
  }

  #slot(i: number): Held {
    let s = this.#held.get(i);
    if (!s) this.#held.set(i, (s = { parts: [] }));
    return s;
  }

  #entry(): void {
    if (this.#entries++ > 0) this.o.out(",");
  }

  /** A file's name by its position (pieces come before the file's result, which names it). */
  fileOf: (i: number) => string = () => "";

  #write(sheet: number, piece: SheetPiece, i: number): void {
    if (piece.kind === "head") {
      this.#close();
      const file = this.fileOf(i);
      const w: Writers = { sheet };
      if (this.o.table) w.table = new TableSheet(file, piece, this.#bytes);
      if (this.o.json) {
        this.#entry();
        w.json = new JsonSheet(file, piece, this.#bytes);
      }
      if (this.o.report) w.report = this.o.report.sheet(file, piece);
      this.#open = w;
      const t = this.totals;
      t.sheets++;
      t.records += piece.summary.records;
      t.ok += piece.summary.ok;
      t.warning += piece.summary.warning;
      t.error += piece.summary.error;
      if (piece.summary.error > 0) this.failing = true;
      return;
    }
    const w = this.#open;
    if (!w || w.sheet !== sheet) return;
    w.table?.records(piece);
    w.json?.records(piece);
    w.report?.records(piece);
  }

  #close(): void {
    const w = this.#open;
    if (!w) return;
    this.#open = null;
    w.table?.end();
    w.json?.end();
    w.report?.end();
  }

  #finish(r: TaskResult): void {
    if (r.kind === "error") {
      this.failed.push({ file: r.file, error: { code: r.error.code, message: "" } });
      this.error(r.file, r.error);
      return;
    }
    if (r.kind !== "check") return;
    this.totals.checked++;
    // Sheets of a checked workbook that were not checked are named, like files that were not.
    for (const l of r.leftOut ?? []) this.skipped(r.file, l.sheet, "sheet-not-checked", l.message);
    if (r.record && this.o.report) this.o.report.record(r.record as CheckRecord);
    // A copy that could not be written is a failed output, like a report that could not be.
    if (r.annotated && "error" in r.annotated && r.annotated.error.code === "cannot-write") this.writeFailed = true;
    if (r.annotated) this.notes.push("path" in r.annotated ? `已写出标注副本：${r.annotated.path}` : `${r.file}：未生成标注副本：${r.annotated.error.message}`);
  }

  /** A file that could not be checked. */
  error(file: string, error: { code: string; message: string }): void {
    if (this.o.json) {
      this.#entry();
      this.o.out(JSON.stringify({ file, error }));
    } else if (this.o.table) this.o.out(errorLines(file, error));
    if (this.o.report) this.o.report.error(file, error);
  }

  /** A file that is not a workbook, or a sheet of a checked one that was not checked. */
  skipped(file: string, sheet: string | undefined, code: string, message: string): void {
    if (sheet !== undefined) this.totals.leftOut++;
    const e = sheet !== undefined ? { file, sheet, skipped: { code, message } } : { file, skipped: { code, message } };
    if (this.o.json) {
      this.#entry();
      this.o.out(JSON.stringify(e));
    } else if (this.o.table) this.o.out(skippedLines(e));
    if (this.o.report) this.o.report.skipped(file, sheet, message);
  }

  /** Closes the JSON document. */
  end(): void {
    if (this.o.json) this.o.out("]}\n");
  }
}
