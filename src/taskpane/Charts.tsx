/**
 * The results view's two small charts, drawn with plain elements (no chart library): counts per
 * grade or status as horizontal bars, and each studio's spending against its limit.
 */
import { makeStyles, tokens } from "@fluentui/react-components";
import type { GroupResult, Status } from "../engine/types";
import { STATUS_FILL } from "../engine/verdicts";
import type { Count } from "./model";
import { useStrings } from "./i18n";

/** The one colour per status, the same the annotated copy fills cells with. */
export const STATUS_COLOR: Record<Status, string> = STATUS_FILL;

const useStyles = makeStyles({
  chart: { display: "grid", gridTemplateColumns: "max-content 1fr max-content", columnGap: "8px", rowGap: "4px", alignItems: "center" },
  label: { fontSize: tokens.fontSizeBase200, whiteSpace: "nowrap" },
  track: { height: "14px", backgroundColor: tokens.colorNeutralBackground4, borderRadius: "2px", position: "relative", overflow: "hidden" },
  bar: { height: "100%", borderRadius: "2px" },
  value: { fontSize: tokens.fontSizeBase200, fontVariantNumeric: "tabular-nums", textAlign: "right" },
  budget: { display: "flex", flexDirection: "column", gap: "8px" },
  budgetRow: { display: "flex", flexDirection: "column", gap: "2px" },
  budgetHead: { display: "flex", justifyContent: "space-between", gap: "8px", fontSize: tokens.fontSizeBase200 },
  limitLine: { position: "absolute", top: 0, bottom: 0, width: "2px", backgroundColor: tokens.colorNeutralForeground1 },
});

export function CountBars({ counts, title }: { counts: Count[]; title: string }) {
  const st = useStyles();
  const { s } = useStrings();
  const max = Math.max(1, ...counts.map((c) => c.value));
  const summary = counts.map((c) => `${c.label} ${c.value}`).join(", ");
  return (
    <div className={st.chart} role="img" aria-label={`${s.chartLabel(title)}: ${summary}`} data-testid="count-chart">
      {counts.map((c) => (
        <div key={c.key} style={{ display: "contents" }} data-count={c.key}>
          <span className={st.label}>{c.label}</span>
          <div className={st.track}>
            <div className={st.bar} style={{ width: `${(c.value / max) * 100}%`, backgroundColor: STATUS_COLOR[c.status] }} />
          </div>
          <span className={st.value}>{c.value}</span>
        </div>
      ))}
    </div>
  );
}

function groupLabel(g: GroupResult): string {
  return Object.values(g.key)
    .map((v) => String(v))
    .join(" · ");
}

/**
 * One bar per studio and year. The track spans the larger of spent and limit, so an over-spend
 * shows as a bar that runs past the limit line.
 */
export function BudgetBars({ groups }: { groups: GroupResult[] }) {
  const st = useStyles();
  const { s } = useStrings();
  return (
    <div className={st.budget} data-testid="budget-chart">
      {groups.map((g) => {
        const span = Math.max(g.spent, g.limit, 1);
        const pct = g.limit > 0 ? `${Math.round((g.spent / g.limit) * 1000) / 10}%` : "";
        const label = groupLabel(g);
        const caption = g.limit > 0 ? s.budgetBar(g.spent, g.limit, pct) : s.budgetNoLimit(g.spent);
        return (
          <div key={label} className={st.budgetRow} data-group={label} data-status={g.status}>
            <div className={st.budgetHead}>
              <span>{s.budgetGroup(label)}</span>
              <span>{caption}</span>
            </div>
            <div className={st.track} role="img" aria-label={`${label}: ${caption}`}>
              <div className={st.bar} style={{ width: `${(g.spent / span) * 100}%`, backgroundColor: STATUS_COLOR[g.status] }} />
              {g.limit > 0 && <div className={st.limitLine} style={{ left: `calc(${(g.limit / span) * 100}% - 2px)` }} />}
            </div>
          </div>
        );
      })}
    </div>
  );
}
