/**
 * docs/RULES.md, generated from the rule packs so an official can audit the tool: every rule, its
 * article, the quoted text, the test applied, the thresholds, and the interpretation switches with
 * what the text says, the reading applied and the alternatives. `node scripts/run-ts.js
 * scripts/rules-doc.ts` rewrites the file; test/rules-doc.test.ts checks that it matches the packs.
 */
import * as fs from "fs";
import * as path from "path";
import { builtinPacks } from "../src/packs";
import { EXCELLENT_WORDS, QUALIFIED_WORDS, UNQUALIFIED_WORDS } from "../src/engine/budget";
import type { Amount, Operand, Pack, Test } from "../src/packs/schema";

const OPS: Record<string, string> = { ">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "=", "!=": "≠" };
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

function amount(pack: Pack, a: Amount | Operand): string {
  if (typeof a === "number") return String(a);
  if ("field" in a) return `“${pack.fields.find((f) => f.id === a.field)?.label ?? a.field}”`;
  const p = pack.params.find((x) => x.id === a.param);
  return p ? `${p.value}（阈值“${p.label.zh}”）` : a.param;
}

/** A test in words. */
export function describeTest(pack: Pack, t: Test): string {
  const label = (id: string) => `“${pack.fields.find((f) => f.id === id)?.label ?? id}”`;
  const list = (ws: string[]) => ws.join("、");
  if ("cmp" in t) return `${label(t.field)} ${OPS[t.cmp]} ${amount(pack, t.value)}`;
  if ("yes" in t) return `${label(t.yes)}为“是”`;
  if ("textIn" in t) return `${label(t.textIn)}含 ${list(t.values)} 之一`;
  if ("vocab" in t) return `${label(t.vocab)}：含 ${list(t.fail)} 不符合；含 ${list(t.pass)} 符合；其他需核实${t.ignore?.length ? `（先去掉 ${list(t.ignore)}）` : ""}`;
  if ("withinYears" in t) return `${label(t.withinYears)}在${label(t.of)}前 ${amount(pack, t.years)} 年内${t.by === "calendarYear" ? "（按自然年）" : ""}，且不晚于${label(t.of)}`;
  if ("anyOf" in t) return `任一项：${t.anyOf.map((x) => `（${describeTest(pack, x)}）`).join(" 或 ")}`;
  if ("allOf" in t) return `全部：${t.allOf.map((x) => `（${describeTest(pack, x)}）`).join(" 且 ")}`;
  if ("atLeast" in t) return `至少 ${amount(pack, t.atLeast)} 项：${t.of.map((x) => `（${describeTest(pack, x)}）`).join("；")}`;
  if ("reading" in t) {
    const it = pack.interpretations.find((i) => i.id === t.reading);
    return `按解释“${t.reading}”：${Object.entries(t.cases)
      .map(([k, c]) => `【${it?.options.find((o) => o.id === k)?.label.zh ?? k}${it?.options[0]?.id === k ? "（默认）" : ""}】${describeTest(pack, c)}`)
      .join(" ")}`;
  }
  return `若（${describeTest(pack, t.if)}）则（${describeTest(pack, t.then)}）${t.else ? `否则（${describeTest(pack, t.else)}）` : ""}`;
}

function packSection(pack: Pack): string[] {
  const out: string[] = [`## ${pack.name.zh}（${pack.id}）`, "", `依据：${pack.document}。${pack.recordIs.zh}。${pack.description.zh}。`, ""];
  if (pack.criteria.length) {
    out.push("### 条件", "", "| 编号 | 条件 | 出处 | 条文 | 检查方法 | 解释 |", "|---|---|---|---|---|---|");
    for (const c of pack.criteria)
      out.push(`| ${c.id} | ${cell(c.name.zh)}${c.severity === "warning" ? "（仅提示）" : ""} | ${cell(c.source)} | ${cell(c.quote ?? "")} | ${cell(describeTest(pack, c.test))} | ${c.interpretation ?? ""} |`);
    out.push("");
  }
  const o = pack.outcome;
  if (o.kind === "grade") {
    out.push("### 等级与后果", "", "| 等级 | 达标条数 | 出处 | 后果 |", "|---|---|---|---|");
    for (const b of o.bands) out.push(`| ${b.grade} | ≥ ${amount(pack, b.min)} | ${b.source ?? ""} | ${cell(b.consequences.map((c) => `${c.text.zh}（${c.source}）`).join("；"))} |`);
    out.push("");
  } else if (o.kind === "all") out.push(`结论：全部条件满足为“${o.pass}”，有不满足为“${o.fail}”，有无法判断的为“需核实”。`, "");
  if (pack.budget) {
    const b = pack.budget;
    out.push("### 经费", "", `可支出类别（${b.source}）：`, "", "| 类别 | 也写作 | 关键词 | 用途须写明 |", "|---|---|---|---|");
    for (const c of b.categories) out.push(`| ${c.name} | ${c.synonyms.join("、")} | ${c.terms.join("、")} | ${c.purposeWords?.join("、") ?? ""} |`);
    out.push("", "不在经费使用范围（支出类别或用途/摘要中出现即判，先去掉例外词）：", "", "| 编号 | 词（每组至少一个） | 例外 | 原因 | 出处 | 解释 |", "|---|---|---|---|---|---|");
    for (const f of b.forbidden) out.push(`| ${f.id} | ${f.words.map((g) => g.join("/")).join(" + ")} | ${f.unless.join("、")} | ${cell(f.reason.zh)} | ${f.source} | ${f.interpretation ?? ""} |`);
    out.push(
      "",
      `补助（${b.subsidySource}、${b.noSubsidySource}）：管理期第 1–${amount(pack, b.subsidyYears)} 年每年 ${amount(pack, b.subsidy)} 元；上一年度考核不合格的，该年不拨付；第 2 年起上一年等级未填写或无法识别时不作假定（需核实）。`,
      `上一年度考核等级的读法（各处同一个）：含 ${UNQUALIFIED_WORDS.join("、")} 之一为不合格；否则含 ${EXCELLENT_WORDS.join("、")} 为优秀，含 ${QUALIFIED_WORDS.join("、")} 为合格；“基本合格”“良好”、数字等需核实。`,
      `每个工作室每年的额度 = 当年补助 + 单位配套经费（见解释 limit-includes-matching）；没有年度时不跨年合计，请补“年度”列。`,
      "",
    );
  }
  if (pack.params.length) {
    out.push("### 阈值（可在“规则”中修改）", "", "| 编号 | 阈值 | 默认 | 出处 | 解释 |", "|---|---|---|---|---|");
    for (const p of pack.params) out.push(`| ${p.id} | ${cell(p.label.zh)} | ${p.unit === "%" ? Math.round(p.value * 1e6) / 1e4 : p.value}${p.unit ?? ""} | ${cell(p.source)} | ${p.interpretation ?? ""} |`);
    out.push("");
  }
  if (pack.interpretations.length) {
    out.push("### 解释（条文留有余地之处）", "");
    for (const i of pack.interpretations) {
      out.push(`- **${i.id}**${i.invented ? "（本工具设定，条文无此数字或规定）" : ""}${i.source ? `〔${i.source}〕` : ""}：${i.text.zh}`);
      if (i.says) out.push(`  - 条文原文：“${i.says}”`);
      i.options.forEach((op, k) => out.push(`  - 可选理解 \`${op.id}\`${k === 0 ? "（默认）" : ""}：${op.label.zh}`));
    }
    out.push("");
  }
  return out;
}

export function rulesDoc(): string {
  const head = [
    "# 规则一览 Rules",
    "",
    "<!-- 由 scripts/rules-doc.ts 从规则包生成，请勿手改；test/rules-doc.test.ts 检查它与规则包一致。 Generated from the packs by scripts/rules-doc.ts; do not edit. -->",
    "",
    "每条规则的出处、条文、检查方法和解释开关，供核对本工具之用。结论：通过 / 需核实（无法判断，交人复核，从不算通过）/ 不通过。",
    "",
  ];
  return [...head, ...builtinPacks().flatMap(packSection)].join("\n").replace(/\n+$/, "\n");
}

export const RULES_DOC = path.join(__dirname, "..", "docs", "RULES.md");

// Run as a script (scripts/run-ts.js loads this file by require, so require.main is the runner).
if (!process.env.JEST_WORKER_ID && process.argv.some((a) => a.endsWith("rules-doc.ts"))) {
  fs.writeFileSync(RULES_DOC, rulesDoc());
  console.log(`written ${RULES_DOC}`);
}
