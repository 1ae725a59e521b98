/**
 * Reading .xlsx files we did not write. The corpus evidence (TOOLCHAIN.md) rules out exceljs
 * (fails on ~300 real files, hangs on 3) and SheetJS (unfixed advisories on its read path), so
 * we read the zip with our own directory walk over fflate (zip.ts) and scan the few XML parts we
 * need ourselves — the small ones as text with indexOf (xml.ts), sheets and shared strings as
 * UTF-8 bytes (below: no string or object per cell) — no DOM, no library parsing untrusted XML.
 *
 * Nothing a file declares is trusted: part sizes are checked before inflating, and a sheet's
 * extent comes from the cells present, never from <dimension>. A sheet part over zip.ts's
 * whole-part size is inflated and scanned in pieces, never held whole, and its cells are kept column by column in typed arrays
 * (engine/grid.ts: shared strings as indexes), each column up to its last value. The grid has a
 * budget in cells (LIMITS.gridSlots, lowered to what the memory allowed holds): a sheet whose
 * values would need more is refused as `too-large`, naming the sheet and the cell that crossed
 * it — we do not silently truncate, because a check over part of a sheet would look like a check
 * of all of it.
 *
 * Each sheet is parsed when its grid is first asked for, so listing the sheets is cheap and one
 * unreadable sheet does not stop the others. Browser-safe: no node built-ins.
 */
import { a1 } from "../engine/address";
import { cellsWithin, limitsFor } from "./limits";
import type { CellValue, SheetGrid } from "../engine/types";
import { CellColumns, columnGrid, gridBase } from "../engine/grid";
import { attr, closingTag, decodeXml, tags } from "./xml";
import { InflateBudget, isZip, listZip, normalizeName, readPart, resolveTarget, shortPart, streamPart, ZipError, type ZipEntry } from "./zip";

export type ReadErrorCode = "encrypted" | "legacy-xls" | "xlsb" | "not-a-workbook" | "damaged" | "too-large" | "timeout" | "out-of-memory";

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
  /** `formatted`: the message is already the whole message (what the page's reading worker sent back), not a detail. */
  constructor(readonly code: ReadErrorCode, message: string, readonly formatted = false) {
    super(message);
  }
}

/** What an official reads: what is wrong, then the next step; the code stays in --json. */
export const MESSAGES: Record<ReadErrorCode, string> = {
  encrypted: "工作簿设置了打开密码（已加密），无法读取",
  "legacy-xls": "这是旧版 Excel 文件（.xls），无法直接检查",
  xlsb: "这是 Excel 二进制工作簿（.xlsb），无法直接检查",
  "not-a-workbook": "这不是 Excel 工作簿（.xlsx）",
  damaged: "工作簿已损坏，无法读取",
  "too-large": "工作簿过大，超出可处理的范围",
  timeout: "读取用时超过上限，已停止",
  "out-of-memory": "读取所需内存超过上限，已停止",
};

export const NEXT_STEP: Record<ReadErrorCode, string> = {
  encrypted: "请在 Excel 或 WPS 中去掉密码，另存为 .xlsx 后再检查",
  "legacy-xls": "请在 Excel 或 WPS 中打开，另存为 .xlsx 后再检查",
  xlsb: "请在 Excel 中打开，另存为 .xlsx 后再检查",
  "not-a-workbook": "请确认选的是 Excel 工作簿；其他表格请在 Excel 或 WPS 中另存为 .xlsx",
  damaged: "请在 Excel 或 WPS 中打开并修复，另存为 .xlsx 后再检查",
  "too-large": "请删去不需要的工作表或行，或拆成几个文件",
  timeout: "请删去不需要的内容，或拆成几个文件",
  "out-of-memory": "请删去不需要的内容，或拆成几个文件",
};

/** The message for a code: what is wrong, the detail when there is one, the next step. */
export const readMessage = (code: ReadErrorCode, detail?: string): string => `${MESSAGES[code]}${detail ? `：${detail}` : ""}；${NEXT_STEP[code]}`;

export interface Limits {
  /** Inflated size of one small XML part read whole (relationships, workbook.xml, styles). */
  partBytes: number;
  /** Inflated size of all parts one read may inflate together: checked from the declared sizes before anything is read, then counted as parts are inflated. */
  inflatedBytes: number;
  /**
   * Grid budget per sheet, in cells: the slots its columns hold (each up to its last value), and
   * the rows plus every row's length (what its rows make when a door asks for them); also caps
   * the number of shared strings. Lowered further by the memory the read may use (ReadOptions).
   */
  gridSlots: number;
  /**
   * Text budget per sheet, in characters, counting a shared string once per cell that uses it:
   * one long string named by thousands of cells (POI's poc-shared-strings.xlsx: 1 MB × 12,000)
   * would cost every later step gigabytes, though the file is 100 KB. The shared strings, every
   * one kept, are held to it too.
   */
  textChars: number;
}

/**
 * Caps that keep a hostile file from taking the machine. Sheets and shared strings are inflated
 * and scanned in pieces, so they have no size limit in bytes: what they hold is budgeted in cells
 * and characters — a 1,000,000 × 16 sheet (500 MB of XML) uses 17 million of the 40 million grid
 * slots. The inflation budget stops a zip bomb's work, not a large sheet.
 */
export const LIMITS: Limits = { partBytes: 100 * 1024 * 1024, inflatedBytes: 2048 * 1024 * 1024, gridSlots: 40_000_000, textChars: 256 * 1024 * 1024 };

/** Excel's own sheet bounds; a cell address beyond them is damage, not data. */
const MAX_ROWS = 1_048_576;
const MAX_COLS = 16_384;

export interface ReadOptions {
  limits?: Partial<Limits>;
  /**
   * The memory the reading process may use, MB (default: limits.ts limitsFor the file's size, what
   * the command line's worker is held to): the grid budget is lowered to what fits in it, so a
   * sheet too big for the memory is refused as too large, naming it — not killed as out of memory.
   */
  memoryMb?: number;
  /**
   * Read every sheet without the shared strings (a cell naming one reads as the #REF! error):
   * for sheets that hold none, such as those the annotated copy adds, whose check need not load a
   * large workbook's strings.
   */
  noSharedStrings?: boolean;
}

const failure = (code: ReadErrorCode, detail?: string): ReadError => ({ code, message: readMessage(code, detail) });
const fail = (code: ReadErrorCode, detail?: string): ReadResult => ({ ok: false, error: failure(code, detail) });

/** Whether the bytes at `at` spell `text` in UTF-16LE (how an OLE directory stores stream names). */
function utf16At(bytes: Uint8Array, at: number, text: string): boolean {
  for (let k = 0; k < text.length; k++) if (bytes[at + 2 * k] !== text.charCodeAt(k) || bytes[at + 2 * k + 1] !== 0) return false;
  return true;
}

/**
 * An OLE compound file holds an encrypted OOXML package (Excel's "password to open": a stream
 * named EncryptedPackage), a legacy .xls (a "Workbook" stream: Excel 97-2003, BIFF8; a "Book"
 * stream: Excel 5.0/95, BIFF5), or another program's document. The directory stores names in
 * UTF-16LE; we look for the stream names rather than walk the FAT.
 */
function oleKind(bytes: Uint8Array): ReadError {
  const limit = Math.min(bytes.length, 16 * 1024 * 1024) - 32;
  let book = false;
  let workbook = false;
  for (let i = 0; i <= limit; i++) {
    const b = bytes[i];
    if (b === 0x45 && utf16At(bytes, i, "EncryptedPackage")) return failure("encrypted");
    if (b === 0x57 && !workbook && utf16At(bytes, i, "Workbook")) workbook = true;
    if (b === 0x42 && !book && utf16At(bytes, i, "Book\u0000")) book = true;
    if (b === 0x57 && utf16At(bytes, i, "WordDocument")) return failure("not-a-workbook", "这是 Word 97-2003 文档（.doc）");
  }
  if (workbook) return failure("legacy-xls", "Excel 97-2003 工作簿（BIFF8）");
  if (book) return failure("legacy-xls", "Excel 5.0/95 工作簿（BIFF5）");
  return failure("legacy-xls", "Office 97-2003 复合文档");
}

/** Excel 2.x–4.0 files are a bare BIFF stream: a BOF record (09 00 / 09 02 / 09 04) with its length. */
const BIFF_BOF: Record<number, string> = { 0x00: "Excel 2.x 工作表（BIFF2）", 0x02: "Excel 3.0 工作表（BIFF3）", 0x04: "Excel 4.0 工作表（BIFF4）", 0x08: "Excel 5.0 工作表（BIFF5）" };

/**
 * What the first bytes say a file is: "zip" (an .xlsx, or something posing as one), "ole" (an
 * encrypted workbook or a legacy .xls; oleKind tells which), or the error that refuses it — every
 * generation of .xls named as such, the XML Spreadsheet 2003 format too, and anything else as not
 * a workbook (including the `~$…` lock files Excel leaves, which start with the user's name).
 * Needs only the first few kilobytes, so the command line asks it before starting a worker.
 */
export function sniffBytes(head: Uint8Array): "zip" | "ole" | ReadError {
  if (!head || head.length === 0) return failure("not-a-workbook", "文件为空（0 字节）");
  if (isZip(head)) return "zip";
  const ole = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
  if (head.length >= 8 && ole.every((b, i) => head[i] === b)) return "ole";
  if (head.length >= 4 && head[0] === 0x09 && head[1] in BIFF_BOF && head[3] === 0 && [4, 6, 8, 16].includes(head[2])) return failure("legacy-xls", BIFF_BOF[head[1]]);
  const text = utf8.decode(head.subarray(0, 4096));
  if (/^\uFEFF?\s*<\?xml/.test(text) && text.includes("urn:schemas-microsoft-com:office:spreadsheet")) return failure("legacy-xls", "Excel 2003 XML 电子表格");
  if (/^\uFEFF?\s*<(!DOCTYPE html|html|table)/i.test(text) && /urn:schemas-microsoft-com:office:excel|<table/i.test(text)) return failure("legacy-xls", "网页格式（HTML）保存的 .xls");
  // Excel's lock file (~$name.xlsx) starts with the length of the user's name, then the name; a .csv is text.
  return failure("not-a-workbook", "内容不是工作簿的格式，可能是别的文件改了扩展名");
}

// ------------------------------------------------------------------ package parts
// ------------------------------------------------------------------ package parts

const utf8 = new TextDecoder("utf-8");
/** XML parts are UTF-8, but a few writers emit UTF-16 (with or without a byte-order mark): the encoding by a part's first bytes. */
function encodingOf(head: Uint8Array): { encoding: "utf-8" | "utf-16le" | "utf-16be"; skip: number } {
  if (head.length >= 2) {
    if (head[0] === 0xff && head[1] === 0xfe) return { encoding: "utf-16le", skip: 2 };
    if (head[0] === 0xfe && head[1] === 0xff) return { encoding: "utf-16be", skip: 2 };
    if (head[0] === 0x3c && head[1] === 0x00) return { encoding: "utf-16le", skip: 0 };
    if (head[0] === 0x00 && head[1] === 0x3c) return { encoding: "utf-16be", skip: 0 };
  }
  // A UTF-8 byte-order mark is not text (TextDecoder drops it too).
  return { encoding: "utf-8", skip: head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0 };
}

function decoderFor(head: Uint8Array): { decoder: TextDecoder; skip: number } {
  const { encoding, skip } = encodingOf(head);
  return { decoder: new TextDecoder(encoding), skip };
}

const toUtf8 = new TextEncoder();

/**
 * A UTF-16 part (a few writers emit one) turned into UTF-8 piece by piece, so that one byte
 * scanner reads every part. Each piece is cut after its last whole character and decoded whole;
 * a character cut in two waits for the next piece.
 */
class Utf16Pieces {
  private readonly decoder: TextDecoder;
  private readonly bigEndian: boolean;
  private tail: Uint8Array | null = null;
  constructor(encoding: "utf-16le" | "utf-16be") {
    // The part's byte-order mark is skipped before the first piece; a U+FEFF that starts a later piece is text.
    this.decoder = new TextDecoder(encoding, { ignoreBOM: true });
    this.bigEndian = encoding === "utf-16be";
  }
  utf8(piece: Uint8Array): Uint8Array {
    if (this.tail) {
      const joined = new Uint8Array(this.tail.length + piece.length);
      joined.set(this.tail);
      joined.set(piece, this.tail.length);
      piece = joined;
      this.tail = null;
    }
    let cut = piece.length - (piece.length % 2);
    // A high surrogate last: its pair is in the next piece.
    const hi = cut >= 2 ? (this.bigEndian ? piece[cut - 2] : piece[cut - 1]) : 0;
    if (hi >= 0xd8 && hi <= 0xdb) cut -= 2;
    if (cut < piece.length) this.tail = piece.slice(cut);
    return toUtf8.encode(this.decoder.decode(piece.subarray(0, cut)));
  }
  /** What is left at the end (an incomplete character decodes as U+FFFD, as a whole decode would). */
  end(): Uint8Array {
    const t = this.tail;
    this.tail = null;
    return toUtf8.encode(t ? this.decoder.decode(t) : "");
  }
}

/**
 * Something that reads a part's UTF-8 bytes piece by piece: `feed` returns how many bytes of `xml`
 * it consumed (the rest comes back with the next piece).
 */
interface Scanner {
  feed(xml: Uint8Array, final: boolean): number;
}
/** The most of a leftover that Package.scan finishes with the start of the next piece rather than joining the pieces. */
const BRIDGE = 64 << 10;

/** The parts of one package, found by name the way Excel finds them (case-insensitive, either slash). */
class Package {
  private readonly byName = new Map<string, ZipEntry>();
  readonly budget: InflateBudget;
  constructor(private readonly bytes: Uint8Array, entries: ZipEntry[], private readonly limits: Limits) {
    this.budget = new InflateBudget(limits.inflatedBytes);
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
  /** A small part's whole text (relationships, the workbook, styles), or null when the package has no such part. Throws ReadFailure when it is too big or broken. */
  text(path: string): string | null {
    const e = this.entry(path);
    if (!e) return null;
    if (e.size > this.limits.partBytes) throw new ReadFailure("too-large", `“${e.name}”解压后约 ${Math.round(e.size / 1048576)} MB，超过上限 ${Math.round(this.limits.partBytes / 1048576)} MB`);
    try {
      const { data, truncated } = readPart(this.bytes, e, this.budget);
      if (truncated) throw shortPart(e);
      const { decoder, skip } = decoderFor(data);
      return decoder.decode(data.subarray(skip));
    } catch (err) {
      if (err instanceof ZipError) throw new ReadFailure(err.kind, err.message);
      throw err;
    }
  }
  /**
   * A part's bytes handed to `scanner` in pieces (a part over zip.ts's whole-part size is never
   * held whole): a piece the scanner cannot finish (an element cut in two) comes back with the
   * next, and the next feed waits until the leftover has doubled, so one huge element is rescanned
   * a logarithmic number of times. False when the package has no such part.
   */
  scan(path: string, scanner: Scanner): boolean {
    const e = this.entry(path);
    if (!e) return false;
    let wide: Utf16Pieces | null = null;
    let first = true;
    let buf: Uint8Array | null = null;
    let need = 0;
    const push = (bytes: Uint8Array, final: boolean) => {
      // A short leftover (most are one element cut in two) is finished with the start of the next
      // piece alone, so that the piece is then scanned where it lies instead of copied after it.
      if (buf && buf.length && buf.length <= BRIDGE && bytes.length > 2 * BRIDGE && !final) {
        const bridge = new Uint8Array(buf.length + BRIDGE);
        bridge.set(buf);
        bridge.set(bytes.subarray(0, BRIDGE), buf.length);
        const used = scanner.feed(bridge, false);
        if (used >= buf.length) {
          bytes = bytes.subarray(used - buf.length);
          buf = null;
        } else buf = bridge.subarray(used, buf.length);
      }
      if (buf && buf.length) {
        const joined = new Uint8Array(buf.length + bytes.length);
        joined.set(buf);
        joined.set(bytes, buf.length);
        buf = joined;
      } else buf = bytes;
      if (!final && buf.length < need) return;
      const used = scanner.feed(buf, final);
      buf = used >= buf.length ? null : buf.subarray(used);
      need = buf ? buf.length * 2 : 0;
    };
    const piece = (p: Uint8Array) => {
      if (first) {
        first = false;
        const { encoding, skip } = encodingOf(p);
        if (encoding !== "utf-8") wide = new Utf16Pieces(encoding);
        p = p.subarray(skip);
      }
      push(wide ? wide.utf8(p) : p, false);
    };
    try {
      const truncated = streamPart(this.bytes, e, piece, this.budget);
      if (truncated) throw shortPart(e);
      push(wide ? (wide as Utf16Pieces).end() : new Uint8Array(0), true);
    } catch (err) {
      if (err instanceof ZipError) throw new ReadFailure(err.kind, err.message);
      throw err;
    }
    return true;
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


// ------------------------------------------------------------------ XML bytes

/*
 * Sheets and shared strings are scanned as UTF-8 bytes, not as decoded text: the markup is ASCII,
 * so tags, attributes and numbers are read straight from the bytes, and only a text that is kept
 * (a shared string, an inline or formula string, a value that is not a plain number) is decoded.
 * A 100,000-row sheet costs no string and no object per cell.
 */

/** A text kept from a part: a leading U+FEFF is part of the text here, not a byte-order mark. */
const textDecoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** A runtime's own UTF-8 decoder of a range of bytes, giving the TextDecoder's text for any bytes (setUtf8Slice). */
export type Utf8Slice = (b: Uint8Array, from: number, to: number) => string;
let utf8Slice: Utf8Slice | null = null;

/**
 * Texts decoded by `fn` instead of the TextDecoder, in this thread. Node's workers install
 * Buffer's UTF-8 slice (node/inflate.ts): the same text for every input, malformed bytes becoming
 * U+FFFD as the Encoding standard says (test/file-read-robust holds the two to the same text) —
 * about 40 % less per text, without a view made of the bytes for each (a 100,000-row sheet's
 * shared strings are 100,000 texts).
 */
export function setUtf8Slice(fn: Utf8Slice | null): void {
  utf8Slice = fn;
}

function decoded(b: Uint8Array, from: number, to: number): string {
  return utf8Slice && from <= to && to <= b.length ? utf8Slice(b, from, to) : textDecoder.decode(b.subarray(from, to));
}

/**
 * The text of bytes [from, to) of a part; short ASCII texts (numbers, most addresses) without a
 * TextDecoder call — up to 12 characters, which V8 joins into a flat string (longer joins would
 * be kept as chains of pieces).
 */
function textAt(b: Uint8Array, from: number, to: number): string {
  if (to - from > 12) return decoded(b, from, to);
  let s = "";
  for (let i = from; i < to; i++) {
    const c = b[i];
    if (c >= 0x80) return decoded(b, from, to);
    s += String.fromCharCode(c);
  }
  return s;
}

/** Where byte `c` next occurs from `from`, or -1. */
function find(b: Uint8Array, c: number, from: number): number {
  for (let i = from, n = b.length; i < n; i++) if (b[i] === c) return i;
  return -1;
}

/** The bytes at `i` spell the ASCII text `s`. */
function at(b: Uint8Array, i: number, s: string): boolean {
  if (i < 0 || i + s.length > b.length) return false;
  for (let k = 0; k < s.length; k++) if (b[i + k] !== s.charCodeAt(k)) return false;
  return true;
}

/** Where the ASCII text `s` next occurs from `from`, or -1. */
function findText(b: Uint8Array, s: string, from: number): number {
  const c0 = s.charCodeAt(0);
  for (let i = find(b, c0, from); i >= 0; i = find(b, c0, i + 1)) if (at(b, i, s)) return i;
  return -1;
}

/** The non-negative integer the bytes [from, to) spell in 1–15 plain digits, or -1 (anything else, left to Number()). */
function digitsAt(b: Uint8Array, from: number, to: number): number {
  if (to - from < 1 || to - from > 15) return -1;
  let x = 0;
  for (let i = from; i < to; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) return -1;
    x = x * 10 + d;
  }
  return x;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * The number the bytes [from, to) spell as [-]digits[.digits] with at most 15 digits, or NaN
 * (anything else is left to Number()). Exactly Number()'s value: the digits make an integer below
 * 2^53 and the power of ten is exact, so one division rounds once, correctly.
 */
function numberAt(b: Uint8Array, from: number, to: number): number {
  let i = from;
  const neg = b[i] === 45; /* - */
  if (neg) i++;
  let m = 0;
  let digits = 0;
  let frac = -1;
  for (; i < to; i++) {
    const c = b[i];
    if (c >= 48 && c <= 57) {
      m = m * 10 + c - 48;
      digits++;
      if (frac >= 0) frac++;
    } else if (c === 46 /* . */ && frac < 0) frac = 0;
    else return NaN;
  }
  if (digits === 0 || digits > 15) return NaN;
  const x = frac > 0 ? m / POW10[frac] : m;
  return neg ? -x : x;
}

/** A scan position meaning "the text ends inside this construct: come back with more". */
const NEED = -2;

/**
 * For a comment, CDATA section, declaration or processing instruction starting at `lt`: the position
 * after it (a cut-off one runs to the end of the final piece), NEED when it may be cut off, -1 for
 * an ordinary tag. CDATA outside text is skipped whole, so markup inside it never makes a cell.
 */
function skipSpecial(xml: Uint8Array, lt: number, final: boolean): number {
  const c = xml[lt + 1];
  if (c !== 33 /* ! */ && c !== 63 /* ? */) return -1;
  if (!final && xml.length - lt < 9) return NEED;
  const end = c === 63 ? "?>" : at(xml, lt, "<!--") ? "-->" : at(xml, lt, "<![CDATA[") ? "]]>" : ">";
  const e = findText(xml, end, lt + 2);
  if (e < 0) return final ? xml.length : NEED;
  return e + end.length;
}

/** Where the element name of the tag at `lt` starts (after any prefix) and ends; set by scanName. */
let nameStart = 0;
let nameEnd = 0;
function scanName(xml: Uint8Array, lt: number): void {
  let j = lt + 1;
  nameStart = j;
  for (;;) {
    const c = xml[j];
    if (!(c > 32) || c === 47 /* / */ || c === 62 /* > */) break;
    if (c === 58 /* : */) nameStart = j + 1;
    j++;
  }
  nameEnd = j;
}
/** The scanned name is `name`. */
const nameIs = (xml: Uint8Array, name: string) => nameEnd - nameStart === name.length && at(xml, nameStart, name);
/** The scanned name is the one letter `c` (c, v, f, t: the names of every cell). */
const nameIsLetter = (xml: Uint8Array, c: number) => nameEnd - nameStart === 1 && xml[nameStart] === c;
const C = 99;
const V = 118;

/** Text set by readText: character data with entities decoded and CDATA sections taken as they are. */
let textOut = "";
/**
 * An element's text from `p` up to the next tag (its end tag, or a stray start tag where a file
 * never closed it), CDATA read as text. Returns where that tag starts, or NEED. Without `keep`
 * the text is only stepped over (a formula: we want its cached result, not its text).
 */
function readText(xml: Uint8Array, p: number, final: boolean, keep = true): number {
  let out = "";
  const n = xml.length;
  for (;;) {
    const lt = find(xml, 60, p);
    if (lt < 0) {
      if (!final) return NEED;
      textOut = keep ? out + decodeXml(textAt(xml, p, n)) : "";
      return n;
    }
    if (lt > p && keep) out += decodeXml(textAt(xml, p, lt));
    if (!final && n - lt < 9) return NEED;
    if (!at(xml, lt, "<![CDATA[")) {
      textOut = out;
      return lt;
    }
    const e = findText(xml, "]]>", lt + 9);
    if (e < 0) {
      if (!final) return NEED;
      textOut = out + textAt(xml, lt + 9, n);
      return n;
    }
    if (keep) out += textAt(xml, lt + 9, e);
    p = e + 3;
  }
}

/**
 * A string that is one plain run, `<t>text</t>` followed by `end` (`</t></si>`, `</t></is></c>`),
 * from `p`: its text into runOut, and the position after `end`; -1 for any other shape (runText
 * reads those), or when the piece ends before `end`.
 */
function plainRun(xml: Uint8Array, p: number, end: string): number {
  if (xml[p] !== 60 || xml[p + 1] !== 116 /* t */ || xml[p + 2] !== 62) return -1;
  const lt = find(xml, 60, p + 3);
  if (lt < 0 || !at(xml, lt, end)) return -1;
  runOut = decodeXml(textAt(xml, p + 3, lt));
  return lt + end.length;
}

/** Text set by runText: a string's <t> runs joined, phonetic guides (<rPh>) left out. */
let runOut = "";
/**
 * A shared string (<si>) or inline string (<is>) from `p`: its <t> runs up to its end tag (returns
 * the position after it), or — where a file nests or never closes one — up to the start of the
 * next string, cell or row (returns where that starts, not consuming it). Each tag is visited
 * once, so unclosed strings cost their own length, not the rest of the part. NEED when cut off.
 */
function runText(xml: Uint8Array, p: number, end: "si" | "is", final: boolean): number {
  let out = "";
  let phonetic = false;
  const inline = end === "is";
  for (;;) {
    const lt = find(xml, 60, p);
    if (lt < 0) {
      if (!final) return NEED;
      runOut = out;
      return xml.length;
    }
    const sp = skipSpecial(xml, lt, final);
    if (sp === NEED) return NEED;
    if (sp >= 0) {
      p = sp;
      continue;
    }
    const gt = find(xml, 62, lt);
    if (gt < 0) {
      if (!final) return NEED;
      runOut = out;
      return xml.length;
    }
    const closing = xml[lt + 1] === 47;
    scanName(xml, closing ? lt + 1 : lt);
    if (closing) {
      if (nameIs(xml, end)) {
        runOut = out;
        return gt + 1;
      }
      if (nameIs(xml, "rPh")) phonetic = false;
      else if (inline && (nameIsLetter(xml, C) || nameIs(xml, "row") || nameIs(xml, "sheetData"))) {
        runOut = out;
        return lt;
      }
      p = gt + 1;
      continue;
    }
    if (nameIs(xml, end) || (inline && (nameIsLetter(xml, C) || nameIs(xml, "row")))) {
      runOut = out;
      return lt;
    }
    const selfClosing = xml[gt - 1] === 47;
    if (nameIs(xml, "rPh") && !selfClosing) phonetic = true;
    else if (nameIsLetter(xml, 116 /* t */) && !selfClosing) {
      const q = readText(xml, gt + 1, final);
      if (q === NEED) return NEED;
      if (!phonetic) out += textOut;
      p = q;
      continue;
    }
    p = gt + 1;
  }
}

/** A cell's type (its t attribute): the ones read differently; anything else is read as a number. */
const T_NUMBER = 0;
const T_SHARED = 1;
const T_STR = 2;
const T_INLINE = 3;
const T_BOOL = 4;
const T_ERROR = 5;
const T_DATE = 6;
function typeAt(b: Uint8Array, from: number, to: number): number {
  const n = to - from;
  if (n === 1) {
    const c = b[from];
    return c === 115 ? T_SHARED : c === 98 ? T_BOOL : c === 101 ? T_ERROR : c === 100 ? T_DATE : T_NUMBER;
  }
  if (n === 3 && at(b, from, "str")) return T_STR;
  if (n === 9 && at(b, from, "inlineStr")) return T_INLINE;
  return T_NUMBER;
}

/** Attributes of the current <row> or <c> tag, read by readAttrs without building objects per cell: positions of r's and s's values, t as a T_ code. */
let attrR = -1;
let attrREnd = -1;
let attrT = T_NUMBER;
let attrS = -1;
let attrSEnd = -1;
let attrHidden = false;

/** Reads r, t, s and hidden from the start tag spanning [from, to) of xml into the attr* slots. */
function readAttrs(xml: Uint8Array, from: number, to: number): void {
  attrR = -1;
  attrT = T_NUMBER;
  attrS = -1;
  attrHidden = false;
  let i = from;
  while (i < to) {
    let c = xml[i];
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) {
      i++;
      continue;
    }
    while (c === 32 || c === 9 || c === 10 || c === 13) c = xml[++i];
    const nameStart = i;
    while (i < to && (c = xml[i]) !== 61 /* = */ && c !== 32 && c !== 62 && c !== 47) i++;
    const nameLen = i - nameStart;
    while (i < to && (c = xml[i]) !== 34 && c !== 39) i++;
    if (i >= to) return;
    const q = c;
    const vStart = i + 1;
    let vEnd = vStart;
    while (vEnd < to && xml[vEnd] !== q) vEnd++;
    if (vEnd >= to) return;
    const n0 = xml[nameStart];
    if (nameLen === 1) {
      if (n0 === 114 /* r */) (attrR = vStart), (attrREnd = vEnd);
      else if (n0 === 116 /* t */) attrT = typeAt(xml, vStart, vEnd);
      else if (n0 === 115 /* s */) (attrS = vStart), (attrSEnd = vEnd);
    } else if (nameLen === 6 && at(xml, nameStart, "hidden")) {
      attrHidden = (vEnd - vStart === 1 && xml[vStart] === 49) || (vEnd - vStart === 4 && at(xml, vStart, "true"));
    }
    i = vEnd + 1;
  }
}

/** The style index of the cell read last (its s attribute, 0 when absent or not a number). */
function styleOf(xml: Uint8Array): number {
  if (attrS < 0) return 0;
  const d = digitsAt(xml, attrS, attrSEnd);
  return d >= 0 ? d : Number(textAt(xml, attrS, attrSEnd)) || 0;
}

/** Row and column of an A1 reference in bytes [from, to): 0 for a part that is absent, -1 for a row that is not a number or beyond Excel's bounds. */
let refRow = 0;
let refCol = 0;
function readRef(s: Uint8Array, from: number, to: number): void {
  let col = 0;
  let i = from;
  for (; i < to; i++) {
    const c = s[i];
    if (c >= 65 && c <= 90) col = col * 26 + c - 64;
    else if (c >= 97 && c <= 122) col = col * 26 + c - 96;
    else if (c !== 36 /* $ */) break;
    if (col > MAX_COLS) break;
  }
  let row = 0;
  for (; i < to; i++) {
    const c = s[i];
    if (c < 48 || c > 57 || row > MAX_ROWS) {
      row = -1;
      break;
    }
    row = row * 10 + c - 48;
  }
  refCol = col;
  refRow = row > MAX_ROWS ? -1 : row;
}

/**
 * The shared strings, one pass: each <si> is its <t> runs up to its own end tag, or up to the next
 * <si> when a file nests or never closes them (each element is consumed once — linear). Their
 * number is budgeted: more strings than the grid budget has cells could never all be used.
 */
class SharedStrings implements Scanner {
  readonly list: string[] = [];
  /** Each string's length, noted as it is added (lengthsOf). */
  private lengths = new Int32Array(1024);
  private chars = 0;
  constructor(
    private readonly max: number,
    private readonly maxChars: number,
  ) {}
  feed(xml: Uint8Array, final: boolean): number {
    let p = 0;
    for (;;) {
      const lt = find(xml, 60, p);
      if (lt < 0) return xml.length;
      const gt = skipSpecial(xml, lt, final);
      if (gt === NEED) return lt;
      if (gt >= 0) {
        p = gt;
        continue;
      }
      const close = find(xml, 62, lt);
      if (close < 0) return final ? xml.length : lt;
      scanName(xml, lt);
      if (!nameIs(xml, "si")) {
        p = close + 1;
        continue;
      }
      if (xml[close - 1] === 47) {
        this.add("");
        p = close + 1;
        continue;
      }
      // Most strings are one plain run, <si><t>text</t></si>: its text taken at once.
      const plain = plainRun(xml, close + 1, "</t></si>");
      if (plain >= 0) {
        this.add(runOut);
        p = plain;
        continue;
      }
      const next = runText(xml, close + 1, "si", final);
      if (next === NEED) return lt;
      this.add(runOut);
      p = next;
    }
  }
  private add(s: string): void {
    if (this.list.length >= this.max) throw new ReadFailure("too-large", `共享字符串超过 ${this.max.toLocaleString("en-US")} 条`);
    if ((this.chars += s.length) > this.maxChars) throw new ReadFailure("too-large", `共享字符串超过 ${this.maxChars.toLocaleString("en-US")} 个字符`);
    const n = this.list.push(s);
    if (n > this.lengths.length) {
      const grown = new Int32Array(this.lengths.length * 2);
      grown.set(this.lengths);
      this.lengths = grown;
    }
    this.lengths[n - 1] = s.length;
  }
  /** The list's lengths, kept for the sheets that use it (lengthsOf). */
  done(): string[] {
    stringLengths.set(this.list, this.lengths.subarray(0, this.list.length));
    return this.list;
  }
}

/**
 * The length of every shared string, noted as the strings are read (or made once for any other
 * list): the text budget counts a shared string's length at every cell using it, and a typed array
 * of lengths is read far faster than the strings themselves (scattered through the heap: a cache
 * miss per cell).
 */
const stringLengths = new WeakMap<readonly string[], Int32Array>();

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

function numberCell(v: string): CellValue {
  const n = Number(v);
  return v.trim() !== "" && Number.isFinite(n) ? n : v === "" ? null : v;
}

/** A cell's value from its type (a T_ code) and its <v> text. */
function typedValue(t: number, v: string, strings: string[]): CellValue {
  switch (t) {
    case T_SHARED: {
      const i = Number(v);
      if (v.trim() !== "" && Number.isInteger(i) && i >= 0 && i < strings.length) return strings[i];
      // Not blank: the file points at a string it does not have, so the cell is unreadable.
      return { error: `#REF!（共享字符串编号“${v.trim().slice(0, 20)}”不存在，文件共有 ${strings.length} 条）` };
    }
    case T_STR:
    case T_INLINE:
      return v;
    case T_BOOL: {
      const b = v.trim();
      return b === "1" || b === "true";
    }
    case T_ERROR: {
      const e = v.trim();
      return { error: ERRORS.has(e) ? e : e || "#VALUE!" };
    }
    case T_DATE: {
      // ISO 8601 date cells (written by a few tools): the 1900-system serial the engine reads.
      const ms = Date.parse(/T|:|Z$/.test(v) || v.length > 10 ? v : `${v}T00:00:00Z`);
      if (!Number.isFinite(ms)) return v;
      const days = (ms - Date.UTC(1899, 11, 30)) / 86_400_000;
      // Excel's serials count a 29 February 1900 that never was: earlier days are one lower.
      return days < 61 ? days - 1 : days;
    }
    default:
      return numberCell(v);
  }
}

/** The column number of letters (A = 1). */
function columnOf(letters: string): number {
  let col = 0;
  for (let i = 0; i < letters.length; i++) col = col * 26 + (letters.charCodeAt(i) | 32) - 96;
  return col;
}

/** Rows from the top of a sheet in which merged areas are kept apart (the engine looks for headers in the first 20). */
const MERGE_ZONE = 64;

/**
 * Merged areas as the engine may use them: areas wholly below the data and single cells dropped;
 * in the top MERGE_ZONE rows an area that overlaps one kept before is dropped too (Excel repairs
 * overlapping merges the same way), so the areas covering any header row add up to at most one
 * row's width. Overlap is tested per row with a Fenwick tree over columns: O(log width) per test,
 * and each column of a zone row is marked at most once — linear in the merges listed.
 */
function keepMerges(refs: string[], lastRow: number): string[] {
  const out: string[] = [];
  const zone: (Int32Array | undefined)[] = [];
  const sum = (t: Int32Array, c: number) => {
    let n = 0;
    for (let i = c; i > 0; i -= i & -i) n += t[i];
    return n;
  };
  for (const ref of refs) {
    const m = /^\$?([A-Za-z]{1,3})\$?(\d{1,7}):\$?([A-Za-z]{1,3})\$?(\d{1,7})$/.exec(ref);
    if (!m) continue;
    const c1a = columnOf(m[1]);
    const c2a = columnOf(m[3]);
    const r1 = Math.min(Number(m[2]), Number(m[4]));
    const r2 = Math.max(Number(m[2]), Number(m[4]));
    const c1 = Math.min(c1a, c2a);
    const c2 = Math.max(c1a, c2a);
    if (c1 < 1 || c2 > MAX_COLS || r1 < 1 || r2 > MAX_ROWS || r1 > lastRow || (r1 === r2 && c1 === c2)) continue;
    if (r1 <= MERGE_ZONE) {
      const top = Math.min(r2, MERGE_ZONE);
      let clash = false;
      for (let r = r1; r <= top && !clash; r++) {
        const t = zone[r];
        if (t && sum(t, c2) - sum(t, c1 - 1) > 0) clash = true;
      }
      if (clash) continue;
      for (let r = r1; r <= top; r++) {
        const t = (zone[r] ??= new Int32Array(MAX_COLS + 1));
        for (let c = c1; c <= c2; c++) for (let i = c; i <= MAX_COLS; i += i & -i) t[i]++;
      }
    }
    out.push(ref);
  }
  return out;
}

function lengthsOf(strings: readonly string[]): Int32Array {
  let out = stringLengths.get(strings);
  if (!out) {
    out = new Int32Array(strings.length);
    for (let i = 0; i < strings.length; i++) out[i] = strings[i].length;
    stringLengths.set(strings, out);
  }
  return out;
}

/**
 * One sheet's cells, scanned piece by piece (Package.scan): rows and cells as they come, the
 * phase (before, inside, after <sheetData>) carried between pieces. A cell whose address is
 * damaged costs that cell only: it is skipped and listed in the grid's `unplaced`.
 */
class SheetScanner implements Scanner {
  private readonly cells: CellColumns;
  /** The shared strings' lengths (lengthsOf). */
  private readonly lengths: Int32Array;
  private readonly hiddenRows: number[] = [];
  private readonly mergeRefs: string[] = [];
  private readonly unplaced: { ref: string; row: number | null }[] = [];
  /** The row arrays this sheet would make (rows plus every row's width): budgeted as well, for the doors that ask for rows. */
  private rowSlots = 0;
  /** The row a cell was placed in last (1-based; 0 before any) and that row's width since. */
  private wRow = 0;
  private wWidth = 0;
  private chars = 0;
  private rowNo = 0;
  private colNo = 0;
  /** 0 before <sheetData>, 1 inside, 2 after. */
  private phase = 0;
  constructor(
    private readonly name: string,
    private readonly strings: string[],
    private readonly date1904: boolean,
    private readonly dateStyles: Set<number>,
    private readonly limits: Limits,
  ) {
    this.cells = new CellColumns(strings);
    this.lengths = lengthsOf(strings);
  }

  feed(xml: Uint8Array, final: boolean): number {
    let p = 0;
    for (;;) {
      const lt = find(xml, 60, p);
      if (lt < 0) return xml.length;
      const sp = skipSpecial(xml, lt, final);
      if (sp === NEED) return lt;
      if (sp >= 0) {
        p = sp;
        continue;
      }
      if (this.phase === 1 && xml[lt + 1] === C && xml[lt + 2] === 32) {
        // A row's cells one after another, each read in one pass, for as long as they are plain.
        let next = this.plainCell(xml, lt);
        if (next >= 0) {
          for (let q = next; xml[q] === 60 && xml[q + 1] === C && xml[q + 2] === 32 && (q = this.plainCell(xml, q)) >= 0; ) next = q;
          p = next;
          continue;
        }
      }
      const gt = find(xml, 62, lt);
      if (gt < 0) return final ? xml.length : lt;
      if (xml[lt + 1] === 47) {
        scanName(xml, lt + 1);
        if (this.phase === 1 && nameIs(xml, "sheetData")) this.phase = 2;
        p = gt + 1;
        continue;
      }
      scanName(xml, lt);
      if (this.phase === 1) {
        if (nameIsLetter(xml, C)) {
          const next = this.cell(xml, gt, final);
          if (next === NEED) return lt;
          p = next;
          continue;
        }
        if (nameIs(xml, "row")) this.row(xml, gt);
      } else if (this.phase === 0) {
        if (nameIs(xml, "sheetData")) this.phase = xml[gt - 1] === 47 ? 2 : 1;
      } else if (nameIs(xml, "mergeCell")) {
        const ref = attr(textAt(xml, lt, gt + 1), "ref");
        if (ref) this.mergeRefs.push(ref);
      }
      p = gt + 1;
    }
  }

  private row(xml: Uint8Array, gt: number): void {
    readAttrs(xml, nameEnd, gt);
    const prev = this.rowNo;
    this.rowNo++;
    if (attrR >= 0) {
      const d = digitsAt(xml, attrR, attrREnd);
      if (d >= 1 && d <= MAX_ROWS) this.rowNo = d;
      else {
        const r = textAt(xml, attrR, attrREnd);
        const n = Number(r);
        if (Number.isInteger(n) && n >= 1 && n <= MAX_ROWS) this.rowNo = n;
        // A damaged row number: the row is taken as the one after the last (its cells' own addresses still place them).
        else this.unplaced.push({ ref: `<row r="${r.slice(0, 20)}">`, row: prev + 1 });
      }
    }
    this.colNo = 0;
    if (attrHidden) this.hiddenRows.push(this.rowNo);
  }

  /**
   * Most cells of an export, `<c r="B3" t="s" s="1"><v>12</v></c>` — one-letter attributes in
   * double quotes, a shared string's index, a plain number or an inline string of one plain run —
   * read in one pass over their bytes and placed; returns where scanning goes on. Any other shape (or a cell cut off at the end of
   * the piece) returns -1 having changed nothing, and cell() reads it.
   */
  private plainCell(xml: Uint8Array, lt: number): number {
    let i = lt + 2;
    // The last r attribute's column and row as read while scanning it (0 when absent; the row 0 when it names a column only).
    let refC = 0;
    let refR = 0;
    let t = T_NUMBER;
    let s = -1;
    let sEnd = -1;
    let c = 0;
    for (;;) {
      c = xml[i];
      if (c === 62 /* > */) break;
      if (c !== 32) return -1;
      const name = xml[++i];
      if (name === 62) break;
      if (xml[i + 1] !== 61 /* = */ || xml[i + 2] !== 34 /* " */) return -1;
      const from = i + 3;
      let to = from;
      if (name === 114 /* r */) {
        // The address read as it is scanned: capital letters, then digits, then the quote.
        let col = 0;
        while ((c = xml[to]) >= 65 && c <= 90 && col <= MAX_COLS) (col = col * 26 + c - 64), to++;
        let row = 0;
        while ((c = xml[to]) >= 48 && c <= 57 && row <= MAX_ROWS) (row = row * 10 + c - 48), to++;
        if (c !== 34 || col < 1 || col > MAX_COLS || row > MAX_ROWS) {
          // Any other address ($, small letters, damage): as readRef reads it.
          while ((c = xml[to]) !== 34) {
            if (c === 62 || c === undefined) return -1;
            to++;
          }
          readRef(xml, from, to);
          if (refCol < 1 || refCol > MAX_COLS || refRow < 0) return -1;
          (col = refCol), (row = refRow);
        }
        (refC = col), (refR = row);
      } else {
        while ((c = xml[to]) !== 34) {
          if (c === 62 || c === undefined) return -1;
          to++;
        }
        if (name === 116 /* t */) t = to - from === 1 && xml[from] === 115 /* s */ ? T_SHARED : typeAt(xml, from, to);
        else if (name === 115 /* s */) (s = from), (sEnd = to);
      }
      i = to + 1;
    }
    // i is at the start tag's '>'; the value must follow at once and the cell end right after it.
    if (xml[i + 1] !== 60) return -1;
    let row = this.rowNo || 1;
    let col = this.colNo + 1;
    if (refC > 0) {
      col = refC;
      if (refR > 0) row = refR;
    }
    if (col > MAX_COLS) return -1;
    if (xml[i + 2] === V && xml[i + 3] === 62) {
      // <v>, its text read as it is scanned — a shared string's index or a plain number — then </v></c>.
      let p = i + 4;
      let m = 0;
      let digits = 0;
      let n = 0;
      if (t === T_SHARED) {
        while ((c = xml[p]) >= 48 && c <= 57) (m = m * 10 + c - 48), p++, digits++;
        if (c !== 60 || digits === 0 || digits > 15 || m >= this.strings.length) return -1;
      } else if (t === T_NUMBER) {
        const neg = xml[p] === 45; /* - */
        if (neg) p++;
        let frac = -1;
        for (;;) {
          c = xml[p];
          if (c >= 48 && c <= 57) {
            m = m * 10 + c - 48;
            digits++;
            if (frac >= 0) frac++;
          } else if (c === 46 /* . */ && frac < 0) frac = 0;
          else break;
          p++;
        }
        if (c !== 60 || digits === 0 || digits > 15) return -1;
        // Exactly Number()'s value, as numberAt says.
        n = frac > 0 ? m / POW10[frac] : m;
        if (neg) n = -n;
      } else return -1;
      if (xml[p + 1] !== 47 || xml[p + 2] !== V || xml[p + 3] !== 62 || xml[p + 4] !== 60 || xml[p + 5] !== 47 || xml[p + 6] !== C || xml[p + 7] !== 62) return -1;
      this.colNo = col;
      if (t === T_SHARED) return this.shared(row, col, m, p + 8);
      if (this.date1904) {
        (attrS = s), (attrSEnd = sEnd);
        if (this.dateStyles.has(styleOf(xml))) n += 1462;
      }
      this.number(row, col, n);
      return p + 8;
    }
    if (t === T_INLINE && at(xml, i + 1, "<is>")) {
      // An inline string that is one plain run: <is><t>text</t></is></c>.
      const next = plainRun(xml, i + 5, "</t></is></c>");
      if (next < 0) return -1;
      this.colNo = col;
      this.put(row, col, runOut);
      return next;
    }
    return -1;
  }

  /** The cell whose start tag ends at gt: its value placed in the grid; returns where scanning goes on, or NEED. */
  private cell(xml: Uint8Array, gt: number, final: boolean): number {
    readAttrs(xml, nameEnd, gt);
    let row = this.rowNo || 1;
    let col = this.colNo + 1;
    let bad: string | null = null;
    if (attrR >= 0) {
      readRef(xml, attrR, attrREnd);
      if (refCol < 1 || refCol > MAX_COLS || refRow < 0) bad = textAt(xml, attrR, attrREnd).slice(0, 20);
      else {
        col = refCol;
        if (refRow > 0) row = refRow;
      }
    }
    if (col > MAX_COLS) bad = `${this.colNo + 1}`;
    const t = attrT;
    let p = gt + 1;
    let v: string | null = null;
    let inline: string | null = null;
    // The common shape first: <v>text</v></c>, no prefix; its text is read from the bytes below.
    let vFrom = -1;
    let vTo = -1;
    if (xml[p] === 60 && xml[p + 1] === V && xml[p + 2] === 62) {
      const ve = find(xml, 60, p + 3);
      if (ve > 0 && at(xml, ve, "</v></c>")) {
        vFrom = p + 3;
        vTo = ve;
        p = ve + 8;
      }
    }
    if (vFrom < 0 && xml[gt - 1] !== 47 /* not <c/> */) {
      // Children: <f> (skipped: we want the cached result), <v>, <is>, <extLst>; then </c>.
      for (;;) {
        const q = find(xml, 60, p);
        if (q < 0) {
          if (!final) return NEED;
          throw new ReadFailure("damaged", `工作表“${this.name}”的单元格 ${a1(row, Math.min(col, MAX_COLS))} 不完整`);
        }
        const sp = skipSpecial(xml, q, final);
        if (sp === NEED) return NEED;
        if (sp >= 0) {
          p = sp;
          continue;
        }
        const qgt = find(xml, 62, q);
        if (qgt < 0) {
          if (!final) return NEED;
          throw new ReadFailure("damaged", `工作表“${this.name}”的单元格 ${a1(row, Math.min(col, MAX_COLS))} 不完整`);
        }
        const closing = xml[q + 1] === 47;
        scanName(xml, closing ? q + 1 : q);
        if (closing) {
          if (nameIsLetter(xml, C)) {
            p = qgt + 1;
            break;
          }
          // The row or the sheet data ends inside an unclosed cell: the cell ends here.
          if (nameIs(xml, "row") || nameIs(xml, "sheetData")) {
            p = q;
            break;
          }
          p = qgt + 1;
          continue;
        }
        // A cell that never closes: stop before the next cell or row rather than swallow it.
        if (nameIsLetter(xml, C) || nameIs(xml, "row")) {
          p = q;
          break;
        }
        p = qgt + 1;
        if (xml[qgt - 1] === 47) continue;
        const isV = nameIsLetter(xml, V);
        if (isV || nameIsLetter(xml, 102 /* f */)) {
          const e = readText(xml, p, final, isV);
          if (e === NEED) return NEED;
          if (isV) v = textOut;
          p = e;
        } else if (nameIs(xml, "is")) {
          const e = runText(xml, p, "is", final);
          if (e === NEED) return NEED;
          inline = runOut;
          p = e;
        }
      }
    }
    if (bad !== null) {
      this.colNo++;
      this.unplaced.push({ ref: bad, row: this.rowNo || null });
      return p;
    }
    this.colNo = col;
    if (vFrom >= 0) {
      // Most cells: a shared string's index or a plain number, taken from the bytes without a string.
      if (t === T_SHARED) {
        const i = digitsAt(xml, vFrom, vTo);
        if (i >= 0 && i < this.strings.length) return this.shared(row, col, i, p);
      } else if (t === T_NUMBER) {
        const n = numberAt(xml, vFrom, vTo);
        if (n === n) {
          this.number(row, col, this.date1904 && this.dateStyles.has(styleOf(xml)) ? n + 1462 : n);
          return p;
        }
      }
      v = textAt(xml, vFrom, vTo);
      if (v.indexOf("&") >= 0 || v.indexOf("_x") >= 0) v = decodeXml(v);
    }
    let value: CellValue = null;
    if (inline !== null && (t === T_INLINE || v === null)) value = inline;
    else if (v !== null && t === T_SHARED) {
      // A shared string is kept as its index (most texts of an export are shared).
      const i = Number(v);
      if (v.trim() !== "" && Number.isInteger(i) && i >= 0 && i < this.strings.length) return this.shared(row, col, i, p);
      value = typedValue(t, v, this.strings);
    } else if (v !== null) {
      value = typedValue(t, v, this.strings);
      // The 1904 system counts from 1904-01-01; the engine reads 1900-system serials.
      if (this.date1904 && typeof value === "number" && t !== T_DATE && this.dateStyles.has(styleOf(xml))) value += 1462;
    }
    if (value !== null) this.put(row, col, value);
    return p;
  }

  /** Places shared string `i` (kept as its index); returns `p`. */
  private shared(row: number, col: number, i: number, p: number): number {
    if ((this.chars += this.lengths[i]) > this.limits.textChars) this.tooMuchText(row, col);
    const before = row === this.wRow ? this.wWidth : this.cells.width(row - 1);
    this.grew(row, col, before, this.cells.setShared(row - 1, col - 1, i));
    return p;
  }

  private number(row: number, col: number, n: number): void {
    const before = row === this.wRow ? this.wWidth : this.cells.width(row - 1);
    this.grew(row, col, before, this.cells.setNumber(row - 1, col - 1, n));
  }

  private put(row: number, col: number, value: CellValue): void {
    if (typeof value === "string" && (this.chars += value.length) > this.limits.textChars) this.tooMuchText(row, col);
    const before = row === this.wRow ? this.wWidth : this.cells.width(row - 1);
    this.grew(row, col, before, this.cells.set(row - 1, col - 1, value));
  }

  /** The sheet's texts (a shared string counted once per cell using it) passed the text budget at this cell. */
  private tooMuchText(row: number, col: number): never {
    throw new ReadFailure("too-large", `工作表“${this.name}”到 ${a1(row, col)} 为止的文字已超过 ${this.limits.textChars.toLocaleString("en-US")} 个字符（同一长文字被大量单元格重复引用）`);
  }

  /**
   * After a cell is placed: its row's width and the columns' new slots against the grid budget —
   * the slots the columns hold, and the row arrays the same cells would make — refusing the sheet
   * at the cell that crosses it. The row's width is kept here too (every cell placed widens its
   * row to its column, as CellColumns does), so the next cell of the row need not ask for it.
   */
  private grew(row: number, col: number, width: number, columnSlots: number): void {
    this.wRow = row;
    if (col > width) {
      this.wWidth = col;
      this.rowSlots += col - width + (width === 0 ? 1 : 0);
      if (this.rowSlots + this.cells.rowCount > this.limits.gridSlots) this.tooManyCells(row, col);
    } else this.wWidth = width;
    if (columnSlots && this.cells.slots > this.limits.gridSlots) this.tooManyCells(row, col);
  }

  private tooManyCells(row: number, col: number): never {
    throw new ReadFailure("too-large", `工作表“${this.name}”在 ${a1(row, col)} 仍有数据，按实际范围需要超过 ${this.limits.gridSlots.toLocaleString("en-US")} 个单元格`);
  }

  grid(): SheetGrid {
    const base = { name: this.name, origin: { row: 1, col: 1 }, hiddenRows: this.hiddenRows, merges: keepMerges(this.mergeRefs, this.cells.rowCount) };
    return columnGrid(this.unplaced.length ? { ...base, unplaced: this.unplaced } : base, this.cells);
  }
}

// ------------------------------------------------------------------ workbook

/**
 * Reads an .xlsx package. Each sheet's cells are parsed when its grid is asked for. Never throws:
 * every failure is a code and a message saying what was found.
 */
export function readWorkbook(bytes: Uint8Array, opts: ReadOptions = {}): ReadResult {
  const limits: Limits = { ...LIMITS, ...opts.limits };
  limits.gridSlots = Math.min(limits.gridSlots, cellsWithin(opts.memoryMb ?? limitsFor(bytes.length).memoryMb));
  try {
    const kind = sniffBytes(bytes);
    if (kind !== "zip") return kind === "ole" ? { ok: false, error: oleKind(bytes) } : { ok: false, error: kind };
    let entries: ZipEntry[];
    try {
      entries = listZip(bytes);
    } catch (e) {
      return fail(e instanceof ZipError ? e.kind : "damaged", e instanceof Error ? e.message : undefined);
    }
    // The zip's own password flag (not Excel's "password to open", which is an OLE file): nothing in it can be read.
    const locked = entries.find((e) => e.flags & 1);
    if (locked) return fail("encrypted", `压缩包中的“${locked.name}”设置了压缩包密码`);
    const pkg = new Package(bytes, entries, limits);
    const officeDoc = relationships(pkg.text("_rels/.rels"), "").find((r) => r.type.endsWith("/officeDocument"));
    const wbPath = officeDoc?.target ?? "xl/workbook.xml";
    if (/\.bin$/i.test(wbPath) || (!officeDoc && pkg.entry("xl/workbook.bin"))) return fail("xlsb");
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

    // Sheets are listed from workbook.xml alone; none is read until its grid is asked for.
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
    const targets = new Set(found.map((f) => normalizeName(f.target)));
    let declared = pkg.entry(ssPath)?.size ?? 0;
    for (const t of targets) declared += pkg.entry(t)?.size ?? 0;
    if (declared > limits.inflatedBytes) {
      const biggest = found.reduce((a, b) => ((pkg.entry(b.target)?.size ?? 0) > (pkg.entry(a.target)?.size ?? 0) ? b : a));
      return fail("too-large", `工作表“${biggest.name}”${found.length > 1 ? "等" : ""}解压后共约 ${Math.round(declared / 1048576)} MB，超过本工具一次能解压的 ${Math.round(limits.inflatedBytes / 1048576)} MB`);
    }

    let strings: string[] | null = null;
    let dateStyles: Set<number> | null = null;
    const loadStrings = (): string[] => {
      if (strings) return strings;
      if (opts.noSharedStrings) return (strings = []);
      const sst = new SharedStrings(limits.gridSlots, limits.textChars);
      pkg.scan(ssPath, sst);
      return (strings = sst.done());
    };
    // Several sheets naming one part (a damaged or hostile workbook.xml) are scanned once.
    const scanned = new Map<string, SheetGrid>();
    const sheets: SheetEntry[] = found.map(({ name, state, target }) => {
      let cached: SheetGrid | null = null;
      return {
        name,
        state,
        grid: () => {
          if (cached) return cached;
          const key = normalizeName(target);
          const seen = scanned.get(key);
          if (seen) return (cached = renamed(seen, name));
          const sc = new SheetScanner(name, pkg.entry(target) ? loadStrings() : [], date1904, date1904 ? (dateStyles ??= dateStyleIndexes(pkg.text(stylesPath))) : new Set(), limits);
          // A missing part, a chart sheet or a dialog sheet has no cells: an empty grid, not an error.
          pkg.scan(target, sc);
          cached = sc.grid();
          scanned.set(key, cached);
          return cached;
        },
      };
    });
    return { ok: true, workbook: { sheets, date1904 } };
  } catch (e) {
    if (e instanceof ReadFailure) return fail(e.code, e.message);
    return fail("damaged", e instanceof Error ? e.message.slice(0, 200) : undefined);
  }
}

/** The same grid under another name (two sheets naming one part), sharing its cells. */
function renamed(g: SheetGrid, name: string): SheetGrid {
  return g.columns ? columnGrid({ ...gridBase(g), name }, g.columns) : { ...g, name };
}

/** A sheet's grid, or the failure that stopped it, without throwing. */
export function sheetGrid(entry: SheetEntry): { ok: true; grid: SheetGrid } | { ok: false; error: ReadError } {
  try {
    return { ok: true, grid: entry.grid() };
  } catch (e) {
    if (e instanceof ReadFailure) return { ok: false, error: e.formatted ? { code: e.code, message: e.message } : failure(e.code, e.message) };
    // Out of memory in a browser tab or a string past JavaScript's length limit: the sheet is too big, not broken.
    if (e instanceof RangeError) return { ok: false, error: failure("too-large", `工作表“${entry.name}”：${e.message}`) };
    return { ok: false, error: failure("damaged", `工作表“${entry.name}”：${e instanceof Error ? e.message.slice(0, 200) : String(e)}`) };
  }
}

/** A workbook as the page's reading worker sends it back: every sheet read, or its own error. Plain data. */
export type ReadBack =
  | { ok: true; date1904: boolean; sheets: Array<{ name: string; state: SheetEntry["state"]; grid?: SheetGrid; error?: ReadError }> }
  | { ok: false; error: ReadError };

/** Every sheet of a workbook read now (the page's worker does this off the main thread). */
export function readAll(bytes: Uint8Array, onSheet?: (done: number, total: number) => void): ReadBack {
  const r = readWorkbook(bytes);
  if (!r.ok) return r;
  const total = r.workbook.sheets.length;
  const sheets = r.workbook.sheets.map((entry, i) => {
    const g = sheetGrid(entry);
    onSheet?.(i + 1, total);
    return g.ok ? { name: entry.name, state: entry.state, grid: g.grid } : { name: entry.name, state: entry.state, error: g.error };
  });
  return { ok: true, date1904: r.workbook.date1904, sheets };
}

/** A Workbook over what readAll gave back: each sheet's grid, or its error as it was. */
export function workbookOf(read: Extract<ReadBack, { ok: true }>): Workbook {
  return {
    date1904: read.date1904,
    sheets: read.sheets.map((s) => ({
      name: s.name,
      state: s.state,
      grid: () => {
        if (s.grid) return s.grid;
        throw new ReadFailure(s.error!.code, s.error!.message, true);
      },
    })),
  };
}
