/**
 * A cell an official typed over inside our old result columns is theirs, in every door: the
 * ledger keeps a fingerprint of what we wrote (engine/fingerprint.ts), and 清除结果 or a re-check
 * keeps — and names — any cell that no longer matches it, while the rest of our results go. On a
 * real submission (examples/考核-证据数量.xlsx): a note typed into 校验说明 and a grade changed by
 * hand, in Excel (the fake object model), in the page's copy and through the command line. A
 * ledger of an earlier version (no fingerprint) still clears as a block.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { evaluateSheet, planResults } from "../src/engine";
import { areaWithout, fingerprint, FINGERPRINT_CHARS, typedCells } from "../src/engine/fingerprint";
import type { ResultPlan } from "../src/engine/host";
import type { CellValue, SheetGrid } from "../src/engine/types";
import { getPack } from "../src/packs";
import { fileDoor } from "../src/file/door";
import { FileWorkbookHost } from "../src/file/host";
import { addinSettingsOf, setAddinSettings } from "../src/file/addin-part";
import { editPackage } from "../src/file/marker";
import { toAnnotatedCopy } from "../src/file/resave";
import { unwrite } from "../src/file/unwrite";
import { readWorkbook, sheetGrid } from "../src/file/xlsx-read";
import { LEDGER_KEY, parseLedger } from "../src/excel/ledger";
import { createExcelHost } from "../src/excel";
import { withoutOwnResults } from "../src/taskpane/model";
import { STRINGS } from "../src/taskpane/strings";
import { annotateWithCli } from "./support/workbook-doors";
import { FakeExcel, type Seed } from "./support/fake-excel";

const ROOT = path.resolve(__dirname, "..");
const EXAMPLE = path.join(ROOT, "examples", "考核-证据数量.xlsx");
const SHEET = "2024年度考核";
const pack = getPack("studio-assessment")!;
const NOTE = "已电话核实，材料后补";

beforeAll(() => {
  spawnSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.node.json"], { cwd: ROOT, encoding: "utf8" });
});

function grid(bytes: Uint8Array, name = SHEET): SheetGrid {
  const r = readWorkbook(bytes);
  if (!r.ok) throw new Error(r.error.message);
  const g = sheetGrid(r.workbook.sheets.find((s) => s.name === name)!);
  if (!g.ok) throw new Error(g.error.message);
  return g.grid;
}
const at = (g: SheetGrid, row: number, col: number): CellValue => g.rows[row - g.origin.row]?.[col - g.origin.col] ?? null;
const letter = (col: number) => String.fromCharCode(64 + col);
const sheetNames = (bytes: Uint8Array) => {
  const r = readWorkbook(bytes);
  return r.ok ? r.workbook.sheets.map((s) => s.name) : [];
};

const original = new Uint8Array(fs.readFileSync(EXAMPLE));
const dataWidth = (grid(original).rows[2 - grid(original).origin.row] ?? []).length + grid(original).origin.col - 1;
/** Result columns: 得分 等级 未达标项 校验说明, right of the data. */
const GRADE = dataWidth + 2;
const NOTE_COL = dataWidth + 4;

/** An official typing into one cell of a file (as Excel or WPS would save it), nothing else changed. */
function typeInto(bytes: Uint8Array, row: number, col: number, text: string): Uint8Array {
  const cell = `${letter(col)}${row}`;
  const emptied = unwrite(bytes, [{ id: SHEET, name: SHEET, area: cell, cells: 1, header: null, headerBold: null, marks: { error: "", warning: "" }, fills: {} }]);
  const plan: ResultPlan = { sheet: SHEET, headerRow: row, startCol: col, headers: [text], rows: [], marks: [] };
  const out = toAnnotatedCopy(emptied, [plan], [], { verify: false });
  if (!(out instanceof Uint8Array)) throw new Error(out.error.message);
  return out;
}

/** The page: open, check the sheet, download the copy (or clear it and download). */
async function page(bytes: Uint8Array, opts: { clear?: boolean } = {}): Promise<{ copy: Uint8Array; kept?: { sheet: string; cell: string }[]; placement?: string; note?: string }> {
  const opened = await fileDoor.open(bytes, "考核.xlsx");
  if (!opened.ok) throw new Error(opened.message.zh);
  const host = opened.host as FileWorkbookHost;
  if (opts.clear) {
    const r = await host.clearResults();
    return { copy: await fileDoor.annotated(host), kept: r.cellsKept };
  }
  const g = withoutOwnResults(await host.readSheet(SHEET));
  const outcome = await host.writeResults(planResults(g, evaluateSheet(g, pack), pack));
  return { copy: await fileDoor.annotated(host), placement: outcome.placement, note: outcome.note?.zh };
}


function withoutFingerprints(bytes: Uint8Array): Uint8Array {
  const ledger = parseLedger(addinSettingsOf(bytes)[LEDGER_KEY]);
  const pkg = editPackage(bytes);
  setAddinSettings(pkg, { [LEDGER_KEY]: { ...ledger, sheets: ledger.sheets.map(({ fingerprint: _f, ...e }) => e) } });
  return pkg.toZip();
}

describe("fingerprint (engine)", () => {
  const plan: ResultPlan = { sheet: "S", headerRow: 2, startCol: 5, headers: ["得分", "说明"], rows: [{ row: 3, values: [7, "缺 标准二"] }, { row: 5, values: [9, null] }], marks: [] };
  const written = new Map<string, CellValue>([["2,5", "得分"], ["2,6", "说明"], ["3,5", 7], ["3,6", "缺 标准二"], ["5,5", 9]]);
  const area = { r1: 2, c1: 5, r2: 5, c2: 6 };

  test("matches what was written (numbers as numbers, missing rows blank) and names only the changed cells", () => {
    const print = fingerprint(plan)!;
    expect(print).toHaveLength(Math.ceil((8 * 2) / 3) * 4);
    expect(typedCells(area, print, (r, c) => written.get(`${r},${c}`) ?? null)).toEqual([]);
    const typed = new Map(written).set("3,6", NOTE).set("4,5", "x");
    expect(typedCells(area, print, (r, c) => typed.get(`${r},${c}`) ?? null)).toEqual([{ row: 3, col: 6 }, { row: 4, col: 5 }]);
    // A fingerprint that does not fit the area (edited settings) tells nothing: null, cleared as a block.
    expect(typedCells({ ...area, r2: 9 }, print, () => null)).toBeNull();
    expect(typedCells(area, "not base64!", () => null)).toBeNull();
  });

  test("past the ceiling no fingerprint is made", () => {
    const rows = Array.from({ length: FINGERPRINT_CHARS / 4 }, (_, i) => ({ row: 3 + i, values: ["合格", ""] }));
    expect(fingerprint({ ...plan, rows })).toBeNull();
  });

  test("the area without typed cells, as column runs", () => {
    expect(areaWithout(area, [])).toEqual([area]);
    expect(areaWithout(area, [{ row: 3, col: 6 }])).toEqual([
      { r1: 2, c1: 5, r2: 5, c2: 5 },
      { r1: 2, c1: 6, r2: 2, c2: 6 },
      { r1: 4, c1: 6, r2: 5, c2: 6 },
    ]);
  });
});

describe("a cell typed over in our result columns is kept and named, in every door", () => {
  test("page: clear keeps the note and the hand-changed grade, names them, removes the rest; a re-check moves results aside", async () => {
    const { copy } = await page(original);
    expect(at(grid(copy), 2, NOTE_COL)).toBe("校验说明");
    expect(parseLedger(addinSettingsOf(copy)[LEDGER_KEY]).sheets[0].fingerprint).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const typed = typeInto(typeInto(copy, 3, NOTE_COL, NOTE), 4, GRADE, "合格");
    expect(at(grid(typed), 4, GRADE)).toBe("合格");

    const cleared = await page(typed, { clear: true });
    expect(cleared.kept).toEqual([
      { sheet: SHEET, cell: `${letter(NOTE_COL)}3` },
      { sheet: SHEET, cell: `${letter(GRADE)}4` },
    ]);
    const g = grid(cleared.copy);
    expect(at(g, 3, NOTE_COL)).toBe(NOTE);
    expect(at(g, 4, GRADE)).toBe("合格");
    for (let c = dataWidth + 1; c <= NOTE_COL; c++)
      for (let r = 2; r <= 12; r++) if (!(r === 3 && c === NOTE_COL) && !(r === 4 && c === GRADE)) expect([r, c, at(g, r, c)]).toEqual([r, c, null]);
    const message = STRINGS.zh.clearTypedKept(cleared.kept!);
    expect(message).toBe(`工作表“${SHEET}”${letter(NOTE_COL)}3、工作表“${SHEET}”${letter(GRADE)}4在写入结果后被修改过，视为您的内容，保留未清除。`);

    // Re-checked in the page: the typed cells are content in the way — results go to a sheet of their own, the note stays.
    const again = await page(typed);
    expect(again.placement).toBe("sheet");
    expect(again.note).toContain(`${letter(NOTE_COL)}3`);
    const g2 = grid(again.copy);
    expect(at(g2, 3, NOTE_COL)).toBe(NOTE);
    expect(at(g2, 4, GRADE)).toBe("合格");
    expect(at(g2, 2, NOTE_COL)).toBeNull();
    expect(sheetNames(again.copy)).toContain("校验结果");
  });

  test("command line: a re-check of the typed copy keeps the typed cells and moves results aside", async () => {
    const { copy } = await page(original);
    const typed = typeInto(copy, 3, NOTE_COL, NOTE);
    const out = annotateWithCli(typed);
    const g = grid(out);
    expect(at(g, 3, NOTE_COL)).toBe(NOTE);
    expect(at(g, 2, NOTE_COL)).toBeNull();
    expect(at(g, 3, GRADE)).toBeNull();
    expect(sheetNames(out)).toContain("校验结果");
    // Then the page clears the command line's copy: the note is no longer in any ledger — untouched.
    const cleared = await page(out, { clear: true });
    expect(at(grid(cleared.copy), 3, NOTE_COL)).toBe(NOTE);
    expect(cleared.kept).toEqual([]);
  }, 120_000);

  test("a ledger without fingerprints (earlier versions) clears the area as a block, as before", async () => {
    const { copy } = await page(original);
    const typed = withoutFingerprints(typeInto(copy, 3, NOTE_COL, NOTE));
    expect(parseLedger(addinSettingsOf(typed)[LEDGER_KEY]).sheets[0].fingerprint).toBeUndefined();
    const cleared = await page(typed, { clear: true });
    expect(cleared.kept).toEqual([]);
    expect(at(grid(cleared.copy), 3, NOTE_COL)).toBeNull();
    expect(at(grid(cleared.copy), 2, NOTE_COL)).toBeNull();
  });

  describe("Excel (fake object model)", () => {
    let fake: FakeExcel;
    let restore: () => void;
    beforeEach(() => {
      fake = new FakeExcel();
      restore = fake.install();
      const g = grid(original);
      const rows = g.rows.map((r) => r.map((v) => (typeof v === "object" && v !== null ? null : v))) as Seed[][];
      fake.addSheet(SHEET, { rows, at: `${letter(g.origin.col)}${g.origin.row}` });
    });
    afterEach(() => restore());

    async function check() {
      const host = createExcelHost();
      const g = withoutOwnResults(await host.readSheet(SHEET));
      return { host, outcome: await host.writeResults(planResults(g, evaluateSheet(g, pack), pack)) };
    }

    test("clear keeps the typed cells and names them; re-check does not write over them", async () => {
      const { host } = await check();
      const s = fake.sheet(SHEET);
      expect(s.at(`${letter(NOTE_COL)}2`)).toBe("校验说明");
      s.put(3, NOTE_COL, NOTE);
      s.put(4, GRADE, "合格");

      const { outcome } = await check();
      expect(outcome.placement).toBe("sheet");
      expect(outcome.note?.zh).toContain(`${letter(NOTE_COL)}3`);
      expect(s.at(`${letter(NOTE_COL)}3`)).toBe(NOTE);
      expect(s.at(`${letter(GRADE)}4`)).toBe("合格");
      // The rest of our earlier results are gone from the data sheet (they are on 校验结果 now).
      expect(s.at(`${letter(NOTE_COL)}2`)).toBeNull();
      expect(s.at(`${letter(GRADE)}3`)).toBeNull();
      expect(fake.sheet("校验结果").at("A2")).toBeTruthy();

      // Cleared in place this time: check again after removing the typed cells' conflict.
      s.put(3, NOTE_COL, undefined);
      s.put(4, GRADE, undefined);
      await host.clearResults();
      await check();
      expect(s.at(`${letter(GRADE)}4`)).toBeTruthy();
      s.put(3, NOTE_COL, NOTE);
      const cleared = await host.clearResults();
      expect(cleared.cellsKept).toEqual([{ sheet: SHEET, cell: `${letter(NOTE_COL)}3` }]);
      expect(s.at(`${letter(NOTE_COL)}3`)).toBe(NOTE);
      for (let c = dataWidth + 1; c <= NOTE_COL; c++) for (let r = 2; r <= 12; r++) if (!(r === 3 && c === NOTE_COL)) expect([r, c, s.get(r, c) ?? null]).toEqual([r, c, null]);
    });

    test("Excel opens the page's typed copy: clear keeps the note", async () => {
      restore();
      fake = new FakeExcel();
      restore = fake.install();
      const { copy } = await page(original);
      const typed = typeInto(copy, 3, NOTE_COL, NOTE);
      const g = grid(typed);
      const rows = g.rows.map((r) => r.map((v) => (typeof v === "object" && v !== null ? null : v))) as Seed[][];
      fake.addSheet(SHEET, { rows, at: `${letter(g.origin.col)}${g.origin.row}` });
      for (const [k, v] of Object.entries(addinSettingsOf(typed))) fake.settings.set(k, v);
      const cleared = await createExcelHost().clearResults();
      expect(cleared.cellsKept).toEqual([{ sheet: SHEET, cell: `${letter(NOTE_COL)}3` }]);
      const s = fake.sheet(SHEET);
      expect(s.at(`${letter(NOTE_COL)}3`)).toBe(NOTE);
      expect(s.at(`${letter(NOTE_COL)}2`)).toBeNull();
    });

    test("a ledger without fingerprints still clears the whole area", async () => {
      await check();
      const ledger = parseLedger(fake.settings.get(LEDGER_KEY));
      fake.settings.set(LEDGER_KEY, { ...ledger, sheets: ledger.sheets.map(({ fingerprint: _f, ...e }) => e) });
      const s = fake.sheet(SHEET);
      s.put(3, NOTE_COL, NOTE);
      const cleared = await createExcelHost().clearResults();
      expect(cleared.cellsKept).toEqual([]);
      expect(s.at(`${letter(NOTE_COL)}3`)).toBeNull();
    });
  });
});
