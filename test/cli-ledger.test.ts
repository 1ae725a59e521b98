/**
 * `kj-assess ledger` as a user runs it: the compiled bin over the term example, its JSON, its
 * table, the ledger workbook it writes, a mapping file, and bad arguments.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readWorkbook, sheetGrid } from "../src/file/xlsx-read";
import { buildLedger } from "../src/engine/term/ledger";
import { ledgerSheet } from "../src/engine/term/sheet";
import { getPack, rosterPack } from "../src/packs";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin", "kj-assess.js");
const EXAMPLE = path.join("examples", "周期台账.xlsx");

function run(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

let tmp: string;
beforeAll(() => {
  spawnSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.node.json"], { cwd: ROOT, encoding: "utf8" });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kj-ledger-"));
}, 120_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

type YearJson = { termYear: number; grade: string | null; subsidy: number | null; limit: number | null; spent: number | null; overSpent: boolean; status: string; reportDue: string | null };
type StudioJson = { studio: string; status: string; termEnded: boolean; revocationRisk: boolean; years: YearJson[] };

describe("kj-assess ledger", () => {
  test("JSON: every studio and term year of the example, exit 1 because some are errors", () => {
    const r = run(["ledger", EXAMPLE, "--json"]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(["studios", "names", "problems", "readings", "sources", "failures"]));
    const zhang = doc.studios.find((s: StudioJson) => s.studio === "赣榆区实验中学张伟工作室");
    expect(zhang.years.map((y: YearJson) => [y.termYear, y.grade, y.subsidy, y.limit, y.spent, y.overSpent, y.status])).toEqual([
      [1, "不合格", 10000, 10000, 4000, false, "error"],
      [2, "合格", 0, 1000, 1500, true, "error"],
      [3, "不合格", 10000, 10000, null, false, "error"],
    ]);
    expect(zhang).toMatchObject({ termEnded: true, revocationRisk: true });
    expect(zhang.years[1].reportDue).toBe("2024-09-08");
    expect(doc.names).toHaveLength(8);
    expect(doc.readings[0]).toMatchObject({ id: "revocation", source: "第十七条" });
  });

  test("the table in Chinese, with names to confirm and the readings", () => {
    const r = run(["ledger", EXAMPLE]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("赣榆区实验中学张伟工作室（又写作：");
    expect(r.stdout).toContain("✗ 第2年：第2年支出¥1,500.00，超过本年度额度¥1,000.00〔第二十二条〕");
    expect(r.stdout).toMatch(/新海工作室 +请确认 +按简称对应到“海州区新海实验中学王建国工作室”/);
    expect(r.stdout).toContain("本工具的理解：管理期内两次不合格，或最后一年不合格，即标记撤销风险");
    expect(r.stdout).toContain("合计：4 个工作室，12 个管理年度；通过 4，需核实 3，不通过 5");
  });

  test("--revocation changes the reading; --report writes the ledger sheet; the input is untouched", () => {
    const before = fs.readFileSync(path.join(ROOT, EXAMPLE));
    const out = path.join(tmp, "台账.xlsx");
    // By its Chinese name (the code, consecutive, is taken too).
    const r = run(["ledger", EXAMPLE, "--revocation", "连续两年不合格", "--report", out, "--json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).studios.some((s: StudioJson) => s.revocationRisk)).toBe(false);
    expect(r.stderr).toContain(`已写出台账：${out}`);
    const wb = readWorkbook(new Uint8Array(fs.readFileSync(out)));
    if (!wb.ok) throw new Error(wb.error.message);
    expect(wb.workbook.sheets.map((s) => s.name)).toEqual(["工作室周期台账"]);
    const g = sheetGrid(wb.workbook.sheets[0]);
    if (!g.ok) throw new Error(g.error.message);
    expect(g.grid.rows.some((row) => row[0] === "赣榆区实验中学张伟工作室" && row[4] === "不合格")).toBe(true);
    // The same sheet the pane and the page write (term-doors.test.tsx): the engine's plan, cell for cell.
    const src = readWorkbook(new Uint8Array(fs.readFileSync(path.join(ROOT, EXAMPLE))));
    if (!src.ok) throw new Error(src.error.message);
    const sheets = src.workbook.sheets.map((e) => {
      const s = sheetGrid(e);
      if (!s.ok) throw new Error(s.error.message);
      return { grid: s.grid };
    });
    const plan = ledgerSheet(buildLedger(sheets, { assessment: getPack("studio-assessment")!, budget: getPack("studio-budget")!, roster: rosterPack() }, { readings: { revocation: "consecutive" } }));
    const norm = (rows: unknown[][]) => {
      const out = Array.from(rows, (r) => {
        const v = Array.from(r ?? [], (x) => (x === undefined || x === null || x === "" ? null : x));
        while (v.length && v[v.length - 1] === null) v.pop();
        return v;
      });
      while (out.length && out[out.length - 1].length === 0) out.pop();
      return out;
    };
    expect(norm(g.grid.rows)).toEqual(norm(plan.rows));
    expect(fs.readFileSync(path.join(ROOT, EXAMPLE)).equals(before)).toBe(true);
    // A second run may replace its own ledger, never another workbook.
    expect(run(["ledger", EXAMPLE, "--report", out]).code).toBe(1);
    expect(run(["ledger", EXAMPLE, "--report", path.join(ROOT, "examples", "经费支出.xlsx")]).code).toBe(2);
  });

  test("a mapping file settles a name; unreadable mapping and unknown reading are exit 2", () => {
    const mapping = path.join(tmp, "对照.txt");
    fs.writeFileSync(mapping, "新海工作室\t海州区新海实验中学王建国工作室\n");
    const doc = JSON.parse(run(["ledger", EXAMPLE, "--mapping", mapping, "--json"]).stdout);
    expect(doc.names.map((n: { name: string }) => n.name)).not.toContain("新海工作室");
    fs.writeFileSync(mapping, "只有一个名字\n");
    const bad = run(["ledger", EXAMPLE, "--mapping", mapping]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("第1行“只有一个名字”");
    const sometimes = run(["ledger", EXAMPLE, "--revocation", "sometimes"]);
    expect(sometimes.code).toBe(2);
    // The readings named as an official types them, no code among them.
    expect(sometimes.stderr).toContain("--revocation 只能是 两次或末年不合格、两次不合格、连续两年不合格、不标记：“sometimes”");
    expect(run(["ledger"]).code).toBe(2);
    const missing = run(["ledger", EXAMPLE, path.join(tmp, "没有.xlsx")]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain("找不到文件或文件夹");
  });
});
