/**
 * The thread that writes a sheet (问题清单, 汇总) for the report's thread (report-split.ts): each batch of rows
 * into the sheet's XML, deflated into its temporary file as ReportFile deflates every part; at the
 * end the rows' note, then the part's CRC and sizes answered. It looks nothing up: every shared
 * text comes with its item, found on the report's thread in the workbook's one table.
 */
import { parentPort, workerData } from "worker_threads";
import { ReportSheet, REPORT_HEADERS, SharedStrings } from "../../cli/report-xml";
import { DeflatedPart } from "./report-file";
import { reasonOf } from "./atomic";
import { writeBatch, type SheetMessage, type SheetReply, type SheetWorkerData } from "./report-split";
import { handledOne } from "./report-thread";

const data = workerData as SheetWorkerData;
const handled = new Int32Array(data.handled);
const port = parentPort!;
let part: DeflatedPart | null = null;
let sheet: ReportSheet | null = null;
let failure: string | null = null;
try {
  part = new DeflatedPart(data.file);
  // A table of its own that is never written: the texts come with their items; one with a line
  // break (never an item) is found to stay inline, as in the report's table.
  sheet = new ReportSheet(data.no, part, new SharedStrings({ write: () => undefined }));
} catch (e) {
  failure = reasonOf(e);
}
const width = REPORT_HEADERS[data.no].length;

async function end(m: Extract<SheetMessage, { end: true }>): Promise<SheetReply> {
  if (failure !== null || !sheet || !part) {
    part?.close();
    return { failed: failure ?? "" };
  }
  try {
    sheet.cut = m.cut;
    sheet.end("", m.noteItems);
    await part.end();
    return { crc: part.crc >>> 0, size: part.size, compressed: part.compressed };
  } catch (e) {
    part.close();
    return { failed: reasonOf(e) };
  }
}

port.on("message", (m: SheetMessage) => {
  if ("end" in m) {
    void end(m).then((r) => {
      port.postMessage(r);
      port.close();
    });
    return;
  }
  try {
    if (failure === null && sheet) writeBatch(sheet, m.batch, width);
  } catch (e) {
    failure = reasonOf(e);
  }
  handledOne(handled);
});
