/**
 * The in-memory producer on small tables worked out by hand, its error cases, and properties
 * (row-order invariance, counts adding up, the compacted cell index against a plain Map reference).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AequaError, MissingColumnError } from '../../core/index.js';
import { categoryColumn, createTable, fromArrays, numberColumn } from '../../data/index.js';
import { compareCellKeys, memoryCube, memoryProducer, resolveSpec, sortClassNames } from './memory.js';

function thrown(fn: () => unknown): AequaError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AequaError) return e;
    throw e;
  }
  throw new Error('expected an AequaError, nothing was thrown');
}

describe('memoryCube, binary', () => {
  it('counts weighted and raw confusion per intersection, numbers keyed as String(x), missing last', () => {
    // row  sex  grade  y  p  w
    //  0   F    1.0    1  1  2     F&1: tp 2 (1 row)
    //  1   F    1.0    0  1  0.5   F&1: fp 0.5 (1)
    //  2   F    —      1  0  1     F&null: fn 1 (1)
    //  3   M    2.5    0  0  3     M&2.5: tn 3 (1)
    //  4   M    2.5    0  0  1     M&2.5: tn 1 (1) → tn 4 (2 rows)
    //  5   M    1.0    1  1  1     M&1: tp 1 (1)
    // Order: F&1, F&null (null last within F), M&1, M&2.5 ('1' < '2.5' by code point).
    const table = createTable({
      sex: categoryColumn(['F', 'F', 'F', 'M', 'M', 'M']),
      grade: numberColumn([1.0, 1.0, null, 2.5, 2.5, 1.0]),
      y: numberColumn([1, 0, 1, 0, 0, 1]),
      p: numberColumn([1, 1, 0, 0, 0, 1]),
      w: numberColumn([2, 0.5, 1, 3, 1, 1]),
    });
    const cube = memoryCube(table, {
      task: 'binary',
      label: 'y',
      prediction: 'p',
      weight: 'w',
      dims: ['sex', 'grade'],
    });
    const zero = { tp: 0, fp: 0, tn: 0, fn: 0, ntp: 0, nfp: 0, ntn: 0, nfn: 0 };
    expect(cube).toEqual({
      task: 'binary',
      dims: ['sex', 'grade'],
      rowsSeen: 6,
      rowsDropped: 0,
      producer: 'memory',
      cells: [
        { key: ['F', '1'], confusion: { ...zero, tp: 2, ntp: 1, fp: 0.5, nfp: 1 } },
        { key: ['F', null], confusion: { ...zero, fn: 1, nfn: 1 } },
        { key: ['M', '1'], confusion: { ...zero, tp: 1, ntp: 1 } },
        { key: ['M', '2.5'], confusion: { ...zero, tn: 4, ntn: 2 } },
      ],
    });
  });

  it('maps text labels and predictions with spec.positive, and booleans with the default positive', () => {
    // Text: label yes,no,yes; pred yes,yes,no → tp 1, fp 1, fn 1.
    const text = fromArrays({ y: ['yes', 'no', 'yes'], p: ['yes', 'yes', 'no'] });
    const c1 = memoryCube(text, { task: 'binary', label: 'y', prediction: 'p', positive: ['yes'], dims: [] });
    expect(c1.cells).toEqual([
      { key: [], confusion: { tp: 1, fp: 1, tn: 0, fn: 1, ntp: 1, nfp: 1, ntn: 0, nfn: 1 } },
    ]);
    // Booleans, default positive ['1', 'true']: label true,false; pred true,true → tp 1, fp 1.
    const bool = fromArrays({ y: [true, false], p: [true, true] });
    const c2 = memoryCube(bool, { task: 'binary', label: 'y', prediction: 'p', dims: [] });
    expect(c2.cells[0]!.confusion).toEqual({ tp: 1, fp: 1, tn: 0, fn: 0, ntp: 1, nfp: 1, ntn: 0, nfn: 0 });
  });

  it('thresholds the score (score ≥ threshold) and builds exact histograms with ties', () => {
    // scores 0.2 (y0), 0.8 (y1), 0.8 (y0), 0.5 (y1), -0 (y0); threshold 0.5
    // decisions: 0, 1, 1, 1, 0 → tp 2 (0.8, 0.5), fp 1 (0.8), tn 2 (0.2, -0), fn 0
    // histogram values [0, 0.2, 0.5, 0.8] (-0 counted as 0); pos [0, 0, 1, 1]; neg [1, 1, 0, 1]
    const t = fromArrays({ y: [0, 1, 0, 1, 0], s: [0.2, 0.8, 0.8, 0.5, -0] });
    const cube = memoryCube(t, { task: 'binary', label: 'y', score: 's', threshold: 0.5, dims: [] });
    const cell = cube.cells[0]!;
    expect(cell.confusion).toEqual({ tp: 2, fp: 1, tn: 2, fn: 0, ntp: 2, nfp: 1, ntn: 2, nfn: 0 });
    expect([...cell.scores!.values]).toEqual([0, 0.2, 0.5, 0.8]);
    expect(Object.is(cell.scores!.values[0], 0)).toBe(true);
    expect([...cell.scores!.pos]).toEqual([0, 0, 1, 1]);
    expect([...cell.scores!.neg]).toEqual([1, 1, 0, 1]);
    expect([...cell.scores!.npos]).toEqual([0, 0, 1, 1]);
    expect([...cell.scores!.nneg]).toEqual([1, 1, 0, 1]);
  });

  it('drops rows with a missing label when dropMissing is set, and counts them', () => {
    // rows 1 and 3 have no label; left: (y1,p1) in a, (y0,p1) in b.
    const t = createTable({
      g: categoryColumn(['a', 'a', 'b', 'b']),
      y: numberColumn([1, null, 0, null]),
      p: numberColumn([1, 0, 1, 1]),
    });
    const cube = memoryCube(t, {
      task: 'binary',
      label: 'y',
      prediction: 'p',
      dims: ['g'],
      dropMissing: true,
    });
    expect(cube.rowsSeen).toBe(4);
    expect(cube.rowsDropped).toBe(2);
    expect(cube.cells.map((c) => [c.key, c.confusion!.ntp, c.confusion!.nfp])).toEqual([
      [['a'], 1, 0],
      [['b'], 0, 1],
    ]);
  });

  it('leaves out a cell whose rows were all dropped', () => {
    const t = createTable({
      g: categoryColumn(['a', 'b']),
      y: numberColumn([1, null]),
      p: numberColumn([1, 1]),
    });
    const cube = memoryCube(t, {
      task: 'binary',
      label: 'y',
      prediction: 'p',
      dims: ['g'],
      dropMissing: true,
    });
    expect(cube.cells.map((c) => c.key)).toEqual([['a']]);
  });
});

describe('memoryCube, regression and multiclass', () => {
  it('sums the regression moments per group', () => {
    // group a: (y 1, ŷ 2, w 1), (y 3, ŷ 1, w 2) → e = 1, -2
    //   n 2, w 3, sumPred 1·2 + 2·1 = 4, sumTrue 1 + 6 = 7, sumErr 1 − 4 = −3,
    //   sumAbsErr 1 + 4 = 5, sumSqErr 1 + 2·4 = 9
    // group b: (y 0, ŷ 0.5, w 1) → n 1, w 1, sumPred 0.5, sumTrue 0, sumErr 0.5, |e| 0.5, e² 0.25
    const t = fromArrays({ g: ['a', 'a', 'b'], y: [1, 3, 0], p: [2, 1, 0.5], w: [1, 2, 1] });
    const cube = memoryCube(t, { task: 'regression', label: 'y', prediction: 'p', weight: 'w', dims: ['g'] });
    expect(cube.cells).toEqual([
      {
        key: ['a'],
        regression: { n: 2, w: 3, sumPred: 4, sumTrue: 7, sumErr: -3, sumAbsErr: 5, sumSqErr: 9 },
      },
      {
        key: ['b'],
        regression: { n: 1, w: 1, sumPred: 0.5, sumTrue: 0, sumErr: 0.5, sumAbsErr: 0.5, sumSqErr: 0.25 },
      },
    ]);
  });

  it('builds class matrices over the sorted union of label and prediction values', () => {
    // classes: label {10, 2}, prediction {2, 3} → numeric order [2, 3, 10]
    // rows (t, p): (10, 2), (2, 2), (2, 3) → counts[t*3+p]: (2,0)=1, (0,0)=1, (0,1)=1
    const t = fromArrays({ y: [10, 2, 2], p: [2, 2, 3] });
    const cube = memoryCube(t, { task: 'multiclass', label: 'y', prediction: 'p', dims: [] });
    expect(cube.classNames).toEqual(['2', '3', '10']);
    expect([...cube.cells[0]!.classes!.counts]).toEqual([1, 1, 0, 0, 0, 0, 1, 0, 0]);
    expect([...cube.cells[0]!.classes!.weighted]).toEqual([1, 1, 0, 0, 0, 0, 1, 0, 0]);
    // Text classes sort by code point.
    const s = memoryCube(fromArrays({ y: ['b', 'a'], p: ['c', 'a'] }), {
      task: 'multiclass',
      label: 'y',
      prediction: 'p',
      dims: [],
    });
    expect(s.classNames).toEqual(['a', 'b', 'c']);
  });
});

describe('memoryCube errors', () => {
  const table = fromArrays({ label: [1, 0], pred: [1, 1], s: [0.5, Number.NaN], w: [1, -2], g: ['a', 'b'] });

  it('names a missing column and suggests the closest one', () => {
    const e = thrown(() =>
      memoryCube(table, { task: 'binary', label: 'lable', prediction: 'pred', dims: [] }),
    );
    expect(e).toBeInstanceOf(MissingColumnError);
    expect(e.code).toBe('AEQ_DATA_MISSING_COLUMN');
    expect((e as MissingColumnError).suggestion).toBe('label');
  });

  it('rejects a NaN score, naming the column and the row', () => {
    const e = thrown(() =>
      memoryCube(table, { task: 'binary', label: 'label', score: 's', threshold: 0.5, dims: [] }),
    );
    expect(e.code).toBe('AEQ_DATA_NAN');
    expect(e.details).toEqual({ column: 's', role: 'score', row: 1, value: 'NaN' });
    expect(e.message).toMatchInlineSnapshot(
      `"Column "s" (score) holds NaN at row 1 (0-based); numbers must be finite, and missing cells must be marked missing."`,
    );
  });

  it('rejects a negative weight, naming the row', () => {
    const e = thrown(() =>
      memoryCube(table, { task: 'binary', label: 'label', prediction: 'pred', weight: 'w', dims: [] }),
    );
    expect(e.code).toBe('AEQ_INVALID_ARGUMENT');
    expect(e.details).toEqual({ column: 'w', row: 1, value: -2 });
  });

  it('rejects a missing label without dropMissing, saying how many rows and which column', () => {
    const t = createTable({ y: numberColumn([1, null, null]), p: numberColumn([1, 1, null]) });
    const e = thrown(() => memoryCube(t, { task: 'binary', label: 'y', prediction: 'p', dims: [] }));
    expect(e.code).toBe('AEQ_DATA_MISSING_VALUES');
    // rows 1 and 2 are missing something: y is missing twice, p once.
    expect(e.details).toEqual({ rows: 2, total: 3, columns: { y: 2, p: 1 } });
    expect(e.hint).toContain('--drop-missing');
    expect(e.message).toMatchInlineSnapshot(
      `"2 of 3 rows have a missing value where one is required (missing cells: "y" (label) 2, "p" (prediction) 1)."`,
    );
  });

  it('rejects a text score column as the wrong type', () => {
    const e = thrown(() =>
      memoryCube(table, { task: 'binary', label: 'label', score: 'g', threshold: 0.5, dims: [] }),
    );
    expect(e.code).toBe('AEQ_DATA_TYPE');
  });

  it('rejects a spec with neither a prediction nor a thresholded score', () => {
    const e = thrown(() => memoryCube(table, { task: 'binary', label: 'label', score: 's', dims: [] }));
    expect(e.code).toBe('AEQ_INVALID_ARGUMENT');
    expect(e.hint).toContain('--threshold');
  });
});

describe('helpers', () => {
  it('orders keys by code point with null last', () => {
    const keys = [['b'], [null], ['a'], ['B']];
    expect(keys.sort(compareCellKeys)).toEqual([['B'], ['a'], ['b'], [null]]);
  });

  it('sorts class names numerically only for numbers', () => {
    expect(sortClassNames(['10', '2', '2'], true)).toEqual(['2', '10']);
    expect(sortClassNames(['10', '2'], false)).toEqual(['10', '2']);
  });

  it('defaults the positive values of a binary spec to 1 and true', () => {
    expect(resolveSpec({ task: 'binary', label: 'y', prediction: 'p', dims: [] }, 'f').positive).toEqual([
      '1',
      'true',
    ]);
  });

  it('memoryProducer gives the memoryCube result', async () => {
    const t = fromArrays({ y: [1, 0], p: [1, 0] });
    const spec = { task: 'binary', label: 'y', prediction: 'p', dims: [] } as const;
    expect(await memoryProducer(t).cube(spec)).toEqual(memoryCube(t, spec));
  });
});

/** A plain reference: confusion per key from a Map over row objects (independent of the kernel). */
function reference(
  rows: readonly { g: string; h: number | null; k: number; y: number; p: number; w: number }[],
) {
  const m = new Map<string, number[]>();
  for (const r of rows) {
    const key = JSON.stringify([r.g, r.h === null ? null : String(r.h), String(r.k)]);
    const acc = m.get(key) ?? [0, 0, 0, 0, 0, 0, 0, 0];
    const j = r.y * 2 + r.p;
    acc[j] = acc[j]! + r.w;
    acc[4 + j] = acc[4 + j]! + 1;
    m.set(key, acc);
  }
  return [...m.entries()]
    .map(([k, a]) => ({
      key: JSON.parse(k) as (string | null)[],
      confusion: { tp: a[3], fp: a[1], tn: a[0], fn: a[2], ntp: a[7], nfp: a[5], ntn: a[4], nfn: a[6] },
    }))
    .sort((a, b) => compareCellKeys(a.key, b.key));
}

describe('properties', () => {
  const row = fc.record({
    g: fc.constantFrom('x', 'y', 'z'),
    h: fc.constantFrom(0, 1, 2.5, null),
    k: fc.integer({ min: 0, max: 3 }),
    y: fc.constantFrom(0, 1),
    p: fc.constantFrom(0, 1),
    // quarters: sums of a few of them are exact, so equality is exact
    w: fc.integer({ min: 0, max: 12 }).map((x) => x / 4),
  });
  const table = (
    rows: readonly { g: string; h: number | null; k: number; y: number; p: number; w: number }[],
  ) =>
    createTable({
      g: categoryColumn(rows.map((r) => r.g)),
      h: numberColumn(rows.map((r) => r.h)),
      k: numberColumn(rows.map((r) => r.k)),
      y: numberColumn(rows.map((r) => r.y)),
      p: numberColumn(rows.map((r) => r.p)),
      w: numberColumn(rows.map((r) => r.w)),
    });
  const spec = { task: 'binary', label: 'y', prediction: 'p', weight: 'w', dims: ['g', 'h', 'k'] } as const;

  it('matches a plain Map reference and does not depend on row order', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 60 }), fc.integer(), (rows, seed) => {
        const cube = memoryCube(table(rows), spec);
        expect(cube.cells).toEqual(reference(rows));
        // A rotation of the rows gives the same cube.
        const r = ((seed % rows.length) + rows.length) % rows.length;
        const rotated = [...rows.slice(r), ...rows.slice(0, r)];
        expect(memoryCube(table(rotated), spec).cells).toEqual(cube.cells);
        // Raw counts add up to the number of rows.
        const total = cube.cells.reduce(
          (s, c) => s + c.confusion!.ntp + c.confusion!.nfp + c.confusion!.ntn + c.confusion!.nfn,
          0,
        );
        expect(total).toBe(rows.length);
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('compacts the cell index when the combinations exceed the dense limit, with the same result', () => {
    // Three dimensions with 150 distinct values each: 151³ ≈ 3.4M combinations > 2^20.
    const n = 3000;
    const a: number[] = [];
    const b: number[] = [];
    const c: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      a.push(i % 150);
      b.push((i * 7) % 150);
      c.push((i * 13) % 150);
      y.push(i % 3 === 0 ? 1 : 0);
    }
    const cube = memoryCube(fromArrays({ a, b, c, y }), {
      task: 'binary',
      label: 'y',
      prediction: 'y',
      dims: ['a', 'b', 'c'],
    });
    const m = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const k = JSON.stringify([String(a[i]), String(b[i]), String(c[i])]);
      m.set(k, (m.get(k) ?? 0) + 1);
    }
    expect(cube.cells.length).toBe(m.size);
    for (const cell of cube.cells) {
      const cf = cell.confusion!;
      expect(cf.ntp + cf.ntn).toBe(m.get(JSON.stringify(cell.key)));
    }
  });
});
