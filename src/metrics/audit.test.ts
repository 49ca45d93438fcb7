import { describe, expect, it } from 'vitest';
import { fromArrays } from '../data/index.js';
import { type AuditConfig, auditCube, featureSets } from './audit.js';
import { memoryCube } from './producers/memory.js';

const base: AuditConfig = {
  source: 'test',
  engine: 'memory',
  label: 'y',
  prediction: 'p',
  score: null,
  threshold: null,
  positive: ['1'],
  sensitive: ['g'],
  control: [],
  weight: null,
  intersections: false,
  reference: {},
  convention: 'aequa',
  ci: null,
  ciMethod: null,
  bootstrap: 200,
  seed: 7,
  alpha: 0.05,
  correction: 'holm',
  minGroupSize: 0,
  generalizedEntropyAlpha: 2,
};

describe('featureSets', () => {
  it('lists each feature, then every combination of two or more with intersections', () => {
    expect(featureSets(['a', 'b', 'c'], false)).toEqual([['a'], ['b'], ['c']]);
    expect(featureSets(['a', 'b', 'c'], true)).toEqual([
      ['a'],
      ['b'],
      ['c'],
      ['a', 'b'],
      ['a', 'c'],
      ['b', 'c'],
      ['a', 'b', 'c'],
    ]);
  });
});

describe('auditCube', () => {
  // Group a: y = 1 1 0 0, p = 1 0 1 0 → selection 2/4; group b: y = 1 0, p = 1 1 → selection 2/2;
  // group c (1 row): y = 0, p = 0 → selection 0/1.
  const t = fromArrays({
    g: ['a', 'a', 'a', 'a', 'b', 'b', 'c'],
    y: [1, 1, 0, 0, 1, 0, 0],
    p: [1, 0, 1, 0, 1, 1, 0],
  });
  const spec = { task: 'binary' as const, label: 'y', prediction: 'p', positive: ['1'], dims: ['g'] };

  it('computes disparities over every group when no group is small', () => {
    const r = auditCube(memoryCube(t, spec), base);
    expect(r.byFeature.g!.groups.c!.selectionRate).toBe(0);
    expect(r.byFeature.g!.disparities.demographicParityDifference!.value).toBe(1); // 1 − 0
    expect(r.byFeature.g!.reference).toBe('a'); // the largest group
  });

  it('reports a group below minGroupSize but leaves it out of disparities and tests', () => {
    const r = auditCube(memoryCube(t, spec), { ...base, minGroupSize: 2 });
    expect(r.byFeature.g!.groups.c!.small).toBe(true);
    expect(r.byFeature.g!.groups.c!.selectionRate).toBe(0);
    expect(r.byFeature.g!.disparities.demographicParityDifference!.value).toBe(0.5); // 1 − 1/2, c excluded
    expect(r.significance.tests.every((x) => !x.groups.includes('c'))).toBe(true);
  });

  it('gives the same bootstrap intervals for the same seed and different ones for another seed', () => {
    const cube = memoryCube(t, spec);
    const a = auditCube(cube, { ...base, ci: 0.9, ciMethod: 'wilson' });
    const b = auditCube(cube, { ...base, ci: 0.9, ciMethod: 'wilson' });
    const c = auditCube(cube, { ...base, ci: 0.9, ciMethod: 'wilson', seed: 8 });
    const ci = (r: typeof a) => r.byFeature.g!.disparities.accuracyDifference!.ci;
    expect(ci(a)).toBeDefined();
    expect(ci(a)).toEqual(ci(b));
    expect(JSON.stringify(ci(a)) === JSON.stringify(ci(c))).toBe(false);
  });

  it('adjusted p-values are never below the raw ones', () => {
    const r = auditCube(memoryCube(t, spec), base);
    expect(r.significance.tests.length).toBeGreaterThan(0);
    for (const x of r.significance.tests) expect(x.adjustedPValue).toBeGreaterThanOrEqual(x.pValue);
  });

  it('audits a multiclass task one-vs-rest, per class', () => {
    const m = fromArrays({
      g: ['a', 'a', 'a', 'b', 'b', 'b'],
      y: ['x', 'y', 'z', 'x', 'y', 'z'],
      p: ['x', 'y', 'y', 'x', 'x', 'z'],
    });
    const cube = memoryCube(m, { task: 'multiclass', label: 'y', prediction: 'p', dims: ['g'] });
    const r = auditCube(cube, { ...base, positive: null });
    expect(r.input.task).toBe('multiclass');
    expect(r.overall.accuracy).toBeCloseTo(4 / 6, 15); // x✓ y✓ z✗ x✓ y✗ z✓
    expect(Object.keys(r.byFeature).sort()).toEqual(['g[class=x]', 'g[class=y]', 'g[class=z]']);
    // class y, group a: predicted y for rows 2 and 3 → selection 2/3; group b: none → 0.
    expect(r.byFeature['g[class=y]']!.groups.a!.selectionRate).toBeCloseTo(2 / 3, 15);
    expect(r.byFeature['g[class=y]']!.groups.b!.selectionRate).toBe(0);
  });

  it('audits a regression task from moments', () => {
    const m = fromArrays({ g: ['a', 'a', 'b', 'b'], y: [1, 3, 2, 2], p: [2, 3, 0, 2] });
    const cube = memoryCube(m, { task: 'regression', label: 'y', prediction: 'p', dims: ['g'] });
    const r = auditCube(cube, { ...base, positive: null });
    // errors: a → (+1, 0), b → (−2, 0); MAE a 0.5, b 1; mean error a 0.5, b −1.
    expect(r.byFeature.g!.groups.a!.meanAbsoluteError).toBe(0.5);
    expect(r.byFeature.g!.groups.b!.meanError).toBe(-1);
    expect(r.byFeature.g!.disparities.meanErrorDifference!.value).toBe(1.5);
  });

  it('adds conditional disparities within strata of a control feature', () => {
    // Stratum s: a selected 2/2, b 0/2; stratum t: a 0/1, b 1/3.
    const m = fromArrays({
      g: ['a', 'a', 'b', 'b', 'a', 'b', 'b', 'b'],
      s: ['s', 's', 's', 's', 't', 't', 't', 't'],
      y: [1, 0, 1, 0, 1, 0, 1, 0],
      p: [1, 1, 0, 0, 0, 1, 0, 0],
    });
    const cube = memoryCube(m, { ...spec, dims: ['g', 's'] });
    const r = auditCube(cube, { ...base, control: ['s'] });
    const c = r.byFeature.g!.conditional!;
    expect(c.control).toEqual(['s']);
    expect(c.byStratum.s!.demographicParityDifference).toBe(1);
    expect(c.byStratum.t!.demographicParityDifference).toBeCloseTo(1 / 3, 15);
    expect(c.byStratum.s!.count + c.byStratum.t!.count).toBe(8);
  });

  it('refuses an empty cube with AEQ_DATA_EMPTY', () => {
    const empty = fromArrays({ g: [null], y: [null], p: [null] });
    const cube = memoryCube(empty, { ...spec, dropMissing: true });
    expect(() => auditCube(cube, base)).toThrow(expect.objectContaining({ code: 'AEQ_DATA_EMPTY' }));
  });
});
