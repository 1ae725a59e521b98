/**
 * Carrying a workbook between doors in tests: what each cell's fill is in an .xlsx (read here with
 * our own small parse of styles.xml, not the code under test), a workbook opened in Excel (the
 * fake object model, seeded with the file's values, solid RGB fills and the add-in's settings),
 * and Excel's workbook saved back to an .xlsx (values, fills, settings in the web-extension part,
 * as Excel keeps them).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { strFromU8, unzipSync } from "fflate";
import { addinSettingsOf, setAddinSettings } from "../../src/file/addin-part";
import { editPackage } from "../../src/file/marker";
import { readWorkbook, sheetGrid } from "../../src/file/xlsx-read";
import { FakeExcel, type Seed } from "./fake-excel";
import { buildXlsx } from "./xlsx-build";

const letter = (c: number): string => (c > 26 ? letter(Math.floor((c - 1) / 26)) : "") + String.fromCharCode(65 + ((c - 1) % 26));

/** The part of the sheet named `sheet` (workbook.xml → its relationship). */
function sheetPart(files: Record<string, Uint8Array>, sheet: string): string {
  const wb = strFromU8(files["xl/workbook.xml"]);
  const esc = sheet.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
  const rid = new RegExp(`<sheet [^>]*name="${esc}"[^>]*r:id="([^"]+)"`).exec(wb)?.[1] ?? new RegExp(`<sheet [^>]*r:id="([^"]+)"[^>]*name="${esc}"`).exec(wb)?.[1];
  const rels = strFromU8(files["xl/_rels/workbook.xml.rels"]);
  const target = new RegExp(`<Relationship [^>]*Id="${rid}"[^>]*Target="([^"]+)"`).exec(rels)?.[1] ?? new RegExp(`<Relationship [^>]*Target="([^"]+)"[^>]*Id="${rid}"`).exec(rels)?.[1];
  if (!target) throw new Error(`no sheet ${sheet}`);
  return target.startsWith("/") ? target.slice(1) : `xl/${target}`;
}

export interface CellFill {
  /** The <fill> element the cell's format points at, as written. */
  xml: string;
  /** Its solid RGB colour, when it has one. */
  rgb: string | null;
}

/** Every cell of the sheet that has a fill (not "none"), by address. */
export function cellFills(bytes: Uint8Array, sheet: string): Record<string, CellFill> {
  const files = unzipSync(bytes);
  const styles = strFromU8(files["xl/styles.xml"]);
  const xfs = /<cellXfs[^>]*>([\s\S]*?)<\/cellXfs>/.exec(styles)![1].match(/<xf [^>]*>/g)!;
  const fills = /<fills[^>]*>([\s\S]*?)<\/fills>/.exec(styles)![1].match(/<fill>[\s\S]*?<\/fill>|<fill\/>/g)!;
  const out: Record<string, CellFill> = {};
  const xml = strFromU8(files[sheetPart(files, sheet)]);
  for (const m of xml.matchAll(/<c r="([A-Z]+\d+)"([^>]*?)\/?>/g)) {
    const s = Number(/\ss="(\d+)"/.exec(m[2])?.[1] ?? 0);
    const fill = fills[Number(/fillId="(\d+)"/.exec(xfs[s] ?? "")?.[1] ?? 0)] ?? "";
    if (!fill || /patternType="none"/.test(fill) || !/patternType=/.test(fill)) continue;
    const rgb = /patternType="solid"/.test(fill) ? /fgColor rgb="[0-9A-F]{2}([0-9A-F]{6})"/i.exec(fill)?.[1] : undefined;
    out[m[1]] = { xml: fill, rgb: rgb ? `#${rgb.toUpperCase()}` : null };
  }
  return out;
}

/** Excel with the workbook open: every sheet's values, solid RGB fills, and the add-in's document settings from the file. */
export function openInExcel(bytes: Uint8Array): { fake: FakeExcel; restore: () => void } {
  const fake = new FakeExcel();
  const restore = fake.install();
  const r = readWorkbook(bytes);
  if (!r.ok) throw new Error(r.error.message);
  for (const s of r.workbook.sheets) {
    const g = sheetGrid(s);
    if (!g.ok) continue;
    const rows = g.grid.rows.map((row) => row.map((v) => (typeof v === "object" && v !== null ? null : v))) as Seed[][];
    const fills: Record<string, string> = {};
    for (const [address, f] of Object.entries(cellFills(bytes, s.name))) if (f.rgb) fills[address] = f.rgb;
    fake.addSheet(s.name, { rows, at: `${letter(g.grid.origin.col)}${g.grid.origin.row}`, fills });
  }
  for (const [k, v] of Object.entries(addinSettingsOf(bytes))) fake.settings.set(k, v);
  return { fake, restore };
}

const xmlText = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Excel saves the workbook: its sheets' values and fills, and the add-in's settings where Excel keeps them. */
export function saveFromExcel(fake: FakeExcel): Uint8Array {
  const colours = [...new Set(fake.sheets.flatMap((s) => Object.values(s.fillSnapshot())))];
  const fills = colours.map((c) => `<fill><patternFill patternType="solid"><fgColor rgb="FF${c.slice(1)}"/><bgColor indexed="64"/></patternFill></fill>`);
  const xfs = colours.map((_, i) => `<xf numFmtId="0" fontId="0" fillId="${i + 2}" borderId="0" xfId="0" applyFill="1"/>`);
  const styles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="等线"/></font></fonts><fills count="${2 + fills.length}"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>${fills.join("")}</fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="${1 + xfs.length}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>${xfs.join("")}</cellXfs></styleSheet>`;
  const sheets = fake.sheets.map((s) => {
    const values = s.snapshot();
    const filled = s.fillSnapshot();
    const cells = new Map<string, string>();
    for (const a of new Set([...Object.keys(values), ...Object.keys(filled)])) {
      const v = values[a];
      const st = filled[a] ? ` s="${colours.indexOf(filled[a]) + 1}"` : "";
      const body = v === undefined ? "" : typeof v === "number" ? `<v>${v}</v>` : typeof v === "string" ? `<is><t xml:space="preserve">${xmlText(v)}</t></is>` : `<is><t>${xmlText(JSON.stringify(v))}</t></is>`;
      cells.set(a, `<c r="${a}"${st}${typeof v === "string" || (typeof v === "object" && v !== null) ? ' t="inlineStr"' : ""}${body ? `>${body}</c>` : "/>"}`);
    }
    const at = (a: string) => /([A-Z]+)(\d+)/.exec(a)!;
    const colNo = (l: string) => [...l].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
    const byRow = new Map<number, string[]>();
    for (const a of [...cells.keys()].sort((x, y) => Number(at(x)[2]) - Number(at(y)[2]) || colNo(at(x)[1]) - colNo(at(y)[1]))) {
      const r = Number(at(a)[2]);
      byRow.set(r, [...(byRow.get(r) ?? []), cells.get(a)!]);
    }
    return { name: s.name, xml: [...byRow].map(([r, cs]) => `<row r="${r}">${cs.join("")}</row>`).join("") };
  });
  const pkg = editPackage(buildXlsx({ sheets, styles }));
  setAddinSettings(pkg, Object.fromEntries(fake.settings));
  return pkg.toZip();
}

const ROOT = path.resolve(__dirname, "..", "..");

/** The command line's door: `kj-assess check FILE --annotate OUT` on these bytes (built lib/), its copy's bytes. */
export function annotateWithCli(bytes: Uint8Array, args: string[] = []): Uint8Array {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-doors-"));
  const file = path.join(dir, "考核.xlsx");
  fs.writeFileSync(file, bytes);
  const out = path.join(dir, "out");
  const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "kj-assess.js"), "check", file, "--annotate", out, ...args], { encoding: "utf8", timeout: 120_000 });
  if (!r.stderr.includes("已写出")) throw new Error(`the command line wrote no copy:\n${r.stderr}`);
  return new Uint8Array(fs.readFileSync(path.join(out, fs.readdirSync(out).find((f) => f.endsWith(".xlsx"))!)));
}
