/**
 * The built-in rule packs. They are data (the JSON files beside this module), written out in full
 * — every default the schema would give spelled out — and held to the same schema as any pack an
 * official edits by test/pack-schema.test.ts (the schema gives each back unchanged). So they are
 * used as they are: no process loads the schema's code (zod, ~90 ms of CPU in each of the command
 * line's processes) to read them.
 */
import assessment from "./studio-assessment.json";
import application from "./studio-application.json";
import budget from "./studio-budget.json";
import routine from "./teacher-routine.json";
import roster from "./studio-roster.json";
import type { Pack } from "./schema";

export type { Pack } from "./schema";

let cache: Pack[] | null = null;

/** Spelled out in full and held to the schema by its test: the JSON is the pack. */
const load = (json: unknown): Pack => json as Pack;

export function builtinPacks(): Pack[] {
  if (!cache) cache = [assessment, application, budget, routine].map(load);
  return cache;
}

let rosterCache: Pack | null = null;

/**
 * The roster of studios (挂牌日期, 主持人, 成员, 预算报告报送日期): not checked on its own — it has no
 * rule — so it is not among the packs a sheet is checked with; the term ledger reads it.
 */
export function rosterPack(): Pack {
  return (rosterCache ??= load(roster));
}

export function getPack(id: string): Pack | undefined {
  return builtinPacks().find((p) => p.id === id);
}

/**
 * A pack as an official names it on the command line: its id, its Chinese or English name, or a
 * part of the Chinese name that only one pack has (年度考核, 经费). Undefined when none or several fit.
 */
export function findPack(name: string): Pack | undefined {
  const t = name.trim();
  const lower = t.toLowerCase();
  const exact = builtinPacks().find((p) => p.id === lower || p.name.zh === t || p.name.en.toLowerCase() === lower);
  if (exact || t === "") return exact;
  const part = builtinPacks().filter((p) => p.name.zh.includes(t));
  return part.length === 1 ? part[0] : undefined;
}
