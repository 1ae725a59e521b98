/**
 * The page's worker inflates a workbook's sheets ahead with the browser's own inflater
 * (DecompressionStream "deflate-raw", which Node has too), and the synchronous read takes them:
 * the cells read, and every refusal, are those of fflate alone — a sheet declared a few bytes
 * short, one declared far shorter than it holds, damaged data.
 */
import { inflatedAhead } from "../src/file/web-inflate";
import * as zip from "../src/file/zip";
import { listZip, withInflate } from "../src/file/zip";
import { readAll, type ReadBack } from "../src/file/xlsx-read";
import { bigAssessmentBook } from "./support/big-book";

const SHEET = "xl/worksheets/sheet1.xml";

/** What a read gives: every sheet's cells, or the refusal's code. */
function outcome(r: ReadBack): unknown {
  if (!r.ok) return { code: r.error.code };
  return r.sheets.map((s) => (s.grid ? s.grid.rows : { code: s.error?.code }));
}

async function bothWays(bytes: Uint8Array): Promise<{ plain: unknown; ahead: unknown; native: boolean }> {
  const plain = outcome(readAll(bytes));
  const inflate = await inflatedAhead(bytes);
  return { plain, ahead: inflate ? outcome(withInflate(inflate, () => readAll(bytes))) : plain, native: inflate !== null };
}

/** The package with a part's declared size changed in its central directory (what the reader goes by). */
function declared(bytes: Uint8Array, name: string, size: (real: number) => number): Uint8Array {
  const out = bytes.slice();
  const dv = new DataView(out.buffer);
  const entry = listZip(out).find((e) => e.name === name)!;
  for (let i = 0; i + 46 < out.length; i++) if (dv.getUint32(i, true) === 0x02014b50 && dv.getUint32(i + 42, true) === entry.offset) dv.setUint32(i + 24, size(entry.size), true);
  return out;
}

const book = bigAssessmentBook(3_000);

test("a workbook's sheet inflated ahead natively reads cell for cell as with fflate, and fflate is not asked for it", async () => {
  const sheet = listZip(book).find((e) => e.name === SHEET)!;
  const fflate = jest.spyOn(zip, "fflateInflate");
  try {
    const { plain, ahead, native } = await bothWays(book);
    expect(native).toBe(true);
    expect(ahead).toEqual(plain);
    expect((plain as unknown[][][])[0]).toHaveLength(3_002);
    // The small parts fall back to fflate; the sheet never does.
    expect(fflate.mock.calls.some(([, size]) => size === sheet.size)).toBe(false);
    expect(fflate.mock.calls.length).toBeGreaterThan(0);
  } finally {
    fflate.mockRestore();
  }
});

test("a sheet declared a few bytes short is read whole, and one declared far shorter than it holds is refused — alike both ways", async () => {
  const short = await bothWays(declared(book, SHEET, (n) => n - 2));
  expect(short.native).toBe(true);
  expect(short.ahead).toEqual(short.plain);
  expect((short.plain as unknown[][][])[0]).toHaveLength(3_002);
  const lying = await bothWays(declared(book, SHEET, (n) => n - 200_000));
  expect(lying.native).toBe(true);
  expect(lying.plain).toEqual([{ code: "damaged" }]);
  expect(lying.ahead).toEqual(lying.plain);
});

test("a sheet whose deflate data is damaged gets fflate's verdict either way", async () => {
  const sheet = listZip(book).find((e) => e.name === SHEET)!;
  const broken = book.slice();
  const dv = new DataView(broken.buffer);
  const start = sheet.offset + 30 + dv.getUint16(sheet.offset + 26, true) + dv.getUint16(sheet.offset + 28, true);
  for (let i = 0; i < 64; i++) broken[start + 1000 + i] ^= 0x5a;
  const fflate = jest.spyOn(zip, "fflateInflate");
  try {
    const r = await bothWays(broken);
    expect(r.ahead).toEqual(r.plain);
    expect(r.plain).not.toEqual(outcome(readAll(book)));
    // The browser's inflater refused it: the sheet was left to fflate.
    expect(fflate.mock.calls.filter(([, size]) => size === sheet.size).length).toBeGreaterThan(0);
  } finally {
    fflate.mockRestore();
  }
});
