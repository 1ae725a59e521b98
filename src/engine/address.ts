/** A1 addresses: column letters, cells and ranges. Pure; bad input gives null, never a throw. */

export const MAX_ROWS = 1_048_576;
export const MAX_COLS = 16_384;

export function colLetter(col: number): string {
  let s = "";
  for (let n = Math.floor(col); n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** "AB" → 28; anything that is not 1–3 latin letters within XFD → 0. */
export function colNumber(letters: string): number {
  if (!/^[A-Za-z]{1,3}$/.test(letters)) return 0;
  let n = 0;
  for (let i = 0; i < letters.length; i++) n = n * 26 + ((letters.charCodeAt(i) | 32) - 96);
  return n <= MAX_COLS ? n : 0;
}

export function a1(row: number, col: number): string {
  return `${colLetter(col)}${row}`;
}

const CELL = /^\$?([A-Za-z]{1,3})\$?(\d{1,7})$/;

export function parseA1(s: string): { row: number; col: number } | null {
  const m = CELL.exec(typeof s === "string" ? s.trim() : "");
  if (!m) return null;
  const col = colNumber(m[1]);
  const row = Number(m[2]);
  return col && row >= 1 && row <= MAX_ROWS ? { row, col } : null;
}

/**
 * A cell's row and column packed as row * MAX_COLS + column - 1 ("AB12", "$ab$12"), or -1 when
 * it is not a cell. The plain form is read by character codes (a large sheet has millions);
 * anything else is parseA1's answer.
 */
export function cellKey(s: string): number {
  let col = 0;
  let i = 0;
  for (; i < s.length && i < 3; i++) {
    const c = s.charCodeAt(i);
    if (c < 65 || c > 90) break;
    col = col * 26 + c - 64;
  }
  const letters = i;
  let row = 0;
  for (; i < s.length && i - letters < 7; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    row = row * 10 + c - 48;
  }
  if (letters > 0 && i > letters && i === s.length && col <= MAX_COLS && row >= 1 && row <= MAX_ROWS) return row * MAX_COLS + col - 1;
  const a = parseA1(s);
  return a ? a.row * MAX_COLS + a.col - 1 : -1;
}

export interface RangeRef {
  sheet?: string;
  r1: number;
  c1: number;
  r2: number;
  c2: number;
}

/** "A1:K20", "B3", "'Sheet 1'!A1:B2", "汇总!C4" → a normalised box (r1 <= r2, c1 <= c2). */
export function parseRange(s: string): RangeRef | null {
  if (typeof s !== "string") return null;
  let body = s.trim();
  let sheet: string | undefined;
  const bang = body.lastIndexOf("!");
  if (bang >= 0) {
    let name = body.slice(0, bang);
    if (name.startsWith("'") && name.endsWith("'") && name.length >= 2) name = name.slice(1, -1).replace(/''/g, "'");
    if (!name) return null;
    sheet = name;
    body = body.slice(bang + 1);
  }
  const [from, to, extra] = body.split(":");
  if (extra !== undefined) return null;
  const a = parseA1(from);
  const b = to === undefined ? a : parseA1(to);
  if (!a || !b) return null;
  const box = { r1: Math.min(a.row, b.row), c1: Math.min(a.col, b.col), r2: Math.max(a.row, b.row), c2: Math.max(a.col, b.col) };
  return sheet === undefined ? box : { sheet, ...box };
}

export function rangeA1(r1: number, c1: number, r2: number, c2: number): string {
  const start = a1(r1, c1);
  return r1 === r2 && c1 === c2 ? start : `${start}:${a1(r2, c2)}`;
}

/** Sheet name as it must appear in a formula or address: quoted when it holds anything but letters and digits. */
export function quoteSheet(name: string): string {
  return /^[A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff]*$/.test(name) ? name : `'${name.replace(/'/g, "''")}'`;
}
