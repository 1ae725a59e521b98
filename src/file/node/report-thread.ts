/**
 * The command line's --report written on a thread of its own (report-worker.ts runs there), so the
 * main thread prints the table while the report's sheet XML is made: at 100,000 rows the XML is
 * most of what the main process does after the check, and a second core was half idle meanwhile.
 * The thread writes the report exactly as the main thread did (ReportFile, ReportRows); what it is
 * given is each sheet's head and chunks as they crossed from the worker process (copied across,
 * a few hundred kilobytes a chunk), the files that could not be checked, and the checks' records.
 *
 * Memory stays bounded: when more than MAX_QUEUED messages wait for the thread, the main thread
 * waits (Atomics.wait on the count the thread keeps), and with it the pieces from the worker
 * process — never a queue growing with the number of records.
 */
import { Worker } from "worker_threads";
import type { CheckRecord } from "../../engine/record";
import type { ReportOut } from "../../cli/render";
import type { RecordChunk, SheetHead } from "../../cli/wire";
import { workerScript } from "./child-start";
import { reasonOf, WriteFailure } from "./atomic";

/** What the main thread tells the report's thread, in order. */
export type ReportMessage =
  | { op: "head"; file: string; head: SheetHead }
  | { op: "records"; chunk: RecordChunk }
  | { op: "end" }
  | { op: "error"; file: string; error: { code: string; message: string } }
  | { op: "skipped"; file: string; sheet: string | undefined; message: string }
  | { op: "record"; record: CheckRecord }
  | { op: "finish" };

/** The thread's one answer, to finish: the report written (rows left out per sheet), or why not. */
export type ReportReply = { cut: number[] } | { failed: string };

/** What the thread is given: the report's name, and the count of messages it has handled (shared, Int32 at 0). */
export interface ReportWorkerData {
  file: string;
  handled: SharedArrayBuffer;
}

/** Messages (a chunk of records is one) that may wait for the thread before the main thread waits too. */
const MAX_QUEUED = 8;
/** Seconds the thread may go without handling a message it was given before it is taken for lost (its heap ran out). */
const STALL_SECONDS = 60;

/**
 * Messages to a thread that counts those it has handled (Int32 at 0 of `handled`, added to and
 * notified as each is done): past `max` waiting, the posting thread waits too. A thread that goes
 * STALL_SECONDS without handling one is taken for lost (`lost`), and nothing more is posted.
 */
export class Bounded {
  lost = false;
  #posted = 0;
  constructor(
    private readonly port: { postMessage(m: unknown, transfer?: readonly ArrayBuffer[]): void },
    private readonly handled: Int32Array,
    private readonly max = MAX_QUEUED,
    private readonly stallSeconds = STALL_SECONDS,
  ) {}

  post(m: unknown, transfer?: readonly ArrayBuffer[]): void {
    if (this.lost) return;
    this.port.postMessage(m, transfer);
    this.#posted++;
    let seen = Atomics.load(this.handled, 0);
    let idle = 0;
    while (this.#posted - seen > this.max) {
      if (Atomics.wait(this.handled, 0, seen, 1000) === "timed-out" && Atomics.load(this.handled, 0) === seen && ++idle >= this.stallSeconds) {
        this.lost = true;
        return;
      }
      const now = Atomics.load(this.handled, 0);
      if (now !== seen) idle = 0;
      seen = now;
    }
  }
}

/** On the thread: one more message handled, told to the thread waiting on the count. */
export function handledOne(handled: Int32Array): void {
  Atomics.add(handled, 0, 1);
  Atomics.notify(handled, 0);
}

export class ReportThread implements ReportOut {
  /** Rows each sheet left out past Excel's last row, by sheet name index (known once finish is done). */
  cut: number[] = [];
  readonly #worker: Worker;
  readonly #port: Bounded;
  /** Why the thread ended early (an error it could not handle), when it did. */
  #ended: unknown = null;

  /** Starts the thread, which opens the report's temporary files; a failure to open them is the report's failure, said by finish. */
  constructor(readonly file: string) {
    const handled = new SharedArrayBuffer(4);
    const script = workerScript("report-worker");
    const data: ReportWorkerData = { file, handled };
    this.#worker = new Worker(script.file, { argv: script.argv, workerData: data });
    this.#port = new Bounded(this.#worker, new Int32Array(handled));
    this.#worker.on("error", (e) => (this.#ended ??= e));
    // The command ends when its work is done, whatever the thread: only finish waits for it.
    this.#worker.unref();
  }

  #post(m: ReportMessage): void {
    this.#port.post(m);
  }

  sheet(file: string, head: SheetHead): { records(c: RecordChunk): void; end(): void } {
    this.#post({ op: "head", file, head });
    return { records: (chunk) => this.#post({ op: "records", chunk }), end: () => this.#post({ op: "end" }) };
  }

  error(file: string, error: { code: string; message: string }): void {
    this.#post({ op: "error", file, error });
  }

  skipped(file: string, sheet: string | undefined, message: string): void {
    this.#post({ op: "skipped", file, sheet, message });
  }

  record(record: CheckRecord): void {
    this.#post({ op: "record", record });
  }

  /** Waits for the thread to write the report under its name (atomic); a WriteFailure when it could not. */
  finish(): Promise<void> {
    const w = this.#worker;
    const failed = (reason: string) => new WriteFailure(this.file, reason);
    if (this.#port.lost) {
      void w.terminate();
      return Promise.reject(failed("写汇总报告的线程没有响应（the report's thread stopped answering）"));
    }
    w.ref();
    return new Promise<void>((resolve, reject) => {
      const gone = (e: unknown) => reject(failed(reasonOf(e ?? this.#ended ?? "写汇总报告的线程意外结束（the report's thread ended）")));
      if (this.#ended) return gone(this.#ended);
      w.once("message", (r: ReportReply) => {
        if ("failed" in r) return reject(failed(r.failed));
        this.cut = r.cut;
        resolve();
      });
      w.once("error", gone);
      w.once("exit", () => gone(null));
      w.postMessage({ op: "finish" } satisfies ReportMessage);
    }).finally(() => w.unref());
  }
}
