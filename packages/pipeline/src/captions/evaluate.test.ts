import { describe, expect, it } from 'vitest';
import { evaluateCaptions, failureKinds, tokenPrecisionRecall } from './evaluate.ts';

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

describe('failureKinds: the errors of an evaluation by kind', () => {
  const data = {
    // C is printed only in the image; D is printed in the caption as "D." but the truth has no D.
    notPrinted: {
      caption: '(A) Liver. (B) Kidney.',
      gt_subfigures: [
        { label: { text: 'A' }, caption: 'Liver.' },
        { label: { text: 'B' }, caption: 'Kidney.' },
        { label: { text: 'C' }, caption: 'Liver.' },
      ],
    },
    falseLabel: {
      caption: '(a) Heart. (b) Lung. (c) Spleen.',
      gt_subfigures: [{ label: { text: 'a' }, caption: 'Heart.' }, { label: { text: 'b' }, caption: 'Lung. Spleen.' }],
    },
    noLabels: {
      caption: 'Sections of the gut.',
      gt_subfigures: [{ label: { text: 'A' }, caption: 'Sections of the gut.' }, { label: { text: 'B' }, caption: 'Sections of the gut.' }],
    },
  };

  it('counts missed labels not printed in the caption, false labels by style and role, and spans by layout', () => {
    const k = failureKinds(evaluateCaptions(data), data);
    expect(k.missedLabels).toEqual({ total: 3, notPrinted: 3, inUnlabelledFigures: 2, byStyle: {} });
    expect(k.falseLabels).toEqual({ total: 1, byStyle: { 'paren/prefix': 1 } });
    expect(k.spans.byLayout.prefix?.subcaptions).toBe(4);
    // "Lung." against "Lung. Spleen.": full precision, half recall.
    expect(k.spans.byLayout.prefix?.meanRecall).toBeCloseTo((1 + 1 + 1 + 0.5) / 4, 4);
    expect(k.spans.byLayout.prefix?.meanPrecision).toBeCloseTo(1, 4);
  });

  it('tokenPrecisionRecall separates extra text from missing text', () => {
    expect(tokenPrecisionRecall('liver kidney', 'liver')).toEqual({ precision: 0.5, recall: 1 });
    expect(tokenPrecisionRecall('liver', 'liver kidney')).toEqual({ precision: 1, recall: 0.5 });
  });
});
