/**
 * The standalone page's file door: open an .xlsx in memory, build the report and the annotated
 * copy — all in the browser, nothing uploaded. The same report as the command line's --report.
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

export interface Checked {
  pack: Pack;
  result: SheetResult;
}

export const fileDoor = {
  async open(bytes: Uint8Array, name: string): Promise<{ ok: true; host: WorkbookHost } | { ok: false; code: string; message: Text2 }> {
    try {
      return { ok: true, host: new FileWorkbookHost(bytes, name) };
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
