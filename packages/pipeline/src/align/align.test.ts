import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Box, Panel } from '../detect/types.ts';
import { splitCaption } from '../captions/index.ts';
import { parseExsclaimGroundTruth } from '../detect/ground-truth.ts';
import { alignPanels, evaluateAlignment, groundTruthPanels } from './index.ts';

// A real caption from the prostate development set (BMRI2014-356427.006): four panels A-D.
const CAPTION =
  'Two prostate cancers from the TMA "prostatectomy 2" with markedly different expression levels of CD57 and PSA. ' +
  '(A) Prostate cancer with a strong expression of CD57. (B) Same case (deeper section) as (A) with a nearly absent expression of PSA. ' +
  '(C) Prostate cancer with an absent expression of CD57. (D) Same case (deeper section) as (C) with a strong expression of PSA. ' +
  'Immunohistochemistry with antibodies against CD57 and PSA; original diameter of the TMA spot: 0.6 mm.';

const grid: Box[] = [
  [0, 0, 100, 100],
  [110, 0, 210, 100],
  [0, 110, 100, 210],
  [110, 110, 210, 210],
  [220, 0, 320, 100],
];
const panel = (i: number, label?: string): Panel => {
  const box = grid[i] as Box;
  return label ? { box, score: 0.9, label: { text: label, box } } : { box, score: 0.9 };
};

describe('alignPanels', () => {
  const split = splitCaption(CAPTION);

  it('pairs by OCR label whatever the reading order', () => {
    const a = alignPanels([panel(0, 'B'), panel(1, 'A'), panel(2, 'd'), panel(3, '(C)')], split);
    expect(a.pairs.map((p) => [p.label, p.method])).toEqual([
      ['B', 'label'],
      ['A', 'label'],
      ['D', 'label'],
      ['C', 'label'],
    ]);
    expect(a.pairs[1]?.subcaption).toContain('Prostate cancer with a strong expression of CD57.');
    expect(a.pairs[1]?.subcaption.startsWith('Two prostate cancers')).toBe(true);
    expect(a.mismatch).toBeNull();
  });

  it('falls back to reading order between label-matched neighbours, each label used once', () => {
    const a = alignPanels([panel(0), panel(1, 'B'), panel(2), panel(3)], split);
    expect(a.pairs.map((p) => [p.label, p.method])).toEqual([
      ['A', 'order'],
      ['B', 'label'],
      ['C', 'order'],
      ['D', 'order'],
    ]);
  });

  it('uses a label read twice only once', () => {
    const a = alignPanels([panel(0, 'A'), panel(1, 'A'), panel(2), panel(3)], split);
    const labels = a.pairs.map((p) => p.label);
    expect(new Set(labels).size).toBe(4);
  });

  it('records more panels than labels and pairs the extra panel with the whole caption', () => {
    const a = alignPanels([0, 1, 2, 3, 4].map((i) => panel(i)), split);
    expect(a.mismatch).toMatchObject({ kind: 'more-panels', panels: 5, labels: 4, unusedLabels: [], unmatchedPanels: [4] });
    expect(a.pairs[4]).toMatchObject({ label: null, method: 'unmatched-panel', subcaption: split.caption });
    expect(a.pairs[0]?.confidence).toBeLessThan(0.7);
  });

  it('leaves a small extra panel (inset, colour bar) unmatched instead of shifting the order', () => {
    const inset: Panel = { box: [40, 40, 60, 60], score: 0.5 };
    const a = alignPanels([panel(0), inset, panel(1), panel(2), panel(3)], split);
    expect(a.pairs.map((p) => p.label)).toEqual(['A', null, 'B', 'C', 'D']);
    expect(a.mismatch).toMatchObject({ kind: 'more-panels', unmatchedPanels: [1] });
  });

  it('records fewer panels than labels and the labels left unused', () => {
    const a = alignPanels([panel(0, 'A'), panel(1), panel(2, 'D')], split);
    expect(a.pairs.map((p) => p.label)).toEqual(['A', 'B', 'D']);
    expect(a.mismatch).toMatchObject({ kind: 'fewer-panels', panels: 3, labels: 4, unusedLabels: ['C'] });
  });

  it('pairs every panel with the whole caption when the caption has no labels (PMC-OA style)', () => {
    const s = splitCaption('Haematoxylin and eosin staining of a prostate biopsy showing Gleason pattern 4.');
    const a = alignPanels([panel(0), panel(1)], s);
    expect(a.pairs.every((p) => p.method === 'whole-caption' && p.label === null && p.subcaption === s.caption)).toBe(true);
  });

  it('pairs an unsplit figure with the whole caption and records the mismatch', () => {
    const a = alignPanels([panel(0)], split);
    expect(a.pairs).toHaveLength(1);
    expect(a.pairs[0]?.method).toBe('whole-caption');
    expect(a.mismatch?.kind).toBe('fewer-panels');
  });

  it('reports OCR labels the caption does not have', () => {
    const a = alignPanels([panel(0, 'A'), panel(1, 'X'), panel(2), panel(3)], split);
    expect(a.unknownPanelLabels).toEqual(['X']);
    expect(a.pairs.map((p) => p.label)).toEqual(['A', 'B', 'C', 'D']);
  });

  it('returns no pairs for no panels', () => {
    expect(alignPanels([], split).pairs).toEqual([]);
  });
});

describe('alignment evaluation', () => {
  it('gives the ground-truth panels in reading order', async () => {
    const figure = { id: 'f', file: 'f', caption: '', panels: [grid[3], grid[0], grid[2], grid[1]].map((box) => ({ box: box as Box })) };
    const panels = await groundTruthPanels(false)(figure);
    expect(panels.map((p) => p.box)).toEqual([grid[0], grid[1], grid[2], grid[3]]);
  });

  const pts = (b: Box): Array<{ x: number; y: number }> => [
    { x: b[0], y: b[1] },
    { x: b[0], y: b[3] },
    { x: b[2], y: b[1] },
    { x: b[2], y: b[3] },
  ];
  const expected = {
    'fig.jpg': {
      full_caption: 'Catalysts. a SEM image of the nanoplates. b TEM image of one plate.',
      master_images: [
        { geometry: pts(grid[1] as Box), subfigure_label: { text: 'b' }, caption: ['TEM image of one plate.'] },
        { geometry: pts(grid[0] as Box), subfigure_label: { text: 'a' }, caption: ['SEM image of the nanoplates.'] },
      ],
    },
  };

  it('scores the subcaption paired with the best-overlapping panel (MedICaT metric)', async () => {
    const figures = parseExsclaimGroundTruth(expected);
    expect(figures[0]?.panels).toHaveLength(2);
    const r = await evaluateAlignment(figures, groundTruthPanels(false));
    expect(r.meanTokenF1).toBe(1);
    expect(r.detectedSubfigures).toBe(2);
    // Panels that miss every true box score 0.
    const missed = await evaluateAlignment(figures, async () => [{ box: [500, 500, 600, 600], score: 1 }]);
    expect(missed.meanTokenF1).toBe(0);
    // Swapped panels pair each box with the other subcaption.
    const swapped = await evaluateAlignment(figures, async () => [
      { box: grid[1] as Box, score: 1, label: { text: 'a', box: grid[1] as Box } },
      { box: grid[0] as Box, score: 1, label: { text: 'b', box: grid[0] as Box } },
    ]);
    expect(swapped.meanTokenF1).toBeLessThan(0.5);
    expect(swapped.byMethod).toEqual({ label: { subfigures: 2, meanTokenF1: swapped.meanTokenF1, meanConfidence: expect.any(Number) as unknown } });
    expect(r.byMethod.order?.subfigures).toBe(2);
  });
});

describe('alignment on the real EXSCLAIM figures (ground-truth boxes, no detector)', () => {
  const file = fileURLToPath(new URL('../../../../test/fixtures/figures/exsclaim-ccby/expected.json', import.meta.url));
  const figures = parseExsclaimGroundTruth(JSON.parse(readFileSync(file, 'utf8')));

  it('reads all 5 figures and 27 panels', () => {
    expect(figures).toHaveLength(5);
    expect(figures.reduce((a, f) => a + f.panels.length, 0)).toBe(27);
  });

  it('pairs better when the panel labels are known than by reading order alone, and both beat chance', async () => {
    const hidden = await evaluateAlignment(figures, groundTruthPanels(false));
    const labelled = await evaluateAlignment(figures, groundTruthPanels(true));
    expect(labelled.meanTokenF1).toBeGreaterThanOrEqual(hidden.meanTokenF1);
    expect(hidden.meanTokenF1).toBeGreaterThan(0.45);
    expect(labelled.meanTokenF1).toBeGreaterThan(0.5);
    expect(labelled.perFigure.every((f) => f.alignment.pairs.every((p) => p.method === 'label'))).toBe(true);
  });
});

describe('alignment by label position (invented figures)', () => {
  // Two columns of two panels, labelled down the columns: A C / B D.
  const box = (x: number, y: number): Box => [x * 110, y * 110, x * 110 + 100, y * 110 + 100];
  const p = (x: number, y: number, label?: string, score = 0.9): Panel =>
    label ? { box: box(x, y), score, label: { text: label, box: box(x, y) } } : { box: box(x, y), score };
  const split = splitCaption('Muscle fibres. (A) Control. (B) Injured. (C) Day 3. (D) Day 7.');

  it('pairs unlabelled panels down the columns when the read labels run that way', () => {
    // Three rows, two columns, labelled down the columns (A B C | D E F); the detector lists them by rows.
    // Read: A (0,0), E (1,1), C (0,2).
    const six = splitCaption('Leaves. (A) Day 1. (B) Day 2. (C) Day 3. (D) Day 4. (E) Day 5. (F) Day 6.');
    const a = alignPanels([p(0, 0, 'A'), p(1, 0), p(0, 1), p(1, 1, 'E'), p(0, 2, 'C'), p(1, 2)], six);
    expect(a.pairs.map((x) => x.label)).toEqual(['A', 'D', 'B', 'E', 'C', 'F']);
    expect(a.flags).toContain('column-order');
  });

  it('keeps row order when the read labels follow the rows', () => {
    const a = alignPanels([p(0, 0, 'A'), p(1, 0), p(0, 1, 'C'), p(1, 1)], split);
    expect(a.pairs.map((x) => x.label)).toEqual(['A', 'B', 'C', 'D']);
    expect(a.flags).not.toContain('column-order');
  });

  it('gives a label read twice to the panel whose position fits the other labels', () => {
    // One row of four panels; "C" was read on the second panel (wrongly, with a higher score) and on the third.
    const a = alignPanels([p(0, 0, 'A'), p(1, 0, 'C', 0.99), p(2, 0, 'C', 0.8), p(3, 0, 'D')], split);
    expect(a.pairs.map((x) => [x.label, x.method])).toEqual([
      ['A', 'label'],
      ['B', 'order'],
      ['C', 'label'],
      ['D', 'label'],
    ]);
  });

  it('flags a caption without labels for several panels and keeps the labels the detector read', () => {
    const a = alignPanels([p(0, 0, 'a'), p(1, 0, 'b')], splitCaption('Expression of a gene in two tissues.'));
    expect(a.flags).toEqual(['caption-without-labels']);
    expect(a.pairs.map((x) => [x.method, x.label, x.panelLabel, x.confidence])).toEqual([
      ['whole-caption', null, 'a', 0.5],
      ['whole-caption', null, 'b', 0.5],
    ]);
    expect(a.pairs[0]?.subcaption).toBe('Expression of a gene in two tissues.');
    expect(alignPanels([p(0, 0)], splitCaption('One photograph.')).flags).toEqual([]);
  });

  it('does not report an inferred label as read', () => {
    const inferred: Panel = { box: box(0, 0), score: 0.5, label: { text: 'A', box: box(0, 0), inferred: true } };
    expect(alignPanels([inferred, p(1, 0, 'B')], split).pairs[0]?.panelLabel).toBeNull();
  });
});
