import { batchAddresses, boxA1, decodeRuns, encodeRuns, packCells, parseBox, parseBoxes, splitAreas } from "../src/excel/a1";
import { excelText, uniqueSheetName } from "../src/excel/write";
import { jsonBytes } from "../src/excel/limits";
import { parseLedger } from "../src/excel/ledger";

describe("address lists from Office.js", () => {
  test("sheet names with commas and quotes do not split areas", () => {
    expect(splitAreas("'考核, 2024'!A1:K1,'考核, 2024'!B2:B3")).toEqual(["A1:K1", "B2:B3"]);
    expect(splitAreas("'it''s'!$A$1:$K$1, Sheet1!B2:B3")).toEqual(["A1:K1", "B2:B3"]);
    expect(splitAreas("A1;C3:D4")).toEqual(["A1", "C3:D4"]);
  });

  test("boxes, reversed corners normalised, names and whole columns ignored", () => {
    expect(parseBox("Sheet1!D5:B3")).toEqual({ r1: 3, c1: 2, r2: 5, c2: 4 });
    expect(parseBox("XFD1048576")).toEqual({ r1: 1_048_576, c1: 16_384, r2: 1_048_576, c2: 16_384 });
    expect(parseBox("A:A")).toBeNull();
    expect(parseBoxes("'表'!A1:B2,名单,C3")).toEqual([
      { r1: 1, c1: 1, r2: 2, c2: 2 },
      { r1: 3, c1: 3, r2: 3, c2: 3 },
    ]);
  });
});

describe("packing marked cells", () => {
  test("vertical runs per column, duplicates absorbed", () => {
    const runs = packCells([
      { row: 5, col: 3 },
      { row: 4, col: 3 },
      { row: 6, col: 3 },
      { row: 6, col: 3 },
      { row: 8, col: 3 },
      { row: 4, col: 5 },
    ]).map(boxA1);
    expect(runs).toEqual(["C4:C6", "C8", "E4"]);
  });

  test("the ledger's run encoding round-trips and folds regular patterns", () => {
    const every7th = packCells(Array.from({ length: 71_428 }, (_, i) => ({ row: 3 + 7 * i, col: 3 })));
    const pairs = packCells(Array.from({ length: 1000 }, (_, i) => ({ row: 3 + 6 * Math.floor(i / 2) + (i % 2), col: 5 })));
    const scattered = packCells([5, 9, 10, 11, 400, 1_048_576].map((row) => ({ row, col: 16_384 })));
    for (const runs of [every7th, pairs, scattered, []]) expect(decodeRuns(encodeRuns(runs))).toEqual(runs);
    expect(encodeRuns(every7th)).toBe(`C:3,7*${(71_427).toString(36)}`);
    expect(encodeRuns([...every7th, ...pairs]).length).toBeLessThan(40);
    expect(decodeRuns("C:3,7*zzzzzz;garbage;D:x+")).toHaveLength(149_797);
  });

  test("address batches stay under the limit and lose nothing", () => {
    const addresses = Array.from({ length: 5000 }, (_, i) => `AB${i * 2 + 1}`);
    const batches = batchAddresses(addresses, 8000);
    expect(batches.every((b) => b.length <= 8000)).toBe(true);
    expect(batches.join(",").split(",")).toEqual(addresses);
  });
});

describe("text written into cells", () => {
  test.each([
    ["=SUM(A1)", "'=SUM(A1)"],
    ["+86", "'+86"],
    ["-", "'-"],
    ["@x", "'@x"],
    ["001", "'001"],
    ["2024-09-01", "'2024-09-01"],
    ["TRUE", "'TRUE"],
    ["#N/A", "'#N/A"],
    ["'引号", "''引号"],
    ["May 5", "'May 5"],
    ["１２", "'１２"],
    ["＝１", "'＝１"],
    ["优秀", "优秀"],
    ["四、八", "四、八"],
    ["", ""],
  ])("%s → %s", (s, want) => expect(excelText(s)).toBe(want));
});

test("sheet names: Excel compares without case; suffixes keep 31 characters", () => {
  expect(uniqueSheetName("校验结果", ["Sheet1"])).toBe("校验结果");
  expect(uniqueSheetName("Summary", ["summary", "SUMMARY (2)"])).toBe("Summary (3)");
  const long = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一";
  const name = uniqueSheetName(long, [long]);
  expect(name.length).toBeLessThanOrEqual(31);
  expect(name.endsWith(" (2)")).toBe(true);
});

test("payload estimate counts Chinese at its worst-case escaped size", () => {
  expect(jsonBytes(["ab"])).toBe(6);
  expect(jsonBytes(["工作"])).toBe(6 + 10);
});

test("a stored ledger of the wrong shape is read as far as it is sound", () => {
  expect(parseLedger("nonsense")).toEqual({ v: 1, sheets: [], created: [] });
  const l = parseLedger({
    sheets: [{ id: "{1}", name: "表", area: "G2:J5", cells: 16, marks: { error: "C:4", warning: 3 }, fills: { "#FFFF00": "C:4", bad: "C:4", "#00FF00": 1 } }, { name: "无id" }],
    created: [{ id: "{2}", name: "校验结果", area: "A1:E5" }, { id: "{3}" }],
  });
  expect(l.sheets).toEqual([{ id: "{1}", name: "表", area: "G2:J5", cells: 16, header: null, headerBold: null, marks: { error: "C:4", warning: "" }, fills: { "#FFFF00": "C:4" } }]);
  expect(l.created).toEqual([{ id: "{2}", name: "校验结果", area: "A1:E5", cells: 0, source: null }]);
});
