/**
 * 工作表操作: the printable summary sheet (optionally with a native chart), an empty submission
 * template for the pack, and 清除结果, which removes exactly what the add-in wrote.
 */
import { useState } from "react";
import { Button, Caption1, Checkbox, Field, makeStyles, Select, Subtitle2 } from "@fluentui/react-components";
import { useStrings } from "./i18n";
import type { Pane } from "./usePane";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: "16px" },
  section: { display: "flex", flexDirection: "column", gap: "6px", alignItems: "flex-start" },
});

export function SheetsView({ pane }: { pane: Pane }) {
  const st = useStyles();
  const { s, lang } = useStrings();
  const [withChart, setWithChart] = useState(true);
  const pack = pane.pack;
  const [layout, setLayout] = useState<string>("");
  const busy = !!pane.state.busy;
  const layouts = pack?.layouts ?? [];
  const chosenLayout = layouts.some((l) => l.id === layout) ? layout : undefined;
  const ledger = pane.state.ledger;
  const [reading, setReading] = useState<string>("two-or-final");
  const shownReading = ledger?.readings.find((r) => r.id === "revocation")?.choice ?? reading;

  return (
    <div className={st.root}>
      <section className={st.section}>
        <Subtitle2>{s.summaryButton}</Subtitle2>
        <Caption1>{s.summaryHint}</Caption1>
        <Checkbox checked={withChart} onChange={(_, d) => setWithChart(!!d.checked)} label={s.withChart} />
        <Button appearance="primary" disabled={busy || !pack || pane.state.sheetState !== "ready"} onClick={() => void pane.writeSummary(withChart)}>
          {s.summaryButton}
        </Button>
      </section>

      <section className={st.section} data-testid="ledger-section">
        <Subtitle2>{s.ledgerButton}</Subtitle2>
        <Caption1>{s.ledgerHint}</Caption1>
        <Field label={s.ledgerReading}>
          <Select
            value={shownReading}
            aria-label={s.ledgerReading}
            onChange={(_, d) => {
              setReading(d.value);
              void pane.setRevocation(d.value);
            }}
          >
            {Object.entries(s.ledgerReadings).map(([id, label]) => (
              <option key={id} value={id}>
                {label}
              </option>
            ))}
          </Select>
        </Field>
        <Button appearance="primary" disabled={busy} onClick={() => void pane.writeLedger(withChart)}>
          {s.ledgerButton}
        </Button>
        {ledger && ledger.names.length > 0 && (
          <>
            <Subtitle2>{s.ledgerNamesTitle}</Subtitle2>
            <Caption1>{s.ledgerNamesHint}</Caption1>
            <table data-testid="ledger-names">
              <thead>
                <tr>
                  <th>{s.ledgerNameHeader}</th>
                  <th>{s.ledgerStudioHeader}</th>
                </tr>
              </thead>
              <tbody>
                {ledger.names.map((r) => (
                  <tr key={r.name}>
                    <td>{r.name}</td>
                    <td>
                      <Select defaultValue="" aria-label={r.name} onChange={(_, d) => void pane.setStudioName(r.name, d.value || null)}>
                        <option value="">{`${r.studio ?? ""}${s.ledgerGuess(s.ledgerHow[r.how] ?? "")}`}</option>
                        {ledger.studios.map((studio) => (
                          <option key={studio} value={studio}>
                            {studio}
                          </option>
                        ))}
                      </Select>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>

      <section className={st.section}>
        <Subtitle2>{s.templateButton}</Subtitle2>
        <Caption1>{s.templateHint}</Caption1>
        {layouts.length > 1 && (
          <Field label={s.templateLayout}>
            <Select value={chosenLayout ?? ""} onChange={(_, d) => setLayout(d.value)} aria-label={s.templateLayout}>
              <option value="">{s.templateDefault}</option>
              {layouts.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.label[lang]}
                </option>
              ))}
            </Select>
          </Field>
        )}
        <Button disabled={busy || !pack} onClick={() => void pane.insertTemplate(chosenLayout)}>
          {s.templateButton}
        </Button>
      </section>

      <section className={st.section}>
        <Subtitle2>{s.clearButton}</Subtitle2>
        <Caption1>{s.clearHint}</Caption1>
        <Button disabled={busy} onClick={() => void pane.clearResults()}>
          {s.clearButton}
        </Button>
      </section>
    </div>
  );
}
