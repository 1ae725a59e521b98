/**
 * A new zip made from an existing one with a few parts replaced or added: every other entry is
 * copied raw — its stored name bytes (whatever their encoding, with or without the UTF-8 flag),
 * compressed data, CRC and dates exactly as they were — and only the replaced and added parts are
 * compressed anew. Linear in the package's size, and nothing we did not edit can change or go
 * missing (a part named `__proto__` included: entries live in a Map, never in an object's keys).
 * Browser-safe: fflate by default; Node's workers install zlib (node/deflate.ts).
 */
import { fflate } from "./fflate-lazy";
import { centralDirectory, concat, normalizeName } from "./zip";

export class ZipCopyError extends Error {}

export interface RawEntry {
  /** Name decoded for looking parts up (UTF-8, as our reader decodes it). */
  name: string;
  /** The name exactly as stored. */
  nameBytes: Uint8Array;
  versionMadeBy: number;
  versionNeeded: number;
  flags: number;
  method: number;
  time: number;
  date: number;
  crc: number;
  compressedSize: number;
  size: number;
  internalAttr: number;
  externalAttr: number;
  /** Extra fields other than zip64's (which is rewritten when needed). */
  extra: Uint8Array;
  comment: Uint8Array;
  /** Where the entry's local header and its compressed data start in the original. */
  offset: number;
  dataStart: number;
}

const u16 = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
const u32 = (b: Uint8Array, i: number) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16)) + b[i + 3] * 0x1000000;
const u64 = (b: Uint8Array, i: number) => u32(b, i) + u32(b, i + 4) * 0x100000000;
const utf8 = new TextDecoder("utf-8");

/** Drops the zip64 field (id 1) from an extra block; other fields (timestamps, unicode paths) are kept as they are. */
function withoutZip64(extra: Uint8Array): Uint8Array {
  const keep: Uint8Array[] = [];
  for (let e = 0; e + 4 <= extra.length; ) {
    const len = u16(extra, e + 2);
    if (u16(extra, e) !== 1) keep.push(extra.subarray(e, Math.min(extra.length, e + 4 + len)));
    e += 4 + len;
  }
  return concat(keep);
}

/** Every entry of the central directory with what a raw copy needs. Throws ZipCopyError. */
export function rawEntries(bytes: Uint8Array): RawEntry[] {
  const len = bytes.length;
  let count: number, dir: number;
  try {
    ({ count, dir } = centralDirectory(bytes));
  } catch (e) {
    throw new ZipCopyError(e instanceof Error ? e.message : String(e));
  }
  const out: RawEntry[] = [];
  let p = dir;
  for (let n = 0; n < count; n++) {
    if (p + 46 > len || u32(bytes, p) !== 0x02014b50) throw new ZipCopyError("压缩包目录不完整");
    const nameLen = u16(bytes, p + 28);
    const extraLen = u16(bytes, p + 30);
    const commentLen = u16(bytes, p + 32);
    const nameEnd = p + 46 + nameLen;
    if (nameEnd + extraLen + commentLen > len) throw new ZipCopyError("压缩包目录不完整");
    let compressedSize = u32(bytes, p + 20);
    let size = u32(bytes, p + 24);
    let offset = u32(bytes, p + 42);
    const extra = bytes.subarray(nameEnd, nameEnd + extraLen);
    if (size === 0xffffffff || compressedSize === 0xffffffff || offset === 0xffffffff) {
      for (let e = 0; e + 4 <= extra.length; e += 4 + u16(extra, e + 2)) {
        if (u16(extra, e) !== 1) continue;
        let f = e + 4;
        if (size === 0xffffffff) (size = u64(extra, f)), (f += 8);
        if (compressedSize === 0xffffffff) (compressedSize = u64(extra, f)), (f += 8);
        if (offset === 0xffffffff) offset = u64(extra, f);
        break;
      }
    }
    if (offset + 30 > len || u32(bytes, offset) !== 0x04034b50) throw new ZipCopyError("压缩包中的部件位置无效");
    const dataStart = offset + 30 + u16(bytes, offset + 26) + u16(bytes, offset + 28);
    if (dataStart + compressedSize > len) throw new ZipCopyError("压缩包中的部件不完整");
    const nameBytes = bytes.subarray(p + 46, nameEnd);
    out.push({
      name: utf8.decode(nameBytes),
      nameBytes,
      versionMadeBy: u16(bytes, p + 4),
      versionNeeded: u16(bytes, p + 6),
      flags: u16(bytes, p + 8),
      method: u16(bytes, p + 10),
      time: u16(bytes, p + 12),
      date: u16(bytes, p + 14),
      crc: u32(bytes, p + 16),
      compressedSize,
      size,
      internalAttr: u16(bytes, p + 36),
      externalAttr: u32(bytes, p + 38),
      extra: withoutZip64(extra),
      comment: bytes.subarray(nameEnd + extraLen, nameEnd + extraLen + commentLen),
      offset,
      dataStart,
    });
    p = nameEnd + extraLen + commentLen;
  }
  return out;
}

// ------------------------------------------------------------------ codec

/** A deflate stream fed in pieces: each piece is consumed before push returns (the caller may reuse it). */
export interface DeflateStream {
  push(data: Uint8Array): void;
  /** The whole compressed stream, in pieces. */
  end(): Uint8Array[];
}

export interface Deflater {
  deflate(data: Uint8Array): Uint8Array;
  /** CRC-32 of `data`, continuing from `crc` (the CRC of what came before; 0 at the start). */
  crc32(data: Uint8Array, crc?: number): number;
  stream(): DeflateStream;
  /**
   * A stream whose pieces are compressed elsewhere (Node's thread pool) while the caller goes on
   * writing: the pieces pushed must not change afterwards; `end` resolves with the compressed
   * stream once every piece is done. Absent where there is no elsewhere (the browser).
   */
  streamAside?(): AsideStream;
}

/** A part's pieces compressed elsewhere; `end` resolves with the compressed stream. */
export interface AsideStream {
  push(data: Uint8Array, owned?: boolean): void;
  end(): Promise<Uint8Array[]>;
}

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

export function crc32(data: Uint8Array, crc = 0): number {
  let c = crc ^ -1;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

let codec: Deflater = {
  deflate: (d) => fflate().deflateSync(d, { level: 6 }),
  crc32,
  stream: () => {
    const out: Uint8Array[] = [];
    const d = new (fflate().Deflate)({ level: 6 }, (chunk) => out.push(chunk));
    return {
      push: (data) => d.push(data),
      end: () => {
        d.push(new Uint8Array(0), true);
        return out;
      },
    };
  },
};

/** CRC-32 of `data` continuing from `crc`, by this thread's codec (zlib's in Node's workers). */
export function partCrc32(data: Uint8Array, crc = 0): number {
  return codec.crc32(data, crc);
}

/** Replaces the compressor for this thread (Node's zlib is several times faster than fflate). */
export function setDeflater(d: Deflater): void {
  codec = d;
}

/**
 * A part compressed as it was written: its compressed pieces, the CRC and size of what they hold.
 * Pieces that are not an array (read from a file as they are written out) come with their total
 * `compressedSize`, and are gone through once.
 */
export type DeflatedPart = {
  crc: number;
  size: number;
  /** Still being compressed elsewhere: `chunks` is filled in when this settles (PackageEdit.settled). */
  pending?: Promise<void>;
} & ({ chunks: Uint8Array[]; compressedSize?: number } | { chunks: Iterable<Uint8Array>; compressedSize: number });

/**
 * A part written in pieces and compressed as they come, so that it is never held whole
 * uncompressed. `aside`: compressed in the thread pool where the codec can (the pieces pushed
 * must then not change), overlapping the writing; the part is pending until that is done.
 */
export class PartWriter {
  private readonly aside: AsideStream | undefined;
  private readonly z: DeflateStream | null;
  private crc = 0;
  private size = 0;
  /** `stream`: where the pieces go instead of the codec's own stream aside (resave.ts: a thread that also reads them back). */
  constructor(aside = false, stream?: AsideStream) {
    this.aside = aside ? stream ?? codec.streamAside?.() : undefined;
    this.z = this.aside ? null : codec.stream();
  }
  /** `owned`: nobody else holds `data`'s buffer, so it may be handed to another thread as it is. */
  push(data: Uint8Array, owned = false): void {
    if (!data.length) return;
    this.crc = codec.crc32(data, this.crc);
    this.size += data.length;
    if (this.aside) this.aside.push(data, owned);
    else this.z!.push(data);
  }
  done(): DeflatedPart {
    if (!this.aside) return { chunks: this.z!.end(), crc: this.crc, size: this.size };
    const part: DeflatedPart = { chunks: [] as Uint8Array[], crc: this.crc, size: this.size };
    part.pending = this.aside.end().then((chunks) => {
      part.chunks = chunks;
      delete part.pending;
    });
    // A copy refused before it is zipped never waits for its parts: their failure is not an unheard rejection.
    part.pending.catch(() => undefined);
    return part;
  }
}

// ------------------------------------------------------------------ writing

/** DOS date and time of now, for added parts. */
function dosNow(): { time: number; date: number } {
  const d = new Date();
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
    date: ((Math.max(1980, d.getFullYear()) - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/** Where a zip is written, in order: `length` is the bytes written so far (an entry's offset). */
export interface ZipSink {
  readonly length: number;
  push(b: Uint8Array): void;
}

class Out implements ZipSink {
  private chunks: Uint8Array[] = [];
  length = 0;
  push(b: Uint8Array): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  done(): Uint8Array {
    return concat(this.chunks);
  }
}

function header(out: ZipSink, size: number, fill: (v: DataView) => void): void {
  const b = new Uint8Array(size);
  fill(new DataView(b.buffer));
  out.push(b);
}

/** A part in the new zip: copied raw from the original, or new bytes. */
export type Part =
  | { raw: RawEntry }
  | { name: string; nameBytes?: Uint8Array; data: Uint8Array; like?: RawEntry; store?: boolean; when?: DosTime }
  | { name: string; nameBytes?: Uint8Array; deflated: DeflatedPart; like?: RawEntry; when?: DosTime };

/** A part's DOS time and date, as a zip entry holds them. */
export interface DosTime {
  time: number;
  date: number;
}

const enc = new TextEncoder();

/** The zip holding `parts` in order. Zip64 records are written only when sizes or offsets need them. */
export function writeZip(original: Uint8Array, parts: Part[]): Uint8Array {
  const out = new Out();
  writeZipTo(out, original, parts);
  return out.done();
}

/**
 * The zip holding `parts` in order, written to `out` as it is made (a part's compressed pieces may
 * come from a file: they are pushed one by one, never held together). Zip64 records are written
 * only when sizes, offsets or the number of entries need them.
 */
export function writeZipTo(out: ZipSink, original: Uint8Array, parts: Part[]): void {
  const central: { e: Omit<RawEntry, "dataStart" | "offset">; offset: number }[] = [];
  for (const part of parts) {
    let e: Omit<RawEntry, "dataStart" | "offset">;
    let data: Iterable<Uint8Array>;
    let compressedSize: number | undefined;
    if ("raw" in part) {
      e = part.raw;
      data = [original.subarray(part.raw.dataStart, part.raw.dataStart + part.raw.compressedSize)];
    } else {
      const like = part.like;
      const nameBytes = part.nameBytes ?? enc.encode(part.name);
      let crc: number, size: number, method: number;
      if ("deflated" in part) {
        ({ crc, size, compressedSize } = part.deflated);
        data = part.deflated.chunks;
        method = 8;
      } else {
        const store = part.store ?? like?.method === 0;
        data = [store ? part.data : codec.deflate(part.data)];
        crc = codec.crc32(part.data);
        size = part.data.length;
        method = store ? 0 : 8;
      }
      const when = like ?? part.when ?? dosNow();
      const ascii = nameBytes.every((b) => b < 0x80);
      e = {
        name: part.name,
        nameBytes,
        versionMadeBy: like?.versionMadeBy ?? 20,
        versionNeeded: 20,
        // Kept: the UTF-8 flag as the name was stored (its bytes are kept too); dropped: a data descriptor (sizes are known now).
        flags: like ? like.flags & 0x0800 : ascii ? 0 : 0x0800,
        method,
        time: when.time,
        date: when.date,
        crc,
        compressedSize: compressedSize ?? sizeOf(data as Uint8Array[]),
        size,
        internalAttr: like?.internalAttr ?? 0,
        externalAttr: like?.externalAttr ?? 0,
        extra: like?.extra ?? new Uint8Array(0),
        comment: like?.comment ?? new Uint8Array(0),
      };
    }
    const offset = out.length;
    const big = e.size >= 0xffffffff || e.compressedSize >= 0xffffffff;
    const z64 = big ? zip64Extra([e.size, e.compressedSize]) : new Uint8Array(0);
    // The data descriptor flag (bit 3) is cleared: sizes and CRC are in the header itself.
    header(out, 30, (v) => {
      v.setUint32(0, 0x04034b50, true);
      v.setUint16(4, big ? 45 : Math.max(20, e.versionNeeded & 0xff), true);
      v.setUint16(6, e.flags & ~0x0008, true);
      v.setUint16(8, e.method, true);
      v.setUint16(10, e.time, true);
      v.setUint16(12, e.date, true);
      v.setUint32(14, e.crc, true);
      v.setUint32(18, big ? 0xffffffff : e.compressedSize, true);
      v.setUint32(22, big ? 0xffffffff : e.size, true);
      v.setUint16(26, e.nameBytes.length, true);
      v.setUint16(28, z64.length + e.extra.length, true);
    });
    out.push(e.nameBytes);
    out.push(z64);
    out.push(e.extra);
    for (const d of data) out.push(d);
    central.push({ e, offset });
  }
  const dirStart = out.length;
  for (const { e, offset } of central) {
    const values: number[] = [];
    if (e.size >= 0xffffffff) values.push(e.size);
    if (e.compressedSize >= 0xffffffff) values.push(e.compressedSize);
    if (offset >= 0xffffffff) values.push(offset);
    const z64 = values.length ? zip64Extra(values) : new Uint8Array(0);
    header(out, 46, (v) => {
      v.setUint32(0, 0x02014b50, true);
      v.setUint16(4, e.versionMadeBy, true);
      v.setUint16(6, z64.length ? 45 : Math.max(20, e.versionNeeded & 0xff), true);
      v.setUint16(8, e.flags & ~0x0008, true);
      v.setUint16(10, e.method, true);
      v.setUint16(12, e.time, true);
      v.setUint16(14, e.date, true);
      v.setUint32(16, e.crc, true);
      v.setUint32(20, e.compressedSize >= 0xffffffff ? 0xffffffff : e.compressedSize, true);
      v.setUint32(24, e.size >= 0xffffffff ? 0xffffffff : e.size, true);
      v.setUint16(28, e.nameBytes.length, true);
      v.setUint16(30, z64.length + e.extra.length, true);
      v.setUint16(32, e.comment.length, true);
      v.setUint16(34, 0, true);
      v.setUint16(36, e.internalAttr, true);
      v.setUint32(38, e.externalAttr, true);
      v.setUint32(42, offset >= 0xffffffff ? 0xffffffff : offset, true);
    });
    out.push(e.nameBytes);
    out.push(z64);
    out.push(e.extra);
    out.push(e.comment);
  }
  const dirSize = out.length - dirStart;
  const n = central.length;
  if (n >= 0xffff || dirStart >= 0xffffffff || dirSize >= 0xffffffff) {
    const z = out.length;
    header(out, 56, (v) => {
      v.setUint32(0, 0x06064b50, true);
      v.setBigUint64(4, 44n, true);
      v.setUint16(12, 45, true);
      v.setUint16(14, 45, true);
      v.setBigUint64(24, BigInt(n), true);
      v.setBigUint64(32, BigInt(n), true);
      v.setBigUint64(40, BigInt(dirSize), true);
      v.setBigUint64(48, BigInt(dirStart), true);
    });
    header(out, 20, (v) => {
      v.setUint32(0, 0x07064b50, true);
      v.setBigUint64(8, BigInt(z), true);
      v.setUint32(16, 1, true);
    });
  }
  header(out, 22, (v) => {
    v.setUint32(0, 0x06054b50, true);
    v.setUint16(8, Math.min(n, 0xffff), true);
    v.setUint16(10, Math.min(n, 0xffff), true);
    v.setUint32(12, Math.min(dirSize, 0xffffffff), true);
    v.setUint32(16, Math.min(dirStart, 0xffffffff), true);
  });
}

function sizeOf(chunks: Uint8Array[]): number {
  let n = 0;
  for (const c of chunks) n += c.length;
  return n;
}

function zip64Extra(values: number[]): Uint8Array {
  const b = new Uint8Array(4 + 8 * values.length);
  const v = new DataView(b.buffer);
  v.setUint16(0, 1, true);
  v.setUint16(2, 8 * values.length, true);
  values.forEach((x, i) => v.setBigUint64(4 + 8 * i, BigInt(x), true));
  return b;
}

// ------------------------------------------------------------------ a package being edited

/**
 * The parts of a package by name (found as Excel finds them: case-insensitive, either slash),
 * with edits kept aside until `toZip`. A name two entries share cannot be edited with certainty.
 */
export class PackageEdit {
  readonly entries: RawEntry[];
  private readonly byKey = new Map<string, RawEntry[]>();
  private readonly changed = new Map<RawEntry, Uint8Array>();
  private readonly deflated = new Map<RawEntry, DeflatedPart>();
  private readonly added: { name: string; data: Uint8Array }[] = [];
  private readonly removed = new Set<RawEntry>();

  constructor(
    readonly original: Uint8Array,
    private readonly inflate: (e: RawEntry) => Uint8Array,
    /** The package's entries, when its central directory was read already (rawEntries). */
    entries?: RawEntry[],
  ) {
    this.entries = entries ?? rawEntries(original);
    for (const e of this.entries) {
      const k = normalizeName(e.name);
      const list = this.byKey.get(k);
      if (list) list.push(e);
      else this.byKey.set(k, [e]);
    }
  }

  /** The entry stored under this name, or null; throws when two entries claim it. */
  entry(name: string): RawEntry | null {
    const list = this.byKey.get(normalizeName(name));
    if (!list) return null;
    if (list.length > 1) throw new ZipCopyError(`压缩包中有两个同名部件“${list[0].name}”`);
    return list[0] ?? null;
  }

  has(name: string): boolean {
    return this.byKey.has(normalizeName(name));
  }

  /** A part's current bytes (edited or original), or null. */
  get(name: string): Uint8Array | null {
    const e = this.entry(name);
    if (e && this.deflated.has(e)) throw new ZipCopyError(`部件“${e.name}”已写出，不能再读取`);
    if (e) return this.changed.get(e) ?? this.inflate(e);
    return this.added.find((a) => normalizeName(a.name) === normalizeName(name))?.data ?? null;
  }

  set(name: string, data: Uint8Array): void {
    const e = this.entry(name);
    if (e) {
      this.deflated.delete(e);
      this.changed.set(e, data);
      return;
    }
    const a = this.added.find((x) => normalizeName(x.name) === normalizeName(name));
    if (a) a.data = data;
    else {
      this.added.push({ name, data });
      this.byKey.set(normalizeName(name), []);
    }
  }

  /** Replaces an original part with one compressed as it was written (PartWriter). */
  setDeflated(name: string, part: DeflatedPart): void {
    const e = this.entry(name) ?? (() => {
      throw new ZipCopyError(`缺少部件 ${name}`);
    })();
    this.changed.delete(e);
    this.deflated.set(e, part);
  }

  /** Once every part compressed elsewhere is done (rejected when one failed). */
  async settled(): Promise<void> {
    for (const part of this.deflated.values()) if (part.pending) await part.pending;
  }

  /** Takes a part out of the package (an added one, or an original one left out of the zip). */
  remove(name: string): void {
    const e = this.entry(name);
    if (e) this.removed.add(e);
    const i = this.added.findIndex((a) => normalizeName(a.name) === normalizeName(name));
    if (i >= 0) this.added.splice(i, 1);
    this.byKey.delete(normalizeName(name));
  }

  /** Names of the original parts whose bytes were replaced, and of the parts added. */
  edits(): { changed: string[]; added: string[] } {
    return { changed: [...this.changed.keys(), ...this.deflated.keys()].map((e) => e.name), added: this.added.map((a) => a.name) };
  }

  toZip(): Uint8Array {
    const parts: Part[] = this.entries.filter((e) => !this.removed.has(e)).map((e) => {
      const deflated = this.deflated.get(e);
      if (deflated?.pending) throw new ZipCopyError(`部件“${e.name}”尚未压缩完成`);
      if (deflated) return { name: e.name, nameBytes: e.nameBytes, deflated, like: e };
      const data = this.changed.get(e);
      return data ? { name: e.name, nameBytes: e.nameBytes, data, like: e } : { raw: e };
    });
    for (const a of this.added) parts.push({ name: a.name, data: a.data });
    return writeZip(this.original, parts);
  }
}
