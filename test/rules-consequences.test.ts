/** What a grade means (第十七、十八、二十二条), wherever the grade is shown: the command line's JSON and table. */
import { consequenceText, evaluateSheet } from "../src/engine";
import { getPack } from "../src/packs";
import { sheetJson } from "../src/cli/json";
import { sheetTable } from "../src/cli/render";

const assessment = getPack("studio-assessment")!;
const headers = ["工作室名称", "标准一", "标准二", "标准三", "标准四", "标准五", "标准六", "标准七", "标准八", "标准九", "标准十"];
const grid = {
  name: "考核",
  rows: [["2024年度考核"], headers, ["新海工作室", ...Array(10).fill("是")], ["灌南工作室", ...Array(5).fill("是"), ...Array(5).fill("否")]],
  origin: { row: 1, col: 1 },
};

test("each grade's consequences come with their articles", () => {
  expect(consequenceText(assessment, "不合格")).toContain("次年不再拨付补助资金（第二十二条）");
  expect(consequenceText(assessment, "不合格")).toContain("撤销工作室的重要依据（第十七条）");
  expect(consequenceText(assessment, "优秀")).toContain("第十八条");
  expect(consequenceText(assessment, "合格")).toContain("第十七条");
});

test("the JSON record and the table say them", () => {
  const j = sheetJson("a.xlsx", evaluateSheet(grid, assessment));
  expect(j.records.map((r) => [r.grade, r.consequence?.includes(r.grade === "优秀" ? "第十八条" : "第二十二条")])).toEqual([
    ["优秀", true],
    ["不合格", true],
  ]);
  const table = sheetTable("a.xlsx", evaluateSheet(grid, assessment));
  expect(table).toContain("后果：不合格 → 次年不再拨付补助资金（第二十二条）");
  expect(table).toContain("后果：优秀 → ");
});
