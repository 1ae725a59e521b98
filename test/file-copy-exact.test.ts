/**
 * Annotated copies are exact or refused: each case is a package crafted here with the markup that
 * fooled the earlier copy (quoting, duplicate names, shared formulas, prefixes, comments, CDATA,
 * part names in GBK, a part called __proto__), and a property test over generated workbooks holds
 * every copy to "every original part and cell identical, only our cells and sheets added".
 */
import fc from "fast-check";
import { strToU8, unzipSync } from "fflate";
import type { ResultPlan } from "../src/engine/host";
import type { CellValue } from "../src/engine/types";
import { markerOfBytes, markerParts } from "../src/file/marker";
import { copyMismatch, toAnnotatedCopy } from "../src/file/resave";
import { readWorkbook, sheetGrid } from "../src/file/xlsx-read";
import { rawEntries, writeZip, type Part } from "../src/file/zip-copy";
import { buildXlsx } from "./support/xlsx-build";

const dec = new TextDecoder();
const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

function grids(bytes: Uint8Array): Record<string, CellValue[][]> {
  const r = readWorkbook(bytes);
  if (!r.ok) throw new Error(r.error.message);
  return Object.fromEntries(
    r.workbook.sheets.map((s) => {
      const g = sheetGrid(s);
      if (!g.ok) throw new Error(g.error.message);
      return [s.name, g.grid.rows];
    }),
  );
}

function copyOf(bytes: Uint8Array, plans: ResultPlan[]): Uint8Array {
  const out = toAnnotatedCopy(bytes, plans);
  if (!(out instanceof Uint8Array)) throw new Error(out.error.message);
  return out;
}

const refusal = (bytes: Uint8Array, plans: ResultPlan[]): string => {
  const out = toAnnotatedCopy(bytes, plans);
  if (out instanceof Uint8Array) throw new Error("expected a refusal, got a copy");
  expect(out.error.code).toBe("cannot-resave");
  return out.error.message;
};

const plan = (sheet: string, rows: { row: number; values: (string | number | null)[] }[], startCol = 3): ResultPlan => ({ sheet, headerRow: 1, startCol, headers: ["校验结果"], rows, marks: [] });

const inline = (ref: string, s: string) => `<c r="${ref}" t="inlineStr"><is><t>${s}</t></is></c>`;

describe("sheets are found through their relationships, exactly as the reader finds them", () => {
  // 甲 is the second part, 乙 the first: a copy that guessed by position would write into 乙.
  const book = (sheetTags: string) =>
    buildXlsx({
      sheets: [
        { name: "x", xml: `<row r="1">${inline("A1", "乙的表")}</row>` },
        { name: "y", xml: `<row r="1">${inline("A1", "甲的表")}</row>` },
      ],
      extra: { "xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8"?><workbook ${NS}><sheets>${sheetTags}</sheets></workbook>` },
    });

  test.each([
    ["single quotes", `<sheet name='甲' sheetId='1' r:id='rId2'/><sheet name='乙' sheetId='2' r:id='rId1'/>`],
    ["another prefix for the namespace", `<sheet xmlns:rel="${REL}" name="甲" sheetId="1" rel:id="rId2"/><sheet xmlns:rel="${REL}" name="乙" sheetId="2" rel:id="rId1"/>`],
    ["a commented-out sheet before them", `<!-- <sheet name="甲" sheetId="9" r:id="rId1"/> --><sheet name="甲" sheetId="1" r:id="rId2"/><sheet name="乙" sheetId="2" r:id="rId1"/>`],
  ])("%s", (_label, tags) => {
    const out = copyOf(book(tags), [plan("甲", [{ row: 2, values: ["通过"] }])]);
    const g = grids(out);
    expect(g["甲"]).toEqual([["甲的表", null, "校验结果"], [null, null, "通过"]]);
    expect(g["乙"]).toEqual([["乙的表"]]);
  });

  test("two sheets under one name: refused (which one was checked cannot be told)", () => {
    const bytes = buildXlsx({ sheets: [{ name: "表", xml: `<row r="1">${inline("A1", "不合格")}</row>` }, { name: "表", xml: `<row r="1">${inline("A1", "优秀")}</row>` }] });
    expect(refusal(bytes, [plan("表", [{ row: 1, values: ["优秀 10/10"] }])])).toContain("同名工作表");
  });
});

describe("the result area is never written over", () => {
  test("a shared formula's child (only <f t=shared/>, no value) counts as content: refused naming the cell", () => {
    const xml = `<row r="1"><c r="C1"><f t="shared" ref="C1:C3" si="0">A1*2</f><v>2</v></c></row><row r="2">${inline("A2", "甲")}<c r="D2"><f t="shared" si="0"/></c></row>`;
    const bytes = buildXlsx({ sheets: [{ name: "表", xml }] });
    const pristine = bytes.slice();
    expect(refusal(bytes, [plan("表", [{ row: 2, values: ["通过"] }], 4)])).toContain("D2");
    expect(Buffer.compare(Buffer.from(bytes), Buffer.from(pristine))).toBe(0);
  });

  test("a mark on a formula cell only recolours it: the formula stays", () => {
    const xml = `<row r="2"><c r="B2"><f>1+1</f><v>2</v></c></row>`;
    const out = copyOf(buildXlsx({ sheets: [{ name: "表", xml }] }), [{ ...plan("表", []), marks: [{ address: "B2", severity: "error" }] }]);
    expect(dec.decode(unzipSync(out)["xl/worksheets/sheet1.xml"])).toMatch(/<c r="B2" s="\d+"><f>1\+1<\/f><v>2<\/v><\/c>/);
  });
});

describe("markup that is not what it looks like", () => {
  test("a <row> inside an XML comment is not a row: the comment is kept as it was, results go into real rows", () => {
    const comment = `<!-- <row r="2"><c r="C2"><v>0</v></c></row> -->`;
    const xml = `<row r="1">${inline("A1", "名称")}</row>${comment}<row r="2">${inline("A2", "甲")}</row>`;
    const out = copyOf(buildXlsx({ sheets: [{ name: "表", xml }] }), [plan("表", [{ row: 2, values: ["通过"] }, { row: 3, values: ["不通过"] }])]);
    const sheet = dec.decode(unzipSync(out)["xl/worksheets/sheet1.xml"]);
    expect(sheet).toContain(comment);
    expect([...sheet.replace(comment, "").matchAll(/<row r="(\d+)"/g)].map((m) => m[1])).toEqual(["1", "2", "3"]);
    expect(grids(out)["表"]).toEqual([["名称", null, "校验结果"], ["甲", null, "通过"], [null, null, "不通过"]]);
  });

  test("CDATA holding markup-like text: the original cell is kept byte for byte, ours goes after it", () => {
    const cell = `<c r="A2" t="inlineStr"><is><t><![CDATA[甲 <c r="C2"><v>1</v></c> & <row r="9">]]></t></is></c>`;
    const bytes = buildXlsx({ sheets: [{ name: "表", xml: `<row r="2">${cell}</row>` }] });
    const out = copyOf(bytes, [plan("表", [{ row: 2, values: ["通过"] }])]);
    const sheet = dec.decode(unzipSync(out)["xl/worksheets/sheet1.xml"]);
    expect(sheet).toContain(`<row r="2">${cell}<c r="C2" t="inlineStr">`);
    expect(sheet).not.toContain('<row r="9"><');
    expect(grids(out)["表"][1].slice(1)).toEqual([null, "通过"]);
  });

  test("an empty cell of ours addressed otherwise (r='c2', $C$3) is ours to the writer and to the read-back alike", () => {
    const xml = `<row r="1">${inline("A1", "名称")}</row><row r="2">${inline("A2", "甲")}<c r='c2' s="0"/></row><row r="3">${inline("A3", "乙")}<c r="$C$3"/></row>`;
    const bytes = buildXlsx({ sheets: [{ name: "表", xml }] });
    const plans = [plan("表", [{ row: 2, values: ["通过"] }, { row: 3, values: ["不通过"] }])];
    const out = copyOf(bytes, plans);
    expect(copyMismatch(bytes, out, plans)).toBeNull();
    expect(grids(out)["表"].slice(1)).toEqual([["甲", null, "通过"], ["乙", null, "不通过"]]);
  });

  test("a > inside a quoted attribute value does not end the tag", () => {
    const xml = `<row r="2" x14ac:note="a>b" xmlns:x14ac="urn:x">${inline("A2", "甲")}</row>`;
    const out = copyOf(buildXlsx({ sheets: [{ name: "表", xml }] }), [plan("表", [{ row: 2, values: ["通过"] }])]);
    expect(dec.decode(unzipSync(out)["xl/worksheets/sheet1.xml"])).toContain(`<row r="2" x14ac:note="a>b" xmlns:x14ac="urn:x">`);
    expect(grids(out)["表"][1]).toEqual(["甲", null, "通过"]);
  });

  test.each([
    ["rows under another prefix than <sheetData>", `<x:row r="2" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${inline("A2", "甲").replace(/<(\/?)(c|is|t)\b/g, "<$1x:$2")}</x:row>`],
    ["rows out of order", `<row r="3">${inline("A3", "乙")}</row><row r="2">${inline("A2", "甲")}</row>`],
    ["a row repeated", `<row r="2">${inline("A2", "甲")}</row><row r="2">${inline("B2", "乙")}</row>`],
    ["a cell whose address is in another row", `<row r="2">${inline("A3", "甲")}</row>`],
    ["cells out of order", `<row r="2">${inline("B2", "乙")}${inline("A2", "甲")}</row>`],
  ])("refused: %s", (_label, xml) => {
    refusal(buildXlsx({ sheets: [{ name: "表", xml }] }), [plan("表", [{ row: 2, values: ["通过"] }])]);
  });
});

/** Clears the UTF-8 flag of entries whose stored name is `name` (local and central headers), as old Chinese zip tools write them. */
function clearUtf8Flag(zip: Uint8Array, name: Uint8Array): Uint8Array {
  const out = zip.slice();
  for (let i = 0; i + name.length <= out.length; i++) {
    if (!name.every((b, k) => out[i + k] === b)) continue;
    for (const [back, flagAt] of [[30, 6], [46, 8]]) {
      const h = i - back;
      const sig = out[h] | (out[h + 1] << 8) | (out[h + 2] << 16) | (out[h + 3] << 24);
      if (h >= 0 && (sig === 0x04034b50 || sig === 0x02014b50) && (out[h + 26 + (back === 46 ? 2 : 0)] | (out[h + 27 + (back === 46 ? 2 : 0)] << 8)) === name.length) out[h + flagAt + 1] &= ~0x08;
    }
  }
  return out;
}

describe("every part is kept under its stored name", () => {
  // 图片 in GBK: CD BC C6 AC — not valid UTF-8.
  const gbk = new Uint8Array([...strToU8("xl/media/"), 0xcd, 0xbc, 0xc6, 0xac, ...strToU8(".png")]);
  const picture = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 9, 8, 7]);

  test("a part name in GBK without the UTF-8 flag, and a part called __proto__, come through byte for byte", () => {
    const base = buildXlsx({ sheets: [{ name: "表", xml: `<row r="1">${inline("A1", "名称")}</row>` }] });
    const parts = [...rawEntries(base).map((raw) => ({ raw })), { name: "gbk", nameBytes: gbk, data: picture }, { name: "__proto__", data: strToU8("<x/>") }];
    const withGbk = clearUtf8Flag(writeZip(base, parts), gbk);
    const before = rawEntries(withGbk);
    expect(before.find((e) => e.nameBytes.length === gbk.length && e.nameBytes.every((b, i) => b === gbk[i]))!.flags & 0x800).toBe(0);
    const out = copyOf(withGbk, [plan("表", [{ row: 2, values: ["通过"] }])]);
    const after = rawEntries(out);
    for (const e of before) {
      const f = after.find((x) => Buffer.compare(Buffer.from(x.nameBytes), Buffer.from(e.nameBytes)) === 0);
      expect(f).toBeDefined();
      expect(f!.flags & 0x800).toBe(e.flags & 0x800);
    }
    const proto = after.find((e) => e.name === "__proto__")!;
    expect(dec.decode(out.subarray(proto.dataStart, proto.dataStart + proto.compressedSize))).not.toBe("");
    expect(copyMismatch(withGbk, out, [plan("表", [{ row: 2, values: ["通过"] }])])).toBeNull();
  });
});

describe("the copy read back and compared with the original", () => {
  const bytes = buildXlsx({ sheets: [{ name: "表", xml: `<row r="1">${inline("A1", "名称")}</row><row r="2">${inline("A2", "甲")}<c r="B2"><v>5</v></c></row>` }], extra: { "xl/media/image1.png": new Uint8Array([1, 2, 3]) } });
  const plans = [plan("表", [{ row: 2, values: ["通过"] }])];
  const copy = copyOf(bytes, plans);

  test("the copy carries our marker; the original has none", () => {
    expect(markerOfBytes(copy)).toBe("annotated-copy");
    expect(markerOfBytes(bytes)).toBeNull();
    expect(copyMismatch(bytes, copy, plans)).toBeNull();
  });

  test("a part changed, a part missing, an official's cell changed, a result missing: each is named", () => {
    const entries = rawEntries(copy);
    const swap = (name: string, data: Uint8Array | null) =>
      writeZip(copy, entries.flatMap((e): Part[] => (e.name !== name ? [{ raw: e }] : data ? [{ name: e.name, data, like: e }] : [])));
    expect(copyMismatch(bytes, swap("xl/media/image1.png", new Uint8Array([1, 2, 4])), plans)).toContain("xl/media/image1.png");
    expect(copyMismatch(bytes, swap("xl/media/image1.png", null), plans)).toContain("少了 1 个部件");
    const sheet = dec.decode(unzipSync(copy)["xl/worksheets/sheet1.xml"]);
    expect(copyMismatch(bytes, swap("xl/worksheets/sheet1.xml", strToU8(sheet.replace("<v>5</v>", "<v>6</v>"))), plans)).toContain("B2");
    expect(copyMismatch(bytes, swap("xl/worksheets/sheet1.xml", strToU8(sheet.replace("通过", "不通过"))), plans)).toContain("C2");
    // Nothing readable to compare with: refused, never passed unchecked.
    const unreadable = swap("xl/workbook.xml", strToU8("<workbook"));
    expect(copyMismatch(unreadable, unreadable, plans)).toContain("原文件无法读取");
  });

  test("in the 1904 date system (compared cell by cell, not as bytes): the copy passes; a date or a result changed is named", () => {
    // 45000 under 1904 is 2027-03-15, under 1900 2023-03-15: the date system takes part in reading the cell.
    const dated = buildXlsx({ date1904: true, sheets: [{ name: "表", xml: `<row r="1">${inline("A1", "名称")}</row><row r="2">${inline("A2", "甲")}<c r="B2" s="1"><v>45000</v></c></row>` }] });
    const out = copyOf(dated, plans);
    expect(copyMismatch(dated, out, plans)).toBeNull();
    const entries = rawEntries(out);
    const sheet = dec.decode(unzipSync(out)["xl/worksheets/sheet1.xml"]);
    const swapSheet = (xml: string) => writeZip(out, entries.map((e): Part => (e.name !== "xl/worksheets/sheet1.xml" ? { raw: e } : { name: e.name, data: strToU8(xml), like: e })));
    expect(copyMismatch(dated, swapSheet(sheet.replace("<v>45000</v>", "<v>45001</v>")), plans)).toContain("B2");
    expect(copyMismatch(dated, swapSheet(sheet.replace("通过", "不通过")), plans)).toContain("C2");
  });

  test("a rewritten part whose CRC-32 is not its content's is refused: the sheet (summed as it is compared) and a small part", () => {
    const entries = rawEntries(copy);
    const badCrc = (name: string) =>
      writeZip(
        copy,
        entries.map((e): Part =>
          e.name !== name ? { raw: e } : { name: e.name, nameBytes: e.nameBytes, deflated: { chunks: [copy.subarray(e.dataStart, e.dataStart + e.compressedSize)], crc: (e.crc ^ 1) >>> 0, size: e.size }, like: e },
        ),
      );
    expect(entries.find((e) => e.name === "xl/worksheets/sheet1.xml")?.method).toBe(8);
    expect(copyMismatch(bytes, badCrc("xl/worksheets/sheet1.xml"), plans)).toContain("CRC-32");
    expect(copyMismatch(bytes, badCrc("docProps/custom.xml"), plans)).toContain("docProps/custom.xml");
    expect(copyMismatch(bytes, badCrc("docProps/custom.xml"), plans)).toContain("CRC-32");
  });

  test("the original's side taken as the copy was written, or walked anew for other plans: the same findings", () => {
    // Plans equal to those the copy was made with, but other objects: the original is walked again.
    const again = plans.map((p) => ({ ...p, rows: p.rows.map((r) => ({ ...r })) }));
    const sheet = dec.decode(unzipSync(copy)["xl/worksheets/sheet1.xml"]);
    const entries = rawEntries(copy);
    const tampered = writeZip(copy, entries.map((e): Part => (e.name !== "xl/worksheets/sheet1.xml" ? { raw: e } : { name: e.name, data: strToU8(sheet.replace("<v>5</v>", "<v>6</v>")), like: e })));
    for (const p of [plans, again]) {
      expect(copyMismatch(bytes, copy, p)).toBeNull();
      expect(copyMismatch(bytes, tampered, p)).toContain("B2 由“5”变为“6”");
    }
  });

  test("compared with the original as the check already read it (the command line's worker): the same findings", () => {
    const read = readWorkbook(bytes);
    if (!read.ok) throw new Error(read.error.message);
    expect(copyMismatch(bytes, copy, plans, [], read.workbook)).toBeNull();
    const sheet = dec.decode(unzipSync(copy)["xl/worksheets/sheet1.xml"]);
    const entries = rawEntries(copy);
    const tampered = writeZip(copy, entries.map((e): Part => (e.name !== "xl/worksheets/sheet1.xml" ? { raw: e } : { name: e.name, data: strToU8(sheet.replace("<v>5</v>", "<v>6</v>")), like: e })));
    expect(copyMismatch(bytes, tampered, plans, [], read.workbook)).toContain("B2 由“5”变为“6”");
  });
});

describe("a sheet we did not write into: compared by its part's bytes, and by everything it is read with", () => {
  const bytes = buildXlsx({
    shared: ["<t>名称</t>", "<t>乙</t>"],
    sheets: [
      { name: "表", xml: `<row r="1">${inline("A1", "名称")}</row><row r="2">${inline("A2", "甲")}<c r="B2"><v>5</v></c></row>` },
      { name: "附表", xml: `<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2"><v>7</v></c></row>` },
    ],
  });
  const plans = [plan("表", [{ row: 2, values: ["通过"] }])];
  const copy = copyOf(bytes, plans);
  const entries = rawEntries(copy);
  const swap = (name: string, data: Uint8Array) => writeZip(copy, entries.map((e): Part => (e.name !== name ? { raw: e } : { name: e.name, data, like: e })));
  const part = (name: string) => dec.decode(unzipSync(copy)[name]);

  test("the copy matches; the untouched sheet's part is the original's, byte for byte", () => {
    expect(copyMismatch(bytes, copy, plans)).toBeNull();
    expect(unzipSync(copy)["xl/worksheets/sheet2.xml"]).toEqual(unzipSync(bytes)["xl/worksheets/sheet2.xml"]);
    expect(grids(copy)["附表"]).toEqual([["名称"], ["乙", 7]]);
  });

  test("its part changed in the copy: the cell is named", () => {
    expect(copyMismatch(bytes, swap("xl/worksheets/sheet2.xml", strToU8(part("xl/worksheets/sheet2.xml").replace("<v>7</v>", "<v>8</v>"))), plans)).toContain("附表!B2");
  });

  test("its part the same but the shared strings it reads changed: the sheet is read and its cell named", () => {
    expect(copyMismatch(bytes, swap("xl/sharedStrings.xml", strToU8(part("xl/sharedStrings.xml").replace("乙", "丙"))), plans)).toContain("附表!A2");
  });

  test("its part the same but the workbook's relationships send the shared strings elsewhere: named", () => {
    const rels = part("xl/_rels/workbook.xml.rels").replace('Target="sharedStrings.xml"', 'Target="strings2.xml"');
    const moved = writeZip(copy, [...entries.map((e): Part => (e.name !== "xl/_rels/workbook.xml.rels" ? { raw: e } : { name: e.name, data: strToU8(rels), like: e })), { name: "xl/strings2.xml", data: strToU8(part("xl/sharedStrings.xml").replace("乙", "丙")) }]);
    expect(copyMismatch(bytes, moved, plans)).toContain("附表!A2");
  });
});

// How the copy's cost grows with the sheet is measured by cost ratio in scaling.test.ts, not by a clock here.
test("a 20,000-row sheet with 5,000 marked cells: every row's result written, the last one in place", () => {
  const rows = Array.from({ length: 20_000 }, (_, i) => `<row r="${i + 2}">${inline(`A${i + 2}`, `工作室${i}`)}<c r="B${i + 2}"><v>${i}</v></c></row>`).join("");
  const bytes = buildXlsx({ sheets: [{ name: "表", xml: `<row r="1">${inline("A1", "名称")}</row>${rows}` }] });
  const plans = [{ ...plan("表", Array.from({ length: 20_000 }, (_, i) => ({ row: i + 2, values: [i % 2 ? "通过" : "不通过"] }))), marks: Array.from({ length: 5000 }, (_, i) => ({ address: `B${i * 4 + 2}`, severity: "error" as const })) }];
  const out = copyOf(bytes, plans);
  expect(grids(out)["表"][20_000]).toEqual(["工作室19999", 19999, "通过"]);
}, 60_000);

// ------------------------------------------------------------------ property

/** A cell an official might have typed, as the XML of the cell at `ref`. */
const cellArb = fc.oneof(
  fc.integer({ min: -1e6, max: 1e6 }).map((n) => ({ xml: (ref: string) => `<c r="${ref}"><v>${n}</v></c>`, value: n as CellValue })),
  fc.string({ maxLength: 12 }).filter((s) => s.trim() !== "" && !/[\u0000-\u001f\ud800-\udfff\ufffe\uffff]/.test(s)).map((s) => ({
    xml: (ref: string) => `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/_x/g, "_x005F_x")}</t></is></c>`,
    value: s as CellValue,
  })),
  fc.constant({ xml: (ref: string) => `<c r="${ref}" s="1"/>`, value: null as CellValue }),
);

const bookArb = fc.record({
  rows: fc.array(fc.record({ gap: fc.integer({ min: 1, max: 3 }), cells: fc.array(fc.option(cellArb, { nil: undefined }), { maxLength: 5 }), comment: fc.boolean() }), { minLength: 1, maxLength: 12 }),
  prefix: fc.constantFrom("", "x:"),
  pictures: fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 3 }),
  startCol: fc.integer({ min: 1, max: 7 }),
  results: fc.array(fc.option(fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), { nil: null }), { minLength: 1, maxLength: 20 }),
  marks: fc.array(fc.record({ row: fc.integer({ min: 1, max: 30 }), col: fc.integer({ min: 1, max: 8 }) }), { maxLength: 6 }),
  added: fc.boolean(),
});

test("property: every original part and cell identical, only our cells and sheets added (or refused)", () => {
  fc.assert(
    fc.property(bookArb, (b) => {
      const p = b.prefix;
      let r = 0;
      const rowsXml = b.rows
        .map((row) => {
          r += row.gap;
          const cells = row.cells.map((c, i) => (c ? c.xml(`${String.fromCharCode(65 + i)}${r}`) : "")).join("");
          const x = `${row.comment ? `<!-- <row r="${r}"><c r="C${r}"/></row> -->` : ""}<row r="${r}">${cells}</row>`;
          return p ? x.replace(/<(\/?)(row|c|v|is|t)\b/g, `<$1${p}$2`) : x;
        })
        .join("");
      const sheetXml = `<?xml version="1.0"?><${p}worksheet xmlns${p ? ":x" : ""}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><${p}sheetData>${rowsXml}</${p}sheetData></${p}worksheet>`;
      const extra: Record<string, Uint8Array> = {};
      b.pictures.forEach((d, i) => (extra[`xl/media/image${i + 1}.png`] = d));
      const original = buildXlsx({ sheets: [{ name: "表", xml: sheetXml }, { name: "其他", xml: `<row r="1">${inline("A1", "不动")}</row>` }], extra });
      const pristine = original.slice();
      const plans: ResultPlan[] = [
        {
          sheet: "表",
          headerRow: 1,
          startCol: b.startCol,
          headers: ["校验结果"],
          rows: b.results.map((v, i) => ({ row: i + 2, values: [v] })),
          marks: b.marks.map((m) => ({ address: `${String.fromCharCode(64 + m.col)}${m.row}`, severity: "error" as const })),
        },
      ];
      const added = b.added ? [{ name: "校验结果", rows: [["行", "结果"], [2, "通过"]] as (string | number)[][], headerRows: [1] }] : [];
      const out = toAnnotatedCopy(original, plans, added);
      expect(Buffer.compare(Buffer.from(original), Buffer.from(pristine))).toBe(0);
      const before = grids(original);
      if (!(out instanceof Uint8Array)) {
        // Refused only because a cell of ours already holds something.
        expect(out.error.code).toBe("cannot-resave");
        expect(out.error.message).toContain("已有内容");
        return;
      }
      // Parts: every original one there; those we do not edit, byte for byte.
      const a = unzipSync(original);
      const c = unzipSync(out);
      const edited = new Set(["xl/worksheets/sheet1.xml", "xl/styles.xml", "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"]);
      for (const k of Object.keys(a)) {
        expect(c[k]).toBeDefined();
        if (!edited.has(k)) expect(Buffer.compare(Buffer.from(a[k]), Buffer.from(c[k]))).toBe(0);
      }
      const newParts = Object.keys(c).filter((k) => !(k in a)).sort();
      expect(newParts).toEqual(["docProps/custom.xml", ...(b.added ? ["xl/worksheets/sheet3.xml"] : [])].sort());
      // Cells: the official's all identical; ours hold what was planned.
      const after = grids(out);
      expect(Object.keys(after)).toEqual(["表", "其他", ...(b.added ? ["校验结果"] : [])]);
      expect(after["其他"]).toEqual(before["其他"]);
      const ours = new Map<string, CellValue>([[`1:${b.startCol}`, "校验结果"]]);
      b.results.forEach((v, i) => v !== null && v !== "" && ours.set(`${i + 2}:${b.startCol}`, v));
      const height = Math.max(before["表"].length, after["表"].length);
      for (let row = 1; row <= height; row++) {
        const width = Math.max(before["表"][row - 1]?.length ?? 0, after["表"][row - 1]?.length ?? 0);
        for (let col = 1; col <= width; col++) {
          const was = before["表"][row - 1]?.[col - 1] ?? null;
          const now = after["表"][row - 1]?.[col - 1] ?? null;
          const key = `${row}:${col}`;
          if (ours.has(key)) {
            expect(was).toBeNull();
            expect(now).toEqual(ours.get(key));
          } else expect(now).toEqual(was);
        }
      }
      for (const [key, v] of ours) {
        const [row, col] = key.split(":").map(Number);
        expect(after["表"][row - 1]?.[col - 1]).toEqual(v);
      }
    }),
    { numRuns: 150 },
  );
}, 120_000);

describe("the marker of our copies and reports", () => {
  const CUSTOM_REL = '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/>';
  const withCustom = (custom: string) => {
    const base = buildXlsx({ sheets: [{ name: "表", xml: `<row r="1">${inline("A1", "名称")}</row>` }] });
    const files = unzipSync(base);
    const rels = dec.decode(files["_rels/.rels"]).replace("</Relationships>", `${CUSTOM_REL}</Relationships>`);
    const parts = rawEntries(base).map((raw): Part => (raw.name === "_rels/.rels" ? { name: raw.name, data: strToU8(rels), like: raw } : { raw }));
    return writeZip(base, [...parts, { name: "docProps/custom.xml", data: strToU8(custom) }]);
  };
  const VT = 'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"';

  test.each([
    ["WPS's own property kept beside ours", `<?xml version="1.0"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" ${VT}><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="KSOProductBuildVer"><vt:lpwstr>2052-11.1.0</vt:lpwstr></property></Properties>`],
    ["an empty self-closing root", `<?xml version="1.0"?>\n<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" ${VT}/>\n`],
    ["a prefixed root", `<?xml version="1.0"?><op:Properties xmlns:op="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" ${VT}></op:Properties>`],
  ])("a package with docProps/custom.xml already: %s", (_label, custom) => {
    const bytes = withCustom(custom);
    expect(markerOfBytes(bytes)).toBeNull();
    const out = copyOf(bytes, [plan("表", [{ row: 2, values: ["通过"] }])]);
    expect(markerOfBytes(out)).toBe("annotated-copy");
    const after = dec.decode(unzipSync(out)["docProps/custom.xml"]);
    if (custom.includes("KSOProductBuildVer")) expect(after).toContain('pid="2" name="KSOProductBuildVer"><vt:lpwstr>2052-11.1.0</vt:lpwstr>');
    expect(after).toMatch(/pid="(\d+)" name="kj-assess"/);
    expect(Object.keys(unzipSync(out)).filter((k) => k.startsWith("docProps/"))).toEqual(["docProps/custom.xml"]);
    // A copy of a copy keeps the one marker.
    const again = copyOf(out, []);
    expect(dec.decode(unzipSync(again)["docProps/custom.xml"]).match(/kj-assess/g)).toHaveLength(1);
  });

  test("a marker with another value is not ours, and cannot be turned into ours", () => {
    const bytes = withCustom(`<?xml version="1.0"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" ${VT}><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="kj-assess"><vt:lpwstr>something</vt:lpwstr></property></Properties>`);
    expect(markerOfBytes(bytes)).toBeNull();
    expect(refusal(bytes, [plan("表", [{ row: 2, values: ["通过"] }])])).toContain("kj-assess");
  });
});

test("the marker's parts for a package written from scratch are what markerOf reads", () => {
  const m = markerParts("report");
  const base = buildXlsx({ sheets: [{ name: "汇总", xml: `<row r="1">${inline("A1", "文件")}</row>` }] });
  const files = unzipSync(base);
  const rels = dec.decode(files["_rels/.rels"]).replace("</Relationships>", `${m.relationship}</Relationships>`);
  const ct = dec.decode(files["[Content_Types].xml"]).replace("</Types>", `${m.override}</Types>`);
  const parts = rawEntries(base).map((raw): Part => (raw.name === "_rels/.rels" ? { name: raw.name, data: strToU8(rels), like: raw } : raw.name === "[Content_Types].xml" ? { name: raw.name, data: strToU8(ct), like: raw } : { raw }));
  const marked = writeZip(base, [...parts, { name: m.name, data: strToU8(m.xml) }]);
  expect(markerOfBytes(marked)).toBe("report");
  expect(readWorkbook(marked).ok).toBe(true);
});

test("an added sheet is read without the workbook's shared strings: its texts must be written in it, a cell naming a shared string is named", () => {
  const MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
  const original = buildXlsx({
    sheets: [{ name: "表", xml: `<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>0</v></c></row>` }],
    extra: { "xl/sharedStrings.xml": strToU8(`<?xml version="1.0"?><sst xmlns="${MAIN}"><si><t>甲</t></si></sst>`) },
  });
  const plans = [plan("表", [{ row: 2, values: ["通过"] }])];
  const sheets = [{ name: "汇总", rows: [["名称", "结果"], ["甲", "通过"]] }];
  const copy = toAnnotatedCopy(original, plans, sheets);
  if (!(copy instanceof Uint8Array)) throw new Error(JSON.stringify(copy));
  expect(copyMismatch(original, copy, plans, sheets)).toBeNull();
  const xml = dec.decode(unzipSync(copy)["xl/worksheets/sheet2.xml"]);
  // A2's 甲 written as the shared string that reads 甲 (index 0): the same text, but not written in the sheet.
  const changed = xml.replace(/<c r="A2"([^>]*) t="inlineStr"><is><t xml:space="preserve">甲<\/t><\/is><\/c>/, '<c r="A2"$1 t="s"><v>0</v></c>');
  expect(changed).not.toBe(xml);
  const swapped = writeZip(copy, rawEntries(copy).map((e): Part => (e.name !== "xl/worksheets/sheet2.xml" ? { raw: e } : { name: e.name, data: strToU8(changed), like: e })));
  expect(copyMismatch(original, swapped, plans, sheets)).toContain("A2");
});
