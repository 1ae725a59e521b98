/**
 * The ledger as a printable sheet (the pane's 生成台账, the command line's --report, the page):
 * one line per studio and term year, the names to confirm, what was left out and why, the readings
 * applied, and a block of standards met per term year that the chart of grades over the term draws.
 */
import type { OutValue, SheetPlan } from "../host";
import { rangeA1 } from "../address";
import { statusWord } from "../verdicts";
import { LEDGER_TITLE, type Ledger, type LedgerYear, type StudioTerm } from "./ledger";
import type { Resolution } from "./identity";

export const LEDGER_SHEET = LEDGER_TITLE;

export const LEDGER_HEADERS = [
  "工作室",
  "挂牌日期",
  "管理年度",
  "年度",
  "考核等级",
  "达标项数",
  "本年补助（元）",
  "配套经费（元）",
  "本年额度（元）",
  "已支出（元）",
  "下年补助（元）",
  "预算报告截止",
  "报送日期",
  "成员数",
  "新增骨干",
  "标记",
  "状态",
  "说明",
] as const;

/** 优先推荐 / 撤销风险 / 期满, as the row shows them. */
export function yearFlags(y: LedgerYear): string[] {
  return [y.priority ? "优先推荐" : "", y.revocationRisk ? "撤销风险" : "", y.termEnd && y.grade !== null ? "期满" : "", y.overSpent ? "超支" : ""].filter(Boolean);
}

export function yearNotes(y: LedgerYear): string {
  return y.notes.map((n) => (n.source ? `${n.message.zh}（${n.source}）` : n.message.zh)).join("；");
}

/** Human words for how a name was tied to a studio. */
export function resolutionWords(r: Resolution): { result: string; note: string } {
  switch (r.how) {
    case "partial":
      return { result: "请确认", note: `按简称对应到“${r.studio}”` };
    case "ambiguous":
      return { result: "无法确定", note: `可能是${r.candidates.map((c) => `“${c}”`).join("或")}，未计入台账` };
    case "not-in-roster":
      return { result: "名册中没有", note: "单独列为一个工作室" };
    case "bad-mapping":
      return { result: "对照有误", note: `名称对照中的“${r.target}”不是已知的工作室` };
    default:
      return { result: "已对应", note: r.studio ? `“${r.studio}”` : "" };
  }
}

export function ledgerRows(st: StudioTerm): OutValue[][] {
  return st.years.map((y, i) => [
    i === 0 ? st.studio : null,
    i === 0 ? st.plaqueDate : null,
    `第${y.termYear}年`,
    y.year,
    y.grade ?? "（缺）",
    y.met,
    y.subsidy,
    y.matching,
    y.limit,
    y.spent,
    y.nextSubsidy,
    y.reportDue,
    y.reported,
    y.members,
    y.newMembers,
    yearFlags(y).join("、") || null,
    statusWord(y.status),
    yearNotes(y) || null,
  ]);
}

export function ledgerSheet(ledger: Ledger): SheetPlan {
  const rows: OutValue[][] = [];
  rows.push([LEDGER_SHEET]);
  rows.push(["依据：连云港市青少年科技教育名师工作室创建与管理办法（试行）第四条、第十六至二十二条"]);
  for (const r of ledger.readings) rows.push([`${r.source ? `${r.source}：` : ""}${r.text.zh}`]);
  rows.push([]);
  const headerRows = [rows.length + 1];
  rows.push([...LEDGER_HEADERS]);
  const first = rows.length + 1;
  for (const st of ledger.studios) {
    rows.push(...ledgerRows(st));
    const end = st.notes.map((n) => (n.source ? `${n.message.zh}（${n.source}）` : n.message.zh)).join("；");
    if (end) rows.push([null, null, "全期", null, null, st.totals.met, st.totals.subsidy, null, null, st.totals.spent, null, null, null, null, null, [st.termEnded ? "期满" : "", st.revocationRisk ? "撤销风险" : ""].filter(Boolean).join("、") || null, statusWord(st.status), end]);
  }
  if (!ledger.studios.length) rows.push(["（没有找到工作室的考核、经费或名册记录）"]);
  const last = rows.length;
  const numberFormats: SheetPlan["numberFormats"] = [];
  if (ledger.studios.length) {
    numberFormats.push({ range: rangeA1(first, 2, last, 2), format: "yyyy-mm-dd" });
    numberFormats.push({ range: rangeA1(first, 7, last, 11), format: "#,##0.00" });
    numberFormats.push({ range: rangeA1(first, 12, last, 13), format: "yyyy-mm-dd" });
  }

  if (ledger.names.length) {
    rows.push([]);
    headerRows.push(rows.length + 1);
    rows.push(["需确认的名称", "结果", "说明"]);
    for (const r of ledger.names) {
      const w = resolutionWords(r);
      rows.push([r.name, w.result, w.note]);
    }
  }
  if (ledger.problems.length) {
    rows.push([]);
    headerRows.push(rows.length + 1);
    rows.push(["未计入台账的记录", "位置", "依据"]);
    for (const p of ledger.problems) rows.push([p.message.zh, p.at ? `${p.at.file ? `${p.at.file} ` : ""}${p.at.sheet}!${p.at.cell}` : null, p.source]);
  }

  // Standards met per term year, one line per studio: what the chart of grades over the term draws.
  let chart: SheetPlan["chart"];
  const span = Math.max(0, ...ledger.studios.map((s) => s.years.length));
  if (ledger.studios.some((s) => s.years.some((y) => y.met !== null))) {
    rows.push([]);
    const top = rows.length + 1;
    headerRows.push(top);
    rows.push(["达标项数（按管理年度）", ...Array.from({ length: span }, (_, i) => `第${i + 1}年`)]);
    for (const st of ledger.studios) rows.push([st.studio, ...Array.from({ length: span }, (_, i) => st.years[i]?.met ?? null)]);
    chart = { type: "column", range: rangeA1(top, 1, rows.length, span + 1), title: "各工作室管理期内考核达标项数" };
  }
  return {
    name: LEDGER_SHEET,
    rows,
    widths: [34, 11, 9, 7, 9, 8, 12, 12, 12, 12, 12, 12, 11, 7, 8, 16, 8, 60],
    headerRows,
    numberFormats,
    chart,
  };
}
