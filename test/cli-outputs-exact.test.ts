/**
 * The command line's outputs built fast (issue 16) say exactly what the plain definitions say:
 * the table's cells padded and made safe as the regex and the width rule define them, the JSON
 * text exactly what JSON.stringify writes, the report's texts exactly what XML holds — on
 * hostile text an official's workbook can hold (controls, bidirectional overrides, quotes,
 * backslashes, lone surrogates, emoji, CJK, `_x0041_`, edge spaces, `&<>`).
 */
import { evaluateSheet } from "../src/engine";
import { getPack } from "../src/packs";
import { pad, padNumber, terminalSafe, width } from "../src/cli/format";
import { reportBytes, reportRowsOf, sheetJsonText, sheetTable } from "../src/cli/render";
import { NO_CELL, ReportSheet, SharedStrings, TEXT_CELL, WHOLE_CELL, xmlBlock, xmlText, XmlText } from "../src/cli/report-xml";
import { concat as concatBytes } from "../src/file/zip";
import { readWorkbook, sheetGrid } from "../src/file/xlsx-read";
import { strFromU8, unzipSync } from "fflate";
import ExcelJS from "exceljs";

/** Small pieces the hostile texts are made of. */
const PIECES = ["a", "Z", " ", "_", "x", "0", "F", "g", "&", "<", ">", '"', "\\", "/", "\u0000", "\u0001", "\t", "\n", "\r", "\u001b", "\u007f", "\u0085", "\u200e", "\u202e", "\u2067", "\ud83d", "\ude00", "\ud83d\ude00", "\ufffe", "\uffff", "中", "長", "ｶ", "한", "，", "_x0041_", "_x00", "…"];

function texts(n: number, seed = 7): string[] {
  let s = seed;
  const rnd = (k: number) => ((s = (s * 1103515245 + 12345) & 0x7fffffff) % k);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let t = "";
    for (let len = rnd(14); len > 0; len--) t += PIECES[rnd(PIECES.length)];
    out.push(t);
  }
  return out;
}

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** The definition: every unsafe character replaced (line breaks kept when asked). */
const safeByRegex = (s: string, keepLines = false) =>
  s.replace(UNSAFE, (ch) => {
    const c = ch.charCodeAt(0);
    if (c === 10 && keepLines) return ch;
    return c < 0x20 ? String.fromCharCode(0x2400 + c) : c === 0x7f ? "\u2421" : "\ufffd";
  });

/** The definition: made safe, then the widest prefix within n - 2 columns (at least one unit, never half a pair) and …, padded to n. */
function padByDefinition(text: string, n: number): string {
  const s = safeByRegex(text);
  if (width(s) <= n - 1) return s + " ".repeat(n - width(s));
  let end = 0;
  while (end < s.length && width(s.slice(0, end + 1)) <= n - 2) end++;
  end = Math.max(end, 1);
  if (end < s.length && s.charCodeAt(end) >= 0xdc00 && s.charCodeAt(end) <= 0xdfff) end++;
  const t = s.slice(0, end) + "…";
  return t + " ".repeat(Math.max(0, n - width(t)));
}

/** The definition of XML text before it was made fast: one regex to test, the same replacements. */
function xmlByRegex(s: string): string {
  if (!/[&<>\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]|_x[0-9A-Fa-f]{4}_/.test(s)) return s;
  return s
    .replace(/_(?=x[0-9A-Fa-f]{4}_)/g, "_x005F_")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd")
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, (c) => `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}_`);
}

test("table cells: made safe and padded exactly as defined, for every width", () => {
  const all = texts(6000);
  for (const t of all) {
    expect(terminalSafe(t)).toBe(safeByRegex(t));
    expect(terminalSafe(t, true)).toBe(safeByRegex(t, true));
  }
  for (const t of all.slice(0, 1500)) for (let n = 1; n <= 14; n++) expect([t, n, pad(t, n)]).toEqual([t, n, padByDefinition(t, n)]);
  // A sheet row's number padded as its text is, whether it fits or is cut.
  for (const v of [0, 3, 42, 1048576, 100002, -7, 123456789012]) for (let n = 1; n <= 14; n++) expect([v, n, padNumber(v, n)]).toEqual([v, n, padByDefinition(String(v), n)]);
  // Nothing unsafe reaches the terminal, whatever was cut.
  for (const t of all) expect(pad(t, 6)).not.toMatch(UNSAFE);
});

test("report text: escaped exactly as defined", () => {
  for (const t of texts(20_000, 11)) expect(xmlText(t)).toBe(xmlByRegex(t));
});

test("report text encoded a block at a time (xmlBlock): each text's bytes are its XML text, or the block is left to be written text by text", () => {
  const all = texts(3000, 5);
  // Blocks of hostile texts, and blocks of cell addresses (what the report encodes this way).
  const blocks = [
    ...Array.from({ length: 300 }, (_, b) => all.slice(b * 10, b * 10 + 10)),
    ...Array.from({ length: 20 }, (_, b) => ["F3", "", `AB${b + 1048570}`, "長", "😀x"].map((t) => t + b)),
    ...Array.from({ length: 10 }, (_, b) => ["F3", "", `XFD${b + 1048570}`].map((t) => t + b)),
  ];
  let encoded = 0;
  for (const block of blocks) {
    const ends: number[] = [];
    let at = 0;
    for (const t of block) ends.push((at += t.length));
    const x = xmlBlock(block.join(""), Uint32Array.from(ends));
    if (!x) {
      // Left to the text-by-text writer only when some text needs it: an escape, or edge whitespace to keep.
      expect(block.some((t) => xmlText(t) !== t || /^[ \t\r\n]|[ \t\r\n]$/.test(t) || /_x/.test(block.join("")))).toBe(true);
      continue;
    }
    encoded++;
    block.forEach((t, k) => expect(new TextDecoder().decode(x.bytes.subarray(k ? x.ends[k - 1] : 0, x.ends[k]))).toBe(xmlText(t)));
  }
  expect(encoded).toBeGreaterThanOrEqual(30);
});

/** An assessment sheet whose names and evidence are hostile texts, some repeated. */
function hostileSheet() {
  const pack = getPack("studio-assessment")!;
  const headers = ["工作室名称", "标准一", "标准二", "标准三", "标准四", "标准五", "标准六", "标准七", "标准八", "标准九", "标准十"];
  const names = texts(60, 3).map((t, i) => (i % 7 === 0 ? " 前后空格 " : `${t}工作室${i}`));
  const rows: (string | number | null)[][] = [["2024年度考核"], headers];
  names.forEach((name, i) => rows.push([name, ...Array.from({ length: 10 }, (_, k) => ((i + k) % 4 === 0 ? "否" : (i + k) % 5 === 0 ? null : (i + k) % 6 === 0 ? `若干${names[(i + k) % names.length]}` : "是"))]));
  return evaluateSheet({ name: "考核\u202e表", rows, origin: { row: 1, col: 1 } }, pack);
}

test("JSON: every record's text is what JSON.stringify writes (parsed and written again, the same text)", () => {
  const result = hostileSheet();
  for (const messages of [false, true]) {
    const text = sheetJsonText('县"区\\a.xlsx', result, { messages });
    expect(JSON.stringify(JSON.parse(text))).toBe(text);
    const parsed = JSON.parse(text) as { records: { label: string; issues: { text: string | null }[] }[] };
    expect(parsed.records.map((r) => r.label)).toEqual(result.records.map((r) => r.label));
    expect(parsed.records.some((r) => r.issues.some((i) => i.text !== null && i.text.startsWith("若干")))).toBe(true);
  }
  // The table of the same sheet: no raw control character, every record on its own line.
  const table = sheetTable("a.xlsx", result);
  // eslint-disable-next-line no-control-regex
  expect(table).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
  expect(table.split("\n").length).toBeGreaterThan(result.records.length);
  // Each record's line begins with its row and name padded as defined (the table is written as
  // UTF-8 bytes: a surrogate not in a pair arrives as U+FFFD, as a string written to stdout did).
  const lines = table.split("\n");
  const h = lines.findIndex((l) => l.startsWith("  行"));
  const rowWidth = width(lines[h].slice(2, lines[h].indexOf("名称")));
  const nameWidth = width(lines[h].slice(lines[h].indexOf("名称"), lines[h].indexOf("结论")));
  const lone = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
  result.records.forEach((r, j) => {
    const want = `  ${padByDefinition(String(r.row), rowWidth)}${padByDefinition(r.label, nameWidth)}`.replace(lone, "\ufffd");
    expect([j, lines[h + 1 + j].slice(0, want.length)]).toEqual([j, want]);
  });
  expect(lines.some((l) => l.includes("\ufffd"))).toBe(true);
});

test("report: every cell read back from the workbook is the row's value (repeated texts made once, edge spaces kept)", () => {
  const result = hostileSheet();
  const entries = [
    { file: " 县区/a&b.xlsx", result },
    { file: "_x0041_.xlsx", result },
  ];
  const rows = reportRowsOf(entries);
  const book = readWorkbook(reportBytes(entries));
  if (!book.ok) throw new Error(book.error.message);
  // What XML can hold: a lone surrogate is written as U+FFFD.
  const held = (v: unknown) => (typeof v === "string" ? v.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd") : v);
  for (const name of ["汇总", "问题清单"]) {
    const want = rows.find((s) => s.name === name)!.rows;
    const entry = book.workbook.sheets.find((s) => s.name === name)!;
    const g = sheetGrid(entry);
    if (!g.ok) throw new Error(g.error.message);
    expect(g.grid.rows.length).toBe(want.length);
    want.forEach((row, r) => {
      const got = g.grid.rows[r] ?? [];
      row.forEach((v, c) => {
        if (v === null || v === undefined || v === "") expect(got[c] ?? null).toBeNull();
        else expect([r, c, got[c]]).toEqual([r, c, held(v)]);
      });
    });
  }
});

test("report: repeated texts as one shared-strings table (count and uniqueCount right), addresses only where a cell does not follow the one before; exceljs reads the same cells", async () => {
  const result = hostileSheet();
  const entries = [
    { file: " 县区/a&b.xlsx", result },
    { file: "_x0041_.xlsx", result },
  ];
  const bytes = reportBytes(entries);
  const parts = unzipSync(bytes);
  const sst = strFromU8(parts["xl/sharedStrings.xml"]);
  const sheets = Object.keys(parts).filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n)).map((n) => strFromU8(parts[n]));
  const items = sst.match(/<si>.*?<\/si>/g) ?? [];
  const uses = sheets.map((x) => (x.match(/<c[^>]* t="s"/g) ?? []).length).reduce((a, b) => a + b, 0);
  expect(items.length).toBeGreaterThan(2);
  expect(new Set(items).size).toBe(items.length);
  expect(sst).toContain(`count="${uses}" uniqueCount="${items.length}"`);
  expect(strFromU8(parts["[Content_Types].xml"])).toContain('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>');
  expect(strFromU8(parts["xl/_rels/workbook.xml.rels"])).toMatch(/relationships\/sharedStrings" Target="sharedStrings.xml"/);
  // Every row keeps its number and its first cell (if any) its address; some cells go without theirs.
  for (const x of sheets) {
    for (const row of x.match(/<row[^>]*>.*?<\/row>/g) ?? []) {
      expect(row).toMatch(/^<row r="\d+">(<\/row>|<c r="[A-Z]+\d+")/);
    }
  }
  expect(sheets.join("")).toContain("<c t=");
  // exceljs places every cell where the rows say (shared strings resolved, gaps kept).
  const rows = reportRowsOf(entries);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(bytes) as never);
  const held = (v: unknown) => (typeof v === "string" ? v.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd") : v);
  for (const name of ["汇总", "问题清单"]) {
    const want = rows.find((s) => s.name === name)!.rows;
    const ws = book.getWorksheet(name)!;
    expect(ws.rowCount).toBe(want.length);
    want.forEach((row, r) => {
      row.forEach((v, c) => {
        const got = ws.getRow(r + 1).getCell(c + 1).value;
        if (v === null || v === undefined || v === "") expect(got ?? null).toBeNull();
        else if (typeof v !== "string") expect([r, c, got]).toEqual([r, c, v]);
        else {
          // exceljs undoes Excel's _xHHHH_ escapes in shared strings, not in inline ones: either reading
          // may be the text. An XML parser reads a line end written as a bare CR as LF (XML's rule).
          const unescaped = typeof got === "string" ? got.replace(/_x([0-9A-Fa-f]{4})_/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : got;
          expect([[r, c, got], [r, c, unescaped]]).toContainEqual([r, c, (held(v) as string).replace(/\r\n?/g, "\n")]);
        }
      });
    });
  }
});

test("report: a row given as items, whole numbers and encoded text (itemsRow) is written byte for byte as the same values given to row()", () => {
  const made = (fill: (sheet: ReportSheet, shared: SharedStrings) => void) => {
    const parts: Uint8Array[] = [];
    const shared = new SharedStrings({ write: () => undefined });
    const sheet = new ReportSheet(1, { write: (b) => void parts.push(b) }, shared);
    fill(sheet, shared);
    sheet.end();
    return { xml: strFromU8(concatBytes(parts)), count: shared.count };
  };
  const text = new XmlText();
  text.bytes = new TextEncoder().encode("F3AB12");
  // Each column in turn nothing, an item, a whole number (0, 9, 10, big) or the encoded text: gaps
  // at the start, in the middle and at the end, a number or an item owed before a gap or a text.
  const kinds: number[][] = [];
  let s = 11;
  const rnd = (k: number) => ((s = (s * 1103515245 + 12345) & 0x7fffffff) % k);
  for (let r = 0; r < 400; r++) {
    // At most one encoded text a row (itemsRow's one `text`): a second is a number instead.
    const row = Array.from({ length: 9 }, () => rnd(5));
    kinds.push(row.map((k, j) => (k === 4 && row.indexOf(4) < j ? 3 : k)));
  }
  kinds.push([0, 0, 0, 0, 0, 0, 0, 0, 0], [2, 2, 2, 2, 2, 2, 2, 2, 2], [4, 1, 3, 0, 0, 3, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0, 0, 4]);
  const numbers = [0, 9, 10, 99_999, 2 ** 31 + 5, 999_999_999_999_999];
  const rows = kinds.map((row, r) => {
    const cells = new Int32Array(9);
    const nums = new Float64Array(9);
    const values: (string | number | null | XmlText)[] = [];
    const items = new Int32Array(9).fill(-1);
    row.forEach((k, j) => {
      const item = (r * 9 + j) % 37;
      const n = numbers[(r + j) % numbers.length];
      const at = new XmlText();
      at.bytes = text.bytes;
      at.from = j % 3;
      // An empty encoded text is nothing too.
      at.to = k === 4 && r % 7 === 0 ? at.from : at.from + 2;
      cells[j] = k === 0 ? NO_CELL : k === 1 || k === 2 ? item : k === 3 ? WHOLE_CELL : TEXT_CELL;
      nums[j] = n;
      values.push(k === 0 ? null : k === 1 || k === 2 ? `文本${item}` : k === 3 ? n : at);
      if (k === 1 || k === 2) items[j] = item;
    });
    return { cells, nums, values, items, text: values.find((v): v is XmlText => v instanceof XmlText) ?? null };
  });
  const generic = made((sheet) => rows.forEach((x) => sheet.row(x.values, x.items)));
  const fast = made((sheet) => rows.forEach((x) => sheet.itemsRow(x.cells, x.nums, x.text)));
  expect(fast.xml).toBe(generic.xml);
  expect(fast.count).toBe(generic.count);
  // Cells after a gap keep their address, cells after the one before go without.
  expect(fast.xml).toMatch(/<\/c><c r="[B-I]\d+"/);
  expect(fast.xml).toContain("</c><c><v>");
});
