/**
 * The command line's batch: checking or inspecting many files on all cores, each file under a
 * CPU-time and resident-memory limit scaled with its size — the pool and its limits are workers.ts; the
 * work one worker does per file is worker.ts.
 */
import * as os from "os";
import type { EntryJson, SheetJson } from "../../cli/json";
import type { LeftOut, SheetSummary } from "../check";
import type { CheckRecord } from "../../engine/record";
import { runInWorkers } from "./workers";

export interface Task {
  kind: "check" | "inspect";
  /** As given by the user (shown in output). */
  file: string;
  /** Resolved path to read. */
  path: string;
  pack?: string;
  sheet?: string;
  /** Where to write the annotated copy, when asked for. */
  annotate?: string;
  /** Thresholds set on the command line (--set, --rules), per pack id. */
  params?: Record<string, Record<string, number>>;
}

export type AnnotateOutcome = { path: string } | { error: { code: string; message: string } };

export type TaskResult =
  | { kind: "check"; file: string; entries: SheetJson[]; leftOut?: LeftOut[]; annotated?: AnnotateOutcome; record?: CheckRecord }
  | { kind: "inspect"; file: string; sheets: SheetSummary[] }
  | { kind: "error"; file: string; error: { code: string; message: string } };

export interface PoolOptions {
  concurrency?: number;
  timeoutMs?: number;
  maxMemoryMb?: number;
  onProgress?: (done: number, total: number) => void;
}

/** The command line's checks over the shared pool (workers.ts): results in task order. */
export async function runTasks(tasks: Task[], opts: PoolOptions = {}): Promise<TaskResult[]> {
  return runInWorkers<Task, TaskResult>(tasks, {
    script: "worker",
    concurrency: opts.concurrency ?? os.availableParallelism?.() ?? os.cpus().length,
    timeoutMs: opts.timeoutMs,
    maxMemoryMb: opts.maxMemoryMb,
    pathOf: (i) => tasks[i].path,
    failed: (i, error) => ({ kind: "error", file: tasks[i].file, error }),
    onProgress: opts.onProgress && ((done, total) => opts.onProgress!(done, total)),
  });
}

export type { EntryJson };
