import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evaluateCaptions, expandRange, scanLabelMentions, splitCaption, splitSentences, tokenF1 } from './index.ts';

const fixtures = fileURLToPath(new URL('../../../../test/fixtures/captions/', import.meta.url));
type GtFigure = { caption: string; gt_subfigures: Array<{ label: { text: string }; caption: string }> };
const prostate = JSON.parse(readFileSync(`${fixtures}prostate-subcaptions.json`, 'utf8')) as Record<string, GtFigure>;
const jats = JSON.parse(readFileSync(`${fixtures}jats-captions.json`, 'utf8')) as {
  rows: Array<{ source: string; caption: string; boldLabels: string[]; expectedLabels: string[] }>;
};

const lower = (xs: string[]): string[] => xs.map((x) => x.toLowerCase());

// Real captions (prostate set), one per label form; the expected labels come from the hand-split fixture.
const FORMS: Array<[form: string, id: string]> = [
  ['(A) prefix in parentheses', '6605227f1.jpg'],
  ['A. glued after the title ("cancer.A.")', 'pone.0021625.g001.jpg'],
  ['(a) lower case, comma separated', 'pone.0128525.g001.jpg'],
  ['a) half parenthesis', 'srep00526-f2.jpg'],
  ['A, comma after a bare label', 'cln-66-06-965-g003.jpg'],
  ['A: colon, range D-F:, mixed parenthesis (D and E, red dashed lines)', '1746-1596-9-41-9.jpg'],
  ['(A and B) list', '6606070f1.jpg'],
  ['(A,B) list without spaces', 'srep09976-f3.jpg'],
  ['postfix labels "... (a)."', 'ECAM2015-687196.002.jpg'],
  ['sub-labels B1, B2, B3', 'srep12090-f4.jpg'],
  ['bare lower-case label before "*10"', '13104_2015_1445_Fig2_HTML.jpg'],
  ['"a Gleason grade 2, b ..." after a colon', '775_2010_675_Fig1_HTML.jpg'],
  ['"(B) and C)" unbalanced list', '1752-1947-4-16-2.jpg'],
  ['"((a), (b))" group header then (a), (b)', 'CRIU2014-230852.002.jpg'],
  ['reference "as (A)" inside a subcaption', 'BMRI2014-356427.006.jpg'],
  ['"A and C: 100X" list with colon', '1471-2407-13-258-10.jpg'],
  ['"A and B)" then "A) H&E" (H&E is not a label)', 'pone.0060277.g003.jpg'],
  ['"Note: A, ...; B ..." continuation of the sequence', 'ott-6-1501Fig1.jpg'],
  ['inline-only labels "antisense (b) and sense (c) probes"', '86-6600163f2.jpg'],
  ['postfix (a) then prefix "b Adenocarcinoma"', '11701_2011_270_Fig1_HTML.jpg'],
  ['prefix (a) then postfix (b)..(e)', 'JPI-2-19-g009.jpg'],
  ['"(K) normal tissue and (L) tumour"', '6605569f1.jpg'],
  ['title glued to the first label "tissuesA) Evaluation"', 'oncotarget-06-6136-g001.jpg'],
  ['"(neurons and microglia) B: Colon" colon label after a bracket', 'pone.0026902.g006.jpg'],
  ['"S.D." is not a label D', 'pone.0086917.g005.jpg'],
  ['"E) malignant melanoma and F) colorectal" half parenthesis after "and"', '1479-5876-11-104-2.jpg'],
  ['"progesterone receptor f) in more" half parenthesis after a word', 'rt-2014-4-5607-g001.jpg'],
  ['postfix run "H&E (E), AR (F) and Ki-67 (G) staining"', 'tox-27-043-g003.jpg'],
  ['range inside mixed brackets "(anti-CD34, E-H)"', '1476-4598-2-34-1.jpg'],
  ['"(image A and B)", "(PSA; image C)"', 'rt-2010-4-e65-g003.jpg'],
];

describe('splitCaption: label forms in real captions', () => {
  it.each(FORMS)('%s', (_form, id) => {
    const fig = prostate[id];
    expect(fig).toBeDefined();
    const truth = fig!.gt_subfigures.map((s) => s.label.text);
    expect(lower(splitCaption(fig!.caption).labels)).toEqual(lower(truth));
  });
});

describe('splitCaption: JATS captions (labels and negatives)', () => {
  it.each(jats.rows.map((r) => [r.source.split('/').pop(), r.caption.slice(0, 50), r] as const))('%s: %s', (_s, _c, row) => {
    const r = splitCaption(row.caption, { boldLabels: row.boldLabels });
    expect(r.labels).toEqual(row.expectedLabels);
  });
});

describe('splitCaption: negatives that must not split', () => {
  it.each([
    'Expression of E-cadherin and IL-6 in A549 cells (Figure 2A) after treatment (ref. A).',
    'Fe(II) and Cu(I) complexes were measured at pH 7.4 (n = 3, p < 0.05).',
    'Tumours (T) and normal tissue (N) were compared; vitamin A levels are shown.',
    'A mouse model of prostate cancer. A representative section is shown.',
    'Survival curves of patients (Figure 1B). See Table A for details.',
    'The wild tobacco plant N. attenuata relies on defences against M. sexta caterpillars.',
  ])('%s', (caption) => {
    const r = splitCaption(caption);
    expect(r.labels).toEqual([]);
    expect(r.subcaptions).toEqual([]);
    expect(r.shared).toBe(caption);
  });
});

describe('splitCaption: subcaption content', () => {
  it('gives each label the title, its own sentences and the generic trailing sentences', () => {
    const r = splitCaption(prostate['6605227f1.jpg']!.caption);
    const a = r.subcaptions.find((s) => s.label === 'A')!;
    expect(a.text.startsWith('Immunohistochemical expression of Hsp-27 in TMA cores')).toBe(true);
    expect(a.text).toContain('Basal cells are scanty');
    expect(a.text).not.toContain('Hyperplastic but not dysplastic');
    expect(a.text).toContain('Magnification of all cores');
    expect(r.shared).toContain('Magnification of all cores');
    expect(a.specific).not.toContain('Magnification of all cores');
  });

  it('expands ranges and lists so each label gets its own subcaption', () => {
    const r = splitCaption('Staining of tumours. (A-C) H&E sections; (D, E) Ki-67; F and G: controls.');
    expect(r.labels).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G']);
    expect(r.subcaptions.find((s) => s.label === 'B')?.specific).toBe('H&E sections;');
    expect(r.subcaptions.find((s) => s.label === 'E')?.specific).toBe('Ki-67;');
    expect(r.subcaptions.find((s) => s.label === 'G')?.specific).toBe('controls.');
  });

  it('reads roman numerals and positional words when they are the only labels', () => {
    expect(splitCaption('Cell counts. (i) Control cells. (ii) Treated cells. (iii) Rescue.').labels).toEqual(['i', 'ii', 'iii']);
    expect(splitCaption('Overview. Left: H&E staining. Right: Ki-67 staining.').labels).toEqual(['left', 'right']);
  });

  it('reads "Panel A ..." sentences as labelled descriptions', () => {
    const r = splitCaption('Survival of mosquitoes. Panel A represents hourly aggressiveness. Panel B boxes are percentiles.');
    expect(r.labels).toEqual(['A', 'B']);
    expect(r.subcaptions[1]?.specific).toBe('boxes are percentiles.');
  });

  it('treats bold letters as labels where plain ones would be ambiguous', () => {
    const caption = 'Sections of the gland. a normal gland; b tumour with necrosis.';
    expect(splitCaption(caption).labels).toEqual([]);
    expect(splitCaption(caption, { boldLabels: ['a', 'b'] }).labels).toEqual(['a', 'b']);
  });

  it('flags uncertain splits instead of guessing silently', () => {
    const gap = splitCaption('Histology. (A) Tumour. (B) Stroma. (E) Lymph node.');
    expect(gap.flags).toContain('gap-in-sequence');
    const single = splitCaption('(A) Tumour cells stained for PSA.');
    expect(single.flags).toContain('single-label');
    expect(single.confidence).toBeLessThan(0.9);
    const clean = splitCaption('Histology. (A) Tumour. (B) Stroma. (C) Lymph node.');
    expect(clean.confidence).toBeGreaterThan(gap.confidence);
  });
});

describe('label sets, sentences, tokens', () => {
  it('expands ranges of letters, sub-labels and roman numerals and rejects the rest', () => {
    expect(expandRange({ text: 'A', kind: 'letter' }, { text: 'D', kind: 'letter' })?.map((a) => a.text)).toEqual(['A', 'B', 'C', 'D']);
    expect(expandRange({ text: 'A1', kind: 'letter' }, { text: 'A3', kind: 'letter' })?.map((a) => a.text)).toEqual(['A1', 'A2', 'A3']);
    expect(expandRange({ text: 'i', kind: 'roman' }, { text: 'iv', kind: 'roman' })?.map((a) => a.text)).toEqual(['i', 'ii', 'iii', 'iv']);
    expect(expandRange({ text: 'D', kind: 'letter' }, { text: 'A', kind: 'letter' })).toBeUndefined();
    expect(expandRange({ text: 'a', kind: 'letter' }, { text: 'D', kind: 'letter' })).toBeUndefined();
  });

  it('splits sentences but not at abbreviations, decimals or single-letter labels', () => {
    const t = 'Tumour (Fig. 2) at 0.5 mm. A. H&E section. Cells.Next sentence';
    expect(splitSentences(t).map((s) => t.slice(s.start, s.end))).toEqual(['Tumour (Fig. 2) at 0.5 mm.', 'A. H&E section.', 'Cells.', 'Next sentence']);
  });

  it('scores token F1 as bag-of-words overlap', () => {
    expect(tokenF1('a b c', 'a b c')).toBe(1);
    expect(tokenF1('', 'a')).toBe(0);
    expect(tokenF1('a b', 'a c')).toBeCloseTo(0.5);
  });

  it('classifies mention roles', () => {
    const ms = scanLabelMentions('Title. (A) Tumour as in (B). Stroma (C).');
    expect(ms.map((m) => [m.atoms.map((a) => a.text).join(), m.role])).toEqual([
      ['A', 'prefix'],
      ['B', 'postfix'],
      ['C', 'postfix'],
    ]);
  });
});

describe('development set', () => {
  it('keeps label F1 >= 0.95 and mean subcaption token F1 >= 0.85 on the prostate captions', () => {
    const r = evaluateCaptions(prostate);
    expect(r.figures).toBe(196);
    expect(r.labelF1).toBeGreaterThanOrEqual(0.95);
    expect(r.meanSubcaptionTokenF1).toBeGreaterThanOrEqual(0.85);
  });
});

describe('robustness', () => {
  it('never throws and returns a consistent structure for arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'grapheme' }), (s) => {
        const r = splitCaption(s);
        expect(r.subcaptions.map((x) => x.label)).toEqual(r.labels);
        expect(new Set(r.labels.map((l) => l.toLowerCase())).size).toBe(r.labels.length);
        expect(r.confidence).toBeGreaterThanOrEqual(0);
        expect(r.confidence).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it('survives label-heavy random text', () => {
    const piece = fc.constantFrom('(A)', '(b)', 'C.', 'd)', ' and ', ', ', '(', ')', 'A-C', '（Ｂ）', '–', ' staining ', '. ', 'ii', '<b>', '&amp;', '\u202e');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (parts) => {
        const r = splitCaption(parts.join(''));
        expect(r.subcaptions.length).toBe(r.labels.length);
      }),
      { numRuns: 300 },
    );
  });

  it('handles markup remnants, full-width brackets, Unicode dashes and right-to-left marks', () => {
    const r = splitCaption('<title>Histology.</title> <p>（Ａ） H&amp;E stain. \u200f(B\u2013D) Ki\u201167 stain.</p>');
    expect(r.labels).toEqual(['A', 'B', 'C', 'D']);
    expect(r.shared).toBe('Histology.');
    expect(r.subcaptions[0]?.specific).toBe('H&E stain.');
  });

  it('returns an empty split for empty input and keeps only-label captions', () => {
    expect(splitCaption('').labels).toEqual([]);
    expect(splitCaption('   \n ').flags).toContain('empty-caption');
    expect(splitCaption('A: B: C: D:').labels).toEqual(['A', 'B', 'C', 'D']);
    const only = splitCaption('(A) (B) (C)');
    expect(only.labels).toEqual(['A', 'B', 'C']);
    expect(only.flags).toContain('empty-subcaption');
  });
});

describe('sub-label runs and positional phrases', () => {
  it('keeps numbered sub-label runs that continue from A: "A1-A3, …; B1-B3, …"', () => {
    const split = splitCaption('Serial sections. A1–A3, sections of the tumour; B1–B3, control sections.', { subLabels: 'keep' });
    expect(split.labels).toEqual(['A1', 'A2', 'A3', 'B1', 'B2', 'B3']);
    expect(split.subcaptions.find((s) => s.label === 'B2')?.specific).toBe('control sections.');
  });

  it('still treats numbered letters that never start from A as variables: "T1: day 1; T2: day 5"', () => {
    expect(splitCaption('Growth curves. T1: day 1; T2: day 5; T3: day 9.').labels).toEqual([]);
  });

  it('reads "Left panel shows …; right panel shows …" as positional labels and keeps the phrase in the text', () => {
    const split = splitCaption('Left panel shows control cells; right panel shows treated cells. Scale bar, 50 µm.');
    expect(split.labels).toEqual(['left', 'right']);
    expect(split.subcaptions.map((s) => s.specific)).toEqual(['Left panel shows control cells;', 'right panel shows treated cells.']);
  });
});
