/**
 * What "an id or a code on screen" means for the scans (test/no-ids*.test.ts): a word that is one of
 * the packs' ids (pack, field, criterion, parameter, layout, interpretation), an issue or error
 * code, or anything shaped like one (kebab-case, camelCase, snake_case); in Chinese text, any
 * English word at all, except the names of programs and file types an official knows.
 */
import { ISSUE_TEMPLATES } from "../../src/engine/issues";
import { builtinPacks } from "../../src/packs";

const ERROR_CODES = [
  "encrypted",
  "legacy-xls",
  "not-a-workbook",
  "damaged",
  "too-large",
  "timeout",
  "out-of-memory",
  "unreadable-file",
  "unreadable-folder",
  "not-found",
  "no-pack",
  "no-such-sheet",
  "pack-does-not-fit",
  "cannot-resave",
  "cannot-write",
];

const IDS = new Set<string>([
  ...Object.keys(ISSUE_TEMPLATES),
  ...ERROR_CODES,
  ...builtinPacks().flatMap((p) => [
    p.id,
    ...p.fields.map((f) => f.id),
    ...p.criteria.map((c) => c.id),
    ...p.params.map((x) => x.id),
    ...p.layouts.map((l) => l.id),
    ...p.interpretations.map((i) => i.id),
  ]),
].filter((id) => /^[\x20-\x7e]+$/.test(id)));

/** English an official reads in Chinese text: programs, file types, the add-in's own function names. */
const ALLOWED_IN_ZH = new Set(["Excel", "WPS", "Office", "xlsx", "xlsm", "xls", "xlsb", "csv", "ods", "et", "pdf", "KJ", "ASSESS", "SCORE", "FAILED", "STANDARD", "CATEGORY", "BUDGETCHECK", "SUBSIDY", "DUEDATE", "NUM", "ELIGIBLE", "TRUE", "FALSE", "Yes", "No", "VALUE", "kj-assess", "JavaScript", "English",
  // The regulation masks a number as "20xx字左右" (teacher-routine quotes it).
  "xx"]);

const WORD = /[A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)*/g;

export function idLeaks(text: string, lang: "zh" | "en"): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(WORD)) {
    const w = m[0];
    // Cell addresses (B3, AA10) and ranges are how a person finds a cell.
    if (/^[A-Z]{1,3}\d+$/.test(w) || ALLOWED_IN_ZH.has(w)) continue;
    const camel = /^[a-z]+[A-Z][A-Za-z0-9]*$/.test(w);
    // English has hyphenated words of its own (lesson-plan): there only our own ids count.
    const idLike = lang === "en" ? (IDS.has(w) && !/^[a-z]+$/.test(w)) || camel : IDS.has(w) || /^[a-z]+(?:[-_][a-z0-9]+)+$/.test(w) || camel;
    if (idLike || (lang === "zh" && /[A-Za-z]{2,}/.test(w))) out.push(w);
  }
  return out;
}
