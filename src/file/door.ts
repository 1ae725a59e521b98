/**
 * The standalone page's file door: open an .xlsx in memory, build the report and the annotated
 * copy — all in the browser, nothing uploaded. The same report as the command line's --report.
 *
 * Reading, checking and writing happen in a Web Worker (page-worker.ts, its own bundle, driven by
 * page-remote.ts), never on the page's thread: the page stays responsive whatever the file, and
 * the worker is terminated when the official cancels or when reading passes the time limit of
 * limits.ts (the command line's CPU limit, on the clock: a browser cannot measure CPU time) —
 * then the same coded message as the command line. Where there is no Worker (tests under
 * jsdom), everything happens in place.
 */
import { reportBytes, type ReportEntry } from "../cli/render";
import { templateSheet } from "../engine/output";
import { writeWorkbook } from "./xlsx-write";
import type { WorkbookHost } from "../engine/host";
import type { SheetResult, Text2 } from "../engine/types";
import type { Pack } from "../packs/schema";
import { annotatedCopy } from "./copy";
import { pageReport } from "./page-report";
import { FileWorkbookHost, HostError } from "./host";
import { PageRemote, RemoteHost, warmUp } from "./page-remote";
import { readAll, workbookOf } from "./xlsx-read";

export interface OpenOptions {
  /** Sheets read so far, of how many. */
  onProgress?: (done: number, total: number) => void;
  /** Aborting terminates the reading worker; open() then answers with the code "cancelled". */
  signal?: AbortSignal;
}

export type Opened = { ok: true; host: WorkbookHost } | { ok: false; code: string; message: Text2 };

export interface Checked {
  pack: Pack;
  result: SheetResult;
}

export const fileDoor = {
  async open(bytes: Uint8Array, name: string, opts: OpenOptions = {}): Promise<Opened> {
    try {
      if (typeof Worker === "function") {
        // The workbook lives in the worker from now on; the page holds only what it shows.
        const remote = new PageRemote(bytes, name);
        const r = await remote.open(opts);
        if (!r.ok) {
          remote.close();
          return r;
        }
        return { ok: true, host: new RemoteHost(remote) };
      }
      const read = readAll(bytes);
      if (!read.ok) return { ok: false, code: read.error.code, message: { zh: read.error.message, en: read.error.message } };
      return { ok: true, host: new FileWorkbookHost(bytes, name, workbookOf(read)) };
    } catch (e) {
      if (e instanceof HostError) return { ok: false, code: e.code, message: e.text };
      const msg = e instanceof Error ? e.message : String(e);
      return { ok: false, code: "damaged", message: { zh: `工作簿无法读取：${msg}`, en: `the workbook cannot be read: ${msg}` } };
    }
  },

  /**
   * The report, with the records of the checks made on this file (its 校验记录 lines) and, like the
   * command line's, every other sheet of the workbook named as not checked.
   */
  async report(file: string, checked: Checked[], host?: WorkbookHost): Promise<Uint8Array> {
    // In the worker, from its own results: the page sends only which sheets.
    if (host instanceof RemoteHost) return host.remote.request<Uint8Array>({ op: "report", file, sheets: checked.map((c) => c.result.sheet) });
    if (host instanceof FileWorkbookHost) return pageReport(file, checked.map((c) => c.result), host);
    return reportBytes(checked.map((c): ReportEntry => ({ file, result: c.result })));
  },

  added(host: WorkbookHost): string[] {
    if (host instanceof RemoteHost) return host.remote.made.added;
    return host instanceof FileWorkbookHost ? host.sheetPlans().map((p) => p.name) : [];
  },

  /** Sheets whose results the annotated copy holds now (none after 清除结果). */
  withResults(host: WorkbookHost): string[] {
    if (host instanceof RemoteHost) return host.remote.made.results;
    return host instanceof FileWorkbookHost ? host.resultPlans().map((p) => p.sheet) : [];
  },

  /** The worker for the next file started ahead, so reading starts the moment a file is chosen. */
  warm(): void {
    warmUp();
  },

  /** Stops a download being made (in the worker); the page stays as it was. */
  cancel(host: WorkbookHost): void {
    if (host instanceof RemoteHost) host.remote.cancel();
  },

  async template(pack: Pack): Promise<Uint8Array> {
    return writeWorkbook([templateSheet(pack)]);
  },

  async annotated(host: WorkbookHost): Promise<Uint8Array> {
    if (host instanceof RemoteHost) return host.remote.request<Uint8Array>({ op: "annotated" });
    if (!(host instanceof FileWorkbookHost)) throw new Error("只有打开的文件才能生成标注副本");
    const out = annotatedCopy(host.original, host.copyInput());
    if ("copy" in out) return out.copy;
    throw new Error(out.error.message);
  },
};
