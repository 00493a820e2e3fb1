/**
 * Subcaption separation: caption -> label set, shared text, and one subcaption per label.
 *
 * Three layouts are handled:
 * - prefix:  "(A) H&E staining. (B) Ki-67." — a label introduces the text up to the next label;
 * - postfix: "H&E staining (a); Ki-67 (b)." — a label closes the clause before it;
 * - inline:  labels only referenced inside sentences — each sentence goes to the labels it mentions.
 * Text before the first label (the title) and generic trailing sentences (scale bars, magnification,
 * staining method) are shared and repeated in every subcaption.
 */
import { normalizeCaption } from './normalize.ts';
import { type Mention, type MentionForm, type MentionRole, scanLabelMentions } from './label-tokens.ts';
import { type Atom, type AtomKind, labelKey, labelSortKey, letterIndex } from './label-sets.ts';
import { type Span, splitSentences } from './sentences.ts';
import { distributeClauses } from './clauses.ts';
import { distributeValueSentence } from './trailers.ts';
import { calibrateConfidence } from './calibration.ts';
import { chainMentions } from './chain.ts';
import { dropAbbreviationDefinitions, dropAbbreviationLegends, dropDetachedWeakMentions, seqIndex } from './mention-filters.ts';

export type SplitMode = 'none' | 'prefix' | 'postfix' | 'inline';

export interface Subcaption {
  label: string;
  /** Shared text + the text describing this label. */
  text: string;
  /** Only the part that describes this label (no shared text). */
  specific: string;
  /** Calibrated: about this share of such subcaptions are right (true label, token F1 ≥ 0.75; see calibration.ts). */
  confidence: number;
  /** The splitter's own score before calibration (label form, sequence penalties). */
  rawConfidence?: number;
}

export interface SplitCaption {
  labels: string[];
  shared: string;
  subcaptions: Subcaption[];
  /** 0..1: how sure the splitter is about the label set and the split. */
  confidence: number;
  /** True when the result should be reviewed rather than trusted (confidence < 0.6). */
  uncertain: boolean;
  mode: SplitMode;
  /** Reasons for lowered confidence, e.g. "gap-in-sequence", "single-label". */
  flags: string[];
  /** The normalised caption the offsets refer to. */
  caption: string;
}

export interface SplitOptions {
  /** Texts of the caption's <bold> spans (JATS); bold single letters are trusted as labels. */
  boldLabels?: string[];
  /**
   * Sub-labels "B1", "B2" when the caption also names letters: `letter` (default) reports them under their letter
   * "B" (panels are detected at the letter level; the sub-label stays in the text), `keep` reports each one.
   */
  subLabels?: 'letter' | 'keep';
}

const UNCERTAIN_BELOW = 0.6;
const MAX_SEQUENCE_GAP = 3;

const FORM_CONFIDENCE: Record<MentionForm, number> = {
  paren: 0.95,
  'half-paren': 0.9,
  'bare-punct': 0.85,
  'bare-space': 0.75,
  positional: 0.75,
  'paren-mixed': 0.6,
};

// Trailing sentences about the whole figure (methods, scale, statistics) are shared, not the last panel's.
const GENERIC_SENTENCE_RE =
  /\b(?:scale ?bars?|bars?\b ?(?:[=:,]|represents?|indicates?)|magnifications?|magnified|original|objectives?|all (?:the )?(?:panels|images|sections|cores|figures|photos|photographs|micrographs|samples|fields|scale|data)|(?:in|for|of) (?:all|each|both)\b|each (?:panel|image|core|group|bar|point|dot)|insets?\b|arrows?\b|arrowheads?|asterisks?|data (?:are|is|represent|shown)|error bars?|means? ?(?:±|\+\/-|\+)|p ?[<=>≤]|n ?=|respectively|h ?& ?e\b|h and e\b|ha?ematoxylin|eosin|counterstain|immunohistochemistry with|stain(?:ed|ing) (?:with|by|for)|original magnification|x ?\d{2,4}\b|\d+ ?[x×*] ?(?:magnification|objective)?\b|[µμ]m\b)/i;

// Legends and notes about the whole figure: "Abbreviations: ac, acetabulum; …", "LA, left atrium; RA, right atrium.",
// "Blots are representative of three independent experiments.", "Reproduced from …".
const LEGEND_SENTENCE_RE =
  /^(?:[Aa]bbreviations?\b|[\p{L}\p{N}.'′-]{1,8}(?:,| ?=| ?:) [^;]{1,80}(?:; ?[\p{L}\p{N}.'′-]{1,8}(?:,| ?=| ?:) [^;]{1,80})+[.;]?$|[A-Z][A-Za-z]{0,3}[A-Z][A-Za-z0-9]{0,4}, [a-z][^;,]{2,60}\.?$)/u;
const FIGURE_NOTE_RE =
  /\b(?:representative (?:of|from)|independent experiments|loading control|(?:tests?|analysis) (?:was|were) used|as (?:previously )?described|reproduced (?:from|with)|adapted from|doi:|courtesy of|drawings? by)/i;

function isSharedTrailer(sentence: string): boolean {
  return GENERIC_SENTENCE_RE.test(sentence) || FIGURE_NOTE_RE.test(sentence) || LEGEND_SENTENCE_RE.test(sentence.trim());
}

function joinText(parts: string[]): string {
  return parts
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .join(' ');
}

/** Leading separators left over after a label was cut out: ", ", "; ", ". ". */
function cleanSegment(s: string): string {
  let t = s.trim();
  let i = 0;
  while (i < t.length && i < 4 && /[,;:.\-)\]]/.test(t[i] ?? '')) i++;
  t = t.slice(i).trim();
  return t;
}

function atomKey(a: Atom): string {
  return a.text;
}

/** Decides the label family (letters/roman/positional, upper/lower case) and drops the other mentions. */
function chooseFamily(mentions: Mention[], flags: string[]): { mentions: Mention[]; kind: AtomKind | undefined } {
  const hasLongRoman = mentions.some((m) => m.atoms.some((a) => a.kind === 'roman' && a.text.length > 1 && a.text === a.text.toLowerCase()));
  const hasH = mentions.some((m) => m.role !== 'inline' && m.atoms.some((a) => a.kind === 'letter' && a.text === 'h'));
  // "(i) ... (ii)" — single-character romans were read as letters.
  const retyped = mentions.map((m) => {
    if (!hasLongRoman || hasH) return m;
    const atoms = m.atoms.map((a): Atom => (a.kind === 'letter' && /^[ivx]$/.test(a.text) ? { text: a.text, kind: 'roman' } : a));
    return { ...m, atoms };
  });
  const strong = (m: Mention): number => (m.tentative && m.form !== 'paren' ? 0.2 : m.role === 'inline' ? 0.3 : m.weak ? 0.6 : 1);
  // Each label counts once, at its strongest mention: "low (a, b) and high (c, d)" repeated in every panel of
  // "(A) … (B) … (C) …" names four sub-panels, not twelve labels.
  const weight = new Map<string, { atom: Atom; w: number }>();
  for (const m of retyped) {
    for (const a of m.atoms) {
      const k = `${a.kind}:${a.text}`;
      const prev = weight.get(k);
      if (!prev || strong(m) > prev.w) weight.set(k, { atom: a, w: strong(m) });
    }
  }
  let upper = 0;
  let lower = 0;
  let letters = 0;
  let romans = 0;
  let positional = 0;
  for (const { atom: a, w } of weight.values()) {
    if (a.kind === 'letter') {
      letters += w;
      if ((a.text[0] ?? '') >= 'a') lower += w;
      else upper += w;
    } else if (a.kind === 'roman') romans += w;
    else positional += w;
  }
  // The case whose sequence starts at "a" wins ties: "(A) ... n = 3, p1 < 0.01" stays upper case.
  const startsAt = (lowerCase: boolean): boolean =>
    retyped.some((m) => (m.role !== 'inline' || m.form === 'paren') && m.atoms.some((a) => a.kind === 'letter' && a.text[0] === (lowerCase ? 'a' : 'A')));
  const startsLower = startsAt(true);
  const startsUpper = startsAt(false);
  if (startsLower) lower += 1.5;
  if (startsUpper) upper += 1.5;
  if (startsLower || startsUpper) letters += 1.5;
  // The first confident label sets the case and keeps letters ahead of stray positional words:
  // "( A ) ... ( B ) ... a, b, c Different letters indicate significant differences".
  const firstStrong = retyped.find((m) => !m.tentative && m.role !== 'inline' && m.atoms[0]?.kind === 'letter' && /^[aA]$/.test(m.atoms[0].text));
  const firstText = firstStrong?.atoms[0]?.text ?? '';
  if (firstStrong) {
    letters += 1.5;
    if (firstText >= 'a') lower += 1.5;
    else upper += 1.5;
  }
  let kind: AtomKind | undefined;
  if (letters > 0 && letters >= romans * 0.25 && letters >= positional) kind = 'letter';
  else if (romans > 0 && romans >= positional) kind = 'roman';
  else if (positional > 0) kind = 'positional';
  if (kind === undefined) return { mentions: [], kind };
  if (kind === 'letter' && romans > 0) flags.push('sublabels-kept-in-text');
  // "A) Bur head (a), spacers (b) … B) Bur base: shaft (a), spacers (b) …": letters of one case that start again
  // from "a" after a firm label of the other case are items inside those panels, not panels.
  const restarts = (lowerCase: boolean): boolean => {
    let seenA = false;
    let otherBetween = false;
    for (const m of retyped) {
      if (m.role === 'inline' && m.form !== 'paren') continue;
      const letters = m.atoms.filter((a) => a.kind === 'letter');
      if (letters.some((a) => a.text === (lowerCase ? 'a' : 'A'))) {
        if (seenA && otherBetween) return true;
        seenA = true;
        otherBetween = false;
      } else if (seenA && !m.tentative && !m.weak && m.role === 'prefix' && m.form !== 'bare-space' && letters.some((a) => ((a.text[0] ?? '') >= 'a') !== lowerCase)) otherBetween = true;
    }
    return false;
  };
  const nestedLower = restarts(true);
  const nestedUpper = restarts(false);
  const wantLower = nestedLower !== nestedUpper ? nestedUpper : lower > upper;
  if (kind === 'letter' && upper > 0 && lower > 0) flags.push('mixed-case');
  // "T1: day 1; T2: day 5": numbered variants of one letter that never appears alone are variables, not panels.
  const plain = new Set<string>();
  const numbered = new Set<string>();
  const firstSub = new Map<string, number>();
  for (const m of retyped) {
    for (const a of m.atoms) {
      if (a.kind !== 'letter' || a.text.length < 2) continue;
      const l = (a.text[0] ?? '').toLowerCase();
      firstSub.set(l, Math.min(firstSub.get(l) ?? Infinity, Number.parseInt(a.text.slice(1), 10)));
    }
    if (m.role === 'inline') continue;
    for (const a of m.atoms) {
      if (a.kind !== 'letter') continue;
      if (a.text.length === 1) plain.add(a.text.toLowerCase());
      else numbered.add((a.text[0] ?? '').toLowerCase());
    }
  }
  const plainIdx = [...plain].map((l) => letterIndex(l) ?? 0);
  const lo = Math.min(...plainIdx) - 1;
  const hi = Math.max(...plainIdx) + 1;
  // Kept when they sit inside the plain letters' run: "(A) ... (B1) (B2) ... (C)", or continue a run of
  // letters from "a": "A1-A3, tumour; B1-B3, control".
  const fromA = new Set<number>();
  for (let k = 0; [...plain, ...numbered].some((l) => letterIndex(l) === k); k++) fromA.add(k);
  const variableLetters = new Set(
    [...new Set([...numbered, ...firstSub.keys()])].filter(
      (l) =>
        !plain.has(l) &&
        // "(G3) and proximal (H4) views": a letter named only by sub-labels that do not count from 1 is no panel.
        ((firstSub.get(l) ?? 1) > 1 || (!fromA.has(letterIndex(l) ?? -1) && !(plainIdx.length > 0 && (letterIndex(l) ?? 0) >= lo && (letterIndex(l) ?? 0) <= hi))),
    ),
  );
  const kept: Mention[] = [];
  for (const m of retyped) {
    if (m.atoms.some((a) => a.kind === 'letter' && a.text.length > 1 && variableLetters.has((a.text[0] ?? '').toLowerCase()))) continue;
    const atoms = m.atoms.filter((a) => {
      if (a.kind !== kind) return false;
      return kind !== 'letter' || ((a.text[0] ?? '') >= 'a') === wantLower;
    });
    if (atoms.length === m.atoms.length) kept.push(m);
    else if (atoms.length > 0 && m.role === 'inline') kept.push({ ...m, atoms });
  }
  return { mentions: kept, kind };
}

/** Keeps the densest run of letters (gaps of at most MAX_SEQUENCE_GAP) so that "(N)" or "(T)" abbreviations drop out. */
function validateSequence(mentions: Mention[], flags: string[]): Mention[] {
  const idx = new Set<number>();
  for (const m of mentions) {
    if (m.role === 'inline' && m.form !== 'paren' && m.form !== 'paren-mixed') continue;
    for (const a of m.atoms) {
      const li = letterIndex(a.text);
      if (li !== undefined) idx.add(li);
    }
  }
  if (idx.size === 0) return mentions;
  const sorted = [...idx].sort((a, b) => a - b);
  let best: number[] = [];
  let cur: number[] = [];
  for (const v of sorted) {
    const last = cur[cur.length - 1];
    if (last !== undefined && v - last > MAX_SEQUENCE_GAP) {
      if (cur.length > best.length || (cur.length === best.length && (cur[0] ?? 99) < (best[0] ?? 99))) best = cur;
      cur = [];
    }
    cur.push(v);
  }
  if (cur.length > best.length || (cur.length === best.length && (cur[0] ?? 99) < (best[0] ?? 99))) best = cur;
  const lo = best[0] ?? 0;
  const hi = best[best.length - 1] ?? 0;
  if (best.length < sorted.length) flags.push('dropped-outlier-labels');
  const out: Mention[] = [];
  for (const m of mentions) {
    const atoms = m.atoms.filter((a) => {
      const li = letterIndex(a.text);
      return li !== undefined && li >= lo && li <= hi;
    });
    if (atoms.length === m.atoms.length) out.push(m);
    else if (atoms.length > 0 && m.ranged) out.push({ ...m, atoms });
  }
  return out;
}

interface Segment {
  labels: string[];
  text: string;
}

function sentenceIndexAt(sentences: Span[], pos: number): number {
  // Binary search: the sentence whose span contains pos (or the one before it).
  let lo = 0;
  let hi = sentences.length - 1;
  let ans = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = sentences[mid];
    if (s && s.start <= pos) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

/**
 * Tentative candidates ("; b hematoxylin", "tissue B) In", "(K) x and (L) y") are kept only when they
 * continue the label sequence; other tentative ones are dropped (bare) or stay references (bracketed).
 */
const MAX_DESCRIPTION_CHARS = 400;

function resolveTentative(mentions: Mention[], text: string): Mention[] {
  const out: Mention[] = [];
  let last = -1;
  let lastRole = 'prefix' as MentionRole;
  // "… in A) anterior, B) left lateral, C) posterior views": a bare first label is promoted when the next
  // mention, written the same way and firmly read, continues its sequence after a short item.
  const continuedBy = (m: Mention, next: Mention | undefined): boolean => {
    const a = m.atoms[m.atoms.length - 1];
    const b = next?.atoms[0];
    if (next === undefined || next.tentative || next.form !== m.form || a === undefined || b === undefined || seqIndex(b) !== (seqIndex(a) ?? -2) + 1) return false;
    if (m.form === 'half-paren') return next.start - m.end <= MAX_ITEM_CHARS;
    // "Graphical summary of the structures A. hIRE1 crystallizes … B. ADP-hIRE1 …": a title without its full stop.
    return m.form === 'bare-punct' && m.prev === 'none' && text[m.end - 1] === '.' && text[next.end - 1] === '.' && next.start - m.end <= MAX_DESCRIPTION_CHARS;
  };
  for (const [k, m] of mentions.entries()) {
    const first = m.atoms[0];
    const idx = first ? seqIndex(first) : undefined;
    if (m.tentative) {
      // The first label may be promoted only from brackets: a bare "A" or "a" at the start is usually a word.
      if (idx !== undefined && idx === last + 1 && (last >= 0 || (m.form === 'paren' && m.role === 'prefix') || continuedBy(m, mentions[k + 1]))) {
        // In a postfix-style run ("H&E (E), AR (F) and Ki-67 (G) staining") a bracketed label stays postfix.
        const role: MentionRole = m.form === 'paren' && lastRole === 'postfix' ? 'postfix' : 'prefix';
        const promoted: Mention = { ...m, tentative: false, weak: true, role };
        out.push(promoted);
        last = Math.max(last, ...m.atoms.map((a) => seqIndex(a) ?? -1));
        lastRole = role;
      } else if (m.form === 'paren') {
        out.push({ ...m, tentative: false, role: 'inline' });
      }
      continue;
    }
    out.push(m);
    if (m.role !== 'inline') {
      last = Math.max(last, ...m.atoms.map((a) => seqIndex(a) ?? -1));
      lastRole = m.role;
    }
  }
  return out;
}

const MAX_ITEM_CHARS = 90;
const MAX_SHARED_CHARS = 300;
const LEADING_CONJUNCTION_RE = /^[\s,;]*(?:(?:and|or|as well as)\s+)?/;
// The last preposition, determiner or separator before the first item of an enumeration ends its lead-in.
const LEAD_END_RE =
  /(?:^|[\s(])(?:in|of|for|on|at|with|from|to|by|against|between|under|after|before|during|using|via|through|within|without|the|a|an|showing|shows|show|demonstrates?|reveals?)\s|[,:;]\s/gi;

/**
 * Number of leading postfix mentions of the sentence that form one enumeration: at least two, each after a
 * short item ("dorsal (B)", ", and medial (C)") that holds no sentence break.
 */
function postfixRun(text: string, bounds: Mention[], sp: Span): number {
  let k = 0;
  let from = sp.start;
  for (const m of bounds) {
    if (m.role !== 'postfix') break;
    if (k > 0) {
      const gap = text.slice(from, m.start);
      if (gap.length > MAX_ITEM_CHARS || /[.!?:]\s/.test(gap) || !/^[\s,;]*(?:and |or )?\S/.test(gap) || !/[\p{L}\p{N}]/u.test(gap)) break;
      if (!/^\s*[,;]|^\s*(?:and|or)\s/.test(gap)) break;
    }
    k++;
    from = m.end;
  }
  return k;
}

// "(A) dorsal and (B) ventral views": between two bracketed labels, one to three lower-case words and a conjunction.
const PREFIX_ITEM_GAP_RE = /^ [a-z][\p{L}\p{N}-]*(?: [a-z][\p{L}\p{N}-]*){0,2}(?:,? and|,? or|,) $/u;
const PREFIX_LAST_ITEM_RE = /^ ([a-z][\p{L}\p{N}-]*(?: [a-z][\p{L}\p{N}-]*){0,5})([.;]?)$/u;
const LEAD_PREPOSITION_RE = /\b(?:in|of|for|from|at|on|with|showing|shows?|under|after|before|during)\s*$/i;

/** Leading bracketed labels (all of the sentence's labels, two or more) that each take a short lower-case item. */
function isPrefixEnumeration(text: string, bounds: Mention[], sp: Span): boolean {
  if (bounds.length < 2 || bounds.some((m) => m.role !== 'prefix' || m.form !== 'paren')) return false;
  for (let k = 0; k + 1 < bounds.length; k++) {
    const a = bounds[k];
    const b = bounds[k + 1];
    if (!a || !b) return false;
    const x = a.atoms[a.atoms.length - 1];
    const y = b.atoms[0];
    const xi = x ? seqIndex(x) : undefined;
    const yi = y ? seqIndex(y) : undefined;
    if (xi === undefined || yi !== xi + 1 || !PREFIX_ITEM_GAP_RE.test(text.slice(a.end, b.start))) return false;
  }
  const last = bounds[bounds.length - 1];
  return last !== undefined && PREFIX_LAST_ITEM_RE.test(text.slice(last.end, sp.end));
}

/** Where the first item of an enumeration starts inside the text before its label. */
function itemStart(piece: string, laterItems: readonly string[] = []): number {
  const cuts: Array<{ cut: number; word: string }> = [];
  const laterWords = laterItems.map((it) => it.toLowerCase().trim().split(/\s+/));
  LEAD_END_RE.lastIndex = 0;
  for (let m = LEAD_END_RE.exec(piece); m; m = LEAD_END_RE.exec(piece)) {
    if (m.index + m[0].length < piece.trimEnd().length) cuts.push({ cut: m.index + m[0].length, word: m[0].trim().replace(/^\(/, '').toLowerCase() });
  }
  // "binding to Ecp6 produced in P. pastoris (A) and mutants in LysM3 (B) and in LysM1 (C)": a preposition that the
  // later items repeat is part of each item, so the lead-in ends at an earlier one ("binding to").
  // (Short items only, and prepositions, not articles: "… located the neck (A) and the left main bronchus (B)".)
  const repeated = (word: string): boolean =>
    /^\p{L}+$/u.test(word) &&
    !/^(?:the|a|an)$/.test(word) &&
    laterWords.some((words) => words.length <= 4 && words.includes(word));
  for (let k = cuts.length - 1; k >= 0; k--) {
    const c = cuts[k];
    if (c && !repeated(c.word)) return c.cut;
  }
  return cuts[cuts.length - 1]?.cut ?? 0;
}

const NUMBER_ITEM_RE = /^(?:\d{1,3}[a-z]?|[IVX]{1,4})$/;

/**
 * "Gleason patterns 3 (a, b, c), and 4 (d, e, f)": when every item of a postfix run is a bare number, the items
 * are the numbers and the noun before the first one ("Gleason patterns") belongs to the lead-in of every item.
 */
function numberedItemsStart(text: string, piece0: string, run: Mention[]): number | undefined {
  const head = piece0.trimEnd();
  const sp = head.lastIndexOf(' ');
  if (sp < 0 || !NUMBER_ITEM_RE.test(head.slice(sp + 1))) return undefined;
  for (let k = 1; k < run.length; k++) {
    const item = text.slice(run[k - 1]?.end ?? 0, run[k]?.start ?? 0).replace(LEADING_CONJUNCTION_RE, '').trim();
    if (!NUMBER_ITEM_RE.test(item)) return undefined;
  }
  return sp + 1;
}

/** A sentence opening that leads into labels: a few words, not a full clause of its own. */
function isLeadIn(piece: string): boolean {
  const t = piece.trim();
  if (t.length === 0 || t.length > 160 || /[.!?]$/.test(t)) return false;
  const words = t.split(' ').length;
  // "Positive immunostains; (B) S100" leads in; a whole clause before ";" ("…caused the false-positive result; (b) …") does not.
  return /[;:,]$/.test(t) ? words <= 6 : words <= 20;
}

// "… are included in panel A", "see panels B and C", "panels D–F": the sentence names panels as such (not
// "colored as in (A)").
const PANEL_REF_RE = /\bpanels? \(?([A-Za-z](?: ?(?:,|and|&|or|-|–) ?[A-Za-z])*)\)?(?![\p{L}\p{N}])/gu;

/** The known labels that "panel X" references in the sentence name, in order, each once. */
function referencedLabels(sentence: string, known: ReadonlySet<string>): string[] {
  const out: string[] = [];
  if (!sentence.includes('panel')) return out;
  for (const m of sentence.matchAll(PANEL_REF_RE)) {
    const letters = (m[1] ?? '').split(/ ?(?:,|and|&|or) ?/);
    for (const part of letters) {
      const [a, b] = part.split(/ ?[-–] ?/);
      const from = letterIndex(a ?? '');
      const to = b === undefined ? from : letterIndex(b);
      if (from === undefined || to === undefined || to < from || to - from > 25) continue;
      for (let k = from; k <= to; k++) {
        const l = String.fromCharCode(((a ?? 'A') >= 'a' ? 97 : 65) + k);
        if (known.has(l) && !out.includes(l)) out.push(l);
      }
    }
  }
  return out;
}

/**
 * "A, Immunoblots … Quantitative data in panel B are … Real time PCR (C) results …": a letter missing from a run
 * of at least two firm labels on both sides, named in the text as "panel B", is that panel (a reference mention).
 */
function panelGapReferences(text: string, firm: readonly Mention[], inlineNew: readonly Mention[]): Mention[] {
  const template = firm[0];
  if (!template || !text.includes('panel')) return [];
  const used = [...firm, ...inlineNew];
  const have = new Set(used.flatMap((m) => m.atoms.map((a) => a.text)));
  const idx = firm.flatMap((m) => m.atoms.map((a) => letterIndex(a.text) ?? -1)).filter((i) => i >= 0);
  if (idx.length < 2) return [];
  const lower = firm.some((m) => m.atoms.some((a) => (a.text[0] ?? '') >= 'a'));
  const lo = Math.min(...idx);
  const hi = Math.max(...idx);
  const out: Mention[] = [];
  PANEL_REF_RE.lastIndex = 0;
  for (const m of text.matchAll(PANEL_REF_RE)) {
    const letter = m[1] ?? '';
    if (letter.length !== 1 || have.has(letter) || (letter >= 'a') !== lower) continue;
    const i = letterIndex(letter);
    if (i === undefined || i <= lo || i >= hi) continue;
    const start = (m.index ?? 0) + m[0].indexOf(letter, m[0].length - 2);
    have.add(letter);
    // (Built from a scanned mention so that every mention keeps one object shape.)
    out.push({ ...template, start, end: start + 1, atoms: [{ ...(template.atoms[0] as Atom), text: letter, kind: 'letter' }], form: 'positional', role: 'inline', weak: true, ranged: false, prev: 'word-ref', tentative: false });
  }
  return out;
}

/**
 * "(D–E) Enriched pathways for (D) drug X and (E) drug Y sensitiser genes": the labels of a group named again one by
 * one, in order, in the same clause (no . ; : between) are references inside the group's text, which then gives
 * each its own item (distributeClauses), not new descriptions that cut the sentence.
 */
function regroupedMentions(mentions: Mention[], text: string): Mention[] {
  let out: Mention[] | undefined;
  for (let k = 0; k < mentions.length; k++) {
    const g = mentions[k];
    if (!g || g.role !== 'prefix' || g.atoms.length < 2) continue;
    const keys = g.atoms.map((a) => labelKey(a.text));
    const inner = mentions.slice(k + 1, k + 1 + keys.length);
    if (inner.length !== keys.length || inner.some((m, j) => m.role === 'inline' || m.atoms.length !== 1 || labelKey(m.atoms[0]?.text ?? '') !== keys[j])) continue;
    const lastInner = inner[inner.length - 1] as Mention;
    if (/[.;:!?]/.test(text.slice(g.end, lastInner.start))) continue;
    out ??= [...mentions];
    for (let j = 0; j < inner.length; j++) {
      const m = out[k + 1 + j];
      if (m) out[k + 1 + j] = { ...m, role: 'inline', tentative: false };
    }
    k += inner.length;
  }
  return out ?? mentions;
}

interface Assignment {
  head: string[];
  tail: string[];
  segments: Segment[];
}

/**
 * Walks the sentences once. A prefix label owns the text after it (across sentences) until the next
 * label; a postfix label owns the clause before it; a sentence that only references labels never
 * introduced elsewhere belongs to those labels. Unlabelled text before the first label is the head;
 * generic sentences after the last labelled sentence form the shared tail.
 */
function assign(text: string, sentences: Span[], boundary: Mention[], inlineNew: Mention[]): Assignment {
  const head: string[] = [];
  const tail: string[] = [];
  const segments: Segment[] = [];
  const all = [...boundary, ...inlineNew].sort((a, b) => a.start - b.start);
  const labelsOf = (m: Mention): string[] => m.atoms.map(atomKey);
  const knownLabels = new Set([...boundary, ...inlineNew].flatMap(labelsOf));
  const lastMention = all[all.length - 1];
  const lastSentence = lastMention ? sentenceIndexAt(sentences, lastMention.start) : -1;
  let owner: string[] | undefined;
  let genericStarted = false;
  let mi = 0;
  const give = (labels: string[] | undefined, piece: string): void => {
    if (!/[\p{L}\p{N}]/u.test(piece)) return;
    if (labels && labels.length > 0) segments.push({ labels, text: cleanSegment(piece) });
    else if (segments.length === 0) head.push(piece);
    else tail.push(piece);
  };
  for (let si = 0; si < sentences.length; si++) {
    const sp = sentences[si];
    if (!sp) continue;
    const ms: Mention[] = [];
    while (mi < all.length && (all[mi]?.start ?? Infinity) < sp.end) {
      const m = all[mi];
      if (m) ms.push(m);
      mi++;
    }
    const sentence = text.slice(sp.start, sp.end);
    if (ms.length === 0) {
      if (si > lastSentence && segments.length > 0 && (genericStarted || isSharedTrailer(sentence))) {
        genericStarted = true;
        tail.push(sentence);
        continue;
      }
      // "… (C) x. (D) y. Controls are included in panel A.": a sentence about panels already described, named in
      // it, belongs to those panels rather than to the panel before it.
      const named = segments.length > 0 ? referencedLabels(sentence, knownLabels) : [];
      give(named.length > 0 ? named : owner, sentence);
      continue;
    }
    const refs = ms.filter((m) => m.role === 'inline');
    const bounds = ms.filter((m) => m.role !== 'inline');
    if (refs.length > 0) {
      segments.push({ labels: [...new Set(refs.flatMap(labelsOf))], text: sentence });
      if (bounds.length === 0) {
        owner = undefined;
        continue;
      }
    }
    let cursor = sp.start;
    let lastWasPostfix = false;
    let sentenceOwner: string[] | undefined;
    const segStart = segments.length;
    // "Staining for X in (D) normal ovary; (E) endometrioid.": the words before the sentence's first prefix label
    // lead into every label the sentence introduces (in the first labelled sentence they are the title: shared).
    let leadIn: string | undefined;
    const leadLabels: string[] = [];
    // "… of X in rostral (A), dorsal (B) and medial (C) views.": each label gets the lead-in, its own item and
    // the words after the last item.
    const run = refs.length === 0 ? postfixRun(text, bounds, sp) : 0;
    // "Mandible in (A) dorsal and (B) ventral views.": labels first, each with a short item; the words after the
    // last item beyond the length of the others ("views") are shared by the run, and so is a lead-in ending in a
    // preposition.
    if (refs.length === 0 && run < 2 && isPrefixEnumeration(text, bounds, sp)) {
      const first = bounds[0] as Mention;
      const last = bounds[bounds.length - 1] as Mention;
      const lead = text.slice(sp.start, first.start);
      const ownLead = lead.length <= MAX_SHARED_CHARS && LEAD_PREPOSITION_RE.test(lead);
      if (!ownLead) give(owner, lead);
      const items: string[] = [];
      for (let k = 0; k + 1 < bounds.length; k++) {
        items.push(text.slice(bounds[k]?.end ?? 0, bounds[k + 1]?.start ?? 0).replace(/,? (?:and|or) $|, $/, '').trim());
      }
      const m = PREFIX_LAST_ITEM_RE.exec(text.slice(last.end, sp.end));
      const words = (m?.[1] ?? '').split(' ');
      const n = Math.max(...items.map((it) => it.split(' ').length));
      const own = words.length > n && words.length - n <= 3 ? words.slice(0, n).join(' ') : words.join(' ');
      const trailer = words.length > n && words.length - n <= 3 ? words.slice(n).join(' ') : '';
      items.push(own);
      const end = m?.[2] ?? '';
      bounds.forEach((b, k) => give(labelsOf(b), `${joinText([ownLead ? lead : '', items[k] ?? '', trailer])}${end}`));
      owner = bounds.flatMap(labelsOf);
      continue;
    }
    if (run >= 2) {
      const first = bounds[0];
      const last = bounds[run - 1];
      if (first && last) {
        const piece0 = text.slice(sp.start, first.start);
        const laterItems = bounds.slice(1, run).map((m, k) => text.slice(bounds[k]?.end ?? m.start, m.start).replace(LEADING_CONJUNCTION_RE, ''));
        const cut = numberedItemsStart(text, piece0, bounds.slice(0, run)) ?? itemStart(piece0, laterItems);
        // Long lead-ins and trailers are not copied into every item (bounded work on hostile input).
        const lead = cut <= MAX_SHARED_CHARS ? piece0.slice(0, cut) : '';
        const after = text.slice(last.end, sp.end);
        const trailing = run === bounds.length && after.length <= MAX_SHARED_CHARS ? after : '';
        let from = sp.start + cut;
        const runLabels: string[] = [];
        for (let k = 0; k < run; k++) {
          const m = bounds[k];
          if (!m) continue;
          const item = text.slice(from, m.start).replace(LEADING_CONJUNCTION_RE, '');
          const own = joinText([lead, item]);
          give(labelsOf(m), /^[.,;:)\]]/.test(trailing.trim()) ? `${own}${trailing.trim()}` : joinText([own, trailing]));
          runLabels.push(...labelsOf(m));
          from = m.end;
        }
        owner = runLabels;
        cursor = trailing.length > 0 ? sp.end : last.end;
        lastWasPostfix = true;
      }
    }
    for (const m of run >= 2 ? bounds.slice(run) : bounds) {
      const piece = text.slice(cursor, m.start);
      const hasText = /[\p{L}\p{N}]/u.test(piece);
      if (m.role === 'prefix') {
        if (hasText) {
          if (cursor === sp.start && refs.length === 0 && segments.length > 0 && isLeadIn(piece)) leadIn = piece;
          else give(owner, piece);
          owner = labelsOf(m);
        } else {
          // "(A) (B) text" / "A: B: text": adjacent labels share the text that follows.
          owner = lastWasPostfix || !sentenceOwner ? labelsOf(m) : [...(owner ?? []), ...labelsOf(m)];
        }
        sentenceOwner = owner;
        lastWasPostfix = false;
        if (leadIn !== undefined) leadLabels.push(...labelsOf(m));
      } else {
        const labels = labelsOf(m);
        if (sentenceOwner && !lastWasPostfix && hasText) give([...sentenceOwner, ...labels], piece);
        else give(labels, piece);
        owner = labels;
        sentenceOwner = undefined;
        lastWasPostfix = true;
      }
      cursor = Math.max(cursor, m.end);
    }
    const rest = text.slice(cursor, sp.end);
    give(owner, rest);
    if (leadIn !== undefined && leadLabels.length > 0) segments.splice(segStart, 0, { labels: [...new Set(leadLabels)], text: leadIn.trim() });
  }
  return { head, tail, segments };
}

function normaliseBoldKeys(bold: string[] | undefined): Set<string> | undefined {
  if (!bold || bold.length === 0) return undefined;
  const keys = new Set<string>();
  for (const b of bold) {
    for (const part of b.split(/[^A-Za-z0-9]+/)) {
      if (part.length > 0 && part.length <= 4) keys.add(part);
    }
  }
  return keys;
}

function emptyResult(caption: string, flags: string[], confidence: number): SplitCaption {
  return { labels: [], shared: caption, subcaptions: [], confidence, uncertain: confidence < UNCERTAIN_BELOW, mode: 'none', flags, caption };
}

/**
 * "Staining for X in (B) normal kidney; (C) tumour kidney": a bracketed label read as a reference because a
 * word precedes it starts a run of prefix labels when the next label of the same sentence continues its
 * sequence after a clause break.
 */
function promoteEnumerationStarts(mentions: Mention[], text: string): Mention[] {
  // Right to left, so that "F-F (a) and … FFPE (b) and PFA-AMeX (c)." closes every item once (c) closes its own.
  const out = [...mentions];
  for (let k = out.length - 1; k >= 0; k--) {
    const m = out[k];
    if (m) out[k] = promoteOne(m, out[k + 1], text);
  }
  return out;
}

function promoteOne(m: Mention, next: Mention | undefined, text: string): Mention {
  {
    // "The structure of curcumin (A) and borneol (B).": a reference followed, after a short item, by a postfix
    // label continuing its sequence closes its item too.
    if (m.role === 'inline' && m.form === 'paren' && next?.role === 'postfix' && next.form === 'paren') {
      const gap = text.slice(m.end, next.start);
      const last = m.atoms[m.atoms.length - 1];
      const a = last ? seqIndex(last) : undefined;
      const first = next.atoms[0];
      const b = first ? seqIndex(first) : undefined;
      if (a !== undefined && b === a + 1 && gap.length <= MAX_ITEM_CHARS && /^\s*(?:,\s*)?(?:and|or|,)\s/.test(gap) && !/[.;:!?]/.test(gap)) {
        return { ...m, role: 'postfix', tentative: false };
      }
    }
    if (m.role !== 'inline' || m.form !== 'paren' || !next || next.role !== 'prefix' || (next.prev !== 'clause' && next.prev !== 'comma')) return m;
    if (m.prev !== 'word-ref' && m.prev !== 'none' && m.prev !== 'and') return m;
    const last = m.atoms[m.atoms.length - 1];
    const first = next.atoms[0];
    const a = last ? seqIndex(last) : undefined;
    const b = first ? seqIndex(first) : undefined;
    if (a === undefined || b !== a + 1) return m;
    return { ...m, role: 'prefix', weak: true, tentative: false };
  }
}

/**
 * "Mandible in (A) dorsal and (B) ventral views": bracketed labels read as references (a word precedes them) that
 * follow each other in sequence, each before a short lower-case item, introduce those items.
 */
function promoteLabelEnumerations(mentions: Mention[], text: string): Mention[] {
  const promote = new Set<number>();
  for (let k = 0; k + 1 < mentions.length; k++) {
    const a = mentions[k];
    const b = mentions[k + 1];
    if (!a || !b || a.form !== 'paren' || b.form !== 'paren' || a.role === 'postfix' || b.role === 'postfix') continue;
    if (a.role === 'prefix' && b.role === 'prefix') continue;
    const x = a.atoms[a.atoms.length - 1];
    const y = b.atoms[0];
    const xi = x ? seqIndex(x) : undefined;
    const yi = y ? seqIndex(y) : undefined;
    if (xi === undefined || yi !== xi + 1 || !PREFIX_ITEM_GAP_RE.test(text.slice(a.end, b.start))) continue;
    if (!/^ [a-z]/.test(text.slice(b.end, b.end + 2))) continue;
    promote.add(k);
    promote.add(k + 1);
  }
  if (promote.size === 0) return mentions;
  return mentions.map((m, k) => (promote.has(k) && m.role !== 'prefix' ? { ...m, role: 'prefix' as const, weak: true, tentative: false } : m));
}

// "Strong (A) and weak (B) expression": between the labels a conjunction and one or two words.
const POSTFIX_PAIR_GAP_RE = /^ ?(?:,? and|,? or|,) [\p{L}\p{N}-]+(?: [\p{L}\p{N}-]+)? $/u;

/**
 * "Strong (A) and weak (B) XIAP expression in melanoma": a reference after a word and a weak prefix label after
 * the next word, in sequence, are two postfix labels closing their one-word items; the words after the second
 * are shared by both (the postfix run gives each label its item and the trailing words).
 */
function promotePostfixPairs(mentions: Mention[], text: string): Mention[] {
  const promote = new Set<number>();
  for (let k = 0; k + 1 < mentions.length; k++) {
    const a = mentions[k];
    const b = mentions[k + 1];
    if (!a || !b || a.form !== 'paren' || b.form !== 'paren' || a.role !== 'inline' || !a.tentative || a.prev !== 'none') continue;
    if (b.role !== 'prefix' || !b.weak || b.prev !== 'none') continue;
    const x = a.atoms[a.atoms.length - 1];
    const y = b.atoms[0];
    const xi = x ? seqIndex(x) : undefined;
    if (xi === undefined || !y || seqIndex(y) !== xi + 1 || !POSTFIX_PAIR_GAP_RE.test(text.slice(a.end, b.start))) continue;
    promote.add(k);
    promote.add(k + 1);
  }
  if (promote.size === 0) return mentions;
  return mentions.map((m, k) => (promote.has(k) ? { ...m, role: 'postfix' as const, weak: true, tentative: false } : m));
}

/**
 * "A 40-year-old woman with …": a bare "A"/"a" before a word is the article unless a "B"/"b" label follows, or
 * when the caption writes its label "A" otherwise ("… T1WI (A) and T2WI (B)", "A. Perpendicular puncture").
 */
function dropLoneArticle(mentions: Mention[], text: string): Mention[] {
  const isArticle = (m: Mention): boolean => m.form === 'bare-space' && m.atoms.length === 1 && /^[Aa]$/.test(m.atoms[0]?.text ?? '') && text[m.end] === ' ';
  const hasB = mentions.some((m) => m.atoms.some((a) => a.kind === 'letter' && (letterIndex(a.text) ?? 0) >= 1));
  // Only before a lower-case word or a number ("A 66-year-old man"): "a Filtered HAADF image" is a label.
  const writtenOtherwise = (m: Mention): boolean =>
    /[a-z0-9]/.test(text[m.end + 1] ?? '') && mentions.some((o) => o !== m && o.form !== 'bare-space' && o.atoms.some((a) => a.text === m.atoms[0]?.text));
  return mentions.filter((m) => !(isArticle(m) && (!hasB || writtenOtherwise(m))));
}

/**
 * Which labels are reported at the letter level ("B1" -> "B"); see the comments inside. Kept out of splitCaption,
 * whose size decides how well it is compiled.
 */
function letterLevel(used: readonly Mention[], enabled: boolean): { collapse: boolean; baseOf: (label: string) => string } {
  const plainLetters = new Set(used.flatMap((m) => m.atoms.filter((a) => a.kind === 'letter' && a.text.length === 1).map((a) => a.text)));
  // "(D) … (E1 and E2) … (F)": a letter named only by its sub-labels, always together in one mention (one
  // description), inside a run of plain letters (or right after two or more) is a panel at the letter level too, as
  // the run's other panels are. Sub-labels with descriptions of their own ("(B1) normal; (B2) BPH") stay panels.
  const describedApart = new Set(
    used.flatMap((m) => {
      const subs = m.atoms.filter((a) => a.kind === 'letter' && a.text.length > 1);
      return subs.filter((a) => subs.filter((b) => b.text.charAt(0) === a.text.charAt(0)).length < 2).map((a) => a.text.charAt(0));
    }),
  );
  const plainIdx = [...plainLetters].map((l) => letterIndex(l) ?? -1).filter((i) => i >= 0);
  const plainLo = Math.min(...plainIdx);
  const plainHi = Math.max(...plainIdx);
  const plainLower = [...plainLetters].some((l) => l >= 'a');
  const isPanelLetter = (l: string): boolean => {
    if (plainLetters.has(l)) return true;
    const i = letterIndex(l);
    return plainIdx.length >= 2 && i !== undefined && !describedApart.has(l) && (l >= 'a') === plainLower && i > plainLo && i <= plainHi + 1;
  };
  const collapse = enabled && used.some((m) => m.atoms.some((a) => a.text.length > 1 && isPanelLetter(a.text.charAt(0))));
  const baseOf = (label: string): string => (collapse && label.length > 1 && isPanelLetter(label.charAt(0)) ? label.charAt(0) : label);
  return { collapse, baseOf };
}

/** Splits a caption into per-label subcaptions. Never throws on any string input. */
// "Figure 3. Effect of …", "Fig. S2: …": the figure's own label is not part of any subcaption.
const FIGURE_PREFIX_RE = /^(?:(?:supplementary|suppl\.?|additional) )?(?:fig(?:ure)?s?\.?|plate) ?S?\d{1,3}[.:|] +(?=\S)/i;

export function splitCaption(caption: string, options: SplitOptions = {}): SplitCaption {
  const normalized = normalizeCaption(caption);
  const { truncated } = normalized;
  const text = normalized.text.replace(FIGURE_PREFIX_RE, '');
  const flags: string[] = [];
  if (truncated) flags.push('truncated');
  if (text.length === 0) return emptyResult('', [...flags, 'empty-caption'], 1);

  const boldKeys = normaliseBoldKeys(options.boldLabels);
  const all = scanLabelMentions(text, boldKeys ? { boldKeys } : {});
  const family = chooseFamily(dropAbbreviationDefinitions(dropAbbreviationLegends(all, text), text), flags);
  let mentions = promoteEnumerationStarts(promotePostfixPairs(promoteLabelEnumerations(dropLoneArticle(family.mentions, text), text), text), text);
  mentions = resolveTentative(mentions, text);
  if (family.kind === 'letter') mentions = validateSequence(mentions, flags);
  mentions = dropDetachedWeakMentions(mentions);

  // A weak prefix mention repeating an already introduced label is a reference: "(B) as in (A) Ki-67".
  const introduced = new Set<string>();
  const introducedByPrefix = new Set<string>();
  const introducedSingly = new Set<string>();
  mentions = regroupedMentions(mentions, text);
  mentions = mentions.map((m) => {
    if (m.role === 'inline') return m;
    const keys = m.atoms.map((a) => labelKey(a.text));
    // (Only against single-label introductions: "( A–C ) Venn diagrams for: ( A ) x; ( B ) y and ( C ) z" keeps C.)
    if (m.weak && m.role === 'prefix' && keys.every((k) => introducedSingly.has(k))) return { ...m, role: 'inline' as const };
    // "c-e SEM images of BM (c), PM (d) ... Scale bars, 5 um (c)": once a prefix label introduced a panel,
    // a later postfix mention of it is a reference, not the end of a new description.
    if (m.role === 'postfix' && keys.every((k) => introducedByPrefix.has(k))) return { ...m, role: 'inline' as const };
    for (const k of keys) introduced.add(k);
    if (m.role === 'prefix') for (const k of keys) introducedByPrefix.add(k);
    if (keys.length === 1) for (const k of keys) introducedSingly.add(k);
    return m;
  });
  let boundary = mentions.filter((m) => m.role !== 'inline');
  // References to labels that no prefix/postfix mention introduces ("antisense (b) and sense (c) probes").
  // "( F , J , K , L )" after "( A – J )": the new labels K and L are still described by that sentence.
  let inlineNew = mentions
    .filter((m) => m.role === 'inline' && m.atoms.some((a) => !introduced.has(labelKey(a.text))))
    .map((m) => (m.atoms.every((a) => !introduced.has(labelKey(a.text))) ? m : { ...m, atoms: m.atoms.filter((a) => !introduced.has(labelKey(a.text))) }));
  if (family.kind === 'letter') {
    const gapRefs = panelGapReferences(text, boundary, inlineNew);
    if (gapRefs.length > 0) inlineNew = [...inlineNew, ...gapRefs].sort((a, b) => a.start - b.start);
  }
  const distinct = (ms: Mention[]): number => new Set(ms.flatMap((m) => m.atoms.map((a) => labelKey(a.text)))).size;
  const nPrefix = distinct(boundary.filter((m) => m.role === 'prefix'));
  const nPostfix = distinct(boundary.filter((m) => m.role === 'postfix'));
  const nBoundary = distinct(boundary);
  const nInline = distinct(inlineNew);

  let mode: SplitMode = 'none';
  const firstBoundary = boundary[0];
  if (nBoundary >= 2 || (nBoundary === 1 && firstBoundary && !firstBoundary.weak && (nInline >= 1 || firstBoundary.role === 'prefix'))) {
    mode = nPrefix >= nPostfix ? 'prefix' : 'postfix';
  } else if (nBoundary + nInline >= 2) mode = 'inline';
  if (family.kind === 'positional' && nBoundary + nInline < 2) mode = 'none';

  // One label that is not the first of its sequence ("p", "T") is a symbol or abbreviation, not a panel.
  const only = distinct(boundary) + distinct(inlineNew) === 1 ? [...boundary, ...inlineNew][0]?.atoms[0] : undefined;
  if (only && family.kind !== 'positional' && seqIndex(only) !== 0) mode = 'none';
  // Labels only referenced in running text must at least start a sequence: "Tumours (T) and normal (N)" is not.
  if (mode === 'inline' && family.kind !== 'positional' && !inlineNew.some((m) => m.atoms.some((x) => seqIndex(x) === 0))) mode = 'none';

  let kind = family.kind;
  let chainPenalty = 0;
  if (mode === 'none') {
    // Labels without brackets in running text ("A segments IX-X, lateral B …", "1. … 2. …"): a counted chain.
    const chain = chainMentions(text);
    if (chain.length === 0) {
      if (all.length > 0) flags.push('unused-label-candidates');
      return emptyResult(text, flags, all.length > 0 ? 0.6 : 0.9);
    }
    boundary = chain;
    inlineNew = [];
    mode = 'prefix';
    kind = chain[0]?.atoms[0]?.kind;
    flags.push('label-chain');
    chainPenalty = 0.1;
  }

  const sentences = splitSentences(text);
  const used = [...boundary, ...inlineNew].sort((a, b) => a.start - b.start);
  const assigned = assign(text, sentences, boundary, inlineNew);
  const { head: headParts, tail: tailParts } = assigned;
  let segments = assigned.segments.flatMap(distributeClauses);
  // "B, femur in dorsal (B1) and medial (B2) views": B1 and B2 are parts of panel B.
  // Only letters that are also named alone ("B, femur …") are known to be panels; "(B1) … (B2) …" alone may be printed so.
  const { collapse, baseOf } = letterLevel(used, kind === 'letter' && options.subLabels !== 'keep');
  if (collapse) {
    segments = segments.map((sg) => ({ ...sg, labels: [...new Set(sg.labels.map(baseOf))] }));
    flags.push('sublabels-merged');
  }
  const head = joinText(headParts);
  const sharedRest = tailParts;

  // Labels and their evidence.
  const evidence = new Map<string, { label: string; conf: number; order: number; kind: AtomKind }>();
  let order = 0;
  for (const m of used) {
    for (const a of m.atoms) {
      const text = baseOf(a.text);
      const key = labelKey(text);
      let conf = m.role === 'inline' ? 0.55 : (FORM_CONFIDENCE[m.form] ?? 0.6);
      if (m.weak) conf -= 0.15;
      if (boldKeys?.has(a.text)) conf = Math.min(0.99, conf + 0.1);
      const prev = evidence.get(key);
      if (!prev) evidence.set(key, { label: text, conf, order: order++, kind: a.kind });
      else if (conf > prev.conf) prev.conf = conf;
    }
  }
  const entries = [...evidence.values()];
  if (kind !== 'positional') {
    entries.sort((x, y) => labelSortKey(x.label, x.kind) - labelSortKey(y.label, y.kind) || x.order - y.order);
  } else entries.sort((x, y) => x.order - y.order);

  // Sequence sanity: gaps and a start other than a/A/i lower the confidence.
  let penalty = chainPenalty;
  if (kind === 'letter') {
    const letters = [...new Set(entries.map((e) => letterIndex(e.label) ?? 0))].sort((a, b) => a - b);
    const first = letters[0] ?? 0;
    if (first > 0) {
      flags.push('sequence-not-from-a');
      penalty += 0.15;
    }
    for (let k = 1; k < letters.length; k++) {
      if ((letters[k] ?? 0) - (letters[k - 1] ?? 0) > 1) {
        flags.push('gap-in-sequence');
        penalty += 0.15;
        break;
      }
    }
  }
  if (entries.length === 1) {
    flags.push('single-label');
    penalty += 0.3;
  }
  if (mode === 'inline') {
    flags.push('labels-only-referenced');
    penalty += 0.1;
  }

  const sharedText = joinText([head, ...sharedRest]);
  const headText = head.trim();
  const known = new Set(entries.map((e) => labelKey(e.label)));
  // "Scale bars indicate 200 µm (A) and 20 µm (B)": each named label gets its own value (see trailers.ts).
  const tailShares = sharedRest.map((t) => distributeValueSentence(t, known, baseOf));
  const subcaptions: Subcaption[] = [];
  for (const e of entries) {
    const key = labelKey(e.label);
    const tailText = joinText(sharedRest.map((t, k) => tailShares[k]?.get(key) ?? t));
    const own = segments.filter((s) => s.labels.some((l) => labelKey(l) === key)).map((s) => s.text);
    const specific = joinText(own);
    let conf = Math.max(0, Math.min(1, e.conf - penalty));
    if (specific.length === 0) {
      if (!flags.includes('empty-subcaption')) flags.push('empty-subcaption');
      conf = Math.min(conf, 0.4);
    }
    const raw = Math.round(conf * 100) / 100;
    subcaptions.push({
      label: e.label,
      text: joinText([headText, specific, tailText]),
      specific,
      confidence: calibrateConfidence(raw),
      rawConfidence: raw,
    });
  }
  const confidence = subcaptions.length > 0 ? Math.min(...subcaptions.map((s) => s.confidence)) : 0.5;
  return {
    labels: subcaptions.map((s) => s.label),
    shared: sharedText,
    subcaptions,
    confidence,
    uncertain: confidence < UNCERTAIN_BELOW,
    mode,
    flags,
    caption: text,
  };
}
