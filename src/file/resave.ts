/**
 * The annotated copy, made by editing the submitted package in place of re-saving it: only the
 * edited sheets' XML, styles.xml and — when sheets are added — workbook.xml, its relationships
 * and [Content_Types].xml change; every other part (charts, pictures, pivot tables, macros, what
 * we do not even know of) is carried over byte for byte, so nothing is lost. We insert
 * inline-string cells (never formulas: text starting with = + - @ stays text) into the right
 * <row>s in column order, creating rows where missing, and colour problem cells with a copy of
 * the cell's own style plus a fill — its number format, font and borders stay. A package we
 * cannot edit with certainty is refused (`cannot-resave`), never half-edited. Browser-safe.
 */
import { unzipSync, zipSync, type Zippable } from "fflate";
import { a1, colLetter, parseA1, parseRange, rangeA1 } from "../engine/address";
import type { OutValue, ResultPlan, SheetPlan } from "../engine/host";
import { MARK_FILL } from "../engine/output";
import { resolveTarget } from "./zip";
import type { Severity } from "../engine/types";

export type ResaveError = { error: { code: "cannot-resave"; message: string } };

class Refusal extends Error {}
const refuse = (why: string): never => {
  throw new Refusal(why);
};

const enc = new TextEncoder();
const dec = new TextDecoder("utf-8");

// ------------------------------------------------------------------ XML helpers

/** Text of a value inside an element: escaped, with characters XML 1.0 cannot hold written as Excel's _xHHHH_. */
export function xmlText(s: string): string {
  return s
    .replace(/_x([0-9A-Fa-f]{4})_/g, "_x005F_x$1_")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, (c) => `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}_`);
}

const xmlAttr = (s: string) => xmlText(s).replace(/"/g, "&quot;");

/** Value of a whole-word attribute in a start tag. */
function getAttr(tag: string, name: string): string | null {
  const m = new RegExp(`[\\s]${name.replace(":", "\\:")}\\s*=\\s*(["'])(.*?)\\1`).exec(tag);
  return m ? m[2] : null;
}

/** The start tag with `name` set to `value` (replaced, or added before the closing > or />). */
function setAttr(tag: string, name: string, value: string): string {
  const re = new RegExp(`([\\s]${name}\\s*=\\s*)(["'])(.*?)\\2`);
  if (re.test(tag)) return tag.replace(re, `$1"${value}"`);
  const end = tag.endsWith("/>") ? tag.length - 2 : tag.length - 1;
  return `${tag.slice(0, end)} ${name}="${value}"${tag.slice(end)}`;
}

function dropAttr(tag: string, name: string): string {
  return tag.replace(new RegExp(`\\s${name}\\s*=\\s*(["']).*?\\1`), "");
}

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

type Files = Record<string, Uint8Array>;

function keyOf(files: Files, path: string): string | null {
  const clean = path.replace(/^\/+/, "");
  if (files[clean]) return clean;
  const lower = clean.toLowerCase();
  return Object.keys(files).find((k) => k.replace(/\\/g, "/").replace(/^\/+/, "").toLowerCase() === lower) ?? null;
}

function text(files: Files, key: string): string {
  const d = files[key];
  // UTF-16 parts (a few writers) would need re-encoding on the way back; we do not edit those.
  if (d.length >= 2 && (d[0] === 0 || d[1] === 0 || (d[0] === 0xff && d[1] === 0xfe) || (d[0] === 0xfe && d[1] === 0xff))) refuse(`${key} 不是 UTF-8 编码`);
  return dec.decode(d);
}

function normalName(key: string): string {
  return key.replace(/\\/g, "/").replace(/^\/+/, "");
}

function relsPathOf(part: string): string {
  return part.replace(/[^/]*$/, (f) => `_rels/${f}.rels`);
}

const decodeEntities = (s: string) => s.replace(/&(amp|lt|gt|quot|apos);/g, (_, n: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" })[n]!);

interface SheetRef {
  name: string;
  key: string;
}

function workbookParts(files: Files): { wbKey: string; wb: string; sheets: SheetRef[]; relsKey: string | null } {
  let wbPath = "xl/workbook.xml";
  const rootRels = keyOf(files, "_rels/.rels");
  if (rootRels) {
    const xml = text(files, rootRels);
    for (const r of elements(xml, prefixOf(xml, "Relationship") ?? "", "Relationship", 0, xml.length)) {
      if ((getAttr(r.tag, "Type") ?? "").endsWith("/officeDocument")) wbPath = resolveTarget("", decodeEntities(getAttr(r.tag, "Target") ?? ""));
    }
  }
  const wbKey = keyOf(files, wbPath) ?? refuse("缺少 workbook.xml");
  const wb = text(files, wbKey);
  // Paths are worked out with "/" (a few writers store "xl\\workbook.xml"); keyOf finds the stored spelling.
  const wbName = normalName(wbKey);
  const relsKey = keyOf(files, relsPathOf(wbName));
  const rels = new Map<string, string>();
  if (relsKey) {
    const xml = text(files, relsKey);
    for (const r of elements(xml, prefixOf(xml, "Relationship") ?? "", "Relationship", 0, xml.length)) {
      rels.set(getAttr(r.tag, "Id") ?? "", resolveTarget(wbName, decodeEntities(getAttr(r.tag, "Target") ?? "")));
    }
  }
  const sheets: SheetRef[] = [];
  const p = prefixOf(wb, "sheet") ?? "";
  for (const [i, s] of elements(wb, p, "sheet", 0, wb.length).entries()) {
    const rid = /\s[\w]+:id\s*=\s*"([^"]*)"/.exec(s.tag)?.[1] ?? "";
    // Without a usable relationship, the conventional part name (what our reader falls back to as well).
    const target = rels.get(rid) ?? `xl/worksheets/sheet${i + 1}.xml`;
    const key = keyOf(files, target);
    if (key) sheets.push({ name: decodeEntities(getAttr(s.tag, "name") ?? ""), key });
  }
  return { wbKey, wb, sheets, relsKey };
}

// ------------------------------------------------------------------ styles

type Look = Severity | "header";

/** styles.xml with the fills, bold font and cell formats we add, appended after the file's own. */
class Styles {
  private readonly p: string;
  private readonly xfs: string[];
  private readonly added: string[] = [];
  private readonly memo = new Map<string, number>();
  private readonly newFills: string[] = [];
  private readonly newFonts: string[] = [];
  private fillIds = new Map<string, number>();
  private boldFont: number | null = null;
  private readonly fillCount: number;
  private readonly fontCount: number;
  private readonly firstFont: string;

  constructor(private readonly xml: string) {
    this.p = prefixOf(xml, "styleSheet") ?? "";
    const block = (name: string) => {
      const el = elements(xml, this.p, name, 0, xml.length)[0] ?? refuse(`styles.xml 中没有 <${name}>`);
      return el;
    };
    const fills = block("fills");
    this.fillCount = elements(xml, this.p, "fill", fills.tagEnd, fills.closeStart).length;
    const fonts = block("fonts");
    const fontEls = elements(xml, this.p, "font", fonts.tagEnd, fonts.closeStart);
    this.fontCount = fontEls.length;
    this.firstFont = fontEls[0] ? xml.slice(fontEls[0].start, fontEls[0].end) : `<${this.p}font/>`;
    const xfs = block("cellXfs");
    this.xfs = elements(xml, this.p, "xf", xfs.tagEnd, xfs.closeStart).map((e) => xml.slice(e.start, e.end));
    if (!this.xfs.length) refuse("styles.xml 中没有单元格格式");
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

  /** The cellXfs index for a cell whose style was `base`, given our look. */
  xfFor(base: number, look: Look): number {
    const b = Number.isInteger(base) && base >= 0 && base < this.xfs.length ? base : 0;
    const memoKey = `${b}:${look}`;
    const hit = this.memo.get(memoKey);
    if (hit !== undefined) return hit;
    const src = this.xfs[b];
    const gt = src.indexOf(">") + 1;
    let tag = src.slice(0, gt);
    const rest = src.slice(gt);
    if (look === "header") {
      tag = setAttr(setAttr(tag, "fontId", String(this.bold())), "applyFont", "1");
    } else {
      tag = setAttr(setAttr(tag, "fillId", String(this.fill(MARK_FILL[look]))), "applyFill", "1");
    }
    this.added.push(tag + rest);
    const id = this.xfs.length + this.added.length - 1;
    this.memo.set(memoKey, id);
    return id;
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
    append("fonts", this.newFonts, this.fontCount);
    append("fills", this.newFills, this.fillCount);
    append("cellXfs", this.added, this.xfs.length);
    return xml;
  }
}

// ------------------------------------------------------------------ cells

interface Target {
  value?: OutValue;
  look?: Look;
}

function cellXml(p: string, ref: string, t: Target, style: number | null): string {
  const s = style === null ? "" : ` s="${style}"`;
  const v = t.value;
  if (v === null || v === undefined) return `<${p}c r="${ref}"${s}/>`;
  if (typeof v === "number" && Number.isFinite(v)) return `<${p}c r="${ref}"${s}><${p}v>${v}</${p}v></${p}c>`;
  return `<${p}c r="${ref}"${s} t="inlineStr"><${p}is><${p}t xml:space="preserve">${xmlText(String(v))}</${p}t></${p}is></${p}c>`;
}

/** A cell holds something when it has a value, inline text or a formula. */
function cellHasContent(xml: string, el: El, p: string): boolean {
  if (el.selfClosing) return false;
  const inner = xml.slice(el.tagEnd, el.closeStart);
  for (const name of ["v", "is", "f"]) {
    for (const e of elements(inner, p, name, 0, inner.length)) {
      if (!e.selfClosing && inner.slice(e.tagEnd, e.closeStart).trim() !== "") return true;
    }
  }
  return false;
}

function editSheet(xml: string, sheetName: string, targets: Map<number, Map<number, Target>>, styles: () => Styles): string {
  const p = prefixOf(xml, "sheetData") ?? refuse(`工作表“${sheetName}”没有 <sheetData>`);
  const sd = elements(xml, p, "sheetData", 0, xml.length)[0];
  if (sd.selfClosing) {
    xml = `${xml.slice(0, sd.start)}<${p}sheetData></${p}sheetData>${xml.slice(sd.end)}`;
    return editSheet(xml, sheetName, targets, styles);
  }
  const rows = elements(xml, p, "row", sd.tagEnd, sd.closeStart).map((el) => {
    const r = Number(getAttr(el.tag, "r"));
    if (!Number.isInteger(r) || r < 1) refuse(`工作表“${sheetName}”有未写行号的行`);
    return { el, r };
  });
  const edits: { at: number; end: number; text: string; seq: number }[] = [];
  const byRow = new Map(rows.map((x) => [x.r, x]));
  const sortedTargets = [...targets.keys()].sort((a, b) => a - b);
  let maxCol = 0;
  let maxRow = 0;
  let minCol = Infinity;
  for (const rowNo of sortedTargets) {
    const want = targets.get(rowNo)!;
    const cols = [...want.keys()].sort((a, b) => a - b);
    maxRow = Math.max(maxRow, rowNo);
    maxCol = Math.max(maxCol, cols[cols.length - 1]);
    minCol = Math.min(minCol, cols[0]);
    const newCell = (col: number, t: Target, base: number) => cellXml(p, a1(rowNo, col), t, t.look ? styles().xfFor(base, t.look) : null);
    const existing = byRow.get(rowNo);
    if (!existing) {
      const cells = cols.map((c) => newCell(c, want.get(c)!, 0)).join("");
      const after = rows.find((x) => x.r > rowNo);
      edits.push({ at: after ? after.el.start : sd.closeStart, end: after ? after.el.start : sd.closeStart, text: `<${p}row r="${rowNo}">${cells}</${p}row>`, seq: edits.length });
      continue;
    }
    const { el } = existing;
    // spans is an optional hint of the row's column range; ours may fall outside it.
    const rowTag = dropAttr(el.tag, "spans");
    if (el.selfClosing) {
      edits.push({ at: el.start, end: el.end, text: `${rowTag.slice(0, -2)}>${cols.map((c) => newCell(c, want.get(c)!, 0)).join("")}</${p}row>`, seq: edits.length });
      continue;
    }
    const cells = elements(xml, p, "c", el.tagEnd, el.closeStart).map((c) => {
      const ref = getAttr(c.tag, "r");
      const at = ref ? parseA1(ref) : null;
      if (!at) refuse(`工作表“${sheetName}”第 ${rowNo} 行有未写地址的单元格`);
      return { c, col: at!.col };
    });
    let rebuilt = "";
    let cursor = el.tagEnd;
    const pending = [...cols];
    for (const { c, col } of cells) {
      while (pending.length && pending[0] < col) {
        const k = pending.shift()!;
        rebuilt += newCell(k, want.get(k)!, 0);
      }
      rebuilt += xml.slice(cursor, c.start);
      cursor = c.end;
      if (pending[0] === col) {
        pending.shift();
        const t = want.get(col)!;
        const base = Number(getAttr(c.tag, "s") ?? 0);
        if (t.value !== undefined) {
          if (cellHasContent(xml, c, p)) refuse(`${a1(rowNo, col)} 已有内容，不能写入结果`);
          // An empty cell of ours to fill: it keeps its own style (borders of a printed form).
          const own = getAttr(c.tag, "s");
          rebuilt += t.look ? newCell(col, t, base) : cellXml(p, a1(rowNo, col), t, own === null ? null : base);
        } else {
          // A mark only: the same cell, its own style plus our fill.
          const tag = t.look ? setAttr(c.tag, "s", String(styles().xfFor(base, t.look))) : c.tag;
          rebuilt += tag + xml.slice(c.tagEnd, c.end);
        }
      } else rebuilt += xml.slice(c.start, c.end);
    }
    // Cells after the last existing one go before anything else the row holds (extLst).
    rebuilt += pending.map((k) => newCell(k, want.get(k)!, 0)).join("");
    rebuilt += xml.slice(cursor, el.closeStart);
    edits.push({ at: el.start, end: el.end, text: `${rowTag}${rebuilt}</${p}row>`, seq: edits.length });
  }
  // Back to front; rows inserted at one place go in row order (the later one is inserted first).
  edits.sort((a, b) => b.at - a.at || b.seq - a.seq);
  for (const e of edits) xml = xml.slice(0, e.at) + e.text + xml.slice(e.end);
  // The declared extent grows to cover what we wrote (readers like ours ignore it; Excel uses it as a hint).
  const dim = elements(xml, p, "dimension", 0, xml.length)[0];
  if (dim && maxRow > 0) {
    const box = parseRange(getAttr(dim.tag, "ref") ?? "");
    if (box) {
      const ref = rangeA1(Math.min(box.r1, sortedTargets[0]), Math.min(box.c1, minCol), Math.max(box.r2, maxRow), Math.max(box.c2, maxCol));
      xml = xml.slice(0, dim.start) + setAttr(dim.tag, "ref", ref) + xml.slice(dim.tagEnd);
    }
  }
  return xml;
}

function targetsOf(plans: ResultPlan[]): Map<number, Map<number, Target>> {
  const out = new Map<number, Map<number, Target>>();
  const at = (row: number, col: number): Target => {
    let r = out.get(row);
    if (!r) out.set(row, (r = new Map()));
    let t = r.get(col);
    if (!t) r.set(col, (t = {}));
    return t;
  };
  for (const plan of plans) {
    plan.headers.forEach((h, i) => Object.assign(at(plan.headerRow, plan.startCol + i), { value: h, look: "header" as Look }));
    for (const r of plan.rows) {
      r.values.forEach((v, i) => {
        if (v !== null && v !== undefined && v !== "") at(r.row, plan.startCol + i).value = v;
      });
    }
    for (const m of plan.marks) {
      const a = parseA1(m.address.replace(/\$/g, ""));
      if (!a) continue;
      const t = at(a.row, a.col);
      if (t.look !== "error") t.look = m.severity;
    }
  }
  return out;
}

// ------------------------------------------------------------------ added sheets

function newSheetXml(plan: SheetPlan, styles: () => Styles): string {
  const cols = plan.widths?.length
    ? `<cols>${plan.widths.map((w, i) => (Number.isFinite(w) && w > 0 ? `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>` : "")).join("")}</cols>`
    : "";
  const headers = new Set(plan.headerRows ?? []);
  const rows = plan.rows
    .map((row, i) => {
      const r = i + 1;
      const look: Look | undefined = headers.has(r) ? "header" : undefined;
      const cells = row.map((v, j) => (v === null || v === undefined || v === "" ? "" : cellXml("", `${colLetter(j + 1)}${r}`, { value: v }, look ? styles().xfFor(0, look) : null))).join("");
      return cells ? `<row r="${r}">${cells}</row>` : "";
    })
    .join("");
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">${cols}<sheetData>${rows}</sheetData></worksheet>`;
}

function addSheets(files: Files, parts: ReturnType<typeof workbookParts>, plans: SheetPlan[], styles: () => Styles): void {
  if (!plans.length) return;
  const { wbKey, relsKey } = parts;
  let wb = parts.wb;
  if (/purl\.oclc\.org\/ooxml/.test(wb)) refuse("严格格式（Strict OOXML）的工作簿不能添加工作表");
  if (!relsKey) refuse("缺少工作簿的关系部件");
  const ctKey = keyOf(files, "[Content_Types].xml") ?? refuse("缺少 [Content_Types].xml");
  let rels = text(files, relsKey!);
  let ct = text(files, ctKey);
  const wp = prefixOf(wb, "sheets") ?? refuse("workbook.xml 中没有 <sheets>");
  const sheetsEl = elements(wb, wp, "sheets", 0, wb.length)[0];
  if (sheetsEl.selfClosing) refuse("workbook.xml 的 <sheets> 为空");
  const ids = elements(wb, wp, "sheet", sheetsEl.tagEnd, sheetsEl.closeStart).map((s) => Number(getAttr(s.tag, "sheetId")) || 0);
  const names = new Set(parts.sheets.map((s) => s.name.toLowerCase()));
  const rp = prefixOf(rels, "Relationships") ?? "";
  const cp = prefixOf(ct, "Types") ?? "";
  const dir = normalName(wbKey).replace(/[^/]*$/, "");
  let sheetId = Math.max(0, ...ids);
  let add = "";
  for (const [i, plan] of plans.entries()) {
    let name = plan.name.slice(0, 31);
    for (let n = 2; names.has(name.toLowerCase()); n++) name = `${plan.name.slice(0, 31 - String(n).length - 2)}(${n})`;
    names.add(name.toLowerCase());
    // sheetN.xml, as Excel names them: some readers (exceljs among them) find sheets by that pattern.
    let n = 1;
    while (keyOf(files, `${dir}worksheets/sheet${n}.xml`)) n++;
    const key = `${dir}worksheets/sheet${n}.xml`;
    let rid = `rIdKj${i + 1}`;
    for (let k = 1; rels.includes(`Id="${rid}"`); k++) rid = `rIdKj${i + 1}_${k}`;
    files[key] = enc.encode(newSheetXml(plan, styles));
    const rels2 = rels.replace(new RegExp(`</${rp}Relationships>\\s*$`), `<${rp}Relationship Id="${rid}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${n}.xml"/></${rp}Relationships>`);
    const ct2 = ct.replace(new RegExp(`</${cp}Types>\\s*$`), `<${cp}Override PartName="/${key}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></${cp}Types>`);
    if (rels2 === rels || ct2 === ct) refuse("关系或内容类型部件的结尾无法识别");
    rels = rels2;
    ct = ct2;
    add += `<${wp}sheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" name="${xmlAttr(name)}" sheetId="${++sheetId}" r:id="${rid}"/>`;
  }
  wb = wb.slice(0, sheetsEl.closeStart) + add + wb.slice(sheetsEl.closeStart);
  files[wbKey] = enc.encode(wb);
  files[relsKey!] = enc.encode(rels);
  files[ctKey] = enc.encode(ct);
}

// ------------------------------------------------------------------ entry point

/**
 * A copy of `original` with the result columns, the marks, and any added sheets (results moved
 * aside, summary). `original` is never modified. Marked cells get a copy of their own style with
 * our fill — the copy replaces the cell's `s=`, so the cell looks as before plus the colour.
 */
export function toAnnotatedCopy(original: Uint8Array, plans: ResultPlan[], sheets: SheetPlan[] = []): Uint8Array | ResaveError {
  try {
    const level = new Map<string, 0 | 6>();
    let files: Files;
    try {
      files = unzipSync(original, {
        filter: (f) => {
          level.set(f.name, f.compression === 0 ? 0 : 6);
          return true;
        },
      });
    } catch {
      return refusal("压缩包无法解开（damaged package）");
    }
    const parts = workbookParts(files);
    let styles: Styles | null = null;
    let stylesKey: string | null = null;
    const getStyles = (): Styles => {
      if (styles) return styles;
      stylesKey = (() => {
        if (parts.relsKey) {
          const xml = text(files, parts.relsKey);
          for (const r of elements(xml, prefixOf(xml, "Relationship") ?? "", "Relationship", 0, xml.length)) {
            if ((getAttr(r.tag, "Type") ?? "").endsWith("/styles")) return keyOf(files, resolveTarget(normalName(parts.wbKey), decodeEntities(getAttr(r.tag, "Target") ?? "")));
          }
        }
        return keyOf(files, "xl/styles.xml");
      })();
      if (!stylesKey) refuse("工作簿没有样式部件（styles.xml）");
      return (styles = new Styles(text(files, stylesKey!)));
    };
    const bySheet = new Map<string, ResultPlan[]>();
    for (const plan of plans) bySheet.set(plan.sheet, [...(bySheet.get(plan.sheet) ?? []), plan]);
    for (const [name, group] of bySheet) {
      const ref = parts.sheets.find((s) => s.name === name) ?? refuse(`工作簿中没有工作表“${name}”`);
      files[ref.key] = enc.encode(editSheet(text(files, ref.key), name, targetsOf(group), getStyles));
    }
    addSheets(files, parts, sheets, getStyles);
    const st = styles as Styles | null;
    if (st && st.changed && stylesKey) files[stylesKey] = enc.encode(st.toXml());
    const zippable: Zippable = {};
    for (const [name, data] of Object.entries(files)) zippable[name] = [data, { level: level.get(name) ?? 6 }];
    return zipSync(zippable);
  } catch (e) {
    if (e instanceof Refusal) return refusal(e.message);
    return refusal(e instanceof Error ? e.message.slice(0, 200) : String(e));
  }
}

function refusal(detail: string): ResaveError {
  return { error: { code: "cannot-resave", message: `无法生成批注副本，原文件未改动（cannot write an annotated copy）：${detail}` } };
}
