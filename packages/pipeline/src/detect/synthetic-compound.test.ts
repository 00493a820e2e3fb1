import { describe, expect, it } from 'vitest';
import { isValidBox } from './boxes.ts';
import { generateCompoundFigure, labelText, LABEL_STYLES } from './synthetic-compound.ts';
import type { RawImage } from './types.ts';

const photo = (w: number, h: number, v: number): RawImage => ({ data: new Uint8Array(w * h * 3).map((_, i) => (i * 31 + v) % 200), width: w, height: h, channels: 3 });
const sources = [photo(120, 90, 1), photo(80, 120, 7), photo(200, 60, 3), { ...photo(60, 60, 0), data: new Uint8Array(60 * 60 * 3).fill(20) }];

describe('synthetic compound figures for training', () => {
  it('are reproducible from the seed', async () => {
    const a = await generateCompoundFigure(7, sources);
    const b = await generateCompoundFigure(7, sources);
    expect(a.description).toBe(b.description);
    expect(Buffer.from(a.image.data).equals(Buffer.from(b.image.data))).toBe(true);
    const c = await generateCompoundFigure(8, sources);
    expect(c.description).not.toBe(a.description);
  });

  it('give integer boxes inside the image, a label per panel when labelled, and vary layouts, gutters and label styles', async () => {
    const seen = { grid: 0, guillotine: 0, lines: 0, noGutter: 0, unlabelled: 0, single: 0 };
    const styles = new Set<string>();
    for (let seed = 1; seed <= 60; seed++) {
      const fig = await generateCompoundFigure(seed, sources, { maxSide: 256 });
      expect(Math.max(fig.image.width, fig.image.height)).toBe(256);
      expect(fig.image.data.length).toBe(fig.image.width * fig.image.height * 3);
      expect(fig.panels.length).toBeGreaterThan(0);
      for (const p of fig.panels) expect(isValidBox(p.box, fig.image.width, fig.image.height)).toBe(true);
      if (fig.captionLabels.length) {
        expect(fig.captionLabels).toEqual(fig.panels.map((p) => p.label));
        expect(new Set(fig.captionLabels).size).toBe(fig.captionLabels.length);
      }
      if (fig.panels.length === 1) { seen.single++; expect(fig.panels[0]!.label).toBeUndefined(); }
      const d = fig.description;
      if (d.includes(' grid ')) seen.grid++;
      if (d.includes(' guillotine ')) seen.guillotine++;
      if (d.includes(' lines-')) seen.lines++;
      if (d.includes(' gutter=0 ')) seen.noGutter++;
      if (d.includes(' unlabelled ')) seen.unlabelled++;
      for (const s of LABEL_STYLES) if (d.includes(` ${s} `)) styles.add(s);
    }
    for (const [k, v] of Object.entries(seen)) expect(v, k).toBeGreaterThan(0);
    expect(styles.size).toBeGreaterThanOrEqual(6);
  });

  it('leave every seed as it was when no panel groups several plots (the committed model was trained on these)', async () => {
    const descriptions = await Promise.all([3, 11, 29].map(async (seed) => (await generateCompoundFigure(seed, sources, { maxSide: 256 })).description));
    expect(descriptions).toEqual([
      'seed=3 guillotine n=8 gutter=13 paren plain top-centre DejaVu Sans Mono bold 11px drawn,dark,drawn,crop,drawn,crop,dark,crop',
      'seed=11 grid n=1 gutter=0 unlabelled DejaVu Sans Mono bold 7px crop',
      'seed=29 grid n=2 gutter=0 upper plain top-left DejaVu Sans Condensed bold 9px header footer crop,drawn',
    ]);
  });

  it('put several plots under one label as one panel when asked to', async () => {
    let grouped = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const fig = await generateCompoundFigure(seed, sources, { maxSide: 256, groupedPlots: 1 });
      const parts = [...fig.description.matchAll(/grouped(\d)/g)].map((m) => Number(m[1]));
      if (fig.captionLabels.length === 0) {
        expect(parts).toEqual([]);
        continue;
      }
      grouped += parts.length;
      // One box and one label per panel however many plots it holds.
      expect(fig.panels.map((p) => p.label)).toEqual(fig.captionLabels);
      for (const p of fig.panels) expect(isValidBox(p.box, fig.image.width, fig.image.height)).toBe(true);
      for (const n of parts) expect([2, 3]).toContain(n);
    }
    expect(grouped).toBeGreaterThan(20);
  });

  it('prints labels in every style', () => {
    expect(LABEL_STYLES.map((s) => labelText(s, 2, 1, 0).shown)).toEqual(['C', 'c', '(c)', 'C.', '3', 'iii', 'B1', '(C)']);
    expect(labelText('paren', 0).label).toBe('a');
  });
});
