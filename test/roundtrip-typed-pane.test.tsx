/** @jest-environment jsdom */
/**
 * The pane (Excel, fake object model) after an official typed a note into 校验说明: 清除结果 keeps
 * the note and the message names its sheet and cell, in Chinese, with no internal id.
 */
import "./support/dom-shims";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { App } from "../src/taskpane/App";
import { LangProvider } from "../src/taskpane/i18n";
import { STRINGS } from "../src/taskpane/strings";
import { builtinPacks, getPack } from "../src/packs";
import { createExcelHost } from "../src/excel";
import { evaluateSheet, planResults } from "../src/engine";
import { withoutOwnResults } from "../src/taskpane/model";
import { FakeExcel } from "./support/fake-excel";

const zh = STRINGS.zh;
const HEADER = ["工作室名称", "标准一", "标准二", "标准三", "标准四", "标准五", "标准六", "标准七", "标准八", "标准九", "标准十"];

test("清除结果 in the pane keeps a typed note and names it", async () => {
  const fake = new FakeExcel();
  const restore = fake.install();
  try {
    fake.addSheet("考核", {
      rows: [HEADER, ["海州区创客工作室", "是", "是", "是", "是", "是", "是", "是", "是", "是", "是"], ["连云区机器人工作室", "是", "否", "是", "否", "是", "是", "否", "是", "否", "是"]],
    });
    const host = createExcelHost();
    const pack = getPack("studio-assessment")!;
    const g = withoutOwnResults(await host.readSheet("考核"));
    const outcome = await host.writeResults(planResults(g, evaluateSheet(g, pack), pack));
    expect(outcome.placement).toBe("columns");
    const s = fake.sheet("考核");
    // 校验说明 is the last result column; the official notes row 3.
    const noteCol = HEADER.length + 4;
    expect(s.get(1, noteCol)).toBe("校验说明");
    s.put(3, noteCol, "已电话核实");
    const cell = `${String.fromCharCode(64 + noteCol)}3`;

    const { container } = render(
      <FluentProvider theme={webLightTheme}>
        <LangProvider value="zh">
          <App host={host} packs={builtinPacks()} applyParams={async () => undefined} />
        </LangProvider>
      </FluentProvider>,
    );
    fireEvent.click(await screen.findByRole("tab", { name: zh.tabSheets }));
    const button = await screen.findByRole("button", { name: zh.clearButton });
    await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(button);
    await screen.findByText(new RegExp(`工作表“考核”${cell}在写入结果后被修改过，视为您的内容，保留未清除。`));
    expect(s.get(3, noteCol)).toBe("已电话核实");
    expect(s.get(1, noteCol) ?? null).toBeNull();
    expect(s.get(2, noteCol) ?? null).toBeNull();
    expect(container.textContent).not.toMatch(/\{0000/);
  } finally {
    restore();
  }
});
