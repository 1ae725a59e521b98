/**
 * How we know a workbook is one we wrote — an earlier report that a new run may replace, an
 * annotated copy that a folder walk passes over — from a marker inside it, never from its sheet
 * names (an official's own workbook may well have sheets called 汇总 and 问题清单). The marker is
 * a custom document property, `kj-assess` = `report` or `annotated-copy`, in docProps/custom.xml:
 * Excel and WPS show it under File › Properties › Custom and keep it when the file is saved.
 * Browser-safe.
 */
import { attr, decodeXml, escapeAttr, rootClose, rootPrefix, tags, withOverride, withRelationship } from "./xml";
import { fflate } from "./fflate-lazy";
import { readEntry, resolveTarget } from "./zip";
import { PackageEdit, ZipCopyError, type RawEntry } from "./zip-copy";

export type OurKind = "report" | "annotated-copy";
export const MARKER_PROPERTY = "kj-assess";

const CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties";
const CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml";
const CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties";
const VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes";
/** The format id every user-defined property carries. */
const FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}";

const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { fatal: true });

/** A part's text, or null when the package has none by that name (or it is not UTF-8). */
type PartText = (name: string) => string | null;

/** The custom-properties part the package's root relationships point at, if any. */
export function customPart(text: PartText): string | null {
  const rels = text("_rels/.rels");
  if (!rels) return null;
  for (const r of tags(rels, "Relationship")) {
    if (attr(r.tag, "Type") === CUSTOM_REL && attr(r.tag, "TargetMode") !== "External") return resolveTarget("", decodeXml(attr(r.tag, "Target") ?? ""));
  }
  return null;
}

/** The marker's value in a custom-properties part, when it is one of ours. */
function markerIn(xml: string): OurKind | null {
  for (const p of tags(xml, "property")) {
    if (decodeXml(attr(p.tag, "name") ?? "") !== MARKER_PROPERTY || p.selfClosing) continue;
    const m = /<(?:[\w.-]+:)?lpwstr(?:\s[^>]*)?>([^<]*)</.exec(xml.slice(p.end, xml.indexOf("property>", p.end)));
    const v = m ? decodeXml(m[1]) : "";
    return v === "report" || v === "annotated-copy" ? v : null;
  }
  return null;
}

/** Which of our outputs these parts are, or null (not ours, or not readable as a package). */
export function markerOf(text: PartText): OurKind | null {
  try {
    const part = customPart(text);
    if (!part) return null;
    const xml = text(part);
    return xml ? markerIn(xml) : null;
  } catch {
    return null;
  }
}

/** A part's text for the marker's needs: UTF-8 only (a part in another encoding is not edited). */
export function utf8Text(pkg: PackageEdit, name: string): string | null {
  const d = pkg.get(name);
  if (!d) return null;
  try {
    return dec.decode(d);
  } catch {
    return null;
  }
}

const property = (pid: number, kind: OurKind) =>
  `<property fmtid="${FMTID}" pid="${pid}" name="${escapeAttr(MARKER_PROPERTY)}"><vt:lpwstr xmlns:vt="${VT_NS}">${kind}</vt:lpwstr></property>`;

/** Marks the package as ours (edits or adds docProps/custom.xml). Throws ZipCopyError when that cannot be done with certainty. */
export function markPackage(pkg: PackageEdit, kind: OurKind): void {
  const text = (n: string) => utf8Text(pkg, n);
  const existing = customPart(text);
  if (existing && pkg.has(existing)) {
    const xml = text(existing) ?? fail(`${existing} 不是 UTF-8 编码`);
    if (markerIn(xml) === kind) return;
    for (const p of tags(xml, "property")) {
      if (decodeXml(attr(p.tag, "name") ?? "") === MARKER_PROPERTY) fail(`${existing} 已有另一个 ${MARKER_PROPERTY} 属性`);
    }
    let pid = 1;
    for (const p of tags(xml, "property")) pid = Math.max(pid, Number(attr(p.tag, "pid")) || 0);
    const root = tags(xml, "Properties").next();
    if (root.done) fail(`${existing} 的结构无法识别`);
    // Our element takes the root's prefix, so it lands in the root's namespace.
    const prefix = rootPrefix(root.value.tag, "Properties");
    const el = property(pid + 1, kind).replace(/^<property/, `<${prefix}property`).replace(/<\/property>$/, `</${prefix}property>`);
    if (root.value.selfClosing) {
      // <Properties …/> with no property yet (some writers leave it so).
      const open = root.value.tag.replace(/\s*\/>$/, ">");
      pkg.set(existing, enc.encode(`${xml.slice(0, root.value.start)}${open}${el}</${prefix}Properties>${xml.slice(root.value.end)}`));
      return;
    }
    const close = rootClose(xml, "Properties");
    if (close < 0) fail(`${existing} 的结尾无法识别`);
    pkg.set(existing, enc.encode(xml.slice(0, close) + el + xml.slice(close)));
    return;
  }
  let name = "docProps/custom.xml";
  for (let n = 2; pkg.has(name); n++) name = `docProps/custom${n}.xml`;
  pkg.set(name, enc.encode(markerParts(kind).xml));
  const rels = text("_rels/.rels") ?? fail("缺少 _rels/.rels");
  pkg.set("_rels/.rels", enc.encode((withRelationship(rels, "rIdKj", CUSTOM_REL, `/${name}`) ?? fail("_rels/.rels 的结尾无法识别")).xml));
  const ct = text("[Content_Types].xml") ?? fail("缺少 [Content_Types].xml");
  pkg.set("[Content_Types].xml", enc.encode(withOverride(ct, name, CUSTOM_CT) ?? fail("[Content_Types].xml 的结尾无法识别")));
}

/**
 * For a package written from scratch (a report streamed part by part): the custom-properties part
 * carrying the marker, and the relationship and content-type entries that point at it.
 */
export function markerParts(kind: OurKind): { name: string; xml: string; relationship: string; override: string } {
  const name = "docProps/custom.xml";
  return {
    name,
    xml: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="${CUSTOM_NS}" xmlns:vt="${VT_NS}">${property(2, kind)}</Properties>`,
    relationship: `<Relationship Id="rIdKj" Type="${CUSTOM_REL}" Target="/${name}"/>`,
    override: `<Override PartName="/${name}" ContentType="${CUSTOM_CT}"/>`,
  };
}

function fail(why: string): never {
  throw new ZipCopyError(why);
}

// ------------------------------------------------------------------ reading the marker cheaply

/** Random access to a package's bytes: a file read piece by piece, or bytes in memory. */
export interface ByteSource {
  size: number;
  read(offset: number, length: number): Uint8Array;
}

/** Parts bigger than this are not a marker's (a custom-properties part is a few hundred bytes). */
const SMALL_PART = 1 << 20;
const le16 = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
const le32 = (b: Uint8Array, i: number) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16)) + b[i + 3] * 0x1000000;

/**
 * The marker, reading only the zip's directory and the two small parts it needs — a folder walk
 * asks this of every workbook it finds, so it must not read whole files. Anything unexpected
 * (zip64, a damaged directory) answers null: such a file is checked like any other.
 */
export function markerOfSource(src: ByteSource, inflate: (data: Uint8Array, size: number) => Uint8Array): OurKind | null {
  try {
    if (src.size < 22) return null;
    const tailLen = Math.min(src.size, 22 + 65535);
    const tail = src.read(src.size - tailLen, tailLen);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail[i] === 0x50 && tail[i + 1] === 0x4b && tail[i + 2] === 5 && tail[i + 3] === 6) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) return null;
    const count = le16(tail, eocd + 10);
    const dirSize = le32(tail, eocd + 12);
    const dirOff = le32(tail, eocd + 16);
    if (dirOff + dirSize > src.size || dirSize > 64 * SMALL_PART) return null;
    const dir = src.read(dirOff, dirSize);
    const byName = new Map<string, { method: number; csize: number; size: number; offset: number }>();
    const names = new TextDecoder("utf-8");
    for (let p = 0, n = 0; n < count && p + 46 <= dir.length; n++) {
      if (le32(dir, p) !== 0x02014b50) return null;
      const nameLen = le16(dir, p + 28);
      const name = names.decode(dir.subarray(p + 46, p + 46 + nameLen)).replace(/\\/g, "/").replace(/^\/+/, "").toLowerCase();
      byName.set(name, { method: le16(dir, p + 10), csize: le32(dir, p + 20), size: le32(dir, p + 24), offset: le32(dir, p + 42) });
      p += 46 + nameLen + le16(dir, p + 30) + le16(dir, p + 32);
    }
    const text: PartText = (name) => {
      const e = byName.get(name.replace(/\\/g, "/").replace(/^\/+/, "").toLowerCase());
      if (!e || e.size > SMALL_PART || e.csize > SMALL_PART || e.offset + 30 > src.size) return null;
      const h = src.read(e.offset, 30);
      if (le32(h, 0) !== 0x04034b50) return null;
      const data = src.read(e.offset + 30 + le16(h, 26) + le16(h, 28), e.csize);
      const raw = e.method === 0 ? data : e.method === 8 ? inflate(data, e.size) : null;
      if (!raw) return null;
      try {
        return dec.decode(raw);
      } catch {
        return null;
      }
    };
    return markerOf(text);
  } catch {
    return null;
  }
}

/** A package read for editing: the original's parts, inflated on demand by the reader's own zip code. */
export function editPackage(bytes: Uint8Array, entries?: RawEntry[]): PackageEdit {
  return new PackageEdit(bytes, (e) => readEntry(bytes, e), entries);
}

/** The same workbook with our marker added: every other part copied raw. */
export function markBytes(bytes: Uint8Array, kind: OurKind): Uint8Array {
  const pkg = editPackage(bytes);
  markPackage(pkg, kind);
  return pkg.toZip();
}

export function markerOfBytes(bytes: Uint8Array): OurKind | null {
  return markerOfSource({ size: bytes.length, read: (o, l) => bytes.subarray(o, o + l) }, (d, size) => fflate().inflateSync(d, { out: new Uint8Array(size) }));
}
