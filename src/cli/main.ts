/**
 * kj-assess check|inspect <files or folders...>: the command-line door. Argument parsing, walking
 * folders, output — the rules themselves come from the engine, the reading from src/file.
 * Exit status: 0 no record is an error; 1 some record is; 2 a file could not be read (or checked),
 * an output (report, annotated copy) could not be written,
 * or the arguments are wrong — always after every other file was processed.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { getPack, builtinPacks } from "../packs";
import { runTasks, type Task, type TaskResult } from "../file/node/pool";
import type { SheetSummary } from "../file/check";
import { errorLines, inspectLines, sheetTable } from "./format";
import { isError, type EntryJson, type SheetJson } from "./json";
import { writeReport } from "./report";
import { reasonOf } from "../file/node/atomic";
import { ourKindOfFile, reportBlocked, writeReportFile, WriteFailure } from "../file/node/outputs";

export interface Io {
  out(s: string): void;
  err(s: string): void;
  /** Whether stderr is a terminal (progress lines only then, or for long runs). */
  tty?: boolean;
}

const defaultIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  tty: process.stderr.isTTY,
};

const USAGE = `用法（usage）:
  kj-assess check <文件或文件夹...> [--pack <规则包>] [--sheet <工作表>] [--json] [--report <汇总.xlsx>] [--annotate <文件夹>]
  kj-assess inspect <文件或文件夹...> [--json]

  check     逐行校验：等级/结论、未达标项、问题单元格（check every record）
  inspect   列出每个文件的工作表、行列数、表头行和适用的规则包（list sheets and the pack that fits）
  文件夹会逐层查找 .xlsx / .xlsm；Excel/WPS 的临时锁定文件（~$开头）按无法读取报告
  --pack      指定规则包（默认按表头自动选择）        use this rule pack (default: detected)
  --sheet     只检查这张工作表（默认所有适用的表）    only this sheet (default: every sheet a pack fits)
  --json      输出 JSON                               JSON on stdout
  --report    另存汇总报告：汇总、问题清单、经费      write a report workbook
  --annotate  在此文件夹另存带校验结果的副本（原文件不改动）  write annotated copies there; inputs are never changed

规则包（packs）: ${builtinPacks().map((p) => `${p.id}（${p.name.zh}）`).join("、")}
退出码（exit）: 0 没有不通过的记录；1 有不通过的记录；2 有文件无法读取或参数有误（其余文件照常检查）
`;

const WORKBOOK = /\.(xlsx|xlsm)$/i;

/**
 * Lock files (`~$名单.xlsx`) that Excel and WPS leave beside a workbook someone has open are picked
 * up like any other .xlsx and reported as an error — not skipped: they mean a submission may be
 * open and mid-edit, which the official should know — with a message that says what they are.
 */
const LOCK_FILE = /^~\$/;

/**
 * Files given, and the workbooks inside folders given (recursively, in name order), each once.
 * Inside folders, our own outputs are passed over — the --annotate folder and the --report file,
 * and any report or annotated copy of ours, known by its marker (never by its name) — so that a
 * run into the same folder does not check an earlier run's results. A folder that cannot be
 * read is reported and the walk goes on.
 */
function collect(inputs: string[], outputs: string[]): { files: string[]; missing: string[]; unreadable: TaskResult[]; passed: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const unreadable: TaskResult[] = [];
  const passed: string[] = [];
  const seen = new Set<string>();
  const real = (p: string) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  const ours = new Set(outputs.map(real));
  const add = (p: string) => {
    const key = real(p);
    if (!seen.has(key)) {
      seen.add(key);
      files.push(p);
    }
  };
  const walk = (dir: string) => {
    let list: fs.Dirent[];
    try {
      list = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      unreadable.push({ kind: "error", file: dir, error: { code: "unreadable-folder", message: `无法读取文件夹，其中的文件未检查（cannot read folder; its files were not checked）：${reasonOf(e)}` } });
      return;
    }
    for (const e of list.sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (ours.has(real(p))) continue;
      if (e.isDirectory()) walk(p);
      else if (WORKBOOK.test(e.name)) {
        if (!LOCK_FILE.test(e.name) && ourKindOfFile(p)) passed.push(p);
        else add(p);
      }
    }
  };
  for (const input of inputs) {
    let st: fs.Stats;
    try {
      st = fs.statSync(input);
    } catch {
      missing.push(input);
      continue;
    }
    if (st.isDirectory()) walk(input);
    else add(input);
  }
  return { files, missing, unreadable, passed };
}

function lockFileError(file: string): TaskResult {
  const of = path.basename(file).replace(LOCK_FILE, "");
  return {
    kind: "error",
    file,
    error: { code: "not-a-workbook", message: `这是 Excel/WPS 打开“${of}”时留下的临时锁定文件，不是工作簿；关闭该工作簿后再检查（lock file, not a workbook）` },
  };
}

/**
 * A progress line on stderr for long runs only: on a terminal, after the first second, one line
 * rewritten in place; elsewhere (a log file, a pipe), a line every five seconds and a last one.
 */
export function progress(io: Io, total: number, now: () => number = Date.now): (done: number) => void {
  const started = now();
  let shown = false;
  let last = started;
  return (done) => {
    const t = now();
    const text = `已处理 ${done}/${total} 个文件…`;
    if (io.tty) {
      if (t - started < 1000 && !shown) return;
      io.err(`\r${text}${done === total ? "\n" : ""}`);
      shown = true;
    } else if (done === total ? shown : t - last >= 5000) {
      io.err(text + "\n");
      shown = true;
      last = t;
    }
  };
}

function annotatePath(dir: string, file: string, used: Set<string>): string {
  const base = path.basename(file).replace(/\.(xlsx|xlsm)$/i, "");
  const ext = /\.xlsm$/i.test(file) ? ".xlsm" : ".xlsx";
  let name = `${base}-校验${ext}`;
  for (let n = 2; used.has(name) || taken(path.join(dir, name)); n++) name = `${base}-校验-${n}${ext}`;
  used.add(name);
  return path.join(dir, name);
}

/** Anything at the name, a symbolic link to nowhere included (existsSync follows links and would miss it). */
function taken(file: string): boolean {
  try {
    fs.lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/** The same file, however it was named (relative, through a symlink). */
function sameFile(a: string, b: string): boolean {
  try {
    return fs.realpathSync(a) === fs.realpathSync(b);
  } catch {
    return path.resolve(a) === path.resolve(b);
  }
}

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    (command ? io.out : io.err)(USAGE);
    return command ? 0 : 2;
  }
  if (command !== "check" && command !== "inspect") {
    io.err(`未知命令“${command}”（unknown command）\n${USAGE}`);
    return 2;
  }
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        pack: { type: "string" },
        sheet: { type: "string" },
        json: { type: "boolean", default: false },
        report: { type: "string" },
        annotate: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    io.err(`参数有误（bad arguments）：${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const opts = args.values as { pack?: string; sheet?: string; json: boolean; report?: string; annotate?: string; help: boolean };
  if (opts.help) {
    io.out(USAGE);
    return 0;
  }
  const bad = (msg: string) => {
    io.err(`${msg}\n`);
    return 2;
  };
  if (args.positionals.length === 0) return bad(`请给出要检查的文件或文件夹（no files or folders given）\n${USAGE}`);
  if (opts.pack !== undefined && !getPack(opts.pack)) return bad(`没有规则包“${opts.pack}”（unknown pack）；可用：${builtinPacks().map((p) => p.id).join("、")}`);
  if (command === "inspect" && (opts.pack !== undefined || opts.sheet !== undefined || opts.report !== undefined || opts.annotate !== undefined)) {
    return bad("inspect 只接受 --json（inspect takes only --json）");
  }
  // The report holds no macros: under an .xlsm name Excel would refuse to open it.
  if (opts.report !== undefined && (opts.report === "" || !/\.xlsx$/i.test(opts.report))) return bad(`--report 需要一个 .xlsx 文件名（--report needs an .xlsx file name）：“${opts.report}”`);

  // Files on disk are never modified: the report replaces only an earlier report of ours.
  if (opts.report !== undefined && args.positionals.some((f) => sameFile(f, opts.report!))) return bad(`--report 不能写到正在检查的文件上（would overwrite an input）：${opts.report}`);
  const blocked = opts.report !== undefined ? reportBlocked(opts.report) : null;
  if (blocked) return bad(`--report 无法写到（cannot write the report to）${opts.report}：${blocked}`);
  const { files, missing, unreadable: badFolders, passed } = collect(args.positionals, [opts.report, opts.annotate].filter((x): x is string => x !== undefined));
  if (opts.annotate !== undefined) {
    try {
      fs.mkdirSync(opts.annotate, { recursive: true });
    } catch (e) {
      return bad(`无法创建批注副本文件夹（cannot create --annotate folder）${opts.annotate}：${(e as Error).message}`);
    }
  }

  const used = new Set<string>();
  const isLock = (f: string) => LOCK_FILE.test(path.basename(f));
  const tasks: Task[] = files
    .filter((f) => !isLock(f))
    .map((f) => ({
      kind: command,
      file: f,
      path: path.resolve(f),
      pack: opts.pack,
      sheet: opts.sheet,
      annotate: opts.annotate !== undefined ? annotatePath(opts.annotate, f, used) : undefined,
    }));
  const tick = progress(io, tasks.length);
  const checked = await runTasks(tasks, { onProgress: (d) => tick(d) });
  // Output in the order the files were found (runTasks answers in task order).
  let k = 0;
  const results: TaskResult[] = [
    ...missing.map((f): TaskResult => ({ kind: "error", file: f, error: { code: "not-found", message: `找不到文件或文件夹（not found）：${f}` } })),
    ...badFolders,
    ...files.map((f) => (isLock(f) ? lockFileError(f) : checked[k++])),
  ];

  if (command === "inspect") {
    type InspectJson = { file: string; error: { code: string; message: string } } | { file: string; sheets: SheetSummary[] };
    const out = results.map((r): InspectJson => (r.kind === "error" ? { file: r.file, error: r.error } : { file: r.file, sheets: r.kind === "inspect" ? r.sheets : [] }));
    if (opts.json) io.out(JSON.stringify({ files: out }, null, 2) + "\n");
    else {
      for (const f of out) io.out("error" in f ? errorLines(f.file, f.error) : inspectLines(f.file, f.sheets));
      const failed = out.filter((f) => "error" in f).length;
      io.out(`\n合计：${out.length} 个文件，能打开 ${out.length - failed} 个，无法读取 ${failed} 个\n`);
    }
    return out.some((f) => "error" in f) ? 2 : 0;
  }

  const entries: EntryJson[] = [];
  const notes: string[] = passed.map((f) => `已跳过 kj-assess 写出的文件（passed over: written by kj-assess）：${f}`);
  let failing = false;
  let writeFailed = false;
  for (const r of results) {
    if (r.kind === "error") {
      entries.push({ file: r.file, error: r.error });
      continue;
    }
    if (r.kind !== "check") continue;
    entries.push(...r.entries);
    if (r.entries.some((e) => e.summary.error > 0)) failing = true;
    // A copy that could not be written is a failed output, like a report that could not be.
    if (r.annotated && "error" in r.annotated && r.annotated.error.code === "cannot-write") writeFailed = true;
    if (r.annotated) notes.push("path" in r.annotated ? `已写出批注副本：${r.annotated.path}` : `${r.file}：未生成批注副本：${r.annotated.error.message}`);
  }
  const unreadable = entries.some(isError);

  let reportFailed = false;
  if (opts.report !== undefined) {
    try {
      writeReportFile(opts.report, await writeReport(entries));
      notes.push(`已写出汇总报告：${opts.report}`);
    } catch (e) {
      reportFailed = true;
      const why = e instanceof WriteFailure ? e.reason : reasonOf(e);
      notes.push(`无法写出汇总报告，原有文件未改动（cannot write the report; nothing was replaced）${opts.report}：${why}`);
    }
  }

  if (opts.json) io.out(JSON.stringify({ files: entries }, null, 2) + "\n");
  else {
    for (const e of entries) io.out(isError(e) ? errorLines(e.file, e.error) : sheetTable(e));
    const sheets = entries.filter((e): e is SheetJson => !isError(e));
    const total = sheets.reduce((a, e) => ({ records: a.records + e.summary.records, ok: a.ok + e.summary.ok, warning: a.warning + e.summary.warning, error: a.error + e.summary.error }), { records: 0, ok: 0, warning: 0, error: 0 });
    io.out(
      `\n合计：${results.length} 个文件，${sheets.length} 张工作表，${total.records} 条记录；通过 ${total.ok}，需核实 ${total.warning}，不通过 ${total.error}；无法检查的文件 ${entries.filter(isError).length} 个\n`,
    );
  }
  for (const n of notes) io.err(n + "\n");
  return unreadable || reportFailed || writeFailed ? 2 : failing ? 1 : 0;
}
