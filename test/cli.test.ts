/**
 * The command line as a user runs it: the compiled bin (built by `npm ci` through "prepare"),
 * real example workbooks, a real folder, the third-party corpus.
 */
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import ExcelJS from "exceljs";
import { unzipSync } from "fflate";
import { readWorkbook, sheetGrid } from "../src/file/xlsx-read";
import { progress } from "../src/cli/main";
import { CORPUS } from "./support/corpus";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin", "kj-assess.js");
const EXAMPLES = path.join(ROOT, "examples");


function run(args: string[], cwd = ROOT): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", maxBuffer: 512 * 1024 * 1024, timeout: 600_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const sha = (f: string) => crypto.createHash("sha256").update(fs.readFileSync(f)).digest("hex");

let tmp: string;

beforeAll(() => {
  // Always rebuild, as `npm ci` does through "prepare": a stale lib/ would test yesterday's code.
  // Type errors elsewhere in the tree still emit JavaScript; only a missing entry point is fatal.
  spawnSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.node.json"], { cwd: ROOT, encoding: "utf8" });
  if (!fs.existsSync(path.join(ROOT, "lib", "cli", "main.js"))) throw new Error("tsc -p tsconfig.node.json did not produce lib/cli/main.js");
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kj-cli-"));
}, 120_000);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function passingWorkbook(file: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("考核");
  ws.addRow(["2024年度考核汇总表"]);
  ws.addRow(["工作室名称", "国家级科技比赛获奖数", "全国专项赛事获奖数", "参加青少年科技活动项数", "省级一等奖（项）", "省级二等奖（项）", "帮扶薄弱学校数", "参加科普周/科普日/承办竞赛次数", "市级创新大赛获奖数", "培训场次(场)", "新增骨干成员 数", "单位配套经费（元）"]);
  ws.addRow(["=HYPERLINK(\"x\")工作室", 1, 1, 1, 2, 0, 2, 1, 3, 2, 3, "是"]);
  await wb.xlsx.writeFile(file);
}

describe("kj-assess check", () => {
  test("the examples folder: JSON in the documented shape, exit 1 because some records fail", () => {
    const r = run(["check", "examples", "--json", "--messages"]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(["files"]);
    const entry = doc.files.find((f: { file: string }) => f.file.endsWith("考核-证据数量.xlsx"));
    expect(Object.keys(entry)).toEqual(expect.arrayContaining(["file", "sheet", "pack", "headerRow", "records", "groups", "skipped", "summary"]));
    expect(entry).toMatchObject({ sheet: "2024年度考核", pack: "studio-assessment", headerRow: 2 });
    expect(entry.records.map((x: { grade: string }) => x.grade)).toEqual(["优秀", "优秀", "合格", "不合格", "合格", "优秀", "不合格", "优秀"]);
    const rec = entry.records.find((x: { row: number }) => x.row === 8);
    expect(Object.keys(rec)).toEqual(expect.arrayContaining(["row", "label", "status", "grade", "met", "total", "failed", "issues"]));
    expect(rec).toMatchObject({ status: "warning", met: 8, total: 10, failed: ["二", "六"] });
    const issue = rec.issues.find((i: { cell: string }) => i.cell === "J8");
    expect(Object.keys(issue)).toEqual(expect.arrayContaining(["cell", "severity", "code", "message"]));
    // Row 8 still passes (合格, 需核实): its unreadable cell is a 提醒, not a 错误.
    expect(issue).toMatchObject({ severity: "warning", code: "unreadable" });
    expect(issue.message).toContain("若干");
    // Compact by default: no indentation; issues as code, cell, text and source, the message only with --messages; --lang en in English.
    const plain = run(["check", "examples/考核-证据数量.xlsx", "--json"]);
    expect(plain.stdout).not.toMatch(/\n\s/);
    const bare = JSON.parse(plain.stdout).files[0].records.find((x: { row: number }) => x.row === 8).issues.find((i: { cell: string }) => i.cell === "J8");
    expect(bare).toEqual({ code: "unreadable", severity: "warning", cell: "J8", text: "若干", source: "第十六条（六）" });
    const en = JSON.parse(run(["check", "examples/考核-证据数量.xlsx", "--json", "--messages", "--lang", "en"]).stdout).files[0].records.find((x: { row: number }) => x.row === 8);
    expect(en.issues.find((i: { cell: string }) => i.cell === "J8").message).toContain("cannot be read as a count");
    expect(run(["check", "examples", "--lang", "fr"]).stderr).toContain("--lang 只能是 zh 或 en");
    expect(entry.skipped).toEqual([{ row: 7, reason: "blank" }, { row: 12, reason: "total" }]);
    expect(entry.summary).toMatchObject({ records: 8, grades: { 优秀: 4, 合格: 2, 不合格: 2 } });
    const budget = doc.files.find((f: { pack?: string; file: string }) => f.pack === "studio-budget" && f.file.endsWith("经费支出.xlsx"));
    expect(budget.groups.map((g: { key: unknown; spent: number; limit: number; status: string }) => [g.key, g.spent, g.limit, g.status])).toEqual([
      [{ studio: "新海工作室", year: 2024 }, 11800, 12000, "warning"],
      [{ studio: "墟沟工作室", year: 2024 }, 23300, 10000, "error"],
      [{ studio: "白塔工作室", year: 2024 }, 300, 10000, "ok"],
      [{ studio: "赣榆工作室", year: 2024 }, 8900, 10000, "ok"],
    ]);
    expect(Object.keys(budget.groups[0])).toEqual(expect.arrayContaining(["key", "spent", "limit", "status"]));
    expect(Object.keys(budget.summary)).toEqual(expect.arrayContaining(["records", "ok", "warning", "error", "grades"]));
    expect(doc.files.filter((f: { pack?: string }) => f.pack === "studio-application").map((f: { sheet: string }) => f.sheet)).toEqual(["学校", "主持人", "成员"]);
    expect(doc.files.filter((f: { pack?: string }) => f.pack === "teacher-routine").map((f: { sheet: string }) => f.sheet)).toEqual(["教师常规", "教研员", "外出考察"]);
    // Every example file, every sheet a pack fits, in name order, then the sheets that fit none (named, not checked); nothing unreadable.
    expect(doc.files.map((f: { file: string; sheet: string }) => `${path.basename(f.file)}/${f.sheet}`)).toEqual([
      "周期台账.xlsx/2023年度考核",
      "周期台账.xlsx/2024年度考核",
      "周期台账.xlsx/2025年度考核",
      "周期台账.xlsx/经费支出",
      "周期台账.xlsx/名册",
      "教学常规.xlsx/教师常规",
      "教学常规.xlsx/教研员",
      "教学常规.xlsx/外出考察",
      "申报资格.xlsx/学校",
      "申报资格.xlsx/主持人",
      "申报资格.xlsx/成员",
      "经费支出.xlsx/经费支出",
      "考核-两行表头.xlsx/考核",
      "考核-证据数量.xlsx/2024年度考核",
      "考核-逐条是否.xlsx/逐条考核",
      "README.md/undefined",
    ]);
  });

  test("readable Chinese output by default", () => {
    const r = run(["check", "examples/考核-证据数量.xlsx"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("名师工作室年度考核（表头第 2 行，8 条记录）");
    expect(r.stdout).toContain("“若干”无法识别为个数〔第十六条（六）〕");
    expect(r.stdout).toContain("跳过 第 7 行（空行）、第 12 行（合计行）");
    expect(r.stdout).toMatch(/  8 +灌云县实验中学科技教育名师工作室 +合格 +8\/10 +需核实 +二、六\n/);
    expect(r.stdout).toContain("合计：1 个文件：1 个已检查；1 张工作表，8 条记录：通过 5，需核实 1，不通过 2");
  });

  test("exit 0 when no record is an error; text that looks like a formula stays text", async () => {
    const file = path.join(tmp, "通过.xlsx");
    await passingWorkbook(file);
    const r = run(["check", file, "--json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.files[0].records[0]).toMatchObject({ grade: "优秀", label: "=HYPERLINK(\"x\")工作室" });
  });

  test("a file that is not a workbook: an error entry, the others still checked, exit 2", () => {
    const bad = path.join(tmp, "不是表格.xlsx");
    fs.writeFileSync(bad, "这是一段文字，不是工作簿");
    const empty = path.join(tmp, "空文件.xlsx");
    fs.writeFileSync(empty, "");
    const r = run(["check", bad, "examples/教学常规.xlsx", empty, "--json"]);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc.files).toHaveLength(1 + 3 + 1);
    expect(doc.files[0]).toEqual({ file: bad, error: { code: "not-a-workbook", message: expect.stringContaining("不是 Excel 工作簿") } });
    expect(doc.files.slice(1, 4).map((f: { pack: string; sheet: string }) => [f.pack, f.sheet])).toEqual([
      ["teacher-routine", "教师常规"],
      ["teacher-routine", "教研员"],
      ["teacher-routine", "外出考察"],
    ]);
    expect(doc.files[4]).toEqual({ file: empty, error: { code: "not-a-workbook", message: expect.stringContaining("0 字节") } });
  });

  test("folders are walked recursively", () => {
    const dir = path.join(tmp, "县区", "海州区");
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(EXAMPLES, "教学常规.xlsx"), path.join(dir, "教学常规.xlsx"));
    fs.writeFileSync(path.join(dir, "说明.txt"), "not a workbook, listed as not checked");
    const r = run(["check", path.join(tmp, "县区"), "--json"]);
    const doc = JSON.parse(r.stdout);
    expect(doc.files.pop()).toEqual({ file: path.join(dir, "说明.txt"), skipped: { code: "not-a-workbook", message: "不是 Excel 工作簿（.txt 文件），未检查" } });
    expect(doc.files.map((f: { file: string; sheet: string }) => [path.relative(tmp, f.file), f.sheet])).toEqual([
      [path.join("县区", "海州区", "教学常规.xlsx"), "教师常规"],
      [path.join("县区", "海州区", "教学常规.xlsx"), "教研员"],
      [path.join("县区", "海州区", "教学常规.xlsx"), "外出考察"],
    ]);
  });

  test("every file in a folder is accounted for — checked, could not be checked (.xls, lock file) or not a workbook — in the table, the JSON, the report and the totals", async () => {
    const dir = path.join(tmp, "全部交代");
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(EXAMPLES, "考核-逐条是否.xlsx"), path.join(dir, "考核-逐条是否.xlsx"));
    // An Excel 97-2003 file as it starts on disk (an OLE compound file), a lock file, a PDF, a CSV, Windows' thumbnail cache.
    fs.writeFileSync(path.join(dir, "去年考核.xls"), Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(1024)]));
    fs.writeFileSync(path.join(dir, "~$考核-逐条是否.xlsx"), Buffer.concat([Buffer.from([6]), Buffer.from("wangjg", "latin1"), Buffer.alloc(155, 0x20)]));
    fs.writeFileSync(path.join(dir, "通知.pdf"), "%PDF-1.4");
    fs.writeFileSync(path.join(dir, "名单.csv"), "姓名,听课次数\n陈老师,8\n");
    fs.writeFileSync(path.join(dir, "Thumbs.db"), "x");
    const report = path.join(tmp, "全部交代-报告.xlsx");
    const r = run(["check", dir, "--json", "--report", report]);
    expect(r.code).toBe(2);
    const files = JSON.parse(r.stdout).files as { file: string; sheet?: string; error?: { code: string; message: string }; skipped?: { code: string; message: string } }[];
    const byName = new Map(files.map((f) => [path.basename(f.file), f]));
    expect([...byName.keys()].sort()).toEqual(["Thumbs.db", "~$考核-逐条是否.xlsx", "去年考核.xls", "名单.csv", "考核-逐条是否.xlsx", "通知.pdf"].sort());
    expect(byName.get("去年考核.xls")!.error!.code).toBe("legacy-xls");
    expect(byName.get("去年考核.xls")!.error!.message).toContain("另存为 .xlsx");
    expect(byName.get("~$考核-逐条是否.xlsx")!.error!.message).toContain("临时锁定文件");
    expect(byName.get("通知.pdf")!.skipped).toEqual({ code: "not-a-workbook", message: "不是 Excel 工作簿（.pdf 文件），未检查" });
    expect(byName.get("名单.csv")!.skipped!.message).toContain("另存为 .xlsx");
    expect(byName.get("Thumbs.db")!.skipped!.code).toBe("not-a-workbook");
    expect(byName.get("考核-逐条是否.xlsx")!.sheet).toBe("逐条考核");

    const text = run(["check", dir]);
    expect(text.code).toBe(2);
    for (const name of byName.keys()) expect(text.stdout).toContain(name);
    expect(text.stdout).toContain("合计：6 个文件：1 个已检查，2 个无法检查（临时锁定文件 1 个、.xls 旧格式 1 个），3 个不是工作簿、未检查");
    // Codes stay in --json: the table says what happened in words.
    expect(text.stdout).not.toMatch(/legacy-xls|not-a-workbook/);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(report);
    const summary = wb.getWorksheet("汇总")!.getSheetValues() as unknown[][];
    const statusOf = (name: string) => summary.filter((v) => v && String(v[1]).endsWith(name)).map((v) => v[11]);
    expect(statusOf("去年考核.xls")).toEqual(["无法读取"]);
    expect(statusOf("通知.pdf")).toEqual(["未检查"]);
    expect(new Set(statusOf("考核-逐条是否.xlsx"))).not.toContain("未检查");

    const inspect = run(["inspect", dir]);
    expect(inspect.stdout).toContain("合计：6 个文件：1 个已打开，2 个无法读取（临时锁定文件 1 个、.xls 旧格式 1 个），3 个不是工作簿、未检查");
  });

  test("a sheet of a checked workbook that fits no rule pack is named as not checked (table, JSON, report), never dropped", async () => {
    const report = path.join(tmp, "名册未检查.xlsx");
    const json = run(["check", "examples/周期台账.xlsx", "--json"]);
    const doc = JSON.parse(json.stdout) as { files: { sheet?: string; summary?: unknown; skipped?: { code: string; message: string } | unknown[] }[] };
    const leftOut = doc.files.filter((f) => !f.summary && f.sheet !== undefined);
    expect(leftOut.map((f) => [f.sheet, (f.skipped as { code: string }).code])).toEqual([["名册", "sheet-not-checked"]]);
    expect(doc.files.filter((f) => f.summary).map((f) => f.sheet)).toEqual(["2023年度考核", "2024年度考核", "2025年度考核", "经费支出"]);

    const text = run(["check", "examples/周期台账.xlsx", "--report", report]);
    expect(text.stdout).toContain("工作表“名册”的表头不符合任何规则包，未检查");
    expect(text.stdout).toMatch(/4 张工作表（另有 1 张未检查）/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(report);
    const rows = (wb.getWorksheet("汇总")!.getSheetValues() as unknown[][]).filter((v) => v && v[2] === "名册");
    expect(rows.map((v) => [v[11], v[13]])).toEqual([["未检查", "工作表“名册”的表头不符合任何规则包，未检查"]]);
  });

  test("--pack takes the pack's Chinese name as well as its id; a pack that does not fit the sheet is refused with what is missing", () => {
    const byName = run(["check", "examples/经费支出.xlsx", "--pack", "工作室经费使用", "--json"]);
    const byId = run(["check", "examples/经费支出.xlsx", "--pack", "studio-budget", "--json"]);
    expect(JSON.parse(byName.stdout)).toEqual(JSON.parse(byId.stdout));
    expect(JSON.parse(byName.stdout).files[0].pack).toBe("studio-budget");
    expect(JSON.parse(run(["check", "examples/经费支出.xlsx", "--pack", "经费", "--json"]).stdout).files[0].pack).toBe("studio-budget");

    const forced = run(["check", "examples/经费支出.xlsx", "--pack", "名师工作室年度考核", "--json"]);
    expect(forced.code).toBe(2);
    const [entry] = JSON.parse(forced.stdout).files;
    expect(entry.error.code).toBe("pack-does-not-fit");
    expect(entry.error.message).toContain("与规则包“名师工作室年度考核”不相符：缺少");
    expect(entry.error.message).toContain("省级一等奖");
    expect(entry.error.message).toContain("去掉 --pack");
    const table = run(["check", "examples/经费支出.xlsx", "--pack", "studio-assessment"]);
    expect(table.stdout).not.toContain("不合格");
    expect(table.stdout).toContain("不相符");
  });

  test("argument mistakes are told in Chinese, never in Node's English", () => {
    for (const [args, said] of [
      [["check", "examples", "--no-such-option"], "没有选项 --no-such-option"],
      [["check", "examples", "--pack"], "--pack 后面要写规则包的名称"],
      [["check", "examples", "--json=yes"], "--json 不带值"],
      [["check", "examples", "--pack", "不存在的包"], "没有规则包“不存在的包”"],
      [["check"], "请给出要检查的文件或文件夹"],
    ] as const) {
      const r = run([...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(said);
      expect(r.stderr.split("用法")[0]).not.toMatch(/[A-Za-z]{3,} [A-Za-z]{3,}/);
    }
  });

  test("a check whose worker started early (bin/kj-assess.js) but was not needed ends at once: wrong arguments, nothing to read", () => {
    for (const args of [["check", "examples", "--lang", "fr"], ["check", path.join(tmp, "没有这个文件.xlsx")]]) {
      const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
      // Killed by the timeout (a child left running keeps the command alive) would leave no status.
      expect(r.status).toBe(2);
    }
  });

  test("an Excel lock file (~$…) in a folder is reported as what it is, a missing path as not found; the rest still checked, exit 2", () => {
    const dir = path.join(tmp, "上交材料");
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(EXAMPLES, "考核-逐条是否.xlsx"), path.join(dir, "考核-逐条是否.xlsx"));
    // What Excel writes while 考核-逐条是否.xlsx is open: the user's name, padded, not a zip.
    fs.writeFileSync(path.join(dir, "~$考核-逐条是否.xlsx"), Buffer.concat([Buffer.from([6]), Buffer.from("wangjg", "latin1"), Buffer.alloc(155, 0x20)]));
    const gone = path.join(tmp, "没有这个文件夹");
    const r = run(["check", dir, gone, "--json"]);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc.files.map((f: { file: string }) => path.basename(f.file))).toEqual(["没有这个文件夹", "~$考核-逐条是否.xlsx", "考核-逐条是否.xlsx"]);
    expect(doc.files[0]).toEqual({ file: gone, error: { code: "not-found", message: expect.stringContaining(gone) } });
    expect(doc.files[1].error.code).toBe("not-a-workbook");
    expect(doc.files[1].error.message).toContain("临时锁定文件");
    expect(doc.files[2]).toMatchObject({ sheet: "逐条考核", summary: { records: 10 } });
    const text = run(["check", dir]);
    expect(text.code).toBe(2);
    expect(text.stdout).toContain("锁定文件");
    expect(text.stdout).toContain("1 个无法检查（临时锁定文件 1 个）");
  });

  test("the report never lands on an input; a report that cannot be written is exit 2 with a message", () => {
    const input = path.join(tmp, "别覆盖我.xlsx");
    fs.copyFileSync(path.join(EXAMPLES, "教学常规.xlsx"), input);
    const before = sha(input);
    const onInput = run(["check", input, "--report", input]);
    expect(onInput.code).toBe(2);
    expect(onInput.stderr).toContain("不能写到正在检查的文件上");
    expect(sha(input)).toBe(before);
    expect(run(["check", input, "--report", path.join(tmp, "报告.txt")]).code).toBe(2);
    const nowhere = run(["check", input, "--report", path.join(tmp, "不存在的文件夹", "报告.xlsx")]);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toContain("无法写出汇总报告");
    expect(sha(input)).toBe(before);
  });

  test("outputs inside the folder being checked: a second run passes over them and replaces only its own report", () => {
    const dir = path.join(tmp, "再次运行");
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(EXAMPLES, "考核-两行表头.xlsx"), path.join(dir, "考核-两行表头.xlsx"));
    const report = path.join(dir, "汇总报告.xlsx");
    const args = ["check", dir, dir, path.join(dir, "考核-两行表头.xlsx"), "--report", report, "--annotate", path.join(dir, "批注"), "--json"];
    const first = run(args);
    const second = run(args);
    expect([first.code, second.code]).toEqual([1, 1]);
    // Named three times, checked once; neither the report nor the annotated copy is checked.
    for (const r of [first, second]) expect(JSON.parse(r.stdout).files.map((f: { file: string }) => path.basename(f.file))).toEqual(["考核-两行表头.xlsx"]);
    expect(fs.readdirSync(path.join(dir, "批注")).sort()).toEqual(["考核-两行表头-已标注-2.xlsx", "考核-两行表头-已标注.xlsx"]);

    // A workbook of the official's own is never replaced by a report.
    const theirs = path.join(tmp, "我的名单.xlsx");
    fs.copyFileSync(path.join(EXAMPLES, "申报资格.xlsx"), theirs);
    const before = sha(theirs);
    const refused = run(["check", dir, "--report", theirs]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("不是 kj-assess 的汇总报告");
    expect(sha(theirs)).toBe(before);
  });

  test("help: exit 0 with the usage; no command at all: the usage on stderr, exit 2", () => {
    const help = run(["check", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("kj-assess check <文件或文件夹...>");
    expect(help.stdout).toContain("规则包: 名师工作室年度考核、名师工作室申报资格、工作室经费使用、教科室教学常规检查");
    // The usage is a screen too: names an official types, no internal id (the options themselves aside).
    const words = help.stdout.replace(/--[a-z]+/g, "").replace(/kj-assess|check|inspect|ledger|\.json|JSON|Excel|WPS|xlsx|xlsm|xls|zh|en|CPU|Tab/g, "");
    expect(words.match(/[A-Za-z][A-Za-z-]{2,}/g) ?? []).toEqual([]);
    const none = run([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("用法");
    expect(run(["check", "examples", "--no-such-option"]).code).toBe(2);
    expect(run(["inspect", "examples", "--report", path.join(tmp, "x.xlsx")]).code).toBe(2);
  });

  test("--pack and --sheet choose; bad arguments exit 2", () => {
    const r = run(["check", "examples/申报资格.xlsx", "--sheet", "主持人", "--json"]);
    const doc = JSON.parse(r.stdout);
    expect(doc.files.map((f: { sheet: string }) => f.sheet)).toEqual(["主持人"]);
    expect(run(["check", "examples", "--pack", "no-such-pack"]).code).toBe(2);
    expect(run(["check"]).code).toBe(2);
    expect(run(["frobnicate", "examples"]).code).toBe(2);
    const missingSheet = run(["check", "examples/申报资格.xlsx", "--sheet", "没有这张表", "--json"]);
    expect(missingSheet.code).toBe(2);
    expect(JSON.parse(missingSheet.stdout).files[0].error.code).toBe("no-such-sheet");
  });

  test("--report and --annotate write new files and leave every input untouched", async () => {
    const inputs = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith(".xlsx")).map((f) => path.join(EXAMPLES, f));
    const before = inputs.map(sha);
    const report = path.join(tmp, "汇总报告.xlsx");
    const annotated = path.join(tmp, "批注");
    const r = run(["check", "examples", "--report", report, "--annotate", annotated]);
    expect(r.code).toBe(1);
    expect(inputs.map(sha)).toEqual(before);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(report);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["汇总", "问题清单", "经费", "统计", "校验记录"]);
    const summary = wb.getWorksheet("汇总")!;
    // 统计: the records of 汇总 counted per status, with a real chart over those cells.
    const statusOf = (summary.getSheetValues() as unknown[][]).slice(2).map((v) => v?.[11]);
    const stats = wb.getWorksheet("统计")!;
    expect([2, 3, 4, 5, 7, 8].map((r) => [stats.getCell(`A${r}`).value, stats.getCell(`B${r}`).value])).toEqual([
      ["通过", statusOf.filter((x) => x === "通过").length],
      ["需核实", statusOf.filter((x) => x === "需核实").length],
      ["不通过", statusOf.filter((x) => x === "不通过").length],
      ["合计", statusOf.filter((x) => x === "通过" || x === "需核实" || x === "不通过").length],
      ["未检查的工作表", statusOf.filter((x) => x === "未检查").length],
      ["无法读取的文件", statusOf.filter((x) => x === "无法读取").length],
    ]);
    expect(stats.getCell("B3").value).toBeGreaterThan(0);
    const parts = unzipSync(new Uint8Array(fs.readFileSync(report)));
    const chart = new TextDecoder().decode(parts["xl/charts/chart1.xml"]);
    expect(chart).toContain("<c:f>'统计'!$B$2:$B$4</c:f>");
    expect(new TextDecoder().decode(parts["[Content_Types].xml"])).toContain('PartName="/xl/charts/chart1.xml"');
    expect((summary.getRow(1).values as unknown[]).slice(1)).toEqual(["文件", "工作表", "规则包", "行", "名称", "等级/结论", "后果", "达标条数", "满分条数", "未达标项", "状态", "隐藏行", "说明"]);
    // One line per record of every example: routine 9+4+3, application 3+3+6, budget 14, assessments 7+8+10,
    // the term example's assessments 4+3+4 and expenses 13; README.md not checked; the term example's roster sheet not checked.
    expect(summary.rowCount).toBe(1 + 16 + 12 + 14 + 7 + 8 + 10 + 24 + 1 + 1);
    const line = (summary.getSheetValues() as unknown[][]).find((v) => v && String(v[1]).endsWith("考核-证据数量.xlsx") && v[4] === 8)!;
    expect(line.slice(2)).toEqual(["2024年度考核", "名师工作室年度考核", 8, "灌云县实验中学科技教育名师工作室", "合格", "作为推荐下一年度工作室经费预算的重要依据（第十七条）", 8, 10, "二、六", "需核实", undefined, expect.stringContaining("若干")]);
    const routine = (summary.getSheetValues() as unknown[][]).find((v) => v && v[2] === "教师常规" && v[4] === 4)!;
    expect(routine[10]).toBe("每学期听课次数达标（教龄不足3年者15次，其他8次）");
    const issues = wb.getWorksheet("问题清单")!;
    const texts = issues.getSheetValues().flat().filter((v) => typeof v === "string") as string[];
    expect(texts.some((t) => t.includes("“若干”无法识别为个数"))).toBe(true);
    expect(texts).toContain("第二十一条");
    const unreadable = (issues.getSheetValues() as unknown[][]).find((v) => v && v[3] === "J8")!;
    expect(unreadable.slice(4)).toEqual([8, "灌云县实验中学科技教育名师工作室", "提醒", expect.stringContaining("若干"), "若干", "第十六条（六）"]);
    const money = wb.getWorksheet("经费")!;
    // 经费支出.xlsx: 4 studio-years; 周期台账.xlsx: 10.
    expect(money.rowCount).toBe(1 + 4 + 10);
    const moneyRows = money.getSheetValues() as unknown[][];
    const over = moneyRows.findIndex((v) => v && v[3] === "墟沟工作室" && v[4] === 2024 && String(v[1]).endsWith("经费支出.xlsx"));
    expect(moneyRows[over].slice(3, 9)).toEqual(["墟沟工作室", 2024, 23300, 10000, 2.33, "不通过"]);
    expect(money.getCell(`G${over}`).numFmt).toBe("0.0%");
    // Every sheet of the report keeps its header in view and can be filtered.
    for (const ws of wb.worksheets) {
      expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
      expect(ws.autoFilter).toBeTruthy();
    }
    // The filter spans the list, not the header alone.
    expect(new TextDecoder().decode(parts["xl/worksheets/sheet1.xml"])).toContain(`<autoFilter ref="A1:M${summary.rowCount}"/>`);

    const copies = fs.readdirSync(annotated).sort();
    expect(copies).toContain("考核-证据数量-已标注.xlsx");
    const copy = readWorkbook(new Uint8Array(fs.readFileSync(path.join(annotated, "考核-证据数量-已标注.xlsx"))));
    if (!copy.ok) throw new Error(copy.error.message);
    const g = sheetGrid(copy.workbook.sheets[0]);
    if (!g.ok) throw new Error(g.error.message);
    const header = g.grid.rows[1];
    expect(header.slice(0, 14)).toEqual(expect.arrayContaining(["工作室名称", "国家级科技比赛获奖数"]));
    expect(header).toEqual(expect.arrayContaining(["得分", "等级", "未达标项", "校验说明"]));
    const gradeCol = header.indexOf("等级");
    expect(g.grid.rows[2][gradeCol]).toBe("优秀");
    expect(g.grid.rows[3][1]).toBe("连云区墟沟中学科技教育名师工作室");

    // A second run into the same folder never overwrites the first run's copies.
    const firstCopy = sha(path.join(annotated, "考核-证据数量-已标注.xlsx"));
    expect(run(["check", "examples/考核-证据数量.xlsx", "--annotate", annotated]).code).toBe(1);
    expect(fs.existsSync(path.join(annotated, "考核-证据数量-已标注-2.xlsx"))).toBe(true);
    expect(sha(path.join(annotated, "考核-证据数量-已标注.xlsx"))).toBe(firstCopy);
    expect(inputs.map(sha)).toEqual(before);
  }, 120_000);
});

describe("the progress line", () => {
  function runAt(tty: boolean, times: number[]): string {
    let out = "";
    let clock = 0;
    const tick = progress({ out: () => undefined, err: (s) => (out += s), tty }, times.length, () => clock);
    times.forEach((t, i) => {
      clock = t;
      tick(i + 1);
    });
    return out;
  }

  test("silent for runs under a second, on a terminal and in a log", () => {
    expect(runAt(true, [200, 500, 900])).toBe("");
    expect(runAt(false, [200, 500, 900])).toBe("");
  });

  test("a terminal gets one line rewritten in place after the first second", () => {
    expect(runAt(true, [500, 1500, 2500])).toBe("\r已处理 2/3 个文件，用时 1 秒…\r已处理 3/3 个文件，用时 2 秒…\n");
  });

  test("a log gets a line after the first second, then every five seconds, and the last count", () => {
    expect(runAt(false, [2000, 5000, 6000, 11000, 12000])).toBe("已处理 1/5 个文件，用时 2 秒…\n已处理 4/5 个文件，用时 11 秒…\n已处理 5/5 个文件，用时 12 秒…\n");
  });

  test("one long file: the beat every second shows the run is alive before any file is done", () => {
    let out = "";
    let clock = 0;
    const tick = progress({ out: () => undefined, err: (s) => (out += s), tty: true }, 1, () => clock);
    for (const t of [1000, 2000, 3000]) {
      clock = t;
      tick(0);
    }
    clock = 3400;
    tick(1);
    expect(out).toBe("\r已处理 0/1 个文件，用时 1 秒…\r已处理 0/1 个文件，用时 2 秒…\r已处理 0/1 个文件，用时 3 秒…\r已处理 1/1 个文件，用时 3 秒…\n");
  });
});

describe("kj-assess inspect", () => {
  test("lists sheets with their size, header row and pack", () => {
    const r = run(["inspect", "examples/申报资格.xlsx", "--json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.files[0].sheets.map((s: { name: string; pack: string; headerRow: number }) => [s.name, s.pack, s.headerRow])).toEqual([
      ["学校", "studio-application", 2],
      ["主持人", "studio-application", 2],
      ["成员", "studio-application", 2],
    ]);
  });

  test("readable listing by default; a bad file is listed with its reason and exit 2", () => {
    const bad = path.join(tmp, "损坏.xlsx");
    fs.writeFileSync(bad, fs.readFileSync(path.join(EXAMPLES, "经费支出.xlsx")).subarray(0, 1500));
    const r = run(["inspect", "examples/经费支出.xlsx", bad]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/经费支出 +\d+ 行 × 7 列 +工作室经费使用，表头第 2 行/);
    expect(r.stdout).toMatch(/损坏\.xlsx\n  ✗ 工作簿已损坏.+另存为 \.xlsx/);
    expect(r.stdout).not.toContain("damaged");
    expect(r.stdout).toContain("合计：2 个文件：1 个已打开，1 个无法读取（已损坏 1 个）");
  });

  const corpusTest = fs.existsSync(CORPUS) ? test : test.skip;
  if (!fs.existsSync(CORPUS)) console.log(`corpus sweep skipped: ${CORPUS} not found (set KJ_CORPUS)`);

  corpusTest(
    "sweeps the 1,409-file third-party corpus: no crash, no file over 10 s, every failure a clear coded error",
    () => {
      const started = Date.now();
      const r = run(["inspect", CORPUS, "--json"]);
      const doc = JSON.parse(r.stdout) as { files: ({ file: string; sheets: unknown[] } | { file: string; error: { code: string; message: string } })[] };
      const known = new Set(["encrypted", "legacy-xls", "not-a-workbook", "damaged", "too-large", "out-of-memory"]);
      const counts: Record<string, number> = {};
      for (const f of doc.files) {
        const k = "error" in f ? f.error.code : "opened";
        counts[k] = (counts[k] ?? 0) + 1;
        if ("error" in f) {
          expect(known.has(f.error.code)).toBe(true);
          expect(f.error.message.length).toBeGreaterThan(5);
        }
      }
      // The pool stops any file at 10 s with code "timeout": none may have needed it.
      expect(counts.timeout).toBeUndefined();
      expect(doc.files.length).toBeGreaterThanOrEqual(1400);
      expect(counts.opened).toBeGreaterThan(1350);
      expect(r.code).toBe(2);
      console.log(`corpus: ${doc.files.length} files in ${((Date.now() - started) / 1000).toFixed(1)} s — ${JSON.stringify(counts)}`);
    },
    600_000,
  );
});
