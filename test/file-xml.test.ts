/**
 * The package-editing helpers every writer shares (file/xml.ts): attribute escaping that Excel reads
 * back as written (settings values with line ends, a literal _x0041_, quotes), relationships and
 * content-type entries in the root's own prefix with fresh ids.
 */
import { addinSettingsOf, setAddinSettings } from "../src/file/addin-part";
import { editPackage, markBytes, markerOfBytes } from "../src/file/marker";
import { decodeAttr, escapeAttr, withOverride, withRelationship } from "../src/file/xml";
import { buildXlsx } from "./support/xlsx-build";

test("attribute values round-trip: entities and line ends, never the cell-text _xHHHH_ escape", () => {
  for (const s of ['a "b" & <c>', "第一行\n第二行\t制表", "a_x0041_b", "🔬"]) {
    expect(escapeAttr(s)).not.toMatch(/["<\n\t]/);
    expect(decodeAttr(escapeAttr(s))).toBe(s);
  }
  expect(escapeAttr("a_x0041_b")).toBe("a_x0041_b");
});

test("the add-in's settings keep such values through a file", () => {
  const book = buildXlsx({ sheets: [{ name: "表", xml: '<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>' }] });
  const pkg = editPackage(book);
  const value = { sheet: 'a_x0041_b "表"\n二', n: 8 };
  setAddinSettings(pkg, { "kj-assess:settings": value });
  const bytes = pkg.toZip();
  expect(addinSettingsOf(bytes)["kj-assess:settings"]).toEqual(value);
  // A second write keeps the first key and adds the other, in the same part.
  const again = editPackage(bytes);
  setAddinSettings(again, { other: [1, 2] });
  expect(addinSettingsOf(again.toZip())).toEqual({ "kj-assess:settings": value, other: [1, 2] });
  expect(markerOfBytes(markBytes(bytes, "annotated-copy"))).toBe("annotated-copy");
});

test("relationships and overrides take the root's prefix and a fresh id", () => {
  const rels = `<r:Relationships xmlns:r="x"><r:Relationship Id="rIdKj" Type="t" Target="a"/></r:Relationships>`;
  const r = withRelationship(rels, "rIdKj", "t2", "b&c")!;
  expect(r.id).toBe("rIdKj2");
  expect(r.xml).toBe(`<r:Relationships xmlns:r="x"><r:Relationship Id="rIdKj" Type="t" Target="a"/><r:Relationship Id="rIdKj2" Type="t2" Target="b&amp;c"/></r:Relationships>`);
  expect(withOverride(`<Types xmlns="y"></Types>`, "/docProps/custom.xml", "ct")).toBe(`<Types xmlns="y"><Override PartName="/docProps/custom.xml" ContentType="ct"/></Types>`);
  expect(withOverride(`<Types xmlns="y">`, "p", "ct")).toBeNull();
});
