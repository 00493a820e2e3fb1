/** Subcaption separation: find panel labels in a caption and split it into per-label subcaptions. */
export const SPLITTER_VERSION = 'split-1.5.0';

export { splitCaption } from './split.ts';
export type { SplitCaption, SplitMode, SplitOptions, Subcaption } from './split.ts';
export { normalizeCaption, MAX_CAPTION_CHARS } from './normalize.ts';
export { scanLabelMentions } from './label-tokens.ts';
export type { Mention, MentionForm, MentionRole } from './label-tokens.ts';
export { expandRange, labelKey } from './label-sets.ts';
export type { Atom, AtomKind } from './label-sets.ts';
export { splitSentences } from './sentences.ts';
export { evaluateCaptions, failureKinds, parseGroundTruth, tokenF1, tokenize, tokenPrecisionRecall } from './evaluate.ts';
export type { CaptionEvalReport, CaptionFigureResult, CaptionGroundTruthFigure, FailureKinds, SpanKind } from './evaluate.ts';
export {
  calibrateConfidence,
  calibrationBins,
  calibrationError,
  calibrationFold,
  calibrationTable,
  CALIBRATION_EDGES,
  fitIsotonic,
  isRight,
  RIGHT_MIN_TOKEN_F1,
  SPLIT_CALIBRATION,
} from './calibration.ts';
export type { CalibrationBin, CalibrationRow, CalibrationStep } from './calibration.ts';
export type { ScoredPrediction } from './evaluate.ts';
