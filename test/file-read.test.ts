/**
 * The .xlsx reader on packages whose XML is written out here, as real writers emit it, and the
 * worker-thread file reading around it: values of every cell type, 1904 dates, hidden rows,
 * merges, declared ranges that lie, text from every script, and every kind of file that is not
 * a readable workbook.
 */
import * as fs from "fs";
import * as os from "os";
import { fork } from "child_process";
import * as path from "path";
import { zipSync, strToU8 } from "fflate";
import { readWorkbook, sheetGrid, type ReadResult } from "../src/file/xlsx-read";
import { inspectFile, inspectFiles, readFileSafe, readFiles, sniff } from "../src/file/node/read-file";
import { buildXlsx } from "./support/xlsx-build";

function open(bytes: Uint8Array) {
  const r = readWorkbook(bytes);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.workbook;
}
function grid(bytes: Uint8Array, i = 0) {
  const g = sheetGrid(open(bytes).sheets[i]);
  if (!g.ok) throw new Error(`${g.error.code}: ${g.error.message}`);
  return g.grid;
}
function refused(r: ReadResult): string {
  if (r.ok) throw new Error("expected a refusal");
  expect(r.error.message.length).toBeGreaterThan(5);
  return r.error.code;
}

const SHARED = [
  "<t>工作室名称</t>",
  // rich text: runs joined, the phonetic guide (rPh) left out
  '<r><rPr><b/></rPr><t>海州区</t></r><r><t xml:space="preserve"> 新海实验中学</t></r><rPh sb="0" eb="1"><t>かい</t></rPh>',
  "<t>A &amp; B &lt;c&gt;</t>",
];

describe("cell values", () => {
  const book = buildXlsx({
    shared: SHARED,
    sheets: [
      {
        name: "数据",
        xml:
          '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="inlineStr"><is><t>内联文字</t></is></c></row>' +
          '<row r="2"><c r="A2"><v>12.5</v></c><c r="B2"><v>-3E2</v></c><c r="C2" t="b"><v>1</v></c><c r="D2" t="b"><v>0</v></c><c r="E2" t="e"><v>#N/A</v></c></row>' +
          // formulas: the cached value is what counts; an error result stays an error
          '<row r="3"><c r="A3"><f>A2*2</f><v>25</v></c><c r="B3" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="C3" t="str"><f>"是"&amp;""</f><v>是</v></c><c r="D3"><f>A2+1</f></c><c r="E3" t="s"><v>99</v></c></row>',
      },
    ],
  });

  test("shared, rich and inline strings; numbers, booleans, errors; formulas give their cached values", () => {
    const g = grid(book);
    expect(g.rows[0]).toEqual(["工作室名称", "海州区 新海实验中学", "A & B <c>", "内联文字"]);
    expect(g.rows[1]).toEqual([12.5, -300, true, false, { error: "#N/A" }]);
    // a formula without a cached value reads as blank — never as 0; a shared-string index past the
    // table is not blank but unreadable, saying which index the file pointed at
    expect(g.rows[2]).toEqual([25, { error: "#DIV/0!" }, "是", null, { error: expect.stringContaining("共享字符串编号“99”不存在") }]);
    expect(g.origin).toEqual({ row: 1, col: 1 });
  });
});

describe("numbers as written", () => {
  // Values read straight from the file's bytes must be exactly what Number() makes of the text:
  // the same double to the last bit, -0 kept, and anything Number() would not read left as text.
  const rand = (n: number) => Math.floor(Math.random() * n);
  const digits = (n: number) => Array.from({ length: n }, () => rand(10)).join("");
  const kinds = [
    () => digits(1 + rand(17)),
    () => `${digits(1 + rand(9))}.${digits(1 + rand(9))}`,
    () => `-${digits(1 + rand(8))}.${digits(rand(8))}`,
    () => `0.${digits(1 + rand(16))}`,
    () => `.${digits(1 + rand(5))}`,
    () => `${digits(1 + rand(4))}.`,
    () => `${digits(1 + rand(3))}E${rand(2) ? "-" : "+"}${rand(320)}`,
    () => String(Math.random() * 10 ** rand(20)),
    () => ["-0", "0", "00012", "-", ".", "", " 7", "1e", "0x1F", "Infinity", "1.2.3", "--1", "+5", "９"][rand(14)],
  ];
  const values = Array.from({ length: 3000 }, (_, i) => kinds[i % kinds.length]());
  const book = buildXlsx({
    sheets: [{ name: "数", xml: values.map((v, i) => `<row r="${i + 1}"><c r="A${i + 1}"><v>${v}</v></c><c r="B${i + 1}" t="n" s="3"><v>${v}</v></c></row>`).join("") }],
  });

  test("every plain number is Number()'s own value; what Number() would not read stays text, a blank stays blank", () => {
    const g = grid(book);
    values.forEach((v, i) => {
      const n = Number(v);
      const want = v.trim() !== "" && Number.isFinite(n) ? n : v === "" ? null : v;
      const row = g.rows[i] ?? [];
      // Object.is: -0 and 0 are told apart, as are two doubles one bit apart
      if (!Object.is(row[0] ?? null, want) || !Object.is(row[1] ?? null, want)) throw new Error(`“${v}” read as ${String(row[0])} / ${String(row[1])}, Number() gives ${String(want)}`);
    });
  });
});

describe("dates", () => {
  const cells = '<row r="1"><c r="A1" s="1"><v>45292</v></c><c r="B1" s="2"><v>45292</v></c><c r="C1"><v>45292</v></c><c r="D1" t="d"><v>2024-01-01T00:00:00Z</v></c></row>';
  test("1900 system: serials as stored, ISO date cells turned into serials", () => {
    expect(grid(buildXlsx({ sheets: [{ name: "S", xml: cells }] })).rows[0]).toEqual([45292, 45292, 45292, 45292]);
  });
  test("1904 system: date-formatted serials moved to the 1900 system (+1462 days), plain numbers untouched", () => {
    const wb = open(buildXlsx({ date1904: true, sheets: [{ name: "S", xml: cells }] }));
    expect(wb.date1904).toBe(true);
    const g = sheetGrid(wb.sheets[0]);
    if (!g.ok) throw new Error();
    expect(g.grid.rows[0].slice(0, 3)).toEqual([45292 + 1462, 45292 + 1462, 45292]);
  });
});

describe("sheet shape", () => {
  test("hidden rows and merged areas are reported; sheet states kept", () => {
    const wb = open(
      buildXlsx({
        sheets: [
          {
            name: "考核",
            xml: `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:C4"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>标题</t></is></c></row><row r="2"><c r="A2"><v>1</v></c></row><row r="3" hidden="1"><c r="A3"><v>2</v></c></row><row r="4" hidden="true"><c r="A4"><v>3</v></c></row></sheetData><mergeCells count="2"><mergeCell ref="A1:C1"/><mergeCell ref="B2:B3"/></mergeCells></worksheet>`,
          },
          { name: "隐藏", xml: "", state: "hidden" },
          { name: "深藏", xml: "", state: "veryHidden" },
        ],
      }),
    );
    expect(wb.sheets.map((s) => [s.name, s.state])).toEqual([
      ["考核", "visible"],
      ["隐藏", "hidden"],
      ["深藏", "veryHidden"],
    ]);
    const g = sheetGrid(wb.sheets[0]);
    if (!g.ok) throw new Error();
    expect(g.grid.hiddenRows).toEqual([3, 4]);
    expect(g.grid.merges).toEqual(["A1:C1", "B2:B3"]);
    expect(g.grid.rows.map((r) => r[0])).toEqual(["标题", 1, 2, 3]);
  });

  test("a declared range of the whole sheet (A1:XFD1048576) with three cells gives a three-cell grid", () => {
    const g = grid(
      buildXlsx({
        sheets: [{ name: "S", xml: `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData><row r="1" spans="1:16384"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c></row><row r="2"><c r="A2"><v>3</v></c></row></sheetData></worksheet>` }],
      }),
    );
    expect(g.rows).toEqual([[1, 2], [3]]);
  });

  test("empty styled rows and cells far below the data do not count (formatting only)", () => {
    const g = grid(buildXlsx({ sheets: [{ name: "S", xml: '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576" s="1" customFormat="1"><c r="XFD1048576" s="1"/></row>' }] }));
    expect(g.rows).toEqual([[1]]);
  });

  test("a lone value at XFD1048576 (or far right in row 1): refused as too large, or read sparsely — never a 17-billion-cell rectangle", () => {
    const wb = open(
      buildXlsx({
        sheets: [
          { name: "远处", xml: '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>' },
          { name: "远列", xml: '<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>2</v></c></row>' },
          { name: "正常", xml: '<row r="1"><c r="A1"><v>1</v></c></row>' },
        ],
      }),
    );
    const [far, right, normal] = wb.sheets.map((s) => sheetGrid(s));
    for (const [r, row, col, value, name] of [[far, 1048576, 16384, 1, "远处"], [right, 1, 16384, 2, "远列"]] as const) {
      if (!r.ok) {
        expect(r.error.code).toBe("too-large");
        expect(r.error.message).toContain(name);
        continue;
      }
      // Read: the value sits where it is, and the grid holds the rows plus that one row's width at most.
      expect(r.grid.rows[row - 1][col - 1]).toBe(value);
      const slots = r.grid.rows.reduce((n, cells) => n + cells.length, 0);
      expect(slots).toBeLessThanOrEqual(col + 1);
    }
    expect(normal.ok).toBe(true);
  });

  test("cells without r attributes follow their neighbours; a bad address costs that cell, reported, not the sheet", () => {
    expect(grid(buildXlsx({ sheets: [{ name: "S", xml: "<row><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>" }] })).rows).toEqual([[1, 2], [3]]);
    for (const bad of ["1A", "XFD1048577", "", "A-1"]) {
      const g = grid(buildXlsx({ sheets: [{ name: "S", xml: `<row r="1"><c r="A1"><v>1</v></c><c r="${bad}"><v>2</v></c><c r="C1"><v>3</v></c></row><row r="2"><c r="A2"><v>4</v></c></row>` }] }));
      expect([bad, g.rows]).toEqual([bad, [[1, null, 3], [4]]]);
      expect(g.unplaced).toEqual([{ ref: bad, row: 1 }]);
    }
  });
});

describe("text from every script", () => {
  test("CJK, emoji, right-to-left, escaped control characters and numeric entities come back as typed", () => {
    const g = grid(
      buildXlsx({
        shared: ["<t>科技辅导员培训（场次）</t>", "<t>🔬🧪 实验</t>", "<t>مدرسة العلوم</t>", "<t>第一行_x000D__x000A_第二行_x0007_</t>", "<t>&#x1F600;&#20013;</t>", '<t xml:space="preserve">  前后空格  </t>'],
        sheets: [{ name: "文字", xml: `<row r="1">${[0, 1, 2, 3, 4, 5].map((i) => `<c r="${String.fromCharCode(65 + i)}1" t="s"><v>${i}</v></c>`).join("")}</row>` }],
      }),
    );
    expect(g.rows[0]).toEqual(["科技辅导员培训（场次）", "🔬🧪 实验", "مدرسة العلوم", "第一行\r\n第二行\u0007", "😀中", "  前后空格  "]);
  });
});

describe("files that are not readable workbooks", () => {
  const good = buildXlsx({ sheets: [{ name: "S", xml: '<row r="1"><c r="A1"><v>1</v></c></row>' }] });
  // The first sector of an OLE compound file: signature, then (far enough in) directory entry names in UTF-16LE.
  function cfb(withEncryptedPackage: boolean): Uint8Array {
    const b = new Uint8Array(2048);
    b.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    const name = withEncryptedPackage ? "EncryptedPackage" : "Workbook";
    for (let i = 0; i < name.length; i++) b[1024 + 2 * i] = name.charCodeAt(i);
    return b;
  }
  // What Excel leaves beside an open workbook as ~$name.xlsx: the user's name, padded, 165 bytes.
  const lockFile = (() => {
    const b = new Uint8Array(165).fill(0x20);
    b[0] = 6;
    b.set(strToU8("王建国老师"), 1);
    return b;
  })();
  let seed = 7;
  const random = Uint8Array.from({ length: 4096 }, () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >> 16) & 0xff);

  test.each([
    ["0 bytes", new Uint8Array(0), "not-a-workbook"],
    ["an Excel lock file (~$…xlsx)", lockFile, "not-a-workbook"],
    ["random bytes", random, "not-a-workbook"],
    ["a CSV saved as .xlsx", strToU8("工作室名称,得分\n海州区,9\n"), "not-a-workbook"],
    ["a truncated zip (first half of a workbook)", good.slice(0, Math.floor(good.length / 2)), "damaged"],
    ["a zip without a workbook part", zipSync({ "hello.txt": strToU8("hi") }), "not-a-workbook|damaged"],
    ["a Word document", zipSync({ "word/document.xml": strToU8("<w:document/>"), "[Content_Types].xml": strToU8("<Types/>") }), "not-a-workbook"],
    ["an encrypted workbook (CFB with EncryptedPackage)", cfb(true), "encrypted"],
    ["a legacy .xls (CFB without EncryptedPackage)", cfb(false), "legacy-xls"],
  ].map(([label, bytes, code]) => ({ label, bytes, code })))("$label → $code", ({ bytes, code }) => {
    expect((code as string).split("|")).toContain(refused(readWorkbook(bytes as Uint8Array)));
  });

  test("a zip bomb is refused from its declared sizes before inflating", () => {
    // A small zip whose central directory claims 700 MB for its part, as a crafted bomb would.
    const bomb = zipSync({ "xl/workbook.xml": new Uint8Array(1024) });
    const dv = new DataView(bomb.buffer);
    const cd = bomb.findIndex((_, i) => dv.getUint32(i, true) === 0x02014b50);
    dv.setUint32(cd + 24, 700 * 1024 * 1024, true);
    expect(refused(readWorkbook(bomb))).toBe("too-large");
  });
});

describe("reading files in worker threads", () => {
  let dir: string;
  const good = buildXlsx({ shared: ["<t>名称</t>"], sheets: [{ name: "甲", xml: '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="e"><v>#N/A</v></c></row><row r="2" hidden="1"><c r="A2"><v>5</v></c></row>' }, { name: "乙", xml: '<worksheet><sheetData><row r="1"><c r="A1"><v>1' }] });
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-read-"));
    fs.writeFileSync(path.join(dir, "good.xlsx"), good);
    fs.writeFileSync(path.join(dir, "empty.xlsx"), new Uint8Array(0));
    fs.writeFileSync(path.join(dir, "~$good.xlsx"), new Uint8Array(165).fill(0x41));
    fs.writeFileSync(path.join(dir, "cut.xlsx"), good.slice(0, 200));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("a workbook comes back as plain data: sheets with grids, or the sheet's own error", async () => {
    const r = await readFileSafe(path.join(dir, "good.xlsx"));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.sheets[0]).toEqual({ name: "甲", state: "visible", grid: { name: "甲", rows: [["名称", { error: "#N/A" }], [5]], origin: { row: 1, col: 1 }, hiddenRows: [2], merges: [] } });
    expect(r.sheets[1]).toMatchObject({ name: "乙", error: { code: "damaged" } });
  });

  test("first bytes decide before a worker starts: empty, lock file, missing, folder", () => {
    expect(sniff(path.join(dir, "empty.xlsx"))?.code).toBe("not-a-workbook");
    expect(sniff(path.join(dir, "~$good.xlsx"))?.code).toBe("not-a-workbook");
    expect(sniff(path.join(dir, "nothing-here.xlsx"))?.code).toBe("unreadable-file");
    expect(sniff(dir)?.code).toBe("unreadable-file");
    expect(sniff(path.join(dir, "good.xlsx"))).toBeNull();
  });

  test("many files on two workers: results in input order, each file its own answer", async () => {
    const names = ["cut.xlsx", "good.xlsx", "empty.xlsx", "~$good.xlsx", "good.xlsx", "missing.xlsx"];
    const seen: number[] = [];
    const rs = await readFiles(
      names.map((n) => path.join(dir, n)),
      { concurrency: 2, onProgress: (done) => seen.push(done) },
    );
    expect(rs.map((r) => (r.ok ? "ok" : r.error.code))).toEqual(["damaged", "ok", "not-a-workbook", "not-a-workbook", "ok", "unreadable-file"]);
    expect(rs.map((r) => path.basename(r.file))).toEqual(names);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
  });

  test("inspect gives each sheet's used extent, or the error", async () => {
    expect(await inspectFile(path.join(dir, "good.xlsx"))).toEqual({
      file: path.join(dir, "good.xlsx"),
      sheets: [
        { name: "甲", state: "visible", rows: 2, cols: 2 },
        { name: "乙", state: "visible", error: expect.objectContaining({ code: "damaged" }) },
      ],
    });
    const [bad] = await inspectFiles([path.join(dir, "empty.xlsx")]);
    expect(bad).toMatchObject({ error: { code: "not-a-workbook" } });
  });

  test("a file that overruns its CPU time is stopped with `timeout`; one that overruns its memory with `out-of-memory`; the next file still reads", async () => {
    // 60,000 rows: about 100 ms of CPU to read, and more than 64 MB resident (the process with its code, the file and the grid)
    const rows = Array.from({ length: 60_000 }, (_, i) => `<row r="${i + 1}"><c r="A${i + 1}" t="inlineStr"><is><t>第${i}行的文字</t></is></c><c r="B${i + 1}"><v>${i}.5</v></c></row>`).join("");
    fs.writeFileSync(path.join(dir, "big.xlsx"), buildXlsx({ sheets: [{ name: "大", xml: rows }] }));
    // 20 ms of CPU time cannot read it: the watchdog stops the process reading it, or the read's end finds it over
    const slow = await readFileSafe(path.join(dir, "big.xlsx"), { timeoutMs: 20 });
    expect(slow).toMatchObject({ ok: false, error: { code: "timeout", message: expect.stringContaining("CPU") } });
    // 64 MB of resident memory cannot hold the process reading it (the whole process is measured, not the heap)
    const big = await readFileSafe(path.join(dir, "big.xlsx"), { maxMemoryMb: 64 });
    expect(big).toMatchObject({ ok: false, error: { code: "out-of-memory", message: expect.stringContaining("64 MB") } });
    const after = await readFileSafe(path.join(dir, "big.xlsx"));
    expect(after.ok).toBe(true);
  }, 60_000);

  test("a job that never ends is stopped by the watchdog thread alone, with its CPU time", async () => {
    const child = fork(path.join(__dirname, "../src/file/node/worker-boot.js"), [path.join(__dirname, "support/endless-child.ts")], { stdio: ["ignore", "ignore", "pipe", "ipc"] });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    child.on("message", (m: { ready?: boolean }) => {
      if (m.ready) child.send({ job: {}, limits: { cpuMs: 100, memoryMb: 4096 } });
    });
    const signal = await new Promise((resolve) => child.on("exit", (_code, sig) => resolve(sig)));
    expect(signal).toBe("SIGKILL");
    expect(Number(/KJ-LIMIT timeout (\d+)/.exec(stderr)?.[1])).toBeGreaterThanOrEqual(100);
  }, 60_000);

  test("a read over before the watchdog's first sample is still held to the CPU limit", async () => {
    // No read takes no CPU time: a limit of 0 ms is passed whenever the watchdog samples, or at the end if it never did.
    for (let i = 0; i < 3; i++) {
      const r = await readFileSafe(path.join(dir, "good.xlsx"), { timeoutMs: 0 });
      expect(r).toMatchObject({ ok: false, error: { code: "timeout", message: expect.stringContaining("CPU") } });
    }
  }, 60_000);

  test("a read over before the watchdog's first sample is still held to the memory limit", async () => {
    // A two-cell workbook reads in a few ms, well inside the watchdog's 20 ms; no Node process fits in 16 MB.
    for (let i = 0; i < 3; i++) {
      const r = await readFileSafe(path.join(dir, "good.xlsx"), { maxMemoryMb: 16 });
      expect(r).toMatchObject({ ok: false, error: { code: "out-of-memory", message: expect.stringContaining("16 MB") } });
    }
  }, 60_000);
});
