/**
 * Subfigure–subcaption alignment. Panels come from a detector (boxes, OCR'd labels, reading order);
 * subcaptions from the caption splitter. Pairing, in order of preference:
 * 1. by label: the panel's OCR'd label equals a caption label (each caption label used at most once);
 * 2. by position, when the caption's labels are positional words ("left", "top right");
 * 3. by order: remaining panels take the remaining caption labels in reading order, constrained to lie
 *    between the labels of their already-matched neighbours;
 * 4. whole caption: when the caption has no labels (as PMC-OA does), or for panels left over.
 */
import type { Box, Panel } from '../detect/types.ts';
import { labelKey } from '../captions/label-sets.ts';
import type { SplitCaption } from '../captions/split.ts';
import { assignByPosition } from './positional.ts';

export type AlignMethod = 'label' | 'position' | 'order' | 'whole-caption' | 'unmatched-panel';

export interface AlignedPair {
  /** Index of the panel in the detector's reading order. */
  panel: number;
  box: Box;
  label: string | null;
  /** Shared text + label-specific text (the training text); the whole caption for whole-caption pairs. */
  subcaption: string;
  /** Label-specific text only ('' when the pair uses the whole caption). */
  specific: string;
  confidence: number;
  method: AlignMethod;
}

export interface CountMismatch {
  kind: 'more-panels' | 'fewer-panels';
  panels: number;
  labels: number;
  /** Caption labels no panel was paired with. */
  unusedLabels: string[];
  /** Panels paired with the whole caption because no label was left for them. */
  unmatchedPanels: number[];
}

export interface Alignment {
  pairs: AlignedPair[];
  mismatch: CountMismatch | null;
  /** Panel labels read by OCR that the caption does not mention. */
  unknownPanelLabels: string[];
}

const OCR_CONFUSIONS: Record<string, string> = { '0': 'o', '1': 'i', l: 'i', '5': 's', '8': 'b' };

function panelLabelKey(text: string, captionKeys: Set<string>): string | undefined {
  const k = labelKey(text).replace(/ /g, '');
  if (k.length === 0) return undefined;
  if (captionKeys.has(k)) return k;
  // Single characters OCR often confuses ("l" for "I", "0" for "O").
  if (k.length === 1) {
    const alt = OCR_CONFUSIONS[k];
    if (alt && captionKeys.has(alt)) return alt;
  }
  return k;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Pairs panels with subcaptions. Pure: no I/O, no detector dependency. */
export function alignPanels(panels: readonly Panel[], split: SplitCaption): Alignment {
  const whole = split.caption;
  const subs = split.subcaptions;
  if (subs.length === 0 || panels.length === 0) {
    return {
      pairs: panels.map((p, i) => ({
        panel: i,
        box: p.box,
        label: null,
        subcaption: whole,
        specific: '',
        confidence: round2(panels.length === 1 ? 0.9 : 0.5),
        method: 'whole-caption',
      })),
      mismatch: null,
      unknownPanelLabels: [],
    };
  }
  const keys = subs.map((s) => labelKey(s.label).replace(/ /g, ''));
  const keySet = new Set(keys);
  const indexOfKey = new Map<string, number>();
  keys.forEach((k, i) => {
    if (!indexOfKey.has(k)) indexOfKey.set(k, i);
  });

  // A single panel for a multi-label caption: the detector did not split the figure.
  if (panels.length === 1 && subs.length > 1) {
    const p = panels[0] as Panel;
    return {
      pairs: [{ panel: 0, box: p.box, label: null, subcaption: whole, specific: '', confidence: 0.6, method: 'whole-caption' }],
      mismatch: { kind: 'fewer-panels', panels: 1, labels: subs.length, unusedLabels: subs.map((s) => s.label), unmatchedPanels: [] },
      unknownPanelLabels: [],
    };
  }

  const assigned: Array<number | undefined> = new Array(panels.length).fill(undefined);
  const how: AlignMethod[] = new Array(panels.length).fill('order');
  const used = new Set<number>();
  const unknown: string[] = [];

  // 1. By label; when two panels read the same label, the more confident label detection wins.
  const byLabel = panels
    .map((p, i) => ({ i, key: p.label ? panelLabelKey(p.label.text, keySet) : undefined, score: p.score }))
    .filter((x) => x.key !== undefined)
    .sort((a, b) => b.score - a.score);
  for (const { i, key } of byLabel) {
    const li = key === undefined ? undefined : indexOfKey.get(key);
    if (li === undefined) {
      if (key) unknown.push(panels[i]?.label?.text ?? key);
      continue;
    }
    if (used.has(li)) continue;
    assigned[i] = li;
    how[i] = 'label';
    used.add(li);
  }

  // 2. By position, when the labels are positional words.
  const byPosition = assignByPosition(
    panels.map((p) => p.box),
    subs.map((s) => s.label),
    (k) => assigned[k] === undefined,
  );
  for (const [k, li] of byPosition) {
    if (used.has(li)) continue;
    assigned[k] = li;
    how[k] = 'position';
    used.add(li);
  }

  // More unlabelled panels than free labels: the smallest ones (insets, colour bars, legends) are left out of
  // the order pairing first, so they do not shift every later panel onto the wrong label.
  const skip = new Set<number>();
  const unlabelled = panels.map((_, k) => k).filter((k) => assigned[k] === undefined);
  const excess = unlabelled.length - (subs.length - used.size);
  if (excess > 0) {
    const area = (k: number): number => {
      const b = panels[k]?.box;
      return b ? Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]) : 0;
    };
    const sorted = panels.map((_, k) => area(k)).sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    const small = unlabelled.filter((k) => area(k) < 0.5 * median).sort((a, b) => area(a) - area(b));
    for (const k of small.slice(0, excess)) skip.add(k);
  }

  // 3. By reading order, within the window between the neighbouring label-matched panels.
  const anchorsMonotonic = (() => {
    let last = -1;
    for (const a of assigned) {
      if (a === undefined) continue;
      if (a < last) return false;
      last = a;
    }
    return true;
  })();
  const free = (lo: number, hi: number): number[] => {
    const out: number[] = [];
    for (let li = lo; li < hi; li++) if (!used.has(li)) out.push(li);
    return out;
  };
  let i = 0;
  while (i < panels.length) {
    if (assigned[i] !== undefined) {
      i++;
      continue;
    }
    let j = i;
    while (j < panels.length && assigned[j] === undefined) j++;
    // Panels i..j-1 are unlabelled; their caption window is between the anchors around them.
    let lo = 0;
    let hi = subs.length;
    if (anchorsMonotonic) {
      for (let k = i - 1; k >= 0; k--) {
        const a = assigned[k];
        if (a !== undefined) {
          lo = a + 1;
          break;
        }
      }
      const after = assigned[j];
      if (j < panels.length && after !== undefined) hi = after;
    }
    const candidates = free(lo, hi);
    for (let k = i; k < j; k++) {
      if (skip.has(k)) continue;
      const li = candidates.shift();
      if (li === undefined) break;
      assigned[k] = li;
      how[k] = 'order';
      used.add(li);
    }
    i = j;
  }
  // Panels still without a label (window exhausted) take any label left, in order.
  const leftovers = free(0, subs.length);
  for (let k = 0; k < panels.length && leftovers.length > 0; k++) {
    if (assigned[k] === undefined && !skip.has(k)) {
      assigned[k] = leftovers.shift();
      how[k] = 'order';
      if (assigned[k] !== undefined) used.add(assigned[k] as number);
    }
  }

  const labelled = panels.filter((p) => p.label).length;
  const countsMatch = panels.length === subs.length;
  const pairs: AlignedPair[] = panels.map((p, k) => {
    const li = assigned[k];
    const sub = li === undefined ? undefined : subs[li];
    if (!sub) {
      return { panel: k, box: p.box, label: null, subcaption: whole, specific: '', confidence: 0.3, method: 'unmatched-panel' };
    }
    let conf: number;
    if (how[k] === 'label') conf = 0.95;
    else if (how[k] === 'position') conf = countsMatch ? 0.8 : 0.5;
    else if (countsMatch) conf = labelled > 0 ? 0.8 : 0.7;
    else conf = 0.45;
    conf *= 0.5 + 0.5 * sub.confidence;
    return { panel: k, box: p.box, label: sub.label, subcaption: sub.text, specific: sub.specific, confidence: round2(conf), method: how[k] as AlignMethod };
  });

  let mismatch: CountMismatch | null = null;
  if (!countsMatch) {
    mismatch = {
      kind: panels.length > subs.length ? 'more-panels' : 'fewer-panels',
      panels: panels.length,
      labels: subs.length,
      unusedLabels: subs.filter((_, li) => !used.has(li)).map((s) => s.label),
      unmatchedPanels: pairs.filter((p) => p.method === 'unmatched-panel').map((p) => p.panel),
    };
  }
  return { pairs, mismatch, unknownPanelLabels: unknown };
}
