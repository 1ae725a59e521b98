/**
 * Document settings: the add-in's private key/value store inside the workbook. Changes live in
 * memory until saveAsync, so every change here is saved at once.
 */
import { emptyLedger, LEDGER_KEY, parseLedger, parseSettings, SETTINGS_KEY, type Ledger } from "./ledger";
import type { WorkbookSettings } from "../engine/host";
import { parseRecords, RECORDS_KEY, type CheckRecord } from "../engine/record";


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
  return parseSettings(store().get(SETTINGS_KEY));
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
