import { describe, expect, it } from 'vitest';
import { isValidBox } from './boxes.ts';
import { generateSyntheticFigure, rng } from './synthetic.ts';
import type { RawImage } from './types.ts';

const photo = (w: number, h: number, v: number): RawImage => ({ data: new Uint8Array(w * h * 3).map((_, i) => (i * 31 + v) % 200), width: w, height: h, channels: 3 });

describe('synthetic compound figures', () => {
  it('are reproducible from the seed', async () => {
    const sources = [photo(120, 90, 1), photo(80, 120, 7)];
    const a = await generateSyntheticFigure(42, sources);
    const b = await generateSyntheticFigure(42, sources);
    expect(a.description).toBe(b.description);
    expect(Buffer.from(a.image.data).equals(Buffer.from(b.image.data))).toBe(true);
    expect(rng(1)()).toBe(rng(1)());
  });

  it('give exact, non-overlapping panel boxes inside the image with one caption label each', async () => {
    const sources = [photo(120, 90, 1), photo(80, 120, 7), photo(200, 60, 3)];
    for (let seed = 1; seed <= 12; seed++) {
      const fig = await generateSyntheticFigure(seed, sources);
      expect(fig.image.data.length).toBe(fig.image.width * fig.image.height * 3);
      for (const p of fig.panels) expect(isValidBox(p.box, fig.image.width, fig.image.height)).toBe(true);
      if (fig.panels.length > 1) {
        expect(fig.captionLabels).toEqual(fig.panels.map((p) => p.label));
        for (let i = 0; i < fig.panels.length; i++) {
          for (let j = i + 1; j < fig.panels.length; j++) {
            const [a, b] = [fig.panels[i]!.box, fig.panels[j]!.box];
            const overlap = Math.min(a[2], b[2]) > Math.max(a[0], b[0]) && Math.min(a[3], b[3]) > Math.max(a[1], b[1]);
            expect(overlap).toBe(false);
          }
        }
      }
    }
  });

  it('makes a single-panel figure whose truth covers the whole image', async () => {
    const fig = await generateSyntheticFigure(3, [photo(100, 80, 5)], { maxPanels: 1, width: 300, height: 200 });
    expect(fig.panels).toEqual([{ box: [0, 0, 300, 200] }]);
    expect(fig.captionLabels).toEqual([]);
  });
});
