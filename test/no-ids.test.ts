/**
 * No internal id or code reaches a person. Every string each door produces for the example
 * workbooks (and for sheets made to fail every criterion of every pack) is scanned: the cells of an
 * annotated copy, the report's sheets, the summary and template sheets, the command line's table,
 * the formulas' answers and error messages. A string may not hold a pack, field, criterion,
 * parameter, layout, interpretation or issue id, nor anything shaped like one (kebab-case,
 * camelCase); a Chinese string may not hold English words. Codes stay in --json only.
 * The pane and the page are scanned the same way in test/no-ids-pane.test.tsx.
 */
import * as fs from "fs";
import * as path from "path";
import { detectPacks, evaluateSheet } from "../src/engine";
import { planResults, summarySheet, templateSheet } from "../src/engine/output";
import { ISSUE_TEMPLATES } from "../src/engine/issues";
import type { SheetGrid, SheetResult } from "../src/engine/types";
import type { Pack } from "../src/packs/schema";
import { builtinPacks } from "../src/packs";
import { readWorkbook, sheetGrid } from "../src/file/xlsx-read";
import { reportRowsOf, sheetTable } from "../src/cli/render";
import { errorLines, inspectLines } from "../src/cli/format";
import { assess, budgetCheck, category, dueDateOf, eligible, failed, num, score, standard, subsidy } from "../src/functions/functions";
import { idLeaks } from "./support/id-scan";

const EXAMPLES = path.resolve(__dirname, "..", "examples");

interface Checked {
  file: string;
  grid: SheetGrid;
  pack: Pack;
  result: SheetResult;
}

/** Every example sheet a pack fits, plus, per pack and layout, its template filled with values that fail every test. */
function everything(): Checked[] {
  const out: Checked[] = [];
  for (const file of fs.readdirSync(EXAMPLES).filter((f) => f.endsWith(".xlsx"))) {
    const r = readWorkbook(new Uint8Array(fs.readFileSync(path.join(EXAMPLES, file))));
    if (!r.ok) throw new Error(r.error.message);
    for (const entry of r.workbook.sheets) {
      const g = sheetGrid(entry);
      if (!g.ok) throw new Error(g.error.message);
      const best = detectPacks(g.grid, builtinPacks())[0];
      if (best) out.push({ file, grid: g.grid, pack: best.pack, result: evaluateSheet(g.grid, best.pack) });
    }
  }
  for (const pack of builtinPacks())
    for (const layout of pack.layouts) {
      const t = templateSheet(pack, layout.id);
      const header = t.rows[0].map((v) => String(v ?? ""));
      // Rows that fail: zeros, 否, a forbidden category, an unreadable word, blanks.
      const filler = ["0", "否", "设备购置费", "若干", "", "-5", "2001年1月1日"];
      const rows = filler.map((f, k) => header.map((_, c) => (c === 0 ? `第${k + 1}个` : f)));
      const grid: SheetGrid = { name: `${pack.name.zh}-${layout.label.zh}`, origin: { row: 1, col: 1 }, rows: [header, ...rows] };
      out.push({ file: "模板.xlsx", grid, pack, result: evaluateSheet(grid, pack) });
    }
  return out;
}

const checked = everything();

function strings(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === "object") return Object.values(v).flatMap(strings);
  return [];
}

/** Cell text that came from the workbook itself (names, file names), which is the official's, not ours. */
function ours(texts: string[], checkedOne: Checked): string[] {
  const theirs = new Set(checkedOne.grid.rows.flat().map((v) => String(v ?? "")));
  return texts.filter((t) => !theirs.has(t) && t !== checkedOne.file);
}

describe("no id or code in what a person reads", () => {
  test("the scan itself catches ids, codes and English in Chinese text", () => {
    expect(idLeaks("未达标：area、school-type", "zh")).toEqual(["area", "school-type"]);
    expect(idLeaks("studio-assessment", "zh")).toEqual(["studio-assessment"]);
    expect(idLeaks("请检查 headers 参数", "zh")).toEqual(["headers"]);
    expect(idLeaks("criterion-failed", "en")).toEqual(["criterion-failed"]);
    expect(idLeaks("Host title (minArea)", "en")).toEqual(["minArea"]);
    expect(idLeaks("请在 Excel 或 WPS 中另存为 .xlsx；=KJ.ASSESS(B3:M3, B$2:M$2)", "zh")).toEqual([]);
    expect(idLeaks("Not met: lessons observed; Studio area", "en")).toEqual([]);
  });

  test("annotated copies: result headers and cells", () => {
    for (const c of checked) {
      const plan = planResults(c.grid, c.result, c.pack);
      const texts = ours(strings([plan.headers, plan.rows.map((r) => r.values)]), c);
      expect({ sheet: c.grid.name, leaks: texts.flatMap((t) => idLeaks(t, "zh")) }).toEqual({ sheet: c.grid.name, leaks: [] });
    }
  });

  test("the report's sheets", () => {
    const plans = reportRowsOf([...checked.map((c) => ({ file: c.file, result: c.result })), { file: "旧表.xls", error: { code: "legacy-xls", message: "这是旧版 Excel 97-2003 文件（.xls），无法直接检查；请另存为 .xlsx" } }]);
    const data = new Set(checked.flatMap((c) => [c.file, c.grid.name, ...c.grid.rows.flat().map((v) => String(v ?? "")), ...c.result.records.map((r) => r.label)]));
    const texts = strings(plans.map((p) => [p.name, p.rows])).filter((t) => !data.has(t));
    expect(texts.flatMap((t) => idLeaks(t, "zh"))).toEqual([]);
  });

  test("the summary and template sheets", () => {
    for (const pack of builtinPacks()) {
      const results = checked.filter((c) => c.pack.id === pack.id);
      const sheets = [...pack.layouts.map((l) => templateSheet(pack, l.id)), ...(results.length ? [summarySheet(results.map((r) => r.result), pack)] : [])];
      const data = new Set(results.flatMap((c) => [c.grid.name, ...c.result.records.map((r) => r.label)]));
      const texts = strings(sheets.map((s) => [s.name, s.rows, s.validations, s.chart?.title])).filter((t) => !data.has(t));
      expect({ pack: pack.name.zh, leaks: texts.flatMap((t) => idLeaks(t, "zh")) }).toEqual({ pack: pack.name.zh, leaks: [] });
    }
  });

  test("the command line's tables and error lines", () => {
    for (const c of checked) {
      const table = sheetTable(c.file, c.result);
      const data = [c.grid.name, ...c.result.records.map((r) => r.label), ...c.grid.rows.flat().map((v) => String(v ?? ""))];
      let text = table;
      for (const d of data.filter((d) => d.length > 1).sort((a, b) => b.length - a.length)) text = text.split(d).join(" ");
      expect({ sheet: c.grid.name, leaks: idLeaks(text, "zh") }).toEqual({ sheet: c.grid.name, leaks: [] });
    }
    expect(idLeaks(errorLines("旧表.xls", { code: "legacy-xls", message: "这是旧版 Excel 97-2003 文件（.xls）" }), "zh")).toEqual([]);
    expect(idLeaks(inspectLines("考核.xlsx", [{ name: "考核", state: "visible", rows: 3, cols: 4, headerRow: 2, pack: "studio-assessment" }]), "zh")).toEqual([]);
  });

  test("the engine's message templates in both languages", () => {
    for (const [code, t] of Object.entries(ISSUE_TEMPLATES)) {
      expect({ code, leaks: idLeaks(t.zh.replace(/\{\w+\}/g, ""), "zh") }).toEqual({ code, leaks: [] });
      expect({ code, leaks: idLeaks(t.en.replace(/\{\w+\}/g, ""), "en") }).toEqual({ code, leaks: [] });
    }
    for (const c of checked)
      for (const i of [...c.result.problems, ...c.result.records.flatMap((r) => r.issues), ...c.result.groups.flatMap((g) => g.issues)]) {
        const data = [c.grid.name, ...c.grid.rows.flat().map((v) => String(v ?? ""))].filter((d) => d.length > 1);
        let zh = i.message.zh;
        let en = i.message.en;
        for (const d of data) {
          zh = zh.split(d).join(" ");
          en = en.split(d).join(" ");
        }
        expect({ code: i.code, leaks: [...idLeaks(zh, "zh"), ...idLeaks(en, "en")] }).toEqual({ code: i.code, leaks: [] });
      }
  });

  test("the formulas' answers and error messages", () => {
    const answers: string[] = [];
    const call = (f: () => unknown) => {
      try {
        const v = f();
        if (typeof v === "string") answers.push(v);
      } catch (e) {
        answers.push((e as Error).message);
      }
    };
    const appHeaders = [["学校名称", "学校类型", "场地面积（平方米）", "室内净高（米）", "可容纳人数", "安全消防", "卫生设施", "设备教材"]];
    call(() => eligible([["某校", "培训学校", "20", "2", "5", "否", "否", "否"]], appHeaders));
    call(() => eligible([["某校"]], null as never));
    call(() => eligible([["某校", "若干"]], [["学校名称", "场地面积（平方米）"]]));
    call(() => assess([["是", "否"]], null as never, null as never));
    call(() => assess([["若干"]], [["省级一等奖数"]], null as never));
    call(() => assess([["1"]], [["工作室名称"]], "不存在的规则包"));
    call(() => score([["是"]], [["备注"]], null as never));
    call(() => failed([["否", "否", "否", "否", "否", "否", "否", "否", "否", "否"]], null as never, null as never));
    call(() => standard(11, 1, null));
    call(() => standard("四", "若干", null));
    call(() => category("礼品"));
    call(() => category("不知道"));
    call(() => budgetCheck("设备购置费", 100, null));
    call(() => budgetCheck("课时费", "-1", "聚餐"));
    call(() => subsidy("第五年"));
    call(() => dueDateOf("明天"));
    call(() => num("很多"));
    expect(answers.length).toBeGreaterThan(10);
    expect(answers.flatMap((a) => idLeaks(a, "zh"))).toEqual([]);
  });
});
