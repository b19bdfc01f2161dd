import { onnx } from 'onnx-proto';

const { FLOAT, FLOAT16 } = onnx.TensorProto.DataType;

/**
 * Rewrites an ONNX model stored in half precision (fp16 weights, fp16 activations between
 * casts) as the same graph in single precision. Returns `undefined` when the model has
 * nothing in fp16, so the caller can keep the bytes it has.
 *
 * Why: onnxruntime's CPU provider has few fp16 kernels; for the rest it inserts casts
 * around each node and runs it in fp32 anyway. Widening once at load removes those casts
 * (measured in docs/benchmarks.md). Every fp16 value is exactly representable in fp32,
 * so the weights lose nothing.
 */
export function widenHalfPrecision(bytes: Uint8Array): Uint8Array | undefined {
  const model = onnx.ModelProto.decode(bytes);
  if (!model.graph) return undefined;

  const changed = widenGraph(model.graph);
  return changed ? onnx.ModelProto.encode(model).finish() : undefined;
}

/** Widens tensors, casts and declared types in place; true if anything was fp16. */
function widenGraph(graph: onnx.IGraphProto): boolean {
  let changed = false;
  for (const tensor of graph.initializer ?? []) changed = widenTensor(tensor) || changed;

  for (const node of graph.node ?? []) {
    for (const attribute of node.attribute ?? []) changed = widenAttribute(attribute) || changed;
  }

  const declared = [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])];
  for (const value of declared) {
    const tensorType = value.type?.tensorType;
    if (tensorType?.elemType === FLOAT16) {
      tensorType.elemType = FLOAT;
      changed = true;
    }
  }

  return changed;
}

/** Cast targets, dtypes, tensor constants and subgraphs (If, Loop) can all hold fp16. */
function widenAttribute(attribute: onnx.IAttributeProto): boolean {
  let changed = false;
  const namesType = attribute.name === 'to' || attribute.name === 'dtype';
  if (namesType && Number(attribute.i) === FLOAT16) {
    attribute.i = FLOAT;
    changed = true;
  }

  if (attribute.t) changed = widenTensor(attribute.t) || changed;
  for (const tensor of attribute.tensors ?? []) changed = widenTensor(tensor) || changed;
  if (attribute.g) changed = widenGraph(attribute.g) || changed;
  for (const graph of attribute.graphs ?? []) changed = widenGraph(graph) || changed;

  return changed;
}

function widenTensor(tensor: onnx.ITensorProto): boolean {
  if (tensor.dataType !== FLOAT16) return false;

  const halves = halfBits(tensor);
  const floats = new Float32Array(halves.length);
  for (let i = 0; i < halves.length; i += 1) floats[i] = halfToFloat[halves[i]!]!;

  tensor.dataType = FLOAT;
  tensor.rawData = new Uint8Array(floats.buffer);
  tensor.int32Data = [];
  return true;
}

/** fp16 values are stored either as little-endian raw bytes or one per int32 element. */
function halfBits(tensor: onnx.ITensorProto): Uint16Array {
  const raw = tensor.rawData;
  if (raw && raw.length > 0) {
    const bits = new Uint16Array(raw.length / 2);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < bits.length; i += 1) bits[i] = view.getUint16(i * 2, true);
    return bits;
  }

  return Uint16Array.from(tensor.int32Data ?? []);
}

/** Every one of the 65536 fp16 bit patterns as an fp32 value. */
const halfToFloat = buildHalfTable();

function buildHalfTable(): Float32Array {
  const table = new Float32Array(65536);
  for (let bits = 0; bits < 65536; bits += 1) {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >> 10) & 0x1f;
    const fraction = bits & 0x3ff;

    if (exponent === 0) table[bits] = sign * 2 ** -14 * (fraction / 1024);
    else if (exponent === 0x1f) table[bits] = fraction ? Number.NaN : sign * Infinity;
    else table[bits] = sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
  }

  return table;
}
