import sharp from 'sharp';
import type { OverlayOptions } from 'sharp';
import { FONT_FAMILIES, svgText } from './fonts.ts';
import type { GroundTruthPanel } from './ground-truth.ts';
import type { Box, RawImage } from './types.ts';

/** A compound figure with exact ground truth, built by tiling single-panel images. */
export interface SyntheticFigure {
  image: RawImage;
  panels: GroundTruthPanel[];
  captionLabels: string[];
  /** What was drawn, for debugging failures. */
  description: string;
}

export interface SyntheticOptions {
  /** Canvas width. Default 1000. */
  width?: number;
  /** Canvas height. Default 800. */
  height?: number;
  /** Most panels in a figure (1 makes single-panel figures). Default 9. */
  maxPanels?: number;
}

/** Deterministic PRNG (mulberry32) so that a seed reproduces a figure. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROMAN = ['i', 'ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii', 'ix'];

/** A simple line chart drawn as SVG (axes, ticks, tick labels, a curve), like the plots in many figures. */
function chartSvg(w: number, h: number, r: () => number): string {
  const colour = ['#d62728', '#1f77b4', '#2ca02c', '#000000'][Math.floor(r() * 4)]!;
  // Plot area leaves the top-left corner free, where a panel label goes.
  const left = Math.round(w * 0.16);
  const top = Math.round(h * 0.14);
  const bottom = Math.round(h * 0.82);
  let path = '';
  for (let i = 0; i <= 20; i++) {
    const x = left + ((w * 0.8) * i) / 20;
    const y = bottom - (0.1 + 0.7 * (0.5 + 0.5 * Math.sin(i / 3 + r() * 0.5))) * (bottom - top);
    path += `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)} `;
  }
  const fs = Math.max(9, Math.round(h * 0.05));
  let ticks = '';
  for (let i = 0; i <= 4; i++) {
    const x = left + (w * 0.8 * i) / 4;
    const y = bottom - ((bottom - top) * i) / 4;
    ticks += `<line x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 4}" stroke="black"/>${svgText(String(i * 25), x, bottom + 4 + fs, { family: 'DejaVu Sans', size: fs, anchor: 'middle' })}`;
    ticks += `<line x1="${left - 4}" y1="${y}" x2="${left}" y2="${y}" stroke="black"/>${svgText((i * 0.5).toFixed(1), left - 6, y + fs / 3, { family: 'DejaVu Sans', size: fs, anchor: 'end' })}`;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="${w}" height="${h}" fill="white"/>`
    + `<path d="M${left},${top} L${left},${bottom} L${Math.round(w * 0.97)},${bottom}" stroke="black" fill="none" stroke-width="1.5"/>`
    + `${ticks}<path d="${path}" stroke="${colour}" fill="none" stroke-width="2"/></svg>`;
}

/**
 * Tiles `sources` (single-panel images; charts are drawn when none fit) into a grid with white gutters of
 * random width or thin separator lines, and draws panel labels (A/a/(a)/i, different fonts, sizes and
 * corners, outside in the gutter or on the panel) with the fonts shipped in the dependencies (fonts.ts), so a seed
 * gives the same figure on every machine. Panel boxes in the ground truth are the tiles.
 */
export async function generateSyntheticFigure(seed: number, sources: RawImage[], options: SyntheticOptions = {}): Promise<SyntheticFigure> {
  const r = rng(seed);
  const W = options.width ?? 1000;
  const H = options.height ?? 800;
  const maxPanels = options.maxPanels ?? 9;
  const rowsN = maxPanels === 1 ? 1 : 1 + Math.floor(r() * 3);
  const cols: number[] = [];
  for (let i = 0; i < rowsN; i++) cols.push(maxPanels === 1 ? 1 : 1 + Math.floor(r() * 3));
  while (cols.reduce((a, b) => a + b, 0) > maxPanels) cols[cols.indexOf(Math.max(...cols))]!--;
  if (maxPanels > 1 && cols.reduce((a, b) => a + b, 0) === 1) cols[0] = 2;
  const total = cols.reduce((a, b) => a + b, 0);
  const separatorLines = r() < 0.2;
  const gutter = separatorLines ? 6 : 6 + Math.floor(r() * 24);
  const style = ['upper', 'lower', 'paren', 'roman'][Math.floor(r() * 4)] as 'upper' | 'lower' | 'paren' | 'roman';
  const font = FONT_FAMILIES[Math.floor(r() * FONT_FAMILIES.length)]!;
  const bold = r() < 0.7;
  const fontSize = 14 + Math.floor(r() * 20);
  const corner = r() < 0.7 ? 'top-left' : (['top-right', 'bottom-left', 'bottom-right'] as const)[Math.floor(r() * 3)]!;
  const outside = corner === 'top-left' && r() < 0.5;
  const labelSpace = outside ? Math.round(fontSize * 1.2) : 0;
  const margin = 4;
  const rowH = (H - 2 * margin - gutter * (rowsN - 1)) / rowsN;
  const composites: OverlayOptions[] = [];
  const panels: GroundTruthPanel[] = [];
  const labels: string[] = [];
  let svgLabels = '';
  let lines = '';
  let n = 0;
  for (let ri = 0; ri < rowsN; ri++) {
    const nc = cols[ri]!;
    const y0 = Math.round(margin + ri * (rowH + gutter));
    const colW = (W - 2 * margin - gutter * (nc - 1)) / nc;
    for (let ci = 0; ci < nc; ci++) {
      const x0 = Math.round(margin + ci * (colW + gutter));
      const useChart = sources.length === 0 || r() < 0.3;
      let tile: Buffer;
      let px = x0 + (outside ? labelSpace : 0);
      let py = y0 + (outside ? labelSpace : 0);
      let pw = Math.max(8, Math.round(colW - (outside ? labelSpace : 0)));
      let ph = Math.max(8, Math.round(rowH - (outside ? labelSpace : 0)));
      if (useChart) {
        tile = await sharp(Buffer.from(chartSvg(pw, ph, r))).resize(pw, ph, { fit: 'fill' }).png().toBuffer();
      } else {
        const src = sources[Math.floor(r() * sources.length)]!;
        // Similar shapes fill the cell (cropping a little); others keep their shape, centred, as authors do.
        const cellAspect = pw / ph;
        const srcAspect = src.width / src.height;
        if (Math.abs(Math.log(cellAspect / srcAspect)) > Math.log(1.3)) {
          const s = Math.min(pw / src.width, ph / src.height);
          const nw = Math.max(8, Math.round(src.width * s));
          const nh = Math.max(8, Math.round(src.height * s));
          px += Math.floor((pw - nw) / 2);
          py += Math.floor((ph - nh) / 2);
          pw = nw;
          ph = nh;
        }
        tile = await sharp(Buffer.from(src.data.buffer, src.data.byteOffset, src.data.byteLength), { raw: { width: src.width, height: src.height, channels: src.channels as 1 | 2 | 3 | 4 } })
          .resize(pw, ph, { fit: 'cover' }).removeAlpha().png().toBuffer();
      }
      composites.push({ input: tile, left: px, top: py });
      const box: Box = [px, py, px + pw, py + ph];
      const label = style === 'upper' ? String.fromCharCode(65 + n) : style === 'roman' ? ROMAN[n]! : String.fromCharCode(97 + n);
      const shown = style === 'paren' ? `(${label})` : label;
      labels.push(label);
      const pad = Math.round(fontSize * 0.3);
      let lx: number;
      let ly: number;
      let anchor: 'start' | 'end' = 'start';
      if (outside) { lx = Math.max(0, px - labelSpace); ly = Math.max(fontSize, py - labelSpace + fontSize); }
      else {
        lx = corner.endsWith('left') ? px + pad : px + pw - pad;
        anchor = corner.endsWith('left') ? 'start' : 'end';
        ly = corner.startsWith('top') ? py + pad + fontSize * 0.8 : py + ph - pad - Math.round(fontSize * 0.35);
      }
      // Inside a panel the letter sits on a small white box (as journals often do) or is drawn white on dark.
      // Inside a panel the letter sits on its own small box, black on white or white on black, as journals
      // print labels over images; the box is sized generously so the glyph never touches the image.
      const onPanel = !outside;
      const whiteText = onPanel && !useChart && r() < 0.5;
      const charW = (c: string): number => (font.includes('Mono') ? 0.62 : 'iIl1().'.includes(c) ? 0.42 : 'mwMW'.includes(c) ? 0.95 : 0.72);
      const approxW = Math.round(fontSize * (bold ? 1.1 : 1) * [...shown].reduce((a, c) => a + charW(c), 0) + 0.15 * fontSize);
      const lx1 = anchor === 'end' ? lx - approxW : lx;
      const ly1 = Math.round(ly - fontSize * 0.85);
      const boxPad = Math.max(3, Math.round(fontSize * 0.2));
      if (onPanel) svgLabels += `<rect x="${lx1 - boxPad}" y="${ly1 - boxPad}" width="${approxW + 2 * boxPad}" height="${Math.round(fontSize * 1.1) + 2 * boxPad}" fill="${whiteText ? 'black' : 'white'}"/>`;
      svgLabels += svgText(shown, lx, ly, { family: font, size: fontSize, bold, anchor, fill: whiteText ? 'white' : 'black' });
      panels.push({ box, label });
      if (separatorLines && ci > 0) lines += `<rect x="${x0 - Math.round(gutter / 2) - 1}" y="${y0}" width="2" height="${Math.round(rowH)}" fill="black"/>`;
      n++;
    }
    if (separatorLines && ri > 0) lines += `<rect x="0" y="${y0 - Math.round(gutter / 2) - 1}" width="${W}" height="2" fill="black"/>`;
  }
  const overlay = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${lines}${total > 1 ? svgLabels : ''}</svg>`;
  composites.push({ input: Buffer.from(overlay), left: 0, top: 0 });
  const { data, info } = await sharp({ create: { width: W, height: H, channels: 3, background: '#ffffff' } })
    .composite(composites).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const single = total === 1;
  return {
    image: { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: info.channels },
    panels: single ? [{ box: [0, 0, W, H] }] : panels,
    captionLabels: single ? [] : labels,
    description: `seed=${seed} rows=${cols.join('+')} gutter=${gutter}${separatorLines ? ' lines' : ''} ${style} ${font}${bold ? ' bold' : ''} ${fontSize}px ${outside ? 'outside' : corner}`,
  };
}
