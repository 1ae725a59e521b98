/**
 * The one vocabulary of verdicts, for every door (task pane and its filters, annotated copy,
 * report, formulas, command line): a record's status is 通过 / 需核实 / 不通过, an issue's severity
 * is 错误 / 提醒, and each status has one colour. An issue takes the colour of the status it stands
 * for — 错误 is why a record is 不通过, 提醒 is something a person should verify — so a cell's
 * colour never contradicts its row's verdict.
 */
import type { GroupResult, Issue, Severity, Status, Text2 } from "./types";

export const STATUS_WORDS: Record<Status, Text2> = {
  ok: { zh: "通过", en: "Passed" },
  warning: { zh: "需核实", en: "To verify" },
  error: { zh: "不通过", en: "Failed" },
};

export const SEVERITY_WORDS: Record<Severity, Text2> = {
  error: { zh: "错误", en: "Error" },
  warning: { zh: "提醒", en: "Notice" },
};

/** The status an issue of this severity stands for. */
export const SEVERITY_STATUS: Record<Severity, Status> = { error: "error", warning: "warning" };

/** One fill per status: Excel's own "Good", "Neutral" and "Bad" cell styles. */
export const STATUS_FILL: Record<Status, string> = { ok: "#C6EFCE", warning: "#FFEB9C", error: "#FFC7CE" };

/** Fill of a marked cell: the colour of the status its issue stands for. */
export const MARK_FILL: Record<Severity, string> = { error: STATUS_FILL.error, warning: STATUS_FILL.warning };

/** The assessment's standards are 第十六条's items 一 to 十: their criterion ids are these numerals. */
export const STANDARD_NUMERALS = "一二三四五六七八九十";
const NUMERAL_ID = new RegExp(`^[${STANDARD_NUMERALS}]+$`);

/** Whether a criterion id is a standard's numeral (四): shown as it is, where other criteria are shown by name. */
export const isStandardNumeral = (id: string): boolean => NUMERAL_ID.test(id);

const RANK: Record<Status, number> = { ok: 0, warning: 1, error: 2 };

export function worseStatus(a: Status, b: Status): Status {
  return RANK[b] > RANK[a] ? b : a;
}

/** Status words in Chinese (what every written output uses). */
export function statusWord(s: Status): string {
  return STATUS_WORDS[s].zh;
}

export function severityWord(s: Severity): string {
  return SEVERITY_WORDS[s].zh;
}

/**
 * A record's issues made to agree with its status: on a record that is not 不通过 nothing is a
 * 错误 (an unreadable cell on a 合格 row is a 提醒 — the row is 需核实, not failed). The engine
 * applies this once; doors only read `severity`.
 */
/** An issue's severity on a record of this status: 错误 only on a record that fails, else 提醒. */
export const settledSeverity = (severity: Severity, status: Status): Severity => (severity === "error" && status !== "error" ? "warning" : severity);

export function settleIssues(issues: Issue[], status: Status): Issue[] {
  if (status === "error" || !issues.some((i) => i.severity === "error")) return issues;
  return issues.map((i) => (i.severity === "error" ? { ...i, severity: settledSeverity(i.severity, status) } : i));
}

/**
 * A budget group's problems (a studio-year over its limit) as 提醒 on each of its lines: the line's
 * own status stays its own, the over-spend is the group's verdict, and the line says which group.
 */
export function groupRemindersByRow(groups: GroupResult[]): Map<number, Issue[]> {
  const byRow = new Map<number, Issue[]>();
  for (const g of groups) {
    if (!g.issues.length) continue;
    const rows = g.rows ?? g.issues.map((i) => i.row).filter((r): r is number => r !== null);
    for (const i of g.issues)
      for (const r of new Set(rows)) {
        const list = byRow.get(r) ?? [];
        list.push({ ...i, severity: "warning", row: r });
        byRow.set(r, list);
      }
  }
  return byRow;
}
