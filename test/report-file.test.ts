/**
 * The command line's report file (report-file.ts): its sheets and its shared strings deflated into
 * temporary files as rows come, the table's opening (with counts known only at the end) put before
 * its items with the CRCs joined, all written by the one zip writer (zip-copy.ts writeZipTo) —
 * with zip64 records when sizes, offsets or the number of entries need them.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import ExcelJS from "exceljs";
import { crc32Combine, ReportFile } from "../src/file/node/report-file";
import { rawEntries, writeZipTo, type Part, type ZipSink } from "../src/file/zip-copy";
import { readWorkbook, sheetGrid } from "../src/file/xlsx-read";
import type { OutValue } from "../src/engine/host";
import { NO_CELL, TEXT_CELL, WHOLE_CELL, XmlText } from "../src/cli/report-xml";

let tmp: string;
beforeAll(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kj-report-file-"))));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test("crc32Combine: the CRC of A then B from the two CRCs, for every split of real data; lengths past 2^32 join as the parts do", () => {
  const data = new Uint8Array(5000);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7919 + (i >> 3)) & 0xff;
  const whole = zlib.crc32(data) >>> 0;
  for (const at of [0, 1, 2, 3, 7, 64, 999, 2500, 4096, 4999, 5000]) {
    const a = data.subarray(0, at);
    const b = data.subarray(at);
    expect([at, crc32Combine(zlib.crc32(a), zlib.crc32(b), b.length)]).toEqual([at, whole]);
  }
  // Joining is associative: (A·B)·C = A·(B·C), with B and C together longer than 2^32 bytes.
  const [a, b, c] = [0x12345678, 0x9abcdef0, 0x0badf00d];
  const lb = 3_000_000_000;
  const lc = 2_500_000_123;
  expect(crc32Combine(crc32Combine(a, b, lb), c, lc)).toBe(crc32Combine(a, crc32Combine(b, c, lc), lb + lc));
});

/** Every entry's data inflated and held to its CRC and size. */
function checkEntries(bytes: Uint8Array): Map<string, Buffer> {
  const parts = new Map<string, Buffer>();
  for (const e of rawEntries(bytes)) {
    const data = zlib.inflateRawSync(bytes.subarray(e.dataStart, e.dataStart + e.compressedSize));
    expect([e.name, data.length, zlib.crc32(data) >>> 0]).toEqual([e.name, e.size, e.crc]);
    parts.set(e.name, data);
  }
  return parts;
}

test("a report past the shared strings' memory: repeated and unique texts, line breaks, escapes — every part's CRC right, every cell read back by exceljs and by our reader", async () => {
  const file = path.join(tmp, "报告.xlsx");
  // A table that remembers 256 texts a generation, given thousands: texts come back after being
  // forgotten and are written again (a second item), none lost.
  const report = new ReportFile(file, 256);
  const rows: OutValue[][] = [];
  for (let i = 0; i < 3000; i++) {
    const name = i % 100 === 7 ? `多行\n名称${i}` : i % 97 === 3 ? ` 前后空格${i} ` : `工作室${i}&<${i % 3 ? "" : "_x0041_"}`;
    const row: OutValue[] = ["县区/a.xlsx", "考核", "B3", i + 3, name, i % 2 ? "错误" : "提醒", `第${i % 50}条未达标`, i % 5 ? "是" : null, "第十六条（一）"];
    const again: OutValue[] = ["县区/a.xlsx", "考核", null, i + 3, `工作室${(i * 7919) % 3000}&<`, "提醒", `第${(i * 7) % 50}条`, null, null];
    for (const r of [row, again]) {
      rows.push(r);
      report.issues.row(r);
    }
  }
  report.summary.row(["县区/a.xlsx", "考核", "名师工作室年度考核", 3, "工作室0", "合格", null, 8, 10, null, "通过", null, null]);
  await report.finish();
  expect(fs.readdirSync(tmp).filter((f) => f.startsWith(".kj-"))).toEqual([]);
  const bytes = new Uint8Array(fs.readFileSync(file));
  const parts = checkEntries(bytes);
  const sst = parts.get("xl/sharedStrings.xml")!.toString("utf8");
  const items = sst.match(/<si>/g)!;
  const texts = sst.match(/<si><t[^>]*>[^<]*<\/t><\/si>/g)!;
  expect(items.length).toBe(texts.length);
  // Forgotten texts written again: more items than distinct texts.
  expect(new Set(texts).size).toBeLessThan(texts.length);
  const uses = [...parts.entries()].filter(([n]) => n.startsWith("xl/worksheets/sheet")).reduce((n, [, x]) => n + (x.toString("utf8").match(/ t="s"/g) ?? []).length, 0);
  expect(sst).toMatch(new RegExp(`^<\\?xml[^>]*\\?>\\n<sst xmlns="[^"]*" count="${uses}" uniqueCount="${items.length}">`));
  expect(sst.endsWith("</sst>")).toBe(true);

  const want = rows.map((row) => row.map((v) => (v === "" || v === undefined ? null : v)));
  const book = readWorkbook(bytes);
  if (!book.ok) throw new Error(book.error.message);
  const g = sheetGrid(book.workbook.sheets.find((s) => s.name === "问题清单")!);
  if (!g.ok) throw new Error(g.error.message);
  expect(g.grid.rows.slice(1).map((r) => Array.from({ length: 9 }, (_, c) => r[c] ?? null))).toEqual(want);

  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as never);
  const ws = wb.getWorksheet("问题清单")!;
  expect(ws.rowCount).toBe(rows.length + 1);
  const got: OutValue[][] = [];
  for (let r = 0; r < rows.length; r++) got.push(Array.from({ length: 9 }, (_, c) => (ws.getRow(r + 2).getCell(c + 1).value as OutValue) ?? null));
  expect(got).toEqual(want);
  expect(wb.getWorksheet("汇总")!.getRow(2).getCell(5).value).toBe("工作室0");
}, 60_000);

test("汇总 and 问题清单 written on threads of their own (split) come out byte for byte as written in place: rows as cells and as values, texts found there and here, interleaved", async () => {
  const write = async (name: string, split: boolean) => {
    const file = path.join(tmp, name);
    const report = new ReportFile(file, 64, { split });
    const cell = new XmlText();
    cell.bytes = new TextEncoder().encode("B3C12AA7");
    for (let i = 0; i < 5000; i++) {
      const label = i % 101 === 5 ? `多行\n名称${i}` : i % 89 === 2 ? ` 前后空格${i} ` : `工作室${i % 700}`;
      // Items found by the caller (as ReportRows finds them), or not: the sheet finds them by their text.
      const given = new Int32Array(9).fill(-1);
      given[0] = report.sharedIndex!("县区/a.xlsx");
      if (i % 3) given[6] = report.sharedIndex!(`第${i % 40}条未达标`);
      cell.from = (i % 4) * 2;
      cell.to = cell.from + (i % 11 === 0 ? 0 : 2);
      const values: (OutValue | XmlText)[] = ["县区/a.xlsx", "考核", i % 13 ? cell : `C${i}`, i % 17 ? i + 3 : -i / 4, label, i % 2 ? "错误" : "提醒", `第${i % 40}条未达标`, i % 5 ? `文本${i % 300}` : null, i % 7 ? "第十六条（一）" : null];
      if (i % 4 === 0 || label.includes("\n")) report.issues.row(values, given);
      else {
        const cells = new Int32Array(9).fill(NO_CELL);
        const numbers = new Float64Array(9);
        cells[0] = given[0];
        cells[1] = report.sharedIndex!("考核");
        cells[2] = TEXT_CELL;
        cells[3] = WHOLE_CELL;
        numbers[3] = i + 3;
        cells[4] = report.sharedIndex!(label);
        cells[5] = report.sharedIndex!(values[5] as string);
        if (i % 6) cells[6] = report.sharedIndex!(values[6] as string);
        report.issues.itemsRow!(cells, numbers, cell);
      }
      if (i % 9 === 4) {
        const cells = new Int32Array(13).fill(NO_CELL);
        const numbers = new Float64Array(13);
        cells[0] = report.sharedIndex!("县区/a.xlsx");
        cells[3] = cells[7] = WHOLE_CELL;
        numbers[3] = i + 3;
        numbers[7] = i % 11;
        cells[4] = report.sharedIndex!(label);
        if (i % 2) cells[10] = report.sharedIndex!("通过");
        report.summary.itemsRow!(cells, numbers, null);
      }
      if (i % 9 === 0) report.summary.row(["县区/a.xlsx", "考核", "名师工作室年度考核", i + 3, label, "合格", null, 8, 10, `一、${i % 30}`, "通过", null, i % 2 ? `说明\n${i}` : `说明${i % 50}`]);
    }
    await report.finish();
    return new Map([...checkEntries(new Uint8Array(fs.readFileSync(file))).entries()].map(([n, b]) => [n, b.toString("utf8")]));
  };
  const here = await write("在此.xlsx", false);
  const there = await write("另一线程.xlsx", true);
  expect([...there.keys()]).toEqual([...here.keys()]);
  for (const [name, text] of here) expect([name, there.get(name) === text]).toEqual([name, true]);
  expect(here.get("xl/worksheets/sheet2.xml")).toContain('<c t="inlineStr"><is><t>B3</t>');
  expect(fs.readdirSync(tmp).filter((f) => f.startsWith(".kj-"))).toEqual([]);
}, 120_000);

/** A zip sink that keeps the bytes. */
function memorySink(): ZipSink & { bytes(): Uint8Array } {
  const chunks: Uint8Array[] = [];
  let length = 0;
  return {
    get length() {
      return length;
    },
    push(b: Uint8Array) {
      chunks.push(b);
      length += b.length;
    },
    bytes: () => new Uint8Array(Buffer.concat(chunks)),
  };
}

test("the one zip writer: a part over 4 GB gets zip64 sizes, more than 65,535 entries a zip64 end record — read back as written", () => {
  // A part whose sizes pass 4 GB (declared: its few compressed bytes stand in for the 4 GB stream).
  const big: Part = { name: "xl/worksheets/sheet2.xml", deflated: { crc: 0x1234abcd, size: 5_000_000_000, compressedSize: 3, chunks: [new Uint8Array([3, 0, 0])] } };
  const out = memorySink();
  writeZipTo(out, new Uint8Array(0), [{ name: "a.xml", data: new TextEncoder().encode("<a/>") }, big]);
  const entries = rawEntries(out.bytes());
  expect(entries.map((e) => [e.name, e.size, e.compressedSize, e.crc])).toEqual([
    ["a.xml", 4, entries[0].compressedSize, zlib.crc32("<a/>") >>> 0],
    ["xl/worksheets/sheet2.xml", 5_000_000_000, 3, 0x1234abcd],
  ]);

  const many: Part[] = Array.from({ length: 70_000 }, (_, i) => ({ name: `p/${i}.xml`, data: new Uint8Array(0), store: true }));
  const out2 = memorySink();
  writeZipTo(out2, new Uint8Array(0), many);
  const back = rawEntries(out2.bytes());
  expect(back.length).toBe(70_000);
  expect(back[69_999].name).toBe("p/69999.xml");
});
