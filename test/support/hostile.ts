/**
 * Hostile workbooks, made on the fly (nothing large is kept in git): each case as an attacker, a
 * fuzzer or a broken export would make it, at a size `n` the test chooses, so a test can read it
 * at two sizes and compare the cost. The zip is written here byte by byte so that what a part
 * declares (its size, its flags) can differ from what it holds.
 */
import { deflateSync, strToU8 } from "fflate";

export interface Part {
  name: string;
  data: Uint8Array;
  /** Deflated (8, the default) or stored (0). */
  method?: 0 | 8;
  /** The size written in the headers, when it is to lie about the data. */
  declared?: number;
  /** General-purpose flags (bit 0: the zip's own password). */
  flags?: number;
}

/** A zip of the given parts, written as they are declared (no CRC: our reader does not check it). */
export function zipParts(parts: Part[]): Uint8Array {
  const out: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let at = 0;
  const le = (n: number, bytes: number) => {
    const b = new Uint8Array(bytes);
    for (let i = 0; i < bytes; i++) b[i] = Math.floor(n / 2 ** (8 * i)) & 0xff;
    return b;
  };
  const cat = (xs: Uint8Array[]) => {
    const r = new Uint8Array(xs.reduce((n, x) => n + x.length, 0));
    let o = 0;
    for (const x of xs) r.set(x, o), (o += x.length);
    return r;
  };
  for (const p of parts) {
    const method = p.method ?? 8;
    const body = method === 8 ? deflateSync(p.data, { level: 9 }) : p.data;
    const size = p.declared ?? p.data.length;
    const name = strToU8(p.name);
    const flags = (p.flags ?? 0) | 0x800;
    const local = cat([le(0x04034b50, 4), le(20, 2), le(flags, 2), le(method, 2), le(0, 4), le(0, 4), le(body.length, 4), le(size, 4), le(name.length, 2), le(0, 2), name]);
    central.push(cat([le(0x02014b50, 4), le(20, 2), le(20, 2), le(flags, 2), le(method, 2), le(0, 4), le(0, 4), le(body.length, 4), le(size, 4), le(name.length, 2), le(0, 2), le(0, 2), le(0, 2), le(0, 2), le(0, 4), le(at, 4), name]));
    out.push(local, body);
    at += local.length + body.length;
  }
  const dir = cat(central);
  const end = cat([le(0x06054b50, 4), le(0, 2), le(0, 2), le(parts.length, 2), le(parts.length, 2), le(dir.length, 4), le(at, 4), le(0, 2)]);
  return cat([...out, dir, end]);
}

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/** The parts of a plain workbook with the given sheets (with none given, one sheet whose part the caller adds) (sheet i at xl/worksheets/sheet{i+1}.xml unless `targets` says otherwise). */
export function bookParts(opts: { sheets: (string | Uint8Array)[]; shared?: string | Uint8Array; names?: string[]; targets?: string[] }): Part[] {
  const sheetCount = opts.names?.length ?? Math.max(1, opts.sheets.length);
  const targets = opts.targets ?? Array.from({ length: sheetCount }, (_, i) => `worksheets/sheet${i + 1}.xml`);
  const sheetEls: string[] = [];
  const rels: string[] = [];
  for (let i = 0; i < sheetCount; i++) {
    sheetEls.push(`<sheet name="${opts.names?.[i] ?? `Sheet${i + 1}`}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`);
    rels.push(`<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="${targets[i]}"/>`);
  }
  rels.push(`<Relationship Id="rIdS" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>`);
  const parts: Part[] = [
    { name: "[Content_Types].xml", data: strToU8('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>') },
    { name: "_rels/.rels", data: strToU8(`<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`) },
    { name: "xl/workbook.xml", data: strToU8(`<?xml version="1.0"?><workbook ${NS}><sheets>${sheetEls.join("")}</sheets></workbook>`) },
    { name: "xl/_rels/workbook.xml.rels", data: strToU8(`<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels.join("")}</Relationships>`) },
  ];
  opts.sheets.forEach((s, i) => parts.push({ name: `xl/worksheets/sheet${i + 1}.xml`, data: typeof s === "string" ? strToU8(s) : s }));
  if (opts.shared !== undefined) parts.push({ name: "xl/sharedStrings.xml", data: typeof opts.shared === "string" ? strToU8(opts.shared) : opts.shared });
  return parts;
}

export const sheetXml = (inside: string, after = "") => `<?xml version="1.0"?><worksheet ${NS}><sheetData>${inside}</sheetData>${after}</worksheet>`;

/** An assessment-like header and one record, so a sheet is recognised and checked. */
const HEADER = '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>听课节数</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>张老师</t></is></c><c r="B2"><v>9</v></c></row>';

/** `count` bytes of `unit` repeated, as bytes (fast for tens of megabytes). */
function repeatBytes(unit: string, count: number): Uint8Array {
  const u = strToU8(unit);
  const out = new Uint8Array(Math.ceil(count / u.length) * u.length);
  for (let i = 0; i < out.length; i += u.length) out.set(u, i);
  return out;
}

function withTail(head: string, middle: Uint8Array, tail: string): Uint8Array {
  const h = strToU8(head);
  const t = strToU8(tail);
  const out = new Uint8Array(h.length + middle.length + t.length);
  out.set(h);
  out.set(middle, h.length);
  out.set(t, h.length + middle.length);
  return out;
}

export interface HostileCase {
  /** What the attack is, for test names. */
  title: string;
  /** The workbook at size n. */
  make(n: number): Uint8Array;
  /** Two sizes, the second four times the first: the cost between them must grow no faster than linearly. */
  sizes: [number, number];
  /** The code reading (and checking) must end in: a read error code, or "ok" when the workbook is read. */
  code: string;
  /**
   * False where the work is real checking, not reading: n sheets are n sheets to check (about a
   * millisecond each), however few bytes name them — linear, but not within a second per MB.
   */
  perMb?: false;
}

/** The cases the issue lists, each built at any size. */
export const HOSTILE: Record<string, HostileCase> = {
  "declared-small-bomb": {
    title: "a sheet declaring 4 KB that inflates to n MB",
    sizes: [4, 16],
    code: "damaged",
    make: (n) => zipParts(bookParts({ sheets: [] }).concat({ name: "xl/worksheets/sheet1.xml", data: withTail(`<?xml version="1.0"?><worksheet ${NS}><sheetData>`, repeatBytes(" ", n << 20), "</sheetData></worksheet>"), declared: 4096 })),
  },
  "rels-bomb": {
    title: "_rels/.rels declaring 4 KB that inflates to n MB",
    sizes: [4, 16],
    code: "damaged",
    make: (n) => {
      const parts = bookParts({ sheets: [sheetXml(HEADER)] });
      const rels = new TextDecoder().decode(parts[1].data).replace("</Relationships>", "");
      parts[1] = { name: "_rels/.rels", data: withTail(rels, repeatBytes(" ", n << 20), "</Relationships>"), declared: 4096 };
      return zipParts(parts);
    },
  },
  "declared-short-of-real": {
    title: "a sheet declaring n MB that holds 4 × n MB",
    sizes: [1, 4],
    code: "damaged",
    make: (n) => zipParts(bookParts({ sheets: [] }).concat({ name: "xl/worksheets/sheet1.xml", data: withTail(`<?xml version="1.0"?><worksheet ${NS}><sheetData>`, repeatBytes("<row/>", 4 * (n << 20)), "</sheetData></worksheet>"), declared: n << 20 })),
  },
  "declared-zero": {
    title: "a sheet with n rows declaring 0 bytes",
    sizes: [2000, 8000],
    code: "damaged",
    make: (n) => zipParts(bookParts({ sheets: [] }).concat({ name: "xl/worksheets/sheet1.xml", data: strToU8(sheetXml(HEADER + rows(n, 3))), declared: 0 })),
  },
  "empty-rows": {
    title: "a sheet of n MB of empty rows, declared as it is",
    sizes: [4, 16],
    code: "no-pack",
    make: (n) => zipParts(bookParts({ sheets: [withTail(`<?xml version="1.0"?><worksheet ${NS}><sheetData>`, repeatBytes("<row/>", n << 20), "</sheetData></worksheet>")] })),
  },
  "full-width-merges": {
    title: "n full-width merged ranges over n rows, one value in column XFD",
    sizes: [4000, 16000],
    code: "no-pack",
    make: (n) => {
      const merges = Array.from({ length: n }, (_, i) => `<mergeCell ref="A${i + 1}:XFD${i + 1}"/>`).join("");
      const data = Array.from({ length: n }, (_, i) => `<row r="${i + 1}"><c r="A${i + 1}"><v>${i}</v></c>${i === 0 ? '<c r="XFD1"><v>1</v></c>' : ""}</row>`).join("");
      return zipParts(bookParts({ sheets: [sheetXml(data, `<mergeCells count="${n}">${merges}</mergeCells>`)] }));
    },
  },
  "same-merge-repeated": {
    title: "the merge A1:XFD1 listed n times",
    sizes: [5000, 20000],
    code: "no-pack",
    make: (n) => zipParts(bookParts({ sheets: [sheetXml('<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>2</v></c></row>', `<mergeCells>${'<mergeCell ref="A1:XFD1"/>'.repeat(n)}</mergeCells>`)] })),
  },
  "nested-shared-strings": {
    title: "n <si> elements nested in one another",
    sizes: [50_000, 200_000],
    code: "no-pack",
    make: (n) => zipParts(bookParts({ sheets: [sheetXml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')], shared: `<sst ${NS}>${"<si><t>x</t>".repeat(n)}${"</si>".repeat(n)}</sst>` })),
  },
  "unclosed-inline-strings": {
    title: "n inline strings that never close",
    sizes: [5000, 20000],
    code: "no-pack",
    make: (n) => zipParts(bookParts({ sheets: [sheetXml(Array.from({ length: n }, (_, i) => `<row r="${i + 1}"><c r="A${i + 1}" t="inlineStr"><is><t>文字${i}</t>`).join(""))] })),
  },
  "many-sheets": {
    title: "n sheets, every one naming the same part",
    sizes: [500, 2000],
    code: "ok",
    perMb: false,
    make: (n) => zipParts(bookParts({ sheets: [sheetXml(HEADER + rows(3, 2))], names: Array.from({ length: n }, (_, i) => `表${i + 1}`), targets: Array.from({ length: n }, () => "worksheets/sheet1.xml") })),
  },
  "many-shared-strings": {
    title: "n shared strings, every one used",
    sizes: [10_000, 40_000],
    code: "no-pack",
    make: (n) =>
      zipParts(
        bookParts({
          sheets: [sheetXml(Array.from({ length: n }, (_, i) => `<row r="${i + 1}"><c r="A${i + 1}" t="s"><v>${i}</v></c></row>`).join(""))],
          shared: `<sst ${NS}>${Array.from({ length: n }, (_, i) => `<si><t>字符串${i}</t></si>`).join("")}</sst>`,
        }),
      ),
  },
  "damaged-addresses": {
    title: "n cells with damaged addresses beside good ones",
    sizes: [2000, 8000],
    code: "ok",
    make: (n) => zipParts(bookParts({ sheets: [sheetXml(HEADER + Array.from({ length: n }, (_, i) => `<row r="${i + 3}"><c r="A${i + 3}" t="inlineStr"><is><t>乙${i}</t></is></c><c r="${["1A", "XFD1048577", "", "A-1"][i % 4]}"><v>1</v></c></row>`).join(""))] })),
  },
};

/** n rows of `cols` numbers from row 3. */
function rows(n: number, cols: number): string {
  const out: string[] = [];
  for (let r = 3; r < n + 3; r++) {
    let cells = "";
    for (let c = 0; c < cols; c++) cells += `<c r="${String.fromCharCode(65 + c)}${r}"><v>${r * cols + c}</v></c>`;
    out.push(`<row r="${r}">${cells}</row>`);
  }
  return out.join("");
}
