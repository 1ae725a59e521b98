/**
 * Reading .xlsx files we did not write. The corpus evidence (TOOLCHAIN.md) rules out exceljs
 * (fails or hangs on hundreds of real files) and SheetJS (unfixed advisories on its read path),
 * so we unzip with fflate and scan the few XML parts we need with indexOf — no DOM, no library
 * parsing untrusted XML. Nothing here trusts what a file declares: sizes are capped before
 * inflating, and a sheet's extent comes from the cells present, never from <dimension>.
 * Browser-safe: no node built-ins.
 */
import { unzipSync, type Unzipped } from "fflate";
import { a1 } from "../engine/address";
import type { CellValue, SheetGrid } from "../engine/types";

export type ReadErrorCode = "encrypted" | "legacy-xls" | "not-a-workbook" | "damaged" | "too-large" | "timeout" | "out-of-memory";

export interface ReadError {
  code: ReadErrorCode;
  message: string;
}

export interface SheetEntry {
  name: string;
  state: "visible" | "hidden" | "veryHidden";
  /** Parsed on first call. Throws a ReadFailure (code too-large or damaged) the caller can report. */
  grid(): SheetGrid;
}

export interface Workbook {
  sheets: SheetEntry[];
  date1904: boolean;
}

export type ReadResult = { ok: true; workbook: Workbook } | { ok: false; error: ReadError };

/** An error that carries one of our codes, for the few places deep in parsing that must stop. */
export class ReadFailure extends Error {
  constructor(readonly code: ReadErrorCode, message: string) {
    super(message);
  }
}

export const MESSAGES: Record<ReadErrorCode, string> = {
  encrypted: "工作簿设置了打开密码（已加密），无法读取；请另存为不加密的 .xlsx（encrypted workbook）",
  "legacy-xls": "这是旧版 Excel 97-2003 文件（.xls），请在 Excel 或 WPS 中另存为 .xlsx（legacy .xls file）",
  "not-a-workbook": "这不是 Excel 工作簿（not an .xlsx workbook）",
  damaged: "工作簿已损坏，无法读取（damaged workbook）",
  "too-large": "工作簿过大，超出可处理的范围（workbook too large）",
  timeout: "读取超时（超过 10 秒），已停止（reading timed out）",
  "out-of-memory": "读取所需内存超过上限，已停止（out of memory）",
};

/** Caps that keep a hostile file from taking the machine: total inflated bytes and cells per sheet. */
export const LIMITS = { inflatedBytes: 600 * 1024 * 1024, cellsPerSheet: 20_000_000, maxRows: 1_048_576, maxCols: 16_384 };

const fail = (code: ReadErrorCode, detail?: string): ReadResult => ({ ok: false, error: { code, message: detail ? `${MESSAGES[code]}：${detail}` : MESSAGES[code] } });

function startsWith(bytes: Uint8Array, sig: number[]): boolean {
  if (bytes.length < sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (bytes[i] !== sig[i]) return false;
  return true;
}

/** An OLE compound file holds either an encrypted OOXML package or a legacy .xls. */
function cfbKind(bytes: Uint8Array): "encrypted" | "legacy-xls" {
  // "EncryptedPackage" as UTF-16LE appears in the CFB directory of encrypted packages.
  const needle = "EncryptedPackage";
  const limit = Math.min(bytes.length, 4 * 1024 * 1024);
  outer: for (let i = 0; i + needle.length * 2 <= limit; i++) {
    for (let k = 0; k < needle.length; k++) {
      if (bytes[i + 2 * k] !== needle.charCodeAt(k) || bytes[i + 2 * k + 1] !== 0) continue outer;
    }
    return "encrypted";
  }
  return "legacy-xls";
}

/** Declared uncompressed sizes from the zip's central directory, checked before anything is inflated. */
function declaredSize(bytes: Uint8Array): number | null {
  const min = Math.max(0, bytes.length - 65557);
  for (let i = bytes.length - 22; i >= min; i--) {
    if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 0x05 && bytes[i + 3] === 0x06) {
      const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const count = dv.getUint16(i + 10, true);
      let p = dv.getUint32(i + 16, true);
      let total = 0;
      for (let n = 0; n < count; n++) {
        if (p + 46 > bytes.length || dv.getUint32(p, true) !== 0x02014b50) return null;
        const size = dv.getUint32(p + 24, true);
        total += size === 0xffffffff ? Infinity : size;
        p += 46 + dv.getUint16(p + 28, true) + dv.getUint16(p + 30, true) + dv.getUint16(p + 32, true);
      }
      return total;
    }
  }
  return null;
}

const decoder = new TextDecoder("utf-8");

// ------------------------------------------------------------------ XML scanning

const ENTITY = /&(?:#x([0-9a-fA-F]+)|#(\d+)|(amp|lt|gt|quot|apos));/g;
const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const ESCAPED = /_x([0-9A-Fa-f]{4})_/g;

function codePoint(n: number): string {
  return n >= 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? String.fromCodePoint(n) : "\uFFFD";
}

export function decodeXml(s: string): string {
  if (s.indexOf("&") < 0 && s.indexOf("_x") < 0) return s;
  return s
    .replace(ENTITY, (_, hex: string, dec: string, name: string) => (name ? NAMED[name] : codePoint(hex ? parseInt(hex, 16) : Number(dec))))
    .replace(ESCAPED, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Value of attribute `name` inside one start tag's text, or null. */
function attr(tag: string, name: string): string | null {
  let from = 0;
  for (;;) {
    const i = tag.indexOf(name + "=", from);
    if (i < 0) return null;
    const before = tag.charCodeAt(i - 1);
    // Whole attribute names only (r= must not match in "ref=" or "xr:r=").
    if (before === 32 || before === 9 || before === 10 || before === 13) {
      const q = tag[i + name.length + 1];
      const end = tag.indexOf(q, i + name.length + 2);
      if (end < 0) return null;
      return tag.slice(i + name.length + 2, end);
    }
    from = i + 1;
  }
}

/** Every start tag `<name ...>` / `<prefix:name ...>` in xml, as its text between < and >. */
function* tags(xml: string, name: string): Generator<{ tag: string; start: number; end: number; selfClosing: boolean }> {
  let p = 0;
  for (;;) {
    const i = xml.indexOf("<", p);
    if (i < 0) return;
    let j = i + 1;
    while (j < xml.length && xml.charCodeAt(j) !== 32 && xml[j] !== ">" && xml[j] !== "/" && xml.charCodeAt(j) > 13) j++;
    const full = xml.slice(i + 1, j);
    const local = full.indexOf(":") >= 0 ? full.slice(full.indexOf(":") + 1) : full;
    const close = xml.indexOf(">", j);
    if (close < 0) return;
    if (local === name) yield { tag: xml.slice(i, close + 1), start: i, end: close + 1, selfClosing: xml[close - 1] === "/" };
    p = close + 1;
  }
}

/** Concatenated text of every <t> in a fragment (rich-text runs), skipping phonetic runs. */
function textOf(fragment: string): string {
  let out = "";
  let p = 0;
  for (;;) {
    const i = fragment.indexOf("<", p);
    if (i < 0) break;
    if (fragment.startsWith("<rPh", i) || fragment.startsWith("<x:rPh", i)) {
      const e = fragment.indexOf("</", i);
      const close = e < 0 ? -1 : fragment.indexOf(">", fragment.indexOf("rPh>", e));
      p = close < 0 ? fragment.length : close + 1;
      continue;
    }
    const isT = fragment.startsWith("<t>", i) || fragment.startsWith("<t ", i) || fragment.startsWith("<x:t>", i) || fragment.startsWith("<x:t ", i);
    const gt = fragment.indexOf(">", i);
    if (gt < 0) break;
    if (isT && fragment[gt - 1] !== "/") {
      const end = fragment.indexOf("</", gt);
      if (end < 0) break;
      out += fragment.slice(gt + 1, end);
      p = end + 1;
    } else p = gt + 1;
  }
  return decodeXml(out);
}

// ------------------------------------------------------------------ package parts

/** A part by path: case-insensitive, and with Windows "\\" separators that some writers use. */
function part(files: Unzipped, path: string): string | null {
  const clean = path.replace(/^\/+/, "");
  let data: Uint8Array | undefined = files[clean];
  if (!data) {
    const lower = clean.toLowerCase();
    const key = Object.keys(files).find((k) => k.replace(/\\/g, "/").replace(/^\/+/, "").toLowerCase() === lower);
    data = key ? files[key] : undefined;
  }
  return data ? decodeText(data) : null;
}

const utf16le = new TextDecoder("utf-16le");
const utf16be = new TextDecoder("utf-16be");

/** XML parts are UTF-8, but a few writers emit UTF-16 (with or without a byte-order mark). */
function decodeText(data: Uint8Array): string {
  if (data.length >= 2) {
    if (data[0] === 0xff && data[1] === 0xfe) return utf16le.decode(data.subarray(2));
    if (data[0] === 0xfe && data[1] === 0xff) return utf16be.decode(data.subarray(2));
    if (data[0] === 0x3c && data[1] === 0x00) return utf16le.decode(data);
    if (data[0] === 0x00 && data[1] === 0x3c) return utf16be.decode(data);
  }
  return decoder.decode(data);
}

function resolveTarget(base: string, target: string): string {
  if (target.startsWith("/")) return target.slice(1);
  const parts = base.split("/").slice(0, -1);
  for (const seg of target.split("/")) {
    if (seg === "..") parts.pop();
    else if (seg !== "." && seg !== "") parts.push(seg);
  }
  return parts.join("/");
}

function sharedStrings(xml: string | null): string[] {
  if (!xml) return [];
  const out: string[] = [];
  // One spelling per file: looking for the other one on every item would rescan the whole part.
  const open = xml.indexOf("<si") >= 0 ? "<si" : "<x:si";
  let p = 0;
  for (;;) {
    const i = xml.indexOf(open, p);
    if (i < 0) break;
    const gt = xml.indexOf(">", i);
    if (gt < 0) break;
    if (xml[gt - 1] === "/") {
      out.push("");
      p = gt + 1;
      continue;
    }
    const end = closingTag(xml, gt + 1, "si");
    if (end < 0) break;
    out.push(textOf(xml.slice(gt + 1, end)));
    p = end + 4;
  }
  return out;
}

// ------------------------------------------------------------------ cells

function colOfRef(ref: string): { row: number; col: number } | null {
  let col = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c >= 65 && c <= 90) col = col * 26 + c - 64;
    else if (c >= 97 && c <= 122) col = col * 26 + c - 96;
    else break;
  }
  const row = Number(ref.slice(i));
  return col && Number.isInteger(row) && row > 0 ? { row, col } : null;
}

const ERRORS = new Set(["#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#BUSY!", "#CONNECT!"]);

function parseSheet(name: string, xml: string, strings: string[], date1904: boolean, dateStyles: Set<number>): SheetGrid {
  const rows: CellValue[][] = [];
  const hiddenRows: number[] = [];
  const merges: string[] = [];
  let cells = 0;
  const sheetDataStart = xml.indexOf("sheetData");
  let p = sheetDataStart < 0 ? xml.length : sheetDataStart;
  const sheetDataEnd = (() => {
    const e = xml.lastIndexOf("sheetData>");
    return e > p ? e : xml.length;
  })();
  let rowNo = 0;
  let colNo = 0;
  while (p < sheetDataEnd) {
    const lt = xml.indexOf("<", p);
    if (lt < 0 || lt >= sheetDataEnd) break;
    const gt = xml.indexOf(">", lt);
    if (gt < 0) break;
    if (xml.charCodeAt(lt + 1) === 47 /* / */) {
      p = gt + 1;
      continue;
    }
    // Tag names may carry a namespace prefix (x:row, x:c).
    let j = lt + 1;
    let nameStart = lt + 1;
    for (; j < gt && xml.charCodeAt(j) > 32 && xml.charCodeAt(j) !== 47; j++) if (xml.charCodeAt(j) === 58 /* : */) nameStart = j + 1;
    const local = xml.slice(nameStart, j);
    if (local === "row") {
      const tag = xml.slice(lt, gt + 1);
      const r = attr(tag, "r");
      rowNo = r ? Number(r) : rowNo + 1;
      if (!Number.isInteger(rowNo) || rowNo < 1 || rowNo > LIMITS.maxRows) throw new ReadFailure("damaged", `工作表“${name}”的行号“${r}”无效`);
      colNo = 0;
      const hidden = attr(tag, "hidden");
      if (hidden === "1" || hidden === "true") hiddenRows.push(rowNo);
      p = gt + 1;
      continue;
    }
    if (local === "c") {
      const tag = xml.slice(lt, gt + 1);
      const ref = attr(tag, "r");
      let row = rowNo;
      let col = colNo + 1;
      if (ref) {
        const rc = colOfRef(ref);
        if (!rc || rc.col > LIMITS.maxCols || rc.row > LIMITS.maxRows) throw new ReadFailure("damaged", `工作表“${name}”的单元格地址“${ref}”无效`);
        row = rc.row;
        col = rc.col;
      }
      if (row < 1) row = 1;
      colNo = col;
      let end = gt + 1;
      let value: CellValue = null;
      if (xml[gt - 1] !== "/") {
        const close = closingTag(xml, gt + 1, "c");
        if (close < 0) throw new ReadFailure("damaged", `工作表“${name}”的单元格 ${a1(row, col)} 不完整`);
        end = xml.indexOf(">", close) + 1;
        const inner = xml.slice(gt + 1, close);
        const t = attr(tag, "t");
        value = cellValue(t, inner, strings);
        // The 1904 system counts from 1904-01-01; the engine reads 1900-system serials.
        if (date1904 && typeof value === "number" && dateStyles.has(Number(attr(tag, "s") ?? 0))) value += 1462;
      }
      p = end;
      if (value === null) continue;
      if (++cells > LIMITS.cellsPerSheet) throw new ReadFailure("too-large", `工作表“${name}”的单元格超过 ${LIMITS.cellsPerSheet} 个`);
      let arr = rows[row - 1];
      if (!arr) arr = rows[row - 1] = [];
      // Sparse cells far to the right are refused, not allocated into a giant row.
      if (col > arr.length + 4096 && col > 4096) throw new ReadFailure("too-large", `工作表“${name}”在 ${a1(row, col)} 有数据，范围过大`);
      while (arr.length < col - 1) arr.push(null);
      arr[col - 1] = value;
      continue;
    }
    p = gt + 1;
  }
  // Rows far below the data with nothing between would allocate nothing (sparse array); make them dense but bounded.
  if (rows.length > 0 && cells > 0 && rows.length / Math.max(1, cells) > 1000 && rows.length > 100_000) {
    throw new ReadFailure("too-large", `工作表“${name}”的数据分布在 ${rows.length} 行中，范围过大`);
  }
  const dense: CellValue[][] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) dense[i] = rows[i] ?? [];
  for (const m of tags(xml.slice(sheetDataEnd), "mergeCell")) {
    const ref = attr(m.tag, "ref");
    if (ref) merges.push(ref);
  }
  return { name, rows: dense, origin: { row: 1, col: 1 }, hiddenRows, merges };
}

/**
 * Position of the end tag `</name>` or `</prefix:name>` at or after `from`, walking end tags in
 * order — searching for one spelling alone would scan the whole sheet for every cell when the
 * file uses the other (a quadratic hang on namespaced files).
 */
function closingTag(xml: string, from: number, name: string): number {
  let q = from;
  for (;;) {
    q = xml.indexOf("</", q);
    if (q < 0) return -1;
    const gt = xml.indexOf(">", q);
    if (gt < 0) return -1;
    const full = xml.slice(q + 2, gt).trim();
    const local = full.indexOf(":") >= 0 ? full.slice(full.indexOf(":") + 1) : full;
    if (local === name) return q;
    q = gt + 1;
  }
}

function between(inner: string, tag: string): string | null {
  let i = inner.indexOf(`<${tag}`);
  let ns = "";
  if (i < 0) {
    i = inner.indexOf(`<x:${tag}`);
    ns = "x:";
    if (i < 0) return null;
  }
  const gt = inner.indexOf(">", i);
  if (gt < 0 || inner[gt - 1] === "/") return null;
  const end = inner.indexOf(`</${ns}${tag}>`, gt);
  return end < 0 ? null : inner.slice(gt + 1, end);
}

function cellValue(t: string | null, inner: string, strings: string[]): CellValue {
  if (t === "inlineStr") {
    const is = between(inner, "is");
    return is === null ? null : textOf(is);
  }
  const v = between(inner, "v");
  if (v === null) return null;
  switch (t) {
    case "s": {
      const i = Number(v);
      return Number.isInteger(i) && i >= 0 && i < strings.length ? strings[i] : null;
    }
    case "str":
      return decodeXml(v);
    case "b":
      return v.trim() === "1" || v.trim() === "true";
    case "e": {
      const e = decodeXml(v).trim();
      return { error: ERRORS.has(e) ? e : e || "#VALUE!" };
    }
    case "d": {
      // ISO date cells (rare, written by some tools): turn into a 1900-system serial.
      const ms = Date.parse(decodeXml(v));
      if (!Number.isFinite(ms)) return decodeXml(v);
      const days = (ms - Date.UTC(1899, 11, 30)) / 86_400_000;
      return days < 61 ? days - 1 : days;
    }
    default: {
      const n = Number(v);
      return Number.isFinite(n) ? n : decodeXml(v);
    }
  }
}

// ------------------------------------------------------------------ workbook

/**
 * Reads an .xlsx package. Each sheet's cells are parsed when its grid is asked for, so listing
 * the sheets of a big workbook is cheap. Never throws: every failure is a code and a message.
 */
export function readWorkbook(bytes: Uint8Array): ReadResult {
  try {
    if (!bytes || bytes.length === 0) return fail("not-a-workbook", "文件为空（0 字节）");
    if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return fail(cfbKind(bytes));
    if (!startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) && !startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) return fail("not-a-workbook");
    const declared = declaredSize(bytes);
    if (declared === null) return fail("damaged", "压缩包目录缺失或不完整");
    if (declared > LIMITS.inflatedBytes) return fail("too-large", `解压后约 ${Math.round(declared / 1048576)} MB`);
    let files: Unzipped;
    try {
      // Only the parts we read are inflated (images and the rest are skipped).
      files = unzipSync(bytes, { filter: (f) => /\.(xml|rels)$/i.test(f.name) && f.originalSize <= LIMITS.inflatedBytes });
    } catch (e) {
      return fail("damaged", "压缩数据无法解开");
    }
    const wbPath = (() => {
      const rels = part(files, "_rels/.rels");
      if (rels) {
        for (const r of tags(rels, "Relationship")) {
          const type = attr(r.tag, "Type") ?? "";
          if (type.endsWith("/officeDocument")) return resolveTarget("", attr(r.tag, "Target") ?? "");
        }
      }
      return "xl/workbook.xml";
    })();
    const wb = part(files, wbPath);
    if (!wb) return fail(Object.keys(files).some((k) => /^word\//.test(k)) ? "not-a-workbook" : "damaged", "缺少工作簿主体（workbook.xml）");
    const relsPath = wbPath.replace(/[^/]*$/, (f) => `_rels/${f}.rels`);
    const rels = new Map<string, string>();
    const relXml = part(files, relsPath);
    if (relXml) for (const r of tags(relXml, "Relationship")) rels.set(attr(r.tag, "Id") ?? "", resolveTarget(wbPath, decodeXml(attr(r.tag, "Target") ?? "")));
    let date1904 = false;
    for (const t of tags(wb, "workbookPr")) {
      const d = attr(t.tag, "date1904");
      date1904 = d === "1" || d === "true";
    }
    let ssPath = "xl/sharedStrings.xml";
    if (relXml) {
      for (const r of tags(relXml, "Relationship")) {
        if ((attr(r.tag, "Type") ?? "").endsWith("/sharedStrings")) ssPath = resolveTarget(wbPath, attr(r.tag, "Target") ?? "");
      }
    }
    let strings: string[] | null = null;
    let dateStyles: Set<number> | null = null;
    const sheets: SheetEntry[] = [];
    for (const s of tags(wb, "sheet")) {
      const name = decodeXml(attr(s.tag, "name") ?? `Sheet${sheets.length + 1}`);
      const rid = attr(s.tag, "r:id") ?? attr(s.tag, "relationships:id") ?? (/\s[\w]+:id="([^"]*)"/.exec(s.tag)?.[1] ?? "");
      const target = rels.get(rid) ?? `xl/worksheets/sheet${sheets.length + 1}.xml`;
      const state = (attr(s.tag, "state") ?? "visible") as SheetEntry["state"];
      let cached: SheetGrid | null = null;
      sheets.push({
        name,
        state: state === "hidden" || state === "veryHidden" ? state : "visible",
        grid: () => {
          if (cached) return cached;
          const xml = part(files, target);
          // Chart sheets and dialog sheets have no cells: an empty grid, not an error.
          if (xml === null) return (cached = { name, rows: [], origin: { row: 1, col: 1 }, hiddenRows: [], merges: [] });
          if (!strings) strings = sharedStrings(part(files, ssPath));
          if (date1904 && !dateStyles) dateStyles = dateStyleIndexes(part(files, "xl/styles.xml"));
          cached = parseSheet(name, xml, strings, date1904, dateStyles ?? new Set());
          return cached;
        },
      });
    }
    if (sheets.length === 0) return fail("damaged", "工作簿中没有工作表");
    return { ok: true, workbook: { sheets, date1904 } };
  } catch (e) {
    if (e instanceof ReadFailure) return fail(e.code, e.message);
    return fail("damaged", e instanceof Error ? e.message.slice(0, 200) : undefined);
  }
}

const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/** Indexes of cell styles whose number format shows a date (needed only for 1904 workbooks). */
function dateStyleIndexes(xml: string | null): Set<number> {
  const out = new Set<number>();
  if (!xml) return out;
  const custom = new Map<number, string>();
  for (const f of tags(xml, "numFmt")) custom.set(Number(attr(f.tag, "numFmtId")), decodeXml(attr(f.tag, "formatCode") ?? ""));
  const xfsStart = xml.indexOf("cellXfs");
  if (xfsStart < 0) return out;
  const xfsEnd = xml.indexOf("cellXfs>", xfsStart + 8);
  let i = 0;
  for (const x of tags(xml.slice(xfsStart, xfsEnd < 0 ? undefined : xfsEnd), "xf")) {
    const id = Number(attr(x.tag, "numFmtId") ?? 0);
    const code = custom.get(id);
    const isDate = code !== undefined ? /[ymd]/i.test(code.replace(/"[^"]*"|\[.*?]|\\./g, "")) : BUILTIN_DATE_FORMATS.has(id);
    if (isDate) out.add(i);
    i++;
  }
  return out;
}

/** A sheet's grid, or the failure that stopped it, without throwing. */
export function sheetGrid(entry: SheetEntry): { ok: true; grid: SheetGrid } | { ok: false; error: ReadError } {
  try {
    return { ok: true, grid: entry.grid() };
  } catch (e) {
    const code: ReadErrorCode = e instanceof ReadFailure ? e.code : "damaged";
    const msg = e instanceof Error ? e.message : String(e);
    return { ok: false, error: { code, message: `${MESSAGES[code]}：${msg}` } };
  }
}
