import { describe, expect, it } from 'vitest';
import { consecutiveLabels, harmoniseCase, labelRank, lineStartLabel, looksLikeLabelSequence, parseLabel, withoutMinorityCase } from './labels.ts';

describe('panel label parsing', () => {
  it('normalises brackets, punctuation and full-width forms', () => {
    expect(parseLabel('(d)')?.text).toBe('d');
    expect(parseLabel('B.')?.text).toBe('B');
    expect(parseLabel('（ｃ）')?.text).toBe('c');
    expect(parseLabel('ii')?.text).toBe('ii');
    expect(parseLabel('A1')?.text).toBe('A1');
  });
  it('rejects words and bare numbers without hints', () => {
    expect(parseLabel('Silver')).toBeNull();
    expect(parseLabel('100')).toBeNull();
    expect(parseLabel('0')).toBeNull();
    expect(parseLabel('')).toBeNull();
  });
  it('reads a label at the start of a line only when a bracket or a colon closes it', () => {
    expect(lineStartLabel('(a)self')?.text).toBe('a');
    expect(lineStartLabel('a)E.fus')?.text).toBe('a');
    expect(lineStartLabel('(iv) ')?.text).toBe('iv');
    expect(lineStartLabel('A:60x120Networks')?.text).toBe('A');
    expect(lineStartLabel('(c)', ['a', 'b', 'c'])?.text).toBe('c');
    expect(lineStartLabel('(e)', ['a', 'b', 'c'])).toBeNull();
    // A title's first word, a tick value, a bare letter: no bracket, no label.
    expect(lineStartLabel('E.coli')).toBeNull();
    expect(lineStartLabel('1.0')).toBeNull();
    expect(lineStartLabel('A')).toBeNull();
    expect(lineStartLabel('kel')).toBeNull();
    expect(lineStartLabel('(self)')).toBeNull();
    expect(lineStartLabel('Time:')).toBeNull();
  });
  it('maps readings onto caption labels, including typical confusions', () => {
    expect(parseLabel('a', ['A', 'B'])?.text).toBe('A');
    expect(parseLabel('9', ['f', 'g'])?.text).toBe('g');
    expect(parseLabel('z', ['a', 'b'])).toBeNull();
    expect(parseLabel('11', ['i', 'ii', 'iii'])?.text).toBe('ii');
    expect(parseLabel('Il', ['i', 'ii', 'iii'])?.text).toBe('ii');
    expect(parseLabel('1v', ['iii', 'iv'])?.text).toBe('iv');
    expect(parseLabel('11', ['a', 'b'])).toBeNull();
  });
  it('harmonises the case of shape-ambiguous letters', () => {
    expect(harmoniseCase(['a', 'b', 'C', 'd'])).toEqual(['a', 'b', 'c', 'd']);
    expect(harmoniseCase(['A', 'B', 'c', undefined])).toEqual(['A', 'B', 'C', undefined]);
    expect(labelRank('c')).toBe(2);
    expect(labelRank('iii')).toBe(2);
  });

  it('tells a panel label sequence from letters of chart text', () => {
    // Sequences, with a leading or middle label missed, and romans (i, v, x are letters too).
    expect(looksLikeLabelSequence(['A', 'B', 'C'])).toBe(true);
    expect(looksLikeLabelSequence(['b', 'c', 'e'])).toBe(true);
    expect(looksLikeLabelSequence(['i', 'ii', 'iv', 'v'])).toBe(true);
    expect(looksLikeLabelSequence(['A'])).toBe(true);
    // Junk beside real labels still leaves a sequence when at least half follow the first closely.
    expect(looksLikeLabelSequence(['a', 'b', 'c', 'Q'])).toBe(true);
    // A legend's "R", an axis title's "n" and a tick read as "B"; a lone letter that is not a first label.
    expect(looksLikeLabelSequence(['n', 'B', 'R'])).toBe(false);
    expect(looksLikeLabelSequence(['A', 'M', 'G'])).toBe(false);
    expect(looksLikeLabelSequence(['B'])).toBe(false);
    expect(looksLikeLabelSequence(['L23', 'P', 'Y'])).toBe(false);
    expect(looksLikeLabelSequence([])).toBe(false);
  });

  it('knows which label comes right after another', () => {
    expect(consecutiveLabels('a', 'b')).toBe(true);
    expect(consecutiveLabels('D', 'E')).toBe(true);
    expect(consecutiveLabels('ii', 'iii')).toBe(true);
    expect(consecutiveLabels('iv', 'v')).toBe(true);
    expect(consecutiveLabels('A1', 'A2')).toBe(true);
    expect(consecutiveLabels('a', 'c')).toBe(false);
    expect(consecutiveLabels('b', 'a')).toBe(false);
    expect(consecutiveLabels('a', 'B')).toBe(false);
  });

  it('drops the single letters of the minority case, keeping case-blind letters, numerals and ties', () => {
    expect(withoutMinorityCase(['n', 'B', 'g', 'e', 'A'])).toEqual(['n', 'g', 'e']);
    expect(withoutMinorityCase(['A', 'B', 'C', 'n', 'ii', 'A1'])).toEqual(['A', 'B', 'C', 'ii', 'A1']);
    // c, o, s ... look alike in both cases and vote for neither.
    expect(withoutMinorityCase(['a', 'b', 'C', 'O'])).toEqual(['a', 'b', 'C', 'O']);
    expect(withoutMinorityCase(['A', 'b'])).toEqual(['A', 'b']);
  });
});
