/**
 * The one box type of the pipeline: [x1, y1, x2, y2] in pixels of an image, x2 > x1, y2 > y1, inside the image.
 * Detection results, ground truth and alignment pairs use original image pixels; layout analysis uses the
 * pixels of its (possibly downsampled) analysis image.
 */
export type Box = [number, number, number, number];

/** Raw pixels as sharp gives them (`.raw().toBuffer({ resolveWithObject: true })`). */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  /** 1 (grey), 3 (RGB) or 4 (RGBA). */
  channels: number;
}

export interface PanelLabel {
  /** Normalised label text, e.g. "A", "b", "ii". */
  text: string;
  box: Box;
  /**
   * True when the label was not read but inferred from the caption's label order (the panels, in reading
   * order, match the caption's labels one to one and every label that was read agrees); `box` is then
   * only the panel's top-left corner.
   */
  inferred?: boolean;
}

export interface Panel {
  box: Box;
  label?: PanelLabel;
  score: number;
}

export interface DetectionHints {
  /** Panel labels the caption mentions, in caption order (e.g. ["A","B","C"]). */
  captionLabels?: string[];
}

export interface DetectionResult {
  width: number;
  height: number;
  /** Which detector produced the panels, e.g. "layout-ocr" or "onnx-yolo". */
  method: string;
  /** Version of the detector (model file hash or algorithm version); stored with results. */
  modelVersion: string;
  /** Panels in reading order (top-to-bottom rows, left-to-right within a row). Never empty. */
  panels: Panel[];
}

/** Splits one figure image into its panels. Implementations: layout+OCR (no weights) and ONNX models. */
export interface SubfigureDetector {
  readonly name: string;
  readonly version: string;
  detect(image: RawImage, hints?: DetectionHints): Promise<DetectionResult>;
  /** Detect several images at once (one inference call where the implementation can batch). */
  detectBatch?(items: Array<{ image: RawImage; hints?: DetectionHints }>): Promise<DetectionResult[]>;
  /** Frees models and sessions. */
  close?(): Promise<void>;
}
