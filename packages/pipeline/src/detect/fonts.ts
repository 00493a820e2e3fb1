/**
 * Text for synthetic figures, drawn as SVG paths from font files shipped with the repository's dependencies
 * (the DejaVu TrueType fonts of `dejavu-fonts-ttf`, read with opentype.js), so that a seed gives the same
 * pixels on every machine whatever fonts fontconfig would substitute for a family name.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import opentype, { type Font } from 'opentype.js';

/** The families synthetic figures draw with; each has a regular and a bold face. */
export const FONT_FAMILIES = ['DejaVu Sans', 'DejaVu Serif', 'DejaVu Sans Mono', 'DejaVu Sans Condensed', 'DejaVu Serif Condensed'] as const;
export type FontFamily = (typeof FONT_FAMILIES)[number];

const FILES: Record<FontFamily, [regular: string, bold: string]> = {
  'DejaVu Sans': ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'],
  'DejaVu Serif': ['DejaVuSerif.ttf', 'DejaVuSerif-Bold.ttf'],
  'DejaVu Sans Mono': ['DejaVuSansMono.ttf', 'DejaVuSansMono-Bold.ttf'],
  'DejaVu Sans Condensed': ['DejaVuSansCondensed.ttf', 'DejaVuSansCondensed-Bold.ttf'],
  'DejaVu Serif Condensed': ['DejaVuSerifCondensed.ttf', 'DejaVuSerifCondensed-Bold.ttf'],
};

const require = createRequire(import.meta.url);
const loaded = new Map<string, Font>();

function fontFor(family: FontFamily, bold: boolean): Font {
  const file = FILES[family][bold ? 1 : 0];
  let font = loaded.get(file);
  if (!font) {
    font = opentype.parse(readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${file}`)));
    loaded.set(file, font);
  }
  return font;
}

export interface TextStyle {
  family: FontFamily;
  /** Em size in pixels, as SVG font-size. */
  size: number;
  bold?: boolean;
  /** Where `x` is: the start, middle or end of the text (SVG text-anchor). Default 'start'. */
  anchor?: 'start' | 'middle' | 'end';
  fill?: string;
}

/**
 * An SVG `<path>` drawing `text` with its baseline at `y`, like `<text x y font-family font-size text-anchor>`.
 * Glyphs are placed one by one with the font's kerning (no OpenType shaping: labels and tick numbers are plain
 * Latin letters, digits and punctuation).
 */
export function svgText(text: string, x: number, y: number, style: TextStyle): string {
  const font = fontFor(style.family, style.bold ?? false);
  const scale = style.size / font.unitsPerEm;
  const glyphs = [...text].map((c) => font.charToGlyph(c));
  const advances = glyphs.map((g, i) => ((g.advanceWidth ?? 0) + (i + 1 < glyphs.length ? font.getKerningValue(g, glyphs[i + 1]!) : 0)) * scale);
  const width = advances.reduce((a, b) => a + b, 0);
  let pen = style.anchor === 'end' ? x - width : style.anchor === 'middle' ? x - width / 2 : x;
  let d = '';
  glyphs.forEach((g, i) => {
    d += g.getPath(pen, y, style.size).toPathData({ decimalPlaces: 2, flipY: false });
    pen += advances[i]!;
  });
  return `<path d="${d}" fill="${style.fill ?? 'black'}"/>`;
}
