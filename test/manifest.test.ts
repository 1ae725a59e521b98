/**
 * @jest-environment jsdom
 */
/**
 * manifest.xml checked offline: no validation service is reachable here (TOOLCHAIN.md), so this
 * test checks what Office itself rejects or silently mis-wires — well-formedness, resource
 * references, the shared-runtime wiring, the namespace, the URLs and the icons they point to.
 */
import * as fs from "fs";
import * as path from "path";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { METADATA_FILES } = require("../src/functions/metadata-i18n.js");

const ROOT = path.join(__dirname, "..");
const xml = fs.readFileSync(path.join(ROOT, "manifest.xml"), "utf8");
const doc = new DOMParser().parseFromString(xml, "application/xml");

const APP = "http://schemas.microsoft.com/office/appforoffice/1.1";
const BT = "http://schemas.microsoft.com/office/officeappbasictypes/1.0";
const OV = "http://schemas.microsoft.com/office/taskpaneappversionoverrides";
const XSI = "http://www.w3.org/2001/XMLSchema-instance";

const all = (el: Document | Element, local: string, ns?: string): Element[] =>
  Array.from(ns ? el.getElementsByTagNameNS(ns, local) : el.getElementsByTagName(local));
const one = (el: Document | Element, local: string, ns?: string): Element => {
  const found = all(el, local, ns);
  if (found.length !== 1) throw new Error(`expected one <${local}>, found ${found.length}`);
  return found[0];
};
const children = (el: Element): Element[] => Array.from(el.children);
const xsiType = (el: Element) => el.getAttributeNS(XSI, "type");

const resources = one(doc, "Resources", OV);
const resourceKinds = { Images: "image", Urls: "url", ShortStrings: "short", LongStrings: "long" } as const;
type Kind = (typeof resourceKinds)[keyof typeof resourceKinds];
const defined = new Map<string, { kind: Kind; value: string; el: Element }>();
for (const [group, kind] of Object.entries(resourceKinds)) {
  for (const group_el of all(resources, group, BT)) {
    for (const el of children(group_el)) {
      const id = el.getAttribute("id")!;
      if (defined.has(id)) throw new Error(`resource id ${id} defined twice`);
      defined.set(id, { kind, value: el.getAttribute("DefaultValue") ?? "", el });
    }
  }
}
const resolve = (resid: string | null) => {
  const r = resid ? defined.get(resid) : undefined;
  if (!r) throw new Error(`resid ${resid} is not defined`);
  return r;
};

/** The kind of resource an element's resid must point to (from the VersionOverrides schema). */
function expectedKind(el: Element): Kind {
  switch (el.localName) {
    case "Image":
      return "image";
    case "SourceLocation":
    case "Runtime":
    case "FunctionFile":
    case "LearnMoreUrl":
      return "url";
    case "Label":
    case "Title":
    case "Namespace":
      return "short";
    case "Description":
      return "long";
    default:
      throw new Error(`unexpected resid on <${el.localName}>`);
  }
}

const hostOverrides = all(one(doc, "VersionOverrides", OV), "Host", OV);
const workbookHost = hostOverrides.find((h) => xsiType(h) === "Workbook")!;
const customFunctions = all(workbookHost, "ExtensionPoint", OV).find((e) => xsiType(e) === "CustomFunctions")!;

function pngSize(file: string): { width: number; height: number } {
  const buf = fs.readFileSync(file);
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(buf.toString("ascii", 12, 16)).toBe("IHDR");
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

/** Every absolute URL the manifest holds, with where it sits. */
function allUrls(): { where: string; url: string }[] {
  const out: { where: string; url: string }[] = [];
  const walk = (el: Element) => {
    for (const a of Array.from(el.attributes)) if (/^\w+:\/\//.test(a.value)) out.push({ where: `<${el.tagName} ${a.name}>`, url: a.value });
    if (!el.children.length && /^\w+:\/\//.test(el.textContent ?? "")) out.push({ where: `<${el.tagName}>`, url: el.textContent!.trim() });
    children(el).forEach(walk);
  };
  walk(doc.documentElement);
  // Namespace declarations are not URLs the add-in loads.
  return out.filter((u) => !u.where.includes("xmlns"));
}

describe("manifest.xml", () => {
  it("is well-formed XML with an OfficeApp task-pane root", () => {
    expect(doc.getElementsByTagName("parsererror")).toHaveLength(0);
    expect(doc.documentElement.localName).toBe("OfficeApp");
    expect(xsiType(doc.documentElement)).toBe("TaskPaneApp");
    expect(one(doc, "Id").textContent).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(one(doc, "Version").textContent).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it("is named 科教考核助手, Chinese by default with an English override", () => {
    expect(one(doc, "DefaultLocale").textContent).toBe("zh-CN");
    const name = one(doc, "DisplayName");
    expect(name.getAttribute("DefaultValue")).toBe("科教考核助手");
    const override = one(name, "Override");
    expect([override.getAttribute("Locale"), override.getAttribute("Value")]).toEqual(["en-US", "KJ Assess"]);
    expect(all(one(doc, "Description", APP), "Override").map((o) => o.getAttribute("Locale"))).toEqual(["en-US"]);
  });

  it("resolves every resid to a resource of the right kind, and defines none it does not use", () => {
    const users = Array.from(doc.querySelectorAll("*")).filter((el) => el.hasAttribute("resid"));
    expect(users.length).toBeGreaterThan(10);
    const used = new Set<string>();
    for (const el of users) {
      const resid = el.getAttribute("resid")!;
      expect(resid.length).toBeLessThanOrEqual(32); // schema limit on resource ids
      expect({ resid, kind: resolve(resid).kind }).toEqual({ resid, kind: expectedKind(el) });
      used.add(resid);
    }
    expect([...defined.keys()].filter((id) => !used.has(id))).toEqual([]);
  });

  it("keeps strings within the schema's lengths and gives every string a zh-CN default", () => {
    for (const [id, r] of defined) {
      if (r.kind === "short") expect({ id, ok: r.value.length > 0 && r.value.length <= 125 }).toEqual({ id, ok: true });
      if (r.kind === "long") expect({ id, ok: r.value.length > 0 && r.value.length <= 250 }).toEqual({ id, ok: true });
      for (const o of all(r.el, "Override", BT)) {
        expect(o.getAttribute("Locale")).toBe("en-US");
        expect(o.getAttribute("Value")!.length).toBeLessThanOrEqual(r.kind === "long" ? 250 : 125);
      }
    }
  });

  it("requires SharedRuntime 1.1", () => {
    const sets = all(one(doc, "Requirements"), "Set");
    expect(sets.map((s) => [s.getAttribute("Name"), s.getAttribute("MinVersion")])).toContainEqual(["SharedRuntime", "1.1"]);
  });

  it("puts <Runtimes> right after <Host>, with one long-lived runtime shared by functions, commands and pane", () => {
    expect(hostOverrides).toHaveLength(1);
    expect(children(workbookHost)[0].localName).toBe("Runtimes");
    const runtimes = all(workbookHost, "Runtime", OV);
    expect(runtimes).toHaveLength(1);
    expect(runtimes[0].getAttribute("lifetime")).toBe("long");
    const shared = runtimes[0].getAttribute("resid");
    const page = one(one(customFunctions, "Page", OV), "SourceLocation", OV).getAttribute("resid");
    const functionFile = one(workbookHost, "FunctionFile", OV).getAttribute("resid");
    expect([page, functionFile]).toEqual([shared, shared]);
    // The ribbon's task pane and the add-in's default page are the same page too.
    const paneActions = all(workbookHost, "Action", OV).filter((a) => xsiType(a) === "ShowTaskpane");
    expect(paneActions.length).toBeGreaterThan(0);
    for (const a of paneActions) expect(one(a, "SourceLocation", OV).getAttribute("resid")).toBe(shared);
    expect(one(one(doc, "DefaultSettings"), "SourceLocation").getAttribute("DefaultValue")).toBe(resolve(shared).value);
    expect(resolve(shared).value).toMatch(/\/taskpane\.html$/);
  });

  it("declares the custom functions: script, metadata and a valid namespace KJ", () => {
    const script = resolve(one(one(customFunctions, "Script", OV), "SourceLocation", OV).getAttribute("resid")).value;
    const metadata = resolve(one(one(customFunctions, "Metadata", OV), "SourceLocation", OV).getAttribute("resid")).value;
    expect(new URL(script).pathname).toBe("/functions.js");
    expect(new URL(metadata).pathname).toBe("/functions.json");
    const ns = resolve(one(customFunctions, "Namespace", OV).getAttribute("resid")).value;
    expect(ns).toBe("KJ");
    expect(ns).toMatch(/^[A-Za-z0-9]{1,32}$/);
  });

  it("points the functions' metadata to the Chinese file by default and the English one for en-US", () => {
    const url = resolve("Functions.Metadata.Url");
    expect(url.value).toBe("https://localhost:3000/functions.json");
    expect(all(url.el, "Override", BT).map((o) => [o.getAttribute("Locale"), o.getAttribute("Value")])).toEqual([["en-US", "https://localhost:3000/functions-en.json"]]);
  });

  it("uses https on one origin for every URL, and each points to something the build serves", () => {
    const urls = allUrls();
    expect(urls.length).toBeGreaterThan(8);
    const origins = new Set(urls.map((u) => new URL(u.url).origin));
    expect([...origins]).toEqual(["https://localhost:3000"]);
    for (const { where, url } of urls) {
      const p = new URL(url).pathname;
      // functions.json per language: metadata-i18n.js names the files the build writes.
      const built = ["/taskpane.html", "/functions.js", ...Object.values(METADATA_FILES as Record<string, string>).map((f) => `/${f}`)];
      const served = built.includes(p) || (p.startsWith("/assets/") && fs.existsSync(path.join(ROOT, p)));
      expect({ where, url, served }).toEqual({ where, url, served: true });
    }
  });

  it("points every icon to a PNG in assets/ of the declared pixel size", () => {
    const checks: { url: string; size: number }[] = [
      { url: one(doc, "IconUrl").getAttribute("DefaultValue")!, size: 32 },
      { url: one(doc, "HighResolutionIconUrl").getAttribute("DefaultValue")!, size: 64 },
    ];
    for (const img of all(workbookHost, "Image", BT)) checks.push({ url: resolve(img.getAttribute("resid")).value, size: Number(img.getAttribute("size")) });
    expect(new Set(checks.map((c) => c.size))).toEqual(new Set([16, 32, 64, 80]));
    for (const { url, size } of checks) {
      const file = path.join(ROOT, new URL(url).pathname);
      expect(pngSize(file)).toEqual({ width: size, height: size });
    }
  });

  it("gives ribbon controls unique ids and a ribbon group with 16/32/80 icons", () => {
    const ids = [...all(workbookHost, "Group", OV), ...all(workbookHost, "Control", OV)].map((e) => e.getAttribute("id"));
    expect(new Set(ids).size).toBe(ids.length);
    for (const icon of all(workbookHost, "Icon", OV)) expect(all(icon, "Image", BT).map((i) => i.getAttribute("size"))).toEqual(["16", "32", "80"]);
    expect(one(workbookHost, "OfficeTab", OV).getAttribute("id")).toBe("TabHome");
  });

  it("names in every ExecuteFunction an action that commands.ts registers", () => {
    const names = all(workbookHost, "Action", OV)
      .filter((a) => xsiType(a) === "ExecuteFunction")
      .map((a) => one(a, "FunctionName", OV).textContent);
    expect(names.length).toBeGreaterThan(0);
    const associate = jest.fn();
    (globalThis as unknown as { Office: unknown }).Office = { actions: { associate } };
    try {
      jest.isolateModules(() => require("../src/commands/commands"));
    } finally {
      delete (globalThis as unknown as { Office?: unknown }).Office;
    }
    const registered = associate.mock.calls.map((c) => c[0]);
    for (const n of names) expect(registered).toContain(n);
    for (const c of associate.mock.calls) expect(typeof c[1]).toBe("function");
  });
});
