/**
 * Refits the splitter's confidence calibration: `npx tsx test/bench/calibrate-captions.ts` scores both caption
 * development sets (prostate and Zou), fits the isotonic map raw score -> share right on fold 0 (figures split by a
 * hash of their id), and prints the map (paste it into SPLIT_CALIBRATION in packages/pipeline/src/captions/
 * calibration.ts) and the reliability table of the held-out fold 1 with that map, next to the raw scores' table.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import {
  calibrateConfidence,
  calibrationError,
  calibrationFold,
  calibrationTable,
  evaluateCaptions,
  fitIsotonic,
  isRight,
  SPLITTER_VERSION,
  type ScoredPrediction,
} from '../../packages/pipeline/src/captions/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const folds: [ScoredPrediction[], ScoredPrediction[]] = [[], []];
for (const file of ['prostate-subcaptions.json', 'zou-panelseg-dev.json']) {
  const report = evaluateCaptions(JSON.parse(readFileSync(join(here, '../fixtures/captions', file), 'utf8')));
  for (const f of report.perFigure) folds[calibrationFold(`${file}:${f.id}`)].push(...f.predictions);
}
const steps = fitIsotonic(folds[0].map((p) => ({ raw: p.rawConfidence, right: isRight(p) })));
const raw = (ps: ScoredPrediction[]): ScoredPrediction[] => ps.map((p) => ({ ...p, confidence: p.rawConfidence }));
const calibrated = (ps: ScoredPrediction[]): ScoredPrediction[] => ps.map((p) => ({ ...p, confidence: calibrateConfidence(p.rawConfidence, steps) }));
const round = (x: number): number => Math.round(x * 1000) / 1000;
const heldRaw = calibrationTable(raw(folds[1]));
const heldCal = calibrationTable(calibrated(folds[1]));
process.stdout.write(
  `${JSON.stringify(
    {
      splitter: SPLITTER_VERSION,
      fitSubcaptions: folds[0].length,
      heldOutSubcaptions: folds[1].length,
      SPLIT_CALIBRATION: steps,
      heldOutRaw: { table: heldRaw, calibrationError: round(calibrationError(heldRaw)) },
      heldOutCalibrated: { table: heldCal, calibrationError: round(calibrationError(heldCal)) },
    },
    null,
    2,
  )}\n`,
);
