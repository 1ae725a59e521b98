/**
 * The annotated copy's sheet is edited and read back as bytes handed over in pieces
 * (sheet-stream.ts): here the pieces are made a few bytes long, so that every tag, cell, comment
 * and CDATA section is cut somewhere, and the copy must come out byte for byte as when the part is
 * taken in one piece. The read-back comparison (sheet-compare.ts) must pass every such copy and
 * name what differs in copies tampered with where no cell value changes.
 */
import fc from "fast-check";
import { strToU8, unzipSync } from "fflate";
import type { ResultPlan } from "../src/engine/host";
import { copyMismatch, toAnnotatedCopy } from "../src/file/resave";
import { ByteTokenizer, PIECE, type ByteTok } from "../src/file/sheet-stream";
import { rawEntries, writeZip, type Part } from "../src/file/zip-copy";
import { buildXlsx } from "./support/xlsx-build";

const dec = new TextDecoder();
const MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

function withPieces<T>(bytes: number, fn: () => T): T {
  const was = PIECE.bytes;
  PIECE.bytes = bytes;
  try {
    return fn();
  } finally {
    PIECE.bytes = was;
  }
}

/** Every tag as text with its text flag, and the bytes passed over, from a part fed in pieces of `size`. */
function tokens(xml: Uint8Array, size: number): { tags: string[]; passed: number } {
  const tags: string[] = [];
  let passed = 0;
  const tok = new ByteTokenizer({
    token: (b: Uint8Array, t: ByteTok) => void tags.push(`${t.kind}${t.text ? "T" : ""}:${dec.decode(b.subarray(t.start, t.end))}:${dec.decode(b.subarray(t.nameStart, t.nameEnd))}`),
    pause: (_b: Uint8Array, upTo: number) => void (passed += upTo),
  });
  withPieces(size, () => {
    tok.push(xml);
    tok.end();
  });
  return { tags, passed };
}

test("the tokenizer finds the same tags whatever the pieces: comments, CDATA, instructions and quoted > passed over", () => {
  const xml = strToU8(
    `<?xml version="1.0"?>\n<x:worksheet xmlns:x="${MAIN}"><!-- <row r="9"> --><x:sheetData><x:row r="1" x:h='a>b'><x:c r="A1" t="inlineStr"><x:is><x:t><![CDATA[<c r="Z9"/> ]] >]]></x:t></x:is></x:c><?pi <row?></x:row>\n</x:sheetData></x:worksheet>`,
  );
  const whole = tokens(xml, 1 << 20);
  expect(whole.tags).toContain(`0:<x:row r="1" x:h='a>b'>:row`);
  expect(whole.tags.some((t) => t.includes("Z9") || t.includes('r="9"'))).toBe(false);
  expect(whole.tags).toContain("1T:</x:t>:t");
  for (let size = 1; size <= 17; size++) expect(tokens(xml, size)).toEqual({ tags: whole.tags, passed: xml.length });
});

test("an unfinished tag, comment or CDATA at the end of a part is refused, never passed over", () => {
  for (const end of ["<row r=", "<!-- x", "<![CDATA[ x", "<?pi"]) {
    expect(() => tokens(strToU8(`<sheetData>${end}`), 3)).toThrow();
  }
});

const inline = (ref: string, s: string) => `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${s}</t></is></c>`;

const cellArb = fc.oneof(
  fc.integer({ min: -1e6, max: 1e6 }).map((n) => (ref: string) => `<c r="${ref}"><v>${n}</v></c>`),
  fc.constantFrom("甲", "a &amp; b", "&lt;row r=&quot;1&quot;&gt;", "  空格 ").map((s) => (ref: string) => inline(ref, s)),
  fc.constant((ref: string) => `<c r="${ref}" s="1"/>`),
  fc.constant((ref: string) => `<c r="${ref}" s="1"><f>1+1</f><v>2</v></c>`),
);

const bookArb = fc.record({
  rows: fc.array(
    fc.record({ gap: fc.integer({ min: 1, max: 3 }), cells: fc.array(fc.option(cellArb, { nil: undefined }), { maxLength: 4 }), spans: fc.boolean(), comment: fc.boolean(), empty: fc.boolean() }),
    { minLength: 1, maxLength: 10 },
  ),
  prefix: fc.constantFrom("", "x:"),
  results: fc.array(fc.option(fc.oneof(fc.constantFrom("通过", "不通过", "a<b & c"), fc.integer()), { nil: null }), { minLength: 1, maxLength: 14 }),
  marks: fc.array(fc.record({ row: fc.integer({ min: 1, max: 20 }), col: fc.integer({ min: 1, max: 6 }) }), { maxLength: 6 }),
  pieces: fc.integer({ min: 1, max: 40 }),
});

test("property: a copy made from pieces of a few bytes is byte for byte the copy made from one piece, and reads back as exact", () => {
  fc.assert(
    fc.property(bookArb, (b) => {
      const p = b.prefix;
      let r = 0;
      const rowsXml = b.rows
        .map((row) => {
          r += row.gap;
          const cells = row.cells.map((c, i) => (c ? c(`${String.fromCharCode(65 + i)}${r}`) : "")).join("");
          const tag = `<row r="${r}"${row.spans ? ` spans="1:${Math.max(1, row.cells.length)}"` : ""}`;
          const x = `${row.comment ? `<!-- <row r="${r}"> -->` : ""}${row.empty && !cells ? `${tag}/>` : `${tag}>${cells}</row>`}`;
          return p ? x.replace(/<(\/?)(row|c|v|is|t|f)\b/g, `<$1${p}$2`) : x;
        })
        .join("\n");
      const sheetXml = `<?xml version="1.0"?><${p}worksheet xmlns${p ? ":x" : ""}="${MAIN}"><${p}dimension ref="A1:D${r}"/><${p}sheetData>${rowsXml}</${p}sheetData><!-- 末尾 --></${p}worksheet>`;
      const original = buildXlsx({ sheets: [{ name: "表", xml: sheetXml }] });
      const plans: ResultPlan[] = [
        {
          sheet: "表",
          headerRow: 1,
          startCol: 5,
          headers: ["校验结果"],
          rows: b.results.map((v, i) => ({ row: i + 2, values: [v] })),
          marks: b.marks.map((m) => ({ address: `${String.fromCharCode(64 + m.col)}${m.row}`, severity: "warning" as const })),
        },
      ];
      const one = toAnnotatedCopy(original, plans);
      const small = withPieces(b.pieces, () => toAnnotatedCopy(original, plans));
      expect(one).toBeInstanceOf(Uint8Array);
      expect(small).toBeInstanceOf(Uint8Array);
      const sheet = (z: Uint8Array) => dec.decode(unzipSync(z)["xl/worksheets/sheet1.xml"]);
      expect(sheet(small as Uint8Array)).toBe(sheet(one as Uint8Array));
      expect(withPieces(b.pieces, () => copyMismatch(original, small as Uint8Array, plans))).toBeNull();
    }),
    { numRuns: 120 },
  );
}, 120_000);

describe("a copy changed where no cell's value changes is still caught, and the place named", () => {
  const sheetXml = `<?xml version="1.0"?><worksheet xmlns="${MAIN}"><dimension ref="A1:B3"/><cols><col min="1" max="1" width="12"/></cols><sheetData><row r="1" spans="1:2"><c r="A1" t="inlineStr"><is><t>名称</t></is></c></row><row r="2" spans="1:2">${inline("A2", "甲")}<c r="B2" s="1"><v>5</v></c></row><row r="3" spans="1:2">${inline("A3", "乙")}<c r="B3"><v>7</v></c></row></sheetData></worksheet>`;
  const original = buildXlsx({ sheets: [{ name: "表", xml: sheetXml }] });
  const plans: ResultPlan[] = [{ sheet: "表", headerRow: 1, startCol: 3, headers: ["校验结果"], rows: [{ row: 2, values: ["通过"] }, { row: 3, values: ["不通过"] }], marks: [{ address: "B3", severity: "error" }] }];
  const copy = toAnnotatedCopy(original, plans) as Uint8Array;
  const part = dec.decode(unzipSync(copy)["xl/worksheets/sheet1.xml"]);
  const swap = (xml: string) => writeZip(copy, rawEntries(copy).map((e): Part => (e.name !== "xl/worksheets/sheet1.xml" ? { raw: e } : { name: e.name, data: strToU8(xml), like: e })));

  test("the copy itself passes; its marked cell has its own style no more, its rows no spans", () => {
    expect(copy).toBeInstanceOf(Uint8Array);
    expect(copyMismatch(original, copy, plans)).toBeNull();
    expect(part).toContain('<row r="2">');
    expect(part).not.toContain('<c r="B3">');
  });

  test("a row's look changed (its height): the row is named", () => {
    const changed = part.replace('<row r="3">', '<row r="3" ht="30" customHeight="1">');
    expect(changed).not.toBe(part);
    expect(copyMismatch(original, swap(changed), plans)).toContain("第 3 行");
  });

  test("an official's cell lost its style (same value): the row is named", () => {
    const changed = part.replace('<c r="B2" s="1">', '<c r="B2">');
    expect(changed).not.toBe(part);
    expect(copyMismatch(original, swap(changed), plans)).toContain("第 2 行");
  });

  test("a column width outside the rows changed: named as outside the rows", () => {
    const changed = part.replace('width="12"', 'width="13"');
    expect(copyMismatch(original, swap(changed), plans)).toContain("行以外的内容");
  });

  test("a result written as a formula, or missing: named", () => {
    const formula = part.replace(/<c r="C2"[^>]*>.*?<\/c>/, '<c r="C2" t="str"><f>"通过"</f><v>通过</v></c>');
    expect(formula).not.toBe(part);
    expect(copyMismatch(original, swap(formula), plans)).toContain("C2");
    const missing = part.replace(/<c r="C3"[^>]*>.*?<\/c>/, "");
    expect(missing).not.toBe(part);
    expect(copyMismatch(original, swap(missing), plans)).toContain("C3");
  });

  test("a cell that is not ours added: named", () => {
    const moved = part.replace(/(<row r="3">.*?)(<\/row>)/, '$1<c r="Z3"><v>1</v></c>$2');
    expect(moved).not.toBe(part);
    expect(copyMismatch(original, swap(moved), plans)).toMatch(/Z3|第 3 行/);
  });
});

describe("our cells read back from their bytes (the usual form) as from their text (any other)", () => {
  // Texts that take each way: plain ASCII, CJK, a four-byte character, an entity, OOXML's _xHHHH_ escape, a control character, numbers.
  const values = ["通过", "plain", "甲𠀀乙 😀", "a<b & c", "_x0041_ stays", "tab\there", "", "0", 7, 10, 123456789012345, 0.5, -3, 1e21];
  const rows = values.map((_, i) => `<row r="${i + 2}"><c r="A${i + 2}"><v>${i}</v></c></row>`).join("");
  const sheetXml = `<?xml version="1.0"?><worksheet xmlns="${MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>序号</t></is></c></row>${rows}</sheetData></worksheet>`;
  const original = buildXlsx({ sheets: [{ name: "表", xml: sheetXml }] });
  const plans: ResultPlan[] = [{ sheet: "表", headerRow: 1, startCol: 2, headers: ["结果"], rows: values.map((v, i) => ({ row: i + 2, values: [v] })), marks: [{ address: "A3", severity: "error" }] }];
  const copy = toAnnotatedCopy(original, plans) as Uint8Array;
  const part = dec.decode(unzipSync(copy)["xl/worksheets/sheet1.xml"]);
  const swap = (xml: string) => writeZip(copy, rawEntries(copy).map((e): Part => (e.name !== "xl/worksheets/sheet1.xml" ? { raw: e } : { name: e.name, data: strToU8(xml), like: e })));

  test("every value passes, in one piece and in pieces of a few bytes", () => {
    expect(copy).toBeInstanceOf(Uint8Array);
    expect(copyMismatch(original, copy, plans)).toBeNull();
    expect(withPieces(7, () => copyMismatch(original, copy, plans))).toBeNull();
  });

  test.each([
    ["B2", "通过", "通讯"],
    ["B4", "𠀀", "𠀁"],
    ["B4", "😀", "😁"],
    ["B5", "&amp;", "&amp;&amp;"],
    ["B6", "_x0041_", "_x0042_"],
    ["B9", ">0<", ">1<"],
    ["B10", "<v>7</v>", "<v>8</v>"],
    ["B11", "<v>10</v>", "<v>11</v>"],
    ["B12", "<v>123456789012345</v>", "<v>123456789012346</v>"],
  ])("a result changed in %s (%s → %s): named with what it reads", (cell, from, to) => {
    const cellXml = new RegExp(`<c r="${cell}"[^>]*>.*?</c>`).exec(part)![0];
    const changed = part.replace(cellXml, cellXml.replace(from, to));
    expect(changed).not.toBe(part);
    expect(copyMismatch(original, swap(changed), plans)).toMatch(new RegExp(`${cell} .*读回为`));
  });

  test("a number written another way that reads as the same value (07, 1E+21) passes, as it reads", () => {
    const changed = part.replace('<c r="B10"><v>7</v>', '<c r="B10"><v>07</v>').replace("<v>1e+21</v>", "<v>1E+21</v>");
    expect(changed).not.toBe(part);
    expect(copyMismatch(original, swap(changed), plans)).toBeNull();
  });

  test("a byte that is not UTF-8 inside a result is not read as the text it was: named", () => {
    const bytes = strToU8(part);
    const at = part.indexOf("甲𠀀乙");
    const bad = bytes.slice();
    // The first byte of 甲 (E7) made a lone continuation byte.
    bad[strToU8(part.slice(0, at)).length] = 0x97;
    const zip = writeZip(copy, rawEntries(copy).map((e): Part => (e.name !== "xl/worksheets/sheet1.xml" ? { raw: e } : { name: e.name, data: bad, like: e })));
    expect(copyMismatch(original, zip, plans)).toContain("B4");
  });
});

test("a marked cell keeps its tag byte for byte but its style, in every plain form and in others", () => {
  const tags = [
    '<c r="B2" s="1" t="s"><v>0</v></c>',
    '<c r="B3" t="s" s="1"><v>0</v></c>',
    '<c r="B4" s="01"/>',
    '<c r="B5"/>',
    '<c r="B6" t="n"><v>3</v></c>',
    '<c r="B7"  s="1"><v>3</v></c>',
    "<c r='B8' s='1'><v>3</v></c>",
    '<c r="B9" s="1" cm="1"><v>3</v></c>',
    '<c r="B10" s="1" />',
    // A shared string without a style: the letter s is in t="s" only.
    '<c r="B11" t="s"><v>0</v></c>',
    '<c r="B12" t="s" s = "1"><v>0</v></c>',
  ];
  const rows = tags.map((c, i) => `<row r="${i + 2}"><c r="A${i + 2}"><v>${i}</v></c>${c}</row>`).join("");
  const sheetXml = `<?xml version="1.0"?><worksheet xmlns="${MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>名称</t></is></c></row>${rows}</sheetData></worksheet>`;
  const original = buildXlsx({ sheets: [{ name: "表", xml: sheetXml }], extra: { "xl/sharedStrings.xml": strToU8(`<?xml version="1.0"?><sst xmlns="${MAIN}"><si><t>甲</t></si></sst>`) } });
  const plans: ResultPlan[] = [{ sheet: "表", headerRow: 1, startCol: 3, headers: [], rows: [], marks: tags.map((_, i) => ({ address: `B${i + 2}`, severity: "error" as const })) }];
  const copy = toAnnotatedCopy(original, plans);
  if (!(copy instanceof Uint8Array)) throw new Error(JSON.stringify(copy));
  const part = dec.decode(unzipSync(copy)["xl/worksheets/sheet1.xml"]);
  const style = /<c r="B2" s="(\d+)"/.exec(part)![1];
  expect(Number(style)).toBeGreaterThan(1);
  const want = [
    `<c r="B2" s="${style}" t="s"><v>0</v></c>`,
    `<c r="B3" t="s" s="${style}"><v>0</v></c>`,
    // Styles 0 and 1 differ, so each base gets its own format; the other marked formats are read from the part.
    /<c r="B4" s="\d+"\/>/,
    /<c r="B5" s="\d+"\/>/,
    /<c r="B6" t="n" s="\d+"><v>3<\/v><\/c>/,
    `<c r="B7"  s="${style}"><v>3</v></c>`,
    `<c r='B8' s="${style}"><v>3</v></c>`,
    `<c r="B9" s="${style}" cm="1"><v>3</v></c>`,
    `<c r="B10" s="${style}" />`,
    /<c r="B11" t="s" s="\d+"><v>0<\/v><\/c>/,
    `<c r="B12" t="s" s = "${style}"><v>0</v></c>`,
  ];
  for (const w of want) if (typeof w === "string") expect(part).toContain(w);
  else expect(part).toMatch(w);
  // B4 (style 01 = 1) shares B2's format; B5 and B6 (no style: 0) share another.
  expect(part).toContain(`<c r="B4" s="${style}"/>`);
  const plainStyle = /<c r="B5" s="(\d+)"/.exec(part)![1];
  expect(plainStyle).not.toBe(style);
  expect(part).toContain(`<c r="B6" t="n" s="${plainStyle}">`);
  expect(part).toContain(`<c r="B11" t="s" s="${plainStyle}">`);
  expect(copyMismatch(original, copy, plans)).toBeNull();
  // Anything of those tags changed but the style is named: the attribute beside the style, or a style written in.
  const sheet = (xml: string) => writeZip(copy, rawEntries(copy).map((e): Part => (e.name !== "xl/worksheets/sheet1.xml" ? { raw: e } : { name: e.name, data: strToU8(xml), like: e })));
  for (const [from, to, row] of [
    [`<c r="B11" t="s" s="${plainStyle}">`, `<c r="B11" t="str" s="${plainStyle}">`, 11],
    [`<c r="B12" t="s" s = "${style}">`, `<c r="B12" t="s" s = "${style}" cm="1">`, 12],
    [`<c r="B3" t="s" s="${style}">`, `<c r="B3" t="str" s="${style}">`, 3],
  ] as const) {
    expect(part).toContain(from);
    expect(copyMismatch(original, sheet(part.replace(from, to)), plans)).toMatch(new RegExp(`B${row}\\b|第 ${row} 行`));
  }
});
