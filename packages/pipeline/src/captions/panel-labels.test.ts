import { describe, expect, it } from 'vitest';
import { captionPanelLabels } from './panel-labels.ts';
import { splitCaption } from './split.ts';

describe('captionPanelLabels (detection hints from the splitter)', () => {
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

  it('gives the letters of the splitter\'s labels, sub-labels as their letter, and nothing for fewer than two', () => {
    const caption = '(A) Overview. (B1) Detail one. (B2) Detail two. (C) Quantification.';
    expect(splitCaption(caption, { subLabels: 'keep' }).labels).toContain('B1');
    expect(captionPanelLabels(caption)).toEqual(['A', 'B', 'C']);
    expect(captionPanelLabels('Growth curves (left) and survival (right).')).toEqual([]);
    expect(captionPanelLabels('(A) The only panel.')).toEqual([]);
  });
});
