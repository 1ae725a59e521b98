/**
 * Engine throughput: records per second for `studio-assessment` and `studio-budget` over 100,000
 * generated rows typed the way officials type (mixed 是/数字/全角/单位, ¥ amounts, blanks, a few
 * unreadable cells). Run: npm run bench:engine [-- rows]
 */
import { evaluateSheet } from "../src/engine";
import { getPack } from "../src/packs";
import type { CellValue, SheetGrid } from "../src/engine/types";

const ROWS = Number(process.argv[2] ?? 100_000);

/** Deterministic pseudo-random numbers, so every run measures the same sheet. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

export function assessmentGrid(rows: number): SheetGrid {
  const r = rng(7);
  const forms = (n: number): CellValue => {
    const k = r();
    return k < 0.55 ? n : k < 0.7 ? `${n}项` : k < 0.8 ? String.fromCharCode(0xff10 + (n % 10)) : k < 0.9 ? String(n) : k < 0.97 ? "二" : null;
  };
  const out: CellValue[][] = [
    ["2024年度青少年科技教育名师工作室考核汇总表"],
    ["工作室名称", "国家级科技比赛获奖数", "全国专项赛事获奖数", "参加青少年科技活动项数", "省级一等奖（项）", "省级二等奖（项）", "帮扶薄弱学校数", "参加科普周/科普日/承办竞赛次数", "市级创新大赛获奖数", "培训场次(场)", "新增骨干成员 数", "单位配套经费（元）"],
  ];
  for (let i = 0; i < rows; i++) {
    out.push([
      `工作室${i + 1}`,
      forms(Math.floor(r() * 3)),
      forms(Math.floor(r() * 2)),
      forms(1 + Math.floor(r() * 3)),
      forms(Math.floor(r() * 4)),
      forms(Math.floor(r() * 6)),
      forms(Math.floor(r() * 4)),
      r() < 0.01 ? "若干" : forms(Math.floor(r() * 3)),
      forms(Math.floor(r() * 6)),
      forms(Math.floor(r() * 4)),
      forms(Math.floor(r() * 5)),
      r() < 0.5 ? "¥5,000.00" : r() < 0.5 ? "是" : 0,
    ]);
  }
  return { name: "考核", rows: out, origin: { row: 1, col: 1 }, merges: ["A1:L1"] };
}

export function budgetGrid(rows: number): SheetGrid {
  const r = rng(11);
  const cats = ["餐费", "讲课费", "交通费", "材料费", "版面费", "场地租赁费", "礼品", "设备购置费", "图书资料费", "办公用品"];
  const purposes = ["送教下乡", "帮扶活动", "专题讲座", "日常教研", "培训"];
  const out: CellValue[][] = [
    ["2024年度名师工作室经费支出明细"],
    ["工作室名称", "年度", "日期", "支出类别", "金额（元）", "用途说明", "单位配套经费（元）"],
  ];
  for (let i = 0; i < rows; i++) {
    const amount = Math.round(r() * 80000) / 100;
    out.push([
      `工作室${Math.floor(i / 20) + 1}`,
      2024,
      `2024-${1 + Math.floor(r() * 12)}-${1 + Math.floor(r() * 28)}`,
      cats[Math.floor(r() * cats.length)],
      r() < 0.5 ? amount : `¥${amount.toLocaleString("en-US", { minimumFractionDigits: 2 })}`,
      purposes[Math.floor(r() * purposes.length)],
      i % 20 === 0 ? 2000 : null,
    ]);
  }
  return { name: "经费", rows: out, origin: { row: 1, col: 1 } };
}

/**
 * The first evaluation of a sheet (what one click costs with a cold JIT), then the median and the
 * best of RUNS more, after WARM_UP full-size runs — the steady state of a session that checks
 * sheet after sheet.
 */
const WARM_UP = 2;
const RUNS = 9;

function measure(label: string, grid: SheetGrid, packId: string): number {
  const pack = getPack(packId)!;
  const time = () => {
    const t0 = process.hrtime.bigint();
    const res = evaluateSheet(grid, pack);
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6, records: res.summary.records };
  };
  const first = time();
  for (let i = 1; i < WARM_UP; i++) time();
  const runs = Array.from({ length: RUNS }, () => time().ms).sort((a, b) => a - b);
  const ms = runs[Math.floor(runs.length / 2)];
  const rate = (t: number) => Math.round((first.records / t) * 1000);
  const fmt = (n: number) => n.toLocaleString("en-US").padStart(11);
  console.log(
    `${label.padEnd(20)} ${String(first.records).padStart(7)} records  first ${first.ms.toFixed(1).padStart(7)} ms ${fmt(rate(first.ms))}/s  median ${ms.toFixed(1).padStart(7)} ms ${fmt(rate(ms))}/s  best ${runs[0].toFixed(1).padStart(7)} ms ${fmt(rate(runs[0]))}/s`,
  );
  return rate(ms);
}

if (process.argv[1] === __filename) {
  console.log(`engine: evaluateSheet over ${ROWS.toLocaleString("en-US")} generated rows (first run; then median and best of ${RUNS} after ${WARM_UP} warm-up runs)`);
  const a = measure("studio-assessment", assessmentGrid(ROWS), "studio-assessment");
  measure("studio-budget", budgetGrid(ROWS), "studio-budget");
  const target = 1_000_000;
  console.log(`target: studio-assessment above ${target.toLocaleString("en-US")} records/s (median) — ${a >= target ? "met" : "NOT met"} (${(a / target).toFixed(2)}×)`);
}
