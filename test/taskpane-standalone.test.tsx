/** @jest-environment jsdom */
/**
 * The standalone page's own flow (the file layer stood in for by an in-memory workbook): choose a
 * file, a refused file's message, check, and the two downloads — in Chinese and English.
 */
import "./support/dom-shims";
import { readFileSync } from "fs";
import { resolve } from "path";
import { TextDecoder, TextEncoder } from "util";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { Standalone, type Checked, type FileDoor } from "../src/taskpane/Standalone";
import { PAGE_STRINGS, STRINGS } from "../src/taskpane/strings";
import { SheetPreview } from "../src/taskpane/SheetPreview";
import { builtinPacks } from "../src/packs";
import type { WorkbookHost } from "../src/engine/host";
import { MemoryHost } from "./support/memory-host";

const zh = STRINGS.zh;
const en = STRINGS.en;

function workbook(): MemoryHost {
  return new MemoryHost({
    封面: [["2024年度考核材料"]],
    考核: [
      ["工作室名称", "国家级科技比赛获奖数", "全国专项赛事获奖数", "参加青少年科技活动项数", "省级一等奖数", "省级二等奖数", "帮扶薄弱学校数", "参加科普周/科普日/承办竞赛次数", "市级创新大赛获奖数", "科技辅导员培训场次", "新增骨干成员数", "单位配套经费（元）"],
      ["海州区创客工作室", 1, 1, 1, 2, 0, 2, 1, 3, 2, 3, 3000],
      ["连云区机器人工作室", 0, 0, 1, 0, 1, 1, 0, 1, 2, 1, 0],
    ],
  });
}

function door(host: WorkbookHost) {
  const calls = { open: [] as string[], report: [] as { file: string; checked: Checked[] }[], annotated: [] as WorkbookHost[] };
  const d: FileDoor = {
    async open(bytes, name) {
      calls.open.push(name);
      if (bytes[0] !== 0x50 || bytes[1] !== 0x4b)
        return { ok: false, code: "not-a-workbook", message: { zh: "这不是 Excel 工作簿", en: "not an .xlsx workbook" } };
      return { ok: true, host };
    },
    async report(file, checked) {
      calls.report.push({ file, checked });
      return new Uint8Array([0x50, 0x4b, 1]);
    },
    async annotated(h) {
      calls.annotated.push(h);
      return new Uint8Array([0x50, 0x4b, 2]);
    },
  };
  return { door: d, calls };
}

const xlsx = (name: string) => new File([new Uint8Array([0x50, 0x4b, 3, 4])], name, { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" });

let downloads: { name: string; href: string }[] = [];
beforeEach(() => {
  downloads = [];
  (URL as unknown as { createObjectURL: (b: Blob) => string }).createObjectURL = () => `blob:${downloads.length}`;
  (URL as unknown as { revokeObjectURL: (s: string) => void }).revokeObjectURL = () => undefined;
  jest.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
    downloads.push({ name: this.download, href: this.href });
  });
});
afterEach(() => jest.restoreAllMocks());

test("choose a file, pick its sheet, check it, download the report and the annotated copy (zh)", async () => {
  const host = workbook();
  const { door: d, calls } = door(host);
  render(<Standalone packs={builtinPacks()} door={d} initialLang="zh" />);
  expect(screen.getByText(zh.standaloneIntro)).toBeTruthy();

  fireEvent.change(screen.getByTestId("file-input"), { target: { files: [xlsx("2024考核.xlsx")] } });
  await screen.findByText("当前文件：2024考核.xlsx");
  expect(calls.open).toEqual(["2024考核.xlsx"]);
  // The first sheet is a cover page: the page says so and offers the other sheets.
  await screen.findByText(zh.noHeader("封面"));
  const sheet = screen.getByRole("combobox", { name: zh.sheet }) as HTMLSelectElement;
  expect([...sheet.options].map((o) => o.value)).toEqual(["封面", "考核"]);
  expect((screen.getByRole("button", { name: zh.downloadReport }) as HTMLButtonElement).disabled).toBe(true);

  fireEvent.change(sheet, { target: { value: "考核" } });
  await screen.findByText("推荐规则包：名师工作室年度考核");
  await waitFor(() => expect((screen.getByRole("button", { name: zh.validate }) as HTMLButtonElement).disabled).toBe(false));
  fireEvent.click(screen.getByRole("button", { name: zh.validate }));
  await screen.findByTestId("row-list");
  // The keyboard focus moves to the results it opened, not left on the button the check disabled.
  await waitFor(() => expect(document.activeElement?.getAttribute("role")).toBe("tabpanel"));
  expect(within(document.activeElement as HTMLElement).getByTestId("row-list")).toBeTruthy();
  expect(within(document.querySelector('li[data-row="2"]') as HTMLElement).getByText("优秀")).toBeTruthy();
  expect(within(document.querySelector('li[data-row="3"]') as HTMLElement).getByText("不合格")).toBeTruthy();

  await waitFor(() => expect((screen.getByRole("button", { name: zh.downloadReport }) as HTMLButtonElement).disabled).toBe(false));
  fireEvent.click(screen.getByRole("button", { name: zh.downloadReport }));
  await waitFor(() => expect(downloads.map((x) => x.name)).toEqual(["2024考核-校验报告.xlsx"]));
  expect(calls.report).toHaveLength(1);
  expect(calls.report[0].file).toBe("2024考核.xlsx");
  expect(calls.report[0].checked.map((c) => [c.pack.id, c.result.sheet, c.result.records.map((r) => r.grade)])).toEqual([
    ["studio-assessment", "考核", ["优秀", "不合格"]],
  ]);

  fireEvent.click(screen.getByRole("button", { name: zh.downloadAnnotated }));
  await waitFor(() => expect(downloads.map((x) => x.name)).toEqual(["2024考核-校验报告.xlsx", "2024考核-已标注.xlsx"]));
  expect(calls.annotated).toEqual([host]);
  // The annotated copy is built from the in-memory workbook that now holds the result columns.
  expect(host.cell("考核", "M1")).toBe("得分");
});

test("the sheet on screen is for looking: with the cover page shown, 一键校验 checks the whole workbook and names the sheet that fits nothing", async () => {
  const host = workbook();
  const { door: d, calls } = door(host);
  render(<Standalone packs={builtinPacks()} door={d} initialLang="zh" />);
  fireEvent.change(screen.getByTestId("file-input"), { target: { files: [xlsx("2024考核.xlsx")] } });
  await screen.findByText(zh.noHeader("封面"));
  expect((screen.getByRole("combobox", { name: zh.sheet }) as HTMLSelectElement).value).toBe("封面");
  await waitFor(() => expect((screen.getByRole("button", { name: zh.validate }) as HTMLButtonElement).disabled).toBe(false));
  fireEvent.click(screen.getByRole("button", { name: zh.validate }));
  // The cover is named as fitting no pack; the other sheet is checked and written all the same.
  await screen.findByText(`${zh.noHeader("封面")}${zh.otherSheets(["考核"], [])}`);
  expect(host.cell("考核", "M1")).toBe("得分");
  await waitFor(() => expect((screen.getByRole("button", { name: zh.downloadReport }) as HTMLButtonElement).disabled).toBe(false));
  fireEvent.click(screen.getByRole("button", { name: zh.downloadReport }));
  await waitFor(() => expect(calls.report).toHaveLength(1));
  expect(calls.report[0].checked.map((c) => c.result.sheet)).toEqual(["考核"]);
});

test("a file that is not a workbook is refused with the reason, in English", async () => {
  const { door: d } = door(workbook());
  render(<Standalone packs={builtinPacks()} door={d} initialLang="en" />);
  expect(screen.getByText(en.standaloneIntro)).toBeTruthy();
  const bad = new File(["名称,金额\n"], "data.csv", { type: "text/csv" });
  fireEvent.change(screen.getByTestId("file-input"), { target: { files: [bad] } });
  const alert = await screen.findByRole("alert");
  // In plain words with the next step; the door's own message and code are not shown.
  expect(alert.textContent).toBe('Cannot open "data.csv": this is not an Excel workbook. Choose an .xlsx file; save other spreadsheets as .xlsx first');
  // Switching language re-renders the message from both languages.
  fireEvent.click(screen.getByRole("button", { name: en.language }));
  expect((await screen.findByRole("alert")).textContent).toBe("无法打开“data.csv”：这不是 Excel 工作簿。请选择 .xlsx 文件；其他表格请先在 Excel 或 WPS 中另存为 .xlsx");
});

test("a file dropped on the page is opened", async () => {
  const { door: d, calls } = door(workbook());
  render(<Standalone packs={builtinPacks()} door={d} initialLang="zh" />);
  fireEvent.drop(screen.getByTestId("drop-zone"), { dataTransfer: { files: [xlsx("拖入.xlsx")] } });
  await screen.findByText("当前文件：拖入.xlsx");
  expect(calls.open).toEqual(["拖入.xlsx"]);
});

test("a file that will not open after another: the error comes first, names the file still shown, and replaces the earlier one", async () => {
  const { door: d } = door(workbook());
  render(<Standalone packs={builtinPacks()} door={d} initialLang="zh" />);
  fireEvent.change(screen.getByTestId("file-input"), { target: { files: [xlsx("2024考核.xlsx")] } });
  await screen.findByText("当前文件：2024考核.xlsx");
  // The keyboard focus is in the pane, on its heading, not lost with the file dialog.
  await waitFor(() => expect(document.activeElement?.textContent).toBe(zh.appTitle));

  const refused = (name: string) => screen.getAllByRole("alert").filter((a) => a.textContent?.includes(`无法打开“${name}”`));
  fireEvent.change(screen.getByTestId("file-input"), { target: { files: [new File(["甲,乙"], "一.csv")] } });
  await waitFor(() => expect(refused("一.csv")).toHaveLength(1));
  expect(refused("一.csv")[0].textContent).toContain("仍显示原来的文件“2024考核.xlsx”");
  // First in the pane, above its title: read before anything else.
  const main = document.querySelector("main")!;
  expect(main.firstElementChild!.contains(refused("一.csv")[0])).toBe(true);

  fireEvent.change(screen.getByTestId("file-input"), { target: { files: [new File(["甲,乙"], "二.csv")] } });
  await waitFor(() => expect(refused("二.csv")).toHaveLength(1));
  expect(refused("一.csv")).toHaveLength(0);
  expect(screen.getByText("当前文件：2024考核.xlsx")).toBeTruthy();
});

test("a problem's cell link scrolls the sheet preview to the cell and outlines it (the page has no Excel selection)", async () => {
  const host = new MemoryHost({
    考核: [
      ["工作室名称", "国家级科技比赛获奖数", "全国专项赛事获奖数", "参加青少年科技活动项数", "省级一等奖数", "省级二等奖数", "帮扶薄弱学校数", "参加科普周/科普日/承办竞赛次数", "市级创新大赛获奖数", "科技辅导员培训场次", "新增骨干成员数", "单位配套经费（元）"],
      ["海州区创客工作室", 1, 1, 1, 2, 0, 2, "若干", 3, 2, 3, 3000],
    ],
  });
  const { door: d } = door(host);
  render(<Standalone packs={builtinPacks()} door={d} initialLang="zh" />);
  fireEvent.change(screen.getByTestId("file-input"), { target: { files: [xlsx("考核.xlsx")] } });
  await screen.findByText("推荐规则包：名师工作室年度考核");
  await waitFor(() => expect((screen.getByRole("button", { name: zh.validate }) as HTMLButtonElement).disabled).toBe(false));
  fireEvent.click(screen.getByRole("button", { name: zh.validate }));
  await screen.findByTestId("sheet-preview");
  expect(screen.queryByTestId("preview-target")).toBeNull();
  expect(screen.getByText(PAGE_STRINGS.zh.previewHint)).toBeTruthy();
  fireEvent.click(screen.getAllByRole("button", { name: PAGE_STRINGS.zh.goToCell("H2") })[0]);
  const target = await screen.findByTestId("preview-target");
  expect(target.getAttribute("data-cell")).toBe("H2");
  expect(target.textContent).toBe("若干");
  expect(screen.getByText(PAGE_STRINGS.zh.previewAt("H2"))).toBeTruthy();
});

test("the sheet preview of a 100,000-row sheet draws only the rows in sight, around the cell asked for", () => {
  const rows = Array.from({ length: 100_000 }, (_, i) => [`工作室${i + 1}`, i, i % 7 === 0 ? "若干" : 1]);
  const grid = { name: "考核", rows, origin: { row: 1, col: 1 } };
  const { rerender } = render(<SheetPreview grid={grid} target={null} />);
  const drawn = () => Number(screen.getByTestId("preview-box").getAttribute("data-rendered-rows"));
  expect(drawn()).toBeLessThan(60);
  rerender(<SheetPreview grid={grid} target={{ cell: "C99996", n: 1 }} />);
  const target = screen.getByTestId("preview-target");
  expect(target.textContent).toBe("若干");
  expect(drawn()).toBeLessThan(60);
  // Its column letter is drawn above it, and far-away rows are not drawn at all.
  expect(screen.getByText("C")).toBeTruthy();
  expect(screen.queryByText("工作室1")).toBeNull();
});

test("a sheet the page adds joins the sheet picker, is shown as the download will hold it, is never checked, and leaves with 清除结果 (a real .xlsx, the file layer's own host)", async () => {
  // The file layer reads and writes zip text (jsdom has no TextDecoder of its own).
  Object.assign(globalThis, { TextDecoder, TextEncoder });
  const { fileDoor } = await import("../src/file/door");
  const { FileWorkbookHost } = await import("../src/file/host");
  const bytes = new Uint8Array(readFileSync(resolve(__dirname, "..", "examples", "考核-证据数量.xlsx")));
  let host: InstanceType<typeof FileWorkbookHost> | null = null;
  const d: FileDoor = {
    ...fileDoor,
    async open(b, name, opts) {
      const r = await fileDoor.open(b, name, opts);
      if (r.ok) host = r.host as InstanceType<typeof FileWorkbookHost>;
      return r;
    },
  };
  const pz = PAGE_STRINGS.zh;
  render(<Standalone packs={builtinPacks()} door={d} initialLang="zh" />);
  fireEvent.change(screen.getByTestId("file-input"), { target: { files: [new File([bytes], "考核-证据数量.xlsx")] } });
  await screen.findByText("推荐规则包：名师工作室年度考核");
  const picker = () => [...(screen.getByRole("combobox", { name: pz.sheet }) as HTMLSelectElement).options].map((o) => o.value);
  expect(picker()).toEqual(["2024年度考核"]);

  fireEvent.click(screen.getByRole("tab", { name: pz.tabSheets }));
  await waitFor(() => expect((screen.getByRole("button", { name: pz.summaryButton }) as HTMLButtonElement).disabled).toBe(false));
  fireEvent.click(screen.getByRole("button", { name: pz.summaryButton }));
  const summary = "名师工作室年度考核汇总";
  await waitFor(() => expect(picker()).toEqual(["2024年度考核", summary]));

  // Selected, it shows its cells — the title and the regulation it cites — and offers nothing to match.
  fireEvent.change(screen.getByRole("combobox", { name: pz.sheet }), { target: { value: summary } });
  fireEvent.click(screen.getByRole("tab", { name: pz.tabMatch }));
  const preview = await screen.findByTestId("sheet-preview");
  expect(preview.textContent).toContain("名师工作室年度考核校验汇总");
  expect(preview.textContent).toContain("依据：");
  expect(screen.getByText(pz.ownSheetNotChecked(summary))).toBeTruthy();
  expect(screen.queryByRole("combobox", { name: pz.pack })).toBeNull();

  // 一键校验 with the summary on screen: the data sheet is checked; the summary neither checked nor named as not checked.
  await waitFor(() => expect((screen.getByRole("button", { name: pz.validate }) as HTMLButtonElement).disabled).toBe(false));
  fireEvent.click(screen.getByRole("button", { name: pz.validate }));
  await screen.findByText(`${pz.ownSheetNotChecked(summary)}${pz.otherSheets(["2024年度考核"], [])}`);
  expect(host!.resultPlans().map((p) => p.sheet)).toEqual(["2024年度考核"]);
  expect(await host!.notChecked(["2024年度考核"])).toEqual([]);
  // The check's record is a new 校验记录 sheet of the download: it joins the picker too.
  await waitFor(() => expect(picker()).toEqual(["2024年度考核", summary, "校验记录"]));

  // 清除结果 takes the summary out of the copy and out of the picker; the data sheet is shown again.
  fireEvent.click(screen.getByRole("tab", { name: pz.tabSheets }));
  fireEvent.click(screen.getByRole("button", { name: pz.clearButton }));
  await waitFor(() => expect(picker()).toEqual(["2024年度考核", "校验记录"]));
  await waitFor(() => expect((screen.getByRole("combobox", { name: pz.sheet }) as HTMLSelectElement).value).toBe("2024年度考核"));
  expect(host!.sheetPlans()).toEqual([]);
});
