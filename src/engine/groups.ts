/**
 * Fields read from a group of repeated columns (9月反思字数 | 10月反思字数 | 11月反思字数): the
 * sheet's pack gets one field per member, each named by its own header, and every test of the
 * field becomes a test of each member (all must hold, every one is looked at). So every member is read and checked — a
 * blank month is missing, an unreadable one reported at its cell — by the same evaluation as any
 * other field. Built once per pack and group layout.
 */
import type { Field, Pack, Test } from "../packs/schema";

export interface FieldGroup {
  field: string;
  members: { col: number; letter: string; header: string }[];
}

/** The id of a group's j-th member (j ≥ 1; member 0 keeps the field's own id). */
export const memberId = (field: string, j: number): string => `${field}__${j + 1}`;

const cache = new WeakMap<Pack, Map<string, Pack>>();

export function groupedPack(pack: Pack, groups: FieldGroup[]): Pack {
  const key = JSON.stringify(groups.map((g) => [g.field, g.members.map((m) => m.header)]));
  let perPack = cache.get(pack);
  if (!perPack) cache.set(pack, (perPack = new Map()));
  const hit = perPack.get(key);
  if (hit) return hit;

  const ids = new Map(groups.map((g) => [g.field, g.members.map((_, j) => (j === 0 ? g.field : memberId(g.field, j)))]));
  const fields: Field[] = [];
  for (const f of pack.fields) {
    const g = groups.find((x) => x.field === f.id);
    if (!g) {
      fields.push(f);
      continue;
    }
    g.members.forEach((m, j) => fields.push({ ...f, id: j === 0 ? f.id : memberId(f.id, j), label: m.header, labelEn: `${f.labelEn} (${m.header})`, role: undefined }));
  }
  const each = (field: string, make: (id: string) => Test): Test => {
    const list = ids.get(field);
    // All members must hold, and every one is read (atLeast does not stop at the first failure).
    return list ? { atLeast: list.length, of: list.map(make) } : make(field);
  };
  const rewrite = (t: Test): Test => {
    if ("cmp" in t) return typeof t.value === "object" && "field" in t.value ? t : each(t.field, (id) => ({ ...t, field: id }));
    if ("yes" in t) return each(t.yes, (id) => ({ yes: id }));
    if ("textIn" in t) return each(t.textIn, (id) => ({ ...t, textIn: id }));
    if ("vocab" in t) return each(t.vocab, (id) => ({ ...t, vocab: id }));
    if ("reading" in t) return { reading: t.reading, cases: Object.fromEntries(Object.entries(t.cases).map(([k, c]) => [k, rewrite(c)])) };
    if ("withinYears" in t) return each(t.withinYears, (id) => ({ ...t, withinYears: id }));
    if ("anyOf" in t) return { anyOf: t.anyOf.map(rewrite) };
    if ("allOf" in t) return { allOf: t.allOf.map(rewrite) };
    if ("atLeast" in t) return { atLeast: t.atLeast, of: t.of.map(rewrite) };
    return t.else ? { if: rewrite(t.if), then: rewrite(t.then), else: rewrite(t.else) } : { if: rewrite(t.if), then: rewrite(t.then) };
  };
  const out: Pack = { ...pack, fields, criteria: pack.criteria.map((c) => ({ ...c, test: rewrite(c.test) })) };
  perPack.set(key, out);
  return out;
}
