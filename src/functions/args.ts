/**
 * Turning what Excel hands a custom function into what the engine reads, and refusing shapes a
 * formula cannot mean. Excel passes ranges as 2-D arrays, a missing optional as null, an empty
 * cell as "" (or null), an error cell as an error object, and — because the generated metadata
 * allows data types on `any` parameters — a data-typed cell as an object with a `basicValue`.
 */
import type { CellValue } from "../engine/types";
import { formulaError } from "./runtime";

type Loose = Record<string, unknown>;

/** One argument value → a cell as the engine reads it. Never throws. */
export function cell(v: unknown): CellValue {
  if (v === null || v === undefined || v === "") return null;
  if (typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") return Number.isFinite(v) ? v : { error: "#NUM!" };
  if (typeof v === "object") {
    const o = v as Loose;
    // CustomFunctions.Error passed in for an error cell: { code: "#N/A", message? }.
    if (typeof o.code === "string" && o.code.startsWith("#")) return { error: o.code };
    if (typeof o.error === "string") return { error: o.error };
    // Data types: errors, formatted numbers, strings, booleans carry their plain value in basicValue;
    // an entity shows its `text` in the cell, which is what the official reads.
    if (o.type === "Error" || o.basicType === "Error") {
      if (typeof o.text === "string" && o.text) return o.text;
      return { error: typeof o.basicValue === "string" ? o.basicValue : "#VALUE!" };
    }
    if ("basicValue" in o) return cell(o.basicValue);
  }
  return { error: "#VALUE!" };
}

function matrix(v: unknown): unknown[][] {
  if (!Array.isArray(v)) return [[v]];
  if (v.length && !v.every(Array.isArray)) return [v];
  return v as unknown[][];
}

/**
 * A range that must be one row or one column (a record's cells, a header row), as a flat list.
 * `what` names the argument in the message: "values（数据）".
 */
export function line(range: unknown, what: string): CellValue[] {
  const m = matrix(range);
  const rows = m.length;
  let cols = 0;
  for (const r of m) if (r.length > cols) cols = r.length; // a loop: a spread overflows the stack on a whole-column range
  if (!rows || !cols) throw formulaError("invalidValue", `${what}是空的：应为一行或一列单元格`);
  if (rows === 1) return m[0].map(cell);
  if (cols === 1) return m.map((r) => cell(r[0]));
  throw formulaError("invalidValue", `${what}应为一行或一列，收到 ${rows} 行 × ${cols} 列`);
}

/** Whether an optional argument was left out: Excel passes null for it. */
export function omitted(v: unknown): boolean {
  return v === null || v === undefined;
}

/** The text a cell shows, for messages: "" for blank, the error code for errors. */
export function shown(v: CellValue): string {
  if (v === null) return "";
  if (typeof v === "object") return v.error;
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  return String(v);
}

/** A short quote of what the official typed, for error tooltips (they have little room). */
export function quote(v: CellValue): string {
  const s = shown(v);
  if (s === "") return "空白";
  return `“${s.length > 20 ? `${s.slice(0, 20)}…` : s}”`;
}
