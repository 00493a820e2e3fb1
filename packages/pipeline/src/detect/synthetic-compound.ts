/**
 * Synthetic compound figures for training a panel detector (issue 14, part 2): real single-panel crops (and
 * drawn charts) composed into grids and irregular (guillotine) layouts, with gutters from none to wide,
 * separator lines, labels of many styles (A, a, (a), A., 1, i, A1, circled, white on a dark tile, outside
 * above-left, any corner) drawn with the fonts shipped in the repository (fonts.ts), page headers/footers and
 * stray text. Ground truth: each panel's box is its content plus its label; headers and stray text belong to no
 * panel. Deterministic by seed.
 */
import sharp from 'sharp';
import type { OverlayOptions } from 'sharp';
import { FONT_FAMILIES, svgText } from './fonts.ts';
import type { FontFamily } from './fonts.ts';
import type { GroundTruthPanel } from './ground-truth.ts';
import { rng } from './synthetic.ts';
import type { Box, RawImage } from './types.ts';

export interface CompoundFigure {
  image: RawImage;
  panels: GroundTruthPanel[];
  /** The labels in panel order (empty when the figure prints none), as a caption would name them. */
  captionLabels: string[];
  description: string;
}

export interface CompoundOptions {
  /** Longest side of the output image. Default 512. */
  maxSide?: number;
  /** Most panels. Default 12. */
  maxPanels?: number;
  /**
   * Chance that a labelled panel holds several plots under its one label (stacked plots sharing an axis, a
   * micrograph beside its quantification): one panel in the ground truth. Default 0, which leaves every seed's
   * figure as it was before this option existed (the committed model's training data).
   */
  groupedPlots?: number;
}

type Rect = { x: number; y: number; w: number; h: number };

export const LABEL_STYLES = ['upper', 'lower', 'paren', 'upper-dot', 'digit', 'roman', 'compound', 'paren-upper'] as const;
export type LabelStyle = (typeof LABEL_STYLES)[number];
const ROMAN = ['i', 'ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii', 'ix', 'x', 'xi', 'xii', 'xiii', 'xiv', 'xv', 'xvi'];

/** The printed text and the caption label of panel `n` in `style`. */
export function labelText(style: LabelStyle, n: number, row = 0, col = n): { shown: string; label: string } {
  const upper = String.fromCharCode(65 + (n % 26));
  const lower = upper.toLowerCase();
  switch (style) {
    case 'upper': return { shown: upper, label: upper };
    case 'lower': return { shown: lower, label: lower };
    case 'paren': return { shown: `(${lower})`, label: lower };
    case 'paren-upper': return { shown: `(${upper})`, label: upper };
    case 'upper-dot': return { shown: `${upper}.`, label: upper };
    case 'digit': return { shown: String(n + 1), label: String(n + 1) };
    case 'roman': return { shown: ROMAN[n % ROMAN.length]!, label: ROMAN[n % ROMAN.length]! };
    case 'compound': {
      const s = `${String.fromCharCode(65 + (row % 26))}${col + 1}`;
      return { shown: s, label: s };
    }
  }
}

const pick = <T>(r: () => number, items: readonly T[]): T => items[Math.floor(r() * items.length) % items.length]!;
const between = (r: () => number, lo: number, hi: number): number => lo + r() * (hi - lo);

/** A regular grid: rows of cells, each row with its own column count or all rows alike. */
function gridLayout(r: () => number, n: number, [W, H]: [number, number], gutter: number): Rect[][] {
  const rows = Math.max(1, Math.min(n, Math.round(Math.sqrt(n * (H / W)) + between(r, -0.6, 0.6))));
  const counts: number[] = Array.from({ length: rows }, (_, i) => Math.floor(n / rows) + (i < n % rows ? 1 : 0));
  const heights = counts.map(() => between(r, 0.7, 1.3));
  const hs = heights.reduce((a, b) => a + b, 0);
  const out: Rect[][] = [];
  let y = 0;
  const avail = H - gutter * (rows - 1);
  counts.forEach((c, ri) => {
    const rh = Math.round((avail * heights[ri]!) / hs);
    const widths = Array.from({ length: c }, () => (r() < 0.6 ? 1 : between(r, 0.6, 1.6)));
    const ws = widths.reduce((a, b) => a + b, 0);
    const availW = W - gutter * (c - 1);
    const row: Rect[] = [];
    let x = 0;
    widths.forEach((wv, ci) => {
      const w = ci === c - 1 ? W - x : Math.round((availW * wv) / ws);
      row.push({ x, y, w, h: ri === rows - 1 ? H - y : rh });
      x += w + gutter;
    });
    out.push(row);
    y += rh + gutter;
  });
  return out;
}

/** Guillotine cuts: split the longer side (mostly) at a random ratio until there are `n` cells. */
function guillotineLayout(r: () => number, n: number, [W, H]: [number, number], gutter: number): Rect[] {
  let cells: Rect[] = [{ x: 0, y: 0, w: W, h: H }];
  let guard = 0;
  while (cells.length < n && guard++ < 200) {
    // Split the largest cell.
    cells.sort((a, b) => b.w * b.h - a.w * a.h);
    const c = cells[0]!;
    const vertical = c.w / c.h > 1.2 ? r() < 0.85 : c.h / c.w > 1.2 ? r() < 0.15 : r() < 0.5;
    const ratio = between(r, 0.3, 0.7);
    if (vertical) {
      const w1 = Math.round((c.w - gutter) * ratio);
      if (w1 < 24 || c.w - gutter - w1 < 24) break;
      cells = [...cells.slice(1), { x: c.x, y: c.y, w: w1, h: c.h }, { x: c.x + w1 + gutter, y: c.y, w: c.w - w1 - gutter, h: c.h }];
    } else {
      const h1 = Math.round((c.h - gutter) * ratio);
      if (h1 < 24 || c.h - gutter - h1 < 24) break;
      cells = [...cells.slice(1), { x: c.x, y: c.y, w: c.w, h: h1 }, { x: c.x, y: c.y + h1 + gutter, w: c.w, h: c.h - h1 - gutter }];
    }
  }
  return cells;
}

/** Reading order of cells: rows by top edge (with tolerance), then left to right. */
function readingOrderOf(cells: Rect[]): Rect[] {
  return [...cells].sort((a, b) => (Math.abs(a.y - b.y) > Math.min(a.h, b.h) * 0.5 ? a.y - b.y : a.x - b.x));
}

/**
 * Two or three plots inside one panel's content rectangle, mostly stacked (sharing an x axis) and otherwise side
 * by side, with a gap no wider than the figure's gutter (often none): positions relative to the rectangle.
 */
function groupedParts(r: () => number, w: number, h: number, gutter: number): Rect[] | null {
  const parts = r() < 0.75 ? 2 : 3;
  const stacked = h / w > 0.6 ? r() < 0.75 : r() < 0.35;
  const gap = Math.floor(r() * (Math.min(gutter, 8) + 1));
  const side = stacked ? h : w;
  const each = Math.floor((side - gap * (parts - 1)) / parts);
  if (each < 16) return null;
  return Array.from({ length: parts }, (_, k) => {
    const at = k * (each + gap);
    const size = k === parts - 1 ? side - at : each;
    return stacked ? { x: 0, y: at, w, h: size } : { x: at, y: 0, w: size, h };
  });
}

const COLOURS = ['#d62728', '#1f77b4', '#2ca02c', '#000000', '#9467bd', '#ff7f0e'];

/** Drawn panels: line/bar/scatter charts with axes and tick labels, or a box-and-arrow diagram. */
function drawnSvg(w: number, h: number, r: () => number, font: FontFamily): string {
  const kind = pick(r, ['line', 'bar', 'scatter', 'diagram', 'heat'] as const);
  const fs = Math.max(6, Math.round(Math.min(w, h) * between(r, 0.04, 0.08)));
  const left = Math.round(w * between(r, 0.12, 0.2));
  const top = Math.round(h * between(r, 0.05, 0.15));
  const bottom = Math.round(h * between(r, 0.78, 0.88));
  const right = Math.round(w * between(r, 0.92, 0.99));
  let body = '';
  if (kind === 'diagram') {
    const n = 2 + Math.floor(r() * 4);
    for (let i = 0; i < n; i++) {
      const bx = w * (0.05 + (0.9 * i) / n);
      const by = h * between(r, 0.2, 0.6);
      const bw = (w * 0.9) / n - 10;
      body += `<rect x="${bx.toFixed(1)}" y="${by.toFixed(1)}" width="${Math.max(4, bw).toFixed(1)}" height="${(h * 0.2).toFixed(1)}" fill="${r() < 0.5 ? '#ddeeff' : 'none'}" stroke="black"/>`;
      body += svgText(pick(r, ['gene', 'RNA', 'p53', 'Ca2+', 'ATP', 'X', 'kinase']), bx + 3, by + h * 0.12, { family: font, size: fs });
      if (i > 0) body += `<line x1="${(bx - 8).toFixed(1)}" y1="${(by + h * 0.1).toFixed(1)}" x2="${bx.toFixed(1)}" y2="${(by + h * 0.1).toFixed(1)}" stroke="black" stroke-width="2"/>`;
    }
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="${w}" height="${h}" fill="white"/>${body}</svg>`;
  }
  if (kind === 'heat') {
    const n = 4 + Math.floor(r() * 8);
    const cw = (right - left) / n;
    const ch = (bottom - top) / n;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      const v = Math.floor(r() * 255);
      body += `<rect x="${(left + i * cw).toFixed(1)}" y="${(top + j * ch).toFixed(1)}" width="${(cw + 0.5).toFixed(1)}" height="${(ch + 0.5).toFixed(1)}" fill="rgb(${v},${Math.floor(v / 3)},${255 - v})"/>`;
    }
  } else if (kind === 'bar') {
    const n = 2 + Math.floor(r() * 8);
    const bw = ((right - left) / n) * 0.6;
    for (let i = 0; i < n; i++) {
      const bh = (bottom - top) * between(r, 0.1, 0.95);
      body += `<rect x="${(left + ((right - left) * (i + 0.2)) / n).toFixed(1)}" y="${(bottom - bh).toFixed(1)}" width="${bw.toFixed(1)}" height="${bh.toFixed(1)}" fill="${pick(r, COLOURS)}"/>`;
    }
  } else {
    const series = 1 + Math.floor(r() * 3);
    for (let s = 0; s < series; s++) {
      const colour = pick(r, COLOURS);
      let path = '';
      const phase = r() * 6;
      for (let i = 0; i <= 24; i++) {
        const x = left + ((right - left) * i) / 24;
        const y = bottom - (0.1 + 0.8 * (0.5 + 0.5 * Math.sin(i / 4 + phase))) * (bottom - top) * between(r, 0.9, 1);
        if (kind === 'scatter') body += `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${Math.max(1.5, fs / 4).toFixed(1)}" fill="${colour}"/>`;
        else path += `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)} `;
      }
      if (path) body += `<path d="${path}" stroke="${colour}" fill="none" stroke-width="${between(r, 1, 2.5).toFixed(1)}"/>`;
    }
  }
  let ticks = '';
  for (let i = 0; i <= 4; i++) {
    const x = left + ((right - left) * i) / 4;
    const y = bottom - ((bottom - top) * i) / 4;
    ticks += `<line x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 3}" stroke="black"/>${svgText(String(i * 25), x, bottom + 3 + fs, { family: font, size: fs, anchor: 'middle' })}`;
    ticks += `<line x1="${left - 3}" y1="${y}" x2="${left}" y2="${y}" stroke="black"/>${svgText((i * 0.5).toFixed(1), left - 4, y + fs / 3, { family: font, size: fs, anchor: 'end' })}`;
  }
  // Letters inside plots are not panel labels: an axis letter and a legend now and then.
  if (r() < 0.4) ticks += svgText(pick(r, ['A', 'B', 'a', 'x', 't (s)', 'Time', 'WT']), (left + right) / 2, h - 2, { family: font, size: fs, anchor: 'middle' });
  if (r() < 0.3) ticks += svgText(pick(r, ['A', 'B', 'C', 'KO', 'n=3']), right - fs * 2, top + fs, { family: font, size: fs });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="${w}" height="${h}" fill="white"/>`
    + `<path d="M${left},${top} L${left},${bottom} L${right},${bottom}" stroke="black" fill="none" stroke-width="1.2"/>${body}${ticks}</svg>`;
}

async function rawToPng(src: RawImage, w: number, h: number, fit: 'fill' | 'cover'): Promise<Buffer> {
  return sharp(Buffer.from(src.data.buffer, src.data.byteOffset, src.data.byteLength), { raw: { width: src.width, height: src.height, channels: src.channels as 1 | 2 | 3 | 4 } })
    .resize(w, h, { fit }).removeAlpha().png().toBuffer();
}

/** Mean brightness of a source's corner region (to decide white-on-dark labels on dark photos). */
function isDark(src: RawImage): boolean {
  let s = 0;
  let n = 0;
  const step = Math.max(1, Math.floor(src.data.length / src.channels / 500));
  for (let i = 0; i < src.width * src.height; i += step) { s += src.data[i * src.channels] ?? 0; n++; }
  return n > 0 && s / n < 90;
}

/** Generates one compound figure from `sources` (real single-panel crops) for seed `seed`. */
export async function generateCompoundFigure(seed: number, sources: RawImage[], options: CompoundOptions = {}): Promise<CompoundFigure> {
  const r = rng(seed * 7919 + 17);
  const maxSide = options.maxSide ?? 512;
  const maxPanels = options.maxPanels ?? 12;
  const groupedPlots = options.groupedPlots ?? 0;
  // Panel count: mostly 2–8, sometimes one (a single image: the model must keep it whole) or many.
  const u = r();
  const n = u < 0.1 ? 1 : u < 0.85 ? 2 + Math.floor(r() * Math.min(7, maxPanels - 1)) : Math.min(maxPanels, 6 + Math.floor(r() * 10));
  const aspect = Math.exp(between(r, Math.log(0.35), Math.log(1.6)));
  const W = aspect >= 1 ? maxSide : Math.round(maxSide * aspect);
  const H = aspect >= 1 ? Math.round(maxSide / aspect) : maxSide;
  const gutterKind = pick(r, ['none', 'thin', 'medium', 'wide', 'medium'] as const);
  const gutter = gutterKind === 'none' ? 0 : gutterKind === 'thin' ? 1 + Math.floor(r() * 3) : gutterKind === 'medium' ? 4 + Math.floor(r() * 8) : 12 + Math.floor(r() * 20);
  const lines = gutter <= 6 && r() < 0.35 ? (r() < 0.7 ? 'black' : 'grey') : gutter > 6 && r() < 0.1 ? 'black' : null;
  const labelled = n > 1 && r() < 0.85;
  const style = pick(r, LABEL_STYLES);
  const font = pick(r, FONT_FAMILIES);
  const bold = r() < 0.7;
  const fontSize = Math.max(7, Math.round(maxSide * between(r, 0.018, 0.05)));
  const corner = r() < 0.6 ? 'top-left' : pick(r, ['top-right', 'bottom-left', 'bottom-right', 'outside', 'outside', 'top-centre'] as const);
  const decoration = pick(r, ['plain', 'plain', 'plain', 'box', 'circle', 'dark-tile'] as const);
  // Page header / footer / title strip / legend row: text that belongs to no panel.
  const header = r() < 0.15 ? Math.round(fontSize * 1.6) : 0;
  const footer = r() < 0.1 ? Math.round(fontSize * 1.6) : 0;
  const margin = Math.floor(r() * 10);
  const area: Rect = { x: margin, y: margin + header, w: W - 2 * margin, h: H - 2 * margin - header - footer };
  const useGrid = r() < 0.55;
  let cells: Rect[];
  let rowOf: number[] = [];
  let colOf: number[] = [];
  if (useGrid) {
    const rows = gridLayout(r, n, [area.w, area.h], gutter);
    cells = [];
    rows.forEach((row, ri) => row.forEach((c, ci) => { cells.push(c); rowOf.push(ri); colOf.push(ci); }));
  } else {
    cells = readingOrderOf(guillotineLayout(r, n, [area.w, area.h], gutter));
    rowOf = cells.map(() => 0);
    colOf = cells.map((_, i) => i);
  }
  cells = cells.map((c) => ({ ...c, x: c.x + area.x, y: c.y + area.y }));
  const composites: OverlayOptions[] = [];
  const panels: GroundTruthPanel[] = [];
  const labels: string[] = [];
  let svg = '';
  const pad = Math.max(1, Math.round(fontSize * 0.25));
  const labelH = Math.round(fontSize * 1.15);
  const widthOf = (s: string): number => Math.round(fontSize * (bold ? 1.05 : 0.95) * [...s].reduce((a, c) => a + (font.includes('Mono') ? 0.62 : 'iIl1().'.includes(c) ? 0.4 : 'mwMW'.includes(c) ? 0.95 : 0.7), 0));
  const kinds: string[] = [];
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    if (cell.w < 12 || cell.h < 12) continue;
    const { shown, label } = labelText(style, i, rowOf[i], colOf[i]);
    const outside = labelled && corner === 'outside';
    const reserve = outside ? labelH + pad : 0;
    // The content: fills the cell, or keeps its shape inside it (centred or at a side), scaled.
    let cx = cell.x;
    let cy = cell.y + reserve;
    let cw = cell.w;
    let ch = cell.h - reserve;
    if (ch < 10) continue;
    const grouped = labelled && n > 1 && groupedPlots > 0 && r() < groupedPlots ? groupedParts(r, cw, ch, gutter) : null;
    let dark = false;
    if (grouped) {
      kinds.push(`grouped${grouped.length}`);
      for (const part of grouped) {
        const partTile = sources.length === 0 || r() < 0.7
          ? await sharp(Buffer.from(drawnSvg(part.w, part.h, r, font))).resize(part.w, part.h, { fit: 'fill' }).png().toBuffer()
          : await rawToPng(pick(r, sources), part.w, part.h, r() < 0.5 ? 'fill' : 'cover');
        composites.push({ input: partTile, left: cx + part.x, top: cy + part.y });
      }
    } else if (sources.length === 0 || r() < 0.3) {
      kinds.push('drawn');
      composites.push({ input: await sharp(Buffer.from(drawnSvg(cw, ch, r, font))).resize(cw, ch, { fit: 'fill' }).png().toBuffer(), left: cx, top: cy });
    } else {
      const src = pick(r, sources);
      dark = isDark(src);
      kinds.push(dark ? 'dark' : 'crop');
      const scale = Math.min(cw / src.width, ch / src.height);
      const mode = r();
      if (mode < 0.45 || scale * Math.max(src.width, src.height) < 8) {
        composites.push({ input: await rawToPng(src, cw, ch, r() < 0.5 ? 'fill' : 'cover'), left: cx, top: cy });
      } else {
        const s = scale * (mode < 0.85 ? 1 : between(r, 0.6, 1));
        const nw = Math.max(8, Math.round(src.width * s));
        const nh = Math.max(8, Math.round(src.height * s));
        const ax = r();
        cx += Math.floor((cw - nw) * (ax < 0.6 ? 0.5 : ax < 0.8 ? 0 : 1));
        cy += Math.floor((ch - nh) * (r() < 0.6 ? 0.5 : 0));
        cw = nw;
        ch = nh;
        composites.push({ input: await rawToPng(src, cw, ch, 'fill'), left: cx, top: cy });
      }
    }
    let box: Box = [cx, cy, cx + cw, cy + ch];
    if (labelled) {
      const tw = widthOf(shown);
      const deco = decoration === 'circle' && shown.length <= 2 ? 'circle' : decoration === 'dark-tile' || (dark && decoration !== 'plain') ? 'dark-tile' : decoration;
      const bw = deco === 'circle' ? labelH + pad : tw + 2 * pad;
      const bh = labelH + (deco === 'plain' ? 0 : pad);
      let lx: number;
      let ly: number;
      if (outside) { lx = Math.max(0, cell.x + (r() < 0.8 ? 0 : Math.round(cell.w / 2 - bw / 2))); ly = cell.y; }
      else if (corner === 'top-centre') { lx = Math.round(cx + cw / 2 - bw / 2); ly = cy + pad; }
      else {
        lx = corner.endsWith('left') ? cx + pad : cx + cw - pad - bw;
        ly = corner.startsWith('top') ? cy + pad : cy + ch - pad - bh;
      }
      lx = Math.max(0, Math.min(W - bw, lx));
      ly = Math.max(0, Math.min(H - bh, ly));
      let fill = dark && deco === 'plain' ? 'white' : 'black';
      if (deco === 'box') svg += `<rect x="${lx}" y="${ly}" width="${bw}" height="${bh}" fill="white"/>`;
      if (deco === 'dark-tile') { svg += `<rect x="${lx}" y="${ly}" width="${bw}" height="${bh}" fill="${pick(r, ['black', '#333333', '#1f3b73'])}"/>`; fill = 'white'; }
      if (deco === 'circle') svg += `<circle cx="${lx + bw / 2}" cy="${ly + bh / 2}" r="${bh / 2}" fill="${dark ? 'black' : 'white'}" stroke="${dark ? 'white' : 'black'}" stroke-width="${Math.max(1, fontSize / 12).toFixed(1)}"/>`;
      if (deco === 'circle' && dark) fill = 'white';
      const tx = deco === 'circle' ? lx + bw / 2 : lx + pad;
      svg += svgText(shown, tx, ly + Math.round(fontSize * 0.95), { family: font, size: fontSize, bold, anchor: deco === 'circle' ? 'middle' : 'start', fill });
      box = [Math.min(box[0], lx), Math.min(box[1], ly), Math.max(box[2], lx + bw), Math.max(box[3], ly + bh)];
      labels.push(label);
      panels.push({ box, label, labelBox: [lx, ly, lx + bw, ly + bh] });
    } else panels.push({ box });
  }
  // Separator lines in the gutters between cells (both directions), drawn over the full extent of a cut.
  if (lines && cells.length > 1) {
    const colour = lines === 'black' ? 'black' : '#888888';
    const t = Math.max(1, Math.min(3, gutter || 1));
    for (const c of cells) {
      if (c.x > area.x + 2) svg += `<rect x="${c.x - Math.ceil(gutter / 2) - (gutter ? 0 : 1)}" y="${c.y}" width="${t}" height="${c.h}" fill="${colour}"/>`;
      if (c.y > area.y + 2) svg += `<rect x="${c.x}" y="${c.y - Math.ceil(gutter / 2) - (gutter ? 0 : 1)}" width="${c.w}" height="${t}" fill="${colour}"/>`;
    }
  }
  if (header) svg += svgText(pick(r, ['Figure 3', 'PLOS ONE | www.plosone.org', 'eLife 2019;8:e46793', 'Control      Treated', 'Lot 1        Lot 2']), W * between(r, 0.02, 0.4), header - 4, { family: font, size: Math.round(fontSize * 0.9) });
  if (footer) svg += svgText(pick(r, ['doi:10.1371/journal.pone.0057128.g006', 'Scale bar 10 µm', 'n = 12 mice per group']), W * between(r, 0.02, 0.3), H - 4, { family: font, size: Math.round(fontSize * 0.8) });
  composites.push({ input: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${svg}</svg>`), left: 0, top: 0 });
  const bg = r() < 0.92 ? '#ffffff' : pick(r, ['#000000', '#f2f2f2']);
  const { data, info } = await sharp({ create: { width: W, height: H, channels: 3, background: bg } })
    .composite(composites).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const clamp = (b: Box): Box => [Math.max(0, b[0]), Math.max(0, b[1]), Math.min(W, b[2]), Math.min(H, b[3])];
  const single = panels.length === 1;
  return {
    image: { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: info.channels },
    // A figure of one image is one panel covering its content (as the real-dev guideline draws it).
    panels: panels.map((p) => ({ ...p, box: clamp(p.box), ...(single ? { label: undefined, labelBox: undefined } : {}) })).map((p) => (single ? { box: p.box } : p)),
    captionLabels: single ? [] : labels,
    description: `seed=${seed} ${useGrid ? 'grid' : 'guillotine'} n=${panels.length} gutter=${gutter}${lines ? ` lines-${lines}` : ''} ${labelled ? `${style} ${decoration} ${corner}` : 'unlabelled'} ${font}${bold ? ' bold' : ''} ${fontSize}px${header ? ' header' : ''}${footer ? ' footer' : ''} ${kinds.join(',')}`,
  };
}
