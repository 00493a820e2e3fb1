/**
 * Writes the tiny ONNX models under test/fixtures/onnx (for trying `curator detect --model` by hand):
 * `npx tsx packages/pipeline/src/detect/onnx/testing/build-fixtures.ts`. The unit tests build their own.
 * tiny-yolov8.onnx: 640x640 input, output [N, 6, 8] whose two boxes are the left and right halves of a
 * letterboxed landscape image. tiny-detr.onnx: the same two boxes as DETR queries.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildConstantDetector } from './onnx-builder.ts';

const out = path.resolve(import.meta.dirname, '../../../../../../test/fixtures/onnx');
mkdirSync(out, { recursive: true });
const anchors = 8;
const yolo = new Array(6 * anchors).fill(0);
[[160, 320, 320, 320, 0.9, 0], [480, 320, 320, 320, 0.85, 0]].forEach((a, k) => a.forEach((v, c) => { yolo[c * anchors + k] = v; }));
writeFileSync(path.join(out, 'tiny-yolov8.onnx'), buildConstantDetector({ size: 640, outputs: [{ name: 'output0', dims: [6, anchors], base: yolo }] }));
writeFileSync(path.join(out, 'tiny-detr.onnx'), buildConstantDetector({
  size: 640,
  inputName: 'pixel_values',
  outputs: [
    { name: 'logits', dims: [3, 2], base: [5, 0, 5, 0, 0, 5] },
    { name: 'pred_boxes', dims: [3, 4], base: [0.25, 0.5, 0.5, 1, 0.75, 0.5, 0.5, 1, 0.5, 0.5, 1, 1] },
  ],
}));
console.log(`wrote ${out}/tiny-yolov8.onnx and tiny-detr.onnx`);
