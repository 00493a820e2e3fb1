/**
 * Sentence boundaries in a normalised caption. A '.', '!' or '?' ends a sentence when the next
 * non-space character can start one and the word before it is not an abbreviation, a single letter
 * (initials, panel labels "A.") or a number. Titles glued to the text ("tissues.Immunostaining") are split too.
 */

const ABBREVIATIONS = new Set([
  'fig', 'figs', 'ref', 'refs', 'eq', 'eqs', 'vs', 'al', 'no', 'nos', 'cf', 'ca', 'approx', 'dr', 'mr', 'mrs',
  'st', 'inc', 'ltd', 'co', 'e.g', 'i.e', 'eg', 'ie', 'resp', 'vol', 'p', 'pp', 'sp', 'spp', 'var', 'etc',
  'orig', 'magn', 'obj', 'suppl', 'supp', 'ext',
]);

// An abbreviation, ", " or " = ", a short gloss and a ";": the first entry of a legend.
const LEGEND_START_RE = /[a-z][\p{L}\p{N}'′-]{0,7}(?:,| ?=) [^;.]{1,60};/uy;

function isUpper(c: string | undefined): boolean {
  return c !== undefined && c >= 'A' && c <= 'Z';
}
function isLower(c: string | undefined): boolean {
  return c !== undefined && c >= 'a' && c <= 'z';
}
function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}
function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[\p{L}\p{N}]/u.test(c);
}

/** The word (letters, digits, inner dots) that ends right before position `end`. */
function wordBefore(text: string, end: number): string {
  let i = end;
  while (i > 0 && i > end - 20 && (isWordChar(text[i - 1]) || (text[i - 1] === '.' && isWordChar(text[i - 2])))) i--;
  return text.slice(i, end);
}

/** True when the letter at `pos` follows the start of the text or a sentence/clause end (or is glued to one). */
function letterStartsSentence(text: string, pos: number): boolean {
  let k = pos - 1;
  while (k >= 0 && text[k] === ' ') k--;
  if (k < 0) return true;
  const c = text[k];
  return c === '.' || c === '!' || c === '?' || c === ';' || c === ':' || c === ')' || c === ',';
}

export interface Span {
  start: number;
  end: number;
}

/** Sentence spans covering the text (whitespace between sentences excluded). Linear time. */
export function splitSentences(text: string): Span[] {
  const spans: Span[] = [];
  let start = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text[i];
    if (c !== '.' && c !== '!' && c !== '?') continue;
    let j = i + 1;
    // Closing quotes or brackets that belong to the sentence.
    while (j < n && (text[j] === '"' || text[j] === "'" || text[j] === '”')) j++;
    const glued = j < n && text[j] !== ' ';
    let k = j;
    while (k < n && text[k] === ' ') k++;
    if (k >= n) break;
    const next = text[k];
    if (c === '.') {
      const w = wordBefore(text, i);
      if (w.length === 0 && glued) continue;
      if (ABBREVIATIONS.has(w.toLowerCase())) continue;
      // A single letter at a sentence start is a panel label ("A. H&E"); after a word it ends a sentence ("box in h.").
      if (w.length === 1 && /[A-Za-z]/.test(w) && letterStartsSentence(text, i - 1)) continue;
      if (isDigit(next) && (isDigit(text[i - 1]) || glued)) continue;
    }
    if (glued) {
      // "tissues.Immunostaining": lower-case word glued to a capitalised one.
      if (!(isLower(text[i - 1]) && isUpper(next) && !isUpper(text[k + 1]) && !isDigit(text[k + 1]))) continue;
    } else if (!(isUpper(next) || isDigit(next) || next === '(' || next === '[' || next === '"' || !isWordChar(next))) {
      // "… basiocranium. bo, basioccipital; bs, basisphenoid": a legend of lower-case abbreviations starts a sentence.
      LEGEND_START_RE.lastIndex = k;
      if (!LEGEND_START_RE.test(text)) continue;
    }
    spans.push({ start, end: j });
    start = k;
  }
  if (start < n) spans.push({ start, end: n });
  return spans.filter((s) => s.end > s.start);
}
