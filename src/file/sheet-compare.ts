/**
 * The annotated copy's sheet read back as bytes and compared with the original's, both walked a
 * piece at a time (sheet-stream.ts), so a sheet of any size is compared without a grid of either.
 * Each side is reduced to the same canonical form — every row's tag (without its `spans` hint),
 * every cell and whatever else the row holds, byte for byte; outside <sheetData> every byte but
 * the <dimension> tag — leaving out only what we may write: our cells (checked on the copy's
 * side against the planned values; on the original's side they must have been empty), the style
 * of a cell we mark, and rows that hold nothing else. The original's rows are kept as two 32-bit
 * hashes each (12 bytes a row) and the copy's compared with them in order. Browser-safe.
 */
import type { CellValue } from "../engine/types";
import { a1, MAX_COLS } from "../engine/address";
import { attr, decodeXml, dropAttr } from "./xml";
import { ByteTokenizer, cellOfTag, CLOSE, EMPTY, hasBytes, named, numberAt, OPEN, quotedAttr, samePrefix, type ByteTok, type TokenConsumer } from "./sheet-stream";
import { entryData, sameBytes, SLACK, streamPart, type ZipEntry } from "./zip";
import { partCrc32 } from "./zip-copy";
import { valueHash, type ExpectedCells, type PlanCells } from "./plan-cells";

/**
 * Math.imul taken once: in a loop over every byte, a global looked up each time is as slow as the
 * host makes it — where globals are intercepted (a vm sandbox, such as jest's) about 100× slower.
 */
const { imul } = Math;

const dec = new TextDecoder("utf-8");

/** Keys of the parts of a sheet outside its rows. */
/** FNV-1a's offset basis, as a 32-bit signed integer (the hash is kept in int32 all along). */
const FNV_START = 0x811c9dc5 | 0;

const HEAD = -1;
const TAIL = -2;

const OUT = 0;
const DATA = 1;
const ROW = 2;
const RAW = 3;
const OURS = 4;

class Differs extends Error {}
const differs = (why: string): never => {
  throw new Differs(why);
};

const SPANS = [115, 112, 97, 110, 115];
const S = [115];
const enc = new TextEncoder();

/**
 * Whether a row's tag says nothing but its number (`<row r="12">`; a row holding nothing else is
 * left out), or a cell's nothing but its address (`<c r="B12"/>`, an empty cell we marked): the
 * name ends at `name` in the tag's `n` bytes.
 */
function bare(b: Uint8Array, n: number, name: number, cell: boolean): boolean {
  let i = name;
  if (b[i++] !== 32 || b[i++] !== 114 || b[i++] !== 61 || b[i++] !== 34) return false;
  const from = i;
  if (cell) while (b[i] >= 65 && b[i] <= 90) i++;
  const digits = i;
  while (b[i] >= 48 && b[i] <= 57) i++;
  if (i === digits || (cell && digits === from) || b[i++] !== 34) return false;
  return cell ? n === i + 2 && b[i] === 47 && b[i + 1] === 62 : n === i + 1 && b[i] === 62;
}

const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);

/**
 * Whether b[from..to) is ASCII without `name` as dropAttr's pattern would find it (after a space,
 * spaces, then `=`): a tag where the name's letters only occur otherwise (`t="s"` beside a cell's
 * `s`) is then as dropAttr would give it back, without being decoded, searched and encoded again.
 */
function asciiWithout(b: Uint8Array, from: number, to: number, name: number[]): boolean {
  for (let i = from; i < to; i++) {
    if (b[i] >= 0x80) return false;
    if (b[i] !== name[0] || !isSpace(b[i - 1])) continue;
    let k = 1;
    while (k < name.length && b[i + k] === name[k]) k++;
    if (k < name.length) continue;
    let j = i + k;
    while (j < to && isSpace(b[j])) j++;
    if (b[j] === 61) return false;
  }
  return true;
}

/** One side's walk: its canonical form handed over a part (head, each row, tail) at a time as two hashes. */
class Canonical implements TokenConsumer {
  private phase = OUT;
  private sawData = false;
  private pBytes = new Uint8Array(0);
  /** Where bytes not yet hashed start, while hashing everything (outside <sheetData>, inside a cell). */
  private hashed = 0;
  private h1 = FNV_START;
  private h2 = 0;
  private rowNo = 0;
  private bareRow = false;
  private rowHolds = false;
  private depth = 0;
  private resume = OUT;
  /** The cell of ours being read: where, what was planned, whether the original's held anything, its bytes so far. */
  private oursRow = 0;
  private oursCol = 0;
  private oursH1 = 0;
  private oursH2 = 0;
  private oursHolds = false;
  private pieces: Uint8Array[] | null = null;
  private capture = 0;

  constructor(
    private readonly planned: ExpectedCells,
    /** True for the copy: our cells are read and compared with the plan. */
    private readonly isCopy: boolean,
    private readonly onPart: (key: number, h1: number, h2: number) => void,
  ) {}

  written = 0;

  private feed(b: Uint8Array, from: number, to: number): void {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = from; i < to; i++) {
      const c = b[i];
      h1 = imul(h1 ^ c, 16777619);
      h2 = (imul(h2, 31) + c) | 0;
    }
    this.h1 = h1;
    this.h2 = h2;
  }

  private feedText(s: string): void {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      h1 = imul(h1 ^ c, 16777619);
      h2 = (imul(h2, 31) + c) | 0;
    }
    this.h1 = h1;
    this.h2 = h2;
  }

  private part(key: number): void {
    this.onPart(key, this.h1, this.h2);
    this.h1 = FNV_START;
    this.h2 = 0;
  }

  pause(b: Uint8Array, upTo: number): void {
    if (this.phase === OUT || this.phase === RAW) this.feed(b, this.hashed, upTo);
    this.hashed = 0;
    if (this.phase === OURS && this.isCopy) (this.pieces ??= []).push(b.slice(this.capture, upTo));
    this.capture = 0;
  }

  token(b: Uint8Array, t: ByteTok): void {
    switch (this.phase) {
      case OUT:
        return this.out(b, t);
      case DATA:
        return this.data(b, t);
      case ROW:
        return this.row(b, t);
      case RAW:
        if (t.kind === OPEN) this.depth++;
        else if (t.kind === CLOSE) this.depth--;
        if (this.depth === 0) {
          this.feed(b, this.hashed, t.end);
          this.phase = this.resume;
        }
        return;
      case OURS: {
        if (t.text) this.oursHolds = true;
        if (t.kind === OPEN) this.depth++;
        else if (t.kind === CLOSE) this.depth--;
        if (t.kind !== CLOSE && named(b, t, "f")) this.oursHolds = true;
        if (this.depth === 0) this.endOurs(b, t.end);
        return;
      }
    }
  }

  private out(b: Uint8Array, t: ByteTok): void {
    if (t.kind === CLOSE) return;
    if (named(b, t, "dimension")) {
      this.feed(b, this.hashed, t.start);
      this.hashed = t.end;
      return;
    }
    if (!named(b, t, "sheetData") || this.sawData) return;
    this.sawData = true;
    this.feed(b, this.hashed, t.start);
    this.hashed = t.end;
    this.feedText("<sheetData>");
    this.part(HEAD);
    this.pBytes = b.slice(t.prefixStart, t.nameStart);
    if (t.kind === EMPTY) this.feedText("</sheetData>");
    else this.phase = DATA;
  }

  private data(b: Uint8Array, t: ByteTok): void {
    if (t.text) differs("<sheetData> 中有文字");
    if (t.kind === CLOSE) {
      this.phase = OUT;
      this.hashed = t.end;
      this.feedText("</sheetData>");
      return;
    }
    if (!named(b, t, "row") || !samePrefix(b, t, this.pBytes)) differs("<sheetData> 中有行以外的内容");
    const r = quotedAttr(b, t.nameEnd, t.end, "r");
    this.rowNo = r >= 0 ? numberAt(b, r, t.end) : -1;
    if (this.rowNo < 0) this.rowNo = Number(attr(dec.decode(b.subarray(t.start, t.end)), "r"));
    const n = this.canonTag(b, t, "spans", SPANS, t.kind === EMPTY);
    this.bareRow = bare(this.scratch, n, t.nameEnd - t.start, false);
    this.rowHolds = false;
    this.feed(this.scratch, 0, n);
    if (t.kind === EMPTY) {
      this.feedText("</");
      this.feed(this.pBytes, 0, this.pBytes.length);
      this.feedText("row>");
      this.endRow();
    } else this.phase = ROW;
  }

  private scratch = new Uint8Array(256);

  /**
   * The tag without attribute `drop` (as xml.ts dropAttr takes it out) into `scratch`; a
   * self-closing tag ends in `>` when `open`. Returns its length.
   */
  private canonTag(b: Uint8Array, t: ByteTok, drop: string, dropBytes: number[], open: boolean): number {
    let src = b;
    let from = t.start;
    let to = t.end;
    let cutFrom = -1;
    let cutTo = -1;
    const v = quotedAttr(b, t.nameEnd, t.end, drop);
    if (v >= 0) {
      cutFrom = v - drop.length - 3;
      cutTo = b.indexOf(34, v) + 1;
    } else if (hasBytes(b, dropBytes, t.nameEnd, t.end) && !asciiWithout(b, t.start, t.end, dropBytes)) {
      src = enc.encode(dropAttr(dec.decode(b.subarray(t.start, t.end)), drop));
      from = 0;
      to = src.length;
    }
    if (to - from > this.scratch.length) this.scratch = new Uint8Array(2 * (to - from));
    const out = this.scratch;
    let n = 0;
    for (let i = from; i < to; i++) if (i < cutFrom || i >= cutTo) out[n++] = src[i];
    if (open && n >= 2 && out[n - 2] === 47) out[--n - 1] = 62;
    return n;
  }

  private endRow(): void {
    if (this.bareRow && !this.rowHolds) {
      this.h1 = FNV_START;
      this.h2 = 0;
    } else this.part(this.rowNo);
    this.phase = DATA;
  }

  private raw(b: Uint8Array, t: ByteTok, from: number): void {
    this.rowHolds = true;
    this.hashed = from;
    if (t.kind !== OPEN) {
      this.feed(b, from, t.end);
      return;
    }
    this.depth = 1;
    this.resume = ROW;
    this.phase = RAW;
  }

  private row(b: Uint8Array, t: ByteTok): void {
    if (t.text) differs(`第 ${this.rowNo} 行中有文字`);
    if (t.kind === CLOSE) {
      this.feed(b, t.start, t.end);
      return this.endRow();
    }
    if (!named(b, t, "c") || !samePrefix(b, t, this.pBytes)) return this.raw(b, t, t.start);
    const packed = cellOfTag(b, t);
    const row = packed >= 0 ? Math.floor(packed / MAX_COLS) : -1;
    const col = packed >= 0 ? (packed % MAX_COLS) + 1 : 0;
    const plan = row === this.rowNo ? this.planned.expected(row)?.get(col) : undefined;
    if (!plan) return this.raw(b, t, t.start);
    if (plan.h1 !== undefined) {
      this.oursRow = row;
      this.oursCol = col;
      this.oursH1 = plan.h1;
      this.oursH2 = plan.h2!;
      this.oursHolds = false;
      this.pieces = null;
      this.capture = t.start;
      if (t.kind === EMPTY) return this.endOurs(b, t.end);
      this.depth = 1;
      this.phase = OURS;
      return;
    }
    // A cell we mark: the same but for its style.
    const n = this.canonTag(b, t, "s", S, false);
    if (t.kind === EMPTY && bare(this.scratch, n, t.nameEnd - t.start, true)) return;
    this.feed(this.scratch, 0, n);
    this.raw(b, t, t.end);
  }

  private endOurs(b: Uint8Array, end: number): void {
    this.phase = ROW;
    const where = () => a1(this.oursRow, this.oursCol);
    if (!this.isCopy) {
      if (this.oursHolds) differs(`${where()} 原有内容`);
      return;
    }
    // Our own form, in one piece: hashed from its bytes (cellValue and valueHash give the same, or the cell is read as text below).
    if (!this.pieces && ownCellHash(b, this.capture, end)) {
      if (ownHash[0] !== this.oursH1 || ownHash[1] !== this.oursH2) differs(`${where()} 读回为“${String(cellValue(dec.decode(b.subarray(this.capture, end))) ?? "")}”，与写入的结果不符`);
      this.written++;
      return;
    }
    let xml: string;
    if (this.pieces) {
      this.pieces.push(b.slice(this.capture, end));
      xml = this.pieces.map((p) => dec.decode(p, { stream: true })).join("") + dec.decode();
      this.pieces = null;
    } else xml = dec.decode(b.subarray(this.capture, end));
    const got = cellValue(xml);
    const h = got === undefined ? null : valueHash(got);
    if (!h || h[0] !== this.oursH1 || h[1] !== this.oursH2) differs(`${where()} 读回为“${String(got ?? "")}”，与写入的结果不符`);
    this.written++;
  }

  /** The end of the part: the tail after <sheetData>. */
  finish(): void {
    if (this.phase !== OUT) differs("工作表 XML 不完整");
    this.part(TAIL);
  }
}

/** The hashes ownCellHash found (valueHash's two, for the value the cell holds). */
const ownHash = new Int32Array(2);

/** Whether b[from..] is `prefix` (ASCII). */
function startsWith(b: Uint8Array, from: number, prefix: number[]): boolean {
  if (from + prefix.length > b.length) return false;
  for (let k = 0; k < prefix.length; k++) if (b[from + k] !== prefix[k]) return false;
  return true;
}

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));
const C_R = ascii('<c r="');
const S_ATTR = ascii(' s="');
const INLINE_OPEN = ascii(' t="inlineStr"><is><t xml:space="preserve">');
const INLINE_CLOSE = ascii("</t></is></c>");
const NUMBER_OPEN = ascii("><v>");
const NUMBER_CLOSE = ascii("</v></c>");

/**
 * valueHash of what the cell b[from..end) holds, into ownHash, when it is written exactly as our
 * writer writes a cell without a namespace prefix — `<c r="B12"( s="3")? t="inlineStr"><is><t
 * xml:space="preserve">text</t></is></c>` with a text that has nothing to decode (no `&`, no
 * `_x`) and is well-formed UTF-8, or `<c r="B12"( s="3")?><v>12</v></c>` with plain digits that
 * read back as the same number — hashed from the bytes without a string. False for anything else
 * (a prefix, an escape, another form): the caller reads the cell as text (cellValue).
 */
function ownCellHash(b: Uint8Array, from: number, end: number): boolean {
  if (!startsWith(b, from, C_R)) return false;
  let i = from + C_R.length;
  while (i < end && ((b[i] >= 65 && b[i] <= 90) || (b[i] >= 48 && b[i] <= 57))) i++;
  if (b[i++] !== 34) return false;
  if (startsWith(b, i, S_ATTR)) {
    i += S_ATTR.length;
    const d = i;
    while (i < end && b[i] >= 48 && b[i] <= 57) i++;
    if (i === d || b[i++] !== 34) return false;
  }
  if (startsWith(b, i, NUMBER_OPEN)) {
    i += NUMBER_OPEN.length;
    const d = i;
    while (i < end && b[i] >= 48 && b[i] <= 57) i++;
    // Digits that String(Number(·)) gives back as they are: no leading zero, within a double's exact integers.
    const n = i - d;
    if (n === 0 || n > 15 || (n > 1 && b[d] === 48) || end - i !== NUMBER_CLOSE.length || !startsWith(b, i, NUMBER_CLOSE)) return false;
    let h1 = imul(FNV_START ^ 110, 16777619);
    let h2 = 110;
    for (let k = d; k < i; k++) {
      h1 = imul(h1 ^ b[k], 16777619);
      h2 = (imul(h2, 31) + b[k]) | 0;
    }
    ownHash[0] = h1;
    ownHash[1] = h2;
    return true;
  }
  if (!startsWith(b, i, INLINE_OPEN)) return false;
  i += INLINE_OPEN.length;
  const stop = end - INLINE_CLOSE.length;
  if (stop < i || !startsWith(b, stop, INLINE_CLOSE)) return false;
  let h1 = imul(FNV_START ^ 115, 16777619);
  let h2 = 115;
  // UTF-8 decoded to UTF-16 units as they come; anything not well-formed (TextDecoder would replace it) is left to cellValue.
  while (i < stop) {
    const c = b[i];
    let u: number;
    if (c < 0x80) {
      if (c === 60 || c === 38 || (c === 95 && b[i + 1] === 120)) return false;
      u = c;
      i++;
    } else if (c >= 0xc2 && c <= 0xdf) {
      const c1 = b[i + 1];
      if (i + 1 >= stop || (c1 & 0xc0) !== 0x80) return false;
      u = ((c & 0x1f) << 6) | (c1 & 0x3f);
      i += 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      const c1 = b[i + 1];
      const c2 = b[i + 2];
      if (i + 2 >= stop || (c1 & 0xc0) !== 0x80 || (c2 & 0xc0) !== 0x80) return false;
      if ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 >= 0xa0)) return false;
      u = ((c & 0x0f) << 12) | ((c1 & 0x3f) << 6) | (c2 & 0x3f);
      i += 3;
    } else if (c >= 0xf0 && c <= 0xf4) {
      const c1 = b[i + 1];
      const c2 = b[i + 2];
      const c3 = b[i + 3];
      if (i + 3 >= stop || (c1 & 0xc0) !== 0x80 || (c2 & 0xc0) !== 0x80 || (c3 & 0xc0) !== 0x80) return false;
      if ((c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 >= 0x90)) return false;
      const cp = (((c & 0x07) << 18) | ((c1 & 0x3f) << 12) | ((c2 & 0x3f) << 6) | (c3 & 0x3f)) - 0x10000;
      const hi = 0xd800 + (cp >> 10);
      h1 = imul(h1 ^ hi, 16777619);
      h2 = (imul(h2, 31) + hi) | 0;
      u = 0xdc00 + (cp & 0x3ff);
      i += 4;
    } else return false;
    h1 = imul(h1 ^ u, 16777619);
    h2 = (imul(h2, 31) + u) | 0;
  }
  ownHash[0] = h1;
  ownHash[1] = h2;
  return true;
}

/** What one of our cells holds as written: a number, a text, or null for none; undefined when it is not a cell we could have written. */
function cellValue(xml: string): CellValue | undefined {
  const end = xml.indexOf(">");
  if (xml.charCodeAt(end - 1) === 47) return null;
  if (FORMULA.test(xml)) return undefined;
  const inline = xml.lastIndexOf(' t="inlineStr"', end);
  const t = inline >= 0 ? "inlineStr" : attr(xml.slice(0, end + 1), "t");
  if (t === "inlineStr") {
    let s = "";
    TEXT.lastIndex = 0;
    for (let m = TEXT.exec(xml); m; m = TEXT.exec(xml)) s += decodeXml(m[1]);
    return s;
  }
  if (t !== null && t !== "n") return undefined;
  const v = VALUE.exec(xml);
  return v ? Number(v[1]) : null;
}

const FORMULA = /<(?:[\w.-]+:)?f[\s>/]/;
const TEXT = /<(?:[\w.-]+:)?t(?:\s[^>]*)?>([^<]*)<\/(?:[\w.-]+:)?t>/g;
const VALUE = /<(?:[\w.-]+:)?v>([^<]*)</;

/** Walks a part; with `check`, its CRC-32 and size must be the ones its zip entry declares (the copy's part as written). */
function walk(bytes: Uint8Array, e: ZipEntry, c: Canonical, check?: { crc: number; size: number }): void {
  const tok = new ByteTokenizer(c);
  let crc = 0;
  let size = 0;
  const over = streamPart(bytes, e, (p) => {
    if (check) {
      crc = partCrc32(p, crc);
      size += p.length;
    }
    tok.push(p);
  });
  if (over) differs("部件的内容超出其声明的大小");
  if (check && (size !== check.size || crc !== check.crc)) differs("部件的内容与其校验和（CRC-32）或大小不符");
  tok.end();
  c.finish();
}

/** A list of a side's parts (key, two hashes), grown as they come. */
class Parts {
  keys = new Int32Array(1024);
  h1s = new Int32Array(1024);
  h2s = new Int32Array(1024);
  n = 0;
  add(k: number, a: number, b: number): void {
    if (this.n === this.keys.length) {
      const grow = (x: Int32Array) => {
        const y = new Int32Array(x.length * 2);
        y.set(x);
        return y;
      };
      this.keys = grow(this.keys);
      this.h1s = grow(this.h1s);
      this.h2s = grow(this.h2s);
    }
    this.keys[this.n] = k;
    this.h1s[this.n] = a;
    this.h2s[this.n++] = b;
  }
}

/** One side's canonical parts (key, two hashes each), and for the original's side why they could not be taken: plain data, to cross between threads. */
export interface DigestResult {
  keys: Int32Array;
  h1s: Int32Array;
  h2s: Int32Array;
  n: number;
  failed: string | null;
}

/**
 * The original's side of the compare, taken from the original's tokens as the copy is written
 * from them (resave.ts hands every token to both, or node/copy-check.ts hands the original's
 * bytes to its thread as the editor passes them), so the read-back walks only the copy: the same
 * canonical parts a walk of the original would give, or why it could not be taken.
 */
export class OriginalDigest implements TokenConsumer {
  private readonly parts = new Parts();
  private failed: string | null = null;
  private readonly c: Canonical;

  constructor(planned: ExpectedCells) {
    this.c = new Canonical(planned, false, (k, a, b) => this.parts.add(k, a, b));
  }

  private guard(f: () => void): void {
    if (this.failed !== null) return;
    try {
      f();
    } catch (e) {
      this.fail(e instanceof Error ? e.message : String(e));
    }
  }
  /** The part could not be walked (`why`), if nothing was found wrong before. */
  fail(why: string): void {
    this.failed ??= why;
  }
  token(b: Uint8Array, t: ByteTok): void {
    this.guard(() => this.c.token(b, t));
  }
  pause(b: Uint8Array, upTo: number): void {
    this.guard(() => this.c.pause(b, upTo));
  }
  finish(): DigestResult {
    this.guard(() => this.c.finish());
    const { keys, h1s, h2s, n } = this.parts;
    return { keys: keys.slice(0, n), h1s: h1s.slice(0, n), h2s: h2s.slice(0, n), n, failed: this.failed };
  }
}

/** The digest last taken with each sheet's cells, of the part at `offset` of `original` (it stands for that part only). */
const digests = new WeakMap<PlanCells, { original: Uint8Array; offset: number; digest: DigestResult }>();

/** The original's side taken as the copy was written with `planned`, if it was. */
export function digestOf(planned: PlanCells): DigestResult | undefined {
  return digests.get(planned)?.digest;
}

/** Records the original's side taken as the copy was written with `planned` from the part at `offset` of `original`. */
export function setDigest(planned: PlanCells, original: Uint8Array, offset: number, digest: DigestResult): void {
  digests.set(planned, { original, offset, digest });
}

/** What CopyWalk found, as it crosses from the thread that walked it: plain data. */
export interface CopyWalkResult {
  keys: Int32Array;
  h1s: Int32Array;
  h2s: Int32Array;
  n: number;
  /** Our cells that read as planned. */
  written: number;
  /** The first thing found wrong, and whether while walking or at the part's end (its last tag, the tail). */
  failed: { why: string; at: "walk" | "end" } | null;
  /** CRC-32 and size of the bytes walked. */
  crc: number;
  size: number;
}

/**
 * The copy's side of the compare walked as its part is written and compressed — by the command
 * line's workers in a thread of their own (node/copy-check.ts), from the compressed pieces
 * inflated as one stream, the very bytes the zip holds — while the sheet is still being edited:
 * its canonical parts as two hashes each, how many of our cells read as planned, the first thing
 * found wrong (the walk stops there), and the CRC-32 and size of what it inflated. Compared with
 * the original's side once the copy is written and read back (sheetPartDiffers), in the order a
 * walk of the copy read back would have found each thing.
 */
export class CopyWalk {
  private readonly parts = new Parts();
  private readonly c: Canonical;
  private readonly tok: ByteTokenizer;
  private failed: CopyWalkResult["failed"] = null;
  private crc = 0;
  private size = 0;

  constructor(expected: ExpectedCells) {
    this.c = new Canonical(expected, true, (k, a, b) => this.parts.add(k, a, b));
    this.tok = new ByteTokenizer(this.c);
  }

  /** The next inflated piece. */
  push(piece: Uint8Array): void {
    this.crc = partCrc32(piece, this.crc);
    this.size += piece.length;
    if (this.failed) return;
    try {
      this.tok.push(piece);
    } catch (e) {
      this.failed = { why: e instanceof Error ? e.message : String(e), at: "walk" };
    }
  }

  /** The pieces could not be inflated (`why`: as streamPart says it). */
  broken(why: string): void {
    this.failed ??= { why, at: "walk" };
  }

  /** Every piece is in. */
  end(): CopyWalkResult {
    if (!this.failed) {
      try {
        this.tok.end();
        this.c.finish();
      } catch (e) {
        this.failed = { why: e instanceof Error ? e.message : String(e), at: "end" };
      }
    }
    const { keys, h1s, h2s, n } = this.parts;
    return { keys: keys.slice(0, n), h1s: h1s.slice(0, n), h2s: h2s.slice(0, n), n, written: this.c.written, failed: this.failed, crc: this.crc >>> 0, size: this.size };
  }
}

/** A sheet part's copy side walked as it was written: the compressed pieces it walked, for the original part at `offset` of `original`. */
interface Prechecked {
  original: Uint8Array;
  offset: number;
  chunks: Uint8Array[];
  walk: CopyWalkResult;
}

/** The walk last taken of the copy written with each sheet's cells. */
const prechecks = new WeakMap<PlanCells, Prechecked>();

/** Records the copy's side walked as the copy was written from the part at `offset` of `original` with `planned`, compressed into `chunks`. */
export function setPrecheck(planned: PlanCells, original: Uint8Array, offset: number, chunks: Uint8Array[], walk: CopyWalkResult): void {
  prechecks.set(planned, { original, offset, chunks, walk });
}

/** The copy's side walked as it was written with `planned`, if it was (what the read-back will compare). */
export function precheckOf(planned: PlanCells): Readonly<Prechecked> | undefined {
  return prechecks.get(planned);
}

/** Whether `data` (an entry's compressed bytes) is exactly `chunks`, one after another. */
function holds(data: Uint8Array, chunks: Uint8Array[]): boolean {
  let n = 0;
  for (const c of chunks) n += c.length;
  if (n !== data.length) return false;
  let at = 0;
  for (const c of chunks) {
    if (!sameBytes(data.subarray(at, at + c.length), c)) return false;
    at += c.length;
  }
  return true;
}

/**
 * Why the copy's sheet part (entry `inCopy` of `copy`) is not the original's (entry `inOriginal`)
 * with our cells `planned` written and marked, or null when it is exactly that. Our cells with a
 * value must all be there, reading as planned; the original's must have been empty.
 */
export function sheetPartDiffers(original: Uint8Array, inOriginal: ZipEntry, copy: Uint8Array, inCopy: ZipEntry & { crc: number }, planned: PlanCells): string | null {
  try {
    // Taken as the copy was written from this very part, or walked now.
    const taken = digests.get(planned);
    let parts: { keys: Int32Array; h1s: Int32Array; h2s: Int32Array; n: number };
    if (taken && taken.original === original && taken.offset === inOriginal.offset) {
      if (taken.digest.failed !== null) return taken.digest.failed;
      parts = taken.digest;
    } else {
      const walked = new Parts();
      walk(original, inOriginal, new Canonical(planned, false, (k, a, b) => walked.add(k, a, b)));
      parts = walked;
    }
    const { keys, h1s, h2s, n } = parts;
    let i = 0;
    const onCopy = (k: number, a: number, b: number) => {
      if (i >= n) differs(k >= 0 ? `第 ${k} 行是原文件没有的` : "工作表末尾多出内容");
      if (keys[i] !== k) differs(keys[i] >= 0 ? `第 ${keys[i]} 行与原文件不一致` : "行以外的内容与原文件不一致");
      if (h1s[i] !== a || h2s[i] !== b) differs(k >= 0 ? `第 ${k} 行与原文件不一致` : "行以外的内容与原文件不一致");
      i++;
    };
    const pre = prechecks.get(planned);
    let written: number;
    // (entryData: the entry's header checked as streamPart checks it, before anything is walked.)
    if (pre && pre.original === original && pre.offset === inOriginal.offset && inCopy.method === 8 && holds(entryData(copy, inCopy), pre.chunks)) {
      // The copy's side was walked from these very bytes as they were written: its findings in the order a walk now would meet them.
      const w = pre.walk;
      for (let k = 0; k < w.n; k++) onCopy(w.keys[k], w.h1s[k], w.h2s[k]);
      if (w.failed?.at === "walk") differs(w.failed.why);
      if (w.size > inCopy.size + SLACK) differs("部件的内容超出其声明的大小");
      if (w.size !== inCopy.size || w.crc !== inCopy.crc) differs("部件的内容与其校验和（CRC-32）或大小不符");
      if (w.failed) differs(w.failed.why);
      written = w.written;
    } else {
      const c = new Canonical(planned, true, onCopy);
      walk(copy, inCopy, c, inCopy);
      written = c.written;
    }
    if (i < n) differs(keys[i] >= 0 ? `第 ${keys[i]} 行在副本中缺失` : "行以外的内容与原文件不一致");
    const values = planned.values();
    if (written !== values) differs(`写入的结果少了 ${values - written} 个单元格`);
    return null;
  } catch (e) {
    if (e instanceof Differs) return e.message;
    return e instanceof Error ? e.message : String(e);
  }
}
