/**
 * Sheet XML as bytes, a piece at a time: a tokenizer that hands over each tag (start, end and the
 * bytes of its name) of a part fed to it in pieces, and keeps only the unfinished tag between
 * pieces. Comments, processing instructions and CDATA sections are passed over as what they are
 * (a `<row>` inside a comment is not a row), a `>` inside a quoted attribute value does not end
 * the tag, and `text` says whether character data came between the previous tag and this one —
 * without making a string of anything. The annotated copy's sheet editor and its read-back
 * comparison both walk sheets with it, so neither ever holds a sheet part whole; resave.ts finds
 * where the workbook's small parts close with it too (one tokenizer). Browser-safe.
 */

import { cellKey, MAX_COLS, MAX_ROWS } from "../engine/address";
import { attr } from "./xml";

export class SheetStreamError extends Error {}
const refuse = (why: string): never => {
  throw new SheetStreamError(why);
};

export const OPEN = 0;
export const CLOSE = 1;
export const EMPTY = 2;

/** One tag, positions in `buf` (valid until the consumer returns). */
export interface ByteTok {
  start: number;
  /** Index after its `>`. */
  end: number;
  kind: typeof OPEN | typeof CLOSE | typeof EMPTY;
  /** Where the prefix (if any) starts; the local name is nameStart..nameEnd. */
  prefixStart: number;
  nameStart: number;
  nameEnd: number;
  /** Character data (CDATA included) between the previous tag and this one. */
  text: boolean;
}

export interface TokenConsumer {
  token(buf: Uint8Array, t: ByteTok): void;
  /**
   * Everything before `upTo` in `buf` is passed over; what follows is kept for the next piece
   * (its positions start again at 0 there).
   */
  pause(buf: Uint8Array, upTo: number): void;
}

/** Index of `seq` in `b` from `from`, or -1. */
function find(b: Uint8Array, seq: number[], from: number): number {
  for (let i = b.indexOf(seq[0], from); i >= 0; i = b.indexOf(seq[0], i + 1)) {
    let k = 1;
    while (k < seq.length && b[i + k] === seq[k]) k++;
    if (k === seq.length) return i;
    if (i + k >= b.length) return -1;
  }
  return -1;
}

const COMMENT_END = [45, 45, 62]; // -->
const CDATA_END = [93, 93, 62]; // ]]>
const PI_END = [63, 62]; // ?>
const CDATA_START = [60, 33, 91, 67, 68, 65, 84, 65, 91]; // <![CDATA[

/** The start of the next piece joined to a tag left unfinished at a piece's end (more for a longer one). */
const JOIN_BYTES = 4096;

/** How much of a part the tokenizer takes at a time: tests make it a few bytes, to split tags and cells everywhere. */
export const PIECE = { bytes: 4 << 20 };

export class ByteTokenizer {
  private buf: Uint8Array = new Uint8Array(0);
  private text = false;
  private readonly tok: ByteTok = { start: 0, end: 0, kind: OPEN, prefixStart: 0, nameStart: 0, nameEnd: 0, text: false };

  constructor(private readonly consumer: TokenConsumer) {}

  /**
   * Hands over the complete tags of a piece, handed PIECE.bytes at a time. An unfinished tag left
   * at a piece's end is joined with the first few kilobytes of the next piece only (at least as much again as
   * is left, so a long comment is joined in doubling steps), never with the whole piece.
   */
  push(piece: Uint8Array): void {
    const step = PIECE.bytes;
    let at = 0;
    while (at < piece.length) {
      let b: Uint8Array;
      if (this.buf.length) {
        // Only as much as may finish the tag: what is left after it is taken without a copy.
        const take = Math.min(piece.length - at, Math.max(Math.min(step, JOIN_BYTES), this.buf.length));
        b = new Uint8Array(this.buf.length + take);
        b.set(this.buf);
        b.set(piece.subarray(at, at + take), this.buf.length);
        at += take;
      } else {
        b = piece.subarray(at, Math.min(piece.length, at + step));
        at += b.length;
      }
      this.buf = b.subarray(this.run(b, false));
    }
  }

  /** The end of the part: a tag, comment or section left unfinished is refused. */
  end(): void {
    this.run(this.buf, true);
    this.buf = new Uint8Array(0);
  }

  /** Hands over every complete tag of `b`; returns where the unfinished rest starts. */
  private run(b: Uint8Array, last: boolean): number {
    const len = b.length;
    const t = this.tok;
    let p = 0;
    for (;;) {
      // Found by a loop, not indexOf: most stretches between tags are a few bytes, where a call costs more.
      let i = p;
      if (this.text) while (i < len && b[i] !== 60) i++;
      else {
        for (; i < len; i++) {
          const c = b[i];
          if (c === 60) break;
          if (!(c === 32 || c === 9 || c === 10 || c === 13)) {
            this.text = true;
            while (i < len && b[i] !== 60) i++;
            break;
          }
        }
      }
      if (i >= len) {
        this.consumer.pause(b, len);
        return len;
      }
      const c1 = i + 1 < len ? b[i + 1] : -1;
      if (c1 === 33 /* ! */) {
        if (i + 4 <= len && b[i + 2] === 45 && b[i + 3] === 45) {
          const e = find(b, COMMENT_END, i + 4);
          if (e < 0) return this.unfinished(b, i, last, "XML 中的注释没有结束");
          p = e + 3;
          continue;
        }
        if (i + 9 > len) {
          if (!last) return this.unfinished(b, i, last, "");
        } else {
          let k = 2;
          while (k < 9 && b[i + k] === CDATA_START[k]) k++;
          if (k === 9) {
            const e = find(b, CDATA_END, i + 9);
            if (e < 0) return this.unfinished(b, i, last, "XML 中的CDATA没有结束");
            this.text = true;
            p = e + 3;
            continue;
          }
        }
        refuse("XML 中有文档类型声明（DOCTYPE）");
      }
      if (c1 === 63 /* ? */) {
        const e = find(b, PI_END, i + 2);
        if (e < 0) return this.unfinished(b, i, last, "XML 中的处理指令没有结束");
        p = e + 2;
        continue;
      }
      if (c1 < 0) return this.unfinished(b, i, last, "XML 标记不完整");
      let j = i + 1;
      let q = 0;
      for (; j < len; j++) {
        const c = b[j];
        if (q) {
          if (c === q) q = 0;
        } else if (c === 34 || c === 39) q = c;
        else if (c === 62) break;
      }
      if (j >= len) return this.unfinished(b, i, last, "XML 标记不完整");
      const close = c1 === 47;
      const s = close ? i + 2 : i + 1;
      let e = s;
      let colon = -1;
      for (; e < j; e++) {
        const c = b[e];
        if (c === 32 || c === 9 || c === 10 || c === 13 || c === 47) break;
        if (c === 58) colon = e;
      }
      t.start = i;
      t.end = j + 1;
      t.kind = close ? CLOSE : b[j - 1] === 47 ? EMPTY : OPEN;
      t.prefixStart = s;
      t.nameStart = colon >= 0 ? colon + 1 : s;
      t.nameEnd = e;
      t.text = this.text;
      this.text = false;
      p = j + 1;
      this.consumer.token(b, t);
    }
  }

  private unfinished(b: Uint8Array, at: number, last: boolean, why: string): number {
    if (last) refuse(why || "XML 标记不完整");
    this.consumer.pause(b, at);
    return at;
  }
}

/** Whether `seq` occurs in b[from..to). */
export function hasBytes(b: Uint8Array, seq: number[], from: number, to: number): boolean {
  for (let i = from; i + seq.length <= to; i++) {
    if (b[i] !== seq[0]) continue;
    let k = 1;
    while (k < seq.length && b[i + k] === seq[k]) k++;
    if (k === seq.length) return true;
  }
  return false;
}

/** Whether the tag's local name is `name` (ASCII). */
export function named(b: Uint8Array, t: ByteTok, name: string): boolean {
  if (t.nameEnd - t.nameStart !== name.length) return false;
  for (let k = 0; k < name.length; k++) if (b[t.nameStart + k] !== name.charCodeAt(k)) return false;
  return true;
}

/** Whether two tags carry the same prefix (bytes before the local name). */
export function samePrefix(b: Uint8Array, t: ByteTok, prefix: Uint8Array): boolean {
  const n = t.nameStart - t.prefixStart;
  if (n !== prefix.length) return false;
  for (let k = 0; k < n; k++) if (b[t.prefixStart + k] !== prefix[k]) return false;
  return true;
}

/**
 * Where the value of ` name="…"` starts in the tag b[from..to) when written so (the usual form;
 * it ends at the next `"`), or -1 when the tag writes it otherwise or not at all (the caller
 * decodes the tag and asks attr).
 */
export function quotedAttr(b: Uint8Array, from: number, to: number, name: string): number {
  const n = name.length;
  let q = 0;
  for (let i = from; i + n + 3 < to; i++) {
    const c = b[i];
    if (q) {
      if (c === q) q = 0;
      continue;
    }
    if (c === 34 || c === 39) {
      q = c;
      continue;
    }
    if (c !== 32) continue;
    let k = 0;
    while (k < n && b[i + 1 + k] === name.charCodeAt(k)) k++;
    if (k < n || b[i + 1 + n] !== 61 || b[i + 2 + n] !== 34) continue;
    return i + 3 + n;
  }
  return -1;
}

/**
 * The cell address `B12` whose value starts at b[from] (ending at a `"` before `to`), read by
 * character codes, packed as row * 16384 + column - 1; -1 when not of that form or out of range.
 */
export function addressAt(b: Uint8Array, from: number, to: number, maxCols: number, maxRows: number): number {
  let j = from;
  let col = 0;
  let row = 0;
  for (; j < to && j - from < 3 && b[j] >= 65 && b[j] <= 90; j++) col = col * 26 + b[j] - 64;
  const letters = j - from;
  for (; j < to && j - from - letters < 7 && b[j] >= 48 && b[j] <= 57; j++) row = row * 10 + b[j] - 48;
  const digits = j - from - letters;
  if (letters === 0 || digits === 0 || b[j] !== 34) return -1;
  return col <= maxCols && row >= 1 && row <= maxRows ? row * 16384 + col - 1 : -1;
}

const tagText = new TextDecoder("utf-8");

/**
 * The address of cell tag `t`, packed as row * 16384 + column - 1 (address.ts cellKey), or -1
 * when it has none: the usual ` r="B12"` read as bytes, any other form (other quotes or spacing,
 * $, lower case) read by attr and cellKey — one reading for the copy's writer and its read-back.
 */
export function cellOfTag(b: Uint8Array, t: ByteTok): number {
  const r = quotedAttr(b, t.nameEnd, t.end, "r");
  const packed = r >= 0 ? addressAt(b, r, t.end, MAX_COLS, MAX_ROWS) : -1;
  if (packed >= 0) return packed;
  const ref = attr(tagText.decode(b.subarray(t.start, t.end)), "r");
  return ref ? cellKey(ref) : -1;
}

/** The decimal number whose digits start at b[from] and end at a `"`, or -1 when not plain digits. */
export function numberAt(b: Uint8Array, from: number, to: number): number {
  let n = 0;
  let j = from;
  for (; j < to && j - from < 9; j++) {
    const c = b[j];
    if (c < 48 || c > 57) break;
    n = n * 10 + c - 48;
  }
  return j > from && b[j] === 34 ? n : -1;
}
