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
  type: fieldTypeSchema,
  /** Naming the record (studio, school, teacher): used for the record's label. */
  role: z.enum(["label"]).optional(),
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

export type Test =
  | { cmp: ">=" | ">" | "<=" | "<" | "=" | "!="; field: string; value: Amount }
  | { yes: string }
  | { textIn: string; values: string[] }
  | { withinYears: string; of: string; years: Amount }
  | { anyOf: Test[] }
  | { allOf: Test[] }
  | { atLeast: Amount; of: Test[] }
  | { if: Test; then: Test; else?: Test };

/** The small declarative test language: comparisons, yes-words, text lists, recency, any/all/count, if. */
export const testSchema: z.ZodType<Test> = z.lazy(() =>
  z.union([
    z.object({ cmp: z.enum([">=", ">", "<=", "<", "=", "!="]), field: z.string().min(1), value: amountSchema }).strict(),
    z.object({ yes: z.string().min(1) }).strict(),
    z.object({ textIn: z.string().min(1), values: z.array(z.string().min(1)).min(1) }).strict(),
    z.object({ withinYears: z.string().min(1), of: z.string().min(1), years: amountSchema }).strict(),
    z.object({ anyOf: z.array(testSchema).min(1) }).strict(),
    z.object({ allOf: z.array(testSchema).min(1) }).strict(),
    z.object({ atLeast: amountSchema, of: z.array(testSchema).min(1) }).strict(),
    z.object({ if: testSchema, then: testSchema, else: testSchema.optional() }).strict(),
  ]),
);

export const criterionSchema = z.object({
  /** Short id shown to officials: "四" for 第十六条（四）, "host-title" elsewhere. */
  id: z.string().min(1),
  name: text2,
  source: z.string().min(1),
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
  /** What the grade means for the studio (第二十二条: no subsidy next year). */
  consequence: text2.optional(),
  source: z.string().optional(),
});

export const outcomeSchema = z.discriminatedUnion("kind", [
  /** Count met criteria; the first band (highest min first) whose min is reached gives the grade. */
  z.object({ kind: z.literal("grade"), bands: z.array(gradeBandSchema).min(1) }),
  /** Every error-criterion must hold: pass / fail words. */
  z.object({ kind: z.literal("all"), pass: z.string().min(1), passEn: z.string().min(1), fail: z.string().min(1), failEn: z.string().min(1) }),
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
});

export const budgetSchema = z.object({
  categories: z.array(budgetCategorySchema).min(1),
  forbidden: z.array(z.object({ word: z.string().min(1), reason: text2 })).default([]),
  source: z.string().min(1),
  /** Which fields carry what. */
  fields: z.object({
    category: z.string(),
    amount: z.string(),
    purpose: z.string().optional(),
    matching: z.string().optional(),
  }),
  /** Records are grouped by these fields (studio and year) to compare spending with the limit. */
  groupBy: z.array(z.string()).min(1),
  /** Limit per group = subsidy + matching funds. */
  subsidy: amountSchema,
  subsidySource: z.string().min(1),
  warnRatio: amountSchema,
  /** Years a studio receives the subsidy (第十九条: 3 consecutive years). */
  subsidyYears: amountSchema,
  /** Grade after which next year's subsidy is 0 (第二十二条). */
  noSubsidyAfterGrade: z.string().min(1),
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
  interpretations: z.array(z.object({ id, text: text2, source: z.string().nullable() })).default([]),
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
export type BudgetCategory = z.infer<typeof budgetCategorySchema>;

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

/** Field, param and criterion references that the schema's shapes cannot check by themselves. */
function referenceProblems(pack: Pack): PackProblem[] {
  const problems: PackProblem[] = [];
  const fields = new Set(pack.fields.map((f) => f.id));
  const params = new Set(pack.params.map((p) => p.id));
  const interps = new Set(pack.interpretations.map((i) => i.id));
  const criteria = new Set(pack.criteria.map((c) => c.id));
  const add = (path: string, zh: string, en: string) => problems.push({ path, message: { zh, en } });
  const dupes = (ids: string[], path: string, what: string, whatEn: string) => {
    const seen = new Set<string>();
    ids.forEach((v, i) => {
      if (seen.has(v)) add(`${path}[${i}].id`, `${what}编号“${v}”重复了`, `${whatEn} id "${v}" is used twice`);
      seen.add(v);
    });
  };
  dupes(pack.fields.map((f) => f.id), "fields", "字段", "field");
  dupes(pack.params.map((p) => p.id), "params", "参数", "param");
  dupes(pack.criteria.map((c) => c.id), "criteria", "标准", "criterion");
  const field = (ref: string, path: string) => {
    if (!fields.has(ref)) add(path, `引用了不存在的字段“${ref}”`, `refers to field "${ref}", which the pack does not define`);
  };
  const amount = (a: Amount, path: string) => {
    if (typeof a === "object" && !params.has(a.param))
      add(path, `引用了不存在的参数“${a.param}”`, `refers to param "${a.param}", which the pack does not define`);
  };
  const walk = (t: Test, path: string): void => {
    if ("cmp" in t) (field(t.field, `${path}.field`), amount(t.value, `${path}.value`));
    else if ("yes" in t) field(t.yes, `${path}.yes`);
    else if ("textIn" in t) field(t.textIn, `${path}.textIn`);
    else if ("withinYears" in t) (field(t.withinYears, `${path}.withinYears`), field(t.of, `${path}.of`), amount(t.years, `${path}.years`));
    else if ("anyOf" in t) t.anyOf.forEach((s, i) => walk(s, `${path}.anyOf[${i}]`));
    else if ("allOf" in t) t.allOf.forEach((s, i) => walk(s, `${path}.allOf[${i}]`));
    else if ("atLeast" in t) (amount(t.atLeast, `${path}.atLeast`), t.of.forEach((s, i) => walk(s, `${path}.of[${i}]`)));
    else (walk(t.if, `${path}.if`), walk(t.then, `${path}.then`), t.else && walk(t.else, `${path}.else`));
  };
  pack.criteria.forEach((c, i) => {
    walk(c.test, `criteria[${i}].test`);
    if (c.flag) field(c.flag, `criteria[${i}].flag`);
    if (c.interpretation && !interps.has(c.interpretation))
      add(`criteria[${i}].interpretation`, `引用了不存在的解释“${c.interpretation}”`, `refers to interpretation "${c.interpretation}", which the pack does not define`);
  });
  pack.params.forEach((p, i) => {
    if (p.interpretation && !interps.has(p.interpretation))
      add(`params[${i}].interpretation`, `引用了不存在的解释“${p.interpretation}”`, `refers to interpretation "${p.interpretation}", which the pack does not define`);
    if ((p.min !== undefined && p.value < p.min) || (p.max !== undefined && p.value > p.max))
      add(`params[${i}].value`, `参数“${p.id}”的值 ${p.value} 超出允许范围`, `param "${p.id}" value ${p.value} is outside its allowed range`);
  });
  pack.layouts.forEach((l, i) => {
    l.required.forEach((f, j) => field(f, `layouts[${i}].required[${j}]`));
    l.criteria?.forEach((c, j) => {
      if (!criteria.has(c)) add(`layouts[${i}].criteria[${j}]`, `引用了不存在的标准“${c}”`, `refers to criterion "${c}", which the pack does not define`);
    });
    if (l.count?.min !== undefined) amount(l.count.min, `layouts[${i}].count.min`);
    if (l.count?.max !== undefined) amount(l.count.max, `layouts[${i}].count.max`);
  });
  if (pack.outcome.kind === "grade") {
    pack.outcome.bands.forEach((b, i) => amount(b.min, `outcome.bands[${i}].min`));
    if (pack.criteria.length === 0) add("criteria", "按条数评等级的规则包至少要有一条标准", "a graded pack needs at least one criterion");
  }
  if (pack.budget) {
    const b = pack.budget;
    field(b.fields.category, "budget.fields.category");
    field(b.fields.amount, "budget.fields.amount");
    if (b.fields.purpose) field(b.fields.purpose, "budget.fields.purpose");
    if (b.fields.matching) field(b.fields.matching, "budget.fields.matching");
    b.groupBy.forEach((g, i) => field(g, `budget.groupBy[${i}]`));
    amount(b.subsidy, "budget.subsidy");
    amount(b.warnRatio, "budget.warnRatio");
    amount(b.subsidyYears, "budget.subsidyYears");
    amount(b.reportDueDays, "budget.reportDueDays");
  }
  return problems;
}

/** Validates a pack: shape first (messages in both languages), then references between its parts. */
export function parsePack(input: unknown): PackParse {
  const zh = packSchema.safeParse(input, { error: z.locales.zhCN().localeError });
  if (!zh.success) {
    const en = packSchema.safeParse(input, { error: z.locales.en().localeError });
    const enIssues = en.success ? [] : en.error.issues;
    return {
      ok: false,
      errors: zh.error.issues.map((issue, i) => ({
        path: pathText(issue.path),
        message: { zh: issue.message, en: enIssues[i]?.message ?? issue.message },
      })),
    };
  }
  const problems = referenceProblems(zh.data);
  return problems.length ? { ok: false, errors: problems } : { ok: true, pack: zh.data };
}

/** One line per problem, for logs and the command line. */
export function describePackProblems(packName: string, errors: PackProblem[]): string {
  return errors.map((e) => `规则包“${packName}”的 ${e.path}：${e.message.zh}（${e.message.en}）`).join("\n");
}
