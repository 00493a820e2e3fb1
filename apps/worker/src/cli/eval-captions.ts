import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  SPLITTER_VERSION,
  calibrationBins,
  calibrationError,
  calibrationFold,
  calibrationTable,
  evaluateCaptions,
  failureKinds,
  RIGHT_MIN_TOKEN_F1,
} from '@pmc-curator/pipeline/captions';

export function registerEvalCaptions(program: Command): void {
  program
    .command('eval-captions')
    .description('evaluate the subcaption splitter against hand-split captions (prostate-subcaptions.json or zou-panelseg-dev.json format, detected)')
    .argument('<file>', 'ground truth JSON: per figure `caption` and `gt_subfigures[].label.text/.caption` (Zou format: also `image_path`, `panel.box`)')
    .option('--per-figure', 'also print one line per figure')
    .action(async (file: string, opts: { perFigure?: boolean }) => {
      const data: unknown = JSON.parse(await readFile(file, 'utf8'));
      const r = evaluateCaptions(data);
      const round = (x: number): number => Math.round(x * 10000) / 10000;
      if (opts.perFigure) {
        for (const f of r.perFigure) {
          const mean = f.tokenF1.length ? f.tokenF1.reduce((a, b) => a + b, 0) / f.tokenF1.length : 0;
          process.stdout.write(`${JSON.stringify({ id: f.id, truth: f.truthLabels, predicted: f.predictedLabels, meanTokenF1: round(mean), mode: f.split.mode, flags: f.split.flags })}\n`);
        }
      }
      process.stdout.write(
        `${JSON.stringify(
          {
            splitter: SPLITTER_VERSION,
            format: r.format,
            figures: r.figures,
            trueLabels: r.trueLabels,
            predictedLabels: r.predictedLabels,
            matchedLabels: r.matchedLabels,
            labelPrecision: round(r.labelPrecision),
            labelRecall: round(r.labelRecall),
            labelF1: round(r.labelF1),
            meanSubcaptionTokenF1: round(r.meanSubcaptionTokenF1),
            // What the pipeline delivers: a figure whose caption has no label found gets the whole caption on every panel.
            meanSubcaptionTokenF1WholeCaptionWhenUnlabelled: round(r.meanSubcaptionTokenF1WholeCaptionWhenUnlabelled),
            // The same two means with the figure's label tokens ("a" of "(A)") dropped from both texts: annotators differ on keeping them.
            meanSubcaptionTokenF1LabelTokensIgnored: round(r.meanSubcaptionTokenF1LabelTokensIgnored),
            meanSubcaptionTokenF1WholeCaptionWhenUnlabelledLabelTokensIgnored: round(r.meanSubcaptionTokenF1WholeCaptionWhenUnlabelledLabelTokensIgnored),
            unlabelledFigures: r.unlabelledFigures,
            // Where the errors are: missed labels (not printed / by label style), false labels (by style and role),
            // subcaption spans by layout (precision: extra text, recall: missing text).
            failureKinds: failureKinds(r, data),
            // Is the confidence meaningful? Label precision and token F1 per confidence range.
            calibration: calibrationBins(r.perFigure.flatMap((f) => f.predictions)).map((b) => ({
              confidence: `${b.from}-${b.to}`,
              subcaptions: b.predictions,
              labelPrecision: round(b.labelPrecision),
              meanTokenF1: round(b.meanTokenF1),
            })),
            // Calibrated confidence vs the share of subcaptions that are right (true label, token F1 ≥ 0.75), on the
            // figures of this file that the calibration was not fitted on (held-out fold; test/bench/calibrate-captions.ts).
            calibrationHeldOut: ((): { rightMeans: string; table: ReturnType<typeof calibrationTable>; calibrationError: number } => {
              const held = r.perFigure.filter((f) => calibrationFold(`${basename(file)}:${f.id}`) === 1).flatMap((f) => f.predictions);
              const table = calibrationTable(held);
              return { rightMeans: `true label and token F1 >= ${RIGHT_MIN_TOKEN_F1}`, table, calibrationError: round(calibrationError(table)) };
            })(),
          },
          null,
          2,
        )}\n`,
      );
    });
}
