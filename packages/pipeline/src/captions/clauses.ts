/**
 * Clause-level distribution of text shared by a group of labels.
 *
 * "a, b Schematic of the synthesis process (a) of the bulk oxides, and the summary of the catalytic
 * effects (b) of the SMNp." introduces a and b together, but the sentence describes each in its own
 * clause. When one sentence of the group's text names every label of the group exactly once, in order,
 * in brackets, and the text between consecutive names is a clause of its own (not an enumeration such as
 * "BM (c), PM (d), and SMNp (e) showing …", where the whole sentence describes every panel), the
 * sentence is cut at the last clause break (",", ";", "and", …) before each name.
 */
import { splitSentences } from './sentences.ts';

export interface OwnedText {
  labels: string[];
  text: string;
}

/** Fewer content words than this between two names means an enumeration of items, not clauses. */
const MIN_CLAUSE_WORDS = 4;
const FUNCTION_WORDS = new Set(['and', 'or', 'the', 'a', 'an', 'of', 'in', 'on', 'at', 'with', 'for', 'to', 'by']);
const CLAUSE_BREAK_RE = /[,;]\s+(?:(?:and|or|but|while|whereas)\s+)?|\s+(?:and|or|but|while|whereas)\s+/g;
const WORD_RE = /\p{L}[\p{L}\p{N}'-]*/gu;

interface Range {
  start: number;
  end: number;
}

/** Positions of "(label)" for every label, in the given order, each exactly once; undefined otherwise. */
function findNames(sentence: string, labels: readonly string[]): Range[] | undefined {
  const out: Range[] = [];
  let after = -1;
  for (const label of labels) {
    const needle = `(${label})`;
    const at = sentence.indexOf(needle);
    if (at < 0 || at <= after || sentence.indexOf(needle, at + 1) >= 0) return undefined;
    out.push({ start: at, end: at + needle.length });
    after = at;
  }
  return out;
}

function contentWords(text: string): number {
  let n = 0;
  for (const m of text.matchAll(WORD_RE)) if (!FUNCTION_WORDS.has(m[0].toLowerCase())) n++;
  return n;
}

/** The last clause break outside brackets in `text`, as [end of the previous clause, start of the next]. */
function lastClauseBreak(text: string): [number, number] | undefined {
  const depthAt: number[] = [];
  let depth = 0;
  for (const c of text) {
    if (c === '(' || c === '[') depth++;
    else if ((c === ')' || c === ']') && depth > 0) depth--;
    depthAt.push(depth);
  }
  let found: [number, number] | undefined;
  for (const m of text.matchAll(CLAUSE_BREAK_RE)) {
    if ((depthAt[m.index] ?? 0) === 0) found = [m.index, m.index + m[0].length];
  }
  return found;
}

function clauseCuts(sentence: string, names: Range[]): Array<[number, number]> | undefined {
  const cuts: Array<[number, number]> = [];
  for (let k = 0; k + 1 < names.length; k++) {
    const from = names[k]?.end ?? 0;
    const between = sentence.slice(from, names[k + 1]?.start ?? from);
    if (contentWords(between) < MIN_CLAUSE_WORDS) return undefined;
    const cut = lastClauseBreak(between);
    if (!cut) return undefined;
    cuts.push([from + cut[0], from + cut[1]]);
  }
  return cuts;
}

function hasWords(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}

/** Splits a group's text into per-label clauses where one sentence describes each label in turn. */
export function distributeClauses(owned: OwnedText): OwnedText[] {
  const { labels, text } = owned;
  if (labels.length < 2 || new Set(labels).size !== labels.length) return [owned];
  for (const span of splitSentences(text)) {
    const sentence = text.slice(span.start, span.end);
    const names = findNames(sentence, labels);
    if (!names) continue;
    const cuts = clauseCuts(sentence, names);
    if (!cuts) return [owned];
    const out: OwnedText[] = [];
    const before = text.slice(0, span.start).trim();
    if (hasWords(before)) out.push({ labels, text: before });
    let start = 0;
    labels.forEach((label, k) => {
      const end = cuts[k]?.[0] ?? sentence.length;
      out.push({ labels: [label], text: sentence.slice(start, end).trim() });
      start = cuts[k]?.[1] ?? end;
    });
    const after = text.slice(span.end).trim();
    if (hasWords(after)) out.push({ labels, text: after });
    return out;
  }
  return [owned];
}
