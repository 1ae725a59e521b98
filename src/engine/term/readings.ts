/**
 * Readings the term ledger applies where the regulation leaves room. 第十七条 says the assessment
 * results are "作为下一年度经费预算和撤销工作室的依据" but gives no trigger for revocation: which
 * record of grades puts a studio at risk is our reading, a switch an official can change, and
 * always shown as ours.
 */
import type { Text2 } from "../types";
import { readGrade } from "../budget";

export type RevocationReading = "two-or-final" | "two" | "consecutive" | "off";

export interface TermReadings {
  revocation: RevocationReading;
}

export const DEFAULT_READINGS: TermReadings = { revocation: "two-or-final" };

export const REVOCATION_CHOICES: Record<RevocationReading, Text2> = {
  "two-or-final": { zh: "本工具的理解：管理期内两次不合格，或最后一年不合格，即标记撤销风险（第十七条未规定具体条件）", en: "our reading: two 不合格 in the term, or 不合格 in its last year, mark a risk of revocation (Article 17 sets no trigger)" },
  two: { zh: "本工具的理解：管理期内两次不合格即标记撤销风险（第十七条未规定具体条件）", en: "our reading: two 不合格 in the term mark a risk of revocation (Article 17 sets no trigger)" },
  consecutive: { zh: "本工具的理解：连续两年不合格即标记撤销风险（第十七条未规定具体条件）", en: "our reading: 不合格 in two consecutive years marks a risk of revocation (Article 17 sets no trigger)" },
  off: { zh: "不标记撤销风险（第十七条未规定具体条件）", en: "no revocation risk is marked (Article 17 sets no trigger)" },
};

export function readingText(choice: RevocationReading): Text2 {
  return REVOCATION_CHOICES[choice];
}

export function isRevocationReading(s: string): s is RevocationReading {
  return Object.prototype.hasOwnProperty.call(REVOCATION_CHOICES, s);
}

/** Whether the grades so far (year 1 first; null = not assessed) put the studio at risk under the reading. */
export function revocationRisk(grades: (string | null)[], termYears: number, reading: RevocationReading): boolean {
  const failed = grades.map((g) => {
    const r = readGrade(g);
    return r.ok && r.value === "unqualified";
  });
  const count = failed.filter(Boolean).length;
  switch (reading) {
    case "off":
      return false;
    case "two":
      return count >= 2;
    case "consecutive":
      return failed.some((f, i) => f && failed[i - 1]);
    case "two-or-final":
      return count >= 2 || failed[termYears - 1] === true;
  }
}
