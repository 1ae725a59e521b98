/**
 * No criterion is ever dropped silently (issue 10, "Done when"): for every built-in pack and every
 * layout, a sheet that passes everything loses one evidence column at a time; no record may then
 * pass on a criterion that reads that column, and the sheet names the rule that could not be
 * checked. A criterion decided by the columns that remain (one branch of "any one of" still met)
 * is a real verdict, so the values below make the removed column the one that carries it.
 */
import { evaluateSheet, resolveTest } from "../src/engine";
import { needsOf } from "../src/engine/columns";
import { builtinPacks } from "../src/packs";
import type { Pack } from "../src/packs/schema";
import type { CellValue } from "../src/engine/types";

/** A value that passes, per field id, typed the way offices type it. */
const PASSING: Record<string, CellValue> = {
  // studio-assessment
  studio: "海州区青少年科技教育名师工作室",
  host: "王老师",
  year: "2024年度",
  national: 1,
  special: "1项",
  activities: 2,
  provFirst: 2,
  provSecond: 4,
  assisted: "2所",
  popular: 1,
  cityAwards: 3,
  trainings: "2场",
  newMembers: 3,
  funding: "¥5,000.00",
  // studio-application
  name: "新海实验中学",
  schoolType: "初级中学",
  area: "60平方米",
  height: 3,
  capacity: "20人",
  safety: "是",
  siteSafety: "√",
  fireCode: "符合",
  sanitary: "√",
  equipment: "有",
  appDate: "2024-09-01",
  lawAbiding: "是",
  title: "中级",
  subjectLeader: "否",
  expert: "否",
  provFirstDate: "2022年5月",
  leadership: "是",
  backbone: "市级骨干教师",
  countySecondDate: "2021-06-01",
  teamSpirit: "是",
  region: "海州区",
  prizeLevel: "一等奖",
  prizeRole: "第一指导教师",
  prizeContest: "江苏省青少年科技创新大赛",
  // teacher-routine
  seniority: 10,
  observed: 10,
  reflections: 4,
  months: 4,
  reflectionChars: 900,
  weeklyObserved: 3,
  planChecks: "2人次",
  reportChars: 2100,
  crossProvince: "是",
  newsDays: 10,
  // studio-budget
  date: "2024-03-05",
  category: "交通费",
  amount: 300,
  purpose: "送教下乡",
  matching: 2000,
};
for (let i = 1; i <= 10; i++) PASSING[`std${i}`] = "是";

/** When this column is removed, these values make it the one the criterion rests on. */
const CARRIES: Record<string, Record<string, CellValue>> = {
  // An in-province trip needs no report: without the column, a short report cannot be passed.
  crossProvince: { crossProvince: "否", reportChars: 1500 },
  subjectLeader: { title: "初级", subjectLeader: "是" },
  expert: { title: "初级", expert: "是" },
  provFirst: { provFirst: 2, provSecond: 0 },
  provSecond: { provFirst: 0, provSecond: 4 },
};

function fieldsOf(pack: Pack, layoutId: string): string[] {
  const layout = pack.layouts.find((l) => l.id === layoutId)!;
  const index = new Map(pack.fields.map((f, i) => [f.id, i]));
  const ids = new Set<string>();
  const label = pack.fields.find((f) => f.role === "label");
  if (label) ids.add(label.id);
  for (const id of layout.required) ids.add(id);
  for (const c of pack.criteria) {
    if (layout.criteria && !layout.criteria.includes(c.id)) continue;
    // A layout of 是/否 columns states the criterion in its flag; the evidence is another layout's.
    if (c.flag && layout.required.includes(c.flag)) ids.add(c.flag);
    else for (const n of needsOf(resolveTest(pack, c.test), index)) ids.add(pack.fields[n.field].id);
  }
  return [...ids];
}

function sheetOf(pack: Pack, layoutId: string, ids: string[], values: Record<string, CellValue>) {
  const layout = pack.layouts.find((l) => l.id === layoutId)!;
  const header = ids.map((id) => pack.fields.find((f) => f.id === id)!.label);
  const row = ids.map((id) => values[id] ?? null);
  // The sheet is named the way offices name it: the layout's own word (学校, 主持人, 成员 …).
  const name = `${layout.sheetHints?.[0] ?? layout.label.zh}汇总`;
  return { name, rows: [header, row, row.map((v, i) => (i === 0 ? "第二条记录" : v))], origin: { row: 1, col: 1 } };
}

describe("a missing column never lets a record pass on the rule that needs it", () => {
  for (const pack of builtinPacks()) {
    for (const layout of pack.layouts) {
      const ids = fieldsOf(pack, layout.id);
      const index = new Map(pack.fields.map((f, i) => [f.id, i]));
      const criteria = pack.criteria.filter((c) => !layout.criteria || layout.criteria.includes(c.id));
      const label = pack.fields.find((f) => f.role === "label")?.id;
      for (const removed of ids.filter((id) => id !== label)) {
        test(`${pack.id} / ${layout.id}: without the “${pack.fields.find((f) => f.id === removed)!.label}” column`, () => {
          const values = { ...PASSING, ...(CARRIES[removed] ?? {}) };
          const whole = evaluateSheet(sheetOf(pack, layout.id, ids, values), pack);
          // With every column, the values pass: what fails below fails for the missing column.
          expect(whole.records.map((r) => r.status)).toEqual(["ok", "ok"]);

          const r = evaluateSheet(sheetOf(pack, layout.id, ids.filter((id) => id !== removed), values), pack);
          expect(r.records).toHaveLength(2);
          const needing = criteria.filter((c) => c.flag === removed || needsOf(resolveTest(pack, c.test), index).some((n) => pack.fields[n.field].id === removed));
          for (const rec of r.records) {
            // Nothing rests on what was not looked at: the record is not passed.
            expect(rec.status).not.toBe("ok");
            for (const c of needing) {
              expect([...rec.failed, ...(rec.unchecked ?? [])]).toContain(c.id);
              expect(rec.met).toBeLessThan(rec.total!);
            }
            if (pack.outcome.kind === "all") expect(rec.grade).not.toBe(pack.outcome.pass);
          }
          const said = r.problems.map((p) => p.message.zh).join("\n");
          const fieldLabel = pack.fields.find((f) => f.id === removed)!.label;
          expect(said).toContain(fieldLabel);
          // The sheet names each rule that could not be checked, and its article.
          for (const c of needing) if (r.records.some((rec) => rec.unchecked?.includes(c.id))) expect(said).toContain(c.source);
        });
      }
    }
  }
});

describe("the flag layout with some standards' columns missing", () => {
  const pack = builtinPacks().find((p) => p.id === "studio-assessment")!;
  test("six 是 columns of ten: 6/10 and 需核实, not 6/6 and 合格 silently", () => {
    const header = ["工作室名称", "标准一", "标准二", "标准三", "标准四", "标准五", "标准六"];
    const r = evaluateSheet({ name: "考核", rows: [header, ["阳光工作室", "是", "是", "是", "是", "是", "是"]], origin: { row: 1, col: 1 } }, pack);
    expect(r.records[0]).toMatchObject({ met: 6, total: 10, unchecked: ["七", "八", "九", "十"], status: "warning" });
    const said = r.problems.map((p) => p.message.zh).join("\n");
    for (const n of ["七", "八", "九", "十"]) expect(said).toContain(`第十六条（${n}）`);
  });
});
