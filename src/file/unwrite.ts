/**
 * 清除结果 and re-check for a file: removes from a package exactly what the ledger says we wrote —
 * the result cells in their area and our fill on marked cells (each gets back the fill the ledger
 * recorded for it, in its own format otherwise unchanged) — whichever door wrote
 * them (an annotated copy, or Excel: the ledger is the same, see addin-part.ts). Anything outside
 * the recorded areas is not touched. A separate pass before the copy is made, so the copy is then
 * verified against this cleaned package. Browser-safe.
 */
import type { Ledger, LedgerCreated, LedgerSheet } from "../excel/ledger";
import { decodeRuns, parseBox, type Box } from "../excel/a1";
import { a1, parseA1 } from "../engine/address";
import { STATUS_FILL } from "../engine/verdicts";
import { stylesOf, workbookParts, type Styles } from "./resave";
import { attr, decodeXml, setAttr, tags } from "./xml";
import { sheetGrid, type Workbook } from "./xlsx-read";
import { cellAt, rowCount, rowWidth } from "../engine/grid";
import { editPackage } from "./marker";
import type { PackageEdit } from "./zip-copy";

const dec = new TextDecoder("utf-8");
const enc = new TextEncoder();

const OURS = new Set<string | null | undefined>([STATUS_FILL.error, STATUS_FILL.warning].map((h) => h.toUpperCase()));
const key = (row: number, col: number) => row * 16_384 + col;

function cellsOf(runs: string): number[] {
  const out: number[] = [];
  for (const b of decodeRuns(runs)) for (let r = b.r1; r <= b.r2; r++) for (let c = b.c1; c <= b.c2; c++) out.push(key(r, c));
  return out;
}

function inBox(b: Box, row: number, col: number): boolean {
  return row >= b.r1 && row <= b.r2 && col >= b.c1 && col <= b.c2;
}

/**
 * One sheet without its entry: the result area's cells removed, and each marked cell that still
 * shows our colour given the fill the ledger says it had (none when it lists none) — its format
 * otherwise as it is now. A cell an official has since coloured otherwise keeps that colour.
 */
function unwriteSheet(xml: string, e: LedgerSheet, styles: () => Styles, keep: Set<string>): { xml: string; cells: number } {
  const area = e.area ? parseBox(e.area) : null;
  const marked = new Set([...cellsOf(e.marks.error), ...cellsOf(e.marks.warning)]);
  const own = new Map<number, string>();
  for (const [colour, runs] of Object.entries(e.fills)) for (const k of cellsOf(runs)) own.set(k, colour.toUpperCase());
  let cells = 0;
  const out = xml.replace(/<((?:\w+:)?)c(\s[^>]*?)?(\/>|>[\s\S]*?<\/\1c>)/g, (whole, _p: string, attrs: string | undefined) => {
    const ref = attrs ? attr(` ${attrs} `, "r") : null;
    const at = ref ? parseA1(ref) : null;
    if (!at) return whole;
    if (area && inBox(area, at.row, at.col) && !keep.has(a1(at.row, at.col))) {
      cells++;
      return "";
    }
    if (!marked.has(key(at.row, at.col))) return whole;
    const s = Number(attr(` ${attrs} `, "s") ?? 0);
    if (!OURS.has(styles().fillOf(s))) return whole;
    const back = styles().withFill(s, own.get(key(at.row, at.col)) ?? null);
    const tagEnd = whole.indexOf(">");
    const tag = whole.slice(0, tagEnd + 1);
    return setAttr(tag, "s", String(back)) + whole.slice(tagEnd + 1);
  });
  return { xml: out, cells };
}

/**
 * The package without the results the ledger entries record. Entries name their sheet by id or
 * name; for a file, the id is the name. A sheet no longer there is passed over. `typed`: per sheet
 * name, cells of a result area an official has typed over (A1) — theirs, left in place.
 */
export function unwritePackage(pkg: PackageEdit, entries: LedgerSheet[], typed: Record<string, string[]> = {}): number {
  if (!entries.length) return 0;
  const parts = workbookParts(pkg);
  let styles: Styles | null = null;
  const getStyles = () => (styles ??= stylesOf(pkg, parts));
  let cells = 0;
  for (const e of entries) {
    const ref = parts.sheets.find((s) => s.name === e.id) ?? parts.sheets.find((s) => s.name === e.name);
    if (!ref) continue;
    const r = unwriteSheet(dec.decode(pkg.get(ref.key)!), e, getStyles, new Set(typed[ref.name] ?? []));
    pkg.set(ref.key, enc.encode(r.xml));
    cells += r.cells;
  }
  const st = styles as Styles | null;
  if (st?.changed) pkg.set(parts.styles, enc.encode(st.toXml()));
  return cells;
}

// ------------------------------------------------------------------ sheets we created

/** The sheet of this workbook a created entry names: by id (for the file door the id is the name), else by the name it had. */
export function createdSheet(names: string[], c: LedgerCreated): string | null {
  return names.includes(c.id) ? c.id : names.includes(c.name) ? c.name : null;
}

/** The name of the sheet whose results a created sheet holds (Excel names it by id: its ledger entry says which). */
export function sourceOf(ledger: Ledger, c: LedgerCreated): string | null {
  if (c.source === null) return null;
  return ledger.sheets.find((e) => e.id === c.source)?.name ?? c.source;
}

/**
 * Which of these created sheets may go: the sheet is there and holds nothing outside what we
 * wrote on it — as in Excel (excel/write.ts removeCreated), once an official has typed more into
 * one it is theirs and stays. Recognised by the ledger entry and its contents, never by name alone.
 */
export function removableSheets(workbook: Workbook, created: LedgerCreated[]): string[] {
  const names = workbook.sheets.map((s) => s.name);
  const out: string[] = [];
  for (const c of created) {
    const name = createdSheet(names, c);
    const area = parseBox(c.area);
    if (!name || !area || out.includes(name)) continue;
    const g = sheetGrid(workbook.sheets.find((s) => s.name === name)!);
    if (!g.ok) continue;
    const grid = g.grid;
    let outside = false;
    for (let i = 0, n = rowCount(grid); i < n && !outside; i++)
      for (let j = 0, w = rowWidth(grid, i); j < w && !outside; j++) {
        const v = cellAt(grid, i, j);
        outside = v !== null && v !== undefined && !(typeof v === "string" && v.trim() === "") && !inBox(area, grid.origin.row + i, grid.origin.col + j);
      }
    if (!outside) out.push(name);
  }
  return out;
}

/**
 * Takes sheet `name` out of the package: its <sheet> in workbook.xml, its relationship, content
 * type and part; sheet-scoped defined names and the workbook view's tab indexes renumbered. A sheet
 * with parts of its own (drawings, comments, printer settings) or names scoped to it is something
 * more than what we wrote: it is left, and false returned.
 */
function removeSheet(pkg: PackageEdit, name: string): boolean {
  const parts = workbookParts(pkg);
  const wb = parts.wb;
  const list = [...tags(wb, "sheet")].filter((t) => /^<(?:[\w.-]+:)?sheet[\s/>]/.test(t.tag));
  const idx = list.findIndex((t) => decodeXml(attr(t.tag, "name") ?? "") === name);
  if (idx < 0 || !list[idx].selfClosing || parts.sheets[idx]?.name !== name) return false;
  const key = parts.sheets[idx].key;
  const ownRels = key.replace(/[^/]*$/, (f) => `_rels/${f}.rels`);
  if (pkg.has(ownRels) && /<(?:[\w.-]+:)?Relationship[\s/>]/.test(dec.decode(pkg.get(ownRels)!))) return false;
  if (parts.sheets.filter((s) => s.key === key).length > 1) return false;
  const scoped = [...tags(wb, "definedName")].map((t) => Number(attr(t.tag, "localSheetId") ?? -1));
  if (scoped.includes(idx)) return false;
  const rid = attr(list[idx].tag, "r:id") ?? /\s[\w.-]+:id\s*=\s*["']([^"']*)["']/.exec(list[idx].tag)?.[1] ?? "";
  // Tab indexes after the removed sheet move up by one.
  const renumber = (tag: string, attrName: string) => {
    const v = attr(tag, attrName);
    if (v === null || !/^\d+$/.test(v)) return tag;
    const n = Number(v);
    return n > idx ? setAttr(tag, attrName, String(n - 1)) : n === idx ? setAttr(tag, attrName, "0") : tag;
  };
  let out = wb.slice(0, list[idx].start) + wb.slice(list[idx].end);
  out = out.replace(/<(?:[\w.-]+:)?definedName\s[^>]*>/g, (t) => renumber(t, "localSheetId"));
  out = out.replace(/<(?:[\w.-]+:)?workbookView[\s/][^>]*>/g, (t) => renumber(renumber(t, "activeTab"), "firstSheet"));
  pkg.set(parts.wbKey, enc.encode(out));
  if (pkg.has(parts.relsKey)) {
    const rels = dec.decode(pkg.get(parts.relsKey)!);
    pkg.set(parts.relsKey, enc.encode(rels.replace(/<(?:[\w.-]+:)?Relationship\s[^>]*\/>/g, (t) => (attr(t, "Id") === rid ? "" : t))));
  }
  const ct = dec.decode(pkg.get("[Content_Types].xml") ?? new Uint8Array());
  pkg.set("[Content_Types].xml", enc.encode(ct.replace(/<(?:[\w.-]+:)?Override\s[^>]*\/>/g, (t) => (decodeXml(attr(t, "PartName") ?? "").replace(/^\//, "").toLowerCase() === key.toLowerCase() ? "" : t))));
  pkg.remove(key);
  if (pkg.has(ownRels)) pkg.remove(ownRels);
  return true;
}

/**
 * Bytes in, bytes out: the workbook without what these ledger entries record, and without the
 * sheets named in `sheets` (created sheets found removable by removableSheets).
 */
export function unwrite(bytes: Uint8Array, entries: LedgerSheet[], sheets: string[] = [], typed: Record<string, string[]> = {}): Uint8Array {
  if (!entries.length && !sheets.length) return bytes;
  const pkg = editPackage(bytes);
  unwritePackage(pkg, entries, typed);
  for (const name of sheets) removeSheet(pkg, name);
  return pkg.toZip();
}
