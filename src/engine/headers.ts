/**
 * Header matching: which row is the header, and which column holds which field of a rule pack.
 *
 * Officials type headers their own way (`省级一等奖（项）`, `培训场次(场)`, `新增骨干成员 数`,
 * full-width letters, a merged group header over `一等奖`/`二等奖`), so both the sheet's headers and
 * the pack's names go through the same `normalizeHeader` and are compared in that normal form. A
 * pack author writes synonyms the way people type them and never thinks about normal forms.
 *
 * Everything here runs once per sheet and looks only at the first HEADER_SCAN_ROWS rows (plus a
 * few sample rows below a candidate header); the per-record work lives in records.ts.
 */
import type { Layout, Pack } from "../packs/schema";
import { a1, colLetter, parseRange, type RangeRef } from "./address";
import { makeIssue } from "./issues";
import type { CellValue, ColumnMatch, Issue, Mapping, SheetGrid } from "./types";
import { cellAt, rowAt, rowCount, rowWidth as widthOf } from "./grid";
import { cellText, readNumber, readYesNo } from "./values";

// Taken once: header matching runs these in its inner loops, and where a host intercepts global
// lookups (a vm sandbox, such as jest's) each `Math.` there costs a call into the host.
const { abs, floor, max, min, round } = Math;

// ------------------------------------------------------------------------------------------------
// Normal form

const CN_DIGITS = "零一二三四五六七八九";

/** 1..99 as a Chinese numeral (4 → 四, 10 → 十, 12 → 十二, 20 → 二十); other numbers as digits. */
function toChineseNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 99) return String(n);
  if (n < 10) return CN_DIGITS[n];
  const tens = floor(n / 10);
  const ones = n % 10;
  return (tens === 1 ? "" : CN_DIGITS[tens]) + "十" + (ones ? CN_DIGITS[ones] : "");
}

/** Leading enumerator of a standard, after spaces are gone: (四) 四、 4. 4) 4、 (4) 十一、 */
const ENUMERATOR = /^(?:\(([一二三四五六七八九十]{1,3}|\d{1,2})\)|([一二三四五六七八九十]{1,3}|\d{1,2})[、.,)])/;
/** 标准4 / 第4项 → 标准四 / 第四项, so `markers` written with Chinese numerals still match. */
const NUMBERED = /(标准|第)(\d{1,2})/g;

/**
 * Bracket contents dropped entirely: units (项 场 元 万元 平方米 ㎡ …), optionally after 单位, and
 * notes that say nothing about what the column holds (全称, 必填, 是/否).
 */
const DROPPED = new Set(
  (
    "项 场 次 场次 人次 项次 个 所 名 人 位 家 校 元 万元 千元 百元 亿元 人民币 人民币元 rmb ¥ 平方米 平米 平方 m2 m^2 米 m 厘米 cm " +
    "天 日 周 月 年 小时 h 课时 学时 节 篇 本 册 部 字 份 件 套 台 张 项数 次数 个数 人数 场数 % 分 岁 " +
    "全称 简称 必填 选填 可选 如有 注 是否 是或否 填是或否 填写是或否 请填是或否 √× √或× yn"
  ).split(" "),
);
/** Units that may also follow a slash at the end of a header: 金额/元, 面积/㎡. */
const SLASH_UNIT = /\/(?:单位:?)?([^/()]{1,4})$/;
/** One trailing count word is dropped: 培训场次 → 培训, 新增骨干成员数 → 新增骨干成员. Longest first. */
const COUNT_SUFFIXES = ["场次", "次数", "数量", "个数", "人数", "项数", "所数", "名数", "人次", "总数", "数"];

function droppable(content: string): boolean {
  const c = content.replace(/^单位:?/, "");
  if (DROPPED.has(c)) return true;
  const plain = c.replace(/[^\p{L}\p{N}√×^%¥]/gu, "");
  if (DROPPED.has(plain)) return true;
  const parts = c.split(/[/、,]/).filter(Boolean);
  return parts.length > 1 && parts.every((p) => DROPPED.has(p));
}

/**
 * The normal form used to compare headers with the pack's names. Rules, in order:
 * 1. Circled numbers ①…⑳ become (1)…(20); then Unicode NFKC turns full-width letters, digits,
 *    brackets and punctuation into their half-width forms (（四）→ (四), ＡＢ → AB, U+3000 → space,
 *    ㎡ → m2, ⑷ → (4)); latin letters are lower-cased; 【】〔〕［］ count as round brackets.
 * 2. All white space (spaces, U+3000, newlines, tabs, zero-width spaces) is removed: `新增骨干成员 数`.
 * 3. Digits after 标准 / 第 become Chinese numerals (标准4 → 标准四).
 * 4. A leading enumerator of a standard — (四) 四、 4. 4) (4) — is kept in one canonical form `(四)`
 *    (digits become Chinese numerals), so `（四）`, `四、` and `4.` all start with the marker `(四)`,
 *    while `一等奖` (no separator) is not an enumerator.
 * 5. Any other bracketed part is removed when it is a unit or a note (see DROPPED: （项）(场)（元）
 *    (万元)(平方米)(㎡)（全称）（是/否）, also `单位:元`, also several units `(项/次)`); otherwise
 *    only the brackets go and the words stay (获奖数（省级）→ 获奖数省级).
 * 6. A unit after a final slash is removed (金额/元 → 金额).
 * 7. Everything that is not a letter or a digit is removed: ：:、/·-_，.＊*“”《》 and the rest.
 * 8. One trailing count word is removed — 场次 次数 数量 个数 人数 项数 所数 名数 人次 总数 数 —
 *    when at least two characters remain (培训场次 → 培训, 次数 stays 次数).
 */
export function normalizeHeader(s: string): string {
  if (typeof s !== "string" || s === "") return "";
  const cached = normalCache.get(s);
  if (cached !== undefined) return cached;
  const norm = computeNormal(s);
  if (normalCache.size >= NORMAL_CACHE_SIZE) normalCache.clear();
  normalCache.set(s, norm);
  return norm;
}

/** Header texts repeat across packs, layouts and sheets; their normal forms are kept (bounded). */
const NORMAL_CACHE_SIZE = 10_000;
const normalCache = new Map<string, string>();

function computeNormal(s: string): string {
  let t = s.replace(/[\u2460-\u2473]/g, (c) => `(${c.charCodeAt(0) - 0x245f})`);
  t = t.normalize("NFKC").toLowerCase();
  t = t.replace(/[【〔［\[{〈]/g, "(").replace(/[】〕］\]}〉]/g, ")");
  t = t.replace(/[\s\u200b\u200c\u200d\ufeff]+/g, "");
  t = t.replace(NUMBERED, (_m, word: string, digits: string) => word + toChineseNumeral(Number(digits)));

  let prefix = "";
  const e = ENUMERATOR.exec(t);
  if (e) {
    const raw = e[1] ?? e[2];
    prefix = `(${/^\d+$/.test(raw) ? toChineseNumeral(Number(raw)) : raw})`;
    t = t.slice(e[0].length);
  }

  // Innermost groups first, so `(单位:(元))` and `（获奖（项））` both come apart.
  for (let guard = 0; guard < 4 && t.includes("("); guard++) {
    const next = t.replace(/\(([^()]*)\)/g, (_m, content: string) => (droppable(content) ? "" : content));
    if (next === t) break;
    t = next;
  }
  const slash = SLASH_UNIT.exec(t);
  if (slash && droppable(slash[1])) t = t.slice(0, slash.index);
  t = t.replace(/[^\p{L}\p{N}]/gu, "");

  for (const suffix of COUNT_SUFFIXES) {
    if (t.endsWith(suffix)) {
      if (t.length - suffix.length >= 2) t = t.slice(0, -suffix.length);
      break;
    }
  }
  return prefix + t;
}

/** The header without its leading enumerator: `(四)省赛一等奖` → `省赛一等奖`. */
function bodyOf(norm: string): string {
  if (norm[0] !== "(") return norm;
  const close = norm.indexOf(")");
  return close > 0 ? norm.slice(close + 1) : norm;
}

// ------------------------------------------------------------------------------------------------
// Confidence of one header for one field

/** Confidence levels (see `fieldConfidence`). */
export const CONFIDENCE = {
  label: 1,
  synonym: 0.95,
  marker: 0.9,
  /** The header minus its enumerator equals the label / a synonym: `(一)国家级科技比赛获奖数`. */
  bodyLabel: 0.9,
  bodySynonym: 0.85,
  /** One name contains the other: 0.6 + 0.2 × (shorter / longer). */
  containsBase: 0.6,
  containsSpan: 0.2,
  /** The header carries the field's key terms: 0.7 + 0.15 × (share of the header the terms cover). */
  termsBase: 0.7,
  termsSpan: 0.15,
  /** An abbreviation, the header's characters in order within a name (国赛获奖 ⊂ 国家级科技比赛获奖): 0.55 + 0.25 × (shorter / longer). */
  abbrevBase: 0.55,
  abbrevSpan: 0.25,
  /** Character-pair (bigram) likeness of at least NGRAM_MIN: 0.45 + 0.35 × Dice coefficient. */
  ngramBase: 0.45,
  ngramSpan: 0.35,
} as const;
/** Bigram likeness below this says nothing (省级一等奖 and 省级二等奖 share half their pairs). */
const NGRAM_MIN = 0.6;
/** An abbreviation keeps at least this many characters (国赛 alone is too short to be sure of). */
const ABBREV_MIN = 3;
/** A contained name must cover at least this share of the longer one (a title row mentioning 工作室 is not a header). */
const MIN_CONTAINS_RATIO = 0.25;

interface FieldNames {
  id: string;
  order: number;
  label: string;
  synonyms: string[];
  markers: string[];
  /** Label and synonyms without a leading enumerator, for containment: (一)国家级比赛获奖 → 国家级比赛获奖. */
  bodies: string[];
  /** Key terms: every group must appear (any word of it). */
  terms: string[][][];
  /** Character-pair counts of each body, for the likeness measure (built once per pack). */
  grams: Map<string, number>[];
  /** Confidence of a normal form already scored against this field (headers repeat across rows and packs). */
  memo: Map<string, number>;
  type: string;
  isLabel: boolean;
}

interface PackIndex {
  fields: FieldNames[];
  byId: Map<string, FieldNames>;
  /** Fields no layout requires: matched whatever the layout. */
  common: Set<string>;
}

const indexCache = new WeakMap<Pack, PackIndex>();

function packIndex(pack: Pack): PackIndex {
  const cached = indexCache.get(pack);
  if (cached) return cached;
  const fields = pack.fields.map((f, order) => {
    const label = normalizeHeader(f.label);
    const synonyms = [...new Set((f.synonyms ?? []).map(normalizeHeader))].filter(Boolean);
    return {
      id: f.id,
      order,
      label,
      synonyms,
      markers: [...new Set((f.markers ?? []).map(normalizeHeader))].filter(Boolean),
      bodies: [...new Set([label, ...synonyms].map(bodyOf))].filter(Boolean),
      terms: (f.terms ?? []).map((t) => t.split("+").map((g) => g.split("|").map(termForm).filter(Boolean)).filter((g) => g.length)),
      grams: [...new Set([label, ...synonyms].map(bodyOf))].filter(Boolean).map(gramCounts),
      memo: new Map<string, number>(),
      type: f.type,
      isLabel: f.role === "label",
    };
  });
  const required = new Set(pack.layouts.flatMap((l) => l.required));
  const index: PackIndex = {
    fields,
    byId: new Map(fields.map((f) => [f.id, f])),
    common: new Set(fields.filter((f) => !required.has(f.id)).map((f) => f.id)),
  };
  indexCache.set(pack, index);
  return index;
}

/** A term in the form headers are compared in (width, case, spaces), without dropping anything. */
function termForm(t: string): string {
  return t.normalize("NFKC").toLowerCase().replace(/[\s\u200b\u200c\u200d\ufeff]+/g, "");
}

/** 0.7–0.85 when the header carries every group of one of the field's term sets; 0 otherwise. */
function termsScore(norm: string, f: FieldNames): number {
  let best = 0;
  for (const set of f.terms) {
    let covered = 0;
    let all = true;
    for (const group of set) {
      let hit = 0;
      for (const w of group) if (w.length > hit && norm.includes(w)) hit = w.length;
      if (!hit) {
        all = false;
        break;
      }
      covered += hit;
    }
    if (all && set.length) best = max(best, CONFIDENCE.termsBase + CONFIDENCE.termsSpan * min(1, covered / norm.length));
  }
  return best;
}

/**
 * The header as an abbreviation of a name: its characters appear in the name in order, the first
 * one first (省一等 in 省级一等奖, 国赛获奖 in 国家级科技比赛获奖), and it ends where the name
 * ends or covers half of it.
 */
function abbrevScore(h: string, name: string): number {
  if (h.length < ABBREV_MIN || h.length >= name.length || h[0] !== name[0]) return 0;
  let j = 0;
  for (let i = 0; i < name.length && j < h.length; i++) if (name[i] === h[j]) j++;
  if (j < h.length) return 0;
  const ratio = h.length / name.length;
  if (h[h.length - 1] !== name[name.length - 1] && ratio < 0.5) return 0;
  return CONFIDENCE.abbrevBase + CONFIDENCE.abbrevSpan * ratio;
}

function gramCounts(s: string): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i + 1 < s.length; i++) {
    const g = s.slice(i, i + 2);
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

/** Dice likeness of a header's character pairs with a name's (counted once per pack), when at least NGRAM_MIN; 0 otherwise. */
function ngramScore(a: string, b: string, pool: Map<string, number>): number {
  if (a.length < 3 || b.length < 3) return 0;
  const x = a.length - 1;
  const y = b.length - 1;
  // Names of very different lengths cannot share enough pairs: no need to count.
  if ((2 * min(x, y)) / (x + y) < NGRAM_MIN) return 0;
  const used = new Map<string, number>();
  let shared = 0;
  for (let i = 0; i < x; i++) {
    const g = a.slice(i, i + 2);
    const n = (pool.get(g) ?? 0) - (used.get(g) ?? 0);
    if (n > 0) {
      shared++;
      used.set(g, (used.get(g) ?? 0) + 1);
    }
  }
  const dice = (2 * shared) / (x + y);
  return dice >= NGRAM_MIN ? CONFIDENCE.ngramBase + CONFIDENCE.ngramSpan * dice : 0;
}

function containsScore(a: string, b: string): number {
  if (a.length < 2 || b.length < 2) return 0;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (!long.includes(short)) return 0;
  const ratio = short.length / long.length;
  return ratio < MIN_CONTAINS_RATIO ? 0 : CONFIDENCE.containsBase + CONFIDENCE.containsSpan * ratio;
}

/**
 * How well one normalised header names a field: exact label 1.0, exact synonym 0.95, a marker the
 * header starts with 0.9, the header minus its enumerator equal to label/synonym 0.9/0.85, one
 * containing the other 0.6–0.8 scaled by overlap; 0 for no match.
 */
function fieldConfidence(norm: string, f: FieldNames, exactOnly = false): number {
  if (!norm) return 0;
  if (norm === f.label) return CONFIDENCE.label;
  if (f.synonyms.includes(norm)) return CONFIDENCE.synonym;
  if (exactOnly) return 0;
  let best = 0;
  for (const m of f.markers) if (norm.startsWith(m)) best = CONFIDENCE.marker;
  const body = bodyOf(norm);
  if (body !== norm && body) {
    if (body === f.label) best = max(best, CONFIDENCE.bodyLabel);
    else if (f.synonyms.includes(body)) best = max(best, CONFIDENCE.bodySynonym);
  }
  if (best >= CONFIDENCE.containsBase + CONFIDENCE.containsSpan) return best;
  const key = body;
  const known = f.memo.get(key);
  let loose = known ?? 0;
  if (known === undefined) {
    f.bodies.forEach((name, i) => (loose = max(loose, containsScore(body, name), abbrevScore(body, name), ngramScore(body, name, f.grams[i]))));
    loose = max(loose, termsScore(body, f));
    if (f.memo.size >= MEMO_SIZE) f.memo.clear();
    f.memo.set(key, loose);
  }
  return round3(max(best, loose));
}

const round3 = (x: number) => round(x * 1000) / 1000;
/** Normal forms remembered per field (bounded: a sheet of notes has many distinct texts). */
const MEMO_SIZE = 5000;

// ------------------------------------------------------------------------------------------------
// Header candidates: what one column of a header row (or two rows) may be called

interface Candidate {
  norm: string;
  /** Candidates built from a group header and its sub-header weigh slightly less than a plain header. */
  weight: number;
  /** Made-up combinations (省级 + 一等奖) count only when they are a name exactly, never by containment. */
  exactOnly?: boolean;
}

interface HeaderColumn {
  /** 1-based sheet column. */
  col: number;
  /** What the official sees: `工作室名称`, or `省级竞赛获奖（项）/一等奖` for a two-row header. */
  text: string;
  candidates: Candidate[];
  /** Set on the columns of a repeated group (9月反思字数 … 12月反思字数): every member's column, the first carries the names. */
  group?: number[];
}

/** Longer texts are notes or instructions, not column names. */
const MAX_HEADER_LENGTH = 80;

/** A cell that may be a column name: text of reasonable length (numbers, dates and errors are data). */
function nameAt(grid: SheetGrid, r: number, c: number): string {
  const v = cellAt(grid, r, c);
  if (typeof v !== "string") return "";
  const t = v.trim();
  return t.length > MAX_HEADER_LENGTH ? "" : t;
}

function textAt(grid: SheetGrid, r: number, c: number): string {
  const v = cellAt(grid, r, c);
  return v === null ? "" : cellText(v).trim();
}

function rowWidth(grid: SheetGrid, r: number): number {
  return widthOf(grid, r);
}

/** Whether any cell of the sheet holds something (a blank text is nothing). */
function hasValue(grid: SheetGrid): boolean {
  for (let r = 0, n = rowCount(grid); r < n; r++) {
    for (let c = 0, w = widthOf(grid, r); c < w; c++) {
      const v = cellAt(grid, r, c);
      if (!(v === null || (typeof v === "string" && v.trim() === ""))) return true;
    }
  }
  return false;
}

function singleRowColumns(grid: SheetGrid, r: number): HeaderColumn[] {
  const out: HeaderColumn[] = [];
  const width = rowWidth(grid, r);
  for (let c = 0; c < width; c++) {
    const text = nameAt(grid, r, c);
    const norm = text ? normalizeHeader(text) : "";
    if (norm) out.push({ col: grid.origin.col + c, text, candidates: [{ norm, weight: 1 }] });
  }
  return groupRepeats(out);
}

const ORDINAL = "(\\d{1,2}|[一二三四五六七八九十]{1,3})";
/** 9月反思字数, 9月份反思字数, 第1篇反思字数, 第2次…; 反思字数（9月）. */
const REPEAT_FORMS = [
  new RegExp(`^${ORDINAL}月份?(.{2,})$`),
  new RegExp(`^第${ORDINAL}(?:篇|次|周|个月|月|项)(.{2,})$`),
  new RegExp(`^(.{2,}?)\\(${ORDINAL}月份?\\)$`),
];

/** The name a repeated column shares with its siblings, without its month or item number; null when it has none. */
function repeatStem(text: string): string | null {
  const t = text.normalize("NFKC").replace(/[\s\u200b]+/g, "").replace(/[（【]/g, "(").replace(/[）】]/g, ")");
  for (const [i, re] of REPEAT_FORMS.entries()) {
    const m = re.exec(t);
    if (m) return normalizeHeader(i === 2 ? m[1] : m[2]) || null;
  }
  return null;
}

/**
 * A field repeated per month or per item (9月反思字数 | 10月反思字数 | 11月反思字数) is one group:
 * its first column carries the shared name, the others follow it and are matched through it.
 * Two or more columns with the same stem make a group; a lone 9月反思字数 is an ordinary header.
 */
function groupRepeats(columns: HeaderColumn[]): HeaderColumn[] {
  const byStem = new Map<string, HeaderColumn[]>();
  for (const c of columns) {
    const stem = repeatStem(c.text);
    if (!stem) continue;
    const list = byStem.get(stem);
    if (list) list.push(c);
    else byStem.set(stem, [c]);
  }
  for (const [stem, members] of byStem) {
    if (members.length < 2) continue;
    const cols = members.map((m) => m.col);
    members.forEach((m, i) => {
      m.group = cols;
      m.candidates = i === 0 ? [{ norm: stem, weight: 1 }] : [];
    });
  }
  return columns;
}

/** Horizontal merges in the group row: grid-relative column → the merge's first column. */
const mergeCache = new WeakMap<string[], RangeRef[]>();

/** Horizontal merges that reach into the rows a header may occupy, parsed once per merge list. */
function headerMerges(grid: SheetGrid): RangeRef[] {
  const list = grid.merges ?? [];
  let boxes = mergeCache.get(list);
  if (!boxes) {
    const lastRow = grid.origin.row + HEADER_SCAN_ROWS;
    boxes = [];
    for (const m of list) {
      const box = parseRange(m);
      if (box && box.r1 <= lastRow && box.c2 > box.c1) boxes.push(box);
    }
    mergeCache.set(list, boxes);
  }
  return boxes;
}

function groupAnchors(grid: SheetGrid, r: number): Map<number, number> | null {
  if (!grid.merges) return null;
  const anchors = new Map<number, number>();
  const sheetRow = grid.origin.row + r;
  for (const box of headerMerges(grid)) {
    if (box.r1 > sheetRow || box.r2 < sheetRow) continue;
    for (let c = box.c1; c <= box.c2; c++) anchors.set(c - grid.origin.col, box.c1 - grid.origin.col);
  }
  return anchors;
}

function nonEmptyCount(grid: SheetGrid, r: number): number {
  let n = 0;
  const width = rowWidth(grid, r);
  for (let c = 0; c < width; c++) if (textAt(grid, r, c)) n++;
  return n;
}

/**
 * A two-row header: row `top` holds group headers (merged across their sub-columns) and single
 * headers (merged down), row `top + 1` the sub-headers. A column with only a top text is that
 * text; a column with only a sub-header takes its group from the merge covering it (or, when the
 * grid carries no merge list, from the nearest group text to its left). Its candidate names are
 * group + sub (省级竞赛获奖一等奖); each leading part of the group + sub (省级一等奖, 省一等奖) and
 * sub + group (省级 over 一等奖 → 省级一等奖), which count only as exact names; and the sub-header
 * alone, weighed a little lower. Null when no group spans a sub-header it does not start on — then
 * the two rows are a header and a record, or two records, not a two-row header.
 */
function twoRowColumns(grid: SheetGrid, top: number): HeaderColumn[] | null {
  const bottom = top + 1;
  const width = max(rowWidth(grid, top), rowWidth(grid, bottom));
  const anchors = groupAnchors(grid, top);
  const groups: string[] = [];
  let carried = "";
  let spanned = false;
  for (let c = 0; c < width; c++) {
    const own = nameAt(grid, top, c);
    const sub = nameAt(grid, bottom, c);
    let group = own;
    if (!own) {
      if (anchors) {
        const a = anchors.get(c);
        group = a !== undefined && a !== c ? nameAt(grid, top, a) : "";
      } else group = sub ? carried : "";
      if (group && sub) spanned = true;
    } else carried = own;
    groups.push(group);
  }
  if (!spanned) return null;
  const out: HeaderColumn[] = [];
  for (let c = 0; c < width; c++) {
    const group = groups[c];
    const sub = nameAt(grid, bottom, c);
    if (!group && !sub) continue;
    const col = grid.origin.col + c;
    if (!sub) {
      const norm = normalizeHeader(group);
      if (norm) out.push({ col, text: group, candidates: [{ norm, weight: 1 }] });
      continue;
    }
    if (!group) {
      const norm = normalizeHeader(sub);
      if (norm) out.push({ col, text: sub, candidates: [{ norm, weight: 1 }] });
      continue;
    }
    const candidates: Candidate[] = [];
    const add = (norm: string, weight: number, exactOnly: boolean) => {
      if (norm && !candidates.some((x) => x.norm === norm)) candidates.push({ norm, weight, exactOnly });
    };
    add(normalizeHeader(group + sub), 1, false);
    const g = bodyOf(normalizeHeader(group));
    const s = normalizeHeader(sub);
    for (let k = 1; k < g.length; k++) add(normalizeHeader(g.slice(0, k) + s), 0.95, true);
    add(normalizeHeader(s + g), 0.95, true);
    add(s, 0.9, false);
    out.push({ col, text: `${group}/${sub}`, candidates });
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// Assignment: one column per field, one field per column, best first

interface Pick {
  field: string;
  col: number;
  text: string;
  confidence: number;
  manual?: boolean;
}

interface Scored {
  field: FieldNames;
  column: HeaderColumn;
  confidence: number;
}

/**
 * Every column against every field. The column's values are evidence too: a 是/否 column is not a
 * count, a column of counts is not 是/否 — a header that names a field whose type its values
 * contradict counts TYPE_EVIDENCE of itself, so the assignment prefers the field they fit.
 */
function scoreColumns(columns: HeaderColumn[], fields: FieldNames[], samples: Map<number, CellValue[]> | null): Scored[] {
  const out: Scored[] = [];
  for (const column of columns) {
    const values = samples?.get(column.col);
    for (const field of fields) {
      let best = 0;
      for (const cand of column.candidates) best = max(best, round3(fieldConfidence(cand.norm, field, cand.exactOnly) * cand.weight));
      if (best > 0 && values && values.some((v) => contradicts(field.type, v))) best = round3(best * TYPE_EVIDENCE);
      if (best > 0) out.push({ field, column, confidence: best });
    }
  }
  return out;
}

/** What a header's confidence keeps when the column's values contradict the field's type. */
const TYPE_EVIDENCE = 0.9;

/** Greedy by confidence; ties go to the field listed first in the pack, then the leftmost column. */
function assign(scored: Scored[], takenFields: Set<string>, takenCols: Set<number>): Pick[] {
  const sorted = [...scored].sort((a, b) => b.confidence - a.confidence || a.field.order - b.field.order || a.column.col - b.column.col);
  const picks: Pick[] = [];
  for (const s of sorted) {
    if (takenFields.has(s.field.id) || takenCols.has(s.column.col)) continue;
    takenFields.add(s.field.id);
    takenCols.add(s.column.col);
    picks.push({ field: s.field.id, col: s.column.col, text: s.column.text, confidence: s.confidence });
  }
  return picks;
}

// ------------------------------------------------------------------------------------------------
// Layouts

interface LayoutFit {
  layout: Layout;
  picks: Pick[];
  unmatched: string[];
  /** Sum of the confidences of the required fields' matches / number of required fields: 0..1. */
  score: number;
  /**
   * Like score, but a match whose sample values contradict the field's type counts 0.8 of itself,
   * and one whose column names another field better counts in proportion.
   */
  quality: number;
  hint: number;
  ambiguous: { field: string; chosen: Pick; other: HeaderColumn }[];
}

interface Context {
  /** Sheet name (hints count double there) and title text above the header. */
  sheetName: string;
  title: string;
  /** A few record values per sheet column, to tell a 是/否 column from a count column. */
  samples: Map<number, CellValue[]> | null;
  mapping: Pick[];
}

/** A sample value that cannot be this field's type (是 in a count column, 3 in a 是/否 column). */
function contradicts(type: string, v: CellValue): boolean {
  if (v === null || (typeof v === "string" && v.trim() === "")) return false;
  if (type === "yesno") return !readYesNo(v).ok;
  if (type === "count" || type === "number" || type === "money") return !readNumber(v).ok && readYesNo(v).ok;
  return false;
}

const TYPE_PENALTY = 0.8;
/** A column that matches another field this much better is that field's, not evidence for a layout. */
const CLEARLY_OTHER = 0.15;

function fitLayout(layout: Layout, scored: Scored[], bestByCol: Map<number, number>, index: PackIndex, ctx: Context): LayoutFit {
  const takenFields = new Set(ctx.mapping.map((m) => m.field));
  const takenCols = new Set(ctx.mapping.map((m) => m.col));
  const usable = scored.filter((s) => !takenCols.has(s.column.col) && !takenFields.has(s.field.id));
  const inLayout = (s: Scored) => layout.required.includes(s.field.id) || index.common.has(s.field.id);
  const first = usable.filter(inLayout);
  const picks = [...ctx.mapping, ...assign(first, takenFields, takenCols)];
  // Fields of other layouts may still take columns nobody else wanted (a sheet mixing layouts).
  picks.push(...assign(usable.filter((s) => !inLayout(s)), takenFields, takenCols));

  const byField = new Map(picks.map((p) => [p.field, p]));
  const unmatched = layout.required.filter((id) => !byField.has(id));
  let sum = 0;
  let quality = 0;
  for (const id of layout.required) {
    const p = byField.get(id);
    if (!p) continue;
    sum += p.confidence;
    if (p.manual) {
      quality += p.confidence;
      continue;
    }
    const type = index.byId.get(id)?.type ?? "text";
    const sample = ctx.samples?.get(p.col) ?? [];
    let q = sample.some((v) => contradicts(type, v)) ? p.confidence * TYPE_PENALTY : p.confidence;
    // A column that names another field better weighs less for this layout, and nothing when it
    // is clearly that other field (省赛一等奖 is provFirst at 0.95, only partly like standard 四's
    // 是/否 column “（四）省赛一等奖2项或二等奖4项”).
    const bestAnywhere = bestByCol.get(p.col) ?? p.confidence;
    if (bestAnywhere - p.confidence >= CLEARLY_OTHER) q = 0;
    else if (bestAnywhere > p.confidence) q *= p.confidence / bestAnywhere;
    quality += q;
  }
  const n = layout.required.length;
  const hints = (layout.sheetHints ?? []).map(normalizeHeader).filter(Boolean);
  const sheet = normalizeHeader(ctx.sheetName);
  const title = normalizeHeader(ctx.title);
  const hint = hints.some((h) => sheet.includes(h)) ? 2 : hints.some((h) => title.includes(h)) ? 1 : 0;

  const ambiguous: LayoutFit["ambiguous"] = [];
  for (const p of picks) {
    if (p.manual) continue;
    const other = first.find((s) => s.field.id === p.field && s.column.col !== p.col && s.confidence === p.confidence && !takenCols.has(s.column.col));
    if (other) ambiguous.push({ field: p.field, chosen: p, other: other.column });
  }
  return { layout, picks, unmatched, score: round3(sum / n), quality: quality / n, hint, ambiguous };
}

/**
 * The layout whose required fields are best covered: the higher quality (confidence-weighted
 * coverage, sample values taken into account) wins when it is clearly higher (by more than
 * HINT_MARGIN); within that margin a hint in the sheet name (then in the title) decides — 学校,
 * 主持人, 成员 — then quality, then pack order.
 */
function bestLayout(pack: Pack, columns: HeaderColumn[], ctx: Context): LayoutFit {
  const index = packIndex(pack);
  const scored = scoreColumns(columns, index.fields, ctx.samples);
  const bestByCol = new Map<number, number>();
  for (const x of scored) bestByCol.set(x.column.col, max(bestByCol.get(x.column.col) ?? 0, x.confidence));
  let best: LayoutFit | null = null;
  for (const layout of pack.layouts) {
    const fit = fitLayout(layout, scored, bestByCol, index, ctx);
    if (!best || better(fit, best)) best = fit;
  }
  return best as LayoutFit;
}

const EPS = 1e-9;
/** Two layouts this close in quality are a tie a sheet-name hint may break. */
const HINT_MARGIN = 0.1;

function better(a: LayoutFit, b: LayoutFit): boolean {
  if (abs(a.quality - b.quality) > HINT_MARGIN) return a.quality > b.quality;
  if (a.hint !== b.hint) return a.hint > b.hint;
  return a.quality > b.quality + EPS;
}

// ------------------------------------------------------------------------------------------------
// Header row

/** How many rows from the top of the grid may hold the header. */
export const HEADER_SCAN_ROWS = 20;

export interface HeaderRowGuess {
  /** 1-based sheet row of the (last) header row; records start below it. */
  headerRow: number;
  /** Every header row, top first: one row, or a group row and its sub-header row. */
  headerRows: number[];
  /** The header of each column that has one (1-based sheet column, text as shown). */
  headers: { col: number; text: string }[];
}

interface Hypothesis {
  /** Grid-relative rows. */
  rows: number[];
  columns: HeaderColumn[];
  fit: LayoutFit;
  rank: number;
}

/**
 * What a sheet offers for header finding, independent of the pack: header columns per candidate
 * row (or row pair), samples below, titles above. Built lazily and shared across packs, so
 * detectPacks reads the first rows once however many packs it tries.
 */
const SAMPLE_SEARCH_ROWS = 50;

/**
 * Rows from the top of the grid that matching may read, for a header found where it looks (or
 * fixed at `headerRow`, 1-based, with the grid's first row at `firstRow`): the header, the rows
 * above it and the sample rows below. Beyond them it asks only whether the sheet holds anything.
 */
export function headerReadRows(headerRow?: number, firstRow = 1): number {
  const last = max(HEADER_SCAN_ROWS - 1, headerRow === undefined ? 0 : headerRow - firstRow);
  return last + 1 + SAMPLE_SEARCH_ROWS;
}

class Scan {
  private columns = new Map<string, HeaderColumn[] | null>();
  private samples = new Map<number, Map<number, CellValue[]>>();
  private titles = new Map<number, string>();
  private counts = new Map<number, number>();

  constructor(readonly grid: SheetGrid) {}

  columnsOf(rows: number[]): HeaderColumn[] | null {
    if (!rows.length) return [];
    const key = rows.join(",");
    let cols = this.columns.get(key);
    if (cols === undefined) {
      cols = rows.length === 1 ? singleRowColumns(this.grid, rows[0]) : twoRowColumns(this.grid, rows[0]);
      this.columns.set(key, cols);
    }
    return cols;
  }

  nonEmpty(r: number): number {
    let n = this.counts.get(r);
    if (n === undefined) {
      n = nonEmptyCount(this.grid, r);
      this.counts.set(r, n);
    }
    return n;
  }

  /** Up to five non-blank rows among the SAMPLE_SEARCH_ROWS below the header, by sheet column. */
  samplesBelow(lastHeader: number): Map<number, CellValue[]> {
    let samples = this.samples.get(lastHeader);
    if (samples) return samples;
    samples = new Map<number, CellValue[]>();
    const grid = this.grid;
    let taken = 0;
    const end = min(rowCount(grid), lastHeader + 1 + SAMPLE_SEARCH_ROWS);
    for (let r = lastHeader + 1; r < end && taken < 5; r++) {
      const row = rowAt(grid, r);
      if (!row.some((v) => v !== null && v !== undefined && !(typeof v === "string" && v.trim() === ""))) continue;
      taken++;
      for (let c = 0; c < row.length; c++) {
        const col = grid.origin.col + c;
        const list = samples.get(col);
        if (list) list.push(row[c]);
        else samples.set(col, [row[c]]);
      }
    }
    this.samples.set(lastHeader, samples);
    return samples;
  }

  /** The texts above the header (title rows), where a layout's sheet hint may also appear. */
  titleAbove(firstHeader: number): string {
    let title = this.titles.get(firstHeader);
    if (title !== undefined) return title;
    const parts: string[] = [];
    for (let r = 0; r < firstHeader; r++) {
      const width = rowWidth(this.grid, r);
      for (let c = 0; c < width; c++) {
        const t = nameAt(this.grid, r, c);
        if (t) parts.push(t);
      }
    }
    title = parts.join(" ");
    this.titles.set(firstHeader, title);
    return title;
  }

  context(rows: number[], mapping: Pick[]): Context {
    const last = rows.length ? rows[rows.length - 1] : -1;
    return { sheetName: this.grid.name, title: rows.length ? this.titleAbove(rows[0]) : "", samples: this.samplesBelow(last), mapping };
  }
}

/**
 * Ranks a header hypothesis: how well the best layout's required fields are covered, plus a
 * little for every other field matched (so a header with only the name column still beats none).
 */
function rankOf(fit: LayoutFit): number {
  const extra = fit.picks.reduce((s, p) => s + p.confidence, 0);
  return fit.score + 0.01 * extra;
}

/** Text that can be a column name: not a number, not an error, not blank. */
function isNameCell(v: CellValue | undefined): boolean {
  return typeof v === "string" && v.trim() !== "" && !readNumber(v).ok;
}

function hypothesis(scan: Scan, pack: Pack, rows: number[], mapping: Pick[]): Hypothesis | null {
  const columns = scan.columnsOf(rows);
  // A header names at least two columns; a lone cell is a title (or a note).
  if (!columns || columns.length < 2) return null;
  const fit = bestLayout(pack, columns, scan.context(rows, mapping));
  if (fit.picks.some((p) => !p.manual)) return { rows, columns, fit, rank: rankOf(fit) };
  if (!mapping.length) return null;
  // Only the user's columns are known: the header is the first row with names in all of them.
  const grid = scan.grid;
  const last = rows[rows.length - 1];
  const named = mapping.every((m) => isNameCell(cellAt(grid, last, m.col - grid.origin.col)));
  return named ? { rows, columns, fit, rank: 0 } : null;
}

/** The best header among the first HEADER_SCAN_ROWS rows (or at the row the user fixed). */
function findHypothesis(scan: Scan, pack: Pack, mapping: Pick[], fixedRow?: number): Hypothesis | null {
  const grid = scan.grid;
  const rowsToTry: number[] = [];
  if (fixedRow !== undefined) {
    const r = fixedRow - grid.origin.row;
    if (r >= 0 && r < rowCount(grid)) rowsToTry.push(r);
  } else for (let r = 0; r < min(HEADER_SCAN_ROWS, rowCount(grid)); r++) rowsToTry.push(r);

  let best: Hypothesis | null = null;
  const consider = (h: Hypothesis | null) => {
    // Strictly better only: ties go to the earlier row and to one header row over two.
    if (h && (!best || h.rank > best.rank + EPS)) best = h;
  };
  for (const r of rowsToTry) {
    consider(hypothesis(scan, pack, [r], mapping));
    // A group row holds at least two texts; a merged title row above the header does not.
    if (r > 0 && scan.nonEmpty(r - 1) >= 2 && scan.nonEmpty(r) >= 1) consider(hypothesis(scan, pack, [r - 1, r], mapping));
  }
  return best;
}

function syntheticHypothesis(scan: Scan, pack: Pack, rows: number[], mapping: Pick[]): Hypothesis {
  const columns = scan.columnsOf(rows) ?? [];
  return { rows, columns, fit: bestLayout(pack, columns, scan.context(rows, mapping)), rank: 0 };
}

function toGuess(grid: SheetGrid, h: Hypothesis): HeaderRowGuess {
  const rows = h.rows.map((r) => grid.origin.row + r);
  // No header row at all (manual mapping only): records start at the grid's first row.
  return { headerRow: rows.length ? rows[rows.length - 1] : grid.origin.row - 1, headerRows: rows, headers: h.columns.map((c) => ({ col: c.col, text: c.text })) };
}

/**
 * The header row below any title rows: the row (or group row + sub-header row) among the first
 * HEADER_SCAN_ROWS whose texts best match the pack's fields; null when no row names any field.
 */
export function findHeaderRow(grid: SheetGrid, pack: Pack): HeaderRowGuess | null {
  const h = findHypothesis(new Scan(grid), pack, []);
  return h ? toGuess(grid, h) : null;
}

// ------------------------------------------------------------------------------------------------
// Matching a sheet

export interface HeaderMatch {
  /**
   * 1-based sheet row of the (last) header row; records start below it. 0 when no header was
   * found; grid.origin.row - 1 when there is no header but a manual mapping (every row a record).
   */
  headerRow: number;
  /** Every header row, top first (two for a group header over sub-headers); empty when none was found. */
  headerRows: number[];
  /** Id of the pack layout the sheet was read as. */
  layout: string;
  /** One entry per matched field, left to right by column. */
  columns: ColumnMatch[];
  /** Required fields of the layout without a column. */
  unmatched: string[];
  problems: Issue[];
  /** 0..1: how well the pack fits the sheet (sum of the required fields' confidences / their number). */
  score: number;
  /** The header of every column that has one, for messages and for choosing a column by hand. */
  headers?: { col: number; text: string }[];
  /** 1-based column of the pack's label field (role "label"), when matched: totals are looked for there. */
  labelCol?: number;
  /**
   * Fields read from a group of repeated columns (9月反思字数 … 12月反思字数): every member's column
   * and header, first to last; `columns` lists the first.
   */
  groups?: { field: string; members: { col: number; letter: string; header: string }[] }[];
}

export interface MatchOptions {
  mapping?: Mapping;
  /** 1-based header row the user fixed (the last row of a two-row header). */
  headerRow?: number;
}

const LIST_MAX = 12;

function headerList(headers: { col: number; text: string }[], lang: "zh" | "en"): string {
  const sep = lang === "zh" ? "、" : ", ";
  const shown = headers.slice(0, LIST_MAX).map((h) => (lang === "zh" ? `${colLetter(h.col)}“${h.text}”` : `${colLetter(h.col)} "${h.text}"`));
  return shown.join(sep) + (headers.length > LIST_MAX ? `${sep}…` : "");
}

function mappingPicks(grid: SheetGrid, pack: Pack, mapping: Mapping | undefined, problems: Issue[]): Pick[] {
  if (!mapping) return [];
  const index = packIndex(pack);
  const picks: Pick[] = [];
  for (const [field, col] of Object.entries(mapping)) {
    if (!index.byId.has(field)) {
      problems.push(makeIssue("mapping-unknown-field", { sheet: grid.name, field, pack: pack.name.zh, packEn: pack.name.en }, { field }));
      continue;
    }
    if (typeof col !== "number" || !Number.isInteger(col) || col < 1 || col > 16384) {
      problems.push(makeIssue("mapping-bad-column", { sheet: grid.name, field, col: String(col) }, { field }));
      continue;
    }
    picks.push({ field, col, text: "", confidence: 1, manual: true });
  }
  return picks;
}

function fieldLabel(pack: Pack, id: string): { zh: string; en: string } {
  const f = pack.fields.find((x) => x.id === id);
  return f ? { zh: f.label, en: f.labelEn } : { zh: id, en: id };
}

/**
 * Finds the header and matches the sheet's columns to the pack's fields. An explicit mapping
 * (field id → 1-based column) overrides the guess for those fields (marked `manual`); the other
 * fields are still guessed on the remaining columns. Never throws: a sheet without a header gives
 * a "no-header" problem, every required field without a column a "column-missing" problem.
 */
export function matchHeaders(grid: SheetGrid, pack: Pack, opts: MatchOptions = {}): HeaderMatch {
  return matchWith(new Scan(grid), pack, opts);
}

function matchWith(scan: Scan, pack: Pack, opts: MatchOptions): HeaderMatch {
  const grid = scan.grid;
  const problems: Issue[] = [];
  const mapping = mappingPicks(grid, pack, opts.mapping, problems);
  let h = findHypothesis(scan, pack, mapping, opts.headerRow);
  // The user fixed the header row: keep it even when nothing there matches, and say what is missing.
  const fixed = opts.headerRow !== undefined ? opts.headerRow - grid.origin.row : -1;
  if (!h && fixed >= 0 && fixed < rowCount(grid)) h = syntheticHypothesis(scan, pack, [fixed], mapping);
  // Only a manual mapping and no header anywhere: every row is a record.
  if (!h && mapping.length && rowCount(grid)) {
    h = syntheticHypothesis(scan, pack, [], mapping);
    problems.push(makeIssue("no-header-mapped", { sheet: grid.name, rows: HEADER_SCAN_ROWS, first: grid.origin.row }));
  }

  if (!h) {
    const empty = !hasValue(grid);
    const fixedRow = opts.headerRow;
    problems.push(
      empty
        ? makeIssue("empty-sheet", { sheet: grid.name })
        : makeIssue("no-header", {
            sheet: grid.name,
            pack: pack.name.zh,
            packEn: pack.name.en,
            scope: fixedRow !== undefined ? `第${fixedRow}行` : `前${HEADER_SCAN_ROWS}行`,
            scopeEn: fixedRow !== undefined ? `row ${fixedRow}` : `the first ${HEADER_SCAN_ROWS} rows`,
          }),
    );
    const layout = pack.layouts[0];
    return { headerRow: 0, headerRows: [], layout: layout.id, columns: [], unmatched: [...layout.required], problems, score: 0, headers: [] };
  }

  const guess = toGuess(grid, h);
  const fit = h.fit;
  const headerText = new Map(guess.headers.map((x) => [x.col, x.text]));
  const columns: ColumnMatch[] = fit.picks
    .map((p) => {
      const m: ColumnMatch = { field: p.field, col: p.col, letter: colLetter(p.col), header: p.manual ? (headerText.get(p.col) ?? "") : p.text, confidence: p.confidence };
      if (p.manual) m.manual = true;
      return m;
    })
    .sort((a, b) => a.col - b.col || a.field.localeCompare(b.field));

  for (const a of fit.ambiguous) {
    const label = fieldLabel(pack, a.field);
    problems.push(
      makeIssue(
        "ambiguous-column",
        { sheet: grid.name, col: colLetter(a.chosen.col), header: a.chosen.text, other: colLetter(a.other.col), otherHeader: a.other.text, label: label.zh, labelEn: label.en },
        { field: a.field, cell: a1(guess.headerRow, a.chosen.col), row: guess.headerRow, text: a.chosen.text },
      ),
    );
  }
  const found = guess.headerRows.length
    ? { zh: `第${guess.headerRow}行 ${headerList(guess.headers, "zh") || "（无）"}`, en: `row ${guess.headerRow}: ${headerList(guess.headers, "en") || "(none)"}` }
    : { zh: "没有表头，手动指定的列中也没有它", en: "no header, and the columns set by hand do not include it" };
  for (const id of fit.unmatched) {
    const label = fieldLabel(pack, id);
    problems.push(makeIssue("column-missing", { sheet: grid.name, label: label.zh, labelEn: label.en, found: found.zh, foundEn: found.en }, { field: id }));
  }

  const byCol = new Map(h.columns.map((c) => [c.col, c]));
  const groups: NonNullable<HeaderMatch["groups"]> = [];
  for (const p of fit.picks) {
    const g = byCol.get(p.col)?.group;
    if (!g || p.manual || g[0] !== p.col) continue;
    groups.push({ field: p.field, members: g.map((col) => ({ col, letter: colLetter(col), header: byCol.get(col)?.text ?? "" })) });
  }

  const labelField = pack.fields.find((f) => f.role === "label");
  const labelCol = labelField ? columns.find((c) => c.field === labelField.id)?.col : undefined;
  const result: HeaderMatch = {
    headerRow: guess.headerRow,
    headerRows: guess.headerRows,
    layout: fit.layout.id,
    columns,
    unmatched: fit.unmatched,
    problems,
    score: fit.score,
    headers: guess.headers,
  };
  if (labelCol !== undefined) result.labelCol = labelCol;
  if (groups.length) result.groups = groups;
  return result;
}

/**
 * The same matcher over a plain list of header texts (=KJ.ASSESS(E3:O3, E$2:O$2)). `index` is the
 * 0-based position in `headers`.
 */
export function matchHeaderTexts(
  headers: string[],
  pack: Pack,
): { layout: string; columns: { field: string; index: number; confidence: number }[]; unmatched: string[] } {
  // A column of formulas passes the same header row on every row: match it once.
  let memo = textMatches.get(pack);
  if (!memo) textMatches.set(pack, (memo = new Map()));
  const key = headers.map((h) => (typeof h === "string" ? h : cellText((h ?? null) as CellValue))).join("\u0000");
  const hit = memo.get(key);
  if (hit) return hit;
  const columns: HeaderColumn[] = [];
  headers.forEach((raw, i) => {
    const text = typeof raw === "string" ? raw.trim() : raw === null || raw === undefined ? "" : cellText(raw as CellValue).trim();
    const norm = text ? normalizeHeader(text) : "";
    if (norm) columns.push({ col: i + 1, text, candidates: [{ norm, weight: 1 }] });
  });
  const fit = bestLayout(pack, columns, { sheetName: "", title: "", samples: null, mapping: [] });
  const out = {
    layout: fit.layout.id,
    columns: fit.picks.map((p) => ({ field: p.field, index: p.col - 1, confidence: p.confidence })).sort((a, b) => a.index - b.index),
    unmatched: fit.unmatched,
  };
  if (memo.size >= 1000) memo.clear();
  memo.set(key, out);
  return out;
}

const textMatches = new WeakMap<Pack, Map<string, ReturnType<typeof matchHeaderTexts>>>();

/**
 * A pack fits a sheet when its required fields are, on average, at least this well matched: about
 * three in five found by name. Lower lets generic words through (a bank report's 单位 and 来源项目
 * looked like a budget sheet's 工作室 and 支出项目 at 0.55).
 */
export const DETECT_THRESHOLD = 0.6;

/** The packs that fit the sheet, best first; empty when none reaches DETECT_THRESHOLD. */
export function detectPacks(grid: SheetGrid, packs: Pack[]): { pack: Pack; match: HeaderMatch }[] {
  const scan = new Scan(grid);
  return packs
    .map((pack, order) => ({ pack, match: matchWith(scan, pack, {}), order }))
    .filter((x) => x.match.score >= DETECT_THRESHOLD)
    .sort((a, b) => b.match.score - a.match.score || a.order - b.order)
    .map(({ pack, match }) => ({ pack, match }));
}
