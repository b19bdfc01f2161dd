import { writeFile } from 'node:fs/promises';

import { onnx } from 'onnx-proto';

/**
 * Writes a stand-in for IS-Net that costs almost nothing to run: the mean of the three
 * input channels through a sigmoid, as a [1,1,1024,1024] "mask". Same input and output
 * names and shapes, so the worker loads it like the real model; its masks are meaningless.
 * Results measured with it are labelled as such: they show the system's own overhead.
 */
export async function writeTinyModel(file: string): Promise<void> {
  const { FLOAT } = onnx.TensorProto.DataType;
  const tensor = (name: string, dims: number[]) => ({
    name,
    type: {
      tensorType: { elemType: FLOAT, shape: { dim: dims.map((dimValue) => ({ dimValue })) } },
    },
  });

  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'poofbg-bench',
    // Opset 13: ReduceMean still takes its axes as an attribute there.
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny-stand-in',
      node: [
        {
          opType: 'ReduceMean',
          input: ['input'],
          output: ['mean'],
          attribute: [
            { name: 'axes', type: onnx.AttributeProto.AttributeType.INTS, ints: [1] },
            { name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 1 },
          ],
        },
        { opType: 'Sigmoid', input: ['mean'], output: ['output'] },
      ],
      input: [tensor('input', [1, 3, 1024, 1024])],
      output: [tensor('output', [1, 1, 1024, 1024])],
    },
  });

  await writeFile(file, onnx.ModelProto.encode(model).finish());
}

/** How tables and JSON name results measured with the stand-in. */
export const tinyModelLabel = 'TINY STAND-IN MODEL (channel mean + sigmoid), not IS-Net';
