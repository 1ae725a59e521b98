/**
 * Node's zlib for the reader's inflating: native, faster than fflate on sheet XML. Node has no
 * synchronous streaming zlib, so it takes parts whole — those up to zip.ts's WHOLE_PART_BYTES;
 * bigger sheets are streamed by fflate and never held whole. The output is
 * capped at the entry's declared size, and zlib stops there (it does not run the stream to its
 * end); when a part holds more than it declares we take fflate's capped answer for that part — the
 * same slack and the same verdict as in the browser — so both runtimes read the same bytes.
 */
import * as zlib from "zlib";
import { fflateInflate, setInflate, type Inflate } from "../zip";

export const nodeInflate: Inflate = (data, size) => {
  try {
    const out = zlib.inflateRawSync(data, { maxOutputLength: Math.max(1, size) });
    return { data: new Uint8Array(out.buffer, out.byteOffset, out.byteLength), truncated: false };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") return fflateInflate(data, size);
    throw e;
  }
};

/** zlib for every part up to `whole` bytes (zip.ts WHOLE_PART_BYTES); larger sheets are streamed through fflate. */
export function useNodeInflate(whole?: number): void {
  setInflate(nodeInflate, whole);
}
