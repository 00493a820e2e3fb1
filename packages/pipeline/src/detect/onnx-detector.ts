import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { clampBox } from './boxes.ts';
import { decodeDetr } from './onnx/detr.ts';
import type { DetrDecodeOptions } from './onnx/detr.ts';
import { letterbox, unletterbox } from './onnx/letterbox.ts';
import { nms } from './onnx/nms.ts';
import type { Detection } from './onnx/nms.ts';
import { createSession, ort } from './onnx/session.ts';
import type { SessionOptions } from './onnx/session.ts';
import { decodeYolo } from './onnx/yolo.ts';
import type { YoloLayout } from './onnx/yolo.ts';
import { readingOrder } from './order.ts';
import type { DetectionHints, DetectionResult, Panel, RawImage, SubfigureDetector } from './types.ts';

export type OnnxArchitecture = 'yolo' | 'detr' | 'auto';

export interface OnnxDetectorOptions extends SessionOptions {
  /** 'auto' picks DETR when the model has two outputs (logits and boxes), YOLO otherwise. Default 'auto'. */
  architecture?: OnnxArchitecture;
  /** YOLO output layout. Default 'auto' (from the output shape). */
  yoloLayout?: YoloLayout;
  /** Network input size when the model's input shape is dynamic. Default 640. */
  inputSize?: number;
  /** Minimum detection score. Default 0.25 (YOLO) / 0.5 (DETR). */
  confThreshold?: number;
  /** NMS IoU threshold. Default 0.45. */
  iouThreshold?: number;
  /** Class ids that are panels; others (e.g. label boxes) are ignored. Default: all classes. */
  panelClasses?: number[];
  /** Images per inference call in detectBatch. Default 8. */
  batchSize?: number;
  /** DETR input normalisation. Default ImageNet mean/std. */
  detr?: DetrDecodeOptions & { mean?: [number, number, number]; std?: [number, number, number] };
}

/** Runs a user-supplied YOLO (v5/v8 export) or DETR-style ONNX panel detector. */
export class OnnxDetector implements SubfigureDetector {
  readonly name: string;
  readonly version: string;
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly architecture: Exclude<OnnxArchitecture, 'auto'>,
    private readonly inputWidth: number,
    private readonly inputHeight: number,
    private readonly fixedBatch: number | null,
    readonly provider: string,
    version: string,
    private readonly options: OnnxDetectorOptions,
  ) {
    this.name = `onnx-${architecture}`;
    this.version = version;
  }

  static async create(model: string | Uint8Array, options: OnnxDetectorOptions = {}): Promise<OnnxDetector> {
    const bytes = typeof model === 'string' ? new Uint8Array(await readFile(model)) : model;
    const version = `sha256:${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`;
    const { session, provider } = await createSession(bytes, options);
    const arch = options.architecture && options.architecture !== 'auto' ? options.architecture
      : session.outputNames.length >= 2 ? 'detr' : 'yolo';
    const meta = session.inputMetadata[0];
    const shape = meta && 'shape' in meta ? meta.shape : [];
    const dim = (v: number | string | undefined): number | null => (typeof v === 'number' && v > 0 ? v : null);
    const size = options.inputSize ?? 640;
    return new OnnxDetector(session, arch, dim(shape[3]) ?? size, dim(shape[2]) ?? size, dim(shape[0]), provider, version, options);
  }

  async detect(image: RawImage, hints?: DetectionHints): Promise<DetectionResult> {
    const [result] = await this.detectBatch([{ image, ...(hints ? { hints } : {}) }]);
    return result!;
  }

  async detectBatch(items: Array<{ image: RawImage; hints?: DetectionHints }>): Promise<DetectionResult[]> {
    const batch = this.fixedBatch ?? Math.max(1, this.options.batchSize ?? 8);
    const out: DetectionResult[] = [];
    for (let start = 0; start < items.length; start += batch) {
      out.push(...await this.runChunk(items.slice(start, start + batch).map((i) => i.image)));
    }
    return out;
  }

  private async runChunk(images: RawImage[]): Promise<DetectionResult[]> {
    const w = this.inputWidth;
    const h = this.inputHeight;
    const plane = 3 * w * h;
    // A model exported with a fixed batch size must get exactly that many images: pad with copies.
    const n = this.fixedBatch ?? images.length;
    const input = new Float32Array(n * plane);
    const isDetr = this.architecture === 'detr';
    const lbs = images.map((img, i) => letterbox(img, w, h, isDetr
      ? { keepAspect: false, mean: this.options.detr?.mean ?? [0.485, 0.456, 0.406], std: this.options.detr?.std ?? [0.229, 0.224, 0.225] }
      : {}, input.subarray(i * plane, (i + 1) * plane)));
    for (let i = images.length; i < n; i++) input.copyWithin(i * plane, 0, plane);
    const feeds = { [this.session.inputNames[0] ?? 'images']: new ort.Tensor('float32', input, [n, 3, h, w]) };
    const outputs = await this.session.run(feeds);
    try {
      return images.map((img, i) => {
        let dets: Detection[];
        const lb = lbs[i]!;
        if (isDetr) {
          const [logitsName, boxesName] = this.detrOutputs(outputs);
          const logits = outputs[logitsName]!;
          const boxes = outputs[boxesName]!;
          dets = decodeDetr(logits.data as Float32Array, logits.dims, boxes.data as Float32Array, i, img.width, img.height,
            { ...this.options.detr, ...(this.options.confThreshold !== undefined ? { confThreshold: this.options.confThreshold } : {}) });
        } else {
          const o = outputs[this.session.outputNames[0] ?? '']!;
          dets = decodeYolo(o.data as Float32Array, o.dims, i, {
            ...(this.options.yoloLayout ? { layout: this.options.yoloLayout } : {}),
            ...(this.options.confThreshold !== undefined ? { confThreshold: this.options.confThreshold } : {}),
          }).map((d) => ({ ...d, box: unletterbox(d.box, lb) }));
        }
        return this.toResult(img, dets);
      });
    } finally {
      for (const v of Object.values(outputs)) v.dispose?.();
    }
  }

  /** DETR exports name their outputs differently; the logits are the one whose last dim is not 4. */
  private detrOutputs(outputs: ort.InferenceSession.ReturnType): [string, string] {
    const names = this.session.outputNames;
    const boxes = names.find((n) => outputs[n]?.dims.at(-1) === 4 && /box/i.test(n)) ?? names.find((n) => outputs[n]?.dims.at(-1) === 4) ?? names[1]!;
    const logits = names.find((n) => n !== boxes) ?? names[0]!;
    return [logits, boxes];
  }

  private toResult(img: RawImage, dets: Detection[]): DetectionResult {
    const width = Math.max(1, img.width);
    const height = Math.max(1, img.height);
    const allowed = this.options.panelClasses;
    const kept = nms(dets.filter((d) => !allowed || allowed.includes(d.classId)), this.options.iouThreshold ?? 0.45)
      .map((d) => ({ ...d, box: clampBox(d.box, width, height) }))
      .filter((d) => d.box[2] - d.box[0] >= 1 && d.box[3] - d.box[1] >= 1);
    let panels: Panel[] = readingOrder(kept.map((d) => d.box)).map((i) => ({ box: kept[i]!.box, score: kept[i]!.score }));
    if (panels.length === 0) panels = [{ box: [0, 0, width, height], score: 0.1 }];
    return { width, height, method: this.name, modelVersion: this.version, panels };
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
