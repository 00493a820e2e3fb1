/** Reading of a panel label: what OCR saw and the normalised label. */
export interface ParsedLabel {
  /** Label without brackets or trailing punctuation: "A", "b", "ii", "A1". */
  text: string;
}

const ROMAN = /^(i|ii|iii|iv|v|vi|vii|viii|ix|x|xi|xii)$/;
/** Letters whose upper and lower case look alike at small sizes. */
const CASE_AMBIGUOUS = new Set('cosuvwxz'.split(''));

/**
 * Normalises an OCR reading to a panel label, or null when it cannot be one. Accepts a single letter,
 * lower-case roman numerals up to xii, a letter followed by one or two digits, and one or two digits, each
 * optionally in brackets or followed by "." / ")".
 */
export function parseLabel(raw: string, hints?: readonly string[]): ParsedLabel | null {
  let s = raw.normalize('NFKC').replace(/\s+/g, '');
  s = s.replace(/^[([{]+/, '').replace(/[)\]}.:,]+$/, '');
  if (s.length === 0 || s.length > 4) return null;
  // Upper-case roman numerals come from the Ⅱ/Ⅲ/Ⅳ glyphs; panel numerals are lower case.
  if (/^(II|III|IV)$/.test(s) && !hints?.includes(s)) s = s.toLowerCase();
  if (hints && hints.length > 0) {
    const exact = hints.find((h) => h === s);
    if (exact) return { text: exact };
    const folded = hints.find((h) => h.toLowerCase() === s.toLowerCase());
    if (folded) return { text: folded };
    // Typical OCR confusions of single-letter labels.
    const swaps: Record<string, string[]> = { '1': ['I', 'i', 'l'], l: ['I', 'i'], I: ['l', 'i'], '0': ['O', 'o'], '8': ['B'], '5': ['S', 's'], '6': ['G', 'b'], '9': ['g'], '2': ['Z', 'z'], '4': ['A'], '7': ['T'] };
    for (const alt of swaps[s] ?? []) {
      const hit = hints.find((h) => h === alt);
      if (hit) return { text: hit };
    }
    // Roman numerals are thin strokes that OCR often reads as 1, l, I or |: "11" and "Il" are "ii", "1v" is "iv".
    if (hints.some((h) => ROMAN.test(h)) && /^[1lIi|!vVxX]+$/.test(s)) {
      const roman = s.replace(/[1lI|!]/g, 'i').toLowerCase();
      const hit = hints.find((h) => h === roman);
      if (hit) return { text: hit };
    }
    return null;
  }
  if (/^[A-Za-z]$/.test(s)) return { text: s };
  if (ROMAN.test(s)) return { text: s };
  // Bare digits are tick labels far more often than panel labels: accepted only when the caption says so.
  if (/^[A-Za-z]\d{1,2}$/.test(s)) return { text: s };
  return null;
}

/**
 * The panel label at the start of a line of text ("(a) self loop", "a) E. coli", "A: 60 x 120 Networks"), or
 * null: only a label closed by a bracket or a colon counts there, since a title's first word ("E. coli", "A
 * novel") is often a letter too.
 */
export function lineStartLabel(raw: string, hints?: readonly string[]): ParsedLabel | null {
  const s = raw.normalize('NFKC').replace(/\s+/g, '');
  const m = /^[([{]?([A-Za-z]{1,4}|\d{1,2})[)\]}]/.exec(s) ?? /^([A-Za-z]{1,4}|\d{1,2}):/.exec(s);
  return m ? parseLabel(m[1]!, hints) : null;
}

/**
 * Makes case consistent within one figure: letters whose case OCR cannot see (c, o, s, ...) take the case of
 * the unambiguous labels (or of the caption hints when given).
 */
export function harmoniseCase(labels: Array<string | undefined>, hints?: readonly string[]): Array<string | undefined> {
  const { lower, upper } = caseVotes(hints && hints.length > 0 ? hints : labels);
  if (lower === upper) return labels;
  return labels.map((l) => {
    if (!l || !/^[A-Za-z]$/.test(l) || !CASE_AMBIGUOUS.has(l.toLowerCase())) return l;
    return lower > upper ? l.toLowerCase() : l.toUpperCase();
  });
}

/** Single letters whose case can be seen (not c, o, s, ...), counted by case. */
function caseVotes(labels: ReadonlyArray<string | undefined>): { lower: number; upper: number } {
  let lower = 0;
  let upper = 0;
  for (const l of labels) {
    if (!l || !/^[A-Za-z]$/.test(l) || CASE_AMBIGUOUS.has(l.toLowerCase())) continue;
    if (l === l.toLowerCase()) lower++;
    else upper++;
  }
  return { lower, upper };
}

/**
 * The labels without the single letters of the minority case: one figure's labels share a case, so letters of the
 * other case read beside them are chart text (a legend's "A", an axis "n"). All of them when neither case wins.
 */
export function withoutMinorityCase(labels: readonly string[]): string[] {
  const { lower, upper } = caseVotes(labels);
  if (lower === upper) return [...labels];
  const minority = (l: string): boolean => /^[A-Za-z]$/.test(l) && !CASE_AMBIGUOUS.has(l.toLowerCase()) && (l === l.toLowerCase()) === lower < upper;
  return labels.filter((l) => !minority(l));
}

const ROMANS = ['i', 'ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii', 'ix', 'x', 'xi', 'xii'];
/** Rank of a label read as a roman numeral (i=0, ii=1), or -1. */
const romanRank = (label: string): number => ROMANS.indexOf(label.toLowerCase());

/** Rank of a label in a sequence (a=0, b=1, ..., ii=1), for ordering; NaN when unknown. */
export function labelRank(label: string): number {
  if (/^[A-Za-z]$/.test(label)) return label.toLowerCase().charCodeAt(0) - 97;
  const roman = romanRank(label);
  if (roman >= 0) return roman;
  const m = /^([A-Za-z]?)(\d+)$/.exec(label);
  if (m) return (m[1] ? (m[1].toLowerCase().charCodeAt(0) - 97) * 100 : 0) + Number(m[2]);
  return Number.NaN;
}

/**
 * Whether labels read without caption hints look like one figure's panel sequence rather than letters of
 * chart text (a legend's "REA", an axis title's "n", a tick's "8" read as "B"): the lowest is among the first
 * three of its series (a leading label can be missed; a label read alone must be the first), and at least
 * half of them follow it closely (a missed label or two between them). Roman numerals (i, ii, iv) are tried
 * as such too, since i, v and x are letters.
 */
export function looksLikeLabelSequence(labels: readonly string[]): boolean {
  const n = labels.length;
  if (n === 0) return false;
  const plausible = (ranks: number[]): boolean => {
    const sorted = [...new Set(ranks.filter((r) => r >= 0 && Number.isFinite(r)))].sort((a, b) => a - b);
    const start = sorted[0];
    if (start === undefined || start > (n === 1 ? 0 : 2)) return false;
    return sorted.filter((r) => r <= start + n + 1).length >= Math.ceil(n / 2);
  };
  return plausible(labels.map(labelRank)) || plausible(labels.map(romanRank));
}

/** Whether `b` is the label right after `a` (a -> b, D -> E, ii -> iii, A1 -> A2). */
export function consecutiveLabels(a: string, b: string): boolean {
  const sameCase = (a === a.toLowerCase()) === (b === b.toLowerCase());
  if (sameCase && labelRank(b) === labelRank(a) + 1) return true;
  const ra = romanRank(a);
  return ra >= 0 && romanRank(b) === ra + 1;
}
