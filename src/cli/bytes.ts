/**
 * Text written straight into a buffer as UTF-8 — markup as bytes made once, numbers as digits,
 * text encoded in place — for the outputs that are long runs of the same few pieces (the
 * report's sheet XML, the --json document): no string built per record and none encoded twice.
 * The buffer is handed on whole (take) and a new one started. Browser-safe.
 */

const encoder = new TextEncoder();

/** Markup (or any text) as UTF-8 bytes, made once. */
export const ascii = (s: string): Uint8Array => encoder.encode(s);

/** Bytes handed on; the array is the receiver's from then on (never written again). */
export type OutBytes = (bytes: Uint8Array) => void;

export class Utf8Bytes {
  buf: Uint8Array;
  /** The buffer seen four bytes at a time (putMarkup). */
  view: DataView;
  pos = 0;

  /** `size`: what a buffer holds before it grows (pieces are handed on at about that size). */
  constructor(private readonly size = (1 << 20) + (1 << 16)) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }

  /** Room for n more bytes. */
  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    b.set(this.buf.subarray(0, this.pos));
    this.buf = b;
    this.view = new DataView(b.buffer);
  }

  bytes(b: Uint8Array): void {
    const n = b.length;
    this.room(n);
    // A few bytes are copied faster one by one than by set, which costs a call into the runtime.
    if (n > 32) {
      this.buf.set(b, this.pos);
      this.pos += n;
      return;
    }
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) buf[p++] = b[i];
    this.pos = p;
  }

  /** Bytes [from, to) of `b` (of this buffer itself, written earlier, too). */
  range(b: Uint8Array, from: number, to: number): void {
    this.room(to - from);
    const buf = this.buf;
    let p = this.pos;
    for (let i = from; i < to; i++) buf[p++] = b[i];
    this.pos = p;
  }

  /** Bytes written earlier in this buffer, [from, to), written again. */
  copy(from: number, to: number): void {
    this.range(this.buf, from, to);
  }

  /** A number as `${v}` writes it (digits by hand for whole numbers, the common case). */
  number(v: number): void {
    if (Number.isInteger(v) && v > -1e15 && v < 1e15) {
      this.room(17);
      let p = this.pos;
      if (v < 0) {
        this.buf[p++] = 45;
        v = -v;
      }
      this.pos = putWhole(this.buf, p, v);
    } else this.utf8(String(v));
  }

  /** Text as it is (markup, or text already escaped), UTF-8 encoded; a surrogate not in a pair as U+FFFD. */
  utf8(s: string): void {
    this.room(s.length * 3);
    this.pos = encodeUtf8(s, this.buf, this.pos, false);
  }

  /** The bytes written, handed on; a new buffer is started. */
  take(): Uint8Array {
    const out = this.buf.subarray(0, this.pos);
    this.buf = new Uint8Array(this.size);
    this.view = new DataView(this.buf.buffer);
    this.pos = 0;
    return out;
  }
}

const POW10 = Int32Array.of(1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000);

/** Digits of a whole number 0 ≤ v < 1e15 written at p (room made by the caller): the new end. */
export function putWhole(buf: Uint8Array, p: number, v: number): number {
  if (v < 10) {
    buf[p] = 48 + v;
    return p + 1;
  }
  // Rows and shared-string items: whole numbers in 32 bits, divided as integers (a multiplication once compiled), not as doubles.
  if (v <= 0x7fffffff) {
    let x = v | 0;
    // The digits from the bit length (1233 / 4096 ≈ log10 2), one more from the power of ten: the
    // same comparisons for every number — a chain of them, each first reached as the rows pass
    // 1,000, 10,000, 100,000, threw the compiled row writers away each time.
    const d = ((32 - Math.clz32(x)) * 1233) >> 12;
    const end = p + d + (x >= POW10[d] ? 1 : 0);
    let at = end;
    while (x >= 10) {
      const q = (x / 10) | 0;
      buf[--at] = 48 + x - q * 10;
      x = q;
    }
    buf[--at] = 48 + x;
    return end;
  }
  let n = 2;
  for (let x = 100; x <= v && n < 16; x *= 10) n++;
  const end = p + n;
  let at = end;
  while (v >= 10) {
    const q = Math.floor(v / 10);
    buf[--at] = 48 + (v - q * 10);
    v = q;
  }
  buf[--at] = 48 + v;
  return end;
}

/** Markup as bytes made once, also as little-endian 32-bit words and the bytes past the last whole one: written four bytes at a time (putMarkup). */
export interface Markup {
  bytes: Uint8Array;
  words: Uint32Array;
  tail: Uint8Array;
}

export function markup(s: string): Markup {
  const bytes = ascii(s);
  const words = new Uint32Array(bytes.length >> 2);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < words.length; i++) words[i] = v.getUint32(i * 4, true);
  return { bytes, words, tail: bytes.subarray(words.length * 4) };
}

/**
 * Markup written at p (room made by the caller), a word at a time through `view` (the buffer's):
 * the new end. On the 100,000-row report's sheets, 2–3 times faster than byte by byte.
 */
export function putMarkup(view: DataView, buf: Uint8Array, p: number, m: Markup): number {
  const w = m.words;
  for (let i = 0; i < w.length; i++, p += 4) view.setUint32(p, w[i], true);
  const t = m.tail;
  for (let i = 0; i < t.length; i++) buf[p++] = t[i];
  return p;
}

/** Bytes written at p (room made by the caller): the new end. */
export function put(buf: Uint8Array, p: number, b: Uint8Array): number {
  for (let i = 0; i < b.length; i++) buf[p++] = b[i];
  return p;
}

/**
 * `s` UTF-8 encoded into buf at p: the new end. With `clean`, -1 instead when the text holds
 * anything xmlText would change (&, <, >, a control, a surrogate not in a pair, U+FFFE/FFFF, an
 * `_x` that may start an escape's look-alike) — the caller then writes xmlText's text instead;
 * without it, a surrogate not in a pair is written as U+FFFD.
 */
export function encodeUtf8(s: string, buf: Uint8Array, p: number, clean: boolean): number {
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      if (clean && (c < 0x20 ? c !== 9 && c !== 10 && c !== 13 : c === 38 || c === 60 || c === 62 || (c === 95 && s.charCodeAt(i + 1) === 120))) return -1;
      buf[p++] = c;
    } else if (c < 0x800) {
      buf[p++] = 0xc0 | (c >> 6);
      buf[p++] = 0x80 | (c & 63);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = s.charCodeAt(i + 1);
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          buf[p++] = 0xf0 | (c >> 18);
          buf[p++] = 0x80 | ((c >> 12) & 63);
          buf[p++] = 0x80 | ((c >> 6) & 63);
          buf[p++] = 0x80 | (c & 63);
          continue;
        }
        if (clean) return -1;
        c = 0xfffd;
      } else if (clean && c >= 0xfffe) return -1;
      buf[p++] = 0xe0 | (c >> 12);
      buf[p++] = 0x80 | ((c >> 6) & 63);
      buf[p++] = 0x80 | (c & 63);
    }
  }
  return p;
}
