/**
 * A1 addresses as Office.js hands them out and takes them in: sheet-qualified lists of areas
 * ("'2024 考核'!A1:K1,B2:B3"), and the other way round, many cells packed into few address
 * strings under the getRange/getRanges length limit.
 */

export interface Box {
  r1: number;
  c1: number;
  r2: number;
  c2: number;
}

export function colLetter(col: number): string {
  let s = "";
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

export function colNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

export function boxA1(b: Box): string {
  const a = `${colLetter(b.c1)}${b.r1}`;
  return b.r1 === b.r2 && b.c1 === b.c2 ? a : `${a}:${colLetter(b.c2)}${b.r2}`;
}

/** Splits an address list on commas outside quoted sheet names, and drops each area's sheet part. */
export function splitAreas(address: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < address.length; i++) {
    const ch = address[i];
    if (ch === "'") {
      if (quoted && address[i + 1] === "'") {
        cur += "''";
        i++;
        continue;
      }
      quoted = !quoted;
      cur += ch;
    } else if ((ch === "," || ch === ";") && !quoted) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out.map(stripSheet).filter((a) => a !== "");
}

function stripSheet(area: string): string {
  const t = area.trim();
  const bang = t.lastIndexOf("!");
  return (bang >= 0 ? t.slice(bang + 1) : t).replace(/\$/g, "").toUpperCase();
}

/** "B3", "B3:D5" (sheet part and $ allowed) → a box; null for anything else (names, whole columns). */
export function parseBox(address: string): Box | null {
  const m = /^([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?$/.exec(stripSheet(address));
  if (!m) return null;
  const a = { r: Number(m[2]), c: colNumber(m[1]) };
  const b = m[3] ? { r: Number(m[4]), c: colNumber(m[3]) } : a;
  return { r1: Math.min(a.r, b.r), c1: Math.min(a.c, b.c), r2: Math.max(a.r, b.r), c2: Math.max(a.c, b.c) };
}

export function parseBoxes(address: string): Box[] {
  return splitAreas(address)
    .map(parseBox)
    .filter((b): b is Box => b !== null);
}

export function within(inner: Box, outer: Box): boolean {
  return inner.r1 >= outer.r1 && inner.r2 <= outer.r2 && inner.c1 >= outer.c1 && inner.c2 <= outer.c2;
}

export function intersects(a: Box, b: Box): boolean {
  return a.r1 <= b.r2 && b.r1 <= a.r2 && a.c1 <= b.c2 && b.c1 <= a.c2;
}

export function cellCount(b: Box): number {
  return (b.r2 - b.r1 + 1) * (b.c2 - b.c1 + 1);
}

/**
 * Cells packed into vertical runs per column ("E4:E9"): problems cluster in columns (one bad
 * column, every row), so this keeps both the ledger and the getRanges strings short.
 */
export function packCells(cells: { row: number; col: number }[]): Box[] {
  const sorted = [...cells].sort((a, b) => a.col - b.col || a.row - b.row);
  const runs: Box[] = [];
  for (const c of sorted) {
    const last = runs[runs.length - 1];
    if (last && last.c1 === c.col && c.row <= last.r2 + 1) last.r2 = Math.max(last.r2, c.row);
    else runs.push({ r1: c.row, c1: c.col, r2: c.row, c2: c.col });
  }
  return runs;
}

/** Address strings joined with "," and each at most `maxChars` long (getRange/getRanges accept 8,192). */
export function batchAddresses(addresses: string[], maxChars: number): string[] {
  const out: string[] = [];
  let cur = "";
  for (const a of addresses) {
    if (cur && cur.length + 1 + a.length > maxChars) {
      out.push(cur);
      cur = "";
    }
    cur = cur ? `${cur},${a}` : a;
  }
  if (cur) out.push(cur);
  return out;
}
