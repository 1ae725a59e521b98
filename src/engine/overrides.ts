/**
 * Thresholds named the way an official names them — 标准一, 优秀, 场地面积 — or by parameter id
 * (std1Min, excellentMin), turned into per-pack overrides: what the command line's --set and
 * --rules give, recorded in the check record like the pane's changes. Every bad name or value is
 * an error naming it; nothing is guessed.
 */
import type { ParamOverrides } from "./types";
import type { Pack } from "../packs/schema";
import { readNumber } from "./values";

export type Overrides = Record<string, ParamOverrides>;

type Param = Pack["params"][number];

/** The name before "：" (标准一：国家级获奖至少（项） → 标准一), the label without its unit, or the whole label. */
function namesOf(p: Param): string[] {
  const label = p.label.zh;
  return [label.split("：")[0], label, label.replace(/（[^）]*）$/, "")];
}

/** The params a name means, per pack. A name that means two params of one pack is ambiguous. */
function lookup(packs: Pack[], name: string): { pack: Pack; param: Param }[] | string {
  const want = name.trim();
  const out: { pack: Pack; param: Param }[] = [];
  for (const pack of packs) {
    const hits = pack.params.filter((p) => p.id.toLowerCase() === want.toLowerCase() || namesOf(p).includes(want));
    if (hits.length > 1) return `“${want}”在规则包“${pack.name.zh}”中可指 ${hits.map((p) => `${p.id}（${p.label.zh}）`).join("、")}，请用参数名（ambiguous: use the parameter id）`;
    if (hits.length === 1) out.push({ pack, param: hits[0] });
  }
  if (!out.length) return `没有名为“${want}”的阈值（no such threshold）；可用：${packs.flatMap((p) => p.params.map((x) => `${x.id}（${x.label.zh}）`)).join("、")}`;
  return out;
}

function value(param: Param, raw: unknown, name: string): number | string {
  const r = typeof raw === "number" || typeof raw === "string" ? readNumber(raw) : null;
  if (!r || !r.ok) return `“${name}”的值“${String(raw)}”不是数（not a number）`;
  const v = r.value;
  if (param.min !== undefined && v < param.min) return `“${name}”的值 ${v} 小于允许的最小值 ${param.min}（below the minimum）`;
  if (param.max !== undefined && v > param.max) return `“${name}”的值 ${v} 大于允许的最大值 ${param.max}（above the maximum）`;
  return v;
}

/** Adds `name = raw` to `into` for every pack that has such a threshold; returns an error text or null. */
export function setOverride(into: Overrides, packs: Pack[], name: string, raw: unknown): string | null {
  const found = lookup(packs, name);
  if (typeof found === "string") return found;
  for (const { pack, param } of found) {
    const v = value(param, raw, name);
    if (typeof v === "string") return v;
    (into[pack.id] ??= {})[param.id] = v;
  }
  return null;
}

/** `标准一=0` or `excellentMin=8`. */
export function parseSetArg(into: Overrides, packs: Pack[], arg: string): string | null {
  const i = arg.search(/[=＝]/);
  if (i <= 0) return `--set 需要“名称=数值”，如 --set 优秀=8（--set needs name=value）：“${arg}”`;
  return setOverride(into, packs, arg.slice(0, i), arg.slice(i + 1).trim());
}

/**
 * A rules file: `{ "优秀": 8, "标准一": 0 }`, or per pack `{ "studio-assessment": { "excellentMin": 8 } }`
 * (names or ids either way). Returns the errors, one per bad entry.
 */
export function parseRulesJson(into: Overrides, packs: Pack[], json: unknown): string[] {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return ["规则文件应为一个 JSON 对象，如 {\"优秀\": 8}（the rules file must be a JSON object）"];
  const errors: string[] = [];
  for (const [k, v] of Object.entries(json)) {
    const pack = packs.find((p) => p.id === k);
    if (pack && typeof v === "object" && v !== null && !Array.isArray(v)) {
      for (const [name, raw] of Object.entries(v)) {
        const e = setOverride(into, [pack], name, raw);
        if (e) errors.push(e);
      }
    } else {
      const e = setOverride(into, packs, k, v);
      if (e) errors.push(e);
    }
  }
  return errors;
}
