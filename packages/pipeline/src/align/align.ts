/**
 * Subfigure–subcaption alignment. Panels come from a detector (boxes, OCR'd labels, reading order);
 * subcaptions from the caption splitter. Pairing, in order of preference:
 * 1. by label: the panel's OCR'd label equals a caption label (each caption label used at most once);
 * 2. by position, when the caption's labels are positional words ("left", "top right");
 * 3. by order: remaining panels take the remaining caption labels in reading order, constrained to lie
 *    between the labels of their already-matched neighbours. The reading order is the one the read labels
 *    follow: rows (the detector's order) or, when the read labels run down the columns ("A B" in the first
 *    column, "C D" in the second), columns;
 * 4. whole caption: when the caption has no labels (as PMC-OA does), or for panels left over. A figure with
 *    several panels whose caption names no label is flagged `caption-without-labels`.
 * A label read on two panels goes to the one whose position fits the other read labels' order.
 * Every pair keeps the label the detector read on its panel (`panelLabel`), also where the caption has none.
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
  /** The label the detector read on the panel (not inferred), whatever the caption says; null when none was read. */
  panelLabel: string | null;
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
  /**
   * Reasons to review the alignment: `caption-without-labels` (several panels, no caption label: every panel has the
   * whole caption), `single-panel-for-labels` (one panel for a caption naming several labels), `column-order`
   * (unlabelled panels were paired down the columns, as the read labels run).
   */
  flags: string[];
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

const readLabel = (p: Panel | undefined): string | null => (p?.label && !p.label.inferred ? p.label.text : null);

/** Panel indices down the columns: columns left to right (boxes overlapping horizontally), top to bottom inside. */
function columnOrder(panels: readonly Panel[]): number[] {
  const idx = panels.map((_, k) => k).sort((a, b) => (panels[a]?.box[0] ?? 0) - (panels[b]?.box[0] ?? 0));
  const cols: number[][] = [];
  for (const k of idx) {
    const b = panels[k]?.box;
    const col = cols[cols.length - 1];
    const f = col?.[0] === undefined ? undefined : panels[col[0]]?.box;
    if (b && col && f) {
      const overlap = Math.min(f[2], b[2]) - Math.max(f[0], b[0]);
      if (overlap >= 0.5 * Math.min(b[2] - b[0], f[2] - f[0])) {
        col.push(k);
        continue;
      }
    }
    cols.push([k]);
  }
  return cols.flatMap((c) => c.sort((a, b) => (panels[a]?.box[1] ?? 0) - (panels[b]?.box[1] ?? 0)));
}

/** Pairs of anchors (sequence position, label index) that are out of order. */
function inversions(seq: readonly number[], assigned: ReadonlyArray<number | undefined>): number {
  const labels = seq.map((k) => assigned[k]).filter((v): v is number => v !== undefined);
  let n = 0;
  for (let a = 0; a < labels.length; a++) for (let b = a + 1; b < labels.length; b++) if ((labels[a] ?? 0) > (labels[b] ?? 0)) n++;
  return n;
}

/**
 * Labels that have no panel to go to: between two consecutive anchors (and before the first, after the last), the
 * caption labels between theirs beyond the panels between them. Extra panels (insets) cost nothing.
 */
function crowding(seq: readonly number[], assigned: ReadonlyArray<number | undefined>, labels: number): number {
  let n = 0;
  let lastPos = -1;
  let lastLabel = -1;
  seq.forEach((k, pos) => {
    const li = assigned[k];
    if (li === undefined) return;
    n += Math.max(0, li - lastLabel - 1 - (pos - lastPos - 1));
    lastPos = pos;
    lastLabel = li;
  });
  return n + Math.max(0, labels - lastLabel - 1 - (seq.length - lastPos - 1));
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
        panelLabel: readLabel(p),
      })),
      mismatch: null,
      unknownPanelLabels: [],
      flags: panels.length > 1 ? ['caption-without-labels'] : [],
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
      pairs: [{ panel: 0, box: p.box, label: null, subcaption: whole, specific: '', confidence: 0.6, method: 'whole-caption', panelLabel: readLabel(p) }],
      mismatch: { kind: 'fewer-panels', panels: 1, labels: subs.length, unusedLabels: subs.map((s) => s.label), unmatchedPanels: [] },
      unknownPanelLabels: [],
      flags: ['single-panel-for-labels'],
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
  // A label read on several panels goes to the panel whose position (rows or columns) agrees best with the labels
  // read once; the others are paired by order.
  const claims = new Map<number, number[]>();
  for (const { i, key } of byLabel) {
    const li = key === undefined ? undefined : indexOfKey.get(key);
    if (li === undefined) {
      if (key) unknown.push(panels[i]?.label?.text ?? key);
      continue;
    }
    claims.set(li, [...(claims.get(li) ?? []), i]);
  }
  const rowSeq = panels.map((_, k) => k);
  const colSeq = columnOrder(panels);
  for (const [li, ks] of claims) {
    if (ks.length !== 1) continue;
    assigned[ks[0] as number] = li;
    how[ks[0] as number] = 'label';
    used.add(li);
  }
  const misfit = (k: number, li: number): number => {
    const trial = [...assigned];
    trial[k] = li;
    const cost = (seq: readonly number[]): number => 10 * inversions(seq, trial) + crowding(seq, trial, subs.length);
    return Math.min(cost(rowSeq), cost(colSeq));
  };
  for (const [li, ks] of claims) {
    if (ks.length === 1) continue;
    // ks is sorted by detection score (byLabel order): the first of the best fits wins.
    let best = ks[0] as number;
    let bestMisfit = misfit(best, li);
    for (const k of ks.slice(1)) {
      const m = misfit(k, li);
      if (m < bestMisfit) {
        best = k;
        bestMisfit = m;
      }
    }
    assigned[best] = li;
    how[best] = 'label';
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

  // 3. By reading order, within the window between the neighbouring label-matched panels. The order is the one the
  // read labels follow: down the columns when they are in order there and not along the rows.
  const flags: string[] = [];
  const byColumns = inversions(colSeq, assigned) === 0 && inversions(rowSeq, assigned) > 0;
  const seq = byColumns ? colSeq : rowSeq;
  if (byColumns && assigned.some((a) => a === undefined)) flags.push('column-order');
  const anchorsMonotonic = inversions(seq, assigned) === 0;
  const free = (lo: number, hi: number): number[] => {
    const out: number[] = [];
    for (let li = lo; li < hi; li++) if (!used.has(li)) out.push(li);
    return out;
  };
  const at = (pos: number): number | undefined => assigned[seq[pos] ?? -1];
  let i = 0;
  while (i < seq.length) {
    if (at(i) !== undefined) {
      i++;
      continue;
    }
    let j = i;
    while (j < seq.length && at(j) === undefined) j++;
    // Panels seq[i..j-1] are unlabelled; their caption window is between the anchors around them.
    let lo = 0;
    let hi = subs.length;
    if (anchorsMonotonic) {
      for (let k = i - 1; k >= 0; k--) {
        const a = at(k);
        if (a !== undefined) {
          lo = a + 1;
          break;
        }
      }
      const after = at(j);
      if (j < seq.length && after !== undefined) hi = after;
    }
    const candidates = free(lo, hi);
    for (let pos = i; pos < j; pos++) {
      const k = seq[pos] as number;
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
  for (const k of seq) {
    if (leftovers.length === 0) break;
    if (assigned[k] === undefined && !skip.has(k)) {
      assigned[k] = leftovers.shift();
      how[k] = 'order';
      if (assigned[k] !== undefined) used.add(assigned[k]);
    }
  }

  const labelled = panels.filter((p) => p.label).length;
  const countsMatch = panels.length === subs.length;
  const pairs: AlignedPair[] = panels.map((p, k) => {
    const li = assigned[k];
    const sub = li === undefined ? undefined : subs[li];
    if (!sub) {
      return { panel: k, box: p.box, label: null, subcaption: whole, specific: '', confidence: 0.3, method: 'unmatched-panel', panelLabel: readLabel(p) };
    }
    let conf: number;
    if (how[k] === 'label') conf = 0.95;
    else if (how[k] === 'position') conf = countsMatch ? 0.8 : 0.5;
    else if (countsMatch) conf = labelled > 0 ? 0.8 : 0.7;
    else conf = 0.45;
    conf *= 0.5 + 0.5 * sub.confidence;
    return { panel: k, box: p.box, label: sub.label, subcaption: sub.text, specific: sub.specific, confidence: round2(conf), method: how[k] as AlignMethod, panelLabel: readLabel(p) };
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
  return { pairs, mismatch, unknownPanelLabels: unknown, flags };
}
