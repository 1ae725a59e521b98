/**
 * Node's zlib for the reader's inflating: native, about three times faster than fflate on sheet
 * XML. Parts up to zip.ts's WHOLE_PART_BYTES are inflated whole; larger ones (a 1,000,000-row
 * sheet) in pieces of PIECE_BYTES, so only a piece is ever held. The output is capped at the
 * entry's declared size plus zip.ts's SLACK, and zlib stops there (it does not run the stream to
 * its end); when a part held whole holds more than it declares we take fflate's capped answer for
 * that part — the same slack and the same verdict as in the browser — so both runtimes read the
 * same bytes.
 */
import * as zlib from "zlib";
import { fflateInflate, setInflate, setSameBytes, SLACK, type Inflate, type InflatePieces } from "../zip";
import type { Utf8Slice } from "../xlsx-read";

/**
 * One output buffer of the declared size (and a byte to spot a longer stream): zlib's default 16 KB
 * pieces, joined at the end, cost a third more than inflating itself. The same options inflate a
 * part now (nodeInflate) or ahead of time (inflateAhead), so both give the same bytes or both fail.
 */
const wholeOptions = (size: number): zlib.ZlibOptions => ({ maxOutputLength: Math.max(1, size), chunkSize: Math.max(64, size + 1) });

export const nodeInflate: Inflate = (data, size) => {
  const keep = data.buffer === keptOf;
  const again = keep ? kept.get(aheadKey(data, size)) : undefined;
  if (again) return { data: again, truncated: false };
  const early = takeAhead(data, size);
  if (early) {
    if (keep) kept.set(aheadKey(data, size), early);
    return { data: early, truncated: false };
  }
  try {
    const out = zlib.inflateRawSync(data, wholeOptions(size));
    const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    if (keep) kept.set(aheadKey(data, size), bytes);
    return { data: bytes, truncated: false };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") return fflateInflate(data, size);
    throw e;
  }
};

/**
 * Parts inflated ahead of time in libuv's thread pool (prefetch.ts: while a worker process loads
 * its modules), each by where its compressed data lies in the one file buffer they came from, and
 * taken once. Only a part zlib inflated whole without an error is here; any other is inflated
 * when it is read, as it would have been, and fails or falls back the same way.
 */
const ahead = new Map<string, Uint8Array>();
let aheadOf: ArrayBufferLike | null = null;
const aheadKey = (data: Uint8Array, size: number) => `${data.byteOffset}:${data.length}:${size}`;

function takeAhead(data: Uint8Array, size: number): Uint8Array | null {
  if (data.buffer !== aheadOf) return null;
  const key = aheadKey(data, size);
  const out = ahead.get(key);
  if (!out) return null;
  ahead.delete(key);
  return out;
}

/**
 * Starts inflating `data` (a part's compressed bytes inside the buffer `file`) in the thread pool;
 * resolves, never rejects, once it is done — the part is then taken by the read that asks for it
 * from the same buffer. Parts of another buffer ahead before are dropped.
 */
export function inflateAhead(file: ArrayBufferLike, data: Uint8Array, size: number): Promise<void> {
  if (aheadOf !== file) {
    ahead.clear();
    aheadOf = file;
  }
  return new Promise((resolve) => {
    zlib.inflateRaw(data, wholeOptions(size), (err, out) => {
      if (!err && aheadOf === file) ahead.set(aheadKey(data, size), new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
      resolve();
    });
  });
}

/**
 * Parts of one file kept as they were inflated whole, for a later read of the same part in the
 * same job: the annotated copy edits the sheet the check has just read, and would inflate it a
 * second time. Nothing changes what a read gets (the same zlib call's bytes, which no reader
 * writes into); the kept parts are let go with keepInflated(null).
 */
const kept = new Map<string, Uint8Array>();
let keptOf: ArrayBufferLike | null = null;

/** Keeps the parts of the file in `file` as they are inflated whole (null: lets go of them and keeps none). */
export function keepInflated(file: ArrayBufferLike | null): void {
  kept.clear();
  keptOf = file;
}

/** Lets go of every part inflated ahead and not taken (the file was read, or another was asked for). */
export function dropAhead(): void {
  ahead.clear();
  aheadOf = null;
}

/** The output of one call to zlib when a part is inflated in pieces. */
const PIECE_BYTES = 4 << 20;

/** The parts of a zlib stream object that inflateRawSync itself drives (lib/zlib.js processChunkSync). */
interface ZlibInside {
  _handle: { writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void } | null;
  /** After each write: [output space left, input left]. */
  _writeState: Uint32Array;
}

/**
 * zlib in pieces, synchronously. Node offers streaming zlib only asynchronously, and reading is
 * synchronous, so this drives the stream's native handle the way inflateRawSync does (one
 * writeSync per output piece, Z_FINISH, until a piece is not filled) — with a fresh buffer for
 * each piece, handed over as it comes. An error in the data closes the handle at once (zlib's
 * onerror), which is how it is seen here. Null where a Node version lacks these insides: fflate
 * then streams the part.
 */
export function zlibPieces(pieceBytes = PIECE_BYTES): InflatePieces | null {
  const probe = new zlib.InflateRaw() as unknown as ZlibInside & zlib.InflateRaw;
  // (Not instanceof: a test runner's realm has its own Uint32Array.)
  const usable = typeof probe._handle?.writeSync === "function" && Object.prototype.toString.call(probe._writeState) === "[object Uint32Array]";
  probe.close();
  if (!usable) return null;
  return (data, size, onPiece) => {
    const z = new zlib.InflateRaw() as unknown as ZlibInside & zlib.InflateRaw;
    // The error is seen through the closed handle; the stream's own error event must not go unheard.
    z.on("error", () => undefined);
    const cap = size + SLACK;
    let got = 0;
    let inOff = 0;
    let inLeft = data.length;
    try {
      for (;;) {
        const handle = z._handle;
        if (!handle) throw new Error("inflate failed");
        const out = Buffer.allocUnsafeSlow(pieceBytes);
        handle.writeSync(zlib.constants.Z_FINISH, data, inOff, inLeft, out, 0, pieceBytes);
        if (z._handle !== handle) throw new Error("inflate failed");
        const have = pieceBytes - z._writeState[0];
        inOff += inLeft - z._writeState[1];
        inLeft = z._writeState[1];
        const keep = Math.min(have, cap - got);
        if (keep > 0) {
          got += keep;
          onPiece(new Uint8Array(out.buffer, out.byteOffset, keep));
        }
        // Output past the cap: the part holds more than it declares, and the rest is never inflated.
        if (keep < have) return true;
        // A piece not filled: the stream has ended.
        if (have < pieceBytes) return false;
      }
    } finally {
      z.close();
    }
  };
}

/** Buffer's own UTF-8 decoding of a range (what buffer.toString("utf8", from, to) calls), or null where a Node version lacks it. */
const bufferSlice = (Buffer.prototype as unknown as { utf8Slice?: (this: Uint8Array, from: number, to: number) => string }).utf8Slice;
export const nodeUtf8Slice: Utf8Slice | null = typeof bufferSlice === "function" ? (b, from, to) => bufferSlice.call(b, from, to) : null;

/** Buffer's native compare of two byte ranges (no copy: views of the same memory). */
const bufferOf = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
export const nodeSameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && bufferOf(a).equals(bufferOf(b));

/** zlib for every part: whole up to `whole` bytes (zip.ts WHOLE_PART_BYTES), in pieces above; and Buffer's UTF-8 decoding for the texts read. */
export function useNodeInflate(whole?: number): void {
  setInflate(nodeInflate, whole, zlibPieces());
  setSameBytes(nodeSameBytes);
  // (Required here, not imported: prefetch.ts loads this module first thing, before the reader.)
  (require("../xlsx-read") as typeof import("../xlsx-read")).setUtf8Slice(nodeUtf8Slice);
}
