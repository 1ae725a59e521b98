/** The command line's JSON document (issue 5): one entry per checked sheet, or per file that failed. */
import type { SheetResult, Skipped } from "../engine/types";
import { sheetJsonText } from "./render";
import type { IssueOut } from "./wire";

/** An issue in the JSON: code, severity, cell, the text found and the source; the message only with --messages. */
export type IssueJson = IssueOut;

export interface RecordJson {
  row: number;
  label: string;
  status: "ok" | "warning" | "error";
  grade: string | null;
  /** What the grade means for the studio, with the articles (第十七、十八、二十二条); null where the grade has none. */
  consequence: string | null;
  met: number | null;
  total: number | null;
  failed: readonly string[];
  /** Criteria that could not be checked: the sheet has no column for their evidence. */
  unchecked: readonly string[];
  hidden?: boolean;
  issues: IssueJson[];
}

export interface SheetJson {
  file: string;
  sheet: string;
  pack: string;
  headerRow: number;
  records: RecordJson[];
  groups: { key: Record<string, string | number>; spent: number; limit: number; status: "ok" | "warning" | "error"; issues: IssueJson[] }[];
  skipped: Skipped[];
  summary: { records: number; ok: number; warning: number; error: number; grades: Record<string, number> };
  problems: IssueJson[];
  interpretations: { id: string; text: string; source: string | null }[];
}

export interface ErrorJson {
  file: string;
  error: { code: string; message: string };
}

/**
 * A file in a folder that is not a workbook, or a sheet of a checked workbook that fits no rule
 * pack: listed, so that every file and sheet is accounted for; not an error.
 */
export interface SkippedJson {
  file: string;
  sheet?: string;
  skipped: { code: string; message: string };
}

export type EntryJson = SheetJson | ErrorJson | SkippedJson;

/** One checked sheet as its JSON entry (messages included), parsed back from the compact text the command line writes. */
export function sheetJson(file: string, r: SheetResult): SheetJson {
  return JSON.parse(sheetJsonText(file, r, { messages: true })) as SheetJson;
}

export function isError(e: EntryJson): e is ErrorJson {
  return "error" in e;
}

export function isSheet(e: EntryJson): e is SheetJson {
  return "summary" in e;
}
