/**
 * The standalone page's file door: open an .xlsx in memory, build the report and the annotated
 * copy — all in the browser, nothing uploaded. The same report as the command line's --report.
 *
 * Reading happens in a Web Worker (page-worker.ts, its own bundle), never on the page's thread:
 * the page stays responsive whatever the file, and the worker is terminated when the official
 * cancels or when it passes the time limit of limits.ts (the command line's CPU limit, on the
 * clock: a browser cannot measure CPU time) — then the same coded message as the command line.
 * Where there is no Worker (tests under jsdom), the file is read in place.
 */
import { sheetJson } from "../cli/json";
import { writeReport } from "../cli/report";
import { templateSheet } from "../engine/output";
import { writeWorkbook } from "./xlsx-write";
import type { WorkbookHost } from "../engine/host";
import type { SheetResult, Text2 } from "../engine/types";
import type { Pack } from "../packs/schema";
import { annotatedCopy } from "./copy";
import { FileWorkbookHost, HostError } from "./host";
import { limitsFor } from "./limits";
import type { PageReadMessage } from "./page-worker";
import { readAll, readMessage, workbookOf, type ReadBack, type ReadErrorCode } from "./xlsx-read";

/** The page's reading worker, beside the page (webpack entry "page-worker"). */
const WORKER_URL = "page-worker.js";

export interface OpenOptions {
  /** Sheets read so far, of how many. */
  onProgress?: (done: number, total: number) => void;
  /** Aborting terminates the reading worker; open() then answers with the code "cancelled". */
  signal?: AbortSignal;
}

export type Opened = { ok: true; host: WorkbookHost } | { ok: false; code: string; message: Text2 };

const refusal = (code: ReadErrorCode, detail?: string): Extract<Opened, { ok: false }> => {
  const zh = readMessage(code, detail);
  return { ok: false, code, message: { zh, en: zh } };
};

/** Reads in a Web Worker under the time limit; a worker that fails or dies is out of memory. */
type Stopped = Extract<Opened, { ok: false }>;

function readInWorker(bytes: Uint8Array, opts: OpenOptions): Promise<ReadBack | Stopped> {
  return new Promise((resolve) => {
    const worker = new Worker(WORKER_URL);
    const limit = limitsFor(bytes.length).cpuMs;
    const done = (r: ReadBack | Stopped) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      worker.terminate();
      resolve(r);
    };
    const timer = setTimeout(() => done(refusal("timeout", `超过 ${Math.round(limit / 1000)} 秒仍未读完`)), limit);
    const onAbort = () => done({ ok: false, code: "cancelled", message: { zh: "已取消读取", en: "reading cancelled" } });
    opts.signal?.addEventListener("abort", onAbort);
    worker.onmessage = (e: MessageEvent<PageReadMessage>) => {
      if (e.data.type === "progress") opts.onProgress?.(e.data.done, e.data.total);
      else done(e.data.result);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      done(refusal("out-of-memory", "浏览器停止了读取"));
    };
    // A copy goes to the worker: the page keeps the original for the annotated copy.
    const copy = bytes.slice();
    worker.postMessage({ bytes: copy.buffer }, [copy.buffer]);
  });
}

export interface Checked {
  pack: Pack;
  result: SheetResult;
}

export const fileDoor = {
  async open(bytes: Uint8Array, name: string, opts: OpenOptions = {}): Promise<Opened> {
    try {
      const read = typeof Worker === "function" ? await readInWorker(bytes, opts) : readAll(bytes);
      // Stopped (time limit, cancelled, worker died): the door's own answer.
      if ("code" in read) return read;
      if (!read.ok) return { ok: false, code: read.error.code, message: { zh: read.error.message, en: read.error.message } };
      return { ok: true, host: new FileWorkbookHost(bytes, name, workbookOf(read)) };
    } catch (e) {
      if (e instanceof HostError) return { ok: false, code: e.code, message: e.text };
      const msg = e instanceof Error ? e.message : String(e);
      return { ok: false, code: "damaged", message: { zh: `工作簿无法读取：${msg}`, en: `the workbook cannot be read: ${msg}` } };
    }
  },

  /** The report, with the records of the checks made on this file (its 校验记录 lines). */
  async report(file: string, checked: Checked[], host?: WorkbookHost): Promise<Uint8Array> {
    return writeReport(
      checked.map((c) => sheetJson(file, c.result)),
      host instanceof FileWorkbookHost ? host.recordsMade() : [],
    );
  },

  added(host: WorkbookHost): string[] {
    return host instanceof FileWorkbookHost ? host.sheetPlans().map((p) => p.name) : [];
  },

  async template(pack: Pack): Promise<Uint8Array> {
    return writeWorkbook([templateSheet(pack)]);
  },

  async annotated(host: WorkbookHost): Promise<Uint8Array> {
    if (!(host instanceof FileWorkbookHost)) throw new Error("只有打开的文件才能生成标注副本");
    const out = annotatedCopy(host.original, {
      plans: host.resultPlans(),
      sheets: host.sheetPlans(),
      replaced: host.replacedEntries(),
      records: host.recordsMade(),
      addin: host.addinValues(),
    });
    if ("copy" in out) return out.copy;
    throw new Error(out.error.message);
  },
};
