/** @jest-environment jsdom */
/**
 * The task pane's flows over an in-memory workbook, with the real engine and the built-in rule
 * packs: detection and column matching, 一键校验 and its results, the problem list and its
 * filters, editing thresholds, the sheet actions, and the error states — in Chinese and English.
 */
import "./support/dom-shims";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { App } from "../src/taskpane/App";
import { LangProvider } from "../src/taskpane/i18n";
import { parseThreshold } from "../src/taskpane/RulesView";
import { pickLang, STRINGS } from "../src/taskpane/strings";
import { builtinPacks } from "../src/packs";
import type { ResultPlan, SheetPlan, WorkbookSettings } from "../src/engine/host";
import type { CellValue } from "../src/engine/types";
import { MemoryHost } from "./support/memory-host";

const ASSESSMENT_HEADER = [
  "工作室名称",
  "国家级科技比赛获奖数",
  "全国专项赛事获奖数",
  "参加青少年科技活动项数",
  "省级一等奖（项）",
  "省级二等奖（项）",
  "帮扶薄弱学校数",
  "参加科普周/科普日/承办竞赛次数",
  "市级创新大赛获奖数",
  "培训场次(场)",
  "新增骨干成员 数",
  "单位配套经费（元）",
];

/**
 * A submission as officials send it: a merged title row, headers with units and stray spaces,
 * values typed with full-width digits, units, ¥ and 是, an unreadable count, a blank, a 合计 row.
 * Row 3: all ten standards met → 优秀. Row 4: 二、四、八 not met → 合格 (7). Row 5: 1 met, D5
 * "若干" unreadable, L5 blank → 不合格.
 */
function assessmentRows(header = ASSESSMENT_HEADER): CellValue[][] {
  return [
    ["2024年度青少年科技教育名师工作室考核汇总表"],
    header,
    ["海州区创客工作室", 1, "１", "2项", 2, 0, 2, "1次", 3, "2场", 3, "¥3,000.00"],
    ["灌云县科学影像工作室", 1, 0, 1, 1, 3, 2, 1, 4, "1场", 3, "是"],
    ["连云区机器人工作室", 0, 0, "若干", 0, 1, 1, 0, 1, 2, 1, null],
    ["合计", 2, 1, 3, 3, 4, 5, 2, 8, 5, 7, null],
  ];
}

/** Expenses of two studios in 2024: 海州 spends 10,800 of 10,000 and bought equipment; 灌云 pays 课时费 for its own lessons. */
const BUDGET_ROWS: CellValue[][] = [
  ["工作室经费支出明细"],
  ["工作室名称", "年度", "支出类别", "金额（元）", "用途说明"],
  ["海州区创客工作室", 2024, "讲课费", 3000, "送教下乡"],
  ["海州区创客工作室", 2024, "餐费", "¥800.00", "培训午餐"],
  ["海州区创客工作室", 2024, "设备购置费", 5000, "购买3D打印机"],
  ["海州区创客工作室", 2024, "交通费", "0.2万元", "帮扶学校往返"],
  ["灌云县科学影像工作室", 2024, "材料费", 2000, "教学耗材"],
  ["灌云县科学影像工作室", 2024, "课时费", 1500, "本校上课"],
];

function renderPane(host: MemoryHost, lang: "zh" | "en" = "zh") {
  const applyParams = jest.fn(async () => undefined);
  const utils = render(
    <FluentProvider theme={webLightTheme}>
      <LangProvider value={lang}>
        <App host={host} packs={builtinPacks()} applyParams={applyParams} />
      </LangProvider>
    </FluentProvider>,
  );
  return { ...utils, applyParams };
}

const zh = STRINGS.zh;
const en = STRINGS.en;

async function detected(name: RegExp | string) {
  await screen.findByText(name);
  await waitFor(() => expect(screen.queryByRole("progressbar")).toBeNull());
}

async function validate(label = zh.validate) {
  const button = screen.getByRole("button", { name: label });
  await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false));
  fireEvent.click(button);
  await screen.findByTestId("row-list");
  await waitFor(() => expect(screen.queryByRole("progressbar")).toBeNull());
}

function row(n: number): HTMLElement {
  const el = document.querySelector(`li[data-row="${n}"]`);
  if (!el) throw new Error(`row ${n} is not listed`);
  return el as HTMLElement;
}

function listedRows(): number[] {
  return [...document.querySelectorAll("li[data-row]")].map((e) => Number(e.getAttribute("data-row")));
}

function lastPlan<T>(host: MemoryHost, method: string): T {
  const calls = host.callsTo(method);
  return calls[calls.length - 1][0] as T;
}

function openTab(name: string) {
  fireEvent.click(screen.getByRole("tab", { name }));
}

describe("strings", () => {
  test("Chinese for every Chinese locale, English otherwise", () => {
    expect(["zh-CN", "zh-TW", "zh", "ZH-hans-HK"].map(pickLang)).toEqual(["zh", "zh", "zh", "zh"]);
    expect(["en-US", "de-DE", "", undefined, null, "zu"].map(pickLang)).toEqual(["en", "en", "en", "en", "en", "en"]);
  });

  test("both tables hold the same keys", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
  });

  test("thresholds are read as officials type them", () => {
    expect(parseThreshold("５")).toBe(5);
    expect(parseThreshold(" 2.7 ")).toBe(2.7);
    expect(parseThreshold("0。9")).toBe(0.9);
    expect(parseThreshold("10,000")).toBe(10000);
    expect(parseThreshold("三")).toBeNull();
    expect(parseThreshold("")).toBeNull();
    expect(parseThreshold("3项")).toBeNull();
  });
});

describe("detect and column matching (zh)", () => {
  test("proposes the assessment pack and lists each field's column with its confidence", async () => {
    const host = new MemoryHost({ 考核: assessmentRows() });
    host.addSheet("考核", assessmentRows(), { merges: ["A1:L1"] });
    renderPane(host);
    await detected("推荐规则包：名师工作室年度考核");
    expect(screen.getByText("表头在第 2 行")).toBeTruthy();
    expect(screen.getByText(/表格类型/)).toBeTruthy();
    const first = screen.getByRole("combobox", { name: "省级一等奖数" }) as HTMLSelectElement;
    expect(first.value).toBe("5");
    expect(first.selectedOptions[0].textContent).toBe("E 列 · 省级一等奖（项）");
    const trainings = document.querySelector('li[data-field="trainings"]')!;
    expect(within(trainings as HTMLElement).getByRole("combobox")).toHaveProperty("value", "10");
    // Every evidence field of the layout is listed, each with a confidence.
    for (const f of ["national", "special", "activities", "provFirst", "provSecond", "assisted", "popular", "cityAwards", "trainings", "newMembers", "funding"]) {
      const tr = document.querySelector(`li[data-field="${f}"]`) as HTMLElement;
      expect(tr).not.toBeNull();
      // Exact without a percentage ("完全一致 95%" would contradict itself), else the word and how sure.
      expect(within(tr).getByText(/^(完全一致|[高中低] \d+%)$/)).toBeTruthy();
    }
    // The one-是/否-column-per-standard fields are not listed until asked for.
    expect(document.querySelector('li[data-field="std4"]')).toBeNull();
    fireEvent.click(screen.getByLabelText(zh.showAllFields));
    expect(document.querySelector('li[data-field="std4"]')).not.toBeNull();
  });

  test("when only the selected Excel table was read, the pane says so and how to check the whole sheet", async () => {
    const host = new MemoryHost({ 考核: assessmentRows().slice(1, 5) });
    const read = host.readSheet.bind(host);
    host.readSheet = async (name, onProgress) => ({ ...(await read(name, onProgress)), table: "表1" });
    renderPane(host);
    await detected(/推荐规则包/);
    expect(screen.getByText(zh.fromTable("表1"))).toBeTruthy();
  });

  test("a whole sheet read says nothing about tables", async () => {
    renderPane(new MemoryHost({ 考核: assessmentRows() }));
    await detected(/推荐规则包/);
    expect(screen.queryByText(/表格“/)).toBeNull();
  });

  test("a column the matcher cannot name is assigned by hand, saved in the workbook and used by the check", async () => {
    const header = [...ASSESSMENT_HEADER];
    header[10] = "今年新来的骨干"; // not a name the pack knows
    const host = new MemoryHost({ 考核: assessmentRows(header) });
    renderPane(host);
    await detected(/推荐规则包/);
    expect(await screen.findByText(/以下必填列未找到：新增骨干成员数/)).toBeTruthy();
    expect((screen.getByRole("button", { name: zh.validate }) as HTMLButtonElement).disabled).toBe(false);

    const select = screen.getByRole("combobox", { name: "新增骨干成员数" }) as HTMLSelectElement;
    expect(select.value).toBe("none");
    expect([...select.options].map((o) => o.textContent)).toContain("K 列 · 今年新来的骨干");
    fireEvent.change(select, { target: { value: "11" } });

    await waitFor(() => expect(screen.queryByText(/以下必填列未找到/)).toBeNull());
    await screen.findByText(zh.mappingSaved);
    const saved = host.savedSettings();
    expect(saved).toMatchObject({ pack: "studio-assessment", sheet: "考核", mapping: { newMembers: 11 }, headerRow: 2 });
    const tr = document.querySelector('li[data-field="newMembers"]') as HTMLElement;
    expect(within(tr).getByText(zh.manual)).toBeTruthy();

    await validate();
    expect(within(row(3)).getByText("优秀")).toBeTruthy();

    // Back to the automatic guess: the field is unmatched again and the setting is gone.
    fireEvent.click(screen.getByRole("tab", { name: zh.tabMatch }));
    fireEvent.change(screen.getByRole("combobox", { name: "新增骨干成员数" }), { target: { value: "auto" } });
    await screen.findByText(/以下必填列未找到/);
    expect(host.savedSettings().mapping).toEqual({});
  });

  test("a wrong guess is corrected from the drop-down and changes the verdicts", async () => {
    // Two amount columns: the matcher takes 金额 (the budgeted sum); the spending is 报销金额.
    const host = new MemoryHost({
      经费: [
        ["工作室名称", "年度", "支出类别", "金额（元）", "报销金额（元）", "用途说明"],
        ["海州区创客工作室", 2024, "讲课费", 6000, 3000, "送教下乡"],
        ["海州区创客工作室", 2024, "交通费", 6000, 2000, "帮扶学校往返"],
      ],
    });
    renderPane(host);
    await detected("推荐规则包：工作室经费使用");
    expect((screen.getByRole("combobox", { name: "金额（元）" }) as HTMLSelectElement).value).toBe("4");
    await validate();
    const group = () => screen.getByTestId("budget-chart").querySelector("[data-group]") as HTMLElement;
    expect(group().getAttribute("data-status")).toBe("error");
    expect(within(group()).getByText("12,000 / 10,000 元（120%）")).toBeTruthy();

    openTab(zh.tabMatch);
    fireEvent.change(screen.getByRole("combobox", { name: "金额（元）" }), { target: { value: "5" } });
    await screen.findByText(zh.mappingSaved);
    expect(host.savedSettings()).toMatchObject({ pack: "studio-budget", sheet: "经费", mapping: { amount: 5 }, headerRow: 1 });
    openTab(zh.tabResults);
    expect(screen.getByText(zh.staleResults)).toBeTruthy();
    expect(group().getAttribute("data-status")).toBe("ok");
    expect(within(group()).getByText("5,000 / 10,000 元（50%）")).toBeTruthy();
    // The sheet's result columns follow on the next 一键校验.
    await validate();
    expect(screen.queryByText(zh.staleResults)).toBeNull();
    expect(host.cell("经费", "G1")).toBe("校验结果");
    expect(host.cell("经费", "G2")).toBe("通过");
  });

  test("choosing another pack is saved and rematches the sheet", async () => {
    const host = new MemoryHost({ 考核: assessmentRows() });
    renderPane(host);
    await detected(/推荐规则包/);
    fireEvent.change(screen.getByRole("combobox", { name: zh.pack }), { target: { value: "studio-budget" } });
    await screen.findByText("已改用规则包“工作室经费使用”，并保存到本工作簿。");
    expect(host.savedSettings()).toMatchObject({ pack: "studio-budget", sheet: "考核", mapping: {} });
    expect(screen.getByText(/以下必填列未找到：.*支出类别/)).toBeTruthy();
  });

  test("a saved pack and mapping are used again when the workbook is reopened", async () => {
    const header = [...ASSESSMENT_HEADER];
    header[10] = "今年新来的骨干";
    const settings: WorkbookSettings = { pack: "studio-assessment", sheet: "考核", mapping: { newMembers: 11 }, params: { qualifiedMin: 8 } };
    const host = new MemoryHost({ 考核: assessmentRows(header) }, { settings });
    const { applyParams } = renderPane(host);
    await detected(/推荐规则包/);
    expect((screen.getByRole("combobox", { name: "新增骨干成员数" }) as HTMLSelectElement).value).toBe("11");
    expect(screen.queryByText(/以下必填列未找到/)).toBeNull();
    // The saved thresholds reach the formulas as soon as the pane opens.
    expect(applyParams).toHaveBeenCalledWith("studio-assessment", { qualifiedMin: 8 }, {});
    await validate();
    expect(within(row(4)).getByText("不合格")).toBeTruthy();
  });
});

describe("一键校验 and results (zh)", () => {
  test("writes result columns, shows counts per grade, every row's verdict and its problems", async () => {
    const host = new MemoryHost({ 考核: assessmentRows() });
    renderPane(host);
    await detected(/推荐规则包/);
    await validate();

    const plan = lastPlan<ResultPlan>(host, "writeResults");
    expect(plan).toMatchObject({ sheet: "考核", headerRow: 2, startCol: 13, headers: ["得分", "等级", "未达标项", "校验说明"] });
    expect(host.cell("考核", "M2")).toBe("得分");
    expect(host.cell("考核", "N3")).toBe("优秀");
    expect(host.cell("考核", "N5")).toBe("不合格");
    expect(host.cell("考核", "N6")).toBeNull(); // the 合计 row is not a record
    expect(host.marks.get("考核!D5")).toBe("error");
    expect(screen.getByText(/结果已写入 '考核'!M2:P5/)).toBeTruthy();

    expect(screen.getByRole("img", { name: "等级分布（条形图）: 优秀 1, 合格 1, 不合格 1" })).toBeTruthy();
    expect(screen.getByTestId("records-checked").textContent).toBe("共校验 3 条记录 · 跳过 1 行（空行 0，合计行 1）");
    expect(listedRows()).toEqual([3, 4, 5]);
    expect(within(row(3)).getByText("海州区创客工作室")).toBeTruthy();
    expect(within(row(3)).getByText("优秀")).toBeTruthy();
    expect(within(row(3)).getByText("无问题")).toBeTruthy();
    expect(within(row(4)).getByText("合格")).toBeTruthy();
    expect(within(row(4)).getByText("未达标：二、四、八")).toBeTruthy();
    expect(within(row(5)).getByText("不合格")).toBeTruthy();

    // A problem names the cell, the text found and the rule.
    const unreadable = row(5).querySelector('[data-code="unreadable"]') as HTMLElement;
    expect(within(unreadable).getByText("单元格 D5")).toBeTruthy();
    expect(within(unreadable).getByText("内容：“若干”")).toBeTruthy();
    expect(within(unreadable).getByText("依据：第十六条（三）")).toBeTruthy();
    const missing = row(5).querySelector('[data-code="missing"]') as HTMLElement;
    expect(within(missing).getByText("内容：空白")).toBeTruthy();
    const shortfall = within(row(4)).getByText(/省级一等奖数为“1”，需≥2/);
    expect(shortfall).toBeTruthy();

    // The interpretations the check applied are said.
    expect(screen.getByText(zh.interpretationsApplied)).toBeTruthy();
    // The legend shows the two fills used in the sheet.
    expect(screen.getByText(zh.legendTitle)).toBeTruthy();

    // A second run replaces the first in the same columns instead of moving right.
    await validate();
    expect(host.callsTo("writeResults")).toHaveLength(2);
    expect(lastPlan<ResultPlan>(host, "writeResults").startCol).toBe(13);
    expect(host.cell("考核", "M2")).toBe("得分");
    expect(host.cell("考核", "Q2")).toBeNull();
  });

  test("clicking a problem selects its cell in the workbook", async () => {
    const host = new MemoryHost({ 考核: assessmentRows() });
    renderPane(host);
    await detected(/推荐规则包/);
    await validate();
    fireEvent.click(screen.getByRole("button", { name: "转到单元格 D5" }));
    await waitFor(() => expect(host.callsTo("selectCell")).toEqual([["考核", "D5"]]));
    fireEvent.click(screen.getByRole("button", { name: "转到单元格 J4" }));
    await waitFor(() => expect(host.callsTo("selectCell")[1]).toEqual(["考核", "J4"]));
  });

  test("filters are by record status, 不通过 and 需核实, and a row's problems agree with its status", async () => {
    const rows = assessmentRows();
    // 灌云 stays 合格 but its 省级一等奖 cannot be read: 需核实.
    rows[3][4] = "待定";
    const host = new MemoryHost({ 考核: rows });
    renderPane(host);
    await detected(/推荐规则包/);
    await validate();
    fireEvent.click(screen.getByRole("button", { name: zh.filterErrors }));
    expect(zh.filterErrors).toBe("不通过");
    expect(listedRows()).toEqual([5]);
    expect(row(5).querySelectorAll('[data-severity="warning"]')).toHaveLength(0);
    expect(row(5).querySelectorAll('[data-severity="error"]').length).toBeGreaterThan(2);
    fireEvent.click(screen.getByRole("button", { name: zh.filterWarnings }));
    expect(zh.filterWarnings).toBe("需核实");
    expect(listedRows()).toEqual([4]);
    expect(row(4).querySelectorAll('[data-severity="error"]')).toHaveLength(0);
    expect(within(row(4)).getByText("合格")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: zh.filterAll }));
    expect(listedRows()).toEqual([3, 4, 5]);
  });

  test("a 合格 row with unmet standards is not listed under 需核实 (its problems are 提醒 of a passing row)", async () => {
    const host = new MemoryHost({ 考核: assessmentRows() });
    renderPane(host);
    await detected(/推荐规则包/);
    await validate();
    expect(row(4).querySelectorAll('[data-severity="warning"]').length).toBeGreaterThan(0);
    fireEvent.click(screen.getByRole("button", { name: zh.filterWarnings }));
    expect(screen.getByText(zh.filterEmpty)).toBeTruthy();
  });

  test("budget: each studio's spending against its limit, and the totals' problems", async () => {
    const host = new MemoryHost({ 经费: BUDGET_ROWS });
    renderPane(host);
    await detected("推荐规则包：工作室经费使用");
    await validate();
    const bars = screen.getByTestId("budget-chart");
    const haizhou = bars.querySelector('[data-group="海州区创客工作室 · 2024"]') as HTMLElement;
    expect(haizhou.getAttribute("data-status")).toBe("error");
    expect(within(haizhou).getByText("10,800 / 10,000 元（108%）")).toBeTruthy();
    const guanyun = bars.querySelector('[data-group="灌云县科学影像工作室 · 2024"]') as HTMLElement;
    expect(within(guanyun).getByText("3,500 / 10,000 元（35%）")).toBeTruthy();
    expect(screen.getByRole("img", { name: /校验结果分布.*通过 4, 需核实 1, 不通过 1/ })).toBeTruthy();
    expect(within(row(5)).getByText(/设备购置费”不在经费使用范围/)).toBeTruthy();
    expect(within(row(8)).getByText(/未写明送教/)).toBeTruthy();
    const totals = document.querySelector('[data-row="groups"]') as HTMLElement;
    expect(within(totals).getByText(/超过额度/)).toBeTruthy();
    expect(lastPlan<ResultPlan>(host, "writeResults").headers).toEqual(["校验结果", "说明"]);
  });

  test("a large sheet shows its row count while it is read and written", async () => {
    const rows = assessmentRows().slice(0, 2);
    for (let i = 0; i < 3000; i++) rows.push([`工作室${i + 1}`, 1, 1, 1, 2, 0, 2, 1, 3, 2, 3, 1000]);
    const host = new MemoryHost({ 考核: rows });
    host.chunkRows = 500;
    renderPane(host);
    await detected(/推荐规则包/);
    fireEvent.click(screen.getByRole("button", { name: zh.validate }));
    await screen.findByText(/正在读取：\d[\d,]* \/ 3,002 行/);
    await screen.findByTestId("row-list");
    await waitFor(() => expect(screen.queryByRole("progressbar")).toBeNull());
    expect(screen.getByTestId("records-checked").textContent).toBe("共校验 3,000 条记录");
    // Only the first page of rows is rendered; the rest on request.
    expect(listedRows()).toHaveLength(50);
    fireEvent.click(screen.getByRole("button", { name: "再显示 50 行" }));
    expect(listedRows()).toHaveLength(100);
  });
});

describe("rules view (zh)", () => {
  test("shows standards with articles, interpretations as such, and an edited threshold changes verdicts and is saved", async () => {
    const host = new MemoryHost({ 考核: assessmentRows() });
    const { applyParams } = renderPane(host);
    await detected(/推荐规则包/);
    await validate();
    expect(within(row(4)).getByText("合格")).toBeTruthy();

    openTab(zh.tabRules);
    const seven = document.querySelector('[data-criterion="七"]') as HTMLElement;
    expect(within(seven).getByText("第十六条（七）")).toBeTruthy();
    expect(within(seven).getByText(zh.interpretation)).toBeTruthy();
    expect(document.querySelector('[data-interpretation="std7-number"]')).not.toBeNull();
    expect(document.querySelector('[data-interpretation="std4-strict"]')).not.toBeNull();
    expect(screen.getByText(/评定等级：达标 ≥ 9 项 → 优秀/)).toBeTruthy();

    const param = document.querySelector('[data-param="qualifiedMin"]') as HTMLElement;
    const input = within(param).getByRole("textbox");
    fireEvent.change(input, { target: { value: "八" } });
    fireEvent.blur(input);
    expect(within(param).getByText(/不能设为“八”：请输入数字（允许 0–10）/)).toBeTruthy();
    expect(host.callsTo("saveSettings")).toHaveLength(0);

    fireEvent.change(input, { target: { value: "８" } });
    fireEvent.keyDown(input, { key: "Enter" });
    await screen.findByText(/已设为 8，已保存到本工作簿/);
    expect(host.savedSettings()).toMatchObject({ pack: "studio-assessment", params: { qualifiedMin: 8 } });
    expect(applyParams).toHaveBeenLastCalledWith("studio-assessment", { qualifiedMin: 8 }, {});
    expect(within(param).getByText(zh.paramChanged)).toBeTruthy();
    expect(screen.getByText(/评定等级：达标 ≥ 9 项 → 优秀.*达标 ≥ 8 项 → 合格/)).toBeTruthy();

    openTab(zh.tabResults);
    expect(within(row(4)).getByText("不合格")).toBeTruthy();
    expect(screen.getByText(zh.staleResults)).toBeTruthy();

    openTab(zh.tabRules);
    fireEvent.click(screen.getByRole("button", { name: zh.resetParams }));
    await screen.findByText(zh.paramsReset);
    expect(host.savedSettings().params).toEqual({});
    expect(applyParams).toHaveBeenLastCalledWith("studio-assessment", {}, {});
  });
});

describe("thresholds as officials say them (zh)", () => {
  test("the 90 % warning is shown and typed as a percentage, kept as a share; the lowest band reads 其余", async () => {
    const host = new MemoryHost({ 经费: BUDGET_ROWS });
    const { applyParams } = renderPane(host);
    await detected("推荐规则包：工作室经费使用");
    openTab(zh.tabRules);
    const param = document.querySelector('[data-param="warnRatio"]') as HTMLElement;
    const input = within(param).getByRole("textbox") as HTMLInputElement;
    expect(input.value).toBe("90");
    expect(within(param).getByText("%")).toBeTruthy();
    expect(within(param).getByText(/默认 90 · 允许 0–100/)).toBeTruthy();
    fireEvent.change(input, { target: { value: "85" } });
    fireEvent.keyDown(input, { key: "Enter" });
    await screen.findByText("“支出达到额度的比例时提醒”已设为 85 %，已保存到本工作簿，公式也会使用新值。");
    expect(host.savedSettings().params).toEqual({ warnRatio: 0.85 });
    expect(applyParams).toHaveBeenLastCalledWith("studio-budget", { warnRatio: 0.85 }, {});
    fireEvent.change(input, { target: { value: "0.9" } });
    fireEvent.blur(input);
    await screen.findByText("“支出达到额度的比例时提醒”已设为 0.9 %，已保存到本工作簿，公式也会使用新值。");
  });

  test("a grade band from 0 reads as the rest, not 达标 ≥ 0 项", () => {
    expect(zh.gradeBand(0, "不合格")).toBe("其余 → 不合格");
    expect(zh.gradeBand(6, "合格")).toBe("达标 ≥ 6 项 → 合格");
  });
});

describe("sheet actions (zh)", () => {
  test("summary sheet with or without a chart, template, and clearing exactly what was written", async () => {
    const host = new MemoryHost({ 考核: assessmentRows() });
    renderPane(host);
    await detected(/推荐规则包/);
    await validate();
    openTab(zh.tabSheets);

    fireEvent.click(screen.getByRole("button", { name: zh.summaryButton }));
    await screen.findByText(/已生成汇总表“名师工作室年度考核汇总”/);
    let plan = lastPlan<SheetPlan>(host, "writeSheet");
    expect(plan.chart?.type).toBe("column");
    const lines = plan.rows.filter((r) => r[1] === "海州区创客工作室" || r[1] === "连云区机器人工作室");
    expect(lines.map((r) => r[2])).toEqual(["优秀", "不合格"]);

    fireEvent.click(screen.getByLabelText(zh.withChart));
    fireEvent.click(screen.getByRole("button", { name: zh.summaryButton }));
    await waitFor(() => expect(host.callsTo("writeSheet")).toHaveLength(2));
    plan = lastPlan<SheetPlan>(host, "writeSheet");
    expect(plan.chart).toBeUndefined();

    fireEvent.change(screen.getByRole("combobox", { name: zh.templateLayout }), { target: { value: "flags" } });
    fireEvent.click(screen.getByRole("button", { name: zh.templateButton }));
    await screen.findByText(/已插入模板工作表“名师工作室年度考核模板”/);
    plan = lastPlan<SheetPlan>(host, "writeSheet");
    expect(plan.rows[1]).toEqual(expect.arrayContaining(["工作室名称", "标准四"]));
    expect(plan.validations?.length).toBeGreaterThan(0);

    fireEvent.click(screen.getByRole("button", { name: zh.clearButton }));
    await screen.findByText(/已清除 \d+ 个结果单元格、删除 2 张工作表/);
    expect(host.cell("考核", "M2")).toBeNull();
    expect(host.cell("考核", "N3")).toBeNull();
    expect(host.cell("考核", "A3")).toBe("海州区创客工作室");
    // The record of the check is not a result: 清除结果 leaves 校验记录.
    expect(host.sheetNames()).toEqual(["考核", "校验记录"]);
  });
});

describe("error states (zh)", () => {
  test("an empty sheet says so and cannot be checked", async () => {
    const host = new MemoryHost({ Sheet1: [] });
    renderPane(host);
    expect(await screen.findByText(zh.emptySheet("Sheet1"))).toBeTruthy();
    expect((screen.getByRole("button", { name: zh.validate }) as HTMLButtonElement).disabled).toBe(true);
    expect(host.callsTo("writeResults")).toHaveLength(0);
  });

  test("a sheet without a recognisable header says so", async () => {
    const host = new MemoryHost({ 通讯录: [["姓名", "电话", "住址"], ["张三", "13800000000", "海州区"]] });
    renderPane(host);
    expect(await screen.findByText(zh.noHeader("通讯录"))).toBeTruthy();
    expect(screen.getByText(zh.proposedNone)).toBeTruthy();
    expect((screen.getByRole("button", { name: zh.validate }) as HTMLButtonElement).disabled).toBe(true);
  });

  test("a protected sheet is refused with the host's message; results are still shown, nothing written", async () => {
    const host = new MemoryHost({ 考核: assessmentRows() });
    host.protect("考核");
    renderPane(host);
    await detected(/推荐规则包/);
    fireEvent.click(screen.getByRole("button", { name: zh.validate }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("工作表“考核”受保护，无法写入校验结果");
    expect(alert.getAttribute("data-code")).toBe("sheet-protected");
    expect(host.cell("考核", "M2")).toBeNull();
    // The refusal is shown as soon as the write fails; the results list follows it.
    await waitFor(() => row(3));
    expect(within(row(3)).getByText("优秀")).toBeTruthy();
  });

  test("result columns holding someone else's data: results go to a new sheet, and the pane says so", async () => {
    const host = new MemoryHost({ 考核: assessmentRows() });
    // The official types beside the data while the check runs (after it was read).
    host.beforeWrite = () => host.setCell("考核", "N4", "复核人：王老师");
    renderPane(host);
    await detected(/推荐规则包/);
    await validate();
    expect(screen.getByText(/为不覆盖您的数据，结果已写入新工作表“考核校验结果”/)).toBeTruthy();
    expect(host.cell("考核", "N4")).toBe("复核人：王老师");
  });

  test("a missing required column blocks writing with a message naming it", async () => {
    const header = [...ASSESSMENT_HEADER];
    header[10] = "备注";
    const host = new MemoryHost({ 考核: assessmentRows(header) });
    renderPane(host);
    await detected(/推荐规则包/);
    fireEvent.click(screen.getByRole("button", { name: zh.validate }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("还不能校验：必填列“新增骨干成员数”没有对应的列。请在“列匹配”中指定。");
    expect(host.callsTo("writeResults")).toHaveLength(0);
  });

  test("a header over two rows with merged cells (省级竞赛获奖 over 一等奖 / 二等奖) is matched and checked", async () => {
    const top = ["工作室名称", "国家级科技比赛获奖数", "全国专项赛事获奖数", "参加青少年科技活动项数", "省级竞赛获奖（项）", null, "帮扶薄弱学校数", "参加科普周/科普日/承办竞赛次数", "市级创新大赛获奖（项）", "培训场次(场)", "新增骨干成员 数", "单位配套经费（元）"];
    const sub = [null, null, null, null, "一等奖", "二等奖", null, null, null, null, null, null];
    const host = new MemoryHost({ 考核: [] });
    host.addSheet(
      "考核",
      [["2024年度青少年科技教育名师工作室考核汇总表"], top, sub, ["海州区新海实验中学科技教育名师工作室", 1, 1, 1, 0, 4, 2, 1, 3, 2, 3, "是"], ["东海县白塔高级中学机器人名师工作室", 0, 0, 1, 1, 3, 1, 1, 2, 1, 1, 0]],
      { merges: ["A1:L1", "E2:F2", "A2:A3", "B2:B3", "C2:C3", "D2:D3", "G2:G3", "H2:H3", "I2:I3", "J2:J3", "K2:K3", "L2:L3"] },
    );
    renderPane(host);
    await detected("推荐规则包：名师工作室年度考核");
    expect(screen.getByText("表头在第 2、3 行")).toBeTruthy();
    expect((screen.getByRole("combobox", { name: "省级一等奖数" }) as HTMLSelectElement).value).toBe("5");
    expect((screen.getByRole("combobox", { name: "省级二等奖数" }) as HTMLSelectElement).value).toBe("6");
    await validate();
    expect(within(row(4)).getByText("优秀")).toBeTruthy();
    expect(within(row(5)).getByText("不合格")).toBeTruthy();
    // Results start below the header's last row.
    const plan = lastPlan<ResultPlan>(host, "writeResults");
    expect(plan.rows.map((r) => r.row)).toEqual([4, 5]);
  });

  test("a sheet too large to read (a stray cell at XFD1048576) gets the host's message and nothing is written", async () => {
    const host = new MemoryHost({ 考核: assessmentRows() });
    host.readSheet = async () => {
      throw {
        code: "sheet-too-large",
        sheet: "考核",
        message: { zh: "工作表“考核”的已用区域 A1:XFD1048576 有 1,048,576 行 × 16,384 列，超过本工具一次能读取的 20,000,000 个单元格。", en: "The used range A1:XFD1048576 of sheet \"考核\" is too large." },
      };
    };
    renderPane(host);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("A1:XFD1048576");
    expect(alert.getAttribute("data-code")).toBe("sheet-too-large");
    expect((screen.getByRole("button", { name: zh.validate }) as HTMLButtonElement).disabled).toBe(true);
    expect(host.callsTo("writeResults")).toHaveLength(0);
  });

  test("switching sheets in the workbook re-detects the new sheet", async () => {
    const host = new MemoryHost({ 考核: assessmentRows(), 经费: BUDGET_ROWS });
    renderPane(host);
    await detected("推荐规则包：名师工作室年度考核");
    act(() => host.activate("经费"));
    await detected("推荐规则包：工作室经费使用");
    expect(screen.getByText("工作表：经费")).toBeTruthy();
  });
});

describe("English", () => {
  test("detect, check, results, problem click, filters and thresholds in English", async () => {
    const host = new MemoryHost({ 考核: assessmentRows() });
    const { applyParams } = renderPane(host, "en");
    await detected("Suggested rule pack: Studio annual assessment");
    expect(screen.getByText("Header in row 2")).toBeTruthy();
    expect((screen.getByRole("combobox", { name: "Provincial first prizes" }) as HTMLSelectElement).selectedOptions[0].textContent).toBe(
      "Column E · 省级一等奖（项）",
    );
    await validate(en.validate);
    expect(screen.getByRole("img", { name: "Grades (bar chart): Excellent 1, Qualified 1, Unqualified 1" })).toBeTruthy();
    expect(within(row(3)).getByText("Excellent")).toBeTruthy();
    expect(within(row(5)).getByText("Unqualified")).toBeTruthy();
    expect(within(row(4)).getByText("Not met: 二, 四, 八")).toBeTruthy();
    const unreadable = row(5).querySelector('[data-code="unreadable"]') as HTMLElement;
    expect(within(unreadable).getByText('Found: "若干"')).toBeTruthy();
    expect(within(unreadable).getByText("Rule: 第十六条（三）")).toBeTruthy();
    expect(unreadable.textContent).not.toMatch(/无法识别/);
    fireEvent.click(within(unreadable).getByRole("button", { name: "Go to cell D5" }));
    await waitFor(() => expect(host.callsTo("selectCell")).toEqual([["考核", "D5"]]));
    fireEvent.click(screen.getByRole("button", { name: en.filterErrors }));
    expect(listedRows()).toEqual([5]);

    openTab(en.tabRules);
    const input = within(document.querySelector('[data-param="qualifiedMin"]') as HTMLElement).getByRole("textbox");
    fireEvent.change(input, { target: { value: "8" } });
    fireEvent.blur(input);
    await screen.findByText(/set to 8, saved in this workbook/);
    expect(applyParams).toHaveBeenLastCalledWith("studio-assessment", { qualifiedMin: 8 }, {});
    openTab(en.tabResults);
    fireEvent.click(screen.getByRole("button", { name: en.filterAll }));
    expect(within(row(4)).getByText("Unqualified")).toBeTruthy();
  });

  test("error states in English", async () => {
    const host = new MemoryHost({ Sheet1: [], 考核: assessmentRows() });
    renderPane(host, "en");
    expect(await screen.findByText(en.emptySheet("Sheet1"))).toBeTruthy();
    host.protect("考核");
    act(() => host.activate("考核"));
    await detected(/Suggested rule pack/);
    fireEvent.click(screen.getByRole("button", { name: en.validate }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain('Sheet "考核" is protected');
  });
});

describe("the page checks the whole workbook (zh)", () => {
  test("every sheet that fits a pack is checked and recorded in one check; a sheet that fits nothing is named", async () => {
    const host = new MemoryHost({ 考核: assessmentRows(), 经费: BUDGET_ROWS, 封面: [["2024年度工作室材料"], ["报送单位：市科协"]] });
    const validated: string[] = [];
    render(
      <FluentProvider theme={webLightTheme}>
        <LangProvider value="zh">
          <App host={host} packs={builtinPacks()} page onValidated={(v) => validated.push(`${v.result.sheet}:${v.pack.id}`)} />
        </LangProvider>
      </FluentProvider>,
    );
    await screen.findByText(/推荐规则包/, {}, { timeout: 10_000 });
    const button = screen.getByRole("button", { name: zh.validate });
    await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false), { timeout: 10_000 });
    fireEvent.click(button);
    await waitFor(() => expect(host.records).toHaveLength(1), { timeout: 20_000 });
    expect(validated).toEqual(["考核:studio-assessment", "经费:studio-budget"]);
    expect(host.records[0].sheets.map((s) => [s.sheet, s.pack])).toEqual([
      ["考核", "studio-assessment"],
      ["经费", "studio-budget"],
    ]);
    expect(host.callsTo("writeResults").map((c) => (c[0] as ResultPlan).sheet)).toEqual(["考核", "经费"]);
    expect(await screen.findByText(/另已校验工作表：“经费”。不符合任何规则包、未校验的工作表：“封面”。/, {}, { timeout: 10_000 })).toBeTruthy();
  }, 60_000);
});
