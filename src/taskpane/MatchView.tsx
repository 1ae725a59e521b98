/**
 * 列匹配: the proposed rule pack (changeable), where the header is, and which column holds each
 * field with the matcher's confidence; every match can be corrected from a drop-down.
 */
import { useMemo, useState } from "react";
import { Badge, Caption1, Checkbox, Field, makeStyles, MessageBar, MessageBarBody, Select, tokens } from "@fluentui/react-components";
import { columnChoices, fieldLabel, fieldsToShow } from "./model";
import { useStrings } from "./i18n";
import type { Pane } from "./usePane";
import { SheetPreview } from "./SheetPreview";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: "10px" },
  facts: { display: "flex", flexDirection: "column", gap: "2px", color: tokens.colorNeutralForeground2 },
  // One field per line: at pane width the name and its badge above the full-width drop-down; wider,
  // name, drop-down and badge side by side. No fixed widths: the pane is 320–450 px, a desktop far more.
  fields: { listStyle: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column" },
  field: {
    display: "grid",
    gridTemplateColumns: "minmax(0, 1fr) auto",
    gridTemplateAreas: `"name confidence" "select select"`,
    alignItems: "center",
    columnGap: tokens.spacingHorizontalS,
    rowGap: tokens.spacingVerticalXXS,
    padding: `${tokens.spacingVerticalXS} 0`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke3}`,
    fontSize: tokens.fontSizeBase200,
    "@media (min-width: 640px)": {
      gridTemplateColumns: "minmax(10em, 1fr) minmax(0, 2fr) minmax(6em, auto)",
      gridTemplateAreas: `"name select confidence"`,
    },
  },
  name: { gridArea: "name", display: "flex", gap: tokens.spacingHorizontalXS, alignItems: "center", flexWrap: "wrap", minWidth: 0, overflowWrap: "anywhere" },
  confidence: { gridArea: "confidence", justifySelf: "end" },
  badge: { whiteSpace: "nowrap", flexShrink: 0 },
  select: { gridArea: "select", minWidth: 0 },
});

/** Select values besides column numbers: the field has no column (shown, not choosable), or back to the automatic guess. */
const NONE = "none";
const AUTO = "auto";

export function MatchView({ pane }: { pane: Pane }) {
  const st = useStyles();
  const { s, lang } = useStrings();
  const { state, pack, packs } = pane;
  const [all, setAll] = useState(false);
  const match = state.match;
  const busy = !!state.busy;

  const choices = useMemo(() => {
    if (!state.grid || !match) return [];
    // The matcher's own header texts name the columns; the sheet's cells fill in where it has none.
    const named = new Map((match.headers ?? []).map((h) => [h.col, h.text]));
    return columnChoices(state.grid, match.headerRows).map((c) => ({ ...c, header: named.get(c.col) ?? c.header }));
  }, [state.grid, match]);

  const best = state.candidates[0]?.pack;
  const byField = new Map((match?.columns ?? []).map((c) => [c.field, c]));
  const layout = pack?.layouts.find((l) => l.id === match?.layout) ?? null;
  const required = new Set(layout?.required ?? []);
  const unmatched = match?.unmatched ?? [];
  const fields = pack && match ? fieldsToShow(pack, match.layout, new Set(byField.keys()), unmatched, all) : [];

  // A sheet the page added: its cells as the download will hold them, nothing to match.
  if (state.own && state.grid && state.sheet)
    return (
      <div className={st.root}>
        <Caption1>{s.ownSheetNotChecked(state.sheet)}</Caption1>
        <SheetPreview grid={state.grid} target={null} />
      </div>
    );

  return (
    <div className={st.root}>
      <Field label={s.pack}>
        <Select
          value={state.packId ?? ""}
          disabled={busy || !state.sheet}
          onChange={(_, d) => d.value && void pane.choosePack(d.value)}
          aria-label={s.pack}
        >
          {!state.packId && <option value="">—</option>}
          {packs.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name[lang]}
            </option>
          ))}
        </Select>
      </Field>
      <div className={st.facts}>
        {state.sheetState === "ready" || state.sheetState === "no-header" ? (
          <Caption1>{best ? s.proposed(best.name[lang]) : s.proposedNone}</Caption1>
        ) : null}
        {pack && <Caption1>{s.recordIs(pack.recordIs[lang])}</Caption1>}
        {match && (
          <Caption1>
            {match.headerRows.length > 1 ? s.headerRowsAt(match.headerRows) : match.headerRows.length === 1 ? s.headerAt(match.headerRow) : s.headerNone}
          </Caption1>
        )}
        {layout && <Caption1>{s.layout(layout.label[lang])}</Caption1>}
        {state.grid?.table && <Caption1>{s.fromTable(state.grid.table)}</Caption1>}
      </div>

      {pack && unmatched.length > 0 && (
        <MessageBar intent="warning">
          <MessageBarBody>{s.missingRequired(unmatched.map((id) => pack.fields.find((f) => f.id === id)).map((f, i) => (f ? fieldLabel(f, lang) : unmatched[i])))}</MessageBarBody>
        </MessageBar>
      )}

      {match && match.problems.filter((p) => p.code !== "column-missing").length > 0 && (
        <MessageBar intent="info">
          <MessageBarBody>
            {match.problems
              .filter((p) => p.code !== "column-missing")
              .map((p, i) => (
                <div key={i} data-code={p.code}>
                  {p.message[lang]}
                </div>
              ))}
          </MessageBarBody>
        </MessageBar>
      )}

      {pack && match && (
        <>
          <Caption1>{s.columnsHint}</Caption1>
          <ul className={st.fields} aria-label={s.columnsTitle}>
            {fields.map((f) => {
              const m = byField.get(f.id);
              const manual = state.mapping[f.id] !== undefined;
              const value = m ? String(m.col) : NONE;
              const label = fieldLabel(f, lang);
              return (
                <li key={f.id} data-field={f.id} className={st.field}>
                  <span className={st.name}>
                    {label}
                    {required.has(f.id) && (
                      <Badge size="small" appearance="tint" color={m ? "informative" : "danger"} className={st.badge}>
                        {s.required}
                      </Badge>
                    )}
                  </span>
                  <span className={st.confidence}>
                    {m ? (
                      <Badge
                        appearance="outline"
                        className={st.badge}
                        color={m.manual || manual ? "brand" : m.confidence >= 0.75 ? "success" : m.confidence >= 0.5 ? "warning" : "danger"}
                      >
                        {m.manual || manual ? s.manual : s.confidence(m.confidence)}
                      </Badge>
                    ) : null}
                  </span>
                  <Select
                    className={st.select}
                    size="small"
                    value={value}
                    disabled={busy}
                    aria-label={label}
                    onChange={(_, d) => d.value !== NONE && void pane.setMapping(f.id, d.value === AUTO ? null : Number(d.value))}
                  >
                    {value === NONE && (
                      <option value={NONE} disabled>
                        {s.notMatched}
                      </option>
                    )}
                    {manual && <option value={AUTO}>{s.autoMatch}</option>}
                    {choices.map((c) => (
                      <option key={c.col} value={String(c.col)}>
                        {s.columnOption(c.letter, c.header)}
                      </option>
                    ))}
                  </Select>
                </li>
              );
            })}
          </ul>
          <Checkbox checked={all} onChange={(_, d) => setAll(!!d.checked)} label={s.showAllFields} />
        </>
      )}
    </div>
  );
}
