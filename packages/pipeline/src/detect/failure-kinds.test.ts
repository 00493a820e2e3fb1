import { describe, expect, it } from 'vitest';
import { countFailures, figureClass, figureFailures } from './failure-kinds.ts';
import type { GroundTruthPanel } from './ground-truth.ts';
import type { Box, Panel } from './types.ts';

const p = (box: Box, label?: string, inferred = false): Panel => ({ box, score: 0.9, ...(label ? { label: { text: label, box: [box[0], box[1], box[0] + 5, box[1] + 5], ...(inferred ? { inferred: true } : {}) } } : {}) });
const t = (box: Box, label?: string): GroundTruthPanel => ({ box, ...(label ? { label } : {}) });

// A 2x2 grid of 100x100 panels with 10-px gutters, labelled A-D.
const grid: GroundTruthPanel[] = [t([0, 0, 100, 100], 'A'), t([110, 0, 210, 100], 'B'), t([0, 110, 100, 210], 'C'), t([110, 110, 210, 210], 'D')];

describe('failure kinds from ground truth and prediction', () => {
  it('a perfect prediction has no failure', () => {
    expect(figureFailures(grid.map((g) => p(g.box, g.label)), grid)).toEqual({});
  });

  it('counts a merge once per merged box and does not call its panels missed', () => {
    // A and B merged into one box; C right; D's box cropped to its left half (a stray box, D missed).
    const pred = [p([0, 0, 210, 100], 'A'), p([0, 110, 100, 210], 'C'), p([110, 110, 150, 210], 'D')];
    expect(figureFailures(pred, grid)).toEqual({ merged: 1, 'missed-panel': 1, 'stray-box': 1, 'count-out-of-range': 1 });
  });

  it('counts over-split panels per true panel, their fragments are not stray boxes', () => {
    // A cut at 60 % of its height (the top part still matches A), B cut into three strips, C and D right.
    const pred = [
      p([0, 0, 100, 60], 'A'), p([0, 60, 100, 100]),
      p([110, 0, 143, 100], 'B'), p([143, 0, 176, 100]), p([176, 0, 210, 100]),
      p([0, 110, 100, 210], 'C'), p([110, 110, 210, 210], 'D'),
    ];
    expect(figureFailures(pred, grid)).toEqual({ 'over-split': 2, 'count-out-of-range': 1 });
  });

  it('a single panel cut into pieces is single-panel-cut, not over-split, missed or stray', () => {
    const one = [t([0, 0, 300, 200])];
    const pred = [p([0, 0, 140, 200], 'A'), p([140, 0, 300, 100]), p([140, 100, 300, 200])];
    // "A" sits on no matched panel, so no label kind either.
    expect(figureFailures(pred, one)).toEqual({ 'single-panel-cut': 1, 'count-out-of-range': 1 });
    // Within the annotated range there is still a cut, but the count is accepted.
    expect(figureFailures(pred, one, { range: [1, 3] })).toEqual({ 'single-panel-cut': 1 });
  });

  it('label kinds on matched panels: missed (none or inferred), misread, false; case ignored', () => {
    const truth = [...grid, t([220, 0, 320, 100])];
    const pred = [
      p([0, 0, 100, 100], 'a'), // right: case ignored
      p([110, 0, 210, 100]), // missed: nothing read
      p([0, 110, 100, 210], 'C', true), // missed: only inferred from caption order
      p([110, 110, 210, 210], 'B'), // misread
      p([220, 0, 320, 100], 'E'), // a label where none is printed
    ];
    expect(figureFailures(pred, truth)).toEqual({ 'label-missed': 2, 'label-misread': 1, 'false-label': 1 });
  });

  it('classes figures and sums figures and instances per kind', () => {
    expect(figureClass([t([0, 0, 10, 10], 'A')])).toBe('single-panel');
    expect(figureClass(grid)).toBe('labelled');
    expect(figureClass(grid.map((g) => t(g.box)))).toBe('unlabelled');
    const counts = countFailures([{ merged: 2, 'label-missed': 1 }, { merged: 1 }, {}]);
    expect(counts.merged).toEqual({ figures: 2, instances: 3 });
    expect(counts['label-missed']).toEqual({ figures: 1, instances: 1 });
    expect(counts['stray-box']).toEqual({ figures: 0, instances: 0 });
  });
});
