/**
 * One worker of the command line's pool: reads and checks one file at a time, so a file that
 * hangs or eats memory can be stopped (terminated by the pool) without taking the run with it.
 */
import * as fs from "fs";
import { parentPort } from "worker_threads";
import { builtinPacks, getPack } from "../../packs";
import { sheetJson } from "../../cli/json";
import { checkWorkbook, inspectWorkbook } from "../check";
import { copyMismatch, toAnnotatedCopy } from "../resave";
import type { AnnotateOutcome, Task, TaskResult } from "./pool";
import { useNodeInflate } from "./inflate";
import { useNodeDeflate } from "./deflate";
import { writeCopyFile, WriteFailure } from "./outputs";
import { reasonOf } from "./atomic";

useNodeInflate();
useNodeDeflate();

async function run(task: Task): Promise<TaskResult> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(fs.readFileSync(task.path));
  } catch (e) {
    return { kind: "error", file: task.file, error: { code: "unreadable-file", message: `无法读取文件（cannot read file）：${reasonOf(e)}` } };
  }
  if (task.kind === "inspect") {
    const r = inspectWorkbook(bytes, builtinPacks());
    return r.ok ? { kind: "inspect", file: task.file, sheets: r.sheets } : { kind: "error", file: task.file, error: r.error };
  }
  const pack = task.pack ? getPack(task.pack) : undefined;
  const r = checkWorkbook(bytes, builtinPacks(), { pack, sheet: task.sheet, plans: !!task.annotate });
  if (!r.ok) return { kind: "error", file: task.file, error: r.error };
  const entries = r.sheets.map((s) => sheetJson(task.file, s.result));
  let annotated: AnnotateOutcome | undefined;
  if (task.annotate) {
    const plans = r.sheets.map((s) => s.plan!);
    // Compared with the original once, as read back from disk (below), not also in memory.
    const out = toAnnotatedCopy(bytes, plans, [], { verify: false });
    if (out instanceof Uint8Array) {
      // A copy that cannot be written is the output's failure, not the input's: its results stand.
      try {
        writeCopyFile(task.annotate, out, (back) => copyMismatch(bytes, back, plans));
        annotated = { path: task.annotate };
      } catch (e) {
        const why = e instanceof WriteFailure ? e.reason : reasonOf(e);
        annotated = { error: { code: "cannot-write", message: `无法写出标注副本 ${task.annotate}，未留下不完整的文件：${why}` } };
      }
    } else annotated = out;
  }
  return { kind: "check", file: task.file, entries, annotated };
}

parentPort!.on("message", (task: Task) => {
  run(task).then(
    (result) => parentPort!.postMessage(result),
    (e: unknown) =>
      parentPort!.postMessage({
        kind: "error",
        file: task.file,
        error: { code: "damaged", message: `读取失败（read failed）：${e instanceof Error ? e.message : String(e)}` },
      } satisfies TaskResult),
  );
});
