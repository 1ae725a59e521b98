/**
 * The report's thread (started by report-thread.ts): the command line's --report written from the
 * messages the main thread sends, in order, exactly as the main thread would write it (ReportFile,
 * the rows by render.ts). Each message handled is counted in the shared count the main thread
 * waits on. A failure (the temporary files could not be opened, a disk full) is kept: the rows
 * after it are let go, and finish answers it.
 */
import * as os from "os";
import { parentPort, workerData } from "worker_threads";
import { ReportFile } from "./report-file";
import { reportOut, type ReportOut } from "../../cli/render";
import { reasonOf, WriteFailure } from "./atomic";
import { handledOne, type ReportMessage, type ReportReply, type ReportWorkerData } from "./report-thread";

/** Cores from which the big sheets are written on threads of their own. */
const SPLIT_CORES = 4;

const data = workerData as ReportWorkerData;
const handled = new Int32Array(data.handled);
const port = parentPort!;
const why = (e: unknown) => (e instanceof WriteFailure ? e.reason : reasonOf(e));

let report: ReportFile | null = null;
let out: ReportOut | null = null;
let failure: string | null = null;
try {
  // 汇总 and 问题清单 each on a thread of its own (report-split.ts) where there are cores for them:
  // with two, this thread, the main thread's table, the worker process explaining and the pool's
  // deflating already keep both busy, and the split's own CPU (threads started, rows batched and
  // handed over: some 0.3–0.4 s at 100,000 rows) made the whole command slower, not faster.
  report = new ReportFile(data.file, undefined, { split: os.availableParallelism() >= SPLIT_CORES });
  out = reportOut(report);
} catch (e) {
  failure = why(e);
}
let sheet: ReturnType<ReportOut["sheet"]> | null = null;

function handle(m: Exclude<ReportMessage, { op: "finish" }>, to: ReportOut): void {
  switch (m.op) {
    case "head":
      sheet = to.sheet(m.file, m.head);
      return;
    case "records":
      return sheet!.records(m.chunk);
    case "end":
      sheet!.end();
      sheet = null;
      return;
    case "error":
      return to.error(m.file, m.error);
    case "skipped":
      return to.skipped(m.file, m.sheet, m.message);
    case "record":
      return to.record(m.record);
  }
}

async function finish(): Promise<ReportReply> {
  if (failure !== null || !report) {
    report?.abort();
    return { failed: failure ?? "" };
  }
  try {
    await report.finish();
    return { cut: report.cut };
  } catch (e) {
    return { failed: why(e) };
  }
}

port.on("message", (m: ReportMessage) => {
  if (m.op === "finish") {
    void finish().then((r) => {
      port.postMessage(r);
      port.close();
    });
    return;
  }
  try {
    if (failure === null && out) handle(m, out);
  } catch (e) {
    failure = why(e);
  }
  handledOne(handled);
});
