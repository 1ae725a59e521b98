/**
 * Node's zlib for compressing the parts an annotated copy edits: native, several times faster
 * than fflate on sheet XML; CRC-32 from zlib too. The browser keeps fflate (zip-copy.ts).
 */
import * as zlib from "zlib";
import { setDeflater } from "../zip-copy";

export function useNodeDeflate(): void {
  setDeflater({
    deflate: (data) => {
      const out = zlib.deflateRawSync(data, { level: 6 });
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    },
    crc32: (data) => zlib.crc32(data) >>> 0,
  });
}
