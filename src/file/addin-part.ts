/**
 * The add-in's document settings inside an .xlsx — the very place Excel keeps a task-pane add-in's
 * Office.context.document.settings: a web-extension part (xl/webextensions/webextensionN.xml,
 * reached from the package's taskpanes part) whose <we:reference> names our add-in (manifest.xml's
 * Id) and whose <we:properties> hold one property per key, its value the key's JSON. The file door
 * reads the settings, the ledger and the check records from here and writes them back into
 * annotated copies, so Excel, the page and the command line read each other's. Browser-safe.
 */
import { attr, decodeAttr, EMPTY_RELS, escapeAttr, rootClose, rootPrefix, tags, withOverride, withRelationship } from "./xml";
import { listZip, normalizeName, readEntry, resolveTarget } from "./zip";
import { ZipCopyError, type PackageEdit } from "./zip-copy";

/** manifest.xml <Id>: the reference Excel writes for this add-in (test/manifest.test.ts holds them equal). */
export const ADDIN_ID = "37980a06-16b5-47ba-afc0-1d47a4f32d22";

const WE_NS = "http://schemas.microsoft.com/office/webextensions/webextension/2010/11";
const TP_NS = "http://schemas.microsoft.com/office/webextensions/taskpanes/2010/11";
const R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const TP_REL = "http://schemas.microsoft.com/office/2011/relationships/webextensiontaskpanes";
const WE_REL = "http://schemas.microsoft.com/office/2011/relationships/webextension";
const TP_CT = "application/vnd.ms-office.webextensiontaskpanes+xml";
const WE_CT = "application/vnd.ms-office.webextension+xml";

type PartText = (name: string) => string | null;

const dec = new TextDecoder("utf-8");
const enc = new TextEncoder();
const WE_PART = /(^|\/)webextension[^/]*\.xml$/i;

/** Parts of the web-extension folder (settings and task panes, with their relationships). */
export function isAddinPart(name: string): boolean {
  return /(^|\/)webextensions\//i.test(name.replace(/\\/g, "/"));
}

const ours = (xml: string) => {
  for (const r of tags(xml, "reference")) return (attr(r.tag, "id") ?? "").replace(/[{}]/g, "").toLowerCase() === ADDIN_ID;
  return false;
};

/** Name of our web-extension part among the package's parts, if the workbook has one. */
function ourPart(names: string[], text: PartText): string | null {
  for (const n of names) {
    if (!WE_PART.test(n) || /taskpanes/i.test(n)) continue;
    const xml = text(n);
    if (xml && ours(xml)) return n;
  }
  return null;
}

function propertiesOf(xml: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of tags(xml, "property")) {
    const name = attr(p.tag, "name");
    const value = attr(p.tag, "value");
    if (name === null || value === null) continue;
    const raw = decodeAttr(value);
    try {
      out[decodeAttr(name)] = JSON.parse(raw);
    } catch {
      out[decodeAttr(name)] = raw;
    }
  }
  return out;
}

/** The add-in's settings stored in a workbook's bytes: key → parsed value; {} when there are none or the package cannot be read. */
export function addinSettingsOf(bytes: Uint8Array): Record<string, unknown> {
  try {
    const entries = listZip(bytes);
    const byName = new Map(entries.map((e) => [normalizeName(e.name), e]));
    const text: PartText = (n) => {
      const e = byName.get(normalizeName(n));
      // A settings part is small; a huge one is not read into memory for this.
      if (!e || e.size > 8 << 20) return null;
      return dec.decode(readEntry(bytes, e));
    };
    const part = ourPart([...byName.keys()], text);
    return part ? propertiesOf(text(part) ?? "") : {};
  } catch {
    return {};
  }
}

const property = (p: string, key: string, value: unknown) => `<${p}property name="${escapeAttr(key)}" value="${escapeAttr(JSON.stringify(value))}"/>`;

function fail(why: string): never {
  throw new ZipCopyError(why);
}

function addOverride(pkg: PackageEdit, text: PartText, part: string, type: string): void {
  const ct = text("[Content_Types].xml") ?? fail("缺少 [Content_Types].xml");
  pkg.set("[Content_Types].xml", enc.encode(withOverride(ct, part, type) ?? fail("[Content_Types].xml 的结尾无法识别")));
}

/** Adds a relationship to a rels part (created when missing); returns its id. */
function addRel(pkg: PackageEdit, text: PartText, relsName: string, type: string, target: string): string {
  const r = withRelationship(text(relsName) ?? EMPTY_RELS, "rIdKjAddin", type, target) ?? fail(`${relsName} 的结尾无法识别`);
  pkg.set(relsName, enc.encode(r.xml));
  return r.id;
}

/**
 * Writes `values` (key → value; undefined removes the key) into the package's settings part of our
 * add-in, keeping every other property (Office's own, such as AutoShowTaskpaneWithDocument). When
 * the workbook has no such part, one is added with a hidden task pane entry that refers to it, as
 * Excel itself writes them. Throws ZipCopyError when the parts cannot be edited with certainty.
 */
export function setAddinSettings(pkg: PackageEdit, values: Record<string, unknown>): void {
  const text: PartText = (n) => {
    const d = pkg.get(n);
    return d ? dec.decode(d) : null;
  };
  const names = pkg.entries.map((e) => normalizeName(e.name));
  const part = ourPart(names, text);
  if (part) {
    let xml = text(part)!;
    const p = rootPrefix(xml, "webextension");
    const kept = [...tags(xml, "property")].filter((t) => !(decodeAttr(attr(t.tag, "name") ?? "") in values)).map((t) => t.tag);
    const props = [...kept, ...Object.entries(values).filter(([, v]) => v !== undefined).map(([k, v]) => property(p, k, v))].join("");
    const open = tags(xml, "properties").next();
    if (!open.done) {
      const o = open.value;
      const end = o.selfClosing ? o.end : xml.indexOf(">", xml.indexOf(`properties>`, o.end)) + 1;
      if (end <= 0) fail(`${part} 的 properties 不完整`);
      xml = `${xml.slice(0, o.start)}<${p}properties>${props}</${p}properties>${xml.slice(end)}`;
    } else {
      const ref = tags(xml, "reference").next();
      if (ref.done) fail(`${part} 没有 reference`);
      const at = ref.value.selfClosing ? ref.value.end : fail(`${part} 的 reference 无法识别`);
      xml = `${xml.slice(0, at)}<${p}properties>${props}</${p}properties>${xml.slice(at)}`;
    }
    pkg.set(part, enc.encode(xml));
    return;
  }
  const props = Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => property("we:", k, v))
    .join("");
  if (!props) return;
  // The task pane part the root relationships name, or a new one.
  const root = text("_rels/.rels") ?? fail("缺少 _rels/.rels");
  let panes: string | null = null;
  for (const r of tags(root, "Relationship")) if (attr(r.tag, "Type") === TP_REL) panes = resolveTarget("", decodeAttr(attr(r.tag, "Target") ?? ""));
  if (panes && !pkg.has(panes)) fail(`任务窗格部件 ${panes} 不存在`);
  let n = 1;
  while (pkg.has(`xl/webextensions/webextension${n}.xml`)) n++;
  const wePart = `xl/webextensions/webextension${n}.xml`;
  const guid = `{${ADDIN_ID.toUpperCase().replace(/.{4}$/, (s) => ((parseInt(s, 16) + n) & 0xffff).toString(16).toUpperCase().padStart(4, "0"))}}`;
  pkg.set(
    wePart,
    enc.encode(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<we:webextension xmlns:we="${WE_NS}" id="${guid}"><we:reference id="${ADDIN_ID}" version="1.0.0.0" store="developer" storeType="Registry"/><we:alternateReferences/><we:properties>${props}</we:properties><we:bindings/><we:snapshot xmlns:r="${R_NS}"/></we:webextension>`,
    ),
  );
  addOverride(pkg, text, wePart, WE_CT);
  if (!panes) {
    panes = "xl/webextensions/taskpanes.xml";
    pkg.set(panes, enc.encode(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<wetp:taskpanes xmlns:wetp="${TP_NS}"></wetp:taskpanes>`));
    addOverride(pkg, text, panes, TP_CT);
    addRel(pkg, text, "_rels/.rels", TP_REL, panes);
  }
  const relsName = panes.replace(/[^/]*$/, (f) => `_rels/${f}.rels`);
  const rid = addRel(pkg, text, relsName, WE_REL, wePart.replace(/^.*\//, ""));
  const tp = text(panes)!;
  const close = rootClose(tp, "taskpanes");
  if (close < 0) fail(`${panes} 的结尾无法识别`);
  const pp = rootPrefix(tp, "taskpanes");
  // Hidden (visibility 0): the settings travel with the file without opening a pane nobody asked for.
  const pane = `<${pp}taskpane dockstate="right" visibility="0" width="350" row="1"><${pp}webextensionref xmlns:r="${R_NS}" r:id="${rid}"/></${pp}taskpane>`;
  pkg.set(panes, enc.encode(tp.slice(0, close) + pane + tp.slice(close)));
}
