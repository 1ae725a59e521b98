/**
 * Which year of a studio's three-year term (第四条: 管理周期为3年) a date or a 年度 falls in.
 *
 * A date counts by anniversaries of the plaque: plaque 2023-09-01 → 2024-08-31 is year 1,
 * 2024-09-01 year 2. A 年度 (an assessment or budget year such as 2024年度) is the term year it ends
 * in: with a plaque in 2023, 2023年度 is year 1 and 2024年度 year 2 — the plaque year counts as the
 * first, however late in the year the plaque came (our reading: the regulation numbers no years).
 */
import { addYears, cellText, formatDate, readDate, serialToYMD, type Read } from "../values";
import type { CellValue } from "../types";

/** Term year of a date, by anniversaries of the plaque. */
export function termYearOfDate(plaque: number, date: number): number | null {
  if (date < plaque) return null;
  let n = 1;
  while (n < 200 && addYears(plaque, n) <= date) n++;
  return n;
}

/** Term year of a 年度: the plaque's calendar year is year 1. */
export function termYearOfYear(plaque: number, year: number): number {
  return year - serialToYMD(plaque).y + 1;
}

/** `=KJ.TERMYEAR(plaqueDate, date)`: both read as officials type dates; a date before the plaque is refused. */
export function termYear(plaque: CellValue, date: CellValue): Read<number> {
  const p = readDate(plaque);
  if (!p.ok) return p;
  const d = readDate(date);
  if (!d.ok) return d;
  const n = termYearOfDate(p.value, d.value);
  if (n === null) {
    const text = cellText(date);
    return {
      ok: false,
      missing: false,
      text,
      reason: { zh: `日期${formatDate(d.value)}早于挂牌日期${formatDate(p.value)}`, en: `the date ${formatDate(d.value)} is before the plaque date ${formatDate(p.value)}` },
    };
  }
  return { ok: true, value: n };
}
