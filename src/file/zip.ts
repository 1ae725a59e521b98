/**
 * The zip container of an .xlsx, read from its central directory. We walk the directory
 * ourselves (instead of letting fflate's unzipSync do it) so that nothing a file declares is
 * trusted before it is checked: the entry count must fit in the file, offsets must point inside
 * it, and each part is inflated on demand into a buffer of exactly its declared size — a part
 * that inflates to more is cut there, so a zip bomb costs at most what it declares, and what it
 * declares is checked against our limits before anything is inflated. Zip64 sizes and offsets
 * are read. Browser-safe: no node built-ins.
 */
import { fflate } from "./fflate-lazy";

export interface ZipEntry {
  /** Name as stored (may use "\\" or a leading "/" — see normalizeName). */
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  /** Offset of the local file header. */
  offset: number;
}

/** A broken container; `encrypted` when the zip itself (not Excel) holds password-protected entries. */
export class ZipError extends Error {
  constructor(readonly kind: "damaged" | "encrypted" | "too-large", message: string) {
    super(message);
  }
}

const names = new TextDecoder("utf-8");

function u16(b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8);
}
function u32(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16)) + b[i + 3] * 0x1000000;
}
function u64(b: Uint8Array, i: number): number {
  return u32(b, i) + u32(b, i + 4) * 0x100000000;
}

/** Part names compare case-insensitively, with "/" separators and no leading slash (some writers differ). */
export function normalizeName(name: string): string {
  return name.replace(/\\/g, "/").replace(/^\/+/, "").toLowerCase();
}

/** A relationship's target as a part name: relative to the part `base` it is declared for, or absolute from the package root. */
export function resolveTarget(base: string, target: string): string {
  if (target.startsWith("/")) return target.slice(1);
  const parts = base.split("/").slice(0, -1);
  for (const seg of target.split("/")) {
    if (seg === "..") parts.pop();
    else if (seg !== "." && seg !== "") parts.push(seg);
  }
  return parts.join("/");
}

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && (bytes[3] === 4 || bytes[3] === 6);
}

/**
 * Where the central directory is and how many entries it claims (Zip64 followed). Throws ZipError
 * when it is missing or claims more than the file can hold. Shared by reading and by raw copying.
 */
export function centralDirectory(bytes: Uint8Array): { count: number; dir: number } {
  const len = bytes.length;
  let eocd = -1;
  for (let i = len - 22, min = Math.max(0, len - 22 - 65535); i >= min; i--) {
    if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 5 && bytes[i + 3] === 6) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError("damaged", "压缩包目录缺失（文件可能不完整）");
  let count = u16(bytes, eocd + 10);
  let dir = u32(bytes, eocd + 16);
  // Zip64: the locator sits just before the end record and points at the zip64 end record.
  const loc = eocd - 20;
  if (loc >= 0 && u32(bytes, loc) === 0x07064b50) {
    const z = u64(bytes, loc + 8);
    if (z + 56 <= len && u32(bytes, z) === 0x06064b50) {
      count = u64(bytes, z + 32);
      dir = u64(bytes, z + 48);
    }
  }
  // Each directory entry takes at least 46 bytes: a count the file cannot hold is a lie, not a loop to run.
  if (dir > len || count * 46 > len - dir) throw new ZipError("damaged", "压缩包目录不完整");
  return { count, dir };
}

/** Every entry of the central directory. Throws ZipError when the directory is missing or implausible. */
export function listZip(bytes: Uint8Array): ZipEntry[] {
  const len = bytes.length;
  const { count, dir } = centralDirectory(bytes);
  const out: ZipEntry[] = [];
  let p = dir;
  for (let n = 0; n < count; n++) {
    if (p + 46 > len || u32(bytes, p) !== 0x02014b50) throw new ZipError("damaged", "压缩包目录不完整");
    const flags = u16(bytes, p + 8);
    const method = u16(bytes, p + 10);
    let compressedSize = u32(bytes, p + 20);
    let size = u32(bytes, p + 24);
    const nameLen = u16(bytes, p + 28);
    const extraLen = u16(bytes, p + 30);
    const commentLen = u16(bytes, p + 32);
    let offset = u32(bytes, p + 42);
    const nameEnd = p + 46 + nameLen;
    if (nameEnd + extraLen > len) throw new ZipError("damaged", "压缩包目录不完整");
    const name = names.decode(bytes.subarray(p + 46, nameEnd));
    if (size === 0xffffffff || compressedSize === 0xffffffff || offset === 0xffffffff) {
      // The zip64 extra field holds, in this order, only the values that overflowed.
      for (let e = nameEnd; e + 4 <= nameEnd + extraLen; e += 4 + u16(bytes, e + 2)) {
        if (u16(bytes, e) !== 1) continue;
        let f = e + 4;
        if (size === 0xffffffff) (size = u64(bytes, f)), (f += 8);
        if (compressedSize === 0xffffffff) (compressedSize = u64(bytes, f)), (f += 8);
        if (offset === 0xffffffff) offset = u64(bytes, f);
        break;
      }
    }
    out.push({ name, method, flags, compressedSize, size, offset });
    p = nameEnd + extraLen + commentLen;
  }
  return out;
}

/**
 * Deflate cannot expand data more than about 1032 : 1; a part declaring more than its compressed
 * bytes could ever hold is lying about its size, and is refused before anything is inflated.
 */
export const MAX_RATIO = 1032;

/** Raw deflate data → at most `size` bytes, and whether the stream held more than that. */
export type Inflate = (data: Uint8Array, size: number) => { data: Uint8Array; truncated: boolean };

/**
 * Some writers declare a part a few bytes short (Excel opens those, and so do we): a stream that
 * ends within this much past its declared size is taken whole. One that goes on is abandoned there
 * and the part is reported as damaged — never inflated to its end.
 */
export const SLACK = 64 * 1024;

/**
 * fflate's streaming inflater fed a little at a time (doubling from 1 KB to 64 KB of compressed
 * data per push, so a bomb costs at most ~64 MB of work past the cap), abandoned as soon as the
 * output passes `size` + SLACK. `onChunk` receives the output in order, at most `size` + SLACK bytes
 * in all. Returns whether the stream held more than that.
 */
function inflateStream(data: Uint8Array, size: number, onChunk: (chunk: Uint8Array) => void): boolean {
  const cap = size + SLACK;
  let got = 0;
  let over = false;
  const inf = new (fflate().Inflate)((chunk) => {
    if (over) return;
    if (got + chunk.length > cap) {
      onChunk(chunk.subarray(0, cap - got));
      got = cap;
      over = true;
      return;
    }
    got += chunk.length;
    onChunk(chunk);
  });
  let step = 1024;
  for (let i = 0; i < data.length && !over; i += step, step = Math.min(step * 2, 65536)) {
    inf.push(data.subarray(i, i + step), i + step >= data.length);
  }
  return over;
}

/** fflate, capped and abandoned past the cap (see inflateStream). Works in every runtime. */
export const fflateInflate: Inflate = (data, size) => {
  const parts: Uint8Array[] = [];
  let n = 0;
  const over = inflateStream(data, size, (c) => {
    parts.push(c.slice());
    n += c.length;
  });
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) out.set(p, at), (at += p.length);
  return { data: over ? out.subarray(0, size) : out, truncated: over };
};
let inflate: Inflate | null = null;

/**
 * Raw deflate data inflated piece by piece: `onPiece` receives the output in order, in pieces of
 * a few megabytes, at most `size` + SLACK bytes in all; returns whether the stream held more than
 * that (it is abandoned there). A piece is the receiver's to keep: it is never written again.
 */
export type InflatePieces = (data: Uint8Array, size: number, onPiece: (piece: Uint8Array) => void) => boolean;

/**
 * A part the native inflater may take whole, at most: an inflated part costs its whole size in
 * memory, so larger parts (a 1,000,000-row sheet is 380 MB of XML) are inflated in pieces
 * instead, and only a piece is ever held. A 100,000-row sheet (37 MB) still takes the whole path.
 */
export const WHOLE_PART_BYTES = 64 << 20;
let wholeMax = WHOLE_PART_BYTES;
let inflatePieces: InflatePieces | null = null;

/**
 * Replaces the inflaters for this thread. Node's workers install zlib (about three times faster
 * than fflate on sheet XML; see node/inflate.ts): whole for parts up to `whole` bytes, and in
 * pieces (`pieces`) for larger ones; the browser keeps fflate, streaming, for every part.
 */
export function setInflate(fn: Inflate | null, whole = WHOLE_PART_BYTES, pieces: InflatePieces | null = null): void {
  inflate = fn;
  wholeMax = whole;
  inflatePieces = pieces;
}

/** Whether two byte ranges hold the same bytes. */
export type SameBytes = (a: Uint8Array, b: Uint8Array) => boolean;

const sameByLoop: SameBytes = (a, b) => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

let same: SameBytes = sameByLoop;

/** Whether `a` and `b` hold the same bytes (the copy's parts against the original's, and against what was walked as they were written). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return same(a, b);
}

/** Compares bytes with `fn` in this thread (Node's workers: Buffer's native compare, node/inflate.ts); null puts the loop back. */
export function setSameBytes(fn: SameBytes | null): void {
  same = fn ?? sameByLoop;
}

/** Runs `work` with `fn` as the inflater of whole parts, then puts back the inflaters it found. */
export function withInflate<T>(fn: Inflate, work: () => T): T {
  const before = { inflate, wholeMax, inflatePieces };
  inflate = fn;
  try {
    return work();
  } finally {
    ({ inflate, wholeMax, inflatePieces } = before);
  }
}

/**
 * What one read of a package may inflate in all, shared by its parts: a workbook whose parts each
 * stay under their own limit but add up to more (thousands of sheets over one part) is stopped here.
 */
export class InflateBudget {
  constructor(public left: number) {}
  charge(e: ZipEntry, n: number): void {
    this.left -= n;
    if (this.left < 0) throw new ZipError("too-large", `解压“${e.name}”时超过了本文件的解压总量上限`);
  }
}

/** Where an entry's compressed data lies, after checking what it declares against the bytes really there. */
export function entryData(bytes: Uint8Array, e: ZipEntry): Uint8Array {
  if (e.flags & 1) throw new ZipError("encrypted", `压缩包中的“${e.name}”设置了密码`);
  const h = e.offset;
  if (h + 30 > bytes.length || u32(bytes, h) !== 0x04034b50) throw new ZipError("damaged", `压缩包中的“${e.name}”位置无效`);
  const start = h + 30 + u16(bytes, h + 26) + u16(bytes, h + 28);
  const end = start + e.compressedSize;
  if (end > bytes.length) throw new ZipError("damaged", `压缩包中的“${e.name}”不完整`);
  if (e.method === 0 && e.size !== e.compressedSize) throw new ZipError("damaged", `压缩包中的“${e.name}”声明的大小（${e.size} 字节）与实际数据（${e.compressedSize} 字节）不符`);
  if (e.method === 8 && e.size > e.compressedSize * MAX_RATIO + SLACK) {
    throw new ZipError("damaged", `压缩包中的“${e.name}”声明解压后有 ${e.size} 字节，而它的 ${e.compressedSize} 字节压缩数据最多能解出约 ${e.compressedSize * MAX_RATIO} 字节`);
  }
  if (e.method !== 0 && e.method !== 8) throw new ZipError("damaged", `压缩包中的“${e.name}”使用了不支持的压缩方式（${e.method}）`);
  return bytes.subarray(start, end);
}

/** A part larger than it declares: damaged, naming the part (its data past the declared size is never read). */
export function shortPart(e: ZipEntry): ZipError {
  return new ZipError("damaged", `压缩包中的“${e.name}”声明的大小（${e.size} 字节）小于实际内容，部件不完整`);
}

/**
 * One entry's bytes — at most its declared size plus a small slack — and whether the entry held
 * more (then `data` is cut at the declared size). Throws ZipError when the entry cannot be read.
 */
export function readPart(bytes: Uint8Array, e: ZipEntry, budget?: InflateBudget): { data: Uint8Array; truncated: boolean } {
  const data = entryData(bytes, e);
  if (e.method === 0) {
    budget?.charge(e, data.length);
    return { data, truncated: false };
  }
  budget?.charge(e, e.size);
  try {
    return (inflate ?? fflateInflate)(data, e.size);
  } catch {
    throw new ZipError("damaged", `压缩包中的“${e.name}”无法解压`);
  }
}

/** One entry's bytes, at most its declared size (what readPart gives, without saying whether it was cut). */
export function readEntry(bytes: Uint8Array, e: ZipEntry): Uint8Array {
  return readPart(bytes, e).data;
}

/** fflate's stream (inflateStream), its small outputs gathered into pieces of about `chunk` bytes. */
function fflatePieces(data: Uint8Array, size: number, onPiece: (piece: Uint8Array) => void, chunk: number): boolean {
  let pending: Uint8Array[] = [];
  let n = 0;
  const flush = () => {
    if (!n) return;
    const out = pending.length === 1 ? pending[0] : new Uint8Array(n);
    if (pending.length > 1) for (let i = 0, at = 0; i < pending.length; at += pending[i].length, i++) out.set(pending[i], at);
    pending = [];
    n = 0;
    onPiece(out);
  };
  const over = inflateStream(data, size, (c) => {
    pending.push(c.slice());
    n += c.length;
    if (n >= chunk) flush();
  });
  flush();
  return over;
}

/**
 * One entry's bytes handed over in pieces, in order, so a large part is never held whole: it is
 * inflated in pieces (fflate's stream gathered into pieces of about `chunk` bytes, or the native
 * inflater's when one is installed; see setInflate), except that a stored part, or one small
 * enough for the native inflater to take whole, is inflated into one buffer outside the
 * JavaScript heap and handed over as one piece. Returns whether the entry held more than it declares.
 */
export function streamPart(bytes: Uint8Array, e: ZipEntry, onChunk: (piece: Uint8Array) => void, budget?: InflateBudget, chunk = 4 << 20): boolean {
  if (e.method === 0 || (inflate && e.size <= wholeMax)) {
    const { data, truncated } = readPart(bytes, e, budget);
    if (data.length) onChunk(data);
    return truncated;
  }
  const data = entryData(bytes, e);
  budget?.charge(e, e.size);
  let inConsumer = false;
  const consume = (piece: Uint8Array) => {
    inConsumer = true;
    onChunk(piece);
    inConsumer = false;
  };
  try {
    return inflatePieces ? inflatePieces(data, e.size, consume) : fflatePieces(data, e.size, consume, chunk);
  } catch (err) {
    // The consumer's own failures (a budget, a damaged sheet) pass through as they are.
    if (inConsumer || err instanceof ZipError) throw err;
    throw new ZipError("damaged", `压缩包中的“${e.name}”无法解压`);
  }
}

/** The pieces one after another in one new array of their kind (bytes unless `Of` says otherwise). */
export function concat(parts: Uint8Array[]): Uint8Array;
export function concat(parts: Float64Array[], Of: Float64ArrayConstructor): Float64Array;
export function concat(parts: (Uint8Array | Float64Array)[], Of: Uint8ArrayConstructor | Float64ArrayConstructor = Uint8Array): Uint8Array | Float64Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Of(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
