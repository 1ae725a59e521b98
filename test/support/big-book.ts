/**
 * A large, plain assessment workbook (inline strings, one sheet): a title row, the header wording
 * of the seeds, then `rows` studios. Every 100th studio has a blank and an unreadable count, so
 * the check has problems to list and cells to link to.
 */
import { buildXlsx } from "./xlsx-build";

export const BIG_HEADERS = ["工作室名称", "国家级科技比赛获奖数", "全国专项赛事获奖数", "参加青少年科技活动项数", "省级一等奖（项）", "省级二等奖（项）", "帮扶薄弱学校数", "参加科普周/科普日/承办竞赛次数", "市级创新大赛获奖数", "培训场次(场)", "新增骨干成员 数", "单位配套经费（元）"];

const COLS = "ABCDEFGHIJKL";

function cell(ref: string, v: string | number | null): string {
  if (v === null) return "";
  return typeof v === "number" ? `<c r="${ref}"><v>${v}</v></c>` : `<c r="${ref}" t="inlineStr"><is><t>${v}</t></is></c>`;
}

export function bigAssessmentBook(rows: number): Uint8Array {
  const lines: string[] = [`<row r="1">${cell("A1", "2024年度考核汇总表")}</row>`, `<row r="2">${BIG_HEADERS.map((h, j) => cell(`${COLS[j]}2`, h)).join("")}</row>`];
  for (let i = 0; i < rows; i++) {
    const r = i + 3;
    const odd = i % 100 === 7;
    const values: (string | number | null)[] = [`工作室${i + 1}`, 1, 1, 1, odd ? null : 2, 0, 2, odd ? "若干" : 1, 3, 2, 3, "是"];
    lines.push(`<row r="${r}">${values.map((v, j) => cell(`${COLS[j]}${r}`, v)).join("")}</row>`);
  }
  return buildXlsx({ sheets: [{ name: "2024年度考核", xml: lines.join("") }] });
}
