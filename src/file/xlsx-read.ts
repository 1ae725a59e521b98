/**
 * Reading .xlsx files we did not write. The corpus evidence (TOOLCHAIN.md) rules out exceljs
 * (fails on ~300 real files, hangs on 3) and SheetJS (unfixed advisories on its read path), so
 * we read the zip with our own directory walk over fflate (zip.ts) and scan the few XML parts we
 * need with indexOf (xml.ts) — no DOM, no library parsing untrusted XML.
 *
 * Nothing a file declares is trusted: part sizes are checked before inflating, and a sheet's
 * extent comes from the cells present, never from <dimension>. A sheet's grid is dense (the
 * engine's SheetGrid) but built only up to the last cell that holds a value; cells are collected
 * row by row as they appear, so far-away sparse cells cost their own row, not the rectangle.
 * The grid has a budget (LIMITS.gridSlots: rows plus every row's length): a sheet whose values
 * would need more is refused as `too-large`, naming the cell that crossed the budget — we do not
 * silently truncate, because a check over part of a sheet would look like a check of all of it.
 *
 * Each sheet is parsed when its grid is first asked for, so listing the sheets is cheap and one
 * unreadable sheet does not stop the others. Browser-safe: no node built-ins.
 */
import { a1 } from "../engine/address";
import type { CellValue, SheetGrid } from "../engine/types";
import { attr, closingTag, decodeXml, localName, tags, textOf } from "./xml";
import { isZip, listZip, normalizeName, readEntry, resolveTarget, ZipError, type ZipEntry } from "./zip";

export type ReadErrorCode = "encrypted" | "legacy-xls" | "not-a-workbook" | "damaged" | "too-large" | "timeout" | "out-of-memory";

export interface ReadError {
  code: ReadErrorCode;
  /** Chinese first, the English in brackets, then what exactly was found. */
  message: string;
}

export interface SheetEntry {
  name: string;
  state: "visible" | "hidden" | "veryHidden";
  /** Parsed on first call, then cached. Throws a ReadFailure (too-large or damaged); `sheetGrid()` wraps it. */
  grid(): SheetGrid;
}

export interface Workbook {
  sheets: SheetEntry[];
  /** The file used the 1904 date system; date-formatted serials were converted to the 1900 system. */
  date1904: boolean;
}

export type ReadResult = { ok: true; workbook: Workbook } | { ok: false; error: ReadError };

/** An error that carries one of our codes, for the places deep in parsing that must stop. */
export class ReadFailure extends Error {
  constructor(readonly code: ReadErrorCode, message: string) {
    super(message);
  }
}

/** What an official reads: what is wrong, then the next step; the code stays in --json. */
export const MESSAGES: Record<ReadErrorCode, string> = {
  encrypted: "工作簿设置了打开密码（已加密），无法读取",
  "legacy-xls": "这是旧版 Excel 97-2003 文件（.xls），无法直接检查",
  "not-a-workbook": "这不是 Excel 工作簿（.xlsx）",
  damaged: "工作簿已损坏，无法读取",
  "too-large": "工作簿过大，超出可处理的范围",
  timeout: "读取超时（超过 10 秒），已停止",
  "out-of-memory": "读取所需内存超过上限，已停止",
};

export const NEXT_STEP: Record<ReadErrorCode, string> = {
  encrypted: "请在 Excel 或 WPS 中去掉密码，另存为 .xlsx 后再检查",
  "legacy-xls": "请在 Excel 或 WPS 中打开，另存为 .xlsx 后再检查",
  "not-a-workbook": "请确认选的是 Excel 工作簿；其他表格请在 Excel 或 WPS 中另存为 .xlsx",
  damaged: "请在 Excel 或 WPS 中打开并修复，另存为 .xlsx 后再检查",
  "too-large": "请删去不需要的工作表或行，或拆成几个文件",
  timeout: "请删去不需要的内容，或拆成几个文件",
  "out-of-memory": "请删去不需要的内容，或拆成几个文件",
};

/** The message for a code: what is wrong, the detail when there is one, the next step. */
export const readMessage = (code: ReadErrorCode, detail?: string): string => `${MESSAGES[code]}${detail ? `：${detail}` : ""}；${NEXT_STEP[code]}`;

export interface Limits {
  /** Inflated size of one XML part (a sheet, the shared strings). Keeps a decoded part well under JavaScript's string limit. */
  partBytes: number;
  /** Inflated size of all sheets and shared strings together, checked from the declared sizes before anything is read. */
  inflatedBytes: number;
  /** Grid budget per sheet: rows plus the length of every row (the slots a dense SheetGrid holds). */
  gridSlots: number;
}

/** Caps that keep a hostile file from taking the machine (a 100,000 × 50 sheet uses half the grid budget). */
export const LIMITS: Limits = { partBytes: 300 * 1024 * 1024, inflatedBytes: 1024 * 1024 * 1024, gridSlots: 10_000_000 };

/** Excel's own sheet bounds; a cell address beyond them is damage, not data. */
const MAX_ROWS = 1_048_576;
const MAX_COLS = 16_384;

export interface ReadOptions {
  limits?: Partial<Limits>;
}

const failure = (code: ReadErrorCode, detail?: string): ReadError => ({ code, message: readMessage(code, detail) });
const fail = (code: ReadErrorCode, detail?: string): ReadResult => ({ ok: false, error: failure(code, detail) });

function startsWith(bytes: Uint8Array, sig: number[]): boolean {
  if (bytes.length < sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (bytes[i] !== sig[i]) return false;
  return true;
}

/**
 * An OLE compound file holds either an encrypted OOXML package (Excel's "password to open":
 * streams named EncryptionInfo and EncryptedPackage) or a legacy .xls (a Workbook/Book stream).
 * The directory stores names in UTF-16LE; we look for the stream name rather than walk the FAT.
 */
function cfbKind(bytes: Uint8Array): "encrypted" | "legacy-xls" {
  const needle = "EncryptedPackage";
  const limit = Math.min(bytes.length, 16 * 1024 * 1024) - needle.length * 2;
  outer: for (let i = 0; i <= limit; i++) {
    if (bytes[i] !== 0x45) continue;
    for (let k = 0; k < needle.length; k++) {
      if (bytes[i + 2 * k] !== needle.charCodeAt(k) || bytes[i + 2 * k + 1] !== 0) continue outer;
    }
    return "encrypted";
  }
  return "legacy-xls";
}

// ------------------------------------------------------------------ package parts

const utf8 = new TextDecoder("utf-8");
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
  return utf8.decode(data);
}

/** The parts of one package, found by name the way Excel finds them (case-insensitive, either slash). */
class Package {
  private readonly byName = new Map<string, ZipEntry>();
  constructor(private readonly bytes: Uint8Array, entries: ZipEntry[], private readonly limits: Limits) {
    for (const e of entries) {
      const key = normalizeName(e.name);
      // Two parts under one name (differing only in case or slashes, or plainly repeated): readers
      // would disagree about which is the real one, so neither is trusted.
      if (this.byName.has(key) && !key.endsWith("/")) throw new ReadFailure("damaged", `压缩包中有两个同名部件“${e.name}”`);
      this.byName.set(key, e);
    }
  }
  entry(path: string): ZipEntry | undefined {
    return this.byName.get(normalizeName(path));
  }
  has(prefix: string): boolean {
    for (const k of this.byName.keys()) if (k.startsWith(prefix)) return true;
    return false;
  }
  /** A part's text, or null when the package has no such part. Throws ReadFailure when it is too big or broken. */
  text(path: string): string | null {
    const e = this.entry(path);
    if (!e) return null;
    if (e.size > this.limits.partBytes) throw new ReadFailure("too-large", `“${e.name}”解压后约 ${Math.round(e.size / 1048576)} MB，超过上限 ${Math.round(this.limits.partBytes / 1048576)} MB`);
    try {
      return decodeText(readEntry(this.bytes, e));
    } catch (err) {
      if (err instanceof ZipError) throw new ReadFailure(err.kind, err.message);
      throw err;
    }
  }
}

function relationships(xml: string | null, base: string): { id: string; type: string; target: string }[] {
  if (!xml) return [];
  const out: { id: string; type: string; target: string }[] = [];
  for (const r of tags(xml, "Relationship")) {
    if (attr(r.tag, "TargetMode") === "External") continue;
    out.push({ id: attr(r.tag, "Id") ?? "", type: attr(r.tag, "Type") ?? "", target: resolveTarget(base, decodeXml(attr(r.tag, "Target") ?? "")) });
  }
  return out;
}

function sharedStrings(xml: string | null): string[] {
  if (!xml) return [];
  const out: string[] = [];
  for (const si of tags(xml, "si")) {
    if (si.selfClosing) {
      out.push("");
      continue;
    }
    const end = closingTag(xml, si.end, "si");
    if (end < 0) break;
    out.push(textOf(xml.slice(si.end, end)));
  }
  return out;
}

const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/** Indexes of cell styles whose number format shows a date (needed to convert 1904-system serials). */
function dateStyleIndexes(xml: string | null): Set<number> {
  const out = new Set<number>();
  if (!xml) return out;
  const custom = new Map<number, string>();
  for (const f of tags(xml, "numFmt")) custom.set(Number(attr(f.tag, "numFmtId")), decodeXml(attr(f.tag, "formatCode") ?? ""));
  const xfs = tags(xml, "cellXfs").next();
  if (xfs.done || xfs.value.selfClosing) return out;
  const end = closingTag(xml, xfs.value.end, "cellXfs");
  let i = 0;
  for (const x of tags(xml, "xf", xfs.value.end, end < 0 ? xml.length : end)) {
    const id = Number(attr(x.tag, "numFmtId") ?? 0);
    const code = custom.get(id);
    // Date formats have y/m/d outside quoted text, [colours] and escaped characters.
    const isDate = code !== undefined ? /[ymd]/i.test(code.replace(/"[^"]*"|\[[^\]]*]|\\./g, "")) : BUILTIN_DATE_FORMATS.has(id);
    if (isDate) out.add(i);
    i++;
  }
  return out;
}

// ------------------------------------------------------------------ sheet XML

const ERRORS = new Set(["#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#BUSY!", "#CONNECT!"]);

/** Attributes of the current <row> or <c> tag, read by readAttrs without building objects per cell. */
let attrR = -1;
let attrREnd = -1;
let attrT: string | null = null;
let attrS = 0;
let attrHidden = false;

/** Reads r, t, s and hidden from the start tag spanning [from, to) of xml into the attr* slots. */
function readAttrs(xml: string, from: number, to: number): void {
  attrR = -1;
  attrT = null;
  attrS = 0;
  attrHidden = false;
  let i = from;
  while (i < to) {
    let c = xml.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) {
      i++;
      continue;
    }
    while (c === 32 || c === 9 || c === 10 || c === 13) c = xml.charCodeAt(++i);
    const nameStart = i;
    while (i < to && (c = xml.charCodeAt(i)) !== 61 /* = */ && c !== 32 && c !== 62 && c !== 47) i++;
    const nameLen = i - nameStart;
    while (i < to && xml.charCodeAt(i) !== 34 && xml.charCodeAt(i) !== 39) i++;
    if (i >= to) return;
    const q = xml[i];
    const vStart = i + 1;
    const vEnd = xml.indexOf(q, vStart);
    if (vEnd < 0 || vEnd > to) return;
    const n0 = xml.charCodeAt(nameStart);
    if (nameLen === 1) {
      if (n0 === 114 /* r */) (attrR = vStart), (attrREnd = vEnd);
      else if (n0 === 116 /* t */) attrT = xml.slice(vStart, vEnd);
      else if (n0 === 115 /* s */) attrS = Number(xml.slice(vStart, vEnd)) || 0;
    } else if (nameLen === 6 && xml.startsWith("hidden", nameStart)) {
      const v = xml.slice(vStart, vEnd);
      attrHidden = v === "1" || v === "true";
    }
    i = vEnd + 1;
  }
}

/** Where the element name of the tag at `lt` starts (after any prefix) and ends; set by scanName. */
let nameStart = 0;
let nameEnd = 0;
function scanName(xml: string, lt: number): void {
  let j = lt + 1;
  nameStart = j;
  for (;;) {
    const c = xml.charCodeAt(j);
    if (!(c > 32) || c === 47 /* / */ || c === 62 /* > */) break;
    if (c === 58 /* : */) nameStart = j + 1;
    j++;
  }
  nameEnd = j;
}
/** The scanned name is the one-letter name with this char code. */
const nameIs1 = (xml: string, code: number) => nameEnd - nameStart === 1 && xml.charCodeAt(nameStart) === code;

/** Row and column of an A1 reference in xml[from, to), or 0 for parts that are absent or out of range. */
let refRow = 0;
let refCol = 0;
function readRef(xml: string, from: number, to: number): void {
  let col = 0;
  let i = from;
  for (; i < to; i++) {
    const c = xml.charCodeAt(i);
    if (c >= 65 && c <= 90) col = col * 26 + c - 64;
    else if (c >= 97 && c <= 122) col = col * 26 + c - 96;
    else if (c !== 36 /* $ */) break;
    if (col > MAX_COLS) break;
  }
  let row = 0;
  for (; i < to; i++) {
    const c = xml.charCodeAt(i);
    if (c < 48 || c > 57) {
      row = -1;
      break;
    }
    row = row * 10 + c - 48;
    if (row > MAX_ROWS) break;
  }
  refCol = col;
  refRow = row;
}

function numberCell(v: string): CellValue {
  const n = Number(v);
  return v.trim() !== "" && Number.isFinite(n) ? n : v === "" ? null : decodeXml(v);
}

function typedValue(t: string | null, v: string, strings: string[]): CellValue {
  switch (t) {
    case "s": {
      const i = Number(v);
      return Number.isInteger(i) && i >= 0 && i < strings.length ? strings[i] : null;
    }
    case "str":
    case "inlineStr":
      return decodeXml(v);
    case "b": {
      const b = v.trim();
      return b === "1" || b === "true";
    }
    case "e": {
      const e = decodeXml(v).trim();
      return { error: ERRORS.has(e) ? e : e || "#VALUE!" };
    }
    case "d": {
      // ISO 8601 date cells (written by a few tools): the 1900-system serial the engine reads.
      const text = decodeXml(v);
      const ms = Date.parse(/T|:|Z$/.test(text) || text.length > 10 ? text : `${text}T00:00:00Z`);
      if (!Number.isFinite(ms)) return text;
      const days = (ms - Date.UTC(1899, 11, 30)) / 86_400_000;
      // Excel's serials count a 29 February 1900 that never was: earlier days are one lower.
      return days < 61 ? days - 1 : days;
    }
    default:
      return numberCell(v);
  }
}

function parseSheet(name: string, xml: string, strings: string[], date1904: boolean, dateStyles: Set<number>, limits: Limits): SheetGrid {
  const rows: CellValue[][] = [];
  const hiddenRows: number[] = [];
  let slots = 0;
  const start = xml.indexOf("sheetData");
  let end = xml.lastIndexOf("sheetData>");
  if (end < start) end = xml.length;
  let p = start < 0 ? xml.length : start;
  let rowNo = 0;
  let colNo = 0;
  while (p < end) {
    const lt = xml.indexOf("<", p);
    if (lt < 0 || lt >= end) break;
    const c1 = xml.charCodeAt(lt + 1);
    if (c1 === 33 /* ! */ && xml.startsWith("<!--", lt)) {
      const e = xml.indexOf("-->", lt);
      p = e < 0 ? end : e + 3;
      continue;
    }
    const gt = xml.indexOf(">", lt);
    if (gt < 0) break;
    if (c1 === 47 /* / */ || c1 === 63 /* ? */ || c1 === 33) {
      p = gt + 1;
      continue;
    }
    scanName(xml, lt);
    if (nameEnd - nameStart === 3 && xml.startsWith("row", nameStart)) {
      readAttrs(xml, nameEnd, gt);
      if (attrR >= 0) {
        const r = xml.slice(attrR, attrREnd);
        rowNo = Number(r);
        if (!Number.isInteger(rowNo) || rowNo < 1 || rowNo > MAX_ROWS) throw new ReadFailure("damaged", `工作表“${name}”的行号“${r.slice(0, 20)}”无效`);
      } else rowNo++;
      colNo = 0;
      if (attrHidden) hiddenRows.push(rowNo);
      p = gt + 1;
      continue;
    }
    if (!nameIs1(xml, 99 /* c */)) {
      p = gt + 1;
      continue;
    }
    readAttrs(xml, nameEnd, gt);
    let row = rowNo || 1;
    let col = colNo + 1;
    if (attrR >= 0) {
      readRef(xml, attrR, attrREnd);
      if (refCol < 1 || refCol > MAX_COLS || refRow > MAX_ROWS || refRow < 0) throw new ReadFailure("damaged", `工作表“${name}”的单元格地址“${xml.slice(attrR, Math.min(attrREnd, attrR + 20))}”无效`);
      col = refCol;
      if (refRow > 0) row = refRow;
    }
    if (col > MAX_COLS) throw new ReadFailure("damaged", `工作表“${name}”第 ${row} 行的单元格超出第 ${MAX_COLS} 列`);
    colNo = col;
    const t = attrT;
    const s = attrS;
    let value: CellValue = null;
    p = gt + 1;
    if (xml.charCodeAt(gt - 1) !== 47 /* not <c/> */) {
      // Children: <f> (skipped: we want the cached result), <v>, <is>, <extLst>; then </c>.
      let v: string | null = null;
      let inline: string | null = null;
      // The common shape first: <v>…</v></c> with no prefix.
      if (xml.charCodeAt(p) === 60 && xml.charCodeAt(p + 1) === 118 && xml.charCodeAt(p + 2) === 62) {
        const ve = xml.indexOf("<", p + 3);
        if (ve > 0) {
          v = xml.slice(p + 3, ve);
          p = ve;
        }
      }
      if (v !== null && xml.startsWith("</v></c>", p)) p += 8;
      else for (;;) {
        const q = xml.indexOf("<", p);
        if (q < 0) throw new ReadFailure("damaged", `工作表“${name}”的单元格 ${a1(row, col)} 不完整`);
        const qgt = xml.indexOf(">", q);
        if (qgt < 0) throw new ReadFailure("damaged", `工作表“${name}”的单元格 ${a1(row, col)} 不完整`);
        const closing = xml.charCodeAt(q + 1) === 47;
        scanName(xml, closing ? q + 1 : q);
        p = qgt + 1;
        if (closing) {
          if (nameIs1(xml, 99 /* c */)) break;
          continue;
        }
        const child = xml.slice(nameStart, nameEnd);
        if (xml.charCodeAt(qgt - 1) === 47) continue;
        if (child === "v") {
          const ve = xml.indexOf("<", p);
          if (ve < 0) continue;
          v = xml.slice(p, ve);
          p = ve;
        } else if (child === "is") {
          const ie = closingTag(xml, p, "is");
          if (ie < 0) continue;
          inline = textOf(xml.slice(p, ie));
          p = ie;
        } else if (child === "f") {
          const fe = xml.indexOf("<", p);
          if (fe >= 0) p = fe;
        } else if (child === "row" || child === "c") {
          // A cell that never closes: stop before the next element rather than swallow it.
          p = q;
          break;
        }
      }
      if (inline !== null && (t === "inlineStr" || v === null)) value = inline;
      else if (v !== null) {
        value = typedValue(t, v, strings);
        // The 1904 system counts from 1904-01-01; the engine reads 1900-system serials.
        if (date1904 && typeof value === "number" && t !== "d" && dateStyles.has(s)) value += 1462;
      }
    }
    if (value === null) continue;
    let arr = rows[row - 1];
    if (!arr) {
      arr = rows[row - 1] = [];
      slots++;
    }
    if (col > arr.length) {
      slots += col - arr.length;
      if (slots + rows.length > limits.gridSlots) {
        throw new ReadFailure("too-large", `工作表“${name}”在 ${a1(row, col)} 仍有数据，按实际范围需要超过 ${limits.gridSlots.toLocaleString("en-US")} 个单元格（sheet data spans too many cells）`);
      }
      while (arr.length < col - 1) arr.push(null);
      arr.push(value);
    } else arr[col - 1] = value;
  }
  const dense: CellValue[][] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) dense[i] = rows[i] ?? [];
  const merges: string[] = [];
  for (const m of tags(xml, "mergeCell", Math.max(0, end))) {
    const ref = attr(m.tag, "ref");
    if (ref) merges.push(ref);
  }
  return { name, rows: dense, origin: { row: 1, col: 1 }, hiddenRows, merges };
}

// ------------------------------------------------------------------ workbook

/**
 * Reads an .xlsx package. Each sheet's cells are parsed when its grid is asked for. Never throws:
 * every failure is a code and a message saying what was found.
 */
export function readWorkbook(bytes: Uint8Array, opts: ReadOptions = {}): ReadResult {
  const limits: Limits = { ...LIMITS, ...opts.limits };
  try {
    if (!bytes || bytes.length === 0) return fail("not-a-workbook", "文件为空（0 字节）");
    if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return fail(cfbKind(bytes));
    if (!isZip(bytes)) {
      // Excel's lock file (~$name.xlsx) starts with the length of the user's name, then the name; a .csv is text.
      return fail("not-a-workbook", "内容不是工作簿的格式，可能是别的文件改了扩展名");
    }
    let entries: ZipEntry[];
    try {
      entries = listZip(bytes);
    } catch (e) {
      return fail(e instanceof ZipError ? e.kind : "damaged", e instanceof Error ? e.message : undefined);
    }
    const pkg = new Package(bytes, entries, limits);
    const officeDoc = relationships(pkg.text("_rels/.rels"), "").find((r) => r.type.endsWith("/officeDocument"));
    const wbPath = officeDoc?.target ?? "xl/workbook.xml";
    const wb = pkg.text(wbPath);
    if (wb === null) {
      if (pkg.has("word/") || pkg.has("ppt/")) return fail("not-a-workbook", "这是 Word 或 PowerPoint 文件");
      if (!pkg.has("xl/") && !pkg.entry("[Content_Types].xml")) return fail("not-a-workbook", "这是普通压缩包，不是 .xlsx");
      return fail("damaged", "缺少工作簿主体（xl/workbook.xml）");
    }
    const rels = relationships(pkg.text(wbPath.replace(/[^/]*$/, (f) => `_rels/${f}.rels`)), wbPath);
    const byId = new Map(rels.map((r) => [r.id, r.target]));
    let date1904 = false;
    for (const t of tags(wb, "workbookPr")) {
      const d = attr(t.tag, "date1904");
      date1904 = d === "1" || d === "true";
    }
    const ssPath = rels.find((r) => r.type.endsWith("/sharedStrings"))?.target ?? "xl/sharedStrings.xml";
    const stylesPath = rels.find((r) => r.type.endsWith("/styles"))?.target ?? "xl/styles.xml";

    const found: { name: string; state: SheetEntry["state"]; target: string }[] = [];
    for (const s of tags(wb, "sheet")) {
      const name = decodeXml(attr(s.tag, "name") ?? `Sheet${found.length + 1}`);
      // The relationship id's prefix is whatever the writer bound the namespace to (r:, relationships:, …).
      const rid = attr(s.tag, "r:id") ?? /\s[\w.-]+:id\s*=\s*["']([^"']*)["']/.exec(s.tag)?.[1] ?? "";
      const state = attr(s.tag, "state");
      found.push({ name, state: state === "hidden" || state === "veryHidden" ? state : "visible", target: byId.get(rid) ?? `xl/worksheets/sheet${found.length + 1}.xml` });
    }
    if (found.length === 0) return fail("damaged", "工作簿中没有工作表");

    // What reading every sheet would inflate, from the declared sizes: refuse a bomb before inflating any of it.
    let declared = pkg.entry(ssPath)?.size ?? 0;
    for (const f of found) declared += pkg.entry(f.target)?.size ?? 0;
    if (declared > limits.inflatedBytes) return fail("too-large", `工作表解压后共约 ${Math.round(declared / 1048576)} MB，超过上限 ${Math.round(limits.inflatedBytes / 1048576)} MB`);

    let strings: string[] | null = null;
    let dateStyles: Set<number> | null = null;
    const sheets: SheetEntry[] = found.map(({ name, state, target }) => {
      let cached: SheetGrid | null = null;
      return {
        name,
        state,
        grid: () => {
          if (cached) return cached;
          const xml = pkg.text(target);
          // Chart sheets and dialog sheets have no cells: an empty grid, not an error.
          if (xml === null || localName(xml, Math.max(0, xml.indexOf("<", xml.indexOf("?>") + 1))).name === "chartsheet") {
            return (cached = { name, rows: [], origin: { row: 1, col: 1 }, hiddenRows: [], merges: [] });
          }
          strings ??= sharedStrings(pkg.text(ssPath));
          if (date1904) dateStyles ??= dateStyleIndexes(pkg.text(stylesPath));
          return (cached = parseSheet(name, xml, strings, date1904, dateStyles ?? new Set(), limits));
        },
      };
    });
    return { ok: true, workbook: { sheets, date1904 } };
  } catch (e) {
    if (e instanceof ReadFailure) return fail(e.code, e.message);
    return fail("damaged", e instanceof Error ? e.message.slice(0, 200) : undefined);
  }
}

/** A sheet's grid, or the failure that stopped it, without throwing. */
export function sheetGrid(entry: SheetEntry): { ok: true; grid: SheetGrid } | { ok: false; error: ReadError } {
  try {
    return { ok: true, grid: entry.grid() };
  } catch (e) {
    if (e instanceof ReadFailure) return { ok: false, error: failure(e.code, e.message) };
    // Out of memory in a browser tab or a string past JavaScript's length limit: the sheet is too big, not broken.
    if (e instanceof RangeError) return { ok: false, error: failure("too-large", `工作表“${entry.name}”：${e.message}`) };
    return { ok: false, error: failure("damaged", `工作表“${entry.name}”：${e instanceof Error ? e.message.slice(0, 200) : String(e)}`) };
  }
}
