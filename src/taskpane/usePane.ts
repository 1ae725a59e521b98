/**
 * The task pane's state and its actions, over a WorkbookHost: read the active sheet, propose a
 * pack, keep the user's pack/mapping/threshold choices in the workbook, validate and write
 * results, and the sheet actions. One action runs at a time; long steps yield to the browser so
 * the progress bar moves and the pane stays responsive.
 */
import { startTransition, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { matchHeaders } from "../engine";
import { templateSheet } from "../engine/output";
import { checkedSheet, checkRecord, ourSheets, type CheckedSheet } from "../engine/record";
import type { CheckProgress, LedgerShown, WorkbookHost, WorkbookSettings, WriteOutcome } from "../engine/host";
import type { Mapping, ParamOverrides, Readings, SheetGrid, SheetResult, Text2 } from "../engine/types";
import type { Pack } from "../packs/schema";
import { errorMessage, fieldLabel, isEmptyGrid, withoutOwnResults, yieldToUI } from "./model";
import { localChecker } from "./check";
import { cleanParams, paneChoice } from "../engine/choice";
import { both, bothInPage, type Lang, type Strings } from "./strings";
import { isRevocationReading } from "../engine/term/readings";
import { chosenReadings } from "../engine/interpretations";
import { rosterPack } from "../packs";
import { rowCount } from "../engine/grid";

export type HeaderMatch = ReturnType<typeof matchHeaders>;

export type Phase = "read" | "evaluate" | "write" | "work";

export interface Busy {
  phase: Phase;
  done: number;
  total: number;
}

export interface Notice {
  intent: "success" | "info" | "warning" | "error";
  text: Text2;
  /** Where it belongs: shown above every view, or only in one. */
  code?: string | null;
}

export interface PaneState {
  sheets: string[];
  sheet: string | null;
  grid: SheetGrid | null;
  /** Packs that fit the sheet, best first (from detectPacks). */
  candidates: { pack: Pack; match: HeaderMatch }[];
  packId: string | null;
  mapping: Mapping;
  headerRow?: number;
  params: ParamOverrides;
  /** Readings the official chose where the regulation leaves room (interpretation id → option id); defaults left out. */
  readings: Readings;
  match: HeaderMatch | null;
  result: SheetResult | null;
  /** The result was recomputed after a settings change; the sheet still holds the old one. */
  stale: boolean;
  outcome: WriteOutcome | null;
  busy: Busy | null;
  notice: Notice | null;
  /** Completed validations; the pane shows the results view after each. */
  runs: number;
  /** Sheet-level state: "empty" and "no-header" block validation with a message. */
  sheetState: "loading" | "ready" | "empty" | "no-header";
  /** The last term ledger made (生成台账): its names to confirm are shown under the button. */
  ledger: LedgerShown | null;
  /** The web page: the cell a problem's link asked for, shown in the sheet preview. */
  focus: { cell: string; n: number } | null;
  /** The web page: the sheet shown is one the page added (summary, template, ledger, 校验记录) — shown as the download will hold it, never checked. */
  own: boolean;
}

export interface PaneOptions {
  host: WorkbookHost;
  packs: Pack[];
  /** Pushes changed thresholds and readings to the custom functions (src/functions/params.ts). */
  applyParams?: (packId: string, overrides: ParamOverrides, readings?: Readings) => Promise<void>;
  /** Subscribes to the ribbon's 一键校验 button; returns an unsubscribe function. */
  onRibbonValidate?: (run: () => Promise<void>) => () => void;
  /** The web page: messages in its wording (no formulas, results go to the annotated copy). */
  page?: boolean;
  /** Told of every completed 一键校验 (the standalone page collects them for its report). */
  onValidated?: (v: { pack: Pack; result: SheetResult; outcome: WriteOutcome | null }) => void;
}

const initial: PaneState = {
  sheets: [],
  sheet: null,
  grid: null,
  candidates: [],
  packId: null,
  mapping: {},
  params: {},
  readings: {},
  match: null,
  result: null,
  stale: false,
  outcome: null,
  busy: null,
  notice: null,
  runs: 0,
  sheetState: "loading",
  ledger: null,
  focus: null,
  own: false,
};

export function usePane({ host, packs, applyParams, onRibbonValidate, onValidated, page }: PaneOptions) {
  const say: (f: (s: Strings, lang: Lang) => string) => Text2 = page ? bothInPage : both;
  const [state, setState] = useState<PaneState>(initial);
  const stateRef = useRef(state);
  stateRef.current = state;
  const settingsRef = useRef<WorkbookSettings | null>(null);
  const running = useRef(false);
  const pendingSheet = useRef<string | null>(null);
  const loadRef = useRef<(name?: string) => Promise<void>>(async () => {});

  // The long steps run where the workbook is: in place, or in the web page's worker.
  const checker = useMemo(() => host.checker ?? localChecker(host), [host]);
  const packById = useCallback((id: string | null | undefined) => packs.find((p) => p.id === id), [packs]);
  const patch = useCallback((p: Partial<PaneState>) => setState((s) => ({ ...s, ...p })), []);

  const settings = useCallback(async (): Promise<WorkbookSettings> => {
    if (!settingsRef.current) settingsRef.current = await host.loadSettings();
    return settingsRef.current;
  }, [host]);

  const save = useCallback(
    async (s: Partial<WorkbookSettings>) => {
      const next: WorkbookSettings = { ...(await settings()), ...s };
      for (const k of Object.keys(next) as (keyof WorkbookSettings)[]) if (next[k] === undefined) delete next[k];
      settingsRef.current = next;
      await host.saveSettings(next);
    },
    [host, settings],
  );

  /** Runs one action at a time; errors become a notice instead of escaping. */
  const exclusive = useCallback(
    async (phase: Phase, work: () => Promise<void>) => {
      if (running.current) return;
      running.current = true;
      patch({ busy: { phase, done: 0, total: 0 }, notice: null });
      try {
        await work();
      } catch (e) {
        const { code, message } = errorMessage(e);
        // 取消 (the page) is the official's own doing: said plainly, not as an error.
        if (code === "cancelled") patch({ notice: { intent: "info", text: say((t) => t.workCancelled), code } });
        else patch({ notice: { intent: "error", text: message, code } });
      } finally {
        running.current = false;
        patch({ busy: null });
        const next = pendingSheet.current;
        pendingSheet.current = null;
        // A sheet change that came during the action is followed now.
        if (next && next !== stateRef.current.sheet) void loadRef.current(next);
      }
    },
    [patch],
  );

  const progress = useCallback((phase: Phase) => (p: { done: number; total: number }) => patch({ busy: { phase, done: p.done, total: p.total } }), [patch]);
  const checkProgress = useCallback((p: CheckProgress) => patch({ busy: { phase: p.phase, done: p.done, total: p.total } }), [patch]);

  const evaluate = useCallback(
    (sheet: string, grid: SheetGrid, pack: Pack, s: Pick<PaneState, "mapping" | "params" | "headerRow" | "readings">) =>
      checker.evaluate(sheet, grid, pack, { mapping: s.mapping, params: s.params, readings: s.readings, headerRow: s.headerRow }, checkProgress),
    [checker, checkProgress],
  );

  const load = useCallback(
    (name?: string) =>
      exclusive("read", async () => {
        const saved = await settings();
        const sheets = await host.listSheets();
        const sheet = name && sheets.includes(name) ? name : await host.activeSheet();
        const own = !!page && ourSheets((await host.ownSheets?.()) ?? []).has(sheet);
        patch({ sheets, sheet, own, sheetState: "loading", result: null, outcome: null, stale: false, focus: null });
        const grid = withoutOwnResults(await host.readSheet(sheet, progress("read")));
        if (own) {
          // Ours: only looked at (MatchView shows its cells), so no pack is proposed for it.
          patch({ grid, candidates: [], match: null, sheetState: "no-header", notice: null });
          return;
        }
        if (isEmptyGrid(grid)) {
          const pack = packById(saved.pack) ?? packs[0];
          patch({
            grid,
            candidates: [],
            packId: pack?.id ?? null,
            mapping: {},
            headerRow: undefined,
            params: cleanParams(pack, saved.pack === pack?.id ? saved.params : undefined),
            readings: chosenReadings(pack, saved.pack === pack?.id ? saved.readings : undefined),
            match: null,
            sheetState: "empty",
            notice: { intent: "warning", text: say((s) => s.emptySheet(sheet)), code: "empty-sheet" },
          });
          return;
        }
        await yieldToUI();
        const candidates = await checker.detect(sheet, grid, packs);
        const choice = paneChoice(sheet, saved, candidates, packs);
        if (!choice) {
          patch({
            grid,
            candidates,
            packId: null,
            mapping: {},
            headerRow: undefined,
            params: {},
            readings: {},
            match: null,
            sheetState: "no-header",
            notice: { intent: "warning", text: say((s) => s.noHeader(sheet)), code: "no-header" },
          });
          return;
        }
        const { pack, mapping, headerRow, params, readings } = choice;
        const match = matchHeaders(grid, pack, { mapping, headerRow });
        patch({ grid, candidates, packId: pack.id, mapping, headerRow, params, readings, match, sheetState: "ready" });
        // The check 一键校验 would make now, begun ahead where the work runs apart (the web page's worker).
        if (!match.unmatched.length) checker.prepare?.(sheet, pack, { mapping, params, readings, headerRow });
      }),
    [exclusive, settings, host, patch, progress, packById, packs, checker, page],
  );
  loadRef.current = load;

  /** After a change of pack, mapping or thresholds: new match, and the shown result recomputed (the sheet's is now stale). */
  const rematch = useCallback(
    async (pack: Pack, change: Pick<PaneState, "mapping" | "params" | "headerRow"> & { readings?: Readings }): Promise<void> => {
      const s = stateRef.current;
      const next = { readings: s.readings, ...change };
      if (!s.grid || !s.sheet || s.sheetState === "empty") return patch({ ...next });
      const match = matchHeaders(s.grid, pack, { mapping: next.mapping, headerRow: next.headerRow });
      const again = !!s.result && s.result.pack === pack.id;
      patch({ ...next, match, result: again ? s.result : null, stale: again, sheetState: "ready" });
      if (again) patch({ result: await evaluate(s.sheet, s.grid, pack, next) });
      // Else the check 一键校验 would make with the new choices, begun ahead (see load).
      else if (!match.unmatched.length) checker.prepare?.(s.sheet, pack, { mapping: next.mapping, params: next.params, readings: next.readings, headerRow: next.headerRow });
    },
    [evaluate, patch, checker],
  );

  const choosePack = useCallback(
    (id: string) =>
      exclusive("work", async () => {
        const pack = packById(id);
        const s = stateRef.current;
        if (!pack || !s.sheet) return;
        const saved = await settings();
        const params = cleanParams(pack, saved.pack === pack.id ? saved.params : undefined);
        const readings = chosenReadings(pack, saved.pack === pack.id ? saved.readings : undefined);
        patch({ packId: id, outcome: null });
        await rematch(pack, { mapping: {}, headerRow: undefined, params, readings });
        await save({ pack: id, sheet: s.sheet, mapping: {}, headerRow: undefined, params, readings });
        await applyParams?.(id, params, readings);
        patch({ notice: { intent: "success", text: say((t, lang) => t.packSaved(pack.name[lang])) } });
      }),
    [exclusive, packById, settings, patch, rematch, save, applyParams],
  );

  /** `col` null returns the field to the automatic guess; 0 marks it as "no such column". */
  const setMapping = useCallback(
    (field: string, col: number | null) =>
      exclusive("work", async () => {
        const s = stateRef.current;
        const pack = packById(s.packId);
        if (!pack || !s.sheet) return;
        const mapping = { ...s.mapping };
        if (col === null) delete mapping[field];
        else mapping[field] = col;
        const headerRow = s.headerRow ?? s.match?.headerRow;
        await rematch(pack, { mapping, headerRow, params: s.params });
        await save({ pack: pack.id, sheet: s.sheet, mapping, headerRow });
        patch({ notice: { intent: "success", text: say((t) => t.mappingSaved) } });
      }),
    [exclusive, packById, patch, rematch, save],
  );

  const setParam = useCallback(
    (id: string, value: number | null) =>
      exclusive("work", async () => {
        const s = stateRef.current;
        const pack = packById(s.packId);
        const param = pack?.params.find((p) => p.id === id);
        if (!pack || !param) return;
        const params = { ...s.params };
        if (value === null || value === param.value) delete params[id];
        else params[id] = value;
        await rematch(pack, { mapping: s.mapping, headerRow: s.headerRow, params });
        await save({ pack: pack.id, sheet: s.sheet ?? undefined, params });
        await applyParams?.(pack.id, params, s.readings);
        const raw = value ?? param.value;
        // A share is said as an official says it: 85 %, not 0.85.
        const v = param.unit === "%" ? `${Math.round(raw * 1e6) / 1e4} %` : raw;
        patch({ notice: { intent: "success", text: say((t, lang) => t.paramSaved(param.label[lang], v)) } });
      }),
    [exclusive, packById, patch, rematch, save, applyParams],
  );

  /** `option` null returns the interpretation to the pack's default reading. */
  const setReading = useCallback(
    (id: string, option: string | null) =>
      exclusive("work", async () => {
        const s = stateRef.current;
        const pack = packById(s.packId);
        const it = pack?.interpretations.find((i) => i.id === id);
        const chosen = it?.options.find((o) => o.id === (option ?? it.options[0]?.id));
        if (!pack || !it || !chosen) return;
        const readings = { ...s.readings };
        if (chosen === it.options[0]) delete readings[id];
        else readings[id] = chosen.id;
        await rematch(pack, { mapping: s.mapping, headerRow: s.headerRow, params: s.params, readings });
        await save({ pack: pack.id, sheet: s.sheet ?? undefined, readings });
        await applyParams?.(pack.id, s.params, readings);
        patch({ notice: { intent: "success", text: say((t, lang) => t.readingSaved(chosen.label[lang])) } });
      }),
    [exclusive, packById, patch, rematch, save, applyParams],
  );

  const resetParams = useCallback(
    () =>
      exclusive("work", async () => {
        const s = stateRef.current;
        const pack = packById(s.packId);
        if (!pack) return;
        await rematch(pack, { mapping: s.mapping, headerRow: s.headerRow, params: {}, readings: {} });
        await save({ pack: pack.id, sheet: s.sheet ?? undefined, params: {}, readings: {} });
        await applyParams?.(pack.id, {}, {});
        patch({ notice: { intent: "success", text: say((t) => t.paramsReset) } });
      }),
    [exclusive, packById, patch, rematch, save, applyParams],
  );

  const validate = useCallback(
    () =>
      exclusive("read", async () => {
        const s = stateRef.current;
        const pack = packById(s.packId);
        const sheet = s.sheet ?? (await host.activeSheet());
        // The page checks the whole workbook, like the command line: every sheet that fits a pack
        // (its own saved choices where it has them), so its report and copy cover them all. The
        // sheet on screen is only the one being looked at: it never narrows what is checked.
        const checked: CheckedSheet[] = [];
        let others: string[] = [];
        let unfit: string[] = [];
        const checkOthers = async () => {
          if (!page) return;
          const more = await checker.checkOthers(sheet, packs, await settings(), checkProgress);
          for (const o of more.checked) {
            onValidated?.({ pack: o.pack, result: o.result, outcome: o.outcome });
            checked.push(checkedSheet(o.result, o.pack, o.params, o.readings));
          }
          others = more.checked.map((o) => o.result.sheet);
          unfit = more.unfit;
          // The record of this check, in the workbook (settings and the 校验记录 sheet), whatever door.
          if (checked.length) await host.recordCheck?.(checkRecord(host.kind === "excel" ? "excel" : "page", checked));
          // Results moved aside and a new 校验记录 join the sheet picker.
          patch({ sheets: await host.listSheets() });
        };
        /** The notice about the sheet on screen, with what the rest of the workbook gave. */
        const withOthers = (n: Notice): Notice => {
          const also = others.length || unfit.length ? say((t) => t.otherSheets(others, unfit)) : null;
          return also ? { ...n, text: { zh: `${n.text.zh}${also.zh}`, en: `${n.text.en} ${also.en}` } } : n;
        };
        // A sheet the page added (summary, template, ledger, 校验记录) is shown for looking only: never checked.
        if (page && ourSheets((await host.ownSheets?.()) ?? []).has(sheet)) {
          await checkOthers();
          patch({ notice: withOthers({ intent: "info", text: say((t) => t.ownSheetNotChecked(sheet)) }) });
          return;
        }
        if (!pack) {
          await checkOthers();
          patch({ notice: withOthers({ intent: "warning", text: say((t) => (s.sheetState === "no-header" ? t.noHeader(sheet) : t.needPack)), code: "no-pack" }) });
          return;
        }
        // Read again: the official may have edited the sheet since it was detected.
        const grid = withoutOwnResults(await host.readSheet(sheet, progress("read")));
        if (isEmptyGrid(grid)) {
          await checkOthers();
          patch({ grid, match: null, result: null, sheetState: "empty", notice: withOthers({ intent: "warning", text: say((t) => t.emptySheet(sheet)), code: "empty-sheet" }) });
          return;
        }
        patch({ grid, busy: { phase: "evaluate", done: 0, total: rowCount(grid) } });
        const opts = { mapping: s.mapping, params: s.params, readings: s.readings, headerRow: s.headerRow };
        const match = matchHeaders(grid, pack, { mapping: s.mapping, headerRow: s.headerRow });
        // The web page shows the verdicts the moment they are known; writing them into the copy
        // (each record explained for 校验说明) follows in the worker, its bar moving.
        let shown = false;
        const onResult = page
          ? (r: SheetResult) => {
              shown = true;
              // Drawn as a transition: React draws the results view in slices, the page answering between them.
              startTransition(() => setState((x) => ({ ...x, match, result: r, stale: false, outcome: null, sheetState: "ready", runs: x.runs + 1 })));
            }
          : undefined;
        let done: Awaited<ReturnType<typeof checker.check>>;
        try {
          done = await checker.check(sheet, grid, pack, opts, checkProgress, onResult);
        } catch (e) {
          // The verdicts shown early belong to a check that did not finish (取消): what was on screen before comes back.
          if (shown) setState((x) => ({ ...x, match: s.match, result: s.result, stale: s.stale, outcome: s.outcome }));
          throw e;
        }
        const { result, outcome: written, writeError } = done;
        const runs = (x: PaneState) => (shown ? x.runs : x.runs + 1);
        if (writeError) {
          // The verdicts stand even when the workbook refused them: shown, and kept for the report.
          setState((x) => ({ ...x, match, result, stale: false, outcome: null, sheetState: "ready", runs: runs(x) }));
          onValidated?.({ pack, result, outcome: null });
          throw writeError;
        }
        if (!written) {
          const labels = (lang: Lang) => result.unmatched.map((id) => pack.fields.find((x) => x.id === id)).map((f, i) => (f ? fieldLabel(f, lang) : result.unmatched[i]));
          await checkOthers();
          patch({ match, result: null, outcome: null, sheetState: "ready", notice: withOthers({ intent: "error", text: say((t, lang) => t.cannotValidate(labels(lang))), code: "unmatched" }) });
          return;
        }
        const outcome = written;
        setState((x) => ({ ...x, match, result, stale: false, outcome: null, sheetState: "ready", runs: runs(x) }));
        onValidated?.({ pack, result, outcome });
        checked.push(checkedSheet(result, pack, s.params, s.readings));
        if (page) await checkOthers();
        else await host.recordCheck?.(checkRecord(host.kind === "excel" ? "excel" : "page", checked));
        const notice: Notice =
          outcome.placement === "sheet"
            ? { intent: "warning", text: say((t, lang) => t.placementSheet(outcome.sheet, outcome.marked, outcome.note?.[lang])), code: "placement-sheet" }
            : { intent: "success", text: say((t) => t.placementColumns(outcome.range, outcome.marked)) };
        patch({ outcome, notice: withOthers(notice) });
      }),
    [exclusive, packById, host, patch, progress, checker, checkProgress, onValidated, page, settings, packs],
  );

  const currentResult = useCallback(async (): Promise<{ pack: Pack; result: SheetResult } | null> => {
    const s = stateRef.current;
    const pack = packById(s.packId);
    if (!pack || !s.grid || !s.sheet || s.sheetState !== "ready") return null;
    return { pack, result: s.result && s.result.pack === pack.id ? s.result : await evaluate(s.sheet, s.grid, pack, s) };
  }, [packById, evaluate]);

  const writeSummary = useCallback(
    (withChart: boolean) =>
      exclusive("work", async () => {
        const r = await currentResult();
        if (!r) {
          patch({ notice: { intent: "warning", text: say((t) => t.needPack) } });
          return;
        }
        // Where the result's records are (in place, or the web page's worker).
        const name = await checker.writeSummary(r.result, r.pack, withChart);
        // The new sheet joins the sheet picker at once.
        patch({ sheets: await host.listSheets(), notice: { intent: "success", text: say((t) => t.summaryDone(name)) } });
      }),
    [exclusive, currentResult, checker, host, patch],
  );

  /**
   * 生成台账: every sheet of the workbook read (our own result columns left out), the term ledger
   * built by the engine — the same as the command line's `ledger` and the page's — and written as
   * a new printable sheet.
   */
  const writeLedger = useCallback(
    (withChart: boolean) =>
      exclusive("read", async () => {
        const saved = await settings();
        const assessment = packs.find((p) => p.id === "studio-assessment");
        const budget = packs.find((p) => p.id === "studio-budget");
        if (!assessment || !budget) return;
        const opts = {
          mapping: saved.studioNames,
          params: saved.pack && saved.params ? { [saved.pack]: saved.params } : undefined,
          readings: saved.revocation && isRevocationReading(saved.revocation) ? { revocation: saved.revocation } : undefined,
        };
        // Read and built where the workbook is (in place, or the web page's worker).
        const { ledger, sheet } = await checker.writeLedger({ assessment, budget, roster: rosterPack() }, opts, withChart, checkProgress);
        if (sheet === null) {
          patch({ ledger, notice: { intent: "warning", text: both((t) => t.ledgerNone) } });
          return;
        }
        patch({ ledger, sheets: await host.listSheets(), notice: { intent: ledger.names.length ? "warning" : "success", text: both((t) => t.ledgerDone(sheet, ledger.studios.length, ledger.names.length)) } });
      }),
    [exclusive, settings, host, checker, checkProgress, packs, patch],
  );

  /** A person's answer for a written name (null: back to the guess); used the next time the ledger is made. */
  const setStudioName = useCallback(
    (name: string, studio: string | null) =>
      exclusive("work", async () => {
        const names = { ...((await settings()).studioNames ?? {}) };
        if (studio === null) delete names[name];
        else names[name] = studio;
        await save({ studioNames: Object.keys(names).length ? names : undefined });
        patch({ notice: { intent: "success", text: both((t) => t.ledgerNamesSaved) } });
      }),
    [exclusive, settings, save, patch],
  );

  const setRevocation = useCallback(
    (reading: string) =>
      exclusive("work", async () => {
        if (!isRevocationReading(reading)) return;
        await save({ revocation: reading === "two-or-final" ? undefined : reading });
      }),
    [exclusive, save],
  );

  const insertTemplate = useCallback(
    (layoutId?: string) =>
      exclusive("work", async () => {
        const pack = packById(stateRef.current.packId);
        if (!pack) {
          patch({ notice: { intent: "warning", text: say((t) => t.needPack) } });
          return;
        }
        const name = await host.writeSheet(templateSheet(pack, layoutId));
        patch({ sheets: await host.listSheets(), notice: { intent: "success", text: say((t) => t.templateDone(name)) } });
      }),
    [exclusive, packById, host, patch],
  );

  const clearResults = useCallback(
    () =>
      exclusive("work", async () => {
        const r = await host.clearResults();
        // The sheets it took away leave the picker; if the one on screen went, the workbook's first is shown.
        const sheets = await host.listSheets();
        if (stateRef.current.sheet && !sheets.includes(stateRef.current.sheet)) pendingSheet.current = await host.activeSheet();
        patch({ sheets });
        const nothing = r.cellsCleared === 0 && r.sheetsRemoved === 0;
        const kept = r.sheetsKept ?? [];
        const typed = r.cellsKept ?? [];
        const text = say((t) =>
          [nothing ? t.clearNothing : t.clearDone(r.cellsCleared, r.sheetsRemoved), kept.length ? t.clearKept(kept) : "", typed.length ? t.clearTypedKept(typed) : ""].filter(Boolean).join(" "),
        );
        patch({ outcome: null, notice: { intent: kept.length || typed.length ? "warning" : nothing ? "info" : "success", text } });
      }),
    [exclusive, host, patch],
  );

  const selectCell = useCallback(
    async (address: string) => {
      const sheet = stateRef.current.sheet;
      if (!sheet) return;
      // The page has no selection to move: its preview scrolls to the cell instead.
      if (page) setState((x) => ({ ...x, focus: { cell: address, n: (x.focus?.n ?? 0) + 1 } }));
      try {
        await host.selectCell(sheet, address);
      } catch (e) {
        const { code, message } = errorMessage(e);
        patch({ notice: { intent: "error", text: message, code } });
      }
    },
    [host, patch, page],
  );

  const dismissNotice = useCallback(() => patch({ notice: null }), [patch]);

  // Open: push the saved thresholds to the formulas, read the active sheet, follow sheet changes.
  useEffect(() => {
    let alive = true;
    void (async () => {
      try {
        const saved = await settings();
        if (alive && saved.pack && applyParams) await applyParams(saved.pack, cleanParams(packById(saved.pack), saved.params), chosenReadings(packById(saved.pack), saved.readings));
      } catch (e) {
        const { code, message } = errorMessage(e);
        patch({ notice: { intent: "error", text: message, code } });
      }
      if (alive) await load();
    })();
    const off = host.onActiveSheetChanged?.((sheet) => {
      if (running.current) pendingSheet.current = sheet;
      else void load(sheet);
    });
    return () => {
      alive = false;
      off?.();
    };
    // Once per host: the pane is remounted for another workbook (standalone page: another file).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [host]);

  const validateRef = useRef(validate);
  validateRef.current = validate;
  useEffect(() => onRibbonValidate?.(() => validateRef.current()), [onRibbonValidate]);

  const pack = useMemo(() => packById(state.packId) ?? null, [packById, state.packId]);

  return {
    state,
    pack,
    packs,
    load,
    choosePack,
    setMapping,
    setParam,
    resetParams,
    setReading,
    validate,
    writeSummary,
    writeLedger,
    setStudioName,
    setRevocation,
    insertTemplate,
    clearResults,
    selectCell,
    dismissNotice,
    /** Stops the step under way, where the work runs apart from the pane (the page's worker). */
    cancel: checker.cancel,
  };
}

export type Pane = ReturnType<typeof usePane>;
