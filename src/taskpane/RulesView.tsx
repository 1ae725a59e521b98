/**
 * 规则: the pack's standards with their source articles, how the verdict is reached, the
 * thresholds an official may change for this workbook (saved in it and used by the formulas), and
 * the interpretations the pack applies where the regulation is silent — marked as such.
 */
import { useEffect, useState } from "react";
import { Badge, Body1, Button, Caption1, Field, Input, makeStyles, Radio, RadioGroup, Subtitle2, tokens } from "@fluentui/react-components";
import type { Interpretation, Param } from "../packs/schema";
import { useStrings } from "./i18n";
import type { Pane } from "./usePane";
import { consequenceText } from "../engine/consequences";
import { isStandardNumeral } from "../engine/verdicts";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: "12px" },
  section: { display: "flex", flexDirection: "column", gap: "6px" },
  list: { listStyle: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: "6px" },
  item: { display: "flex", flexDirection: "column", gap: "2px" },
  head: { display: "flex", gap: "6px", flexWrap: "wrap", alignItems: "center" },
  meta: { color: tokens.colorNeutralForeground3 },
  input: { maxWidth: "140px" },
});

/** Reads what an official types into a threshold box: half- or full-width digits, a decimal point or 。. */
export function parseThreshold(raw: string): number | null {
  const t = raw
    .trim()
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[．。]/g, ".")
    .replace(/,/g, "");
  if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

/** A share kept as 0.9 in the pack is typed and read as 90 (%), as an official says it. */
export const shown = (param: Param, v: number): number => (param.unit === "%" ? Math.round(v * 1e6) / 1e4 : v);
const stored = (param: Param, v: number): number => (param.unit === "%" ? v / 100 : v);

function ParamEditor({ param, value, pane }: { param: Param; value: number; pane: Pane }) {
  const st = useStyles();
  const { s, lang } = useStrings();
  const [draft, setDraft] = useState(String(shown(param, value)));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setDraft(String(shown(param, value))), [param, value]);
  const interp = param.interpretation ? pane.pack?.interpretations.find((i) => i.id === param.interpretation) : undefined;
  const range = s.paramRange(param.min === undefined ? undefined : shown(param, param.min), param.max === undefined ? undefined : shown(param, param.max));
  const label = param.label[lang];

  const commit = () => {
    const typed = parseThreshold(draft);
    const v = typed === null ? null : stored(param, typed);
    if (v === null || (param.min !== undefined && v < param.min) || (param.max !== undefined && v > param.max)) {
      setError(s.paramInvalid(label, draft, range));
      return;
    }
    setError(null);
    if (v !== value) void pane.setParam(param.id, v);
  };

  return (
    <li className={st.item} data-param={param.id}>
      <Field
        label={
          <span className={st.head}>
            {label}
            {value !== param.value && (
              <Badge size="small" appearance="tint" color="warning">
                {s.paramChanged}
              </Badge>
            )}
            {param.interpretation && (
              <Badge size="small" appearance="tint" color="informative">
                {s.interpretation}
              </Badge>
            )}
            {interp?.invented && (
              <Badge size="small" appearance="tint" color="severe" title={s.inventedHint}>
                {s.invented}
              </Badge>
            )}
          </span>
        }
        validationMessage={error ?? undefined}
        validationState={error ? "error" : "none"}
        hint={[s.paramDefault(shown(param, param.value)), range, param.source].filter(Boolean).join(" · ")}
      >
        <Input
          className={st.input}
          value={draft}
          disabled={!!pane.state.busy}
          inputMode="decimal"
          contentAfter={param.unit ? <Caption1>{param.unit}</Caption1> : undefined}
          onChange={(_, d) => setDraft(d.value)}
          onBlur={commit}
          onKeyDown={(e) => e.key === "Enter" && commit()}
        />
      </Field>
      {interp && <Caption1 className={st.meta}>{interp.text[lang]}</Caption1>}
    </li>
  );
}

/** One interpretation: what the text says, the reading applied, and — where the pack offers them — the readings one may choose instead. */
function InterpretationEditor({ it, pane }: { it: Interpretation; pane: Pane }) {
  const st = useStyles();
  const { s, lang } = useStrings();
  const chosen = pane.state.readings[it.id] ?? it.options[0]?.id;
  return (
    <li className={st.item} data-interpretation={it.id}>
      <span className={st.head}>
        <Body1>{it.text[lang]}</Body1>
        {it.invented && (
          <Badge size="small" appearance="tint" color="severe" title={s.inventedHint}>
            {s.invented}
          </Badge>
        )}
        {pane.state.readings[it.id] !== undefined && (
          <Badge size="small" appearance="tint" color="warning">
            {s.readingChanged}
          </Badge>
        )}
      </span>
      {it.says && <Caption1 className={st.meta}>{s.textSays(it.says)}</Caption1>}
      {it.source && <Caption1 className={st.meta}>{it.source}</Caption1>}
      {it.options.length > 1 && (
        <Field label={s.readingLabel}>
          <RadioGroup value={chosen} disabled={!!pane.state.busy} onChange={(_, d) => void pane.setReading(it.id, d.value)}>
            {it.options.map((o, i) => (
              <Radio key={o.id} value={o.id} label={i === 0 ? `${o.label[lang]}${s.readingDefault}` : o.label[lang]} />
            ))}
          </RadioGroup>
        </Field>
      )}
    </li>
  );
}

export function RulesView({ pane }: { pane: Pane }) {
  const st = useStyles();
  const { s, lang } = useStrings();
  const pack = pane.pack;
  if (!pack) return <Body1>{s.needPack}</Body1>;
  const params = pane.state.params;
  const interpOf = (id?: string) => (id ? pack.interpretations.find((i) => i.id === id) : undefined);
  const o = pack.outcome;

  return (
    <div className={st.root}>
      <section className={st.section}>
        <Subtitle2>{pack.name[lang]}</Subtitle2>
        <Caption1>{s.documentLabel(pack.document)}</Caption1>
        <Caption1>{s.recordIs(pack.recordIs[lang])}</Caption1>
        {o.kind === "grade" && (
          <Caption1>
            {s.gradeBands(
              o.bands.map((b) => {
                const min = typeof b.min === "number" ? b.min : (params[b.min.param] ?? pack.params.find((p) => p.id === (b.min as { param: string }).param)?.value ?? 0);
                return s.withSource(s.gradeBand(min, lang === "zh" ? b.grade : b.gradeEn), b.source);
              }),
            )}
          </Caption1>
        )}
        {o.kind === "grade" &&
          o.bands
            .filter((b) => b.consequences.length)
            .map((b) => (
              <Caption1 key={b.grade} data-consequence={b.grade}>
                {s.consequenceOf(lang === "zh" ? b.grade : b.gradeEn, consequenceText(pack, b.grade, lang))}
              </Caption1>
            ))}
        {o.kind === "all" && <Caption1>{lang === "zh" ? s.passRule(o.pass, o.fail) : s.passRule(o.passEn, o.failEn)}</Caption1>}
      </section>

      {pack.params.length > 0 && (
        <section className={st.section} aria-label={s.paramsTitle}>
          <Subtitle2>{s.paramsTitle}</Subtitle2>
          <Caption1>{s.paramsHint}</Caption1>
          <ul className={st.list}>
            {pack.params.map((p) => (
              <ParamEditor key={p.id} param={p} value={params[p.id] ?? p.value} pane={pane} />
            ))}
          </ul>
          {Object.keys(params).length + Object.keys(pane.state.readings).length > 0 && (
            <Button size="small" disabled={!!pane.state.busy} onClick={() => void pane.resetParams()}>
              {s.resetParams}
            </Button>
          )}
        </section>
      )}

      {pack.criteria.length > 0 && (
        <section className={st.section} aria-label={s.criteriaTitle}>
          <Subtitle2>{s.criteriaTitle}</Subtitle2>
          <ul className={st.list}>
            {pack.criteria.map((c) => {
              const interp = interpOf(c.interpretation);
              return (
                <li key={c.id} className={st.item} data-criterion={c.id}>
                  <span className={st.head}>
                    <Body1>
                      {isStandardNumeral(c.id) ? `${c.id}　` : ""}
                      {c.name[lang]}
                    </Body1>
                    <Caption1 className={st.meta}>{c.source}</Caption1>
                    {c.severity === "warning" && (
                      <Badge size="small" appearance="tint" color="warning">
                        {s.criterionWarningOnly}
                      </Badge>
                    )}
                    {interp && (
                      <Badge size="small" appearance="tint" color="informative">
                        {s.interpretation}
                      </Badge>
                    )}
                  </span>
                  {interp && <Caption1 className={st.meta}>{interp.text[lang]}</Caption1>}
                </li>
              );
            })}
          </ul>
        </section>
      )}

      {pack.interpretations.length > 0 && (
        <section className={st.section} aria-label={s.interpretationsTitle}>
          <Subtitle2>{s.interpretationsTitle}</Subtitle2>
          <Caption1>{s.interpretationsHint}</Caption1>
          <ul className={st.list}>
            {pack.interpretations.map((i) => (
              <InterpretationEditor key={i.id} it={i} pane={pane} />
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
