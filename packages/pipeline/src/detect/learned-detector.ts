/**
 * The project's own panel detector (models/panel-detector, trained by tools/train-detector on synthetic compound
 * figures): the ONNX model run through OnnxDetector, after an antialiased downscale with sharp to the model's
 * input size (training letterboxed with an antialiased resize; OnnxDetector's own bilinear letterbox samples
 * a 1200-px figure without antialiasing, which thins out gutters and separator lines).
 */
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { OnnxDetector } from './onnx-detector.ts';
import type { OnnxDetectorOptions } from './onnx-detector.ts';
import { rescaleResult } from './run.ts';
import { boxArea, intersection } from './boxes.ts';
import type { DetectionHints, DetectionResult, Panel, RawImage, SubfigureDetector } from './types.ts';

/** The committed model (see models/panel-detector/README.md). */
export const DEFAULT_PANEL_MODEL = fileURLToPath(new URL('../../../../models/panel-detector/panel-detector.onnx', import.meta.url));

/** Network input side of the committed model. */
const INPUT_SIDE = 384;

export interface LearnedDetectorOptions extends OnnxDetectorOptions {
  /** ONNX model path. Default: the committed model. */
  modelPath?: string;
  /**
   * A box whose area lies mostly (more than this fraction of the smaller box) inside a higher-scoring box is a
   * fragment of that panel and is dropped; 1 keeps all. Default LEARNED_CONTAINMENT.
   */
  containment?: number;
}

/** Drops boxes that lie mostly inside a higher-scoring one (see LearnedDetectorOptions.containment). */
export function suppressContained(panels: Panel[], fraction: number): Panel[] {
  if (fraction >= 1 || panels.length < 2) return panels;
  const byScore = [...panels].sort((a, b) => b.score - a.score);
  const kept: Panel[] = [];
  for (const p of byScore) {
    if (kept.some((k) => intersection(k.box, p.box) > fraction * Math.min(boxArea(k.box), boxArea(p.box)))) continue;
    kept.push(p);
  }
  return panels.filter((p) => kept.includes(p));
}

/** Minimum score of the learned model's boxes, chosen on the real-dev `dev` split (see the model card). */
export const LEARNED_CONF_THRESHOLD = 0.6;
/** NMS IoU of the learned model's boxes (panels do not overlap), chosen on the `dev` split. */
const LEARNED_NMS_IOU = 0.3;
/** Containment fraction (see LearnedDetectorOptions.containment), chosen on the `dev` split. */
const LEARNED_CONTAINMENT = 1;

/** Downscales (antialiased) so that the longest side is at most `side`; smaller images are kept. */
export async function fitInside(image: RawImage, side: number): Promise<RawImage> {
  if (Math.max(image.width, image.height) <= side) return image;
  const { data, info } = await sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: image.channels as 1 | 2 | 3 | 4 },
  }).resize(side, side, { fit: 'inside' }).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: info.channels };
}

export class LearnedDetector implements SubfigureDetector {
  readonly name = 'learned';
  readonly version: string;

  private constructor(private readonly onnx: OnnxDetector, private readonly containment: number) {
    this.version = `learned-1+${onnx.version}`;
  }

  static async create(options: LearnedDetectorOptions = {}): Promise<LearnedDetector> {
    const { modelPath, containment, ...rest } = options;
    const onnx = await OnnxDetector.create(modelPath ?? DEFAULT_PANEL_MODEL, {
      architecture: 'yolo',
      yoloLayout: 'yolov8',
      confThreshold: LEARNED_CONF_THRESHOLD,
      iouThreshold: LEARNED_NMS_IOU,
      ...rest,
    });
    return new LearnedDetector(onnx, containment ?? LEARNED_CONTAINMENT);
  }

  get provider(): string {
    return this.onnx.provider;
  }

  async detect(image: RawImage, hints?: DetectionHints): Promise<DetectionResult> {
    const [r] = await this.detectBatch([{ image, ...(hints ? { hints } : {}) }]);
    return r!;
  }

  async detectBatch(items: Array<{ image: RawImage; hints?: DetectionHints }>): Promise<DetectionResult[]> {
    const small = await Promise.all(items.map((i) => fitInside(i.image, INPUT_SIDE)));
    const raw = await this.onnx.detectBatch(small.map((image) => ({ image })));
    return raw.map((r, k) => {
      const full = rescaleResult(r, Math.max(1, items[k]!.image.width), Math.max(1, items[k]!.image.height));
      return { ...full, panels: suppressContained(full.panels, this.containment), method: this.name, modelVersion: this.version };
    });
  }

  async close(): Promise<void> {
    await this.onnx.close();
  }
}
