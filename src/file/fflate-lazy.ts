/**
 * fflate, loaded the first time it is used. The command line's worker processes inflate and
 * deflate with Node's zlib (node/inflate.ts, node/deflate.ts) and want fflate only for a rare
 * fallback, while loading it costs a worker about 12 ms of CPU before it can read its file; the
 * page's bundle holds fflate either way. Browser-safe.
 */
import type * as Fflate from "fflate";

let lib: typeof Fflate | null = null;

export function fflate(): typeof Fflate {
  return (lib ??= require("fflate") as typeof Fflate);
}
