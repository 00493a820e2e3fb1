/**
 * Shared trailing sentences that hand out one value per panel: "Scale bars indicate 200 µm (A), 100 µm (E) and
 * 20 µm (B–D)." or "Original magnification ×100 (a), ×400 (b, c)." Such a sentence is not repeated whole in every
 * subcaption: each label it names gets the sentence's opening ("Scale bars indicate") and its own value; a label
 * the sentence does not name gets the whole sentence, as for any shared trailer.
 */
import { labelKey } from './label-sets.ts';
import { scanLabelMentions } from './label-tokens.ts';

const DIGIT_RE = /\d/;
const ITEM_LEAD_RE = /^[\s,;]*(?:(?:and|or)\s+)?/;

/**
 * Per label key, the sentence's part for that label; undefined when the sentence is not of this kind: at least two
 * bracketed groups of known labels, each after its own number, with nothing but a full stop after the last.
 */
export function distributeValueSentence(sentence: string, known: ReadonlySet<string>, baseOf: (label: string) => string = (l) => l): Map<string, string> | undefined {
  const open = sentence.indexOf('(');
  if (open < 0 || sentence.indexOf('(', open + 1) < 0 || !DIGIT_RE.test(sentence)) return undefined;
  const mentions = scanLabelMentions(sentence).filter((m) => m.form === 'paren' && m.atoms.length > 0);
  if (mentions.length < 2) return undefined;
  const groups: Array<{ keys: string[]; item: string }> = [];
  let from = 0;
  let lead = '';
  for (const [k, m] of mentions.entries()) {
    const keys = [...new Set(m.atoms.map((a) => labelKey(baseOf(a.text))))];
    if (!keys.every((x) => known.has(x))) return undefined;
    let piece = sentence.slice(from, m.end);
    if (k === 0) {
      const d = piece.search(DIGIT_RE);
      // The opening before the first value ("Scale bars indicate "); the value belongs to the first group.
      const cut = piece.lastIndexOf(' ', d) + 1;
      lead = piece.slice(0, cut).trim();
      piece = piece.slice(cut);
    } else piece = piece.replace(ITEM_LEAD_RE, '');
    const value = piece.slice(0, piece.length - (m.end - m.start));
    if (!DIGIT_RE.test(value) || /[.;:!?]\s/.test(value)) return undefined;
    groups.push({ keys, item: piece.trim() });
    from = m.end;
  }
  // "… 20 µm (B and F). u.o.t., upper outer tooth": a legend glued on after a full stop stays whole for every label.
  const rest = /^[\s)\]]*(?:\.(?:\s+(\S[^]*))?)?$/.exec(sentence.slice(from));
  if (!rest) return undefined;
  const after = rest[1]?.trim() ?? '';
  const out = new Map<string, string>();
  for (const g of groups) {
    for (const key of g.keys) {
      const prev = out.get(key);
      out.set(key, prev === undefined ? g.item : `${prev}, ${g.item}`);
    }
  }
  for (const [key, items] of out) out.set(key, `${lead.length > 0 ? `${lead} ` : ''}${items}.${after.length > 0 ? ` ${after}` : ''}`);
  return out;
}
