import { widenHalfPrecision } from '@poofbg/segmentation';
import { onnx } from 'onnx-proto';

const { FLOAT, FLOAT16 } = onnx.TensorProto.DataType;

/** y = x + 1.5, computed in fp16 between two casts, as fp16 exports of IS-Net do. */
function halfPrecisionModel(): Uint8Array {
  const tensor = (name: string) => ({
    name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimValue: 2 }] } } },
  });

  const model = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'half',
      node: [
        { opType: 'Cast', input: ['x'], output: ['x16'], attribute: [castTo(FLOAT16)] },
        { opType: 'Add', input: ['x16', 'offset'], output: ['y16'] },
        { opType: 'Cast', input: ['y16'], output: ['y'], attribute: [castTo(FLOAT)] },
      ],
      // 1.5 in fp16 is 0x3e00, stored little-endian.
      initializer: [
        { name: 'offset', dataType: FLOAT16, dims: [1], rawData: Buffer.from([0, 0x3e]) },
      ],
      input: [tensor('x')],
      output: [tensor('y')],
    },
  });

  return onnx.ModelProto.encode(model).finish();
}

function castTo(type: number): onnx.IAttributeProto {
  return { name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: type };
}

// onnxruntime is not run here: its tensors come from Node's own context, which jest's
// sandbox does not accept. The mask-quality test runs the widened IS-Net for real.
test('leaves nothing in fp16 and keeps the weights exact', () => {
  const widened = widenHalfPrecision(halfPrecisionModel())!;

  const graph = onnx.ModelProto.decode(widened).graph!;
  const offset = graph.initializer![0]!;
  expect(offset.dataType).toBe(FLOAT);
  expect(Buffer.from(offset.rawData!).readFloatLE(0)).toBe(1.5);
  expect(graph.node!.map((node) => Number(node.attribute?.[0]?.i ?? FLOAT))).not.toContain(FLOAT16);
});

test('returns undefined for a model with nothing in fp16', () => {
  const widened = widenHalfPrecision(halfPrecisionModel())!;

  expect(widenHalfPrecision(widened)).toBeUndefined();
});
