/**
 * Costs that grow with the sheet, not faster: each output of the command line (the table, the
 * JSON, the report, the annotated copy) over a real .xlsx of 5,000 and of 20,000 rows, built as
 * the command line builds them (the verdicts a worker sends, wire.ts, then each output from them). Four times
 * the rows must cost less than six times as much — a quadratic step (a string spliced per row, a
 * list searched per record) costs sixteen times. Cost is CPU time (every thread of this process),
 * measured as support/cost-ratio.ts does (after a collection, sizes in turn, the least of each), so
 * a busy machine's waiting does not count. Not a timer: no absolute figure is asserted.
 */
import { checkWorkbook } from "../src/file/check";
import { builtinPacks } from "../src/packs";
import { reportBytes, sheetJsonText, sheetTable } from "../src/cli/render";
import { annotatedCopy } from "../src/file/copy";
import { copyMismatch } from "../src/file/resave";
import { buildXlsx } from "./support/xlsx-build";
import { useNodeInflate } from "../src/file/node/inflate";
import { useNodeDeflate } from "../src/file/node/deflate";
import { costRatio } from "./support/cost-ratio";

// The codecs of the command line's workers (Node's zlib), as the outputs are built there.
useNodeInflate();
useNodeDeflate();

const HEADERS = ["工作室名称", "国家级科技比赛获奖数", "全国专项赛事获奖数", "参加青少年科技活动项数", "省级一等奖（项）", "省级二等奖（项）", "帮扶薄弱学校数", "参加科普周/科普日/承办竞赛次数", "市级创新大赛获奖数", "培训场次(场)", "新增骨干成员 数", "单位配套经费（元）"];

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
const cell = (ref: string, v: string | number | null) => (v === null ? "" : typeof v === "number" ? `<c r="${ref}"><v>${v}</v></c>` : `<c r="${ref}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`);

/** An assessment sheet typed as offices type it: numbers, 3项, full-width digits, 二, blanks and a few unreadable cells. */
function workbook(rows: number): Uint8Array {
  const out: string[] = [`<row r="1">${cell("A1", "2024年度考核汇总表")}</row>`, `<row r="2">${HEADERS.map((h, j) => cell(`${String.fromCharCode(65 + j)}2`, h)).join("")}</row>`];
  for (let i = 0; i < rows; i++) {
    const r = i + 3;
    const forms = (n: number, k: number): string | number | null => [n, `${n}项`, String.fromCharCode(0xff10 + n), "二", null, "若干", n + 1][(i * 7 + k * 3) % 7];
    const values: (string | number | null)[] = [`工作室${i + 1}`, ...Array.from({ length: 10 }, (_, k) => forms((i + k) % 4, k)), i % 2 ? "¥5,000.00" : "是"];
    out.push(`<row r="${r}">${values.map((v, j) => cell(`${String.fromCharCode(65 + j)}${r}`, v)).join("")}</row>`);
  }
  return buildXlsx({ sheets: [{ name: "考核", xml: out.join("") }] });
}

const SMALL = 5_000;
const LARGE = 20_000;
const books = { small: workbook(SMALL), large: workbook(LARGE) };
const checked = (bytes: Uint8Array, plans = false) => {
  const r = checkWorkbook(bytes, builtinPacks(), { plans });
  if (!r.ok) throw new Error(r.error.message);
  return r.sheets;
};

/** Each output's cost at both sizes, the check included (reading and verdicts are linear; bench:cli times them apart). */
async function ratio(output: (bytes: Uint8Array) => () => unknown): Promise<number> {
  return (await costRatio(output(books.small), output(books.large), { limit: 6 })).ratio;
}

// Each run checks afresh: a record explains itself once, when first read, and that is the output's work.
test("the table: 4× the rows cost under 6×", async () => {
  const r = await ratio((bytes) => () => {
    const [s] = checked(bytes);
    return sheetTable("f.xlsx", s.result).length;
  });
  expect(r).toBeLessThan(6);
}, 600_000);

test("the JSON: 4× the rows cost under 6×", async () => {
  const r = await ratio((bytes) => () => {
    const [s] = checked(bytes);
    return sheetJsonText("f.xlsx", s.result, { messages: true }).length;
  });
  expect(r).toBeLessThan(6);
}, 600_000);

test("the report: 4× the rows cost under 6×", async () => {
  const r = await ratio((bytes) => () => {
    const [s] = checked(bytes);
    return reportBytes([{ file: "f.xlsx", result: s.result }]).length;
  });
  expect(r).toBeLessThan(6);
}, 600_000);

test("the annotated copy, compared back with the original: 4× the rows cost under 6×", async () => {
  const r = await ratio((bytes) => () => {
    const sheets = checked(bytes, true);
    const plans = sheets.map((s) => s.plan!);
    const out = annotatedCopy(bytes, { plans, sheets: [], replaced: [], records: [], addin: {} }, { verify: false });
    if (!("copy" in out)) throw new Error(out.error.message);
    expect(copyMismatch(out.base, out.copy, out.plans, out.sheets)).toBeNull();
    return out.copy.length;
  });
  expect(r).toBeLessThan(6);
}, 600_000);
