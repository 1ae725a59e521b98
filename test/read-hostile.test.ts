/**
 * Reading under attack: every hostile case of issue #14, generated here at two sizes (nothing
 * large in git), read and checked as the command line's worker does. Each must end in its code at
 * both sizes, and the CPU time between the sizes (4× the input) must grow no faster than the
 * input — a scaling check, not a timer: linear work gives about 4×, quadratic 16×. Then the
 * outcomes that must be honest: a part larger than it declares is damaged and named, a missing
 * shared string is unreadable at its address, CDATA is text, .xlsb and every .xls generation are
 * named with what to do, a zip password is `encrypted`, and a damaged address costs one cell.
 */
import { strToU8 } from "fflate";
import { checkWorkbook } from "../src/file/check";
import { readWorkbook, sheetGrid, sniffBytes, type ReadResult } from "../src/file/xlsx-read";
import { evaluateSheet } from "../src/engine";
import { builtinPacks } from "../src/packs";
import { inspectLines, pad, terminalSafe } from "../src/cli/format";
import { bookParts, HOSTILE, sheetXml, zipParts } from "./support/hostile";
import { costRatio } from "./support/cost-ratio";

const packs = builtinPacks();

/** What reading and checking a workbook comes to: "ok", or the code that refused it. */
function outcome(bytes: Uint8Array): string {
  const r = checkWorkbook(bytes, packs);
  return r.ok ? "ok" : r.error.code;
}

/** Below this (µs) a run is too short to compare: the ratio is taken against it instead. */
const FLOOR = 30_000;

describe("hostile workbooks at two sizes: a coded outcome, cost no worse than linear", () => {
  for (const [id, c] of Object.entries(HOSTILE)) {
    test(`${id}: ${c.title} → ${c.code}`, async () => {
      const [a, b] = c.sizes;
      const small = c.make(a);
      const large = c.make(b);
      expect(outcome(small)).toBe(c.code);
      expect(outcome(large)).toBe(c.code);
      // 4× the input: linear ≈ 4, quadratic ≈ 16
      const cost = await costRatio(() => outcome(small), () => outcome(large), { limit: 8, floor: FLOOR });
      expect(cost.ratio).toBeLessThan(8);
      // and well under a second per MB of file
      if (c.perMb !== false) expect(cost.large / 1e6).toBeLessThan(Math.max(1, large.length / 1048576));
    }, 120_000);
  }
});

const code = (r: ReadResult) => (r.ok ? "ok" : r.error.code);
const message = (r: ReadResult) => (r.ok ? "" : r.error.message);
function grid(bytes: Uint8Array) {
  const r = readWorkbook(bytes);
  if (!r.ok) throw new Error(r.error.message);
  const g = sheetGrid(r.workbook.sheets[0]);
  if (!g.ok) throw new Error(g.error.message);
  return g.grid;
}
function sheetError(bytes: Uint8Array) {
  const r = readWorkbook(bytes);
  if (!r.ok) return r.error;
  const g = sheetGrid(r.workbook.sheets[0]);
  return g.ok ? null : g.error;
}

describe("honest outcomes", () => {
  const body = sheetXml('<row r="1"><c r="A1"><v>1</v></c></row>'.repeat(50));
  test("a sheet part declared shorter than it is, or 0, is damaged and named — not read as empty", () => {
    for (const declared of [0, 100]) {
      const e = sheetError(zipParts(bookParts({ sheets: [] }).concat({ name: "xl/worksheets/sheet1.xml", data: strToU8(body + " ".repeat(100_000)), declared })));
      expect(e?.code).toBe("damaged");
      expect(e?.message).toContain("xl/worksheets/sheet1.xml");
    }
  });

  test("a part declaring more than its compressed bytes could ever hold is refused before inflating", () => {
    const e = sheetError(zipParts(bookParts({ sheets: [] }).concat({ name: "xl/worksheets/sheet1.xml", data: strToU8(body), declared: 2_000_000_000 })));
    expect(e?.code).toMatch(/damaged|too-large/);
  });

  test("a shared-string index out of range (999999, -1, NaN) is unreadable at its address, never blank", () => {
    const cells = ["999999", "-1", "NaN", "1.5"].map((v, i) => `<c r="${"ABCD"[i]}1" t="s"><v>${v}</v></c>`).join("");
    const bytes = zipParts(bookParts({ sheets: [sheetXml(`<row r="1">${cells}</row>`)], shared: `<sst><si><t>甲</t></si></sst>` }));
    const row = grid(bytes).rows[0];
    expect(row).toHaveLength(4);
    for (const v of row) expect(v).toEqual({ error: expect.stringMatching(/^#REF!（共享字符串编号“.*”不存在/) });
  });

  test("CDATA holding markup is the cell's text, never a phantom cell", () => {
    const xml = '<row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[</t></is></c><c r="B1"><v>5</v></c>]]></t></is></c><c r="C1"><v><![CDATA[7]]></v></c></row>';
    expect(grid(zipParts(bookParts({ sheets: [sheetXml(xml)] }))).rows).toEqual([['</t></is></c><c r="B1"><v>5</v></c>', null, 7]]);
    const sst = "<sst><si><t><![CDATA[<b>粗</b> & 细]]></t></si></sst>";
    expect(grid(zipParts(bookParts({ sheets: [sheetXml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')], shared: sst }))).rows).toEqual([["<b>粗</b> & 细"]]);
  });

  test(".xlsb is named as such, with what to do", () => {
    const parts = bookParts({ sheets: [] });
    parts[1] = { name: "_rels/.rels", data: strToU8('<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.bin"/></Relationships>') };
    const r = readWorkbook(zipParts([...parts, { name: "xl/workbook.bin", data: new Uint8Array(64) }]));
    expect(code(r)).toBe("xlsb");
    expect(message(r)).toContain("另存为 .xlsx");
  });

  test("every .xls generation is legacy-xls, naming the generation and the next step", () => {
    const biff = (v: number, len: number) => new Uint8Array([0x09, v, len, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const cases: [Uint8Array, string][] = [
      [biff(0x00, 4), "BIFF2"],
      [biff(0x02, 6), "BIFF3"],
      [biff(0x04, 6), "BIFF4"],
      [strToU8('<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>'), "2003 XML"],
    ];
    const ole = (stream: string) => {
      const b = new Uint8Array(2048);
      b.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
      for (let i = 0; i < stream.length; i++) b[1024 + 2 * i] = stream.charCodeAt(i);
      return b;
    };
    cases.push([ole("Workbook"), "BIFF8"], [ole("Book"), "BIFF5"]);
    for (const [bytes, name] of cases) {
      const r = readWorkbook(bytes);
      expect([name, code(r)]).toEqual([name, "legacy-xls"]);
      expect(message(r)).toContain(name);
      expect(message(r)).toContain("另存为 .xlsx");
      // the command line answers these from the first bytes, before any worker starts
      const head = sniffBytes(bytes.subarray(0, 4096));
      if (typeof head === "string") expect(head).toBe("ole");
      else expect(head.code).toBe("legacy-xls");
    }
    expect(code(readWorkbook(ole("EncryptedPackage")))).toBe("encrypted");
  });

  test("a zip with the encryption flag is encrypted, not damaged", () => {
    const parts = bookParts({ sheets: [sheetXml('<row r="1"><c r="A1"><v>1</v></c></row>')] }).map((p, i) => (i === 4 ? { ...p, flags: 1 } : p));
    expect(code(readWorkbook(zipParts(parts)))).toBe("encrypted");
  });

  test("a damaged cell reference costs that cell, reported on the sheet's result; the rest is checked", () => {
    const xml =
      '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>听课节数</t></is></c></row>' +
      '<row r="2"><c r="A2" t="inlineStr"><is><t>张老师</t></is></c><c r="B2"><v>9</v></c></row>' +
      '<row r="3"><c r="A3" t="inlineStr"><is><t>李老师</t></is></c><c r="XFD1048577"><v>9</v></c></row>';
    const g = grid(zipParts(bookParts({ sheets: [sheetXml(xml)] })));
    expect(g.rows).toEqual([["姓名", "听课节数"], ["张老师", 9], ["李老师"]]);
    expect(g.unplaced).toEqual([{ ref: "XFD1048577", row: 3 }]);
    const result = evaluateSheet(g, packs.find((p) => p.id === "teacher-routine")!);
    const p = result.problems.find((x) => x.code === "cell-unplaced");
    expect(p?.message.zh).toContain("XFD1048577");
    expect(p?.message.zh).toContain("第3行");
  });
});

describe("what reaches a terminal", () => {
  test("escape sequences in a cell or a sheet name (_x001B_, &#27;) reach the table as visible symbols, never raw", () => {
    const xml = '<row r="1"><c r="A1" t="inlineStr"><is><t>_x001B_[2J清屏&#27;]0;标题&#7;</t></is></c></row>';
    const text = grid(zipParts(bookParts({ sheets: [sheetXml(xml)] }))).rows[0][0] as string;
    expect(text).toBe("\u001b[2J清屏\u001b]0;标题\u0007");
    const shown = pad(text, 40) + inspectLines("a\u001b[31m.xlsx", [{ name: text, state: "visible", rows: 1, cols: 1, headerRow: null, pack: null }]);
    // eslint-disable-next-line no-control-regex
    expect(shown).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(shown).toContain("␛[2J清屏");
    expect(terminalSafe("a\u202Eb\nc", true)).toBe("a\uFFFDb\nc");
  });

  test("a 32,767-character label and a 100,000-character sheet name cost their length, not its square", async () => {
    const table = (n: number) => () => {
      pad("长".repeat(n), 46);
      inspectLines("f.xlsx", [{ name: "表".repeat(n), state: "visible", rows: 1, cols: 1, headerRow: null, pack: null }]);
    };
    for (let i = 0; i < 50; i++) table(25_000)(); // warm up
    const runs = (n: number) => () => { for (let i = 0; i < 50; i++) table(n)(); };
    expect((await costRatio(runs(25_000), runs(100_000), { limit: 8, floor: FLOOR })).ratio).toBeLessThan(8);
    expect(pad("长".repeat(32_767), 10)).toBe("长长长长… ");
  });
});
