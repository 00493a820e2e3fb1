/**
 * Label-chain fallback for captions whose labels carry no brackets and sit in running text:
 * "Male genitalia: A segments IX-X, lateral B segments VII-VIII, lateral C phallus, dorsal",
 * "1. Positioning of the loop 2. Resection 3. Coagulation", "sections3. Staining", "7A Body, dorsal. 7B Head",
 * "shows A). Large metastasis, B). Lymph nodes", "(a: treated vs control; b: treated vs sham)".
 *
 * Every token that could be a label (a letter or a 1–2 digit number, optionally after a figure number, followed
 * by optional label punctuation, a space and a word) is a candidate; the chain is the caption-order run of
 * candidates that counts 1, 2, 3… (or a, b, c…) without skipping, all written the same way. Only a chain of at
 * least three labels (two when punctuated) is trusted: a stray "a" or "2" in prose never continues a sequence.
 * One linear scan; the chain is built greedily in a second linear pass.
 */
import { CATEGORY_NOUNS, type Mention } from './label-tokens.ts';
import type { Atom, AtomKind } from './label-sets.ts';

type Family = 'upper' | 'lower' | 'number';

interface Candidate {
  start: number;
  end: number;
  family: Family;
  /** 0-based position in the sequence of the first (and, for ranges, last) label. */
  from: number;
  to: number;
  /** Figure-number prefix ("7" in "7A") and punctuation after the token: the chain keeps both constant. */
  style: string;
  punctuated: boolean;
}

const MAX_NUMBER = 40;
const MIN_BARE_CHAIN = 3;
const MIN_PUNCTUATED_CHAIN = 2;

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isUpper = (c: string | undefined): boolean => c !== undefined && c >= 'A' && c <= 'Z';
const isLower = (c: string | undefined): boolean => c !== undefined && c >= 'a' && c <= 'z';
const isLetter = (c: string | undefined): boolean => isUpper(c) || isLower(c);
const WORD_RE = /[\p{L}\p{N}]/u;
const isWord = (c: string | undefined): boolean => c !== undefined && WORD_RE.test(c);

interface Token {
  end: number;
  family: Family;
  value: number;
  prefix: string;
}

/** A letter (optionally after a 1–2 digit figure number) or a 1–2 digit number at `i`. */
function readToken(text: string, i: number): Token | undefined {
  let j = i;
  while (j < text.length && j - i < 2 && isDigit(text[j])) j++;
  const digits = text.slice(i, j);
  if (isDigit(text[j])) return undefined;
  if (isLetter(text[j])) {
    if (isWord(text[j + 1])) return undefined;
    const c = text.charAt(j);
    return { end: j + 1, family: isUpper(c) ? 'upper' : 'lower', value: c.toLowerCase().charCodeAt(0) - 97, prefix: digits };
  }
  if (digits.length === 0 || digits[0] === '0' || isWord(text[j])) return undefined;
  const v = Number.parseInt(digits, 10);
  return v >= 1 && v <= MAX_NUMBER ? { end: j, family: 'number', value: v - 1, prefix: '' } : undefined;
}

/** The word before position `i` (skipping one run of spaces), at most 16 characters. */
function wordEndingAt(text: string, i: number): string {
  let e = i;
  while (e > 0 && text[e - 1] === ' ') e--;
  let b = e;
  while (b > 0 && e - b < 16 && isLetter(text[b - 1])) b--;
  return text.slice(b, e);
}

function candidateAt(text: string, i: number): Candidate | undefined {
  const prev = text[i - 1];
  const a = readToken(text, i);
  if (!a) return undefined;
  // Glued to the previous word only as "sections3. Staining" (a number, a full stop, then a capital).
  const glued = isWord(prev);
  if (glued && !(a.family === 'number' && isLower(prev))) return undefined;
  if (prev === '-' || prev === '/' || prev === '.' || prev === "'" || prev === '’' || prev === '×' || prev === '+') return undefined;
  // "emm pattern A–C, D and E isolates", "type A, B and C": letters after a category noun are its names.
  if (!glued && CATEGORY_NOUNS.has(wordEndingAt(text, i).toLowerCase())) return undefined;
  let k = a.end;
  let to = a.value;
  // Range "1-2", "A-C": a group heading.
  if (text[k] === '-' || (text[k] === ' ' && text[k + 1] === '-' && text[k + 2] === ' ')) {
    const r = text[k] === '-' ? k + 1 : k + 3;
    const b = readToken(text, r);
    if (b && b.family === a.family && b.prefix === a.prefix && b.value > a.value && b.value - a.value <= 25) {
      to = b.value;
      k = b.end;
    }
  }
  let p = k;
  while (p < text.length && p - k < 2 && (text[p] === '.' || text[p] === ')' || text[p] === ':' || text[p] === ',')) p++;
  const punct = text.slice(k, p);
  if (text[p] !== ' ') return undefined;
  const next = text[p + 1];
  if (!isWord(next)) return undefined;
  if (glued && !(punct === '.' && isUpper(next))) return undefined;
  // "the A–C pattern", "E pattern (61.5%)": a letter before a category noun names the category too.
  if (CATEGORY_NOUNS.has(/^[A-Za-z]+/.exec(text.slice(p + 1, p + 17))?.[0].toLowerCase() ?? '')) return undefined;
  return { start: i, end: p, family: a.family, from: a.value, to, style: `${a.prefix}|${punct.replace(',', '')}`, punctuated: punct.length > 0 };
}

function chainOf(cands: Candidate[], family: Family): Candidate[] {
  // Try each style the family's first label is written in; keep the longest chain.
  let best: Candidate[] = [];
  const styles = new Set(cands.filter((c) => c.family === family && c.from === 0).map((c) => c.style));
  for (const style of styles) {
    const chain: Candidate[] = [];
    let expected = 0;
    for (const c of cands) {
      if (c.family !== family || c.style !== style) continue;
      if (c.from === expected) {
        chain.push(c);
        expected = c.to + 1;
      }
    }
    if (chain.length > best.length) best = chain;
  }
  return best;
}

/** The chain of labels in `text`, as prefix mentions; empty when there is none worth trusting. */
export function chainMentions(text: string): Mention[] {
  const cands: Candidate[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (!isDigit(c) && !isLetter(c)) continue;
    if (isWord(text[i - 1]) && !(isDigit(c) && isLower(text[i - 1]))) continue;
    const cand = candidateAt(text, i);
    if (cand) {
      cands.push(cand);
      i = cand.end - 1;
    }
  }
  let best: Candidate[] = [];
  for (const family of ['upper', 'lower', 'number'] as const) {
    const chain = chainOf(cands, family);
    const labels = chain.length > 0 ? (chain[chain.length - 1]?.to ?? 0) + 1 : 0;
    const punctuated = chain.length > 0 && chain.every((c) => c.punctuated);
    if (labels < (punctuated ? MIN_PUNCTUATED_CHAIN : MIN_BARE_CHAIN) || chain.length < 2) continue;
    if (chain.length > best.length) best = chain;
  }
  return best.map((c): Mention => {
    const atoms: Atom[] = [];
    for (let v = c.from; v <= c.to; v++) atoms.push(atomFor(c.family, v));
    return { start: c.start, end: c.end, atoms, form: c.punctuated ? 'bare-punct' : 'bare-space', role: 'prefix', weak: false, ranged: c.to > c.from, prev: 'none', tentative: false };
  });
}

function atomFor(family: Family, v: number): Atom {
  const kind: AtomKind = family === 'number' ? 'number' : 'letter';
  if (family === 'number') return { text: String(v + 1), kind };
  const ch = String.fromCharCode(97 + v);
  return { text: family === 'upper' ? ch.toUpperCase() : ch, kind };
}
