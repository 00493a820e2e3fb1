import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { matchGraphicToMedia, parseJats } from '../jats/index.ts';
import { captionPanelLabels } from '../captions/panel-labels.ts';
import { decodeImage } from '../images/decode.ts';
import { parseExsclaimGroundTruth } from './ground-truth.ts';
import { scoreFigure, summarise } from './score.ts';
import { countFailures, figureClass, figureFailures } from './failure-kinds.ts';
import type { FailureCounts, FailureKind, FigureClass } from './failure-kinds.ts';
import type { EvalSummary, FigureScore } from './score.ts';
import { rescaleResult } from './run.ts';
import { generateSyntheticFigure } from './synthetic.ts';
import type { RawImage, SubfigureDetector } from './types.ts';

export interface EvaluationReport extends EvalSummary {
  figuresPerSecond: number;
  /** Figures per second of this process's CPU time (user + system, all threads: OCR and ONNX included). */
  figuresPerCpuSecond: number;
  /**
   * The same after the first WARM_UP_FIGURES figures (the JIT and onnxruntime warm up on the first ones): the rate a
   * long-running worker sees. Absent for directories of fewer than twice that many figures.
   */
  warmFiguresPerCpuSecond?: number;
  /** Fraction of figures whose predicted panel count equals the number of true panels. */
  countRight: number;
  /** Fraction of figures whose predicted count lies in `panel_count_range` (the true count where none is given). */
  countInRange: number;
  /** The same scores per `source` field of expected.json (real-dev: eLife, PLOS), when figures carry one. */
  bySource?: Record<string, EvalSummary & { countRight: number; countInRange: number }>;
  /** Wall-clock milliseconds per figure, split by step (decode is 0 for synthetic figures). */
  msPerFigure: { decode: number; detect: number; total: number };
  /**
   * Failure kinds (see failure-kinds.ts) derived from each figure's ground truth and prediction: figures showing
   * each kind and its instances, for all figures (`all`) and per source.
   */
  failureKinds: Record<string, FailureCounts>;
  /** The scores per figure class (single panel, labelled compound, unlabelled compound). */
  byClass: Partial<Record<FigureClass, EvalSummary & { countRight: number; countInRange: number }>>;
  perFigure: Array<{
    file: string; score: FigureScore; panels: number; truth: number; description?: string; range?: [number, number]; source?: string;
    figureClass?: FigureClass; failures?: Partial<Record<FailureKind, number>>;
  }>;
}

export interface EvaluateOptions {
  /** Pass the caption's panel labels as hints. Default true. */
  useCaptionHints?: boolean;
  /** IoU for a match. Default 0.5. */
  iouThreshold?: number;
}

/** Figures left out of warmFiguresPerCpuSecond. */
export const WARM_UP_FIGURES = 10;

/** Evaluates a detector on a directory holding an EXSCLAIM-style `expected.json` and the figure images. */
export async function evaluateDirectory(dir: string, detector: SubfigureDetector, options: EvaluateOptions = {}): Promise<EvaluationReport> {
  const json = JSON.parse(await readFile(path.join(dir, 'expected.json'), 'utf8')) as Record<string, { panel_count_range?: unknown; source?: unknown }>;
  const truth = parseExsclaimGroundTruth(json);
  const scores: EvaluationReport['perFigure'] = [];
  let decodeMs = 0;
  let detectMs = 0;
  const cpu0 = process.cpuUsage();
  let cpuWarm: NodeJS.CpuUsage | undefined;
  for (const fig of truth) {
    if (scores.length === WARM_UP_FIGURES && truth.length >= 2 * WARM_UP_FIGURES) cpuWarm = process.cpuUsage();
    const extra = json[fig.id];
    const r = extra?.panel_count_range;
    const range: [number, number] | undefined = Array.isArray(r) && r.length === 2 && r.every((v) => typeof v === 'number') ? [r[0] as number, r[1] as number] : undefined;
    const source = typeof extra?.source === 'string' ? extra.source : undefined;
    const t0 = performance.now();
    const decoded = await decodeImage(path.join(dir, fig.file));
    const t1 = performance.now();
    const labels = options.useCaptionHints === false || !fig.caption ? [] : captionPanelLabels(fig.caption);
    const raw = await detector.detect(decoded.image, labels.length ? { captionLabels: labels } : undefined);
    const result = rescaleResult(raw, decoded.width, decoded.height);
    const t2 = performance.now();
    decodeMs += t1 - t0;
    detectMs += t2 - t1;
    scores.push({
      file: fig.file, score: scoreFigure(result.panels, fig.panels, options.iouThreshold ?? 0.5), panels: result.panels.length, truth: fig.panels.length,
      ...(range ? { range } : {}), ...(source ? { source } : {}),
      figureClass: figureClass(fig.panels),
      failures: figureFailures(result.panels, fig.panels, { threshold: options.iouThreshold ?? 0.5, ...(range ? { range } : {}) }),
    });
  }
  const cpu = process.cpuUsage(cpu0);
  const summary = report(scores, decodeMs, detectMs, (cpu.user + cpu.system) / 1e6);
  if (cpuWarm) {
    const warm = process.cpuUsage(cpuWarm);
    summary.warmFiguresPerCpuSecond = (scores.length - WARM_UP_FIGURES) / Math.max(1e-6, (warm.user + warm.system) / 1e6);
  }
  return summary;
}

function counts(scores: EvaluationReport['perFigure']): { countRight: number; countInRange: number } {
  const n = Math.max(1, scores.length);
  const inRange = (f: EvaluationReport['perFigure'][number]): boolean => {
    const [lo, hi] = f.range ?? [f.truth, f.truth];
    return f.panels >= lo && f.panels <= hi;
  };
  return { countRight: scores.filter((f) => f.panels === f.truth).length / n, countInRange: scores.filter(inRange).length / n };
}

/** The scores and panel counts of each group of figures (groups in sorted order; figures without a key are left out). */
function summariseBy(scores: EvaluationReport['perFigure'], key: (figure: EvaluationReport['perFigure'][number]) => string | undefined): Record<string, EvalSummary & { countRight: number; countInRange: number }> {
  const keys = [...new Set(scores.flatMap((s) => { const k = key(s); return k ? [k] : []; }))].sort();
  return Object.fromEntries(keys.map((k) => {
    const part = scores.filter((s) => key(s) === k);
    return [k, { ...summarise(part.map((s) => s.score)), ...counts(part) }];
  }));
}

function report(scores: EvaluationReport['perFigure'], decodeMs: number, detectMs: number, cpuSeconds?: number): EvaluationReport {
  const n = Math.max(1, scores.length);
  const total = decodeMs + detectMs;
  const sources = [...new Set(scores.flatMap((s) => (s.source ? [s.source] : [])))].sort();
  const bySource = sources.length ? summariseBy(scores, (s) => s.source) : undefined;
  const byClass = summariseBy(scores, (s) => s.figureClass);
  const withFailures = scores.filter((s) => s.failures);
  const failureKinds: Record<string, FailureCounts> = withFailures.length ? {
    all: countFailures(withFailures.map((s) => s.failures!)),
    ...Object.fromEntries(sources.map((src) => [src, countFailures(withFailures.filter((s) => s.source === src).map((s) => s.failures!))])),
  } : {};
  return {
    ...summarise(scores.map((s) => s.score)),
    ...counts(scores),
    ...(bySource ? { bySource } : {}),
    failureKinds,
    byClass,
    figuresPerSecond: total > 0 ? (scores.length * 1000) / total : 0,
    figuresPerCpuSecond: cpuSeconds && cpuSeconds > 0 ? scores.length / cpuSeconds : 0,
    msPerFigure: { decode: decodeMs / n, detect: detectMs / n, total: total / n },
    perFigure: scores,
  };
}

/**
 * Crops the ground-truth panels of an EXSCLAIM-style directory: real single-panel images for tiling. `split` keeps
 * the figures whose `split` field matches (real-dev: train only on `dev`); `skip` drops figures by file name.
 */
export async function loadPanelSources(dir: string, options: { split?: string; skip?: (file: string) => boolean } = {}): Promise<RawImage[]> {
  const json = JSON.parse(await readFile(path.join(dir, 'expected.json'), 'utf8')) as Record<string, { split?: unknown }>;
  const kept = options.split === undefined ? json : Object.fromEntries(Object.entries(json).filter(([, f]) => f.split === options.split));
  const truth = parseExsclaimGroundTruth(kept);
  const out: RawImage[] = [];
  for (const fig of truth) {
    if (options.skip?.(fig.file)) continue;
    // Blank out the figure's own panel labels so that tiles do not carry a stray letter into the new figure.
    const original = await readFile(path.join(dir, fig.file));
    const meta = await sharp(original).metadata();
    const masks = fig.panels.flatMap((p) => (p.labelBox ? [p.labelBox] : [])).map((b) => ({
      input: { create: { width: Math.max(1, b[2] - b[0] + 4), height: Math.max(1, b[3] - b[1] + 4), channels: 3 as const, background: '#ffffff' } },
      left: Math.max(0, b[0] - 2),
      top: Math.max(0, b[1] - 2),
    }));
    const bytes = masks.length ? await sharp(original).composite(masks).png().toBuffer() : original;
    for (const p of fig.panels) {
      const [x1, y1, x2, y2] = p.box;
      const left = Math.max(0, x1);
      const top = Math.max(0, y1);
      const width = Math.min((meta.width ?? 0) - left, x2 - x1);
      const height = Math.min((meta.height ?? 0) - top, y2 - y1);
      if (width < 16 || height < 16) continue;
      const { data, info } = await sharp(bytes).extract({ left, top, width, height }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      out.push({ data: new Uint8Array(data), width: info.width, height: info.height, channels: info.channels });
    }
  }
  return out;
}

/** Evaluates on `count` synthetic compound figures (seeds `seed`..`seed+count-1`) tiled from `sources`. */
export async function evaluateSynthetic(count: number, detector: SubfigureDetector, sources: RawImage[], options: EvaluateOptions & { seed?: number } = {}): Promise<EvaluationReport> {
  const scores: EvaluationReport['perFigure'] = [];
  let detectMs = 0;
  const seed = options.seed ?? 1;
  for (let i = 0; i < count; i++) {
    const fig = await generateSyntheticFigure(seed + i, sources, { maxPanels: i % 10 === 9 ? 1 : 9 });
    const t0 = performance.now();
    const hints = options.useCaptionHints === false || fig.captionLabels.length === 0 ? undefined : { captionLabels: fig.captionLabels };
    const result = await detector.detect(fig.image, hints);
    detectMs += performance.now() - t0;
    scores.push({
      file: `synthetic-${seed + i}`, score: scoreFigure(result.panels, fig.panels, options.iouThreshold ?? 0.5), panels: result.panels.length, truth: fig.panels.length, description: fig.description,
      figureClass: figureClass(fig.panels), failures: figureFailures(result.panels, fig.panels, { threshold: options.iouThreshold ?? 0.5 }),
    });
  }
  return report(scores, 0, detectMs);
}

export interface ArticleCountReport {
  /** Figures whose caption names two or more panel labels. */
  labelledFigures: number;
  /** ... of which the detector returned exactly that many panels. */
  countExact: number;
  /** Mean |detected panels - caption labels| over those figures. */
  meanCountError: number;
  /** Caption labels found by OCR (not inferred) / all caption labels, over those figures. */
  labelsRead: number;
  /** Figures whose caption names no panel labels, and how many of them came back as one panel. */
  unlabelledFigures: number;
  unlabelledSingle: number;
  figuresPerSecond: number;
  perFigure: Array<{ file: string; captionLabels: string[]; panels: number; labels: string[] }>;
}

/** One figure image of an article folder: its path and its JATS caption. */
export interface ArticleFigure {
  /** "<article folder>/<image file>". */
  name: string;
  file: string;
  caption: string;
}

/**
 * The figures of a folder of articles (one sub-folder each: JATS XML plus figure images), in name order:
 * each figure's first graphic matched to an image file. Articles whose XML cannot be parsed are skipped.
 */
export async function listArticleFigures(dir: string): Promise<ArticleFigure[]> {
  const out: ArticleFigure[] = [];
  for (const article of (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    const folder = path.join(dir, article);
    const files = await readdir(folder);
    const xmlName = files.find((f) => f.endsWith('.xml'));
    if (!xmlName) continue;
    let figures;
    try {
      figures = parseJats(await readFile(path.join(folder, xmlName), 'utf8')).figures;
    } catch {
      continue;
    }
    const media = files.filter((f) => !f.endsWith('.xml'));
    for (const fig of figures) {
      const href = fig.graphics[0];
      const file = href ? matchGraphicToMedia(href, media) : null;
      if (file) out.push({ name: `${article}/${file}`, file: path.join(folder, file), caption: fig.caption });
    }
  }
  return out;
}

/**
 * A ground-truth-free check on real articles (folders of JATS XML plus figure images): the number of panels
 * found against the number of panel labels the caption names, and how many of those labels OCR read.
 */
export async function evaluateArticles(dir: string, detector: SubfigureDetector, options: EvaluateOptions = {}): Promise<ArticleCountReport> {
  const perFigure: ArticleCountReport['perFigure'] = [];
  let ms = 0;
  for (const fig of await listArticleFigures(dir)) {
    const t0 = performance.now();
    let result;
    try {
      const decoded = await decodeImage(fig.file);
      const labels = captionPanelLabels(fig.caption);
      const hints = options.useCaptionHints === false || labels.length < 2 ? undefined : { captionLabels: labels };
      result = rescaleResult(await detector.detect(decoded.image, hints), decoded.width, decoded.height);
    } catch {
      continue;
    }
    ms += performance.now() - t0;
    perFigure.push({
      file: fig.name,
      captionLabels: captionPanelLabels(fig.caption),
      panels: result.panels.length,
      labels: result.panels.filter((p) => p.label && !p.label.inferred).map((p) => p.label!.text),
    });
  }
  const labelled = perFigure.filter((f) => f.captionLabels.length >= 2);
  const unlabelled = perFigure.filter((f) => f.captionLabels.length < 2);
  const captionTotal = labelled.reduce((a, f) => a + f.captionLabels.length, 0);
  const read = labelled.reduce((a, f) => a + f.captionLabels.filter((l) => f.labels.includes(l)).length, 0);
  return {
    labelledFigures: labelled.length,
    countExact: labelled.filter((f) => f.panels === f.captionLabels.length).length,
    meanCountError: labelled.length ? labelled.reduce((a, f) => a + Math.abs(f.panels - f.captionLabels.length), 0) / labelled.length : 0,
    labelsRead: captionTotal ? read / captionTotal : 0,
    unlabelledFigures: unlabelled.length,
    unlabelledSingle: unlabelled.filter((f) => f.panels === 1).length,
    figuresPerSecond: ms > 0 ? (perFigure.length * 1000) / ms : 0,
    perFigure,
  };
}
