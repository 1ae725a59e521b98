/**
 * A1 addresses as Office.js hands them out and takes them in: sheet-qualified lists of areas
 * ("'2024 考核'!A1:K1,B2:B3"), and the other way round, many cells packed into few address
 * strings under the getRange/getRanges length limit. Single addresses are the engine's (address.ts).
 */
import { colLetter, colNumber, parseRange, rangeA1 } from "../engine/address";

export interface Box {
  r1: number;
  c1: number;
  r2: number;
  c2: number;
}

export { colLetter, colNumber };

export function boxA1(b: Box): string {
  return rangeA1(b.r1, b.c1, b.r2, b.c2);
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
  const r = parseRange(stripSheet(address));
  return r && { r1: r.r1, c1: r.c1, r2: r.r2, c2: r.c2 };
}

export function parseBoxes(address: string): Box[] {
  return splitAreas(address)
    .map(parseBox)
    .filter((b): b is Box => b !== null);
}

export function within(inner: Box, outer: Box): boolean {
  return inner.r1 >= outer.r1 && inner.r2 <= outer.r2 && inner.c1 >= outer.c1 && inner.c2 <= outer.c2;
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

/**
 * Column runs written compactly for the ledger: per column "C:" and each run as the distance of
 * its first row from the previous run's first row and its extra length, in base 36, with repeats
 * folded ("a,7*1j8j" = rows 10, 17, 24, … 71,428 times). Problems fall in regular patterns (every
 * row of one column, every seventh row), so a sheet of half a million rows still fits in a few
 * hundred characters; scattered cells cost about four characters each.
 */
export function encodeRuns(runs: Box[]): string {
  const byCol = new Map<number, Box[]>();
  for (const r of runs)
    for (let c = r.c1; c <= r.c2; c++) {
      const list = byCol.get(c) ?? [];
      list.push({ r1: r.r1, c1: c, r2: r.r2, c2: c });
      byCol.set(c, list);
    }
  const cols: string[] = [];
  for (const c of [...byCol.keys()].sort((a, b) => a - b)) {
    const list = byCol.get(c)!.sort((a, b) => a.r1 - b.r1);
    const tokens: string[] = [];
    let prev = 0;
    for (const r of list) {
      tokens.push((r.r1 - prev).toString(36) + (r.r2 > r.r1 ? `+${(r.r2 - r.r1).toString(36)}` : ""));
      prev = r.r1;
    }
    const folded: string[] = [];
    for (let i = 0; i < tokens.length; ) {
      let j = i + 1;
      while (j < tokens.length && tokens[j] === tokens[i]) j++;
      folded.push(j - i > 1 ? `${tokens[i]}*${(j - i).toString(36)}` : tokens[i]);
      i = j;
    }
    cols.push(`${colLetter(c)}:${folded.join(",")}`);
  }
  return cols.join(";");
}

/** The runs `encodeRuns` wrote; anything malformed is skipped rather than guessed. */
export function decodeRuns(s: string): Box[] {
  const out: Box[] = [];
  for (const part of s.split(";")) {
    const m = /^([A-Z]{1,3}):(.*)$/.exec(part);
    if (!m) continue;
    const col = colNumber(m[1]);
    let row = 0;
    for (const token of m[2].split(",")) {
      const t = /^([0-9a-z]+)(?:\+([0-9a-z]+))?(?:\*([0-9a-z]+))?$/.exec(token);
      if (!t) continue;
      const step = parseInt(t[1], 36);
      const extra = t[2] ? parseInt(t[2], 36) : 0;
      const times = t[3] ? parseInt(t[3], 36) : 1;
      for (let k = 0; k < times; k++) {
        row += step;
        if (step < 1 || row + extra > 1_048_576) return out;
        out.push({ r1: row, c1: col, r2: row + extra, c2: col });
      }
    }
  }
  return out;
}
