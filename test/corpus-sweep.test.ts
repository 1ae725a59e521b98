/**
 * The 1,409 third-party workbooks of ../shared/corpus (Apache POI, PhpSpreadsheet, ClosedXML,
 * SheetJS, openpyxl, excelize … test files), read through the same worker pool the command line
 * and any batch job use: every file must give its sheets or a coded error, within 10 s and 1 GB,
 * with no crash and no hang. The corpus is used in place, never copied into the repository.
 */
import * as fs from "fs";
import * as path from "path";
import { readFiles, type FileErrorCode } from "../src/file/node/read-file";

const CORPUS = process.env.KJ_CORPUS ?? path.resolve(__dirname, "..", "..", "shared", "corpus");
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
});
