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
