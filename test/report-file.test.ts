/**
 * The command line's report file (report-file.ts): its sheets deflated into temporary files as rows
 * come, then written by the one zip writer (zip-copy.ts writeZipTo) — with zip64 records when
 * sizes, offsets or the number of entries need them.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import ExcelJS from "exceljs";
import { ReportFile } from "../src/file/node/report-file";
import { rawEntries, writeZipTo, type Part, type ZipSink } from "../src/file/zip-copy";

let tmp: string;
beforeAll(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kj-report-file-"))));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

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

test("a report written by the one zip writer: every entry's CRC and sizes right, the cells read back", async () => {
  const file = path.join(tmp, "报告.xlsx");
  const report = new ReportFile(file);
  for (let i = 0; i < 2000; i++) report.issues.row(["县区/a.xlsx", "考核", "B3", i + 3, `工作室${i}`, "提醒", `第${i % 50}条未达标`, null, "第十六条（一）"]);
  await report.finish();
  const bytes = new Uint8Array(fs.readFileSync(file));
  const parts = checkEntries(bytes);
  expect(parts.has("xl/worksheets/sheet2.xml")).toBe(true);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as never);
  expect(wb.getWorksheet("问题清单")!.getRow(2001).getCell(5).value).toBe("工作室1999");
});

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
