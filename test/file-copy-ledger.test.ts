/**
 * The ledger of the cells an annotated copy coloured, kept as typed arrays (copy.ts MarkLog): it
 * must write exactly what the Excel door's encodeRuns(packCells(cells)) writes for the same cells,
 * per severity and per fill, the fills in the order first met — 清除结果 in any door reads it.
 */
import fc from "fast-check";
import { encodeRuns, packCells } from "../src/excel/a1";
import { encodeCells, MarkLog } from "../src/file/copy";

const cell = fc.record({
  row: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 1_048_576 })),
  col: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 16_384 })),
  severity: fc.constantFrom("error" as const, "warning" as const),
  fill: fc.constantFrom<string | null>(null, "#FFFF00", "#C6EFCE", "#FFC7CE"),
});

/** Cells added to a MarkLog in the order given: its lists are what encodeRuns(packCells(…)) writes of the same cells. */
function expectLoggedAsPacked(cells: { row: number; col: number; severity: "error" | "warning"; fill: string | null }[]): void {
  const log = new MarkLog();
  for (const c of cells) log.add(c.row, c.col, c.severity, c.fill);
  const got = log.encoded();
  expect(got.error).toBe(encodeRuns(packCells(cells.filter((c) => c.severity === "error"))));
  expect(got.warning).toBe(encodeRuns(packCells(cells.filter((c) => c.severity === "warning"))));
  const order = [...new Set(cells.map((c) => c.fill).filter((f): f is string => f !== null))];
  expect(Object.keys(got.fills)).toEqual(order);
  for (const f of order) expect(got.fills[f]).toBe(encodeRuns(packCells(cells.filter((c) => c.fill === f))));
}

test("property: the marks and fills as encodeRuns(packCells(…)) writes them, whatever the order and repeats", () => {
  fc.assert(
    fc.property(fc.array(cell, { maxLength: 300 }), (cells) => {
      expectLoggedAsPacked(cells);
    }),
    { numRuns: 300 },
  );
});

test("property: cells added row by row, columns ascending (the copy's writer's order, counted by column rather than sorted), with repeats", () => {
  fc.assert(
    fc.property(fc.array(cell, { maxLength: 300 }), (unordered) => {
      const cells = [...unordered, ...unordered.slice(0, 5)].sort((a, b) => a.row - b.row || a.col - b.col);
      expectLoggedAsPacked(cells);
    }),
    { numRuns: 300 },
  );
});

test("a column marked on every seventh row folds as the Excel door folds it", () => {
  const rows = Array.from({ length: 1000 }, (_, i) => 10 + 7 * i);
  const keys = rows.map((r) => 3 * 2 ** 21 + r);
  expect(encodeCells(keys)).toBe(encodeRuns(packCells(rows.map((row) => ({ row, col: 3 })))));
  expect(encodeCells(keys)).toBe("C:a,7*rr");
  expect(encodeCells([])).toBe("");
});
