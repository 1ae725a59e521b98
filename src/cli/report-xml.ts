/**
 * The report workbook written as sheet XML row by row — no workbook object in memory, no exceljs:
 * 汇总, 问题清单, 经费 and, when checks were recorded, 校验记录. Each sheet is a ReportSheet that
 * turns rows into XML and hands it on in pieces (to a deflate stream on disk for the command line,
 * report-file.ts; to memory for the page, reportBytes). Strings are text, never formulas, so a
 * studio name starting with = stays text: the texts that repeat from row to row (REPEATS) as shared
 * strings, one table for the whole workbook (SharedStrings, written last), the rest inline. The
 * other parts (workbook, styles, the kj-assess marker) are small and fixed. Browser-safe.
 */
import { colLetter } from "../engine/address";
import { RECORD_HEADERS, RECORD_SHEET } from "../engine/record";
import { countsSheet, REPORT_COUNTS_SHEET, type RunCounts } from "../engine/output";
import { chartParts, withDrawing } from "../file/chart";
import type { OutValue } from "../engine/host";
import { markerParts } from "../file/marker";

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
 * Columns whose texts repeat from row to row (the file, the sheet, the pack, grades, statuses,
 * severities, sources): each distinct text's cell XML is made once, a shared string's index when
 * the workbook has a table (a few bytes a cell instead of the text: at 100,000 rows most of the
 * report's XML). Labels, messages and cell texts stay inline.
 */
const REPEATS: readonly (readonly boolean[])[] = [
  [true, true, true, false, false, true, true, false, false, true, true, true, false],
  [true, true, false, false, false, true, false, false, true],
  [true, true, false, false, false, false, false, true, false],
  [],
  [],
];
/** Distinct repeated texts kept per sheet, past which the memory starts again (a guard: a run holds a few hundred). */
const MAX_KEPT = 4096;
/** Distinct texts the shared table takes, past which a new one is written inline (a guard, as MAX_KEPT). */
const MAX_SHARED = 1 << 16;

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
  const a = v.charCodeAt(0);
  const z = v.charCodeAt(v.length - 1);
  return a === 32 || a === 9 || a === 10 || a === 13 || z === 32 || z === 9 || z === 10 || z === 13;
}

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** Pieces of a sheet's XML (UTF-8) go here, in order; ended once. */
export interface XmlSink {
  write(xml: Uint8Array): void;
}

/** A piece handed to the sink once it holds this many characters (UTF-16 units) of XML. */
const PIECE = 1 << 20;
/** Rows are encoded to UTF-8 a batch of this many characters at a time, so their strings die young. */
const BATCH = 1 << 14;
const encoder = new TextEncoder();

/** What follows `<c r="A12"` (or `<c`) in a cell of style `st`: a number's opening, a text's, a text's that keeps its edge spaces, a shared string's. */
const cellOpenings = (st: number) => {
  const s = st ? ` s="${st}"` : "";
  return { num: `${s}><v>`, str: `${s} t="inlineStr"><is><t>`, keep: `${s} t="inlineStr"><is><t xml:space="preserve">`, shared: `${s} t="s"><v>` };
};
type Openings = ReturnType<typeof cellOpenings>;

/** A `<t>` holding the text, told to keep its edge whitespace when it has some. */
const tElement = (v: string) => `${edgeSpace(v) ? '<t xml:space="preserve">' : "<t>"}${xmlText(v)}</t>`;

/**
 * The workbook's shared strings (xl/sharedStrings.xml), one table for all its sheets: the sheets
 * write a text's index, the table is written once they are done. `count` is the cells that use it.
 */
export class SharedStrings {
  count = 0;
  readonly #index = new Map<string, number>();
  readonly #items: string[] = [];
  /** The text's index, added if new; -1 once the table is full (the text is then written inline). */
  indexOf(v: string): number {
    let i = this.#index.get(v);
    if (i === undefined) {
      if (this.#items.length >= MAX_SHARED) return -1;
      this.#index.set(v, (i = this.#items.length));
      this.#items.push(`<si>${tElement(v)}</si>`);
    }
    return i;
  }
  get size(): number {
    return this.#items.length;
  }
  xml(): string {
    return `${DECL}<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${this.count}" uniqueCount="${this.#items.length}">${this.#items.join("")}</sst>`;
  }
}

/** A text cell's XML after `<c r="A12"`. */
const textCell = (o: { str: string; keep: string }, v: string) => `${edgeSpace(v) ? o.keep : o.str}${xmlText(v)}</t></is></c>`;

/** One sheet of the report: rows in, XML out in pieces of about a megabyte. */
export class ReportSheet {
  /** Rows written, the header included. */
  rows = 0;
  /** Rows left out past Excel's last row. */
  cut = 0;
  /** XML not yet encoded. */
  #text = "";
  /** The piece being filled: its batches' bytes, and how many characters they came from. */
  #bytes: Uint8Array[] = [];
  #size = 0;
  /** Each column's cell openings in a data row. */
  readonly #open: Openings[];
  /** A repeated text's cell XML after `<c r="A12"`, by column and text; `shared` when it is an index into the table. */
  readonly #kept: Map<string, { xml: string; shared: boolean }>[] = LETTERS.map(() => new Map());
  #keptCount = 0;
  /** `shared`: the workbook's table, where the repeated texts go (without one they are inline). */
  constructor(
    readonly no: SheetNo,
    private readonly sink: XmlSink,
    private readonly shared: SharedStrings | null = null,
  ) {
    this.#open = LETTERS.map((_, j) => cellOpenings(STYLE_OF[no][j] || 0));
    const cols = WIDTHS[no].map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join("");
    this.#push(`${DECL}<worksheet ${NS}><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><cols>${cols}</cols><sheetData>`);
    this.#row(REPORT_HEADERS[no], cellOpenings(1));
  }

  /** A row of values; past Excel's last row (one kept for the note), counted instead. */
  row(values: readonly OutValue[]): void {
    if (this.rows >= MAX_SHEET_ROWS - 1) {
      this.cut++;
      return;
    }
    this.#row(values, null);
  }

  /** A row, every cell in the style `all` opens, or each in its column's. */
  #row(values: readonly OutValue[], all: Openings | null): void {
    const r = String(++this.rows);
    let s = `<row r="${r}">`;
    // A cell right after the row's previous one goes without its address (the reader takes the next
    // column); the row's first cell, and one after a skipped column, keep theirs.
    let last = -2;
    for (let j = 0; j < values.length; j++) {
      const v = values[j];
      if (v === null || v === undefined || v === "" || (typeof v === "number" && !Number.isFinite(v))) continue;
      const o = all ?? this.#open[j];
      s += j === last + 1 ? "<c" : `<c r="${LETTERS[j]}${r}"`;
      last = j;
      if (typeof v === "number") s += `${o.num}${v}</v></c>`;
      else if (all || !REPEATS[this.no][j]) s += textCell(o, v);
      else s += this.#repeated(j, v);
    }
    this.#push(s + "</row>");
  }

  #repeated(j: number, v: string): string {
    const kept = this.#kept[j];
    let t = kept.get(v);
    if (t === undefined) {
      if (++this.#keptCount > MAX_KEPT) {
        for (const m of this.#kept) m.clear();
        this.#keptCount = 1;
      }
      const i = this.shared ? this.shared.indexOf(v) : -1;
      t = i < 0 ? { xml: textCell(this.#open[j], v), shared: false } : { xml: `${this.#open[j].shared}${i}</v></c>`, shared: true };
      kept.set(v, t);
    }
    if (t.shared) this.shared!.count++;
    return t.xml;
  }

  /** XML in; a piece goes to the sink once it holds PIECE characters (the same pieces however it is batched). */
  #push(s: string): void {
    this.#text += s;
    this.#size += s.length;
    if (this.#size >= PIECE) this.#flush();
    else if (this.#text.length >= BATCH) this.#encode();
  }

  #encode(): void {
    if (!this.#text) return;
    this.#bytes.push(encoder.encode(this.#text));
    this.#text = "";
  }

  #flush(): void {
    this.#encode();
    const b = this.#bytes;
    if (!b.length) return;
    let piece = b[0];
    if (b.length > 1) {
      let n = 0;
      for (const x of b) n += x.length;
      piece = new Uint8Array(n);
      let at = 0;
      for (const x of b) {
        piece.set(x, at);
        at += x.length;
      }
    }
    this.#bytes = [];
    this.#size = 0;
    this.sink.write(piece);
  }

  /** Closes the sheet (a note row for rows that did not fit; the filter over the list); `drawing` goes in its schema place. */
  end(drawing = ""): void {
    if (this.cut) {
      const note = `另有 ${this.cut} 行未列出：超出 Excel 每张表 ${MAX_SHEET_ROWS} 行的上限（完整内容见 --json 输出）`;
      this.#row([note], null);
    }
    const filter = this.rows > 1 ? `<autoFilter ref="A1:${LETTERS[REPORT_HEADERS[this.no].length - 1]}${this.rows}"/>` : "";
    this.#push(drawing ? withDrawing(`</sheetData>${filter}</worksheet>`, drawing) : `</sheetData>${filter}</worksheet>`);
    this.#flush();
  }
}

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

/** Every part of the report but the sheets, by name, for the sheets present (in order); the shared strings when the sheets used any. */
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
    ...(sst ? { "xl/sharedStrings.xml": sst.xml() } : {}),
  };
}
