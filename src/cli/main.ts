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
import { builtinPacks, findPack } from "../packs";
import { ANNOTATED_SUFFIX } from "../engine/output";
import { parseRulesJson, parseSetArg, type Overrides } from "../engine/overrides";
import { runTasks, type Task, type TaskResult } from "../file/node/pool";
import { dropEarly } from "../file/node/child-start";
import type { SheetSummary } from "../file/check";
import { errorLines, inspectLines, skippedLines, STATUS_ZH, terminalSafe, whyNotChecked } from "./format";
import type { SkippedJson } from "./json";
import { reasonOf } from "../file/node/atomic";
import { ourKindOfFile, reportBlocked, WriteFailure } from "../file/node/outputs";
import { ReportThread } from "../file/node/report-thread";
import { REPORT_SHEETS } from "./report-xml";
import { RunOutput } from "./run-output";
import type { Lang, Needs } from "./wire";
import { ledgerCommand, LEDGER_USAGE } from "./ledger";

export interface Io {
  out(s: string): void;
  /** Output made as UTF-8 bytes (the JSON's records), written as they are; without it, decoded and given to out. */
  bytes?(b: Uint8Array): void;
  err(s: string): void;
  /** Whether stderr is a terminal (progress lines only then, or for long runs). */
  tty?: boolean;
}

/** Output piped into a reader that stopped (`| head`): the run ends quietly, as other command-line tools do. */
let quietOnClosedPipe = false;
function stdoutWrite(s: string | Uint8Array): void {
  if (!quietOnClosedPipe) {
    quietOnClosedPipe = true;
    process.stdout.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  process.stdout.write(s);
}

const defaultIo: Io = {
  out: stdoutWrite,
  bytes: stdoutWrite,
  err: (s) => process.stderr.write(s),
  tty: process.stderr.isTTY,
};

const USAGE = `用法:
  kj-assess check <文件或文件夹...> [--pack <规则包>] [--sheet <工作表>] [--set 名称=数值]... [--rules <规则.json>] [--json [--messages]] [--lang zh|en] [--report <汇总.xlsx>] [--annotate <文件夹>] [--times]
  kj-assess inspect <文件或文件夹...> [--json]

  check     逐行校验：等级/结论、未达标项、问题单元格
  inspect   列出每个文件的工作表、行列数、表头行和适用的规则包
  文件夹会逐层查找；每个文件都有交代：.xlsx/.xlsm 逐一检查，.xls 等无法检查的说明原因，
  Excel/WPS 的临时锁定文件（~$开头）按无法读取报告，其他文件列为“未检查”
  --pack      指定规则包，写名称即可，如 --pack 经费（默认按表头自动选择）
  --sheet     只检查这张工作表（默认所有适用的表）
  --json      输出 JSON（紧凑；问题写作 代码/单元格/内容/依据）
  --messages  JSON 中的问题附带说明文字
  --lang      问题说明的语言：zh（默认）或 en
  --times     在最后说明读取与输出各用的 CPU 时间
  --report    另存汇总报告：汇总、问题清单、经费、统计（附图表）、校验记录
  --annotate  在此文件夹另存带校验结果的标注副本（原文件不改动）
  --set       调整阈值，可重复：--set 标准一=0 --set 优秀=8，记入校验记录
  --rules     从 JSON 文件读取阈值，如 {"优秀": 8}，记入校验记录

${LEDGER_USAGE}
规则包: ${builtinPacks().map((p) => p.name.zh).join("、")}
退出码: 0 没有不通过的记录；1 有不通过的记录；2 有文件无法读取或参数有误（其余文件照常检查）
`;

const STRING_OPTIONS = ["pack", "sheet", "report", "annotate", "rules", "lang"] as const;
const BOOLEAN_OPTIONS = ["json", "messages", "times", "help"] as const;

interface Options {
  pack?: string;
  sheet?: string;
  report?: string;
  annotate?: string;
  rules?: string;
  /** Every --set 名称=数值, in order. */
  set: string[];
  json: boolean;
  /** JSON issues with their message. */
  messages: boolean;
  /** Messages' language. */
  lang: Lang;
  /** CPU time of reading and of the outputs, on stderr. */
  times: boolean;
  help: boolean;
}

const OPTION_WHAT = { pack: "规则包的名称", sheet: "工作表的名称", report: "报告文件名（.xlsx）", annotate: "存放标注副本的文件夹", rules: "阈值文件名（.json）", lang: "zh 或 en", set: "“名称=数值”，如 优秀=8" };

/**
 * The options after the command, with our own Chinese messages (util.parseArgs would answer in
 * Node's English): an unknown option, an option without its value, a value given to a switch.
 */
export function parseOptions(args: string[]): { ok: true; options: Options; files: string[] } | { ok: false; message: string } {
  const { tokens } = parseArgs({ args, allowPositionals: true, strict: false, tokens: true, options: { help: { type: "boolean", short: "h" } } });
  const options: Options = { json: false, messages: false, times: false, help: false, set: [], lang: "zh" };
  const files: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === "positional") {
      files.push(t.value);
      continue;
    }
    if (t.kind === "option-terminator") continue;
    const name = t.name;
    const shown = t.rawName;
    if (name === "set") {
      // Repeatable: each one a threshold.
      let value = t.value;
      if (value === undefined && tokens[i + 1]?.kind === "positional") value = (tokens[++i] as { value: string }).value;
      if (value === undefined) return { ok: false, message: `${shown} 后面要写${OPTION_WHAT.set}` };
      options.set.push(value);
    } else if ((STRING_OPTIONS as readonly string[]).includes(name)) {
      let value = t.value;
      // parseArgs without a declared type leaves "--pack 经费" as a switch and a positional.
      if (value === undefined && tokens[i + 1]?.kind === "positional") value = (tokens[++i] as { value: string }).value;
      if (value === undefined) return { ok: false, message: `${shown} 后面要写${OPTION_WHAT[name as keyof typeof OPTION_WHAT]}` };
      if (name === "lang") {
        if (value !== "zh" && value !== "en") return { ok: false, message: `${shown} 只能是 zh 或 en，而不是“${value}”` };
        options.lang = value;
      } else options[name as Exclude<(typeof STRING_OPTIONS)[number], "lang">] = value;
    } else if ((BOOLEAN_OPTIONS as readonly string[]).includes(name)) {
      if (t.value !== undefined) return { ok: false, message: `${shown} 不带值，请去掉“=${t.value}”` };
      options[name as (typeof BOOLEAN_OPTIONS)[number]] = true;
    } else {
      return { ok: false, message: `没有选项 ${shown}；可用的选项：${[...STRING_OPTIONS, ...BOOLEAN_OPTIONS].map((o) => `--${o}`).join(" ")} --set` };
    }
  }
  return { ok: true, options, files };
}

/** Files the command line reads: .xlsx and .xlsm are checked, .xls and .xlsb go to the reader, which names them. */
const WORKBOOK = /\.(xlsx|xlsm)$/i;
const READ = /\.(xlsx|xlsm|xls|xlsb)$/i;

/** Files in a folder that are not read, with the reason an official is told. */
function skipReason(name: string): string {
  const ext = /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase();
  if (ext === "csv" || ext === "et" || ext === "ett" || ext === "ods" || ext === "numbers")
    return `.${ext} 表格不是 .xlsx 工作簿，未检查；如需检查，请在 Excel 或 WPS 中打开，另存为 .xlsx`;
  return ext ? `不是 Excel 工作簿（.${ext} 文件），未检查` : "不是 Excel 工作簿（没有扩展名），未检查";
}

/**
 * Lock files (`~$名单.xlsx`) that Excel and WPS leave beside a workbook someone has open are picked
 * up like any other .xlsx and reported as an error — not skipped: they mean a submission may be
 * open and mid-edit, which the official should know — with a message that says what they are.
 */
const LOCK_FILE = /^~\$/;

/**
 * Files given, and the workbooks inside folders given (recursively, in name order), each once;
 * every other file inside those folders is listed as skipped, so that each one is accounted for.
 * Inside folders, our own outputs are passed over — the --annotate folder and the --report file,
 * and any report or annotated copy of ours, known by its marker (never by its name) — so that a
 * run into the same folder does not check an earlier run's results. A folder that cannot be
 * read is reported and the walk goes on.
 */
function collect(inputs: string[], outputs: string[]): { files: string[]; missing: string[]; unreadable: TaskResult[]; passed: string[]; skipped: string[] } {
  const files: string[] = [];
  const skipped: string[] = [];
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
      unreadable.push({ kind: "error", file: dir, error: { code: "unreadable-folder", message: `无法读取文件夹，其中的文件未检查：${reasonOf(e)}；请检查文件夹权限` } });
      return;
    }
    for (const e of list.sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (ours.has(real(p))) continue;
      if (e.isDirectory()) walk(p);
      else if (WORKBOOK.test(e.name)) {
        if (!LOCK_FILE.test(e.name) && ourKindOfFile(p)) passed.push(p);
        else add(p);
      } else if (READ.test(e.name) || LOCK_FILE.test(e.name)) add(p);
      else skipped.push(p);
    }
  };
  for (const input of inputs) {
    let st: fs.Stats;
    try {
      st = fs.statSync(input);
    } catch (e) {
      // Missing is one thing; there but not ours to read (a protected folder on a USB stick) another.
      if ((e as NodeJS.ErrnoException).code === "ENOENT" || (e as NodeJS.ErrnoException).code === "ENOTDIR") missing.push(input);
      else unreadable.push({ kind: "error", file: input, error: { code: "unreadable-file", message: `无法读取（cannot read）：${reasonOf(e)}` } });
      continue;
    }
    if (st.isDirectory()) walk(input);
    else add(input);
  }
  return { files, missing, unreadable, passed, skipped };
}

function lockFileError(file: string): TaskResult {
  const of = path.basename(file).replace(LOCK_FILE, "");
  return {
    kind: "error",
    file,
    error: { code: "not-a-workbook", message: `这是 Excel/WPS 打开“${of}”时留下的临时锁定文件，不是工作簿；请关闭该工作簿，确认已保存后再检查` },
  };
}

/**
 * A progress line on stderr once a run has taken a second, whether that is many files or one
 * large one (main calls it every second as well as when a file is done): on a terminal, one line
 * rewritten in place; elsewhere (a log file, a pipe), a line after the first second, then one
 * every five seconds and a last one.
 */
export function progress(io: Io, total: number, now: () => number = Date.now): (done: number) => void {
  const started = now();
  let shown = false;
  let last = started;
  return (done) => {
    const t = now();
    if (t - started < 1000) return;
    const text = `已处理 ${done}/${total} 个文件，用时 ${Math.floor((t - started) / 1000)} 秒…`;
    if (io.tty) {
      io.err(`\r${text}${done === total ? "\n" : ""}`);
      shown = true;
    } else if (done === total ? shown : !shown || t - last >= 5000) {
      io.err(text + "\n");
      shown = true;
      last = t;
    }
  };
}

function annotatePath(dir: string, file: string, used: Set<string>): string {
  const base = path.basename(file).replace(/\.(xlsx|xlsm)$/i, "");
  const ext = /\.xlsm$/i.test(file) ? ".xlsm" : ".xlsx";
  let name = `${base}${ANNOTATED_SUFFIX}${ext}`;
  for (let n = 2; used.has(name) || taken(path.join(dir, name)); n++) name = `${base}${ANNOTATED_SUFFIX}-${n}${ext}`;
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
  try {
    return await command(argv, io);
  } finally {
    // A worker started early (bin/kj-assess.js) that no file needed: stopped, so the command ends.
    dropEarly();
  }
}

async function command(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    (command ? io.out : io.err)(USAGE);
    return command ? 0 : 2;
  }
  if (command === "ledger") return ledgerCommand(rest, io, collect);
  if (command !== "check" && command !== "inspect") {
    io.err(`没有“${command}”这个命令，请用 check、inspect 或 ledger\n\n${USAGE}`);
    return 2;
  }
  const parsed = parseOptions(rest);
  if (!parsed.ok) {
    io.err(`参数有误：${parsed.message}\n\n${USAGE}`);
    return 2;
  }
  const opts = parsed.options;
  const inputs = parsed.files;
  if (opts.help) {
    io.out(USAGE);
    return 0;
  }
  const bad = (msg: string) => {
    io.err(`${terminalSafe(msg)}\n`);
    return 2;
  };
  if (inputs.length === 0) return bad(`请给出要检查的文件或文件夹\n\n${USAGE}`);
  const pack = opts.pack !== undefined ? findPack(opts.pack) : undefined;
  if (opts.pack !== undefined && !pack) return bad(`没有规则包“${opts.pack}”；可用：${builtinPacks().map((p) => `${p.name.zh}（${p.id}）`).join("、")}`);
  if (command === "inspect" && (opts.pack !== undefined || opts.sheet !== undefined || opts.report !== undefined || opts.annotate !== undefined || opts.set.length > 0 || opts.rules !== undefined || opts.messages || opts.times || opts.lang !== "zh")) {
    return bad("inspect 只接受 --json 一个选项");
  }
  // The report holds no macros: under an .xlsm name Excel would refuse to open it.
  if (opts.report !== undefined && (opts.report === "" || !/\.xlsx$/i.test(opts.report))) return bad(`--report 后面要写一个 .xlsx 文件名，而不是“${opts.report}”`);

  // Files on disk are never modified: the report replaces only an earlier report of ours.
  if (opts.report !== undefined && inputs.some((f) => sameFile(f, opts.report!))) return bad(`--report 不能写到正在检查的文件上：${opts.report}；请换一个文件名`);
  const blocked = opts.report !== undefined ? reportBlocked(opts.report) : null;
  if (blocked) return bad(`--report 无法写到 ${opts.report}：${blocked}；请换一个文件名`);
  const { files, missing, unreadable: badFolders, passed, skipped } = collect(inputs, [opts.report, opts.annotate].filter((x): x is string => x !== undefined));
  if (opts.annotate !== undefined) {
    try {
      fs.mkdirSync(opts.annotate, { recursive: true });
    } catch (e) {
      return bad(`无法创建存放标注副本的文件夹 ${opts.annotate}：${(e as Error).message}`);
    }
  }

  const used = new Set<string>();
  const isLock = (f: string) => LOCK_FILE.test(path.basename(f));
  // Thresholds for this run, by name (标准一, 优秀) or id: recorded in each file's check record as changed.
  const params: Overrides = {};
  const packsInPlay = opts.pack !== undefined ? [pack!] : builtinPacks();
  if (opts.rules !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(opts.rules, "utf8").replace(/^\uFEFF/, ""));
    } catch (e) {
      return bad(`--rules 文件无法读取或不是 JSON（cannot read the rules file）${opts.rules}：${(e as Error).message}`);
    }
    const errors = parseRulesJson(params, packsInPlay, json);
    if (errors.length) return bad(`--rules ${opts.rules}：${errors.join("；")}`);
  }
  for (const a of opts.set) {
    const e = parseSetArg(params, packsInPlay, a);
    if (e) return bad(`--set ${a}：${e}`);
  }
  const tasks: Task[] = files
    .filter((f) => !isLock(f))
    .map((f) => ({
      kind: command,
      file: f,
      path: path.resolve(f),
      pack: pack?.id,
      sheet: opts.sheet,
      annotate: opts.annotate !== undefined ? annotatePath(opts.annotate, f, used) : undefined,
      params,
    }));
  const tick = progress(io, tasks.length);
  let done = 0;
  const beat = setInterval(() => tick(done), 1000);
  const onProgress = (d: number) => {
    done = d;
    tick(d);
  };
  const notFound = (f: string): TaskResult => ({ kind: "error", file: f, error: { code: "not-found", message: `找不到文件或文件夹：${f}；请检查路径是否写对` } });
  const passedOver: SkippedJson[] = skipped.map((f) => ({ file: f, skipped: { code: "not-a-workbook", message: skipReason(path.basename(f)) } }));
  /** Every file accounted for: checked, could not be checked (by reason), not a workbook. */
  const accounted = (readable: number, failed: { file: string; error: { code: string; message: string } }[]) => {
    const parts = [`${readable} 个已${command === "inspect" ? "打开" : "检查"}`];
    if (failed.length) parts.push(`${failed.length} 个无法${command === "inspect" ? "读取" : "检查"}${whyNotChecked(failed)}`);
    if (passedOver.length) parts.push(`${passedOver.length} 个不是工作簿、未检查`);
    if (passed.length) parts.push(`${passed.length} 个是 kj-assess 写出的报告或副本、已跳过`);
    return `${missing.length + badFolders.length + files.length + passedOver.length + passed.length} 个文件：${parts.join("，")}`;
  };

  if (command === "inspect") {
    const checked = await runTasks(tasks, { onProgress }).finally(() => clearInterval(beat));
    // Output in the order the files were found (runTasks answers in task order).
    let k = 0;
    const results: TaskResult[] = [...missing.map(notFound), ...badFolders, ...files.map((f) => (isLock(f) ? lockFileError(f) : checked[k++]))];
    type InspectJson = { file: string; error: { code: string; message: string } } | { file: string; sheets: SheetSummary[] };
    const out = results.map((r): InspectJson => (r.kind === "error" ? { file: r.file, error: r.error } : { file: r.file, sheets: r.kind === "inspect" ? r.sheets : [] }));
    if (opts.json) io.out(JSON.stringify({ files: [...out, ...passedOver] }, null, 2) + "\n");
    else {
      for (const f of out) io.out("error" in f ? errorLines(f.file, f.error) : inspectLines(f.file, f.sheets));
      for (const f of passedOver) io.out(skippedLines(f));
      io.out(`\n合计：${accounted(out.filter((f) => !("error" in f)).length, results.flatMap((r) => (r.kind === "error" ? [r] : [])))}\n`);
    }
    return out.some((f) => "error" in f) ? 2 : 0;
  }

  // The report is written while the check runs (its rows streamed to disk, on a thread of its own), and takes its name at the end.
  const notes: string[] = passed.map((f) => `已跳过 kj-assess 写出的文件：${f}`);
  const report = opts.report !== undefined ? new ReportThread(opts.report) : null;
  let reportFailed = false;
  const run = new RunOutput({ json: opts.json, table: !opts.json, report, out: (s) => io.out(s), bytes: io.bytes && ((b) => io.bytes!(b)) });
  // Positions in the output: files not found first, unreadable folders, then the files in the order found.
  const fileAt: string[] = [...missing, ...badFolders.map((r) => r.file), ...files];
  run.fileOf = (i) => fileAt[i];
  let at = 0;
  for (const f of missing) run.result(at++, notFound(f));
  for (const r of badFolders) run.result(at++, r);
  const position: number[] = [];
  for (const f of files) {
    if (isLock(f)) run.result(at++, lockFileError(f));
    else position.push(at++);
  }
  const needs: Needs = { lang: opts.lang, all: opts.json || opts.report !== undefined, messages: !opts.json || opts.messages || opts.report !== undefined };
  const started = process.cpuUsage();
  let readMs = 0;
  let outputMs = 0;
  try {
    await runTasks(
      tasks.map((t) => ({ ...t, needs })),
      {
        onProgress,
        gate: run.gate,
        onPart: (i, p) => run.part(position[i], p),
        onResult: (i, r) => {
          if (r.kind === "check" && r.cpu) {
            readMs += r.cpu.read;
            outputMs += r.cpu.outputs;
          }
          run.result(position[i], r);
        },
      },
    );
  } finally {
    clearInterval(beat);
  }
  for (const f of passedOver) run.skipped(f.file, undefined, f.skipped.code, f.skipped.message);
  run.end();
  if (!opts.json) {
    const t = run.totals;
    io.out(
      `\n合计：${accounted(t.checked, run.failed)}；${t.sheets} 张工作表${t.leftOut ? `（另有 ${t.leftOut} 张未检查）` : ""}，${t.records} 条记录：${STATUS_ZH.ok} ${t.ok}，${STATUS_ZH.warning} ${t.warning}，${STATUS_ZH.error} ${t.error}\n`,
    );
  }
  if (report) {
    try {
      await report.finish();
      notes.push(`已写出汇总报告：${opts.report}`);
      report.cut.forEach((n, k) => n > 0 && notes.push(`汇总报告“${REPORT_SHEETS[k]}”表超出 Excel 的行数上限，${n} 行未列出（完整内容见 --json 输出）`));
    } catch (e) {
      reportFailed = true;
      notes.push(`无法写出汇总报告 ${opts.report}，原有文件未改动：${e instanceof WriteFailure ? e.reason : reasonOf(e)}`);
    }
  }
  const mainMs = cpuSince(started);
  // Reading is timed apart from the outputs: the time limit is on reading a file, and an official sees where the time went.
  if (opts.times) notes.push(`用时（CPU）：读取与检查 ${seconds(readMs)} 秒，输出 ${seconds(outputMs + mainMs)} 秒（检查进程整理结果、写标注副本 ${seconds(outputMs)} 秒，主进程写表格/JSON/报告 ${seconds(mainMs)} 秒）`);
  for (const n of [...run.notes, ...notes]) io.err(terminalSafe(n) + "\n");
  return run.failed.length || reportFailed || run.writeFailed ? 2 : run.failing ? 1 : 0;
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);

function cpuSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}
