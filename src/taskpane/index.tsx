/**
 * Entry of the task pane bundle. Inside Excel (Office.onReady reports the Excel host) the pane
 * works on the open workbook through Office.js; in a plain browser (onReady reports no host, or
 * office.js did not load at all) the browser goes to index.html, the standalone page, which
 * loads no office.js.
 */
import { createRoot } from "react-dom/client";
import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { builtinPacks } from "../packs";
import { createExcelHost } from "../excel";
import { setWorkbookParams } from "../functions/params";
import { onRibbonValidate } from "../commands/ribbon";
import { App } from "./App";
import { LangProvider } from "./i18n";
import { pickLang } from "./strings";

function mount(): ReturnType<typeof createRoot> | null {
  const el = document.getElementById("root");
  return el ? createRoot(el) : null;
}

function startExcel(): void {
  const root = mount();
  const lang = pickLang(Office.context?.displayLanguage);
  root?.render(
    <FluentProvider theme={webLightTheme} style={{ height: "100%" }}>
      <LangProvider value={lang}>
        <App host={createExcelHost()} packs={builtinPacks()} applyParams={setWorkbookParams} onRibbonValidate={onRibbonValidate} />
      </LangProvider>
    </FluentProvider>,
  );
}

function startStandalone(): void {
  location.replace("index.html");
}

if (typeof Office === "undefined" || typeof Office.onReady !== "function") startStandalone();
else
  void Office.onReady((info) => {
    if (info.host === Office.HostType.Excel) startExcel();
    else startStandalone();
  });
