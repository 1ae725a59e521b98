/**
 * FNV-1a over a string's UTF-16 units, as an unsigned 32-bit number: what a cell held as we wrote
 * it (fingerprint.ts) and which pack a check used (record.ts's pack version) — the same text gives
 * the same hash in every door.
 */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
