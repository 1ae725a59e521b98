/**
 * Document settings: the add-in's private key/value store inside the workbook. Changes live in
 * memory until saveAsync, so every change here is saved at once.
 */
import { emptyLedger, LEDGER_KEY, parseLedger, type Ledger } from "./ledger";
import type { WorkbookSettings } from "../engine/host";
import { parseRecords, RECORDS_KEY, type CheckRecord } from "../engine/record";

export const SETTINGS_KEY = "kj-assess:settings";

function store(): Office.Settings {
  return Office.context.document.settings;
}

function save(): Promise<void> {
  return new Promise((resolve, reject) =>
    store().saveAsync((r) => (r.status === Office.AsyncResultStatus.Failed ? reject(r.error) : resolve())),
  );
}

export function readLedger(): Ledger {
  try {
    return parseLedger(store().get(LEDGER_KEY));
  } catch {
    return emptyLedger();
  }
}

export async function writeLedger(l: Ledger): Promise<void> {
  if (!l.sheets.length && !l.created.length) store().remove(LEDGER_KEY);
  else store().set(LEDGER_KEY, l);
  await save();
}

export function readSettings(): WorkbookSettings {
  const raw = store().get(SETTINGS_KEY) as unknown;
  if (typeof raw !== "object" || raw === null) return {};
  const s = raw as Record<string, unknown>;
  const numbers = (v: unknown): Record<string, number> | undefined =>
    typeof v === "object" && v !== null ? Object.fromEntries(Object.entries(v).filter((e): e is [string, number] => typeof e[1] === "number" && Number.isFinite(e[1]))) : undefined;
  return {
    pack: typeof s.pack === "string" ? s.pack : undefined,
    mapping: numbers(s.mapping),
    params: numbers(s.params),
    headerRow: typeof s.headerRow === "number" ? s.headerRow : undefined,
    sheet: typeof s.sheet === "string" ? s.sheet : undefined,
  };
}

export async function writeSettings(s: WorkbookSettings): Promise<void> {
  store().set(SETTINGS_KEY, JSON.parse(JSON.stringify(s)));
  await save();
}

export function readRecords(): CheckRecord[] {
  try {
    return parseRecords(store().get(RECORDS_KEY));
  } catch {
    return [];
  }
}

export async function writeRecords(list: CheckRecord[]): Promise<void> {
  store().set(RECORDS_KEY, list);
  await save();
}
