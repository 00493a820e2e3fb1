/**
 * Label atoms ("A", "b", "B2", "iii", "upper left"), their order, and expansion of ranges ("A-D",
 * "i-iii", "A1-A3") into single labels.
 */

/** `number`: numbered panels "1. …, 2. …", only read by the label-chain fallback. */
export type AtomKind = 'letter' | 'roman' | 'positional' | 'number';

export interface Atom {
  text: string;
  kind: AtomKind;
}

const ROMAN_VALUES: Record<string, number> = {
  i: 1, ii: 2, iii: 3, iv: 4, v: 5, vi: 6, vii: 7, viii: 8, ix: 9, x: 10,
  xi: 11, xii: 12, xiii: 13, xiv: 14, xv: 15, xvi: 16, xvii: 17, xviii: 18, xix: 19, xx: 20,
};
const ROMAN_BY_VALUE: string[] = [];
for (const [k, v] of Object.entries(ROMAN_VALUES)) ROMAN_BY_VALUE[v] = k;

export function romanValue(s: string): number | undefined {
  return ROMAN_VALUES[s.toLowerCase()];
}

/** "A" -> 0, "b" -> 1, "B2" -> 1; undefined when not a letter atom. */
export function letterIndex(label: string): number | undefined {
  const c = label.charCodeAt(0);
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 97 && c <= 122) return c - 97;
  return undefined;
}

function subNumber(label: string): number {
  return label.length > 1 ? Number.parseInt(label.slice(1), 10) || 0 : 0;
}

/** Expands "A"–"D" to A,B,C,D; "A1"–"A3" to A1,A2,A3; "i"–"iv" to i..iv. Returns undefined when not a valid range. */
export function expandRange(from: Atom, to: Atom): Atom[] | undefined {
  if (from.kind !== to.kind) return undefined;
  if (from.kind === 'roman') {
    const a = romanValue(from.text);
    const b = romanValue(to.text);
    if (a === undefined || b === undefined || b <= a || b - a > 19) return undefined;
    const upper = from.text === from.text.toUpperCase();
    const out: Atom[] = [];
    for (let v = a; v <= b; v++) {
      const r = ROMAN_BY_VALUE[v] ?? '';
      out.push({ text: upper ? r.toUpperCase() : r, kind: 'roman' });
    }
    return out;
  }
  if (from.kind !== 'letter') return undefined;
  const fa = from.text.charCodeAt(0);
  const ta = to.text.charCodeAt(0);
  const fromUpper = fa < 97;
  const toUpper = ta < 97;
  if (fromUpper !== toUpper) return undefined;
  if (from.text.length > 1 || to.text.length > 1) {
    // Sub-label range: same letter, ascending numbers ("A1-A3"); or "B1-3" is not supported.
    if (fa !== ta) return undefined;
    const a = subNumber(from.text);
    const b = subNumber(to.text);
    if (b <= a || b - a > 30) return undefined;
    const out: Atom[] = [];
    for (let v = a; v <= b; v++) out.push({ text: `${from.text[0]}${v}`, kind: 'letter' });
    return out;
  }
  if (ta <= fa) return undefined;
  const out: Atom[] = [];
  for (let c = fa; c <= ta; c++) out.push({ text: String.fromCharCode(c), kind: 'letter' });
  return out;
}

/** Sort key: letters by letter then sub-number, romans by value, positional words keep caption order. */
export function labelSortKey(label: string, kind: AtomKind): number {
  if (kind === 'roman') return romanValue(label) ?? 0;
  if (kind === 'number') return Number.parseInt(label, 10) || 0;
  if (kind === 'letter') return (letterIndex(label) ?? 0) * 100 + subNumber(label);
  return 0;
}

/** Canonical comparison key: case-insensitive, no surrounding punctuation or spaces. */
export function labelKey(label: string): string {
  return label.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}
