/**
 * Hostile caption inputs for the robustness test. The test runs them in a child process with a time
 * budget (`node --import tsx hostile-inputs.ts <name>`), so a regex that backtracks catastrophically
 * shows up as a killed process rather than a hung test run.
 */
import { splitCaption } from './split.ts';
import { scanLabelMentions } from './label-tokens.ts';
import { splitSentences } from './sentences.ts';

const prose = 'Immunohistochemical staining of prostate tissue (A) shows nuclei (B, C) and stroma; ';

export const HOSTILE_INPUTS: Record<string, () => string> = {
  long100k: () => prose.repeat(Math.ceil(100_000 / prose.length)).slice(0, 100_000),
  openParens10k: () => '('.repeat(10_000),
  closeParens10k: () => ')'.repeat(10_000),
  repeatedOpenLabel: () => '(A'.repeat(20_000),
  repeatedLabels: () => '(A) '.repeat(25_000),
  repeatedBareLabels: () => 'A. '.repeat(30_000),
  repeatedLists: () => 'A, B, and C, '.repeat(8_000),
  repeatedRanges: () => 'A-B-C-D-'.repeat(12_000),
  nestedParens: () => `${'(('.repeat(5_000)}A${'))'.repeat(5_000)}`,
  unbalancedMixed: () => '(A and (B, C) staining ('.repeat(4_000),
  panelWords: () => '(panel panel panel A '.repeat(5_000),
  tagsUnclosed: () => '<b '.repeat(30_000),
  tagsRepeated: () => '<bold>A</bold> staining. '.repeat(4_000),
  entities: () => '&amp;&#x41;&#65;&foo;'.repeat(8_000),
  dots: () => '.'.repeat(100_000),
  spaces: () => ' '.repeat(100_000),
  fullWidth: () => '（Ａ）ｓｔａｉｎｉｎｇ－（Ｂ）'.repeat(8_000),
  colonLabels: () => 'lateral view : A, medial view : B, '.repeat(3_000),
  prefixEnumerations: () => 'Bones in (A) dorsal and (B) ventral views. '.repeat(2_500),
  semicolonLabels: () => 'A-B; femur; C-D; tibia; '.repeat(4_000),
  positionalAfterLetter: () => 'a (Left): control. b (Right): treated. '.repeat(2_500),
  lowerCaseLegends: () => 'Skull. bo, basioccipital; bs, basisphenoid; '.repeat(2_500),
  rtl: () => '\u202e(A) \u05e6\u05d1\u05d9\u05e2\u05d4 (B) \u0635\u0628\u063a\u0629 '.repeat(5_000),
  dashes: () => 'a\u2013b\u2014c\u2212d '.repeat(20_000),
  positional: () => 'Upper left: upper left: lower right (inset) '.repeat(3_000),
  romans: () => '(iii) (iv) (xviii) ii. '.repeat(6_000),
  singleLetters: () => 'a b c d e f g h '.repeat(12_000),
  // One group sentence with both labels named and 9,000 clause breaks between them.
  groupClauses: () => `T. a, b X (a) ${'word, and ((( '.repeat(9_000)}Y (b) end.`,
  abbreviationLegend: () => `T. (A) x. ${'D: dorsal; V: ventral; '.repeat(4_000)}(B) y.`,
  panelPhrases: () => 'Left panel shows '.repeat(5_000),
  // Label chains, numbered panels, long enumerations and legends (splitter 1.2).
  bareChain: () => Array.from({ length: 26 }, (_, k) => `${String.fromCharCode(65 + k)} part, dorsal view `).join('').repeat(200),
  numberedGlued: () => 'sections1. Staining '.repeat(6_000),
  numberRanges: () => '1-2 x: 1 y 2 z '.repeat(8_000),
  longEnumeration: () => `Levels of ${'item (A), '.repeat(8_000)}and last (B) in mice.`,
  bracketLabelLists: () => `${'(a: x; b: y; '.repeat(4_000)}${')'.repeat(4_000)}`,
  abbreviationSentences: () => 'Abbreviations: f, femur; t, tibia; (A) x. '.repeat(3_000),
  leadIns: () => 'Staining for x in (A) y; (B) z. '.repeat(4_000),
  // Splitter 1.4: asides after labels, category nouns, number items, right-to-left postfix closing, articles.
  asidesAfterLabels: () => '(A) (arrows '.repeat(10_000),
  categoryNouns: () => 'pattern A-C, D and E, type A, B and '.repeat(3_000),
  numberItems: () => `Gleason patterns ${'3 (a, b), and '.repeat(6_000)}4 (c).`,
  postfixChain: () => `${'cells (a) and x '.repeat(8_000)}cells (b).`,
  articles: () => 'A 5-year-old (A) A. a '.repeat(6_000),
  halfParenChain: () => 'in A) x, B) y, '.repeat(6_000),
  postfixPairs: () => 'Strong (A) and weak (B) x. '.repeat(5_000),
  untitledDots: () => `Title A. ${'hX1 y. B. z '.repeat(8_000)}`,
  hyphenItems: () => '(A) and Q-PCR (B) and T-x '.repeat(5_000),
  manySubLabels: () => {
    const parts: string[] = [];
    for (let c = 0; c < 26; c++) for (let k = 1; k < 100; k++) parts.push(`(${String.fromCharCode(65 + c)}${k}) cells`);
    return parts.join('; ');
  },
};

function runOne(name: string): number {
  const make = HOSTILE_INPUTS[name];
  if (!make) throw new Error(`unknown input ${name}`);
  const text = make();
  const r = splitCaption(text);
  scanLabelMentions(text.slice(0, 50_000));
  splitSentences(text);
  return r.labels.length;
}

const argv1 = process.argv[1] ?? '';
if (argv1.endsWith('hostile-inputs.ts')) {
  const names = process.argv.slice(2);
  for (const name of names.length > 0 ? names : Object.keys(HOSTILE_INPUTS)) {
    const labels = runOne(name);
    process.stdout.write(`${name} ${labels}\n`);
  }
}
