/** The UI language for every component below the provider, with its string table. */
import { createContext, useContext } from "react";
import { STRINGS, type Lang, type Strings } from "./strings";

const LangContext = createContext<Lang>("zh");

export const LangProvider = LangContext.Provider;

export function useStrings(): { s: Strings; lang: Lang } {
  const lang = useContext(LangContext);
  return { s: STRINGS[lang], lang };
}
