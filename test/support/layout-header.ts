/**
 * The header a layout's sheet has in the property tests (wire, evaluate-columns): its label
 * field, its required fields, every field its criteria read (and their 是/否 flags) and, when
 * asked, the pack's budget fields.
 */
import { needsOf } from "../../src/engine/columns";
import { resolveTest } from "../../src/engine/interpretations";
import type { Pack } from "../../src/packs/schema";

export function layoutHeader(pack: Pack, layoutId: string, opts: { budget?: boolean } = {}): string[] {
  const layout = pack.layouts.find((l) => l.id === layoutId)!;
  const ids = new Set<string>();
  const label = pack.fields.find((f) => f.role === "label");
  if (label) ids.add(label.id);
  for (const id of layout.required) ids.add(id);
  const index = new Map(pack.fields.map((f, i) => [f.id, i]));
  for (const c of pack.criteria) {
    if (layout.criteria && !layout.criteria.includes(c.id)) continue;
    for (const n of needsOf(resolveTest(pack, c.test), index)) ids.add(pack.fields[n.field].id);
    if (c.flag && layout.required.includes(c.flag)) ids.add(c.flag);
  }
  if (opts.budget && pack.budget) for (const id of Object.values(pack.budget.fields)) if (id) ids.add(id);
  return [...ids].map((id) => pack.fields.find((f) => f.id === id)!.label);
}
