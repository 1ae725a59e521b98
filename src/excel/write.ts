/**
 * Writing through Office.js: result columns (or a result sheet), marks, whole sheets, and undoing
 * all of it. Everything is checked before the first write; values go as whole 2-D arrays in row
 * chunks under CHUNK_BYTES; colours go as RangeAreas built from packed address lists; small
 * operations are queued until a request is full. So the number of context.sync() calls follows the
 * number of chunks, never the number of rows, issues or marked cells.
 */
import type { OutValue, Progress, ResultPlan, SheetPlan, WriteOutcome } from "../engine/host";
import type { Severity } from "../engine/types";
import { asideRows, RESULT_SHEET, safeSheetName } from "../engine/output";

export { RESULT_SHEET };
import { MARK_FILL } from "../engine/verdicts";
import { areaWithout, fingerprint, FINGERPRINT_CHARS, typedCells } from "../engine/fingerprint";
import { boxA1, cellCount, colLetter, decodeRuns, encodeRuns, packCells, parseBox, parseBoxes, within, type Box } from "./a1";
import { ADDRESS_CHARS, CHUNK_BYTES, CHUNK_CELLS, hasExcelApi, jsonBytes, MAX_LEDGER_CHARS } from "./limits";
import { planOutsideSheet, sheetProtected } from "./errors";
import { readLedger, writeLedger } from "./settings";
import type { Ledger, LedgerCreated, LedgerSheet } from "./ledger";

const MAX_ROWS = 1_048_576;
const MAX_COLS = 16_384;
/** Request bytes of one queued operation besides its own data (object path, action, ids). */
const OP_BYTES = 160;
/** Cells per number-format operation on a created sheet. */
const FORMAT_CELLS = 50_000;
/** Response bytes per cell of getCellProperties({format:{fill:{color,pattern}}}). */
const FILL_PROPS_BYTES = 70;

/**
 * Text Excel would otherwise read as a formula, number, date, boolean or error gets a leading
 * apostrophe, which Excel keeps as the cell's text prefix, not as content.
 * - Office.js documents that values starting with "+", "-" or "=" are interpreted as formulas
 *   (Excel.Range.values in @types/office-js: "If the returned value starts with a plus ("+"),
 *   minus ("-"), or equal sign ("="), Excel interprets this value as a formula"), and a leading
 *   "@" is the implicit-intersection operator.
 * - Users rely on the apostrophe for exactly this, and Office.js reads such cells back without it
 *   (github.com/OfficeDev/office-js/issues/6687: "'=AVERAGE(…)" entered to keep it plain text;
 *   range.formulas returns it without the quote).
 * A text number format ("@") is not used: it would have to be undone on 清除结果 and it changes
 * how the cell behaves when an official types into it later.
 * Besides = + - @ this covers what Excel's input parser turns into non-text: leading digits,
 * signs, currency and percent (numbers, dates, times), "#" (error values), TRUE/FALSE, month
 * names ("May 5" is a date), leading spaces, and full-width forms, which Chinese Excel converts.
 */
export function excelText(s: string): string {
  if (s === "") return s;
  const risky =
    /^[=+\-@'\s\d.,#$%(€£¥￥＝＋－＠０-９．]/.test(s) ||
    /^(true|false)$/i.test(s) ||
    /^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)/i.test(s);
  return risky ? `'${s}` : s;
}

export function cellOut(v: OutValue | undefined): string | number {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isFinite(v) ? v : "";
  return excelText(v);
}

export function quoteSheet(name: string): string {
  return `'${name.replace(/'/g, "''")}'`;
}

/** Excel compares sheet names without case. */
export function uniqueSheetName(base: string, taken: string[]): string {
  const lower = new Set(taken.map((t) => t.toLowerCase()));
  const clean = safeSheetName(base);
  if (!lower.has(clean.toLowerCase())) return clean;
  for (let i = 2; ; i++) {
    const suffix = ` (${i})`;
    const name = clean.slice(0, 31 - suffix.length) + suffix;
    if (!lower.has(name.toLowerCase())) return name;
  }
}

/** Queues operations and syncs only when the next one would make the request too large. */
class Batch {
  private bytes = 0;
  constructor(private readonly ctx: Excel.RequestContext) {}
  async add(bytes: number, queue: () => void): Promise<void> {
    if (this.bytes > 0 && this.bytes + bytes > CHUNK_BYTES) await this.flush();
    queue();
    this.bytes += bytes;
  }
  async flush(): Promise<void> {
    if (this.bytes === 0) return;
    this.bytes = 0;
    await this.ctx.sync();
  }
}

/** Runs of cells grouped so that each group's address list fits one getRanges call. */
function groupRuns(runs: Box[]): { address: string; runs: Box[] }[] {
  const out: { address: string; runs: Box[] }[] = [];
  let cur: { address: string; runs: Box[] } | null = null;
  for (const r of runs) {
    const a = boxA1(r);
    if (cur && cur.address.length + 1 + a.length <= ADDRESS_CHARS) {
      cur.address += `,${a}`;
      cur.runs.push(r);
    } else {
      cur = { address: a, runs: [r] };
      out.push(cur);
    }
  }
  return out;
}

/**
 * Writes a dense block of rows starting at (top, left), one sync per chunk. `first` queues extra
 * operations (formatting) into the first chunk's request.
 */
async function writeBlock(
  ctx: Excel.RequestContext,
  sheet: Excel.Worksheet,
  top: number,
  left: number,
  width: number,
  rows: (string | number)[][],
  onProgress?: (done: number) => void,
  first?: () => void,
): Promise<void> {
  const maxRows = Math.max(1, Math.floor(CHUNK_CELLS / width));
  let i = 0;
  let extra = first;
  while (i < rows.length) {
    let bytes = OP_BYTES;
    let j = i;
    while (j < rows.length && j - i < maxRows) {
      const b = jsonBytes(rows[j]) + 1;
      if (j > i && bytes + b > CHUNK_BYTES) break;
      bytes += b;
      j++;
    }
    sheet.getRangeByIndexes(top - 1 + i, left - 1, j - i, width).values = rows.slice(i, j);
    extra?.();
    extra = undefined;
    await ctx.sync();
    i = j;
    onProgress?.(i);
  }
  if (rows.length === 0 && extra) {
    extra();
    await ctx.sync();
  }
}

function noFill(color: string | null | undefined, pattern: string | null | undefined): boolean {
  return pattern === "None" || (pattern === undefined && typeof color === "string" && color.toUpperCase() === "#FFFFFF");
}

/**
 * The fill each marked cell has now, so 清除结果 can give it back. One probe per getRanges group
 * answers the usual case (no cell filled, or all the same); only groups with mixed fills are read
 * cell by cell with getCellProperties, in column runs sized by response bytes.
 */
async function currentFills(ctx: Excel.RequestContext, sheet: Excel.Worksheet, runs: Box[]): Promise<Record<string, string>> {
  const byColor = new Map<string, { row: number; col: number }[]>();
  const add = (color: string, row: number, col: number) => {
    const list = byColor.get(color) ?? [];
    list.push({ row, col });
    byColor.set(color, list);
  };
  const batch = new Batch(ctx);
  const probes: { fill: Excel.RangeFill; runs: Box[] }[] = [];
  for (const g of groupRuns(runs))
    await batch.add(g.address.length + OP_BYTES, () => {
      const fill = sheet.getRanges(g.address).format.fill;
      fill.load("color,pattern");
      probes.push({ fill, runs: g.runs });
    });
  await batch.flush();

  const mixed: Box[] = [];
  for (const p of probes) {
    const { color, pattern } = p.fill;
    if (noFill(color, pattern)) continue;
    if (typeof color === "string" && pattern !== null) {
      for (const r of p.runs) for (let row = r.r1; row <= r.r2; row++) for (let col = r.c1; col <= r.c2; col++) add(color, row, col);
    } else mixed.push(...p.runs);
  }

  const pieces: Box[] = [];
  const pieceRows = Math.max(1, Math.floor(CHUNK_BYTES / FILL_PROPS_BYTES / 2));
  for (const r of mixed)
    for (let row = r.r1; row <= r.r2; row += pieceRows) pieces.push({ r1: row, c1: r.c1, r2: Math.min(r.r2, row + pieceRows - 1), c2: r.c2 });
  const reads: { box: Box; result: OfficeExtension.ClientResult<Excel.CellProperties[][]> }[] = [];
  for (const box of pieces)
    await batch.add(cellCount(box) * FILL_PROPS_BYTES + OP_BYTES, () => {
      reads.push({ box, result: sheet.getRange(boxA1(box)).getCellProperties({ format: { fill: { color: true, pattern: true } } }) });
    });
  await batch.flush();
  for (const { box, result } of reads)
    result.value.forEach((line, i) =>
      line.forEach((cell, j) => {
        const f = cell.format?.fill;
        if (f && !noFill(f.color, f.pattern ?? undefined) && f.color) add(f.color, box.r1 + i, box.c1 + j);
      }),
    );

  const out: Record<string, string> = {};
  for (const [color, cells] of byColor) out[color] = encodeRuns(packCells(cells));
  return out;
}

/** Response bytes per cell of a values read, for sizing reads of result areas. */
const VALUE_BYTES = 100;

/**
 * The cells of an entry's result area an official has typed over since we wrote them (their value
 * no longer matches the ledger's fingerprint), read in row pieces under the response limit. None
 * for an entry without a fingerprint (earlier versions): its area is ours as a block.
 */
async function typedIn(ctx: Excel.RequestContext, sheet: Excel.Worksheet, e: LedgerSheet): Promise<Box[]> {
  const area = e.area ? parseBox(e.area) : null;
  if (!area || !e.fingerprint) return [];
  const width = area.c2 - area.c1 + 1;
  const step = Math.max(1, Math.floor(CHUNK_BYTES / VALUE_BYTES / 2 / width));
  const batch = new Batch(ctx);
  const reads: { r1: number; range: Excel.Range }[] = [];
  for (let r = area.r1; r <= area.r2; r += step) {
    const n = Math.min(step, area.r2 - r + 1);
    await batch.add(n * width * VALUE_BYTES, () => {
      const range = sheet.getRangeByIndexes(r - 1, area.c1 - 1, n, width);
      range.load("values");
      reads.push({ r1: r, range });
    });
  }
  await batch.flush();
  const valueAt = (row: number, col: number) => {
    const piece = reads[Math.floor((row - area.r1) / step)];
    return piece.range.values[row - piece.r1]?.[col - area.c1] as string | number | boolean | undefined;
  };
  return (typedCells(area, e.fingerprint, valueAt) ?? []).map((c) => ({ r1: c.row, c1: c.col, r2: c.row, c2: c.col }));
}

/** Undoes one sheet's entry: result values (but for cells an official typed over), header bold, our fills and the fills they covered. */
async function undoSheet(batch: Batch, sheet: Excel.Worksheet, e: LedgerSheet, typed: Box[] = []): Promise<void> {
  const area = e.area ? parseBox(e.area) : null;
  if (area && !typed.length) await batch.add(OP_BYTES, () => sheet.getRange(e.area!).clear("Contents"));
  else if (area)
    for (const g of groupRuns(areaWithout(area, typed.map((b) => ({ row: b.r1, col: b.c1 })))))
      await batch.add(g.address.length + OP_BYTES, () => sheet.getRanges(g.address).clear("Contents"));
  if (e.header && typeof e.headerBold === "boolean") await batch.add(OP_BYTES, () => void (sheet.getRange(e.header!).format.font.bold = e.headerBold as boolean));
  for (const g of groupRuns([...decodeRuns(e.marks.error), ...decodeRuns(e.marks.warning)]))
    await batch.add(g.address.length + OP_BYTES, () => sheet.getRanges(g.address).format.fill.clear());
  for (const [color, runs] of Object.entries(e.fills))
    for (const g of groupRuns(decodeRuns(runs))) await batch.add(g.address.length + OP_BYTES, () => void (sheet.getRanges(g.address).format.fill.color = color));
}

/**
 * Sheets we created are deleted only while they hold nothing beyond what we wrote; once an
 * official has typed more into one (a filled-in template, notes on a summary) it is theirs.
 */
async function removeCreated(ctx: Excel.RequestContext, list: LedgerCreated[]): Promise<{ deleted: number; kept: string[] }> {
  if (!list.length) return { deleted: 0, kept: [] };
  const sheets = list.map((c) => {
    const s = ctx.workbook.worksheets.getItemOrNullObject(c.id);
    s.load("name");
    return s;
  });
  await ctx.sync();
  const used = sheets.map((s) => {
    if (s.isNullObject) return null;
    const u = s.getUsedRangeOrNullObject(true);
    u.load("address");
    return u;
  });
  await ctx.sync();
  let deleted = 0;
  const kept: string[] = [];
  list.forEach((c, i) => {
    const s = sheets[i];
    const u = used[i];
    if (s.isNullObject || !u) return;
    const area = parseBox(c.area);
    const untouched = u.isNullObject || (area !== null && parseBoxes(u.address).every((b) => within(b, area)));
    if (untouched) {
      s.delete();
      deleted++;
    } else kept.push(s.name);
  });
  await ctx.sync();
  return { deleted, kept };
}

interface MarkRuns {
  error: Box[];
  warning: Box[];
  cells: number;
}

/**
 * Marks as column runs. If the ledger could not remember them all (scattered marks on hundreds of
 * thousands of rows), warnings and then errors are cut from the end until it can: a cell we could
 * not un-colour later is not coloured. WriteOutcome.marked says how many were.
 */
function markRuns(plan: ResultPlan): MarkRuns {
  const cells: Record<Severity, { row: number; col: number }[]> = { error: [], warning: [] };
  for (const m of plan.marks) {
    const b = parseBox(m.address);
    if (!b || b.r2 > MAX_ROWS || b.c2 > MAX_COLS) continue;
    for (let row = b.r1; row <= b.r2; row++) for (let col = b.c1; col <= b.c2; col++) cells[m.severity].push({ row, col });
  }
  let error = packCells(cells.error);
  let warning = packCells(cells.warning);
  const budget = MAX_LEDGER_CHARS / 2;
  // The most runs (sorted by column, then row) whose encoding fits; errors are kept before warnings.
  const fit = (runs: Box[], room: number): Box[] => {
    if (encodeRuns(runs).length <= room) return runs;
    let lo = 0;
    let hi = runs.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (encodeRuns(runs.slice(0, mid)).length <= room) lo = mid;
      else hi = mid - 1;
    }
    return runs.slice(0, lo);
  };
  error = fit(error, budget);
  warning = fit(warning, budget - encodeRuns(error).length);
  const count = (runs: Box[]) => runs.reduce((a, r) => a + cellCount(r), 0);
  return { error, warning, cells: count(error) + count(warning) };
}

export async function writeResults(ctx: Excel.RequestContext, plan: ResultPlan, onProgress?: (p: Progress) => void): Promise<WriteOutcome> {
  const width = plan.headers.length;
  const byRow = new Map<number, OutValue[]>();
  for (const r of plan.rows) if (r.row > plan.headerRow && !byRow.has(r.row)) byRow.set(r.row, r.values);
  let lastRow = plan.headerRow;
  for (const r of byRow.keys()) if (r > lastRow) lastRow = r;
  if (width === 0) throw planOutsideSheet(plan.sheet, "结果列（没有列标题）");
  if (plan.headerRow < 1 || lastRow > MAX_ROWS) throw planOutsideSheet(plan.sheet, `第 ${lastRow} 行`);
  const fits = plan.startCol >= 1 && plan.startCol + width - 1 <= MAX_COLS;
  const area: Box = { r1: plan.headerRow, c1: plan.startCol, r2: lastRow, c2: plan.startCol + width - 1 };
  const headerBox: Box = { ...area, r2: plan.headerRow };

  // 1. Look before writing anything: the sheet, its protection, and what the target cells hold.
  const ws = ctx.workbook.worksheets;
  const sheet = ws.getItem(plan.sheet);
  sheet.load("id,name");
  sheet.protection.load("protected");
  let used: Excel.Range | null = null;
  let formulas: Excel.RangeAreas | null = null;
  let merged: Excel.RangeAreas | null = null;
  if (fits) {
    const target = sheet.getRange(boxA1(area));
    used = target.getUsedRangeOrNullObject(true);
    used.load("address");
    // getSpecialCells on a single cell looks at the whole sheet (as in VBA); a target has two or more.
    if (cellCount(area) > 1) {
      formulas = target.getSpecialCellsOrNullObject("Formulas");
      formulas.load("address");
    }
    if (hasExcelApi("1.13")) {
      merged = target.getMergedAreasOrNullObject();
      merged.load("address");
    }
  }
  await ctx.sync();
  if (sheet.protection.protected) throw sheetProtected(plan.sheet);

  const ledger = readLedger();
  // Entries written by the file door (an annotated copy) name the sheet instead of its id.
  const prev = ledger.sheets.find((s) => s.id === sheet.id) ?? ledger.sheets.find((s) => s.id === sheet.name);
  const ours = prev?.area ? parseBox(prev.area) : null;
  // Cells of our earlier results an official has typed over are theirs: content in the way, kept.
  const typed = prev ? await typedIn(ctx, sheet, prev) : [];
  const first = (x: Excel.Range | Excel.RangeAreas | null) => (x && !x.isNullObject ? (parseBoxes(x.address)[0] ?? null) : null);
  const foreignCell =
    used && !used.isNullObject && !parseBoxes(used.address).every((b) => ours !== null && within(b, ours))
      ? first(used)
      : fits
        ? (typed.find((b) => within(b, area)) ?? null)
        : null;
  const why = !fits
    ? { zh: "数据右侧已没有空列", en: "there is no empty column right of the data" }
    : first(merged)
      ? { zh: `结果列 ${boxA1(area)} 中有合并单元格（${boxA1(first(merged)!)}）`, en: `the result columns ${boxA1(area)} hold merged cells (${boxA1(first(merged)!)})` }
      : first(formulas)
        ? { zh: `结果列 ${boxA1(area)} 中有公式（${boxA1(first(formulas)!)}）`, en: `the result columns ${boxA1(area)} hold formulas (${boxA1(first(formulas)!)})` }
        : foreignCell
          ? { zh: `结果列 ${boxA1(area)} 中已有不是本工具写入的内容（${boxA1(foreignCell)} 一带）`, en: `the result columns ${boxA1(area)} hold content this add-in did not write (around ${boxA1(foreignCell)})` }
          : null;
  const foreign = why !== null;

  // 2. A new run replaces the previous one: our old output on this sheet goes first.
  const batch = new Batch(ctx);
  if (prev) await undoSheet(batch, sheet, prev, typed);
  // Read after our previous bold is undone: this is the state 清除结果 gives back.
  const header: { font: Excel.RangeFont | null } = { font: null };
  if (!foreign)
    await batch.add(OP_BYTES, () => {
      header.font = sheet.getRange(boxA1(headerBox)).format.font;
      header.font.load("bold");
    });
  await batch.flush();
  await removeCreated(
    ctx,
    ledger.created.filter((c) => c.source === sheet.id || c.source === sheet.name),
  );
  // A previous result sheet the user has since added to is theirs now: kept, and forgotten.
  const next: Ledger = { v: 1, sheets: ledger.sheets.filter((s) => s !== prev), created: ledger.created.filter((c) => c.source !== sheet.id && c.source !== sheet.name) };

  // 3. The fills the marks will cover.
  const runs = markRuns(plan);
  const fills = await currentFills(ctx, sheet, [...runs.error, ...runs.warning]);

  // 4. Where the values go.
  let outSheet = sheet;
  let outName = sheet.name;
  let block: (string | number)[][];
  let top: number;
  let left: number;
  let blockWidth: number;
  let boldRow: number;
  if (!foreign) {
    block = [];
    for (let r = plan.headerRow; r <= lastRow; r++) {
      const values = r === plan.headerRow ? plan.headers : byRow.get(r);
      const line: (string | number)[] = new Array(width);
      for (let j = 0; j < width; j++) line[j] = cellOut(values?.[j]);
      block.push(line);
    }
    [top, left, blockWidth, boldRow] = [plan.headerRow, plan.startCol, width, plan.headerRow];
  } else {
    ws.load("items/name");
    await ctx.sync();
    outName = uniqueSheetName(RESULT_SHEET, ws.items.map((i) => i.name));
    outSheet = ws.add(outName);
    outSheet.load("id,name");
    await ctx.sync();
    block = asideRows(plan, why!.zh).map((line) => line.map(cellOut));
    [top, left, blockWidth, boldRow] = [1, 1, width + 1, 2];
  }
  const written: Box = { r1: top, c1: left, r2: top + block.length - 1, c2: left + blockWidth - 1 };

  // 5. Record what this run will write before writing it, so even a run cut short can be cleared.
  const room = FINGERPRINT_CHARS - next.sheets.reduce((n, s) => n + (s.fingerprint?.length ?? 0), 0);
  const print = foreign ? null : fingerprint(plan);
  next.sheets.push({
    id: sheet.id,
    name: sheet.name,
    area: foreign ? null : boxA1(written),
    cells: foreign ? 0 : cellCount(written),
    header: foreign ? null : boxA1(headerBox),
    headerBold: header.font ? header.font.bold : null,
    marks: { error: encodeRuns(runs.error), warning: encodeRuns(runs.warning) },
    fills,
    ...(print !== null && print.length <= room ? { fingerprint: print } : {}),
  });
  if (foreign) next.created.push({ id: outSheet.id, name: outName, area: boxA1(written), cells: cellCount(written), source: sheet.id });
  await writeLedger(next);

  // 6. Values, one chunk per sync; the header row is made bold in the first chunk's request.
  const total = block.length;
  onProgress?.({ done: 0, total });
  await writeBlock(ctx, outSheet, top, left, blockWidth, block, (done) => onProgress?.({ done, total }), () => {
    outSheet.getRangeByIndexes(boldRow - 1, left - 1, 1, blockWidth).format.font.bold = true;
  });

  // 7. Marks on the data sheet, as RangeAreas, as many per request as fit.
  for (const sev of ["warning", "error"] as const)
    for (const g of groupRuns(runs[sev]))
      await batch.add(g.address.length + OP_BYTES, () => void (sheet.getRanges(g.address).format.fill.color = MARK_FILL[sev]));
  await batch.flush();

  return {
    placement: foreign ? "sheet" : "columns",
    sheet: outName,
    range: `${quoteSheet(outName)}!${boxA1(written)}`,
    cellsWritten: cellCount(written),
    marked: runs.cells,
    ...(why && {
      note: {
        zh: `${why.zh}，为不覆盖原有数据，结果写在新工作表“${outName}”中。`,
        en: `${why.en}, so the results went to a new sheet "${outName}" to leave existing data untouched.`,
      },
    }),
  };
}

export async function clearResults(
  ctx: Excel.RequestContext,
): Promise<{ cellsCleared: number; sheetsRemoved: number; sheetsKept: string[]; cellsKept: { sheet: string; cell: string }[] }> {
  const ledger = readLedger();
  if (!ledger.sheets.length && !ledger.created.length) return { cellsCleared: 0, sheetsRemoved: 0, sheetsKept: [], cellsKept: [] };
  const sheets = ledger.sheets.map((e) => {
    const s = ctx.workbook.worksheets.getItemOrNullObject(e.id);
    s.load("name");
    return s;
  });
  await ctx.sync();
  const live = sheets.map((s, i) => ({ s, e: ledger.sheets[i] })).filter((x) => !x.s.isNullObject);
  for (const { s } of live) s.protection.load("protected");
  await ctx.sync();
  const locked = live.filter(({ s }) => s.protection.protected).map(({ s }) => s.name);
  if (locked.length) throw sheetProtected(locked.join("”“"));

  const batch = new Batch(ctx);
  let cellsCleared = 0;
  const cellsKept: { sheet: string; cell: string }[] = [];
  for (const { s, e } of live) {
    const typed = await typedIn(ctx, s, e);
    await undoSheet(batch, s, e, typed);
    cellsCleared += e.cells - typed.length;
    cellsKept.push(...typed.map((b) => ({ sheet: s.name, cell: boxA1(b) })));
  }
  await batch.flush();
  const { deleted, kept } = await removeCreated(ctx, ledger.created);
  await writeLedger({ v: 1, sheets: [], created: [] });
  return { cellsCleared, sheetsRemoved: deleted, sheetsKept: kept, cellsKept };
}

/** A created sheet: rows, bold header rows, number formats, drop-downs, widths, a chart. */
export async function writeSheet(ctx: Excel.RequestContext, plan: SheetPlan): Promise<string> {
  const ws = ctx.workbook.worksheets;
  ws.load("items/name,items/id");
  await ctx.sync();
  const ledger = readLedger();
  const base = safeSheetName(plan.name);
  const names = ws.items.map((i) => i.name);
  // Our earlier sheet from the same plan is replaced under its name; if the user has added to it,
  // it is theirs now and the new one gets a free name. A user's sheet of that name is never touched.
  const mine = ledger.created.find((c) => c.base === base && ws.items.some((i) => i.id === c.id));
  const created = ledger.created.filter((c) => c !== mine);
  let name = uniqueSheetName(base, names);
  if (mine) {
    const { deleted } = await removeCreated(ctx, [mine]);
    const old = ws.items.find((i) => i.id === mine.id)!.name;
    if (deleted) name = old;
  }

  const sheet = ws.add(name);
  sheet.load("id,name");
  await ctx.sync();
  let width = 1;
  for (const r of plan.rows) if (r.length > width) width = r.length; // a loop: a spread overflows the stack past ~120,000 rows
  const block = plan.rows.map((r) => Array.from({ length: width }, (_, j) => cellOut(r[j])));
  const area: Box = { r1: 1, c1: 1, r2: Math.max(1, block.length), c2: width };
  await writeLedger({ ...ledger, created: [...created, { id: sheet.id, name: sheet.name, area: boxA1(area), cells: block.length ? cellCount(area) : 0, source: null, base }] });
  await writeBlock(ctx, sheet, 1, 1, width, block);

  const batch = new Batch(ctx);
  for (const r of plan.headerRows ?? [])
    await batch.add(OP_BYTES, () => void (sheet.getRangeByIndexes(r - 1, 0, 1, width).format.font.bold = true));
  for (const f of plan.numberFormats ?? []) {
    const b = parseBox(f.range);
    if (!b) continue;
    const cols = b.c2 - b.c1 + 1;
    const step = Math.max(1, Math.floor(FORMAT_CELLS / cols));
    for (let r = b.r1; r <= b.r2; r += step) {
      const n = Math.min(step, b.r2 - r + 1);
      const formats = Array.from({ length: n }, () => new Array<string>(cols).fill(f.format));
      await batch.add(jsonBytes(formats) + OP_BYTES, () => void (sheet.getRangeByIndexes(r - 1, b.c1 - 1, n, cols).numberFormat = formats));
    }
  }
  for (const v of plan.validations ?? [])
    await batch.add(jsonBytes(v) + OP_BYTES, () => {
      const dv = sheet.getRange(v.range).dataValidation;
      dv.clear();
      dv.rule = { list: { inCellDropDown: true, source: v.list.join(",") } };
      // Another value may be typed where the list only suggests: Excel then notes it instead of refusing it.
      if (v.allowOther) dv.errorAlert = { showAlert: true, style: "Information", title: "", message: "" };
    });
  // Column widths arrive in characters; Excel's are points, about six to a character of the default font.
  for (const [j, w] of (plan.widths ?? []).entries())
    await batch.add(OP_BYTES, () => void (sheet.getRangeByIndexes(0, j, 1, 1).format.columnWidth = Math.round(w * 6 + 6)));
  if (plan.chart) {
    const spec = plan.chart;
    await batch.add(OP_BYTES * (3 + (spec.colors?.length ?? 0)), () => {
      const chart = sheet.charts.add(spec.type === "bar" ? "BarClustered" : "ColumnClustered", sheet.getRange(spec.range), "Auto");
      chart.title.text = spec.title;
      chart.setPosition(`${colLetter(width + 2)}2`);
      // Each count's bar in the colour of its status, as the task pane and the file's chart draw it.
      const points = spec.colors ? chart.series.getItemAt(0).points : null;
      spec.colors?.forEach((c, k) => points!.getItemAt(k).format.fill.setSolidColor(c));
    });
  }
  await batch.add(OP_BYTES, () => sheet.activate());
  await batch.flush();
  return sheet.name;
}
