/**
 * Node's zlib for the reader's inflating: native, faster than fflate on sheet XML. The output is
 * capped at the entry's declared size; when a part inflates to more than it declares (some
 * writers declare a few bytes short), zlib stops and we take fflate's answer for that part — the
 * data cut at the declared size — so both runtimes read the same bytes.
 */
import * as zlib from "zlib";
import { fflateInflate, setInflate } from "../zip";

export function useNodeInflate(): void {
  setInflate((data, size) => {
    try {
      const out = zlib.inflateRawSync(data, { maxOutputLength: size });
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") return fflateInflate(data, size);
      throw e;
    }
  });
}
