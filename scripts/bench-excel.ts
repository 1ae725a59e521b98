/**
 * The Office.js layer at 1,000 / 50,000 / 500,000 rows: how many context.sync() calls a read, a
 * write of results (the built-in assessment pack's evaluation, problem cells marked) and a clear take, and the largest request and
 * response of any of them, counted by the fake Excel object model (test/support/fake-excel.ts)
 * as the UTF-8 bytes of the JSON each batch would carry. Excel on the web refuses anything over
 * 5 MB; the script fails if any request or response gets there.
 *
 *   npm run bench:excel            (node scripts/run-ts.js scripts/bench-excel.ts [rows…])
 */
import { createExcelHost } from "../src/excel";
import { PAYLOAD_LIMIT } from "../src/excel/limits";
import { LEDGER_KEY } from "../src/excel/ledger";
import { planResults } from "../src/engine/output";
import { evaluateSheet } from "../src/engine/evaluate";
import { getPack } from "../src/packs";
import { FakeExcel, type Seed } from "../test/support/fake-excel";

const SIZES = process.argv.slice(2).map(Number).filter((n) => n > 0);
const ROWS = SIZES.length ? SIZES : [1_000, 50_000, 500_000];
const HEADER = [
  "工作室名称",
  "主持人",
  "考核年度",
  "国家级科技比赛获奖数",
  "全国专项赛事获奖数",
  "参加青少年科技活动项数",
  "省级一等奖（项）",
  "省级二等奖（项）",
  "帮扶薄弱学校数",
  "参加科普周/科普日/承办竞赛次数",
  "市级创新大赛获奖数",
  "培训场次(场)",
  "新增骨干成员 数",
  "单位配套经费（元）",
];
const COUNTIES = ["海州区", "连云区", "赣榆区", "东海县", "灌云县", "灌南县"];

/**
 * A submission sheet of `n` studios as officials type it: merged title, header with units, counts
 * as numbers, full-width digits, "3项", "1场", a 是 for the funding, and now and then something
 * unreadable ("见附件") or blank, so the evaluation has problems to mark.
 */
function seed(fake: FakeExcel, n: number): void {
  const rows: Seed[][] = [["2024年度青少年科技教育名师工作室考核汇总表"], HEADER];
  for (let i = 0; i < n; i++)
    rows.push([
      `${COUNTIES[i % 6]}第${i + 1}号科技教育名师工作室`,
      `张老师${i % 100}`,
      2024,
      i % 3,
      i % 4 === 0 ? "１" : 1,
      `${(i % 3) + 1}项`,
      i % 7 === 0 ? "见附件" : i % 3,
      i % 5,
      2,
      1,
      i % 11 === 0 ? null : 3,
      `${i % 4}场`,
      3,
      i % 9 === 0 ? "是" : `¥${(1000 + (i % 50) * 100).toLocaleString("en-US")}.00`,
    ]);
  rows.push(["合计"]);
  fake.addSheet("考核", { rows, merges: ["A1:N1"] });
}

interface Line {
  rows: number;
  step: string;
  syncs: number;
  chunks: number;
  maxRequest: number;
  maxResponse: number;
  ms: number;
}

async function measure(fake: FakeExcel, rows: number, step: string, f: () => Promise<unknown>): Promise<Line> {
  fake.resetStats();
  const t = performance.now();
  await f();
  const ms = performance.now() - t;
  const chunks = fake.syncs.filter((s) => s.kinds.includes("set:values") || s.kinds.some((k) => k.startsWith("load:values"))).length;
  return { rows, step, syncs: fake.syncCount, chunks, maxRequest: fake.maxRequest, maxResponse: fake.maxResponse, ms };
}

const fmt = (x: number) => x.toLocaleString("en-US");

async function main(): Promise<void> {
  const lines: Line[] = [];
  for (const n of ROWS) {
    const fake = new FakeExcel();
    const restore = fake.install();
    try {
      seed(fake, n);
      const host = createExcelHost();
      let grid = await host.readSheet("考核");
      lines.push(await measure(fake, n, "read", async () => (grid = await host.readSheet("考核"))));
      const pack = getPack("studio-assessment")!;
      const plan = planResults(grid, evaluateSheet(grid, pack), pack);
      let marked = 0;
      const write = await measure(fake, n, "", async () => (marked = (await host.writeResults(plan)).marked));
      const ledger = JSON.stringify(fake.settings.get(LEDGER_KEY)).length;
      write.step = `write (${fmt(marked)} of ${fmt(plan.marks.length)} marks; ledger ${fmt(ledger)} chars)`;
      lines.push(write);
      lines.push(await measure(fake, n, "write again", () => host.writeResults(plan)));
      lines.push(await measure(fake, n, "clear", () => host.clearResults()));
    } finally {
      restore();
    }
  }

  const table = [["rows", "step", "context.sync()", "of which value chunks", "largest request (bytes)", "largest response (bytes)", "time (ms, fake)"]];
  for (const l of lines) table.push([fmt(l.rows), l.step, fmt(l.syncs), fmt(l.chunks), fmt(l.maxRequest), fmt(l.maxResponse), fmt(Math.round(l.ms))]);
  const widths = table[0].map((_, j) => Math.max(...table.map((r) => r[j].length)));
  for (const r of table) console.log(r.map((c, j) => (j < 2 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join("  "));

  const worst = Math.max(...lines.map((l) => Math.max(l.maxRequest, l.maxResponse)));
  console.log(`\nlargest payload of any sync: ${fmt(worst)} bytes; limit ${fmt(PAYLOAD_LIMIT)} bytes (Excel on the web: 5 MB per request and response)`);
  if (worst >= PAYLOAD_LIMIT) {
    console.log("FAIL: a request or response is over the limit");
    process.exitCode = 1;
  } else console.log("OK: no request or response over 5 MB");
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
