import type { Box } from '../types.ts';
import type { Detection } from './nms.ts';

export type YoloLayout = 'yolov5' | 'yolov8' | 'end2end' | 'auto';

/** End-to-end exports (NMS inside the graph: Ultralytics `nms=True`, YOLOv10) keep at most this many boxes. */
const MAX_END2END_DETECTIONS = 1000;

export interface YoloDecodeOptions {
  /**
   * 'yolov5': [N, anchors, 5+classes] with objectness; 'yolov8': [N, 4+classes, anchors];
   * 'end2end': [N, max_det, 6] rows of x1, y1, x2, y2, score, class, already suppressed. Default 'auto'.
   */
  layout?: YoloLayout;
  /** Minimum score kept. Default 0.25. */
  confThreshold?: number;
}

/**
 * Works out the layout of a raw YOLO output [N, a, b]: v8 exports put the (few) channels second and the
 * (many) anchors last; v5 exports the other way round; end-to-end exports give a few hundred rows of 6.
 * (A one-class v5 export also has rows of 6, but thousands of anchors.)
 */
export function resolveYoloLayout(dims: readonly number[], layout: YoloLayout = 'auto'): Exclude<YoloLayout, 'auto'> {
  if (layout !== 'auto') return layout;
  const [, a = 0, b = 0] = dims;
  if (b === 6 && a <= MAX_END2END_DETECTIONS) return 'end2end';
  return a < b ? 'yolov8' : 'yolov5';
}

function decodeEnd2End(data: Float32Array, rows: number, base: number, conf: number): Detection[] {
  const out: Detection[] = [];
  for (let k = 0; k < rows; k++) {
    const o = base + k * 6;
    const score = data[o + 4] ?? 0;
    if (score < conf) continue;
    const box: Box = [data[o] ?? 0, data[o + 1] ?? 0, data[o + 2] ?? 0, data[o + 3] ?? 0];
    out.push({ box, score, classId: Math.round(data[o + 5] ?? 0) });
  }
  return out;
}

/**
 * Decodes one image's raw YOLO output (boxes as centre x, centre y, width, height in network-input pixels)
 * into corner boxes with scores, before NMS.
 */
export function decodeYolo(data: Float32Array, dims: readonly number[], batchIndex: number, options: YoloDecodeOptions = {}): Detection[] {
  const layout = resolveYoloLayout(dims, options.layout);
  const conf = options.confThreshold ?? 0.25;
  const [, a = 0, b = 0] = dims;
  const per = a * b;
  const base = batchIndex * per;
  if (layout === 'end2end') return decodeEnd2End(data, a, base, conf);
  const out: Detection[] = [];
  if (layout === 'yolov8') {
    const channels = a;
    const anchors = b;
    const classes = channels - 4;
    if (classes < 1) return out;
    const at = (c: number, k: number): number => data[base + c * anchors + k] ?? 0;
    for (let k = 0; k < anchors; k++) {
      let best = -1;
      let score = -Infinity;
      for (let c = 0; c < classes; c++) {
        const s = at(4 + c, k);
        if (s > score) { score = s; best = c; }
      }
      if (score < conf) continue;
      const cx = at(0, k), cy = at(1, k), w = at(2, k), h = at(3, k);
      out.push({ box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], score, classId: best });
    }
  } else {
    const anchors = a;
    const channels = b;
    const classes = channels - 5;
    if (classes < 0) return out;
    for (let k = 0; k < anchors; k++) {
      const o = base + k * channels;
      const obj = data[o + 4] ?? 0;
      if (obj < conf) continue;
      let best = 0;
      let cls = classes === 0 ? 1 : -Infinity;
      for (let c = 0; c < classes; c++) {
        const s = data[o + 5 + c] ?? 0;
        if (s > cls) { cls = s; best = c; }
      }
      const score = obj * cls;
      if (score < conf) continue;
      const cx = data[o] ?? 0, cy = data[o + 1] ?? 0, w = data[o + 2] ?? 0, h = data[o + 3] ?? 0;
      out.push({ box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], score, classId: best });
    }
  }
  return out;
}
