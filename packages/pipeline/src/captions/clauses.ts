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

/** The per-label pieces of one sentence of a group's text, with the group's text before and after it kept for the group. */
function withGroupText(owned: OwnedText, span: { start: number; end: number }, pieces: OwnedText[]): OwnedText[] {
  const { labels, text } = owned;
  const before = text.slice(0, span.start).trim();
  const after = text.slice(span.end).trim();
  return [...(hasWords(before) ? [{ labels, text: before }] : []), ...pieces, ...(hasWords(after) ? [{ labels, text: after }] : [])];
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
    if (!cuts) return distributeItems(owned, span, sentence, names) ?? [owned];
    let start = 0;
    return withGroupText(owned, span, labels.map((label, k) => {
      const end = cuts[k]?.[0] ?? sentence.length;
      const piece = { labels: [label], text: sentence.slice(start, end).trim() };
      start = cuts[k]?.[1] ?? end;
      return piece;
    }));
  }
  return [owned];
}

// The last preposition or article before the first item ends the lead-in shared by all items.
const ITEM_LEAD_END_RE = /(?:^|\s)(?:in|of|for|on|at|with|from|to|by|between|after|before|during|using|the|a|an)\s/gi;
const ENUMERATION_GAP_RE = /^\s*(?:,\s*)?(?:and|or|,)\s/;
const MAX_TRAILER_WORDS = 8;

/**
 * "(B and D) Spectra of the mutants in LysM1 (B) and LysM3 (D) at 10 µM.": the group's labels follow their nouns
 * in an enumeration; each label gets the lead-in ("Spectra of the mutants in"), its own item ("LysM1") and the
 * words after the last item ("at 10 µM."), as postfix runs elsewhere do. Undefined unless every gap between two
 * names is a conjunction or comma and a few words, and the words after the last name are a short trailer.
 */
function distributeItems(owned: OwnedText, span: { start: number; end: number }, sentence: string, names: Range[]): OwnedText[] | undefined {
  const { labels } = owned;
  const first = names[0];
  const last = names[names.length - 1];
  if (!first || !last) return undefined;
  const gaps = names.slice(1).map((n, k) => sentence.slice(names[k]?.end ?? 0, n.start));
  if (gaps.some((g) => /[.;:]/.test(g))) return undefined;
  // "for (D) drug X and (E) drug Y genes": each label before its item.
  if (gaps.every((g) => PREFIX_GAP_RE.test(g))) return distributePrefixItems(owned, span, sentence, names);
  if (!gaps.every((g) => ENUMERATION_GAP_RE.test(g))) return undefined;
  const trailer = sentence.slice(last.end);
  if ((trailer.match(WORD_RE) ?? []).length > MAX_TRAILER_WORDS || /[;:]|,\s/.test(trailer.trim().replace(/[.,;]$/, ''))) return undefined;
  const head = sentence.slice(0, first.start);
  let cut = 0;
  for (const m of head.matchAll(ITEM_LEAD_END_RE)) if (m.index + m[0].length < head.trimEnd().length) cut = m.index + m[0].length;
  const lead = head.slice(0, cut).trim();
  let from = cut;
  return withGroupText(owned, span, labels.map((label, k) => {
    const name = names[k] as Range;
    const item = sentence.slice(from, name.start).replace(ENUMERATION_GAP_RE, '').trim();
    from = name.end;
    return { labels: [label], text: [lead, item, trailer.trim()].filter((x) => x.length > 0).join(' ') };
  }));
}

// Between two labels that precede their items: one to three words, then a conjunction or comma.
const PREFIX_GAP_RE = /^ [\p{L}\p{N}][\p{L}\p{N}-]*(?: [\p{L}\p{N}-]+){0,2}(?:,? and|,? or|,) $/u;

function distributePrefixItems(owned: OwnedText, span: { start: number; end: number }, sentence: string, names: Range[]): OwnedText[] | undefined {
  const gaps = names.slice(1).map((n, k) => sentence.slice(names[k]?.end ?? 0, n.start));
  const first = names[0] as Range;
  const last = names[names.length - 1] as Range;
  const items = gaps.map((g) => g.replace(/,? (?:and|or) $|, $/, '').trim());
  const n = Math.max(...items.map((it) => it.split(' ').length));
  const rest = sentence.slice(last.end).trim();
  const end = /[.;]$/.test(rest) ? rest.slice(-1) : '';
  const words = (end ? rest.slice(0, -1) : rest).split(' ').filter((w) => w.length > 0);
  if (words.length < n || words.length - n > 2 * MAX_TRAILER_WORDS || /[;:]/.test(rest)) return undefined;
  items.push(words.slice(0, n).join(' '));
  const trailer = words.slice(n).join(' ');
  const lead = sentence.slice(0, first.start).trim();
  return withGroupText(owned, span, owned.labels.map((label, k) => ({ labels: [label], text: `${[lead, items[k] ?? '', trailer].filter((x) => x.length > 0).join(' ')}${end}` })));
}
