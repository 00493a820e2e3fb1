import { describe, expect, it } from 'vitest';
import { evaluateCaptions } from './evaluate.ts';

describe('evaluateCaptions: captions without labels', () => {
  const data = {
    labelled: { caption: '(A) Liver. (B) Kidney.', gt_subfigures: [{ label: { text: 'A' }, caption: 'Liver.' }, { label: { text: 'B' }, caption: 'Kidney.' }] },
    unlabelled: {
      caption: 'Liver and kidney sections.',
      gt_subfigures: [{ label: { text: 'A' }, caption: 'Liver and kidney sections.' }, { label: { text: 'B' }, caption: 'Liver and kidney sections.' }],
    },
  };

  it('scores the strict mean with 0 for labels not found, and the whole-caption mean as the pipeline delivers it', () => {
    const r = evaluateCaptions(data);
    expect(r.unlabelledFigures).toBe(1);
    expect(r.meanSubcaptionTokenF1).toBeCloseTo(0.5, 5);
    expect(r.meanSubcaptionTokenF1WholeCaptionWhenUnlabelled).toBeCloseTo(1, 5);
    expect(r.labelRecall).toBeCloseTo(0.5, 5);
  });

  it('can drop the label tokens from both texts, so that keeping "(A)" in a reference is not a split error', () => {
    const r = evaluateCaptions({
      zouStyle: { caption: '(A) Liver. (B) Kidney.', gt_subfigures: [{ label: { text: 'A' }, caption: '(A) Liver.' }, { label: { text: 'B' }, caption: '(B) Kidney.' }] },
    });
    expect(r.meanSubcaptionTokenF1).toBeCloseTo(2 / 3, 5);
    expect(r.meanSubcaptionTokenF1LabelTokensIgnored).toBeCloseTo(1, 5);
    expect(r.meanSubcaptionTokenF1WholeCaptionWhenUnlabelledLabelTokensIgnored).toBeCloseTo(1, 5);
  });
});
