import {
  addYears,
  cellText,
  formatDate,
  formatMoney,
  readCount,
  readDate,
  readMoney,
  readNumber,
  readText,
  readYear,
  readYesNo,
  serialToYMD,
  ymdToSerial,
} from "../src/engine/values";
import type { CellValue } from "../src/engine/types";

const NA: CellValue = { error: "#N/A" };

describe("readYesNo: the words and marks officials type", () => {
  test.each<[CellValue, boolean]>([
    ["是", true], ["有", true], ["√", true], ["✓", true], ["✔", true], ["Y", true], ["y", true], ["Yes", true], ["YES", true],
    ["TRUE", true], ["true", true], ["1", true], ["１", true], ["对", true], [" 是 ", true], ["Ｙｅｓ", true], [true, true], [1, true],
    ["否", false], ["无", false], ["×", false], ["✗", false], ["✘", false], ["N", false], ["No", false], ["FALSE", false],
    ["0", false], ["０", false], ["错", false], [false, false], [0, false],
  ])("%p → %p", (input, expected) => {
    expect(readYesNo(input)).toEqual({ ok: true, value: expected });
  });

  test.each<CellValue>([null, "", "   ", "\u3000"])("blank %p is missing, never 'no'", (input) => {
    const r = readYesNo(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.missing).toBe(true);
  });

  test.each<CellValue>(["待定", "不确定", "是否", "2", 2, "N/A", "x", NA, "有待核实"])("%p is unreadable, with the text in the reason", (input) => {
    const r = readYesNo(input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.missing).toBe(false);
    expect(r.reason.zh).toContain(cellText(input));
    expect(r.reason.en.length).toBeGreaterThan(0);
  });
});

describe("readNumber: numbers as typed", () => {
  test.each<[CellValue, number]>([
    [12, 12], [0, 0], ["12", 12], ["１２", 12], ["3,000", 3000], ["3，000", 3000], ["¥3,000.00", 3000], ["￥3,000.00", 3000],
    ["3000元", 3000], ["1万", 10000], ["1.2万元", 12000], ["１．２万元", 12000], ["0.5万", 5000], ["3项", 3], ["2场", 2], ["2次", 2],
    ["5名", 5], ["2所", 2], ["3个", 3], ["12人", 12], ["二", 2], ["十", 10], ["十二", 12], ["二十", 20], ["两", 2], ["三项", 3],
    ["二场", 2], ["零", 0], ["50平方米", 50], ["2.7米", 2.7], ["-5", -5], ["-¥12.50", -12.5], ["90%", 0.9], [" 7 ", 7],
    ["人民币5000元", 5000], ["1,234,567.89", 1234567.89],
  ])("%p → %p", (input, expected) => {
    expect(readNumber(input)).toEqual({ ok: true, value: expected });
  });

  test.each<CellValue>(["约3项", "3项以上", "若干", "一些", "3-4", "二三个", "N/A", "待定", "3,00", "1..2", "12abc", true, NA, NaN, Infinity])(
    "%p is unreadable, never guessed",
    (input) => {
      const r = readNumber(input);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.missing).toBe(false);
    },
  );

  test("blank is missing, not 0", () => {
    expect(readNumber(null)).toMatchObject({ ok: false, missing: true });
    expect(readNumber("  ")).toMatchObject({ ok: false, missing: true });
  });

  test("an error cell says which error it holds", () => {
    const r = readNumber(NA);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.text).toBe("#N/A");
      expect(r.reason.zh).toContain("#N/A");
    }
  });
});

describe("readCount and readMoney", () => {
  test("counts are whole and not negative", () => {
    expect(readCount("3项")).toEqual({ ok: true, value: 3 });
    expect(readCount("十")).toEqual({ ok: true, value: 10 });
    expect(readCount("2.5场")).toMatchObject({ ok: false, missing: false, text: "2.5场" });
    expect(readCount(-1)).toMatchObject({ ok: false, missing: false });
    expect(readCount("")).toMatchObject({ ok: false, missing: true });
  });
  test("money keeps cents", () => {
    expect(readMoney("¥1,234.567")).toEqual({ ok: true, value: 1234.57 });
    expect(readMoney("1.2万元")).toEqual({ ok: true, value: 12000 });
    expect(readMoney("若干")).toMatchObject({ ok: false, missing: false });
  });
});

describe("readDate: the forms of DOMAIN.md and Excel serials", () => {
  const sep1 = ymdToSerial(2024, 9, 1);
  test.each<[CellValue, number]>([
    ["2024-09-01", sep1], ["2024/9/1", sep1], ["2024.9.1", sep1], ["2024年9月1日", sep1], ["２０２４年９月１日", sep1],
    ["2024-09-01 00:00:00", sep1], [sep1, sep1], [sep1 + 0.75, sep1], [String(sep1), sep1],
  ])("%p → serial", (input, expected) => {
    expect(readDate(input)).toEqual({ ok: true, value: expected });
  });
  test("2024-09-01 is serial 45536", () => expect(sep1).toBe(45536));
  test("the 1900 leap-year bug: 59 = 28 Feb, 60 = the phantom 29 Feb, 61 = 1 Mar", () => {
    expect(serialToYMD(59)).toEqual({ y: 1900, m: 2, d: 28 });
    expect(serialToYMD(60)).toEqual({ y: 1900, m: 2, d: 29 });
    expect(serialToYMD(61)).toEqual({ y: 1900, m: 3, d: 1 });
    expect(ymdToSerial(1900, 1, 1)).toBe(1);
    expect(ymdToSerial(1900, 3, 1)).toBe(61);
  });
  test.each<CellValue>(["2024-02-30", "2023年2月29日", "下周", "2024年9月", 0, -3, "9/1", NA])("%p is unreadable", (input) => {
    expect(readDate(input)).toMatchObject({ ok: false, missing: false });
  });
  test("addYears keeps the day, 29 Feb → 28 Feb", () => {
    expect(formatDate(addYears(ymdToSerial(2024, 2, 29), -5))).toBe("2019-02-28");
    expect(formatDate(addYears(ymdToSerial(2024, 9, 1), -5))).toBe("2019-09-01");
  });
});

describe("readYear and readText", () => {
  test.each<[CellValue, number]>([[2024, 2024], ["2024", 2024], ["2024年", 2024], ["2024年度", 2024], ["２０２４年度", 2024], ["2024-09-01", 2024], [45536, 2024]])(
    "%p → %p",
    (input, y) => expect(readYear(input)).toEqual({ ok: true, value: y }),
  );
  test.each<CellValue>(["去年", "24年", "2024-2025学年", 1899])("%p is unreadable", (input) => {
    expect(readYear(input)).toMatchObject({ ok: false, missing: false });
  });
  test("text is trimmed; blank is missing", () => {
    expect(readText("  新海实验中学 ")).toEqual({ ok: true, value: "新海实验中学" });
    expect(readText(" ")).toMatchObject({ ok: false, missing: true });
  });
});

describe("formatting", () => {
  test("money in the form officials expect", () => {
    expect(formatMoney(12000)).toBe("¥12,000.00");
    expect(formatMoney(-3.5)).toBe("-¥3.50");
    expect(formatMoney(0.1 + 0.2)).toBe("¥0.30");
  });
  test("cell text of every kind", () => {
    expect(cellText(null)).toBe("");
    expect(cellText(3)).toBe("3");
    expect(cellText(true)).toBe("TRUE");
    expect(cellText({ error: "#DIV/0!" })).toBe("#DIV/0!");
  });
});

describe("the readers' documented decisions (values.ts header)", () => {
  test.each<[CellValue, number]>([
    ["一百零五", 105], ["两千三百", 2300], ["叁", 3], ["3千字", 3000], ["20240901", 45536],
  ])("readNumber/readDate reads %p as %p", (input, expected) => {
    const r = typeof input === "string" && input.startsWith("2024") ? readDate(input) : readNumber(input);
    expect(r).toEqual({ ok: true, value: expected });
  });

  test.each<CellValue>(["一百五", "壹贰", "3 4", "1,2345"])("readNumber refuses %p rather than guess", (input) => {
    const r = readNumber(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason.zh).toContain(String(input));
  });

  test("a percentage is a number but neither a count nor an amount", () => {
    expect(readNumber("90%")).toEqual({ ok: true, value: 0.9 });
    expect(readCount("100%").ok).toBe(false);
    expect(readMoney("100%").ok).toBe(false);
  });

  test("a month without a day is a year but not a date; an 8-digit number is a date", () => {
    expect(readDate("2024年9月").ok).toBe(false);
    expect(readYear("2024年9月")).toEqual({ ok: true, value: 2024 });
    expect(readDate(20240901)).toEqual({ ok: true, value: ymdToSerial(2024, 9, 1) });
  });

  test("float noise a formula leaves is read as Excel shows it", () => {
    expect(readCount(2.9999999999999996)).toEqual({ ok: true, value: 3 });
    expect(cellText(0.1 + 0.2)).toBe("0.3");
  });

  test("control and direction-override characters never reach a message; long text is cut whole", () => {
    const r = readNumber("\u202e12\u0007");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason.zh).not.toMatch(/[\u0000-\u001f\u202e]/);
    const long = readNumber(`${"字".repeat(59)}😀${"字".repeat(20)}`);
    expect(long.ok).toBe(false);
    if (!long.ok) expect(long.reason.zh).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });
});

describe("percentages are refused as counts and amounts however they are typed", () => {
  test.each<CellValue>(["100%", "100％", "１００％", " 50 % ", "50%\u200b", "50%\u3000"])("%p", (input) => {
    expect(readNumber(input).ok).toBe(true);
    expect(readCount(input).ok).toBe(false);
    expect(readMoney(input).ok).toBe(false);
  });
  test.each<CellValue>(["3", "3项", "３", "二"])("%p is still a count", (input) => {
    expect(readCount(input).ok).toBe(true);
  });
});
