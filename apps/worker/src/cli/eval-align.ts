import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ALIGNER_VERSION,
  evaluateAlignment,
  groundTruthPanels,
  parseReviewedSubcaptions,
  withReviewedSubcaptions,
  type PanelSource,
} from '@pmc-curator/pipeline/align';
import { SPLITTER_VERSION } from '@pmc-curator/pipeline/captions';
import { captionPanelLabels, createDetector, decodeImage, parseExsclaimGroundTruth, rescaleResult } from '@pmc-curator/pipeline/detect';

interface EvalAlignOptions {
  gtBoxes?: boolean;
  gtLabels?: boolean;
  detector?: string;
  model?: string;
  perFigure?: boolean;
  references?: string;
}

export function registerEvalAlign(program: Command): void {
  program
    .command('eval-align')
    .description('alignment token F1 (MedICaT metric) on a directory of figures with an EXSCLAIM expected.json')
    .argument('<dir>', 'directory with expected.json and the figure images')
    .option('--gt-boxes', 'use the ground-truth panel boxes (labels hidden) instead of the detector: an upper bound for detection')
    .option('--gt-labels', 'with --gt-boxes, also give the aligner the true panel labels')
    .option('--detector <name>', 'detector name passed to createDetector (default: combined)')
    .option('--model <path>', 'ONNX panel detector model')
    .option('--per-figure', 'print one line per figure')
    .option('--references <file>', 'reviewed subcaptions ({guideline, figures: {id: {label: text}}}) replacing the EXSCLAIM ones; boxes are kept')
    .action(async (dir: string, opts: EvalAlignOptions) => {
      let figures = parseExsclaimGroundTruth(JSON.parse(await readFile(join(dir, 'expected.json'), 'utf8')));
      let references = 'the subcaptions in expected.json';
      if (opts.references) {
        const reviewed = withReviewedSubcaptions(figures, parseReviewedSubcaptions(JSON.parse(await readFile(opts.references, 'utf8'))));
        figures = reviewed.figures;
        references = `reviewed subcaptions (${opts.references}); ${reviewed.skippedPanels} panels without one left out`;
      }
      let source: PanelSource;
      let close: (() => Promise<void>) | undefined;
      let panelsFrom: string;
      if (opts.gtBoxes) {
        source = groundTruthPanels(Boolean(opts.gtLabels));
        panelsFrom = opts.gtLabels ? 'ground-truth boxes and labels' : 'ground-truth boxes, labels hidden';
      } else {
        const detector = await createDetector({ ...(opts.detector ? { name: opts.detector } : {}), ...(opts.model ? { modelPath: opts.model } : {}) });
        close = async () => detector.close?.();
        panelsFrom = `detector ${detector.name}@${detector.version}`;
        source = async (fig) => {
          // The detect stage's hints, so that the score is what the pipeline delivers.
          const labels = captionPanelLabels(fig.caption);
          const decoded = await decodeImage(join(dir, fig.id));
          const raw = await detector.detect(decoded.image, labels.length > 0 ? { captionLabels: labels } : undefined);
          return rescaleResult(raw, decoded.width, decoded.height).panels;
        };
      }
      try {
        const r = await evaluateAlignment(figures, source);
        const round = (x: number): number => Math.round(x * 10000) / 10000;
        if (opts.perFigure) {
          for (const f of r.perFigure) {
            process.stdout.write(`${JSON.stringify({ id: f.id, panels: f.panels, subfigures: f.subfigures, tokenF1: f.specificF1.map(round), mismatch: f.alignment.mismatch, flags: f.alignment.flags })}\n`);
          }
        }
        process.stdout.write(
          `${JSON.stringify(
            {
              panels: panelsFrom,
              references,
              splitter: SPLITTER_VERSION,
              aligner: ALIGNER_VERSION,
              figures: r.figures,
              subfigures: r.subfigures,
              detectedSubfigures: r.detectedSubfigures,
              meanTokenF1: round(r.meanTokenF1),
              meanTokenF1FullSubcaption: round(r.meanTokenF1Full),
              byMethod: Object.fromEntries(
                Object.entries(r.byMethod).map(([k, m]) => [k, { subfigures: m.subfigures, meanTokenF1: round(m.meanTokenF1), meanConfidence: round(m.meanConfidence) }]),
              ),
            },
            null,
            2,
          )}\n`,
        );
      } finally {
        await close?.();
      }
    });
}
