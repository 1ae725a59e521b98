/**
 * 工作室周期台账: each studio followed through its three-year term, per term year — grade and
 * standards met (第十六条), that year's subsidy and the next year's (第十九条, 第二十二条), the
 * spending limit and what was spent, the budget report's due date and whether it came on time
 * (第二十条), members and new core members (第十六条（九）), and the flags the city office decides
 * with: 优先推荐 (第十八条), 撤销风险 (第十七条, our reading — see readings.ts), 期满 (第四条).
 *
 * Built from whatever the workbooks hold: assessment sheets of several years (or one with a 年度
 * column), budget sheets, and an optional roster (挂牌日期, 主持人, 成员, 预算报告报送日期). Every door
 * hands in the sheets as read and gets the same ledger; nothing is guessed — a year that cannot be
 * placed, a name two studios could own, a grade that is missing are reported, never assumed.
 */
import { detectPacks, matchHeaders, type HeaderMatch } from "../headers";
import { evaluateSheet } from "../evaluate";
import { recordRows } from "../records";
import { cellAt as gridCell, rowAt } from "../grid";
import { budgetOf, paramValue, readGrade, subsidyFor } from "../budget";
import { a1 } from "../address";
import { makeIssue } from "../issues";
import { addYears, cellText, formatDate, formatMoney, readCount, readDate, readMoney, readText, readYear, serialToYMD } from "../values";
import type { CellValue, ParamOverrides, SheetGrid, SheetResult, Status, Text2 } from "../types";
import type { Pack } from "../../packs/schema";
import { parseStudioName, resolveStudios, type Resolution } from "./identity";
import { termYearOfYear } from "./term-year";
import { readingText, revocationRisk, type TermReadings, DEFAULT_READINGS } from "./readings";

export interface LedgerPacks {
  assessment: Pack;
  budget: Pack;
  roster: Pack;
}

/** One sheet as a door read it; `file` names the workbook when several are read together. */
export interface LedgerSheet {
  file?: string;
  grid: SheetGrid;
}

/** Where a value came from, so a person can go to it. */
export interface Place {
  file?: string;
  sheet: string;
  cell: string;
}

export interface LedgerNote {
  severity: "error" | "warning" | "info";
  message: Text2;
  source: string | null;
  at?: Place;
}

export interface LedgerYear {
  /** 1, 2, 3 … of the term. */
  termYear: number;
  /** The 年度 it is (2024), when the plaque date or the data place it. */
  year: number | null;
  grade: string | null;
  met: number | null;
  total: number | null;
  gradeAt: Place | null;
  /** This year's subsidy (第十九条; 0 after a 不合格 the year before, 第二十二条); null when unknown. */
  subsidy: number | null;
  /** Next year's subsidy, which this year's grade decides; null when unknown. */
  nextSubsidy: number | null;
  matching: number | null;
  /** This year's spending limit: subsidy + matching funds (the budget pack's reading); null when unknown. */
  limit: number | null;
  /** Spent this year per the budget sheets; null when no budget line is for this year. */
  spent: number | null;
  overSpent: boolean;
  /** The budget report's due date (Excel serial) and when it came, from the roster. */
  reportDue: number | null;
  reported: number | null;
  onTime: boolean | null;
  members: number | null;
  newMembers: number | null;
  /** New core members against standard 九 (≥ 3). */
  newMembersMet: boolean | null;
  priority: boolean;
  revocationRisk: boolean;
  /** The last year of the term: the end-of-term assessment is due. */
  termEnd: boolean;
  status: Status;
  notes: LedgerNote[];
}

export interface StudioTerm {
  studio: string;
  /** Every name it was written as. */
  names: string[];
  host: string | null;
  plaqueDate: number | null;
  years: LedgerYear[];
  /** 期满: the term's last year has been assessed (or has passed, by `asOf`). */
  termEnded: boolean;
  revocationRisk: boolean;
  priority: boolean;
  /** Over the term's years: standards met, subsidy paid, spent — what the end-of-term assessment sums. */
  totals: { met: number; subsidy: number; spent: number };
  status: Status;
  notes: LedgerNote[];
}

export interface LedgerSource {
  file?: string;
  sheet: string;
  kind: "assessment" | "budget" | "roster";
  records: number;
}

export interface Ledger {
  studios: StudioTerm[];
  /** Names a person should confirm or settle: partial matches, ambiguous names, names not in the roster. */
  names: Resolution[];
  sources: LedgerSource[];
  /** Problems not about one studio-year: records left out and why. */
  problems: LedgerNote[];
  /** The readings applied, as the UI must say them. */
  readings: { id: string; text: Text2; source: string | null; choice?: string }[];
  /** The budget sheets' results, with every group checked against the ledger's limit where known. */
  budgets: { file?: string; result: SheetResult }[];
}

export interface LedgerOptions {
  /** Written name → studio, as a person confirmed. */
  mapping?: Record<string, string>;
  /** Changed thresholds per pack id. */
  params?: Record<string, ParamOverrides>;
  readings?: Partial<TermReadings>;
  /** Today (Excel serial): a term whose last year has passed is 期满 even before its last assessment. */
  asOf?: number;
}

const ARTICLE_TERM = "第四条";
/** The title of the ledger sheet (sheet.ts writes it in A1). */
export const LEDGER_TITLE = "工作室周期台账";
const ARTICLE_PRIORITY = "第十八条";

// ------------------------------------------------------------------------------------------------
// Reading the sheets

interface Fact {
  name: string;
  at: Place;
}
interface GradeFact extends Fact {
  year: number | null;
  grade: string | null;
  met: number | null;
  total: number | null;
  newMembers: number | null;
  plaque: number | null;
  host: string | null;
}
interface SpendFact extends Fact {
  year: number | null;
  amount: number;
  matching: number | null;
}
interface RosterFact extends Fact {
  year: number | null;
  plaque: number | null;
  host: string | null;
  members: number | null;
  reported: number | null;
}

function cellAt(grid: SheetGrid, row: number, col: number | undefined): CellValue {
  if (col === undefined) return null;
  return gridCell(grid, row - grid.origin.row, col - grid.origin.col);
}

function colOf(match: { columns: { field: string; col: number }[] }, field: string): number | undefined {
  return match.columns.find((c) => c.field === field)?.col;
}

const YEAR_IN_TEXT = /((?:19|20)\d{2})\s*(?:年|学年|$)/;

/** The 年度 a sheet is about, from its name or title rows (2024年度考核汇总表), for sheets without a year column. */
function sheetYear(grid: SheetGrid, headerRow: number): number | null {
  const fromName = /(?:^|\D)((?:19|20)\d{2})(?:\D|$)/.exec(grid.name);
  if (fromName) return Number(fromName[1]);
  for (let r = grid.origin.row; r < headerRow; r++) {
    for (const v of rowAt(grid, r - grid.origin.row)) {
      const m = typeof v === "string" ? YEAR_IN_TEXT.exec(v) : null;
      if (m) return Number(m[1]);
    }
  }
  return null;
}

/** 成员: a count (12, 12人) or a list of names (张三、李四). */
function memberCount(v: CellValue): number | null {
  const n = readCount(v);
  if (n.ok) return n.value;
  const t = readText(v);
  if (!t.ok) return null;
  return t.value.split(/[、,，;；\s]+/).filter(Boolean).length;
}

function textOf(v: CellValue): string | null {
  const t = readText(v);
  return t.ok ? t.value : null;
}

function dateOf(v: CellValue): number | null {
  const d = readDate(v);
  return d.ok ? d.value : null;
}

interface Classified {
  grades: GradeFact[];
  spends: SpendFact[];
  roster: RosterFact[];
  budgets: { file?: string; result: SheetResult; grid: SheetGrid }[];
  sources: LedgerSource[];
  problems: LedgerNote[];
}

function yearOrSheet(grid: SheetGrid, row: number, col: number | undefined, fallback: number | null, at: Place, problems: LedgerNote[]): number | null {
  const v = cellAt(grid, row, col);
  if (col === undefined || cellText(v).trim() === "") return fallback;
  const y = readYear(v);
  if (y.ok) return y.value;
  problems.push({ severity: "error", message: { zh: `${at.cell}“${cellText(v)}”不是年度，这一行未计入台账`, en: `${at.cell} "${cellText(v)}" is not a year; the row is left out of the ledger` }, source: null, at });
  return null;
}

function readSheets(sheets: LedgerSheet[], packs: LedgerPacks, opts: LedgerOptions): Classified {
  const out: Classified = { grades: [], spends: [], roster: [], budgets: [], sources: [], problems: [] };
  for (const { file, grid } of sheets) {
    // A ledger we wrote earlier (its title in A1) is not a roster, however much its headers look like one.
    if (gridCell(grid, 0, 0) === LEDGER_TITLE) continue;
    const best = detectPacks(grid, [packs.assessment, packs.budget])[0];
    const place = (row: number, col: number | undefined): Place => ({ ...(file !== undefined ? { file } : {}), sheet: grid.name, cell: col ? a1(row, col) : `第${row}行` });
    if (best) {
      const pack = best.pack;
      const result = evaluateSheet(grid, pack, { params: opts.params?.[pack.id] });
      const studioCol = colOf(result, "studio");
      const yearCol = colOf(result, "year");
      const fallback = sheetYear(grid, result.headerRow);
      if (pack === packs.assessment) {
        out.sources.push({ file, sheet: grid.name, kind: "assessment", records: result.records.length });
        for (const rec of result.records) {
          const name = textOf(cellAt(grid, rec.row, studioCol));
          if (!name) continue;
          const nm = readCount(cellAt(grid, rec.row, colOf(result, "newMembers")));
          out.grades.push({
            name,
            at: place(rec.row, yearCol ?? studioCol),
            year: yearOrSheet(grid, rec.row, yearCol, fallback, place(rec.row, yearCol), out.problems),
            grade: rec.grade,
            met: rec.met,
            total: rec.total,
            newMembers: nm.ok ? nm.value : null,
            plaque: dateOf(cellAt(grid, rec.row, colOf(result, "plaqueDate"))),
            host: textOf(cellAt(grid, rec.row, colOf(result, "host"))),
          });
        }
      } else {
        out.sources.push({ file, sheet: grid.name, kind: "budget", records: result.records.length });
        out.budgets.push({ file, result, grid });
        const dateCol = colOf(result, "date");
        const amountCol = colOf(result, "amount");
        const matchingCol = colOf(result, "matching");
        for (const rec of result.records) {
          const name = textOf(cellAt(grid, rec.row, studioCol));
          const amount = readMoney(cellAt(grid, rec.row, amountCol));
          if (!name || !amount.ok) continue; // the budget check reports both
          let year = yearOrSheet(grid, rec.row, yearCol, null, place(rec.row, yearCol), out.problems);
          if (year === null && (yearCol === undefined || cellText(cellAt(grid, rec.row, yearCol)).trim() === "")) {
            const d = dateOf(cellAt(grid, rec.row, dateCol));
            year = d !== null ? serialToYMD(d).y : fallback;
          }
          const m = readMoney(cellAt(grid, rec.row, matchingCol));
          out.spends.push({ name, at: place(rec.row, amountCol), year, amount: amount.value, matching: m.ok ? m.value : null });
        }
      }
      continue;
    }
    const roster = matchHeaders(grid, packs.roster);
    if (roster.columns.length && roster.unmatched.length === 0) readRoster(grid, roster, place, out);
  }
  return out;
}

function readRoster(grid: SheetGrid, match: HeaderMatch, place: (row: number, col: number | undefined) => Place, out: Classified): void {
  const rows = recordRows(grid, match);
  out.sources.push({ file: place(1, 1).file, sheet: grid.name, kind: "roster", records: rows.rows.length });
  const col = (f: string) => colOf(match, f);
  for (const row of rows.rows) {
    const name = textOf(cellAt(grid, row, col("studio")));
    if (!name) continue;
    const school = textOf(cellAt(grid, row, col("school")));
    const plaqueCell = cellAt(grid, row, col("plaqueDate"));
    const plaque = dateOf(plaqueCell);
    if (plaque === null && cellText(plaqueCell).trim() !== "") {
      out.problems.push({ severity: "error", message: { zh: `${a1(row, col("plaqueDate")!)}“${cellText(plaqueCell)}”不是日期`, en: `${a1(row, col("plaqueDate")!)} "${cellText(plaqueCell)}" is not a date` }, source: ARTICLE_TERM, at: place(row, col("plaqueDate")) });
    }
    const y = readYear(cellAt(grid, row, col("year")));
    out.roster.push({
      // A school in its own column belongs to the name, so that 李明工作室 + 新海实验中学 is matched like the full name.
      name: school && !parseStudioName(name).school ? `${school}${name}` : name,
      at: place(row, col("studio")),
      year: y.ok ? y.value : null,
      plaque,
      host: textOf(cellAt(grid, row, col("host"))),
      members: col("members") ? memberCount(cellAt(grid, row, col("members"))) : null,
      reported: dateOf(cellAt(grid, row, col("reportDate"))),
    });
  }
}

// ------------------------------------------------------------------------------------------------
// The ledger

/** Grades are read with the one grade reader (budget.ts), as the subsidy rule reads them. */
function gradeIs(grade: string | null, kind: "excellent" | "unqualified"): boolean {
  const g = readGrade(grade);
  return g.ok && g.value === kind;
}

function worst(a: Status, b: LedgerNote["severity"] | Status): Status {
  const rank = { ok: 0, info: 0, warning: 1, error: 2 } as const;
  return rank[b] > rank[a] ? (b as Status) : a;
}

function where(at: Place): string {
  return `${at.file ? `${at.file} ` : ""}${at.sheet}!${at.cell}`;
}

/**
 * The ledger of every studio the sheets name. The packs are passed in (the engine loads none):
 * the assessment and budget packs with the official's changed thresholds, and the roster pack.
 */
export function buildLedger(sheets: LedgerSheet[], packs: LedgerPacks, opts: LedgerOptions = {}): Ledger {
  const readings: TermReadings = { ...DEFAULT_READINGS, ...opts.readings };
  const facts = readSheets(sheets, packs, opts);
  const rosterNames = facts.roster.map((r) => r.name);
  const ids = resolveStudios([...rosterNames, ...facts.grades.map((g) => g.name), ...facts.spends.map((s) => s.name)], {
    roster: rosterNames.length ? rosterNames : undefined,
    mapping: opts.mapping,
  });
  const problems = facts.problems;
  const studioOf = (f: Fact): string | null => {
    const r = ids.byName.get(f.name.trim());
    return r?.studio ?? null;
  };
  for (const r of ids.byName.values()) {
    if (r.how === "ambiguous")
      problems.push({
        severity: "error",
        message: { zh: `“${r.name}”可能是${r.candidates.map((c) => `“${c}”`).join("或")}，未计入台账；请在名称对照中指定`, en: `"${r.name}" could be ${r.candidates.map((c) => `"${c}"`).join(" or ")}; left out of the ledger — settle it in the name mapping` },
        source: null,
      });
    if (r.how === "bad-mapping")
      problems.push({ severity: "error", message: { zh: `名称对照把“${r.name}”对应到“${r.target}”，但没有这个工作室`, en: `the name mapping ties "${r.name}" to "${r.target}", which is no studio found` }, source: null });
  }

  const budget = packs.budget;
  const bParams = opts.params?.[budget.id];
  const aParams = opts.params?.[packs.assessment.id];
  const years = paramValue(budget, budgetOf(budget).subsidyYears, bParams);
  const dueDays = paramValue(budget, budgetOf(budget).reportDueDays, bParams);
  const newMin = packs.assessment.params.some((p) => p.id === "std9Min") ? paramValue(packs.assessment, { param: "std9Min" }, aParams) : 3;
  const b = budgetOf(budget);

  const studios: StudioTerm[] = [];
  for (const [studio, names] of ids.studios) {
    const mine = <T extends Fact>(list: T[]) => list.filter((f) => studioOf(f) === studio);
    const grades = mine(facts.grades);
    const spends = mine(facts.spends);
    const roster = mine(facts.roster);
    if (!grades.length && !spends.length && !roster.length) continue;
    const notes: LedgerNote[] = [];

    // The plaque date: the roster's, else an assessment sheet's; two different ones are reported.
    const plaques = [...roster.filter((r) => r.plaque !== null).map((r) => ({ d: r.plaque!, at: r.at })), ...grades.filter((g) => g.plaque !== null).map((g) => ({ d: g.plaque!, at: g.at }))];
    const plaqueDate = plaques[0]?.d ?? null;
    for (const p of plaques)
      if (p.d !== plaqueDate) {
        notes.push({ severity: "warning", message: { zh: `挂牌日期不一致：${formatDate(plaqueDate!)}与${formatDate(p.d)}（${where(p.at)}），按前者计`, en: `plaque dates differ: ${formatDate(plaqueDate!)} and ${formatDate(p.d)} (${where(p.at)}); the first is used` }, source: ARTICLE_TERM, at: p.at });
        break;
      }
    const host = roster.find((r) => r.host)?.host ?? grades.find((g) => g.host)?.host ?? null;

    // Calendar years → term years. Without a plaque date the first year seen is year 1, and said so.
    const seen = [...grades, ...spends, ...roster].map((f) => f.year).filter((y): y is number => y !== null);
    let first: number | null = null;
    if (plaqueDate !== null) first = serialToYMD(plaqueDate).y;
    else if (seen.length) {
      first = Math.min(...seen);
      notes.push({ severity: "warning", message: { zh: `没有挂牌日期：以最早出现的${first}年度为管理期第1年（需核实）`, en: `no plaque date: the earliest year found, ${first}, is taken as year 1 of the term (to be confirmed)` }, source: ARTICLE_TERM });
    }
    const termOf = (y: number | null): number | null => (y === null || first === null ? null : plaqueDate !== null ? termYearOfYear(plaqueDate, y) : y - first + 1);
    for (const f of [...grades, ...spends]) {
      if (f.year === null) {
        notes.push({ severity: "error", message: { zh: `${where(f.at)}没有年度，无法计入管理期的某一年`, en: `${where(f.at)} has no year; it cannot be placed in a year of the term` }, source: ARTICLE_TERM, at: f.at });
      } else if (termOf(f.year)! < 1) {
        notes.push({ severity: "error", message: { zh: `${where(f.at)}的${f.year}年度早于挂牌日期${formatDate(plaqueDate!)}`, en: `${where(f.at)}: ${f.year} is before the plaque date ${formatDate(plaqueDate!)}` }, source: ARTICLE_TERM, at: f.at });
      }
    }
    const lastSeen = Math.max(0, ...seen.map((y) => termOf(y) ?? 0));
    const span = Math.max(years, lastSeen);
    const lastAssessed = Math.max(0, ...grades.map((g) => termOf(g.year) ?? 0));

    const rows: LedgerYear[] = [];
    for (let n = 1; n <= span; n++) {
      const calendar = first === null ? null : plaqueDate !== null ? serialToYMD(plaqueDate).y + n - 1 : first + n - 1;
      const at = (f: { year: number | null }) => f.year !== null && termOf(f.year) === n;
      const g = grades.filter(at);
      const s = spends.filter(at);
      const rYear = roster.filter((r) => r.year !== null && termOf(r.year) === n);
      const rAny = roster.filter((r) => r.year === null);
      const yn: LedgerNote[] = [];
      const grade = g[0] ?? null;
      for (const other of g.slice(1))
        if (other.grade !== grade!.grade)
          yn.push({ severity: "warning", message: { zh: `第${n}年有两个考核结果：${grade!.grade}（${where(grade!.at)}）与${other.grade}（${where(other.at)}），按前者计`, en: `year ${n} has two grades: ${grade!.grade} (${where(grade!.at)}) and ${other.grade} (${where(other.at)}); the first is used` }, source: null, at: other.at });
      if (!grade && n < lastAssessed)
        yn.push({ severity: "warning", message: { zh: `第${n}年没有考核结果（需核实）`, en: `no grade for year ${n} (to be confirmed)` }, source: "第十六条" });
      const matchingList = s.map((x) => x.matching).filter((m): m is number => m !== null);
      const matching = matchingList.length ? Math.max(...matchingList) : null;
      const spent = s.length ? Math.round(s.reduce((a, x) => a + x.amount, 0) * 100) / 100 : null;
      const reportDue = plaqueDate !== null && n <= years ? addYears(plaqueDate, n - 1) + dueDays : null;
      const reported = (rYear.find((r) => r.reported !== null) ?? (n === 1 ? rAny.find((r) => r.reported !== null) : undefined))?.reported ?? null;
      const members = (rYear.find((r) => r.members !== null) ?? rAny.find((r) => r.members !== null))?.members ?? null;
      rows.push({
        termYear: n,
        year: calendar,
        grade: grade?.grade ?? null,
        met: grade?.met ?? null,
        total: grade?.total ?? null,
        gradeAt: grade?.at ?? null,
        subsidy: null,
        nextSubsidy: null,
        matching,
        limit: null,
        spent,
        overSpent: false,
        reportDue,
        reported,
        onTime: reportDue !== null && reported !== null ? reported <= reportDue : null,
        members,
        newMembers: grade?.newMembers ?? null,
        newMembersMet: grade?.newMembers != null ? grade.newMembers >= newMin : null,
        priority: gradeIs(grade?.grade ?? null, "excellent"),
        revocationRisk: false,
        termEnd: n === years,
        status: "ok",
        notes: yn,
      });
    }

    // Subsidy year by year: the rule in budget.ts, fed the previous year's grade; a missing one is not assumed.
    const subsidyOf = (n: number): { value: number | null; note?: LedgerNote } => {
      if (n > years) return { value: 0 };
      if (n === 1) return { value: paramValue(budget, b.subsidy, bParams) };
      const prev = rows[n - 2]?.grade ?? null;
      if (prev === null)
        return { value: null, note: { severity: "warning", message: { zh: `第${n - 1}年没有考核结果，第${n}年补助无法确定（需核实）`, en: `no grade for year ${n - 1}: the subsidy for year ${n} cannot be decided (to be confirmed)` }, source: b.noSubsidySource } };
      const r = subsidyFor(budget, n, prev, bParams);
      return { value: r.ok ? r.value.amount : null };
    };
    for (const row of rows) {
      const s = subsidyOf(row.termYear);
      row.subsidy = s.value;
      if (s.note && (row.spent !== null || row.termYear <= lastSeen)) row.notes.push(s.note);
      row.nextSubsidy = subsidyOf(row.termYear + 1).value;
      row.limit = row.subsidy === null ? null : row.subsidy + (row.matching ?? 0);
      if (row.subsidy === 0 && row.termYear <= years)
        row.notes.push({ severity: "info", message: { zh: `第${row.termYear - 1}年考核不合格，第${row.termYear}年不再拨付补助资金`, en: `graded 不合格 in year ${row.termYear - 1}: no subsidy in year ${row.termYear}` }, source: b.noSubsidySource });
      if (row.subsidy === 0 && row.termYear > years && (row.spent ?? 0) > 0)
        row.notes.push({ severity: "info", message: { zh: `第${row.termYear}年已超出${years}年补助期`, en: `year ${row.termYear} is past the ${years}-year subsidy` }, source: b.subsidySource });
      if (row.spent !== null && row.limit !== null && row.spent > row.limit) {
        row.overSpent = true;
        row.notes.push({ severity: "error", message: { zh: `第${row.termYear}年支出${formatMoney(row.spent)}，超过本年度额度${formatMoney(row.limit)}`, en: `year ${row.termYear} spent ${formatMoney(row.spent)}, over this year's limit of ${formatMoney(row.limit)}` }, source: row.subsidy === 0 ? b.noSubsidySource : b.subsidySource });
      }
      if (row.onTime === false)
        row.notes.push({ severity: "warning", message: { zh: `预算报告${formatDate(row.reported!)}报送，晚于截止日期${formatDate(row.reportDue!)}`, en: `budget report submitted ${formatDate(row.reported!)}, after the due date ${formatDate(row.reportDue!)}` }, source: b.reportDueSource });
      if (row.newMembersMet === false)
        row.notes.push({ severity: "info", message: { zh: `新增骨干成员${row.newMembers}名，少于${newMin}名`, en: `${row.newMembers} new core members, fewer than ${newMin}` }, source: "第十六条（九）" });
      if (row.priority) row.notes.push({ severity: "info", message: { zh: "考核优秀：主持人和成员评优评先、职称评聘优先推荐", en: "graded 优秀: host and members get priority for awards and titles" }, source: ARTICLE_PRIORITY });
    }
    // Revocation risk: our reading of 第十七条, year by year over the grades so far.
    for (const row of rows) {
      row.revocationRisk = revocationRisk(rows.slice(0, row.termYear).map((r) => r.grade), years, readings.revocation);
      if (row.revocationRisk && !rows[row.termYear - 2]?.revocationRisk)
        row.notes.push({ severity: "warning", message: { zh: `撤销风险（${readingText(readings.revocation).zh}）`, en: `at risk of revocation (${readingText(readings.revocation).en})` }, source: "第十七条" });
      for (const note of row.notes) row.status = worst(row.status, note.severity);
      if (row.grade !== null) {
        const band = packs.assessment.outcome.kind === "grade" ? packs.assessment.outcome.bands.find((x) => x.grade === row.grade) : undefined;
        if (band) row.status = worst(row.status, band.status);
      }
    }

    const end = rows[years - 1];
    const termEnded = (!!end && end.grade !== null) || (plaqueDate !== null && opts.asOf !== undefined && opts.asOf >= addYears(plaqueDate, years));
    if (termEnded) {
      const term = rows.slice(0, years);
      const missing = term.filter((r) => r.grade === null).map((r) => r.termYear);
      notes.push({
        severity: missing.length ? "warning" : "info",
        message: {
          zh: `期满：应进行期末考核（三年共达标${term.reduce((a, r) => a + (r.met ?? 0), 0)}项${missing.length ? `；第${missing.join("、")}年考核结果缺失` : ""}）`,
          en: `term ended: the end-of-term assessment is due (${term.reduce((a, r) => a + (r.met ?? 0), 0)} standards met over the term${missing.length ? `; no grade for year ${missing.join(", ")}` : ""})`,
        },
        source: ARTICLE_TERM,
      });
    }
    let status: Status = "ok";
    for (const n of notes) status = worst(status, n.severity);
    for (const r of rows) status = worst(status, r.status);
    studios.push({
      studio,
      names,
      host,
      plaqueDate,
      years: rows,
      termEnded,
      revocationRisk: rows.some((r) => r.revocationRisk),
      priority: rows.some((r) => r.priority),
      totals: {
        met: rows.slice(0, years).reduce((a, r) => a + (r.met ?? 0), 0),
        subsidy: rows.reduce((a, r) => a + (r.subsidy ?? 0), 0),
        spent: Math.round(rows.reduce((a, r) => a + (r.spent ?? 0), 0) * 100) / 100,
      },
      status,
      notes,
    });
  }
  studios.sort((a, b) => (a.plaqueDate ?? Infinity) - (b.plaqueDate ?? Infinity) || a.studio.localeCompare(b.studio, "zh"));

  return {
    studios,
    names: ids.doubtful,
    sources: facts.sources,
    problems,
    readings: [
      { id: "revocation", text: readingText(readings.revocation), source: "第十七条", choice: readings.revocation },
      { id: "term-years", text: { zh: "挂牌当年的年度为管理期第1年，此后每年度加1；预算报告在挂牌及每个周年日后的规定天数内报送", en: "the plaque's calendar year is year 1 of the term, each later year adds one; the budget report is due the set number of days after the plaque and each anniversary" }, source: "第四条、第二十条" },
      ...budget.interpretations.map((i) => ({ id: i.id, text: i.text, source: i.source })),
    ],
    budgets: facts.budgets.map(({ file, result }) => ({ file, result: withLedgerLimits(result, studios, (name) => ids.byName.get(name.trim())?.studio ?? null, budget, bParams) })),
  };
}

/** What the sheet alone says about a year's limit; the ledger, knowing the studio-year, says it instead. */
const LIMIT_CODES = new Set(["over-limit", "near-limit", "subsidy-undecided"]);

/**
 * A budget sheet's groups (studio × 年度) checked against the ledger's limit for that studio-year
 * where the ledger knows it — 0 after a 不合格, 0 past the subsidy years — instead of the sheet's
 * own reading. Groups the ledger cannot place keep the sheet's own check; when it places all of
 * them, the sheet's note that the term was not checked is answered and dropped.
 */
function withLedgerLimits(result: SheetResult, studios: StudioTerm[], studioOf: (name: string) => string | null, budget: Pack, params: ParamOverrides | undefined): SheetResult {
  const b = budgetOf(budget);
  const warn = paramValue(budget, b.warnRatio, params);
  let placed = 0;
  const groups = result.groups.map((g) => {
    const name = typeof g.key.studio === "string" ? studioOf(g.key.studio) : null;
    const st = name === null ? undefined : studios.find((s) => s.studio === name);
    const row = st?.years.find((y) => y.year !== null && y.year === g.key.year);
    if (!row || row.limit === null || row.subsidy === null) return g;
    placed++;
    const limit = row.limit;
    const group = `${Object.values(g.key).filter((v) => v !== "").join(" ")}（管理期第${row.termYear}年）`;
    const source = row.subsidy === 0 ? b.noSubsidySource : b.subsidySource;
    const basis = {
      basis: `周期台账：补助${formatMoney(row.subsidy)}＋配套经费${formatMoney(row.matching ?? 0)}`,
      basisEn: `term ledger: subsidy ${formatMoney(row.subsidy)} + matching ${formatMoney(row.matching ?? 0)}`,
    };
    const issues = g.issues.filter((i) => !LIMIT_CODES.has(i.code));
    if (g.spent > limit) issues.push(makeIssue("over-limit", { group, spent: formatMoney(g.spent), limit: formatMoney(limit), ...basis }, { source }));
    else if (limit > 0 && g.spent > warn * limit) issues.push(makeIssue("near-limit", { group, spent: formatMoney(g.spent), limit: formatMoney(limit), ratio: `${Math.round((g.spent / limit) * 100)}%`, ...basis }, { source }));
    let status: Status = "ok";
    for (const i of issues) status = worst(status, i.severity);
    return { ...g, limit, issues, status };
  });
  const problems = placed === result.groups.length ? result.problems.filter((p) => p.code !== "subsidy-unverified") : result.problems;
  return { ...result, groups, problems };
}
