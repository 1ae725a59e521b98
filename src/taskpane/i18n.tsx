/**
 * The UI language for every component below the provider, with its string table; the web page
 * wraps the pane in PageProvider for the page's own wording (no formulas, no workbook to save into).
 */
import { createContext, useContext } from "react";
import { PAGE_STRINGS, STRINGS, type Lang, type Strings } from "./strings";

const LangContext = createContext<Lang>("zh");
const PageContext = createContext(false);

export const LangProvider = LangContext.Provider;
export const PageProvider = PageContext.Provider;

/** Whether the pane runs in the web page (no Excel around it). */
export function usePage(): boolean {
  return useContext(PageContext);
}

export function useStrings(): { s: Strings; lang: Lang } {
  const lang = useContext(LangContext);
  return { s: (useContext(PageContext) ? PAGE_STRINGS : STRINGS)[lang], lang };
}
