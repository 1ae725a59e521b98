import fc from "fast-check";
import {
  cellText,
  formatDate,
  formatMoney,
  formatNumber,
  readCount,
  readDate,
  readMoney,
  readNumber,
  readText,
  readYear,
  readYesNo,
  toHalfWidth,
} from "../src/engine/values";
import { evaluateRow } from "../src/engine";
import { getPack } from "../src/packs";
import type { CellValue } from "../src/engine/types";

const READERS = { readYesNo, readNumber, readCount, readMoney, readDate, readYear, readText };

/** Anything a door could hand over, and worse: odd objects, huge and hostile strings. */
const anyCell: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything(),
  fc.string(),
  fc.string({ unit: "grapheme" }),
  fc.string({ unit: "binary" }),
  fc.double(),
  fc.constantFrom("\u202e是", "是\u0000", "👍", "\u200b", "１２３", "¥", "万", "十十", "二三", "--1", "1e999", "#N/A", "\ud800"),
  fc.record({ error: fc.string() }),
);

describe("value readers under any input", () => {
  test.each(Object.entries(READERS))("%s never throws and always answers value-or-reason", (_, read) => {
    fc.assert(
      fc.property(anyCell, (v) => {
        const r = read(v as CellValue);
        if (r.ok) return true;
        return typeof r.text === "string" && r.reason.zh.length > 0 && r.reason.en.length > 0 && typeof r.missing === "boolean";
      }),
      { numRuns: 2000 },
    );
  });

  test("blank is missing, never 'no' or 0", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[ \t\u3000]*$/), (blank) => {
        for (const read of Object.values(READERS)) {
          const r = read(blank);
          if (r.ok || !r.missing) return false;
        }
        return true;
      }),
    );
  });

  test("text that is not a yes-word never reads as met", () => {
    const yes = new Set([
      "是", "有", "√", "✓", "✔", "☑", "✅", "○", "◯", "〇", "y", "yes", "true", "1", "对", "已", "已完成", "完成", "达标", "已达标",
      "达到", "已达到", "满足", "符合", "合格", "具备", "具有", "通过", "齐全", "良好", "是的", "有的",
    ]);
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = readYesNo(s);
        return !(r.ok && r.value) || yes.has(toHalfWidth(s).trim().toLowerCase());
      }),
      { numRuns: 5000 },
    );
  });

  test("a standard with unreadable evidence is never met, whatever the text", () => {
    const pack = getPack("studio-assessment")!;
    fc.assert(
      fc.property(fc.string().filter((s) => !readNumber(s).ok), (s) => {
        const r = evaluateRow(pack, ["国家级科技比赛获奖数"], [s]);
        return r.failed.includes("一");
      }),
      { numRuns: 500 },
    );
  });
});

describe("round trips", () => {
  test("formatNumber reads back as the same number", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const r = readNumber(formatNumber(n));
        return r.ok && r.value === n;
      }),
      { numRuns: 5000 },
    );
  });

  test("formatMoney reads back to the cent", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (cents) => {
        const r = readMoney(formatMoney(cents / 100));
        return r.ok && Math.round(r.value * 100) === cents;
      }),
    );
  });

  test("formatDate reads back as the same serial (1900-03-01 to 9999-12-31)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 61, max: 2958465 }), (serial) => {
        const r = readDate(formatDate(serial));
        return r.ok && r.value === serial;
      }),
    );
  });

  test("full-width digits read like half-width ones", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (n) => {
        const half = String(n);
        const full = [...half].map((d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)).join("");
        const a = readNumber(half);
        const b = readNumber(full);
        return a.ok && b.ok && a.value === b.value;
      }),
    );
  });

  test("cellText of a number reads back as that number", () => {
    fc.assert(fc.property(fc.integer(), (n) => {
      const r = readNumber(cellText(n));
      return r.ok && r.value === n;
    }));
  });
});

describe("readMoney rounds to the cent as typed", () => {
  /** The plain definition: round the amount as it was typed (15 significant digits) to the cent, halves away from zero. */
  const reference = (n: number) => {
    const a = Math.abs(n);
    if (a >= 1e13) return n;
    const cents = Math.round(Number((a * 100).toPrecision(15)));
    return n < 0 ? -cents / 100 : cents / 100;
  };

  test("for any amount, the same cents as the plain definition", () => {
    const amounts = fc.oneof(
      fc.double({ min: -1e14, max: 1e14, noNaN: true }),
      fc.integer({ min: -1e9, max: 1e9 }).map((c) => c / 1000),
      fc.integer({ min: 0, max: 1e8 }).map((c) => c / 100 + 0.005),
    );
    fc.assert(
      fc.property(amounts, (n) => {
        const r = readMoney(n);
        return r.ok && Object.is(r.value + 0, reference(n) + 0);
      }),
      { numRuns: 20000 },
    );
  });

  test.each<[number, number]>([[1.005, 1.01], [2.675, 2.68], [-1.005, -1.01], [523.454, 523.45], [523.455, 523.46], [0.125, 0.13]])("%p → %p", (n, expected) => {
    expect(readMoney(n)).toEqual({ ok: true, value: expected });
  });
});

describe("readText trims what officials cannot see", () => {
  const INVISIBLE = [" ", "\t", "\n", "\u00a0", "\u1680", "\u2002", "\u200a", "\u200b", "\u200d", "\u2028", "\u202f", "\u205f", "\u2060", "\u3000", "\ufeff"];
  const text = fc.array(fc.oneof(fc.constantFrom(...INVISIBLE), fc.constantFrom("工", "作", "室", "a", "1", "·", "🔬")), { maxLength: 8 }).map((a) => a.join(""));
  /** The definition: blank when only white space and zero-width characters; else without them at either end. */
  const reference = (s: string): string | null => {
    if (/^[\s\u200b-\u200d\u2060\ufeff]*$/.test(s)) return null;
    return s.replace(/^[\s\u200b-\u200d\u2060\ufeff]+|[\s\u200b-\u200d\u2060\ufeff]+$/g, "");
  };

  test("equals the definition for any mix of visible and invisible characters", () => {
    fc.assert(
      fc.property(text, (s) => {
        const r = readText(s);
        const want = reference(s);
        return want === null ? !r.ok && r.missing : r.ok && r.value === want;
      }),
      { numRuns: 5000 },
    );
  });
});
