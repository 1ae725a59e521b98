/**
 * A native Excel chart in a file we write: the DrawingML chart part, the drawing that anchors it
 * on the sheet, their relationships and content types — what Excel itself writes for a clustered
 * column or bar chart. Any writer of sheets can add one (the workbooks written with exceljs, the
 * sheets added to an annotated copy, a streamed report): it gets the parts as text and the one
 * `<drawing>` element its sheet must carry, and puts them in its package.
 *
 * The chart reads its cells by reference (`'汇总'!$B$12:$B$14`) and carries their values as a
 * cache, so it shows at once — in Excel, WPS and viewers that do not recalculate. The first column
 * of the range names the categories, the first row the series (one series per further column).
 * Browser-safe: no Node built-ins.
 */
import { colLetter, parseRange } from "../engine/address";
import type { OutValue, SheetPlan } from "../engine/host";
import { escapeXml as xmlText } from "./xml";

export type ChartSpec = NonNullable<SheetPlan["chart"]>;

export const CHART_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml";
export const DRAWING_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.drawing+xml";
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
export const DRAWING_REL = `${REL}/drawing`;
const CHART_REL = `${REL}/chart`;

/** The parts of one chart. */
export interface ChartParts {
  /** Part name (no leading slash) → XML: the chart, the drawing and the drawing's relationships. */
  parts: Record<string, string>;
  /** Overrides for [Content_Types].xml. */
  contentTypes: { partName: string; contentType: string }[];
  /** The relationship the sheet's .rels must hold (target relative to the sheet's folder). */
  sheetRel: { type: string; target: string };
  /** The element the sheet carries, in its place (see withDrawing), given the id of that relationship. */
  drawing: (relId: string) => string;
}

/** What the chart draws: category names, and per series its name and values — read from the plan's rows. */
export interface ChartData {
  /** The sheet's cells of the range, for the references. */
  box: { r1: number; c1: number; r2: number; c2: number };
  categories: string[];
  series: { name: string; values: (number | null)[] }[];
}

const cellAt = (rows: OutValue[][], r: number, c: number): OutValue => rows[r - 1]?.[c - 1] ?? null;

/** The chart's data from the sheet it stands on, or null when the range holds nothing to draw. */
export function chartData(spec: ChartSpec, rows: OutValue[][]): ChartData | null {
  const box = parseRange(spec.range);
  if (!box || box.r2 <= box.r1 || box.c2 <= box.c1) return null;
  const categories: string[] = [];
  for (let r = box.r1 + 1; r <= box.r2; r++) {
    const v = cellAt(rows, r, box.c1);
    categories.push(v === null || v === undefined ? "" : String(v));
  }
  const series: ChartData["series"] = [];
  for (let c = box.c1 + 1; c <= box.c2; c++) {
    const name = cellAt(rows, box.r1, c);
    const values: (number | null)[] = [];
    for (let r = box.r1 + 1; r <= box.r2; r++) {
      const v = cellAt(rows, r, c);
      values.push(typeof v === "number" && Number.isFinite(v) ? v : null);
    }
    series.push({ name: name === null || name === undefined ? "" : String(name), values });
  }
  return { box, categories, series };
}

/** A sheet name in a formula: always quoted, its apostrophes doubled. */
export function sheetRef(sheet: string): string {
  return `'${sheet.replace(/'/g, "''")}'`;
}

const abs = (sheet: string, r1: number, c1: number, r2: number, c2: number) =>
  r1 === r2 && c1 === c2
    ? `${sheetRef(sheet)}!$${colLetter(c1)}$${r1}`
    : `${sheetRef(sheet)}!$${colLetter(c1)}$${r1}:$${colLetter(c2)}$${r2}`;

const hex = (color: string) => color.replace("#", "").toUpperCase();

function strCache(values: string[]): string {
  return `<c:strCache><c:ptCount val="${values.length}"/>${values.map((v, i) => `<c:pt idx="${i}"><c:v>${xmlText(v)}</c:v></c:pt>`).join("")}</c:strCache>`;
}

function numCache(values: (number | null)[]): string {
  // A blank cell has no point in the cache (Excel leaves it out too).
  const pts = values.map((v, i) => (v === null ? "" : `<c:pt idx="${i}"><c:v>${v}</c:v></c:pt>`)).join("");
  return `<c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="${values.length}"/>${pts}</c:numCache>`;
}

const fill = (color: string) =>
  `<c:spPr><a:solidFill><a:srgbClr val="${hex(color)}"/></a:solidFill><a:ln w="6350"><a:solidFill><a:srgbClr val="7F7F7F"/></a:solidFill></a:ln></c:spPr>`;

/** Series colours when the plan gives none per point: Office's first accents. */
const SERIES_COLORS = ["#5B9BD5", "#ED7D31", "#A5A5A5", "#FFC000", "#4472C4", "#70AD47"];

/** The chart part's XML (c:chartSpace) for `data` on `sheet`. */
export function chartXml(spec: ChartSpec, sheet: string, data: ChartData): string {
  const { box } = data;
  const horizontal = spec.type === "bar";
  const catRef = abs(sheet, box.r1 + 1, box.c1, box.r2, box.c1);
  const series = data.series
    .map((s, i) => {
      const col = box.c1 + 1 + i;
      // One colour per point (a status per category, as the task pane draws it) for a single series.
      const points =
        data.series.length === 1 && spec.colors
          ? spec.colors
              .slice(0, data.categories.length)
              .map((c, k) => `<c:dPt><c:idx val="${k}"/><c:invertIfNegative val="0"/><c:bubble3D val="0"/>${fill(c)}</c:dPt>`)
              .join("")
          : "";
      return (
        `<c:ser><c:idx val="${i}"/><c:order val="${i}"/>` +
        `<c:tx><c:strRef><c:f>${xmlText(abs(sheet, box.r1, col, box.r1, col))}</c:f>${strCache([s.name])}</c:strRef></c:tx>` +
        fill(SERIES_COLORS[i % SERIES_COLORS.length]) +
        `<c:invertIfNegative val="0"/>${points}` +
        `<c:cat><c:strRef><c:f>${xmlText(catRef)}</c:f>${strCache(data.categories)}</c:strRef></c:cat>` +
        `<c:val><c:numRef><c:f>${xmlText(abs(sheet, box.r1 + 1, col, box.r2, col))}</c:f>${numCache(s.values)}</c:numRef></c:val>` +
        `</c:ser>`
      );
    })
    .join("");
  const labels =
    `<c:dLbls><c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/><c:showSerName val="0"/>` +
    `<c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls>`;
  const axis = (id: number, cross: number, pos: string, kind: "cat" | "val") =>
    kind === "cat"
      ? `<c:catAx><c:axId val="${id}"/><c:scaling><c:orientation val="${horizontal ? "maxMin" : "minMax"}"/></c:scaling><c:delete val="0"/>` +
        `<c:axPos val="${pos}"/><c:numFmt formatCode="General" sourceLinked="0"/><c:majorTickMark val="out"/><c:minorTickMark val="none"/>` +
        `<c:tickLblPos val="nextTo"/><c:crossAx val="${cross}"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>` +
        `<c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>`
      : `<c:valAx><c:axId val="${id}"/><c:scaling><c:orientation val="minMax"/><c:min val="0"/></c:scaling><c:delete val="0"/>` +
        `<c:axPos val="${pos}"/><c:majorGridlines/><c:numFmt formatCode="General" sourceLinked="1"/><c:majorTickMark val="out"/>` +
        `<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/><c:crossAx val="${cross}"/><c:crosses val="${horizontal ? "max" : "autoZero"}"/>` +
        `<c:crossBetween val="between"/></c:valAx>`;
  const legend = data.series.length > 1 ? `<c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend>` : "";
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n` +
    `<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="${REL}">` +
    `<c:roundedCorners val="0"/><c:chart>` +
    `<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="1200" b="1"/></a:pPr><a:r><a:rPr lang="zh-CN" sz="1200" b="1"/><a:t>${xmlText(spec.title)}</a:t></a:r></a:p></c:rich></c:tx><c:overlay val="0"/></c:title>` +
    `<c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>` +
    `<c:barChart><c:barDir val="${horizontal ? "bar" : "col"}"/><c:grouping val="clustered"/><c:varyColors val="0"/>${series}${labels}` +
    `<c:gapWidth val="80"/><c:axId val="1001"/><c:axId val="1002"/></c:barChart>` +
    axis(1001, 1002, horizontal ? "l" : "b", "cat") +
    axis(1002, 1001, horizontal ? "t" : "l", "val") +
    `</c:plotArea>${legend}<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>`
  );
}

/** Where the chart stands: right of the sheet's widest row, from row 2; taller with more categories. */
function anchor(rows: OutValue[][], data: ChartData): { c1: number; r1: number; c2: number; r2: number } {
  let width = 1;
  for (const r of rows) if (r.length > width) width = r.length; // a loop: no spread over rows
  const c1 = width + 1;
  const tall = Math.max(15, Math.min(40, 4 + data.categories.length * (data.series.length > 1 ? 2 : 1.2)));
  return { c1, r1: 1, c2: c1 + 8, r2: 1 + Math.round(tall) };
}

/**
 * The chart for `plan` (which must carry one) as parts numbered `n` (xl/charts/chart{n}.xml,
 * xl/drawings/drawing{n}.xml, in the workbook part's folder `dir`) for a sheet in `dir`worksheets/.
 * Null when the range holds nothing to draw.
 */
export function chartParts(plan: SheetPlan, sheetName: string, n: number, dir = "xl/"): ChartParts | null {
  if (!plan.chart) return null;
  const data = chartData(plan.chart, plan.rows);
  if (!data) return null;
  const at = anchor(plan.rows, data);
  const chart = `${dir}charts/chart${n}.xml`;
  const drawing = `${dir}drawings/drawing${n}.xml`;
  const drawingXml =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n` +
    `<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">` +
    `<xdr:twoCellAnchor editAs="oneCell">` +
    `<xdr:from><xdr:col>${at.c1}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${at.r1}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>` +
    `<xdr:to><xdr:col>${at.c2}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${at.r2}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>` +
    `<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="2" name="${xmlText(plan.chart.title)}"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>` +
    `<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>` +
    `<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">` +
    `<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:r="${REL}" r:id="rId1"/>` +
    `</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>`;
  const drawingRels =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n` +
    `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
    `<Relationship Id="rId1" Type="${CHART_REL}" Target="../charts/chart${n}.xml"/></Relationships>`;
  return {
    parts: {
      [chart]: chartXml(plan.chart, sheetName, data),
      [drawing]: drawingXml,
      [`${dir}drawings/_rels/drawing${n}.xml.rels`]: drawingRels,
    },
    contentTypes: [
      { partName: `/${chart}`, contentType: CHART_CONTENT_TYPE },
      { partName: `/${drawing}`, contentType: DRAWING_CONTENT_TYPE },
    ],
    sheetRel: { type: DRAWING_REL, target: `../drawings/drawing${n}.xml` },
    drawing: (relId) => `<drawing xmlns:r="${REL}" r:id="${relId}"/>`,
  };
}

/** Elements a worksheet may hold after <drawing>, in schema order: the drawing goes before the first of them. */
const AFTER_DRAWING = ["legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst"];

/** A worksheet's XML (one we wrote: no prefix on its elements) with the drawing element in its schema place. */
export function withDrawing(sheetXml: string, drawing: string): string {
  let at = sheetXml.lastIndexOf("</worksheet>");
  if (at < 0) throw new Error("worksheet XML without </worksheet>");
  for (const name of AFTER_DRAWING) {
    const m = new RegExp(`<${name}[\\s/>]`).exec(sheetXml);
    if (m && m.index < at) at = m.index;
  }
  return sheetXml.slice(0, at) + drawing + sheetXml.slice(at);
}
