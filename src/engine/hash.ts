/**
 * Math.imul taken once: in a loop over every character, a global looked up each time is as slow as
 * the host makes it — where globals are intercepted (a vm sandbox, such as jest's) about 100× slower.
 */
const { imul } = Math;

/**
 * FNV-1a over a string's UTF-16 units, as an unsigned 32-bit number: what a cell held as we wrote
 * it (fingerprint.ts) and which pack a check used (record.ts's pack version) — the same text gives
 * the same hash in every door.
 */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = imul(h, 0x01000193) >>> 0;
  }
  return h;
}
