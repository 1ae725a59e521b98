/**
 * `npm run bench`: every figure issue #16 asks for, each beside its target, ratios from this run.
 *
 *   1. the installed command as a whole process (bench-cli.ts) — table, --json, --report,
 *      --annotate, no --pack — at 10,000, 100,000 and 1,000,000 rows, wall time, CPU time and peak
 *      memory, beside the floor (unzip + scan) and exceljs and SheetJS loading the same file;
 *   2. the web page in Chromium (bench-page.ts): file chosen → results → each download, with the
 *      longest main-thread block;
 *   3. a folder of many 20,000-row workbooks with every output;
 *   4. the targets, each met or NOT met;
 *   5. the in-process breakdown (bench:engine, bench:files, bench:functions, bench:excel).
 *
 * Options (npm run bench -- …):
 *   --rows 10000,100000,1000000   sizes of the workbook (default all three)
 *   --outputs table,json,report,annotate   which outputs of the command (default all)
 *   --peers floor,exceljs,sheetjs  which peers (default all; the floor always runs when ratios need it)
 *   --page-rows 10000,100000      sizes the page opens (default: the --rows up to 100,000)
 *   --folder 1000x20000           a folder of COUNT workbooks of ROWS rows (default 1000x20000)
 *   --no-command --no-page --no-folder --no-breakdown   leave a part out
 *   --runs N                      best of N runs of each process (default 1)
 *   --timeout S                   seconds before a process or a page step is given up (default by size)
 *   --peer-timeout S              the same for exceljs and SheetJS (default --timeout)
 *   --page-dist DIR               an already built intranet page (default: built into a temporary folder)
 *   --why                         each output that misses its target run once more with --times (where its time goes)
 *   --quick                       --rows 10000 --folder 10x20000 --no-breakdown
 * lib/ must be built (npm run prepare). Generated workbooks are kept in KJ_BENCH_CACHE (default
 * a folder in the system's temporary folder).
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { benchFile, benchFolder, timesOf, OUTPUT_LABEL, OUTPUTS, PEER_LABEL, PEERS, ROOT, type FileFigures, type FolderFigures, type Output, type Peer } from "./bench-cli";
import { runNode, type Measure } from "./bench-proc";
import { benchPage, buildPage, CHROMIUM, pageTemp, serve, STEP_LABEL, STEPS, type PageFigures } from "./bench-page";
import { CACHE, FLOOR_SCRIPT, workbookOf } from "./bench-workbook";

const argv = process.argv.slice(2);
const has = (flag: string) => argv.includes(flag);
const value = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const list = <T extends string>(name: string, all: readonly T[], fallback: readonly T[]): T[] => {
  const v = value(name);
  if (v === undefined) return [...fallback];
  const items = v.split(",").filter(Boolean);
  const bad = items.filter((x) => !all.includes(x as T));
  if (bad.length) throw new Error(`${name}: unknown ${bad.join(", ")} (one of ${all.join(", ")})`);
  return items as T[];
};
const numbers = (v: string) => v.split(",").filter(Boolean).map((x) => Number(x.replace(/_/g, "")));

const QUICK = has("--quick");
const ROWS = numbers(value("--rows") ?? (QUICK ? "10000" : "10000,100000,1000000"));
const OUTS = list<Output>("--outputs", OUTPUTS, OUTPUTS);
const PEERS_RUN = list<Peer>("--peers", PEERS, PEERS);
const PAGE_ROWS = value("--page-rows") ? numbers(value("--page-rows")!) : ROWS.filter((r) => r <= 100_000);
const FOLDER = has("--no-folder") ? null : (value("--folder") ?? (QUICK ? "10x20000" : "1000x20000")).split("x").map(Number);
const RUNS = Number(value("--runs") ?? 1);
const COMMAND = !has("--no-command");
const PAGE = !has("--no-page");
const BREAKDOWN = !has("--no-breakdown") && !QUICK;
const timeoutFor = (rows: number) => (value("--timeout") ? Number(value("--timeout")) * 1000 : rows >= 1_000_000 ? 900_000 : rows >= 100_000 ? 300_000 : 120_000);

const fmtN = (n: number) => n.toLocaleString("en-US");
const sec = (ms: number) => (ms >= 100 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const mb = (m: number) => (Number.isFinite(m) && m > 0 ? `${Math.round(m)} MB` : "—");
const times = (a: number, b: number) => (Number.isFinite(a / b) && b > 0 ? `${(a / b).toFixed(1)}×` : "—");

/** A target and what this run measured against it. */
interface Verdict {
  what: string;
  target: string;
  measured: string;
  met: boolean;
}
const verdicts: Verdict[] = [];
const verdict = (v: Verdict) => {
  verdicts.push(v);
  return v.met ? "met" : "**NOT met**";
};

function header(): void {
  const commit = (() => {
    try {
      const id = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
      const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: ROOT, encoding: "utf8" }).trim();
      return dirty ? `${id} (with uncommitted changes)` : id;
    } catch {
      return "unknown";
    }
  })();
  console.log(`# kj-assess benchmark — ${new Date().toISOString().replace("T", " ").slice(0, 16)} UTC, commit ${commit}`);
  console.log(
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" / ")} at the start`,
  );
  console.log(`options: rows ${ROWS.map(fmtN).join(", ")}; outputs ${OUTS.join(", ")}; peers ${PEERS_RUN.join(", ")}; page ${PAGE ? PAGE_ROWS.map(fmtN).join(", ") || "none" : "off"}; folder ${FOLDER ? `${FOLDER[0]} × ${fmtN(FOLDER[1])} rows` : "off"}; best of ${RUNS}`);
  console.log("Times are wall time of a whole process (what a person waits for); CPU is user + system of the process and its workers; peak memory is the largest resident sum over its process tree.");
}

/** The command's targets at this size (issue #16), or none. */
function commandTarget(rows: number, output: Output): { ratio: number; mb?: number } | null {
  if (rows === 100_000) return output === "table" ? { ratio: 2, mb: 300 } : { ratio: 4 };
  if (rows === 1_000_000 && output === "table") return { ratio: 3, mb: 1024 };
  return null;
}

const floors = new Map<number, Measure>();
/** The peers measured by the command section, by size, for the page's comparison line. */
const peersBySize = new Map<number, FileFigures["peers"]>();

async function startUp(): Promise<void> {
  // The fixed cost every run pays before reading anything: node, the command's modules, its usage.
  const start = await runNode([path.join(ROOT, "bin", "kj-assess.js"), "--help"], { cwd: ROOT, okCodes: [0], timeoutMs: 60_000 });
  console.log(`\nstart-up alone (\`kj-assess --help\`): ${start.ok ? `${sec(start.wallMs)} wall, ${sec(start.cpuMs)} CPU, ${mb(start.peakMb)}` : `failed (${start.note})`}`);
}

async function commandSection(dir: string, sizes: number[]): Promise<void> {
  for (const rows of sizes) {
    const file = workbookOf(rows);
    console.log(`\n## The command, ${fmtN(rows)} rows × 12 columns (${(fs.statSync(file).size / 1048576).toFixed(1)} MB .xlsx)\n`);
    console.log("| process | wall | CPU | peak memory | wall ÷ floor | CPU ÷ floor | target |");
    console.log("|---|---|---|---|---|---|---|");
    let floor: Measure | undefined;
    const peers = PEERS_RUN.includes("floor") ? PEERS_RUN : (["floor", ...PEERS_RUN] as Peer[]);
    const fig: FileFigures = await benchFile(rows, dir, {
      outputs: OUTS,
      peers,
      runs: RUNS,
      timeoutMs: timeoutFor(rows),
      peerTimeoutMs: value("--peer-timeout") ? Number(value("--peer-timeout")) * 1000 : undefined,
      onFigure(label, m) {
        if (label === PEER_LABEL.floor) floor = m;
        const output = (Object.keys(OUTPUT_LABEL) as Output[]).find((o) => OUTPUT_LABEL[o] === label);
        const t = output ? commandTarget(rows, output) : null;
        let target = "";
        if (t && floor) {
          const ratio = m.wallMs / floor.wallMs;
          const want = `≤ ${t.ratio}× floor${t.mb ? `, ≤ ${t.mb >= 1024 ? "1 GB" : `${t.mb} MB`}` : ""}`;
          target = `${want}: ${verdict({
            what: `${OUTPUT_LABEL[output!]}, ${fmtN(rows)} rows`,
            target: want,
            measured: m.ok ? `${times(m.wallMs, floor.wallMs)} floor (${sec(m.wallMs)} vs ${sec(floor.wallMs)}), ${mb(m.peakMb)}` : `failed: ${m.note}`,
            met: m.ok && floor.ok && ratio <= t.ratio && (!t.mb || m.peakMb <= t.mb),
          })}`;
        }
        const wall = m.ok ? sec(m.wallMs) : `failed (${m.note})`;
        const cpu = Number.isFinite(m.cpuMs) ? sec(m.cpuMs) : "—";
        const isFloor = label === PEER_LABEL.floor;
        console.log(`| ${label} | ${wall} | ${cpu} | ${mb(m.peakMb)} | ${isFloor || !m.ok || !floor?.ok ? "" : times(m.wallMs, floor.wallMs)} | ${isFloor || !m.ok || !floor?.ok ? "" : times(m.cpuMs, floor.cpuMs)} | ${target} |`);
      },
    });
    floors.set(rows, fig.peers.floor!);
    peersBySize.set(rows, fig.peers);
    const table = fig.outputs.table;
    console.log("");
    for (const p of ["exceljs", "sheetjs"] as const) {
      const m = fig.peers[p];
      if (m?.ok && table?.ok) console.log(`- ${PEER_LABEL[p].split(":")[0]} merely loading the file takes ${times(m.wallMs, table.wallMs)} the wall time of our whole check with the table (CPU ${times(m.cpuMs, table.cpuMs)}).`);
    }
    if (has("--why"))
      for (const output of OUTS) {
        const t = commandTarget(rows, output);
        const m = fig.outputs[output];
        if (t && m && !(m.ok && m.wallMs <= t.ratio * fig.peers.floor!.wallMs && (!t.mb || m.peakMb <= t.mb))) console.log(`- where the time goes, ${OUTPUT_LABEL[output]} (\`--times\`, one more run): ${await timesOf(output, rows, dir, timeoutFor(rows))}`);
      }
    if (fig.jsonBytes !== undefined) console.log(`- \`--json\` wrote ${(fig.jsonBytes / 1048576).toFixed(1)} MB, ${fmtN(Math.round(fig.jsonBytes / rows))} bytes per record.`);
  }
}

async function pageSection(): Promise<void> {
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`\n## The web page\n\nnot measured: no Chromium at ${CHROMIUM}`);
    return;
  }
  const temp = pageTemp();
  const dist = value("--page-dist") ?? path.join(temp, "dist");
  const t0 = Date.now();
  await buildPage(dist);
  const site = await serve(dist);
  console.log(`\n## The web page in Chromium (intranet build${value("--page-dist") ? ` from ${dist}` : `, built in ${sec(Date.now() - t0)}`})\n`);
  try {
    for (const rows of PAGE_ROWS) {
      const file = workbookOf(rows);
      let floor = floors.get(rows);
      if (!floor) floors.set(rows, (floor = await runNode(["-e", FLOOR_SCRIPT, file], { cwd: ROOT })));
      const fig: PageFigures = await benchPage(file, rows, site, temp, timeoutFor(rows));
      console.log(`### ${fmtN(rows)} rows (${(fs.statSync(file).size / 1048576).toFixed(1)} MB); floor ${sec(floor.wallMs)}; Chromium's peak memory ${mb(fig.peakMb)}\n`);
      console.log("| step | time | since file chosen | ÷ floor (since file chosen) | longest main-thread block | target |");
      console.log("|---|---|---|---|---|---|");
      let since = 0;
      for (const s of STEPS) {
        const ms = fig.ms[s];
        if (ms !== undefined) since += ms;
        const block = fig.longest[s] === undefined ? "" : fig.longest[s] ? `${Math.round(fig.longest[s]!)} ms` : "none ≥ 50 ms";
        console.log(`| ${STEP_LABEL[s]} | ${ms === undefined ? "did not finish" : sec(ms)} | ${ms === undefined ? "" : sec(since)} | ${ms === undefined ? "" : times(since, floor.wallMs)} | ${block} | |`);
      }
      const results = fig.ms.open !== undefined && fig.ms.check !== undefined ? fig.ms.open + fig.ms.check : undefined;
      const longest = Math.max(0, ...STEPS.map((s) => fig.longest[s] ?? 0));
      let target = "";
      if (rows === 100_000) {
        const r = verdict({
          what: `the page, file chosen → results, ${fmtN(rows)} rows`,
          target: "≤ 3× floor",
          measured: results === undefined ? "did not finish" : `${times(results, floor.wallMs)} floor (${sec(results)} vs ${sec(floor.wallMs)})`,
          met: results !== undefined && floor.ok && results <= 3 * floor.wallMs,
        });
        const b = verdict({
          what: `the page, longest main-thread block, ${fmtN(rows)} rows`,
          target: "≤ 100 ms",
          measured: `${Math.round(longest)} ms (longtask); the 20 ms timer's longest gap ${Math.round(fig.gapMs)} ms`,
          met: STEPS.every((s) => fig.ms[s] !== undefined) && longest <= 100,
        });
        target = `≤ 3× floor: ${r}; block ≤ 100 ms: ${b}`;
      }
      console.log(`| **file chosen → results** | | ${results === undefined ? "did not finish" : `**${sec(results)}**`} | ${results === undefined ? "" : `**${times(results, floor.wallMs)}**`} | ${Math.round(longest)} ms over every step (timer gap ${Math.round(fig.gapMs)} ms) | ${target} |`);
      const peers = peersBySize.get(rows);
      const same = (["exceljs", "sheetjs"] as const).filter((p) => peers?.[p]?.ok).map((p) => `${PEER_LABEL[p].split(":")[0]} loading it ${sec(peers![p]!.wallMs)}`);
      if (same.length) console.log(`\nThe same file in this run, as node processes: floor ${sec(floor.wallMs)}, ${same.join(", ")}.`);
      for (const n of fig.notes) console.log(`\n- ${n}`);
      console.log("");
    }
  } finally {
    await site.close();
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

async function folderSection(dir: string): Promise<void> {
  const [count, rows] = FOLDER!;
  console.log(`\n## A folder of ${fmtN(count)} workbooks × ${fmtN(rows)} rows (copies of one file)\n`);
  console.log("| process | wall | CPU | peak memory | per workbook |");
  console.log("|---|---|---|---|---|");
  let n = 0;
  const fig: FolderFigures = await benchFolder(count, rows, dir, {
    timeoutMs: timeoutFor(rows),
    onFigure(label, m) {
      const per = n++ === 0 ? "" : m.ok ? sec(m.wallMs / count) : "";
      console.log(`| ${label} | ${m.ok ? sec(m.wallMs) : `failed (${m.note})`} | ${Number.isFinite(m.cpuMs) ? sec(m.cpuMs) : "—"} | ${mb(m.peakMb)} | ${per} |`);
    },
  });
  console.log(`\n- the JSON answered ${fmtN(fig.answered)} of ${fmtN(count)} files (${fmtN(fig.checked)} checked, ${fmtN(fig.answered - fig.checked)} with an error); ${fmtN(fig.copies)} annotated copies; report ${fig.reportMb.toFixed(1)} MB.`);
  if (fig.answered > fig.checked) {
    console.log(`- the errors by code: ${Object.entries(fig.errorCodes).map(([c, n]) => `${c} ${fmtN(n)}`).join(", ")}; the first as written:`);
    for (const e of fig.errorSamples) console.log(`  - \`${e.replace(/`/g, "'")}\``);
  }
  // The command's own last words (not its progress lines) when it did not end as it should.
  if (!fig.every.ok) for (const line of (fig.every.stderr ?? "").split("\n").filter((l) => l && !/^已处理|^已写出标注副本/.test(l)).slice(-8)) console.log(`  - stderr: ${line}`);
  // Bounded: the folder's peak stays within twice what one of its workbooks alone needs with the same outputs.
  const bound = 2 * fig.one.peakMb;
  const complete = fig.table.ok && fig.every.ok && fig.answered === count && fig.checked === count && fig.copies === count;
  const r = verdict({
    what: `a folder of ${fmtN(count)} workbooks × ${fmtN(rows)} rows${count < 1000 ? " (the issue asks for 1,000)" : ""}, every output`,
    target: "completes with every output, memory bounded (peak ≤ 2× one workbook's)",
    measured: `${complete ? "complete" : "NOT complete"} (${fmtN(fig.checked)} checked, ${fmtN(fig.copies)} copies); peak ${mb(Math.max(fig.table.peakMb, fig.every.peakMb))} vs one workbook ${mb(fig.one.peakMb)}`,
    met: complete && Math.max(fig.table.peakMb, fig.every.peakMb) <= bound,
  });
  console.log(`- target: completes with every output, memory bounded (peak ≤ 2× one workbook's, ${mb(bound)}): ${r}`);
}

function breakdownSection(): void {
  console.log("\n## Breakdown, in process (not what a person waits for)\n");
  const biggest = Math.max(...ROWS.filter((r) => r <= 100_000), 10_000);
  for (const [script, args] of [
    ["bench-engine.ts", [String(biggest)]],
    ["bench-files.ts", [String(biggest)]],
    ["bench-functions.ts", []],
    ["bench-excel.ts", []],
  ] as const) {
    console.log(`\n### ${script}\n\n\`\`\``);
    const r = spawnSync(process.execPath, [path.join(__dirname, "run-ts.js"), path.join(__dirname, script), ...args], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
    console.log("```");
    if (r.status !== 0) console.log(`${script} exited ${r.status}`);
  }
}

function summary(): void {
  console.log("\n## Targets (issue #16; ratios from this run)\n");
  if (!verdicts.length) {
    console.log("No target applies to the sizes run (the targets are at 100,000 and 1,000,000 rows and for the folder).");
    return;
  }
  console.log("| target | measured | |");
  console.log("|---|---|---|");
  for (const v of verdicts) console.log(`| ${v.what}: ${v.target} | ${v.measured} | ${v.met ? "met" : "**NOT met**"} |`);
  const missed = verdicts.filter((v) => !v.met).length;
  console.log(`\n${verdicts.length - missed} of ${verdicts.length} targets met${missed ? `; ${missed} NOT met` : ""}.`);
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(ROOT, "lib", "cli", "main.js"))) throw new Error("lib/ is not built: npm run prepare");
  header();
  // Generated once and kept (KJ_BENCH_CACHE): a million rows take a minute to write.
  for (const rows of new Set([...(COMMAND ? ROWS : []), ...(PAGE ? PAGE_ROWS : []), ...(FOLDER ? [FOLDER[1]] : [])])) workbookOf(rows);
  console.log(`workbooks: ${CACHE}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-bench-run-"));
  try {
    // Sizes over 100,000 rows last: they take the longest, and the other targets are at 100,000.
    if (COMMAND) await startUp();
    if (COMMAND) await commandSection(dir, ROWS.filter((r) => r <= 100_000));
    if (PAGE && PAGE_ROWS.length) await pageSection();
    if (FOLDER) await folderSection(dir);
    if (COMMAND) await commandSection(dir, ROWS.filter((r) => r > 100_000));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  summary();
  if (BREAKDOWN) breakdownSection();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
