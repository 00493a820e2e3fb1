/**
 * Evaluation of the splitter against hand-split captions. Two ground-truth formats are read, each by its
 * own reader, and told apart by their fields:
 * - `prostate` (NLM/PanelSeg caption-splitting set): `{ [figure]: { caption, gt_subfigures: [{ label: { text }, caption }] } }`
 *   (or an array of such figures with an optional `id`);
 * - `zou` (NLM/PanelSeg panel-segmentation evaluation set): `{ [image]: { image_path, caption, gt_subfigures:
 *   [{ panel: { box }, label: { text, box }, caption }] } }` — one entry per panel, so a label may repeat.
 * Labels are compared case-insensitively; subcaptions by bag-of-tokens F1.
 *
 * Label tokens: the Zou annotators keep each label in its subcaption ("(A) frontal view", "… reduced this
 * induction (A)."), the prostate annotators strip it, and the splitter strips it (its subcaptions never contain
 * their own "(A)"). The strict token F1 compares the texts as written; the "label tokens ignored" variants drop,
 * on both sides alike, every token equal to one of the figure's true labels ("a", "b1", "ii") — also the article
 * "a", which is why both numbers are reported — so that a convention about label tokens is not scored as a split
 * error. Label precision and recall never change.
 */
import { labelKey } from './label-sets.ts';
import { type SplitCaption, splitCaption } from './split.ts';
import { type Mention, scanLabelMentions } from './label-tokens.ts';

const TOKEN_RE = /[\p{L}\p{N}]+/gu;

export function tokenize(s: string): string[] {
  return (s.toLowerCase().match(TOKEN_RE) ?? []) as string[];
}

/** How many tokens the two bags share (each occurrence matched once). */
function commonTokenCount(predicted: readonly string[], truth: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const x of truth) counts.set(x, (counts.get(x) ?? 0) + 1);
  let common = 0;
  for (const x of predicted) {
    const c = counts.get(x) ?? 0;
    if (c > 0) {
      common++;
      counts.set(x, c - 1);
    }
  }
  return common;
}

/** Bag-of-tokens F1 (SQuAD/MedICaT style). Both empty -> 1. Tokens in `ignore` are dropped from both sides. */
export function tokenF1(predicted: string, truth: string, ignore?: ReadonlySet<string>): number {
  const keep = (x: string): boolean => !ignore?.has(x);
  const p = ignore ? tokenize(predicted).filter(keep) : tokenize(predicted);
  const t = ignore ? tokenize(truth).filter(keep) : tokenize(truth);
  if (p.length === 0 && t.length === 0) return 1;
  if (p.length === 0 || t.length === 0) return 0;
  const common = commonTokenCount(p, t);
  if (common === 0) return 0;
  const precision = common / p.length;
  const recall = common / t.length;
  return (2 * precision * recall) / (precision + recall);
}

export interface CaptionGroundTruthFigure {
  caption: string;
  gt_subfigures?: Array<{ label?: { text?: string } | null; caption?: string | null }>;
}

export interface CaptionFigureResult {
  id: string;
  truthLabels: string[];
  predictedLabels: string[];
  tokenF1: number[];
  /** Per predicted subcaption: its confidence, whether its label is true, and its token F1 (0 for a false label). */
  predictions: ScoredPrediction[];
  split: SplitCaption;
}

export interface ScoredPrediction {
  label: string;
  confidence: number;
  /** The splitter's score before calibration. */
  rawConfidence: number;
  labelCorrect: boolean;
  tokenF1: number;
}

export interface CaptionEvalReport {
  format: GroundTruthFormat;
  figures: number;
  trueLabels: number;
  predictedLabels: number;
  matchedLabels: number;
  labelPrecision: number;
  labelRecall: number;
  labelF1: number;
  /** Mean over true labels of token F1(predicted subcaption for that label, true subcaption); 0 when the label was missed. */
  meanSubcaptionTokenF1: number;
  /**
   * The same mean as the pipeline delivers it: where the splitter finds no label at all, the aligner pairs every
   * panel with the whole caption (method `whole-caption`, low confidence, flagged), so each true subcaption of such
   * a figure is scored against the whole caption instead of 0. Figures where some labels were found are scored as
   * in the strict mean (a missed label there still scores 0). Label precision and recall are not changed.
   */
  meanSubcaptionTokenF1WholeCaptionWhenUnlabelled: number;
  /** The strict mean with the figure's label tokens dropped from both texts (see the module comment). */
  meanSubcaptionTokenF1LabelTokensIgnored: number;
  /** The whole-caption mean with the figure's label tokens dropped from both texts. */
  meanSubcaptionTokenF1WholeCaptionWhenUnlabelledLabelTokensIgnored: number;
  /** Figures with true labels for which the splitter found none (scored against the whole caption above). */
  unlabelledFigures: number;
  perFigure: CaptionFigureResult[];
}

type GroundTruthFormat = 'prostate' | 'zou';

function isFigure(v: unknown): v is CaptionGroundTruthFigure {
  return typeof v === 'object' && v !== null && typeof (v as { caption?: unknown }).caption === 'string';
}

function entriesOf(data: unknown): Array<[string, unknown]> {
  if (Array.isArray(data)) return data.map((v, i): [string, unknown] => [String((v as { id?: unknown } | null)?.id ?? i), v]);
  if (typeof data === 'object' && data !== null) return Object.entries(data);
  return [];
}

/** Zou et al. panel-segmentation entries carry an image path and a panel box per subfigure. */
function isZouFigure(v: unknown): boolean {
  if (!isFigure(v) || typeof (v as { image_path?: unknown }).image_path !== 'string') return false;
  const subs = v.gt_subfigures;
  return Array.isArray(subs) && subs.length > 0 && subs.every((s) => typeof s === 'object' && s !== null && 'panel' in s);
}

/** `zou` when every figure looks like a panel-segmentation entry, `prostate` otherwise. */
function detectGroundTruthFormat(data: unknown): GroundTruthFormat {
  const figures = entriesOf(data).filter(([, v]) => isFigure(v));
  return figures.length > 0 && figures.every(([, v]) => isZouFigure(v)) ? 'zou' : 'prostate';
}

/** The prostate caption-splitting set: object of figures or an array of figures (with optional `id`). */
function readProstate(data: unknown): Array<{ id: string; figure: CaptionGroundTruthFigure }> {
  const out: Array<{ id: string; figure: CaptionGroundTruthFigure }> = [];
  for (const [id, v] of entriesOf(data)) if (isFigure(v)) out.push({ id, figure: { caption: v.caption, gt_subfigures: v.gt_subfigures ?? [] } });
  return out;
}

/**
 * The Zou panel-segmentation set: one ground-truth entry per panel. Two panels with the same printed label
 * ("a" twice) are one label for the splitter: the first panel's subcaption is kept.
 */
function readZou(data: unknown): Array<{ id: string; figure: CaptionGroundTruthFigure }> {
  const out: Array<{ id: string; figure: CaptionGroundTruthFigure }> = [];
  for (const [id, v] of entriesOf(data)) {
    if (!isFigure(v)) continue;
    const seen = new Set<string>();
    const subs: NonNullable<CaptionGroundTruthFigure['gt_subfigures']> = [];
    for (const s of v.gt_subfigures ?? []) {
      const text = s.label?.text ?? '';
      const key = labelKey(text);
      if (key.length === 0 || seen.has(key)) continue;
      seen.add(key);
      subs.push({ label: { text }, caption: s.caption ?? '' });
    }
    out.push({ id, figure: { caption: v.caption, gt_subfigures: subs } });
  }
  return out;
}

/** Reads either format (detected, or as given). */
export function parseGroundTruth(data: unknown, format: GroundTruthFormat = detectGroundTruthFormat(data)): Array<{ id: string; figure: CaptionGroundTruthFigure }> {
  return format === 'zou' ? readZou(data) : readProstate(data);
}

export function evaluateCaptions(data: unknown): CaptionEvalReport {
  const format = detectGroundTruthFormat(data);
  const figures = parseGroundTruth(data, format);
  let trueLabels = 0;
  let predictedLabels = 0;
  let matched = 0;
  let f1Sum = 0;
  let wholeSum = 0;
  let f1SumNoLabels = 0;
  let wholeSumNoLabels = 0;
  let unlabelledFigures = 0;
  const perFigure: CaptionFigureResult[] = [];
  for (const { id, figure } of figures) {
    const split = splitCaption(figure.caption);
    const predicted = new Map<string, string>();
    for (const s of split.subcaptions) predicted.set(labelKey(s.label), s.text);
    const truth = (figure.gt_subfigures ?? [])
      .map((s) => ({ key: labelKey(s.label?.text ?? ''), label: s.label?.text ?? '', caption: s.caption ?? '' }))
      .filter((s) => s.key.length > 0);
    const truthKeys = new Set(truth.map((t) => t.key));
    trueLabels += truthKeys.size;
    predictedLabels += predicted.size;
    for (const k of predicted.keys()) if (truthKeys.has(k)) matched++;
    const f1s: number[] = [];
    const unlabelled = split.subcaptions.length === 0 && truth.length > 0;
    if (unlabelled) unlabelledFigures++;
    const labelTokens = new Set(truth.flatMap((t) => tokenize(t.label)));
    for (const t of truth) {
      const p = predicted.get(t.key);
      const f = p === undefined ? 0 : tokenF1(p, t.caption);
      const g = p === undefined ? 0 : tokenF1(p, t.caption, labelTokens);
      f1s.push(f);
      f1Sum += f;
      f1SumNoLabels += g;
      wholeSum += unlabelled ? tokenF1(split.caption, t.caption) : f;
      wholeSumNoLabels += unlabelled ? tokenF1(split.caption, t.caption, labelTokens) : g;
    }
    const truthText = new Map(truth.map((t) => [t.key, t.caption]));
    const predictions = split.subcaptions.map((sub): ScoredPrediction => {
      const text = truthText.get(labelKey(sub.label));
      return { label: sub.label, confidence: sub.confidence, rawConfidence: sub.rawConfidence ?? sub.confidence, labelCorrect: text !== undefined, tokenF1: text === undefined ? 0 : tokenF1(sub.text, text) };
    });
    perFigure.push({ id, truthLabels: truth.map((t) => t.label), predictedLabels: split.labels, tokenF1: f1s, predictions, split });
  }
  const totalTruthSubfigures = perFigure.reduce((a, f) => a + f.tokenF1.length, 0);
  const precision = predictedLabels === 0 ? 0 : matched / predictedLabels;
  const recall = trueLabels === 0 ? 0 : matched / trueLabels;
  return {
    format,
    figures: figures.length,
    trueLabels,
    predictedLabels,
    matchedLabels: matched,
    labelPrecision: precision,
    labelRecall: recall,
    labelF1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    meanSubcaptionTokenF1: totalTruthSubfigures === 0 ? 0 : f1Sum / totalTruthSubfigures,
    meanSubcaptionTokenF1WholeCaptionWhenUnlabelled: totalTruthSubfigures === 0 ? 0 : wholeSum / totalTruthSubfigures,
    meanSubcaptionTokenF1LabelTokensIgnored: totalTruthSubfigures === 0 ? 0 : f1SumNoLabels / totalTruthSubfigures,
    meanSubcaptionTokenF1WholeCaptionWhenUnlabelledLabelTokensIgnored: totalTruthSubfigures === 0 ? 0 : wholeSumNoLabels / totalTruthSubfigures,
    unlabelledFigures,
    perFigure,
  };
}

/** Token precision and recall of `predicted` against `truth` (bag of tokens); both empty -> 1, 1. */
export function tokenPrecisionRecall(predicted: string, truth: string): { precision: number; recall: number } {
  const p = tokenize(predicted);
  const t = tokenize(truth);
  if (p.length === 0 && t.length === 0) return { precision: 1, recall: 1 };
  const common = commonTokenCount(p, t);
  return { precision: p.length === 0 ? 0 : common / p.length, recall: t.length === 0 ? 0 : common / t.length };
}

export interface SpanKind {
  /** True labels found, scored by their subcaption's text. */
  subcaptions: number;
  meanTokenF1: number;
  /** Mean token precision: low when text of other panels or unshared sentences is added ("extra text"). */
  meanPrecision: number;
  /** Mean token recall: low when shared text or the label's own words are missed ("missing text"). */
  meanRecall: number;
}

/**
 * The errors of an evaluation, by kind, so that a regression shows where it is:
 * - `missedLabels`: true labels not found — `notPrinted` (no candidate of that label anywhere in the caption: the
 *   image prints it, the caption does not; only detection can find those), else by the style of the label's
 *   first printed candidate (`paren` "(A)", `half-paren` "A)", `bare-punct` "A." / "A:", `bare-space` "A text",
 *   `positional`, `paren-mixed` "(arrows in A)"), and whether the figure got no label at all (`inUnlabelledFigures`);
 * - `falseLabels`: labels found that the annotators do not have, by the style and role of their first candidate
 *   (`paren/postfix`, `bare-punct/prefix`, …; `chain` for labels read by the bare-letter chain);
 * - `spans`: for labels found, token F1 / precision / recall of their text by the caption's layout (`prefix`,
 *   `postfix`, `inline`, `chain`), plus how many subcaptions are worse than 0.5 mostly by extra text (precision
 *   below recall) or mostly by missing text.
 */
export interface FailureKinds {
  missedLabels: { total: number; notPrinted: number; inUnlabelledFigures: number; byStyle: Record<string, number> };
  falseLabels: { total: number; byStyle: Record<string, number> };
  spans: { byLayout: Record<string, SpanKind>; poorByExtraText: number; poorByMissingText: number };
}

export function failureKinds(report: CaptionEvalReport, data: unknown): FailureKinds {
  const truthOf = new Map(parseGroundTruth(data, report.format).map((x) => [x.id, x.figure]));
  const missed = { total: 0, notPrinted: 0, inUnlabelledFigures: 0, byStyle: {} as Record<string, number> };
  const falseLabels = { total: 0, byStyle: {} as Record<string, number> };
  const layouts = new Map<string, { n: number; f1: number; p: number; r: number }>();
  let poorByExtraText = 0;
  let poorByMissingText = 0;
  const bump = (o: Record<string, number>, k: string): void => {
    o[k] = (o[k] ?? 0) + 1;
  };
  for (const f of report.perFigure) {
    const figure = truthOf.get(f.id);
    if (!figure) continue;
    const mentions = scanLabelMentions(f.split.caption.length > 0 ? f.split.caption : figure.caption);
    const firstMention = new Map<string, Mention>();
    for (const m of mentions) for (const a of m.atoms) if (!firstMention.has(labelKey(a.text))) firstMention.set(labelKey(a.text), m);
    const predicted = new Map(f.split.subcaptions.map((s) => [labelKey(s.label), s.text]));
    const truth = (figure.gt_subfigures ?? []).map((s) => ({ key: labelKey(s.label?.text ?? ''), caption: s.caption ?? '' })).filter((t) => t.key.length > 0);
    const truthKeys = new Set(truth.map((t) => t.key));
    const layout = f.split.flags.includes('label-chain') ? 'chain' : f.split.mode;
    for (const t of truth) {
      const p = predicted.get(t.key);
      if (p === undefined) {
        missed.total++;
        if (f.split.subcaptions.length === 0) missed.inUnlabelledFigures++;
        const m = firstMention.get(t.key);
        if (!m) missed.notPrinted++;
        else bump(missed.byStyle, m.form);
        continue;
      }
      const { precision, recall } = tokenPrecisionRecall(p, t.caption);
      const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
      const l = layouts.get(layout) ?? { n: 0, f1: 0, p: 0, r: 0 };
      layouts.set(layout, { n: l.n + 1, f1: l.f1 + f1, p: l.p + precision, r: l.r + recall });
      if (f1 < 0.5) {
        if (precision < recall) poorByExtraText++;
        else poorByMissingText++;
      }
    }
    for (const k of predicted.keys()) {
      if (truthKeys.has(k)) continue;
      falseLabels.total++;
      const m = firstMention.get(k);
      bump(falseLabels.byStyle, layout === 'chain' ? 'chain' : m ? `${m.form}/${m.role}` : 'other');
    }
  }
  const byLayout: Record<string, SpanKind> = {};
  const round = (x: number): number => Math.round(x * 10000) / 10000;
  for (const [k, v] of [...layouts.entries()].sort((a, b) => b[1].n - a[1].n)) {
    byLayout[k] = { subcaptions: v.n, meanTokenF1: round(v.f1 / v.n), meanPrecision: round(v.p / v.n), meanRecall: round(v.r / v.n) };
  }
  return { missedLabels: missed, falseLabels, spans: { byLayout, poorByExtraText, poorByMissingText } };
}
