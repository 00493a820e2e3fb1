/**
 * A minimal ONNX (protobuf) writer for building tiny test models in-process: no dependency, no download.
 * Only what the detector tests need: float/int64 initializers, nodes with int/ints/float attributes, and
 * float tensor inputs/outputs with fixed or symbolic dimensions.
 */

class Writer {
  private readonly chunks: number[] = [];
  varint(v: number | bigint): this {
    let n = BigInt.asUintN(64, BigInt(v));
    while (n >= 0x80n) { this.chunks.push(Number(n & 0x7fn) | 0x80); n >>= 7n; }
    this.chunks.push(Number(n));
    return this;
  }
  tag(field: number, wire: number): this { return this.varint((field << 3) | wire); }
  int(field: number, v: number | bigint): this { return this.tag(field, 0).varint(v); }
  bytes(field: number, b: Uint8Array): this {
    this.tag(field, 2).varint(b.length);
    for (const x of b) this.chunks.push(x);
    return this;
  }
  string(field: number, s: string): this { return this.bytes(field, new TextEncoder().encode(s)); }
  message(field: number, w: Writer): this { return this.bytes(field, w.finish()); }
  float(field: number, v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.tag(field, 5);
    for (const x of b) this.chunks.push(x);
    return this;
  }
  finish(): Uint8Array { return Uint8Array.from(this.chunks); }
}

export type AttributeValue = number | number[] | { float: number };

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

export interface ValueSpec {
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

const FLOAT = 1;
const INT64 = 7;

function tensor(t: TensorSpec): Writer {
  const w = new Writer();
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.int64 ? INT64 : FLOAT);
  w.string(8, t.name);
  const raw = t.int64 ? new Uint8Array(new BigInt64Array(Array.from(t.values, (v) => BigInt(v))).buffer)
    : new Uint8Array(Float32Array.from(t.values).buffer);
  w.bytes(9, raw);
  return w;
}

function valueInfo(v: ValueSpec): Writer {
  const shape = new Writer();
  for (const d of v.dims) shape.message(1, typeof d === 'number' ? new Writer().int(1, d) : new Writer().string(2, d));
  const tensorType = new Writer().int(1, FLOAT).message(2, shape);
  const type = new Writer().message(1, tensorType);
  return new Writer().string(1, v.name).message(2, type);
}

function attribute(name: string, value: AttributeValue): Writer {
  const w = new Writer().string(1, name);
  if (typeof value === 'number') return w.int(3, value).int(20, 2); // INT
  if (Array.isArray(value)) { for (const v of value) w.int(8, v); return w.int(20, 7); } // INTS
  return w.float(2, value.float).int(20, 1); // FLOAT
}

/** Serialises a model (IR version 8, default opset 13). */
export function buildOnnxModel(spec: ModelSpec): Uint8Array {
  const graph = new Writer();
  spec.nodes.forEach((n, i) => {
    const node = new Writer();
    for (const x of n.inputs) node.string(1, x);
    for (const x of n.outputs) node.string(2, x);
    node.string(3, `n${i}`);
    node.string(4, n.op);
    for (const [k, v] of Object.entries(n.attributes ?? {})) node.message(5, attribute(k, v));
    graph.message(1, node);
  });
  graph.string(2, 'test-graph');
  for (const t of spec.initializers) graph.message(5, tensor(t));
  for (const v of spec.inputs) graph.message(11, valueInfo(v));
  for (const v of spec.outputs) graph.message(12, valueInfo(v));
  const model = new Writer().int(1, 8).string(2, 'pmc-curator-test').message(7, graph);
  model.message(8, new Writer().string(1, '').int(2, spec.opset ?? 13));
  return model.finish();
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
