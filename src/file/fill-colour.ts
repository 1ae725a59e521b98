/**
 * The colour a cell's fill shows, as Excel's object model reports it ("#RRGGBB"), read from the
 * package: a solid fill's foreground as an RGB value, an index into the legacy palette, or a theme
 * colour with its tint. The ledger keeps a marked cell's own fill in that form in every door, so
 * whichever door clears the mark gives the cell its fill back. Anything that is not one plain
 * colour (patterns, gradients, "automatic") is `undefined`: such a cell is not marked by the file
 * door, because its fill could not be given back. Browser-safe.
 */
import { attr, tags } from "./xml";

/** The 64 colours of Excel's legacy palette (indexed="N"). */
const PALETTE = (
  "000000 FFFFFF FF0000 00FF00 0000FF FFFF00 FF00FF 00FFFF 000000 FFFFFF FF0000 00FF00 0000FF FFFF00 FF00FF 00FFFF " +
  "800000 008000 000080 808000 800080 008080 C0C0C0 808080 9999FF 993366 FFFFCC CCFFFF 660066 FF8080 0066CC CCCCFF " +
  "000080 FF00FF FFFF00 00FFFF 800080 800000 008080 0000FF 00CCFF CCFFFF CCFFCC FFFF99 99CCFF FF99CC CC99FF FFCC99 " +
  "3366FF 33CCCC 99CC00 FFCC00 FF9900 FF6600 666699 969696 003366 339966 003300 333300 993300 993366 333399 333333"
).split(" ");

/** Theme colours in the order fills index them (theme="N"): lt1, dk1, lt2, dk2, accent1–6, hlink, folHlink. */
export function themeColours(themeXml: string | null): string[] {
  if (!themeXml) return [];
  const scheme = /<(?:\w+:)?clrScheme[\s>][\s\S]*?<\/(?:\w+:)?clrScheme>/.exec(themeXml)?.[0] ?? "";
  const read = (name: string): string => {
    const el = new RegExp(`<(?:\\w+:)?${name}>([\\s\\S]*?)</(?:\\w+:)?${name}>`).exec(scheme)?.[1] ?? "";
    for (const t of tags(el, "srgbClr")) return attr(t.tag, "val") ?? "";
    for (const t of tags(el, "sysClr")) return attr(t.tag, "lastClr") ?? "";
    return "";
  };
  return ["lt1", "dk1", "lt2", "dk2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6", "hlink", "folHlink"].map(read);
}

/** Excel's tint: the colour's lightness moved toward black (tint < 0) or white (tint > 0), in HSL. */
function tinted(hex: string, tint: number): string {
  if (!tint) return hex;
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  let l = (max + min) / 2;
  const d = max - min;
  const s = d === 0 ? 0 : d / (1 - Math.abs(2 * l - 1));
  let h = 0;
  if (d !== 0) h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  l = tint < 0 ? l * (1 + tint) : l * (1 - tint) + tint;
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const x = c * (1 - Math.abs((h % 2) - 1));
  const m = l - c / 2;
  const [r1, g1, b1] = h < 1 ? [c, x, 0] : h < 2 ? [x, c, 0] : h < 3 ? [0, c, x] : h < 4 ? [0, x, c] : h < 5 ? [x, 0, c] : [c, 0, x];
  return [r1, g1, b1].map((v) => Math.round(Math.min(1, Math.max(0, v + m)) * 255).toString(16).toUpperCase().padStart(2, "0")).join("");
}

/** "#RRGGBB" of one <color>-like tag (fgColor), or undefined when it names no definite colour. */
function colourOf(tag: string, theme: string[]): string | undefined {
  const rgb = attr(tag, "rgb");
  let hex: string | undefined;
  if (rgb && /^[0-9A-Fa-f]{6}([0-9A-Fa-f]{2})?$/.test(rgb)) hex = rgb.slice(-6).toUpperCase();
  else if (attr(tag, "indexed") !== null) hex = PALETTE[Number(attr(tag, "indexed"))];
  else if (attr(tag, "theme") !== null) hex = theme[Number(attr(tag, "theme"))] || undefined;
  if (!hex || !/^[0-9A-Fa-f]{6}$/.test(hex)) return undefined;
  return `#${tinted(hex.toUpperCase(), Number(attr(tag, "tint") ?? 0) || 0)}`;
}

/** The colour a <fill> element shows: "#RRGGBB", null for no fill, undefined for anything else. */
export function fillColour(fillXml: string | undefined, theme: string[]): string | null | undefined {
  if (fillXml === undefined) return null;
  if (/<(?:\w+:)?gradientFill[\s>/]/.test(fillXml)) return undefined;
  const pf = tags(fillXml, "patternFill").next();
  if (pf.done) return null;
  const type = attr(pf.value.tag, "patternType") ?? "none";
  if (type === "none") return null;
  if (type !== "solid") return undefined;
  const fg = tags(fillXml, "fgColor").next();
  return fg.done ? undefined : colourOf(fg.value.tag, theme);
}
