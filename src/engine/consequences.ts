/**
 * What a grade means for the studio (第十七、十八、二十二条), from the pack's grade bands: one
 * place for every door that shows a grade (pane results, command line, report, formulas' help).
 */
import type { Text2 } from "./types";
import type { Pack } from "../packs/schema";

export interface Consequence {
  text: Text2;
  source: string;
}

/** The consequences of a grade (优秀 / 合格 / 不合格), by its band label; none for packs without grades. */
export function consequencesOf(pack: Pack, grade: string | null): Consequence[] {
  if (!grade || pack.outcome.kind !== "grade") return [];
  return pack.outcome.bands.find((b) => b.grade === grade || b.gradeEn === grade)?.consequences ?? [];
}

/** The consequences in one line: 次年不再拨付补助资金（第二十二条）；… — "" when there are none. */
export function consequenceText(pack: Pack, grade: string | null, lang: "zh" | "en" = "zh"): string {
  return consequencesOf(pack, grade)
    .map((c) => (lang === "zh" ? `${c.text.zh}（${c.source}）` : `${c.text.en} (${c.source})`))
    .join(lang === "zh" ? "；" : "; ");
}
