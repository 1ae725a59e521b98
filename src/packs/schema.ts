/**
 * The rule-pack schema. A pack is data (JSON) an official can edit; this schema is the single
 * source of its types and its validation. `parsePack` refuses a bad pack with one message per
 * mistake, naming the place in the pack and the problem in words an official can follow.
 */
import { z } from "zod";

const text2 = z.object({ zh: z.string().min(1), en: z.string().min(1) });

const id = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, { message: "编号只能用字母、数字、_ 或 -（id: letters, digits, _ or - only）" });

/** How a cell of this field is read (see engine/values.ts). */
export const fieldTypeSchema = z.enum([
  "count", // non-negative whole number: 3, ３, 3项, 三
  "number", // any number: 2.7, 50平方米
  "money", // amount in yuan: ¥3,000.00, 1.2万元
  "yesno", // 是/否, √/×, Y/N …
  "yesnoOrNumber", // 是 counts as met, or a number > 0 (standard 十: 配套经费)
  "text",
  "date", // 2024-09-01, 2024年9月1日, Excel serial
  "year", // 2024, 2024年度
]);

export const fieldSchema = z.object({
  id,
  /** The header officials usually type; matched after normalisation. */
  label: z.string().min(1),
  labelEn: z.string().min(1),
  /** Other headers meaning the same column. */
  synonyms: z.array(z.string().min(1)).default([]),
  /** A header that begins with one of these (after normalisation) is this field, e.g. "(四)", "标准四". */
  markers: z.array(z.string().min(1)).default([]),
  /**
   * The field's key terms, as the regulation words it: a header carrying every `+` group (any `|`
   * word of each), wherever the words stand, units and brackets aside, names this field —
   * "学校+类别|类型|性质" matches 学校类别 and 申报学校的办学性质. Weaker than a synonym.
   */
  terms: z.array(z.string().min(1)).default([]),
  type: fieldTypeSchema,
  /**
   * How the field is worked out when the sheet has no column for it but has the columns it comes
   * from: days from one date to another (新闻撰写用时 from 返校日期 and 新闻完成日期).
   */
  derive: z
    .union([
      z.object({ daysBetween: z.tuple([z.string().min(1), z.string().min(1)]) }).strict(),
      /** How many columns of a repeated field's group are filled (学月反思篇数 from 9月…12月反思字数). */
      z.object({ filledOf: z.string().min(1) }).strict(),
      /** How many columns a repeated field's group has (学期月数: one reflection a month). */
      z.object({ groupSize: z.string().min(1) }).strict(),
    ])
    .optional(),
  /** Naming the record (studio, school, teacher): used for the record's label. */
  role: z.enum(["label"]).optional(),
  /**
   * What a template's drop-down offers for this text field: whole values an official picks
   * (一等奖, 中级), each decided by the pack's own vocabulary — never a fragment it matches on
   * (第一, 非). Other values may still be typed; they are read as always.
   */
  choices: z.array(z.string().min(1)).min(1).optional(),
});

/** A threshold an official may change for a workbook. */
export const paramSchema = z.object({
  id,
  label: text2,
  value: z.number().finite(),
  min: z.number().finite().optional(),
  max: z.number().finite().optional(),
  unit: z.string().optional(),
  source: z.string().min(1),
  /** Set when the value is the project's reading of an ambiguous text (标准七 has no number). */
  interpretation: z.string().optional(),
});

/** A number in a test: literal, or a reference to one of the pack's params. */
export const amountSchema = z.union([z.number().finite(), z.object({ param: z.string().min(1) }).strict()]);
export type Amount = z.infer<typeof amountSchema>;

/** The right side of a comparison: a number, a param, or another field of the same record. */
export const operandSchema = z.union([amountSchema, z.object({ field: z.string().min(1) }).strict()]);
export type Operand = z.infer<typeof operandSchema>;

/** The test forms, over X: the extra form a test may take (a reading node in a pack, nothing once resolved). */
type TestOf<X> =
  | { cmp: ">=" | ">" | "<=" | "<" | "=" | "!="; field: string; value: Operand }
  | { yes: string }
  | { textIn: string; values: string[] }
  | VocabTest
  | { withinYears: string; of: string; years: Amount; by?: "date" | "calendarYear" }
  | { anyOf: TestOf<X>[] }
  | { allOf: TestOf<X>[] }
  | { atLeast: Amount; of: TestOf<X>[] }
  | { if: TestOf<X>; then: TestOf<X>; else?: TestOf<X> }
  | X;

/**
 * A text checked against explicit lists (titles, levels, roles, contests): a word of `fail` fails
 * (checked first: 小学一级教师 before 一级教师, 非骨干 before 骨干), a word of `pass` passes, anything
 * else is for a person to check (需核实) — never passed. `ignore` words are taken out first
 * (城市, 市区: not 市级). Compared without spaces, in half width, in lower case.
 */
export interface VocabTest {
  vocab: string;
  pass: string[];
  fail: string[];
  ignore?: string[];
}

/**
 * A test that depends on how an ambiguous text is read: the case of the reading an official chose
 * for the interpretation `reading` (its first option by default). Resolved before a pack is
 * compiled (engine/interpretations.ts), so the evaluation never sees one.
 */
export interface ReadingTest {
  reading: string;
  cases: Record<string, Test>;
}

export type Test = TestOf<ReadingTest>;
/** A test with every reading resolved: what the evaluation compiles. */
export type PlainTest = TestOf<never>;

/** The small declarative test language: comparisons, yes-words, text lists, recency, any/all/count, if, readings. */
export const testSchema: z.ZodType<Test> = z.lazy(() =>
  z.union([
    z.object({ cmp: z.enum([">=", ">", "<=", "<", "=", "!="]), field: z.string().min(1), value: operandSchema }).strict(),
    z.object({ yes: z.string().min(1) }).strict(),
    z.object({ textIn: z.string().min(1), values: z.array(z.string().min(1)).min(1) }).strict(),
    z.object({ vocab: z.string().min(1), pass: z.array(z.string().min(1)).min(1), fail: z.array(z.string().min(1)), ignore: z.array(z.string().min(1)).optional() }).strict(),
    /** `by` "date" (default): with full dates, within N years of the other date; "calendarYear": the N calendar years up to and including the other's. */
    z.object({ withinYears: z.string().min(1), of: z.string().min(1), years: amountSchema, by: z.enum(["date", "calendarYear"]).optional() }).strict(),
    z.object({ anyOf: z.array(testSchema).min(1) }).strict(),
    z.object({ allOf: z.array(testSchema).min(1) }).strict(),
    z.object({ atLeast: amountSchema, of: z.array(testSchema).min(1) }).strict(),
    z.object({ if: testSchema, then: testSchema, else: testSchema.optional() }).strict(),
    z.object({ reading: z.string().min(1), cases: z.record(z.string(), testSchema) }).strict(),
  ]),
);

/**
 * A place where the regulation leaves room for reading: what the text says, the reading the pack
 * applies, and the readings an official may choose instead (规则 tab; recorded with the check as
 * interpretation id → option id, next to the thresholds).
 */
export const interpretationSchema = z.object({
  id,
  /** The reading applied by default, in words an official can follow. */
  text: text2,
  source: z.string().nullable(),
  /** What the regulation itself says there, quoted. */
  says: z.string().optional(),
  /** The readings one may choose, the default first; empty when the reading is fixed or only its numbers (thresholds) change. */
  options: z.array(z.object({ id, label: text2 })).default([]),
  /** The pack supplies a number or a rule the text does not give (the 90 % warning, 2000 字, 8–12 members): shown as the tool's, not the regulation's. */
  invented: z.boolean().default(false),
});

export const criterionSchema = z.object({
  /** Short id shown to officials: "四" for 第十六条（四）, "host-title" elsewhere. */
  id: z.string().min(1),
  name: text2,
  source: z.string().min(1),
  /** The words of the regulation (or the plan) the criterion checks, quoted. */
  quote: z.string().optional(),
  test: testSchema,
  /** A 是/否 column that states the criterion directly (the one-column-per-standard layout). */
  flag: z.string().optional(),
  /** A failed error-criterion makes the record fail; a failed warning-criterion only warns. */
  severity: z.enum(["error", "warning"]).default("error"),
  /** Id of a pack interpretation this criterion applies. */
  interpretation: z.string().optional(),
});

/** A kind of sheet the pack understands; its required fields decide which layout a sheet is. */
export const layoutSchema = z.object({
  id,
  label: text2,
  /** Words in a sheet name or title that point to this layout (学校, 主持人, 成员). */
  sheetHints: z.array(z.string()).default([]),
  required: z.array(z.string()).min(1),
  /** Criteria evaluated for records of this layout; all criteria when absent. */
  criteria: z.array(z.string()).optional(),
  /** Record-count bounds for the sheet (about 10 members: fewer than 8 or more than 12 warns). */
  count: z
    .object({ min: amountSchema.optional(), max: amountSchema.optional(), severity: z.enum(["error", "warning"]), source: z.string().min(1) })
    .optional(),
});

export const gradeBandSchema = z.object({
  min: amountSchema,
  grade: z.string().min(1),
  gradeEn: z.string().min(1),
  status: z.enum(["ok", "warning", "error"]),
  /** The article the grade comes from (第十六条). */
  source: z.string().optional(),
  /** What the grade means for the studio, each with its article (第十七、十八、二十二条): shown wherever the grade is. */
  consequences: z.array(z.object({ text: text2, source: z.string().min(1) })).default([]),
});

export const outcomeSchema = z.discriminatedUnion("kind", [
  /** Count met criteria; the first band (highest min first) whose min is reached gives the grade. */
  z.object({ kind: z.literal("grade"), bands: z.array(gradeBandSchema).min(1) }),
  /** Every error-criterion must hold: pass / fail words. */
  z.object({
    kind: z.literal("all"),
    pass: z.string().min(1),
    passEn: z.string().min(1),
    fail: z.string().min(1),
    failEn: z.string().min(1),
    /** A record none of whose conditions failed but one of which could not be checked (its column is missing). */
    unknown: z.string().min(1).default("需核实"),
    unknownEn: z.string().min(1).default("To be verified"),
  }),
  /** No per-record verdict beyond the checks (budget rows). */
  z.object({ kind: z.literal("checks") }),
]);

export const budgetCategorySchema = z.object({
  name: z.string().min(1),
  nameEn: z.string().min(1),
  synonyms: z.array(z.string().min(1)).default([]),
  source: z.string().min(1),
  /** Rows of this category whose purpose mentions none of these words get a warning (课时费: 送教/帮扶/讲学…). */
  purposeWords: z.array(z.string().min(1)).optional(),
  /** Key terms: a longer word containing one (the longest wins) is this category — 材料购置费 → 教学资源费. */
  terms: z.array(z.string().min(2)).default([]),
});

/**
 * Spending outside 第二十一条's scope, as words: the rule matches a category or purpose text that
 * holds one word of every group ([[购置, 购买], [设备, 打印机]] is buying equipment), after the
 * longer words in `unless` are taken out (福利院 is not 福利).
 */
export const forbiddenRuleSchema = z.object({
  id,
  words: z.array(z.array(z.string().min(1)).min(1)).min(1),
  unless: z.array(z.string().min(1)).default([]),
  reason: text2,
  source: z.string().min(1),
  /** The interpretation this rule rests on, when the text does not name the item (慰问, 烟酒, 旅游). */
  interpretation: z.string().optional(),
});

export const budgetSchema = z.object({
  categories: z.array(budgetCategorySchema).min(1),
  forbidden: z.array(forbiddenRuleSchema).default([]),
  source: z.string().min(1),
  /** Which fields carry what. */
  fields: z.object({
    category: z.string(),
    amount: z.string(),
    purpose: z.string().optional(),
    matching: z.string().optional(),
    /** Which year of the term the line's year is (1–3), and the grade of the year before: they decide the year's subsidy. */
    termYear: z.string().optional(),
    previousGrade: z.string().optional(),
  }),
  /** Records are grouped by these fields (studio and year) to compare spending with the limit. */
  groupBy: z.array(z.string()).min(1),
  /** Limit per group = subsidy + matching funds. */
  subsidy: amountSchema,
  subsidySource: z.string().min(1),
  warnRatio: amountSchema,
  /** Years a studio receives the subsidy (第十九条: 3 consecutive years). */
  subsidyYears: amountSchema,
  noSubsidySource: z.string().min(1),
  /** Days after the plaque the budget report is due (第二十条). */
  reportDueDays: amountSchema,
  reportDueSource: z.string().min(1),
});

export const packSchema = z.object({
  id,
  name: text2,
  description: text2,
  /** The regulation the pack encodes. */
  document: z.string().min(1),
  /** What one row is ("一行 = 一个工作室一个考核年度"). */
  recordIs: text2,
  fields: z.array(fieldSchema).min(1),
  params: z.array(paramSchema).default([]),
  interpretations: z.array(interpretationSchema).default([]),
  layouts: z.array(layoutSchema).min(1),
  criteria: z.array(criterionSchema).default([]),
  outcome: outcomeSchema,
  budget: budgetSchema.optional(),
});

export type Pack = z.infer<typeof packSchema>;
export type PackInput = z.input<typeof packSchema>;
export type Field = z.infer<typeof fieldSchema>;
export type FieldType = z.infer<typeof fieldTypeSchema>;
export type Param = z.infer<typeof paramSchema>;
export type Criterion = z.infer<typeof criterionSchema>;
export type Layout = z.infer<typeof layoutSchema>;
export type Outcome = z.infer<typeof outcomeSchema>;
export type GradeBand = z.infer<typeof gradeBandSchema>;
export type Budget = z.infer<typeof budgetSchema>;
export type Interpretation = z.infer<typeof interpretationSchema>;
export type BudgetCategory = z.infer<typeof budgetCategorySchema>;
export type ForbiddenRule = z.infer<typeof forbiddenRuleSchema>;

export interface PackProblem {
  /** Where in the pack, e.g. "criteria[3].test.field". */
  path: string;
  message: { zh: string; en: string };
}

export type PackParse = { ok: true; pack: Pack } | { ok: false; errors: PackProblem[] };

function pathText(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || "(整个规则包)";
}

const TEST_FORMS = "cmp、yes、textIn、vocab、withinYears、anyOf、allOf、atLeast、if、reading";

/**
 * A test that fits none of the forms fails as one opaque "invalid union". Officials need the
 * mistake inside the form they meant, so pick the branch that recognised the keys and report its
 * issues; when no branch did, say which forms exist.
 */
function flattenIssues(issues: readonly z.core.$ZodIssue[], base: PropertyKey[]): { path: PropertyKey[]; issue: z.core.$ZodIssue }[] {
  const out: { path: PropertyKey[]; issue: z.core.$ZodIssue }[] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    if (issue.code !== "invalid_union" || !issue.errors.length) {
      out.push({ path, issue });
      continue;
    }
    const branches = issue.errors.filter((b) => !b.some((i) => i.code === "unrecognized_keys" && i.path.length === 0));
    const best = branches.sort((a, b) => a.length - b.length)[0];
    if (best) out.push(...flattenIssues(best, path));
    else out.push({ path, issue: { ...issue, errors: [] } });
  }
  return out;
}

function issueText(issue: z.core.$ZodIssue, lang: "zh" | "en"): string {
  if (issue.code === "invalid_union")
    return lang === "zh" ? `写法不对：应为 ${TEST_FORMS} 中的一种` : `not a known form: use one of ${TEST_FORMS.replace(/、/g, ", ")}`;
  return issue.message;
}

type Loose = Record<string, unknown>;
const list = (v: unknown): Loose[] => (Array.isArray(v) ? v.filter((x): x is Loose => typeof x === "object" && x !== null) : []);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/**
 * References between parts of the pack (fields, params, criteria, interpretations) that the
 * shapes alone cannot check. Written over loose input so a pack with shape mistakes still gets
 * every reference mistake reported in the same pass.
 */
function referenceProblems(pack: Loose): PackProblem[] {
  const problems: PackProblem[] = [];
  const ids = (v: unknown) => list(v).map((x) => str(x.id)).filter((x): x is string => !!x);
  const fields = new Set(ids(pack.fields));
  const params = new Set(ids(pack.params));
  const interps = new Set(ids(pack.interpretations));
  const criteria = new Set(ids(pack.criteria));
  const add = (path: string, zh: string, en: string) => problems.push({ path, message: { zh, en } });
  const dupes = (key: string, what: string, whatEn: string) => {
    const seen = new Set<string>();
    list(pack[key]).forEach((x, i) => {
      const v = str(x.id);
      if (v === undefined) return;
      if (seen.has(v)) add(`${key}[${i}].id`, `${what}编号“${v}”重复了`, `${whatEn} id "${v}" is used twice`);
      seen.add(v);
    });
  };
  dupes("fields", "字段", "field");
  dupes("params", "参数", "param");
  dupes("criteria", "标准", "criterion");
  const field = (ref: unknown, path: string) => {
    const r = str(ref);
    if (r !== undefined && !fields.has(r)) add(path, `引用了不存在的字段“${r}”`, `refers to field "${r}", which the pack does not define`);
  };
  const amount = (a: unknown, path: string) => {
    const p = typeof a === "object" && a !== null ? str((a as Loose).param) : undefined;
    if (p !== undefined && !params.has(p)) add(path, `引用了不存在的参数“${p}”`, `refers to param "${p}", which the pack does not define`);
  };
  const walk = (t: unknown, path: string): void => {
    if (typeof t !== "object" || t === null) return;
    const o = t as Loose;
    if ("cmp" in o) {
      field(o.field, `${path}.field`);
      amount(o.value, `${path}.value`);
      if (typeof o.value === "object" && o.value !== null) field((o.value as Loose).field, `${path}.value.field`);
    }
    if ("yes" in o) field(o.yes, `${path}.yes`);
    if ("textIn" in o) field(o.textIn, `${path}.textIn`);
    if ("vocab" in o) field(o.vocab, `${path}.vocab`);
    if ("withinYears" in o) (field(o.withinYears, `${path}.withinYears`), field(o.of, `${path}.of`), amount(o.years, `${path}.years`));
    for (const k of ["anyOf", "allOf", "of"]) if (Array.isArray(o[k])) (o[k] as unknown[]).forEach((s, i) => walk(s, `${path}.${k}[${i}]`));
    if ("atLeast" in o) amount(o.atLeast, `${path}.atLeast`);
    for (const k of ["if", "then", "else"]) if (k in o) walk(o[k], `${path}.${k}`);
    if ("reading" in o) {
      const r = str(o.reading);
      const it = list(pack.interpretations).find((x) => x.id === r);
      if (r !== undefined && !it) add(`${path}.reading`, `引用了不存在的解释“${r}”`, `refers to interpretation "${r}", which the pack does not define`);
      const cases = typeof o.cases === "object" && o.cases !== null ? (o.cases as Loose) : {};
      const options = it ? list(it.options).map((x) => str(x.id)) : [];
      if (it && !options.length) add(`${path}.reading`, `解释“${r}”没有可选的理解（options）`, `interpretation "${r}" has no options to choose from`);
      for (const op of options) if (op && !(op in cases)) add(`${path}.cases`, `缺少解释“${r}”的理解“${op}”`, `no case for option "${op}" of interpretation "${r}"`);
      for (const [k, v] of Object.entries(cases)) {
        if (it && !options.includes(k)) add(`${path}.cases.${k}`, `解释“${r}”没有理解“${k}”`, `interpretation "${r}" has no option "${k}"`);
        walk(v, `${path}.cases.${k}`);
      }
    }
  };
  const interp = (ref: unknown, path: string) => {
    const r = str(ref);
    if (r !== undefined && !interps.has(r)) add(path, `引用了不存在的解释“${r}”`, `refers to interpretation "${r}", which the pack does not define`);
  };
  list(pack.fields).forEach((f, i) => {
    const d = (f.derive ?? {}) as Loose;
    if (Array.isArray(d.daysBetween)) d.daysBetween.forEach((r, j) => field(r, `fields[${i}].derive.daysBetween[${j}]`));
    field(d.filledOf, `fields[${i}].derive.filledOf`);
    field(d.groupSize, `fields[${i}].derive.groupSize`);
  });
  list(pack.criteria).forEach((c, i) => {
    walk(c.test, `criteria[${i}].test`);
    field(c.flag, `criteria[${i}].flag`);
    interp(c.interpretation, `criteria[${i}].interpretation`);
  });
  list(pack.params).forEach((p, i) => {
    interp(p.interpretation, `params[${i}].interpretation`);
    const v = p.value;
    if (typeof v === "number" && ((typeof p.min === "number" && v < p.min) || (typeof p.max === "number" && v > p.max)))
      add(`params[${i}].value`, `参数“${String(p.id)}”的值 ${v} 超出允许范围`, `param "${String(p.id)}" value ${v} is outside its allowed range`);
  });
  list(pack.layouts).forEach((l, i) => {
    (Array.isArray(l.required) ? l.required : []).forEach((f, j) => field(f, `layouts[${i}].required[${j}]`));
    (Array.isArray(l.criteria) ? l.criteria : []).forEach((c, j) => {
      const r = str(c);
      if (r !== undefined && !criteria.has(r)) add(`layouts[${i}].criteria[${j}]`, `引用了不存在的标准“${r}”`, `refers to criterion "${r}", which the pack does not define`);
    });
    const count = (l.count ?? {}) as Loose;
    amount(count.min, `layouts[${i}].count.min`);
    amount(count.max, `layouts[${i}].count.max`);
  });
  const outcome = (pack.outcome ?? {}) as Loose;
  if (outcome.kind === "grade") {
    list(outcome.bands).forEach((b, i) => amount(b.min, `outcome.bands[${i}].min`));
    if (!list(pack.criteria).length) add("criteria", "按条数评等级的规则包至少要有一条标准", "a graded pack needs at least one criterion");
  }
  if (typeof pack.budget === "object" && pack.budget !== null) {
    const b = pack.budget as Loose;
    const bf = (b.fields ?? {}) as Loose;
    for (const k of ["category", "amount", "purpose", "matching", "termYear", "previousGrade"]) field(bf[k], `budget.fields.${k}`);
    (Array.isArray(b.groupBy) ? b.groupBy : []).forEach((g, i) => field(g, `budget.groupBy[${i}]`));
    list(b.forbidden).forEach((f, i) => interp(f.interpretation, `budget.forbidden[${i}].interpretation`));
    for (const k of ["subsidy", "warnRatio", "subsidyYears", "reportDueDays"]) amount(b[k], `budget.${k}`);
  }
  return problems;
}

/** Validates a pack: every shape mistake and every broken reference, one message each, in both languages. */
export function parsePack(input: unknown): PackParse {
  const zh = packSchema.safeParse(input, { error: z.locales.zhCN().localeError });
  const loose = typeof input === "object" && input !== null && !Array.isArray(input) ? (input as Loose) : null;
  const refs = loose ? referenceProblems(loose) : [];
  if (zh.success && !refs.length) return { ok: true, pack: zh.data };
  const errors: PackProblem[] = [];
  if (!zh.success) {
    const en = packSchema.safeParse(input, { error: z.locales.en().localeError });
    const zhIssues = flattenIssues(zh.error.issues, []);
    const enIssues = en.success ? [] : flattenIssues(en.error.issues, []);
    zhIssues.forEach(({ path, issue }, i) =>
      errors.push({ path: pathText(path), message: { zh: issueText(issue, "zh"), en: enIssues[i] ? issueText(enIssues[i].issue, "en") : issue.message } }),
    );
  }
  const seen = new Set(errors.map((e) => e.path));
  for (const r of refs) if (!seen.has(r.path)) errors.push(r);
  return { ok: false, errors };
}

/** One line per problem, for logs and the command line. */
export function describePackProblems(packName: string, errors: PackProblem[]): string {
  return errors.map((e) => `规则包“${packName}”的 ${e.path}：${e.message.zh}（${e.message.en}）`).join("\n");
}
