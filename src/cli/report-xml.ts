/**
 * The report workbook written as sheet XML row by row — no workbook object in memory, no exceljs:
 * 汇总, 问题清单, 经费 and, when checks were recorded, 校验记录. Each sheet is a ReportSheet that
 * turns rows into XML bytes and hands them on in pieces (to a deflate stream on disk for the command
 * line, report-file.ts; to memory for the page, reportBytes). Strings are text, never formulas, so
 * a studio name starting with = stays text: the data rows' texts (SHARED) as shared strings, one
 * table for the whole workbook (SharedStrings, its items handed on as they come, its opening with
 * the counts made last), the rest inline. The other parts (workbook, styles, the kj-assess marker)
 * are small and fixed. Browser-safe.
 */
import { colLetter } from "../engine/address";
import { RECORD_HEADERS, RECORD_SHEET } from "../engine/record";
import { countsSheet, REPORT_COUNTS_SHEET, type RunCounts } from "../engine/output";
import { chartParts, withDrawing } from "../file/chart";
import type { OutValue } from "../engine/host";
import { markerParts } from "../file/marker";
import { ascii, encodeUtf8, markup, put, putMarkup, putWhole, Utf8Bytes } from "./bytes";

/** The report's sheets in their order: 汇总, 问题清单, 经费, 统计 (counts and a chart), and 校验记录 when checks were recorded. */
export const REPORT_SHEETS = ["汇总", "问题清单", "经费", REPORT_COUNTS_SHEET, RECORD_SHEET] as const;
/** 0 汇总, 1 问题清单, 2 经费, 3 统计, 4 校验记录. */
export type SheetNo = 0 | 1 | 2 | 3 | 4;
export const COUNTS: SheetNo = 3;
export const RECORDS: SheetNo = 4;

export const REPORT_HEADERS: readonly (readonly string[])[] = [
  ["文件", "工作表", "规则包", "行", "名称", "等级/结论", "后果", "达标条数", "满分条数", "未达标项", "状态", "隐藏行", "说明"],
  ["文件", "工作表", "单元格", "行", "名称", "级别", "问题", "单元格内容", "依据"],
  ["文件", "工作表", "工作室", "年度", "已支出（元）", "额度（元）", "支出比例", "状态", "说明"],
  ["状态", "记录数"],
  RECORD_HEADERS,
];
const WIDTHS: readonly (readonly number[])[] = [
  [28, 14, 18, 6, 36, 10, 40, 9, 9, 24, 9, 7, 60],
  [28, 14, 8, 6, 30, 6, 70, 16, 16],
  [28, 14, 24, 8, 14, 12, 10, 8, 60],
  [16, 10],
  [20, 12, 24, 14, 20, 10, 7, 8, 7, 7, 7, 20, 40, 50, 60],
];
/** Cell styles (styles.xml below): 1 header, 2 money #,##0.00, 3 percent 0.0%. Only 经费 has number formats. */
const STYLE_OF: readonly (readonly number[])[] = [[], [], [0, 0, 0, 0, 2, 2, 3], [], []];
const LETTERS = Array.from({ length: 16 }, (_, i) => colLetter(i + 1));
/**
 * Text columns written as shared strings (an index into the workbook's one table): every text of
 * 汇总, 问题清单 and 经费 — the file, the sheet, the names, the messages, the cell texts — but
 * 问题清单's cell address (unique to its row: shorter inline). A message or a name is written to
 * the table once and used by every row that repeats it (a record's name on each of its issues,
 * the same unmet standard on many records): at 100,000 records most of the report's XML was
 * these texts written again and again. The header row and 统计, 校验记录 stay inline.
 */
const SHARED: readonly (readonly boolean[])[] = [
  [true, true, true, true, true, true, true, true, true, true, true, true, true],
  [true, true, false, true, true, true, true, true, true],
  [true, true, true, true, true, true, true, true, true],
  [],
  [],
];
/**
 * Texts the table remembers, in each of two generations: a text used again while still in either
 * is written as its index; one not seen for two generations is added again (a second item with
 * the same text, which readers take as they take any item). Memory stays bounded whatever the
 * number of records, and the texts that recur (files, statuses, the common messages) stay.
 */
const KEEP = 1 << 16;

/** What a column of a row given to ReportSheet.itemsRow holds besides an item: nothing, a whole number, the encoded text. */
export const NO_CELL = -1;
export const WHOLE_CELL = -2;
export const TEXT_CELL = -3;

/** The last row of a sheet that had rows left out past Excel's last row. */
export const cutNote = (cut: number): string => `另有 ${cut} 行未列出：超出 Excel 每张表 ${MAX_SHEET_ROWS} 行的上限（完整内容见 --json 输出）`;

/** Whether column j of sheet `no` writes its texts as shared strings (SHARED). */
export const sharedColumn = (no: SheetNo, j: number): boolean => !!SHARED[no][j];

/** Excel's last row. */
export const MAX_SHEET_ROWS = 1_048_576;

const ESCAPE_MARK = /_(?=x[0-9A-Fa-f]{4}_)/g;
const AMP = /&/g;
const LT = /</g;
const GT = />/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

/** What xmlText changes, but the _xHHHH_ look-alikes (found by indexOf first: a regex with both is slow). */
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[&<>\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/;
const ESCAPE_LIKE = /_x[0-9A-Fa-f]{4}_/;

/**
 * Text as XML character data: &, <, > escaped; characters XML cannot hold (controls) written as
 * Excel's _xHHHH_ escapes, lone surrogates as U+FFFD; a literal `_x0041_` in the text kept literal.
 */
export function xmlText(s: string): string {
  if (!NEEDS_ESCAPE.test(s) && (s.indexOf("_x") < 0 || !ESCAPE_LIKE.test(s))) return s;
  return s
    .replace(ESCAPE_MARK, "_x005F_")
    .replace(AMP, "&amp;")
    .replace(LT, "&lt;")
    .replace(GT, "&gt;")
    .replace(LONE_SURROGATE, "\ufffd")
    .replace(CONTROL, (c) => `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}_`);
}

/** Whether XML would drop the text's edge whitespace unless told to keep it. */
function edgeSpace(v: string): boolean {
  return isEdgeSpace(v.charCodeAt(0)) || isEdgeSpace(v.charCodeAt(v.length - 1));
}

const isEdgeSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** Pieces of a part's XML (UTF-8) go here, in order; each piece is the sink's to keep. */
export interface XmlSink {
  write(xml: Uint8Array): void;
}

/** A piece handed to the sink once it holds this many bytes of XML (at a row's end). */
const PIECE = 1 << 20;
/**
 * Room a row's markup takes at most beside its cells (`<row r="1048576">`, `</row>`), and a cell's
 * beside its text: `<c r="P1048576" s="3" t="inlineStr"><is><t xml:space="preserve">` and its end, or
 * a number's 15 digits.
 */
const ROW_ROOM = 32;
const CELL_ROOM = 128;
/** A text this short (in UTF-16 units, at most 3 bytes each) is encoded within a cell's room. */
const SHORT_TEXT = 16;

/** XML bytes (bytes.ts): text as XML character data besides. */
class XmlBytes extends Utf8Bytes {
  /** Text as XML character data (xmlText), encoded in place; the rare text that needs escaping goes through xmlText first. */
  text(s: string): void {
    this.room(s.length * 3);
    const p = encodeUtf8(s, this.buf, this.pos, true);
    if (p >= 0) this.pos = p;
    else this.utf8(xmlText(s));
  }
}

/** A cell's markup after `<c` or `<c r="A12"` in a column of style `st`, as bytes: a number's opening, a text's, a text's that keeps its edge spaces, a shared string's; and the closings. */
const cellOpenings = (st: number) => {
  const s = st ? ` s="${st}"` : "";
  return {
    num: markup(`${s}><v>`),
    str: markup(`${s} t="inlineStr"><is><t>`),
    keep: markup(`${s} t="inlineStr"><is><t xml:space="preserve">`),
    shared: markup(`${s} t="s"><v>`),
    // The same after `<c`, for a cell written without its address (the common case), in one piece;
    // and with the closing of the cell before it (a number or a shared string) in front.
    cNum: markup(`<c${s}><v>`),
    cShared: markup(`<c${s} t="s"><v>`),
    endNum: markup(`</v></c><c${s}><v>`),
    endShared: markup(`</v></c><c${s} t="s"><v>`),
  };
};
type Openings = ReturnType<typeof cellOpenings>;
const V_END = markup("</v></c>");
const T_END = markup("</t></is></c>");
const C = markup("<c");
const C_R = markup('<c r="');
const QUOTE = markup('"');
const ROW = markup('<row r="');
const ROW_OPEN_END = markup('">');
const ROW_END = markup("</row>");
const V_ROW_END = markup("</v></c></row>");
const SI = ascii("<si><t>");
const SI_KEEP = ascii('<si><t xml:space="preserve">');
const SI_END = ascii("</t></si>");
const SST_END = ascii("</sst>");

/**
 * The workbook's shared strings (xl/sharedStrings.xml), one table for all its sheets: the sheets
 * write a text's index; the items are written to `sink` as they are added (so the table is never
 * held whole), the opening (`head`, with the counts) once the sheets are done. `count` is the
 * cells that use it, `size` its items.
 */
export class SharedStrings {
  count = 0;
  size = 0;
  #young = new Map<string, number>();
  #old = new Map<string, number>();
  readonly #out = new XmlBytes();
  /** `keep`: texts remembered per generation (smaller only in tests). */
  constructor(
    private readonly sink: XmlSink,
    private readonly keep = KEEP,
  ) {}

  /**
   * The text's index, its item written if the table does not remember it; -1 for a text with a
   * line break, which stays inline (as it always was: the table's items each on one line).
   */
  indexOf(v: string): number {
    let i = this.#young.get(v);
    if (i !== undefined) return i;
    i = this.#old.get(v);
    if (i === undefined && (v.indexOf("\n") >= 0 || v.indexOf("\r") >= 0)) i = -1;
    else if (i === undefined) {
      i = this.size++;
      const o = this.#out;
      o.bytes(edgeSpace(v) ? SI_KEEP : SI);
      o.text(v);
      o.bytes(SI_END);
      if (o.pos >= PIECE) this.sink.write(o.take());
    }
    // Kept as a copy of its own: the text may be a slice of a whole chunk's messages or labels,
    // which the table would otherwise keep alive for as long as it remembers the text.
    this.#young.set(ownCopy(v), i);
    if (this.#young.size >= this.keep) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    return i;
  }

  /** What comes before the items, with the counts (known once the sheets are done). */
  head(): string {
    return `${DECL}<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${this.count}" uniqueCount="${this.size}">`;
  }

  /** Writes the items not yet handed on and the closing tag; the part is head() followed by everything written to the sink. */
  end(): void {
    this.#out.bytes(SST_END);
    this.sink.write(this.#out.take());
    this.#young.clear();
    this.#old.clear();
  }
}

/**
 * The text as a string of its own, holding no larger string it was sliced from (V8 keeps a slice's
 * whole parent alive). A text shorter than V8's shortest slice (13 units) is a copy already: a
 * studio's name, most cell texts — 100,000 labels copied twice for nothing cost 50 ms.
 */
export const ownCopy = (v: string): string => (v.length < 13 ? v : (v + " ").slice(0, -1));

/**
 * A text already written as XML character data, UTF-8 — bytes [from, to) of `bytes` — with no
 * edge whitespace to keep: a cell's text taken from its chunk's block encoded once (xmlBlock), no
 * string made per cell. One object is filled again for each row.
 */
export class XmlText {
  bytes: Uint8Array = new Uint8Array(0);
  from = 0;
  to = 0;
}

/**
 * A block of strings (each ending at `ends[k]`, in UTF-16 units) as XML character data in one
 * encoding: the bytes, and where each string ends in them. Null when some string needs what only
 * xmlText does (an escape), or has edge whitespace to keep: those are written one by one.
 */
export function xmlBlock(text: string, ends: Uint32Array): { bytes: Uint8Array; ends: Uint32Array } | null {
  const bytes = new Uint8Array(text.length * 3);
  const n = encodeUtf8(text, bytes, 0, true);
  if (n < 0) return null;
  for (let k = 0, i = 0; k < ends.length; i = ends[k++]) {
    const e = ends[k];
    if (e > i && (isEdgeSpace(text.charCodeAt(i)) || isEdgeSpace(text.charCodeAt(e - 1)))) return null;
  }
  // All ASCII (cell addresses): a byte a unit, the ends as they are.
  if (n === text.length) return { bytes: bytes.subarray(0, n), ends };
  const out = new Uint32Array(ends.length);
  let b = 0;
  let i = 0;
  for (let k = 0; k < ends.length; k++) {
    // Clean text has no lone surrogate: a pair's two units take four bytes, two each.
    for (const e = ends[k]; i < e; i++) {
      const c = text.charCodeAt(i);
      b += c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 2 : 3;
    }
    out[k] = b;
  }
  return { bytes: bytes.subarray(0, n), ends: out };
}

/**
 * A cell's opening, written at p (room made by the caller): what the cell before owes (`owed`: its
 * `</v></c>`), then `<c` — with the address (the column's letters, then the row's digits copied
 * from buf[digits, digitsEnd)) unless the cell comes right after the one before (`next`). The new end.
 */
function openCell(view: DataView, buf: Uint8Array, p: number, owed: boolean, next: boolean, letters: Uint8Array, digits: number, digitsEnd: number): number {
  if (owed) p = putMarkup(view, buf, p, V_END);
  if (next) return putMarkup(view, buf, p, C);
  p = putMarkup(view, buf, p, C_R);
  p = put(buf, p, letters);
  for (let i = digits; i < digitsEnd; i++) buf[p++] = buf[i];
  return putMarkup(view, buf, p, QUOTE);
}

/** One sheet of the report: rows in, XML out in pieces of about a megabyte. */
export class ReportSheet {
  /** Rows written, the header included. */
  rows = 0;
  /** Rows left out past Excel's last row. */
  cut = 0;
  readonly #out = new XmlBytes();
  /** Each column's cell openings in a data row. */
  readonly #open: Openings[];
  /** Each column's letters, as bytes. */
  readonly #letters = LETTERS.map(ascii);
  /** Each shared column's last text and its index: the same file, sheet, status or name on the next row costs a comparison, not a lookup. */
  readonly #lastText: (string | null)[] = LETTERS.map(() => null);
  readonly #lastIndex: number[] = LETTERS.map(() => 0);
  /** `shared`: the workbook's table, where the SHARED columns' texts go (without one they are inline). */
  constructor(
    readonly no: SheetNo,
    private readonly sink: XmlSink,
    private readonly shared: SharedStrings | null = null,
  ) {
    this.#open = LETTERS.map((_, j) => cellOpenings(STYLE_OF[no][j] || 0));
    const cols = WIDTHS[no].map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join("");
    this.#out.utf8(`${DECL}<worksheet ${NS}><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><cols>${cols}</cols><sheetData>`);
    this.#row(REPORT_HEADERS[no], HEADER);
  }

  /** A row of values (`items[j]` ≥ 0: column j's text is that shared-strings item, found by the caller); past Excel's last row (one kept for the note), counted instead. */
  row(values: readonly (OutValue | XmlText)[], items?: ArrayLike<number>): void {
    if (this.rows >= MAX_SHEET_ROWS - 1) {
      this.cut++;
      return;
    }
    this.#row(values, null, items);
  }

  /** Where the row being written keeps its number's digits, [#digits, #digitsEnd) of the buffer: copied into the addresses of its cells that need one. */
  #digits = 0;
  #digitsEnd = 0;

  /** The next row's opening written at the buffer's end, room made for `cells` cells: the position after it. */
  #openRow(cells: number): number {
    const o = this.#out;
    o.room(ROW_ROOM + cells * CELL_ROOM);
    const buf = o.buf;
    const view = o.view;
    let p = putMarkup(view, buf, o.pos, ROW);
    this.#digits = p;
    p = putWhole(buf, p, ++this.rows);
    this.#digitsEnd = p;
    return putMarkup(view, buf, p, ROW_OPEN_END);
  }

  /**
   * A row, every cell inline in the style `all` opens, or each in its column's (shared where SHARED
   * says). The markup and the numbers are written at a local position with room made for them
   * once (CELL_ROOM a cell); a text is written by the buffer, which makes its own room.
   */
  #row(values: readonly (OutValue | XmlText)[], all: Openings | null, items?: ArrayLike<number>): void {
    const o = this.#out;
    let p = this.#openRow(values.length);
    let buf = o.buf;
    let view = o.view;
    const digits = this.#digits;
    const digitsEnd = this.#digitsEnd;
    const shared = all ? null : this.shared;
    const sharedCols = SHARED[this.no];
    // A cell right after the row's previous one goes without its address (the reader takes the next
    // column); the row's first cell, and one after a skipped column, keep theirs.
    let last = -2;
    // A number's or a shared string's `</v></c>` is owed until the next cell: written with that cell's opening in one piece.
    let owed = false;
    for (let j = 0; j < values.length; j++) {
      const v = values[j];
      // By type first: a cell's value is a text, a number, an encoded text, or nothing (skipped).
      let item = -1;
      let whole = false;
      if (typeof v === "string") {
        if (v === "") continue;
        if (shared && ((items && (item = items[j]) >= 0) || (sharedCols[j] && (item = this.#sharedIndex(shared, j, v)) >= 0))) shared.count++;
      } else if (typeof v === "number") {
        if (!Number.isFinite(v)) continue;
        whole = Number.isInteger(v) && v >= 0 && v < 1e15;
      } else if (v === null || v === undefined || v.to === v.from) continue;
      const open = all ?? this.#open[j];
      const next = j === last + 1;
      last = j;
      if (next && (whole || item >= 0)) {
        // The common cell: right after the one before, a whole number or a shared string.
        p = putMarkup(view, buf, p, owed ? (whole ? open.endNum : open.endShared) : whole ? open.cNum : open.cShared);
        p = putWhole(buf, p, whole ? (v as number) : item);
        owed = true;
        continue;
      }
      const text = typeof v === "object";
      // Any other cell: what the one before owes, then `<c` with or without the address.
      p = openCell(view, buf, p, owed, next, this.#letters[j], digits, digitsEnd);
      owed = false;
      if (text) {
        // Character data encoded already (XmlText): its bytes copied as they are.
        p = putMarkup(view, buf, p, open.str);
        o.pos = p;
        o.range(v.bytes, v.from, v.to);
        o.bytes(T_END.bytes);
        o.room(ROW_ROOM + (values.length - j) * CELL_ROOM);
        buf = o.buf;
        view = o.view;
        p = o.pos;
        continue;
      }
      if (whole || item >= 0) {
        p = putMarkup(view, buf, p, whole ? open.num : open.shared);
        p = putWhole(buf, p, whole ? (v as number) : item);
        owed = true;
        continue;
      }
      if (typeof v === "number") {
        // Other numbers (negative, fractions) as `${v}` writes them.
        p = putMarkup(view, buf, p, open.num);
        o.pos = p;
        o.number(v);
        o.bytes(V_END.bytes);
      } else {
        p = putMarkup(view, buf, p, edgeSpace(v) ? open.keep : open.str);
        // A short text with nothing to escape is encoded within the cell's room; any other by the buffer.
        const end = v.length <= SHORT_TEXT ? encodeUtf8(v, buf, p, true) : -1;
        if (end >= 0) {
          p = putMarkup(view, buf, end, T_END);
          continue;
        }
        o.pos = p;
        o.text(v);
        o.bytes(T_END.bytes);
      }
      // Written by the buffer (which may have grown): room again for the rest of the row.
      o.room(ROW_ROOM + (values.length - j) * CELL_ROOM);
      buf = o.buf;
      view = o.view;
      p = o.pos;
    }
    o.pos = putMarkup(view, buf, p, owed ? V_ROW_END : ROW_END);
    if (o.pos >= PIECE) this.sink.write(o.take());
  }

  /**
   * A row whose every cell is a shared string by its item, a whole number or text encoded already
   * — most of 汇总's and 问题清单's rows, given so by ReportRows: `cells[j]` ≥ 0 is column j's item,
   * NO_CELL nothing, WHOLE_CELL the whole number `numbers[j]` (0 ≤ n < 1e15), TEXT_CELL `text`.
   * The same bytes as row() writes for those values, without looking at them again: only in a
   * sheet with a shared-strings table.
   */
  itemsRow(cells: Int32Array, numbers: Float64Array, text: XmlText | null): void {
    if (this.rows >= MAX_SHEET_ROWS - 1) {
      this.cut++;
      return;
    }
    const o = this.#out;
    const n = cells.length;
    let p = this.#openRow(n);
    let buf = o.buf;
    let view = o.view;
    const digits = this.#digits;
    const digitsEnd = this.#digitsEnd;
    let last = -2;
    let owed = false;
    let items = 0;
    for (let j = 0; j < n; j++) {
      const k = cells[j];
      if (k === NO_CELL || (k === TEXT_CELL && text!.to === text!.from)) continue;
      const open = this.#open[j];
      const next = j === last + 1;
      last = j;
      if (k !== TEXT_CELL) {
        const whole = k === WHOLE_CELL;
        if (!whole) items++;
        if (next) p = putMarkup(view, buf, p, owed ? (whole ? open.endNum : open.endShared) : whole ? open.cNum : open.cShared);
        else {
          p = openCell(view, buf, p, owed, false, this.#letters[j], digits, digitsEnd);
          p = putMarkup(view, buf, p, whole ? open.num : open.shared);
        }
        p = putWhole(buf, p, whole ? numbers[j] : k);
        owed = true;
        continue;
      }
      p = openCell(view, buf, p, owed, next, this.#letters[j], digits, digitsEnd);
      owed = false;
      p = putMarkup(view, buf, p, open.str);
      o.pos = p;
      o.range(text!.bytes, text!.from, text!.to);
      o.bytes(T_END.bytes);
      o.room(ROW_ROOM + (n - j) * CELL_ROOM);
      buf = o.buf;
      view = o.view;
      p = o.pos;
    }
    o.pos = putMarkup(view, buf, p, owed ? V_ROW_END : ROW_END);
    this.shared!.count += items;
    if (o.pos >= PIECE) this.sink.write(o.take());
  }

  /** The shared text's index (kept as the column's last), or -1: written inline. */
  #sharedIndex(shared: SharedStrings, j: number, v: string): number {
    if (v !== this.#lastText[j]) {
      this.#lastIndex[j] = shared.indexOf(v);
      this.#lastText[j] = v;
    }
    return this.#lastIndex[j];
  }

  /**
   * Column j's text's item, found as row() finds it (the column's last text remembered): a row
   * whose one text without an item is a message of its own (a cell named in it) is then written
   * by itemsRow, its item found exactly where row() would have found it. -1: written inline.
   */
  sharedItem(j: number, v: string): number {
    return this.#sharedIndex(this.shared!, j, v);
  }

  /** Closes the sheet (a note row for rows that did not fit; the filter over the list); `drawing` goes in its schema place. */
  end(drawing = "", noteItems?: ArrayLike<number>): void {
    // `noteItems`: the note's item found already (a sheet written on another thread: report-split.ts).
    if (this.cut) this.#row([cutNote(this.cut)], null, noteItems);
    const filter = this.rows > 1 ? `<autoFilter ref="A1:${LETTERS[REPORT_HEADERS[this.no].length - 1]}${this.rows}"/>` : "";
    this.#out.utf8(drawing ? withDrawing(`</sheetData>${filter}</worksheet>`, drawing) : `</sheetData>${filter}</worksheet>`);
    this.sink.write(this.#out.take());
  }
}

/** The header row's cells: inline, in the header style. */
const HEADER = cellOpenings(1);

export const sheetPart = (no: SheetNo): string => `xl/worksheets/sheet${no + 1}.xml`;

/** The 统计 sheet, written whole at the end (a few rows), with its chart's parts; `extra` collects the parts beside it. */
export function countsPart(counts: RunCounts, sink: XmlSink, extra: Record<string, string>, overrides: string[]): void {
  const plan = countsSheet(counts);
  const sheet = new ReportSheet(COUNTS, sink);
  for (const r of plan.rows.slice(1)) sheet.row(r);
  const chart = chartParts(plan, REPORT_COUNTS_SHEET, 1);
  if (!chart) return sheet.end();
  Object.assign(extra, chart.parts);
  extra[`xl/worksheets/_rels/sheet${COUNTS + 1}.xml.rels`] = `${DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdChart" Type="${chart.sheetRel.type}" Target="${chart.sheetRel.target}"/></Relationships>`;
  for (const o of chart.contentTypes) overrides.push(`<Override PartName="${o.partName}" ContentType="${o.contentType}"/>`);
  sheet.end(chart.drawing("rIdChart"));
}

/** Every part of the report but the sheets and the shared strings, by name, for the sheets present (in order); the table's content type and relationship when the sheets used it. */
export function reportParts(present: readonly SheetNo[], more: readonly string[] = [], shared: SharedStrings | null = null): Record<string, string> {
  const marker = markerParts("report");
  const sst = shared && shared.size ? shared : null;
  const sheets = present.map((no, i) => `<sheet name="${REPORT_SHEETS[no]}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join("");
  const rels = present.map((no, i) => `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${no + 1}.xml"/>`).join("");
  const overrides = present.map((no) => `<Override PartName="/${sheetPart(no)}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join("");
  return {
    "[Content_Types].xml": `${DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${overrides}${sst ? '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' : ""}<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>${marker.override}${more.join("")}</Types>`,
    "_rels/.rels": `${DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>${marker.relationship}</Relationships>`,
    "docProps/core.xml": `${DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>科教考核助手 kj-assess</dc:creator></cp:coreProperties>`,
    [marker.name]: marker.xml,
    "xl/workbook.xml": `${DECL}<workbook ${NS}><sheets>${sheets}</sheets></workbook>`,
    "xl/_rels/workbook.xml.rels": `${DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels}<Relationship Id="rId${present.length + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>${sst ? `<Relationship Id="rId${present.length + 2}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>` : ""}</Relationships>`,
    "xl/styles.xml": `${DECL}<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts><fonts count="2"><font><sz val="11"/><name val="等线"/></font><font><b/><sz val="11"/><name val="等线"/></font></fonts><fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/><xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`,
  };
}
