import { nameFit, parseNameMapping, parseStudioName, resolveStudios } from "../src/engine/term/identity";

const FULL_LI = "连云港市新海实验中学李明青少年科技教育名师工作室";
const FULL_WANG = "连云港市新海实验中学王芳青少年科技教育名师工作室";
const DONGHAI = "东海县实验小学张伟科技教育名师工作室";

describe("studio names", () => {
  test("the school and the rest are told apart, shared words left out", () => {
    expect(parseStudioName(FULL_LI)).toMatchObject({ school: "新海实验中学", core: "李明" });
    expect(parseStudioName("李明工作室（新海实验中学）")).toMatchObject({ school: "新海实验中学", core: "李明" });
    expect(parseStudioName("新海工作室")).toMatchObject({ school: "", core: "新海" });
    expect(parseStudioName(" 新海实验中学　李明 工作室 ")).toMatchObject({ school: "新海实验中学", core: "李明" });
  });

  test("full and short forms fit; different studios do not", () => {
    const p = parseStudioName;
    expect(nameFit(p(FULL_LI), p("新海实验中学李明工作室"))).toBe("exact");
    expect(nameFit(p(FULL_LI), p("李明工作室（新海实验中学）"))).toBe("exact");
    expect(nameFit(p(FULL_LI), p("李明工作室"))).toBe("partial");
    expect(nameFit(p(FULL_LI), p("新海工作室"))).toBe("partial");
    expect(nameFit(p(FULL_LI), p("海州区新海实验中学李明工作室"))).toBe("partial");
    expect(nameFit(p(FULL_LI), p(FULL_WANG))).toBeNull();
    expect(nameFit(p(FULL_LI), p(DONGHAI))).toBeNull();
    expect(nameFit(p(FULL_LI), p("李工作室"))).toBeNull(); // one character is not a name
  });
});

describe("resolveStudios", () => {
  test("without a roster, short forms join the one full name they fit and are listed for confirmation", () => {
    const r = resolveStudios(["新海实验中学李明工作室", FULL_LI, "李明工作室", DONGHAI, "张伟工作室"]);
    expect([...r.studios.keys()].sort()).toEqual([FULL_LI, DONGHAI].sort());
    expect(r.byName.get("新海实验中学李明工作室")).toMatchObject({ studio: FULL_LI, how: "exact" });
    expect(r.byName.get("李明工作室")).toMatchObject({ studio: FULL_LI, how: "partial" });
    expect(r.byName.get("张伟工作室")).toMatchObject({ studio: DONGHAI, how: "partial" });
    expect(r.doubtful.map((d) => d.name).sort()).toEqual(["张伟工作室", "李明工作室"].sort());
  });

  test("a short name two studios could own is refused, with both candidates", () => {
    const r = resolveStudios([FULL_LI, FULL_WANG, "新海工作室", "新海实验中学工作室"]);
    expect(r.byName.get("新海工作室")).toEqual({ name: "新海工作室", studio: null, how: "ambiguous", candidates: expect.arrayContaining([FULL_LI, FULL_WANG]) });
    expect(r.byName.get("新海实验中学工作室")).toMatchObject({ studio: null, how: "ambiguous" });
    expect(r.studios.size).toBe(2);
    for (const names of r.studios.values()) expect(names).not.toContain("新海工作室");
  });

  test("the same short name is matched when only one studio fits it", () => {
    const r = resolveStudios([FULL_LI, DONGHAI, "新海工作室"]);
    expect(r.byName.get("新海工作室")).toMatchObject({ studio: FULL_LI, how: "partial" });
  });

  test("with a roster, its names are the studios and other names are listed", () => {
    const r = resolveStudios(["李明工作室", "赣榆区青口一中赵静工作室"], { roster: [FULL_LI, FULL_WANG] });
    expect(r.byName.get("李明工作室")).toMatchObject({ studio: FULL_LI, how: "partial" });
    expect(r.byName.get("赣榆区青口一中赵静工作室")).toMatchObject({ how: "not-in-roster" });
    expect([...r.studios.keys()]).toHaveLength(3);
  });

  test("a mapping settles an ambiguous name; a mapping to no studio is reported", () => {
    const r = resolveStudios([FULL_LI, FULL_WANG, "新海工作室", "海头工作室"], { mapping: { 新海工作室: "新海实验中学王芳工作室", 海头工作室: "海头中学工作室" } });
    expect(r.byName.get("新海工作室")).toMatchObject({ studio: FULL_WANG, how: "mapped" });
    expect(r.studios.get(FULL_WANG)).toContain("新海工作室");
    expect(r.byName.get("海头工作室")).toMatchObject({ studio: null, how: "bad-mapping", target: "海头中学工作室" });
  });
});

describe("parseNameMapping", () => {
  test("JSON and two-column lines are read; a line without two names is reported", () => {
    expect(parseNameMapping('{"新海工作室":"新海实验中学李明工作室"}')).toEqual({ ok: true, mapping: { 新海工作室: "新海实验中学李明工作室" } });
    expect(parseNameMapping("# 名称对照\n新海工作室\t新海实验中学李明工作室\n张伟工作室，东海县实验小学张伟工作室\n")).toEqual({
      ok: true,
      mapping: { 新海工作室: "新海实验中学李明工作室", 张伟工作室: "东海县实验小学张伟工作室" },
    });
    expect(parseNameMapping("新海工作室\n")).toEqual({ ok: false, problems: [{ line: 1, text: "新海工作室" }] });
    expect(parseNameMapping('{"a": 1}')).toMatchObject({ ok: false });
  });
});
