import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { captionPanelLabels } from './caption-labels.ts';
import { parseExsclaimGroundTruth, scoreFigure, summarise } from './eval.ts';

const fixture = new URL('../../../../test/fixtures/figures/exsclaim-ccby/expected.json', import.meta.url);

describe('evaluation', () => {
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

  it('extracts caption panel labels', () => {
    expect(captionPanelLabels('Formation of X. a, b Schematic of the process (a). c–e SEM images of BM (c). f HR-TEM')).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(captionPanelLabels('(A) Control. (B) Treated with drug. (C) Quantification.')).toEqual(['A', 'B', 'C']);
    expect(captionPanelLabels('Survival of mice treated with (S)-ketamine.')).toEqual([]);
    // Real eLife/PLOS caption shapes: abbreviations in brackets, grouped ranges, "A." labels mid-sentence.
    expect(captionPanelLabels('(A) cells with non-targeting (NT) or targeting (T) siRNAs and lysate (U). (B) levels. (C) and (D) blots')).toEqual(['A', 'B', 'C', 'D']);
    expect(captionPanelLabels('(A–B, E–F) Expression for active (A, E) genes. (C–D, G–H) Box plots')).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']);
    expect(captionPanelLabels('Phenotype. A. Root growth. Six individuals are presented B. Seedlings')).toEqual(['A', 'B']);
    expect(captionPanelLabels('The rules in rabbits. A)Schematic of the experiments. B) Three rules regulate it.')).toEqual(['A', 'B']);
    expect(captionPanelLabels('Sites in the U.S.A. and the U.K. Maps of cases.')).toEqual([]);
  });
});
