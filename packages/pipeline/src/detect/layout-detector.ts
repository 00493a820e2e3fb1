import { boxArea, boxGap, intersection, scaleBoxInto, union } from './boxes.ts';
import { readingOrder } from './order.ts';
import { toAnalysisImage } from './layout/analysis.ts';
import type { AnalysisImage, AnalysisOptions } from './layout/analysis.ts';
import { LineSumsScratch, lineSums, trimBox, xyCut } from './layout/xycut.ts';
import type { LineSums, XYCutOptions } from './layout/xycut.ts';
import { candidateCrop, countDottedIs, findEdgeLabelCandidates, findLabelCandidates, findLineStartCandidates } from './ocr/label-candidates.ts';
import type { CandidateOptions, Corner, LabelCandidate } from './ocr/label-candidates.ts';
import { consecutiveLabels, harmoniseCase, lineStartLabel, looksLikeLabelSequence, parseLabel } from './ocr/labels.ts';
import { CoalescingRecognizer } from './ocr/coalescing-recognizer.ts';
import { TextRecognizer } from './ocr/recognizer.ts';
import type { GreyCrop, Recognition, RecognizerOptions } from './ocr/recognizer.ts';
import type { Box, DetectionHints, DetectionResult, Panel, PanelLabel, RawImage, SubfigureDetector } from './types.ts';

export const LAYOUT_OCR_VERSION = 'layout-ocr-1.2+ppocrv4-rec';

export interface LayoutOcrOptions {
  analysis?: AnalysisOptions;
  xycut?: XYCutOptions;
  candidates?: CandidateOptions;
  /** Read panel labels with OCR. Default true. */
  ocr?: boolean;
  recognizer?: RecognizerOptions;
  /** Minimum recognizer confidence for a label. Default 0.55. */
  minLabelConfidence?: number;
  /** Minimum confidence when the reading matches one of the caption's labels. Default 0.35. */
  minHintedLabelConfidence?: number;
  /** Most label crops read per figure in the corner rounds (the first round is never cut). Default 14. */
  maxOcrCrops?: number;
  /** Most line starts read per figure when labels are still missing after the corner rounds. Default 18. */
  maxLineStartCrops?: number;
  /**
   * An unlabelled piece smaller than this fraction of the median labelled panel is folded into a neighbour
   * once at least two panels carry labels (legends, stray text). Default 0.5.
   */
  unlabelledMergeFraction?: number;
}

/**
 * One figure as the layout+OCR detector looks at it: its analysis image and the OCR readings made so far, by
 * candidate rectangle. Calls that look at the same figure (CombinedDetector's label reading on the model's
 * boxes and its layout+OCR fallback) share one: the image is analysed once and no word is read twice. A crop
 * depends only on the analysis image and the rectangle, so a reading taken from here equals a fresh one.
 */
export interface FigureAnalysis {
  readonly image: RawImage;
  readonly img: AnalysisImage;
  readonly readings: Map<string, { recognition: Recognition; crop: GreyCrop; dotted?: number }>;
}

/** Time spent per step of the last `detect` call, in milliseconds. */
export interface StepTimings {
  layout: number;
  ocr: number;
}

interface Piece {
  rect: Box;
  /** `side`: read as the start of a text line along the piece's top or bottom edge (not in a corner window). */
  label?: { text: string; rect: Box; confidence: number; corner: Corner; inferred?: boolean; cost?: number; side?: 'top' | 'bottom' };
}


/** Corner cost from which a reading is far from its corner: it names a panel but shows no convention. */
const FAR_READING = 0.5;

/**
 * Captions list panels in reading order. When there are exactly as many panels as caption labels and every
 * label that was read sits at its caption position (at least two of them, or half), the unread ones are
 * filled in by position and marked `inferred`.
 */
function fillLabelsByOrder(ordered: Piece[], hints: string[], img: AnalysisImage): void {
  if (ordered.length !== hints.length || hints.length < 2) return;
  let agree = 0;
  for (let i = 0; i < ordered.length; i++) {
    const l = ordered[i]!.label;
    if (!l) continue;
    if (l.text !== hints[i]) return;
    agree++;
  }
  if (agree < Math.max(2, Math.ceil(hints.length / 2)) || agree === hints.length) return;
  const side = Math.max(2, Math.round(0.02 * Math.max(img.width, img.height)));
  ordered.forEach((p, i) => {
    if (p.label) return;
    const r: Box = [p.rect[0], p.rect[1], Math.min(p.rect[2], p.rect[0] + side), Math.min(p.rect[3], p.rect[1] + side)];
    p.label = { text: hints[i]!, rect: r, confidence: 0, corner: 'top-left', inferred: true };
  });
}

/**
 * Without a caption, the labels that were read imply the sequence: a, b, c, e read (three or more, at most
 * one letter missing in a row) implies d exists too.
 */
function impliedLabels(pieces: Piece[]): string[] {
  const read = pieces.map((p) => p.label?.text).filter((t): t is string => !!t && /^[A-Za-z]$/.test(t));
  if (read.length < 3) return [];
  const base = read.filter((t) => t === t.toLowerCase()).length >= read.length / 2 ? 'a' : 'A';
  const codes = new Set(read.map((t) => (base === 'a' ? t.toLowerCase() : t.toUpperCase()).charCodeAt(0) - base.charCodeAt(0)));
  if (!codes.has(0)) return [];
  const max = Math.max(...codes);
  for (let c = 0; c < max; c++) if (!codes.has(c) && !codes.has(c + 1)) return [];
  return Array.from({ length: max + 1 }, (_, i) => String.fromCharCode(base.charCodeAt(0) + i));
}

/**
 * The pieces that merging `p` into `q` also swallows, or null when the merge is not allowed. A union that
 * overlaps another piece is allowed only when `keepAtLeast` is given: then the unlabelled pieces it overlaps
 * are swallowed too (fragments of one panel that interleave, such as a column of axis titles beside a grid
 * of plots), as long as no labelled piece is and at least `keepAtLeast` pieces remain.
 */
function swallowedByUnion(out: Piece[], p: Piece, q: Piece, keepAtLeast: number | null): Piece[] | null {
  let u = union(p.rect, q.rect);
  const absorbed: Piece[] = [];
  for (;;) {
    const hit = out.filter((o) => o !== p && o !== q && !absorbed.includes(o) && intersection(u, o.rect) > 0.1 * boxArea(o.rect));
    if (hit.length === 0) return absorbed;
    if (keepAtLeast === null || hit.some((o) => o.label) || out.length - 1 - absorbed.length - hit.length < keepAtLeast) return null;
    for (const o of hit) {
      absorbed.push(o);
      u = union(u, o.rect);
    }
  }
}

/** Grows `into` over `pieces` and removes them from `out`. */
function mergeInto(out: Piece[], into: Piece, pieces: Piece[]): void {
  into.rect = pieces.reduce((u, o) => union(u, o.rect), into.rect);
  for (const o of pieces) out.splice(out.indexOf(o), 1);
}

/** The piece's label sits by its top-left corner (inside it or just outside): the panel starts there. */
function labelAtTopLeft(p: Piece): boolean {
  if (!p.label) return false;
  const [x1, y1, x2, y2] = p.rect;
  const cx = (p.label.rect[0] + p.label.rect[2]) / 2;
  const cy = (p.label.rect[1] + p.label.rect[3]) / 2;
  return cx < x1 + 0.3 * (x2 - x1) && cy < y1 + 0.3 * (y2 - y1);
}

/**
 * An unlabelled piece that comes, in reading order, between two consecutive labels (b right after a) at
 * their panels' top-left corners is part of the panel before it: no label is missing there (between a and
 * c it may be panel b, unread). Applied when the caption names labels or the labels read form a sequence,
 * so that chart text read as two neighbouring letters does not swallow a panel.
 */
function foldBetweenConsecutiveLabels(pieces: Piece[], captionNamesLabels: boolean): Piece[] {
  const read = pieces.map((p) => p.label?.text).filter((t): t is string => !!t);
  if (!captionNamesLabels && !looksLikeLabelSequence(read)) return pieces;
  const out = pieces.map((p) => ({ ...p }));
  for (;;) {
    const order = readingOrder(out.map((p) => p.rect)).map((i) => out[i]!);
    let merged = false;
    for (let k = 0; k < order.length && !merged; k++) {
      const piece = order[k]!;
      if (piece.label) continue;
      const prev = order.slice(0, k).reverse().find((q) => q.label);
      const next = order.slice(k + 1).find((q) => q.label);
      if (!prev || !next || !labelAtTopLeft(prev) || !labelAtTopLeft(next) || !consecutiveLabels(prev.label!.text, next.label!.text)) continue;
      const swallowed = swallowedByUnion(out, piece, prev, 1);
      if (!swallowed) continue;
      mergeInto(out, prev, [piece, ...swallowed]);
      merged = true;
    }
    if (!merged) return out;
  }
}

/**
 * Whether labels are still missing after the corner rounds: a caption label no piece carries, or, without caption
 * labels, two or more pieces of which some are unlabelled.
 */
function lineStartsWanted(pieces: readonly Piece[], hints: readonly string[] | undefined): boolean {
  if (hints && hints.length >= 2) return hints.some((h) => !pieces.some((p) => p.label?.text === h));
  return pieces.length >= 2 && pieces.some((p) => !p.label);
}

/**
 * A figure prints its line-start labels on one side of the panels (titles above, lines under diagrams): the side
 * with more distinct texts read keeps its readings and the other side's are dropped (the same gutter line is the
 * bottom of one panel and the top of the next). Unless two or more texts establish that convention, the
 * readings stay, ranked after every corner reading.
 */
function keepLineStartConvention(readings: Array<{ side?: 'top' | 'bottom'; text: string; candidate: LabelCandidate }>): void {
  const texts = (side: 'top' | 'bottom'): number => new Set(readings.filter((r) => r.side === side).map((r) => r.text)).size;
  const top = texts('top');
  const bottom = texts('bottom');
  const kept = top >= bottom ? 'top' : 'bottom';
  for (let i = readings.length - 1; i >= 0; i--) {
    const r = readings[i]!;
    if (!r.side) continue;
    if (r.side !== kept) readings.splice(i, 1);
    else if (Math.max(top, bottom) < 2) r.candidate = { ...r.candidate, cost: FAR_READING + r.candidate.cost };
  }
}

/**
 * A label read as the start of a line under its panel (or above it) that XY-cut put with the next piece (the line
 * sits nearer the diagram below than the one it names): the rows of that piece down to (up from) the first blank
 * row past the label's line go to the labelled piece. A label in a gutter no piece holds joins its piece's box.
 */
function moveLabelLines(img: AnalysisImage, sums: LineSums, pieces: Piece[], options: XYCutOptions | undefined): void {
  for (const p of pieces) {
    const l = p.label;
    if (!l?.side) continue;
    const below = l.side === 'bottom';
    if (below ? l.rect[1] < p.rect[3] : l.rect[3] > p.rect[1]) continue;
    const cx = (l.rect[0] + l.rect[2]) / 2;
    const cy = (l.rect[1] + l.rect[3]) / 2;
    const host = pieces.find((q) => q !== p && cx >= q.rect[0] && cx < q.rect[2] && cy >= q.rect[1] && cy < q.rect[3]);
    if (!host) {
      p.rect = union(p.rect, l.rect);
      continue;
    }
    if (host.label && intersection(host.label.rect, l.rect) > 0) continue;
    const [x1, y1, x2, y2] = host.rect;
    const h = l.rect[3] - l.rect[1];
    // The label's line must sit at the host's near edge, with a blank row past it inside the host.
    if (below ? l.rect[1] - y1 > 2 * h : y2 - l.rect[3] > 2 * h) continue;
    const blank = (y: number): boolean => {
      const row = y * img.width;
      for (let x = x1; x < x2; x++) if (img.ink[row + x]) return false;
      return true;
    };
    let cut = -1;
    if (below) { for (let y = l.rect[3]; y < y2; y++) if (blank(y)) { cut = y; break; } }
    else { for (let y = l.rect[1] - 1; y >= y1; y--) if (blank(y)) { cut = y + 1; break; } }
    if (cut < 0) continue;
    const moved = trimBox(img, sums, below ? [x1, y1, x2, cut] : [x1, cut, x2, y2], options);
    const kept = trimBox(img, sums, below ? [x1, cut, x2, y2] : [x1, y1, x2, cut], options);
    if (!moved || !kept) continue;
    p.rect = union(p.rect, moved);
    host.rect = kept;
  }
}

/** Pieces of similar size (smallest at least a third of the largest): a grid of unlabelled panels. */
function isRegularGrid(pieces: Piece[]): boolean {
  const areas = pieces.map((p) => boxArea(p.rect));
  return Math.min(...areas) >= Math.max(...areas) / 3;
}

/**
 * The weight-free detector: recursive XY-cut over gutters and separator lines, panel labels read by PP-OCR
 * in the panels' corners, and label-driven folding of unlabelled fragments (legends, axis titles, stray
 * text) into the labelled panels.
 */
export class LayoutOcrDetector implements SubfigureDetector {
  readonly name = 'layout-ocr';
  readonly version = LAYOUT_OCR_VERSION;
  /** Timings of the most recent `detect` call (for benchmarks; meaningless inside a concurrent detectBatch). */
  lastTimings: StepTimings = { layout: 0, ocr: 0 };

  /** Label crops sent to OCR so far (for benchmarks). */
  get ocrCrops(): number {
    return this.recognizer?.cropsRead ?? 0;
  }

  /** Recognizer calls made so far (one per width group of each OCR round; shared across a detectBatch). */
  get ocrCalls(): number {
    return this.recognizer?.callsMade ?? 0;
  }

  private readonly scratch = new LineSumsScratch();

  /** The recognizer behind a coalescer, so that concurrent detections (detectBatch) share network calls. */
  private readonly reader: CoalescingRecognizer | null;

  private constructor(private readonly options: LayoutOcrOptions, private readonly recognizer: TextRecognizer | null) {
    this.reader = recognizer ? new CoalescingRecognizer(recognizer) : null;
  }

  static async create(options: LayoutOcrOptions = {}): Promise<LayoutOcrDetector> {
    const recognizer = options.ocr === false ? null : await TextRecognizer.create(options.recognizer);
    return new LayoutOcrDetector(options, recognizer);
  }

  /** The figure's analysis image, with no readings yet (pass it to `detect` and `readLabelsIn` to share them). */
  analyse(image: RawImage): FigureAnalysis {
    return { image, img: toAnalysisImage(image, this.options.analysis), readings: new Map() };
  }

  /** `figure`: the figure's analysis from `analyse(image)`, shared with other calls on the same image. */
  async detect(image: RawImage, hints?: DetectionHints, figure?: FigureAnalysis): Promise<DetectionResult> {
    const width = Math.max(1, image.width | 0);
    const height = Math.max(1, image.height | 0);
    const t0 = performance.now();
    const fig = this.figureOf(image, figure);
    const img = fig.img;
    const sums = lineSums(img, this.scratch);
    let pieces: Piece[];
    const captionLabels = hints?.captionLabels?.filter((l) => l.trim().length > 0);
    const captionNamesLabels = !!captionLabels && captionLabels.length >= 2;
    let t1: number;
    try {
      pieces = xyCut(img, this.options.xycut, sums).map((p) => ({ rect: p.rect }));
      t1 = performance.now();
      if (this.recognizer && pieces.length > 0) {
        await this.readLabels(fig, pieces, captionLabels);
        moveLabelLines(img, sums, pieces, this.options.xycut);
        const expected = captionNamesLabels ? captionLabels : impliedLabels(pieces);
        if (expected.length >= 2) pieces = await this.splitAtMissingLabels(fig, sums, pieces, expected);
        pieces = foldBetweenConsecutiveLabels(pieces, captionNamesLabels);
        pieces = this.foldUnlabelled(pieces, captionLabels);
      }
    } finally {
      sums.release();
    }
    const labelTexts = pieces.map((p) => p.label?.text).filter((t): t is string => !!t);
    if (this.recognizer && pieces.length > 1 && !looksLikeLabelSequence(labelTexts) && !captionNamesLabels && !isRegularGrid(pieces)) {
      // Nothing says the figure is compound (no caption labels, no label sequence read: letters such as a
      // legend's "R" and an axis title's "n" are chart text) and the pieces do not form a grid of similar
      // panels: most likely one chart split at its legend or axis titles.
      pieces = [{ rect: pieces.reduce((u, p) => union(u, p.rect), pieces[0]!.rect) }];
    }
    const t2 = performance.now();
    this.lastTimings = { layout: t1 - t0, ocr: t2 - t1 };
    const method = this.recognizer ? 'layout-ocr' : 'layout';
    if (pieces.length <= 1) {
      const only = pieces[0];
      const panel: Panel = { box: [0, 0, width, height], score: 0.9 };
      if (only?.label) panel.label = { text: only.label.text, box: this.toBox(only.label.rect, img, width, height) };
      return { width, height, method, modelVersion: this.version, panels: [panel] };
    }
    const ordered = readingOrder(pieces.map((p) => [p.rect[0], p.rect[1], p.rect[2], p.rect[3]])).map((i) => pieces[i]!);
    if (captionLabels && this.recognizer) fillLabelsByOrder(ordered, captionLabels, img);
    const panels: Panel[] = ordered.map((p) => {
      const panel: Panel = { box: this.toBox(p.rect, img, width, height), score: p.label && !p.label.inferred ? 0.6 + 0.4 * p.label.confidence : 0.5 };
      if (p.label) {
        panel.label = { text: p.label.text, box: this.toBox(p.label.rect, img, width, height) };
        if (p.label.inferred) panel.label.inferred = true;
      }
      return panel;
    });
    return { width, height, method, modelVersion: this.version, panels };
  }

  /**
   * Detects the figures concurrently: layout runs figure by figure, and each OCR round of all figures goes to
   * the recognizer as one call (see CoalescingRecognizer). Results equal those of `detect` one at a time.
   */
  async detectBatch(items: Array<{ image: RawImage; hints?: DetectionHints }>): Promise<DetectionResult[]> {
    return Promise.all(items.map((item) => this.detect(item.image, item.hints)));
  }

  async close(): Promise<void> {
    await this.recognizer?.close();
  }

  /**
   * Reads the printed labels of panels found by another detector (a model's boxes, in `image` pixels), with the
   * same OCR rounds, corner conventions and caption hints as `detect`; when the boxes match the caption's labels
   * one to one, the unread ones are filled in by reading order (`inferred`). Returns one label or undefined per
   * box, in the order given. Without OCR every entry is undefined.
   */
  async readLabelsIn(image: RawImage, boxes: readonly Box[], hints?: DetectionHints, figure?: FigureAnalysis): Promise<Array<PanelLabel | undefined>> {
    if (!this.recognizer || boxes.length === 0) return boxes.map(() => undefined);
    const width = Math.max(1, image.width | 0);
    const height = Math.max(1, image.height | 0);
    const fig = this.figureOf(image, figure);
    const img = fig.img;
    const sx = img.width / width;
    const sy = img.height / height;
    const pieces: Piece[] = boxes.map((b) => ({ rect: scaleBoxInto(b, [sx, sy], [img.width, img.height]) }));
    const captionLabels = hints?.captionLabels?.filter((l) => l.trim().length > 0);
    await this.readLabels(fig, pieces, captionLabels);
    if (captionLabels && pieces.length > 1) {
      fillLabelsByOrder(readingOrder(pieces.map((p) => p.rect)).map((i) => pieces[i]!), captionLabels, img);
    }
    return pieces.map((p) => {
      if (!p.label) return undefined;
      const label: PanelLabel = { text: p.label.text, box: this.toBox(p.label.rect, img, width, height) };
      if (p.label.inferred) label.inferred = true;
      return label;
    });
  }

  private figureOf(image: RawImage, figure: FigureAnalysis | undefined): FigureAnalysis {
    if (!figure) return this.analyse(image);
    if (figure.image !== image) throw new Error('the figure analysis belongs to another image');
    return figure;
  }

  /**
   * Reads the candidates' crops (each rectangle once per figure: earlier readings are reused), in the order given.
   * `dotted` also counts the dotted i's of each crop (see countDottedIs).
   */
  private async recognizeIn(fig: FigureAnalysis, candidates: LabelCandidate[], dotted = false): Promise<Array<{ recognition: Recognition; dotted: number }>> {
    const keys = candidates.map((c) => c.rect.join(','));
    const unread = [...new Set(keys)].filter((k) => !fig.readings.has(k));
    const crops = unread.map((k) => candidateCrop(fig.img, candidates[keys.indexOf(k)]!));
    if (crops.length > 0) {
      const read = await this.reader!.recognize(crops);
      unread.forEach((k, i) => fig.readings.set(k, { recognition: read[i]!, crop: crops[i]! }));
    }
    return keys.map((k) => {
      const entry = fig.readings.get(k)!;
      if (dotted && entry.dotted === undefined) entry.dotted = countDottedIs(entry.crop);
      return { recognition: entry.recognition, dotted: entry.dotted ?? 0 };
    });
  }

  private toBox(r: Box, img: AnalysisImage, width: number, height: number): Box {
    const sx = width / img.width;
    const sy = height / img.height;
    return scaleBoxInto(r, [sx, sy], [width, height]);
  }

  /**
   * OCR in rounds: the best top-left candidate of every piece, then other corners for pieces still
   * unlabelled, then, when the labels found so far sit in another corner, that corner of every piece still
   * unlabelled. Labels are (re)assigned from all readings after each round, preferring the figure's
   * dominant corner.
   */
  private async readLabels(fig: FigureAnalysis, pieces: Piece[], hints: string[] | undefined): Promise<void> {
    const img = fig.img;
    const minConf = this.options.minLabelConfidence ?? 0.55;
    const minHinted = this.options.minHintedLabelConfidence ?? 0.35;
    const threshold = hints && hints.length > 0 ? minHinted : minConf;
    const candidateCache = new Map<string, LabelCandidate[]>();
    const candidates = (i: number, corner: Corner): LabelCandidate[] => {
      const key = `${i}:${corner}`;
      let list = candidateCache.get(key);
      if (!list) {
        list = findLabelCandidates(img, pieces[i]!.rect, corner, this.options.candidates);
        candidateCache.set(key, list);
      }
      return list;
    };
    /** `side`: a line start along the piece's top or bottom edge (findLineStartCandidates), not a corner word. */
    type Job = { piece: number; candidate: LabelCandidate; side?: 'top' | 'bottom' };
    // A piece is settled by a reading near its corner that does not lie in another piece (a neighbour's
    // top-right letter seen from this piece's top-left window, which reaches into the gutter).
    const inOther = (p: Piece, r: Box): boolean => pieces.some((o) => o !== p && intersection(o.rect, r) > 0.5 * boxArea(r));
    const settled = (p: Piece): boolean => !!p.label && (p.label.cost ?? 0) < FAR_READING && !inOther(p, p.label.rect);
    /** At least two pieces, or half of them, are settled at a corner: the figure shows a corner convention. */
    const cornerConventionShown = (): boolean => pieces.filter(settled).length >= Math.max(2, Math.ceil(pieces.length / 2));
    const readings: Array<Job & { text: string; confidence: number }> = [];
    const done = new Set<string>();
    const jobKey = (j: Job): string => `${j.piece}:${j.side ?? j.candidate.corner}:${j.candidate.rect.join(',')}`;
    /** `lineStarts`: the jobs are starts of text lines (findLineStartCandidates), read with lineStartLabel. */
    const round = async (jobs: Job[], lineStarts = false): Promise<void> => {
      const fresh = jobs.filter((j) => !done.has(jobKey(j)));
      if (fresh.length === 0) return;
      fresh.forEach((j) => done.add(jobKey(j)));
      // The same word can be a candidate of two pieces (windows reach into the gutter): recognizeIn reads it once.
      const read = await this.recognizeIn(fig, fresh.map((j) => j.candidate), !lineStarts);
      fresh.forEach((job, k) => {
        // The shape of dotted i's (i, ii, iii) is more reliable than OCR, which often misses bold ones.
        const { recognition, dotted } = read[k]!;
        const r = dotted > 0 && parseLabel('i'.repeat(dotted), hints) ? { text: 'i'.repeat(dotted), confidence: Math.max(recognition.confidence, 0.9) } : recognition;
        if (r.confidence < threshold) return;
        const parsed = lineStarts ? lineStartLabel(r.text, hints) : parseLabel(r.text, hints);
        if (parsed) readings.push({ ...job, text: parsed.text, confidence: r.confidence });
      });
    };
    /**
     * The corner with the most distinct label texts read; on ties the one whose readings sit closer to it.
     * A printed word counts for the corner it is nearest to only (a label in a top-right corner is also a
     * top-left candidate of the panel beside it), and not at all when far or in another piece (see settled).
     */
    const dominantCorner = (): Corner => {
      const nearest = new Map<string, (typeof readings)[number]>();
      for (const r of readings) {
        if (r.side) continue;
        const key = r.candidate.rect.join(',');
        const seen = nearest.get(key);
        if (!seen || r.candidate.cost < seen.candidate.cost) nearest.set(key, r);
      }
      const texts = new Map<Corner, Map<string, number>>();
      for (const r of nearest.values()) {
        if (r.candidate.cost >= FAR_READING || inOther(pieces[r.piece]!, r.candidate.rect)) continue;
        const costs = texts.get(r.candidate.corner) ?? new Map<string, number>();
        costs.set(r.text, Math.min(costs.get(r.text) ?? Infinity, r.candidate.cost));
        texts.set(r.candidate.corner, costs);
      }
      const mean = (m: Map<string, number> | undefined): number => (m && m.size ? [...m.values()].reduce((a, b) => a + b, 0) / m.size : Infinity);
      let best: Corner = 'top-left';
      for (const [corner, costs] of texts) {
        const size = texts.get(best)?.size ?? 0;
        if (costs.size > size || (costs.size === size && mean(costs) < mean(texts.get(best)))) best = corner;
      }
      return best;
    };
    // One printed label names one panel and one label text names one panel: the reading nearest to its
    // corner wins, with the figure's dominant corner (top-left by default) preferred over the others.
    const assign = (): void => {
      const dominant = dominantCorner();
      const prior = (r: (typeof readings)[number]): number => (r.side || r.candidate.corner === dominant ? 0 : r.candidate.corner === 'top-left' ? 0.15 : 0.3);
      for (const p of pieces) delete p.label;
      const ranked = readings.map((r) => ({ r, cost: r.candidate.cost + prior(r) })).sort((a, b) => a.cost - b.cost);
      for (const { r } of ranked) {
        const piece = pieces[r.piece]!;
        if (piece.label) continue;
        if (pieces.some((p) => p.label && (p.label.text === r.text || intersection(p.label.rect, r.candidate.rect) > 0))) continue;
        piece.label = { text: r.text, rect: r.candidate.rect, confidence: r.confidence, corner: r.candidate.corner, cost: r.candidate.cost, ...(r.side ? { side: r.side } : {}) };
      }
    };
    const first: Job[] = [];
    pieces.forEach((_, i) => {
      const c = candidates(i, 'top-left')[0];
      if (c) first.push({ piece: i, candidate: c });
    });
    await round(first);
    assign();
    // Every label the caption names was read at a top-left corner: the pieces still unlabelled are fragments
    // that folding will absorb, so reading their corners would spend OCR for nothing.
    const complete = !!hints && hints.length >= 2 && hints.every((h) => pieces.some((p) => settled(p) && p.label!.text === h));
    if (!complete) {
      // Most figures label the top-left corner; other corners are read only when that convention did not
      // show up (keeps OCR to a few small crops per figure). Labels read far from the corner (a neighbour's
      // letter seen through the window's reach into the gutter, a word inside the panel) do not establish it.
      const otherCorners = !cornerConventionShown();
      const second: Job[] = [];
      pieces.forEach((p, i) => {
        if (settled(p)) return;
        const tl = candidates(i, 'top-left')[1];
        if (tl) second.push({ piece: i, candidate: tl });
        if (!otherCorners) {
          // A letter tight in the top-right corner is often the next panel's label (see reattachLabels).
          const tr = candidates(i, 'top-right')[0];
          if (tr && tr.cost < 0.05) second.push({ piece: i, candidate: tr });
          return;
        }
        for (const corner of ['top-right', 'bottom-left', 'bottom-right'] as const) {
          const c = candidates(i, corner)[0];
          if (c) second.push({ piece: i, candidate: c });
        }
      });
      // A budget keeps unlabelled figures (charts split at legends, every corner tried) cheap.
      const budget = Math.max(0, (this.options.maxOcrCrops ?? 14) - first.length);
      await round(second.sort((a, b) => a.candidate.cost - b.candidate.cost).slice(0, budget));
      assign();
      const dominant = dominantCorner();
      if (otherCorners && dominant !== 'top-left') {
        // The figure's labels sit in another corner: read that corner (best three words) of every piece. A
        // piece can lose its label to a closer reading of that corner (a neighbour's letter seen from its
        // top-left window), so pieces left unlabelled get a second turn.
        for (let turn = 0; turn < 2; turn++) {
          const third: Job[] = [];
          pieces.forEach((p, i) => {
            if (settled(p)) return;
            for (const c of candidates(i, dominant).slice(0, 3)) third.push({ piece: i, candidate: c });
          });
          if (third.every((j) => done.has(jobKey(j)))) break;
          await round(third);
          assign();
        }
      }
    }
    if (lineStartsWanted(pieces, hints)) {
      // Labels printed as the first word of a line (a title above a plot, a line under a diagram, "(c)" centred
      // in the gutter) are far from every corner: the line starts along the top and bottom edges of the pieces
      // not labelled at the figure's corner are read, each accepted only with a closing bracket or colon.
      // Pieces labelled at their corners keep those labels, unless too few are for a convention (a tick's "0" in
      // one corner is no labelling).
      const cornerConvention = cornerConventionShown();
      const fourth: Job[] = [];
      pieces.forEach((p, i) => {
        if (cornerConvention && settled(p)) return;
        for (const side of ['top', 'bottom'] as const) {
          for (const candidate of findLineStartCandidates(img, p.rect, side, this.options.candidates).slice(0, 3)) fourth.push({ piece: i, candidate, side });
        }
      });
      await round(fourth.sort((a, b) => a.candidate.cost - b.candidate.cost).slice(0, this.options.maxLineStartCrops ?? 18), true);
      keepLineStartConvention(readings);
      assign();
    }
    // Top-right letters are moved to the next panel only where they break the figure's convention.
    if (dominantCorner() !== 'top-right') this.reattachLabels(pieces);
    const harmonised = harmoniseCase(pieces.map((p) => p.label?.text), hints);
    pieces.forEach((p, i) => { if (p.label) p.label.text = harmonised[i] ?? p.label.text; });
  }

  /**
   * When the caption names labels that were not found, looks along the left and top edges of each piece for
   * them; a missing label found there marks where two panels touch without a gutter, so the piece is split
   * just above (or left of) it.
   */
  private async splitAtMissingLabels(fig: FigureAnalysis, sums: LineSums, pieces: Piece[], hints: string[]): Promise<Piece[]> {
    const img = fig.img;
    const found = new Set(pieces.map((p) => p.label?.text).filter((t): t is string => !!t));
    const missing = hints.filter((h) => !found.has(h));
    if (missing.length === 0) return pieces;
    const minW = 0.08 * img.width;
    const minH = 0.08 * img.height;
    const jobs: Array<{ candidate: LabelCandidate; edge: 'left' | 'top' }> = [];
    for (const p of pieces) {
      for (const edge of ['left', 'top'] as const) {
        const list = findEdgeLabelCandidates(img, p.rect, edge, this.options.candidates)
          .filter((c) => (edge === 'left' ? c.rect[1] - p.rect[1] >= minH && p.rect[3] - c.rect[1] >= minH : c.rect[0] - p.rect[0] >= minW && p.rect[2] - c.rect[0] >= minW))
          .filter((c) => !p.label || intersection(c.rect, p.label.rect) === 0)
          .slice(0, 1);
        for (const candidate of list) jobs.push({ candidate, edge });
      }
    }
    if (jobs.length === 0) return pieces;
    const readings = (await this.recognizeIn(fig, jobs.slice(0, 10).map((j) => j.candidate))).map((r) => r.recognition);
    const minHinted = this.options.minHintedLabelConfidence ?? 0.35;
    let out = pieces;
    readings.forEach((r, k) => {
      const job = jobs[k]!;
      const still = hints.filter((h) => !out.some((p) => p.label?.text === h));
      if (still.length === 0) return;
      const parsed = r.confidence >= minHinted ? parseLabel(r.text, still) : null;
      if (!parsed) return;
      const c = job.candidate.rect;
      const cx = (c[0] + c[2]) / 2;
      const cy = (c[1] + c[3]) / 2;
      const host = out.find((p) => cx >= p.rect[0] && cx < p.rect[2] && cy >= p.rect[1] && cy < p.rect[3]);
      if (!host) return;
      const [x1, y1, x2, y2] = host.rect;
      const cut = job.edge === 'left' ? Math.max(y1 + 1, c[1] - 1) : Math.max(x1 + 1, c[0] - 1);
      const first = trimBox(img, sums, job.edge === 'left' ? [x1, y1, x2, cut] : [x1, y1, cut, y2], this.options.xycut);
      const second = trimBox(img, sums, job.edge === 'left' ? [x1, cut, x2, y2] : [cut, y1, x2, y2], this.options.xycut);
      if (!first || !second) return;
      const big = (r2: Box): boolean => r2[2] - r2[0] >= minW && r2[3] - r2[1] >= minH;
      if (!big(first) || !big(second)) return;
      const a: Piece = { rect: first, ...(host.label ? { label: host.label } : {}) };
      const b: Piece = { rect: second, label: { text: parsed.text, rect: c, confidence: r.confidence, corner: 'top-left' } };
      out = out.flatMap((p) => (p === host ? [a, b] : [p]));
    });
    return out;
  }

  /**
   * A label read in the top-right corner of one piece that sits just left of an unlabelled piece's top edge
   * is that piece's label (XY-cut put the letter with the text column beside it).
   */
  private reattachLabels(pieces: Piece[]): void {
    for (const p of pieces) {
      const l = p.label;
      if (!l || l.corner !== 'top-right') continue;
      const lw = l.rect[2] - l.rect[0];
      const lh = l.rect[3] - l.rect[1];
      const q = pieces.find((o) => o !== p && !o.label && o.rect[0] >= l.rect[2] - 2 && o.rect[0] - l.rect[2] <= 3 * Math.max(lw, lh)
        && Math.abs(o.rect[1] - l.rect[1]) <= 3 * lh);
      if (!q) continue;
      q.label = l;
      delete p.label;
    }
  }

  /**
   * Once labels show the figure is labelled (two or more labelled pieces), folds unlabelled pieces into the
   * nearest piece when they are small, or when there are more pieces than the caption has labels.
   */
  private foldUnlabelled(pieces: Piece[], hints: string[] | undefined): Piece[] {
    const labelled = pieces.filter((p) => p.label);
    const expected = hints && hints.length >= 2 ? hints.length : 0;
    // Either the labels show the figure is labelled, or the caption says how many panels there are.
    if (labelled.length < 2 && !(expected > 0 && pieces.length > expected)) return pieces;
    const areas = labelled.map((p) => boxArea(p.rect)).sort((a, b) => a - b);
    const median = areas[Math.floor(areas.length / 2)] ?? 0;
    const fraction = this.options.unlabelledMergeFraction ?? 0.5;
    const out = pieces.map((p) => ({ ...p }));
    const stuck = new Set<Piece>();
    for (;;) {
      const tooMany = expected > 0 && out.length > expected;
      const movable = out.filter((p) => !p.label && !stuck.has(p) && (tooMany || boxArea(p.rect) < fraction * median));
      if (movable.length === 0) break;
      // Fragments sit closer to their panel than panels sit to each other: fold the closest piece first.
      const nearest = (p: Piece): number => Math.min(...out.filter((q) => q !== p).map((q) => boxGap(p.rect, q.rect)));
      movable.sort((a, b) => nearest(a) - nearest(b) || boxArea(a.rect) - boxArea(b.rect));
      const p = movable[0]!;
      const others = out.filter((q) => q !== p).sort((a, b) => boxGap(p.rect, a.rect) - boxGap(p.rect, b.rect));
      let merged = false;
      for (const q of others) {
        const absorbed = swallowedByUnion(out, p, q, tooMany ? expected : null);
        if (!absorbed) continue;
        mergeInto(out, q, [p, ...absorbed]);
        merged = true;
        break;
      }
      if (!merged) stuck.add(p);
    }
    return out;
  }
}
