import { describe, expect, it } from 'vitest';
import { splitCaption } from './index.ts';
import { distributeValueSentence } from './trailers.ts';

const text = (caption: string): Record<string, string> => Object.fromEntries(splitCaption(caption).subcaptions.map((s) => [s.label, s.text]));

describe('shared value sentences (splitter 1.5.0)', () => {
  it('gives each label its own value of a trailing scale-bar sentence, with the sentence opening', () => {
    const t = text('Gill rakers of a cichlid. (A) First arch; (B) second arch; (C) detail of a raker. Scale bars represent 500 µm (A), 50 µm (B and C).');
    expect(t.A).toBe('Gill rakers of a cichlid. First arch; Scale bars represent 500 µm (A).');
    expect(t.B).toBe('Gill rakers of a cichlid. second arch; Scale bars represent 50 µm (B and C).');
    expect(t.C).toBe('Gill rakers of a cichlid. detail of a raker. Scale bars represent 50 µm (B and C).');
  });

  it('keeps a legend glued after the values for every label, and leaves other shared sentences whole', () => {
    const parts = distributeValueSentence('Original magnification ×40 (a), ×200 (b). c.v., central vein.', new Set(['a', 'b']));
    expect(parts?.get('a')).toBe('Original magnification ×40 (a). c.v., central vein.');
    expect(parts?.get('b')).toBe('Original magnification ×200 (b). c.v., central vein.');
    // No value per group, labels not of the figure, or one group only: not distributed.
    expect(distributeValueSentence('Arrows mark the lesion in (A) and the cyst in (B).', new Set(['a', 'b']))).toBeUndefined();
    expect(distributeValueSentence('Scale bar = 20 µm (A), 10 µm (Q).', new Set(['a', 'b']))).toBeUndefined();
    expect(distributeValueSentence('Scale bar = 20 µm (A).', new Set(['a']))).toBeUndefined();
  });
});

describe('sub-labels and nested letters (splitter 1.5.0)', () => {
  it('reports sub-labels named together inside a run of letters under their letter', () => {
    const r = splitCaption('Glial markers. (A) GFAP in cortex. (B) Iba1 in cortex. (C1 and C2) S100 in two layers. (D) Olig2 in white matter.');
    expect(r.labels).toEqual(['A', 'B', 'C', 'D']);
    expect(r.subcaptions[2]?.specific).toContain('S100 in two layers');
    // Sub-labels that each have their own description stay panels.
    const apart = splitCaption('Kidney sections. (A) Overview. (B1) Normal cortex; (B2) mild fibrosis; (B3) severe fibrosis; (C) Scoring.');
    expect(apart.labels).toEqual(['A', 'B1', 'B2', 'B3', 'C']);
  });

  it('reads lower-case letters that start again from a inside each upper-case panel as items, not panels', () => {
    const r = splitCaption(
      'Parts of a dental drill. A) Assembled drill: head (a), sleeve (b) and base (c), and its cross section (d). B) Base alone: shaft (a), collar (b), tip (c), thread (d) and end view (e). C) Head in a model canal.',
    );
    expect(r.labels).toEqual(['A', 'B', 'C']);
    expect(r.subcaptions[1]?.specific).toContain('shaft (a), collar (b)');
    // The article "A" between lower-case labels is no upper-case panel that the letters would restart after.
    expect(splitCaption('a–b Pelvic mass. A 50-year-old woman with pain. Sagittal T2-weighted image (a) and axial T1-weighted image (b).').labels).toEqual(['a', 'b']);
  });
});

describe('abbreviations defined in brackets (splitter 1.5.0)', () => {
  it('a bracketed initial next to another bracketed abbreviation is no label', () => {
    expect(splitCaption('Drug carriers. (A) Release over time. (B) Uptake in cells treated with doxorubicin (D) and doxorubicin-liposome (DL) for 6 h.').labels).toEqual(['A', 'B']);
    expect(splitCaption('Fractionation. (A) Growth curves. (B) Blots of cytosolic (C) and nuclear (N) fractions probed for tubulin.').labels).toEqual(['A', 'B']);
    // Postfix labels whose words merely start with their letter, and a panel C described after the abbreviation, stay.
    expect(splitCaption('Imaging of the pelvis on CT (A) and on MRI (B) and on PET (C).').labels).toEqual(['A', 'B', 'C']);
    expect(splitCaption('Fractionation. (A) Growth curves. (B) Blots of cytosolic (C) and nuclear (N) fractions. (C) Quantification.').labels).toEqual(['A', 'B', 'C']);
  });
});

describe('lead-in of labels that follow their noun (splitter 1.5.0)', () => {
  it('a preposition that the later items repeat belongs to each item, not to the shared lead-in', () => {
    const t = text('Binding curves of the ligand to wild-type protein expressed in yeast (A) and mutants in loop 2 (B) and in loop 3 (C).');
    expect(t.A).toBe('Binding curves of the ligand to wild-type protein expressed in yeast.');
    expect(t.B).toBe('Binding curves of the ligand to mutants in loop 2.');
    expect(t.C).toBe('Binding curves of the ligand to in loop 3.');
  });
});

describe('panels named as such in running text (splitter 1.5.0)', () => {
  it('a sentence about an earlier panel, named "panel A", goes to that panel, not to the one before it', () => {
    const t = text('Binding assays. (A) Wild-type protein. (B) First mutant. (C) Second mutant. Buffer-only controls are included in panel A.');
    expect(t.A).toContain('Buffer-only controls are included in panel A.');
    expect(t.C).not.toContain('Buffer-only controls');
    expect(t.C).toContain('Second mutant.');
  });

  it('a letter missing from a run of labels, named "panel B" in the text, is that panel', () => {
    const r = splitCaption('Protein levels after knock-down. A, Immunoblots of the lysates. Quantitative data in panel B are shown relative to actin. C, Staining of the cells. D, Merged images.');
    expect(r.labels).toEqual(['A', 'B', 'C', 'D']);
    expect(r.subcaptions[1]?.specific).toBe('Quantitative data in panel B are shown relative to actin.');
    // Outside the run (or already a label) it is only a reference.
    expect(splitCaption('Knock-down. A, Immunoblots. B, Staining. Compare with panel E of the previous figure.').labels).toEqual(['A', 'B']);
  });
});

describe('a group label whose labels are named again in its sentence (splitter 1.5.0)', () => {
  it('"(C–D) X for (C) a and (D) b c": each label gets the lead-in, its item and the shared trailing words', () => {
    const r = splitCaption('Drug screens. (A) Hairpin counts. (B) Hit list. (C–D) Enriched pathways for (C) drug X and (D) drug Y sensitiser genes. Tests were corrected for multiple comparisons.');
    expect(r.labels).toEqual(['A', 'B', 'C', 'D']);
    const t = Object.fromEntries(r.subcaptions.map((s) => [s.label, s.specific]));
    expect(t.C).toBe('Enriched pathways for drug X sensitiser genes. Tests were corrected for multiple comparisons.');
    expect(t.D).toBe('Enriched pathways for drug Y sensitiser genes. Tests were corrected for multiple comparisons.');
    // Named again after a clause break, they describe panels of their own.
    const apart = splitCaption('Venn diagrams. (A–C) Overlaps for: (A) screen one; (B) screen two and (C) both screens.');
    expect(Object.fromEntries(apart.subcaptions.map((s) => [s.label, s.specific])).B).toContain('screen two');
  });
});
