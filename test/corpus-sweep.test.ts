/**
 * The 1,409 third-party workbooks of ../shared/corpus (Apache POI, PhpSpreadsheet, ClosedXML,
 * SheetJS, openpyxl, excelize … test files), read through the same worker pool the command line
 * and any batch job use: every file must give its sheets or a coded error, within 10 s and 1 GB,
 * with no crash and no hang. The corpus is used in place, never copied into the repository.
 */
import * as fs from "fs";
import * as path from "path";
import type { ResultPlan } from "../src/engine/host";
import type { CellValue } from "../src/engine/types";
import { readFiles, type FileErrorCode } from "../src/file/node/read-file";
import { toAnnotatedCopy } from "../src/file/resave";
import { readWorkbook, sheetGrid } from "../src/file/xlsx-read";
import { CORPUS } from "./support/corpus";
import { useNodeInflate } from "../src/file/node/inflate";
import { useNodeDeflate } from "../src/file/node/deflate";

// Node's zlib, as the command line's workers read and copy (fflate's own codec is tested on its own:
// in jest's sandbox it is several times slower, and here it would take most of the suite's minute).
useNodeInflate();
useNodeDeflate();


const KNOWN: FileErrorCode[] = ["encrypted", "legacy-xls", "not-a-workbook", "damaged", "too-large", "timeout", "out-of-memory", "unreadable-file"];

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (/\.xlsx$/i.test(e.name)) out.push(p);
  }
  return out.sort();
}

const present = fs.existsSync(CORPUS);
if (!present) console.log(`corpus sweep skipped: ${CORPUS} not found (set KJ_CORPUS to the corpus folder)`);

(present ? describe : describe.skip)("third-party corpus sweep", () => {
  test(
    "every file opens or is refused with a known code, each within 10 s, no worker crash",
    async () => {
      const files = filesUnder(CORPUS);
      expect(files.length).toBeGreaterThan(1000);
      const slow: string[] = [];
      const started = Date.now();
      const results = await readFiles(files, {
        concurrency: 2,
        timeoutMs: 10_000,
        onProgress: (_done, _total, file, ms) => {
          if (ms >= 10_000) slow.push(`${path.relative(CORPUS, file)} ${ms} ms`);
        },
      });
      const seconds = (Date.now() - started) / 1000;

      expect(results.map((r) => r.file)).toEqual(files);
      const counts: Record<string, number> = { opened: 0 };
      const sheetErrors: Record<string, number> = {};
      const timedOut: string[] = [];
      let sheets = 0;
      let cells = 0;
      for (const r of results) {
        if (r.ok) {
          counts.opened++;
          expect(r.sheets.length).toBeGreaterThan(0);
          for (const s of r.sheets) {
            if ("error" in s) {
              expect(KNOWN).toContain(s.error.code);
              sheetErrors[s.error.code] = (sheetErrors[s.error.code] ?? 0) + 1;
              continue;
            }
            sheets++;
            for (const row of s.grid.rows) cells += row.length;
          }
        } else {
          expect(KNOWN).toContain(r.error.code);
          expect(r.error.message.length).toBeGreaterThan(5);
          counts[r.error.code] = (counts[r.error.code] ?? 0) + 1;
          if (r.error.code === "timeout" || r.error.code === "out-of-memory") timedOut.push(`${path.relative(CORPUS, r.file)}: ${r.error.code}`);
        }
      }
      console.log(
        `corpus sweep: ${files.length} files in ${seconds.toFixed(1)} s on 2 workers — ` +
          `opened ${counts.opened}, refused ${JSON.stringify(Object.fromEntries(Object.entries(counts).filter(([k]) => k !== "opened")))}; ` +
          `${sheets} sheets read (${cells} cell slots), sheets refused ${JSON.stringify(sheetErrors)}`,
      );
      // No file may need the time limit or the memory limit: those are the safety net, not the answer.
      expect(timedOut).toEqual([]);
      expect(slow).toEqual([]);
      // The reader's own evidence: at least 1,370 of the 1,409 files open.
      expect(counts.opened).toBeGreaterThanOrEqual(1370);
    },
    600_000,
  );

  test(
    "annotated copies of every readable file: read back with every original cell unchanged and the results present, or refused as cannot-resave",
    () => {
      const same = (a: CellValue | undefined, b: CellValue | undefined) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
      const counts: Record<string, number> = { copied: 0, refused: 0 };
      const broken: string[] = [];
      for (const file of filesUnder(CORPUS)) {
        const bytes = new Uint8Array(fs.readFileSync(file));
        const r = readWorkbook(bytes);
        if (!r.ok) continue;
        const grids = r.workbook.sheets.map((s) => sheetGrid(s));
        const at = grids.findIndex((g) => g.ok && g.grid.rows.length > 0);
        if (at < 0) continue;
        const g = grids[at];
        if (!g.ok) continue;
        const width = g.grid.rows.reduce((w, row) => Math.max(w, row.length), 0);
        if (width + 2 > 16_384) continue;
        const name = r.workbook.sheets[at].name;
        const plan: ResultPlan = {
          sheet: name,
          headerRow: 1,
          startCol: width + 1,
          headers: ["校验结果", "说明"],
          rows: g.grid.rows.slice(1, 60).map((_, i) => ({ row: i + 2, values: ["不通过", "=不是公式 & <x>"] })),
          marks: [{ address: "A1", severity: "error" }, { address: "B2", severity: "warning" }],
        };
        const out = toAnnotatedCopy(bytes, [plan], [{ name: "校验汇总", rows: [["文件", "结论"], [path.basename(file), "通过"]], headerRows: [1] }]);
        if (!(out instanceof Uint8Array)) {
          expect(out.error.code).toBe("cannot-resave");
          counts.refused++;
          continue;
        }
        const back = readWorkbook(out);
        if (!back.ok) {
          broken.push(`${path.relative(CORPUS, file)}: the copy does not open (${back.error.code})`);
          continue;
        }
        const problem = r.workbook.sheets
          .map((s, i) => {
            const before = grids[i];
            const after = back.workbook.sheets.find((x) => x.name === s.name);
            if (!after) return `sheet ${s.name} is gone`;
            if (!before.ok) return null;
            const a = sheetGrid(after);
            if (!a.ok) return `sheet ${s.name}: ${a.error.code}`;
            for (let row = 0; row < before.grid.rows.length; row++)
              for (let col = 0; col < before.grid.rows[row].length; col++) if (!same(before.grid.rows[row][col], a.grid.rows[row]?.[col])) return `${s.name} ${row + 1}:${col + 1} changed`;
            if (i === at && (a.grid.rows[0]?.[width] !== "校验结果" || (plan.rows.length > 0 && a.grid.rows[1]?.[width + 1] !== "=不是公式 & <x>"))) return "results missing";
            return null;
          })
          .find((p) => p);
        if (!problem && !back.workbook.sheets.some((s) => s.name.startsWith("校验汇总"))) broken.push(`${path.relative(CORPUS, file)}: added sheet missing`);
        else if (problem) broken.push(`${path.relative(CORPUS, file)}: ${problem}`);
        else counts.copied++;
      }
      console.log(`annotated copies over the corpus: ${JSON.stringify(counts)}`);
      expect(broken).toEqual([]);
      expect(counts.copied).toBeGreaterThan(1000);
    },
    600_000,
  );
});
