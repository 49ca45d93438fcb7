import { describe, expect, it } from 'vitest';
import type { AequaError } from '../core/index.js';
import { fromArrays } from '../data/index.js';
import { prepareFitData } from './fit-data.js';

const t = fromArrays({
  x: [1, 2, 3, 4],
  w: [1, 2, 1, 0.5],
  grade: ['b', 'a', 'c', 'a'],
  y: ['no', 'yes', 'yes', 'no'],
  amount: [1.5, 2, 3, 4],
});

async function codeOf(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn();
  } catch (e) {
    return (e as AequaError).code;
  }
  return undefined;
}

describe('prepareFitData', () => {
  it('uses every column but the target and the weight column as features', () => {
    const d = prepareFitData(t, 'y', { kind: 'classification', sampleWeight: 'w' });
    expect(d.features).toEqual(['x', 'grade', 'amount']);
    expect(Array.from(d.weights)).toEqual([1, 2, 1, 0.5]);
    expect(d.weightSum).toBe(4.5);
  });

  it('codes a yes/no target as binary with yes positive', () => {
    const d = prepareFitData(t, 'y', { kind: 'classification' });
    expect(d.task).toBe('binary');
    expect(d.classes).toEqual(['no', 'yes']);
    expect(Array.from(d.y)).toEqual([0, 1, 1, 0]);
  });

  it('takes the later value by code point as positive when no rule applies', () => {
    const d = prepareFitData(fromArrays({ x: [1, 2], y: ['>50K', '<=50K'] }), 'y', {
      kind: 'classification',
    });
    // '<' (U+003C) sorts before '>' (U+003E).
    expect(d.classes).toEqual(['<=50K', '>50K']);
    expect(Array.from(d.y)).toEqual([1, 0]);
  });

  it('makes a multiclass target with classes in code-point order, or binary when positive is given', () => {
    const m = prepareFitData(t, 'grade', { kind: 'classification', features: ['x'] });
    expect(m.task).toBe('multiclass');
    expect(m.classes).toEqual(['a', 'b', 'c']);
    expect(Array.from(m.y)).toEqual([1, 0, 2, 0]);
    const b = prepareFitData(t, 'grade', { kind: 'classification', features: ['x'], positive: ['a'] });
    expect(b.task).toBe('binary');
    expect(b.classes).toEqual(['b|c', 'a']);
    expect(Array.from(b.y)).toEqual([0, 1, 0, 1]);
  });

  it('reads a numeric regression target', () => {
    const d = prepareFitData(t, 'amount', { kind: 'regression', features: ['x'] });
    expect(d.task).toBe('regression');
    expect(Array.from(d.y)).toEqual([1.5, 2, 3, 4]);
  });

  it('rejects a missing target cell, negative weights and an empty table', async () => {
    expect(
      await codeOf(() =>
        prepareFitData(fromArrays({ x: [1, 2], y: [1, null] }), 'y', { kind: 'regression' }),
      ),
    ).toBe('AEQ_DATA_MISSING_VALUES');
    expect(
      await codeOf(() =>
        prepareFitData(t, 'y', { kind: 'classification', sampleWeight: Float64Array.of(1, -1, 1, 1) }),
      ),
    ).toBe('AEQ_INVALID_ARGUMENT');
    expect(
      await codeOf(() => prepareFitData(t.take(new Uint32Array(0)), 'y', { kind: 'classification' })),
    ).toBe('AEQ_DATA_EMPTY');
    expect(await codeOf(() => prepareFitData(t, 'target', { kind: 'classification' }))).toBe(
      'AEQ_DATA_MISSING_COLUMN',
    );
  });
});
