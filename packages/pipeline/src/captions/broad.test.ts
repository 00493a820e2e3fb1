import { describe, expect, it } from 'vitest';
import { splitCaption } from './index.ts';
import { chainMentions } from './chain.ts';

const specific = (caption: string): Record<string, string> =>
  Object.fromEntries(splitCaption(caption).subcaptions.map((s) => [s.label, s.specific]));
const text = (caption: string): Record<string, string> => Object.fromEntries(splitCaption(caption).subcaptions.map((s) => [s.label, s.text]));

describe('label chains without brackets', () => {
  it('reads bare letters in running text when they count A, B, C…', () => {
    const r = splitCaption('Beetle, holotype male: A head, frontal view B pronotum, dorsal C elytra, lateral view D aedeagus, ventral.');
    expect(r.labels).toEqual(['A', 'B', 'C', 'D']);
    expect(r.flags).toContain('label-chain');
    expect(r.subcaptions[1]?.specific).toBe('pronotum, dorsal');
  });

  it('reads numbered panels, also glued to the previous word', () => {
    expect(splitCaption('Surgical steps. 1. Incision of the skin 2. Opening of the capsule 3. Closure').labels).toEqual(['1', '2', '3']);
    expect(splitCaption('Two views of the stained sections1. Staining of the cortex. 2. Staining of the medulla.').labels).toEqual(['1', '2']);
  });

  it('reads figure number + letter labels and half brackets before a full stop', () => {
    expect(splitCaption('Moth species. 3A Wing, dorsal. 3B Wing, ventral. 3C Antenna.').labels).toEqual(['A', 'B', 'C']);
    expect(splitCaption('Scan before surgery shows A). Large cyst, B). Small nodule.').labels).toEqual(['A', 'B']);
  });

  it('reads several labels inside one bracket', () => {
    expect(splitCaption('Forest plots of the trials (a: drug vs placebo; b: drug vs surgery)').labels).toEqual(['a', 'b']);
  });

  it('does not read a chain from prose numbers, articles or a lone letter', () => {
    expect(splitCaption('A 45-year-old man with 2 lesions and 3 cysts in a kidney.').labels).toEqual([]);
    expect(splitCaption('Growth over 3 days in 2 media at 37 degrees.').labels).toEqual([]);
    expect(chainMentions('a b')).toEqual([]);
  });
});

describe('shared text', () => {
  it('shares trailing abbreviation lists and figure notes with every label', () => {
    const t = text('Skull. (A) Dorsal view. (B) Ventral view. Abbreviations: fr, frontal; pa, parietal.');
    expect(t.A).toContain('Abbreviations: fr, frontal; pa, parietal.');
    expect(t.B).toContain('Abbreviations: fr, frontal; pa, parietal.');
    const u = text('Western blots. (A) Lysates of cells. (B) Lysates of tissue. Blots are representative of three independent experiments.');
    expect(u.A).toContain('representative of three');
  });

  it('gives the words leading into a sentence of labels to every label of that sentence', () => {
    const s = specific('Staining of tissues. (A) Liver. Staining for the marker in (B) normal kidney; (C) tumour kidney.');
    expect(s.B).toBe('Staining for the marker in normal kidney;');
    expect(s.C).toBe('Staining for the marker in tumour kidney.');
    expect(s.A).toBe('Liver.');
  });

  it('gives each label that follows its noun the lead-in, its own noun phrase and the trailing words', () => {
    const s = specific('Bones of the hand in palmar (A), dorsal (B), and lateral (C) views.');
    expect(s).toEqual({ A: 'Bones of the hand in palmar views.', B: 'Bones of the hand in dorsal views.', C: 'Bones of the hand in lateral views.' });
    const p = specific('Levels of glucose (a), insulin (b) and leptin (c) in treated mice.');
    expect(p.b).toBe('Levels of insulin in treated mice.');
  });
});

describe('hostile inputs stay fast', () => {
  it('splits long chains and long enumerations quickly', () => {
    const letters = Array.from({ length: 26 }, (_, k) => `${String.fromCharCode(65 + k)} part, view`).join(' ');
    const long = `${letters} `.repeat(400);
    const enumeration = `Levels of ${'x (A), '.repeat(5000)}and y (B) in mice.`;
    const nested = `${'('.repeat(3000)}a: x; b: y${')'.repeat(3000)}`;
    const t0 = Date.now();
    for (const c of [long, enumeration, nested, '1. '.repeat(20_000), 'sections1. A'.repeat(5000)]) splitCaption(c);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});

describe('sub-labels and legends', () => {
  it('reports sub-labels under their letter when the letter is named alone (configurable)', () => {
    const caption = 'Leg bones. A, tibia in lateral view; B, femur in dorsal (B1) and ventral (B2) views; C, fibula.';
    const r = splitCaption(caption);
    expect(r.labels).toEqual(['A', 'B', 'C']);
    expect(r.flags).toContain('sublabels-merged');
    expect(r.subcaptions[1]?.specific).toContain('dorsal');
    expect(r.subcaptions[1]?.specific).toContain('ventral');
    expect(splitCaption(caption, { subLabels: 'keep' }).labels).toEqual(['A', 'B', 'B1', 'B2', 'C']);
  });

  it('keeps sub-labels whose letter never appears alone', () => {
    expect(splitCaption('Staining. (A) Overview. (B1) Normal gland; (B2) tumour gland. (C) Stroma.').labels).toEqual(['A', 'B1', 'B2', 'C']);
  });

  it('does not read abbreviation legends as labels', () => {
    expect(splitCaption('Foot skeleton in dorsal view. Abbreviations: f, femur; t, tibia; p1-p3, phalanges.').labels).toEqual([]);
    expect(splitCaption('Hind limb. (A) Lateral view. (B) Medial view. f, femur; t, tibia; m, metatarsal.').labels).toEqual(['A', 'B']);
  });
});

describe('two-item enumerations', () => {
  it('splits "X of a (A) and b (B)" into one item per label', () => {
    const s = specific('The structure of glucose (A) and fructose (B).');
    expect(s).toEqual({ A: 'The structure of glucose.', B: 'The structure of fructose.' });
  });
});

describe('figure title prefix', () => {
  it('drops "Figure N." from the shared title', () => {
    const r = splitCaption('Figure 2. Effect of the drug. (A) Liver. (B) Kidney.');
    expect(r.shared).toBe('Effect of the drug.');
    expect(r.subcaptions[0]?.text).toBe('Effect of the drug. Liver.');
    expect(splitCaption('Fig. S3: Growth curves. (a) Day 1. (b) Day 2.').shared).toBe('Growth curves.');
  });
});

describe('split-1.3.0 rules (invented captions)', () => {
  it('labels after a preposition: each label gets the lead-in, its item and the shared trailing word', () => {
    const r = splitCaption('Skull bones of a new rodent. Mandible in (A) dorsal and (B) ventral views. Maxilla in (C) lateral and (D) medial views.');
    expect(r.labels).toEqual(['A', 'B', 'C', 'D']);
    expect(specific('Skull bones of a new rodent. Mandible in (A) dorsal and (B) ventral views. Maxilla in (C) lateral and (D) medial views.')).toEqual({
      A: 'Mandible in dorsal views.',
      B: 'Mandible in ventral views.',
      C: 'Maxilla in lateral views.',
      D: 'Maxilla in medial views.',
    });
  });

  it('colon-then-label items close their label', () => {
    const s = specific('The jaw of a fossil shark. Lateral view : A, medial view : B, dorsal view: C, ventral view : D).');
    expect(Object.keys(s)).toEqual(['A', 'B', 'C', 'D']);
    expect(s.B).toBe('medial view :');
    // A single "X: A, word" is still a prefix label.
    expect(specific('Brain sections: A, control mice; B, treated mice.')).toEqual({ A: 'control mice;', B: 'treated mice.' });
  });

  it('a label range closed by ";" continues the sequence', () => {
    const s = specific('Hindlimb bones of a crocodile. A-B, femur in lateral and medial views; C-D; tibia in anterior and posterior views.');
    expect(Object.keys(s)).toEqual(['A', 'B', 'C', 'D']);
    expect(s.C).toBe('tibia in anterior and posterior views.');
    expect(s.A).toBe('femur in lateral and medial views;');
  });

  it('a positional word in brackets after a letter label stays in its text', () => {
    expect(specific('Tumour growth. a (Left): control mice. b (Right): treated mice.')).toEqual({ a: '(Left): control mice.', b: '(Right): treated mice.' });
  });

  it('a roman numeral before a bare label does not swallow it', () => {
    expect(splitCaption('Kidney sections: A) normal kidney, B) grade II, C) grade III tumours.').labels).toEqual(['A', 'B', 'C']);
  });

  it('a legend of lower-case abbreviations after the last panel is shared', () => {
    const r = splitCaption('Skull of a shrew. (A) Lateral view. (B) Ventral view. ju, jugal; mx, maxilla; sq, squamosal.');
    expect(r.subcaptions[0]?.text).toContain('ju, jugal');
    expect(r.subcaptions[1]?.specific).toBe('Ventral view.');
  });
});

describe('split-1.4.0 rules (invented captions)', () => {
  it('a full word before a full stop ends its sentence: "… all panels. (b) …" is a label', () => {
    expect(splitCaption('Neurons in culture. (a) Phase images. Scale bar applies to all panels. (b) Viability of the neurons. (c) Counts.').labels).toEqual(['a', 'b', 'c']);
    // An abbreviation still makes the next letter a reference.
    expect(splitCaption('Liver sections (see Fig. A). (A) Control. (B) Treated.').labels).toEqual(['A', 'B']);
  });

  it('chooses the case from the labels named, each once: repeated sub-panel letters do not outvote the panels', () => {
    const caption =
      'Cell lines differ. (A) Nuclear levels. Cells with low (a, b) and high (c, d) levels are shown. (B) Cytoplasmic levels. Cells with low (a, b) and high (c, d) levels. Bars, 10 µm (b) and 5 µm (d). (C) Spindle levels with low (a, b) and high (c, d) levels. (D) Summary.';
    const r = splitCaption(caption);
    expect(r.labels).toEqual(['A', 'B', 'C', 'D']);
    expect(r.subcaptions[3]?.specific).toBe('Summary.');
  });

  it('a bare "A" before a number or lower-case word is the article when the label A is written otherwise', () => {
    const r = splitCaption('A 52-year-old woman with a renal mass. Low signal on the T1 image (A) and the T2 image (B). Enhancement on CT (C).');
    expect(r.labels).toEqual(['A', 'B', 'C']);
    expect(r.shared).toContain('A 52-year-old woman');
    expect(r.subcaptions.every((s) => s.text.startsWith('A 52-year-old woman'))).toBe(true);
    const p = splitCaption('A 30-year-old man with a neck mass. A. Transverse scan of the mass. B. Longitudinal scan.');
    expect(p.subcaptions.map((s) => s.specific)).toEqual(['Transverse scan of the mass.', 'Longitudinal scan.']);
    // Before a capital it stays a label.
    expect(splitCaption('Electron microscopy. a Filtered image of the plate. b Line profile. Scale bars, 1 nm (a).').labels).toEqual(['a', 'b']);
  });

  it('a short bracketed aside after a label does not decide its role: "(B) (arrows) indicates …"', () => {
    const s = text('A man with a tumour. Low signal on the T1 scan (A) and T2 scan (B) (arrows) indicates bleeding. No bleeding on CT (C).');
    // (Since 1.5.0 each postfix label gets its own item and the shared words after the last one.)
    expect(s.B).toContain('T2 scan (arrows) indicates bleeding.');
    expect(s.A).toContain('T1 scan (arrows) indicates bleeding.');
    expect(s.C).toContain('No bleeding on CT');
  });

  it('a bare first label after a word is kept when the next one, written the same way, continues it', () => {
    expect(specific('Tendons of a dinosaur. Drawing of the tendons in A) anterior, B) lateral, C) posterior views.')).toMatchObject({
      A: expect.stringContaining('anterior'),
      B: expect.stringContaining('lateral'),
    });
    expect(splitCaption('Tendons of a dinosaur. Drawing of the tendons in A) anterior, B) lateral, C) posterior views.').labels).toEqual(['A', 'B', 'C']);
    // Alone it is still prose.
    expect(splitCaption('Tendons seen in A) cross-section only.').labels).toEqual([]);
  });

  it('a letter named only by sub-labels that do not count from 1 is not a panel: "(G3) and proximal (H4)"', () => {
    const r = splitCaption('Foot bones. F, calcaneus in dorsal (F1) and medial (F2) views; G, astragalus in dorsal (G1), ventral (G2) and proximal (H4) views.');
    expect(r.labels).toEqual(['F', 'G']);
  });

  it('letters after a category noun name categories, not panels: "pattern A–C, D and E", "type A, B and C"', () => {
    expect(splitCaption('Proportion of emm pattern A–C, D and E isolates in each region.').labels).toEqual([]);
    expect(splitCaption('Strains of type A, B and C are shown in red, blue and green.').labels).toEqual([]);
    expect(splitCaption('Frequency of serogroup A, B and C meningococci by year.').labels).toEqual([]);
    // Also before the noun: "the A–C pattern … E pattern … D pattern".
    expect(splitCaption('Patterns by city. In the north, the A–C pattern was rare (14%) while E pattern (61%) and D pattern (18%) were common.').labels).toEqual([]);
    // Panels named after such a sentence are still read.
    expect(splitCaption('Isolates of emm pattern A–C. (A) Invasive isolates. (B) Carriage isolates.').labels).toEqual(['A', 'B']);
  });

  it('postfix labels after a number: the noun before the numbers is the lead-in of every item', () => {
    expect(specific('Histology of tumours with Gleason patterns 3 (a, b), and 4 (c, d). Bar, 50 µm.')).toEqual({
      a: 'Histology of tumours with Gleason patterns 3.',
      b: 'Histology of tumours with Gleason patterns 3.',
      c: 'Histology of tumours with Gleason patterns 4.',
      d: 'Histology of tumours with Gleason patterns 4.',
    });
  });

  it('references closed by a postfix label close their items from right to left', () => {
    const s = specific('Basal cells. The basal cells were faint in frozen sections (a) and were clear in fixed glands (b) and in resin sections (c).');
    expect(Object.keys(s)).toEqual(['a', 'b', 'c']);
    expect(s.a).toContain('frozen sections');
    expect(s.a).not.toContain('fixed glands');
  });

  it('"Strong (A) and weak (B) staining …": two postfix labels closing one-word items share the words after them', () => {
    expect(specific('Strong (A) and weak (B) KIN1 staining in the tumour cells. Strong (C) and weak (D) KIN1 staining in stroma.')).toEqual({
      A: 'Strong KIN1 staining in the tumour cells.',
      B: 'weak KIN1 staining in the tumour cells.',
      C: 'Strong KIN1 staining in stroma.',
      D: 'weak KIN1 staining in stroma.',
    });
  });

  it('a title without its full stop before "A." is kept when "B." continues it', () => {
    expect(splitCaption('Summary of the kinase structures A. hKIN1 binds the inhibitor as a monomer. B. The dimer of ADP-hKIN1. C. The apo form.').labels).toEqual([
      'A', 'B', 'C',
    ]);
    // A lone "A." after a word stays prose.
    expect(splitCaption('Cells were treated with compound A. mRNA was then extracted.').labels).toEqual([]);
  });

  it('a letter glued to a hyphenated word is not a list item: "(A) and Q-PCR (B)"', () => {
    expect(splitCaption('Expression was measured by immunoblotting (A) and Q-PCR (B). Levels of HYAL1 (C) and GREB1 (D) were also measured.').labels).toEqual([
      'A', 'B', 'C', 'D',
    ]);
  });

  it('a weak range inside the descriptions that runs past the firm labels names sites, not panels: "(A to F)"', () => {
    const caption = 'Oral cavity. A. Chart of the mouth with arrows at the sampling sites (A to F) and the tumour. B. Photograph of the tumour.';
    expect(splitCaption(caption).labels).toEqual(['A', 'B']);
    // A title range before the panels still announces them; a list after them still continues them.
    expect(splitCaption('Staining (A-D). (A) Liver. (B) Kidney. Lung (C) and heart (D) are shown.').labels).toEqual(['A', 'B', 'C', 'D']);
  });
});
