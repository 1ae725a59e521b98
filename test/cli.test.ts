/**
 * The command line as a user runs it: the compiled bin (built by `npm ci` through "prepare"),
 * real example workbooks, a real folder, the third-party corpus.
 */
import { execFileSync, spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import ExcelJS from "exceljs";
import { readWorkbook, sheetGrid } from "../src/file/xlsx-read";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin", "kj-assess.js");
const EXAMPLES = path.join(ROOT, "examples");
const CORPUS = process.env.KJ_CORPUS ?? path.resolve(ROOT, "..", "shared", "corpus");

function run(args: string[], cwd = ROOT): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", maxBuffer: 512 * 1024 * 1024, timeout: 600_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const sha = (f: string) => crypto.createHash("sha256").update(fs.readFileSync(f)).digest("hex");

let tmp: string;

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, "lib", "cli", "main.js"))) {
    execFileSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.node.json"], { cwd: ROOT });
  }
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
    const r = run(["check", "examples", "--json"]);
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
    expect(issue).toMatchObject({ severity: "error", code: "unreadable" });
    expect(issue.message).toContain("若干");
    expect(entry.skipped).toEqual([{ row: 7, reason: "blank" }, { row: 12, reason: "total" }]);
    expect(entry.summary).toMatchObject({ records: 8, grades: { 优秀: 4, 合格: 2, 不合格: 2 } });
    const budget = doc.files.find((f: { pack?: string }) => f.pack === "studio-budget");
    expect(budget.groups).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: { studio: "墟沟工作室", year: 2024 }, spent: 23300, limit: 10000, status: "error" }),
        expect.objectContaining({ key: { studio: "新海工作室", year: 2024 }, spent: 11800, limit: 12000, status: "warning" }),
      ]),
    );
    expect(doc.files.filter((f: { pack?: string }) => f.pack === "studio-application").map((f: { sheet: string }) => f.sheet)).toEqual(["学校", "主持人", "成员"]);
  });

  test("readable Chinese output by default", () => {
    const r = run(["check", "examples/考核-证据数量.xlsx"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("名师工作室年度考核（表头第 2 行，8 条记录）");
    expect(r.stdout).toContain("“若干”无法识别为个数〔第十六条（六）〕");
    expect(r.stdout).toMatch(/合计：1 个文件，1 张工作表/);
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
    expect(doc.files[0]).toEqual({ file: bad, error: { code: "not-a-workbook", message: expect.stringContaining("不是 Excel 工作簿") } });
    expect(doc.files[1]).toMatchObject({ pack: "teacher-routine" });
    expect(doc.files[2].error.code).toBe("not-a-workbook");
  });

  test("folders are walked recursively", () => {
    const dir = path.join(tmp, "县区", "海州区");
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(EXAMPLES, "教学常规.xlsx"), path.join(dir, "教学常规.xlsx"));
    fs.writeFileSync(path.join(dir, "说明.txt"), "not a workbook, not picked up");
    const r = run(["check", path.join(tmp, "县区"), "--json"]);
    const doc = JSON.parse(r.stdout);
    expect(doc.files.map((f: { file: string }) => path.basename(f.file))).toEqual(["教学常规.xlsx"]);
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
    expect(wb.worksheets.map((w) => w.name)).toEqual(["汇总", "问题清单", "经费"]);
    const summary = wb.getWorksheet("汇总")!;
    expect(summary.getRow(1).values).toEqual(expect.arrayContaining(["文件", "工作表", "行", "名称", "等级/结论"]));
    expect(summary.rowCount).toBe(1 + 8 + 6 + 2 + 10 + 3 + 3 + 6 + 5);
    const issues = wb.getWorksheet("问题清单")!;
    const texts = issues.getSheetValues().flat().filter((v) => typeof v === "string") as string[];
    expect(texts.some((t) => t.includes("“若干”无法识别为个数"))).toBe(true);
    expect(texts).toContain("第二十一条");
    const money = wb.getWorksheet("经费")!;
    expect(money.rowCount).toBe(1 + 3);

    const copies = fs.readdirSync(annotated).sort();
    expect(copies).toContain("考核-证据数量-校验.xlsx");
    const copy = readWorkbook(new Uint8Array(fs.readFileSync(path.join(annotated, "考核-证据数量-校验.xlsx"))));
    if (!copy.ok) throw new Error(copy.error.message);
    const g = sheetGrid(copy.workbook.sheets[0]);
    if (!g.ok) throw new Error(g.error.message);
    const header = g.grid.rows[1];
    expect(header.slice(0, 14)).toEqual(expect.arrayContaining(["工作室名称", "国家级科技比赛获奖数"]));
    expect(header).toEqual(expect.arrayContaining(["得分", "等级", "未达标项", "校验说明"]));
    const gradeCol = header.indexOf("等级");
    expect(g.grid.rows[2][gradeCol]).toBe("优秀");
    expect(g.grid.rows[3][1]).toBe("连云区墟沟中学科技教育名师工作室");
  }, 120_000);
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
