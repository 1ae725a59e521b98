/** @jest-environment jsdom */
/**
 * No id or code on screen: the web page (the pane's UI over the real file door) opened on every
 * example workbook, every sheet chosen, checked, and every view shown — in Chinese and in English.
 * All text and every label a screen reader says is scanned (test/support/id-scan.ts), less the
 * workbook's own cell text, which is the official's.
 */
import "./support/dom-shims";
import { TextDecoder, TextEncoder } from "util";
// jsdom lacks them; the file door reads real .xlsx bytes, as the page does in a browser.
Object.assign(globalThis, { TextDecoder, TextEncoder });
import * as fs from "fs";
import * as path from "path";
import { fireEvent, render, screen, waitFor, cleanup } from "@testing-library/react";
import { Standalone } from "../src/taskpane/Standalone";
import { STRINGS, type Lang } from "../src/taskpane/strings";
import { builtinPacks } from "../src/packs";
import { fileDoor } from "../src/file/door";
import { readWorkbook, sheetGrid } from "../src/file/xlsx-read";
import { idLeaks } from "./support/id-scan";

const EXAMPLES = path.resolve(__dirname, "..", "examples");
/** One example per kind of sheet: every pack and every layout (the others repeat them). */
const FILES = ["考核-证据数量.xlsx", "考核-逐条是否.xlsx", "申报资格.xlsx", "经费支出.xlsx", "教学常规.xlsx"];

/** Every string the workbook holds, longest first (removed from the screen's text before the scan). */
function cellTexts(bytes: Uint8Array): string[] {
  const r = readWorkbook(bytes);
  if (!r.ok) throw new Error(r.error.message);
  const out = new Set<string>();
  for (const e of r.workbook.sheets) {
    out.add(e.name);
    const g = sheetGrid(e);
    if (g.ok) for (const row of g.grid.rows) for (const v of row) if (v !== null && v !== undefined && String(v).length > 1) out.add(String(v).replace(/\s+/g, " ").trim());
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/** Each piece of text apart (textContent would run "Results" and "Rules" together into one word), and every label. */
function screenText(): string {
  const texts: string[] = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) texts.push(n.textContent ?? "");
  const labels = [...document.querySelectorAll("[aria-label],[title],[placeholder]")].flatMap((el) => ["aria-label", "title", "placeholder"].map((a) => el.getAttribute(a) ?? ""));
  return [...texts, ...labels].join("\n");
}

function leaksOn(text: string, data: string[], lang: Lang): string[] {
  let t = text.replace(/\s+/g, " ");
  for (const d of data) t = t.split(d).join(" ");
  return idLeaks(t, lang);
}

jest.setTimeout(300_000);

// In English the example whose pack has the most word ids (the assessment's are numerals), to keep the suite's time.
describe.each([
  ["zh", FILES],
  ["en", ["申报资格.xlsx"]],
] as [Lang, string[]][])("every view of the page over the examples (%s)", (lang, files) => {
  const s = STRINGS[lang];
  afterEach(cleanup);

  test.each(files)("%s", async (file) => {
    const bytes = new Uint8Array(fs.readFileSync(path.join(EXAMPLES, file)));
    const data = [...cellTexts(bytes), file];
    URL.createObjectURL = () => "blob:x";
    render(<Standalone packs={builtinPacks()} door={fileDoor} initialLang={lang} />);
    const seen: string[] = [screenText()];
    fireEvent.change(screen.getByTestId("file-input"), { target: { files: [new File([bytes], file)] } });
    await screen.findByText(s.openedFile(file));
    const picker = await screen.findByRole("combobox", { name: s.sheet });
    const sheets = [...(picker as HTMLSelectElement).options].map((o) => o.value);
    for (const sheet of sheets) {
      fireEvent.change(screen.getByRole("combobox", { name: s.sheet }), { target: { value: sheet } });
      await waitFor(() => expect((screen.getByRole("combobox", { name: s.sheet }) as HTMLSelectElement).value).toBe(sheet));
      await waitFor(() => expect(screen.queryByRole("progressbar")).toBeNull());
      seen.push(screenText());
      const validate = screen.getByRole("button", { name: s.validate }) as HTMLButtonElement;
      if (!validate.disabled) {
        fireEvent.click(validate);
        await waitFor(() => expect(screen.getByRole("tab", { name: s.tabResults }).getAttribute("aria-selected")).toBe("true"));
        await waitFor(() => expect(screen.queryByRole("progressbar")).toBeNull());
      }
      for (const tab of [s.tabResults, s.tabRules, s.tabSheets, s.tabMatch]) {
        fireEvent.click(screen.getByRole("tab", { name: tab }));
        seen.push(screenText());
      }
    }
    expect(sheets.length).toBeGreaterThan(0);
    expect(leaksOn(seen.join("\n"), data, lang)).toEqual([]);
  });
});
