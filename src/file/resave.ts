/**
 * The annotated copy, made by editing the submitted package in place of re-saving it: only the
 * edited sheets' XML, styles.xml, the marker (docProps/custom.xml, see marker.ts) and — when
 * sheets are added — workbook.xml, its relationships and [Content_Types].xml change; every other
 * part (charts, pictures, pivot tables, macros, what we do not even know of) is copied raw from
 * the original zip, its stored name bytes included (zip-copy.ts), so nothing is lost or renamed.
 * We insert inline-string cells (never formulas: text starting with = + - @ stays text) into the
 * right <row>s in column order, creating rows where missing, and colour problem cells with a copy
 * of the cell's own style plus a fill — its number format, font and borders stay. Each sheet is
 * edited in one forward pass over its XML (comments, CDATA and processing instructions passed
 * over as what they are), so time is linear in the sheet's size. A package we cannot edit with
 * certainty is refused (`cannot-resave`), never half-edited; and the copy is read back and
 * compared with the original (copyMismatch) before anyone sees it. Browser-safe.
 */
import { cellAt as gridCell, rowCount, rowWidth } from "../engine/grid";
import { a1, colLetter, MAX_COLS, parseRange, rangeA1 } from "../engine/address";
import type { OutValue, ResultPlan, SheetPlan } from "../engine/host";
import { MARK_FILL } from "../engine/verdicts";
import type { CellValue, Severity } from "../engine/types";
import { customPart, editPackage, markPackage } from "./marker";
import { attr, decodeXml, dropAttr, EMPTY_RELS, escapeAttr, escapeXml, setAttr, tags, withRelationship } from "./xml";
import { fillColour, themeColours } from "./fill-colour";
import { readWorkbook, sheetGrid, type ReadResult, type Workbook } from "./xlsx-read";
import { resolveTarget } from "./zip";
import { isAddinPart } from "./addin-part";
import { PackageEdit, partCrc32, PartWriter, rawEntries, ZipCopyError, type RawEntry } from "./zip-copy";
import { chartParts, sheetRef } from "./chart";
import { ByteTokenizer, cellOfTag, CLOSE, EMPTY, hasBytes, named, numberAt, OPEN, quotedAttr, samePrefix, SheetStreamError, type ByteTok, type TokenConsumer } from "./sheet-stream";
import { sameBytes, streamPart } from "./zip";
import { OriginalDigest, setDigest, setPrecheck, sheetPartDiffers, type CopyWalkResult, type DigestResult } from "./sheet-compare";
import { PackedRows, PlanCells, type Look, type Target } from "./plan-cells";
import { CELLS_PER_FORMAT, inlineList, LISTS_SHEET, tableOf } from "./sheet-layout";

export type ResaveError = { error: { code: "cannot-resave"; message: string } };

class Refusal extends Error {}
const refuse = (why: string): never => {
  throw new Refusal(why);
};

const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { fatal: true });

interface El {
  start: number;
  /** End of the start tag (index after its >). */
  tagEnd: number;
  /** Index after the element's end (its </name> or the self-closing start tag). */
  end: number;
  tag: string;
  selfClosing: boolean;
  /** Start of </name>; equals tagEnd for self-closing elements. */
  closeStart: number;
}

/** Elements `<p:name …>` between from and to (not nested in each other), in order. */
function elements(xml: string, prefix: string, name: string, from: number, to: number): El[] {
  const out: El[] = [];
  const open = `<${prefix}${name}`;
  const close = `</${prefix}${name}>`;
  let p = from;
  for (;;) {
    const i = xml.indexOf(open, p);
    if (i < 0 || i >= to) break;
    const next = xml.charCodeAt(i + open.length);
    // A longer name (<cols for <c, <rowBreaks for <row) is not this element.
    if (!(next === 32 || next === 9 || next === 10 || next === 13 || next === 62 || next === 47)) {
      p = i + open.length;
      continue;
    }
    const gt = xml.indexOf(">", i);
    if (gt < 0) refuse(`<${name}> 不完整`);
    const tag = xml.slice(i, gt + 1);
    if (tag.endsWith("/>")) {
      out.push({ start: i, tagEnd: gt + 1, end: gt + 1, tag, selfClosing: true, closeStart: gt + 1 });
      p = gt + 1;
      continue;
    }
    const c = xml.indexOf(close, gt + 1);
    if (c < 0 || c > to) refuse(`<${name}> 没有结束标记`);
    out.push({ start: i, tagEnd: gt + 1, end: c + close.length, tag, selfClosing: false, closeStart: c });
    p = c + close.length;
  }
  return out;
}

/** The namespace prefix ("" or "x:") the part uses for `name`, found from its first occurrence. */
function prefixOf(xml: string, name: string): string | null {
  const m = new RegExp(`<([A-Za-z_][\\w.-]*:)?${name}[\\s>/]`).exec(xml);
  return m ? m[1] ?? "" : null;
}

// ------------------------------------------------------------------ package

function text(pkg: PackageEdit, key: string): string {
  const d = pkg.get(key) ?? refuse(`缺少部件 ${key}`);
  // Parts in another encoding (UTF-16 from a few writers) would need re-encoding on the way back; we do not edit those.
  try {
    return dec.decode(d);
  } catch {
    return refuse(`${key} 不是 UTF-8 编码`);
  }
}

function relsPathOf(part: string): string {
  return part.replace(/[^/]*$/, (f) => `_rels/${f}.rels`);
}

function relationships(pkg: PackageEdit, key: string, base: string): { id: string; type: string; target: string }[] {
  if (!pkg.has(key)) return [];
  const out: { id: string; type: string; target: string }[] = [];
  for (const r of tags(text(pkg, key), "Relationship")) {
    if (attr(r.tag, "TargetMode") === "External") continue;
    out.push({ id: attr(r.tag, "Id") ?? "", type: attr(r.tag, "Type") ?? "", target: resolveTarget(base, decodeXml(attr(r.tag, "Target") ?? "")) });
  }
  return out;
}

interface SheetRef {
  name: string;
  key: string;
}

/**
 * The workbook part and its sheets, resolved exactly as our reader (xlsx-read.ts) resolves them —
 * the relationship id under whatever prefix and quotes the writer used, the conventional part
 * name only where no relationship gives one — so results go into the part that was checked.
 */
export function workbookParts(pkg: PackageEdit): { wbKey: string; wb: string; sheets: SheetRef[]; relsKey: string; styles: string; theme: string | null } {
  const officeDoc = relationships(pkg, "_rels/.rels", "").find((r) => r.type.endsWith("/officeDocument"));
  const wbKey = officeDoc?.target ?? "xl/workbook.xml";
  if (!pkg.has(wbKey)) refuse("缺少 workbook.xml");
  const wb = text(pkg, wbKey);
  const relsKey = relsPathOf(wbKey);
  const rels = relationships(pkg, relsKey, wbKey);
  const byId = new Map(rels.map((r) => [r.id, r.target]));
  const sheets: SheetRef[] = [];
  for (const s of tags(wb, "sheet")) {
    const name = decodeXml(attr(s.tag, "name") ?? `Sheet${sheets.length + 1}`);
    const rid = attr(s.tag, "r:id") ?? /\s[\w.-]+:id\s*=\s*["']([^"']*)["']/.exec(s.tag)?.[1] ?? "";
    sheets.push({ name, key: byId.get(rid) ?? `xl/worksheets/sheet${sheets.length + 1}.xml` });
  }
  const styles = rels.find((r) => r.type.endsWith("/styles"))?.target ?? "xl/styles.xml";
  const theme = rels.find((r) => r.type.endsWith("/theme"))?.target ?? null;
  return { wbKey, wb, sheets, relsKey, styles, theme };
}

// ------------------------------------------------------------------ styles

/** The workbook's styles, with its theme colours; refused where our scan could miscount (comments, CDATA). */
export function stylesOf(pkg: PackageEdit, parts: ReturnType<typeof workbookParts>): Styles {
  if (!pkg.has(parts.styles)) refuse("工作簿没有样式部件（styles.xml）");
  const xml = text(pkg, parts.styles);
  // Our style scan does not skip comments: a style index counted wrong would colour the wrong look.
  if (xml.includes("<!--") || xml.includes("<![CDATA[")) refuse("styles.xml 中有注释或 CDATA");
  return new Styles(xml, themeColours(parts.theme && pkg.has(parts.theme) ? text(pkg, parts.theme) : null));
}


/** Excel's built-in number formats we may ask for: used by id, never declared. */
const BUILTIN_FORMATS: Record<string, number> = { General: 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10, "@": 49 };

/** styles.xml with the fills, bold font and cell formats we add, appended after the file's own. */
export class Styles {
  private readonly p: string;
  /** The file's own <fill> elements, for the colour each shows. */
  private readonly fills: string[];
  private readonly xfs: string[];
  private readonly added: string[] = [];
  private readonly memo = new Map<string, number>();
  private readonly newFills: string[] = [];
  private readonly newFonts: string[] = [];
  private fillIds = new Map<string, number>();
  private boldFont: number | null = null;
  /** Custom number formats: the file's own and ours, format code → id. */
  private readonly numFmtIds = new Map<string, number>();
  private readonly newNumFmts: string[] = [];
  private nextNumFmt = 164;
  private readonly fillCount: number;
  private readonly fontCount: number;
  private readonly firstFont: string;

  /** `theme`: the workbook's theme colours (fill-colour.ts), to tell what a theme-coloured fill shows. */
  constructor(private readonly xml: string, private readonly theme: string[] = []) {
    this.p = prefixOf(xml, "styleSheet") ?? "";
    const block = (name: string) => {
      const el = elements(xml, this.p, name, 0, xml.length)[0] ?? refuse(`styles.xml 中没有 <${name}>`);
      return el;
    };
    const fills = block("fills");
    this.fills = elements(xml, this.p, "fill", fills.tagEnd, fills.closeStart).map((e) => xml.slice(e.start, e.end));
    this.fillCount = this.fills.length;
    const fonts = block("fonts");
    const fontEls = elements(xml, this.p, "font", fonts.tagEnd, fonts.closeStart);
    this.fontCount = fontEls.length;
    this.firstFont = fontEls[0] ? xml.slice(fontEls[0].start, fontEls[0].end) : `<${this.p}font/>`;
    const xfs = block("cellXfs");
    this.xfs = elements(xml, this.p, "xf", xfs.tagEnd, xfs.closeStart).map((e) => xml.slice(e.start, e.end));
    if (!this.xfs.length) refuse("styles.xml 中没有单元格格式");
    const numFmts = elements(xml, this.p, "numFmts", 0, xml.length)[0];
    if (numFmts)
      for (const e of elements(xml, this.p, "numFmt", numFmts.tagEnd, numFmts.closeStart)) {
        const id = Number(attr(e.tag, "numFmtId"));
        if (!Number.isInteger(id)) continue;
        this.numFmtIds.set(decodeXml(attr(e.tag, "formatCode") ?? ""), id);
        this.nextNumFmt = Math.max(this.nextNumFmt, id + 1);
      }
  }

  /** The id of a number format: Excel's built-in one, the file's own of that code, or one we add. */
  private numFmt(code: string): number {
    const id = BUILTIN_FORMATS[code] ?? this.numFmtIds.get(code);
    if (id !== undefined) return id;
    const p = this.p;
    const n = this.nextNumFmt++;
    this.newNumFmts.push(`<${p}numFmt numFmtId="${n}" formatCode="${escapeAttr(code)}"/>`);
    this.numFmtIds.set(code, n);
    return n;
  }

  private fill(hex: string): number {
    const hit = this.fillIds.get(hex);
    if (hit !== undefined) return hit;
    const argb = `FF${hex.replace("#", "").toUpperCase()}`;
    const p = this.p;
    this.newFills.push(`<${p}fill><${p}patternFill patternType="solid"><${p}fgColor rgb="${argb}"/><${p}bgColor indexed="64"/></${p}patternFill></${p}fill>`);
    const id = this.fillCount + this.newFills.length - 1;
    this.fillIds.set(hex, id);
    return id;
  }

  private bold(): number {
    if (this.boldFont !== null) return this.boldFont;
    const f = this.firstFont;
    const p = this.p;
    const withB = f.endsWith("/>") ? `${f.slice(0, -2)}><${p}b/></${p}font>` : f.replace(/^(<[^>]*>)/, `$1<${p}b/>`);
    this.newFonts.push(withB);
    return (this.boldFont = this.fontCount + this.newFonts.length - 1);
  }

  /** The cellXfs index for a cell whose style was `base`, given our look and number format (on cells of sheets we add). */
  xfFor(base: number, look: Look | null, format?: string): number {
    const b = Number.isInteger(base) && base >= 0 && base < this.xfs.length ? base : 0;
    // A marked cell's asks by number (every marked cell asks); the rest by text.
    const quick = format === undefined ? b * 4 + (look === null ? 0 : look === "header" ? 1 : look === "error" ? 2 : 3) : -1;
    const known = quick >= 0 ? this.quick.get(quick) : undefined;
    if (known !== undefined) return known;
    const memoKey = `${b}:${look}:${format ?? ""}`;
    const hit = this.memo.get(memoKey);
    if (hit !== undefined) {
      if (quick >= 0) this.quick.set(quick, hit);
      return hit;
    }
    const src = this.xfs[b];
    const gt = src.indexOf(">") + 1;
    let tag = src.slice(0, gt);
    const rest = src.slice(gt);
    if (look === "header") {
      tag = setAttr(setAttr(tag, "fontId", String(this.bold())), "applyFont", "1");
    } else if (look) {
      tag = setAttr(setAttr(tag, "fillId", String(this.fill(MARK_FILL[look]))), "applyFill", "1");
    }
    if (format !== undefined) tag = setAttr(setAttr(tag, "numFmtId", String(this.numFmt(format))), "applyNumberFormat", "1");
    this.added.push(tag + rest);
    const id = this.xfs.length + this.added.length - 1;
    this.memo.set(memoKey, id);
    if (quick >= 0) this.quick.set(quick, id);
    return id;
  }

  /** xfFor's answers without a number format, by base × 4 + look. */
  private readonly quick = new Map<number, number>();

  private fillIdOf(xf: string): number {
    return Number(attr(xf.slice(0, xf.indexOf(">") + 1), "fillId") ?? 0) || 0;
  }

  /** The colour of fill `id`: "#RRGGBB", null for none, undefined for a pattern, gradient or unknown colour. */
  private colourOfFill(id: number): string | null | undefined {
    if (id < this.fillCount) return fillColour(this.fills[id], this.theme);
    for (const [hex, n] of this.fillIds) if (n === id) return hex;
    return undefined;
  }

  /**
   * The colour a cell of format `xf` shows (a file's own format, as read): what the ledger keeps
   * for a cell we mark, so any door's 清除结果 gives it back.
   */
  fillOf(xf: number): string | null | undefined {
    const b = Number.isInteger(xf) && xf >= 0 && xf < this.xfs.length ? xf : 0;
    if (this.fillsOf.has(b)) return this.fillsOf.get(b);
    const id = this.fillIdOf(this.xfs[b]);
    const colour = this.colourOfFill(id);
    // Kept when it is one of the file's own fills (a fill we add later cannot change it).
    if (id < this.fillCount) this.fillsOf.set(b, colour);
    return colour;
  }

  /** The colour each format of the file shows, as fillOf found it: a large sheet asks once per marked cell. */
  private readonly fillsOf = new Map<number, string | null | undefined>();

  /**
   * The format of a cell of format `xf` with its fill replaced by `colour` (null: no fill) — how a
   * mark is taken off. An existing format that differs only in its fill and shows that colour is
   * used first (the cell's own, from before the mark, theme colour and all); otherwise one is added.
   */
  withFill(xf: number, colour: string | null): number {
    const b = Number.isInteger(xf) && xf >= 0 && xf < this.xfs.length ? xf : 0;
    const memoKey = `${b}:fill:${colour}`;
    const hit = this.memo.get(memoKey);
    if (hit !== undefined) return hit;
    const bare = (x: string) => dropAttr(dropAttr(x.slice(0, x.indexOf(">") + 1), "fillId"), "applyFill") + x.slice(x.indexOf(">") + 1);
    const want = bare(this.xfs[b]);
    const shows = (x: string) => this.colourOfFill(this.fillIdOf(x)) === colour;
    let out = shows(this.xfs[b]) ? b : this.xfs.findIndex((x) => bare(x) === want && shows(x));
    if (out < 0) {
      const src = this.xfs[b];
      const gt = src.indexOf(">") + 1;
      let tag = src.slice(0, gt);
      if (colour === null) tag = dropAttr(setAttr(tag, "fillId", "0"), "applyFill");
      else {
        const own = this.fills.findIndex((f) => fillColour(f, this.theme) === colour && !/theme=|tint=/.test(f));
        tag = setAttr(setAttr(tag, "fillId", String(own >= 0 ? own : this.fill(colour))), "applyFill", "1");
      }
      this.added.push(tag + src.slice(gt));
      out = this.xfs.length + this.added.length - 1;
    }
    this.memo.set(memoKey, out);
    return out;
  }

  get changed(): boolean {
    return this.added.length > 0;
  }

  toXml(): string {
    let xml = this.xml;
    const append = (name: string, items: string[], count: number) => {
      if (!items.length) return;
      const el = elements(xml, this.p, name, 0, xml.length)[0];
      const tag = setAttr(el.tag, "count", String(count + items.length));
      xml = `${xml.slice(0, el.start)}${tag}${xml.slice(el.tagEnd, el.closeStart)}${items.join("")}${xml.slice(el.closeStart)}`;
    };
    if (this.newNumFmts.length) {
      const p = this.p;
      const block = elements(xml, p, "numFmts", 0, xml.length)[0];
      if (block) {
        const count = elements(xml, p, "numFmt", block.tagEnd, block.closeStart).length;
        const tag = setAttr(block.tag, "count", String(count + this.newNumFmts.length));
        xml = block.selfClosing
          ? `${xml.slice(0, block.start)}${tag.replace(/\/>$/, ">")}${this.newNumFmts.join("")}</${p}numFmts>${xml.slice(block.end)}`
          : `${xml.slice(0, block.start)}${tag}${xml.slice(block.tagEnd, block.closeStart)}${this.newNumFmts.join("")}${xml.slice(block.closeStart)}`;
      } else {
        // <numFmts> is the style sheet's first child.
        const root = elements(xml, p, "styleSheet", 0, xml.length)[0] ?? refuse("styles.xml 中没有 <styleSheet>");
        xml = `${xml.slice(0, root.tagEnd)}<${p}numFmts count="${this.newNumFmts.length}">${this.newNumFmts.join("")}</${p}numFmts>${xml.slice(root.tagEnd)}`;
      }
    }
    append("fonts", this.newFonts, this.fontCount);
    append("fills", this.newFills, this.fillCount);
    append("cellXfs", this.added, this.xfs.length);
    return xml;
  }
}

// ------------------------------------------------------------------ cells


function cellXml(p: string, ref: string, t: Target, style: number | null): string {
  const s = style === null ? "" : ` s="${style}"`;
  const v = t.value;
  if (v === null || v === undefined) return `<${p}c r="${ref}"${s}/>`;
  if (typeof v === "number" && Number.isFinite(v)) return `<${p}c r="${ref}"${s}><${p}v>${v}</${p}v></${p}c>`;
  return `<${p}c r="${ref}"${s} t="inlineStr"><${p}is><${p}t xml:space="preserve">${escapeXml(String(v))}</${p}t></${p}is></${p}c>`;
}


/** Told of each cell the copy colours, with the fill it had ("#RRGGBB" or null): the ledger keeps it. */
export type OnMark = (sheet: string, row: number, col: number, severity: Severity, fill: string | null) => void;

/** A megabyte: what ByteOut gathers before handing it on to be compressed. */
const OUT_CHUNK = 1 << 20;
/** Below this many bytes or characters, a loop costs less than a call into the encoder or a view of the bytes. */
const SHORT = 64;

/**
 * Bytes written a megabyte at a time into `sink` (a PartWriter, which compresses them at once):
 * stretches of the original copied as they are, our cells encoded into the same buffer.
 */
class ByteOut {
  private buf = new Uint8Array(OUT_CHUNK);
  private at = 0;
  /** `owned`: the bytes' buffer is not used again here (the pieces of the original handed through are not). */
  constructor(private readonly sink: (b: Uint8Array, owned: boolean) => void) {}
  bytes(b: Uint8Array): void {
    this.range(b, 0, b.length);
  }
  /** b[from..to): a short stretch copied byte by byte, a longer one at once (no view of it made for a few bytes). */
  range(b: Uint8Array, from: number, to: number): void {
    const n = to - from;
    if (n <= 0) return;
    if (this.at + n > this.buf.length) {
      this.flush();
      if (n > this.buf.length) return this.sink(b.subarray(from, to), false);
    }
    if (n < SHORT) {
      const buf = this.buf;
      let at = this.at;
      for (let i = from; i < to; i++) buf[at++] = b[i];
      this.at = at;
    } else {
      this.buf.set(b.subarray(from, to), this.at);
      this.at += n;
    }
  }
  text(s: string): void {
    if (!s) return;
    // At most three bytes per UTF-16 unit.
    if (this.at + 3 * s.length > this.buf.length) {
      this.flush();
      if (3 * s.length > this.buf.length) return this.sink(enc.encode(s), true);
    }
    const n = s.length;
    if (n < SHORT) {
      // Short text (a tag, a style number) is ASCII as a rule: written by character codes, the
      // encoder called only from the first other character on.
      const buf = this.buf;
      let at = this.at;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[at++] = c;
      }
      this.at = at;
      if (i === n) return;
      s = s.slice(i);
    }
    this.at += enc.encodeInto(s, this.buf.subarray(this.at)).written;
  }
  flush(): void {
    if (!this.at) return;
    // Handed on as it is (it may be compressed elsewhere while we go on): the next bytes go into a new buffer.
    this.sink(this.buf.subarray(0, this.at), true);
    this.buf = new Uint8Array(OUT_CHUNK);
    this.at = 0;
  }
}

const BEFORE = 0;
const DATA = 1;
const ROW = 2;
const CELL = 3;
const SKIP = 4;

/**
 * The sheet with our cells and marks, in one pass over its bytes as they are inflated: stretches
 * of the original are copied as they are until a row we write into; new rows go in row order
 * between the existing ones. Refused when the sheet cannot be edited with certainty: rows or cells
 * without their address, out of order or repeated, prefixes that differ from <sheetData>'s,
 * anything but rows in <sheetData>, or a cell of ours that already holds a value or a formula.
 */
class SheetEditor implements TokenConsumer {
  private readonly rowsWanted: Float64Array;
  private phase = BEFORE;
  private sawData = false;
  private p = "";
  private pBytes = new Uint8Array(0);
  /** Where the bytes not yet written start, in the current piece. */
  private copied = 0;
  /** Inside a cell of ours being replaced: its bytes are not copied. */
  private dropping = false;
  private w = 0;
  private last = 0;
  private rowNo = 0;
  private want: Map<number, Target> | undefined;
  /** The current row's columns of ours, ascending (one array for every row). */
  private readonly cols: number[] = [];
  private k = 0;
  private lastCol = 0;
  /** `own`: whether the cell names a style of its own (kept when it gets our value). */
  private cell: { t: Target; base: number; own: boolean } | null = null;
  private holds = false;
  private depth = 0;
  private skipped = new Uint8Array(0);
  private resume = BEFORE;

  constructor(
    private readonly out: ByteOut,
    private readonly sheetName: string,
    private readonly targets: PlanCells,
    private readonly styles: () => Styles,
    private readonly onMark?: OnMark,
  ) {
    this.rowsWanted = targets.rows;
  }

  private flushTo(b: Uint8Array, upTo: number): void {
    if (!this.dropping && upTo > this.copied) this.out.range(b, this.copied, upTo);
    this.copied = upTo;
  }

  pause(b: Uint8Array, upTo: number): void {
    this.flushTo(b, upTo);
    this.copied = 0;
  }

  /** Our format for a cell of format `base`; null for a mark on a cell whose own fill could not be given back (left unmarked). */
  private lookStyle(rowNo: number, col: number, t: Target, base: number): number | null {
    if (!t.look) return null;
    if (t.look !== "header") {
      const fill = this.styles().fillOf(base);
      if (fill === undefined) return null;
      this.onMark?.(this.sheetName, rowNo, col, t.look, fill);
    }
    return this.styles().xfFor(base, t.look);
  }

  private newCell(rowNo: number, col: number, t: Target, base: number, keep: number | null = null): string {
    return cellXml(this.p, a1(rowNo, col), t, this.lookStyle(rowNo, col, t, base) ?? keep);
  }

  private cellsOf(rowNo: number, want: Map<number, Target>): string {
    let s = "";
    for (const c of [...want.keys()].sort((a, b) => a - b)) s += this.newCell(rowNo, c, want.get(c)!, 0);
    return s;
  }

  /** Rows of ours numbered below `limit` that the sheet does not have. */
  private rowsBefore(limit: number): void {
    const p = this.p;
    while (this.w < this.rowsWanted.length && this.rowsWanted[this.w] < limit) {
      const rowNo = this.rowsWanted[this.w++];
      const want = this.targets.get(rowNo);
      if (want) this.out.text(`<${p}row r="${rowNo}">${this.cellsOf(rowNo, want)}</${p}row>`);
    }
  }

  /** Our cells left in the current row, before `at`. */
  private restOfRow(b: Uint8Array, at: number): void {
    this.flushTo(b, at);
    let rest = "";
    while (this.k < this.cols.length) rest += this.newCell(this.rowNo, this.cols[this.k], this.want!.get(this.cols[this.k++])!, 0);
    this.out.text(rest);
  }

  private startSkip(b: Uint8Array, t: ByteTok, resume: number): void {
    if (t.kind !== OPEN) return;
    this.skipped = b.slice(t.prefixStart, t.nameEnd);
    this.depth = 1;
    this.resume = resume;
    this.phase = SKIP;
  }

  token(b: Uint8Array, t: ByteTok): void {
    switch (this.phase) {
      case BEFORE:
        return this.before(b, t);
      case DATA:
        return this.data(b, t);
      case ROW:
        return this.row(b, t);
      case CELL: {
        if (t.text) this.holds = true;
        if (t.kind === OPEN) this.depth++;
        else if (t.kind === CLOSE) this.depth--;
        // A formula of any kind (a shared formula's child has only `<f t="shared" si="…"/>`) is content.
        if (t.kind !== CLOSE && named(b, t, "f")) this.holds = true;
        if (this.depth === 0) {
          if (!named(b, t, "c") || !samePrefix(b, t, this.pBytes)) refuse(`<${this.p}c> 的结束标记不匹配`);
          this.endCell(t.end);
        }
        return;
      }
      case SKIP: {
        if (t.kind === OPEN) this.depth++;
        else if (t.kind === CLOSE) this.depth--;
        if (this.depth > 0) return;
        const s = this.skipped;
        let same = t.nameEnd - t.prefixStart === s.length;
        for (let i = 0; same && i < s.length; i++) same = b[t.prefixStart + i] === s[i];
        if (!same) refuse(`<${dec.decode(s)}> 的结束标记不匹配`);
        this.phase = this.resume;
        return;
      }
    }
  }

  private before(b: Uint8Array, t: ByteTok): void {
    if (t.kind === CLOSE) return;
    if (named(b, t, "dimension")) {
      const tag = dec.decode(b.subarray(t.start, t.end));
      const box = parseRange(attr(tag, "ref") ?? "");
      const rows = this.rowsWanted;
      if (box && rows.length) {
        const ref = rangeA1(Math.min(box.r1, rows[0]), Math.min(box.c1, this.targets.minCol), Math.max(box.r2, rows[rows.length - 1]), Math.max(box.c2, this.targets.maxCol));
        this.flushTo(b, t.start);
        this.out.text(setAttr(tag, "ref", ref));
        this.copied = t.end;
      }
      return this.startSkip(b, t, BEFORE);
    }
    if (!named(b, t, "sheetData")) return;
    if (this.sawData) refuse(`工作表“${this.sheetName}”有两个 <sheetData>`);
    this.sawData = true;
    this.pBytes = b.slice(t.prefixStart, t.nameStart);
    this.p = dec.decode(this.pBytes);
    if (t.kind === EMPTY) {
      this.flushTo(b, t.start);
      this.out.text(`<${this.p}sheetData>`);
      this.rowsBefore(Infinity);
      this.out.text(`</${this.p}sheetData>`);
      this.copied = t.end;
      return;
    }
    this.phase = DATA;
    this.last = 0;
  }

  private data(b: Uint8Array, t: ByteTok): void {
    const name = this.sheetName;
    if (t.text) refuse(`工作表“${name}”的 <sheetData> 中有文字`);
    if (t.kind === CLOSE) {
      if (!named(b, t, "sheetData")) refuse(`工作表“${name}”的结构无法识别`);
      this.flushTo(b, t.start);
      this.rowsBefore(Infinity);
      this.phase = BEFORE;
      return;
    }
    if (!named(b, t, "row") || !samePrefix(b, t, this.pBytes)) refuse(`工作表“${name}”的 <sheetData> 中有 <${dec.decode(b.subarray(t.prefixStart, t.nameEnd))}>（无法确定行的位置）`);
    const r = quotedAttr(b, t.nameEnd, t.end, "r");
    let rowNo = r >= 0 ? numberAt(b, r, t.end) : -1;
    if (rowNo < 0) rowNo = Number(attr(dec.decode(b.subarray(t.start, t.end)), "r"));
    if (!Number.isInteger(rowNo) || rowNo < 1) refuse(`工作表“${name}”有未写行号的行`);
    if (rowNo <= this.last) refuse(`工作表“${name}”的第 ${rowNo} 行重复或顺序颠倒`);
    this.last = rowNo;
    this.flushTo(b, t.start);
    this.rowsBefore(rowNo);
    const rows = this.rowsWanted;
    const want = this.w < rows.length && rows[this.w] === rowNo ? this.targets.get(rows[this.w++]) : undefined;
    if (!want) return this.startSkip(b, t, DATA);
    this.rowNo = rowNo;
    this.want = want;
    // spans is an optional hint of the row's column range; ours may fall outside it.
    const tag = hasBytes(b, SPANS, t.nameEnd, t.end) ? dropAttr(dec.decode(b.subarray(t.start, t.end)), "spans") : null;
    if (t.kind === EMPTY) {
      const open = tag ?? dec.decode(b.subarray(t.start, t.end));
      this.out.text(`${open.slice(0, -2)}>${this.cellsOf(rowNo, want)}</${this.p}row>`);
      this.copied = t.end;
      return;
    }
    if (tag !== null) {
      this.out.text(tag);
      this.copied = t.end;
    }
    sortedKeys(want, this.cols);
    this.k = 0;
    this.lastCol = 0;
    this.phase = ROW;
  }

  private row(b: Uint8Array, t: ByteTok): void {
    const { sheetName: name, rowNo } = this;
    if (t.text) refuse(`工作表“${name}”第 ${rowNo} 行中有文字`);
    if (t.kind === CLOSE) {
      if (!named(b, t, "row") || !samePrefix(b, t, this.pBytes)) refuse(`工作表“${name}”第 ${rowNo} 行的结束标记不匹配`);
      this.restOfRow(b, t.start);
      this.phase = DATA;
      return;
    }
    if (!named(b, t, "c") || !samePrefix(b, t, this.pBytes)) {
      // Anything after the cells (extLst): ours go before it.
      this.restOfRow(b, t.start);
      return this.startSkip(b, t, ROW);
    }
    const packed = cellOfTag(b, t);
    const row = packed >= 0 ? Math.floor(packed / MAX_COLS) : -1;
    const col = packed >= 0 ? (packed % MAX_COLS) + 1 : 0;
    if (row !== rowNo) refuse(`工作表“${name}”第 ${rowNo} 行有未写地址或地址不符的单元格`);
    if (col <= this.lastCol) refuse(`工作表“${name}”的单元格 ${a1(row, col)} 重复或顺序颠倒`);
    this.lastCol = col;
    const { cols, want } = this;
    // The original's bytes are copied when something of ours is written, not cell by cell.
    if (this.k < cols.length && cols[this.k] < col) {
      this.flushTo(b, t.start);
      let before = "";
      while (this.k < cols.length && cols[this.k] < col) before += this.newCell(rowNo, cols[this.k], want!.get(cols[this.k++])!, 0);
      this.out.text(before);
    }
    this.cell = null;
    if (this.k < cols.length && cols[this.k] === col) {
      this.flushTo(b, t.start);
      const target = want!.get(cols[this.k++])!;
      // The usual tag read as bytes (a marked city sheet has hundreds of thousands); any other decoded and read by attr.
      const plain = plainCellTag(b, t);
      const tag = plain ? "" : dec.decode(b.subarray(t.start, t.end));
      const own = plain ? (plainTag.sFrom >= 0 ? "" : null) : attr(tag, "s");
      const base = plain ? plainTag.s : Number(own ?? 0);
      if (target.value !== undefined) {
        // An empty cell of ours to fill: replaced whole once its end shows it holds nothing.
        this.cell = { t: target, base, own: own !== null };
        this.dropping = true;
      } else if (target.look) {
        // A mark only: the same cell, its own style plus our fill.
        const st = this.lookStyle(rowNo, col, target, base);
        if (st !== null) {
          if (!plain) {
            this.out.text(setAttr(tag, "s", String(st)));
            this.copied = t.end;
          } else if (plainTag.sFrom >= 0) {
            // As setAttr writes it: the value replaced in place, or the attribute added before the
            // tag's end; the rest of the tag is copied with what follows it.
            this.flushTo(b, plainTag.sFrom);
            this.out.text(styleNumber(st));
            this.copied = plainTag.sTo;
          } else {
            this.flushTo(b, plainTag.at);
            this.out.text(styleAttr(st));
            this.copied = plainTag.at;
          }
        }
      }
    }
    this.holds = false;
    if (t.kind === EMPTY) return this.endCell(t.end);
    this.depth = 1;
    this.phase = CELL;
  }

  private endCell(end: number): void {
    this.phase = ROW;
    const c = this.cell;
    if (!c) return;
    this.cell = null;
    if (this.holds) refuse(`${a1(this.rowNo, this.lastCol)} 已有内容，不能写入结果`);
    this.dropping = false;
    this.copied = end;
    // It keeps its own style (borders of a printed form).
    this.out.text(this.newCell(this.rowNo, this.lastCol, c.t, c.base, c.own ? c.base : null));
  }

  /** The end of the part: everything opened must have been closed. */
  finish(): void {
    const name = this.sheetName;
    if (this.phase === DATA) refuse(`工作表“${name}”的 <sheetData> 没有结束标记`);
    if (this.phase === ROW || this.phase === CELL) refuse(`工作表“${name}”第 ${this.rowNo} 行没有结束标记`);
    if (this.phase === SKIP) refuse(`<${dec.decode(this.skipped)}> 没有结束标记`);
    if (!this.sawData) refuse(`工作表“${name}”没有 <sheetData>`);
    this.out.flush();
  }
}

const SPANS = [115, 112, 97, 110, 115]; // spans

/** The columns of a row's cells, ascending, into `into` (a row has a few: sorted by insertion, no array or comparator made per row). */
function sortedKeys(want: Map<number, Target>, into: number[]): void {
  into.length = 0;
  for (const c of want.keys()) {
    let i = into.length;
    while (i > 0 && into[i - 1] > c) {
      into[i] = into[i - 1];
      i--;
    }
    into[i] = c;
  }
}

/** A marked cell's style as text, and as the attribute added to a tag without one: a sheet has a few styles and a million marks. */
const styleNumbers: string[] = [];
const styleAttrs: string[] = [];
const styleNumber = (st: number): string => (st < 4096 ? (styleNumbers[st] ??= String(st)) : String(st));
const styleAttr = (st: number): string => (st < 4096 ? (styleAttrs[st] ??= ` s="${st}"`) : ` s="${st}"`);

/** What plainCellTag found: where the style's digits are (sFrom -1: none) and their value (0 for none), and where an attribute goes (before `>` or `/>`). */
const plainTag = { sFrom: -1, sTo: -1, s: 0, at: 0 };

/** Whether b[i..] is ` name="` (name one ASCII letter). */
const attrOpen = (b: Uint8Array, i: number, name: number) => b[i] === 32 && b[i + 1] === name && b[i + 2] === 61 && b[i + 3] === 34;

/**
 * Whether cell tag `t` is written plainly — ` r="B12"`, then ` s="3"` and ` t="n"` (each at most
 * once, in either order) or neither, then `>` or `/>` — where the style attribute reads the same
 * by attr and setAttr as by plainTag's positions. Anything else (other spacing or quotes, more
 * attributes) is read as text.
 */
function plainCellTag(b: Uint8Array, t: ByteTok): boolean {
  let i = t.nameEnd;
  if (!attrOpen(b, i, 114)) return false;
  i += 4;
  const letters = i;
  while (b[i] >= 65 && b[i] <= 90) i++;
  const digits = i;
  while (b[i] >= 48 && b[i] <= 57) i++;
  if (digits === letters || i === digits || b[i++] !== 34) return false;
  plainTag.sFrom = -1;
  plainTag.s = 0;
  let typed = false;
  for (let k = 0; k < 2; k++) {
    if (plainTag.sFrom < 0 && attrOpen(b, i, 115)) {
      const from = i + 4;
      let n = 0;
      for (i = from; b[i] >= 48 && b[i] <= 57 && i - from < 9; i++) n = n * 10 + b[i] - 48;
      if (i === from || b[i] !== 34) return false;
      plainTag.sFrom = from;
      plainTag.sTo = i++;
      plainTag.s = n;
    } else if (!typed && attrOpen(b, i, 116)) {
      i += 4;
      const from = i;
      while ((b[i] >= 65 && b[i] <= 90) || (b[i] >= 97 && b[i] <= 122)) i++;
      if (i === from || b[i++] !== 34) return false;
      typed = true;
    }
  }
  plainTag.at = i;
  return t.kind === EMPTY ? i === t.end - 2 && b[i] === 47 : t.kind === OPEN && i === t.end - 1;
}

/** The largest sheet part (as the original declares it) compressed in the thread pool: a 100,000-row sheet is 90 MB. */
const ASIDE_MAX_BYTES = 128 << 20;

/**
 * Edits sheet part `key` of the package as it is inflated, into a part compressed as it is
 * written: neither the original's XML nor the copy's is ever held whole.
 */
function editSheet(pkg: PackageEdit, key: string, sheetName: string, targets: PlanCells, styles: () => Styles, onMark: OnMark | undefined, aside: boolean): void {
  const entry = pkg.entry(key) ?? refuse(`缺少部件 ${key}`);
  // The pool's results are taken only once the edit is over (the edit does not yield), so what it
  // is given stays held until then: only a part of bounded size goes aside.
  const away = aside && entry.size <= ASIDE_MAX_BYTES;
  const check = away && sheetCheck ? sheetCheck(entry.name) : null;
  if (!check) return editSheetWith(pkg, entry, key, sheetName, targets, styles, onMark, new PartWriter(away));
  // Each row's cells go to the thread with the first piece that may hold them (the writer takes a row's cells before writing it).
  const rows = new PackedRows();
  targets.onGet = (row, cells) => rows.add(row, cells);
  const part = new PartWriter(true, {
    push: (data, owned) => check.push(data, !!owned, rows.take()),
    end: () =>
      check.end(rows.take()).then((r) => {
        setDigest(targets, pkg.original, entry.offset, r.digest);
        setPrecheck(targets, pkg.original, entry.offset, r.chunks, r.walk);
        return r.chunks;
      }),
  });
  // The original's side is taken there too, from the original's bytes as the editor passes them (with the rows taken by then).
  const passed = (b: Uint8Array, upTo: number) => check.original(b.subarray(0, upTo), rows.take());
  try {
    editSheetWith(pkg, entry, key, sheetName, targets, styles, onMark, part, passed);
  } catch (e) {
    check.abort();
    throw e;
  } finally {
    targets.onGet = null;
  }
}

/**
 * Where an edited sheet's pieces are compressed and the copy's side of its read-back walked as
 * they are written, in another thread (node/copy-check.ts): each piece with the rows' cells
 * taken since the last. Absent in the browser: the copy is compared once it is written.
 */
export interface SheetCheck {
  /** A piece of the copy's sheet as written. */
  push(data: Uint8Array, owned: boolean, rows: Int32Array): void;
  /** The original's bytes the editor has passed (every tag in them handed over), in order: they are the original's side's to walk. */
  original(data: Uint8Array, rows: Int32Array): void;
  /** The compressed pieces, what the walk of the copy's side found, and the original's side. */
  end(rows: Int32Array): Promise<{ chunks: Uint8Array[]; walk: CopyWalkResult; digest: DigestResult }>;
  /** The edit was refused: the thread is let go. */
  abort(): void;
}

let sheetCheck: ((part: string) => SheetCheck) | null = null;

/** Installs the thread that compresses an edited sheet and walks it as written (node/copy-check.ts). */
export function setSheetCheck(make: ((part: string) => SheetCheck) | null): void {
  sheetCheck = make;
}

/** `passed`: told of the original's bytes as the editor passes them, when its side is taken elsewhere (else here, from the same tokens). */
function editSheetWith(
  pkg: PackageEdit,
  entry: RawEntry,
  key: string,
  sheetName: string,
  targets: PlanCells,
  styles: () => Styles,
  onMark: OnMark | undefined,
  part: PartWriter,
  passed?: (b: Uint8Array, upTo: number) => void,
): void {
  const out = new ByteOut((b, owned) => part.push(b, owned));
  const editor = new SheetEditor(out, sheetName, targets, styles, onMark);
  // The read-back's view of the original taken from the same tokens: the original is walked once.
  const digest = passed ? null : new OriginalDigest(targets);
  const tok = new ByteTokenizer(
    digest
      ? {
          token: (b, t) => {
            editor.token(b, t);
            digest.token(b, t);
          },
          pause: (b, upTo) => {
            editor.pause(b, upTo);
            digest.pause(b, upTo);
          },
        }
      : {
          token: (b, t) => editor.token(b, t),
          pause: (b, upTo) => {
            editor.pause(b, upTo);
            passed!(b, upTo);
          },
        },
  );
  let first = true;
  let over: boolean;
  try {
    over = streamPart(pkg.original, entry, (piece) => {
      if (first) {
        first = false;
        if (!isUtf8Xml(piece)) refuse(`${key} 不是 UTF-8 编码`);
      }
      tok.push(piece);
    });
    tok.end();
  } catch (e) {
    if (e instanceof SheetStreamError) refuse(e.message);
    throw e;
  }
  if (over) refuse(`${key} 的内容超出其声明的大小`);
  editor.finish();
  if (digest) setDigest(targets, pkg.original, entry.offset, digest.finish());
  pkg.setDeflated(key, part.done());
}

/** For the XML declaration: 200 bytes may end inside a character. */
const loose = new TextDecoder("utf-8");

/** Whether a part's first bytes show UTF-8 XML: no UTF-16 or UTF-32 byte order, no other declared encoding. */
function isUtf8Xml(head: Uint8Array): boolean {
  if ((head[0] === 0xfe && head[1] === 0xff) || (head[0] === 0xff && head[1] === 0xfe) || head[0] === 0 || head[1] === 0) return false;
  const start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  const decl = loose.decode(head.subarray(start, start + 200));
  if (!decl.startsWith("<?xml")) return true;
  const enc = /encoding\s*=\s*["']([^"']*)["']/.exec(decl.slice(0, decl.indexOf("?>") >>> 0));
  return !enc || /^utf-?8$/i.test(enc[1]);
}

/** The cells of one sheet's plans, made once for a plan alone on its sheet (the usual case): the copy is written from them and compared with them when read back. */
const targetsMade = new WeakMap<ResultPlan, PlanCells>();

export function targetsOf(plans: ResultPlan[]): PlanCells {
  if (plans.length !== 1) return new PlanCells(plans);
  let t = targetsMade.get(plans[0]);
  if (!t) targetsMade.set(plans[0], (t = new PlanCells(plans)));
  return t;
}

// ------------------------------------------------------------------ added sheets

/**
 * A sheet we add, as Excel would write it: widths; header rows bold; number formats on the cells
 * of their ranges (empty cells included, so what an official types there is formatted — a whole
 * column's style past CELLS_PER_FORMAT cells); the first list's header frozen with a filter
 * (sheet-layout.ts); drop-downs (`lists` resolves a list too long to be inline to its range on
 * the hidden list sheet); and the chart's <drawing>, when there is one.
 */
function newSheetXml(plan: SheetPlan, styles: () => Styles, lists: (list: string[]) => string, drawing = ""): string {
  const fmtAt = new Map<number, Map<number, string>>();
  const colFmt = new Map<number, string>();
  for (const f of plan.numberFormats ?? []) {
    const b = parseRange(f.range.replace(/\$/g, ""));
    if (!b) continue;
    if ((b.r2 - b.r1 + 1) * (b.c2 - b.c1 + 1) > CELLS_PER_FORMAT) {
      for (let c = b.c1; c <= b.c2; c++) colFmt.set(c, f.format);
      continue;
    }
    for (let r = b.r1; r <= b.r2; r++) {
      const row = fmtAt.get(r) ?? new Map<number, string>();
      fmtAt.set(r, row);
      for (let c = b.c1; c <= b.c2; c++) row.set(c, f.format);
    }
  }
  let width = plan.widths?.length ?? 0;
  for (const c of colFmt.keys()) width = Math.max(width, c);
  const colXml: string[] = [];
  for (let c = 1; c <= width; c++) {
    const w = plan.widths?.[c - 1];
    const fmt = colFmt.get(c);
    const sized = w !== undefined && Number.isFinite(w) && w > 0;
    if (!sized && fmt === undefined) continue;
    colXml.push(`<col min="${c}" max="${c}" width="${sized ? w : 9.140625}"${sized ? ' customWidth="1"' : ""}${fmt === undefined ? "" : ` style="${styles().xfFor(0, null, fmt)}"`}/>`);
  }
  const cols = colXml.length ? `<cols>${colXml.join("")}</cols>` : "";
  const headers = new Set(plan.headerRows ?? []);
  let lastRow = plan.rows.length;
  for (const r of fmtAt.keys()) lastRow = Math.max(lastRow, r);
  const rows: string[] = [];
  for (let r = 1; r <= lastRow; r++) {
    const values = plan.rows[r - 1] ?? [];
    const formatted = fmtAt.get(r);
    const look: Look | null = headers.has(r) ? "header" : null;
    const at = new Set<number>();
    values.forEach((v, j) => {
      if (v !== null && v !== undefined && v !== "") at.add(j + 1);
    });
    for (const c of formatted?.keys() ?? []) at.add(c);
    if (!at.size) continue;
    const cells = [...at]
      .sort((a, b) => a - b)
      .map((c) => {
        const fmt = formatted?.get(c) ?? (look ? undefined : colFmt.get(c));
        const style = look || fmt !== undefined ? styles().xfFor(0, look, fmt) : null;
        const v = values[c - 1];
        return cellXml("", `${colLetter(c)}${r}`, { value: v === "" ? null : v }, style);
      })
      .join("");
    rows.push(`<row r="${r}">${cells}</row>`);
  }
  const table = tableOf(plan);
  const views = table
    ? `<sheetViews><sheetView workbookViewId="0"><pane ySplit="${table.header}" topLeftCell="A${table.header + 1}" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A${table.header + 1}" sqref="A${table.header + 1}"/></sheetView></sheetViews>`
    : "";
  const filter = table ? `<autoFilter ref="A${table.header}:${colLetter(table.width)}${table.last}"/>` : "";
  const dvs = (plan.validations ?? []).filter((v) => v.list.length && parseRange(v.range.replace(/\$/g, "")));
  const validations = dvs.length
    ? `<dataValidations count="${dvs.length}">${dvs
        .map(
          (v) =>
            `<dataValidation type="list"${v.allowOther ? ' errorStyle="information"' : ""} allowBlank="1" showInputMessage="1" showErrorMessage="1" sqref="${v.range.replace(/\$/g, "")}"><formula1>${escapeXml(lists(v.list))}</formula1></dataValidation>`,
        )
        .join("")}</dataValidations>`
    : "";
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">${views}${cols}<sheetData>${rows.join("")}</sheetData>${filter}${validations}${drawing}</worksheet>`;
}

/** Where the root element of a part closes (its last end tag), found past comments and CDATA. */
function closeOf(xml: string, name: string): { at: number; prefix: string } {
  const bytes = enc.encode(xml);
  let found: { at: number; prefix: string } | null = null;
  /** Where the bytes the tokenizer hands over start in the part. */
  let base = 0;
  const tok = new ByteTokenizer({
    token: (b, t) => {
      if (t.kind === CLOSE && named(b, t, name)) found = { at: base + t.start, prefix: dec.decode(b.subarray(t.prefixStart, t.nameStart)) };
    },
    pause: (_b, upTo) => void (base += upTo),
  });
  try {
    tok.push(bytes);
    tok.end();
  } catch (e) {
    if (e instanceof SheetStreamError) refuse(e.message);
    throw e;
  }
  const hit: { at: number; prefix: string } = found ?? refuse(`<${name}> 的结尾无法识别`);
  // A position in the text: the bytes before the tag decoded (it starts at a "<", never inside a character).
  return { at: dec.decode(bytes.subarray(0, hit.at)).length, prefix: hit.prefix };
}

/** Whether added sheets need the hidden list sheet: a drop-down whose list cannot be inline. */
export function needsListSheet(plans: SheetPlan[]): boolean {
  return plans.some((p) => (p.validations ?? []).some((v) => v.list.length > 0 && !inlineList(v.list)));
}

/**
 * The added sheets after the file's own: each with its relationship, content type and place in
 * workbook.xml; its chart's parts beside it (chart.ts); and, when a drop-down's list is too long
 * to be inline, a very hidden list sheet after them that the drop-down refers to.
 */
function addSheets(pkg: PackageEdit, parts: ReturnType<typeof workbookParts>, plans: SheetPlan[], styles: () => Styles): void {
  if (!plans.length) return;
  const { wbKey, relsKey } = parts;
  const wb = parts.wb;
  if (/purl\.oclc\.org\/ooxml/.test(wb)) refuse("严格格式（Strict OOXML）的工作簿不能添加工作表");
  if (!pkg.has(relsKey)) refuse("缺少工作簿的关系部件");
  if (!pkg.has("[Content_Types].xml")) refuse("缺少 [Content_Types].xml");
  const rels = text(pkg, relsKey);
  let ct = text(pkg, "[Content_Types].xml");
  const sheetsEnd = closeOf(wb, "sheets");
  const ids = [...tags(wb, "sheet")].map((s) => Number(attr(s.tag, "sheetId")) || 0);
  const names = new Set(parts.sheets.map((s) => s.name.toLowerCase()));
  const relsEnd = closeOf(rels, "Relationships");
  const dir = wbKey.replace(/[^/]*$/, "");
  const unique = (wanted: string) => {
    let name = wanted.slice(0, 31);
    for (let n = 2; names.has(name.toLowerCase()); n++) name = `${wanted.slice(0, 31 - String(n).length - 2)}(${n})`;
    names.add(name.toLowerCase());
    return name;
  };
  const sheetNames = plans.map((p) => unique(p.name));
  const listName = needsListSheet(plans) ? unique(LISTS_SHEET) : "";
  const long: string[][] = [];
  const lists = (list: string[]) => {
    const inline = inlineList(list);
    if (inline) return inline;
    long.push(list);
    const letter = colLetter(long.length);
    return `${sheetRef(listName)}!$${letter}$1:$${letter}$${list.length}`;
  };
  let sheetId = Math.max(0, ...ids);
  let addWb = "";
  let addRels = "";
  const overrides: { partName: string; contentType: string }[] = [];
  const free = (path: (n: number) => string[]) => {
    let n = 1;
    while (path(n).some((k) => pkg.has(k))) n++;
    return n;
  };
  const add = (plan: SheetPlan, name: string, i: number, state?: "veryHidden") => {
    // sheetN.xml, as Excel names them: some readers (exceljs among them) find sheets by that pattern.
    const n = free((k) => [`${dir}worksheets/sheet${k}.xml`, `${dir}worksheets/_rels/sheet${k}.xml.rels`]);
    const key = `${dir}worksheets/sheet${n}.xml`;
    let rid = `rIdKj${i + 1}`;
    for (let k = 1; rels.includes(`"${rid}"`) || rels.includes(`'${rid}'`); k++) rid = `rIdKj${i + 1}_${k}`;
    let drawing = "";
    if (plan.chart) {
      const c = free((k) => [`${dir}charts/chart${k}.xml`, `${dir}drawings/drawing${k}.xml`, `${dir}drawings/_rels/drawing${k}.xml.rels`]);
      const chart = chartParts(plan, name, c, dir);
      if (chart) {
        for (const [part, xml] of Object.entries(chart.parts)) pkg.set(part, enc.encode(xml));
        const rel = withRelationship(EMPTY_RELS, "rIdKjChart", chart.sheetRel.type, chart.sheetRel.target) ?? refuse("关系部件无法生成");
        pkg.set(`${dir}worksheets/_rels/sheet${n}.xml.rels`, enc.encode(rel.xml));
        overrides.push(...chart.contentTypes);
        drawing = chart.drawing(rel.id);
      }
    }
    pkg.set(key, enc.encode(newSheetXml(plan, styles, lists, drawing)));
    addRels += `<${relsEnd.prefix}Relationship Id="${rid}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${n}.xml"/>`;
    overrides.push({ partName: `/${key}`, contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml" });
    addWb += `<${sheetsEnd.prefix}sheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" name="${escapeAttr(name)}" sheetId="${++sheetId}"${state ? ` state="${state}"` : ""} r:id="${rid}"/>`;
  };
  plans.forEach((plan, i) => add(plan, sheetNames[i], i));
  if (long.length) {
    let height = 0;
    for (const l of long) height = Math.max(height, l.length);
    const rows = Array.from({ length: height }, (_, r) => long.map((l) => l[r] ?? null));
    add({ name: listName, rows }, listName, plans.length, "veryHidden");
  }
  const ctEnd = closeOf(ct, "Types");
  ct = ct.slice(0, ctEnd.at) + overrides.map((o) => `<${ctEnd.prefix}Override PartName="${o.partName}" ContentType="${o.contentType}"/>`).join("") + ct.slice(ctEnd.at);
  pkg.set(wbKey, enc.encode(wb.slice(0, sheetsEnd.at) + addWb + wb.slice(sheetsEnd.at)));
  pkg.set(relsKey, enc.encode(rels.slice(0, relsEnd.at) + addRels + rels.slice(relsEnd.at)));
  pkg.set("[Content_Types].xml", enc.encode(ct));
}

// ------------------------------------------------------------------ entry point

export interface CopyOptions {
  /**
   * Compare the copy with the original before returning it (default). The command line passes
   * false and compares the bytes it read back from disk instead (copyMismatch), so each copy is
   * compared once, as written.
   */
  verify?: boolean;
  /** Told of every cell coloured, with its own fill (for the ledger). */
  onMark?: OnMark;
  /** Last edits made in the same pass, before the one zip is written (copy.ts: the add-in's settings and ledger). */
  finish?: (pkg: PackageEdit) => void;
}

/**
 * A copy of `original` with the result columns, the marks, and any added sheets (results moved
 * aside, summary), marked as our annotated copy. `original` is never modified. Marked cells get a
 * copy of their own style with our fill — the copy replaces the cell's `s=`, so the cell looks as
 * before plus the colour.
 */
export function toAnnotatedCopy(original: Uint8Array, plans: ResultPlan[], sheets: SheetPlan[] = [], opts: CopyOptions = {}): Uint8Array | ResaveError {
  try {
    const pkg = edited(original, plans, sheets, opts, false);
    return pkg instanceof PackageEdit ? zipped(original, pkg, plans, sheets, opts) : pkg;
  } catch (e) {
    return failed(e);
  }
}

/**
 * toAnnotatedCopy with the edited sheets compressed in the thread pool while they are edited
 * (where the codec can: Node's workers), so that the editing and the compressing overlap.
 */
export async function toAnnotatedCopyAside(original: Uint8Array, plans: ResultPlan[], sheets: SheetPlan[] = [], opts: CopyOptions = {}): Promise<Uint8Array | ResaveError> {
  try {
    const pkg = edited(original, plans, sheets, opts, true);
    if (!(pkg instanceof PackageEdit)) return pkg;
    await pkg.settled();
    return zipped(original, pkg, plans, sheets, opts);
  } catch (e) {
    return failed(e);
  }
}

function failed(e: unknown): ResaveError {
  if (e instanceof Refusal || e instanceof ZipCopyError) return refusal(e.message);
  return refusal(e instanceof Error ? e.message.slice(0, 200) : String(e));
}

/** The copy zipped, and compared with the original unless the caller compares what it writes. */
function zipped(original: Uint8Array, pkg: PackageEdit, plans: ResultPlan[], sheets: SheetPlan[], opts: CopyOptions): Uint8Array | ResaveError {
  const copy = pkg.toZip();
  if (opts.verify !== false) {
    const problem = copyMismatch(original, copy, plans, sheets);
    if (problem) return refusal(problem);
  }
  return copy;
}

/** The package with every edit made, not yet zipped (throws a Refusal). */
function edited(original: Uint8Array, plans: ResultPlan[], sheets: SheetPlan[], opts: CopyOptions, aside: boolean): PackageEdit | ResaveError {
  let pkg: PackageEdit;
  try {
    pkg = editPackage(original);
  } catch {
    return refusal("压缩包无法解开（damaged package）");
  }
  const parts = workbookParts(pkg);
  let styles: Styles | null = null;
  const getStyles = (): Styles => {
    return (styles ??= stylesOf(pkg, parts));
  };
  const bySheet = new Map<string, ResultPlan[]>();
  for (const plan of plans) bySheet.set(plan.sheet, [...(bySheet.get(plan.sheet) ?? []), plan]);
  for (const [name, group] of bySheet) {
    const matches = parts.sheets.filter((s) => s.name === name);
    if (matches.length === 0) refuse(`工作簿中没有工作表“${name}”`);
    // Two sheets under one name: which one was checked cannot be told from the name.
    if (matches.length > 1) refuse(`工作簿中有 ${matches.length} 张同名工作表“${name}”`);
    if (parts.sheets.filter((s) => pkg.entry(s.key) === pkg.entry(matches[0].key)).length > 1) refuse(`工作表“${name}”的部件被多张工作表共用`);
    if (!pkg.has(matches[0].key)) refuse(`工作表“${name}”的部件不存在`);
    editSheet(pkg, matches[0].key, name, targetsOf(group), getStyles, opts.onMark, aside);
  }
  addSheets(pkg, parts, sheets, getStyles);
  const st = styles as Styles | null;
  if (st && st.changed) pkg.set(parts.styles, enc.encode(st.toXml()));
  markPackage(pkg, "annotated-copy");
  opts.finish?.(pkg);
  return pkg;
}

function refusal(detail: string): ResaveError {
  return { error: { code: "cannot-resave", message: `无法生成标注副本，原文件未改动：${detail}` } };
}

// ------------------------------------------------------------------ the copy, read back

const same = (a: CellValue | undefined, b: CellValue | undefined) => {
  const x = a ?? null;
  const y = b ?? null;
  if (x === y) return true;
  // Dates and error values are objects: equal when they hold the same.
  return typeof x === "object" && typeof y === "object" && x !== null && y !== null && JSON.stringify(x) === JSON.stringify(y);
};

const show = (v: CellValue) => (typeof v === "object" && v !== null ? JSON.stringify(v) : String(v));

/** What the copy's reader should find where we wrote: the planned value (an empty text is no cell). */
const planned = (v: OutValue | undefined): CellValue => (v === undefined || v === null || v === "" ? null : (v as CellValue));

const partKey = (name: string) => name.replace(/\\/g, "/").replace(/^\/+/, "").toLowerCase();

/**
 * Why `copy` is not exactly `original` plus our cells and sheets, or null when it is: every
 * original part present under the same stored name, the untouched ones byte for byte; every
 * original sheet in its place with every cell the same, except the cells we planned, which hold
 * our values and were empty before; the added sheets after them holding what was planned.
 *
 * `read`: `original` as the check already read it (its sheets' grids as read, none changed: the
 * engine blanks earlier results in a copy of the columns), so a large sheet is not read a second time.
 */
export function copyMismatch(original: Uint8Array, copy: Uint8Array, plans: ResultPlan[], sheets: SheetPlan[] = [], read?: Workbook): string | null {
  const bad = (why: string) => `副本与原文件核对不一致，已删除副本（the copy does not match the original; it was deleted）：${why}`;
  let a, b;
  try {
    a = rawEntries(original);
    b = rawEntries(copy);
  } catch (e) {
    return bad(`副本的压缩包无法读取：${(e as Error).message}`);
  }
  // Stored names compared as bytes (a GBK name decodes to the same replacement characters as another).
  const key = (e: RawEntry) => String.fromCharCode(...e.nameBytes);
  const inCopy = new Map(b.map((e) => [key(e), e]));
  const changed = new Set<string>();
  /** Entries of the copy that are the original's own, byte for byte. */
  const copiedRaw = new Set<RawEntry>();
  /** Entries of the copy whose CRC-32 and size were checked as they were read back. */
  const summed = new Set<RawEntry>();
  const missing = a.filter((x) => !inCopy.has(key(x)));
  if (missing.length) return bad(`副本少了 ${missing.length} 个部件（${missing.map((x) => x.name).join("、")}）`);
  for (const x of a) {
    const y = inCopy.get(key(x))!;
    if ((x.flags & 0x800) !== (y.flags & 0x800)) return bad(`部件“${x.name}”的名称编码标记被改动`);
    const raw = x.method === y.method && x.crc === y.crc && x.size === y.size && sameBytes(original.subarray(x.dataStart, x.dataStart + x.compressedSize), copy.subarray(y.dataStart, y.dataStart + y.compressedSize));
    if (!raw) changed.add(partKey(x.name));
    else copiedRaw.add(y);
  }
  const originalKeys = new Set(a.map((x) => partKey(x.name)));
  const ra: ReadResult = read ? { ok: true, workbook: read } : readWorkbook(original);
  const rb = readWorkbook(copy);
  // Unreadable on either side, nothing can be compared: the copy is refused, never passed unchecked.
  if (!ra.ok) return bad(`原文件无法读取，副本无法核对：${ra.error.message}`);
  if (!rb.ok) return bad(`副本无法读取：${rb.error.message}`);
  const sa = ra.workbook.sheets;
  const sbs = rb.workbook.sheets;
  if (sbs.length !== sa.length + sheets.length + (needsListSheet(sheets) ? 1 : 0)) return bad(`工作表数目不符（原 ${sa.length} 张，副本 ${sbs.length} 张）`);
  const targeted = new Map<string, PlanCells>();
  for (const p of plans) if (!targeted.has(p.sheet)) targeted.set(p.sheet, targetsOf(plans.filter((q) => q.sheet === p.sheet)));
  // Parts that changed must be ones we edit: the sheets we wrote into, styles, the workbook's
  // sheet list and relationships, content types and the marker. Anything else is a loss (told
  // after the cells, below).
  let allowed = new Set<string>();
  let partsProblem: string | null = null;
  /** Sheet part of each original sheet, in the original and in the copy; null when they cannot be told. */
  let keysA: string[] | null = null;
  let keysB: string[] | null = null;
  let relsKept = false;
  try {
    const pkg = editPackage(copy, b);
    const parts = workbookParts(pkg);
    const names = new Set(plans.map((p) => p.sheet));
    const keys = [...parts.sheets.filter((s) => names.has(s.name)).map((s) => s.key), parts.styles, parts.wbKey, parts.relsKey, "[Content_Types].xml", "_rels/.rels"];
    const custom = customPart((n) => (pkg.has(n) ? text(pkg, n) : null));
    if (custom) keys.push(custom);
    // The add-in's settings part (settings, ledger, check records: addin-part.ts) and the task pane part that refers to it.
    for (const e of pkg.entries) if (isAddinPart(e.name)) keys.push(e.name);
    allowed = new Set(keys.map(partKey));
    keysB = parts.sheets.map((s) => partKey(s.key));
    try {
      const pa = editPackage(original, a);
      const before = workbookParts(pa);
      keysA = before.sheets.map((s) => partKey(s.key));
      // Every relationship of the workbook kept as it was (added sheets only append): the shared strings are found where they were.
      const after = new Set(relationships(pkg, parts.relsKey, parts.wbKey).map((r) => `${r.id}\n${r.type}\n${r.target}`));
      relsKept = before.relsKey === parts.relsKey && relationships(pa, before.relsKey, before.wbKey).every((r) => after.has(`${r.id}\n${r.type}\n${r.target}`));
    } catch {
      keysA = null;
    }
  } catch (e) {
    partsProblem = (e as Error).message;
  }
  /**
   * A sheet's cells read back as they were when its part holds the same bytes, and so does
   * everything its cells are read with: no part but ours changed (so the shared strings did not),
   * the workbook's relationships kept, and the 1900 date system (under 1904 the cell formats take
   * part in reading, and ours are added to them). Then a sheet we did not write into is not read
   * at all, and one we wrote into is compared as bytes, streamed (sheet-compare.ts): no grid of
   * either is made unless they differ, to name the cell.
   */
  const onlyOurs = [...changed].every((k) => allowed.has(k));
  const byBytes = (i: number) =>
    partsProblem === null &&
    relsKept &&
    onlyOurs &&
    !ra.workbook.date1904 &&
    !rb.workbook.date1904 &&
    keysA !== null &&
    keysB !== null &&
    keysA[i] !== undefined &&
    keysA[i] === keysB[i] &&
    originalKeys.has(keysA[i]);
  const entryA = new Map(a.map((x) => [partKey(x.name), x]));
  const entryB = new Map(b.map((x) => [partKey(x.name), x]));
  for (let i = 0; i < sa.length; i++) {
    if (sa[i].name !== sbs[i].name) return bad(`第 ${i + 1} 张工作表的名称由“${sa[i].name}”变为“${sbs[i].name}”`);
    const want = targeted.get(sa[i].name);
    let why: string | null = null;
    if (byBytes(i)) {
      const key = keysA![i];
      if (!want && !changed.has(key)) continue;
      const inCopy = entryB.get(key);
      if (want && inCopy) {
        why = sheetPartDiffers(original, entryA.get(key)!, copy, inCopy, want);
        if (why === null) summed.add(inCopy);
        if (why === null) continue;
      }
    }
    const ga = sheetGrid(sa[i]);
    const gb = sheetGrid(sbs[i]);
    if (!ga.ok || !gb.ok) {
      if (ga.ok !== gb.ok) return bad(`工作表“${sa[i].name}”${ga.ok ? "在副本中无法读取" : "在原文件中无法读取，在副本中却可以"}`);
      if (why !== null) return bad(`工作表“${sa[i].name}”${why}`);
      // A sheet we wrote into must be compared one way or the other.
      if (want) return bad(`工作表“${sa[i].name}”无法读取，写入的结果无法核对`);
      continue;
    }
    // Read in place (grid.ts): a copy of a large sheet is compared without building its rows.
    const cellAt = (g: typeof ga.grid, row: number, col: number) => gridCell(g, row - g.origin.row, col - g.origin.col);
    const rowsA = rowCount(ga.grid) + ga.grid.origin.row - 1;
    const rowsB = rowCount(gb.grid) + gb.grid.origin.row - 1;
    for (let row = Math.min(ga.grid.origin.row, gb.grid.origin.row); row <= Math.max(rowsA, rowsB); row++) {
      const cols = Math.max(rowWidth(ga.grid, row - ga.grid.origin.row) + ga.grid.origin.col - 1, rowWidth(gb.grid, row - gb.grid.origin.row) + gb.grid.origin.col - 1);
      const wantRow = want?.get(row);
      for (let col = 1; col <= cols; col++) {
        const x = cellAt(ga.grid, row, col);
        const y = cellAt(gb.grid, row, col);
        const t = wantRow?.get(col);
        if (t && t.value !== undefined) {
          if (x !== null) return bad(`${sa[i].name}!${a1(row, col)} 原有内容`);
          if (!same(y, planned(t.value))) return bad(`${sa[i].name}!${a1(row, col)} 应为“${show(planned(t.value))}”，读回为“${show(y)}”`);
        } else if (!same(x, y)) return bad(`${sa[i].name}!${a1(row, col)} 由“${show(x)}”变为“${show(y)}”`);
      }
    }
    if (want) {
      for (const row of want.rows) {
        for (const [col, t] of want.get(row) ?? []) {
          if (t.value !== undefined && !same(cellAt(gb.grid, row, col), planned(t.value))) return bad(`${sa[i].name}!${a1(row, col)} 缺少写入的结果`);
        }
      }
    }
    // The cells read the same, yet the bytes differ where nothing of ours was to go (an attribute, a comment, a row's look).
    if (why !== null) return bad(`工作表“${sa[i].name}”${why}`);
  }
  // The added sheets hold inline texts only: read without the workbook's shared strings (a cell of them naming one would read as an error, and differ).
  const added = sheets.length ? readWorkbook(copy, { noSharedStrings: true }) : rb;
  if (!added.ok) return bad(`副本无法读取：${added.error.message}`);
  for (let k = 0; k < sheets.length; k++) {
    const g = sheetGrid(added.workbook.sheets[sa.length + k]);
    if (!g.ok) return bad(`添加的工作表“${sbs[sa.length + k].name}”无法读取`);
    const rows = sheets[k].rows;
    for (let r = 0; r < rows.length; r++) {
      for (let c = 0; c < rows[r].length; c++) {
        const y = gridCell(g.grid, r + 1 - g.grid.origin.row, c + 1 - g.grid.origin.col);
        if (!same(y, planned(rows[r][c]))) return bad(`添加的工作表“${sbs[sa.length + k].name}”的 ${a1(r + 1, c + 1)} 与计划不符`);
      }
    }
  }
  // Every part we wrote, read back whole, holds what its entry declares (the sheets compared above were summed as they were walked).
  for (const y of b) {
    if (copiedRaw.has(y) || summed.has(y)) continue;
    let crc = 0;
    let size = 0;
    let over: boolean;
    try {
      over = streamPart(copy, y, (p) => {
        crc = partCrc32(p, crc);
        size += p.length;
      });
    } catch (e) {
      return bad(`部件“${y.name}”无法解压：${(e as Error).message}`);
    }
    if (over || size !== y.size || crc !== y.crc) return bad(`部件“${y.name}”的内容与其校验和（CRC-32）或大小不符`);
  }
  if (partsProblem !== null) return bad(partsProblem);
  for (const k of changed) if (!allowed.has(k)) return bad(`部件“${k}”被改动`);
  return null;
}
