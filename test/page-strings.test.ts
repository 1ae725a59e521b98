/**
 * The web page speaks of what it has: a file, a report and an annotated copy to download — no
 * formulas, no workbook to save settings into, no Excel selection. Every text of the page's string
 * tables (each template filled with sample values) is scanned for Excel-only words.
 */
import { PAGE_STRINGS, STRINGS } from "../src/taskpane/strings";

/** Every text a table can produce: strings as they are, templates called with sample arguments. */
function texts(table: Record<string, unknown>): [string, string][] {
  const out: [string, string][] = [];
  for (const [key, v] of Object.entries(table)) {
    if (typeof v === "string") out.push([key, v]);
    else if (typeof v === "function") {
      const args = Array.from({ length: v.length }, (_, i) => (i === 0 ? "样例" : 3));
      try {
        const r = (v as (...a: unknown[]) => unknown)(...args);
        if (typeof r === "string") out.push([key, r]);
      } catch {
        // A template that needs a structured argument is covered by the pane's own tests.
      }
    }
  }
  return out;
}

const EXCEL_ONLY = {
  zh: /公式|=KJ|保存到本工作簿|保存在工作簿中|选中/,
  en: /formula|=KJ|saved in (this|the) workbook|select a cell/i,
};

describe("the page's wording", () => {
  for (const lang of ["zh", "en"] as const) {
    test(`${lang}: no Excel-only words in any text the page shows`, () => {
      const found = texts(PAGE_STRINGS[lang] as unknown as Record<string, unknown>).filter(([, t]) => EXCEL_ONLY[lang].test(t));
      expect(found).toEqual([]);
    });

    test(`${lang}: the scan can fail — the add-in's own tables do speak of formulas`, () => {
      const found = texts(STRINGS[lang] as unknown as Record<string, unknown>).filter(([, t]) => EXCEL_ONLY[lang].test(t));
      expect(found.map(([k]) => k)).toEqual(expect.arrayContaining(["paramsHint", "interpretationsHint"]));
    });
  }
});
