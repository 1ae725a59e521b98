/** The command line's JSON document (issue 5): one entry per checked sheet, or per file that failed. */
import type { SheetResult, Skipped } from "../engine/types";
import { consequenceText } from "../engine/consequences";
import { getPack } from "../packs";

export interface IssueJson {
  cell: string | null;
  severity: "error" | "warning";
  code: string;
  message: string;
  messageEn: string;
  source: string | null;
  text: string | null;
}

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

function issueJson(i: SheetResult["problems"][number]): IssueJson {
  return { cell: i.cell, severity: i.severity, code: i.code, message: i.message.zh, messageEn: i.message.en, source: i.source, text: i.text };
}

function consequenceOf(packId: string, grade: string | null): string | null {
  const pack = getPack(packId);
  return (pack && consequenceText(pack, grade)) || null;
}

export function sheetJson(file: string, r: SheetResult): SheetJson {
  return {
    file,
    sheet: r.sheet,
    pack: r.pack,
    headerRow: r.headerRow,
    records: r.records.map((x) => ({
      row: x.row,
      label: x.label,
      status: x.status,
      grade: x.grade,
      consequence: consequenceOf(r.pack, x.grade),
      met: x.met,
      total: x.total,
      failed: x.failed,
      unchecked: x.unchecked ?? [],
      ...(x.hidden ? { hidden: true } : {}),
      issues: x.issues.map(issueJson),
    })),
    groups: r.groups.map((g) => ({ key: g.key, spent: g.spent, limit: g.limit, status: g.status, issues: g.issues.map(issueJson) })),
    skipped: r.skipped,
    summary: r.summary,
    problems: r.problems.map(issueJson),
    interpretations: r.interpretations.map((i) => ({ id: i.id, text: i.text.zh, source: i.source })),
  };
}

export function isError(e: EntryJson): e is ErrorJson {
  return "error" in e;
}

export function isSheet(e: EntryJson): e is SheetJson {
  return "summary" in e;
}
