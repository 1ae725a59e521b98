/**
 * Never lose, overwrite or falsify: every file the command line writes is complete or absent
 * under its final name (a process killed at random moments, a disk that fills up), never replaces
 * a file that is not ours (known by our marker, asked again at the rename), never writes through
 * a link to nowhere; a write that fails is reported as the write's failure, never as the input's.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import ExcelJS from "exceljs";
import { AtomicFile, writeAtomic, WriteFailure } from "../src/file/node/atomic";
import { ourKindOfFile, reportBlocked } from "../src/file/node/outputs";
import { markBytes } from "../src/file/marker";

/** The fs module object itself (the modules under test read its functions through it, so a spy on it reaches them). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeFs: typeof fs = require("fs");

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin", "kj-assess.js");
const BOOT = path.join(ROOT, "src", "file", "node", "worker-boot.js");
const CHILD = path.join(__dirname, "support", "atomic-child.ts");

let tmp: string;
beforeAll(() => {
  spawnSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.node.json"], { cwd: ROOT, encoding: "utf8" });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kj-write-"));
}, 120_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let n = 0;
const fresh = () => {
  const d = path.join(tmp, `case${++n}`);
  fs.mkdirSync(d);
  return d;
};
const leftovers = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith(".tmp"));
const bytes = (s: string) => new TextEncoder().encode(s);

function failure(fn: () => void): WriteFailure {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(WriteFailure);
    return e as WriteFailure;
  }
  throw new Error("expected the write to fail");
}

describe("writeAtomic", () => {
  test("a new file appears complete; nothing is left beside it", () => {
    const d = fresh();
    writeAtomic(path.join(d, "a.xlsx"), bytes("新内容"));
    expect(fs.readFileSync(path.join(d, "a.xlsx"), "utf8")).toBe("新内容");
    expect(leftovers(d)).toEqual([]);
  });

  test("a file already there is never replaced unless it may be — asked again just before the rename", () => {
    const d = fresh();
    const f = path.join(d, "a.xlsx");
    fs.writeFileSync(f, "官员的文件");
    expect(failure(() => writeAtomic(f, bytes("x"))).reason).toContain("不会覆盖");
    expect(failure(() => writeAtomic(f, bytes("x"), { mayReplace: () => false })).reason).toContain("不是 kj-assess");
    expect(fs.readFileSync(f, "utf8")).toBe("官员的文件");
    let asked = 0;
    writeAtomic(f, bytes("新的"), { mayReplace: () => ++asked > 0 });
    expect(asked).toBe(2);
    expect(fs.readFileSync(f, "utf8")).toBe("新的");
    expect(leftovers(d)).toEqual([]);
  });

  test("a file put at the name while we write is not overwritten (nothing was there when we started)", () => {
    const d = fresh();
    const f = path.join(d, "r.xlsx");
    const e = failure(() =>
      writeAtomic(f, bytes("报告"), {
        verify: () => {
          fs.writeFileSync(f, "刚放进来的文件");
          return null;
        },
      }),
    );
    expect(e.reason).toContain("不会覆盖");
    expect(fs.readFileSync(f, "utf8")).toBe("刚放进来的文件");
    expect(leftovers(d)).toEqual([]);
  });

  test("a symbolic link to nowhere is refused and its target is not created; a live link is written through", () => {
    const d = fresh();
    const link = path.join(d, "r.xlsx");
    fs.symlinkSync(path.join(d, "elsewhere", "target.xlsx"), link);
    expect(failure(() => writeAtomic(link, bytes("x"))).reason).toContain("符号链接");
    expect(fs.existsSync(path.join(d, "elsewhere"))).toBe(false);
    const real = path.join(d, "real.xlsx");
    fs.writeFileSync(real, "旧");
    const live = path.join(d, "live.xlsx");
    fs.symlinkSync(real, live);
    writeAtomic(live, bytes("新"), { mayReplace: () => true });
    expect(fs.lstatSync(live).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(real, "utf8")).toBe("新");
  });

  test("a disk that fills up halfway: the old file stays, the temporary file is removed, the reason is named", () => {
    const d = fresh();
    const f = path.join(d, "r.xlsx");
    fs.writeFileSync(f, "上次的报告");
    const real = fs.writeSync;
    const spy = jest.spyOn(nodeFs, "writeSync").mockImplementation(((fd: number, buf: Uint8Array, off?: number) => {
      if ((off ?? 0) > 0) throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
      return (real as (fd: number, b: Uint8Array, o: number, l: number) => number)(fd, buf, 0, 4);
    }) as typeof fs.writeSync);
    try {
      const e = failure(() => writeAtomic(f, bytes("新的报告内容很长"), { mayReplace: () => true }));
      expect(e.reason).toContain("磁盘空间不足");
      expect(e.file).toBe(f);
    } finally {
      spy.mockRestore();
    }
    expect(fs.readFileSync(f, "utf8")).toBe("上次的报告");
    expect(leftovers(d)).toEqual([]);
  });

  test("bytes that read back wrong are never renamed into place", () => {
    const d = fresh();
    const f = path.join(d, "c.xlsx");
    expect(failure(() => writeAtomic(f, bytes("x"), { verify: () => "副本与原文件核对不一致" })).reason).toContain("核对不一致");
    expect(fs.readdirSync(d)).toEqual([]);
  });

  test("written piece by piece (a streamed report): nothing under the name until commit; abort leaves nothing", () => {
    const d = fresh();
    const f = path.join(d, "r.xlsx");
    const w = new AtomicFile(f);
    w.write(bytes("第一段"));
    expect(fs.existsSync(f)).toBe(false);
    w.write(bytes("第二段"));
    w.commit();
    expect(fs.readFileSync(f, "utf8")).toBe("第一段第二段");
    const again = new AtomicFile(f, { mayReplace: () => true });
    again.write(bytes("不完整"));
    again.abort();
    expect(fs.readFileSync(f, "utf8")).toBe("第一段第二段");
    expect(leftovers(d)).toEqual([]);
  });

  test("a folder in the way, a missing folder: named", () => {
    const d = fresh();
    fs.mkdirSync(path.join(d, "r.xlsx"));
    expect(failure(() => writeAtomic(path.join(d, "r.xlsx"), bytes("x"), { mayReplace: () => true })).reason).toContain("文件夹");
    expect(failure(() => writeAtomic(path.join(d, "none", "r.xlsx"), bytes("x"))).reason).toContain("ENOENT");
  });

  test("a process killed at random moments: the final name holds the old file or a complete new one, never a partial one", async () => {
    const d = fresh();
    const f = path.join(d, "r.xlsx");
    const SIZE = 4 * 1024 * 1024;
    fs.writeFileSync(f, Buffer.alloc(SIZE, 0xaa));
    let seen = new Set<number>();
    for (let round = 0; round < 6; round++) {
      const child = spawn(process.execPath, [BOOT, CHILD, f, String(SIZE)], { stdio: ["ignore", "pipe", "inherit"] });
      await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
      await new Promise((r) => setTimeout(r, 50 + Math.floor(Math.random() * 400)));
      const dead = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      await dead;
      const got = fs.readFileSync(f);
      expect(got.length).toBe(SIZE);
      expect(got.every((b) => b === got[0])).toBe(true);
      seen = seen.add(got[0]);
    }
    // The kills landed after some writes completed (the content moved on from the old file).
    expect([...seen].some((v) => v !== 0xaa)).toBe(true);
    // A kill can leave a hidden temporary file beside it, never a workbook-named one.
    expect(fs.readdirSync(d).filter((x) => x !== "r.xlsx").every((x) => /^\.kj-.*\.tmp$/.test(x))).toBe(true);
  }, 120_000);
});

// ------------------------------------------------------------------ the command line

function run(args: string[], opts: { shell?: string } = {}): { code: number; stdout: string; stderr: string } {
  const r = opts.shell
    ? spawnSync("bash", ["-c", `${opts.shell}; exec "${process.execPath}" "${BIN}" "$@"`, "bash", ...args], { encoding: "utf8", timeout: 120_000 })
    : spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

async function workbook(file: string, sheets: Record<string, unknown[][]>): Promise<void> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) wb.addWorksheet(name).addRows(rows);
  await wb.xlsx.writeFile(file);
}

const HEADERS = ["工作室名称", "国家级科技比赛获奖数", "全国专项赛事获奖数", "参加青少年科技活动项数", "省级一等奖（项）", "省级二等奖（项）", "帮扶薄弱学校数", "参加科普周/科普日/承办竞赛次数", "市级创新大赛获奖数", "培训场次(场)", "新增骨干成员 数", "单位配套经费（元）"];
const submission = (file: string) => workbook(file, { 考核: [["2024年度考核汇总表"], HEADERS, ["甲工作室", 1, 1, 1, 2, 0, 2, 1, 3, 2, 3, "是"], ["乙工作室", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "否"]] });

describe("kj-assess check: outputs", () => {
  test("an official's workbook whose sheets are named like our report is never overwritten; our own report is replaced", async () => {
    const d = fresh();
    await submission(path.join(d, "a.xlsx"));
    const theirs = path.join(d, "汇总.xlsx");
    await workbook(theirs, { 汇总: [["文件"]], 问题清单: [["x"]], 经费: [["y"]] });
    const before = fs.readFileSync(theirs);
    const r = run(["check", path.join(d, "a.xlsx"), "--report", theirs]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("不是 kj-assess 的汇总报告");
    expect(Buffer.compare(fs.readFileSync(theirs), before)).toBe(0);
    expect(ourKindOfFile(theirs)).toBeNull();
    const ours = path.join(d, "r.xlsx");
    expect(run(["check", path.join(d, "a.xlsx"), "--report", ours]).code).toBe(1);
    expect(ourKindOfFile(ours)).toBe("report");
    expect(reportBlocked(ours)).toBeNull();
    expect(run(["check", path.join(d, "a.xlsx"), "--report", ours]).code).toBe(1);
    expect(leftovers(d)).toEqual([]);
  }, 120_000);

  test("--report under an .xlsm name, or at a symbolic link to nowhere, is refused before any work", () => {
    const d = fresh();
    const r = run(["check", path.join(ROOT, "examples"), "--report", path.join(d, "r.XLSM")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(".xlsx");
    expect(fs.readdirSync(d)).toEqual([]);
    const link = path.join(d, "r.xlsx");
    fs.symlinkSync(path.join(d, "nowhere", "r.xlsx"), link);
    const s = run(["check", path.join(ROOT, "examples"), "--report", link]);
    expect(s.code).toBe(2);
    expect(s.stderr).toContain("符号链接");
    expect(fs.existsSync(path.join(d, "nowhere"))).toBe(false);
  }, 120_000);

  test("a copy or report that cannot be written (file size limit): the write is named, the input's results are kept, nothing partial is left", async () => {
    const d = fresh();
    await submission(path.join(d, "a.xlsx"));
    fs.mkdirSync(path.join(d, "out"));
    // Files over 2 KB cannot be written by this process (EFBIG); reading the input is not affected.
    const r = run(["check", path.join(d, "a.xlsx"), "--json", "--annotate", path.join(d, "out"), "--report", path.join(d, "out", "r.xlsx")], { shell: "trap '' XFSZ; ulimit -f 2" });
    expect(r.code).toBe(2);
    const json = JSON.parse(r.stdout);
    expect(json.files).toHaveLength(1);
    expect(json.files[0].error).toBeUndefined();
    expect(json.files[0].summary.records).toBe(2);
    expect(r.stderr).toContain("无法写出标注副本");
    expect(r.stderr).toContain("无法写出汇总报告");
    expect(r.stderr).not.toContain("damaged");
    expect(fs.readdirSync(path.join(d, "out"))).toEqual([]);
  }, 120_000);

  test("--annotate into the folder being checked: later runs pass over our copies and report (by their marker), and say so", async () => {
    const d = fresh();
    await submission(path.join(d, "a.xlsx"));
    await submission(path.join(d, "b.xlsx"));
    const first = run(["check", d, "--json", "--annotate", d, "--report", path.join(d, "r.xlsx")]);
    expect(JSON.parse(first.stdout).files).toHaveLength(2);
    expect(fs.readdirSync(d).sort()).toEqual(["a-已标注.xlsx", "a.xlsx", "b-已标注.xlsx", "b.xlsx", "r.xlsx"]);
    const second = run(["check", d, "--json", "--annotate", d]);
    expect(JSON.parse(second.stdout).files.map((f: { file: string }) => path.basename(f.file))).toEqual(["a.xlsx", "b.xlsx"]);
    expect(second.stderr).toContain(`已跳过 kj-assess 写出的文件：${path.join(d, "a-已标注.xlsx")}`);
    expect(second.stderr).toContain(path.join(d, "r.xlsx"));
    // Named on the command line, a copy is checked (the official asked for it).
    expect(JSON.parse(run(["check", path.join(d, "a-已标注.xlsx"), "--json"]).stdout).files).toHaveLength(1);
  }, 120_000);

  test("a report's marker is what counts: the same workbook without it is an official's file", async () => {
    const d = fresh();
    const f = path.join(d, "r.xlsx");
    await workbook(f, { 汇总: [["文件"]] });
    expect(ourKindOfFile(f)).toBeNull();
    fs.writeFileSync(f, markBytes(new Uint8Array(fs.readFileSync(f)), "report"));
    expect(ourKindOfFile(f)).toBe("report");
    expect(ourKindOfFile(path.join(d, "none.xlsx"))).toBeNull();
  });
});

describe("folder walking", () => {
  test("an unreadable folder is reported as unreadable-folder and the walk goes on", async () => {
    const d = fresh();
    fs.mkdirSync(path.join(d, "locked"));
    fs.mkdirSync(path.join(d, "open"));
    await submission(path.join(d, "open", "a.xlsx"));
    await submission(path.join(d, "locked", "b.xlsx"));
    const r = spawnSync(process.execPath, ["-r", path.join(__dirname, "support", "deny-folder.js"), BIN, "check", d, "--json"], {
      encoding: "utf8",
      env: { ...process.env, KJ_DENY: path.join(d, "locked") },
      timeout: 120_000,
    });
    expect(r.status).toBe(2);
    const files = JSON.parse(r.stdout).files;
    const locked = files.find((f: { file: string }) => f.file === path.join(d, "locked"));
    expect(locked.error.code).toBe("unreadable-folder");
    expect(locked.error.message).toContain("EACCES");
    expect(files.filter((f: { summary?: unknown }) => f.summary).map((f: { file: string }) => f.file)).toEqual([path.join(d, "open", "a.xlsx")]);
  }, 120_000);
});
