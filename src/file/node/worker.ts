/**
 * One worker process of the command line's pool: reads and checks one file at a time, so a file
 * that hangs or eats memory is stopped (child.ts's watchdog kills the process at its limit)
 * without taking the run with it.
 */
// First: the file named on the command line is read and inflated while the rest loads (prefetch.ts).
import { takePrefetch } from "./prefetch";
import * as fs from "fs";
import { builtinPacks, getPack } from "../../packs";
import { sheetPieces } from "../../cli/wire";
import { checkWorkbook, inspectWorkbook } from "../check";
import * as path from "path";
import { RESULT_SHEET } from "../../engine/output";
import type { ResultPlan, SheetPlan } from "../../engine/host";
import { appendRecord, checkRecord, RECORDS_KEY } from "../../engine/record";
import { SETTINGS_KEY, type LedgerCreated, type LedgerSheet } from "../../excel/ledger";
import type { AnnotateOutcome, Part, Task, TaskResult } from "./pool";
import { dropAhead, keepInflated, useNodeInflate } from "./inflate";
import { useNodeDeflate } from "./deflate";
import { reasonOf } from "./atomic";
import { clockFrom, jobCpuMs, readingDone, serve } from "./child";

useNodeInflate();
useNodeDeflate();

/** Posts a piece and waits until it is handed to the channel: a slow reader holds the worker back, not its memory. */
function post(m: Part): Promise<void> {
  return new Promise((resolve, reject) => process.send!(m, undefined, undefined, (e) => (e ? reject(e) : resolve())));
}

async function run(task: Task): Promise<TaskResult> {
  let bytes: Uint8Array;
  const early = await takePrefetch(task.path);
  if (early) {
    // Read ahead: the file's CPU clock runs from when that began.
    clockFrom(early.cpuFrom);
    bytes = early.bytes;
  } else {
    try {
      bytes = new Uint8Array(fs.readFileSync(task.path));
    } catch (e) {
      return { kind: "error", file: task.file, error: { code: "unreadable-file", message: `无法读取文件（cannot read file）：${reasonOf(e)}` } };
    }
  }
  if (task.kind === "inspect") {
    const r = inspectWorkbook(bytes, builtinPacks());
    dropAhead();
    return r.ok ? { kind: "inspect", file: task.file, sheets: r.sheets } : { kind: "error", file: task.file, error: r.error };
  }
  const pack = task.pack ? getPack(task.pack) : undefined;
  // The copy edits the sheet the check reads: inflated once for both.
  if (task.annotate) keepInflated(bytes.buffer);
  const r = checkWorkbook(bytes, builtinPacks(), { pack, sheet: task.sheet, plans: !!task.annotate, params: task.params });
  // Parts read ahead that the check did not ask for (sheets it left unread) are let go.
  dropAhead();
  if (!r.ok) return { kind: "error", file: task.file, error: r.error };
  const readMs = readingDone();
  await post({ part: true, read: true });
  // Verdicts cross, not records: each sheet's head and its records in chunks, each let go once posted.
  if (task.needs) {
    for (let k = 0; k < r.sheets.length; k++) for (const piece of sheetPieces(r.sheets[k].result, task.needs)) await post({ part: true, sheet: k, piece });
  }
  const sheets = r.sheets.map((s) => s.result.summary);
  const record = checkRecord("cli", r.sheets.map((s) => s.checked), new Date(), path.basename(task.file));
  // The records (and the cells they hold) are written out: let them go before the copy is made.
  const planned = r.sheets.map((s) => ({ plan: s.plan!, blocked: s.blocked ?? null, typed: s.typed ?? [] }));
  r.sheets.length = 0;
  let annotated: AnnotateOutcome | undefined;
  if (task.annotate) {
    // The copy's modules are loaded here, for the tasks that ask for a copy: a worker whose checks are only printed never loads them.
    const { annotatedCopyAside, aside, freeSheetName } = require("../copy") as typeof import("../copy");
    const { copyMismatch } = require("../resave") as typeof import("../resave");
    const { removableSheets, sourceOf } = require("../unwrite") as typeof import("../unwrite");
    const { writeCopyFile, WriteFailure } = require("./outputs") as typeof import("./outputs");
    // The copy's sheet compressed and walked back in a thread of its own while it is edited.
    (require("./copy-check") as typeof import("./copy-check")).useCopyCheckThread();
    const names = new Set(planned.map((p) => p.plan.sheet));
    const isChecked = (e: LedgerSheet) => names.has(e.id) || names.has(e.name);
    // A results sheet an earlier check (any door) made for a sheet checked now goes with its results.
    const ledger = r.stored.ledger;
    const again = ledger.created.filter((c) => names.has(sourceOf(ledger, c) ?? ""));
    const removed = again.length ? removableSheets(r.workbook, again) : [];
    // Results that cannot go beside the data (someone's notes there) go to a sheet of their own, as in the page and Excel.
    const taken = r.workbook.sheets.map((s) => s.name).filter((n) => !removed.includes(n));
    const plans: ResultPlan[] = [];
    const added: SheetPlan[] = [];
    const created: LedgerCreated[] = [];
    for (const s of planned) {
      if (!s.blocked) {
        plans.push(s.plan);
        continue;
      }
      const moved = aside(s.plan, s.blocked, freeSheetName(RESULT_SHEET, [...taken, ...added.map((a) => a.name)]));
      plans.push(moved.marks);
      added.push(moved.sheet);
      created.push(moved.created);
    }
    // Compared with the original (without our earlier results) once, as read back from disk (below), not also in memory.
    const out = await annotatedCopyAside(
      bytes,
      {
        plans,
        sheets: added,
        replaced: ledger.sheets.filter(isChecked),
        removed,
        typed: Object.fromEntries(planned.filter((p) => p.typed.length).map((p) => [p.plan.sheet, p.typed])),
        records: [record],
        addin: {
          [SETTINGS_KEY]: Object.keys(r.stored.settings).length ? r.stored.settings : undefined,
          [RECORDS_KEY]: appendRecord(r.stored.records, record),
        },
        kept: { sheets: ledger.sheets.filter((e) => !isChecked(e)), created: [...ledger.created.filter((c) => !again.includes(c)), ...created] },
      },
      { verify: false },
    );
    keepInflated(null);
    if ("copy" in out) {
      // A copy that cannot be written is the output's failure, not the input's: its results stand.
      try {
        // Nothing earlier taken out: the original's grids as the check read them are what the copy is compared with.
        const read = out.base === bytes ? r.workbook : undefined;
        writeCopyFile(task.annotate, out.copy, (back) => copyMismatch(out.base, back, out.plans, out.sheets, read));
        annotated = { path: task.annotate };
      } catch (e) {
        const why = e instanceof WriteFailure ? e.reason : reasonOf(e);
        annotated = { error: { code: "cannot-write", message: `无法写出标注副本 ${task.annotate}，未留下不完整的文件：${why}` } };
      }
    } else annotated = out;
  }
  return { kind: "check", file: task.file, sheets, leftOut: r.leftOut, annotated, record, cpu: { read: readMs, outputs: jobCpuMs() - readMs } };
}

serve((task: Task) =>
  run(task)
    .catch(
      (e: unknown): TaskResult => ({
        kind: "error",
        file: task.file,
        error: { code: "damaged", message: `读取失败（read failed）：${e instanceof Error ? e.message : String(e)}` },
      }),
    )
    // Whatever became of the job, the parts kept for its copy go with it.
    .finally(() => keepInflated(null)),
);
