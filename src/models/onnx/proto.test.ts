import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel } from './proto.js';

async function run(
  bytes: Uint8Array,
  feeds: Record<string, ort.Tensor>,
): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes);
  return (await session.run(feeds)) as Record<string, ort.Tensor>;
}

describe('encodeModel', () => {
  it('writes a logistic model that onnxruntime runs with the expected output', async () => {
    // p = σ(X·w + b) with w = [0.5, −2], b = 0.25.
    const bytes = encodeModel({
      producerVersion: 'test',
      opsets: [{ domain: '', version: 17 }],
      metadata: { features: 'a,b' },
      graph: {
        name: 'logistic',
        nodes: [
          { op: 'MatMul', inputs: ['X', 'W'], outputs: ['z0'] },
          { op: 'Add', inputs: ['z0', 'B'], outputs: ['z'] },
          { op: 'Sigmoid', inputs: ['z'], outputs: ['p'] },
        ],
        initializers: [
          { name: 'W', dims: [2, 1], type: 'double', data: [0.5, -2] },
          { name: 'B', dims: [1], type: 'double', data: [0.25] },
        ],
        inputs: [{ name: 'X', type: 'double', shape: ['N', 2] }],
        outputs: [{ name: 'p', type: 'double', shape: ['N', 1] }],
      },
    });
    const x = new Float64Array([1, 0, 0, 1, 2, 3]);
    const out = await run(bytes, { X: new ort.Tensor('float64', x, [3, 2]) });
    const p = out.p!.data as Float64Array;
    const want = [0.75, -1.75, -4.75].map((z) => 1 / (1 + Math.exp(-z)));
    for (let i = 0; i < 3; i++) expect(Math.abs(p[i]! - want[i]!)).toBeLessThan(1e-15);
  });

  it('writes attributes of every kind (Gemm with alpha/beta/transB, Softmax axis)', async () => {
    const bytes = encodeModel({
      producerVersion: 'test',
      opsets: [{ domain: '', version: 17 }],
      graph: {
        name: 'gemm',
        nodes: [
          {
            op: 'Gemm',
            inputs: ['X', 'W', 'C'],
            outputs: ['z'],
            attributes: {
              alpha: { kind: 'float', value: 2 },
              beta: { kind: 'float', value: 1 },
              transB: { kind: 'int', value: 1 },
            },
          },
          { op: 'Softmax', inputs: ['z'], outputs: ['p'], attributes: { axis: { kind: 'int', value: 1 } } },
        ],
        initializers: [
          { name: 'W', dims: [2, 2], type: 'float', data: [1, 0, 0, 1] },
          { name: 'C', dims: [2], type: 'float', data: [0, 1] },
        ],
        inputs: [{ name: 'X', type: 'float', shape: ['N', 2] }],
        outputs: [{ name: 'p', type: 'float', shape: ['N', 2] }],
      },
    });
    const out = await run(bytes, { X: new ort.Tensor('float32', new Float32Array([1, 1]), [1, 2]) });
    // z = 2·[1, 1] + [0, 1] = [2, 3]; softmax = [1/(1+e), e/(1+e)].
    const p = out.p!.data as Float32Array;
    expect(Math.abs(p[0]! - 1 / (1 + Math.E))).toBeLessThan(1e-6);
    expect(Math.abs(p[1]! - Math.E / (1 + Math.E))).toBeLessThan(1e-6);
  });
});

describe('readMetadata', () => {
  it('reads back the metadata the encoder wrote', async () => {
    const { readMetadata } = await import('./proto.js');
    const bytes = encodeModel({
      producerVersion: 't',
      opsets: [{ domain: '', version: 17 }],
      metadata: { 'aequa.features': 'a,b', note: 'é ✓' },
      graph: {
        name: 'g',
        nodes: [{ op: 'Identity', inputs: ['X'], outputs: ['Y'] }],
        initializers: [],
        inputs: [{ name: 'X', type: 'double', shape: ['N', 2] }],
        outputs: [{ name: 'Y', type: 'double', shape: ['N', 2] }],
      },
    });
    expect(readMetadata(bytes)).toEqual({ 'aequa.features': 'a,b', note: 'é ✓' });
  });

  it('rejects bytes that are not a protobuf message', async () => {
    const { readMetadata } = await import('./proto.js');
    expect(() => readMetadata(new Uint8Array([0x0a, 0xff]))).toThrow(RangeError);
  });
});
