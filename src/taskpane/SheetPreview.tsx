/**
 * The web page's view of the sheet itself, where Excel would select a cell: a problem's cell link
 * scrolls this preview to the cell and outlines it. Only the rows and columns in sight are
 * rendered (a 100,000-row sheet costs the rows on screen, not 100,000), every size follows the
 * font (em), and the preview scrolls inside its own box, so the page never spills sideways.
 */
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { Caption1, makeStyles, Subtitle2, tokens } from "@fluentui/react-components";
import type { CellValue, SheetGrid } from "../engine/types";
import { cellsApart, colLetter, type CellsWindow } from "./model";
import { cellAt, rowCount, rowWidth } from "../engine/grid";
import { parseA1 } from "../engine/address";
import { cellText } from "../engine/values";
import { useStrings } from "./i18n";

/** Sizes in em of the font: a row, a column, the row-number column. */
const ROW_EM = 1.9;
const COL_EM = 8;
const HEAD_EM = 4.5;
/** Rows and columns rendered beyond those in sight, so a quick scroll shows no gap. */
const OVERSCAN = 2;
/** Rows asked for at a time where the sheet's rows stay apart (the web page's worker). */
const BLOCK = 100;

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXS, minWidth: 0 },
  box: {
    position: "relative",
    overflow: "auto",
    height: "min(22em, 45vh)",
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    fontSize: tokens.fontSizeBase200,
    maxWidth: "100%",
  },
  cell: {
    position: "absolute",
    boxSizing: "border-box",
    overflow: "hidden",
    whiteSpace: "nowrap",
    textOverflow: "ellipsis",
    padding: `0 ${tokens.spacingHorizontalXS}`,
    borderRight: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke3}`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke3}`,
    display: "flex",
    alignItems: "center",
  },
  head: { backgroundColor: tokens.colorNeutralBackground3, color: tokens.colorNeutralForeground2, justifyContent: "center", zIndex: 1 },
  corner: { zIndex: 2 },
  target: {
    outline: `${tokens.strokeWidthThick} solid ${tokens.colorBrandStroke1}`,
    outlineOffset: `calc(-1 * ${tokens.strokeWidthThick})`,
    backgroundColor: tokens.colorBrandBackground2,
    fontWeight: tokens.fontWeightSemibold,
    zIndex: 1,
  },
  targetHead: { backgroundColor: tokens.colorBrandBackground2, color: tokens.colorNeutralForeground1 },
});

export interface PreviewTarget {
  cell: string;
  /** Changes with every click, so the same cell clicked again scrolls back to it. */
  n: number;
}

/** Drawn again only when the grid, the cell asked for or its own scroll change. */
export const SheetPreview = memo(function SheetPreview({ grid, target }: { grid: SheetGrid; target: PreviewTarget | null }) {
  const st = useStyles();
  const { s } = useStrings();
  const box = useRef<HTMLDivElement>(null);
  const [em, setEm] = useState(12);
  const [view, setView] = useState({ top: 0, left: 0, height: 300, width: 300 });
  const rows = rowCount(grid);
  const width = useMemo(() => {
    let w = 0;
    for (let r = rowCount(grid) - 1; r >= 0; r--) w = Math.max(w, rowWidth(grid, r));
    return w;
  }, [grid]);
  // Rows below the head of a grid whose rows stay in the worker: asked for a block at a time, as they come into sight.
  const apart = cellsApart(grid);
  const [blocks, setBlocks] = useState<{ grid: SheetGrid; got: Map<number, CellsWindow> }>({ grid, got: new Map() });
  const asked = useRef<{ grid: SheetGrid; blocks: Set<number> }>({ grid, blocks: new Set() });
  const got = blocks.grid === grid ? blocks.got : null;
  const valueAt = (i: number, j: number): CellValue => {
    if (!apart || i < apart.head) return cellAt(grid, i, j);
    return got?.get(Math.floor(i / BLOCK))?.at(i, j) ?? null;
  };
  // A link's cell, on this sheet ("H10"; a sheet's name before it is left off).
  const at = target ? parseA1(target.cell.replace(/^.*!/, "")) : null;
  const ti = at ? at.row - grid.origin.row : -1;
  const tj = at ? at.col - grid.origin.col : -1;

  // Pixel sizes follow the box's own font size.
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const px = parseFloat(getComputedStyle(el).fontSize);
    if (px > 0) setEm(px);
    setView({ top: el.scrollTop, left: el.scrollLeft, height: el.clientHeight || 300, width: el.clientWidth || 300 });
  }, []);
  const rowPx = ROW_EM * em;
  const colPx = COL_EM * em;
  const headPx = HEAD_EM * em;

  // A cell link: the preview comes into sight and the cell to its middle.
  useEffect(() => {
    const el = box.current;
    if (!el || !at) return;
    el.scrollIntoView?.({ block: "nearest" });
    const height = el.clientHeight || 300;
    const width = el.clientWidth || 300;
    const top = Math.max(0, (ti + 1) * rowPx + rowPx / 2 - height / 2);
    const left = Math.max(0, headPx + tj * colPx + colPx / 2 - width / 2);
    el.scrollTop = top;
    el.scrollLeft = left;
    // Drawn where it was asked to go; the browser's scroll event then corrects for its edges.
    setView({ top: el.scrollTop || top, left: el.scrollLeft || left, height, width });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [target?.n, rowPx, colPx]);

  const r0 = Math.max(0, Math.floor(view.top / rowPx) - OVERSCAN);
  const r1 = Math.min(rows, Math.ceil((view.top + view.height) / rowPx) + OVERSCAN);
  const c0 = Math.max(0, Math.floor((view.left - headPx) / colPx) - OVERSCAN);
  const c1 = Math.min(width, Math.ceil((view.left + view.width - headPx) / colPx) + OVERSCAN);

  useEffect(() => {
    if (!apart || r1 <= apart.head) return;
    if (asked.current.grid !== grid) asked.current = { grid, blocks: new Set() };
    const mine = asked.current;
    for (let b = Math.floor(Math.max(r0, apart.head) / BLOCK); b * BLOCK < r1; b++) {
      if (mine.blocks.has(b)) continue;
      mine.blocks.add(b);
      apart.window(b * BLOCK, BLOCK).then(
        (cells) => setBlocks((x) => (x.grid === grid ? { grid, got: new Map(x.got).set(b, cells) } : { grid, got: new Map([[b, cells]]) })),
        // Not answered (the worker started afresh after 取消): asked again when next in sight.
        () => mine.blocks.delete(b),
      );
    }
  }, [apart, grid, r0, r1]);

  const cells = [];
  for (let i = r0; i < r1; i++) {
    for (let j = c0; j < c1; j++) {
      const hit = i === ti && j === tj;
      const text = cellText(valueAt(i, j));
      cells.push(
        <div
          key={`${i}:${j}`}
          className={hit ? `${st.cell} ${st.target}` : st.cell}
          style={{ top: (i + 1) * rowPx, left: headPx + j * colPx, width: colPx, height: rowPx }}
          title={text.length > 10 ? text : undefined}
          data-testid={hit ? "preview-target" : undefined}
          data-cell={hit ? target?.cell : undefined}
        >
          {text}
        </div>,
      );
    }
    // Row numbers stay at the left edge as the box scrolls sideways.
    cells.push(
      <div key={`r${i}`} className={`${st.cell} ${st.head} ${i === ti ? st.targetHead : ""}`} style={{ top: (i + 1) * rowPx, left: view.left, width: headPx, height: rowPx }}>
        {grid.origin.row + i}
      </div>,
    );
  }
  // Column letters stay at the top as it scrolls down.
  for (let j = c0; j < c1; j++)
    cells.push(
      <div key={`c${j}`} className={`${st.cell} ${st.head} ${j === tj ? st.targetHead : ""}`} style={{ top: view.top, left: headPx + j * colPx, width: colPx, height: rowPx }}>
        {colLetter(grid.origin.col + j)}
      </div>,
    );
  cells.push(<div key="corner" className={`${st.cell} ${st.head} ${st.corner}`} style={{ top: view.top, left: view.left, width: headPx, height: rowPx }} />);

  return (
    <section className={st.root} aria-label={s.previewTitle(grid.name)} data-testid="sheet-preview">
      <Subtitle2>{s.previewTitle(grid.name)}</Subtitle2>
      <Caption1 aria-live="polite">{target ? s.previewAt(target.cell) : s.previewHint}</Caption1>
      <div
        ref={box}
        className={st.box}
        tabIndex={0}
        data-testid="preview-box"
        data-rendered-rows={r1 - r0}
        onScroll={(e) => {
          const el = e.currentTarget;
          setView({ top: el.scrollTop, left: el.scrollLeft, height: el.clientHeight, width: el.clientWidth });
        }}
      >
        <div style={{ position: "relative", height: (rows + 1) * rowPx, width: headPx + width * colPx }}>{cells}</div>
      </div>
    </section>
  );
});
