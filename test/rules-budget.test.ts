/**
 * 第二十一条 as a whole: what an expense may be spent on is decided on its category AND its
 * purpose, with word boundaries (购置设备 vs 图书资料购置, 福利 vs 福利院, 旅游 vs 研学旅游交通费); what
 * the text does not name goes to a person, never passes. Through the engine, a real sheet and
 * =KJ.BUDGETCHECK / =KJ.CATEGORY, in both directions.
 */
import { checkExpense, classifyExpense, evaluateSheet } from "../src/engine";
import { getPack } from "../src/packs";
import { budgetCheck, category } from "../src/functions/functions";
import { FormulaError } from "../src/functions/runtime";
import { setWorkbookParams } from "../src/functions/params";
import type { CellValue } from "../src/engine/types";

const budget = getPack("studio-budget")!;

describe("purchases: materials are 教学资源费, equipment is not allowed", () => {
  test.each([
    ["图书资料购置费", "资料订购费"],
    ["材料购置费", "教学资源费"],
    ["耗材购置", "教学资源费"],
    ["教学材料购置费", "教学资源费"],
    ["研学旅游交通费", "交通费"],
    ["福利院送教交通费", "交通费"],
    ["招待所住宿费", "食宿费"],
    ["酒店住宿费", "食宿费"],
    ["设备租赁费", "场地设备租赁费"],
  ])("%s → %s (passes)", (word, cat) => {
    expect(classifyExpense(budget, word)).toMatchObject({ kind: "allowed", category: cat });
    expect(checkExpense(budget, word, 500, "送教下乡")).toEqual({ ok: true, category: cat });
    expect(category(word)).toBe(cat);
    expect(budgetCheck(word, 500, "送教下乡")).toBe("通过");
  });

  test.each(["设备购置费", "购置设备", "购买电脑", "采购投影仪", "福利费", "员工福利", "福利院员工福利", "旅游费", "礼品", "招待费", "奖金", "慰问品", "烟酒"])(
    "%s does not pass",
    (word) => {
      expect(classifyExpense(budget, word).kind).toBe("forbidden");
      expect(budgetCheck(word, 500, null)).toMatch(/^不通过：.*不在经费使用范围/);
    },
  );
});

describe("the purpose counts too", () => {
  test.each([
    ["材料费", "购买3D打印机"],
    ["餐费", "招待来宾"],
    ["教学资源费", "采购笔记本电脑2台"],
    ["交通费", "教师旅游"],
    ["食宿费", "年终福利聚餐"],
  ])("%s for %s does not pass", (cat, purpose) => {
    const r = checkExpense(budget, cat, 5000, purpose);
    expect(r).toMatchObject({ ok: false, severity: "error" });
    if (!r.ok) expect(r.message.zh).toContain(`用途“${purpose}”不在经费使用范围`);
    expect(budgetCheck(cat, 5000, purpose)).toMatch(/^不通过：用途/);
  });

  test.each([
    ["材料费", "购买3D打印耗材"],
    ["材料费", "购买打印纸"],
    ["餐费", "送教下乡工作餐"],
    ["交通费", "福利院送教"],
    ["交通费", "研学旅游"],
    ["资料订购费", "购置科普图书"],
  ])("%s for %s passes", (cat, purpose) => {
    expect(checkExpense(budget, cat, 300, purpose).ok).toBe(true);
    expect(budgetCheck(cat, 300, purpose)).toBe("通过");
  });
});

describe("anything unknown is 需核实, never passed", () => {
  test.each(["办公用品", "设备费", "其他", "咨询费"])("%s", (word) => {
    const r = checkExpense(budget, word, 100, "送教");
    expect(r).toMatchObject({ ok: false, severity: "warning" });
    expect(budgetCheck(word, 100, "送教")).toMatch(/^需核实：/);
    expect(() => category(word)).toThrow(FormulaError);
  });
});

describe("items the text does not name: a switch", () => {
  test("by default they fail; read as 'review' they are 需核实; buying equipment fails either way", () => {
    expect(checkExpense(budget, "礼品", 100, null)).toMatchObject({ ok: false, severity: "error" });
    expect(checkExpense(budget, "礼品", 100, null, { "unlisted-spending": "review" })).toMatchObject({ ok: false, severity: "warning" });
    expect(checkExpense(budget, "餐费", 100, "招待来宾", { "unlisted-spending": "review" })).toMatchObject({ ok: false, severity: "warning" });
    expect(checkExpense(budget, "设备购置费", 100, null, { "unlisted-spending": "review" })).toMatchObject({ ok: false, severity: "error" });
  });
});

describe("a budget sheet", () => {
  const headers = ["工作室名称", "年度", "支出类别", "金额（元）", "摘要"];
  const rows: CellValue[][] = [
    ["新海工作室", 2024, "材料费", 5000, "购买3D打印机"],
    ["新海工作室", 2024, "图书资料购置费", 800, "科普图书"],
    ["新海工作室", 2024, "研学旅游交通费", 600, "学生研学"],
    ["新海工作室", 2024, "餐费", 300, "招待来宾"],
    ["新海工作室", 2024, "福利院送教交通费", 200, "送教"],
  ];
  const grid = { name: "经费", rows: [["经费支出明细"], headers, ...rows], origin: { row: 1, col: 1 } };

  test("the purpose (摘要) cell is named when the purpose is the problem", () => {
    const r = evaluateSheet(grid, budget);
    expect(r.records.map((x) => x.status)).toEqual(["error", "ok", "ok", "error", "ok"]);
    expect(r.records[0].issues[0]).toMatchObject({ code: "forbidden-purpose", cell: "E3", text: "购买3D打印机", source: "第二十一条" });
    expect(r.records[3].issues[0]).toMatchObject({ code: "forbidden-purpose", cell: "E6", text: "招待来宾" });
  });

  test("the reading chosen for items the text does not name changes the verdicts and is reported", () => {
    const r = evaluateSheet(grid, budget, { readings: { "unlisted-spending": "review" } });
    expect(r.records.map((x) => x.status)).toEqual(["error", "ok", "ok", "warning", "ok"]);
    expect(r.interpretations.find((i) => i.id === "unlisted-spending")).toMatchObject({ reading: "review", changed: true });
    const d = evaluateSheet(grid, budget);
    expect(d.interpretations.find((i) => i.id === "unlisted-spending")).toMatchObject({ reading: "outside", changed: false });
  });

  test("the 90 % warning is reported as the tool's own number", () => {
    const r = evaluateSheet(grid, budget);
    expect(r.interpretations.find((i) => i.id === "near-limit-warning")).toMatchObject({ invented: true });
  });

  test("limit with or without matching funds is a switch", () => {
    const g = { name: "经费", rows: [["明细"], ["工作室名称", "年度", "支出类别", "金额（元）", "单位配套经费（元）"], ["新海工作室", 2024, "餐费", 11000, 2000]], origin: { row: 1, col: 1 } };
    expect(evaluateSheet(g, budget).groups[0]).toMatchObject({ limit: 12000, status: "warning" });
    const only = evaluateSheet(g, budget, { readings: { "limit-includes-matching": "subsidy-only" } }).groups[0];
    expect(only).toMatchObject({ limit: 10000, status: "error" });
    expect(only.issues[0].message.zh).toContain("不含配套经费");
  });
});

describe("=KJ.BUDGETCHECK follows the reading chosen in the pane", () => {
  afterEach(() => setWorkbookParams("studio-budget", {}, {}));
  test("礼品 fails by default and is 需核实 once the official reads unnamed items as 'review'", async () => {
    expect(budgetCheck("礼品", 100, null)).toMatch(/^不通过：/);
    await setWorkbookParams("studio-budget", {}, { "unlisted-spending": "review" });
    expect(budgetCheck("礼品", 100, null)).toMatch(/^需核实：/);
    expect(budgetCheck("设备购置费", 100, null)).toMatch(/^不通过：/);
  });
});
