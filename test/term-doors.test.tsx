/** @jest-environment jsdom */
/**
 * One workbook, three doors, one ledger: the task pane's 生成台账 over the fake Excel object model,
 * the page's (the same pane over the in-memory .xlsx host) and the command line's --report all write
 * the same 工作室周期台账 sheet for examples/周期台账.xlsx — the sheet the engine plans (the command
 * line's --report is held to that plan in cli-ledger.test.ts).
 */
import "./support/text-codec";
import "./support/dom-shims";
import * as fs from "fs";
import * as path from "path";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { App } from "../src/taskpane/App";
import { LangProvider } from "../src/taskpane/i18n";
import { STRINGS } from "../src/taskpane/strings";
import { builtinPacks, getPack, rosterPack } from "../src/packs";
import { createExcelHost } from "../src/excel";
import { FileWorkbookHost } from "../src/file/host";
import { readWorkbook, sheetGrid } from "../src/file/xlsx-read";
import { buildLedger } from "../src/engine/term/ledger";
import { LEDGER_SHEET, ledgerSheet } from "../src/engine/term/sheet";
import type { SheetGrid } from "../src/engine/types";
import type { WorkbookHost } from "../src/engine/host";
import { FakeExcel, type Seed } from "./support/fake-excel";

const ROOT = path.resolve(__dirname, "..");
const FILE = path.join(ROOT, "examples", "周期台账.xlsx");
const zh = STRINGS.zh;
const bytes = new Uint8Array(fs.readFileSync(FILE));

function grids(b: Uint8Array): SheetGrid[] {
  const r = readWorkbook(b);
  if (!r.ok) throw new Error(r.error.message);
  return r.workbook.sheets.map((e) => {
    const g = sheetGrid(e);
    if (!g.ok) throw new Error(g.error.message);
    return g.grid;
  });
}

/** Rows as values, blanks as null, without trailing blanks: how each door's sheet is compared. */
function norm(rows: unknown[][]): (string | number | null)[][] {
  const out = Array.from(rows, (r) => {
    const v = Array.from(r ?? [], (x) => (x === undefined || x === null || x === "" ? null : (x as string | number)));
    while (v.length && v[v.length - 1] === null) v.pop();
    return v;
  });
  while (out.length && out[out.length - 1].length === 0) out.pop();
  return out;
}

/** The fake's cells are 1-based (row 0 and column 0 unused). */
const fakeRows = (rows: unknown[][]) => Array.from(rows.slice(1), (r) => Array.from(r ?? []).slice(1));

const expected = norm(ledgerSheet(buildLedger(grids(bytes).map((grid) => ({ grid })), { assessment: getPack("studio-assessment")!, budget: getPack("studio-budget")!, roster: rosterPack() })).rows);

function renderPane(host: WorkbookHost) {
  return render(
    <FluentProvider theme={webLightTheme}>
      <LangProvider value="zh">
        <App host={host} packs={builtinPacks()} applyParams={async () => undefined} />
      </LangProvider>
    </FluentProvider>,
  );
}

async function makeLedger() {
  // The pane has read the active sheet (the roster, which no checking pack fits) and is idle.
  await screen.findByText(zh.noHeader("名册"));
  await waitFor(() => expect(screen.queryByRole("progressbar")).toBeNull());
  fireEvent.click(screen.getByRole("tab", { name: zh.tabSheets }));
  fireEvent.click(await screen.findByRole("button", { name: zh.ledgerButton }));
  // The names to confirm are listed under the button (the notice may give way to the new sheet's, where Excel activates it).
  await screen.findByTestId("ledger-names", {}, { timeout: 10_000 });
}

test("the engine's plan: a line per studio-year, names to confirm, readings, and the chart block", () => {
  expect(expected.find((r) => r[0] === "工作室")).toEqual(["工作室", "挂牌日期", "管理年度", "年度", "考核等级", "达标项数", "本年补助（元）", "配套经费（元）", "本年额度（元）", "已支出（元）", "下年补助（元）", "预算报告截止", "报送日期", "成员数", "新增骨干", "标记", "状态", "说明"]);
  const zhang = expected.findIndex((r) => r[0] === "赣榆区实验中学张伟工作室");
  expect(expected[zhang + 1].slice(2, 12)).toEqual(["第2年", 2024, "合格", 7, 0, 1000, 1000, 1500, 10000, 45543]);
  expect(expected[zhang + 1].slice(15, 17)).toEqual(["超支", "不通过"]);
  expect(expected.some((r) => r[0] === "新海工作室" && r[1] === "请确认")).toBe(true);
  expect(expected.find((r) => r[0] === "达标项数（按管理年度）")).toEqual(["达标项数（按管理年度）", "第1年", "第2年", "第3年"]);
});

describe("the three doors agree", () => {
  let fake: FakeExcel;
  let restore: () => void;
  beforeEach(() => {
    fake = new FakeExcel();
    restore = fake.install();
  });
  afterEach(() => restore());

  test("task pane over the Office.js object model: the ledger sheet, its chart, and a name confirmed", async () => {
    for (const g of grids(bytes)) fake.addSheet(g.name, { rows: g.rows as Seed[][] });
    const { unmount } = renderPane(createExcelHost());
    await makeLedger();
    const sheet = fake.sheet(LEDGER_SHEET);
    expect(norm(fakeRows(sheet.rows))).toEqual(expected);
    expect(sheet.charts).toEqual([expect.objectContaining({ type: "ColumnClustered", title: "各工作室管理期内考核达标项数" })]);

    // A person confirms 新海工作室: saved in the workbook, and the next ledger no longer asks.
    const table = await screen.findByTestId("ledger-names");
    fireEvent.change(table.querySelector('select[aria-label="新海工作室"]')!, { target: { value: "海州区新海实验中学王建国工作室" } });
    await screen.findByText(zh.ledgerNamesSaved);
    fireEvent.click(screen.getByRole("button", { name: zh.ledgerButton }));
    await waitFor(() => expect(norm(fakeRows(fake.sheet(LEDGER_SHEET).rows)).some((r) => r[0] === "新海工作室")).toBe(false), { timeout: 10_000 });
    expect(norm(fakeRows(fake.sheet(LEDGER_SHEET).rows)).filter((r) => r[1] === "请确认")).toHaveLength(7);
    // Excel activates the new sheet; the pane follows it before the test ends.
    await screen.findByText(zh.noHeader(LEDGER_SHEET));
    await waitFor(() => expect(screen.queryByRole("progressbar")).toBeNull());
    unmount();
  });
});

test("the page (the pane over the .xlsx in memory) writes the same sheet", async () => {
  const host = new FileWorkbookHost(bytes, "周期台账.xlsx");
  renderPane(host);
  await makeLedger();
  expect(document.body.textContent).toContain(zh.ledgerDone(LEDGER_SHEET, 4, 8));
  const plan = host.sheetPlans().find((p) => p.name === LEDGER_SHEET);
  if (!plan) throw new Error(document.body.textContent ?? "");
  expect(norm(plan.rows)).toEqual(expected);
});

// The command line's --report is held to the same engine plan in test/cli-ledger.test.ts (a Node test: it runs the bin).
