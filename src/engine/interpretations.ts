/**
 * Interpretation switches: where the regulation leaves room for reading, the pack names the place,
 * what the text says, the reading it applies and the readings one may choose instead. The choice is
 * plain data — interpretation id → option id (`Readings`), recorded next to the thresholds — and
 * the verdicts follow it: tests that depend on it carry one case per reading, resolved here before
 * the pack is compiled; the budget rules ask `readingOf` directly.
 */
import type { Readings, Text2 } from "./types";
import type { Interpretation, Pack, PlainTest, Test } from "../packs/schema";

/** The option chosen for an interpretation: the official's, when it is one of the options; else the default (first). "" when it has none. */
export function readingOf(pack: Pack, id: string, readings?: Readings): string {
  const it = pack.interpretations.find((i) => i.id === id);
  if (!it || !it.options.length) return "";
  const chosen = readings?.[id];
  return chosen !== undefined && it.options.some((o) => o.id === chosen) ? chosen : it.options[0].id;
}

/** The saved readings that name an interpretation of the pack and one of its options other than the default: what every door applies and records as changed. */
export function chosenReadings(pack: Pack | undefined, readings: Readings | undefined): Readings {
  const out: Readings = {};
  if (!pack || !readings) return out;
  for (const i of pack.interpretations) {
    const v = readings[i.id];
    if (typeof v === "string" && i.options.some((o) => o.id === v) && v !== i.options[0].id) out[i.id] = v;
  }
  return out;
}

/** A test with each reading node replaced by the case of the chosen reading. */
export function resolveTest(pack: Pack, t: Test, readings?: Readings): PlainTest {
  const r = (x: Test): PlainTest => resolveTest(pack, x, readings);
  if ("reading" in t) return r(t.cases[readingOf(pack, t.reading, readings)]);
  if ("anyOf" in t) return { anyOf: t.anyOf.map(r) };
  if ("allOf" in t) return { allOf: t.allOf.map(r) };
  if ("atLeast" in t) return { atLeast: t.atLeast, of: t.of.map(r) };
  if ("if" in t) return t.else ? { if: r(t.if), then: r(t.then), else: r(t.else) } : { if: r(t.if), then: r(t.then) };
  return t;
}

/** Interpretation ids a test depends on through its reading nodes. */
export function readingsIn(t: Test, out: Set<string> = new Set()): Set<string> {
  if ("reading" in t) {
    out.add(t.reading);
    Object.values(t.cases).forEach((c) => readingsIn(c, out));
  } else if ("anyOf" in t) t.anyOf.forEach((c) => readingsIn(c, out));
  else if ("allOf" in t) t.allOf.forEach((c) => readingsIn(c, out));
  else if ("atLeast" in t) t.of.forEach((c) => readingsIn(c, out));
  else if ("if" in t) [t.if, t.then, ...(t.else ? [t.else] : [])].forEach((c) => readingsIn(c, out));
  return out;
}

/** An interpretation as a check applied it: the reading in force, whether it is the default, and whether the number or rule is the tool's own. */
export interface AppliedInterpretation {
  id: string;
  /** The reading in force: the chosen option's words, or the interpretation's own when it has no options. */
  text: Text2;
  source: string | null;
  /** The option in force ("" when the interpretation has none). */
  reading: string;
  /** Whether an official changed it from the default. */
  changed: boolean;
  /** The number or rule is the tool's, not the regulation's. */
  invented: boolean;
}

export function applied(it: Interpretation, pack: Pack, readings?: Readings): AppliedInterpretation {
  const reading = readingOf(pack, it.id, readings);
  const option = it.options.find((o) => o.id === reading);
  return { id: it.id, text: option?.label ?? it.text, source: it.source, reading, changed: !!option && option !== it.options[0], invented: it.invented };
}
