/**
 * A large workbook written the way an office's export is — shared strings, a merged title row,
 * the rows of a generated grid — deflated as a stream while it is written (fflate's Zip), so a
 * test can make a sheet part of tens of megabytes without holding its XML whole or keeping a
 * file in git.
 */
import { Zip, ZipDeflate, strToU8 } from "fflate";
import type { CellValue, SheetGrid } from "../../src/engine/types";

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const col = (j: number): string => (j < 26 ? String.fromCharCode(65 + j) : col(Math.floor(j / 26) - 1) + String.fromCharCode(65 + (j % 26)));

/** The grid as one sheet of an .xlsx: numbers as numbers, texts as shared strings; also the sheet part's inflated size. */
export function streamedBook(grid: SheetGrid): { bytes: Uint8Array; sheetBytes: number } {
  const out: Uint8Array[] = [];
  const zip = new Zip((err, chunk) => {
    if (err) throw err;
    out.push(chunk);
  });
  const strings = new Map<string, number>();
  const si = (s: string) => {
    let i = strings.get(s);
    if (i === undefined) strings.set(s, (i = strings.size));
    return i;
  };
  const sheet = new ZipDeflate("xl/worksheets/sheet1.xml", { level: 1 });
  zip.add(sheet);
  let sheetBytes = 0;
  const push = (text: string, final = false) => {
    const b = strToU8(text);
    sheetBytes += b.length;
    sheet.push(b, final);
  };
  push(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet ${NS}><sheetData>`);
  let block: string[] = [];
  grid.rows.forEach((row: CellValue[], i) => {
    const r = i + 1;
    let x = `<row r="${r}">`;
    row.forEach((v, j) => {
      if (v === null || v === undefined) return;
      const ref = `${col(j)}${r}`;
      x += typeof v === "number" ? `<c r="${ref}"><v>${v}</v></c>` : `<c r="${ref}" t="s"><v>${si(String(v))}</v></c>`;
    });
    block.push(x + "</row>");
    if (block.length === 5000) push(block.join("")), (block = []);
  });
  push(block.join(""));
  push(`</sheetData>${grid.merges?.length ? `<mergeCells count="${grid.merges.length}">${grid.merges.map((m) => `<mergeCell ref="${m}"/>`).join("")}</mergeCells>` : ""}</worksheet>`, true);
  const small = (name: string, text: string) => {
    const f = new ZipDeflate(name, { level: 6 });
    zip.add(f);
    f.push(strToU8(text), true);
  };
  small("xl/sharedStrings.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst ${NS} count="${strings.size}" uniqueCount="${strings.size}">${[...strings.keys()].map((s) => `<si><t>${esc(s)}</t></si>`).join("")}</sst>`);
  small("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>');
  small("_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`);
  small("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook ${NS}><sheets><sheet name="${esc(grid.name)}" sheetId="1" r:id="rId1"/></sheets></workbook>`);
  small("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`);
  zip.end();
  const bytes = new Uint8Array(out.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of out) bytes.set(c, at), (at += c.length);
  return { bytes, sheetBytes };
}
