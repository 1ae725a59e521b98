/**
 * The workbook every whole-process benchmark reads, and the peers that load it.
 *
 * The workbook is an office's assessment export at any size, written straight as sheet XML (exceljs
 * takes minutes for a million rows): shared strings, a merged title row, the rows of
 * bench-engine's assessmentGrid (numbers, `3项`, full-width digits, 二, blanks, ¥ amounts, 是, a
 * few unreadable cells such as 若干), each studio named once. Generated files are kept in a cache
 * folder keyed by the generators' source, so a full run does not spend minutes writing them again.
 *
 * The peers, each a whole node process over the same file: the floor (find the sheet part, inflate
 * it with node's zlib, count its cells — building nothing), exceljs 4.4.0 and SheetJS 0.18.5
 * loading it (and visiting every cell). SheetJS is a devDependency for this only: it reads our
 * own generated files, never anyone's input (TOOLCHAIN.md).
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ZipDeflate, Zip } from "fflate";
import { assessmentGrid } from "./bench-engine";

const xmlEsc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Writes an assessment workbook of `rows` studios to `file`. */
export function makeWorkbook(file: string, rows: number): void {
  const fd = fs.openSync(file, "w");
  const zip = new Zip((err, chunk) => {
    if (err) throw err;
    fs.writeSync(fd, chunk);
  });
  const strings = new Map<string, number>();
  const si = (s: string) => {
    let i = strings.get(s);
    if (i === undefined) strings.set(s, (i = strings.size));
    return i;
  };
  const sheet = new ZipDeflate("xl/worksheets/sheet1.xml", { level: 6 });
  zip.add(sheet);
  const enc = new TextEncoder();
  sheet.push(enc.encode('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'));
  const BLOCK = 10_000;
  let r = 0;
  for (let done = 0; done < rows + 2; ) {
    const grid = assessmentGrid(BLOCK).rows;
    const from = done === 0 ? 0 : 2; // title and header once
    const parts: string[] = [];
    for (let k = from; k < grid.length && done < rows + 2; k++, done++) {
      const row = grid[k];
      r++;
      if (r > 2) row[0] = `工作室${r - 2}`;
      let x = `<row r="${r}">`;
      row.forEach((v, j) => {
        if (v === null || v === undefined) return;
        const ref = `${String.fromCharCode(65 + j)}${r}`;
        x += typeof v === "number" ? `<c r="${ref}"><v>${v}</v></c>` : `<c r="${ref}" t="s"><v>${si(String(v))}</v></c>`;
      });
      parts.push(x + "</row>");
    }
    sheet.push(enc.encode(parts.join("")));
  }
  sheet.push(enc.encode('</sheetData><mergeCells count="1"><mergeCell ref="A1:L1"/></mergeCells></worksheet>'), true);
  const small = (name: string, text: string) => {
    const f = new ZipDeflate(name, { level: 6 });
    zip.add(f);
    f.push(enc.encode(text), true);
  };
  small("xl/sharedStrings.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${strings.size}" uniqueCount="${strings.size}">${[...strings.keys()].map((s) => `<si><t>${xmlEsc(s)}</t></si>`).join("")}</sst>`);
  small("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>');
  small("xl/styles.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs></styleSheet>');
  small("_rels/.rels", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>');
  small("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="考核" sheetId="1" r:id="rId1"/></sheets></workbook>');
  small("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>');
  zip.end();
  fs.closeSync(fd);
}

/** The cache folder: KJ_BENCH_CACHE, or one in the system's temporary folder. */
export const CACHE = process.env.KJ_BENCH_CACHE ?? path.join(os.tmpdir(), "kj-bench-files");

/** The generators' own code, so a changed generator never reuses an old file (and a changed comment does). */
const VERSION = createHash("sha256").update(makeWorkbook.toString()).update(assessmentGrid.toString()).digest("hex").slice(0, 10);

/** The cached workbook of `rows` studios, generated when missing. */
export function workbookOf(rows: number): string {
  fs.mkdirSync(CACHE, { recursive: true });
  const file = path.join(CACHE, `assessment-${rows}-${VERSION}.xlsx`);
  if (!fs.existsSync(file)) {
    const part = `${file}.${process.pid}.part`;
    makeWorkbook(part, rows);
    fs.renameSync(part, file);
  }
  return file;
}

/** Floor: find the sheet entries in the central directory, inflate each with node's zlib (what our reader uses), count "<c " — no strings, no cells. */
export const FLOOR_SCRIPT = `
const fs = require("fs"), zlib = require("zlib");
const b = fs.readFileSync(process.argv[1]);
let eocd = b.length - 22; while (b.readUInt32LE(eocd) !== 0x06054b50) eocd--;
let p = b.readUInt32LE(eocd + 16); const n = b.readUInt16LE(eocd + 10);
let cells = 0;
for (let k = 0; k < n; k++) {
  const nameLen = b.readUInt16LE(p + 28), extra = b.readUInt16LE(p + 30), comment = b.readUInt16LE(p + 32);
  const name = b.toString("utf8", p + 46, p + 46 + nameLen), size = b.readUInt32LE(p + 20), local = b.readUInt32LE(p + 42);
  p += 46 + nameLen + extra + comment;
  if (!name.startsWith("xl/worksheets/")) continue;
  const start = local + 30 + b.readUInt16LE(local + 26) + b.readUInt16LE(local + 28);
  const xml = zlib.inflateRawSync(b.subarray(start, start + size));
  for (let i = xml.indexOf("<c "); i >= 0; i = xml.indexOf("<c ", i + 3)) cells++;
}
if (!cells) { console.error("no cells"); process.exit(3); }
`;

/** exceljs: load the workbook from the file and visit every cell. */
export const EXCELJS_SCRIPT = `
const ExcelJS = require("exceljs");
(async () => {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(process.argv[1]);
  let n = 0;
  wb.worksheets[0].eachRow((row) => row.eachCell(() => void n++));
  if (!n) { console.error("no cells"); process.exit(3); }
})().catch((e) => { console.error(e.message); process.exit(3); });
`;

/** SheetJS: read the workbook with its default options and visit every cell. */
export const SHEETJS_SCRIPT = `
const XLSX = require("xlsx");
const wb = XLSX.readFile(process.argv[1]);
const ws = wb.Sheets[wb.SheetNames[0]];
let n = 0;
for (const k in ws) if (k[0] !== "!") n++;
if (!n) { console.error("no cells"); process.exit(3); }
`;
