/**
 * How a pack's tests read their fields, shared by the record-by-record evaluation (which builds
 * messages) and the column-by-column one (which only decides): one reader per field type, the
 * comparison operators, and the three-valued outcome of a test.
 */
import { readCount, readDate, readMoney, readNumber, readYear, readYesNo, serialToYMD, yesNoOf, type Read } from "./values";
import type { CellValue } from "./types";
import type { FieldType } from "../packs/schema";

export type Tri = 0 | 1 | 2; // not met, met, unknown
export const NO: Tri = 0;
export const YES: Tri = 1;
export const UNKNOWN: Tri = 2;

export const OPS: Record<string, (a: number, b: number) => boolean> = {
  ">=": (a, b) => a >= b,
  ">": (a, b) => a > b,
  "<=": (a, b) => a <= b,
  "<": (a, b) => a < b,
  "=": (a, b) => a === b,
  "!=": (a, b) => a !== b,
};

const YES_AS_NUMBER: Read<number> = Object.freeze({ ok: true as const, value: Number.POSITIVE_INFINITY });
const NO_AS_NUMBER: Read<number> = Object.freeze({ ok: true as const, value: 0 });

/** 是 counts as met for a yes-or-number field (standard 十: 配套经费 > 0, or simply 是). */
function readYesOrNumber(v: CellValue): Read<number> {
  const yn = yesNoOf(v);
  if (yn === true) return YES_AS_NUMBER;
  if (yn === false) return NO_AS_NUMBER;
  return readMoney(v); // a blank reads as missing here too
}

const YES_AS_ONE: Read<number> = Object.freeze({ ok: true as const, value: 1 });
function readYesNoAsNumber(v: CellValue): Read<number> {
  const r = readYesNo(v);
  return r.ok ? (r.value ? YES_AS_ONE : NO_AS_NUMBER) : r;
}

/** The reader a comparison uses for a field of this type. */
export function numericReader(type: FieldType): (v: CellValue) => Read<number> {
  switch (type) {
    case "count":
      return readCount;
    case "money":
      return readMoney;
    case "yesnoOrNumber":
      return readYesOrNumber;
    case "date":
      return readDate;
    case "year":
      return readYear;
    case "yesno":
      return readYesNoAsNumber;
    default:
      return readNumber;
  }
}

/** A date, or only a year when that is all the cell gives. */
export function readDateOrYear(v: CellValue): Read<{ serial: number | null; year: number }> {
  if (typeof v === "number" && Number.isInteger(v) && v >= 1900 && v <= 2200) return { ok: true, value: { serial: null, year: v } };
  const d = readDate(v);
  if (d.ok) return { ok: true, value: { serial: d.value, year: serialToYMD(d.value).y } };
  const y = readYear(v);
  if (y.ok) return { ok: true, value: { serial: null, year: y.value } };
  return d.missing ? d : y;
}
