/**
 * The little XML we need, scanned with indexOf over the decoded text — no DOM and no general
 * parser over untrusted input, and every scan moves forward only (linear in the part's size).
 * Element names may carry any namespace prefix (`x:row`, `x:c` from .NET writers); we compare
 * local names. Browser-safe: no node built-ins.
 */

const ENTITY = /&(?:#x([0-9a-fA-F]+)|#(\d+)|(amp|lt|gt|quot|apos));/g;
const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
/** OOXML's own escape for characters XML cannot carry (`_x0001_`); `_x005F_` escapes the underscore itself. */
const ESCAPED = /_x([0-9A-Fa-f]{4})_/g;

function codePoint(n: number): string {
  return n >= 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? String.fromCodePoint(n) : "\uFFFD";
}

/** Text as written in the part → the text it stands for (entities, character references, _xHHHH_). */
export function decodeXml(s: string): string {
  if (s.indexOf("&") < 0 && s.indexOf("_x") < 0) return s;
  return s
    .replace(ENTITY, (_, hex: string, dec: string, name: string) => (name ? NAMED[name] : codePoint(hex ? parseInt(hex, 16) : Number(dec))))
    .replace(ESCAPED, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Anything escapeXml would change (most texts have none: they are returned as they are). */
const NEEDS_ESCAPE = /_x[0-9A-Fa-f]{4}_|[&<>"\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/;

/**
 * Text → element content we write. Characters XML 1.0 forbids (most C0 controls) use OOXML's
 * `_xHHHH_` escape, and a literal `_xHHHH_` gets its underscore escaped, so text round-trips.
 */
export function escapeXml(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s
    .replace(/_(x[0-9A-Fa-f]{4}_)/g, "_x005F_$1")
    .replace(/[&<>"]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&quot;"))
    // Lone surrogates too: UTF-8 cannot carry them, and the copy must read back as written.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, (c) => `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}_`);
}

/**
 * Text → an attribute value read by something other than a cell reader (settings, properties,
 * relationships): entities only — `_xHHHH_` is a cell-text convention, which Excel does not undo
 * in a web-extension property — and tab and line ends as character references, which attribute
 * normalisation would otherwise turn into spaces.
 */
export function escapeAttr(s: string): string {
  return s.replace(/[&<>"\t\n\r]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : `&#${c.charCodeAt(0)};`));
}

/** An attribute value as written → its text: entities and character references only (see escapeAttr). */
export function decodeAttr(s: string): string {
  return s.indexOf("&") < 0 ? s : s.replace(ENTITY, (_, hex: string, dec: string, name: string) => (name ? NAMED[name] : codePoint(hex ? parseInt(hex, 16) : Number(dec))));
}

/** The start tag with `name` set to `value` (replaced, or added before the closing > or />). */
export function setAttr(tag: string, name: string, value: string): string {
  const re = attrPattern(name).set;
  if (re.test(tag)) return tag.replace(re, `$1"${value}"`);
  const end = tag.endsWith("/>") ? tag.length - 2 : tag.length - 1;
  return `${tag.slice(0, end)} ${name}="${value}"${tag.slice(end)}`;
}

/** The start tag without attribute `name`. */
export function dropAttr(tag: string, name: string): string {
  return tag.replace(attrPattern(name).drop, "");
}

/** The patterns for an attribute, made once per name (a large sheet sets one on every marked cell). */
const attrPatterns = new Map<string, { set: RegExp; drop: RegExp }>();
function attrPattern(name: string): { set: RegExp; drop: RegExp } {
  let p = attrPatterns.get(name);
  if (!p) attrPatterns.set(name, (p = { set: new RegExp(`([\\s]${name}\\s*=\\s*)(["'])(.*?)\\2`), drop: new RegExp(`\\s${name}\\s*=\\s*(["']).*?\\1`) }));
  return p;
}

/** Namespace prefix ("x:" or "") of the first element of local name `root`. */
export function rootPrefix(xml: string, root: string): string {
  return new RegExp(`<([\\w.-]+:)?${root}[\\s>/]`).exec(xml)?.[1] ?? "";
}

/** Position of the closing tag of the part's root element (the last end tag), or -1. */
export function rootClose(xml: string, root: string): number {
  const i = xml.lastIndexOf("</");
  return i >= 0 && localName(xml, i + 1).name === root ? i : -1;
}

/** `el` (written without prefix) inserted, in the root's namespace prefix, just before the root's end; null when the end cannot be found. */
function appendToRoot(xml: string, root: string, el: (p: string) => string): string | null {
  const at = rootClose(xml, root);
  return at < 0 ? null : xml.slice(0, at) + el(rootPrefix(xml, root)) + xml.slice(at);
}

/** [Content_Types].xml with an Override for `part`; null when its end cannot be found. */
export function withOverride(ct: string, part: string, type: string): string | null {
  return appendToRoot(ct, "Types", (p) => `<${p}Override PartName="/${escapeAttr(part.replace(/^\//, ""))}" ContentType="${escapeAttr(type)}"/>`);
}

/** A relationships part with one more relationship, under a fresh id starting `idBase`; null when its end cannot be found. */
export function withRelationship(rels: string, idBase: string, type: string, target: string): { xml: string; id: string } | null {
  let id = idBase;
  for (let n = 2; new RegExp(`Id\\s*=\\s*["']${id}["']`).test(rels); n++) id = `${idBase}${n}`;
  const xml = appendToRoot(rels, "Relationships", (p) => `<${p}Relationship Id="${id}" Type="${escapeAttr(type)}" Target="${escapeAttr(target)}"/>`);
  return xml === null ? null : { xml, id };
}

/** An empty relationships part, for a part that had none. */
export const EMPTY_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>`;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Value of attribute `name` (exact, unprefixed unless given with its prefix) in one start tag's text, or null. */
export function attr(tag: string, name: string): string | null {
  let from = 0;
  for (;;) {
    const i = tag.indexOf(name, from);
    if (i < 0) return null;
    from = i + 1;
    // Whole attribute names only ("r" must not match in "ref=" or "xr:r=").
    if (!isSpace(tag.charCodeAt(i - 1))) continue;
    let j = i + name.length;
    while (isSpace(tag.charCodeAt(j))) j++;
    if (tag[j] !== "=") continue;
    j++;
    while (isSpace(tag.charCodeAt(j))) j++;
    const q = tag[j];
    if (q !== '"' && q !== "'") return null;
    const end = tag.indexOf(q, j + 1);
    return end < 0 ? null : tag.slice(j + 1, end);
  }
}

/** Local name of the element whose tag starts at `lt` (the "<"), and where the name ends. */
export function localName(xml: string, lt: number): { name: string; end: number } {
  let j = lt + 1;
  let start = j;
  for (;;) {
    const c = xml.charCodeAt(j);
    if (!(c > 32) || c === 47 /* / */ || c === 62 /* > */) break;
    if (c === 58 /* : */) start = j + 1;
    j++;
  }
  return { name: xml.slice(start, j), end: j };
}

export interface Tag {
  /** The whole start tag, "<" to ">". */
  tag: string;
  start: number;
  end: number;
  selfClosing: boolean;
}

/** Every start tag of local name `name` in xml (from `from`, before `to`), in order. */
export function* tags(xml: string, name: string, from = 0, to = xml.length): Generator<Tag> {
  let p = from;
  for (;;) {
    const i = xml.indexOf("<", p);
    if (i < 0 || i >= to) return;
    const c = xml.charCodeAt(i + 1);
    if (c === 33 /* ! */ && xml.startsWith("<!--", i)) {
      const e = xml.indexOf("-->", i + 4);
      if (e < 0) return;
      p = e + 3;
      continue;
    }
    const close = xml.indexOf(">", i + 1);
    if (close < 0) return;
    if (c !== 47 && c !== 63 && c !== 33 && localName(xml, i).name === name) {
      yield { tag: xml.slice(i, close + 1), start: i, end: close + 1, selfClosing: xml.charCodeAt(close - 1) === 47 };
    }
    p = close + 1;
  }
}

/**
 * Position of the end tag `</name>` or `</prefix:name>` at or after `from`, walking end tags in
 * order — searching for one spelling alone would rescan the whole part for every element when
 * the file uses another (a quadratic hang on namespaced files).
 */
export function closingTag(xml: string, from: number, name: string): number {
  let q = from;
  for (;;) {
    q = xml.indexOf("</", q);
    if (q < 0) return -1;
    const gt = xml.indexOf(">", q);
    if (gt < 0) return -1;
    let s = q + 2;
    let e = gt;
    while (e > s && isSpace(xml.charCodeAt(e - 1))) e--;
    // The prefix ends at a colon inside the name (never search backwards past the tag: linear time).
    for (let k = s; k < e; k++) if (xml.charCodeAt(k) === 58) s = k + 1;
    if (e - s === name.length && xml.startsWith(name, s)) return q;
    q = gt + 1;
  }
}

/** Concatenated text of every <t> in a fragment (a rich-text string's runs), skipping phonetic guides (<rPh>). */
export function textOf(fragment: string): string {
  let out = "";
  let p = 0;
  for (;;) {
    const i = fragment.indexOf("<", p);
    if (i < 0) break;
    const gt = fragment.indexOf(">", i);
    if (gt < 0) break;
    const c = fragment.charCodeAt(i + 1);
    if (c === 47 || c === 63 || c === 33) {
      p = gt + 1;
      continue;
    }
    const { name } = localName(fragment, i);
    const selfClosing = fragment.charCodeAt(gt - 1) === 47;
    if (name === "rPh" && !selfClosing) {
      const e = closingTag(fragment, gt + 1, "rPh");
      p = e < 0 ? fragment.length : e + 1;
      continue;
    }
    if (name === "t" && !selfClosing) {
      const end = fragment.indexOf("</", gt);
      if (end < 0) break;
      const raw = fragment.slice(gt + 1, end);
      out += raw.startsWith("<![CDATA[") ? raw.slice(9, raw.lastIndexOf("]]>") >= 0 ? raw.lastIndexOf("]]>") : undefined) : decodeXml(raw);
      p = end + 1;
      continue;
    }
    p = gt + 1;
  }
  return out;
}
