import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../images/decode.ts';
import { iou, isValidBox } from './boxes.ts';
import { parseExsclaimGroundTruth } from './ground-truth.ts';
import { DEFAULT_PANEL_MODEL, LEARNED_CONF_THRESHOLD, LearnedDetector, fitInside } from './learned-detector.ts';
import { OnnxDetector } from './onnx-detector.ts';
import { rescaleResult } from './run.ts';
import { scoreFigure, summarise } from './score.ts';
import { generateCompoundFigure } from './synthetic-compound.ts';
import type { RawImage } from './types.ts';

// The committed model (models/panel-detector) through OnnxDetector: must fail when the model is missing, broken
// (random or constant output: one whole-image box) or exported in another layout.
const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/figures/real-dev');
const truth = parseExsclaimGroundTruth(JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Record<string, unknown>);
const dev = (JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Record<string, { split: string }>);
// A fixed choice, made before looking at the model's output: the first ten multi-panel DEV figures by name.
const figures = truth.filter((f) => dev[f.id]!.split === 'dev' && f.panels.length >= 2).sort((a, b) => a.file.localeCompare(b.file)).slice(0, 10);

describe('the committed panel model', () => {
  let learned: LearnedDetector;
  let onnx: OnnxDetector;
  beforeAll(async () => {
    expect(existsSync(DEFAULT_PANEL_MODEL)).toBe(true);
    learned = await LearnedDetector.create();
    onnx = await OnnxDetector.create(DEFAULT_PANEL_MODEL, { confThreshold: LEARNED_CONF_THRESHOLD });
  });
  afterAll(async () => {
    await learned?.close();
    await onnx?.close();
  });

  it('loads as a YOLOv8-layout detector with a fixed 384-px input and a dynamic batch', async () => {
    expect(onnx.architecture).toBe('yolo');
    expect(onnx.provider).toBe('cpu');
    // A batch of two gives the same boxes as one at a time.
    const img = await fitInside((await decodeImage(path.join(dir, figures[0]!.file))).image, 384);
    const [a, b] = await onnx.detectBatch([{ image: img }, { image: img }]);
    const [c] = await onnx.detectBatch([{ image: img }]);
    expect(a!.panels.map((p) => p.box)).toEqual(c!.panels.map((p) => p.box));
    expect(b!.panels.map((p) => p.box)).toEqual(c!.panels.map((p) => p.box));
  });

  it('finds the panels of synthetic compound figures (unseen seeds)', async () => {
    const tile = (v: number): RawImage => ({ data: new Uint8Array(90 * 70 * 3).map((_, i) => (i % 3 === 0 ? v : (i * 7) % 255)), width: 90, height: 70, channels: 3 });
    const scores = [];
    for (let seed = 990001; seed <= 990012; seed++) {
      const fig = await generateCompoundFigure(seed, [tile(30), tile(200)], { maxSide: 512 });
      const [r] = await onnx.detectBatch([{ image: fig.image }]);
      scores.push(scoreFigure(r!.panels, fig.panels));
    }
    expect(summarise(scores).f1).toBeGreaterThan(0.6);
  });

  it('splits real multi-panel figures of the dev split into their panels', async () => {
    const items = await Promise.all(figures.map(async (f) => ({ f, d: await decodeImage(path.join(dir, f.file)) })));
    const results = await learned.detectBatch(items.map(({ d }) => ({ image: d.image })));
    const scores = results.map((r0, i) => {
      const { f, d } = items[i]!;
      const r = rescaleResult(r0, d.width, d.height);
      expect(r.method).toBe('learned');
      for (const p of r.panels) {
        expect(isValidBox(p.box, d.width, d.height)).toBe(true);
        expect(p.score).toBeGreaterThanOrEqual(LEARNED_CONF_THRESHOLD);
      }
      return scoreFigure(r.panels, f.panels);
    });
    const s = summarise(scores);
    // Every figure here has two or more panels: a broken model answers one whole-image box per figure.
    expect(results.filter((r) => r.panels.length >= 2).length).toBeGreaterThanOrEqual(8);
    expect(s.f1).toBeGreaterThan(0.6);
    // Boxes are panel-sized, not the whole figure.
    const whole = results.flatMap((r) => r.panels.filter((p) => iou(p.box, [0, 0, r.width, r.height]) > 0.9));
    expect(whole.length).toBeLessThan(3);
  });
});
