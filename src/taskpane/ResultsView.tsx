/**
 * 结果: counts per grade or status as a small chart, spending per studio against its limit, and
 * every row's verdict with its problems — each naming the cell, the text found and the rule; a
 * click selects the cell in the workbook (in the web page: scrolls the sheet preview to it).
 * Filters narrow the list to errors or warnings.
 */
import { memo, startTransition, useEffect, useMemo, useState } from "react";
import {
  Badge,
  Body1,
  Button,
  Caption1,
  Link,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Subtitle2,
  ToggleButton,
  tokens,
} from "@fluentui/react-components";
import { MARK_FILL } from "../engine/verdicts";
import type { Issue, SheetResult, Status } from "../engine/types";
import type { Pack } from "../packs/schema";
import { BudgetBars, CountBars } from "./Charts";
import { counts, failedLabels, gradeLabel, issuesFor, looseIssues, RowIndex, rowGroups, rowsApart, text, type Filter, type RowGroup, type RowPage } from "./model";
import { usePage, useStrings } from "./i18n";
import { SheetPreview } from "./SheetPreview";
import type { Pane } from "./usePane";

/** Rows rendered at once; more on request, so a 50,000-row result draws in one short task. */
const PAGE = 50;

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: "12px" },
  section: { display: "flex", flexDirection: "column", gap: "6px" },
  filters: { display: "flex", gap: "4px", flexWrap: "wrap", alignItems: "center" },
  legend: { display: "flex", gap: "10px", alignItems: "center", fontSize: tokens.fontSizeBase200 },
  swatch: { display: "inline-block", width: "12px", height: "12px", marginRight: "4px", verticalAlign: "middle", border: `1px solid ${tokens.colorNeutralStroke2}` },
  list: { listStyle: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: "6px" },
  row: { border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusMedium, padding: "6px 8px" },
  rowHead: { display: "flex", gap: "6px", flexWrap: "wrap", alignItems: "center" },
  issues: { listStyle: "none", margin: "4px 0 0 0", padding: 0, display: "flex", flexDirection: "column", gap: "4px" },
  issue: { display: "flex", flexDirection: "column", gap: "1px", paddingLeft: "8px", borderLeft: "3px solid transparent" },
  table: { width: "100%", borderCollapse: "collapse", fontSize: tokens.fontSizeBase200 },
  th: { textAlign: "start", fontWeight: tokens.fontWeightSemibold, padding: tokens.spacingHorizontalXS, borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`, whiteSpace: "nowrap" },
  td: { padding: tokens.spacingHorizontalXS, verticalAlign: "top", borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke3}` },
  nowrap: { whiteSpace: "nowrap" },
  /** On a desktop the preview stays in sight above the list as it scrolls. */
  sticky: { position: "sticky", top: 0, zIndex: 2, backgroundColor: tokens.colorNeutralBackground1, paddingBottom: tokens.spacingVerticalS },
  issueMeta: { display: "flex", gap: "8px", flexWrap: "wrap", color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
});

const BADGE: Record<Status, "success" | "warning" | "danger"> = { ok: "success", warning: "warning", error: "danger" };

/** Wide enough for a results table (the web page on a desktop); the task pane (320–450 px) keeps cards. */
const WIDE = "(min-width: 900px)";

function useWide(): boolean {
  const query = typeof window !== "undefined" && window.matchMedia ? window.matchMedia(WIDE) : null;
  const [wide, setWide] = useState(!!query?.matches);
  useEffect(() => {
    if (!query) return;
    const on = () => setWide(query.matches);
    query.addEventListener?.("change", on);
    return () => query.removeEventListener?.("change", on);
  }, [query]);
  return wide;
}

/** The rows as a table, one line per record: what a desktop has the width for. */
function RowTable({ rows, pack, onSelect }: { rows: RowGroup[]; pack: Pack; onSelect: (cell: string) => void }) {
  const st = useStyles();
  const { s, lang } = useStrings();
  return (
    <table className={st.table} data-testid="row-table">
      <thead>
        <tr>
          <th className={st.th}>{s.tableRow}</th>
          <th className={st.th}>{s.tableName}</th>
          <th className={st.th}>{s.tableVerdict}</th>
          <th className={st.th}>{s.tableMet}</th>
          <th className={st.th}>{s.tableFailed}</th>
          <th className={st.th}>{s.tableProblems}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((g) => {
          const rec = g.record;
          const verdict = rec ? gradeLabel(pack, rec.grade, lang) ?? { ok: s.statusOk, warning: s.statusWarning, error: s.statusError }[rec.status] : null;
          return (
            <tr key={g.row} data-row={g.row}>
              <td className={st.td}>{g.row}</td>
              <td className={st.td}>
                {rec?.label}
                {rec?.hidden && (
                  <>
                    {" "}
                    <Badge appearance="outline" size="small">
                      {s.hiddenRow}
                    </Badge>
                  </>
                )}
              </td>
              <td className={st.td}>
                {rec && (
                  <Badge appearance="filled" color={BADGE[rec.status]} data-verdict={rec.grade ?? rec.status} className={st.nowrap}>
                    {verdict}
                  </Badge>
                )}
              </td>
              <td className={`${st.td} ${st.nowrap}`}>{rec && rec.met !== null && rec.total !== null ? `${rec.met} / ${rec.total}` : ""}</td>
              <td className={st.td}>{rec ? failedLabels(pack, rec.failed, lang).join("、") : ""}</td>
              <td className={st.td}>
                {g.issues.length ? (
                  <ul className={st.issues}>
                    {g.issues.map((i, k) => (
                      <IssueItem key={`${i.code}-${i.cell}-${k}`} issue={i} onSelect={onSelect} />
                    ))}
                  </ul>
                ) : (
                  <Caption1>{s.noProblems}</Caption1>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function IssueItem({ issue, onSelect }: { issue: Issue; onSelect: (cell: string) => void }) {
  const st = useStyles();
  const { s, lang } = useStrings();
  return (
    <li className={st.issue} style={{ borderLeftColor: MARK_FILL[issue.severity] }} data-severity={issue.severity} data-code={issue.code}>
      <Body1>{text(issue.message, lang)}</Body1>
      <span className={st.issueMeta}>
        {issue.cell && (
          <Link as="button" onClick={() => onSelect(issue.cell!)} aria-label={s.goToCell(issue.cell)}>
            {s.cellAt(issue.cell)}
          </Link>
        )}
        {issue.text !== null && <span>{s.textFound(issue.text)}</span>}
        {issue.source && <span>{s.ruleSource(issue.source)}</span>}
      </span>
    </li>
  );
}

function RowItem({ group, pack, onSelect }: { group: RowGroup; pack: Pack; onSelect: (cell: string) => void }) {
  const st = useStyles();
  const { s, lang } = useStrings();
  const rec = group.record;
  // A row a filter shows is shown with all its problems: its status is what the filter chose.
  const shown = group.issues;
  const verdict = rec ? gradeLabel(pack, rec.grade, lang) ?? { ok: s.statusOk, warning: s.statusWarning, error: s.statusError }[rec.status] : null;
  return (
    <li className={st.row} data-row={group.row}>
      <div className={st.rowHead}>
        <Subtitle2>{s.rowLabel(group.row)}</Subtitle2>
        {rec && <Body1>{rec.label}</Body1>}
        {rec && (
          <Badge appearance="filled" color={BADGE[rec.status]} data-verdict={rec.grade ?? rec.status}>
            {verdict}
          </Badge>
        )}
        {rec?.hidden && <Badge appearance="outline">{s.hiddenRow}</Badge>}
        {rec && rec.met !== null && rec.total !== null && <Caption1>{s.metOf(rec.met, rec.total)}</Caption1>}
        {rec && rec.failed.length > 0 && <Caption1>{s.failedList(failedLabels(pack, rec.failed, lang))}</Caption1>}
      </div>
      {shown.length > 0 ? (
        <ul className={st.issues}>
          {shown.map((i, k) => (
            <IssueItem key={`${i.code}-${i.cell}-${k}`} issue={i} onSelect={onSelect} />
          ))}
        </ul>
      ) : group.issues.length === 0 ? (
        <Caption1>{s.noProblems}</Caption1>
      ) : null}
    </li>
  );
}

/**
 * The rows shown, drawn again only when they, the pack or the language change — not on every
 * progress tick or notice of the pane (a page of cards is the costliest thing it draws).
 */
const Rows = memo(function Rows({ rows, pack, wide, onSelect }: { rows: RowGroup[]; pack: Pack; wide: boolean; onSelect: (cell: string) => void }) {
  const st = useStyles();
  return wide ? (
    <RowTable rows={rows} pack={pack} onSelect={onSelect} />
  ) : (
    <ul className={st.list} data-testid="row-list">
      {rows.map((g) => (
        <RowItem key={g.row} group={g} pack={pack} onSelect={onSelect} />
      ))}
    </ul>
  );
});

/**
 * The first `limit` rows a filter shows, and how many it shows in all. Records the pane holds
 * are grouped and filtered here; records kept in the web page's worker are asked for a window
 * at a time (only the rows drawn cross over), appended as "more" is asked for. Null until known.
 */
function useRows(result: SheetResult | null, filter: Filter, limit: number): RowPage | null {
  const apart = result ? rowsApart(result) : undefined;
  const index = useMemo(() => (result && !apart ? new RowIndex(rowGroups(result)) : null), [result, apart]);
  const here = useMemo(() => index?.page(filter, 0, limit) ?? null, [index, filter, limit]);
  const [got, setGot] = useState<{ result: SheetResult; filter: Filter; page: RowPage } | null>(null);
  const mine = got && got.result === result && got.filter === filter ? got.page : null;
  const have = mine?.rows.length ?? 0;
  const want = mine ? Math.min(limit, mine.total) : limit;
  useEffect(() => {
    if (!apart || !result || (mine && have >= want)) return;
    let alive = true;
    void apart(filter, have, want - have).then(
      // Drawn as a transition: React draws the cards in slices between the page's other tasks.
      (p) =>
        alive &&
        startTransition(() => setGot((g) => ({ result, filter, page: { total: p.total, rows: (g && g.result === result && g.filter === filter ? g.page.rows : []).concat(p.rows) } }))),
      // The worker was replaced (取消) or the result superseded: the next result brings its own rows.
      () => undefined,
    );
    return () => {
      alive = false;
    };
  }, [apart, result, filter, have, want, mine]);
  return apart ? mine : here;
}

export function ResultsView({ pane }: { pane: Pane }) {
  const st = useStyles();
  const { s, lang } = useStrings();
  const [filter, setFilter] = useState<Filter>("all");
  const [limit, setLimit] = useState(PAGE);
  const { result, stale } = pane.state;
  const pack = pane.pack;
  const wide = useWide();
  const page = usePage();
  const list = useRows(result, filter, limit);
  const loose = useMemo(() => (result ? looseIssues(result) : []), [result]);
  const selectCell = pane.selectCell;
  const onSelect = useMemo(() => (c: string) => void selectCell(c), [selectCell]);

  if (!result || !pack || result.pack !== pack.id) return <Body1>{s.noResults}</Body1>;

  const statusWords: Record<Status, string> = { ok: s.statusOk, warning: s.statusWarning, error: s.statusError };
  const chart = counts(result, pack, lang, statusWords);
  const chartTitle = pack.outcome.kind === "checks" ? s.statusTitle : s.gradesTitle;
  const blank = result.skipped.filter((x) => x.reason === "blank").length;
  const totals = result.skipped.length - blank;
  const sheetProblems = issuesFor(result.problems, filter);
  const totalsProblems = issuesFor(loose, filter);

  return (
    <div className={st.root}>
      {stale && (
        <MessageBar intent="warning">
          <MessageBarBody>{s.staleResults}</MessageBarBody>
        </MessageBar>
      )}
      <section className={st.section} aria-label={chartTitle}>
        <Subtitle2>{chartTitle}</Subtitle2>
        <Caption1 data-testid="records-checked">
          {s.recordsChecked(result.summary.records)}
          {result.skipped.length > 0 ? ` · ${s.skipped(blank, totals)}` : ""}
        </Caption1>
        <CountBars counts={chart} title={chartTitle} />
      </section>

      {result.groups.length > 0 && (
        <section className={st.section} aria-label={s.budgetTitle}>
          <Subtitle2>{s.budgetTitle}</Subtitle2>
          <BudgetBars groups={result.groups} />
        </section>
      )}

      {result.interpretations.length > 0 && (
        <section className={st.section}>
          <Caption1>{s.interpretationsApplied}</Caption1>
          <ul className={st.list}>
            {result.interpretations.map((i) => (
              <li key={i.id}>
                <Caption1>
                  <Badge size="small" appearance="tint" color="informative">
                    {s.interpretation}
                  </Badge>{" "}
                  {s.withSource(i.text[lang], i.source)}
                </Caption1>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section className={st.section} aria-label={s.problemsTitle}>
        <Subtitle2>{s.problemsTitle}</Subtitle2>
        <div className={st.legend}>
          <span>{s.legendTitle}</span>
          <span>
            <span className={st.swatch} style={{ backgroundColor: MARK_FILL.error }} />
            {s.legendError}
          </span>
          <span>
            <span className={st.swatch} style={{ backgroundColor: MARK_FILL.warning }} />
            {s.legendWarning}
          </span>
        </div>
        <div className={st.filters} role="group" aria-label={s.filterLabel}>
          {(
            [
              ["all", s.filterAll],
              ["error", s.filterErrors],
              ["warning", s.filterWarnings],
            ] as [Filter, string][]
          ).map(([f, label]) => (
            <ToggleButton key={f} size="small" checked={filter === f} onClick={() => (setFilter(f), setLimit(PAGE))}>
              {label}
            </ToggleButton>
          ))}
        </div>

        {page && pane.state.grid && (
          <div className={wide ? st.sticky : undefined}>
            <SheetPreview grid={pane.state.grid} target={pane.state.focus} />
          </div>
        )}

        {sheetProblems.length > 0 && (
          <div className={st.row} data-row="sheet">
            <Subtitle2>{s.sheetProblems}</Subtitle2>
            <ul className={st.issues}>
              {sheetProblems.map((i, k) => (
                <IssueItem key={`${i.code}-${k}`} issue={i} onSelect={onSelect} />
              ))}
            </ul>
          </div>
        )}

        {totalsProblems.length > 0 && (
          <div className={st.row} data-row="groups">
            <Subtitle2>{s.groupProblems}</Subtitle2>
            <ul className={st.issues}>
              {totalsProblems.map((i, k) => (
                <IssueItem key={`${i.code}-${k}`} issue={i} onSelect={onSelect} />
              ))}
            </ul>
          </div>
        )}

        {list && list.total === 0 ? (
          <Caption1>{s.filterEmpty}</Caption1>
        ) : (
          list && <Rows rows={list.rows} pack={pack} wide={wide} onSelect={onSelect} />
        )}
        {list && list.total > list.rows.length && list.rows.length >= limit && (
          <Button appearance="subtle" onClick={() => setLimit((l) => l + PAGE)}>
            {s.showMore(Math.min(PAGE, list.total - limit))}
          </Button>
        )}
      </section>
    </div>
  );
}
