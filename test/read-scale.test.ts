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
import { fflateInflate, setInflate, type Inflate } from "../src/file/zip";
import { nodeInflate } from "../src/file/node/inflate";
import { evaluateSheet } from "../src/engine";
import { builtinPacks, getPack } from "../src/packs";
import { streamedBook } from "./support/streamed-book";

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

  test("checked, the workbook is refused as too large, naming the sheet — not as damaged, not as fitting no pack", () => {
    const r = checkWorkbook(bytes, builtinPacks(), { limits: { gridSlots: 30_000 } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe("too-large");
    expect(r.error.message).toMatch(/^工作表“考核”：工作簿过大/);
    expect(r.error.message).not.toContain("规则包");
  });
});
