/**
 * The command line's batch: checking or inspecting many files on all cores, each file under a
 * CPU-time and resident-memory limit scaled with its size — the pool and its limits are workers.ts; the
 * work one worker does per file is worker.ts.
 */
import * as os from "os";
import type { Needs, SheetPiece } from "../../cli/wire";
import type { Summary } from "../../engine/types";
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
  /** What the outputs print (check): the worker sends each sheet's verdicts as pieces; none: counts only. */
  needs?: Needs;
}

/**
 * What a worker posts before its reply: that the file is read (its CPU limit ends there), then the
 * pieces of each checked sheet (its index among the file's checked sheets), in order.
 */
export type Part = { part: true; read: true } | { part: true; sheet: number; piece: SheetPiece };

export type AnnotateOutcome = { path: string } | { error: { code: string; message: string } };

export type TaskResult =
  | {
      kind: "check";
      file: string;
      /** Each checked sheet's counts (its records went out as pieces). */
      sheets: Summary[];
      leftOut?: LeftOut[];
      annotated?: AnnotateOutcome;
      record?: CheckRecord;
      /** CPU time of reading and checking, and of the outputs after it (the annotated copy, the pieces), ms. */
      cpu?: { read: number; outputs: number };
    }
  | { kind: "inspect"; file: string; sheets: SheetSummary[] }
  | { kind: "error"; file: string; error: { code: string; message: string } };

export interface PoolOptions {
  concurrency?: number;
  timeoutMs?: number;
  maxMemoryMb?: number;
  onProgress?: (done: number, total: number) => void;
  /** Each piece as its worker posts it (per file in order; files interleave). */
  onPart?: (i: number, part: Part) => void;
  /** Each result as it comes (any order); when given, results are not kept (runTasks answers []). */
  onResult?: (i: number, result: TaskResult) => void;
  /** Awaited before a worker takes its next file: the caller holding too many finished files makes the pool wait. */
  gate?: () => Promise<void>;
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
    // Read and checked (its verdicts are out), then stopped while making the copy: the copy failed, not the file.
    failedAfterRead: (i, error) =>
      tasks[i].annotate
        ? { kind: "check", file: tasks[i].file, sheets: [], annotated: { error: { code: "cannot-write", message: `无法写出标注副本 ${tasks[i].annotate}，未留下不完整的文件：${error.message}` } } }
        : { kind: "error", file: tasks[i].file, error },
    onProgress: opts.onProgress && ((done, total) => opts.onProgress!(done, total)),
    onPart: opts.onPart && ((i, m) => opts.onPart!(i, m as Part)),
    onReply: opts.onResult,
    gate: opts.gate,
  });
}
