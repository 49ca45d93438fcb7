import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AequaError, MissingColumnError } from '../core/index.js';
import { fromArrays } from '../data/index.js';
import { fitPreprocessor, preprocessorFromJSON } from './preprocess.js';

function rowsOf(m: { rows: number; cols: number; data: Float64Array }): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
}

describe('fitPreprocessor', () => {
  it('names encoded columns with levels sorted by code point and an <other> column per category', () => {
    const t = fromArrays({ age: [30, 40], sex: ['male', 'Female'], ok: [true, false] });
    const p = fitPreprocessor(t, ['sex', 'age', 'ok']);
    // 'F' (U+0046) sorts before 'm' (U+006D), whatever the order of first appearance.
    expect(p.outputNames).toEqual(['sex=Female', 'sex=male', 'sex=<other>', 'age', 'ok']);
    expect(p.sourceFeature).toEqual([0, 0, 0, 1, 2]);
    expect(p.features).toEqual(['sex', 'age', 'ok']);
  });

  it('standardises numbers with the weighted mean and population sd', () => {
    const t = fromArrays({ x: [1, 2, 4] });
    const p = fitPreprocessor(t, ['x'], { weights: Float64Array.of(1, 1, 2) });
    // By hand: Σw = 4, mean = (1 + 2 + 8)/4 = 2.75;
    // var = (1·1.75² + 1·0.75² + 2·1.25²)/4 = (3.0625 + 0.5625 + 3.125)/4 = 1.6875.
    const sd = Math.sqrt(1.6875);
    const out = p.transform(t).data;
    // Tolerance 1e-15 absolute: one subtraction and one division of numbers of size ≤ 2.
    expect(out[0]).toBeCloseTo((1 - 2.75) / sd, 15);
    expect(out[1]).toBeCloseTo((2 - 2.75) / sd, 15);
    expect(out[2]).toBeCloseTo((4 - 2.75) / sd, 15);
  });

  it('leaves numbers as they are when standardize is false, imputing the mean for missing cells', () => {
    const t = fromArrays({ x: [2, null, 4] });
    const p = fitPreprocessor(t, ['x'], { standardize: false });
    expect(p.outputNames).toEqual(['x', 'x=<missing>']);
    // Mean of the valid cells (2 + 4)/2 = 3.
    expect(rowsOf(p.transform(t))).toEqual([
      [2, 0],
      [3, 1],
      [4, 0],
    ]);
  });

  it('uses sd 1 for a constant column instead of dividing by zero', () => {
    const t = fromArrays({ x: [5, 5, 5] });
    const p = fitPreprocessor(t, ['x']);
    expect(Array.from(p.transform(fromArrays({ x: [5, 7] })).data)).toEqual([0, 2]);
  });

  it('adds a missing indicator only for columns that had missing cells in training', () => {
    const train = fromArrays({ a: [1, 2], b: ['u', null] });
    const p = fitPreprocessor(train, ['a', 'b']);
    expect(p.outputNames).toEqual(['a', 'b=u', 'b=<other>', 'b=<missing>']);
    // In new data a missing "a" imputes the mean (0 after standardising) with no indicator.
    const out = p.transform(fromArrays({ a: [null, 2], b: [null, 'v'] }));
    expect(rowsOf(out)).toEqual([
      [0, 0, 0, 1],
      [1, 0, 1, 0],
    ]);
  });

  it('sends unseen levels to <other> and keeps the encoding when the new data lists levels differently', () => {
    const p = fitPreprocessor(fromArrays({ c: ['b', 'a', 'b'] }), ['c']);
    expect(rowsOf(p.transform(fromArrays({ c: ['z', 'b', 'a'] })))).toEqual([
      [0, 0, 1],
      [0, 1, 0],
      [1, 0, 0],
    ]);
  });

  it('keeps only the maxLevels most frequent levels, ties broken by code point', () => {
    const t = fromArrays({ c: ['x', 'y', 'y', 'z', 'z', 'w'] });
    // Counts: y 2, z 2, w 1, x 1; the two kept are y and z.
    expect(fitPreprocessor(t, ['c'], { maxLevels: 2 }).outputNames).toEqual(['c=y', 'c=z', 'c=<other>']);
    // Three kept: y, z and the first of the tied w/x by code point, w.
    expect(fitPreprocessor(t, ['c'], { maxLevels: 3 }).outputNames).toEqual([
      'c=w',
      'c=y',
      'c=z',
      'c=<other>',
    ]);
  });

  it('sends levels rarer than minLevelCount to <other>', () => {
    const t = fromArrays({ c: ['x', 'y', 'y', 'z', 'z', 'z'] });
    const p = fitPreprocessor(t, ['c'], { minLevelCount: 2 });
    expect(p.outputNames).toEqual(['c=y', 'c=z', 'c=<other>']);
    expect(Array.from(p.transform(fromArrays({ c: ['x'] })).data)).toEqual([0, 0, 1]);
  });

  it('encodes booleans as 0/1 and a missing boolean as the training share of true', () => {
    const p = fitPreprocessor(fromArrays({ f: [true, false, true, null] }), ['f']);
    expect(p.outputNames).toEqual(['f', 'f=<missing>']);
    // Training share of true among valid cells: 2/3.
    expect(rowsOf(p.transform(fromArrays({ f: [false, null, true] })))).toEqual([
      [0, 0],
      [2 / 3, 1],
      [1, 0],
    ]);
  });

  it('throws MissingColumnError naming every absent feature', () => {
    const p = fitPreprocessor(fromArrays({ age: [1], sex: ['F'], race: ['a'] }), ['age', 'sex', 'race']);
    const e = catchError(() => p.transform(fromArrays({ age: [1], sexx: ['F'] })));
    expect(e).toBeInstanceOf(MissingColumnError);
    expect((e as MissingColumnError).code).toBe('AEQ_DATA_MISSING_COLUMN');
    expect((e as Error).message).toMatchInlineSnapshot(
      `"The model needs columns "age", "sex", "race", missing from the data: "sex", "race". Available: age, sexx. Did you mean "sexx" for "sex"?"`,
    );
  });

  it('rejects text where a number column was trained, with AEQ_DATA_TYPE', () => {
    const p = fitPreprocessor(fromArrays({ x: [1, 2] }), ['x']);
    const e = catchError(() => p.transform(fromArrays({ x: ['1', 'two'] })));
    expect(e).toBeInstanceOf(AequaError);
    expect((e as AequaError).code).toBe('AEQ_DATA_TYPE');
    expect((e as Error).message).toMatchInlineSnapshot(
      `"Column "x" was number when the model was trained, but the data gives text (category)."`,
    );
  });

  it('rejects NaN in a valid number cell with AEQ_DATA_NAN', () => {
    const p = fitPreprocessor(fromArrays({ x: [1, 2] }), ['x']);
    const e = catchError(() => p.transform(fromArrays({ x: Float64Array.of(1, Number.NaN) })));
    expect((e as AequaError).code).toBe('AEQ_DATA_NAN');
  });

  it('rejects weights of the wrong length', () => {
    const e = catchError(() =>
      fitPreprocessor(fromArrays({ x: [1, 2] }), ['x'], { weights: Float64Array.of(1) }),
    );
    expect((e as AequaError).code).toBe('AEQ_INVALID_ARGUMENT');
  });

  it('matches category levels against numbers spelled as text', () => {
    const p = fitPreprocessor(fromArrays({ code: ['1', '2'] }), ['code']);
    expect(rowsOf(p.transform(fromArrays({ code: [2, 3] })))).toEqual([
      [0, 1, 0],
      [0, 0, 1],
    ]);
  });

  it('does not depend on the order of the training rows (levels exact, moments to 1e-12)', () => {
    const row = fc.record({
      x: fc.option(fc.integer({ min: -50, max: 50 }), { nil: null }),
      c: fc.option(fc.constantFrom('a', 'B', 'c', 'é', 'Z'), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 40 }), fc.integer(), (rows, seed) => {
        const perm = rows
          .map((r, i) => ({ r, k: Math.imul(i + 1, seed | 1) >>> 0 }))
          .sort((a, b) => a.k - b.k);
        const t1 = fromArrays({ x: rows.map((r) => r.x), c: rows.map((r) => r.c) });
        const t2 = fromArrays({ x: perm.map((p) => p.r.x), c: perm.map((p) => p.r.c) });
        const j1 = fitPreprocessor(t1, ['x', 'c']).toJSON() as { columns: Record<string, unknown>[] };
        const j2 = fitPreprocessor(t2, ['x', 'c']).toJSON() as { columns: Record<string, unknown>[] };
        expect(j2.columns[1]).toEqual(j1.columns[1]);
        // Integer data: the mean is one exact sum divided once; the sd's squared deviations may
        // round differently by order, well within 1e-12 relative.
        const [a, b] = [j1.columns[0]!, j2.columns[0]!];
        expect(b.mean).toBe(a.mean);
        expect(Math.abs((b.sd as number) - (a.sd as number))).toBeLessThanOrEqual(1e-12 * (a.sd as number));
        expect(b.missingIndicator).toBe(a.missingIndicator);
      }),
    );
  });

  it('encodes each row independently of the other rows', () => {
    const train = fromArrays({ x: [1, 5, null, 3], c: ['a', 'b', 'a', null] });
    const p = fitPreprocessor(train, ['x', 'c']);
    const all = rowsOf(p.transform(train));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 10 }), (idx) => {
        const sub = rowsOf(p.transform(train.take(Uint32Array.from(idx))));
        expect(sub).toEqual(idx.map((i) => all[i]));
      }),
    );
  });
});

describe('preprocessorFromJSON', () => {
  it('rebuilds a preprocessor that encodes bit for bit like the original', () => {
    const train = fromArrays({
      x: [0.1, 0.7, null, 3.3],
      c: ['a', 'b', 'a', null],
      f: [true, false, null, true],
    });
    const p = fitPreprocessor(train, ['x', 'c', 'f']);
    const q = preprocessorFromJSON(JSON.parse(JSON.stringify(p.toJSON())));
    expect(q.outputNames).toEqual(p.outputNames);
    expect(q.sourceFeature).toEqual(p.sourceFeature);
    const a = p.transform(train).data;
    const b = q.transform(train).data;
    expect(b.length).toBe(a.length);
    for (let i = 0; i < a.length; i++) expect(Object.is(b[i], a[i])).toBe(true);
  });

  it('lists every invalid field with AEQ_MODEL_FORMAT', () => {
    const bad = {
      standardize: 'yes',
      columns: [{ kind: 'number', name: 'x', mean: 'a', sd: 0, missingIndicator: false }, { kind: 'text' }],
    };
    const e = catchError(() => preprocessorFromJSON(bad));
    expect((e as AequaError).code).toBe('AEQ_MODEL_FORMAT');
    expect((e as Error).message).toMatchInlineSnapshot(
      `"The model file's preprocessing is invalid: preprocessing.standardize must be a boolean, preprocessing.columns[0].mean must be a finite number, preprocessing.columns[0].sd must be a finite number > 0, preprocessing.columns[1].name must be a string, preprocessing.columns[1].missingIndicator must be a boolean, preprocessing.columns[1].kind must be "number", "category" or "boolean" (got "text")."`,
    );
  });

  it('rejects a value that is not an object', () => {
    expect((catchError(() => preprocessorFromJSON([1])) as AequaError).code).toBe('AEQ_MODEL_FORMAT');
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}
