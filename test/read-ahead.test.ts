/**
 * Reading ahead (src/file/node/prefetch.ts): a check's first worker process is told the first
 * workbook on the command line (child-start.ts firstWorkbook) and reads and inflates it while it
 * loads its modules. What is held here: the guess agrees with how the command line reads its
 * arguments; a part inflated ahead is exactly what inflating it when read gives — or, for every
 * stream zlib refuses, nothing, so the reader fails or falls back as it always did; the reader
 * really takes the parts inflated ahead; and through the pool a worker told one file and given
 * another (or given a damaged one) answers exactly as a worker told nothing.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlibTypes from "zlib";
import { firstWorkbook, oneWorkbook, startEarly, dropEarly } from "../src/file/node/child-start";
import { parseOptions } from "../src/cli/main";
import { dropAhead, inflateAhead, nodeInflate, useNodeInflate } from "../src/file/node/inflate";
import { readAhead, takePrefetch } from "../src/file/node/prefetch";
import { readWorkbook, sheetGrid } from "../src/file/xlsx-read";
import { fflateInflate, listZip, setInflate } from "../src/file/zip";
import { runTasks, type Part, type Task, type TaskResult } from "../src/file/node/pool";
import { buildXlsx } from "./support/xlsx-build";

const HEADERS = ["工作室名称", "国家级科技比赛获奖数", "全国专项赛事获奖数", "参加青少年科技活动项数", "省级一等奖（项）", "省级二等奖（项）", "帮扶薄弱学校数", "参加科普周/科普日/承办竞赛次数", "市级创新大赛获奖数", "培训场次(场)", "新增骨干成员 数", "单位配套经费（元）"];

/** Node's own zlib module (what inflate.ts calls through), not this file's namespace copy of it: spied on below. */
const zlib: typeof zlibTypes = jest.requireActual("zlib");

/** An assessment workbook as offices type it, its texts shared: counts, 3项, blanks, 若干. */
function workbook(rows: number, seed: number): Uint8Array {
  const shared: string[] = [];
  const index = new Map<string, number>();
  const s = (t: string) => {
    if (!index.has(t)) index.set(t, shared.push(`<t>${t}</t>`) - 1);
    return index.get(t)!;
  };
  const cell = (ref: string, v: string | number | null) => (v === null ? "" : typeof v === "number" ? `<c r="${ref}"><v>${v}</v></c>` : `<c r="${ref}" t="s"><v>${s(v)}</v></c>`);
  const letter = (j: number) => String.fromCharCode(65 + j);
  const out = [`<row r="1">${cell("A1", "2024年度考核汇总表")}</row>`, `<row r="2">${HEADERS.map((h, j) => cell(`${letter(j)}2`, h)).join("")}</row>`];
  for (let i = 0; i < rows; i++) {
    const r = i + 3;
    const v = (k: number): string | number | null => [(i + k + seed) % 4, `${(i + k) % 3}项`, null, "若干", 2, 3][(i * 5 + k * 3 + seed) % 6];
    const values = [`第${seed}批工作室${i + 1}`, ...Array.from({ length: 10 }, (_, k) => v(k)), i % 2 ? 5000 : "是"];
    out.push(`<row r="${r}">${values.map((x, j) => cell(`${letter(j)}${r}`, x)).join("")}</row>`);
  }
  return buildXlsx({ sheets: [{ name: "考核", xml: out.join("") }], shared });
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kj-ahead-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
afterEach(() => {
  dropAhead();
  setInflate(fflateInflate);
});

describe("which file the first worker reads ahead", () => {
  /** Every option the command line knows, from its own message for one it does not. */
  const known = (() => {
    const r = parseOptions(["--不存在"]);
    if (r.ok) throw new Error("an unknown option was accepted");
    return [...r.message.matchAll(/--([a-z]+)/g)].map((m) => m[1]).filter((o) => o !== "不存在");
  })();

  test("the command line's options are all known here", () => {
    expect(known).toEqual(expect.arrayContaining(["pack", "sheet", "report", "annotate", "rules", "lang", "set", "json", "times"]));
  });

  test("after every option, written either way, the guess is the first workbook the command line itself finds", () => {
    for (const o of known) {
      for (const args of [[`--${o}`, "汇总.xlsx", "考核.xlsx", "其他.xlsx"], [`--${o}=汇总.xlsx`, "考核.xlsx"], ["县区", `--${o}`, "旧报告.XLSX", "考核.xlsm"]]) {
        const parsed = parseOptions(args);
        if (!parsed.ok) continue;
        const first = parsed.files.find((f) => /\.(xlsx|xlsm)$/i.test(f));
        expect([o, firstWorkbook(args)]).toEqual([o, first ? path.resolve(first) : null]);
        // One workbook alone is checked by a child with glibc's own memory habits; several files, or a folder, by one that gives memory back (child-start.ts childEnv).
        expect([o, args, oneWorkbook(args)]).toEqual([o, args, parsed.files.length === 1 && /\.(xlsx|xlsm)$/i.test(parsed.files[0])]);
      }
    }
    expect([oneWorkbook(["考核.xlsx"]), oneWorkbook(["--pack", "经费", "经费.XLSM", "--json"]), oneWorkbook(["县区"]), oneWorkbook(["a.xlsx", "b.xlsx"])]).toEqual([true, true, false, false]);
  });

  test("folders, Excel's lock files and other files are not guessed; none at all is null", () => {
    expect(firstWorkbook(["县区", "~$考核.xlsx", "名单.csv", "sub/考核.XLSM"])).toBe(path.resolve("sub/考核.XLSM"));
    expect(firstWorkbook(["--json", "县区"])).toBeNull();
    expect(firstWorkbook([])).toBeNull();
  });
});

describe("a part inflated ahead", () => {
  const text = Buffer.from("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>".repeat(2000));
  const deflated = zlib.deflateRawSync(text);
  /** Each stream in a buffer of its own, after a few other bytes (its place in a file). */
  const cases: Record<string, { data: Buffer; size: number }> = {
    "a whole stream, as declared": { data: deflated, size: text.length },
    "declared a few bytes short (zlib refuses; fflate cuts it)": { data: deflated, size: text.length - 2 },
    "declared longer than it is": { data: deflated, size: text.length + 100 },
    "cut off halfway": { data: deflated.subarray(0, deflated.length >> 1), size: text.length },
    "followed by other bytes": { data: Buffer.concat([deflated, Buffer.from("PK\u0003\u0004 junk")]), size: text.length },
    "corrupt": { data: Buffer.from(deflated.map((b, i) => (i > 10 && i % 7 === 0 ? b ^ 0x5a : b))), size: text.length },
    "empty, declared empty": { data: zlib.deflateRawSync(Buffer.alloc(0)), size: 0 },
  };
  const placed = (data: Buffer): Uint8Array => {
    const file = new Uint8Array(data.length + 7);
    file.set(data, 7);
    return file.subarray(7);
  };
  const attempt = (f: () => { data: Uint8Array; truncated: boolean }) => {
    try {
      const r = f();
      return { data: Buffer.from(r.data).toString("base64"), truncated: r.truncated };
    } catch (e) {
      return { error: (e as Error).message };
    }
  };

  test.each(Object.keys(cases))("%s: the same bytes, or the same failure, as inflating it when read", async (name) => {
    const { data, size } = cases[name];
    const when = placed(data);
    const expected = attempt(() => nodeInflate(when, size));
    const early = placed(data);
    await inflateAhead(early.buffer, early, size);
    const sync = jest.spyOn(zlib, "inflateRawSync");
    try {
      expect(attempt(() => nodeInflate(early, size))).toEqual(expected);
      // A stream zlib inflates whole is taken from what was inflated ahead, not inflated again.
      if (name === "a whole stream, as declared") expect(sync).not.toHaveBeenCalled();
    } finally {
      sync.mockRestore();
    }
  });

  test("is taken once, and only from the buffer it came from", async () => {
    const early = placed(deflated);
    await inflateAhead(early.buffer, early, text.length);
    const copy = placed(deflated);
    const sync = jest.spyOn(zlib, "inflateRawSync");
    try {
      expect(Buffer.from(nodeInflate(copy, text.length).data).equals(text)).toBe(true);
      expect(sync).toHaveBeenCalledTimes(1);
      expect(Buffer.from(nodeInflate(early, text.length).data).equals(text)).toBe(true);
      expect(sync).toHaveBeenCalledTimes(1);
      expect(Buffer.from(nodeInflate(early, text.length).data).equals(text)).toBe(true);
      expect(sync).toHaveBeenCalledTimes(2);
    } finally {
      sync.mockRestore();
    }
  });
});

describe("a workbook read ahead", () => {
  const gridsOf = (bytes: Uint8Array) => {
    const r = readWorkbook(bytes);
    if (!r.ok) return r.error;
    return r.workbook.sheets.map((s) => {
      const g = sheetGrid(s);
      return g.ok ? g.grid.rows : g.error;
    });
  };

  test("its sheet and shared strings are taken as inflated ahead, and read as the same cells", async () => {
    const file = path.join(tmp, "考核.xlsx");
    const bytes = workbook(3000, 1);
    fs.writeFileSync(file, bytes);
    useNodeInflate();
    const expected = gridsOf(bytes);
    readAhead(file);
    const early = await takePrefetch(file);
    expect(early).not.toBeNull();
    expect(Buffer.from(early!.bytes).equals(Buffer.from(bytes))).toBe(true);
    const big = listZip(bytes).filter((e) => /worksheets\/sheet1\.xml|sharedStrings\.xml/.test(e.name));
    expect(big).toHaveLength(2);
    const asked: number[] = [];
    const inflate = zlib.inflateRawSync;
    const sync = jest.spyOn(zlib, "inflateRawSync").mockImplementation(((...a: Parameters<typeof zlib.inflateRawSync>) => {
      asked.push((a[1] as zlibTypes.ZlibOptions).maxOutputLength!);
      return inflate(...a);
    }) as typeof zlib.inflateRawSync);
    try {
      expect(gridsOf(early!.bytes)).toEqual(expected);
    } finally {
      sync.mockRestore();
    }
    // The small parts (relationships, workbook.xml) are inflated when read; the two large ones were not.
    expect(asked.length).toBeGreaterThan(0);
    for (const e of big) expect(asked).not.toContain(e.size);
  });

  test("asked for another file, it is dropped and nothing is taken", async () => {
    const file = path.join(tmp, "甲.xlsx");
    fs.writeFileSync(file, workbook(50, 2));
    readAhead(file);
    expect(await takePrefetch(path.join(tmp, "乙.xlsx"))).toBeNull();
    expect(await takePrefetch(file)).toBeNull();
  });

  test("a file that is not a zip, or is missing, is not read ahead", async () => {
    const csv = path.join(tmp, "名单.xlsx");
    fs.writeFileSync(csv, "姓名,学校\n");
    readAhead(csv);
    expect(await takePrefetch(csv)).toBeNull();
    const missing = path.join(tmp, "没有.xlsx");
    readAhead(missing);
    expect(await takePrefetch(missing)).toBeNull();
  });
});

describe("through the pool, a worker told a file reads the one its job names", () => {
  let a: string;
  let b: string;
  let broken: string;
  beforeAll(() => {
    a = path.join(tmp, "县区A.xlsx");
    b = path.join(tmp, "县区B.xlsx");
    broken = path.join(tmp, "损坏.xlsx");
    fs.writeFileSync(a, workbook(400, 3));
    fs.writeFileSync(b, workbook(300, 4));
    // The sheet's deflated bytes damaged in the middle: it cannot be inflated, ahead or when read.
    const good = workbook(200, 5);
    const sheet = listZip(good).find((e) => e.name === "xl/worksheets/sheet1.xml")!;
    const bad = good.slice();
    const start = sheet.offset + 30 + bad[sheet.offset + 26] + (bad[sheet.offset + 27] << 8) + bad[sheet.offset + 28] + (bad[sheet.offset + 29] << 8);
    for (let i = start + 20; i < start + sheet.compressedSize - 4; i += 5) bad[i] ^= 0xa5;
    fs.writeFileSync(broken, bad);
  });
  afterEach(() => dropEarly());

  const needs = { lang: "zh" as const, all: true, messages: true };
  /** What a check of `file` answers: its pieces and its result, less the CPU times and the record's clock. */
  async function check(file: string): Promise<unknown> {
    const parts: Part[] = [];
    const task: Task = { kind: "check", file: path.basename(file), path: file, needs };
    const [r] = await runTasks([task], { concurrency: 1, onPart: (_i, p) => parts.push(p) });
    const { cpu: _cpu, record, ...rest } = r as Extract<TaskResult, { kind: "check" }>;
    return { parts, rest, record: record && { ...record, at: undefined } };
  }

  test("told the same file, another, or a damaged one: every answer as without being told", async () => {
    const plain = { a: await check(a), broken: await check(broken) };
    expect(JSON.stringify(plain.broken)).toMatch(/damaged|损坏|无法解压/);
    startEarly("worker", ["--pack", "经费", a]);
    expect(await check(a)).toEqual(plain.a);
    startEarly("worker", [b]);
    expect(await check(a)).toEqual(plain.a);
    startEarly("worker", [broken]);
    expect(await check(broken)).toEqual(plain.broken);
  }, 120_000);
});
