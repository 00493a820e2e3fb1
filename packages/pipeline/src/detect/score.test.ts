import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseExsclaimGroundTruth } from './ground-truth.ts';
import { scoreFigure, summarise } from './score.ts';

const fixture = new URL('../../../../test/fixtures/figures/exsclaim-ccby/expected.json', import.meta.url);

describe('detection scores and EXSCLAIM ground truth', () => {
  it('reads EXSCLAIM ground truth (boxes from 4-point geometry, labels)', () => {
    const figs = parseExsclaimGroundTruth(JSON.parse(readFileSync(fixture, 'utf8')));
    expect(figs).toHaveLength(5);
    const fig3 = figs.find((f) => f.file === 's41467-018-06211-3_fig3.jpg')!;
    expect(fig3.panels).toHaveLength(4);
    expect(fig3.panels.find((p) => p.label === 'a')!.box).toEqual([4, 0, 325, 243]);
  });

  it('matches one-to-one at IoU 0.5 and scores labels', () => {
    const s = scoreFigure(
      [{ box: [0, 0, 10, 10], score: 1, label: { text: 'A', box: [0, 0, 2, 2] } }, { box: [0, 0, 9, 10], score: 1 }, { box: [50, 50, 60, 60], score: 1 }],
      [{ box: [0, 0, 10, 10], label: 'a' }, { box: [20, 20, 30, 30], label: 'b' }],
    );
    expect(s).toMatchObject({ truePositives: 1, falsePositives: 2, falseNegatives: 1, labelled: 1, labelCorrect: 1, labelCorrectExact: 0, labelReadCorrect: 1 });
    const sum = summarise([s]);
    expect(sum.precision).toBeCloseTo(1 / 3);
    expect(sum.recall).toBeCloseTo(1 / 2);
    expect(sum.f1).toBeCloseTo(0.4);
  });
});
