/**
 * Filters that remove label candidates which are not panel labels, decided from their neighbours.
 */
import type { Mention } from './label-tokens.ts';
import { type Atom, labelSortKey, letterIndex } from './label-sets.ts';

/** Position of a label in its sequence: A/a -> 0, B2 -> 1, ii -> 1. */
export function seqIndex(a: Atom): number | undefined {
  if (a.kind === 'letter') return letterIndex(a.text);
  if (a.kind === 'number') {
    const v = Number.parseInt(a.text, 10);
    return v > 0 ? v - 1 : undefined;
  }
  if (a.kind === 'roman') {
    const v = labelSortKey(a.text, 'roman');
    return v > 0 ? v - 1 : undefined;
  }
  return undefined;
}

const MAX_LEGENDS = 4;
const ABBREVIATIONS_RE = /\b[Aa]bbreviations?(?: used)?\s*[:.-]/g;
const LEGEND_GAP_RE = /^[\s;,]*[\p{L}\p{N}-]+(?:\s+[\p{L}\p{N}-]+){0,2}[\s;,]*$/u;

/**
 * "D: dorsal; V: ventral; A: anterior; P: posterior" is a legend of abbreviations, not panels: a run of two or
 * more "X:" prefixes, each followed by at most three words, whose letters do not follow each other.
 */
export function dropAbbreviationLegends(mentions: Mention[], text: string): Mention[] {
  // "D: dorsal", "f, femur", "t = tibia".
  const isColonPrefix = (m: Mention): boolean =>
    m.role === 'prefix' && m.form === 'bare-punct' && m.atoms.length === 1 && (text[m.end - 1] === ':' || text[m.end - 1] === ',' || text[m.end - 1] === '=');
  const drop = new Set<Mention>();
  let run: Mention[] = [];
  const closeRun = (): void => {
    if (run.length >= 2) {
      const idx = run.map((m) => (m.atoms[0] ? seqIndex(m.atoms[0]) : undefined));
      const consecutive = idx.every((v, k) => k === 0 || (v !== undefined && v === (idx[k - 1] ?? -2) + 1));
      if (!consecutive) for (const m of run) drop.add(m);
    }
    run = [];
  };
  for (const m of mentions) {
    const last = run[run.length - 1];
    if (!isColonPrefix(m)) {
      closeRun();
      continue;
    }
    if (last && !LEGEND_GAP_RE.test(text.slice(last.end, m.start))) closeRun();
    run.push(m);
  }
  closeRun();
  // Everything in an "Abbreviations: …" sentence is a legend entry.
  ABBREVIATIONS_RE.lastIndex = 0;
  let legends = 0;
  for (let a = ABBREVIATIONS_RE.exec(text); a && legends < MAX_LEGENDS; a = ABBREVIATIONS_RE.exec(text), legends++) {
    const from = a.index;
    const stop = text.indexOf('. ', from);
    const to = stop < 0 ? text.length : stop;
    for (const m of mentions) if (m.start > from && m.start < to) drop.add(m);
  }
  return drop.size === 0 ? mentions : mentions.filter((m) => !drop.has(m));
}

/**
 * Labels with weak evidence — only referenced in running text, or bracketed with other words "(L, brown)" —
 * extend the sequence of firmly introduced labels only when they continue it: after (A)–(I), "a linker
 * (L, brown) and a kinase (K, ochre)" are not panels K and L, but "(F, J, K, L)" after (A–J) does describe
 * new panels K and L.
 */
export function dropDetachedWeakMentions(mentions: Mention[]): Mention[] {
  const isWeak = (m: Mention): boolean => m.role === 'inline' || m.form === 'paren-mixed';
  const firm = mentions.filter((m) => !isWeak(m)).flatMap((m) => m.atoms.map(seqIndex)).filter((v): v is number => v !== undefined);
  if (firm.length === 0) return mentions;
  const last = Math.max(...firm);
  const firstFirm = Math.min(...mentions.filter((m) => !isWeak(m)).map((m) => m.start));
  // "A. Chart of the oral cavity with the sites of sampling (A to F) …; B. Photograph …": a weak range inside the
  // panels' descriptions that runs from the firm labels past them names other things (sites, samples), not panels.
  const straddles = (m: Mention): boolean => {
    if (!m.ranged || m.start < firstFirm) return false;
    const v = m.atoms.map(seqIndex).filter((x): x is number => x !== undefined);
    return v.some((x) => x <= last) && v.some((x) => x > last);
  };
  const beyond = [
    ...new Set(
      mentions
        .filter((m) => isWeak(m) && !straddles(m))
        .flatMap((m) => m.atoms.map(seqIndex))
        .filter((v): v is number => v !== undefined && v > last),
    ),
  ].sort((a, b) => a - b);
  const allowed = new Set<number>();
  for (const v of beyond) {
    if (v !== last + 1 + allowed.size) break;
    allowed.add(v);
  }
  const keep = (a: Atom): boolean => {
    const v = seqIndex(a);
    return v === undefined || v <= last || allowed.has(v);
  };
  return mentions.flatMap((m) => {
    if (!isWeak(m)) return [m];
    const atoms = m.atoms.filter(keep);
    if (atoms.length === m.atoms.length) return [m];
    return atoms.length > 0 ? [{ ...m, atoms }] : [];
  });
}

const WORD_CHAR_RE = /[\p{L}\p{N}-]/u;

/** The word ending right before `pos` (spaces skipped), or undefined. */
function wordBefore(text: string, pos: number): string | undefined {
  let i = pos - 1;
  while (i >= 0 && text[i] === ' ') i--;
  const end = i + 1;
  while (i >= 0 && end - i <= 40 && WORD_CHAR_RE.test(text[i] ?? '')) i--;
  const w = text.slice(i + 1, end);
  return /^\p{L}/u.test(w) ? w : undefined;
}
// A sibling bracket after the mention: ", and nuclear (N)", " or curcumin-PLGA (CP)" — up to three words between.
const SIBLING_AFTER_RE = /^\s*(?:,\s*)?(?:and|or|,)\s+(?:[\p{L}\p{N}-]+\s+){0,3}?([\p{L}][\p{L}\p{N}-]*)\s*\(([\p{L}][\p{L}\p{N}-]{0,7})\)/u;
// A sibling bracket before it: "nuclear (N) and cytoplasmic (C)".
const SIBLING_BEFORE_RE = /([\p{L}][\p{L}\p{N}-]*)\s*\(([\p{L}][\p{L}\p{N}-]{0,7})\)\s*(?:,\s*)?(?:and|or|,)\s+(?:[\p{L}\p{N}-]+\s+){0,3}?$/u;

/**
 * "cells treated with curcumin (C) and curcumin-PLGA (CP)", "lysates of cytoplasmic (C) and nuclear (N) fractions":
 * a bracketed letter that is the initial of the word before it, next to another bracketed abbreviation of the word
 * before that one which is no neighbouring label ("(CP)", or "(N)" after "(C)"), defines an abbreviation and is
 * no panel label.
 */
export function dropAbbreviationDefinitions(mentions: Mention[], text: string): Mention[] {
  const initialOf = (word: string | undefined, abbr: string): boolean => word !== undefined && word[0]?.toLowerCase() === abbr[0]?.toLowerCase();
  const isAbbreviation = (m: Mention): boolean => {
    if (m.form !== 'paren' || m.atoms.length !== 1 || m.atoms[0]?.kind !== 'letter' || (m.prev !== 'none' && m.prev !== 'word-ref')) return false;
    const x = m.atoms[0].text;
    if (x.length !== 1 || !initialOf(wordBefore(text, m.start), x)) return false;
    const xi = letterIndex(x) ?? -9;
    const sibling = (word: string | undefined, y: string | undefined): boolean => {
      if (word === undefined || y === undefined || !initialOf(word, y)) return false;
      const yi = y.length === 1 ? letterIndex(y) : undefined;
      return yi === undefined || Math.abs(yi - xi) !== 1;
    };
    const after = SIBLING_AFTER_RE.exec(text.slice(m.end, m.end + 80));
    if (after && sibling(after[1], after[2])) return true;
    const before = SIBLING_BEFORE_RE.exec(text.slice(Math.max(0, m.start - 80), m.start));
    return before !== null && sibling(before[1], before[2]);
  };
  const out = mentions.filter((m) => !isAbbreviation(m));
  return out.length === mentions.length ? mentions : out;
}
