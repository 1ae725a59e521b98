/**
 * A folder of many workbooks through the command line with the main process's JavaScript heap
 * capped (node --max-old-space-size): every file's verdicts are written as the file finishes, so
 * the main process holds a few files at most whatever their number — the run completes with every
 * output (table, JSON, report) complete and correct. Before the outputs streamed, the same folder
 * with --json --report died out of heap under this cap (every record's issues held in one
 * document). Not a timer: what is asserted is that the run completes and what it wrote.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import ExcelJS from "exceljs";
import { buildXlsx } from "./support/xlsx-build";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin", "kj-assess.js");
const HEADERS = ["工作室名称", "国家级科技比赛获奖数", "全国专项赛事获奖数", "参加青少年科技活动项数", "省级一等奖（项）", "省级二等奖（项）", "帮扶薄弱学校数", "参加科普周/科普日/承办竞赛次数", "市级创新大赛获奖数", "培训场次(场)", "新增骨干成员 数", "单位配套经费（元）"];
const FILES = 60;
const ROWS = 600;
/** The main process's heap, MB: a run holding every record of the folder at once needs several times this. */
const HEAP_MB = 80;

const cell = (ref: string, v: string | number | null) => (v === null ? "" : typeof v === "number" ? `<c r="${ref}"><v>${v}</v></c>` : `<c r="${ref}" t="inlineStr"><is><t>${v}</t></is></c>`);
const letter = (j: number) => String.fromCharCode(65 + j);

/** An assessment sheet as offices type it: counts, 3项, blanks, a few unreadable cells (若干). */
function workbook(seed: number): Uint8Array {
  const out = [`<row r="1">${cell("A1", "2024年度考核汇总表")}</row>`, `<row r="2">${HEADERS.map((h, j) => cell(`${letter(j)}2`, h)).join("")}</row>`];
  for (let i = 0; i < ROWS; i++) {
    const r = i + 3;
    const v = (k: number): string | number | null => [(i + k + seed) % 4, `${(i + k) % 3}项`, null, "若干", 2, 3][(i * 5 + k * 3 + seed) % 6];
    const values = [`第${seed}批工作室${i + 1}`, ...Array.from({ length: 10 }, (_, k) => v(k)), i % 2 ? 5000 : "是"];
    out.push(`<row r="${r}">${values.map((x, j) => cell(`${letter(j)}${r}`, x)).join("")}</row>`);
  }
  return buildXlsx({ sheets: [{ name: "考核", xml: out.join("") }] });
}

let tmp: string;
let dir: string;

beforeAll(() => {
  spawnSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.node.json"], { cwd: ROOT, encoding: "utf8" });
  if (!fs.existsSync(path.join(ROOT, "lib", "cli", "main.js"))) throw new Error("tsc -p tsconfig.node.json did not produce lib/cli/main.js");
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kj-batch-"));
  dir = path.join(tmp, "县区");
  fs.mkdirSync(dir);
  for (let k = 0; k < FILES; k++) fs.writeFileSync(path.join(dir, `考核-${String(k).padStart(3, "0")}.xlsx`), workbook(k));
}, 180_000);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function run(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, BIN, ...args], { encoding: "utf8", maxBuffer: 1024 * 1024 * 1024, timeout: 900_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test(`${FILES} workbooks of ${ROWS} rows under a ${HEAP_MB} MB heap: the JSON and the report complete, every file in order, every record once`, async () => {
  const report = path.join(tmp, "汇总.xlsx");
  const r = run(["check", dir, "--json", "--messages", "--report", report]);
  expect(r.stderr.split("\n").filter((l) => !l.startsWith("已处理")).join("\n")).not.toMatch(/heap out of memory|Invalid string length/);
  expect(r.code).toBe(1);
  const doc = JSON.parse(r.stdout) as { files: { file: string; records: { row: number; label: string; issues: { code: string; message: string }[] }[]; summary: { records: number; error: number } }[] };
  expect(doc.files.map((f) => path.basename(f.file))).toEqual(Array.from({ length: FILES }, (_, k) => `考核-${String(k).padStart(3, "0")}.xlsx`));
  for (const [k, f] of doc.files.entries()) {
    expect(f.records).toHaveLength(ROWS);
    expect(f.summary.records).toBe(ROWS);
    expect(f.records[0]).toMatchObject({ row: 3, label: `第${k}批工作室1` });
    expect(f.records[ROWS - 1]).toMatchObject({ row: ROWS + 2, label: `第${k}批工作室${ROWS}` });
  }
  // The unreadable 若干 cells are named with their message in every file.
  const unreadable = doc.files.flatMap((f) => f.records.flatMap((x) => x.issues.filter((i) => i.code === "unreadable")));
  expect(unreadable.length).toBeGreaterThan(FILES);
  expect(unreadable.every((i) => i.message.includes("若干"))).toBe(true);

  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(report);
  const summary = wb.getWorksheet("汇总")!;
  expect(summary.rowCount).toBe(1 + FILES * ROWS);
  const issues = wb.getWorksheet("问题清单")!;
  const issueCount = doc.files.reduce((n, f) => n + f.records.reduce((m, x) => m + x.issues.length, 0), 0);
  expect(issues.rowCount).toBe(1 + issueCount);
  const stats = wb.getWorksheet("统计")!;
  expect(stats.getCell("B5").value).toBe(FILES * ROWS);
  expect(wb.getWorksheet("校验记录")!.rowCount).toBe(1 + FILES);
}, 900_000);

test(`the table under the same heap: every file's records and the totals`, () => {
  const r = run(["check", dir]);
  expect(r.code).toBe(1);
  expect(r.stdout.match(/（表头第 2 行，600 条记录）/g)).toHaveLength(FILES);
  expect(r.stdout.split("\n").filter((l) => /^ {2}\d+ +第\d+批工作室/.test(l))).toHaveLength(FILES * ROWS);
  expect(r.stdout).toContain(`合计：${FILES} 个文件：${FILES} 个已检查；${FILES} 张工作表，${FILES * ROWS} 条记录`);
}, 900_000);

describe("a folder's check runs in a process started with glibc's mmap threshold fixed (child-start.ts relaunchEnv)", () => {
  type Probe = { pid: number; ppid: number; script: string; threshold: string | null };
  const PROBE_JS = path.join(__dirname, "support", "env-probe.js");
  const probed = (file: string): Probe[] => (fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Probe) : []);
  const envFor = (file: string, extra: NodeJS.ProcessEnv = {}) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: `--require ${PROBE_JS}`, KJ_ENV_PROBE: file, ...extra };
    if (!("MALLOC_MMAP_THRESHOLD_" in extra)) delete env.MALLOC_MMAP_THRESHOLD_;
    return env;
  };
  const onLinux = process.platform === "linux" ? test : test.skip;
  /** Three of the folder's workbooks: a folder all the same, small enough to run three times. */
  let few: string;
  beforeAll(() => {
    few = path.join(tmp, "三所学校");
    fs.mkdirSync(few);
    for (let k = 0; k < 3; k++) fs.copyFileSync(path.join(dir, `考核-${String(k).padStart(3, "0")}.xlsx`), path.join(few, `考核-${k}.xlsx`));
  });

  onLinux("a folder: the command's process starts it again with the threshold, which checks and whose workers have it; one workbook: checked where it starts, glibc's default kept", () => {
    const folderProbe = path.join(tmp, "probe-folder.jsonl");
    const r = spawnSync(process.execPath, [BIN, "check", few, "--json"], { env: envFor(folderProbe), encoding: "utf8", maxBuffer: 1024 * 1024 * 1024, timeout: 900_000 });
    // Ends as the process that checked ended: its exit code and every file's results.
    expect(r.status).toBe(1);
    expect((JSON.parse(r.stdout) as { files: unknown[] }).files).toHaveLength(3);
    const seen = probed(folderProbe);
    const bins = seen.filter((p) => p.script === BIN);
    expect(bins).toHaveLength(2);
    const [first, again] = bins[0].ppid === bins[1].pid ? [bins[1], bins[0]] : [bins[0], bins[1]];
    expect(again.ppid).toBe(first.pid);
    expect(first.threshold).toBeNull();
    expect(again.threshold).toBe("131072");
    const workers = seen.filter((p) => p.ppid === again.pid && p.script !== BIN);
    expect(workers.length).toBeGreaterThan(0);
    expect(workers.every((w) => w.threshold === "131072")).toBe(true);

    const oneProbe = path.join(tmp, "probe-one.jsonl");
    const one = spawnSync(process.execPath, [BIN, "check", path.join(few, "考核-0.xlsx")], { env: envFor(oneProbe), encoding: "utf8", timeout: 300_000 });
    expect(one.status).toBe(1);
    const oneSeen = probed(oneProbe);
    expect(oneSeen.filter((p) => p.script === BIN)).toHaveLength(1);
    expect(oneSeen.every((p) => p.threshold === null)).toBe(true);

    // A threshold the user set: kept, and no second process.
    const ownProbe = path.join(tmp, "probe-own.jsonl");
    const own = spawnSync(process.execPath, [BIN, "check", few], { env: envFor(ownProbe, { MALLOC_MMAP_THRESHOLD_: "65536" }), encoding: "utf8", maxBuffer: 1024 * 1024 * 1024, timeout: 900_000 });
    expect(own.status).toBe(1);
    const ownSeen = probed(ownProbe);
    expect(ownSeen.filter((p) => p.script === BIN)).toHaveLength(1);
    expect(ownSeen.every((p) => p.threshold === "65536")).toBe(true);
  }, 900_000);

  onLinux("a signal sent to the command's process reaches the one checking, and the command ends by it", async () => {
    const file = path.join(tmp, "probe-signal.jsonl");
    const child = spawn(process.execPath, [BIN, "check", dir, "--json"], { env: envFor(file), stdio: "ignore" });
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
    let again: Probe | undefined;
    for (let k = 0; k < 600 && !again; k++) {
      await new Promise((r) => setTimeout(r, 50));
      again = probed(file).find((p) => p.script === BIN && p.ppid === child.pid);
    }
    expect(again).toBeDefined();
    child.kill("SIGTERM");
    expect(await ended).toEqual({ code: null, signal: "SIGTERM" });
    const alive = () => {
      try {
        process.kill(again!.pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let k = 0; k < 100 && alive(); k++) await new Promise((r) => setTimeout(r, 50));
    expect(alive()).toBe(false);
  }, 120_000);
});
