/**
 * The reader against what third-party writers and damaged or crafted files actually contain:
 * any namespace prefix (ns2:, x:), CDATA, empty <v/>, inline strings without t=, comments inside
 * sheetData, chart sheets, Zip64 containers, directory counts that lie, duplicated part names,
 * zip-level passwords, the grid budget — and real corpus files that show each of these.
 */
import * as fs from "fs";
import * as path from "path";
import { strFromU8, strToU8, zipSync } from "fflate";
import { LIMITS, readWorkbook, setUtf8Slice, sheetGrid, type ReadResult } from "../src/file/xlsx-read";
import { decodeXml, escapeXml, textOf } from "../src/file/xml";
import { entryData, fflateInflate, listZip, setInflate } from "../src/file/zip";
import { keepInflated, nodeInflate, nodeSameBytes, nodeUtf8Slice, useNodeInflate, zlibPieces } from "../src/file/node/inflate";
import { buildXlsx } from "./support/xlsx-build";
import { CORPUS } from "./support/corpus";

function grids(r: ReadResult) {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.workbook.sheets.map((s) => {
    const g = sheetGrid(s);
    if (!g.ok) throw new Error(`${g.error.code}: ${g.error.message}`);
    return g.grid;
  });
}
function code(r: ReadResult): string {
  if (r.ok) return "ok";
  // Plain Chinese with the next step, no code or English in brackets (the code is r.error.code).
  expect(r.error.message).toMatch(/^[^a-z]*[\u4e00-\u9fff].*；请/);
  expect(r.error.message).not.toContain(r.error.code);
  return r.error.code;
}
const one = (xml: string) => buildXlsx({ sheets: [{ name: "S", xml }] });

/** A stored (uncompressed) zip written byte by byte; with zip64, sizes and offsets live only in Zip64 fields. */
function storedZip(files: Record<string, string>, zip64: boolean): Uint8Array {
  const chunks: number[] = [];
  const central: number[] = [];
  const u16 = (a: number[], v: number) => a.push(v & 0xff, (v >>> 8) & 0xff);
  const u32 = (a: number[], v: number) => a.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  const u64 = (a: number[], v: number) => (u32(a, v), u32(a, 0));
  const entries = Object.entries(files);
  for (const [name, text] of entries) {
    const n = strToU8(name);
    const data = strToU8(text);
    const offset = chunks.length;
    u32(chunks, 0x04034b50), u16(chunks, 20), u16(chunks, 0x800), u16(chunks, 0), u32(chunks, 0), u32(chunks, 0);
    u32(chunks, data.length), u32(chunks, data.length), u16(chunks, n.length), u16(chunks, 0);
    chunks.push(...n, ...data);
    u32(central, 0x02014b50), u16(central, 45), u16(central, 45), u16(central, 0x800), u16(central, 0), u32(central, 0), u32(central, 0);
    u32(central, zip64 ? 0xffffffff : data.length), u32(central, zip64 ? 0xffffffff : data.length);
    u16(central, n.length), u16(central, zip64 ? 28 : 0), u16(central, 0), u16(central, 0), u16(central, 0), u32(central, 0);
    u32(central, zip64 ? 0xffffffff : offset);
    central.push(...n);
    if (zip64) u16(central, 1), u16(central, 24), u64(central, data.length), u64(central, data.length), u64(central, offset);
  }
  const dir = chunks.length;
  chunks.push(...central);
  const z = chunks.length;
  if (zip64) {
    u32(chunks, 0x06064b50), u64(chunks, 44), u16(chunks, 45), u16(chunks, 45), u32(chunks, 0), u32(chunks, 0);
    u64(chunks, entries.length), u64(chunks, entries.length), u64(chunks, central.length), u64(chunks, dir);
    u32(chunks, 0x07064b50), u32(chunks, 0), u64(chunks, z), u32(chunks, 1);
  }
  u32(chunks, 0x06054b50), u16(chunks, 0), u16(chunks, 0);
  u16(chunks, zip64 ? 0xffff : entries.length), u16(chunks, zip64 ? 0xffff : entries.length);
  u32(chunks, central.length), u32(chunks, zip64 ? 0xffffffff : dir), u16(chunks, 0);
  return Uint8Array.from(chunks);
}

const WB_PARTS: Record<string, string> = {
  "[Content_Types].xml": "<Types/>",
  "_rels/.rels": '<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
  "xl/workbook.xml": '<workbook xmlns:r="r"><sheets><sheet name="经费" sheetId="1" r:id="rId1"/></sheets></workbook>',
  "xl/_rels/workbook.xml.rels": '<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
  "xl/worksheets/sheet1.xml": '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>交通费</t></is></c><c r="B1"><v>320</v></c></row></sheetData></worksheet>',
};

describe("markup as other writers spell it", () => {
  test("any namespace prefix on every element (ns2: from JAXB writers, x: from .NET)", () => {
    for (const p of ["ns2:", "x:"]) {
      const xml = `<${p}worksheet xmlns:${p.slice(0, -1)}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><${p}sheetData><${p}row r="1" hidden="1"><${p}c r="A1" t="inlineStr"><${p}is><${p}t>序号</${p}t></${p}is></${p}c><${p}c r="B1"><${p}v>7</${p}v></${p}c></${p}row></${p}sheetData><${p}mergeCells><${p}mergeCell ref="A1:B1"/></${p}mergeCells></${p}worksheet>`;
      const [g] = grids(readWorkbook(one(xml)));
      expect(g.rows).toEqual([["序号", 7]]);
      expect(g.hiddenRows).toEqual([1]);
      expect(g.merges).toEqual(["A1:B1"]);
    }
  });

  test("CDATA text, an empty <v/> or <v></v> (blank, never 0), an inline string without t=, comments between cells", () => {
    const [g] = grids(
      readWorkbook(
        one(
          '<row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[A&B <注>]]></t></is></c><c r="B1"><v></v></c><c r="C1"><v/></c><c r="D1"><is><t>无类型</t></is></c></row>' +
            '<!-- <row r="5"><c r="A5"><v>9</v></c></row> --><row r="2"><c r="A2" s="0"><v>1</v></c></row>',
        ),
      ),
    );
    expect(g.rows).toEqual([["A&B <注>", null, null, "无类型"], [1]]);
  });

  test("attributes in single quotes, spaces around =, and r before or after t", () => {
    const [g] = grids(readWorkbook(one("<row r='1'><c t = 'b' r = 'B1'><v>1</v></c><c t=\"str\" r=\"C1\"><v>是</v></c></row>")));
    expect(g.rows).toEqual([[null, true, "是"]]);
  });

  test("a cell that never closes stops at the next cell instead of swallowing it", () => {
    const [g] = grids(readWorkbook(one('<row r="1"><c r="A1"><v>1</v><c r="B1"><v>2</v></c></row>')));
    expect(g.rows).toEqual([[1, 2]]);
  });

  test("a chart sheet is an empty sheet, not an error", () => {
    const chart = '<?xml version="1.0"?><chartsheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetPr/><drawing r:id="rId1"/></chartsheet>';
    const book = buildXlsx({ sheets: [{ name: "图表", xml: "" }, { name: "数据", xml: '<row r="1"><c r="A1"><v>5</v></c></row>' }], extra: { "xl/worksheets/sheet1.xml": chart } });
    expect(grids(readWorkbook(book)).map((g) => g.rows)).toEqual([[], [[5]]]);
  });

  test("entities and OOXML escapes decode, and what we escape reads back as typed", () => {
    expect(decodeXml("&lt;&#x4E00;&#19968;&amp;_x0007__x005F_x0041_")).toBe("<一一&\u0007_x0041_");
    for (const s of ["=1+1", "a_x0041_b", "控制\u0001字符\u001f", "<&\">", "🔬 مدرسة"]) expect(textOf(`<t>${escapeXml(s)}</t>`)).toBe(s);
  });
});

describe("cells read in one pass (the common shapes) read as the general reader reads them", () => {
  // Each cell as written, then the same cell with an attribute of more than one letter, which
  // the one-pass reader leaves to the general one: both sheets must give the same grid.
  // (# is the row's number.)
  const addresses = ["A#", "B#", "$C$#", "d#", "AA#", "XFD1", "XFE#", "A1048577", "A0", "E", "7", "", "F0#", "ZZZZ#", "G#x"];
  const values: [string, string][] = [
    ['t="s"', "<v>0</v>"], ['t="s"', "<v>1</v>"], ['t="s"', "<v>2</v>"], ['t="s"', "<v>01</v>"], ['t="s"', "<v>1234567890123456</v>"], ['t="s"', "<v></v>"], ['t="s"', "<v> 1</v>"],
    ["", "<v>0</v>"], ["", "<v>-0</v>"], ["", "<v>12</v>"], ["", "<v>1.5</v>"], ["", "<v>1.</v>"], ["", "<v>.5</v>"], ["", "<v>-.5</v>"], ["", "<v>1e5</v>"],
    ["", "<v>123456789012345</v>"], ["", "<v>1234567890123456</v>"], ["", "<v>0.1234567890123456</v>"], ["", "<v>00012</v>"], ["", "<v> 12</v>"], ["", "<v>+1</v>"], ["", "<v>--1</v>"], ["", "<v>1.2.3</v>"],
    ['t="n"', "<v>7</v>"], ['t="str"', "<v>是</v>"], ['t="b"', "<v>1</v>"], ['t="e"', "<v>#N/A</v>"], ['t="d"', "<v>2024-09-01</v>"], ['t="inlineStr"', "<is><t>3项</t></is>"], ['t="inlineStr"', "<is><t>a&amp;b</t></is>"],
    ['s="1"', "<v>45000</v>"], ['s="1" t="s"', "<v>1</v>"], ['t="s" s="1"', "<v>1</v>"],
  ];
  const cells = (extra: string) => {
    let row = 0;
    const out: string[] = [];
    values.forEach(([attrs, inner]) => {
      // A row of its own for each value, every address in it; the cells without r= follow the ones before them.
      out.push(`<row r="${++row}">`);
      for (const a of addresses) out.push(`<c${extra} r="${a.replace("#", String(row))}"${attrs ? ` ${attrs}` : ""}>${inner}</c>`);
      out.push(`<c${extra}${attrs ? ` ${attrs}` : ""}>${inner}</c>`, `<c${extra} r="H${row}" r="I"${attrs ? ` ${attrs}` : ""}>${inner}</c>`, `</row>`);
    });
    return out.join("");
  };
  const shared = ["<t>甲</t>", "<t>是</t>", "<t>3项</t>"];

  test.each([false, true])("in the 1900 system and the 1904 system (date1904: %s)", (date1904) => {
    const read = (extra: string) => grids(readWorkbook(buildXlsx({ sheets: [{ name: "S", xml: cells(extra) }], shared, date1904 })))[0];
    const fast = read("");
    const general = read(' cm="1"');
    expect(fast.rows).toEqual(general.rows);
    expect(fast.unplaced).toEqual(general.unplaced);
    expect(fast.rows.length).toBe(values.length);
  });
});

describe("encodings", () => {
  const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
  const sheet = `<?xml version="1.0" encoding="UTF-16"?><worksheet ${NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>\ufeff甲</t></is></c><c r="B1" t="s"><v>0</v></c><c r="C1"><v>1.5</v></c><c r="D1" t="inlineStr"><is><t>\u{20000}x</t></is></c></row></sheetData></worksheet>`;
  const strings = `<sst ${NS}><si><t>乙\u{1F600}</t></si></sst>`;
  const utf16le = (t: string) => new Uint8Array(Buffer.from(`\ufeff${t}`, "utf16le"));
  const utf16be = (t: string) => new Uint8Array(Buffer.from(t, "utf16le").swap16());
  const utf8bom = (t: string) => new Uint8Array(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t)]));
  // A text that starts with U+FEFF keeps it: only a part's first bytes are a byte-order mark.
  const expected = [["\ufeff甲", "乙\u{1F600}", 1.5, "\u{20000}x"]];
  const books = {
    "UTF-16LE with a byte-order mark": buildXlsx({ sheets: [{ name: "S", xml: "" }], extra: { "xl/worksheets/sheet1.xml": utf16le(sheet), "xl/sharedStrings.xml": utf16le(strings) } }),
    "UTF-16BE without one": buildXlsx({ sheets: [{ name: "S", xml: "" }], extra: { "xl/worksheets/sheet1.xml": utf16be(sheet), "xl/sharedStrings.xml": utf16be(strings) } }),
    "UTF-8 with one": buildXlsx({ sheets: [{ name: "S", xml: "" }], extra: { "xl/worksheets/sheet1.xml": utf8bom(sheet), "xl/sharedStrings.xml": utf8bom(strings) } }),
  };

  test.each(Object.keys(books))("parts in %s read as the same cells, whole and cut into pieces anywhere", (which) => {
    const book = books[which as keyof typeof books];
    try {
      expect(grids(readWorkbook(book))[0].rows).toEqual(expected);
      useNodeInflate();
      expect(grids(readWorkbook(book))[0].rows).toEqual(expected);
      // pieces of 3 bytes: UTF-16 code units, surrogate pairs and UTF-8 sequences cut in two
      setInflate(nodeInflate, 0, zlibPieces(3));
      expect(grids(readWorkbook(book))[0].rows).toEqual(expected);
    } finally {
      setInflate(fflateInflate);
    }
  });
});

describe("texts decoded by Node's Buffer (what the command line's workers use) read as the TextDecoder reads them", () => {
  test("any bytes, malformed ones included: the same text", () => {
    const td = new TextDecoder("utf-8", { ignoreBOM: true });
    // Lead, continuation and never-valid bytes, and sequences cut short, overlong or surrogate: where decoders tend to differ.
    const odd = [0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbb, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xee, 0xef, 0xf0, 0xf4, 0xf5, 0xfe, 0xff];
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const buf = new Uint8Array(48);
    for (let k = 0; k < 100_000; k++) {
      for (let i = 0; i < buf.length; i++) buf[i] = rnd(10) < 7 ? odd[rnd(odd.length)] : rnd(256);
      const from = rnd(20);
      const to = from + rnd(28);
      if (nodeUtf8Slice!(buf, from, to) !== td.decode(buf.subarray(from, to))) throw new Error(`differs on ${Buffer.from(buf.subarray(from, to)).toString("hex")}`);
    }
    const named = strToU8("\ufeff第0批工作室1");
    expect(nodeUtf8Slice!(named, 0, named.length)).toBe("\ufeff第0批工作室1");
  });

  test("a workbook with malformed UTF-8 in its strings reads as the same cells", () => {
    const bad = (t: string) => new Uint8Array([...strToU8(t), 0xe5, 0x8f, 0x41, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xf0, 0x9f, 0x98]);
    const sheet = new Uint8Array([...strToU8(`<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>`), ...bad("乙"), ...strToU8(`</t></is></c></row></sheetData></worksheet>`)]);
    const strings = new Uint8Array([...strToU8(`<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>`), ...bad("甲"), ...strToU8(`</t></si></sst>`)]);
    const book = buildXlsx({ sheets: [{ name: "S", xml: "" }], extra: { "xl/worksheets/sheet1.xml": sheet, "xl/sharedStrings.xml": strings } });
    setUtf8Slice(null);
    const expected = grids(readWorkbook(book))[0].rows;
    expect(String(expected[0][0])).toContain("\ufffd");
    try {
      setUtf8Slice(nodeUtf8Slice);
      expect(grids(readWorkbook(book))[0].rows).toEqual(expected);
    } finally {
      setUtf8Slice(null);
    }
  });
});

test("a part kept for the copy (keepInflated): read again from the same file, the very bytes inflated before; never another file's; let go when asked", () => {
  const book = buildXlsx({ sheets: [{ name: "S", xml: `<row r="1"><c r="A1"><v>1</v></c></row>` }] });
  const other = book.slice();
  const sheet = listZip(book).find((e) => e.name === "xl/worksheets/sheet1.xml")!;
  const data = (z: Uint8Array) => entryData(z, sheet);
  try {
    keepInflated(book.buffer);
    const first = nodeInflate(data(book), sheet.size).data;
    expect(strFromU8(first)).toContain('<c r="A1">');
    expect(nodeInflate(data(book), sheet.size).data).toBe(first);
    // The same bytes in another buffer (the copy read back) are inflated anew.
    const elsewhere = nodeInflate(data(other), sheet.size).data;
    expect(elsewhere).not.toBe(first);
    expect(elsewhere).toEqual(first);
    keepInflated(null);
    const after = nodeInflate(data(book), sheet.size).data;
    expect(after).not.toBe(first);
    expect(after).toEqual(first);
  } finally {
    keepInflated(null);
  }
});

test("bytes compared by Node's Buffer (the copy's parts read back) as by the loop: views at any offset, any length", () => {
  const buf = new Uint8Array(64).map((_, i) => (i * 37) & 0xff);
  const twin = new Uint8Array(80);
  twin.set(buf, 9);
  for (let from = 0; from < 20; from++) {
    for (let len = 0; len < 40; len++) {
      const a = buf.subarray(from, from + len);
      expect(nodeSameBytes(a, twin.subarray(9 + from, 9 + from + len))).toBe(true);
      expect(nodeSameBytes(a, buf.subarray(from, from + len + 1))).toBe(false);
      if (len) {
        const other = a.slice();
        other[len - 1] ^= 1;
        expect(nodeSameBytes(a, other)).toBe(false);
        other[len - 1] ^= 1;
        other[0] ^= 0x80;
        expect(nodeSameBytes(a, other)).toBe(false);
      }
    }
  }
});

describe("containers", () => {
  test("a Zip64 package (sizes and offsets only in Zip64 fields) opens", () => {
    const bytes = storedZip(WB_PARTS, true);
    expect(listZip(bytes).map((e) => e.size)).toEqual(Object.values(WB_PARTS).map((t) => strToU8(t).length));
    expect(grids(readWorkbook(bytes))[0].rows).toEqual([["交通费", 320]]);
    expect(grids(readWorkbook(storedZip(WB_PARTS, false)))[0].rows).toEqual([["交通费", 320]]);
  });

  test("a directory that claims more entries than the file can hold is refused at once (no loop over a lie)", () => {
    const bytes = storedZip(WB_PARTS, false);
    const eocd = bytes.length - 22;
    const lie = bytes.slice();
    lie[eocd + 10] = 0xff;
    lie[eocd + 11] = 0xff;
    expect(code(readWorkbook(lie))).toBe("damaged");
  });

  test("two parts under one name (case or repetition) are refused: readers would disagree which is real", () => {
    const bytes = zipSync({ ...Object.fromEntries(Object.entries(WB_PARTS).map(([k, v]) => [k, strToU8(v)])), "XL/worksheets/Sheet1.xml": strToU8("<worksheet><sheetData/></worksheet>") });
    expect(code(readWorkbook(bytes))).toBe("damaged");
  });

  test("a part stored with a zip-level password is reported as encrypted", () => {
    const bytes = storedZip(WB_PARTS, false);
    // general-purpose flag bit 0 in the local and central headers of every entry
    for (let i = 0; i + 4 <= bytes.length; i++) {
      if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 3 && bytes[i + 3] === 4) bytes[i + 6] |= 1;
      if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 1 && bytes[i + 3] === 2) bytes[i + 8] |= 1;
    }
    expect(code(readWorkbook(bytes))).toBe("encrypted");
  });

  test("a part that inflates a few bytes past its declared size is cut there, with fflate and with node's zlib alike", () => {
    // deflate the parts, then declare the relationships part 2 bytes short (as calamine's issue252.xlsx does)
    const zipped = zipSync(Object.fromEntries(Object.entries(WB_PARTS).map(([k, v]) => [k, strToU8(v)])));
    const dv = new DataView(zipped.buffer);
    const entry = listZip(zipped).find((e) => e.name === "xl/_rels/workbook.xml.rels")!;
    for (let i = 0; i + 46 < zipped.length; i++) {
      if (dv.getUint32(i, true) === 0x02014b50 && dv.getUint32(i + 42, true) === entry.offset) dv.setUint32(i + 24, entry.size - 2, true);
    }
    expect(listZip(zipped).find((e) => e.name === entry.name)!.size).toBe(entry.size - 2);
    expect(grids(readWorkbook(zipped))[0].rows).toEqual([["交通费", 320]]);
    useNodeInflate();
    try {
      expect(grids(readWorkbook(zipped))[0].rows).toEqual([["交通费", 320]]);
    } finally {
      setInflate(fflateInflate);
    }
  });

  test("all sheets together declaring more than the limit are refused before any is inflated", () => {
    const r = readWorkbook(one('<row r="1"><c r="A1"><v>1</v></c></row>'), { limits: { inflatedBytes: 100 } });
    expect(code(r)).toBe("too-large");
  });
});

describe("the grid budget", () => {
  test("a lone value at XFD1048576 is read where it is: rows up to it, one wide row, nothing filled in between", () => {
    const [g] = grids(readWorkbook(one('<row r="1"><c r="A1" t="inlineStr"><is><t>标题</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')));
    expect(g.rows.length).toBe(1_048_576);
    expect(g.rows[1_048_575].length).toBe(16_384);
    expect(g.rows[1_048_575][16_383]).toBe(1);
    expect(g.rows[500_000]).toEqual([]);
    // Only the two rows that hold something have any width: the empty rows between are not padded.
    let held = 0;
    for (const row of g.rows) held += row.length;
    expect(held).toBe(1 + 16_384);
  });

  test("a long shared string used by cell after cell is counted at every use: refused at the cell that passes the text budget, read in one pass or not", () => {
    const shared = [`<t>${"长".repeat(100)}</t>`, "<t>是</t>"];
    for (const extra of ["", ' cm="1"']) {
      const rows = Array.from({ length: 10 }, (_, i) => `<row r="${i + 1}"><c${extra} r="A${i + 1}" t="s"><v>0</v></c><c${extra} r="B${i + 1}" t="s"><v>1</v></c></row>`).join("");
      const book = buildXlsx({ sheets: [{ name: "名单", xml: rows }], shared });
      const r = readWorkbook(book, { limits: { textChars: 350 } });
      if (!r.ok) throw new Error(r.error.message);
      const g = sheetGrid(r.workbook.sheets[0]);
      // 100 + 1 per row: 101, 202, 303, then A4 makes 403.
      expect(g.ok ? "read" : g.error).toEqual({ code: "too-large", message: expect.stringContaining("工作表“名单”到 A4 为止的文字已超过 350 个字符") });
      expect(grids(readWorkbook(book, { limits: { textChars: 1010 } }))[0].rows).toHaveLength(10);
    }
  });

  test("values spread wider than the budget are refused as too-large, naming the sheet and the cell", () => {
    // 3 rows each with one value in column XFD: 3 × 16,384 slots against a budget of 40,000
    const xml = [1, 2, 3].map((r) => `<row r="${r}"><c r="XFD${r}"><v>${r}</v></c></row>`).join("");
    const r = readWorkbook(one(xml), { limits: { gridSlots: 40_000 } });
    if (!r.ok) throw new Error(r.error.message);
    const g = sheetGrid(r.workbook.sheets[0]);
    expect(g.ok).toBe(false);
    if (!g.ok) {
      expect(g.error.code).toBe("too-large");
      expect(g.error.message).toContain("“S”");
      expect(g.error.message).toContain("XFD3");
    }
    expect(LIMITS.gridSlots).toBeGreaterThanOrEqual(5_000_000);
  });
});

const corpus = (p: string) => new Uint8Array(fs.readFileSync(path.join(CORPUS, p)));

(fs.existsSync(CORPUS) ? describe : describe.skip)("real files from ../shared/corpus", () => {
  test("easyexcel t04: a Chinese sheet written with ns2: prefixes reads with its headers", () => {
    const [g] = grids(readWorkbook(corpus("zh_easyexcel/easyexcel-test/src/test/resources/compatibility/t04.xlsx")));
    expect(g.rows[0].slice(0, 4)).toEqual(["序号", "ID号", "工位号", "eblock编码"]);
    expect(g.merges).toContain("B2:B9");
  });

  test("PhpSpreadsheet issue 3720: ns2: prefixed sheets with merges", () => {
    const gs = grids(readWorkbook(corpus("phpspreadsheet/tests/data/Reader/XLSX/issue.3720.xlsx")));
    expect(gs[0].rows[0]).toEqual(["Instructions Link"]);
    expect(gs[2].rows[2]).toEqual([null, " FILL IN WHITE CELLS ONLY"]);
  });

  test("calamine inlineStr_cdata: CDATA inline strings", () => {
    expect(grids(readWorkbook(corpus("calamine/tests/inlineStr_cdata.xlsx")))[0].rows).toEqual([["Hello CDATA", "World"], ["12345", "NormalText"]]);
  });

  test("POI 52575_main: an inline string cell without t=", () => {
    expect(grids(readWorkbook(corpus("poi/test-data/spreadsheet/52575_main.xlsx")))[0].rows).toEqual([[10], ["POI rocks!"], [true]]);
  });

  test("POI duplicate-filename (two sheet1.xml parts): refused as damaged", () => {
    expect(code(readWorkbook(corpus("poi/test-data/spreadsheet/duplicate-filename.xlsx")))).toBe("damaged");
    expect(code(readWorkbook(corpus("poi/test-data/spreadsheet/duplicate-filename-case-insensitive.xlsx")))).toBe("damaged");
  });

  // Its cost is not timed here (a timer fails on a slow machine, CI's 2 cores measured 7.4 s of CPU):
  // read-hostile.test.ts holds linear cost as a ratio between two sizes.
  test("SheetJS large_strings (57 MB of sheet XML, 170,000 long string formulas): every row read", () => {
    const gs = grids(readWorkbook(corpus("sheetjs/large_strings.xlsx")));
    expect(gs[0].rows.length).toBe(9999);
  });

  test("openpyxl null_archive and POI invalid.xlsx: a zip that is no workbook → not-a-workbook", () => {
    expect(code(readWorkbook(corpus("openpyxl_2015/openpyxl/tests/data/reader/null_archive.xlsx")))).toBe("not-a-workbook");
    expect(code(readWorkbook(corpus("poi/test-data/openxml4j/invalid.xlsx")))).toBe("not-a-workbook");
  });

  test("exceljs missing-bits: a sheet but no workbook part → damaged", () => {
    expect(code(readWorkbook(corpus("exceljs/spec/integration/data/missing-bits.xlsx")))).toBe("damaged");
  });
});
