/**
 * The task pane: which sheet and pack, the 一键校验 button with its progress, messages, and the
 * four views (列匹配, 结果, 规则, 工作表操作). The same component runs inside Excel and on the
 * standalone page; only the WorkbookHost behind it differs.
 */
import { startTransition, useEffect, useRef, useState, type ReactNode } from "react";
import {
  Button,
  Caption1,
  Field,
  makeStyles,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  ProgressBar,
  Select,
  Tab,
  TabList,
  tokens,
} from "@fluentui/react-components";
import { MatchView } from "./MatchView";
import { ResultsView } from "./ResultsView";
import { RulesView } from "./RulesView";
import { SheetsView } from "./SheetsView";
import { useStrings } from "./i18n";
import { usePane, type Busy, type Pane, type PaneOptions } from "./usePane";
import type { Strings } from "./strings";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: "10px", padding: "12px", boxSizing: "border-box", minHeight: "100%" },
  header: { display: "flex", justifyContent: "space-between", alignItems: "center", gap: "8px", flexWrap: "wrap" },
  bar: { display: "flex", gap: "8px", alignItems: "flex-end", flexWrap: "wrap" },
  sheetName: { color: tokens.colorNeutralForeground2 },
  title: { margin: 0, fontSize: tokens.fontSizeBase500, lineHeight: tokens.lineHeightBase500, fontWeight: tokens.fontWeightSemibold },
  view: { paddingTop: "4px" },
  progress: { display: "flex", gap: tokens.spacingHorizontalS, alignItems: "flex-start" },
  grow: { flexGrow: 1, minWidth: 0 },
});

type View = "match" | "results" | "rules" | "sheets";

function progressText(s: Strings, b: Busy): string {
  if (b.phase === "read") return b.total ? s.progressRead(b.done, b.total) : s.validating;
  if (b.phase === "evaluate") return s.progressEvaluate(b.total);
  if (b.phase === "write") return b.total ? s.progressWrite(b.done, b.total) : s.validating;
  return s.validating;
}

export interface AppProps extends PaneOptions {
  /** Show a sheet drop-down (standalone page: there is no Excel tab bar to switch sheets). */
  sheetPicker?: boolean;
  /** Extra content under the views (standalone page: downloads). */
  footer?: (pane: Pane) => ReactNode;
  /** Extra content in the header (standalone page: language switch, another file). */
  headerExtra?: ReactNode;
  /** An error of the page around the pane (a file that would not open): shown first, above everything. */
  alert?: ReactNode;
  /** Move the keyboard focus into the pane when it appears (the page, after a file was opened). */
  focusOnOpen?: boolean;
}

export function App({ sheetPicker, footer, headerExtra, alert, focusOnOpen, ...options }: AppProps) {
  const st = useStyles();
  const { s, lang } = useStrings();
  const pane = usePane(options);
  const { state } = pane;
  const [view, setView] = useState<View>("match");
  const heading = useRef<HTMLHeadingElement>(null);
  const panel = useRef<HTMLDivElement>(null);

  // Each completed validation opens the results, and the keyboard focus goes there (not lost on a disabled button).
  useEffect(() => {
    if (state.runs > 0) {
      // On the page, the results view (a costly first drawing) is drawn in slices as a transition.
      if (options.page) startTransition(() => setView("results"));
      else setView("results");
      panel.current?.focus();
    }
  }, [state.runs, options.page]);
  useEffect(() => {
    if (focusOnOpen) heading.current?.focus();
  }, [focusOnOpen]);
  // An error is read first: scrolled into view where the pane is longer than the window.
  useEffect(() => {
    if (state.notice?.intent === "error") heading.current?.scrollIntoView?.({ block: "start" });
  }, [state.notice]);

  const busy = state.busy;
  // The page checks the whole workbook whichever sheet is on screen: one that fits nothing does not stop it.
  const canValidate = !busy && !!state.sheet && ((!!pane.pack && state.sheetState === "ready") || (!!options.page && state.sheetState !== "loading"));

  return (
    <main className={st.root} lang={lang === "zh" ? "zh-CN" : "en"}>
      {alert}
      <header className={st.header}>
        <h1 ref={heading} tabIndex={-1} className={st.title}>
          {s.appTitle}
        </h1>
        {headerExtra}
      </header>

      {state.notice && (
        <MessageBar intent={state.notice.intent} data-code={state.notice.code ?? undefined} role={state.notice.intent === "error" ? "alert" : "status"}>
          <MessageBarBody>{state.notice.text[lang]}</MessageBarBody>
          <MessageBarActions
            containerAction={
              <Button appearance="transparent" size="small" aria-label={s.dismiss} onClick={pane.dismissNotice}>
                ×
              </Button>
            }
          />
        </MessageBar>
      )}

      <div className={st.bar}>
        {sheetPicker && state.sheets.length > 0 ? (
          <Field label={s.sheet}>
            <Select value={state.sheet ?? ""} disabled={!!busy} onChange={(_, d) => void pane.load(d.value)} aria-label={s.sheet}>
              {state.sheets.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </Select>
          </Field>
        ) : (
          state.sheet && (
            <Caption1 className={st.sheetName}>
              {s.sheet}：{state.sheet}
            </Caption1>
          )
        )}
        <Button appearance="primary" size="large" disabled={!canValidate} onClick={() => void pane.validate()}>
          {busy && busy.phase !== "work" ? s.validating : s.validate}
        </Button>
        <Button appearance="subtle" disabled={!!busy} onClick={() => void pane.load(state.sheet ?? undefined)}>
          {s.redetect}
        </Button>
      </div>

      {busy && (
        <div className={st.progress}>
          <Field className={st.grow} validationMessage={progressText(s, busy)} validationState="none">
            <ProgressBar value={busy.total ? busy.done / busy.total : undefined} aria-label={progressText(s, busy)} data-testid="progress" data-done={busy.done} data-total={busy.total} />
          </Field>
          {pane.cancel && (
            <Button size="small" data-testid="cancel-work" onClick={pane.cancel}>
              {s.cancelWork}
            </Button>
          )}
        </div>
      )}

      <TabList selectedValue={view} onTabSelect={(_, d) => setView(d.value as View)} size="small">
        <Tab value="match">{s.tabMatch}</Tab>
        <Tab value="results">{s.tabResults}</Tab>
        <Tab value="rules">{s.tabRules}</Tab>
        <Tab value="sheets">{s.tabSheets}</Tab>
      </TabList>

      <div className={st.view} role="tabpanel" ref={panel} tabIndex={-1}>
        {view === "match" && <MatchView pane={pane} />}
        {view === "results" && <ResultsView pane={pane} />}
        {view === "rules" && <RulesView pane={pane} />}
        {view === "sheets" && <SheetsView pane={pane} />}
      </div>

      {footer?.(pane)}
    </main>
  );
}
