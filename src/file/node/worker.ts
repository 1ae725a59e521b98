/**
 * One worker of the command line's pool: reads and checks one file at a time, so a file that
 * hangs or eats memory can be stopped (terminated by the pool) without taking the run with it.
 */
import * as fs from "fs";
import { parentPort } from "worker_threads";
import { builtinPacks, getPack } from "../../packs";
import { sheetJson } from "../../cli/json";
import { checkWorkbook, inspectWorkbook } from "../check";
import { toAnnotatedCopy } from "../resave";
import type { AnnotateOutcome, Task, TaskResult } from "./pool";
import { useNodeInflate } from "./inflate";

useNodeInflate();

async function run(task: Task): Promise<TaskResult> {
  const bytes = new Uint8Array(fs.readFileSync(task.path));
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
    const out = toAnnotatedCopy(bytes, r.sheets.map((s) => s.plan!));
    if (out instanceof Uint8Array) {
      fs.writeFileSync(task.annotate, out, { flag: "wx" });
      annotated = { path: task.annotate };
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
