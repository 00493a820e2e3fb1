import onnxProto from 'onnx-proto';

/**
 * Builds tiny ONNX test models in-process with onnx-proto's encoder (the same generated protobuf code
 * simplify-graph.ts reads and writes models with): no download, no hand-written wire format. Only what the
 * detector tests need: float/int64 initializers, nodes with int/ints/float attributes, and float tensor
 * inputs/outputs with fixed or symbolic dimensions.
 */

const { onnx } = onnxProto;
const { DataType } = onnx.TensorProto;
const { AttributeType } = onnx.AttributeProto;

type AttributeValue = number | number[] | { float: number };

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, AttributeValue>;
}

export interface TensorSpec {
  name: string;
  dims: number[];
  /** float32 values, or int64 values when `int64` is set. */
  values: ArrayLike<number>;
  int64?: boolean;
}

interface ValueSpec {
  name: string;
  /** Numbers are fixed sizes, strings symbolic ones (e.g. "batch"). */
  dims: Array<number | string>;
}

export interface ModelSpec {
  nodes: NodeSpec[];
  initializers: TensorSpec[];
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  opset?: number;
}

function tensor(t: TensorSpec): onnxProto.onnx.ITensorProto {
  const raw = t.int64 ? new BigInt64Array(Array.from(t.values, (v) => BigInt(v))) : Float32Array.from(t.values);
  return {
    dims: t.dims,
    dataType: t.int64 ? DataType.INT64 : DataType.FLOAT,
    name: t.name,
    rawData: new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength),
  };
}

function valueInfo(v: ValueSpec): onnxProto.onnx.IValueInfoProto {
  const dim = v.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name: v.name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim } } } };
}

function attribute(name: string, value: AttributeValue): onnxProto.onnx.IAttributeProto {
  if (typeof value === 'number') return { name, i: value, type: AttributeType.INT };
  if (Array.isArray(value)) return { name, ints: value, type: AttributeType.INTS };
  return { name, f: value.float, type: AttributeType.FLOAT };
}

/** Serialises a model (IR version 8, default opset 13). */
export function buildOnnxModel(spec: ModelSpec): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'pmc-curator-test',
    graph: {
      node: spec.nodes.map((n, i) => ({
        input: n.inputs,
        output: n.outputs,
        name: `n${i}`,
        opType: n.op,
        attribute: Object.entries(n.attributes ?? {}).map(([k, v]) => attribute(k, v)),
      })),
      name: 'test-graph',
      initializer: spec.initializers.map(tensor),
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
    },
    opsetImport: [{ domain: '', version: spec.opset ?? 13 }],
  });
  return onnx.ModelProto.encode(model).finish();
}

/**
 * A "detector" whose output is a fixed tensor plus a brightness-dependent term, shaped like a real export:
 * out[n] = base + mean(image[n]) * gain. Input: images [batch,3,size,size].
 * With gain = 0 the decoded detections are known exactly; a non-zero gain makes batch items differ.
 */
export function buildConstantDetector(options: {
  inputName?: string;
  size: number;
  outputs: Array<{ name: string; dims: number[]; base: ArrayLike<number>; gain?: ArrayLike<number> }>;
  batch?: number | string;
}): Uint8Array {
  const input = options.inputName ?? 'images';
  const nodes: NodeSpec[] = [
    { op: 'ReduceMean', inputs: [input], outputs: ['mean'], attributes: { axes: [1, 2, 3], keepdims: 0 } },
    { op: 'Unsqueeze', inputs: ['mean', 'unsq_axes'], outputs: ['mean1'] },
  ];
  const initializers: TensorSpec[] = [{ name: 'unsq_axes', dims: [1], values: [1], int64: true }];
  for (const o of options.outputs) {
    const count = o.dims.reduce((a, b) => a * b, 1);
    const gain = o.gain ?? new Float32Array(count);
    initializers.push({ name: `${o.name}_gain`, dims: [1, count], values: gain });
    initializers.push({ name: `${o.name}_base`, dims: [count], values: o.base });
    initializers.push({ name: `${o.name}_shape`, dims: [o.dims.length + 1], values: [-1, ...o.dims], int64: true });
    nodes.push({ op: 'MatMul', inputs: ['mean1', `${o.name}_gain`], outputs: [`${o.name}_mm`] });
    nodes.push({ op: 'Add', inputs: [`${o.name}_mm`, `${o.name}_base`], outputs: [`${o.name}_flat`] });
    nodes.push({ op: 'Reshape', inputs: [`${o.name}_flat`, `${o.name}_shape`], outputs: [o.name] });
  }
  const batch = options.batch ?? 'batch';
  return buildOnnxModel({
    nodes,
    initializers,
    inputs: [{ name: input, dims: [batch, 3, options.size, options.size] }],
    outputs: options.outputs.map((o) => ({ name: o.name, dims: [batch, ...o.dims] })),
  });
}
