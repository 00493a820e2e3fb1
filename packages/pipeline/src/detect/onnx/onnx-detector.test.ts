import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { clampBox, isValidBox } from '../boxes.ts';
import { OnnxDetector } from '../onnx-detector.ts';
import type { RawImage } from '../types.ts';
import { decodeDetr } from './detr.ts';
import { letterbox, unletterbox } from './letterbox.ts';
import { nms } from './nms.ts';
import ort from 'onnxruntime-node';
import { createSession } from './session.ts';
import { buildConstantDetector } from './testing/onnx-builder.ts';
import { decodeYolo, resolveYoloLayout } from './yolo.ts';

const SIZE = 64;
const image = (width: number, height: number, value: number): RawImage => ({ data: new Uint8Array(width * height * 3).fill(value), width, height, channels: 3 });

const ANCHORS = 8;

/** YOLOv8 layout [4+nc, anchors] for 8 anchors, 2 classes: two panels, one low-score box, empty rest. */
function yolov8Base(): number[] {
  const anchors: number[][] = [
    // cx, cy, w, h, cls0, cls1 (network-input pixels of a 64x64 letterboxed input)
    [16, 32, 32, 32, 0.9, 0.1],
    [48, 32, 32, 32, 0.2, 0.8],
    [40, 40, 8, 8, 0.1, 0.05],
  ];
  const channels = 6;
  const out: number[] = new Array(channels * ANCHORS).fill(0);
  anchors.forEach((a, k) => a.forEach((v, c) => { out[c * ANCHORS + k] = v; }));
  return out;
}

describe('ONNX detector on project-built models', () => {
  const closers: OnnxDetector[] = [];
  afterAll(async () => { for (const d of closers) await d.close(); });

  it('decodes a YOLOv8 export: letterbox undone, scores kept, reading order', async () => {
    const model = buildConstantDetector({ size: SIZE, outputs: [{ name: 'output0', dims: [6, ANCHORS], base: yolov8Base() }] });
    const det = await OnnxDetector.create(model);
    closers.push(det);
    expect(det.architecture).toBe('yolo');
    // 128x64 image -> scale 0.5, letterboxed with 16 px padding top and bottom.
    const r = await det.detect(image(128, 64, 200));
    expect(r.method).toBe('onnx-yolo');
    expect(r.modelVersion).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(r.panels.map((p) => p.box)).toEqual([[0, 0, 64, 64], [64, 0, 128, 64]]);
    expect(r.panels[0]!.score).toBeCloseTo(0.9, 5);
    expect(r.panels[1]!.score).toBeCloseTo(0.8, 5);
  });

  it('runs several images in one call (batch) and decodes each one', async () => {
    // The gain makes the second class score depend on image brightness: bright images find a 2nd panel.
    const gain = new Array(6 * ANCHORS).fill(0);
    gain[4 * ANCHORS + 1] = 0.5; // cls0 of anchor 1 += 0.5 * mean brightness (0..1)
    const base = yolov8Base();
    base[5 * ANCHORS + 1] = 0; // anchor 1 only scores through the gain
    const model = buildConstantDetector({ size: SIZE, outputs: [{ name: 'output0', dims: [6, ANCHORS], base, gain }] });
    const det = await OnnxDetector.create(model, { batchSize: 4 });
    closers.push(det);
    const results = await det.detectBatch([{ image: image(64, 64, 255) }, { image: image(64, 64, 0) }, { image: image(64, 64, 255) }]);
    expect(results.map((r) => r.panels.length)).toEqual([2, 1, 2]);
  });

  it('decodes an end-to-end export with NMS inside (rows of x1, y1, x2, y2, score, class), letterbox undone', async () => {
    // Overlapping rows are kept as given (the graph already suppressed), except by our own NMS at IoU 0.45.
    const rows = [
      [0, 16, 32, 48, 0.9, 0],
      [32, 16, 64, 48, 0.7, 0],
      [10, 20, 14, 24, 0.1, 0],
      [0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0],
    ];
    const model = buildConstantDetector({ size: SIZE, outputs: [{ name: 'output0', dims: [5, 6], base: rows.flat() }] });
    const det = await OnnxDetector.create(model);
    closers.push(det);
    const r = await det.detect(image(128, 64, 100));
    expect(r.panels.map((p) => p.box)).toEqual([[0, 0, 64, 64], [64, 0, 128, 64]]);
    expect(r.panels.map((p) => p.score)).toEqual([expect.closeTo(0.9, 5), expect.closeTo(0.7, 5)]);
  });

  it('decodes a DETR-style model (logits with no-object class, normalised cxcywh boxes)', async () => {
    const logits = [5, 0, 0, /* q1: no-object */ 0, 0, 6, /* q2 */ 0, 4, 0];
    const boxes = [0.25, 0.5, 0.5, 1, 0.5, 0.5, 0.1, 0.1, 0.75, 0.5, 0.5, 1];
    const model = buildConstantDetector({ size: SIZE, outputs: [{ name: 'pred_logits', dims: [3, 3], base: logits }, { name: 'pred_boxes', dims: [3, 4], base: boxes }] });
    const det = await OnnxDetector.create(model);
    closers.push(det);
    expect(det.architecture).toBe('detr');
    const r = await det.detect(image(200, 100, 128));
    expect(r.panels.map((p) => p.box)).toEqual([[0, 0, 100, 100], [100, 0, 200, 100]]);
  });

  it('asks for CUDA first and falls back to the CPU provider when CUDA cannot load', async () => {
    const model = buildConstantDetector({ size: SIZE, outputs: [{ name: 'output0', dims: [6, ANCHORS], base: yolov8Base() }] });
    const { session, provider } = await createSession(model, { providers: ['cuda', 'cpu'] });
    const cudaBundled = ort.listSupportedBackends().some((b) => b.name === 'cuda' && b.bundled);
    if (!cudaBundled) expect(provider).toBe('cpu');
    else expect(['cuda', 'cpu']).toContain(provider);
    await session.release();
  });

  it('falls back to one whole-image panel when the model finds nothing', async () => {
    const model = buildConstantDetector({ size: SIZE, outputs: [{ name: 'output0', dims: [6, ANCHORS], base: new Array(6 * ANCHORS).fill(0) }] });
    const det = await OnnxDetector.create(model);
    closers.push(det);
    const r = await det.detect(image(30, 20, 10));
    expect(r.panels).toEqual([{ box: [0, 0, 30, 20], score: 0.1 }]);
  });
});

describe('ONNX decoding steps', () => {
  it('resolves the YOLO layout from the output shape', () => {
    expect(resolveYoloLayout([1, 84, 8400])).toBe('yolov8');
    expect(resolveYoloLayout([1, 25200, 85])).toBe('yolov5');
    expect(resolveYoloLayout([1, 300, 6])).toBe('end2end');
    // A one-class YOLOv5 export also has rows of 6, but thousands of anchors.
    expect(resolveYoloLayout([1, 25200, 6])).toBe('yolov5');
    expect(resolveYoloLayout([1, 300, 6], 'yolov5')).toBe('yolov5');
  });

  it('decodes YOLOv5 rows with objectness x class score', () => {
    const data = Float32Array.from([10, 10, 4, 4, 0.9, 0.5, 1.0, /* */ 20, 20, 4, 4, 0.1, 1, 0]);
    const dets = decodeYolo(data, [1, 2, 7], 0, { confThreshold: 0.25, layout: 'yolov5' });
    expect(dets).toHaveLength(1);
    expect(dets[0]).toMatchObject({ box: [8, 8, 12, 12], classId: 1 });
    expect(dets[0]!.score).toBeCloseTo(0.9, 5);
  });

  it('decodes DETR softmax scores', () => {
    const dets = decodeDetr(Float32Array.from([0, 10, 0]), [1, 1, 3], Float32Array.from([0.5, 0.5, 1, 1]), 0, 10, 20);
    expect(dets[0]!.classId).toBe(1);
    expect(dets[0]!.box).toEqual([0, 0, 10, 20]);
  });

  it('letterboxes and maps boxes back', () => {
    const lb = letterbox(image(100, 50, 255), 64, 64);
    expect(lb.scale).toBeCloseTo(0.64);
    expect(lb.padX).toBe(0);
    expect(lb.padY).toBe(16);
    expect(lb.data[0]).toBeCloseTo(114 / 255); // padding row
    expect(lb.data[20 * 64 + 10]).toBeCloseTo(1); // image pixel
    expect(unletterbox([0, 16, 64, 48], lb)).toEqual([0, 0, 100, 50]);
  });

  it('any raw output decodes to valid boxes inside the image (property)', () => {
    fc.assert(fc.property(
      fc.array(fc.float({ min: -2000, max: 2000, noNaN: true }), { minLength: 6 * 8, maxLength: 6 * 8 }),
      fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 3000 }),
      (values, width, height) => {
        const scale = Math.min(64 / width, 64 / height);
        const geometry = { scale, padX: Math.floor((64 - width * scale) / 2), padY: Math.floor((64 - height * scale) / 2) };
        const dets = nms(decodeYolo(Float32Array.from(values), [1, 6, 8], 0, { confThreshold: -Infinity }));
        for (const d of dets) expect(isValidBox(clampBox(unletterbox(d.box, geometry), width, height), width, height)).toBe(true);
      }));
  });

  it('suppresses overlapping boxes, keeping the best', () => {
    const kept = nms([
      { box: [0, 0, 10, 10], score: 0.5, classId: 0 },
      { box: [1, 1, 10, 10], score: 0.9, classId: 0 },
      { box: [20, 20, 30, 30], score: 0.3, classId: 0 },
    ]);
    expect(kept.map((k) => k.score)).toEqual([0.9, 0.3]);
  });
});
