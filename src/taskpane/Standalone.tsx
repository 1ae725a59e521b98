/**
 * The standalone page: the task pane in an ordinary browser, over an .xlsx file the official
 * chooses or drops. Everything happens in the page — the file is read into memory, checked, and
 * the report and the annotated copy are built here and offered as downloads; nothing is uploaded.
 */
import { useCallback, useEffect, useRef, useState, type DragEvent } from "react";
import { Body1, Button, Caption1, FluentProvider, Link, makeStyles, MessageBar, MessageBarBody, Spinner, Subtitle2, tokens, webLightTheme } from "@fluentui/react-components";
import type { WorkbookHost } from "../engine/host";
import { ANNOTATED_SUFFIX, REPORT_SUFFIX } from "../engine/output";
import type { SheetResult } from "../engine/types";
import type { Pack } from "../packs/schema";
import { App } from "./App";
import { LangProvider, PageProvider, useStrings } from "./i18n";
import { both, type Lang, type Strings } from "./strings";
import type { Text2 } from "../engine/types";

/** A checked sheet, as the report needs it. */
export interface Checked {
  pack: Pack;
  result: SheetResult;
}

/** What the page needs from the file layer (src/file); injected so tests can stand in for it. */
export interface FileDoor {
  /**
   * Opens an .xlsx in memory, or says why not (encrypted, legacy .xls, not a workbook, damaged,
   * too long to read …). Reading reports sheets done; aborting `signal` stops it ("cancelled").
   */
  open(
    bytes: Uint8Array,
    name: string,
    opts?: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal },
  ): Promise<{ ok: true; host: WorkbookHost } | { ok: false; code: string; message: Text2 }>;
  /** The report workbook (汇总 / 问题清单 / 经费) of the sheets checked so far. */
  report(file: string, checked: Checked[], host?: WorkbookHost): Promise<Uint8Array>;
  /** The opened file with the results and colours written so far; the original bytes are untouched. */
  annotated(host: WorkbookHost): Promise<Uint8Array>;
  /** Sheets added to the opened file so far (summary, template): the annotated copy is worth downloading for them too. */
  added?(host: WorkbookHost): string[];
  /** Sheets whose results the annotated copy holds now (none after 清除结果). */
  withResults?(host: WorkbookHost): string[];
  /** Stops a download being made; the file stays as it was. */
  cancel?(host: WorkbookHost): void;
  /** An empty submission workbook for a pack, with drop-downs and number formats. */
  template?(pack: Pack): Promise<Uint8Array>;
  /** Makes ready ahead what opening the next file needs (the page's worker), so reading starts at once. */
  warm?(): void;
}

/** Example workbooks copied next to the page by the build (webpack.config.js), one per kind of sheet. */
const EXAMPLES = ["考核-证据数量.xlsx", "考核-逐条是否.xlsx", "申报资格.xlsx", "经费支出.xlsx", "教学常规.xlsx"];

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

const useStyles = makeStyles({
  page: { minHeight: "100%", display: "flex", flexDirection: "column" },
  intro: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM, padding: tokens.spacingHorizontalL, maxWidth: "48em" },
  links: { display: "flex", flexWrap: "wrap", columnGap: tokens.spacingHorizontalM, rowGap: tokens.spacingVerticalXS },
  drop: {
    border: `2px dashed ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusLarge,
    padding: "32px 16px",
    display: "flex",
    flexDirection: "column",
    alignItems: "center",
    gap: "8px",
    textAlign: "center",
  },
  dropActive: { border: `2px dashed ${tokens.colorBrandStroke1}`, backgroundColor: tokens.colorBrandBackground2 },
  top: { display: "flex", gap: "8px", alignItems: "center", flexWrap: "wrap" },
  downloads: { display: "flex", flexDirection: "column", gap: "6px", padding: "0 12px 16px", alignItems: "flex-start" },
  hidden: { display: "none" },
});

function baseName(name: string): string {
  return name.replace(/\.[^.]+$/, "") || "workbook";
}

/** Hands bytes to the browser as a file download. */
function download(bytes: Uint8Array, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: XLSX_TYPE }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The file's bytes (FileReader where Blob.arrayBuffer is missing: older WPS-bundled browsers). */
function readBytes(file: File): Promise<Uint8Array> {
  if (typeof file.arrayBuffer === "function") return file.arrayBuffer().then((b) => new Uint8Array(b));
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(new Uint8Array(r.result as ArrayBuffer));
    r.onerror = () => reject(r.error ?? new Error("FileReader"));
    r.readAsArrayBuffer(file);
  });
}

interface Opened {
  name: string;
  host: WorkbookHost;
  /** Changes with every file so the pane starts afresh. */
  key: number;
}

function Downloads({ opened, checked, door }: { opened: Opened; checked: Checked[]; door: FileDoor }) {
  const st = useStyles();
  const { s, lang } = useStrings();
  const [error, setError] = useState<{ text: Text2; intent: "error" | "info" } | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (make: () => Promise<Uint8Array>, name: string) => {
    setBusy(true);
    setError(null);
    try {
      download(await make(), name);
    } catch (e) {
      const x = e as { code?: unknown; message?: unknown };
      const detail = e instanceof Error ? e.message : String((e as { message?: unknown })?.message ?? e);
      setError(x?.code === "cancelled" ? { text: both((t) => t.downloadCancelled), intent: "info" } : { text: both((t) => t.downloadFailed(detail)), intent: "error" });
    } finally {
      setBusy(false);
    }
  };
  // What the copy holds now: the results of the sheets checked (gone after 清除结果), and any sheet added.
  const results = door.withResults?.(opened.host) ?? checked.map((c) => c.result.sheet);
  const added = door.added?.(opened.host) ?? [];
  const holds = [...(results.length ? [s.downloadChecked(results.length)] : []), ...added.map((n) => `“${n}”`)];
  const cancel = door.cancel;
  return (
    <section className={st.downloads} aria-label={s.downloads}>
      <Subtitle2>{s.downloads}</Subtitle2>
      {checked.length === 0 && <Caption1>{s.downloadNeedsResult}</Caption1>}
      <Button disabled={checked.length === 0 || busy} onClick={() => void run(() => door.report(opened.name, checked, opened.host), `${baseName(opened.name)}${REPORT_SUFFIX}.xlsx`)}>
        {s.downloadReport}
      </Button>
      <Caption1>{s.downloadReportHint}</Caption1>
      <Button disabled={holds.length === 0 || busy} onClick={() => void run(() => door.annotated(opened.host), `${baseName(opened.name)}${ANNOTATED_SUFFIX}.xlsx`)}>
        {s.downloadAnnotated}
      </Button>
      <Caption1>{holds.length ? s.downloadIncludes(holds) : s.downloadAnnotatedHint}</Caption1>
      {busy && (
        <div className={st.top}>
          <Spinner size="tiny" label={s.downloadMaking} />
          {cancel && (
            <Button size="small" data-testid="cancel-download" onClick={() => cancel(opened.host)}>
              {s.cancelWork}
            </Button>
          )}
        </div>
      )}
      {error && (
        <MessageBar intent={error.intent} role={error.intent === "error" ? "alert" : "status"}>
          <MessageBarBody>{error.text[lang]}</MessageBarBody>
        </MessageBar>
      )}
    </section>
  );
}

/** The first screen's help: what it checks, empty templates to start from, examples to try. */
function Start({ packs, door }: { packs: Pack[]; door: FileDoor }) {
  const st = useStyles();
  const { s, lang } = useStrings();
  const template = door.template;
  return (
    <>
      <Body1>{s.standaloneWhat}</Body1>
      {template && (
        <section aria-label={s.templatesTitle}>
          <Subtitle2 as="h2">{s.templatesTitle}</Subtitle2>
          <div className={st.links}>
            {packs.map((p) => (
              <Link key={p.id} as="button" onClick={() => void template(p).then((b) => download(b, `${s.templateDownload(p.name[lang])}.xlsx`))}>
                {s.templateDownload(p.name[lang])}
              </Link>
            ))}
          </div>
        </section>
      )}
      <section aria-label={s.examplesTitle}>
        <Subtitle2 as="h2">{s.examplesTitle}</Subtitle2>
        <div className={st.links}>
          {EXAMPLES.map((f) => (
            <Link key={f} href={`examples/${encodeURIComponent(f)}`} download={f}>
              {f}
            </Link>
          ))}
        </div>
      </section>
    </>
  );
}

function Page({ packs, door, onLang }: { packs: Pack[]; door: FileDoor; onLang: () => void }) {
  const st = useStyles();
  const { s, lang } = useStrings();
  const [opened, setOpened] = useState<Opened | null>(null);
  const [opening, setOpening] = useState<string | null>(null);
  const [openProgress, setOpenProgress] = useState<{ done: number; total: number } | null>(null);
  const cancel = useRef<AbortController | null>(null);
  const [error, setError] = useState<Text2 | null>(null);
  const [over, setOver] = useState(false);
  const [checked, setChecked] = useState<Checked[]>([]);
  const input = useRef<HTMLInputElement>(null);
  const counter = useRef(0);
  const openedRef = useRef<Opened | null>(null);
  openedRef.current = opened;
  // Ready for the first file (a next one starts its own: a spare beside an open file would only take memory).
  useEffect(() => door.warm?.(), [door]);

  const openFile = useCallback(
    async (file: File) => {
      cancel.current?.abort();
      const abort = new AbortController();
      cancel.current = abort;
      setOpening(file.name);
      setOpenProgress(null);
      setError(null);
      try {
        const bytes = await readBytes(file);
        const r = await door.open(bytes, file.name, { signal: abort.signal, onProgress: (done, total) => setOpenProgress({ done, total }) });
        if (abort.signal.aborted && cancel.current !== abort) return;
        if (!r.ok) {
          // In plain words with the next step, never the reader's code; the file still shown is named.
          const kept = openedRef.current?.name;
          const why = (t: Strings) => t.fileErrors[r.code] ?? t.fileErrors.other;
          setError(both((t) => (kept ? t.fileErrorKept(file.name, why(t), kept) : t.fileError(file.name, why(t)))));
          return;
        }
        setChecked([]);
        setOpened({ name: file.name, host: r.host, key: ++counter.current });
      } catch {
        const kept = openedRef.current?.name;
        setError(both((t) => (kept ? t.fileErrorKept(file.name, t.fileErrors.other, kept) : t.fileError(file.name, t.fileErrors.other))));
      } finally {
        if (cancel.current === abort) {
          cancel.current = null;
          setOpening(null);
        }
      }
    },
    [door],
  );

  const openingLine = opening && (
    <div className={st.top}>
      <Spinner size="tiny" label={openProgress ? s.openingSheets(opening, openProgress.done, openProgress.total) : s.opening(opening)} />
      <Button size="small" data-testid="cancel-opening" onClick={() => cancel.current?.abort()}>
        {s.cancelOpening}
      </Button>
    </div>
  );

  const onValidated = useCallback((v: Checked & { outcome: unknown }) => {
    // One entry per sheet: a re-check replaces the sheet's earlier result.
    setChecked((list) => [...list.filter((c) => c.result.sheet !== v.result.sheet), { pack: v.pack, result: v.result }]);
  }, []);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const f = e.dataTransfer.files?.[0];
    if (f) void openFile(f);
  };
  const dragProps = {
    onDragOver: (e: DragEvent) => {
      e.preventDefault();
      setOver(true);
    },
    onDragLeave: () => setOver(false),
    onDrop,
  };

  const picker = (
    <input
      ref={input}
      className={st.hidden}
      type="file"
      accept=".xlsx,.xlsm,.xls,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.ms-excel"
      aria-label={s.chooseFile}
      data-testid="file-input"
      onChange={(e) => {
        const f = e.target.files?.[0];
        e.target.value = "";
        if (f) void openFile(f);
      }}
    />
  );
  const langButton = (
    <Button appearance="subtle" size="small" onClick={onLang}>
      {s.language}
    </Button>
  );
  const problem = error && (
    <MessageBar intent="error" role="alert">
      <MessageBarBody>{error[lang]}</MessageBarBody>
    </MessageBar>
  );

  if (!opened)
    return (
      <div className={st.page} {...dragProps}>
        <div className={st.intro}>
          <div className={st.top}>
            <Subtitle2 as="h1">{s.standaloneTitle}</Subtitle2>
            {langButton}
          </div>
          {problem}
          <Body1>{s.standaloneIntro}</Body1>
          <div className={over ? `${st.drop} ${st.dropActive}` : st.drop} data-testid="drop-zone">
            {picker}
            <Button appearance="primary" disabled={!!opening} onClick={() => input.current?.click()}>
              {s.chooseFile}
            </Button>
            <Caption1>{s.dropHere}</Caption1>
            <Caption1>{s.standaloneXls}</Caption1>
            {openingLine}
          </div>
          <Start packs={packs} door={door} />
        </div>
      </div>
    );

  return (
    <div className={st.page} {...dragProps}>
      {picker}
      <App
        key={opened.key}
        host={opened.host}
        packs={packs}
        sheetPicker
        page
        focusOnOpen
        alert={
          <>
            {problem}
            {openingLine}
          </>
        }
        onValidated={onValidated}
        headerExtra={
          <div className={st.top}>
            <Caption1>{s.openedFile(opened.name)}</Caption1>
            <Button size="small" disabled={!!opening} onClick={() => input.current?.click()}>
              {s.otherFile}
            </Button>
            {langButton}
          </div>
        }
        footer={(pane) => <Downloads key={pane.state.sheets.length} opened={opened} checked={checked} door={door} />}
      />
    </div>
  );
}

export function Standalone({ packs, door, initialLang }: { packs: Pack[]; door: FileDoor; initialLang: Lang }) {
  const [lang, setLang] = useState<Lang>(initialLang);
  return (
    <FluentProvider theme={webLightTheme} style={{ height: "100%" }}>
      <LangProvider value={lang}>
        <PageProvider value>
          <Page packs={packs} door={door} onLang={() => setLang((l) => (l === "zh" ? "en" : "zh"))} />
        </PageProvider>
      </LangProvider>
    </FluentProvider>
  );
}
