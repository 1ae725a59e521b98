/**
 * A reading chosen in the pane (e.g. standard 四 converted) is saved in the workbook: the file door
 * (command line, page) must apply it and record it as changed, like the thresholds beside it.
 */
import * as fs from "fs";
import * as path from "path";
import { checkWorkbook } from "../src/file/check";
import { setAddinSettings } from "../src/file/addin-part";
import { PackageEdit, rawEntries } from "../src/file/zip-copy";
import { readEntry } from "../src/file/zip";
import { builtinPacks } from "../src/packs";
import { SETTINGS_KEY } from "../src/excel/ledger";

const EXAMPLE = path.join(__dirname, "..", "examples", "考核-证据数量.xlsx");

function withSettings(bytes: Uint8Array, settings: object): Uint8Array {
  const pkg = new PackageEdit(bytes, (e) => readEntry(bytes, e));
  setAddinSettings(pkg, { [SETTINGS_KEY]: settings });
  return pkg.toZip();
}

function check(bytes: Uint8Array) {
  const r = checkWorkbook(bytes, builtinPacks());
  if (!r.ok) throw new Error(r.error.message);
  return r.sheets[0];
}

test("a saved reading applies in the file door and is recorded as changed; a reading the pack does not offer is ignored", () => {
  const original = new Uint8Array(fs.readFileSync(EXAMPLE));
  expect(rawEntries(original).length).toBeGreaterThan(0);
  const plain = check(original);
  const converted = check(withSettings(original, { pack: "studio-assessment", readings: { "std4-strict": "convert" } }));
  const junk = check(withSettings(original, { pack: "studio-assessment", readings: { "std4-strict": "whatever", nothing: "x" } }));

  const std4 = (s: typeof plain) => s.checked.readings.find((x) => x.id === "std4-strict");
  expect(std4(plain)?.changed).toBeUndefined();
  expect(std4(converted)).toMatchObject({ choice: "convert", changed: true });
  expect(std4(junk)?.changed).toBeUndefined();
  // The verdicts are the reading's: never fewer standards met under the wider reading, the same under junk.
  const met = (s: typeof plain) => s.result.records.map((r) => r.met ?? 0);
  met(converted).forEach((m, i) => expect(m).toBeGreaterThanOrEqual(met(plain)[i]));
  expect(met(junk)).toEqual(met(plain));
});
