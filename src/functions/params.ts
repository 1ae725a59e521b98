/**
 * Thresholds an official changed for this workbook, shared by the task pane and the formulas.
 *
 * In the shared runtime the pane and the custom functions live in one JavaScript context (the
 * webpack build uses one runtime chunk, so this module exists once on the page): the pane calls
 * `setWorkbookParams` after loading or editing the workbook's settings, the formulas read
 * `getWorkbookParams` on every call. Formulas do not recalculate on their own when a threshold
 * changes (their inputs did not change), so a change asks Excel for a full recalculation.
 */
import type { ParamOverrides, Readings } from "../engine/types";

const store = new Map<string, ParamOverrides>();
const readingStore = new Map<string, Readings>();

function same<T>(a: Record<string, T> | undefined, b: Record<string, T>): boolean {
  const ak = Object.keys(a ?? {});
  return ak.length === Object.keys(b).length && ak.every((k) => a![k] === b[k]);
}

/** The overrides in force for a pack ({} when none). The returned object must not be mutated. */
export function getWorkbookParams(packId: string): ParamOverrides {
  return store.get(packId) ?? {};
}

/** The readings chosen for a pack where the regulation leaves room ({} when the defaults apply). Must not be mutated. */
export function getWorkbookReadings(packId: string): Readings {
  return readingStore.get(packId) ?? {};
}

/**
 * Replaces the overrides and readings for a pack (pass {} to return to the pack's defaults) and,
 * when they differ from what was in force, recalculates the workbook so every =KJ.* formula
 * applies them. Resolves once Excel has been asked to recalculate (at once outside Excel).
 */
export async function setWorkbookParams(packId: string, overrides: ParamOverrides, readings: Readings = {}): Promise<void> {
  const clean: ParamOverrides = {};
  for (const [k, v] of Object.entries(overrides)) if (typeof v === "number" && Number.isFinite(v)) clean[k] = v;
  const cleanReadings: Readings = {};
  for (const [k, v] of Object.entries(readings)) if (typeof v === "string") cleanReadings[k] = v;
  if (same(store.get(packId), clean) && same(readingStore.get(packId), cleanReadings)) return;
  if (Object.keys(clean).length) store.set(packId, Object.freeze(clean));
  else store.delete(packId);
  if (Object.keys(cleanReadings).length) readingStore.set(packId, Object.freeze(cleanReadings));
  else readingStore.delete(packId);
  await recalculate();
}

/** Full recalculation: custom functions are not volatile, so only `full` reaches them. No-op outside Excel. */
async function recalculate(): Promise<void> {
  if (typeof Excel === "undefined" || typeof Excel.run !== "function") return;
  try {
    await Excel.run(async (context) => {
      context.workbook.application.calculate(Excel.CalculationType.full);
      await context.sync();
    });
  } catch (e) {
    // Excel refuses API calls while a cell is being edited; the new values then apply at the next recalculation (F9).
    console.warn("重新计算失败", e);
  }
}
