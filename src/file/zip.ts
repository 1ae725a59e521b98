/**
 * The zip container of an .xlsx, read from its central directory. We walk the directory
 * ourselves (instead of letting fflate's unzipSync do it) so that nothing a file declares is
 * trusted before it is checked: the entry count must fit in the file, offsets must point inside
 * it, and each part is inflated on demand into a buffer of exactly its declared size — a part
 * that inflates to more is cut there, so a zip bomb costs at most what it declares, and what it
 * declares is checked against our limits before anything is inflated. Zip64 sizes and offsets
 * are read. Browser-safe: no node built-ins.
 */
import { inflateSync } from "fflate";

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
  constructor(readonly kind: "damaged" | "encrypted", message: string) {
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

/** Every entry of the central directory. Throws ZipError when the directory is missing or implausible. */
export function listZip(bytes: Uint8Array): ZipEntry[] {
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

/** Raw deflate data → at most `size` bytes (the entry's declared size). */
export type Inflate = (data: Uint8Array, size: number) => Uint8Array;

/**
 * fflate never grows a buffer it is given: data beyond the declared size is cut off (some writers
 * declare a part a few bytes short; Excel opens those, and so do we). Works in every runtime.
 */
export const fflateInflate: Inflate = (data, size) => inflateSync(data, { out: new Uint8Array(size) });
let inflate: Inflate = fflateInflate;

/**
 * Replaces the inflater for this thread. Node's workers install zlib (about three times faster
 * than fflate on sheet XML; see node/inflate.ts); the browser keeps fflate.
 */
export function setInflate(fn: Inflate): void {
  inflate = fn;
}

/** One entry's bytes, at most its declared size. Throws ZipError when the entry cannot be read. */
export function readEntry(bytes: Uint8Array, e: ZipEntry): Uint8Array {
  if (e.flags & 1) throw new ZipError("encrypted", `压缩包中的“${e.name}”设置了密码`);
  const h = e.offset;
  if (h + 30 > bytes.length || u32(bytes, h) !== 0x04034b50) throw new ZipError("damaged", `压缩包中的“${e.name}”位置无效`);
  const start = h + 30 + u16(bytes, h + 26) + u16(bytes, h + 28);
  const end = start + e.compressedSize;
  if (end > bytes.length) throw new ZipError("damaged", `压缩包中的“${e.name}”不完整`);
  const data = bytes.subarray(start, end);
  if (e.method === 0) return data;
  if (e.method !== 8) throw new ZipError("damaged", `压缩包中的“${e.name}”使用了不支持的压缩方式（${e.method}）`);
  try {
    return e.size === 0 ? new Uint8Array(0) : inflate(data, e.size);
  } catch {
    throw new ZipError("damaged", `压缩包中的“${e.name}”无法解压`);
  }
}
