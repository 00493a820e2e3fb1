import type { Detection } from './nms.ts';

export interface DetrDecodeOptions {
  /** Minimum score kept. Default 0.5. */
  confThreshold?: number;
  /** Whether the last logit is DETR's "no object" class (true for DETR/Deformable DETR). Default true. */
  hasNoObjectClass?: boolean;
  /** Apply sigmoid instead of softmax (RT-DETR / Deformable DETR style focal-loss heads). Default false. */
  sigmoid?: boolean;
}

/**
 * Decodes one image of a DETR-style output: logits [N, queries, classes(+1)] and boxes [N, queries, 4] as
 * normalised centre x, centre y, width, height. Boxes come back in pixels of a `width` x `height` image.
 */
export function decodeDetr(
  logits: Float32Array, logitDims: readonly number[], boxes: Float32Array, batchIndex: number,
  width: number, height: number, options: DetrDecodeOptions = {},
): Detection[] {
  const [, queries = 0, classes = 0] = logitDims;
  const conf = options.confThreshold ?? 0.5;
  const noObject = options.sigmoid ? false : (options.hasNoObjectClass ?? true);
  const real = noObject ? classes - 1 : classes;
  const out: Detection[] = [];
  for (let q = 0; q < queries; q++) {
    const o = (batchIndex * queries + q) * classes;
    let best = -1;
    let score = 0;
    if (options.sigmoid) {
      for (let c = 0; c < real; c++) {
        const s = 1 / (1 + Math.exp(-(logits[o + c] ?? 0)));
        if (s > score) { score = s; best = c; }
      }
    } else {
      let max = -Infinity;
      for (let c = 0; c < classes; c++) max = Math.max(max, logits[o + c] ?? 0);
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += Math.exp((logits[o + c] ?? 0) - max);
      for (let c = 0; c < real; c++) {
        const s = Math.exp((logits[o + c] ?? 0) - max) / sum;
        if (s > score) { score = s; best = c; }
      }
    }
    if (best < 0 || score < conf) continue;
    const b = (batchIndex * queries + q) * 4;
    const cx = (boxes[b] ?? 0) * width, cy = (boxes[b + 1] ?? 0) * height;
    const w = (boxes[b + 2] ?? 0) * width, h = (boxes[b + 3] ?? 0) * height;
    out.push({ box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], score, classId: best });
  }
  return out;
}
