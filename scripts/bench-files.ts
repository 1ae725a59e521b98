/**
 * Files: checking a generated 100,000-row assessment workbook end to end (read + evaluate),
 * against exceljs only opening it and reading every cell, and against the floor — unzipping and
 * scanning the sheet XML without building any cell. Run: npm run bench:files [-- rows]
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import ExcelJS from "exceljs";
import { unzipSync } from "fflate";
import { detectPacks, evaluateSheet } from "../src/engine";
import { builtinPacks } from "../src/packs";
import { readWorkbook, sheetGrid } from "../src/file/xlsx-read";
import { assessmentGrid } from "./bench-engine";

const ROWS = Number(process.argv[2] ?? 100_000);

async function makeWorkbook(file: string): Promise<void> {
  const grid = assessmentGrid(ROWS);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true });
  const ws = wb.addWorksheet("考核");
  ws.mergeCells("A1:L1");
  for (const row of grid.rows) ws.addRow(row as ExcelJS.CellValue[]).commit();
  await wb.commit();
}

async function time(label: string, fn: () => Promise<unknown> | unknown, runs = 3): Promise<number> {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    t.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  t.sort((a, b) => a - b);
  const ms = t[Math.floor(t.length / 2)];
  console.log(`${label.padEnd(52)} ${ms.toFixed(0).padStart(7)} ms`);
  return ms;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-bench-"));
  const file = path.join(dir, "assessment.xlsx");
  await makeWorkbook(file);
  console.log(`files: ${ROWS.toLocaleString("en-US")}-row assessment workbook, ${(fs.statSync(file).size / 1048576).toFixed(1)} MB (median of 3 runs)`);

  const ours = await time("kj-assess: read + detect pack + evaluate every row", () => {
    const r = readWorkbook(new Uint8Array(fs.readFileSync(file)));
    if (!r.ok) throw new Error(r.error.message);
    const g = sheetGrid(r.workbook.sheets[0]);
    if (!g.ok) throw new Error(g.error.message);
    const [best] = detectPacks(g.grid, builtinPacks());
    const res = evaluateSheet(g.grid, best.pack);
    if (res.summary.records !== ROWS) throw new Error(`expected ${ROWS} records, got ${res.summary.records}`);
  });

  const exceljs = await time("exceljs 4.4.0: load + read every cell", async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(fs.readFileSync(file) as unknown as ArrayBuffer);
    let n = 0;
    wb.worksheets[0].eachRow((row) => row.eachCell(() => void n++));
  }, 1);

  const floor = await time("floor: unzip + scan sheet XML, no cells built", () => {
    const files = unzipSync(new Uint8Array(fs.readFileSync(file)), { filter: (f) => f.name.startsWith("xl/worksheets/") || f.name === "xl/sharedStrings.xml" });
    const xml = new TextDecoder().decode(files["xl/worksheets/sheet1.xml"]);
    let cells = 0;
    for (let i = xml.indexOf("<c "); i >= 0; i = xml.indexOf("<c ", i + 3)) cells++;
    if (!cells) throw new Error("no cells");
  });

  console.log(`ratio: exceljs load / kj-assess end to end = ${(exceljs / ours).toFixed(2)}× ; kj-assess / floor = ${(ours / floor).toFixed(2)}×`);
  console.log(`target: end-to-end faster than exceljs merely loading — ${ours < exceljs ? "met" : "NOT met"}`);
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
