import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRng } from '../../core/index.js';
import type { Table } from '../../data/index.js';
import {
  type LogisticModel,
  loadModelJSON,
  type MlpModel,
  prepareFitData,
  saveModelJSON,
} from '../../models/index.js';
import { dpSgdEpsilon } from '../accounting/index.js';
import { clippedLogisticSumKernel, dpSgd, modelPrivacy, poissonSample } from './dp-sgd.js';
import { clippedMlpSumKernel, mlpWorkspace } from './mlp-clipped.js';
import { separable } from './separable.fixture.js';

async function accuracy(model: { predictProba(t: Table): Promise<Float64Array> }, t: Table): Promise<number> {
  const p = await model.predictProba(t);
  const y = t.column('y');
  let ok = 0;
  for (let i = 0; i < t.nrows; i++) {
    const yes = y.kind === 'category' && y.levels[y.codes[i]!] === 'yes';
    if (p[i]! >= 0.5 === yes) ok++;
  }
  return ok / t.nrows;
}

describe('clipping kernels', () => {
  it('bound every one-row MLP contribution by C and keep its direction (property)', () => {
    const sizes = [3, 4, 1];
    const P = 3 * 4 + 4 + 4 + 1;
    const row = fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { minLength: 3, maxLength: 3 });
    fc.assert(
      fc.property(
        row,
        fc.constantFrom(0, 1),
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        fc.integer(),
        (x, y, C, seed) => {
          const params = Float64Array.from({ length: P }, (_, i) => 2 * Math.sin(seed + 7 * i));
          const clipped = new Float64Array(P);
          const free = new Float64Array(P);
          const args = [sizes, true, params, Float64Array.from(x), Float64Array.of(y), 1] as const;
          clippedMlpSumKernel(...args, C, mlpWorkspace(sizes, 1), clipped);
          clippedMlpSumKernel(...args, Number.POSITIVE_INFINITY, mlpWorkspace(sizes, 1), free);
          const norm = Math.hypot(...free);
          // Clipped norm = min(‖g‖, C) up to rounding (relative 1e-12); direction kept: one factor f.
          expect(Math.hypot(...clipped)).toBeLessThanOrEqual(C * (1 + 1e-12));
          const f = norm > C ? C / norm : 1;
          for (let j = 0; j < P; j++) expect(clipped[j]).toBeCloseTo(free[j]! * f, 9);
        },
      ),
    );
  });

  it('clip the logistic per-example gradients the model itself computes (property)', async () => {
    const t = separable(40, 3, true);
    const model = (await dpSgd({ noiseMultiplier: 0, epochs: 1, insecureSeed: 1 }).fit(t, 'y'))
      .inner as LogisticModel;
    const data = prepareFitData(t, 'y', { kind: 'classification', preprocess: { standardize: true } });
    const d = data.x.cols;
    const P = d + 1;
    const rowNorm2 = new Float64Array(40);
    for (let i = 0; i < 40; i++) {
      let s = 1;
      for (let j = 0; j < d; j++) s += data.x.data[i * d + j]! ** 2;
      rowNorm2[i] = s;
    }
    const theta = model.parameters();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 39 }), fc.double({ min: 0.001, max: 3, noNaN: true }), (i, C) => {
        const out = new Float64Array(P);
        clippedLogisticSumKernel(
          theta,
          data.x.data,
          d,
          data.y,
          1,
          Uint32Array.of(i),
          1,
          rowNorm2,
          C,
          new Float64Array(1),
          out,
        );
        // Independent path: the model's per-example gradient, clipped by hand.
        const g = model.perExampleGradients(
          { rows: 1, cols: d, data: data.x.data.slice(i * d, i * d + d) },
          data.y.slice(i, i + 1),
        ).data;
        const norm = Math.hypot(...g);
        const f = norm > C ? C / norm : 1;
        expect(Math.hypot(...out)).toBeLessThanOrEqual(C * (1 + 1e-12));
        for (let j = 0; j < P; j++) expect(out[j]).toBeCloseTo(g[j]! * f, 12);
      }),
      { numRuns: 50 },
    );
  });
});

describe('poissonSample', () => {
  it('includes each row with probability q (mean batch size within 4 standard errors)', () => {
    const rng = seededRng(5);
    const out = new Uint32Array(1000);
    let total = 0;
    const reps = 400;
    for (let r = 0; r < reps; r++) {
      const m = poissonSample(rng, 1000, 0.05, out);
      for (let k = 1; k < m; k++) expect(out[k]!).toBeGreaterThan(out[k - 1]!);
      total += m;
    }
    // Sum of 400 000 Bernoulli(0.05): mean 20 000, sd √(400000·0.05·0.95) ≈ 137.8.
    expect(Math.abs(total - 20000)).toBeLessThan(4 * 137.8);
  });
});

describe('dpSgd', () => {
  it('with σ = 0 and C = ∞ is plain minibatch SGD on the same batches (logistic, to 1e-9)', async () => {
    const t = separable(120, 7, true);
    const opts = {
      noiseMultiplier: 0,
      maxGradNorm: Infinity,
      epochs: 2,
      batchSize: 30,
      optimizer: 'sgd',
      learningRate: 0.3,
      insecureSeed: 11,
    } as const;
    const dp = await dpSgd(opts).fit(t, 'y');
    const data = prepareFitData(t, 'y', { kind: 'classification', preprocess: { standardize: true } });
    const n = 120;
    const q = 30 / n;
    const steps = Math.round(2 / q); // 8
    const sampler = seededRng(11).fork('dp-sgd:batches');
    const batch = new Uint32Array(n);
    let model = (dp.inner as LogisticModel).withParameters(new Float64Array(dp.parameterCount));
    for (let s = 0; s < steps; s++) {
      const m = poissonSample(sampler, n, q, batch);
      const idx = Array.from(batch.subarray(0, m));
      const d = data.x.cols;
      const xb = new Float64Array(m * d);
      idx.forEach((i, r) => {
        xb.set(data.x.data.subarray(i * d, i * d + d), r * d);
      });
      // lossGradient is the batch mean; DP-SGD divides the sum by the expected size q·n.
      const g = model.lossGradient(
        { rows: m, cols: d, data: xb },
        Float64Array.from(idx, (i) => data.y[i]!),
      );
      const th = model.parameters();
      for (let j = 0; j < th.length; j++) th[j] = th[j]! - 0.3 * ((g[j]! * m) / (q * n));
      model = model.withParameters(th);
    }
    const a = dp.parameters();
    const b = model.parameters();
    for (let j = 0; j < a.length; j++) expect(a[j]).toBeCloseTo(b[j]!, 9);
    expect(dp.privacy.epsilon).toBeNull();
  });

  it('with σ = 0 and C = ∞ is plain minibatch SGD on the same batches (MLP, to 1e-9)', async () => {
    const t = separable(90, 8);
    const init = Float64Array.from({ length: 2 * 4 + 4 + 4 + 1 }, (_, i) => Math.sin(i + 1) * 0.5);
    const opts = {
      model: 'mlp',
      hidden: [4],
      noiseMultiplier: 0,
      maxGradNorm: Infinity,
      epochs: 2,
      batchSize: 20,
      optimizer: 'sgd',
      learningRate: 0.2,
      insecureSeed: 3,
      initialParameters: init,
    } as const;
    const dp = await dpSgd(opts).fit(t, 'y');
    const data = prepareFitData(t, 'y', { kind: 'classification', preprocess: { standardize: true } });
    const n = 90;
    const q = 20 / n;
    const steps = Math.round(2 / q); // 9
    const sampler = seededRng(3).fork('dp-sgd:batches');
    const batch = new Uint32Array(n);
    let model = (dp.inner as MlpModel).withParameters(init);
    const d = data.x.cols;
    for (let s = 0; s < steps; s++) {
      const m = poissonSample(sampler, n, q, batch);
      const th = model.parameters();
      if (m > 0) {
        const idx = Array.from(batch.subarray(0, m));
        const xb = new Float64Array(m * d);
        idx.forEach((i, r) => {
          xb.set(data.x.data.subarray(i * d, i * d + d), r * d);
        });
        const g = model.lossGradient(
          { rows: m, cols: d, data: xb },
          Float64Array.from(idx, (i) => data.y[i]!),
        );
        for (let j = 0; j < th.length; j++) th[j] = th[j]! - 0.2 * ((g[j]! * m) / (q * n));
      }
      model = model.withParameters(th);
    }
    const a = dp.parameters();
    const b = model.parameters();
    for (let j = 0; j < a.length; j++) expect(a[j]).toBeCloseTo(b[j]!, 9);
  });

  it('records the ε that the RDP accountant gives for the recorded σ, q and steps, at most the target', async () => {
    const t = separable(500, 9);
    const dp = await dpSgd({ epsilon: 3, delta: 1e-5, maxGradNorm: 1, epochs: 3, batchSize: 50 }).fit(t, 'y');
    const p = dp.privacy;
    expect(p.sampleRate).toBe(0.1);
    expect(p.steps).toBe(30);
    expect(p.randomness).toBe('crypto');
    const ref = dpSgdEpsilon({
      sampleRate: p.sampleRate,
      noiseMultiplier: p.noiseMultiplier,
      steps: p.steps,
      delta: p.delta,
    });
    expect(p.epsilon).toBe(ref.epsilon);
    expect(p.order).toBe(ref.order);
    expect(p.epsilon!).toBeLessThanOrEqual(3);
    // σ is the smallest that reaches the target, to the accountant's bisection precision (1e-6 relative).
    expect(p.epsilon!).toBeGreaterThan(2.99);
  });

  it('stays accurate on a separable set at ε = 3 (logistic ≥ 0.9, MLP ≥ 0.85)', async () => {
    const train = separable(2000, 10);
    const test = separable(500, 11);
    const lr = await dpSgd({ epsilon: 3, delta: 1e-5, epochs: 5, batchSize: 100, insecureSeed: 1 }).fit(
      train,
      'y',
    );
    expect(await accuracy(lr, test)).toBeGreaterThanOrEqual(0.9);
    const net = await dpSgd({
      model: 'mlp',
      hidden: [8],
      epsilon: 3,
      delta: 1e-5,
      epochs: 5,
      batchSize: 100,
      insecureSeed: 1,
    }).fit(train, 'y');
    expect(await accuracy(net, test)).toBeGreaterThanOrEqual(0.85);
  });

  it('saves a normal model whose file carries the privacy record', async () => {
    const t = separable(200, 12);
    const dp = await dpSgd({ epsilon: 2, epochs: 2, batchSize: 40, insecureSeed: 2 }).fit(t, 'y');
    const text = saveModelJSON(dp);
    const loaded = loadModelJSON(text);
    expect(loaded.kind).toBe('logistic');
    expect(Array.from(await loaded.predictProba(t))).toEqual(Array.from(await dp.predictProba(t)));
    const rec = modelPrivacy(JSON.parse(text));
    expect(rec).toEqual(dp.privacy);
    expect(rec!.randomness).toBe('seeded');
  });

  it('refuses ε ≤ 0, δ ≥ 1 and a missing budget with the argument named', () => {
    expect(() => dpSgd({ epsilon: 0 })).toThrow(/"epsilon".*> 0/);
    expect(() => dpSgd({ epsilon: 1, delta: 1 })).toThrow(/"delta".*\(0, 1\)/);
    expect(() => dpSgd({})).toThrow(/target ε/);
    expect(() => dpSgd({ epsilon: 1, maxGradNorm: -1 })).toThrow(/maxGradNorm/);
  });
});
