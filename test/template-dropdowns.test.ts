/**
 * The submission template has real drop-downs and number formats wherever we write it: the
 * page's template download (writeWorkbook) and the template sheet added to an annotated copy
 * (resave.ts) — read back from the written XML: <dataValidation> with the right list and range,
 * <numFmt> declared and applied to the cells of the range, the file still opening with exceljs and
 * our reader. The pack's `choices` are whole values its own vocabulary decides, never 需核实.
 */
import * as fs from "fs";
import * as path from "path";
import ExcelJS from "exceljs";
import { unzipSync } from "fflate";
import { SaxesParser } from "saxes";
import { TEMPLATE_ROWS, templateFields, templateSheet } from "../src/engine/output";
import type { SheetPlan } from "../src/engine/host";
import { vocabJudge } from "../src/engine/readers";
import { builtinPacks, getPack } from "../src/packs";
import type { Pack, Test } from "../src/packs/schema";
import { FileWorkbookHost } from "../src/file/host";
import { fileDoor } from "../src/file/door";
import { writeWorkbook } from "../src/file/xlsx-write";
import { readWorkbook, sheetGrid } from "../src/file/xlsx-read";

const dec = new TextDecoder();
const EXAMPLE = path.resolve(__dirname, "..", "examples", "考核-证据数量.xlsx");

function wellFormed(xml: string): void {
  const p = new SaxesParser({ xmlns: true });
  p.on("error", (e) => {
    throw e;
  });
  p.write(xml).close();
}

/** Every part of the package, as text for the XML ones. */
function parts(bytes: Uint8Array): Record<string, string> {
  const z = unzipSync(bytes);
  return Object.fromEntries(Object.entries(z).filter(([k]) => /\.(xml|rels)$/.test(k)).map(([k, v]) => [k, dec.decode(v)]));
}

/** The worksheet part of the sheet named `name` (through workbook.xml and its relationships). */
function sheetPart(p: Record<string, string>, name: string): string {
  const wb = p["xl/workbook.xml"];
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const rid = new RegExp(`<sheet [^>]*name="${esc}"[^>]*r:id="([^"]+)"`).exec(wb)?.[1] ?? new RegExp(`<sheet [^>]*r:id="([^"]+)"[^>]*name="${esc}"`).exec(wb)?.[1];
  if (!rid) throw new Error(`no sheet ${name}`);
  const target = new RegExp(`Id="${rid}"[^>]*Target="([^"]+)"`).exec(p["xl/_rels/workbook.xml.rels"])?.[1] ?? new RegExp(`Target="([^"]+)"[^>]*Id="${rid}"`).exec(p["xl/_rels/workbook.xml.rels"])![1];
  return p[target.startsWith("/") ? target.slice(1) : `xl/${target}`];
}

interface Found {
  validations: { sqref: string; formula: string; errorStyle: string | null }[];
  /** cell → format code */
  formatOf: (cell: string) => string | null;
}

/** What the sheet XML and styles.xml say: the drop-downs and each cell's number format. */
function readBack(p: Record<string, string>, sheetXml: string): Found {
  const validations = [...sheetXml.matchAll(/<dataValidation ([^>]*)>\s*<formula1>([^<]*)<\/formula1>/g)].map((m) => ({
    sqref: /sqref="([^"]+)"/.exec(m[1])![1],
    formula: m[2].replace(/&quot;/g, '"').replace(/&amp;/g, "&"),
    errorStyle: /errorStyle="([^"]+)"/.exec(m[1])?.[1] ?? null,
  }));
  const styles = p["xl/styles.xml"];
  const custom = new Map([...styles.matchAll(/<numFmt [^>]*numFmtId="(\d+)"[^>]*formatCode="([^"]*)"/g)].map((m) => [Number(m[1]), m[2].replace(/&quot;/g, '"')]));
  const builtin: Record<number, string> = { 0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 14: "mm-dd-yy", 49: "@" };
  const xfs = /<cellXfs[^>]*>([\s\S]*?)<\/cellXfs>/.exec(styles)![1];
  const xfFmt = [...xfs.matchAll(/<xf ([^>]*?)\/?>/g)].map((m) => Number(/numFmtId="(\d+)"/.exec(m[1])?.[1] ?? 0));
  const colStyle = new Map<number, number>();
  for (const m of sheetXml.matchAll(/<col ([^>]*)\/>/g)) {
    const s = /style="(\d+)"/.exec(m[1]);
    if (!s) continue;
    const min = Number(/min="(\d+)"/.exec(m[1])![1]);
    const max = Number(/max="(\d+)"/.exec(m[1])![1]);
    for (let c = min; c <= max; c++) colStyle.set(c, Number(s[1]));
  }
  const cellStyle = new Map([...sheetXml.matchAll(/<c r="([A-Z]+\d+)"([^>]*?)\/?>/g)].map((m) => [m[1], Number(/ s="(\d+)"/.exec(m[2])?.[1] ?? 0)]));
  const colNo = (letters: string) => [...letters].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
  return {
    validations,
    formatOf: (cell) => {
      const st = cellStyle.get(cell) ?? colStyle.get(colNo(/^[A-Z]+/.exec(cell)![0]));
      if (st === undefined) return null;
      const id = xfFmt[st];
      return custom.get(id) ?? builtin[id] ?? null;
    },
  };
}

/** What a template plan promises, checked in the written sheet. */
function expectPlanIn(p: Record<string, string>, sheetXml: string, plan: SheetPlan): void {
  wellFormed(sheetXml);
  wellFormed(p["xl/styles.xml"]);
  const found = readBack(p, sheetXml);
  expect(found.validations.length).toBe(plan.validations!.length);
  for (const v of plan.validations!) {
    const dv = found.validations.find((x) => x.sqref === v.range);
    expect(dv).toBeDefined();
    expect(dv!.formula).toBe(`"${v.list.join(",")}"`);
    expect(dv!.errorStyle).toBe(v.allowOther ? "information" : null);
  }
  for (const f of plan.numberFormats!) {
    const [from, to] = f.range.split(":");
    for (const cell of [from, to, from.replace(/\d+$/, "200")]) expect([cell, found.formatOf(cell)]).toEqual([cell, f.format]);
  }
}

const fieldOf = (pack: Pack, plan: SheetPlan, range: string) => {
  const col = /^[A-Z]+/.exec(range)![0];
  const header = plan.rows[1][col.charCodeAt(0) - 65];
  return pack.fields.find((f) => f.label === header)!;
};

describe("the template's plan", () => {
  test.each(builtinPacks().map((p) => [p.name.zh, p] as const))("%s: 是/否 on every yes/no field, the pack's lists on the rest, a format on every typed field", (_, pack) => {
    const plan = templateSheet(pack);
    const fields = templateFields(pack);
    const last = 2 + TEMPLATE_ROWS;
    for (const [i, f] of fields.entries()) {
      const col = String.fromCharCode(65 + i);
      const dv = plan.validations!.find((v) => v.range === `${col}3:${col}${last}`);
      if (f.type === "yesno") expect(dv).toEqual({ range: `${col}3:${col}${last}`, list: ["是", "否"] });
      else if (pack.budget && f.id === pack.budget.fields.category) expect(dv).toEqual({ range: `${col}3:${col}${last}`, list: pack.budget.categories.map((c) => c.name), allowOther: true });
      else if (f.choices) expect(dv).toEqual({ range: `${col}3:${col}${last}`, list: f.choices, allowOther: true });
      else expect(dv).toBeUndefined();
    }
    expect(plan.validations!.every((v) => fieldOf(pack, plan, v.range))).toBe(true);
  });

  test("the application template offers titles, school types, prize levels and ranks to pick", () => {
    const pack = getPack("studio-application")!;
    const lists = (layout?: string) => {
      const plan = templateSheet(pack, layout);
      return new Map(plan.validations!.map((v) => [fieldOf(pack, plan, v.range).label, v.list]));
    };
    expect(lists().get("学校类型")).toContain("初级中学");
    expect(lists("host").get("专业技术职称")).toContain("高级教师");
    expect(lists("host").get("获奖等级")).toEqual(["特等奖", "一等奖", "二等奖", "三等奖", "优秀奖"]);
    expect(lists("member").get("骨干教师级别")).toContain("县（区）级");
  });
});

describe("every choice a drop-down offers is decided by the pack's own vocabulary", () => {
  const vocabTests = (t: Test, out: Test[]): Test[] => {
    if ("vocab" in t) out.push(t);
    for (const v of Object.values(t)) {
      if (Array.isArray(v)) v.forEach((x) => typeof x === "object" && x && vocabTests(x as Test, out));
      else if (typeof v === "object" && v) Object.values(v).forEach((x) => typeof x === "object" && x && vocabTests(x as Test, out));
    }
    if ("if" in t) [t.if, t.then, t.else].forEach((x) => x && vocabTests(x, out));
    return out;
  };
  const cases = builtinPacks().flatMap((pack) => pack.fields.filter((f) => f.choices).map((f) => [pack.name.zh, f.label, pack, f] as const));
  test("there are fields with choices", () => expect(cases.length).toBeGreaterThanOrEqual(7));
  test.each(cases)("%s %s", (_, __, pack, field) => {
    const tests = pack.criteria.flatMap((c) => vocabTests(c.test, [])).filter((t) => "vocab" in t && t.vocab === field.id);
    expect(tests.length).toBeGreaterThan(0);
    for (const t of tests) {
      if (!("vocab" in t)) continue;
      const judge = vocabJudge(t);
      const undecided = field.choices!.filter((c) => judge(c).word === null);
      expect(undecided).toEqual([]);
    }
  });
});

describe("written files carry the drop-downs and number formats", () => {
  test.each(builtinPacks().map((p) => [p.name.zh, p] as const))("%s: the template download (writeWorkbook)", async (_, pack) => {
    const plan = templateSheet(pack);
    const bytes = await fileDoor.template(pack);
    const p = parts(bytes);
    expectPlanIn(p, sheetPart(p, plan.name), plan);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes.slice().buffer as ArrayBuffer);
    expect(wb.getWorksheet(plan.name)!.getRow(2).values).toEqual([undefined, ...plan.rows[1]]);
  });

  test.each(builtinPacks().map((p) => [p.name.zh, p] as const))("%s: the template sheet added to an annotated copy", async (_, pack) => {
    const host = new FileWorkbookHost(new Uint8Array(fs.readFileSync(EXAMPLE)), "考核.xlsx");
    const plan = templateSheet(pack);
    const name = await host.writeSheet(plan);
    const copy = await fileDoor.annotated(host);
    const p = parts(copy);
    for (const [k, xml] of Object.entries(p)) {
      try {
        wellFormed(xml);
      } catch (e) {
        throw new Error(`${k}: ${(e as Error).message}`);
      }
    }
    expectPlanIn(p, sheetPart(p, name), plan);
    // It still opens: exceljs sees the drop-downs and formats, our reader the header.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(copy.slice().buffer as ArrayBuffer);
    const ws = wb.getWorksheet(name)!;
    const dv = (ws as unknown as { dataValidations: { model: Record<string, { type: string; formulae: string[] }> } }).dataValidations.model;
    for (const v of plan.validations!) expect([v.range, dv[v.range.split(":")[0]]?.type]).toEqual([v.range, "list"]);
    const fmt = plan.numberFormats![0];
    expect(ws.getCell(fmt.range.split(":")[0]).numFmt).toBe(fmt.format);
    const r = readWorkbook(copy);
    if (!r.ok) throw new Error(r.error.message);
    const g = sheetGrid(r.workbook.sheets.find((s) => s.name === name)!);
    if (!g.ok) throw new Error(g.error.message);
    expect(g.grid.rows[1]).toEqual(plan.rows[1]);
  });

  test("a list too long to be inline goes to a very hidden list sheet in a copy too", async () => {
    const host = new FileWorkbookHost(new Uint8Array(fs.readFileSync(EXAMPLE)), "考核.xlsx");
    const list = Array.from({ length: 40 }, (_, i) => `经费类别第${i + 1}项（含说明）`);
    const name = await host.writeSheet({ name: "长列表", rows: [["类别"]], headerRows: [1], validations: [{ range: "A2:A50", list }] });
    const copy = await fileDoor.annotated(host);
    const p = parts(copy);
    const found = readBack(p, sheetPart(p, name));
    expect(found.validations).toEqual([{ sqref: "A2:A50", formula: "'_lists'!$A$1:$A$40", errorStyle: null }]);
    const r = readWorkbook(copy);
    if (!r.ok) throw new Error(r.error.message);
    const lists = r.workbook.sheets.find((s) => s.name === "_lists")!;
    expect(lists.state).toBe("veryHidden");
    const g = sheetGrid(lists);
    expect(g.ok && g.grid.rows.map((row) => row[0])).toEqual(list);
  });

  test("a number format the file already declares is reused, not declared twice", async () => {
    const host = new FileWorkbookHost(await writeWorkbook([{ name: "数据", rows: [["日期"], [45292]], numberFormats: [{ range: "A2", format: "yyyy-mm-dd" }] }]), "x.xlsx");
    const name = await host.writeSheet({ name: "格式", rows: [["金额", "日期"], [1, 45293]], numberFormats: [{ range: "A2:A3", format: "#,##0.00" }, { range: "B2:B3", format: "yyyy-mm-dd" }] });
    const p = parts(await fileDoor.annotated(host));
    expect([...p["xl/styles.xml"].matchAll(/formatCode="yyyy-mm-dd"/g)].length).toBe(1);
    const found = readBack(p, sheetPart(p, name));
    expect([found.formatOf("A2"), found.formatOf("A3"), found.formatOf("B2")]).toEqual(["#,##0.00", "#,##0.00", "yyyy-mm-dd"]);
  });
});
