/**
 * Record rows below the header: blank rows and 合计/总计/小计 rows are skipped and said to be,
 * hidden rows stay records, ragged rows read as padded, and the whole row is handed on as read.
 */
import { matchHeaders, type HeaderMatch } from "../src/engine/headers";
import { isTotalText, recordRows } from "../src/engine/records";
import type { CellValue, SheetGrid } from "../src/engine/types";
import { parsePack, type Pack } from "../src/packs/schema";

const t2 = (zh: string, en = zh) => ({ zh, en });

function pack(json: unknown): Pack {
  const r = parsePack(json);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.pack;
}

const studio = pack({
  id: "t-assessment",
  name: t2("工作室年度考核", "Studio assessment"),
  description: t2("考核"),
  document: "连云港市青少年科技教育名师工作室创建与管理办法（试行）",
  recordIs: t2("一行 = 一个工作室一个考核年度", "one studio, one year"),
  fields: [
    { id: "studio", label: "工作室名称", labelEn: "Studio", type: "text", role: "label" },
    { id: "provFirst", label: "省级一等奖数", labelEn: "Provincial first", type: "count" },
    { id: "provSecond", label: "省级二等奖数", labelEn: "Provincial second", type: "count" },
    { id: "trainings", label: "科技辅导员培训场次", labelEn: "Trainings", synonyms: ["培训场次"], type: "count" },
  ],
  layouts: [{ id: "evidence", label: t2("证据数量"), required: ["provFirst", "provSecond", "trainings"] }],
  criteria: [{ id: "四", name: t2("省级竞赛"), source: "第十六条（四）", test: { cmp: ">=", field: "provFirst", value: 2 } }],
  outcome: {
    kind: "grade",
    bands: [
      { min: 1, grade: "合格", gradeEn: "Qualified", status: "ok" },
      { min: 0, grade: "不合格", gradeEn: "Unqualified", status: "error" },
    ],
  },
});

const HEADER = ["序号", "工作室名称", "省级一等奖（项）", "省级二等奖（项）", "培训场次(场)", "备注"];

function sheet(rows: CellValue[][], extra: Partial<SheetGrid> = {}): { grid: SheetGrid; match: HeaderMatch } {
  const grid: SheetGrid = { name: "考核汇总", rows, origin: { row: 1, col: 1 }, ...extra };
  return { grid, match: matchHeaders(grid, studio) };
}

/** recordRows' parallel lists, zipped into one entry per record for readable assertions. */
function zipped(r: ReturnType<typeof recordRows>) {
  return { rows: r.rows.map((row, k) => ({ row, cells: r.cells.row(k), hidden: r.hidden.has(row) })), skipped: r.skipped };
}

function read(rows: CellValue[][], extra: Partial<SheetGrid> = {}) {
  const { grid, match } = sheet(rows, extra);
  return zipped(recordRows(grid, match));
}

describe("recordRows", () => {
  test("rows below a title and header, numbered by sheet row", () => {
    const r = read([["2024年度考核汇总表"], HEADER, [1, "阳光工作室", 2, 0, 2, null], [2, "星光工作室", 0, 4, 3, "补报"]], { merges: ["A1:F1"] });
    expect(r.rows.map((x) => x.row)).toEqual([3, 4]);
    expect(r.rows[1].cells).toEqual([2, "星光工作室", 0, 4, 3, "补报"]);
    expect(r.skipped).toEqual([]);
  });

  test("below a two-row header, records start after the sub-header row", () => {
    const rows: CellValue[][] = [
      ["序号", "工作室名称", "省级竞赛获奖（项）", null, "培训场次(场)"],
      [null, null, "一等奖", "二等奖", null],
      [1, "阳光工作室", 2, 0, 2],
    ];
    const r = read(rows, { merges: ["A1:A2", "B1:B2", "C1:D1", "E1:E2"] });
    expect(r.rows.map((x) => x.row)).toEqual([3]);
  });

  test("blank rows between records are skipped and listed; blank means every matched cell is blank or white space", () => {
    const r = read([
      HEADER,
      [1, "阳光工作室", 2, 0, 2],
      [null, null, null, null, null],
      ["", "  ", "\u3000", null, ""],
      [null, null, null, null, null, "这一行只有备注"],
      [2, "星光工作室", 0, 4, 3],
    ]);
    expect(r.rows.map((x) => x.row)).toEqual([2, 6]);
    expect(r.skipped).toEqual([
      { row: 3, reason: "blank" },
      { row: 4, reason: "blank" },
      { row: 5, reason: "blank" },
    ]);
  });

  test("trailing blank rows after the data are not listed, even with a total row after them", () => {
    const r = read([HEADER, [1, "阳光工作室", 2, 0, 2], [null], [], [null, "合计", 2, 0, 2], [null], [null]]);
    expect(r.rows.map((x) => x.row)).toEqual([2]);
    expect(r.skipped).toEqual([{ row: 5, reason: "total" }]);
  });

  test("blank rows between the header and the first record are listed", () => {
    const r = read([HEADER, [null], [1, "阳光工作室", 2, 0, 2]]);
    expect(r.skipped).toEqual([{ row: 2, reason: "blank" }]);
  });

  test.each([["合计"], ["总计"], ["小计"], ["合 计"], ["总　计"], ["合计："], ["（合计）"], ["全市合计"], ["本页小计"], ["共计"]])(
    "a %s row is a total, not a record",
    (word) => {
      const r = read([HEADER, [1, "阳光工作室", 2, 0, 2], [word, null, 2, 0, 2], [2, "星光工作室", 0, 4, 3]]);
      expect(r.rows.map((x) => x.row)).toEqual([2, 4]);
      expect(r.skipped).toEqual([{ row: 3, reason: "total" }]);
    },
  );

  test("a total in the label column (合计 under 工作室名称) or in one of the first cells", () => {
    const r = read([HEADER, [1, "阳光工作室", 2, 0, 2], [null, "合计", 2, 0, 2]]);
    expect(r.skipped).toEqual([{ row: 3, reason: "total" }]);
    // The label column far to the right still counts.
    const wide = sheet([["序号", "a", "b", "省级一等奖", "省级二等奖", "培训场次", "工作室名称"], [1, null, null, 2, 0, 2, "阳光"], [null, null, null, 2, 0, 2, "总计"]]);
    expect(wide.match.labelCol).toBe(7);
    expect(recordRows(wide.grid, wide.match).skipped).toEqual([{ row: 3, reason: "total" }]);
  });

  test("a studio whose name merely mentions a plan or a total is a record", () => {
    const r = read([HEADER, [1, "合计划工作室", 2, 0, 2], [2, "关于本年度合计获奖情况的说明与附件清单", 1, 1, 1], [3, "总计算机科学工作室", 0, 0, 0]]);
    expect(r.rows).toHaveLength(3);
    expect(r.skipped).toEqual([]);
  });

  test("hidden rows are still records, flagged hidden", () => {
    const r = read([HEADER, [1, "阳光工作室", 2, 0, 2], [2, "星光工作室", 0, 4, 3], [3, "晨曦工作室", 1, 1, 1]], { hiddenRows: [3] });
    expect(r.rows.map((x) => [x.row, x.hidden])).toEqual([
      [2, false],
      [3, true],
      [4, false],
    ]);
  });

  test("ragged rows read as padded with null to the grid width; full rows as read", () => {
    const full: CellValue[] = [1, "阳光工作室", 2, 0, 2, "备注"];
    const { grid, match } = sheet([HEADER, full, [2, "星光工作室", 1]]);
    const r = zipped(recordRows(grid, match));
    expect(r.rows[0].cells).toEqual(full);
    expect(r.rows[1].cells).toEqual([2, "星光工作室", 1, null, null, null]);
    expect(grid.rows[2]).toEqual([2, "星光工作室", 1]); // the grid itself is not changed
  });

  test("a grid that starts at C5: rows and cells follow the origin", () => {
    const r = read([HEADER, [1, "阳光工作室", 2, 0, 2], [null], ["小计", null, 2, 0, 2]], { origin: { row: 5, col: 3 }, hiddenRows: [6] });
    expect(r.rows).toEqual([{ row: 6, cells: [1, "阳光工作室", 2, 0, 2, null], hidden: true }]);
    expect(r.skipped).toEqual([{ row: 8, reason: "total" }]);
  });

  test("an error value (#N/A) or a lone number makes a row a record, not blank", () => {
    const r = read([HEADER, [null, null, { error: "#N/A" }, null, null], [null, null, null, null, 0]]);
    expect(r.rows.map((x) => x.row)).toEqual([2, 3]);
  });

  test("a missing row (a hole in the grid) is a blank row", () => {
    const rows: CellValue[][] = [HEADER, [1, "阳光工作室", 2, 0, 2]];
    rows[3] = [2, "星光工作室", 0, 4, 3];
    const r = read(rows);
    expect(r.rows.map((x) => x.row)).toEqual([2, 4]);
    expect(r.skipped).toEqual([{ row: 3, reason: "blank" }]);
  });

  test("a sheet without a header yields no records", () => {
    const { grid, match } = sheet([[1, 2, 3], [4, 5, 6]]);
    expect(match.columns).toEqual([]);
    expect(zipped(recordRows(grid, match))).toEqual({ rows: [], skipped: [] });
  });

  test("a header with no records below it", () => {
    expect(read([HEADER])).toEqual({ rows: [], skipped: [] });
    expect(read([HEADER, [null], [null]])).toEqual({ rows: [], skipped: [] });
  });

  test("a manual mapping on a sheet without a header: every row from the top is a record", () => {
    const grid: SheetGrid = { name: "S", rows: [["阳光", 2, 0, 2], ["合计", 2, 0, 2]], origin: { row: 1, col: 1 } };
    const match = matchHeaders(grid, studio, { mapping: { studio: 1, provFirst: 2, provSecond: 3, trainings: 4 } });
    const r = zipped(recordRows(grid, match));
    expect(r.rows.map((x) => x.row)).toEqual([1]);
    expect(r.skipped).toEqual([{ row: 2, reason: "total" }]);
  });

  test("linear: 100,000 rows with blanks and totals come out in order", () => {
    const rows: CellValue[][] = [HEADER];
    for (let i = 0; i < 100_000; i++) rows.push(i % 1000 === 999 ? [null] : i % 5000 === 4998 ? ["小计", null, 1, 1, 1] : [i, `工作室${i}`, 1, 2, 3]);
    const { grid, match } = sheet(rows);
    const r = zipped(recordRows(grid, match));
    expect(r.rows.length + r.skipped.length).toBe(100_000 - 1); // the last row is a trailing blank
    expect(r.skipped.filter((s) => s.reason === "total")).toHaveLength(20);
    // i = 99,998 (sheet row 100,000) is a 小计 row, so the last record is i = 99,997 on row 99,999.
    expect(r.rows[r.rows.length - 1].row).toBe(99_999);
    expect(r.skipped[r.skipped.length - 1]).toEqual({ row: 100_000, reason: "total" });
  });
});

describe("isTotalText", () => {
  test.each([
    ["合计", true],
    ["合 计", true],
    ["总\u3000计", true],
    ["小计:", true],
    ["全县总计", true],
    ["合计划", false],
    ["统计", false],
    ["设计", false],
    ["", false],
    ["关于本年度合计获奖情况的说明与附件清单合计", false],
  ] as const)("%s → %s", (text, yes) => {
    expect(isTotalText(text)).toBe(yes);
  });

  test("non-text cells are never totals", () => {
    expect(isTotalText(null)).toBe(false);
    expect(isTotalText(3)).toBe(false);
    expect(isTotalText({ error: "#N/A" })).toBe(false);
  });
});

describe("lines that are not records, wherever their word stands (issue 10)", () => {
  test("running totals and averages in any column, signatures, contacts, legends and notes below the table: each skipped with its reason", () => {
    const r = read([
      ["2024年度考核汇总表"],
      HEADER,
      [1, "阳光工作室", 2, 0, 2, "注：补报材料已收"],
      [2, "星光工作室", 0, 4, 3, null],
      [null, null, "累计", 4, 5, null],
      [null, null, null, "平均值", 2.5, null],
      [3, "晨光工作室", 1, 1, 1, null],
      ["填表人：王芳", null, "审核人：李明", null, "联系电话：0518-85800000", null],
      ["注：1. 获奖数以证书为准；2. √表示达到，×表示未达到", null, null, null, null, null],
      ["图例", "√ 达到", "× 未达到", null, null, null],
      ["单位（盖章）", null, null, "2024年12月", null, null],
    ]);
    expect(r.rows.map((x) => x.row)).toEqual([3, 4, 7]);
    // Row 9's note stands only in column A (序号, matched to no field): blank as far as records go, and after the last record.
    expect(r.skipped).toEqual([
      { row: 5, reason: "total" },
      { row: 6, reason: "average", text: "平均值" },
      { row: 8, reason: "footer", text: "填表人：王芳" },
      { row: 10, reason: "footer", text: "图例" },
      { row: 11, reason: "footer", text: "单位（盖章）" },
    ]);
  });

  test("a footer typed after spaces (half- or full-width, a byte-order mark) is still a footer; a name opening with a footer's first character is a record", () => {
    const r = read([
      HEADER,
      [1, "制造工作室", 1, 1, 1, null],
      [2, "联合工作室", 1, 1, 1, null],
      [null, "  填表人：王芳", null, null, null, null],
      [null, "\u3000联系电话：0518-85800000", null, null, null, null],
      [null, "\ufeff单位(盖章)", null, null, null, null],
      [null, "\t注3：以证书为准", null, null, null, null],
    ]);
    expect(r.rows.map((x) => x.row)).toEqual([2, 3]);
    expect(r.skipped.map((x) => [x.row, x.reason, x.text])).toEqual([
      [4, "footer", "填表人：王芳"],
      [5, "footer", "联系电话：0518-85800000"],
      [6, "footer", "单位(盖章)"],
      [7, "footer", "注3：以证书为准"],
    ]);
  });

  test("names that merely contain the words stay records: 平均分配工作室, 累计划 is not a word, 注意力工作室", () => {
    const r = read([HEADER, [1, "平均分配工作室", 1, 1, 1, null], [2, "注意力工作室", 1, 1, 1, null], [3, "累计划工作室", 2, 2, 2, null]]);
    expect(r.rows.map((x) => x.row)).toEqual([2, 3, 4]);
    expect(r.skipped).toEqual([]);
  });
});
