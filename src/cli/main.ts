/**
 * kj-assess check|inspect <files or folders...>: the command-line door. Argument parsing, walking
 * folders, output — the rules themselves come from the engine, the reading from src/file.
 * Exit status: 0 no record is an error; 1 some record is; 2 a file could not be read (or checked)
 * or the arguments are wrong — always after every other file was processed.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { getPack, builtinPacks } from "../packs";
import { runTasks, type Task, type TaskResult } from "../file/node/pool";
import { isError, type EntryJson, type SheetJson } from "./json";
import { writeReport } from "./report";

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

规则包（packs）: ${builtinPacks().map((p) => `${p.id}（${p.name.zh}）`).join("、")}
退出码（exit）: 0 没有不通过的记录；1 有不通过的记录；2 有文件无法读取或参数有误
`;

const WORKBOOK = /\.(xlsx|xlsm)$/i;

/** Files given, and the workbooks inside folders given (recursively, in name order). */
function collect(inputs: string[], io: Io): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (WORKBOOK.test(e.name)) files.push(p);
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
    else files.push(input);
  }
  void io;
  return { files, missing };
}

/** Width on a terminal: CJK characters take two columns. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}

/** Pads to n columns, cutting with … so one column's text never runs into the next. */
function pad(s: string, n: number): string {
  let t = s;
  while (width(t) > n - 1 && t.length > 1) t = t.slice(0, -2) + "…";
  return t + " ".repeat(Math.max(0, n - width(t)));
}

const STATUS: Record<string, string> = { ok: "通过", warning: "需核实", error: "不通过" };

function table(e: SheetJson): string {
  const pack = getPack(e.pack);
  const lines: string[] = [];
  lines.push(`\n${e.file} ／ ${e.sheet} — ${pack?.name.zh ?? e.pack}（表头第 ${e.headerRow} 行，${e.summary.records} 条记录）`);
  const graded = e.records.some((r) => r.met !== null);
  lines.push(`  ${pad("行", 5)}${pad("名称", 34)}${pad("结论", 8)}${graded ? pad("达标", 7) : ""}${pad("状态", 8)}未达标项`);
  for (const r of e.records) {
    const met = graded ? pad(r.met === null ? "" : `${r.met}/${r.total}`, 7) : "";
    const failed = r.failed.map((id) => (/^[一二三四五六七八九十]+$/.test(id) ? id : pack?.criteria.find((c) => c.id === id)?.name.zh ?? id));
    lines.push(`  ${pad(String(r.row), 5)}${pad(r.label + (r.hidden ? "（隐藏行）" : ""), 34)}${pad(r.grade ?? "", 8)}${met}${pad(STATUS[r.status], 8)}${failed.join("、")}`);
  }
  for (const g of e.groups) {
    const key = [g.key.studio, g.key.year].filter((x) => x !== undefined && x !== "").join(" ");
    lines.push(`  经费 ${pad(key, 30)} 已支出 ${g.spent.toFixed(2)} ／ 额度 ${g.limit.toFixed(2)}  ${STATUS[g.status]}`);
  }
  const problems = [
    ...e.problems,
    // Unmet standards are in the table already; here go the cells to fix and the rule problems.
    ...e.records.flatMap((r) => r.issues.filter((i) => i.code !== "criterion-failed")),
    ...e.groups.flatMap((g) => g.issues),
  ];
  if (problems.length) {
    lines.push("  问题：");
    for (const p of problems) lines.push(`    ${p.severity === "error" ? "✗" : "!"} ${p.message}${p.source ? `〔${p.source}〕` : ""}`);
  }
  const grades = Object.entries(e.summary.grades).map(([g, n]) => `${g} ${n}`).join("，");
  lines.push(`  小计：${grades ? grades + "；" : ""}通过 ${e.summary.ok}，需核实 ${e.summary.warning}，不通过 ${e.summary.error}；跳过 ${e.skipped.length} 行（空行/合计）`);
  for (const i of e.interpretations) lines.push(`  说明：${i.text}`);
  return lines.join("\n") + "\n";
}

function progress(io: Io, total: number): ((done: number) => void) | undefined {
  if (total < 5 && !io.tty) return undefined;
  const started = Date.now();
  return (done) => {
    if (done === total || Date.now() - started > 1000) io.err(`\r已处理 ${done}/${total} 个文件…${done === total ? "\n" : ""}`);
  };
}

function annotatePath(dir: string, file: string, used: Set<string>): string {
  const base = path.basename(file).replace(/\.(xlsx|xlsm)$/i, "");
  const ext = /\.xlsm$/i.test(file) ? ".xlsm" : ".xlsx";
  let name = `${base}-校验${ext}`;
  for (let n = 2; used.has(name) || fs.existsSync(path.join(dir, name)); n++) name = `${base}-校验-${n}${ext}`;
  used.add(name);
  return path.join(dir, name);
}

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    io.out(USAGE);
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
      },
    });
  } catch (e) {
    io.err(`参数有误（bad arguments）：${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const opts = args.values as { pack?: string; sheet?: string; json: boolean; report?: string; annotate?: string };
  if (args.positionals.length === 0) {
    io.err(`请给出要检查的文件或文件夹（no files given）\n${USAGE}`);
    return 2;
  }
  if (opts.pack && !getPack(opts.pack)) {
    io.err(`没有规则包“${opts.pack}”（unknown pack）；可用：${builtinPacks().map((p) => p.id).join("、")}\n`);
    return 2;
  }
  if (command === "inspect" && (opts.pack || opts.sheet || opts.report || opts.annotate)) {
    io.err("inspect 只接受 --json（inspect takes only --json）\n");
    return 2;
  }
  if (opts.annotate) fs.mkdirSync(opts.annotate, { recursive: true });

  const { files, missing } = collect(args.positionals, io);
  const used = new Set<string>();
  const tasks: Task[] = files.map((f) => ({
    kind: command,
    file: f,
    path: path.resolve(f),
    pack: opts.pack,
    sheet: opts.sheet,
    annotate: opts.annotate ? annotatePath(opts.annotate, f, used) : undefined,
  }));
  const tick = progress(io, tasks.length);
  const results: TaskResult[] = [
    ...missing.map((f): TaskResult => ({ kind: "error", file: f, error: { code: "not-found", message: `找不到文件或文件夹（not found）：${f}` } })),
    ...(await runTasks(tasks, { onProgress: tick && ((d) => tick(d)) })),
  ];

  let unreadable = missing.length > 0;
  let failing = false;

  if (command === "inspect") {
    type InspectJson = { file: string; error: { code: string; message: string } } | { file: string; sheets: import("../file/check").SheetSummary[] };
    const out = results.map((r): InspectJson => {
      if (r.kind === "error") {
        unreadable = true;
        return { file: r.file, error: r.error };
      }
      return { file: r.file, sheets: r.kind === "inspect" ? r.sheets : [] };
    });
    if (opts.json) io.out(JSON.stringify({ files: out }, null, 2) + "\n");
    else {
      for (const f of out) {
        if ("error" in f) {
          io.out(`\n${f.file}\n  ✗ ${f.error.message}（${f.error.code}）\n`);
          continue;
        }
        io.out(`\n${f.file}\n`);
        for (const s of f.sheets) {
          const fit = s.pack ? `规则包 ${s.pack}，表头第 ${s.headerRow} 行` : s.error ? `✗ ${s.error.message}` : "不符合任何规则包";
          io.out(`  ${pad(s.name, 24)}${pad(`${s.rows} 行 × ${s.cols} 列`, 18)}${s.state !== "visible" ? "（隐藏）" : ""}${fit}\n`);
        }
      }
    }
    return unreadable ? 2 : 0;
  }

  const entries: EntryJson[] = [];
  const notes: string[] = [];
  for (const r of results) {
    if (r.kind === "error") {
      unreadable = true;
      entries.push({ file: r.file, error: r.error });
      continue;
    }
    if (r.kind !== "check") continue;
    entries.push(...r.entries);
    if (r.entries.some((e) => e.summary.error > 0)) failing = true;
    if (r.annotated) notes.push("path" in r.annotated ? `已写出批注副本：${r.annotated.path}` : `${r.file}：${r.annotated.error.message}`);
  }

  if (opts.report) {
    fs.writeFileSync(opts.report, await writeReport(entries));
    notes.push(`已写出汇总报告：${opts.report}`);
  }

  if (opts.json) io.out(JSON.stringify({ files: entries }, null, 2) + "\n");
  else {
    for (const e of entries) io.out(isError(e) ? `\n${e.file}\n  ✗ ${e.error.message}（${e.error.code}）\n` : table(e));
    const sheets = entries.filter((e): e is SheetJson => !isError(e));
    const total = sheets.reduce((a, e) => ({ ok: a.ok + e.summary.ok, warning: a.warning + e.summary.warning, error: a.error + e.summary.error }), { ok: 0, warning: 0, error: 0 });
    io.out(`\n合计：${results.length} 个文件，${sheets.length} 张工作表；记录 通过 ${total.ok}，需核实 ${total.warning}，不通过 ${total.error}；无法读取 ${entries.filter(isError).length} 个文件\n`);
  }
  for (const n of notes) io.err(n + "\n");
  return unreadable ? 2 : failing ? 1 : 0;
}
