/**
 * The command line's workers compress the copy's edited sheet in libuv's thread pool while it is
 * edited (toAnnotatedCopyAside, with Node's zlib installed as node/deflate.ts does): the copy must
 * be the very bytes the same codec writes in line and compare with the original; a copy refused
 * after its sheet went to the pool is refused as in line.
 */
import type { ResultPlan } from "../src/engine/host";
import { useNodeDeflate } from "../src/file/node/deflate";
import { copyMismatch, toAnnotatedCopy, toAnnotatedCopyAside } from "../src/file/resave";
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
