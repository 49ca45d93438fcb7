import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AequaError, seededRng } from '../core/index.js';
import { kFold, trainTestSplit } from './split.js';

/** Asserts that the parts are disjoint and together hold 0 … n − 1 once each. */
function expectPartition(n: number, parts: readonly Uint32Array[]): void {
  const seen = new Uint8Array(n);
  for (const p of parts) for (const i of p) seen[i]!++;
  expect(Array.from(seen).every((c) => c === 1)).toBe(true);
  expect(parts.reduce((a, p) => a + p.length, 0)).toBe(n);
}

function countClass(rows: Uint32Array, y: ArrayLike<number>, c: number): number {
  let k = 0;
  for (const i of rows) if (y[i] === c) k++;
  return k;
}

describe('trainTestSplit', () => {
  it('gives round(share·n) test rows and the rest to training', () => {
    const s = trainTestSplit(10, { testSize: 0.3, rng: seededRng(1) });
    expect(s.test.length).toBe(3);
    expect(s.validation.length).toBe(0);
    expect(s.train.length).toBe(7);
    expectPartition(10, [s.train, s.validation, s.test]);
  });

  it('accepts sizes as row counts and makes a validation part', () => {
    const s = trainTestSplit(20, { testSize: 5, validationSize: 0.2, rng: seededRng(2) });
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([11, 4, 5]);
    expectPartition(20, [s.train, s.validation, s.test]);
  });

  it('returns the same split for the same seed and a different one for another seed', () => {
    const a = trainTestSplit(100, { rng: seededRng(7) });
    const b = trainTestSplit(100, { rng: seededRng(7) });
    const c = trainTestSplit(100, { rng: seededRng(8) });
    expect(Array.from(b.test)).toEqual(Array.from(a.test));
    expect(Array.from(c.test)).not.toEqual(Array.from(a.test));
  });

  it('keeps class proportions within one row per class when stratified', () => {
    // 7 of class 0, 13 of class 1, 30 of class 2: test share 0.3 → quotas 2.1, 3.9, 9 (total 15).
    const y = [...Array(7).fill(0), ...Array(13).fill(1), ...Array(30).fill(2)];
    const s = trainTestSplit(50, { testSize: 0.3, stratify: y, rng: seededRng(3) });
    expect(s.test.length).toBe(15);
    expect([0, 1, 2].map((c) => countClass(s.test, y, c))).toEqual([2, 4, 9]);
  });

  it('satisfies partition, size and stratification properties for any input', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 3, maxLength: 120 }),
        fc.double({ min: 0.05, max: 0.45, noNaN: true }),
        fc.double({ min: 0, max: 0.45, noNaN: true }),
        fc.integer(),
        (y, ts, vs, seed) => {
          const n = y.length;
          const nTest = Math.round(ts * n);
          const nVal = vs > 0 && vs < 1 ? Math.round(vs * n) : 0;
          fc.pre(nTest + nVal < n);
          const s = trainTestSplit(n, {
            testSize: ts,
            validationSize: vs,
            stratify: y,
            rng: seededRng(seed),
          });
          expectPartition(n, [s.train, s.validation, s.test]);
          expect(s.test.length).toBe(nTest);
          expect(s.validation.length).toBe(nVal);
          for (let c = 0; c <= 3; c++) {
            const nc = y.filter((v) => v === c).length;
            expect(Math.abs(countClass(s.test, y, c) - (nc * nTest) / n)).toBeLessThan(1);
          }
        },
      ),
    );
  });

  it('rejects sizes that leave no training rows', () => {
    const e = (() => {
      try {
        trainTestSplit(10, { testSize: 0.5, validationSize: 5, rng: seededRng(1) });
      } catch (err) {
        return err as AequaError;
      }
    })();
    expect(e?.code).toBe('AEQ_INVALID_ARGUMENT');
  });
});

describe('kFold', () => {
  it('makes k folds whose sizes differ by at most one and whose test parts partition the rows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 60 }),
        fc.integer({ min: 2, max: 10 }),
        fc.integer(),
        (n, k, seed) => {
          fc.pre(k <= n);
          const folds = kFold(n, k, { rng: seededRng(seed) });
          expect(folds.length).toBe(k);
          expectPartition(
            n,
            folds.map((f) => f.test),
          );
          for (const f of folds) expectPartition(n, [f.train, f.test]);
          const sizes = folds.map((f) => f.test.length);
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('spreads every class over the folds within one row when stratified', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 5, maxLength: 80 }),
        fc.integer({ min: 2, max: 5 }),
        fc.integer(),
        (y, k, seed) => {
          const folds = kFold(y.length, k, { stratify: y, rng: seededRng(seed) });
          for (let c = 0; c <= 2; c++) {
            const per = folds.map((f) => countClass(f.test, y, c));
            expect(Math.max(...per) - Math.min(...per)).toBeLessThanOrEqual(1);
          }
          const sizes = folds.map((f) => f.test.length);
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('is deterministic for a seed', () => {
    const a = kFold(30, 3, { rng: seededRng(5) }).map((f) => Array.from(f.test));
    const b = kFold(30, 3, { rng: seededRng(5) }).map((f) => Array.from(f.test));
    expect(b).toEqual(a);
  });

  it('rejects k outside 2 … n', () => {
    let err: AequaError | undefined;
    try {
      kFold(3, 4, { rng: seededRng(1) });
    } catch (e) {
      err = e as AequaError;
    }
    expect(err?.code).toBe('AEQ_INVALID_ARGUMENT');
    expect(err?.message).toMatchInlineSnapshot(
      `"Argument "k" passed to kFold must be an integer from 2 to the number of rows (3), got 4 (number)."`,
    );
  });
});
