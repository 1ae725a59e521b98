/**
 * The built-in rule packs. They are data (the JSON files beside this module) and pass the same
 * schema as any pack an official edits; a built-in pack that fails it is a programming error and
 * stops loading with the schema's messages.
 */
import assessment from "./studio-assessment.json";
import application from "./studio-application.json";
import budget from "./studio-budget.json";
import routine from "./teacher-routine.json";
import { describePackProblems, parsePack, type Pack } from "./schema";

export type { Pack } from "./schema";

let cache: Pack[] | null = null;

export function builtinPacks(): Pack[] {
  if (!cache) {
    cache = [assessment, application, budget, routine].map((json) => {
      const r = parsePack(json);
      if (!r.ok) throw new Error(describePackProblems(String((json as { id?: unknown }).id), r.errors));
      return r.pack;
    });
  }
  return cache;
}

export function getPack(id: string): Pack | undefined {
  return builtinPacks().find((p) => p.id === id);
}
