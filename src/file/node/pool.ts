/**
 * A pool of worker threads for checking many files: both cores busy, each file under a time and
 * memory limit (10 s, 1 GB by default). A worker that overruns is terminated and replaced; its
 * file gets a `timeout` or `out-of-memory` error and the run goes on.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Worker } from "worker_threads";
import type { EntryJson, SheetJson } from "../../cli/json";
import type { SheetSummary } from "../check";
import { MESSAGES } from "../xlsx-read";

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
}

export type AnnotateOutcome = { path: string } | { error: { code: string; message: string } };

export type TaskResult =
  | { kind: "check"; file: string; entries: SheetJson[]; annotated?: AnnotateOutcome }
  | { kind: "inspect"; file: string; sheets: SheetSummary[] }
  | { kind: "error"; file: string; error: { code: string; message: string } };

export interface PoolOptions {
  concurrency?: number;
  timeoutMs?: number;
  maxMemoryMb?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * The compiled worker sits beside this module in lib/ (tsc -p tsconfig.node.json). Under ts-jest there is no compiled
 * file; the bootstrap then installs a transpiling require hook first (see worker-boot.js).
 */
function workerScript(): { file: string; argv: string[] } {
  const compiled = path.join(__dirname, "worker.js");
  if (fs.existsSync(compiled)) return { file: compiled, argv: [] };
  return { file: path.join(__dirname, "worker-boot.js"), argv: [path.join(__dirname, "worker.ts")] };
}

/** Magic bytes first: what is plainly not a workbook never reaches a worker. */
export function precheck(file: string, p: string): TaskResult | null {
  let fd: number | null = null;
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) return { kind: "error", file, error: { code: "not-a-workbook", message: `${MESSAGES["not-a-workbook"]}：不是文件` } };
    if (st.size === 0) return { kind: "error", file, error: { code: "not-a-workbook", message: `${MESSAGES["not-a-workbook"]}：文件为空（0 字节）` } };
    fd = fs.openSync(p, "r");
    const head = Buffer.alloc(4);
    fs.readSync(fd, head, 0, 4, 0);
    if (head[0] === 0x50 && head[1] === 0x4b) return null;
    if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) return null; // the reader tells encrypted from .xls
    return { kind: "error", file, error: { code: "not-a-workbook", message: MESSAGES["not-a-workbook"] } };
  } catch (e) {
    return { kind: "error", file, error: { code: "unreadable-file", message: `无法打开文件（cannot open file）：${(e as Error).message}` } };
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

export async function runTasks(tasks: Task[], opts: PoolOptions = {}): Promise<TaskResult[]> {
  const concurrency = Math.max(1, Math.min(opts.concurrency ?? os.availableParallelism?.() ?? os.cpus().length, tasks.length || 1));
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const maxMemoryMb = opts.maxMemoryMb ?? 1024;
  const results: TaskResult[] = new Array(tasks.length);
  let next = 0;
  let done = 0;
  const script = workerScript();

  const spawn = () => new Worker(script.file, { argv: script.argv, resourceLimits: { maxOldGenerationSizeMb: maxMemoryMb } });

  async function lane(): Promise<void> {
    let worker: Worker | null = null;
    while (next < tasks.length) {
      const i = next++;
      const task = tasks[i];
      const pre = precheck(task.file, task.path);
      if (pre) {
        results[i] = pre;
      } else {
        worker ??= spawn();
        const w: Worker = worker;
        results[i] = await new Promise<TaskResult>((resolve) => {
          const finish = (r: TaskResult, dead: boolean) => {
            clearTimeout(timer);
            w.removeAllListeners("message");
            w.removeAllListeners("error");
            w.removeAllListeners("exit");
            if (dead) {
              void w.terminate();
              worker = null;
            }
            resolve(r);
          };
          const timer = setTimeout(() => finish({ kind: "error", file: task.file, error: { code: "timeout", message: MESSAGES.timeout } }, true), timeoutMs);
          w.once("message", (r: TaskResult) => finish(r, false));
          w.once("error", (e: Error & { code?: string }) => {
            const oom = e.code === "ERR_WORKER_OUT_OF_MEMORY" || /memory/i.test(e.message);
            finish({ kind: "error", file: task.file, error: oom ? { code: "out-of-memory", message: MESSAGES["out-of-memory"] } : { code: "damaged", message: `${MESSAGES.damaged}：${e.message}` } }, true);
          });
          w.once("exit", () => finish({ kind: "error", file: task.file, error: { code: "out-of-memory", message: MESSAGES["out-of-memory"] } }, true));
          w.postMessage(task);
        });
      }
      opts.onProgress?.(++done, tasks.length);
    }
    if (worker) await (worker as Worker).terminate();
  }

  await Promise.all(Array.from({ length: concurrency }, lane));
  return results;
}

export type { EntryJson };
