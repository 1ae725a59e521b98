/**
 * The browser's own inflater for the page's worker: DecompressionStream("deflate-raw") is native
 * zlib, several times faster than fflate on sheet XML (the reader's whole-part inflater in Node
 * is zlib too: node/inflate.ts). It answers asynchronously and the reader is synchronous, so the
 * parts a read inflates the most of — sheets and shared strings each up to zip.ts's whole-part
 * size — are inflated ahead, and the read takes them as it comes to them (inflatedAhead, then
 * zip.ts withInflate). The same cap as fflate's: a part that inflates past its declared size plus
 * SLACK is cut there and reported as longer; one the browser cannot inflate (damaged, or bytes
 * after its end) is left to fflate, whose verdict then stands — so the bytes read and every
 * refusal are those of fflate alone. Where the browser has no such stream, nothing changes.
 */
import { fflateInflate, listZip, MAX_RATIO, SLACK, WHOLE_PART_BYTES, type Inflate, type ZipEntry } from "./zip";

/** What is inflated ahead at most, in all: beyond it, the read inflates as before. */
const AHEAD_BYTES = 256 << 20;

/** Parts worth inflating ahead: the sheets and the shared strings (every other part is small). */
const BIG_PART = /^\/?xl\/(worksheets\/[^/]+\.xml|sharedStrings\.xml)$/i;

type Inflated = { data: Uint8Array; truncated: boolean };
type Ahead = Inflated & { size: number };

function nativeRaw(): (() => DecompressionStream) | null {
  try {
    if (typeof DecompressionStream !== "function") return null;
    new DecompressionStream("deflate-raw");
    return () => new DecompressionStream("deflate-raw");
  } catch {
    // An older browser: "deflate-raw" came after "deflate" and "gzip".
    return null;
  }
}

/** A part's raw deflate data inflated natively up to `size` + SLACK; null when the browser cannot (fflate then decides). */
async function inflateNative(make: () => DecompressionStream, data: Uint8Array, size: number): Promise<Inflated | null> {
  const cap = size + SLACK;
  let out = new Uint8Array(Math.max(1, size));
  let got = 0;
  let over = false;
  try {
    const stream = make();
    const writer = stream.writable.getWriter();
    const reader = stream.readable.getReader();
    const written = writer.write(data as Uint8Array<ArrayBuffer>).then(() => writer.close());
    written.catch(() => undefined);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const keep = Math.min(value.length, cap - got);
      if (got + keep > out.length) {
        const grown = new Uint8Array(Math.min(cap, Math.max(got + keep, out.length * 2)));
        grown.set(out.subarray(0, got));
        out = grown;
      }
      out.set(value.subarray(0, keep), got);
      got += keep;
      if (keep < value.length) {
        // Past the cap: the part holds more than it declares, and the rest is never inflated.
        over = true;
        await reader.cancel().catch(() => undefined);
        break;
      }
    }
    if (!over) await written;
  } catch {
    return null;
  }
  const all = out.subarray(0, got);
  return { data: over ? all.subarray(0, size) : all, truncated: over };
}

/** Where an entry's compressed data starts, if its local header is where it says (else the read itself refuses it). */
function dataStart(bytes: Uint8Array, e: ZipEntry): number | null {
  const h = e.offset;
  if (h + 30 > bytes.length || bytes[h] !== 0x50 || bytes[h + 1] !== 0x4b || bytes[h + 2] !== 3 || bytes[h + 3] !== 4) return null;
  const start = h + 30 + (bytes[h + 26] | (bytes[h + 27] << 8)) + (bytes[h + 28] | (bytes[h + 29] << 8));
  return start + e.compressedSize <= bytes.length ? start : null;
}

/**
 * The package's big parts inflated ahead, as an inflater for zip.ts withInflate: each of those
 * parts answered from what was inflated (once: then let go), any other by fflate. Null when the
 * browser has no native inflater or there is nothing to inflate ahead.
 */
export async function inflatedAhead(bytes: Uint8Array): Promise<Inflate | null> {
  const make = nativeRaw();
  if (!make) return null;
  let entries: ZipEntry[];
  try {
    entries = listZip(bytes);
  } catch {
    // Not a zip the reader can list: it says why itself.
    return null;
  }
  const done = new Map<number, Ahead>();
  let left = AHEAD_BYTES;
  for (const e of entries) {
    // Only what the read would inflate whole, within what its own checks allow (zip.ts entryData).
    if (e.method !== 8 || e.flags & 1 || !BIG_PART.test(e.name) || e.size > WHOLE_PART_BYTES || e.size > left || e.size > e.compressedSize * MAX_RATIO + SLACK) continue;
    const start = dataStart(bytes, e);
    if (start === null) continue;
    const data = bytes.subarray(start, start + e.compressedSize);
    const got = await inflateNative(make, data, e.size);
    if (!got) continue;
    left -= e.size;
    done.set(data.byteOffset, { ...got, size: e.size });
  }
  if (!done.size) return null;
  return (data, size) => {
    const got = done.get(data.byteOffset);
    if (!got || got.size !== size || data.buffer !== bytes.buffer) return fflateInflate(data, size);
    done.delete(data.byteOffset);
    return { data: got.data, truncated: got.truncated };
  };
}
