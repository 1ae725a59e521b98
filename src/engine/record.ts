/**
 * The record of a check (公开、公平、公正): which pack and version, every threshold and reading in
 * force (changed ones marked), the column mapping, when, by which door, and the counts. The same
 * record in every door: the add-in and the file door keep the list in the workbook's add-in
 * settings (RECORDS_KEY) and append one line per checked sheet to a visible 校验记录 sheet; the
 * report workbook carries the same lines. Built here, so no door words it differently.
 */
import type { OutValue, SheetPlan } from "./host";
import type { ParamOverrides, SheetResult, Summary } from "./types";
import type { Pack } from "../packs/schema";
import { safeSheetName } from "./output";
import { statusWord } from "./verdicts";
import { LEDGER_SHEET } from "./term/sheet";
import { fnv1a } from "./hash";

/** Settings key of the list of check records (beside kj-assess:settings and kj-assess:written). */
export const RECORDS_KEY = "kj-assess:checks";
/** The visible, printable record sheet: one line per checked sheet, appended, never rewritten. */
export const RECORD_SHEET = "校验记录";

/**
 * The sheets of a workbook that are ours, not an official's data — 校验记录, 周期台账, and those
 * a check or the pane created (`created`: the door's own list, from its ledger) — never checked,
 * never named as not checked, only looked at. Every door asks here.
 */
export function ourSheets(created: Iterable<string> = []): Set<string> {
  return new Set([RECORD_SHEET, LEDGER_SHEET, ...created]);
}
/** Records kept in settings (the sheet keeps every line; settings are small, 2 MB in Excel). */
export const RECORDS_KEPT = 200;

export type Door = "excel" | "page" | "cli";

export const DOOR_WORDS: Record<Door, string> = { excel: "Excel 加载项", page: "网页版", cli: "命令行" };

export interface RecordedParam {
  id: string;
  label: string;
  value: number;
  /** The pack's own value. */
  default: number;
  changed: boolean;
}

/** A reading (interpretation) in force. `choice` is the switch's setting where the pack offers one. */
export interface RecordedReading {
  id: string;
  text: string;
  choice?: string;
  changed?: boolean;
}

export interface RecordedColumn {
  field: string;
  label: string;
  /** Column letter and the header text found there. */
  col: string;
  header: string;
  manual: boolean;
}

export interface CheckedSheet {
  sheet: string;
  pack: string;
  packName: string;
  /** A fingerprint of the pack's content: it changes whenever the rules do. */
  packVersion: string;
  headerRow: number;
  columns: RecordedColumn[];
  params: RecordedParam[];
  readings: RecordedReading[];
  summary: Summary;
}

export interface CheckRecord {
  v: 1;
  /** ISO time of the check. */
  at: string;
  door: Door;
  /** The file checked, where the door knows it. */
  file?: string;
  sheets: CheckedSheet[];
}

/** FNV-1a over the pack's JSON: the same pack gives the same version in every door. */
export function packVersion(pack: Pack): string {
  return fnv1a(JSON.stringify(pack)).toString(16).padStart(8, "0");
}

export function checkedSheet(result: SheetResult, pack: Pack, params: ParamOverrides = {}, readings: Record<string, string> = {}): CheckedSheet {
  return {
    sheet: result.sheet,
    pack: pack.id,
    packName: pack.name.zh,
    packVersion: packVersion(pack),
    headerRow: result.headerRow,
    columns: result.columns.map((c) => ({
      field: c.field,
      label: pack.fields.find((f) => f.id === c.field)?.label ?? c.field,
      col: c.letter,
      header: c.header,
      manual: !!c.manual,
    })),
    params: pack.params.map((p) => {
      const v = params[p.id];
      const changed = typeof v === "number" && Number.isFinite(v) && v !== p.value;
      return { id: p.id, label: p.label.zh, value: changed ? v : p.value, default: p.value, changed };
    }),
    readings: result.interpretations.map((i) => ({ id: i.id, text: i.text.zh, ...(readings[i.id] !== undefined ? { choice: readings[i.id], changed: true } : {}) })),
    summary: { ...result.summary, grades: { ...result.summary.grades } },
  };
}

export function checkRecord(door: Door, sheets: CheckedSheet[], at: Date = new Date(), file?: string): CheckRecord {
  return { v: 1, at: at.toISOString(), door, ...(file ? { file } : {}), sheets };
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/** Reads stored records defensively (settings may be edited or come from another version): malformed entries are dropped. */
export function parseRecords(raw: unknown): CheckRecord[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (r): r is CheckRecord =>
      isObj(r) && r.v === 1 && typeof r.at === "string" && typeof r.door === "string" && Array.isArray(r.sheets) && r.sheets.every((s) => isObj(s) && typeof s.sheet === "string" && typeof s.pack === "string" && isObj(s.summary)),
  );
}

/** The stored list with one more record, the oldest dropped past RECORDS_KEPT. */
export function appendRecord(list: CheckRecord[], r: CheckRecord): CheckRecord[] {
  return [...list, r].slice(-RECORDS_KEPT);
}

export const RECORD_HEADERS = ["时间", "校验方式", "文件", "工作表", "规则包", "版本", "表头行", "记录数", statusWord("ok"), statusWord("warning"), statusWord("error"), "等级分布", "调整过的阈值", "采用的解释", "列对应"] as const;

/** Local time as officials read it: 2025-03-01 14:05:09. */
function localTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** The record as lines of the 校验记录 sheet: one per checked sheet. */
export function recordLines(r: CheckRecord): OutValue[][] {
  return r.sheets.map((s) => [
    localTime(r.at),
    DOOR_WORDS[r.door] ?? r.door,
    r.file ?? null,
    s.sheet,
    s.packName,
    s.packVersion,
    s.headerRow,
    s.summary.records,
    s.summary.ok,
    s.summary.warning,
    s.summary.error,
    Object.entries(s.summary.grades)
      .map(([g, n]) => `${g} ${n}`)
      .join("，") || null,
    s.params
      .filter((p) => p.changed)
      .map((p) => `${p.label}：${p.value}（默认 ${p.default}）`)
      .join("；") || "（均为默认值）",
    s.readings.map((x) => (x.choice !== undefined ? `${x.text}【${x.choice}】` : x.text)).join("；") || null,
    s.columns.map((c) => `${c.label}→${c.col}“${c.header}”${c.manual ? "（手动）" : ""}`).join("；") || null,
  ]);
}

const WIDTHS = [20, 12, 24, 14, 20, 10, 7, 8, 7, 7, 7, 20, 40, 50, 60];

/** The whole 校验记录 sheet for a list of records (a new sheet, or the report's copy). */
export function recordSheet(records: CheckRecord[]): SheetPlan {
  return {
    name: safeSheetName(RECORD_SHEET),
    rows: [[...RECORD_HEADERS], ...records.flatMap(recordLines)],
    widths: WIDTHS,
    headerRows: [1],
  };
}
