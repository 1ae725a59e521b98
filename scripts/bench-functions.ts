/**
 * Cost per =KJ.ASSESS call over 100,000 calls, both ways officials write it: ten 是/否 cells, and
 * a row of evidence with its header row. Run: npm run bench:functions [-- calls]
 */
import { assess } from "../src/functions/functions";

const CALLS = Number(process.argv[2] ?? 100_000);
const HEADERS = [["工作室名称", "国家级科技比赛获奖数", "全国专项赛事获奖数", "参加青少年科技活动项数", "省级一等奖（项）", "省级二等奖（项）", "帮扶薄弱学校数", "参加科普周/科普日/承办竞赛次数", "市级创新大赛获奖数", "培训场次(场)", "新增骨干成员 数", "单位配套经费（元）"]];
const ROWS = [
  [["新海工作室", 1, 1, "2项", 2, 0, "２", 1, 3, "2场", 3, "¥5,000.00"]],
  [["墟沟工作室", 0, 1, 1, 1, 4, 2, 1, 3, 2, "3名", "是"]],
  [["白塔工作室", 0, 0, 1, 0, 1, 1, 1, 2, 1, 1, 0]],
];
const FLAGS = [[["是", "是", "√", "否", "Y", "有", "是", "否", "是", "TRUE"]], [["是", "否", "是", "是", "是", "是", "是", "是", "是", "是"]]];

function bench(label: string, call: (i: number) => unknown): void {
  for (let i = 0; i < 2000; i++) call(i); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) call(i);
  const ns = Number(process.hrtime.bigint() - t0) / CALLS;
  console.log(`${label.padEnd(44)} ${(ns / 1000).toFixed(2).padStart(7)} µs/call  (${Math.round(1e9 / ns).toLocaleString("en-US")} calls/s)`);
}

console.log(`formulas: =KJ.ASSESS over ${CALLS.toLocaleString("en-US")} calls`);
bench("ten 是/否 cells: =KJ.ASSESS(B3:K3)", (i) => assess(FLAGS[i % 2], null as never, null as never));
bench("evidence + headers: =KJ.ASSESS(B3:M3, B$2:M$2)", (i) => assess(ROWS[i % 3], HEADERS, null as never));
