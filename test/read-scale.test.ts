/**
 * Reading that scales (#16 item 4): a sheet part is inflated and scanned in pieces, so its size
 * in bytes never decides whether it is read — the cell budget does, and a sheet over it is
 * refused as too large, naming the sheet, never as damaged. The workbooks are generated here
 * (test/support/streamed-book.ts), with the limits lowered so a few megabytes stand in for the
 * 500 MB sheet of a 1,000,000-row workbook.
 */
import { assessmentGrid } from "../scripts/bench-engine";
import { checkWorkbook } from "../src/file/check";
import { readWorkbook, sheetGrid, type ReadOptions } from "../src/file/xlsx-read";
import { fflateInflate, listZip, setInflate, type Inflate, type InflatePieces } from "../src/file/zip";
import { nodeInflate, zlibPieces } from "../src/file/node/inflate";
import { cellsWithin } from "../src/file/limits";
import * as fs from "fs";
import * as path from "path";
import { blankAreas, detectPacks, evaluateSheet, firstFreeColumn, type SheetGrid } from "../src/engine";
import { cellAt, gridBase, rowCount, rowWidth } from "../src/engine/grid";
import { builtinPacks, getPack } from "../src/packs";
import { streamedBook } from "./support/streamed-book";
import { buildXlsx } from "./support/xlsx-build";

const ROWS = 5_000;
const source = assessmentGrid(ROWS);
const { bytes, sheetBytes } = streamedBook(source);

function read(opts: ReadOptions = {}) {
  const r = readWorkbook(bytes, opts);
  if (!r.ok) throw new Error(r.error.message);
  return sheetGrid(r.workbook.sheets[0]);
}

afterEach(() => setInflate(null));

describe("a sheet part far over the part limit", () => {
  test("is read cell for cell when the cells fit the budget (budgets decide, not bytes)", () => {
    expect(sheetBytes).toBeGreaterThan(1 << 20);
    // Small parts (relationships, the workbook) are still read whole under partBytes; the sheet is not.
    const g = read({ limits: { partBytes: 256 << 10 } });
    if (!g.ok) throw new Error(g.error.message);
    expect(g.grid.rows.length).toBe(ROWS + 2);
    expect(g.grid.rows).toEqual(source.rows);
    expect(g.grid.merges).toEqual(["A1:L1"]);
  });

  test("with Node's zlib installed, a part over the whole-part size is streamed: zlib is never asked for it", () => {
    const asked: number[] = [];
    const spy: Inflate = (data, size) => (asked.push(size), nodeInflate(data, size));
    setInflate(spy, 256 << 10);
    const g = read();
    if (!g.ok) throw new Error(g.error.message);
    expect(g.grid.rows).toEqual(source.rows);
    // the shared strings (under 256 KB) went to zlib; the sheet did not
    expect(asked.length).toBeGreaterThan(0);
    expect(Math.max(...asked)).toBeLessThanOrEqual(256 << 10);
    // and above the size both inflaters read the same cells
    setInflate(fflateInflate, Infinity);
    const whole = read();
    expect(whole.ok && whole.grid.rows).toEqual(source.rows);
  });

  test("checked, it gives the verdicts the engine gives on the same grid in memory", () => {
    const pack = getPack("studio-assessment")!;
    const r = checkWorkbook(bytes, builtinPacks());
    if (!r.ok) throw new Error(r.error.message);
    expect(r.sheets).toHaveLength(1);
    const fromFile = r.sheets[0].result;
    const inMemory = evaluateSheet(source, pack);
    expect(fromFile.pack).toBe("studio-assessment");
    expect(fromFile.summary).toEqual(inMemory.summary);
    expect(fromFile.summary.records).toBe(ROWS);
    expect(fromFile.records.map((x) => [x.row, x.status, x.met, x.failed])).toEqual(inMemory.records.map((x) => [x.row, x.status, x.met, x.failed]));
  });
});

/** The workbook with the sheet part's declared sizes in the zip directory changed (what a damaged or hostile file declares). */
function declaring(change: (sizes: { compressed: number; size: number }) => { compressed: number; size: number }): Uint8Array {
  const copy = bytes.slice();
  const dv = new DataView(copy.buffer);
  const sheet = listZip(copy).find((e) => e.name === "xl/worksheets/sheet1.xml")!;
  for (let i = 0; i + 46 < copy.length; i++) {
    if (dv.getUint32(i, true) !== 0x02014b50 || dv.getUint32(i + 42, true) !== sheet.offset) continue;
    const d = change({ compressed: sheet.compressedSize, size: sheet.size });
    dv.setUint32(i + 20, d.compressed, true);
    dv.setUint32(i + 24, d.size, true);
  }
  return copy;
}

describe("zlib in pieces (Node, a part over the whole-part size)", () => {
  const sizes: number[] = [];
  const counted = (pieces: InflatePieces): InflatePieces => (data, size, onPiece) => pieces(data, size, (p) => (sizes.push(p.length), onPiece(p)));
  beforeEach(() => (sizes.length = 0));

  test("reads the sheet in pieces, never whole, cell for cell as fflate's stream and zlib whole do", () => {
    const pieces = zlibPieces(64 << 10);
    expect(pieces).not.toBeNull();
    setInflate(nodeInflate, 256 << 10, counted(pieces!));
    const g = read();
    expect(g.ok && g.grid.rows).toEqual(source.rows);
    expect(sizes.length).toBeGreaterThan(sheetBytes / (64 << 10) - 1);
    expect(Math.max(...sizes)).toBe(64 << 10);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(sheetBytes);
    setInflate(nodeInflate, Infinity);
    const whole = read();
    expect(whole.ok && whole.grid.rows).toEqual(source.rows);
  });

  test("a part whose compressed data is cut short is damaged, with the words fflate's stream gives", () => {
    const cut = declaring(({ compressed, size }) => ({ compressed: Math.floor(compressed * 0.9), size }));
    const inPieces = () => {
      const r = readWorkbook(cut);
      return r.ok ? sheetGrid(r.workbook.sheets[0]) : r;
    };
    setInflate(nodeInflate, 256 << 10, zlibPieces(64 << 10));
    const native = inPieces();
    setInflate(fflateInflate, 256 << 10);
    const fflate = inPieces();
    expect(native.ok).toBe(false);
    expect(!native.ok && native.error.code).toBe("damaged");
    expect(!native.ok && native.error.message).toContain("“xl/worksheets/sheet1.xml”无法解压");
    expect(native).toEqual(fflate);
  });

  test("a part holding more than it declares is damaged, naming the part, and inflated no further than its declared size and the slack", () => {
    const short = declaring(({ compressed, size }) => ({ compressed, size: size - (300 << 10) }));
    setInflate(nodeInflate, 256 << 10, counted(zlibPieces(64 << 10)!));
    const r = readWorkbook(short);
    const g = r.ok ? sheetGrid(r.workbook.sheets[0]) : r;
    expect(!g.ok && g.error.code).toBe("damaged");
    expect(!g.ok && g.error.message).toContain(`“xl/worksheets/sheet1.xml”声明的大小（${sheetBytes - (300 << 10)} 字节）小于实际内容`);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(sheetBytes - (300 << 10) + (64 << 10));
  });
});

describe("a part cut into pieces anywhere", () => {
  // Every shape the scanner reads in its own way: plain and styled numbers, shared strings, inline
  // strings of one run and of several (CDATA, entities), formulas with cached texts, booleans,
  // errors, a comment between cells, a merged area after the data.
  const row = (r: number) =>
    `<row r="${r}" spans="1:8"><c r="A${r}" t="inlineStr"><is><t>第${r}行 &amp; 文字</t></is></c><c r="B${r}" s="1"><v>${r}.25</v></c>` +
    `<c r="C${r}" t="s"><v>${r % 3}</v></c><c r="D${r}" t="str"><f>A1&amp;"x"</f><v>公式${r}</v></c><!-- 注释 ${r} --><c r="E${r}" t="b"><v>1</v></c>` +
    `<c r="F${r}"><v>-1e3</v></c><c r="G${r}" t="inlineStr"><is><r><t>富</t></r><r><t><![CDATA[文本<${r}>]]></t></r></is></c><c r="H${r}" t="e"><v>#N/A</v></c></row>`;
  const ROWS_HERE = 3_000;
  const sheet = `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${Array.from({ length: ROWS_HERE }, (_, i) => row(i + 1)).join("")}</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>`;
  const book = buildXlsx({ sheets: [{ name: "杂", xml: sheet }], shared: ["<t>甲</t>", '<r><t xml:space="preserve">乙 </t></r><rPh sb="0" eb="1"><t>ヨミ</t></rPh>', "<t>_x0041_丙</t>"] });
  const readBook = () => {
    const r = readWorkbook(book);
    if (!r.ok) throw new Error(r.error.message);
    const g = sheetGrid(r.workbook.sheets[0]);
    if (!g.ok) throw new Error(g.error.message);
    return g.grid;
  };

  test("whole, the cells are what the XML says", () => {
    setInflate(nodeInflate, Infinity);
    const g = readBook();
    expect(g.rows.length).toBe(ROWS_HERE);
    expect(g.rows[0]).toEqual(["第1行 & 文字", 1.25, "乙 ", "公式1", true, -1000, "富文本<1>", { error: "#N/A" }]);
    expect(g.rows[1][2]).toBe("A丙");
    expect(g.merges).toEqual(["A1:B1"]);
  });

  // 7 bytes: every construct cut at every place; 150,001: pieces long enough that a leftover is finished with the next piece's start
  test.each([7, 1000, 150_001])("in pieces of %i bytes, every cell is read as whole", (size) => {
    setInflate(nodeInflate, Infinity);
    const whole = readBook();
    setInflate(nodeInflate, 0, zlibPieces(size));
    const inPieces = readBook();
    expect(inPieces.rows).toEqual(whole.rows);
    expect(inPieces.merges).toEqual(whole.merges);
  });
});

describe("a sheet over the cell budget", () => {
  test("is refused as too large, in Chinese, naming the sheet — not damaged", () => {
    const g = read({ limits: { gridSlots: 30_000 } });
    expect(g.ok).toBe(false);
    if (g.ok) return;
    expect(g.error.code).toBe("too-large");
    expect(g.error.message).toContain("工作簿过大");
    expect(g.error.message).toContain("工作表“考核”");
    expect(g.error.message).not.toContain("损坏");
  });

  test("the budget follows the memory the read may use: the same sheet refused within 257 MB, read within the default", () => {
    // 1 MB above the process's own share holds 32,768 cells; this sheet has 5,002 rows × 12
    expect(cellsWithin(257)).toBe(32_768);
    const tight = read({ memoryMb: 257 });
    expect(!tight.ok && tight.error.code).toBe("too-large");
    expect(!tight.ok && tight.error.message).toContain("工作表“考核”");
    expect(!tight.ok && tight.error.message).toContain("32,768 个单元格");
    expect(read().ok).toBe(true);
  });

  test("checked, the workbook is refused as too large, naming the sheet — not as damaged, not as fitting no pack", () => {
    const r = checkWorkbook(bytes, builtinPacks(), { limits: { gridSlots: 30_000 } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe("too-large");
    expect(r.error.message).toMatch(/^工作表“考核”：工作簿过大/);
    expect(r.error.message).not.toContain("规则包");
  });
});

describe("cells kept column by column", () => {
  const dir = path.join(__dirname, "..", "examples");
  const examples = fs.readdirSync(dir).filter((f) => f.endsWith(".xlsx"));

  test.each(examples)("%s: every sheet gives the same headers, records and verdicts read in columns as the same cells in rows", (file) => {
    const r = readWorkbook(new Uint8Array(fs.readFileSync(path.join(dir, file))));
    if (!r.ok) throw new Error(r.error.message);
    let checked = 0;
    for (const entry of r.workbook.sheets) {
      const g = sheetGrid(entry);
      if (!g.ok) throw new Error(g.error.message);
      expect(g.grid.columns).toBeDefined();
      const best = detectPacks(g.grid, builtinPacks())[0];
      if (!best) continue;
      // the same cells as plain row arrays (what the Excel door and the page's memory host hand the engine)
      const asRows: SheetGrid = { ...gridBase(g.grid), rows: g.grid.rows.map((row) => row.slice()) };
      expect(asRows.columns).toBeUndefined();
      const inColumns = evaluateSheet(g.grid, best.pack);
      const inRows = evaluateSheet(asRows, best.pack);
      expect(inColumns.records.length).toBeGreaterThan(0);
      expect(JSON.parse(JSON.stringify(inColumns))).toEqual(JSON.parse(JSON.stringify(inRows)));
      expect(firstFreeColumn(g.grid, inColumns.headerRow)).toBe(firstFreeColumn(asRows, inRows.headerRow));
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });

  test("a grid from a file is read through the accessors; a clone of it carries rows, as before", () => {
    const r = readWorkbook(bytes);
    if (!r.ok) throw new Error(r.error.message);
    const g = sheetGrid(r.workbook.sheets[0]);
    if (!g.ok) throw new Error(g.error.message);
    expect(rowCount(g.grid)).toBe(ROWS + 2);
    expect(cellAt(g.grid, 2, 0)).toBe("工作室1");
    expect(rowWidth(g.grid, 0)).toBe(1);
    const cloned = structuredClone(g.grid);
    expect(cloned.columns).toBeUndefined();
    expect(cloned.rows).toEqual(source.rows);
  });

  test("results written earlier are blanked in the columns without touching the grid that was read", () => {
    const r = readWorkbook(bytes);
    if (!r.ok) throw new Error(r.error.message);
    const g = sheetGrid(r.workbook.sheets[0]);
    if (!g.ok) throw new Error(g.error.message);
    const blanked = blankAreas(g.grid, ["B3:C4"]);
    expect(blanked.columns).toBeDefined();
    expect([cellAt(blanked, 2, 1), cellAt(blanked, 3, 2), cellAt(blanked, 4, 1)]).toEqual([null, null, source.rows[4][1]]);
    expect([cellAt(g.grid, 2, 1), cellAt(g.grid, 3, 2)]).toEqual([source.rows[2][1], source.rows[3][2]]);
  });
});
