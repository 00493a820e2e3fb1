import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iou, isValidBox } from './boxes.ts';
import { captionPanelLabels } from '../captions/panel-labels.ts';
import { decodeImage } from '../images/decode.ts';
import { parseExsclaimGroundTruth } from './ground-truth.ts';
import { scoreFigure } from './score.ts';
import { loadPanelSources } from './evaluate.ts';
import { LayoutOcrDetector } from './layout-detector.ts';
import { generateSyntheticFigure } from './synthetic.ts';
import type { DetectionResult, RawImage } from './types.ts';

const dir = new URL('../../../../test/fixtures/figures/exsclaim-ccby/', import.meta.url);
const truth = parseExsclaimGroundTruth(JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')));

function expectInvariants(r: DetectionResult, image: RawImage): void {
  expect(r.width).toBe(image.width);
  expect(r.height).toBe(image.height);
  expect(r.panels.length).toBeGreaterThanOrEqual(1);
  for (const p of r.panels) {
    expect(isValidBox(p.box, image.width, image.height)).toBe(true);
    if (p.label) expect(isValidBox(p.label.box, image.width, image.height)).toBe(true);
    expect(p.score).toBeGreaterThan(0);
    expect(p.score).toBeLessThanOrEqual(1);
  }
}

describe('layout+OCR detector', () => {
  let det: LayoutOcrDetector;
  let layoutOnly: LayoutOcrDetector;
  beforeAll(async () => {
    det = await LayoutOcrDetector.create();
    layoutOnly = await LayoutOcrDetector.create({ ocr: false });
  });
  afterAll(async () => { await det.close(); });

  it.each(['s41467-018-06211-3_fig3.jpg', 's41467-018-06211-3_fig4.jpg', 's41467-018-06211-3_fig5.jpg'])('finds and labels every panel of real chart figure %s', async (file) => {
    const fig = truth.find((f) => f.file === file)!;
    const { image } = await decodeImage(new URL(file, dir).pathname);
    const r = await det.detect(image, { captionLabels: captionPanelLabels(fig.caption) });
    expectInvariants(r, image);
    const s = scoreFigure(r.panels, fig.panels);
    expect(s).toMatchObject({ truePositives: 4, falsePositives: 0, falseNegatives: 0, labelCorrectExact: 4 });
    expect(r.panels.map((p) => p.label?.text)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('reads labels without caption hints on a real microscopy figure (fig2)', async () => {
    const fig = truth.find((f) => f.file === 's41467-018-06211-3_fig2.jpg')!;
    const { image } = await decodeImage(new URL(fig.file, dir).pathname);
    const r = await det.detect(image);
    expectInvariants(r, image);
    // Geometric reading order (rows, then left to right): d sits above b.
    expect(r.panels.map((p) => p.label?.text)).toEqual(['a', 'c', 'd', 'b', 'e', 'f', 'g']);
  });

  it('folds a piece between two consecutive labels into the panel before it, without caption hints (fig1)', async () => {
    // Panel a is a schematic whose right half the layout cuts off; b's letter follows a's, so no panel is
    // missing between them. Panel g's letter is not read, but it is not between consecutive labels (f, h).
    const fig = truth.find((f) => f.file === 's41467-018-06211-3_fig1.jpg')!;
    const { image } = await decodeImage(new URL(fig.file, dir).pathname);
    const r = await det.detect(image);
    expectInvariants(r, image);
    const s = scoreFigure(r.panels, fig.panels);
    expect(s).toMatchObject({ truePositives: 9, falsePositives: 0, falseNegatives: 0 });
  });

  it('folds interleaved fragments of one panel when the caption names fewer panels (real eLife figure)', async () => {
    // elife-30274 fig 3: panel B is a 2x3 grid of forest plots with a column of axis titles; the caption
    // names A and B only. The fragments interleave, so folding any one of them overlaps another.
    const file = new URL('../../../../test/fixtures/articles/elife-30274/fig3.jpg', import.meta.url).pathname;
    const { image } = await decodeImage(file);
    const r = await det.detect(image, { captionLabels: ['A', 'B'] });
    expectInvariants(r, image);
    expect(r.panels.map((p) => p.label?.text)).toEqual(['A', 'B']);
    expect(iou(r.panels[1]!.box, [0, 205, 600, 819])).toBeGreaterThan(0.9);
    // Without the caption nothing says how many panels there are: the plots of B stay apart.
    expect((await det.detect(image)).panels.length).toBeGreaterThan(2);
  });

  it('splits synthetic compound figures (exact ground truth) at gutters and lines', async () => {
    const sources = await loadPanelSources(dir.pathname);
    let tp = 0;
    let total = 0;
    for (const seed of [2, 7, 8, 11, 25, 26, 28]) {
      const fig = await generateSyntheticFigure(seed, sources);
      const r = await layoutOnly.detect(fig.image);
      expectInvariants(r, fig.image);
      const s = scoreFigure(r.panels, fig.panels);
      tp += s.truePositives;
      total += fig.panels.length;
    }
    expect(tp / total).toBeGreaterThan(0.8);
  });

  // Synthetic figures with top-right labels and narrow gutters. Each top-left window reaches into the gutter
  // and finds the left neighbour's top-right letter, far from its own corner: that must neither settle the
  // convention (top-left) nor move the letter to the next panel (156), and a piece whose letter turns out to
  // be its neighbour's gets its own top-right corner read (5052); letters that lie in the neighbour's piece
  // (seen through the gutter) do not make top-left the figure's convention (5191).
  it.each([[156, 6], [5052, 6], [5191, 4]])('reads top-right labels when top-left windows reach neighbours\' letters (seed %i)', async (seed, panels) => {
    const sources = await loadPanelSources(dir.pathname);
    const fig = await generateSyntheticFigure(seed, sources);
    const r = await det.detect(fig.image, { captionLabels: fig.captionLabels });
    const s = scoreFigure(r.panels, fig.panels);
    expect(s.truePositives).toBe(panels);
    expect(s.labelReadCorrect).toBeGreaterThanOrEqual(panels - 1);
  });

  it('reads no more corners once every caption label was read at a top-left corner (real eLife figure)', async () => {
    const file = new URL('../../../../test/fixtures/articles/elife-30274/fig1.jpg', import.meta.url).pathname;
    const { image } = await decodeImage(file);
    const before = det.ocrCrops;
    const hinted = await det.detect(image, { captionLabels: ['A', 'B'] });
    const hintedCrops = det.ocrCrops - before;
    await det.detect(image);
    const unhintedCrops = det.ocrCrops - before - hintedCrops;
    expect(hinted.panels.map((p) => p.label?.text)).toEqual(['A', 'B']);
    // Without the caption the blot's and the charts' fragments get their corners read too.
    expect(hintedCrops).toBeLessThan(unhintedCrops);
  });

  it('a shared figure analysis gives the same results and reads each word once across detect and readLabelsIn', async () => {
    const sources = await loadPanelSources(dir.pathname);
    const fig = await generateSyntheticFigure(8, sources);
    const hints = { captionLabels: fig.captionLabels };
    const boxes = fig.panels.map((p) => p.box);
    const fresh = await det.detect(fig.image, hints);
    const freshLabels = await det.readLabelsIn(fig.image, boxes, hints);
    const c0 = det.ocrCrops;
    await det.readLabelsIn(fig.image, boxes, hints);
    const unsharedCrops = det.ocrCrops - c0;
    const figure = det.analyse(fig.image);
    const c1 = det.ocrCrops;
    expect(await det.detect(fig.image, hints, figure)).toEqual(fresh);
    const c2 = det.ocrCrops;
    expect(await det.readLabelsIn(fig.image, boxes, hints, figure)).toEqual(freshLabels);
    // The same label words were already read by detect on the same analysis image.
    expect(det.ocrCrops - c2).toBeLessThan(unsharedCrops);
    expect(c2 - c1).toBeGreaterThan(0);
    expect(det.ocrCrops - c2).toBe(0);
    await expect(det.detect(fig.image, hints, det.analyse({ ...fig.image }))).rejects.toThrow(/another image/);
  });

  it('detectBatch gives the results of one-at-a-time detection with fewer recognizer calls', async () => {
    const sources = await loadPanelSources(dir.pathname);
    const figures = await Promise.all([3, 8, 14, 21].map((seed) => generateSyntheticFigure(seed, sources)));
    const items = figures.map((f) => ({ image: f.image, hints: { captionLabels: f.captionLabels } }));
    const calls0 = det.ocrCalls;
    const oneByOne: DetectionResult[] = [];
    for (const item of items) oneByOne.push(await det.detect(item.image, item.hints));
    const calls1 = det.ocrCalls;
    const batched = await det.detectBatch(items);
    const calls2 = det.ocrCalls;
    // Every crop is padded to a width of its own, so a figure reads the same whatever it is batched with.
    const withoutScores = (rs: DetectionResult[]) => rs.map((r) => ({ ...r, panels: r.panels.map(({ score: _, ...p }) => p) }));
    expect(withoutScores(batched)).toEqual(withoutScores(oneByOne));
    batched.forEach((r, i) => r.panels.forEach((p, k) => expect(p.score).toBeCloseTo(oneByOne[i]!.panels[k]!.score, 4)));
    expect(calls2 - calls1).toBeLessThan(calls1 - calls0);
  });

  it('keeps a real bar chart whose legend and axis texts read as letters as one panel (PLOS figure)', async () => {
    // pone.0000010 fig 3: a stacked bar chart with a legend (REA, E, D, A-C) and a rotated axis title; the
    // layout splits off the legend and the axis strip, and OCR reads "n", "B" and "R" there.
    const file = new URL('../../../../test/fixtures/articles/pone.0000010/pone.0000010.g003.png', import.meta.url).pathname;
    const { image } = await decodeImage(file);
    const r = await det.detect(image);
    expectInvariants(r, image);
    expect(r.panels).toHaveLength(1);
    expect(r.panels[0]!.box).toEqual([0, 0, image.width, image.height]);
  });

  describe('labels printed as the first word of a line (real PLOS figures, real-dev)', () => {
    const realDev = new URL('../../../../test/fixtures/figures/real-dev/', import.meta.url);
    const realTruth = parseExsclaimGroundTruth(JSON.parse(readFileSync(new URL('expected.json', realDev), 'utf8')));
    const run = async (file: string, withCaption: boolean): Promise<{ r: DetectionResult; s: ReturnType<typeof scoreFigure> }> => {
      const fig = realTruth.find((f) => f.file === file)!;
      const { image } = await decodeImage(new URL(file, realDev).pathname);
      const r = await det.detect(image, withCaption ? { captionLabels: captionPanelLabels(fig.caption) } : undefined);
      expectInvariants(r, image);
      return { r, s: scoreFigure(r.panels, fig.panels) };
    };

    it('reads "(a) self loop" under each diagram and gives that line to the panel above it (pone.0060593 fig 1)', async () => {
      // XY-cut puts each label line with the diagram below it (the gap above the line is the wider one).
      const { r, s } = await run('pone.0060593_g001.jpg', true);
      expect(s).toMatchObject({ truePositives: 4, falsePositives: 0, falseNegatives: 0, labelCorrectExact: 4 });
      expect(r.panels.map((p) => p.label?.text)).toEqual(['a', 'b', 'c', 'd']);
      expect(r.panels.some((p) => p.label?.inferred)).toBe(false);
    });

    it('reads labels closed by a colon at the start of plot titles ("A: 60 x 120 Networks"), with no caption labels (pone.0097823 fig 2)', async () => {
      const { s } = await run('pone.0097823_g002.jpg', false);
      expect(s).toMatchObject({ truePositives: 2, falsePositives: 0, falseNegatives: 0, labelCorrectExact: 2 });
    });

    it('splits a grid whose labels open the plot titles ("a) E. fuscoguttatus"), with no caption labels (pone.0091296 fig 3)', async () => {
      const { r, s } = await run('pone.0091296_g003.jpg', false);
      expect(s).toMatchObject({ truePositives: 6, falsePositives: 0, falseNegatives: 0 });
      expect(r.panels.map((p) => p.label?.text).filter(Boolean)).toEqual(['a', 'b', 'c', 'd', 'e']);
    });
  });

  it('returns a single-panel figure as one panel covering the figure', async () => {
    const sources = await loadPanelSources(dir.pathname);
    const fig = await generateSyntheticFigure(10, sources, { maxPanels: 1 });
    const r = await det.detect(fig.image);
    expect(r.panels.map((p) => p.box)).toEqual([[0, 0, fig.image.width, fig.image.height]]);
  });

  it('never crashes on degenerate images and always returns one valid panel', async () => {
    const cases: RawImage[] = [
      { data: new Uint8Array(3).fill(255), width: 1, height: 1, channels: 3 },
      { data: new Uint8Array(1), width: 1, height: 1, channels: 1 },
      { data: new Uint8Array(300 * 200 * 3).fill(255), width: 300, height: 200, channels: 3 },
      { data: new Uint8Array(300 * 200 * 4), width: 300, height: 200, channels: 4 },
      { data: new Uint8Array(2 * 500), width: 2, height: 500, channels: 1 },
    ];
    for (const image of cases) {
      const r = await det.detect(image);
      expectInvariants(r, image);
    }
  });

  it('treats flat-colour panels as content, not as separator lines, and reads their labels', async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><rect width="100%" height="100%" fill="white"/>`
      + `<rect x="10" y="60" width="370" height="530" fill="#336"/><rect x="420" y="60" width="370" height="530" fill="#000"/>`
      + `<text x="10" y="45" font-size="36" font-family="DejaVu Sans" font-weight="bold">A</text><text x="420" y="45" font-size="36" font-family="DejaVu Sans" font-weight="bold">B</text></svg>`;
    const { data, info } = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const image: RawImage = { data: new Uint8Array(data), width: info.width, height: info.height, channels: info.channels };
    const r = await det.detect(image);
    expectInvariants(r, image);
    expect(r.panels.map((p) => p.label?.text)).toEqual(['A', 'B']);
    expect(r.panels[0]!.box[3]).toBeGreaterThanOrEqual(589);
    expect(r.panels[1]!.box[3]).toBeGreaterThanOrEqual(589);
  });

  it('keeps a photo with no gutters as one panel', async () => {
    const { data, info } = await sharp({ create: { width: 400, height: 300, channels: 3, background: 'black', noise: { type: 'gaussian', mean: 120, sigma: 40 } } })
      .raw().toBuffer({ resolveWithObject: true });
    const image: RawImage = { data: new Uint8Array(data), width: info.width, height: info.height, channels: info.channels };
    const r = await det.detect(image);
    expect(r.panels).toHaveLength(1);
  });

  it('box invariants hold on random images (property)', async () => {
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 1, max: 120 }), fc.integer({ min: 1, max: 120 }), fc.constantFrom(1, 3, 4), fc.integer(),
      async (width, height, channels, seed) => {
        const data = new Uint8Array(width * height * channels);
        let s = seed >>> 0;
        for (let i = 0; i < data.length; i++) { s = (s * 1664525 + 1013904223) >>> 0; data[i] = s % 7 === 0 ? s & 255 : 255; }
        const image = { data, width, height, channels };
        expectInvariants(await layoutOnly.detect(image), image);
      }), { numRuns: 60 });
  });
});
