/**
 * 清除结果 and re-check for a file: removes from a package exactly what the ledger says we wrote —
 * the result cells in their area and our fill on marked cells (each cell gets back the style it
 * had: the existing cell format that differs from ours only in its fill) — whichever door wrote
 * them (an annotated copy, or Excel: the ledger is the same, see addin-part.ts). Anything outside
 * the recorded areas is not touched. A separate pass before the copy is made, so the copy is then
 * verified against this cleaned package. Browser-safe.
 */
import type { LedgerSheet } from "../excel/ledger";
import { decodeRuns, parseBox, type Box } from "../excel/a1";
import { parseA1 } from "../engine/address";
import { STATUS_FILL } from "../engine/verdicts";
import { workbookParts } from "./resave";
import { attr } from "./xml";
import { editPackage } from "./marker";
import type { PackageEdit } from "./zip-copy";

const dec = new TextDecoder("utf-8");
const enc = new TextEncoder();

const OUR_FILLS = new Set([STATUS_FILL.error, STATUS_FILL.warning].map((h) => `FF${h.slice(1)}`.toUpperCase()));

function inBox(b: Box, row: number, col: number): boolean {
  return row >= b.r1 && row <= b.r2 && col >= b.c1 && col <= b.c2;
}

/** styles.xml's cell formats and which fills are ours, to give a marked cell its unmarked format back. */
class Unfill {
  private readonly xfs: string[];
  private readonly ourFill = new Set<number>();
  private readonly memo = new Map<number, number>();
  constructor(xml: string) {
    const fills = /<(?:\w+:)?fills[\s>][\s\S]*?<\/(?:\w+:)?fills>/.exec(xml)?.[0] ?? "";
    [...fills.matchAll(/<(?:\w+:)?fill[\s>][\s\S]*?<\/(?:\w+:)?fill>|<(?:\w+:)?fill\/>/g)].forEach((m, i) => {
      const rgb = /rgb="([0-9A-Fa-f]{8})"/.exec(m[0])?.[1]?.toUpperCase();
      if (rgb && OUR_FILLS.has(rgb)) this.ourFill.add(i);
    });
    const block = /<(?:\w+:)?cellXfs[\s>][\s\S]*?<\/(?:\w+:)?cellXfs>/.exec(xml)?.[0] ?? "";
    this.xfs = [...block.matchAll(/<(?:\w+:)?xf[\s/>](?:[^>]*\/>|[\s\S]*?<\/(?:\w+:)?xf>)/g)].map((m) => m[0]);
  }
  /** The format index a cell of format `s` had before we coloured it (itself when it is not one of ours). */
  original(s: number): number {
    const hit = this.memo.get(s);
    if (hit !== undefined) return hit;
    const xf = this.xfs[s];
    let out = s;
    if (xf && this.ourFill.has(Number(attr(xf.slice(0, xf.indexOf(">") + 1), "fillId")))) {
      const bare = (x: string) => x.replace(/\s(fillId|applyFill)="[^"]*"/g, "");
      const want = bare(xf);
      const j = this.xfs.findIndex((x, k) => k !== s && bare(x) === want && !this.ourFill.has(Number(attr(x.slice(0, x.indexOf(">") + 1), "fillId") ?? 0)));
      out = j >= 0 ? j : 0;
    }
    this.memo.set(s, out);
    return out;
  }
}

function unwriteSheet(xml: string, e: LedgerSheet, unfill: () => Unfill): { xml: string; cells: number } {
  const area = e.area ? parseBox(e.area) : null;
  const marks = [...decodeRuns(e.marks.error), ...decodeRuns(e.marks.warning)];
  let cells = 0;
  const out = xml.replace(/<((?:\w+:)?)c(\s[^>]*?)?(\/>|>[\s\S]*?<\/\1c>)/g, (whole, _p: string, attrs: string | undefined) => {
    const ref = attrs ? attr(` ${attrs} `, "r") : null;
    const at = ref ? parseA1(ref) : null;
    if (!at) return whole;
    if (area && inBox(area, at.row, at.col)) {
      cells++;
      return "";
    }
    if (!marks.some((b) => inBox(b, at.row, at.col))) return whole;
    const s = Number(attr(` ${attrs} `, "s") ?? 0);
    const back = unfill().original(s);
    if (back === s) return whole;
    const tagEnd = whole.indexOf(">");
    const tag = whole.slice(0, tagEnd + 1);
    const fixed = back === 0 ? tag.replace(/\ss="\d+"/, "") : tag.replace(/\ss="\d+"/, ` s="${back}"`);
    return fixed + whole.slice(tagEnd + 1);
  });
  return { xml: out, cells };
}

/**
 * The package without the results the ledger entries record. Entries name their sheet by id or
 * name; for a file, the id is the name. A sheet no longer there is passed over.
 */
export function unwritePackage(pkg: PackageEdit, entries: LedgerSheet[]): number {
  if (!entries.length) return 0;
  const parts = workbookParts(pkg);
  let unfill: Unfill | null = null;
  const getUnfill = () => (unfill ??= new Unfill(pkg.has(parts.styles) ? dec.decode(pkg.get(parts.styles)!) : ""));
  let cells = 0;
  for (const e of entries) {
    const ref = parts.sheets.find((s) => s.name === e.id) ?? parts.sheets.find((s) => s.name === e.name);
    if (!ref) continue;
    const r = unwriteSheet(dec.decode(pkg.get(ref.key)!), e, getUnfill);
    pkg.set(ref.key, enc.encode(r.xml));
    cells += r.cells;
  }
  return cells;
}

/** Bytes in, bytes out: the workbook without what these ledger entries record. */
export function unwrite(bytes: Uint8Array, entries: LedgerSheet[]): Uint8Array {
  if (!entries.length) return bytes;
  const pkg = editPackage(bytes);
  unwritePackage(pkg, entries);
  return pkg.toZip();
}
