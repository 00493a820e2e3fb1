import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateDirectory } from './evaluate.ts';
import type { Box, DetectionResult, Panel, SubfigureDetector } from './types.ts';

const geometry = (b: Box): Array<{ x: number; y: number }> => [{ x: b[0], y: b[1] }, { x: b[0], y: b[3] }, { x: b[2], y: b[1] }, { x: b[2], y: b[3] }];
const panel = (b: Box, label?: string): Record<string, unknown> => ({ geometry: geometry(b), subfigure_label: label ? { text: label, geometry: geometry([b[0], b[1], b[0] + 8, b[1] + 8]) } : null });

// Invented figures: the fake detector answers by image width (each figure has its own).
const left: Box = [0, 0, 100, 100];
const right: Box = [110, 0, 210, 100];
const figures: Record<string, { width: number; source: string; truth: Record<string, unknown>[]; predicted: Panel[]; range?: [number, number] }> = {
  'merged.png': { width: 210, source: 'X', truth: [panel(left, 'A'), panel(right, 'B')], predicted: [{ box: [0, 0, 210, 100], score: 0.9 }] },
  'labels.png': { width: 211, source: 'X', truth: [panel(left, 'A'), panel(right, 'B')], predicted: [{ box: left, score: 0.9, label: { text: 'A', box: [0, 0, 8, 8] } }, { box: right, score: 0.9, label: { text: 'C', box: [110, 0, 118, 8] } }] },
  'cut.png': { width: 212, source: 'Y', truth: [panel([0, 0, 212, 100])], predicted: [{ box: [0, 0, 70, 100], score: 0.9 }, { box: [70, 0, 140, 100], score: 0.9 }, { box: [140, 0, 212, 100], score: 0.9 }], range: [1, 3] },
  'right.png': { width: 213, source: 'Y', truth: [panel([0, 0, 213, 100])], predicted: [{ box: [0, 0, 213, 100], score: 0.9 }] },
};

const fake: SubfigureDetector = {
  name: 'fake',
  version: 'fake-1',
  detect: async (image): Promise<DetectionResult> => {
    const fig = Object.values(figures).find((f) => f.width === image.width)!;
    return { width: image.width, height: image.height, method: 'fake', modelVersion: 'fake-1', panels: fig.predicted };
  },
};

describe('evaluateDirectory: failure kinds and figure classes', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'eval-kinds-'));
    const json: Record<string, unknown> = {};
    for (const [file, f] of Object.entries(figures)) {
      await sharp({ create: { width: f.width, height: 100, channels: 3, background: '#ffffff' } }).png().toFile(path.join(dir, file));
      json[file] = { figure_name: file, source: f.source, master_images: f.truth, ...(f.range ? { panel_count_range: f.range } : {}) };
    }
    await writeFile(path.join(dir, 'expected.json'), JSON.stringify(json));
  });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('counts each kind per source and in all, and scores each figure class', async () => {
    const r = await evaluateDirectory(dir, fake);
    expect(Object.keys(r.failureKinds).sort()).toEqual(['X', 'Y', 'all']);
    expect(r.failureKinds.all!.merged).toEqual({ figures: 1, instances: 1 });
    expect(r.failureKinds.X!.merged).toEqual({ figures: 1, instances: 1 });
    expect(r.failureKinds.Y!.merged).toEqual({ figures: 0, instances: 0 });
    expect(r.failureKinds.X!['label-misread']).toEqual({ figures: 1, instances: 1 });
    expect(r.failureKinds.Y!['single-panel-cut']).toEqual({ figures: 1, instances: 1 });
    // The cut figure's three panels are within its annotated range [1, 3]; the merged figure's one panel is not.
    expect(r.failureKinds.all!['count-out-of-range']).toEqual({ figures: 1, instances: 1 });
    expect(r.failureKinds.all!['missed-panel'].figures).toBe(0);
    expect(r.perFigure.find((f) => f.file === 'right.png')!.failures).toEqual({});
    expect(r.byClass.labelled).toMatchObject({ figures: 2, truePositives: 2, falsePositives: 1, falseNegatives: 2, countInRange: 0.5 });
    expect(r.byClass['single-panel']).toMatchObject({ figures: 2, truePositives: 1, falsePositives: 3, falseNegatives: 1, countRight: 0.5, countInRange: 1 });
    expect(r.byClass.unlabelled).toBeUndefined();
  });
});

/** A directory of `n` blank single-panel figures with their expected.json. */
async function blankFigures(n: number): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'eval-speed-'));
  const json: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    const file = `f${i}.png`;
    await sharp({ create: { width: 40, height: 30, channels: 3, background: '#ffffff' } }).png().toFile(path.join(dir, file));
    json[file] = { figure_name: file, master_images: [panel([0, 0, 40, 30])] };
  }
  await writeFile(path.join(dir, 'expected.json'), JSON.stringify(json));
  return dir;
}

describe('evaluateDirectory: speed', () => {
  const dirs: string[] = [];
  afterAll(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });

  // Spends a little CPU per figure, so that CPU time is measurable.
  const busy: SubfigureDetector = {
    name: 'busy',
    version: 'busy-1',
    detect: async (image): Promise<DetectionResult> => {
      const until = process.cpuUsage().user + 2000;
      while (process.cpuUsage().user < until) { /* spin */ }
      return { width: image.width, height: image.height, method: 'busy', modelVersion: 'busy-1', panels: [{ box: [0, 0, image.width, image.height], score: 0.9 }] };
    },
  };

  it('reports figures per CPU-second over all figures and, from 20 figures on, after the first WARM_UP_FIGURES', async () => {
    dirs.push(await blankFigures(20), await blankFigures(19));
    const [twenty, nineteen] = [await evaluateDirectory(dirs[0]!, busy), await evaluateDirectory(dirs[1]!, busy)];
    expect(twenty.figures).toBe(20);
    expect(twenty.figuresPerCpuSecond).toBeGreaterThan(0);
    expect(twenty.warmFiguresPerCpuSecond).toBeGreaterThan(0);
    expect(nineteen.figuresPerCpuSecond).toBeGreaterThan(0);
    expect(nineteen.warmFiguresPerCpuSecond).toBeUndefined();
  });
});
