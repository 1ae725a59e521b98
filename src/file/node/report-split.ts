/**
 * 问题清单 and 汇总 — nearly all of the report's XML at 100,000 rows — each written on a thread of
 * its own (report-sheet-worker.ts), beside the report's thread, which finds every text's
 * shared-strings item (the one table of the workbook stays on that thread) and writes the table. What
 * crosses for each row is what the sheet writes without looking anything up: the row as cells
 * (items, whole numbers, the cell's encoded address: ReportSheet.itemsRow), or its values with
 * each shared text's item found already (ReportSheet.row), in batches of typed arrays. The rows
 * left out past Excel's last row are counted here, the note that says so found here too; the
 * other thread's part (its deflated temporary file, CRC and sizes) comes back at the end.
 */
import { Worker } from "worker_threads";
import type { OutValue } from "../../engine/host";
import type { RowSink } from "../../cli/render";
import { cutNote, MAX_SHEET_ROWS, NO_CELL, REPORT_HEADERS, sharedColumn, TEXT_CELL, WHOLE_CELL, XmlText, type SharedStrings, type SheetNo } from "../../cli/report-xml";
import { Utf8Bytes } from "../../cli/bytes";
import { Bounded } from "./report-thread";
import { workerScript } from "./child-start";
import { reasonOf } from "./atomic";

const DECODER = new TextDecoder();

/** Rows a batch holds before it is handed over. */
const BATCH_ROWS = 4096;

/**
 * Rows for the sheet's thread, in order: row r is given to itemsRow (kind[r] < 0: its cells and
 * numbers, its encoded text) or to row() (kind[r] = k ≥ 0: its values are values[k·width…], its
 * items its cells).
 */
export interface RowBatch {
  n: number;
  /** n × width. */
  cells: Int32Array;
  numbers: Float64Array;
  /** Each itemsRow row's encoded text, one after another: row r's ends at textEnd[r]. */
  text: Uint8Array;
  textEnd: Uint32Array;
  kind: Int32Array;
  values: OutValue[];
}

export type SheetMessage = { batch: RowBatch } | { end: true; cut: number; noteItems: number[] };
/** The part written, or why it could not be. */
export type SheetReply = { crc: number; size: number; compressed: number } | { failed: string };

export interface SheetWorkerData {
  no: SheetNo;
  /** The temporary file the sheet's deflated XML goes to (the report's to remove). */
  file: string;
  handled: SharedArrayBuffer;
}

/** A batch being filled. */
class Filling {
  n = 0;
  cells: Int32Array;
  numbers: Float64Array;
  readonly text = new Utf8Bytes(1 << 16);
  textEnd = new Uint32Array(BATCH_ROWS);
  kind = new Int32Array(BATCH_ROWS);
  /** The values of the rows given to row(), one after another. */
  values: OutValue[] = [];
  generic = 0;
  constructor(readonly width: number) {
    this.cells = new Int32Array(BATCH_ROWS * width);
    this.numbers = new Float64Array(BATCH_ROWS * width);
  }
  done(): RowBatch {
    return { n: this.n, cells: this.cells, numbers: this.numbers, text: this.text.take(), textEnd: this.textEnd, kind: this.kind, values: this.values };
  }
}

/**
 * A report sheet written on a thread of its own: its rows (given as to a ReportSheet) batched and
 * handed over, with every shared text's item found here, in the workbook's one table, exactly
 * where and as ReportSheet would have found it (each column's last text remembered the same way).
 */
export class RemoteSheet implements RowSink {
  /** Rows written, the header included; rows left out past Excel's last row. */
  rows = 1;
  cut = 0;
  readonly #width: number;
  #b: Filling;
  readonly #worker: Worker;
  readonly #port: Bounded;
  readonly #done: Promise<SheetReply>;
  readonly #lastText: (string | null)[];
  readonly #lastIndex: number[];

  constructor(
    readonly no: SheetNo,
    readonly file: string,
    private readonly shared: SharedStrings,
  ) {
    this.#width = REPORT_HEADERS[no].length;
    this.#b = new Filling(this.#width);
    this.#lastText = REPORT_HEADERS[no].map(() => null);
    this.#lastIndex = REPORT_HEADERS[no].map(() => 0);
    const handled = new SharedArrayBuffer(4);
    const script = workerScript("report-sheet-worker");
    const data: SheetWorkerData = { no, file, handled };
    this.#worker = new Worker(script.file, { argv: script.argv, workerData: data });
    this.#port = new Bounded(this.#worker, new Int32Array(handled));
    this.#done = new Promise<SheetReply>((resolve) => {
      this.#worker.once("message", (r: SheetReply) => resolve(r));
      this.#worker.once("error", (e) => resolve({ failed: reasonOf(e) }));
      this.#worker.once("exit", () => resolve({ failed: "写问题清单的线程意外结束（the list's thread ended）" }));
    });
  }

  /** Room for one more row; false past Excel's last row (counted). */
  #fits(): boolean {
    if (this.rows >= MAX_SHEET_ROWS - 1) {
      this.cut++;
      return false;
    }
    this.rows++;
    return true;
  }

  itemsRow(cells: Int32Array, numbers: Float64Array, text: XmlText | null): void {
    if (!this.#fits()) return;
    const b = this.#b;
    const w = this.#width;
    const r = b.n;
    let items = 0;
    for (let j = 0; j < w; j++) {
      b.cells[r * w + j] = cells[j];
      b.numbers[r * w + j] = numbers[j];
      if (cells[j] >= 0) items++;
      else if (cells[j] === TEXT_CELL && text) b.text.range(text.bytes, text.from, text.to);
    }
    this.shared.count += items;
    b.textEnd[r] = b.text.pos;
    b.kind[r] = -1;
    this.#next();
  }

  row(values: readonly (OutValue | XmlText)[], items?: ArrayLike<number>): void {
    if (!this.#fits()) return;
    // Each shared text's item, found as ReportSheet.row finds it (in the same order) and counted here.
    // A row whose every cell is then an item, a whole number, one encoded text or nothing goes over
    // as cells (itemsRow writes it as row() would); any other as its values, the items beside them.
    const b = this.#b;
    const w = this.#width;
    const at = b.n * w;
    const start = b.text.pos;
    let cells = values.length <= w;
    let encoded = 0;
    for (let j = 0; j < w; j++) {
      const v = values[j];
      let c = NO_CELL;
      if (typeof v === "string") {
        if (v !== "") {
          let item = items ? items[j] : -1;
          if (item < 0 && sharedColumn(this.no, j)) item = this.sharedItem(j, v);
          if (item >= 0) {
            c = item;
            this.shared.count++;
          } else cells = false;
        }
      } else if (typeof v === "number") {
        if (Number.isInteger(v) && v >= 0 && v < 1e15) {
          c = WHOLE_CELL;
          b.numbers[at + j] = v;
        } else if (Number.isFinite(v)) cells = false;
      } else if (v instanceof XmlText && v.to !== v.from) {
        if (encoded++) cells = false;
        else {
          c = TEXT_CELL;
          b.text.range(v.bytes, v.from, v.to);
        }
      }
      b.cells[at + j] = c;
    }
    if (cells) b.kind[b.n] = -1;
    else {
      // Encoded text as its text (the same bytes: no escape, no edge space); the cells, read as items, give each text's.
      b.text.pos = start;
      for (let j = 0; j < w; j++) {
        const v = values[j];
        b.values.push(v instanceof XmlText ? DECODER.decode(v.bytes.subarray(v.from, v.to)) : v);
      }
      b.kind[b.n] = b.generic++;
    }
    b.textEnd[b.n] = b.text.pos;
    this.#next();
  }

  /** Column j's text's item, the column's last text remembered, as ReportSheet.sharedItem finds it. */
  sharedItem(j: number, v: string): number {
    if (v !== this.#lastText[j]) {
      this.#lastIndex[j] = this.shared.indexOf(v);
      this.#lastText[j] = v;
    }
    return this.#lastIndex[j];
  }

  #next(): void {
    if (++this.#b.n === BATCH_ROWS) this.#flush();
  }

  #flush(): void {
    if (!this.#b.n) return;
    const batch = this.#b.done();
    this.#b = new Filling(this.#width);
    this.#port.post({ batch } satisfies SheetMessage, [batch.cells, batch.numbers, batch.text, batch.textEnd, batch.kind].map((a) => a.buffer as ArrayBuffer));
  }

  /** The last rows handed over and the sheet closed (its note's item found here): the part, once the other thread has written it. */
  end(): Promise<SheetReply> {
    this.#flush();
    const noteItems: number[] = [];
    if (this.cut) {
      // The note row as ReportSheet.end writes it: column 0, a shared text.
      const item = this.sharedItem(0, cutNote(this.cut));
      noteItems.push(item);
      if (item >= 0) this.shared.count++;
    }
    if (this.#port.lost) {
      void this.#worker.terminate();
      return Promise.resolve({ failed: "写问题清单的线程没有响应（the list's thread stopped answering）" });
    }
    this.#port.post({ end: true, cut: this.cut, noteItems } satisfies SheetMessage);
    return this.#done;
  }

  /** Stops the thread (the report failed elsewhere). */
  stop(): void {
    void this.#worker.terminate();
  }
}

/** The rows of a batch written into the sheet (on the sheet's thread). */
export function writeBatch(sheet: { itemsRow(c: Int32Array, n: Float64Array, t: XmlText | null): void; row(v: readonly OutValue[], items?: ArrayLike<number>): void }, b: RowBatch, width: number): void {
  const row: OutValue[] = [];
  const text = new XmlText();
  text.bytes = b.text;
  for (let r = 0; r < b.n; r++) {
    text.from = r ? b.textEnd[r - 1] : 0;
    text.to = b.textEnd[r];
    const k = b.kind[r];
    if (k < 0) sheet.itemsRow(b.cells.subarray(r * width, (r + 1) * width), b.numbers.subarray(r * width, (r + 1) * width), text);
    else {
      for (let j = 0; j < width; j++) row[j] = b.values[k * width + j];
      sheet.row(row, b.cells.subarray(r * width, (r + 1) * width));
    }
  }
}

