import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromArrays } from '../../data/index.js';
import { MlpModel, prepareFitData } from '../../models/index.js';
import { clippedMlpSumKernel, mlpWorkspace } from './mlp-clipped.js';

describe('clippedMlpSumKernel', () => {
  it('equals the sum of the model’s own per-example gradients, each clipped to C (property)', () => {
    const t = fromArrays({
      a: [0.5, -1, 2, 0, 1.5, -0.3],
      c: ['u', 'v', 'u', 'w', 'v', 'w'],
      y: ['p', 'q', 'r', 'p', 'q', 'r'],
    });
    const data = prepareFitData(t, 'y', { kind: 'classification', preprocess: { standardize: true } });
    const d = data.x.cols;
    fc.assert(
      fc.property(
        fc.constantFrom<'relu' | 'tanh'>('relu', 'tanh'),
        fc.integer({ min: 1, max: 5 }),
        fc.double({ min: 0.01, max: 5, noNaN: true }),
        fc.integer({ min: 1, max: 1000 }),
        (activation, h, C, seed) => {
          const sizes = [d, h, 3];
          const P = d * h + h + h * 3 + 3;
          const params = Float64Array.from({ length: P }, (_, i) => Math.sin(seed * (i + 1)));
          const model = new MlpModel({
            task: 'multiclass',
            classes: ['p', 'q', 'r'],
            target: 'y',
            preprocessor: data.preprocessor,
            activation,
            output: 'softmax',
            sizes,
            params,
            outputShift: 0,
            outputScale: 1,
          });
          const pe = model.perExampleGradients(data.x, data.y);
          const want = new Float64Array(P);
          for (let i = 0; i < 6; i++) {
            const g = pe.data.subarray(i * P, (i + 1) * P);
            const n = Math.hypot(...g);
            const c = n > C ? C / n : 1;
            for (let p = 0; p < P; p++) want[p] = want[p]! + c * g[p]!;
          }
          const got = new Float64Array(P);
          clippedMlpSumKernel(
            sizes,
            activation === 'relu',
            params,
            data.x.data,
            data.y,
            6,
            C,
            mlpWorkspace(sizes, 6),
            got,
          );
          for (let p = 0; p < P; p++) expect(got[p]).toBeCloseTo(want[p]!, 10);
        },
      ),
      { numRuns: 60 },
    );
  });
});
