import { writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A stand-in for IS-Net that costs almost nothing to run, so load tests exercise the gateway,
 * the queue and storage rather than the model: `output = sigmoid(mean over RGB of input)`,
 * input `input` float32 [1,3,1024,1024], output `output` float32 [1,1,1024,1024]. The worker
 * accepts it through MODEL_PATH like any compatible model.
 *
 * The ONNX file is a protobuf message written here field by field (ONNX's onnx.proto3
 * numbering), which keeps the suite free of an ONNX toolchain.
 */
export async function writeTinyModel(dir: string): Promise<string> {
  const file = path.join(dir, 'tiny-mask.onnx');
  await writeFile(file, tinyModelBytes());
  return file;
}

const floatType = 1;
const attributeInt = 2;
const attributeInts = 7;

export function tinyModelBytes(): Buffer {
  const reduceMean = node(
    'ReduceMean',
    ['input'],
    ['mean'],
    [attribute('axes', attributeInts, int(8, 1)), attribute('keepdims', attributeInt, int(3, 1))],
  );
  const graph = Buffer.concat([
    bytes(1, reduceMean),
    bytes(1, node('Sigmoid', ['mean'], ['output'], [])),
    bytes(2, text('tiny-mask')),
    bytes(11, valueInfo('input', [1, 3, 1024, 1024])),
    bytes(12, valueInfo('output', [1, 1, 1024, 1024])),
  ]);
  // ir_version 7 with opset 13, the last opset where ReduceMean takes `axes` as an attribute.
  const opset = Buffer.concat([bytes(1, text('')), int(2, 13)]);
  return Buffer.concat([
    int(1, 7),
    bytes(2, text('poofbg-fault-suite')),
    bytes(7, graph),
    bytes(8, opset),
  ]);
}

function node(op: string, inputs: string[], outputs: string[], attributes: Buffer[]): Buffer {
  return Buffer.concat([
    ...inputs.map((name) => bytes(1, text(name))),
    ...outputs.map((name) => bytes(2, text(name))),
    bytes(4, text(op)),
    ...attributes.map((attr) => bytes(5, attr)),
  ]);
}

function attribute(name: string, type: number, value: Buffer): Buffer {
  return Buffer.concat([bytes(1, text(name)), value, int(20, type)]);
}

function valueInfo(name: string, dims: number[]): Buffer {
  const shape = Buffer.concat(dims.map((dim) => bytes(1, int(1, dim))));
  const tensor = Buffer.concat([int(1, floatType), bytes(2, shape)]);
  return Buffer.concat([bytes(1, text(name)), bytes(2, bytes(1, tensor))]);
}

/** A protobuf varint field (wire type 0). */
function int(fieldNumber: number, value: number): Buffer {
  return Buffer.concat([varint(fieldNumber << 3), varint(value)]);
}

/** A protobuf length-delimited field (wire type 2): a string or a nested message. */
function bytes(fieldNumber: number, value: Buffer): Buffer {
  return Buffer.concat([varint((fieldNumber << 3) | 2), varint(value.length), value]);
}

function text(value: string): Buffer {
  return Buffer.from(value, 'utf8');
}

function varint(value: number): Buffer {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return Buffer.from(out);
}
