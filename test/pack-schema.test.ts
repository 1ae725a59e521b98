import * as fs from "fs";
import * as path from "path";
import { builtinPacks, rosterPack } from "../src/packs";
import { parsePack, describePackProblems } from "../src/packs/schema";

/** A small pack that is correct; each test breaks it in one or more ways. */
function goodPack(): any {
  return {
    id: "mini",
    name: { zh: "小规则包", en: "Mini pack" },
    description: { zh: "测试用", en: "for tests" },
    document: "测试文件",
    recordIs: { zh: "一行一个工作室", en: "one row per studio" },
    fields: [
      { id: "studio", label: "工作室名称", labelEn: "Studio", type: "text", role: "label" },
      { id: "awards", label: "国家级科技比赛获奖数", labelEn: "National awards", type: "count", synonyms: ["国家级获奖"] },
      { id: "flag1", label: "标准一", labelEn: "Standard 1", type: "yesno", markers: ["(一)"] },
    ],
    params: [{ id: "std1Min", label: { zh: "标准一门槛", en: "Std 1 threshold" }, value: 1, min: 0, source: "第十六条（一）" }],
    interpretations: [{ id: "i7", text: { zh: "解释", en: "reading" }, source: "第十六条（七）" }],
    layouts: [{ id: "evidence", label: { zh: "证据", en: "Evidence" }, required: ["awards"] }],
    criteria: [
      { id: "一", name: { zh: "国家级获奖", en: "National award" }, source: "第十六条（一）", test: { cmp: ">=", field: "awards", value: { param: "std1Min" } }, flag: "flag1" },
    ],
    outcome: {
      kind: "grade",
      bands: [
        { min: 1, grade: "合格", gradeEn: "Qualified", status: "ok" },
        { min: 0, grade: "不合格", gradeEn: "Unqualified", status: "error" },
      ],
    },
  };
}

describe("parsePack", () => {
  test("accepts a correct pack and fills defaults", () => {
    const r = parsePack(goodPack());
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.pack.criteria[0].severity).toBe("error");
      expect(r.pack.fields[1].markers).toEqual([]);
    }
  });

  test("a pack with every kind of mistake gets one clear message per mistake, each naming its place", () => {
    const p = goodPack();
    p.id = "mini pack"; // bad id
    delete p.name.en; // missing text
    p.fields[1].type = "counter"; // unknown type
    p.fields.push({ id: "awards", label: "重复", labelEn: "dup", type: "count" }); // duplicate id
    p.params[0].value = "1"; // number written as text
    p.params.push({ id: "ratio", label: { zh: "比例", en: "ratio" }, value: 2, max: 1, source: "第二十一条" }); // out of range
    p.criteria[0].test = { cmp: "≥", field: "awards", value: 1 }; // full-width operator
    p.criteria.push({ id: "二", name: { zh: "二", en: "two" }, source: "第十六条（二）", test: { cmp: ">=", field: "nope", value: { param: "missing" } } });
    p.criteria.push({ id: "三", name: { zh: "三", en: "three" }, source: "第十六条（三）", test: { atleast: 1 } }); // unknown form
    p.criteria.push({ id: "四", name: { zh: "四", en: "four" }, source: "第十六条（四）", test: { yes: "awards" }, interpretation: "strict" });
    p.layouts[0].required.push("ghost");
    const r = parsePack(p);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const byPath = Object.fromEntries(r.errors.map((e) => [e.path, e.message.zh]));
    expect(byPath["id"]).toMatch(/字母、数字/);
    expect(byPath["name.en"]).toMatch(/string/);
    expect(byPath["fields[1].type"]).toMatch(/count/);
    expect(byPath["fields[3].id"]).toBe("字段编号“awards”重复了");
    expect(byPath["params[0].value"]).toMatch(/数字/);
    expect(byPath["params[1].value"]).toMatch(/超出允许范围/);
    expect(byPath["criteria[0].test.cmp"]).toMatch(/>=/);
    expect(byPath["criteria[1].test.field"]).toBe("引用了不存在的字段“nope”");
    expect(byPath["criteria[1].test.value"]).toBe("引用了不存在的参数“missing”");
    expect(byPath["criteria[2].test"]).toMatch(/cmp、yes、textIn/);
    expect(byPath["criteria[3].interpretation"]).toBe("引用了不存在的解释“strict”");
    expect(byPath["layouts[0].required[1]"]).toBe("引用了不存在的字段“ghost”");
    expect(r.errors).toHaveLength(12);
    // English is there for every message too.
    for (const e of r.errors) expect(e.message.en.length).toBeGreaterThan(0);
    expect(r.errors.find((e) => e.path === "criteria[2].test")!.message.en).toMatch(/one of cmp, yes/);
  });

  test("a pack that is not an object at all is refused, not crashed on", () => {
    for (const bad of [null, 42, "pack", [], undefined]) {
      const r = parsePack(bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors[0].path).toBe("(整个规则包)");
    }
  });

  test("a graded pack needs criteria", () => {
    const p = goodPack();
    p.criteria = [];
    const r = parsePack(p);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.path)).toContain("criteria");
  });

  test("messages read as one line per problem for logs", () => {
    const p = goodPack();
    p.layouts[0].required = ["ghost"];
    const r = parsePack(p);
    if (r.ok) throw new Error("expected refusal");
    expect(describePackProblems("mini", r.errors)).toBe(
      "规则包“mini”的 layouts[0].required[0]：引用了不存在的字段“ghost”（refers to field \"ghost\", which the pack does not define）",
    );
  });
});

/** Paths the schema's pack has and the JSON does not: defaults the JSON leaves to the schema. */
function leftOut(json: unknown, pack: unknown, at = ""): string[] {
  if (typeof pack !== "object" || pack === null) return [];
  const j = (typeof json === "object" && json !== null ? json : {}) as Record<string, unknown>;
  return Object.entries(pack).flatMap(([k, v]) => (k in j ? leftOut(j[k], v, `${at}${k}.`) : [`${at}${k}`]));
}

describe("the built-in packs", () => {
  // Used as they are (packs/index.ts, no schema code loaded): each must pass the schema and be
  // written out in full, so that the schema gives it back unchanged — no default left for it to fill.
  const dir = path.join(__dirname, "..", "src", "packs");
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".json"));

  test.each(files)("%s passes the schema and spells out every default", (file) => {
    const json: unknown = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
    const r = parsePack(json);
    if (!r.ok) throw new Error(describePackProblems(file, r.errors));
    // Named first, for whoever edits the pack: the defaults to write out (e.g. criteria.3.severity).
    expect(leftOut(json, r.pack)).toEqual([]);
    expect(r.pack).toStrictEqual(json);
  });

  test("every built-in pack is among them, as the engine gets it", () => {
    const used = [...builtinPacks(), rosterPack()];
    expect(files.length).toBe(used.length);
    for (const p of used) expect(files.map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")).id)).toContain(p.id);
  });

  test("a default left out is found", () => {
    const json = JSON.parse(fs.readFileSync(path.join(dir, "studio-assessment.json"), "utf8"));
    delete json.criteria[0].severity;
    const r = parsePack(json);
    expect(r.ok && leftOut(json, r.pack)).toEqual(["criteria.0.severity"]);
  });
});
