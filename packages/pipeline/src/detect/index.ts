import { LayoutOcrDetector } from './layout-detector.ts';
import type { LayoutOcrOptions } from './layout-detector.ts';
import { OnnxDetector } from './onnx-detector.ts';
import type { OnnxDetectorOptions } from './onnx-detector.ts';
import { LearnedDetector } from './learned-detector.ts';
import { CombinedDetector } from './combined-detector.ts';
import type { SubfigureDetector } from './types.ts';

export type * from './types.ts';
export { LayoutOcrDetector, LAYOUT_OCR_VERSION } from './layout-detector.ts';
export type { LayoutOcrOptions, StepTimings } from './layout-detector.ts';
export { OnnxDetector } from './onnx-detector.ts';
export type { OnnxDetectorOptions, OnnxArchitecture } from './onnx-detector.ts';
export { LearnedDetector, DEFAULT_PANEL_MODEL } from './learned-detector.ts';
export type { LearnedDetectorOptions } from './learned-detector.ts';
export { CombinedDetector } from './combined-detector.ts';
export type { CombinedOptions } from './combined-detector.ts';
export { generateCompoundFigure } from './synthetic-compound.ts';
export type { CompoundFigure, CompoundOptions } from './synthetic-compound.ts';
export { cropPanels } from './crops.ts';
export type { PanelCrop, CropOptions } from './crops.ts';
export { decodeImage } from '../images/decode.ts';
export type { DecodedImage, DecodeOptions } from '../images/decode.ts';
export { captionPanelLabels } from '../captions/panel-labels.ts';
export { iou, clampBox, isValidBox } from './boxes.ts';
export { parseExsclaimGroundTruth } from './ground-truth.ts';
export type { GroundTruthFigure, GroundTruthPanel } from './ground-truth.ts';
export { scoreFigure, summarise } from './score.ts';
export type { FigureScore, EvalSummary } from './score.ts';
export { FAILURE_KINDS, countFailures, figureClass, figureFailures } from './failure-kinds.ts';
export type { FailureCounts, FailureKind, FigureClass } from './failure-kinds.ts';
export { evaluateArticles, evaluateDirectory, evaluateSynthetic, listArticleFigures, loadPanelSources, WARM_UP_FIGURES } from './evaluate.ts';
export type { ArticleFigure } from './evaluate.ts';
export type { ArticleCountReport } from './evaluate.ts';
export type { EvaluationReport } from './evaluate.ts';
export { generateSyntheticFigure } from './synthetic.ts';
export type { SyntheticFigure, SyntheticOptions } from './synthetic.ts';
export { detectFile, detectJsonLines, resultToJson, rescaleResult } from './run.ts';
export type { DetectFileOptions, JsonLineInput } from './run.ts';

/** Detector names `createDetector` knows. */
export const DETECTOR_NAMES = ['layout-ocr', 'layout', 'onnx', 'learned', 'combined'] as const;

/** The detector used when none is named (the detect stage, the CLI, evaluations): chosen by real-dev dev-split scores. */
export const DEFAULT_DETECTOR = 'combined';

export interface CreateDetectorOptions {
  /**
   * 'combined' (default: the learned model's boxes + OCR labels, layout+OCR as fallback), 'layout-ocr' (no
   * weights), 'layout' (no OCR), 'onnx' (needs modelPath) or 'learned' (the committed panel model, or modelPath).
   */
  name?: string;
  /** Path of a YOLO- or DETR-style ONNX model; implies the ONNX detector. */
  modelPath?: string;
  layout?: LayoutOcrOptions;
  onnx?: OnnxDetectorOptions;
}

/** Builds a detector; models are loaded once here, so keep the detector for many images. */
export async function createDetector(options: CreateDetectorOptions = {}): Promise<SubfigureDetector> {
  const name = options.name ?? (options.modelPath ? 'onnx' : DEFAULT_DETECTOR);
  const learned = { ...options.onnx, ...(options.modelPath ? { modelPath: options.modelPath } : {}) };
  if (name === 'learned') return LearnedDetector.create(learned);
  if (name === 'combined') return CombinedDetector.create({ learned, ...(options.layout ? { layout: options.layout } : {}) });
  if (name === 'onnx' || name.startsWith('onnx-')) {
    if (!options.modelPath) throw new Error('the onnx detector needs a model path (--model PATH)');
    const architecture = name === 'onnx-yolo' ? 'yolo' : name === 'onnx-detr' ? 'detr' : (options.onnx?.architecture ?? 'auto');
    return OnnxDetector.create(options.modelPath, { ...options.onnx, architecture });
  }
  if (name === 'layout-ocr') return LayoutOcrDetector.create(options.layout);
  if (name === 'layout') return LayoutOcrDetector.create({ ...options.layout, ocr: false });
  throw new Error(`unknown detector "${name}" (known: ${DETECTOR_NAMES.join(', ')}, onnx-yolo, onnx-detr)`);
}
