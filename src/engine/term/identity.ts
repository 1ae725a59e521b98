/**
 * Which studio a name means. The same studio is written many ways across a city's sheets and
 * years: 连云港市新海实验中学李明青少年科技教育名师工作室, 新海实验中学李明工作室, 李明工作室（新海实验中学）,
 * 新海工作室. Names are compared by their parts — the school (when written) and the rest, with the
 * words every studio shares (连云港市, 青少年, 科技教育, 名师, 工作室) left out — and a name that is
 * only contained in another is matched but listed for a person to confirm. A name that could be
 * two studios is never merged into either: it is refused and listed with both candidates.
 *
 * An explicit mapping (name → studio, from the pane's matching table or a mapping file) wins over
 * any guess.
 */
import { toHalfWidth } from "../values";

/** Words every studio's name may carry; they tell no studio from another. */
const GENERIC = ["连云港市", "连云港", "青少年", "科技教育", "科学教育", "名师工作室", "名师", "工作室"];

/** Words that end a school's name. */
const SCHOOL_END = /^(.*?(?:实验学校|职业学校|中等专业学校|中心小学|中心校|中学|小学|学校|附中|附小|学院))/u;

const PUNCT = /[\s\u3000·・•．.。,，、;；:：'"‘’“”「」『』《》〈〉<>\-—–_~～!！?？/\\|]+/gu;
const BRACKETS = /[（(【[［{｛]([^（）()【】[\]［］{}｛｝]*)[）)】\]］}｝]/gu;

export interface StudioName {
  /** As written (trimmed). */
  text: string;
  /** The school part, when the name carries one. */
  school: string;
  /** The rest: host, subject or short name; "" for a name that is only a school's. */
  core: string;
  /** school + core: what is compared when no part decides. */
  full: string;
}

function strip(s: string): string {
  let t = toHalfWidth(s).replace(PUNCT, "").toLowerCase();
  for (const g of GENERIC) t = t.split(g).join("");
  return t;
}

/** Splits a studio name into school and the rest, without the words every studio shares. */
export function parseStudioName(text: string): StudioName {
  const raw = toHalfWidth(text).trim();
  let school = "";
  // A bracketed school: 李明工作室（新海实验中学）.
  const outside = raw.replace(BRACKETS, (_all, inner: string) => {
    if (!school && SCHOOL_END.test(strip(inner))) {
      school = strip(inner);
      return "";
    }
    return inner;
  });
  let rest = strip(outside);
  if (!school) {
    const m = SCHOOL_END.exec(rest);
    if (m) {
      school = m[1];
      rest = rest.slice(m[1].length);
    }
  }
  return { text: text.trim(), school, core: rest, full: school + rest };
}

/** Equal, or one holds the other and the shorter is not a single character. */
function fits(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.length >= 2 && long.includes(short);
}

export type NameFit = "exact" | "partial" | null;

/**
 * Whether two written names can be the same studio: "exact" when they differ only in shared words
 * and punctuation, "partial" when one is a shorter form of the other (to be confirmed), else null.
 */
export function nameFit(a: StudioName, b: StudioName): NameFit {
  if (!a.full || !b.full) return null;
  if (a.full === b.full) return "exact";
  if (a.school && b.school && !fits(a.school, b.school)) return null;
  if (a.core && b.core && fits(a.core, b.core)) return "partial";
  // A short name without a school (新海工作室) inside the other's full name.
  const bare = !a.school ? a : !b.school ? b : null;
  if (bare) {
    const other = bare === a ? b : a;
    return bare.core.length >= 2 && other.full.includes(bare.core) ? "partial" : null;
  }
  // Both name the same school and one names nothing else (新海实验中学工作室): the school decides.
  if (!a.core || !b.core) return "partial";
  return null;
}

/** How a written name was tied to a studio. */
export type Resolution =
  | { name: string; studio: string; how: "exact" | "mapped" | "new" }
  /** Matched by a shorter or longer form: a person should confirm. */
  | { name: string; studio: string; how: "partial" }
  /** Could be several studios: refused, its records are left out until a person decides. */
  | { name: string; studio: null; how: "ambiguous"; candidates: string[] }
  /** With a roster, a name the roster does not hold: kept as its own studio, to be confirmed. */
  | { name: string; studio: string; how: "not-in-roster" }
  /** A mapping that points at no known studio. */
  | { name: string; studio: null; how: "bad-mapping"; target: string };

export interface Identities {
  /** Studio (its display name) → every name written for it, the display name first. */
  studios: Map<string, string[]>;
  /** Every written name (trimmed) → how it was resolved. */
  byName: Map<string, Resolution>;
  /** What a person should look at: partial matches, ambiguous names, names not in the roster, bad mappings. */
  doubtful: Resolution[];
}

export interface IdentityOptions {
  /** The studios' names from a roster sheet: then these are the studios, and their names are shown. */
  roster?: string[];
  /** Written name → studio name (a roster name or another written name), as a person confirmed. */
  mapping?: Record<string, string>;
}

/**
 * Ties every written name to a studio. Without a roster the studios are the longest distinct
 * names, shorter forms joining the one studio they fit; with a roster, its names are the studios.
 */
export function resolveStudios(names: Iterable<string>, opts: IdentityOptions = {}): Identities {
  const studios = new Map<string, string[]>();
  const parsed = new Map<string, StudioName>();
  const byName = new Map<string, Resolution>();
  const add = (studio: string, name: string) => {
    const list = studios.get(studio);
    if (!list) studios.set(studio, [studio]);
    if (name !== studio && !studios.get(studio)!.includes(name)) studios.get(studio)!.push(name);
  };
  const roster = (opts.roster ?? []).map((s) => s.trim()).filter(Boolean);
  for (const r of roster) {
    if (!studios.has(r)) {
      studios.set(r, [r]);
      parsed.set(r, parseStudioName(r));
      byName.set(r, { name: r, studio: r, how: "exact" });
    }
  }
  const distinct = [...new Set([...names].map((n) => n.trim()).filter(Boolean))];
  const mapping = new Map(Object.entries(opts.mapping ?? {}).map(([k, v]) => [k.trim(), v.trim()]));

  // Longest first, so that without a roster full names become the studios (their longest spelling
  // shown) and short ones join them.
  const length = (n: string) => parseStudioName(n).full.length;
  const order = distinct.filter((n) => !byName.has(n)).sort((a, b) => length(b) - length(a) || b.length - a.length);
  const mapped: string[] = [];
  for (const name of order) {
    if (mapping.has(name)) {
      mapped.push(name);
      continue;
    }
    const p = parseStudioName(name);
    const exact: string[] = [];
    const partial: string[] = [];
    for (const [studio, sp] of parsed) {
      const f = nameFit(p, sp);
      if (f === "exact") exact.push(studio);
      else if (f === "partial") partial.push(studio);
    }
    const hits = exact.length ? exact : partial;
    if (hits.length === 1) {
      add(hits[0], name);
      byName.set(name, { name, studio: hits[0], how: exact.length ? "exact" : "partial" });
    } else if (hits.length > 1) {
      byName.set(name, { name, studio: null, how: "ambiguous", candidates: hits });
    } else if (roster.length) {
      studios.set(name, [name]);
      parsed.set(name, p);
      byName.set(name, { name, studio: name, how: "not-in-roster" });
    } else {
      studios.set(name, [name]);
      parsed.set(name, p);
      byName.set(name, { name, studio: name, how: "new" });
    }
  }
  // Mappings last: their target may be any studio found above, or another written name.
  for (const name of mapped) {
    const target = mapping.get(name)!;
    const t = byName.get(target);
    const same = [...parsed].filter(([, sp]) => nameFit(parseStudioName(target), sp) === "exact").map(([s]) => s);
    const studio = studios.has(target) ? target : (t?.studio ?? (same.length === 1 ? same[0] : null));
    if (studio === null) {
      byName.set(name, { name, studio: null, how: "bad-mapping", target });
      continue;
    }
    add(studio, name);
    byName.set(name, { name, studio, how: "mapped" });
  }
  const doubtful = [...byName.values()].filter((r) => r.how !== "exact" && r.how !== "mapped" && r.how !== "new");
  return { studios, byName, doubtful };
}

/**
 * A mapping file: JSON (`{"新海工作室": "新海实验中学李明工作室"}`) or lines of two names separated
 * by a tab, a comma or `=` / `→` (what a person types or copies from two spreadsheet columns).
 * Returns the mapping, or the lines it could not read.
 */
export function parseNameMapping(text: string): { ok: true; mapping: Record<string, string> } | { ok: false; problems: { line: number; text: string }[] } {
  const t = text.replace(/^\uFEFF/, "").trim();
  if (t.startsWith("{")) {
    try {
      const json: unknown = JSON.parse(t);
      if (json && typeof json === "object" && !Array.isArray(json) && Object.values(json).every((v) => typeof v === "string")) {
        return { ok: true, mapping: json as Record<string, string> };
      }
    } catch {
      /* reported below */
    }
    return { ok: false, problems: [{ line: 1, text: t.slice(0, 80) }] };
  }
  const mapping: Record<string, string> = {};
  const problems: { line: number; text: string }[] = [];
  t.split(/\r?\n/).forEach((line, i) => {
    const s = line.trim();
    if (!s || s.startsWith("#")) return;
    const parts = s.split(/\t|,|，|=|→|->/).map((x) => x.trim());
    if (parts.length !== 2 || !parts[0] || !parts[1]) problems.push({ line: i + 1, text: s });
    else mapping[parts[0]] = parts[1];
  });
  return problems.length ? { ok: false, problems } : { ok: true, mapping };
}
