/**
 * The Office.js layer at 1,000 / 50,000 / 500,000 rows: how many context.sync() calls a read, a
 * write of results (with problem cells marked) and a clear take, and the largest request and
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
import type { RecordResult, SheetResult } from "../src/engine/types";
import { FakeExcel, type Seed } from "../test/support/fake-excel";
import { assessmentPack } from "../test/support/mini-packs";

const SIZES = process.argv.slice(2).map(Number).filter((n) => n > 0);
const ROWS = SIZES.length ? SIZES : [1_000, 50_000, 500_000];
const HEADER = ["工作室名称", "国家级科技比赛获奖数", "省级一等奖（项）", "省级二等奖（项）", "培训场次(场)", "单位配套经费（元）", "主持人", "所属区县"];
const COUNTIES = ["海州区", "连云区", "赣榆区", "东海县", "灌云县", "灌南县"];

/** A submission sheet of `n` studios as officials type it: title, header, mixed values, some unreadable. */
function seed(fake: FakeExcel, n: number): void {
  const rows: Seed[][] = [["2024年度青少年科技教育名师工作室考核汇总表"], HEADER];
  for (let i = 0; i < n; i++)
    rows.push([
      `${COUNTIES[i % 6]}第${i + 1}号科技教育名师工作室`,
      i % 3,
      i % 7 === 0 ? "两个" : i % 4,
      `${i % 5}项`,
      i % 6,
      i % 9 === 0 ? "是" : `¥${(1000 + (i % 50) * 100).toLocaleString("en-US")}.00`,
      `张老师${i % 100}`,
      COUNTIES[i % 6],
    ]);
  fake.addSheet("考核", { rows, merges: ["A1:H1"] });
}

/** What an evaluation of that sheet looks like: a grade per studio, an issue on every 7th row's 省级一等奖 and on short trainings. */
function result(n: number): SheetResult {
  const records: RecordResult[] = [];
  for (let i = 0; i < n; i++) {
    const row = i + 3;
    const issues: RecordResult["issues"] = [];
    if (i % 7 === 0)
      issues.push({ code: "unreadable", severity: "error", cell: `C${row}`, row, field: "provFirst", text: "两个", message: { zh: `C${row}：省级一等奖数“两个”不是数字，按未达标处理`, en: "unreadable" }, source: "第十六条（四）" });
    if (i % 6 < 2)
      issues.push({ code: "below", severity: "warning", cell: `E${row}`, row, field: "training", text: String(i % 6), message: { zh: `培训场次 ${i % 6} 场，少于 2 场`, en: "below" }, source: "第十六条（八）" });
    const met = 4 - (i % 3);
    records.push({ row, label: `工作室${i + 1}`, status: met >= 3 ? "ok" : "error", grade: met >= 4 ? "优秀" : met >= 3 ? "合格" : "不合格", met, total: 4, failed: met < 4 ? ["四", "八", "十"].slice(0, 4 - met) : [], issues });
  }
  return { sheet: "考核", pack: assessmentPack.id, headerRow: 2, columns: [], unmatched: [], records, groups: [], skipped: [], problems: [], summary: { records: n, ok: 0, warning: 0, error: 0, grades: {} }, interpretations: [] };
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
      const plan = planResults(grid, result(n), assessmentPack);
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
