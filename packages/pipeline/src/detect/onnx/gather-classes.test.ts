import { describe, expect, it } from 'vitest';
import { gatherOutputClasses } from './gather-classes.ts';
import { ort } from './session.ts';
import { buildOnnxModel } from './testing/onnx-builder.ts';

/** A softmax "classifier" over 6 classes per step: x [batch, steps, 6] -> y. */
const classifier = (): Uint8Array => buildOnnxModel({
  opset: 13,
  nodes: [{ op: 'Softmax', inputs: ['x'], outputs: ['y'], attributes: { axis: -1 } }],
  initializers: [],
  inputs: [{ name: 'x', dims: ['batch', 'steps', 6] }],
  outputs: [{ name: 'y', dims: ['batch', 'steps', 6] }],
});

async function run(model: Uint8Array, input: Float32Array, dims: number[]): Promise<{ values: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(model);
  try {
    const out = await session.run({ x: new ort.Tensor('float32', input, dims) });
    const y = out[session.outputNames[0]!]!;
    return { values: y.data as Float32Array, dims: y.dims };
  } finally {
    await session.release();
  }
}

describe('gatherOutputClasses', () => {
  it('outputs the chosen classes, in the order given, with the probabilities of the softmax over all of them', async () => {
    const dims = [2, 3, 6];
    const input = Float32Array.from({ length: 36 }, (_, i) => Math.sin(i * 1.7) * 3);
    const full = await run(classifier(), input, dims);
    const kept = [0, 4, 2];
    const cut = await run(gatherOutputClasses(classifier(), kept), input, dims);
    expect(cut.dims).toEqual([2, 3, 3]);
    for (let row = 0; row < 6; row++) {
      kept.forEach((k, j) => expect(cut.values[row * 3 + j]).toBeCloseTo(full.values[row * 6 + k]!, 6));
    }
    // Not a renormalised softmax over the kept classes: the three do not sum to one.
    expect(cut.values[0]! + cut.values[1]! + cut.values[2]!).toBeLessThan(0.99);
  });

  it('refuses a model whose output shape is unknown', () => {
    const model = buildOnnxModel({
      opset: 13, nodes: [{ op: 'Softmax', inputs: ['x'], outputs: ['y'] }], initializers: [],
      inputs: [{ name: 'x', dims: [1, 6] }], outputs: [{ name: 'y', dims: [] }],
    });
    expect(() => gatherOutputClasses(model, [0])).toThrow(/no output of known rank/);
  });
});
