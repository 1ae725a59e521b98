/**
 * The command line's workers compress the copy's edited sheet in libuv's thread pool while it is
 * edited (toAnnotatedCopyAside, with Node's zlib installed as node/deflate.ts does): the copy must
 * be the very bytes the same codec writes in line and compare with the original; a copy refused
 * after its sheet went to the pool is refused as in line.
 */
import type { ResultPlan } from "../src/engine/host";
import { useNodeDeflate } from "../src/file/node/deflate";
import { copyMismatch, setSheetCheck, targetsOf, toAnnotatedCopy, toAnnotatedCopyAside } from "../src/file/resave";
import { useCopyCheckThread } from "../src/file/node/copy-check";
import { digestOf, precheckOf } from "../src/file/sheet-compare";
import { ExpectedRows, PackedRows, PlanCells } from "../src/file/plan-cells";
import { readWorkbook, sheetGrid } from "../src/file/xlsx-read";
import { rawEntries } from "../src/file/zip-copy";
import { buildXlsx } from "./support/xlsx-build";

useNodeDeflate();

const inline = (ref: string, s: string) => `<c r="${ref}" t="inlineStr"><is><t>${s}</t></is></c>`;
// About 1.5 MB of sheet XML: several pieces compressed apart, in whatever order the pool finishes them.
const ROWS = 15_000;
const rows = Array.from({ length: ROWS }, (_, i) => `<row r="${i + 2}">${inline(`A${i + 2}`, `工作室${i}`)}<c r="B${i + 2}"><v>${i}</v></c></row>`).join("");
const bytes = buildXlsx({ sheets: [{ name: "表", xml: `<row r="1">${inline("A1", "名称")}</row>${rows}` }] });
const plans: ResultPlan[] = [
  {
    sheet: "表",
    headerRow: 1,
    startCol: 3,
    headers: ["校验结果"],
    rows: Array.from({ length: ROWS }, (_, i) => ({ row: i + 2, values: [i % 2 ? "通过" : "不通过"] })),
    marks: Array.from({ length: 5000 }, (_, i) => ({ address: `B${i * 4 + 2}`, severity: "error" as const })),
  },
];

test("compressed aside: the same bytes as compressed in line, compared with the original, every result in place", async () => {
  const inLine = toAnnotatedCopy(bytes, plans, [], { verify: false });
  const aside = await toAnnotatedCopyAside(bytes, plans, [], { verify: false });
  if (!(inLine instanceof Uint8Array) || !(aside instanceof Uint8Array)) throw new Error("expected copies");
  // Part by part: the compressed bytes and CRC of each (an added part's time stamp is the minute's).
  const parts = (z: Uint8Array) => rawEntries(z).map((e) => ({ name: e.name, crc: e.crc, data: Buffer.from(z.subarray(e.dataStart, e.dataStart + e.compressedSize)).toString("base64") }));
  expect(parts(aside)).toEqual(parts(inLine));
  expect(copyMismatch(bytes, aside, plans)).toBeNull();
  const r = readWorkbook(aside);
  if (!r.ok) throw new Error(r.error.message);
  const g = sheetGrid(r.workbook.sheets[0]);
  if (!g.ok) throw new Error(g.error.message);
  expect(g.grid.rows[ROWS]).toEqual([`工作室${ROWS - 1}`, ROWS - 1, "通过"]);
}, 60_000);

test("refused after its sheet went to the pool: the refusal, as in line", async () => {
  const out = await toAnnotatedCopyAside(bytes, plans, [], {
    verify: false,
    finish: () => {
      throw new Error("设置无法写入");
    },
  });
  expect(out).toEqual({ error: { code: "cannot-resave", message: expect.stringContaining("设置无法写入") } });
}, 60_000);

describe("compressed and read back in a thread as it is edited (the command line's workers)", () => {
  beforeAll(() => useCopyCheckThread());
  afterAll(() => setSheetCheck(null));
  const sheetOf = (z: Uint8Array) => rawEntries(z).find((e) => e.name === "xl/worksheets/sheet1.xml")!;
  /** The copy with its sheet's compressed bytes replaced (same length, so the zip's layout holds). */
  const withSheetBytes = (z: Uint8Array, change: (data: Uint8Array) => void) => {
    const out = z.slice();
    const e = sheetOf(out);
    change(out.subarray(e.dataStart, e.dataStart + e.compressedSize));
    return out;
  };

  test("the same bytes as compressed in line; the thread's walk is what the read-back compares, and it passes", async () => {
    const inLine = toAnnotatedCopy(bytes, plans, [], { verify: false });
    const threaded = await toAnnotatedCopyAside(bytes, plans, [], { verify: false });
    if (!(inLine instanceof Uint8Array) || !(threaded instanceof Uint8Array)) throw new Error("expected copies");
    const parts = (z: Uint8Array) => rawEntries(z).map((e) => ({ name: e.name, crc: e.crc, data: Buffer.from(z.subarray(e.dataStart, e.dataStart + e.compressedSize)).toString("base64") }));
    expect(parts(threaded)).toEqual(parts(inLine));
    expect(copyMismatch(bytes, threaded, plans)).toBeNull();
  }, 120_000);

  test("what the thread found on either side is what the read-back says: a row it walked differently is named", async () => {
    const copy = await toAnnotatedCopyAside(bytes, plans, [], { verify: false });
    if (!(copy instanceof Uint8Array)) throw new Error("expected a copy");
    // The walk's own record of row 9,000 changed (as if the copy's row read back otherwise): the bytes still match, so the record is what is compared.
    const pre = precheckOf(targetsOf(plans))!;
    const k = Array.from(pre.walk.keys.subarray(0, pre.walk.n)).indexOf(9000);
    expect(k).toBeGreaterThan(0);
    pre.walk.h1s[k] ^= 1;
    expect(copyMismatch(bytes, copy, plans)).toContain("第 9000 行与原文件不一致");
    pre.walk.h1s[k] ^= 1;
    pre.walk.written--;
    expect(copyMismatch(bytes, copy, plans)).toContain("写入的结果少了 1 个单元格");
    pre.walk.written++;
    pre.walk.failed = { why: "第 12 行中有文字", at: "walk" };
    expect(copyMismatch(bytes, copy, plans)).toContain("第 12 行中有文字");
    pre.walk.failed = null;
    pre.walk.crc += 1;
    expect(copyMismatch(bytes, copy, plans)).toContain("校验和（CRC-32）");
    pre.walk.crc -= 1;
    expect(copyMismatch(bytes, copy, plans)).toBeNull();
    // The original's side was taken there too: its row 9,000 changed is named the same way.
    const digest = digestOf(targetsOf(plans))!;
    const d = Array.from(digest.keys.subarray(0, digest.n)).indexOf(9000);
    expect(d).toBe(k);
    digest.h2s[d] ^= 1;
    expect(copyMismatch(bytes, copy, plans)).toContain("第 9000 行与原文件不一致");
    digest.h2s[d] ^= 1;
    digest.failed = "第 3 行有未写地址或地址不符的单元格";
    expect(copyMismatch(bytes, copy, plans)).toContain("第 3 行有未写地址");
    digest.failed = null;
    expect(copyMismatch(bytes, copy, plans)).toBeNull();
  }, 120_000);

  test("a written copy whose sheet bytes are not the ones the thread walked is walked again, and what changed is named", async () => {
    const copy = await toAnnotatedCopyAside(bytes, plans, [], { verify: false });
    if (!(copy instanceof Uint8Array)) throw new Error("expected a copy");
    // The last byte of the compressed sheet (its empty final block) changed: it no longer inflates to what it declares.
    const broken = withSheetBytes(copy, (d) => void (d[d.length - 1] ^= 0xff));
    expect(copyMismatch(bytes, broken, plans)).toMatch(/“表”.*(无法读取|无法解压|校验和)/);
  }, 120_000);

  test("refused while editing: the thread is let go and the refusal is as in line", async () => {
    // C9000, where a result goes, holds a number.
    const held = rows.replace('<c r="B9000"><v>8998</v></c>', '<c r="B9000"><v>8998</v></c><c r="C9000"><v>1</v></c>');
    expect(held).not.toBe(rows);
    const taken = buildXlsx({ sheets: [{ name: "表", xml: `<row r="1">${inline("A1", "名称")}</row>${held}` }] });
    const inLine = toAnnotatedCopy(taken, plans, [], { verify: false });
    const threaded = await toAnnotatedCopyAside(taken, plans, [], { verify: false });
    expect(inLine).toHaveProperty("error");
    expect(threaded).toEqual(inLine);
  }, 120_000);
});

test("the rows' cells as the thread reads them back from their packed form are the writer's: each cell's hashes and look, row by row, for each view", () => {
  const planned = new PlanCells(plans);
  const packed = new PackedRows();
  const thread = new ExpectedRows();
  for (const row of planned.rows) {
    const cells = planned.get(row);
    if (cells) packed.add(row, cells);
    // Taken in pieces, as the editor hands them over.
    if (row % 997 === 0) thread.add(packed.take());
  }
  thread.add(packed.take());
  const views = [thread.view(), thread.view()];
  const said = (t: { look?: string; h1?: number; h2?: number } | undefined) => (t ? `${t.look}:${t.h1}:${t.h2}` : "none");
  const wrong: string[] = [];
  let compared = 0;
  for (const row of [...planned.rows, 0, ROWS + 5]) {
    const want = planned.expected(row);
    for (const view of views) {
      const got = view.expected(row);
      if ((got === undefined) !== (want === undefined)) wrong.push(`row ${row}: ${got ? "cells" : "none"}`);
      if (!want || !got) continue;
      const all = (m: Iterable<{ look?: string; h1?: number; h2?: number }>) => [...m].map(said).join(" ");
      if (all(got.values()) !== all(want.values())) wrong.push(`row ${row}: ${all(got.values())} ≠ ${all(want.values())}`);
      for (const [col, t] of want) {
        if (said(got.get(col)) !== said(t)) wrong.push(`row ${row} column ${col}`);
        compared++;
      }
      if (got.get(1) !== undefined) wrong.push(`row ${row} column 1`);
    }
  }
  expect(wrong).toEqual([]);
  // Every line's value and every mark (two views each), the header's too.
  expect(compared).toBeGreaterThan(2 * (ROWS + 5000));
});
