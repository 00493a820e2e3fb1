import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { ort } from './session.ts';
import { simplifyGraph } from './simplify-graph.ts';
import { buildOnnxModel } from './testing/onnx-builder.ts';
import type { NodeSpec, TensorSpec } from './testing/onnx-builder.ts';

const { onnx } = onnxProto;

/**
 * x -> Conv(3x3, pad 1) -> * scale + shift -> hard-swish spelled out as exporters write it -> y.
 * Opset 9 gives Clip its bounds as attributes, opset 13 as inputs.
 */
function convAffineHardSwish(opset: 9 | 13, addend = 3): Uint8Array {
  const channels = 2;
  const weights = Array.from({ length: channels * 1 * 3 * 3 }, (_, i) => Math.sin(i + 1));
  const initializers: TensorSpec[] = [
    { name: 'W', dims: [channels, 1, 3, 3], values: weights },
    { name: 'B', dims: [channels], values: [0.25, -0.5] },
    { name: 'scale', dims: [1], values: [1.7] },
    { name: 'shift', dims: [1], values: [-0.3] },
    { name: 'three', dims: [], values: [addend] },
    { name: 'six', dims: [], values: [6] },
  ];
  const clip: NodeSpec = opset === 9
    ? { op: 'Clip', inputs: ['shifted'], outputs: ['clipped'], attributes: { min: { float: 0 }, max: { float: 6 } } }
    : { op: 'Clip', inputs: ['shifted', 'zero', 'six'], outputs: ['clipped'] };
  if (opset === 13) initializers.push({ name: 'zero', dims: [], values: [0] });
  return buildOnnxModel({
    opset,
    nodes: [
      { op: 'Conv', inputs: ['x', 'W', 'B'], outputs: ['conv'], attributes: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
      { op: 'Mul', inputs: ['scale', 'conv'], outputs: ['scaled'] },
      { op: 'Add', inputs: ['scaled', 'shift'], outputs: ['affine'] },
      { op: 'Add', inputs: ['affine', 'three'], outputs: ['shifted'] },
      clip,
      { op: 'Mul', inputs: ['affine', 'clipped'], outputs: ['gated'] },
      { op: 'Div', inputs: ['gated', 'six'], outputs: ['y'] },
    ],
    initializers,
    inputs: [{ name: 'x', dims: [1, 1, 6, 7] }],
    outputs: [{ name: 'y', dims: [1, 2, 6, 7] }],
  });
}

async function run(model: Uint8Array, input: Float32Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model);
  try {
    const out = await session.run({ x: new ort.Tensor('float32', input, [1, 1, 6, 7]) });
    return out.y!.data as Float32Array;
  } finally {
    await session.release();
  }
}

const opTypes = (model: Uint8Array): string[] => (onnx.ModelProto.decode(model).graph?.node ?? []).map((n) => n.opType ?? '');

describe('simplifyGraph', () => {
  // Inputs span the hard-swish's three regimes (below -3, between, above 3) after the affine.
  const input = Float32Array.from({ length: 42 }, (_, i) => (i - 21) / 3);

  for (const opset of [9, 13] as const) {
    it(`fuses the hard-swish chain and folds the affine into the Conv (opset ${opset}), same outputs`, async () => {
      const original = convAffineHardSwish(opset);
      const simplified = simplifyGraph(original);
      expect(simplified.hardSwishes).toBe(1);
      expect(simplified.foldedAffines).toBe(1);
      expect(opTypes(simplified.model)).toEqual(['Conv', 'HardSigmoid', 'Mul']);
      const before = await run(original, input);
      const after = await run(simplified.model, input);
      expect(after.length).toBe(before.length);
      let maxDiff = 0;
      for (let i = 0; i < before.length; i++) maxDiff = Math.max(maxDiff, Math.abs(before[i]! - after[i]!));
      expect(maxDiff).toBeLessThan(1e-5);
      // The test would pass vacuously if the activation were identically zero.
      expect(before.some((v) => v > 1) && before.some((v) => v < 0)).toBe(true);
    });
  }

  it('leaves a look-alike chain alone (x + 2 is not hard-swish) but still folds the affine', async () => {
    const original = convAffineHardSwish(13, 2);
    const simplified = simplifyGraph(original);
    expect(simplified.hardSwishes).toBe(0);
    expect(simplified.foldedAffines).toBe(1);
    expect(opTypes(simplified.model)).toEqual(['Conv', 'Add', 'Clip', 'Mul', 'Div']);
    const before = await run(original, input);
    const after = await run(simplified.model, input);
    for (let i = 0; i < before.length; i++) expect(after[i]).toBeCloseTo(before[i]!, 5);
  });

  it('returns the bytes untouched when nothing matches', () => {
    const model = buildOnnxModel({
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
      initializers: [],
      inputs: [{ name: 'x', dims: [1, 4] }],
      outputs: [{ name: 'y', dims: [1, 4] }],
    });
    const out = simplifyGraph(model);
    expect(out).toEqual({ model, hardSwishes: 0, foldedAffines: 0 });
  });
});
