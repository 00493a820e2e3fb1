import { describe, expect, it } from 'vitest';
import { distributeClauses } from './clauses.ts';
import { splitCaption } from './split.ts';

// Sentences from the captions of Hur et al., Nat. Commun. 9, 3845 (2018), CC BY 4.0.
const SCHEMATIC =
  'Schematic of the synthesis process (a) of the bulk manganese oxides (BM), polyhedron manganese oxide (PM), and silver manganate nanoplate (SMNp), and the summary of the catalytic effects (b) of the SMNp.';
const STEM =
  'Simulated HAADF-STEM image (c), indicating the highest electron density with red color and the lowest with black, and annular bright-field (ABF)-STEM image (d) showing the Ag2MnO4 orthorhombic structure.';
const SEM = 'Scanning electronic microscopy (SEM) images of the BM (c), PM (d), and SMNp (e) showing plate-like structures with silver nanoparticles.';

describe('distributeClauses', () => {
  it.each([
    [
      'clauses joined by ", and"; commas inside brackets and between list items are not the break',
      ['a', 'b'],
      SCHEMATIC,
      [
        'Schematic of the synthesis process (a) of the bulk manganese oxides (BM), polyhedron manganese oxide (PM), and silver manganate nanoplate (SMNp)',
        'the summary of the catalytic effects (b) of the SMNp.',
      ],
    ],
    [
      'a participle clause after the first name stays with it',
      ['c', 'd'],
      STEM,
      [
        'Simulated HAADF-STEM image (c), indicating the highest electron density with red color and the lowest with black',
        'annular bright-field (ABF)-STEM image (d) showing the Ag2MnO4 orthorhombic structure.',
      ],
    ],
  ])('%s', (_why, labels, text, expected) => {
    const out = distributeClauses({ labels, text });
    expect(out.map((o) => o.labels)).toEqual(labels.map((l) => [l]));
    expect(out.map((o) => o.text)).toEqual(expected);
  });

  it.each([
    ['a label named twice', ['a', 'b'], 'Control (a) and treated cells after 24 hours of exposure (b), compared with (a).'],
    ['a label not named', ['a', 'b', 'c'], SCHEMATIC],
    ['names out of order', ['b', 'a'], SCHEMATIC],
    ['no clause break between the names', ['a', 'b'], 'Staining (a) of the tumour margin with antibody against the receptor (b).'],
    ['one label', ['a'], SCHEMATIC],
  ])('leaves the text whole: %s', (_why, labels, text) => {
    expect(distributeClauses({ labels, text })).toEqual([{ labels, text }]);
  });

  it('splitter 1.5.0: gives each label of an enumeration of labels after their nouns the lead-in, its item and the trailing words', () => {
    expect(distributeClauses({ labels: ['c', 'd', 'e'], text: SEM }).map((o) => [o.labels, o.text])).toEqual([
      [['c'], 'Scanning electronic microscopy (SEM) images of the BM showing plate-like structures with silver nanoparticles.'],
      [['d'], 'Scanning electronic microscopy (SEM) images of PM showing plate-like structures with silver nanoparticles.'],
      [['e'], 'Scanning electronic microscopy (SEM) images of SMNp showing plate-like structures with silver nanoparticles.'],
    ]);
    // A long trailer with clauses of its own is not an item's tail: the sentence stays whole.
    const long = 'Spectra of the mutant (b) and the wild type (c) after heating, cooling, and refolding for two hours at room temperature in buffer.';
    expect(distributeClauses({ labels: ['b', 'c'], text: long })).toEqual([{ labels: ['b', 'c'], text: long }]);
  });

  it('keeps the sentences around the distributed one with the whole group', () => {
    const out = distributeClauses({ labels: ['c', 'd'], text: `Overview of the samples. ${STEM} Both at 300 kV.` });
    expect(out.map((o) => o.labels)).toEqual([['c', 'd'], ['c'], ['d'], ['c', 'd']]);
    expect(out[0]?.text).toBe('Overview of the samples.');
    expect(out[3]?.text).toBe('Both at 300 kV.');
  });
});

describe('splitCaption with a group whose sentence describes each label in its own clause', () => {
  it('gives each label its clause, and each item of the enumeration its own noun (splitter 1.5.0)', () => {
    const split = splitCaption(`Formation of the stripe pattern. a, b ${SCHEMATIC} c–e ${SEM}`);
    const specific = Object.fromEntries(split.subcaptions.map((s) => [s.label, s.specific]));
    expect(split.labels).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(specific.a).toMatch(/^Schematic of the synthesis process \(a\).*\(SMNp\)$/);
    expect(specific.b).toBe('the summary of the catalytic effects (b) of the SMNp.');
    expect(specific.c).toBe('Scanning electronic microscopy (SEM) images of the BM showing plate-like structures with silver nanoparticles.');
    expect(specific.e).toBe('Scanning electronic microscopy (SEM) images of SMNp showing plate-like structures with silver nanoparticles.');
  });
});
