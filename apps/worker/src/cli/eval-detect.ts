import { z } from 'zod';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { createDetector, evaluateArticles, evaluateDirectory, evaluateSynthetic, loadPanelSources, WARM_UP_FIGURES } from '@pmc-curator/pipeline/detect';
import { FAILURE_KINDS } from '@pmc-curator/pipeline/detect';
import type { EvaluationReport } from '@pmc-curator/pipeline/detect';
import { intFlag, parseFlags } from './support/flags.ts';

const numbers = z.object({ synthetic: intFlag({ min: 1 }).optional(), seed: intFlag().default(1) });

interface EvalDetectOptions {
  detector?: string;
  model?: string;
  synthetic?: string;
  sources?: string;
  articles?: string;
  seed?: string;
  hints: boolean;
  json?: boolean;
  split?: string;
}

/**
 * `--split NAME`: a temporary directory holding the figures of `dir/expected.json` whose `split` field is NAME
 * (their entries, and links to their images), for evaluateDirectory.
 */
async function splitDirectory(dir: string, split: string): Promise<string> {
  const all = JSON.parse(await readFile(path.join(dir, 'expected.json'), 'utf8')) as Record<string, { split?: unknown; figure_name?: unknown }>;
  const kept = Object.fromEntries(Object.entries(all).filter(([, f]) => f.split === split));
  if (Object.keys(kept).length === 0) throw new Error(`no figure in ${dir}/expected.json has split "${split}"`);
  const tmp = await mkdtemp(path.join(tmpdir(), 'eval-detect-'));
  await writeFile(path.join(tmp, 'expected.json'), JSON.stringify(kept));
  for (const [key, f] of Object.entries(kept)) {
    const file = typeof f.figure_name === 'string' && f.figure_name ? f.figure_name : key;
    await symlink(path.resolve(dir, file), path.join(tmp, file));
  }
  return tmp;
}

function print(title: string, r: EvaluationReport, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ set: title, ...r })}\n`);
    return;
  }
  const pct = (v: number): string => v.toFixed(3);
  process.stdout.write([
    `${title}: ${r.figures} figures`,
    `  panels@IoU0.5  precision ${pct(r.precision)}  recall ${pct(r.recall)}  F1 ${pct(r.f1)}  (tp ${r.truePositives}, fp ${r.falsePositives}, fn ${r.falseNegatives})`,
    `  labels         accuracy ${pct(r.labelAccuracy)} (case-insensitive), ${pct(r.labelAccuracyExact)} exact, ${pct(r.labelReadAccuracy)} read by OCR (not inferred from caption order), over ${r.labelled} matched labelled panels`,
    `  panel count    right ${pct(r.countRight)}, in the annotated range ${pct(r.countInRange)}`,
    `  speed          ${r.figuresPerSecond.toFixed(1)} figures/s (decode ${r.msPerFigure.decode.toFixed(1)} ms + detect ${r.msPerFigure.detect.toFixed(1)} ms per figure)${r.figuresPerCpuSecond ? `, ${r.figuresPerCpuSecond.toFixed(2)} figures per CPU-second` : ''}${r.warmFiguresPerCpuSecond ? ` (${r.warmFiguresPerCpuSecond.toFixed(2)} after the first ${WARM_UP_FIGURES} figures, once warm)` : ''}`,
    ...Object.entries(r.bySource ?? {}).map(([src, s]) => `  source ${src.padEnd(8)} ${s.figures} figures  panel P ${pct(s.precision)} R ${pct(s.recall)} F1 ${pct(s.f1)}  count right ${pct(s.countRight)} in range ${pct(s.countInRange)}  labels read ${pct(s.labelReadAccuracy)} (${s.labelled})`),
    ...Object.entries(r.byClass).map(([c, s]) => `  class ${c.padEnd(12)} ${s.figures} figures  panel P ${pct(s.precision)} R ${pct(s.recall)} F1 ${pct(s.f1)}  count right ${pct(s.countRight)} in range ${pct(s.countInRange)}  labels read ${s.labelled ? pct(s.labelReadAccuracy) : '-'} (${s.labelled})`),
    ...failureLines(r),
    ...breakdown(r),
    ...r.perFigure.map((f) => {
      const kinds = Object.entries(f.failures ?? {}).map(([k, n]) => (n > 1 ? `${k} x${n}` : k)).join(', ');
      return `    ${f.file}: ${f.panels} predicted / ${f.truth} true, tp ${f.score.truePositives} fp ${f.score.falsePositives} fn ${f.score.falseNegatives}, labels ${f.score.labelCorrect}/${f.score.labelled}${kinds ? `  {${kinds}}` : ''}${f.description ? `  [${f.description}]` : ''}`;
    }),
    '',
  ].join('\n'));
}

/** Failure kinds (derived from ground truth and prediction): figures with the kind (instances), all and per source. */
function failureLines(r: EvaluationReport): string[] {
  const groups = Object.keys(r.failureKinds);
  if (groups.length === 0) return [];
  const cell = (g: string, k: (typeof FAILURE_KINDS)[number]): string => {
    const c = r.failureKinds[g]![k];
    return `${c.figures} (${c.instances})`.padEnd(10);
  };
  return [
    `  failure kinds  figures (instances): ${groups.map((g) => g.padEnd(10)).join('')}`,
    ...FAILURE_KINDS.map((k) => `    ${k.padEnd(33)}${groups.map((g) => cell(g, k)).join('')}`),
  ];
}

/** Synthetic figures: panel F1 and label accuracy per label corner and per label style. */
function breakdown(r: EvaluationReport): string[] {
  const groups = new Map<string, { tp: number; fp: number; fn: number; labelled: number; read: number }>();
  for (const f of r.perFigure) {
    if (!f.description) continue;
    const words = f.description.split(' ');
    const corner = words.at(-1) ?? '?';
    const style = words.find((w) => ['upper', 'lower', 'paren', 'roman'].includes(w)) ?? '?';
    const gutter = f.description.includes(' lines ') ? 'separator-lines' : 'gutters';
    for (const key of [`corner ${corner}`, `style ${style}`, gutter]) {
      const g = groups.get(key) ?? { tp: 0, fp: 0, fn: 0, labelled: 0, read: 0 };
      g.tp += f.score.truePositives;
      g.fp += f.score.falsePositives;
      g.fn += f.score.falseNegatives;
      g.labelled += f.score.labelled;
      g.read += f.score.labelReadCorrect;
      groups.set(key, g);
    }
  }
  return [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([k, g]) => {
    const f1 = g.tp ? (2 * g.tp) / (2 * g.tp + g.fp + g.fn) : 0;
    return `  ${k.padEnd(22)} panel F1 ${f1.toFixed(3)}, labels read ${g.labelled ? (g.read / g.labelled).toFixed(3) : '-'} (${g.labelled})`;
  });
}

/** `curator eval-detect <dir>`: panel P/R/F1 at IoU >= 0.5, label accuracy and speed against expected.json. */
export function registerEvalDetect(program: Command): void {
  program
    .command('eval-detect')
    .description('evaluate panel detection against <dir>/expected.json (EXSCLAIM format): P/R/F1 at IoU>=0.5, label accuracy, figures/s')
    .argument('[dir]', 'directory with expected.json and the figure images')
    .option('--detector <name>', 'combined (default), learned, layout-ocr, layout, onnx-yolo, onnx-detr')
    .option('--model <path>', 'ONNX panel detector to evaluate')
    .option('--synthetic <n>', 'also evaluate on n synthetic compound figures (exact ground truth)')
    .option('--sources <dir>', 'EXSCLAIM-style directory whose true panels are tiled into synthetic figures (default: <dir>)')
    .option('--seed <n>', 'first seed of the synthetic figures', '1')
    .option('--articles <dir>', 'also check real articles (folders of JATS XML + figure images): panel count vs caption labels')
    .option('--no-hints', 'do not pass the caption labels as hints')
    .option('--json', 'print the reports as JSON lines')
    .option('--split <name>', 'evaluate only the figures of <dir>/expected.json whose "split" field is <name> (e.g. dev, validation)')
    .action(async (dir: string | undefined, options: EvalDetectOptions) => {
      const { synthetic, seed } = parseFlags(numbers, options);
      if (!dir && synthetic === undefined && !options.articles) throw new Error('give a ground-truth directory, --synthetic N and/or --articles DIR');
      const detector = await createDetector({
        ...(options.detector ? { name: options.detector } : {}),
        ...(options.model ? { modelPath: options.model } : {}),
      });
      try {
        if (dir && options.split) {
          const tmp = await splitDirectory(dir, options.split);
          try {
            print(`real (${dir}, split ${options.split})`, await evaluateDirectory(tmp, detector, { useCaptionHints: options.hints }), options.json);
          } finally {
            await rm(tmp, { recursive: true, force: true });
          }
        } else if (dir) print(`real (${dir})`, await evaluateDirectory(dir, detector, { useCaptionHints: options.hints }), options.json);
        if (synthetic !== undefined) {
          const n = synthetic;
          const sourceDir = options.sources ?? dir;
          const sources = sourceDir ? await loadPanelSources(sourceDir) : [];
          print(`synthetic (${n}, seed ${seed})`, await evaluateSynthetic(n, detector, sources, { useCaptionHints: options.hints, seed }), options.json);
        }
        if (options.articles) {
          const a = await evaluateArticles(options.articles, detector, { useCaptionHints: options.hints });
          if (options.json) process.stdout.write(`${JSON.stringify({ set: `articles (${options.articles})`, ...a })}\n`);
          else {
            process.stdout.write([
              `articles (${options.articles}): ${a.labelledFigures + a.unlabelledFigures} figures, no ground truth`,
              `  ${a.labelledFigures} captions name >= 2 panel labels: panel count exact ${a.countExact}/${a.labelledFigures} (${(a.countExact / Math.max(1, a.labelledFigures)).toFixed(3)}), mean |count error| ${a.meanCountError.toFixed(2)}, caption labels read by OCR ${a.labelsRead.toFixed(3)}`,
              `  ${a.unlabelledFigures} captions name no labels: ${a.unlabelledSingle} returned as one panel`,
              `  speed ${a.figuresPerSecond.toFixed(1)} figures/s (decode + detect)`,
              ...a.perFigure.map((f) => `    ${f.file}: ${f.panels} panels, caption ${f.captionLabels.join('') || '-'}, read ${f.labels.join('') || '-'}`),
              '',
            ].join('\n'));
          }
        }
      } finally {
        await detector.close?.();
      }
    });
}
