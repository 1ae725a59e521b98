/**
 * What an official waits for: the installed command (`bin/kj-assess.js`, compiled lib/) run as a
 * whole process over a generated assessment workbook — the table, `--json`, `--report`,
 * `--annotate`, no `--pack` — with wall time, CPU time (every thread) and peak resident memory,
 * beside exceljs loading the same file and the floor (unzip the sheet and scan it for cells,
 * building nothing), each also a whole process, ratios from the same run. SheetJS is not installed
 * (the registry's only version has unfixed advisories on its read path, TOOLCHAIN.md), so it is
 * not measured.
 *
 * Run: npm run bench:cli [-- --rows 10000,100000] [--million] [--folder 20x20000] [--runs 1]
 * (lib/ must be built: npm run prepare). --million adds the 1,000,000-row file (minutes).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ZipDeflate, Zip } from "fflate";
import { assessmentGrid } from "./bench-engine";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin", "kj-assess.js");
const PEAK = path.join(__dirname, "bench-peak.js");

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const SIZES = (arg("--rows") ?? "10000,100000").split(",").map(Number).concat(process.argv.includes("--million") ? [1_000_000] : []);
const FOLDER = arg("--folder");
const RUNS = Number(arg("--runs") ?? 1);

const xmlEsc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * A workbook like an office's export, written straight as XML (exceljs takes minutes for a
 * million rows): shared strings, a merged title row, the rows of bench-engine's assessmentGrid
 * (typing habits, blanks, a few unreadable cells), each studio named once.
 */
function makeWorkbook(file: string, rows: number): void {
  const fd = fs.openSync(file, "w");
  const zip = new Zip((err, chunk) => {
    if (err) throw err;
    fs.writeSync(fd, chunk);
  });
  const strings = new Map<string, number>();
  const si = (s: string) => {
    let i = strings.get(s);
    if (i === undefined) strings.set(s, (i = strings.size));
    return i;
  };
  const sheet = new ZipDeflate("xl/worksheets/sheet1.xml", { level: 1 });
  zip.add(sheet);
  const enc = new TextEncoder();
  sheet.push(enc.encode('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'));
  const BLOCK = 10_000;
  let r = 0;
  for (let done = 0; done < rows + 2; ) {
    const grid = assessmentGrid(BLOCK).rows;
    const from = done === 0 ? 0 : 2; // title and header once
    const parts: string[] = [];
    for (let k = from; k < grid.length && done < rows + 2; k++, done++) {
      const row = grid[k];
      r++;
      if (r > 2) row[0] = `工作室${r - 2}`;
      let x = `<row r="${r}">`;
      row.forEach((v, j) => {
        if (v === null || v === undefined) return;
        const ref = `${String.fromCharCode(65 + j)}${r}`;
        x += typeof v === "number" ? `<c r="${ref}"><v>${v}</v></c>` : `<c r="${ref}" t="s"><v>${si(String(v))}</v></c>`;
      });
      parts.push(x + "</row>");
    }
    sheet.push(enc.encode(parts.join("")));
  }
  sheet.push(enc.encode('</sheetData><mergeCells count="1"><mergeCell ref="A1:L1"/></mergeCells></worksheet>'), true);
  const small = (name: string, text: string) => {
    const f = new ZipDeflate(name, { level: 6 });
    zip.add(f);
    f.push(enc.encode(text), true);
  };
  small("xl/sharedStrings.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${strings.size}" uniqueCount="${strings.size}">${[...strings.keys()].map((s) => `<si><t>${xmlEsc(s)}</t></si>`).join("")}</sst>`);
  small("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>');
  small("xl/styles.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs></styleSheet>');
  small("_rels/.rels", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>');
  small("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="考核" sheetId="1" r:id="rId1"/></sheets></workbook>');
  small("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>');
  zip.end();
  fs.closeSync(fd);
}

interface Measure {
  ok: boolean;
  code: number | null;
  wallMs: number;
  cpuMs: number;
  peakMb: number;
  note?: string;
}

/** One whole process, with the peak preload; best (lowest wall) of RUNS. */
function measure(args: string[], opts: { stdoutFile?: string; timeoutMs?: number; okCodes?: number[]; produced?: () => boolean } = {}): Measure {
  let best: Measure | null = null;
  for (let k = 0; k < RUNS; k++) {
    const stats = path.join(os.tmpdir(), `kj-bench-${process.pid}-${Date.now()}.json`);
    const out = opts.stdoutFile ? fs.openSync(opts.stdoutFile, "w") : "ignore";
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, ["-r", PEAK, ...args], { cwd: ROOT, env: { ...process.env, KJ_BENCH_OUT: stats }, stdio: ["ignore", out, "pipe"], timeout: opts.timeoutMs ?? 900_000, maxBuffer: 64 << 20 });
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    if (typeof out === "number") fs.closeSync(out);
    let s = { cpuMs: NaN, peakMb: NaN };
    try {
      s = JSON.parse(fs.readFileSync(stats, "utf8"));
      fs.rmSync(stats);
    } catch {
      // killed (timeout) or crashed before exit: no figures
    }
    // Exit 1 is a finished check that found failing records; what it should have written must be there.
    const ok = (opts.okCodes ?? [0, 1]).includes(r.status ?? -1) && (opts.produced?.() ?? true);
    const m: Measure = { ok, code: r.status, wallMs, ...s, note: ok ? undefined : (r.error?.message ?? r.stderr?.toString().trim().split("\n").pop() ?? "").slice(0, 120) };
    if (!best || (m.ok && (!best.ok || m.wallMs < best.wallMs))) best = m;
  }
  return best!;
}

/** The floor, with node's zlib (what our reader uses): find the sheet entry, inflate it, count "<c " — no strings, no cells. */
const FLOOR_SCRIPT = `
const fs = require("fs"), zlib = require("zlib");
const b = fs.readFileSync(process.argv[1]);
let eocd = b.length - 22; while (b.readUInt32LE(eocd) !== 0x06054b50) eocd--;
let p = b.readUInt32LE(eocd + 16); const n = b.readUInt16LE(eocd + 10);
let cells = 0;
for (let k = 0; k < n; k++) {
  const nameLen = b.readUInt16LE(p + 28), extra = b.readUInt16LE(p + 30), comment = b.readUInt16LE(p + 32);
  const name = b.toString("utf8", p + 46, p + 46 + nameLen), size = b.readUInt32LE(p + 20), local = b.readUInt32LE(p + 42);
  p += 46 + nameLen + extra + comment;
  if (!name.startsWith("xl/worksheets/")) continue;
  const start = local + 30 + b.readUInt16LE(local + 26) + b.readUInt16LE(local + 28);
  const xml = zlib.inflateRawSync(b.subarray(start, start + size));
  for (let i = xml.indexOf("<c "); i >= 0; i = xml.indexOf("<c ", i + 3)) cells++;
}
if (!cells) { console.error("no cells"); process.exit(3); }
`;

const EXCELJS_SCRIPT = `
const ExcelJS = require("exceljs");
(async () => {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(process.argv[1]);
  let n = 0;
  wb.worksheets[0].eachRow((row) => row.eachCell(() => void n++));
  if (!n) process.exit(3);
})().catch((e) => { console.error(e.message); process.exit(3); });
`;

const fmtMs = (m: Measure) => (m.ok ? `${(m.wallMs / 1000).toFixed(2)} s` : `failed (${m.code ?? "killed"}: ${m.note})`);
const fmtMb = (m: Measure) => (Number.isFinite(m.peakMb) ? `${Math.round(m.peakMb)} MB` : "—");

function row(label: string, m: Measure, floor: Measure, target?: { ratio?: number; mb?: number }): string {
  const ratio = m.ok && floor.ok ? m.wallMs / floor.wallMs : NaN;
  const cpuRatio = m.ok && floor.ok ? m.cpuMs / floor.cpuMs : NaN;
  let verdict = "";
  if (target) {
    const okRatio = target.ratio === undefined || ratio <= target.ratio;
    const okMb = target.mb === undefined || m.peakMb <= target.mb;
    const want = [target.ratio !== undefined ? `≤ ${target.ratio}× floor` : "", target.mb !== undefined ? `≤ ${target.mb} MB` : ""].filter(Boolean).join(", ");
    verdict = `target ${want}: ${m.ok && okRatio && okMb ? "met" : "NOT met"}`;
  }
  return `| ${label} | ${fmtMs(m)} | ${Number.isFinite(m.cpuMs) ? (m.cpuMs / 1000).toFixed(2) + " s" : "—"} | ${fmtMb(m)} | ${Number.isFinite(ratio) ? ratio.toFixed(1) + "×" : "—"} | ${Number.isFinite(cpuRatio) ? cpuRatio.toFixed(1) + "×" : "—"} | ${verdict} |`;
}

function benchFile(dir: string, rows: number): void {
  const file = path.join(dir, `assessment-${rows}.xlsx`);
  makeWorkbook(file, rows);
  const mb = fs.statSync(file).size / 1048576;
  console.log(`\n### ${rows.toLocaleString("en-US")} rows × 12 columns (${mb.toFixed(1)} MB .xlsx)\n`);
  console.log("| process | wall | CPU | peak memory | wall / floor | CPU / floor | |");
  console.log("|---|---|---|---|---|---|---|");
  const floor = measure(["-e", FLOOR_SCRIPT, file]);
  console.log(row("floor: unzip the sheet + scan for cells", floor, floor));
  const big = rows >= 1_000_000;
  const sized = (f: string) => () => fs.existsSync(f) && fs.statSync(f).size > 0;
  const table = measure([BIN, "check", file], { stdoutFile: path.join(dir, "out.txt"), produced: sized(path.join(dir, "out.txt")) });
  console.log(row("`kj-assess check` (table)", table, floor, big ? { ratio: 3, mb: 1024 } : rows >= 100_000 ? { ratio: 2, mb: 300 } : undefined));
  const json = measure([BIN, "check", file, "--json"], { stdoutFile: path.join(dir, "out.json"), produced: sized(path.join(dir, "out.json")) });
  console.log(row("`check --json`", json, floor, rows >= 100_000 && !big ? { ratio: 4 } : undefined));
  const report = path.join(dir, "report.xlsx");
  fs.rmSync(report, { force: true });
  const rep = measure([BIN, "check", file, "--report", report], { produced: sized(report) });
  console.log(row("`check --report`", rep, floor, rows >= 100_000 && !big ? { ratio: 4 } : undefined));
  const copies = path.join(dir, "copies");
  fs.rmSync(copies, { recursive: true, force: true });
  const ann = measure([BIN, "check", file, "--annotate", copies], { produced: () => fs.existsSync(copies) && fs.readdirSync(copies).length > 0 });
  console.log(row("`check --annotate`", ann, floor, rows >= 100_000 && !big ? { ratio: 4 } : undefined));
  const ex = measure(["-e", EXCELJS_SCRIPT, file], { timeoutMs: big ? 600_000 : 300_000 });
  console.log(row("exceljs 4.4.0: load + visit every cell", ex, floor));
  if (ex.ok && table.ok) console.log(`\nexceljs merely loading / our whole check with the table: ${(ex.wallMs / table.wallMs).toFixed(1)}×`);
  const jsonSize = fs.existsSync(path.join(dir, "out.json")) ? fs.statSync(path.join(dir, "out.json")).size : 0;
  console.log(`JSON written: ${(jsonSize / 1048576).toFixed(0)} MB (${Math.round(jsonSize / rows)} bytes per record)`);
  for (const f of ["out.txt", "out.json", "report.xlsx"]) fs.rmSync(path.join(dir, f), { force: true });
  fs.rmSync(copies, { recursive: true, force: true });
  fs.rmSync(file);
}

function benchFolder(dir: string, spec: string): void {
  const [count, rows] = spec.split("x").map(Number);
  const folder = path.join(dir, "folder");
  fs.mkdirSync(folder);
  makeWorkbook(path.join(folder, "0.xlsx"), rows);
  for (let i = 1; i < count; i++) fs.copyFileSync(path.join(folder, "0.xlsx"), path.join(folder, `${i}.xlsx`));
  console.log(`\n### a folder of ${count} workbooks × ${rows.toLocaleString("en-US")} rows\n`);
  console.log("| process | wall | CPU | peak memory | | | |");
  console.log("|---|---|---|---|---|---|---|");
  const none: Measure = { ok: false, code: null, wallMs: NaN, cpuMs: NaN, peakMb: NaN };
  const report = path.join(dir, "folder-report.xlsx");
  const copies = path.join(dir, "folder-copies");
  const json = measure([BIN, "check", folder, "--json", "--report", report, "--annotate", copies], { stdoutFile: path.join(dir, "folder.json") });
  console.log(row("`check --json --report --annotate`", json, none));
  const table = measure([BIN, "check", folder], { stdoutFile: path.join(dir, "folder.txt") });
  console.log(row("`check` (table)", table, none));
  fs.rmSync(folder, { recursive: true, force: true });
  fs.rmSync(copies, { recursive: true, force: true });
}

function main(): void {
  if (!fs.existsSync(path.join(ROOT, "lib", "cli", "main.js"))) throw new Error("lib/ is not built: npm run prepare");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-bench-cli-"));
  console.log(`command line, whole process (node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}); best of ${RUNS} run(s)`);
  console.log("SheetJS: not installed — the registry's only version (0.18.5) has unfixed advisories on its read path; not measured.");
  try {
    for (const rows of SIZES) benchFile(dir, rows);
    if (FOLDER) benchFolder(dir, FOLDER);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
