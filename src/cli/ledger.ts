/**
 * kj-assess ledger <files or folders...>: the studio's three-year term across every workbook given
 * (assessment sheets of several years, budget sheets, a roster) — one ledger, printed as a table,
 * as JSON (--json) or written as a workbook (--report). The ledger itself is the engine's
 * (engine/term); this module only reads files, parses arguments and prints.
 * Exit status: 0 nothing is an error; 1 some studio-year is (over-spent, 不合格, a record that could
 * not be placed); 2 a file could not be read or the arguments are wrong.
 */
import * as fs from "fs";
import { parseArgs } from "util";
import { buildLedger, type Ledger, type LedgerNote, type LedgerSheet } from "../engine/term/ledger";
import { parseNameMapping } from "../engine/term/identity";
import { isRevocationReading, type RevocationReading } from "../engine/term/readings";
import { ledgerSheet, resolutionWords, yearFlags } from "../engine/term/sheet";
import { formatDate } from "../engine/values";
import { getPack, rosterPack } from "../packs";
import { readFiles } from "../file/node/read-file";
import { markBytes } from "../file/marker";
import { reportBlocked, writeReportFile } from "../file/node/outputs";
import { reasonOf } from "../file/node/atomic";
import { pad, width } from "./format";
import { statusWord } from "../engine/verdicts";
import type { Io } from "./main";

/** 第十七条's readings as an official types them on the command line (the codes are accepted too). */
const REVOCATION_NAMES: Record<RevocationReading, string> = {
  "two-or-final": "两次或末年不合格",
  two: "两次不合格",
  consecutive: "连续两年不合格",
  off: "不标记",
};

/** The reading a --revocation value names (Chinese name or code), or null. */
function revocationOf(s: string): RevocationReading | null {
  const t = s.trim();
  if (isRevocationReading(t)) return t;
  return (Object.keys(REVOCATION_NAMES) as RevocationReading[]).find((k) => REVOCATION_NAMES[k] === t) ?? null;
}

export const LEDGER_USAGE = `  kj-assess ledger <文件或文件夹...> [--mapping <名称对照>] [--revocation <读法>] [--json] [--report <台账.xlsx>]

  ledger    工作室周期台账：每个工作室每个管理年度的等级、补助、额度、支出、预算报告和标记
  --mapping     名称对照文件（JSON，或每行“简称<Tab/逗号>全称”）
  --revocation  撤销风险的读法（第十七条未规定条件）：${Object.values(REVOCATION_NAMES).join(" | ")}（默认 ${REVOCATION_NAMES["two-or-final"]}）
  --report      另存台账工作簿
`;

export function ledgerPacks() {
  return { assessment: getPack("studio-assessment")!, budget: getPack("studio-budget")!, roster: rosterPack() };
}

const money = (n: number | null) => (n === null ? "—" : n.toLocaleString("zh-CN", { minimumFractionDigits: 0, maximumFractionDigits: 2 }));
const date = (n: number | null) => (n === null ? "" : formatDate(n));
const mark = (n: LedgerNote) => (n.severity === "error" ? "✗" : n.severity === "warning" ? "!" : "·");

/** The ledger as the terminal shows it: a block per studio, then names to confirm and what was left out. */
export function ledgerText(ledger: Ledger): string {
  const lines: string[] = [];
  const cols: [string, number][] = [["年", 8], ["年度", 6], ["等级", 8], ["达标", 6], ["本年补助", 10], ["额度", 10], ["已支出", 10], ["下年补助", 10], ["预算报告", 30], ["标记", 20], ["状态", 8]];
  for (const st of ledger.studios) {
    const also = st.names.filter((n) => n !== st.studio);
    lines.push(`\n${st.studio}${also.length ? `（又写作：${also.join("、")}）` : ""}`);
    lines.push(`  挂牌日期 ${st.plaqueDate === null ? "未知" : formatDate(st.plaqueDate)}${st.host ? `；主持人 ${st.host}` : ""}；状态 ${statusWord(st.status)}`);
    lines.push("  " + cols.map(([h, w]) => pad(h, w)).join(""));
    for (const y of st.years) {
      const report = y.reportDue === null ? "" : `${date(y.reportDue)}前${y.reported === null ? "" : y.onTime ? "，已按时" : `，${date(y.reported)}逾期`}`;
      const cells = [`第${y.termYear}年`, y.year === null ? "" : String(y.year), y.grade ?? "（缺）", y.met === null ? "" : `${y.met}/${y.total}`, money(y.subsidy), money(y.limit), y.spent === null ? "" : money(y.spent), money(y.nextSubsidy), report, yearFlags(y).join("、"), statusWord(y.status)];
      lines.push("  " + cells.map((c, i) => pad(c, cols[i][1])).join(""));
    }
    const notes = [...st.years.flatMap((y) => y.notes.filter((n) => n.severity !== "info" || n.source === "第二十二条" || n.source === "第十八条").map((n) => ({ n, y: y.termYear }))), ...st.notes.map((n) => ({ n, y: 0 }))];
    for (const { n, y } of notes) lines.push(`    ${mark(n)} ${y ? `第${y}年：` : ""}${n.message.zh}${n.source ? `〔${n.source}〕` : ""}`);
    lines.push(`  全期：达标 ${st.totals.met} 项，补助 ${money(st.totals.subsidy)} 元，支出 ${money(st.totals.spent)} 元${st.termEnded ? "；期满" : ""}${st.revocationRisk ? "；撤销风险" : ""}${st.priority ? "；有优先推荐" : ""}`);
  }
  if (!ledger.studios.length) lines.push("\n（没有找到工作室的考核、经费或名册记录）");
  if (ledger.names.length) {
    lines.push("\n需确认的名称（可用 --mapping 指定对应关系）：");
    const w = Math.min(40, Math.max(...ledger.names.map((r) => width(r.name))) + 2);
    for (const r of ledger.names) {
      const words = resolutionWords(r);
      lines.push(`  ${pad(r.name, w)}${pad(words.result, 12)}${words.note}`);
    }
  }
  if (ledger.problems.length) {
    lines.push("\n未计入台账的记录：");
    for (const p of ledger.problems) lines.push(`  ${mark(p)} ${p.at ? `${p.at.file ? `${p.at.file} ` : ""}${p.at.sheet}!${p.at.cell}：` : ""}${p.message.zh}`);
  }
  lines.push("\n说明：");
  for (const r of ledger.readings) lines.push(`  ${r.text.zh}${r.source ? `〔${r.source}〕` : ""}`);
  const sources = ledger.sources.map((s) => `${s.file ? `${s.file} ／ ` : ""}${s.sheet}（${s.kind === "assessment" ? "考核" : s.kind === "budget" ? "经费" : "名册"}，${s.records} 条）`);
  lines.push(`\n读取：${sources.join("；") || "（没有可用的工作表）"}`);
  const years = ledger.studios.flatMap((s) => s.years);
  lines.push(`合计：${ledger.studios.length} 个工作室，${years.length} 个管理年度；通过 ${years.filter((y) => y.status === "ok").length}，需核实 ${years.filter((y) => y.status === "warning").length}，不通过 ${years.filter((y) => y.status === "error").length}`);
  return lines.join("\n") + "\n";
}

/** The ledger as JSON: dates as yyyy-mm-dd, messages in both languages. */
export function ledgerJson(ledger: Ledger): unknown {
  const note = (n: LedgerNote) => ({ severity: n.severity, message: n.message.zh, messageEn: n.message.en, source: n.source, ...(n.at ? { at: n.at } : {}) });
  return {
    studios: ledger.studios.map((st) => ({
      studio: st.studio,
      names: st.names,
      host: st.host,
      plaqueDate: st.plaqueDate === null ? null : formatDate(st.plaqueDate),
      status: st.status,
      termEnded: st.termEnded,
      revocationRisk: st.revocationRisk,
      priority: st.priority,
      totals: st.totals,
      notes: st.notes.map(note),
      years: st.years.map((y) => ({
        ...y,
        reportDue: y.reportDue === null ? null : formatDate(y.reportDue),
        reported: y.reported === null ? null : formatDate(y.reported),
        notes: y.notes.map(note),
      })),
    })),
    names: ledger.names,
    problems: ledger.problems.map(note),
    readings: ledger.readings.map((r) => ({ id: r.id, text: r.text.zh, textEn: r.text.en, source: r.source })),
    sources: ledger.sources,
  };
}

/**
 * `files` are the workbooks already collected from the arguments (main.ts walks folders the same
 * way for every command); `missing` the arguments that do not exist.
 */
export async function ledgerCommand(
  rest: string[],
  io: Io,
  collect: (inputs: string[], outputs: string[]) => { files: string[]; missing: string[]; unreadable?: { file: string; error?: { message: string } }[] },
): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs({ args: rest, allowPositionals: true, options: { json: { type: "boolean", default: false }, report: { type: "string" }, mapping: { type: "string" }, revocation: { type: "string" } } });
  } catch (e) {
    io.err(`参数有误：${(e as Error).message}\n${LEDGER_USAGE}`);
    return 2;
  }
  const opts = args.values as { json: boolean; report?: string; mapping?: string; revocation?: string };
  const bad = (msg: string) => {
    io.err(`${msg}\n`);
    return 2;
  };
  if (args.positionals.length === 0) return bad(`请给出要汇总的文件或文件夹\n${LEDGER_USAGE}`);
  const revocation = opts.revocation === undefined ? undefined : revocationOf(opts.revocation);
  if (revocation === null) return bad(`--revocation 只能是 ${Object.values(REVOCATION_NAMES).join("、")}：“${opts.revocation}”`);
  if (opts.report !== undefined && !/\.xlsx$/i.test(opts.report)) return bad(`--report 需要一个 .xlsx 文件名：“${opts.report}”`);
  const blocked = opts.report !== undefined ? reportBlocked(opts.report) : null;
  if (blocked) return bad(`--report ${opts.report}：${blocked}`);
  let mapping: Record<string, string> | undefined;
  if (opts.mapping !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(opts.mapping, "utf8");
    } catch (e) {
      return bad(`无法读取名称对照文件${opts.mapping}：${reasonOf(e)}`);
    }
    const m = parseNameMapping(text);
    if (!m.ok) return bad(`名称对照文件 ${opts.mapping} 有看不懂的行（每行应为两个名称，用 Tab、逗号或 = 分开）：${m.problems.map((p) => `第${p.line}行“${p.text}”`).join("；")}`);
    mapping = m.mapping;
  }

  const { files, missing, unreadable = [] } = collect(args.positionals, opts.report ? [opts.report] : []);
  const read = await readFiles(files.filter((f) => !/^~\$/.test(f.split(/[\\/]/).pop() ?? "")));
  const sheets: LedgerSheet[] = [];
  const failures: string[] = [...missing.map((f) => `${f}：找不到文件或文件夹`), ...unreadable.map((u) => `${u.file}：${u.error?.message ?? "无法读取"}`)];
  for (const f of read) {
    if (!f.ok) {
      failures.push(`${f.file}：${f.error.message}`);
      continue;
    }
    for (const s of f.sheets) {
      if ("grid" in s) sheets.push({ file: f.file, grid: s.grid });
      else failures.push(`${f.file} ／ ${s.name}：${s.error.message}`);
    }
  }
  const ledger = buildLedger(sheets, ledgerPacks(), { mapping, readings: revocation ? { revocation } : undefined });

  let reportFailed = false;
  if (opts.report !== undefined) {
    try {
      // Marked as our report: a later run may replace it, a folder walk passes over it.
      // exceljs is loaded only here, for the ledger's report: a plain check never loads it.
      const { writeWorkbook } = await import("../file/xlsx-write");
      writeReportFile(opts.report, markBytes(await writeWorkbook([ledgerSheet(ledger)]), "report"));
      io.err(`已写出台账：${opts.report}\n`);
    } catch (e) {
      reportFailed = true;
      io.err(`无法写出台账${opts.report}：${reasonOf(e)}\n`);
    }
  }
  if (opts.json) io.out(JSON.stringify({ ...(ledgerJson(ledger) as object), failures }, null, 2) + "\n");
  else {
    io.out(ledgerText(ledger));
    for (const f of failures) io.out(`  ✗ 无法读取：${f}\n`);
  }
  const error = ledger.studios.some((s) => s.status === "error") || ledger.problems.some((p) => p.severity === "error");
  return failures.length || reportFailed ? 2 : error ? 1 : 0;
}
