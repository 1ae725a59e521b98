/**
 * What a sheet opened in the pane is checked with, from the workbook's saved settings: the pack,
 * columns, header row, thresholds and readings. Pure, so the task pane and the web page's worker
 * (which begins the check ahead) take the same choice from one place.
 */
import { chosenReadings } from "./interpretations";
import type { WorkbookSettings } from "./host";
import type { Mapping, ParamOverrides, Readings } from "./types";
import type { Pack } from "../packs/schema";

/** The thresholds saved for a pack that differ from its own values (anything else is dropped). */
export function cleanParams(pack: Pack | undefined, params: ParamOverrides | undefined): ParamOverrides {
  const out: ParamOverrides = {};
  if (!pack || !params) return out;
  for (const p of pack.params) {
    const v = params[p.id];
    if (typeof v === "number" && Number.isFinite(v) && v !== p.value) out[p.id] = v;
  }
  return out;
}

/** The pack and choices the pane takes for a sheet it opens. */
export interface PaneChoice {
  pack: Pack;
  mapping: Mapping;
  headerRow?: number;
  params: ParamOverrides;
  readings: Readings;
}

/**
 * What the pane takes for a sheet it opens, from the packs that fit it (best first) and the
 * workbook's saved settings: the saved choice belongs to the sheet it was made on — without that
 * note (older settings), it applies wherever its pack fits the sheet at all; else the best fit
 * with its defaults. Null when no pack fits. The web page's worker takes the same, to begin the
 * check ahead (SheetChecker.prepare).
 */
export function paneChoice(sheet: string, saved: WorkbookSettings, candidates: { pack: Pack }[], packs: Pack[]): PaneChoice | null {
  const savedPack = packs.find((p) => p.id === saved.pack);
  const useSaved = !!savedPack && (saved.sheet ? saved.sheet === sheet : candidates.some((c) => c.pack.id === savedPack.id));
  const pack = useSaved ? savedPack : candidates[0]?.pack;
  if (!pack) return null;
  return {
    pack,
    mapping: useSaved ? { ...(saved.mapping ?? {}) } : {},
    headerRow: useSaved ? saved.headerRow : undefined,
    params: cleanParams(pack, saved.pack === pack.id ? saved.params : undefined),
    readings: chosenReadings(pack, saved.pack === pack.id ? saved.readings : undefined),
  };
}
