import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { classifyError } from '@pmc-curator/pipeline/errors';
import { createDetector, cropPanels, decodeImage, type CreateDetectorOptions, type DetectionResult, type SubfigureDetector } from '@pmc-curator/pipeline/detect';

/** What a detect child process needs to build its detector. */
export interface DetectThreadInit {
  detector: string;
  modelPath?: string;
  /** Module exporting `createDetector(options)`, used instead of the built-in ones. */
  module?: string;
  /** Longest side at which images are analysed (layout + OCR). @defaultValue 2000 */
  analysisMaxSide?: number;
  /** Largest image decoded or cropped (MAX_IMAGE_PIXELS). @defaultValue 200 M, the pipeline's default */
  maxPixels?: number;
  /** Try the CUDA provider of onnxruntime although it is not bundled (PMC_CURATOR_ORT_CUDA). */
  unbundledCuda?: boolean;
}

export interface DetectItem {
  bytes: Uint8Array;
  captionLabels: string[];
}

interface DetectedPanel {
  box: [number, number, number, number];
  label: { text: string; box: [number, number, number, number] } | null;
  score: number;
  crop: { bytes: Uint8Array; sha256: string };
}

export type DetectItemResult =
  | { ok: true; width: number; height: number; method: string; modelVersion: string; panels: DetectedPanel[] }
  | { ok: false; errorClass: string; message: string };

export interface DetectTask {
  items: DetectItem[];
}

const scaleBox = (box: readonly number[], scale: number): [number, number, number, number] =>
  [Math.round(box[0]! * scale), Math.round(box[1]! * scale), Math.round(box[2]! * scale), Math.round(box[3]! * scale)];

async function loadDetector(init: DetectThreadInit): Promise<SubfigureDetector> {
  const options: CreateDetectorOptions = {
    name: init.detector,
    ...(init.modelPath ? { modelPath: init.modelPath } : {}),
    ...(init.unbundledCuda ? { onnx: { unbundledCuda: true } } : {}),
  };
  if (init.module) {
    const mod = (await import(pathToFileURL(init.module).href)) as { createDetector(options: CreateDetectorOptions): Promise<SubfigureDetector> };
    return mod.createDetector(options);
  }
  return createDetector(options);
}

/**
 * Runs in a detect child process: decodes a batch of figure images at a bounded resolution (longest side
 * `analysisMaxSide`), detects their panels in one inference call when the detector can batch, and crops every
 * panel (JPEG) from the given image. Boxes come back in the pixels of the given image.
 */
export async function createHandler(init: DetectThreadInit) {
  const detector = await loadDetector(init);
  return async (task: DetectTask) => {
    const decoded = await Promise.all(
      task.items.map(async (item) => {
        try {
          return { ok: true as const, value: await decodeImage(item.bytes, { maxSide: init.analysisMaxSide ?? 2000, ...(init.maxPixels ? { maxPixels: init.maxPixels } : {}) }) };
        } catch (error) {
          return { ok: false as const, error: classifyError(error) };
        }
      }),
    );
    const good = decoded.flatMap((entry, index) => (entry.ok ? [{ index, decoded: entry.value }] : []));
    const inputs = good.map(({ index, decoded: d }) => ({ image: d.image, hints: { captionLabels: task.items[index]!.captionLabels } }));
    let detections: DetectionResult[];
    if (detector.detectBatch && inputs.length > 1) detections = await detector.detectBatch(inputs);
    else detections = await Promise.all(inputs.map((input) => detector.detect(input.image, input.hints)));
    const results: DetectItemResult[] = decoded.map((entry) =>
      entry.ok ? { ok: false, errorClass: 'Internal', message: 'not detected' } : { ok: false, errorClass: entry.error.errorClass, message: entry.error.message },
    );
    const transfer: ArrayBuffer[] = [];
    for (let i = 0; i < good.length; i++) {
      const { index, decoded: d } = good[i]!;
      const detection = detections[i]!;
      try {
        const panels = detection.panels.map((panel) => ({
          box: scaleBox(panel.box, d.scale),
          label: panel.label ? { text: panel.label.text, box: scaleBox(panel.label.box, d.scale) } : null,
          score: panel.score,
        }));
        const crops = await cropPanels(task.items[index]!.bytes, panels, { format: 'jpeg', quality: 90, ...(init.maxPixels ? { maxPixels: init.maxPixels } : {}) });
        results[index] = {
          ok: true,
          width: d.width,
          height: d.height,
          method: detection.method,
          modelVersion: detection.modelVersion,
          panels: panels.map((panel, p) => {
            const bytes = new Uint8Array(crops[p]!.bytes);
            transfer.push(bytes.buffer);
            return { ...panel, box: crops[p]!.box, crop: { bytes, sha256: createHash('sha256').update(bytes).digest('hex') } };
          }),
        };
      } catch (error) {
        const classified = classifyError(error);
        results[index] = { ok: false, errorClass: classified.errorClass, message: classified.message };
      }
    }
    return { result: results, transfer };
  };
}
