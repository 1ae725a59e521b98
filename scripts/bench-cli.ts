/**
 * What an official waits for at the command line: the installed command (`bin/kj-assess.js`,
 * compiled lib/) run as a whole process over a generated assessment workbook — the table,
 * `--json`, `--report`, `--annotate`, no `--pack` — beside the floor and exceljs and SheetJS
 * loading the same file, each a whole process measured alike (bench-proc.ts); and a folder of many
 * workbooks checked with every output. Driven by bench-all.ts (`npm run bench`, `bench:cli`).
 */
import * as fs from "fs";
import * as path from "path";
import { StringDecoder } from "string_decoder";
import { runNode, bestOf, type Measure, type RunOptions } from "./bench-proc";
import { EXCELJS_SCRIPT, FLOOR_SCRIPT, SHEETJS_SCRIPT, workbookOf } from "./bench-workbook";

export const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin", "kj-assess.js");

export const OUTPUTS = ["table", "json", "report", "annotate"] as const;
export type Output = (typeof OUTPUTS)[number];
export const PEERS = ["floor", "exceljs", "sheetjs"] as const;
export type Peer = (typeof PEERS)[number];

export const PEER_LABEL: Record<Peer, string> = {
  floor: "floor: unzip the sheet + scan for cells",
  exceljs: "exceljs 4.4.0: load + visit every cell",
  sheetjs: "SheetJS 0.18.5: load + visit every cell",
};
export const OUTPUT_LABEL: Record<Output, string> = {
  table: "`kj-assess check` (table)",
  json: "`check --json`",
  report: "`check --report`",
  annotate: "`check --annotate`",
};

const nonEmpty = (f: string) => () => fs.existsSync(f) && (fs.statSync(f).isDirectory() ? fs.readdirSync(f).length > 0 : fs.statSync(f).size > 0);

/** The arguments of `check` for one output, and what it must leave behind. */
function outputRun(output: Output, input: string, dir: string): { args: string[]; opts: RunOptions; clean(): void } {
  const stdout = path.join(dir, `out-${output}.txt`);
  const report = path.join(dir, "report.xlsx");
  const copies = path.join(dir, "copies");
  const clean = () => {
    for (const f of [stdout, report, copies]) fs.rmSync(f, { recursive: true, force: true });
  };
  clean();
  // Exit 1 is a finished check that found failing records.
  const okCodes = [0, 1];
  switch (output) {
    case "table":
      return { args: [BIN, "check", input], opts: { stdoutFile: stdout, okCodes, produced: nonEmpty(stdout) }, clean };
    case "json":
      return { args: [BIN, "check", input, "--json"], opts: { stdoutFile: stdout, okCodes, produced: nonEmpty(stdout) }, clean };
    case "report":
      return { args: [BIN, "check", input, "--report", report], opts: { stdoutFile: stdout, okCodes, produced: nonEmpty(report) }, clean };
    case "annotate":
      return { args: [BIN, "check", input, "--annotate", copies], opts: { stdoutFile: stdout, okCodes, produced: nonEmpty(copies) }, clean };
  }
}

export interface FileFigures {
  rows: number;
  file: string;
  mb: number;
  peers: Partial<Record<Peer, Measure>>;
  outputs: Partial<Record<Output, Measure>>;
  /** Bytes the JSON output wrote, when it ran. */
  jsonBytes?: number;
}

export interface FileOptions {
  outputs: readonly Output[];
  peers: readonly Peer[];
  runs: number;
  timeoutMs: number;
  /** For exceljs and SheetJS (default timeoutMs): at a million rows they take minutes. */
  peerTimeoutMs?: number;
  /** Called as each figure is measured (the caller prints it). */
  onFigure(label: string, m: Measure): void;
}

/** The floor, the command's outputs, then the peers, over one generated workbook. */
export async function benchFile(rows: number, dir: string, o: FileOptions): Promise<FileFigures> {
  const file = workbookOf(rows);
  const fig: FileFigures = { rows, file, mb: fs.statSync(file).size / 1048576, peers: {}, outputs: {} };
  const peer = async (p: Peer) => {
    const script = p === "floor" ? FLOOR_SCRIPT : p === "exceljs" ? EXCELJS_SCRIPT : SHEETJS_SCRIPT;
    const m = await bestOf(o.runs, () => runNode(["-e", script, file], { cwd: ROOT, timeoutMs: p === "floor" ? o.timeoutMs : (o.peerTimeoutMs ?? o.timeoutMs) }));
    fig.peers[p] = m;
    o.onFigure(PEER_LABEL[p], m);
  };
  if (o.peers.includes("floor")) await peer("floor");
  for (const output of o.outputs) {
    const run = outputRun(output, file, dir);
    const m = await bestOf(o.runs, () => {
      run.clean();
      return runNode(run.args, { ...run.opts, cwd: ROOT, timeoutMs: o.timeoutMs });
    });
    if (output === "json" && m.ok) fig.jsonBytes = fs.statSync(run.opts.stdoutFile!).size;
    run.clean();
    fig.outputs[output] = m;
    o.onFigure(OUTPUT_LABEL[output], m);
  }
  for (const p of o.peers) if (p !== "floor") await peer(p);
  return fig;
}

/**
 * Where the command's time goes for one output: run once more with `--times` (the command's own
 * account of its CPU time: reading and checking, the outputs), its line returned.
 */
export async function timesOf(output: Output, rows: number, dir: string, timeoutMs: number): Promise<string> {
  const run = outputRun(output, workbookOf(rows), dir);
  const m = await runNode([...run.args, "--times"], { ...run.opts, cwd: ROOT, timeoutMs });
  run.clean();
  const line = (m.stderr ?? "").split("\n").find((l) => /CPU/.test(l)); // not the progress lines (用时 N 秒…)
  return line?.trim() ?? `no account (${m.note ?? "the command printed none"})`;
}

export interface FolderFigures {
  count: number;
  rows: number;
  /** One workbook of the folder, alone, with every output at once: what "bounded" compares to. */
  one: Measure;
  table: Measure;
  every: Measure;
  /** Files the --json run answered, and with a check (not an error). */
  answered: number;
  checked: number;
  /** The JSON's errors by code, and the first few as written. */
  errorCodes: Record<string, number>;
  errorSamples: string[];
  copies: number;
  reportMb: number;
}

/**
 * The files a --json document answers and how many of them with an error, read in pieces (the
 * document of a large folder is larger than any JavaScript string), pretty-printed or compact.
 */
export function jsonFiles(file: string): { files: number; errors: number; codes: Record<string, number>; samples: string[] } {
  const names = new Set<string>();
  // Each error by its code, and the first few as written: a folder run that fails says why (the
  // bench's run folder is removed, and a 1,000-file run's errors were once lost with it).
  const codes: Record<string, number> = {};
  const samples: string[] = [];
  if (!fs.existsSync(file)) return { files: 0, errors: 0, codes, samples };
  const fd = fs.openSync(file, "r");
  const decoder = new StringDecoder("utf8");
  const buf = Buffer.alloc(8 << 20);
  const KEEP = 1024; // longer than any match: a match starting in the last KEEP characters waits for the next piece
  let carry = "";
  for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0 || carry; ) {
    const last = n === 0;
    const text = carry + (last ? decoder.end() : decoder.write(buf.subarray(0, n)));
    const safe = last ? text.length : text.length - KEEP;
    for (const m of text.matchAll(/"file":\s*"((?:[^"\\]|\\.)*)"|"error":\s*\{/g)) {
      if (m.index! >= safe) break;
      // A copy of the name: the match is a slice that would keep its whole 8 MB piece alive (a
      // 1,000-file folder's names held every piece, and this script ran out of memory).
      if (m[1] !== undefined) names.add(Buffer.from(m[1]).toString());
      else {
        const said = text.slice(m.index!, m.index! + 300);
        const code = /"code":\s*"([^"]*)"/.exec(said)?.[1] ?? "?";
        codes[code] = (codes[code] ?? 0) + 1;
        if (samples.length < 3) samples.push(Buffer.from(said).toString());
      }
    }
    carry = last ? "" : text.slice(Math.max(0, safe));
  }
  fs.closeSync(fd);
  return { files: names.size, errors: Object.values(codes).reduce((n, c) => n + c, 0), codes, samples };
}

/**
 * A folder of `count` workbooks of `rows` rows (copies of one generated file, hard-linked), checked
 * twice: with the table, and with every other output at once (`--json --report --annotate`).
 */
export async function benchFolder(count: number, rows: number, dir: string, o: { timeoutMs: number; onFigure(label: string, m: Measure): void }): Promise<FolderFigures> {
  const source = workbookOf(rows);
  const folder = path.join(dir, "folder");
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder);
  for (let i = 0; i < count; i++) {
    const name = path.join(folder, `工作室考核-${String(i + 1).padStart(4, "0")}.xlsx`);
    try {
      fs.linkSync(source, name);
    } catch {
      fs.copyFileSync(source, name);
    }
  }
  const report = path.join(dir, "folder-report.xlsx");
  const copies = path.join(dir, "folder-copies");
  const json = path.join(dir, "folder.json");
  const every = (input: string) => [BIN, "check", input, "--json", "--report", report, "--annotate", copies];
  const clean = () => {
    for (const f of [report, copies, json]) fs.rmSync(f, { recursive: true, force: true });
  };

  clean();
  const one = await runNode(every(path.join(folder, fs.readdirSync(folder)[0])), { cwd: ROOT, stdoutFile: json, okCodes: [0, 1], timeoutMs: o.timeoutMs });
  o.onFigure(`one of its workbooks alone, \`--json --report --annotate\``, one);
  clean();
  const table = await runNode([BIN, "check", folder], { cwd: ROOT, stdoutFile: path.join(dir, "folder.txt"), okCodes: [0, 1], produced: nonEmpty(path.join(dir, "folder.txt")), timeoutMs: o.timeoutMs * count });
  fs.rmSync(path.join(dir, "folder.txt"), { force: true });
  o.onFigure(`\`check <folder>\` (table)`, table);
  const all = await runNode(every(folder), { cwd: ROOT, stdoutFile: json, okCodes: [0, 1], produced: () => nonEmpty(report)() && nonEmpty(copies)(), timeoutMs: o.timeoutMs * count });
  o.onFigure(`\`check <folder> --json --report --annotate\``, all);
  const { files, errors, codes, samples } = jsonFiles(json);
  const fig: FolderFigures = {
    count,
    rows,
    one,
    table,
    every: all,
    answered: files,
    checked: files - errors,
    errorCodes: codes,
    errorSamples: samples,
    copies: fs.existsSync(copies) ? fs.readdirSync(copies).length : 0,
    reportMb: fs.existsSync(report) ? fs.statSync(report).size / 1048576 : 0,
  };
  clean();
  fs.rmSync(folder, { recursive: true, force: true });
  return fig;
}
