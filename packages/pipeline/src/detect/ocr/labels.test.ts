import { describe, expect, it } from 'vitest';
import { harmoniseCase, labelRank, parseLabel } from './labels.ts';

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
});
