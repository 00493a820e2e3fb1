/**
 * Finds panel-label mentions in a normalised caption: "(A)", "A.", "A:", "a)", "A,", "(A-C)",
 * "(a, b)", "(B) and C)", "((a), (b))", "B1", "(ii)", "(left)", "Top left:", and labels inside
 * mixed parentheses "(D and E, red dashed lines)". Each mention gets a role from its context:
 * prefix (introduces the text after it), postfix (closes the clause before it) or inline (a reference).
 *
 * One left-to-right pass; every parse attempt starting at a position reads a bounded number of
 * characters, so the scan is linear in the caption length and cannot backtrack catastrophically.
 */
import { type Atom, expandRange, romanValue } from './label-sets.ts';

export type MentionForm = 'paren' | 'half-paren' | 'bare-punct' | 'bare-space' | 'paren-mixed' | 'positional';
export type MentionRole = 'prefix' | 'postfix' | 'inline';

export interface Mention {
  /** First character of the label token, brackets included. */
  start: number;
  /** Character after the token and its own punctuation ("A." / "A:" / "(A)"). */
  end: number;
  atoms: Atom[];
  form: MentionForm;
  role: MentionRole;
  /** Prefix mention with weak evidence (no punctuation before it). */
  weak: boolean;
  /** Came from a range "A-C". */
  ranged: boolean;
  /** What precedes the mention. */
  prev: PrevContext;
  /** Weak candidate: kept only if it continues the label sequence ("... B) text", "; b hematoxylin"). */
  tentative: boolean;
}

export interface ScanOptions {
  /** Label texts ("A", "b2", case-sensitive) that were bold in the source: bare letters before lower-case text are accepted. */
  boldKeys?: ReadonlySet<string>;
}

const MAX_GROUP_ITEMS = 30;
const MIXED_PAREN_SPAN = 160;

const isAsciiLetter = (c: string | undefined): boolean =>
  c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
const isLower = (c: string | undefined): boolean => c !== undefined && c >= 'a' && c <= 'z';
const isUpper = (c: string | undefined): boolean => c !== undefined && c >= 'A' && c <= 'Z';
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const WORD_CHAR_RE = /[\p{L}\p{N}]/u;
const isWordChar = (c: string | undefined): boolean => c !== undefined && WORD_CHAR_RE.test(c);
const isOpen = (c: string | undefined): boolean => c === '(' || c === '[';
const isClose = (c: string | undefined): boolean => c === ')' || c === ']';

// Abbreviations only: a full word before a full stop ends its sentence ("… applies to all panels. (b) Viability").
const ABBREV_BEFORE_DOT = new Set(['fig', 'figs', 'ref', 'refs', 'eq', 'vs', 'al', 'no', 'cf', 'suppl', 'e.g', 'i.e', 'ca', 'approx', 'p']);
/**
 * Nouns that name categories with a letter or a letter range: "emm pattern A–C", "type A, B and C", "group B
 * streptococci", "grades 2-4". The letters after them are names, not panels.
 */
export const CATEGORY_NOUNS = new Set([
  'type', 'types', 'subtype', 'subtypes', 'group', 'groups', 'subgroup', 'subgroups', 'grade', 'grades', 'class', 'classes',
  'subclass', 'pattern', 'patterns', 'category', 'categories', 'serotype', 'serotypes', 'serogroup', 'serogroups',
  'genotype', 'genotypes', 'clade', 'clades', 'cluster', 'clusters', 'haplogroup', 'haplotype', 'haplotypes',
  'vitamin', 'vitamins', 'hepatitis', 'influenza', 'zone', 'zones', 'site', 'sites', 'region', 'regions',
]);
/** Words that make a following letter a reference, not a label: "Figure A", "panel B", "ref. A". */
const REFERENCE_WORDS = new Set([
  ...CATEGORY_NOUNS,
  'fig', 'figs', 'figure', 'figures', 'ref', 'refs', 'reference', 'references', 'table', 'tables', 'see',
  'in', 'of', 'from', 'to', 'as', 'than', 'with', 'and', 'or', 'vs', 'versus',
  'protein', 'subunit', 'chain', 'complex', 'factor',
  'lobe', 'domain', 'loop', 'helix', 'strand', 'exon', 'intron', 'chromosome', 'lane', 'lanes',
]);
/** Words before a bracket that make it a citation: "Figure (A)" is rare, "see (A)" is a reference. */
const STRICT_REFERENCE_WORDS = new Set(['fig', 'figs', 'figure', 'figures', 'ref', 'refs', 'reference', 'table', 'tables', 'see', 'eq', 'cf']);
const CONJUNCTIONS = new Set(['and', 'or', 'while', 'whereas', 'but', 'then', 'plus', 'also', 'versus', 'vs']);
const CITATION_RE = /\b(?:fig|figs|figure|figures|table|tables|ref|refs|reference|suppl|supplementary|see|eq|cf)\b/i;
const POSITIONAL_RE =
  /(?:(upper|lower|top|bottom|middle|center|centre)[ -])?(left|right|top|bottom|upper|lower|middle|center|centre|inset)( (?:panels?|images?|rows?|columns?|insets?|parts?))?(?![A-Za-z])/iy;
/** "Left panel shows …": a positional phrase with a panel word introduces its text without punctuation. */
const PANEL_VERB_RE = / (?:shows?|depicts?|displays?|illustrates?|presents?|represents?|contains?|is|are)\b/y;
const SEPARATOR_RE = /(?: ?, ?(?:and |or )?| (?:and|or) | ?\/ ?)/y;
// Outside brackets "H & E" and "A or B" are prose, not label lists.
const BARE_SEPARATOR_RE = /(?: ?, ?(?:and )?| and | ?\/ ?)/y;
const RANGE_RE = / ?(?:-|to |through ) ?/y;
const PANEL_WORD_RE = /(?:panels?|images?) /iy;
const POSITIONAL_PAREN_RE = /\((?:(?:upper|lower|top|bottom) )?(?:left|right|top|bottom|upper|lower|middle|cent(?:er|re))(?: panels?)?\) ?[:,.-]? ?(?=\S)/iy;

interface AtomRead {
  atom: Atom;
  end: number;
}

/** One label atom at `pos`: a letter with an optional 1–2 digit sub-number, or a roman numeral. */
function readAtom(text: string, pos: number): AtomRead | undefined {
  const n = text.length;
  let j = pos;
  while (j < n && j - pos < 6 && isAsciiLetter(text[j])) j++;
  const len = j - pos;
  if (len === 0 || isAsciiLetter(text[j])) return undefined;
  const next = text[j];
  if (next !== undefined && !isDigit(next) && isWordChar(next)) return undefined;
  const w = text.slice(pos, j);
  if (len === 1) {
    let k = j;
    while (k < n && k - j < 2 && isDigit(text[k])) k++;
    if (isDigit(text[k]) || isWordChar(text[k])) return undefined;
    // "T0", "H01": sub-labels count from 1.
    if (k > j && text[j] === '0') return undefined;
    // "A1.5", "B2,3-diol" are numbers or chemistry, not sub-labels.
    if (k > j && (text[k] === '.' || text[k] === ',') && isDigit(text[k + 1])) return undefined;
    // Primed panels "B′", "F ′" are read as their base letter.
    let e = k;
    if (PRIMES.has(text[e] ?? '') && !isWordChar(text[e + 1])) e++;
    else if (text[e] === ' ' && PRIMES.has(text[e + 1] ?? '') && isClose(text[e + 2])) e += 2;
    return { atom: { text: text.slice(pos, k), kind: 'letter' }, end: e };
  }
  const isLowerRoman = /^[ivx]+$/.test(w);
  if ((isLowerRoman || /^[IVX]+$/.test(w)) && romanValue(w) !== undefined) {
    return { atom: { text: w, kind: 'roman' }, end: j };
  }
  return undefined;
}

interface Group {
  start: number;
  end: number;
  atoms: Atom[];
  /** Brackets opened before the first atom. */
  firstOpens: number;
  closes: number;
  items: number;
  ranged: boolean;
}

function sticky(re: RegExp, text: string, pos: number): number | undefined {
  re.lastIndex = pos;
  const m = re.exec(text);
  return m ? pos + m[0].length : undefined;
}

/** A list of label items "(B) and C)", "a, b", "(A-C)", "((c), (d))" starting at `pos`. */
function parseGroup(text: string, pos: number, bare = false): Group | undefined {
  const n = text.length;
  let p = pos;
  const atoms: Atom[] = [];
  let firstOpens = 0;
  let closes = 0;
  let items = 0;
  let ranged = false;
  let end = pos;
  while (items < MAX_GROUP_ITEMS) {
    let q = p;
    let opens = 0;
    // A bare list never continues into brackets: "E, (B) anti-IL-4".
    if (bare && isOpen(text[q])) break;
    while (q < n && opens < 2 && isOpen(text[q])) {
      opens++;
      q++;
    }
    if (opens > 0 && text[q] === ' ') q++;
    q = sticky(PANEL_WORD_RE, text, q) ?? q;
    const a = readAtom(text, q);
    if (!a) break;
    // A bare list keeps one kind: in "grade II, F) normal", "F)" starts its own label.
    if (bare && items > 0 && a.atom.kind !== atoms[0]?.kind) break;
    q = a.end;
    let itemAtoms: Atom[] = [a.atom];
    const r = sticky(RANGE_RE, text, q);
    if (r !== undefined) {
      let r2 = r;
      if (isOpen(text[r2])) r2++;
      const b = readAtom(text, r2);
      const expanded = b ? expandRange(a.atom, b.atom) : undefined;
      if (b && expanded) {
        q = b.end;
        if (isClose(text[q]) && r2 > r) q++;
        itemAtoms = expanded;
        ranged = true;
      }
    }
    // "(A) and Q-PCR (B)": a letter glued to a hyphenated word after a separator is that word, not a list item.
    if (items > 0 && opens === 0 && text[q] === '-' && isWordChar(text[q + 1])) break;
    if (text[q] === ' ' && isClose(text[q + 1]) && (opens > 0 || firstOpens > 0)) q++;
    let c = 0;
    while (q < n && c < 2 && isClose(text[q])) {
      c++;
      q++;
    }
    // After a separator, a bare "a" followed by a lower-case word is the article: "(a); a consecutive".
    if (items > 0 && opens === 0 && c === 0 && text[q] === ' ' && isLower(text[q + 1]) && isLower(text[q + 2])) break;
    if (items === 0) firstOpens = opens;
    atoms.push(...itemAtoms);
    closes += c;
    items++;
    end = q;
    const s = sticky(bare ? BARE_SEPARATOR_RE : SEPARATOR_RE, text, q);
    if (s === undefined || s === q) break;
    p = s;
  }
  if (items === 0) return undefined;
  return { start: pos, end, atoms, firstOpens, closes, items, ranged };
}

type PrevContext = 'start' | 'sentence' | 'clause' | 'comma' | 'and' | 'paren' | 'glued' | 'open' | 'none' | 'reference' | 'word-ref';

/** What precedes a candidate label at `pos`. */
function prevContext(text: string, pos: number): PrevContext {
  let i = pos - 1;
  if (i < 0) return 'start';
  if (isWordChar(text[i])) return 'glued';
  while (i >= 0 && text[i] === ' ') i--;
  if (i < 0) return 'start';
  const c = text[i];
  if (c === '.' || c === '!' || c === '?') {
    if (c === '.') {
      let k = i;
      while (k > 0 && i - k < 12 && (isWordChar(text[k - 1]) || (text[k - 1] === '.' && isWordChar(text[k - 2])))) k--;
      const w = text.slice(k, i).toLowerCase();
      if (ABBREV_BEFORE_DOT.has(w)) return 'reference';
      // "S.D.", "U.S.": a letter glued to a single-letter abbreviation.
      if (i === pos - 1 && w.length === 1) return 'reference';
    }
    return 'sentence';
  }
  if (c === ';' || c === ':') return 'clause';
  if (c === ',') return 'comma';
  if (c === ')' || c === ']') return 'paren';
  if (c === '(' || c === '[') return 'open';
  // "H&E", "H & E": never a label list.
  if (c === '&') return 'reference';
  let k = i + 1;
  while (k > 0 && i + 1 - k < 12 && isWordChar(text[k - 1])) k--;
  const w = text.slice(k, i + 1).toLowerCase();
  if (CONJUNCTIONS.has(w)) return 'and';
  if (STRICT_REFERENCE_WORDS.has(w)) return 'reference';
  if (REFERENCE_WORDS.has(w)) return 'word-ref';
  return 'none';
}

/** True when an unmatched '(' precedes `pos` within the same stretch of text (then a ')' closes it). */
function insideParenthesis(text: string, pos: number): boolean {
  let depth = 0;
  for (let i = pos - 1; i >= 0 && i >= pos - 120; i--) {
    const c = text[i];
    if (c === ')') depth++;
    else if (c === '(') {
      if (depth === 0) return true;
      depth--;
    } else if (c === '.' && text[i + 1] === ' ') return false;
  }
  return false;
}

const PRIMES = new Set(['′', '’', "'", '″']);
const RELATION_CHARS = new Set(['=', '<', '>', '≤', '≥', '±', '+', '/', '~', '≈', '%', '^', '|', '−', '-', '→', '×']);

const textFollows = (c: string | undefined): boolean => c !== undefined && !/[.;,)\]:]/.test(c);
/** Upper case, digit or symbol: "(b) High power", "a *10 magnification". Not a lower-case word. */
const startsLikeDescription = (text: string, k: number): boolean => {
  const c = text[k];
  if (c === undefined) return false;
  if (isLower(c)) return false;
  return true;
};

function skipSpaces(text: string, k: number): number {
  while (text[k] === ' ') k++;
  return k;
}

function boldMatch(boldKeys: ReadonlySet<string> | undefined, atoms: Atom[]): boolean {
  if (!boldKeys || boldKeys.size === 0) return false;
  return atoms.every((a) => boldKeys.has(a.text));
}

const MAX_ASIDE = 40;

/** "(B) (arrows) indicates …": a short bracketed aside after a label; the text after it tells the label's role. */
function skipAside(text: string, k: number): number {
  if (text[k] !== '(' || parseGroup(text, k)) return k;
  for (let i = k + 1; i < text.length && i <= k + MAX_ASIDE; i++) {
    const c = text[i];
    if (c === '(' || c === '[') return k;
    if (c === ')') return skipSpaces(text, i + 1);
  }
  return k;
}

function classifyParen(text: string, g: Group, prev: PrevContext): Mention {
  const n = text.length;
  const k = skipAside(text, skipSpaces(text, g.end));
  const nc = text[k];
  const boundaryBefore = prev === 'start' || prev === 'sentence' || prev === 'clause';
  let role: MentionRole;
  let weak = false;
  let tentative = false;
  let end = g.end;
  if (k >= n) {
    role = prev === 'start' ? 'prefix' : 'postfix';
  } else if (nc === ':' || (nc === '-' && text[k + 1] === ' ')) {
    role = 'prefix';
    end = k + 1;
  } else if (!textFollows(nc)) {
    if (prev === 'start' && nc === '.' && textFollows(text[skipSpaces(text, k + 1)])) {
      role = 'prefix';
      end = k + 1;
    } else {
      role = 'postfix';
    }
  } else if (boundaryBefore || prev === 'comma' || prev === 'open') {
    role = 'prefix';
  } else if (prev === 'glued' && startsLikeDescription(text, k)) {
    role = 'prefix';
  } else if (prev === 'and' || prev === 'paren' || prev === 'none' || prev === 'word-ref' || prev === 'glued') {
    if (startsLikeDescription(text, k) && prev !== 'word-ref') {
      role = 'prefix';
      weak = true;
    } else {
      // "(K) normal tissue and (L) tumour", "included in (a) Fur-like box; (b) ...": a prefix if it continues the sequence.
      // A tentative 'prefix' (description follows) may even start the sequence; a tentative 'inline' only continue it.
      role = prev === 'word-ref' && startsLikeDescription(text, k) ? 'prefix' : 'inline';
      tentative = prev !== 'word-ref' || role === 'prefix';
    }
  } else {
    role = 'inline';
  }
  return { start: g.start, end, atoms: g.atoms, form: 'paren', role, weak, ranged: g.ranged, prev, tentative };
}

/** Bare or half-parenthesised label ("A.", "A:", "a)", "A,", "a *10", "c-e Scanning"), prefix only. */
function classifyBare(text: string, g: Group, prev: PrevContext, boldKeys?: ReadonlySet<string>): Mention | undefined {
  const boundary = prev === 'start' || prev === 'sentence' || prev === 'clause' || prev === 'comma';
  const bold = boldMatch(boldKeys, g.atoms);
  const roman = g.atoms.some((a) => a.kind === 'roman');
  const e = g.end;
  const base = { start: g.start, atoms: g.atoms, role: 'prefix' as const, ranged: g.ranged, prev };
  if (g.closes > 0) {
    if (insideParenthesis(text, g.start)) return undefined;
    const k = skipSpaces(text, e);
    if (!textFollows(text[k]) || k >= text.length) return undefined;
    if (!boundary) {
      // "tissue B) In situ", "derived from F) normal bladder": kept only if it continues the sequence.
      if (prev !== 'none' && prev !== 'word-ref' && prev !== 'and' && prev !== 'paren') return undefined;
      return { ...base, end: e, form: 'half-paren', weak: true, tentative: true };
    }
    return { ...base, end: e, form: 'half-paren', weak: false, tentative: false };
  }
  // "(neurons and microglia) B: Colon": a colon label after a bracket, if it continues the sequence.
  if (prev === 'paren' && text[e] === ':' && textFollows(text[skipSpaces(text, e + 1)])) {
    return { ...base, end: e + 1, form: 'bare-punct', weak: true, tentative: true };
  }
  // "... are presented B. Comparison of ...": a full stop went missing before the label.
  // (Also before a gene-like word with an inner capital or digit: "structures A. hIRE1 crystallizes".)
  if (prev === 'none' && text[e] === '.' && text[e + 1] === ' ' && (isUpper(text[e + 2]) || GENE_LIKE_RE.test(text.slice(e + 2, e + 14))) && g.atoms.length === 1 && !roman) {
    return { ...base, end: e + 1, form: 'bare-punct', weak: true, tentative: true };
  }
  if (!boundary && prev !== 'and') return undefined;
  // "; and B , right lateral view": kept only if it continues the sequence.
  const weakCtx = prev === 'comma' || prev === 'and';
  const t = text[e];
  // "A , dorsal" / "B : ventral": a space left where inline markup was flattened.
  if (t === ' ' && (text[e + 1] === ',' || text[e + 1] === ':' || text[e + 1] === '.') && text[e + 2] === ' ') {
    return classifyBare(text, { ...g, end: e + 1 }, prev, boldKeys);
  }
  // "b - EIR variation": a dash between label and text.
  if (t === ' ' && text[e + 1] === '-' && text[e + 2] === ' ' && textFollows(text[e + 3])) {
    return { ...base, end: e + 2, form: 'bare-punct', weak: weakCtx, tentative: weakCtx || isUpper(text[e + 3]) === false };
  }
  const after = skipSpaces(text, e + 1);
  if (t === '.' || t === ':') {
    // "A: B: C: D:" (a caption of labels only): the last one has no text after it.
    if (t === ':' && after >= text.length && boundary) return { ...base, end: e + 1, form: 'bare-punct', weak: true, tentative: true };
    if (!textFollows(text[after]) || after >= text.length) return undefined;
    // "A." + lower-case word after a full stop is an initial or abbreviation more often than a label.
    const tentative = t === '.' && isLower(text[after]) && !bold && text[e + 1] === ' ';
    return { ...base, end: e + 1, form: 'bare-punct', weak: weakCtx, tentative: tentative || prev === 'and' };
  }
  if (roman) return undefined;
  // "A-B, humerus …; C-D; radius …": a label closed by ";" continues the sequence or is dropped.
  if (t === ';' && text[e + 1] === ' ' && isAsciiLetter(text[after]) && !readAtom(text, after)) {
    return { ...base, end: e + 1, form: 'bare-punct', weak: true, tentative: true };
  }
  // "a (Left): control; b (Right): treated": a positional word in brackets after the letter stays in the text.
  if (t === ' ' && sticky(POSITIONAL_PAREN_RE, text, after) !== undefined && boundary) {
    return { ...base, end: e, form: 'bare-space', weak: weakCtx, tentative: weakCtx };
  }
  if (t === ',' && text[e + 1] === ' ') {
    if (!isAsciiLetter(text[after]) || readAtom(text, after)) return undefined;
    return { ...base, end: e + 1, form: 'bare-punct', weak: true, tentative: weakCtx && !bold };
  }
  if (t === ' ') {
    if (after >= text.length) return undefined;
    if (text[after] === '(' || text[after] === ',' || text[after] === '.' || text[after] === ';' || text[after] === ')') return undefined;
    // "n = 20", "p1 < 0.001", "x ± SD": a variable in a formula.
    if (RELATION_CHARS.has(text[after] ?? '')) return undefined;
    const lowerNext = !startsLikeDescription(text, after) && !bold;
    return { ...base, end: e, form: 'bare-space', weak: weakCtx, tentative: lowerNext || weakCtx };
  }
  return undefined;
}

const GENE_LIKE_RE = /^[a-z]{1,3}[A-Z0-9][\p{L}\p{N}-]*(?![\p{L}\p{N}])/u;
const MAX_COLON_ITEM = 40;
const NEXT_COLON_ITEM_RE = /\)?[,;] ?[^,;:.()]{1,40}: ?[A-Za-z](?![A-Za-z0-9])/y;

/**
 * "Frontal view : A, internal view : B, lateral view: C": a single letter after a short phrase and a colon, closed
 * by ",", ";", ")" or the end, ends its item (postfix). Kept by the splitter only as a run of two or more.
 */
function colonPostfix(text: string, g: Group, prev: PrevContext, last: Mention | undefined): Mention | undefined {
  if (prev !== 'clause' || g.atoms.length !== 1 || g.closes > 1 || g.atoms[0]?.kind !== 'letter' || (g.atoms[0]?.text.length ?? 0) > 1) return undefined;
  let k = g.start - 1;
  while (k >= 0 && text[k] === ' ') k--;
  if (text[k] !== ':') return undefined;
  const after = text[g.end];
  if (!(g.end >= text.length || after === ',' || after === ';' || after === '.' || (g.closes === 1 && after === ' '))) return undefined;
  // The phrase before the colon: a few words since the last separator.
  let b = k - 1;
  while (b >= 0 && k - b <= MAX_COLON_ITEM && !/[,;.:()]/.test(text[b] ?? '')) b--;
  if (k - b > MAX_COLON_ITEM || !/[\p{L}]/u.test(text.slice(b + 1, k))) return undefined;
  // One of a run: the next item has the same shape, or the previous label was one ("A, control; B, treated" is not).
  const continues = last !== undefined && last.role === 'postfix' && last.form === 'bare-punct' && g.start - last.end <= MAX_COLON_ITEM + 4;
  if (!continues && sticky(NEXT_COLON_ITEM_RE, text, g.end) === undefined) return undefined;
  return { start: g.start, end: g.end, atoms: g.atoms, form: 'bare-punct', role: 'postfix', weak: true, ranged: false, prev, tentative: false };
}

/** "(D and E, red dashed lines)", "(anti-CD34, E-H)": a label list as the first or last comma part. */
function mixedParen(text: string, open: number): Mention[] {
  const n = text.length;
  let close = -1;
  for (let i = open + 1; i < n && i <= open + MIXED_PAREN_SPAN; i++) {
    const c = text[i];
    if (c === '(' || c === '[') return [];
    if (c === ')' || c === ']') {
      close = i;
      break;
    }
  }
  if (close < 0) return [];
  const content = text.slice(open + 1, close);
  if (CITATION_RE.test(content)) return [];
  const parts: Array<{ start: number; end: number }> = [];
  let s = open + 1;
  for (let i = open + 1; i <= close; i++) {
    if (i === close || text[i] === ',' || text[i] === ';') {
      parts.push({ start: s, end: i });
      s = i + 1;
      if (parts.length > 12) return [];
    }
  }
  if (parts.length < 2) return [];
  const out: Mention[] = [];
  const tryPart = (part: { start: number; end: number }): void => {
    const st = skipSpaces(text, part.start);
    const g = parseGroup(text, st);
    // The last part may swallow the closing bracket: "(anti-CD34, E-H)".
    const whole = g && g.firstOpens === 0 && ((g.closes === 0 && g.end === part.end) || (part.end === close && g.closes === 1 && g.end === close + 1));
    if (g && whole) {
      const k = skipSpaces(text, close + 1);
      const role: MentionRole = textFollows(text[k]) ? 'inline' : 'postfix';
      out.push({ start: st, end: Math.min(g.end, part.end), atoms: g.atoms, form: 'paren-mixed', role, weak: true, ranged: g.ranged, prev: 'open', tentative: false });
    }
  };
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (first) tryPart(first);
  if (last && out.length === 0) tryPart(last);
  return out;
}

function positional(text: string, pos: number, prev: PrevContext): Mention | undefined {
  POSITIONAL_RE.lastIndex = pos;
  const m = POSITIONAL_RE.exec(text);
  if (!m) return undefined;
  const end = pos + m[0].length;
  const label = (m[1] ? `${m[1]} ${m[2]}` : (m[2] ?? '')).toLowerCase().replace('centre', 'center');
  const atoms: Atom[] = [{ text: label, kind: 'positional' }];
  if (prev === 'open' && isClose(text[end])) {
    const start = pos - 1;
    const p2 = prevContext(text, start);
    const g: Group = { start, end: end + 1, atoms, firstOpens: 1, closes: 1, items: 1, ranged: false };
    const mention = classifyParen(text, g, p2);
    return { ...mention, form: 'positional' };
  }
  if (prev === 'start' || prev === 'sentence' || prev === 'clause') {
    const k = skipSpaces(text, end);
    if (text[k] === ':' || text[k] === ',' || (text[k] === '-' && text[k + 1] === ' ') || text[k] === ')') {
      return { start: pos, end: k + 1, atoms, form: 'positional', role: 'prefix', weak: false, ranged: false, prev, tentative: false };
    }
    if (m[3] && sticky(PANEL_VERB_RE, text, end) !== undefined) {
      // Zero width: the phrase stays in the subcaption ("Left panel shows control").
      return { start: pos, end: pos, atoms, form: 'positional', role: 'prefix', weak: false, ranged: false, prev, tentative: false };
    }
  }
  return undefined;
}

/** All label mentions in caption order. Mentions never overlap. */
export function scanLabelMentions(text: string, options: ScanOptions = {}): Mention[] {
  const out: Mention[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i];
    if (isOpen(c)) {
      const prev = prevContext(text, i);
      const g = prev === 'reference' ? undefined : parseGroup(text, i);
      // "( E )-hex-2-enal", "(S)-ibuprofen": a stereo descriptor glued to a chemical name.
      const chemical = g !== undefined && text[g.end] === '-' && isWordChar(text[g.end + 1]);
      if (g && g.firstOpens > 0 && g.closes > 0 && !chemical) {
        // "Fe(II)", "CD3(+)": a bracket glued to a word is chemistry unless a description follows.
        const glued = prev === 'glued';
        const upperRoman = g.atoms.some((a) => a.kind === 'roman' && a.text !== a.text.toLowerCase());
        if (!(glued && upperRoman)) {
          const m = classifyParen(text, g, prev);
          if (!(glued && m.role !== 'prefix')) {
            out.push(m);
            i = Math.max(m.end, i + 1);
            continue;
          }
        }
      } else if (prev !== 'reference') {
        const mixed = mixedParen(text, i);
        if (mixed.length > 0) {
          out.push(...mixed);
          i = Math.max(...mixed.map((m) => m.end), i + 1);
          continue;
        }
      }
      if (isAsciiLetter(text[i + 1])) {
        const pm = positional(text, i + 1, 'open');
        if (pm) {
          out.push(pm);
          i = Math.max(pm.end, i + 1);
          continue;
        }
      }
      i++;
      continue;
    }
    // A title glued to the first label by the PMC export: "non-tumor tissuesA) Evaluation of ...".
    if (
      isUpper(c) && isLower(text[i - 1]) && isLower(text[i - 2]) && text[i + 1] === ')' && text[i + 2] === ' ' &&
      (isUpper(text[i + 3]) || isDigit(text[i + 3])) && !insideParenthesis(text, i)
    ) {
      out.push({ start: i, end: i + 2, atoms: [{ text: text.charAt(i), kind: 'letter' }], form: 'half-paren', role: 'prefix', weak: true, ranged: false, prev: 'glued', tentative: false });
      i += 2;
      continue;
    }
    if (isAsciiLetter(c) && !isWordChar(text[i - 1]) && text[i - 1] !== '-' && text[i - 1] !== '/' && text[i - 1] !== "'" && text[i - 1] !== '’') {
      const prev = prevContext(text, i);
      if (prev !== 'reference' && prev !== 'glued' && prev !== 'open') {
        const pm = prev === 'none' || prev === 'and' || prev === 'word-ref' || prev === 'paren' ? undefined : positional(text, i, prev);
        if (pm) {
          out.push(pm);
          i = Math.max(pm.end, i + 1);
          continue;
        }
        const g = parseGroup(text, i, true);
        if (g && g.firstOpens === 0) {
          // "Panel A shows ...; panel B ...": the word "panel" makes a bare letter as sure as bold type.
          const post = colonPostfix(text, g, prev, out[out.length - 1]);
          if (post) {
            out.push(post);
            i = Math.max(post.end, i + 1);
            continue;
          }
          const panelWord = sticky(PANEL_WORD_RE, text, i) !== undefined;
          const m = classifyBare(text, g, prev, panelWord ? new Set(g.atoms.map((a) => a.text)) : options.boldKeys);
          if (m) {
            out.push(panelWord ? { ...m, tentative: false } : m);
            i = Math.max(m.end, i + 1);
            continue;
          }
        }
      }
      // Bold letters (JATS <bold>) are labels even in running text: "structures of A , THL and B , PPOX".
      if (options.boldKeys && options.boldKeys.size > 0 && (prev === 'none' || prev === 'word-ref' || prev === 'and')) {
        const g = parseGroup(text, i, true);
        if (g && g.firstOpens === 0 && g.closes === 0 && boldMatch(options.boldKeys, g.atoms)) {
          const m = classifyBare(text, g, 'clause', options.boldKeys);
          // Only with label punctuation ("A , THL"): a bold "a" hint must not turn every article into a label.
          if (m && m.form === 'bare-punct') {
            out.push({ ...m, weak: true, prev });
            i = Math.max(m.end, i + 1);
            continue;
          }
        }
      }
      // Skip the rest of the word: only word starts can begin a label.
      while (i < n && isWordChar(text[i]) && !(text[i + 1] === ')' && isUpper(text[i]) && isLower(text[i - 1]))) i++;
      continue;
    }
    i++;
  }
  return out;
}
