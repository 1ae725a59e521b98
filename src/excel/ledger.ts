/**
 * The record, kept inside the workbook, of everything the add-in wrote: result areas, the header
 * cells it made bold, the cells it coloured (with the fill each had before), and the sheets it
 * created. 清除结果 undoes exactly this and nothing else.
 *
 * Stored in document settings (Office.context.document.settings): it travels with the file, needs
 * no extra API set, and is private to the add-in. Sheets are keyed by their id, which survives a
 * rename. The record is saved *before* the first write of a run, so a run cut off half-way can
 * still be cleared.
 */

import type { WorkbookSettings } from "../engine/host";

export const LEDGER_KEY = "kj-assess:written";
/** The pane's choices (pack, mapping, thresholds). Kept beside the ledger; the file door reads both from the file. */
export const SETTINGS_KEY = "kj-assess:settings";

/** Stored settings read defensively: only the expected keys with the expected types. */
export function parseSettings(raw: unknown): WorkbookSettings {
  if (typeof raw !== "object" || raw === null) return {};
  const s = raw as Record<string, unknown>;
  const numbers = (v: unknown): Record<string, number> | undefined =>
    typeof v === "object" && v !== null ? Object.fromEntries(Object.entries(v).filter((e): e is [string, number] => typeof e[1] === "number" && Number.isFinite(e[1]))) : undefined;
  const strings = (v: unknown): Record<string, string> | undefined =>
    typeof v === "object" && v !== null ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === "string")) : undefined;
  return {
    pack: typeof s.pack === "string" ? s.pack : undefined,
    mapping: numbers(s.mapping),
    params: numbers(s.params),
    // Without this the readings chosen in 规则 were lost whenever the settings were read back.
    readings: strings(s.readings),
    headerRow: typeof s.headerRow === "number" ? s.headerRow : undefined,
    sheet: typeof s.sheet === "string" ? s.sheet : undefined,
    studioNames: strings(s.studioNames),
    revocation: typeof s.revocation === "string" ? s.revocation : undefined,
  };
}

export interface LedgerSheet {
  /** Worksheet id (stable across renames) and the name it had when we wrote. */
  id: string;
  name: string;
  /** The result columns beside the data (header row included), or null when results went to a sheet. */
  area: string | null;
  cells: number;
  /** Header cells we made bold, and whether they were bold before (null: mixed, left alone on clear). */
  header: string | null;
  headerBold: boolean | null;
  /** Cells we coloured per severity, as column runs in `encodeRuns` form. */
  marks: { error: string; warning: string };
  /** Fill colour a marked cell had before we coloured it → those cells (`encodeRuns`). Cells without a fill are not listed. */
  fills: Record<string, string>;
  /**
   * What each cell of `area` held as we wrote it (engine/fingerprint.ts), so that a cell an
   * official typed over is kept on clear and re-check. Absent in ledgers of earlier versions and
   * past the ceiling: the area is then cleared as a block.
   */
  fingerprint?: string;
}

export interface LedgerCreated {
  id: string;
  name: string;
  /** What we wrote on it; if the user typed outside this, the sheet is theirs now and is kept. */
  area: string;
  cells: number;
  /** Id of the sheet whose results it holds (result sheets), so a new run replaces it. */
  source: string | null;
  /** The name the plan asked for (summary, template), so writing the same plan again replaces it. */
  base?: string;
}

export interface Ledger {
  v: 1;
  sheets: LedgerSheet[];
  created: LedgerCreated[];
}

export function emptyLedger(): Ledger {
  return { v: 1, sheets: [], created: [] };
}

const isStr = (x: unknown): x is string => typeof x === "string";

/**
 * Reads a stored ledger defensively: settings can be edited or come from another version. Entries
 * that do not have the expected shape are dropped rather than trusted.
 */
export function parseLedger(raw: unknown): Ledger {
  const l = emptyLedger();
  if (typeof raw !== "object" || raw === null) return l;
  const r = raw as { sheets?: unknown; created?: unknown };
  for (const s of Array.isArray(r.sheets) ? r.sheets : []) {
    const x = s as Partial<LedgerSheet>;
    if (!isStr(x.id) || !isStr(x.name)) continue;
    const fills: Record<string, string> = {};
    if (typeof x.fills === "object" && x.fills) for (const [k, v] of Object.entries(x.fills)) if (isStr(v) && /^#[0-9A-F]{6}$/i.test(k)) fills[k] = v;
    l.sheets.push({
      id: x.id,
      name: x.name,
      area: isStr(x.area) ? x.area : null,
      cells: typeof x.cells === "number" ? x.cells : 0,
      header: isStr(x.header) ? x.header : null,
      headerBold: typeof x.headerBold === "boolean" ? x.headerBold : null,
      marks: { error: isStr(x.marks?.error) ? x.marks!.error : "", warning: isStr(x.marks?.warning) ? x.marks!.warning : "" },
      fills,
      ...(isStr(x.fingerprint) ? { fingerprint: x.fingerprint } : {}),
    });
  }
  for (const c of Array.isArray(r.created) ? r.created : []) {
    const x = c as Partial<LedgerCreated>;
    if (!isStr(x.id) || !isStr(x.name) || !isStr(x.area)) continue;
    l.created.push({
      id: x.id,
      name: x.name,
      area: x.area,
      cells: typeof x.cells === "number" ? x.cells : 0,
      source: isStr(x.source) ? x.source : null,
      ...(isStr(x.base) ? { base: x.base } : {}),
    });
  }
  return l;
}
