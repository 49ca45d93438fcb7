import { describe, expect, it } from 'vitest';
import { type AequaError, InvalidArgumentError } from '../core/index.js';
import type { ConventionName } from './audit-types.js';
import { CONVENTIONS, getConvention } from './conventions.js';

// A Record<Union, true> index: the compiler fails here if a ConventionName is added without a test row.
const NAMES: Record<ConventionName, true> = { aequa: true, fairlearn: true, aif360: true, aequitas: true };

describe('CONVENTIONS', () => {
  it('defines exactly the four named conventions, each carrying its own name', () => {
    expect(Object.keys(CONVENTIONS).sort()).toEqual(Object.keys(NAMES).sort());
    for (const [k, c] of Object.entries(CONVENTIONS)) expect(c.name).toBe(k);
  });

  it('makes aequa reference-free with null for 0/0 and the [0.8, 1.25] band', () => {
    expect(CONVENTIONS.aequa).toEqual({
      name: 'aequa',
      difference: 'maxMinusMin',
      ratio: 'minOverMax',
      undefinedRate: 'null',
      fairRatioBand: [0.8, 1.25],
    });
  });

  it("follows fairlearn's between_groups difference and ratio and its 0 for 0/0 rates", () => {
    expect(CONVENTIONS.fairlearn.difference).toBe('maxMinusMin');
    expect(CONVENTIONS.fairlearn.ratio).toBe('minOverMax');
    expect(CONVENTIONS.fairlearn.undefinedRate).toBe('zero');
  });

  it('follows AIF360 (signed, to the privileged reference) and Aequitas (to the reference, band 0.8–1.25)', () => {
    expect(CONVENTIONS.aif360.difference).toBe('unprivilegedMinusPrivileged');
    expect(CONVENTIONS.aif360.ratio).toBe('toReference');
    expect(CONVENTIONS.aequitas.difference).toBe('toReference');
    expect(CONVENTIONS.aequitas.ratio).toBe('toReference');
    // Aequitas' τ = 0.8: fair iff τ ≤ disparity ≤ 1/τ
    expect(CONVENTIONS.aequitas.fairRatioBand).toEqual([0.8, 1 / 0.8]);
  });

  it('is frozen so that a run cannot change a convention for the next', () => {
    expect(Object.isFrozen(CONVENTIONS)).toBe(true);
    expect(Object.isFrozen(CONVENTIONS.aequa)).toBe(true);
    expect(Object.isFrozen(CONVENTIONS.aequa.fairRatioBand)).toBe(true);
  });
});

describe('getConvention', () => {
  it('returns the convention of each name', () => {
    for (const n of Object.keys(NAMES) as ConventionName[]) expect(getConvention(n)).toBe(CONVENTIONS[n]);
  });

  it('throws AEQ_INVALID_ARGUMENT listing the known names for an unknown one', () => {
    expect.assertions(4);
    try {
      getConvention('sklearn');
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect((e as AequaError).code).toBe('AEQ_INVALID_ARGUMENT');
      expect((e as AequaError).message).toMatchInlineSnapshot(
        `"Argument "name" passed to getConvention must be one of aequa, fairlearn, aif360, aequitas, got "sklearn"."`,
      );
      expect((e as AequaError).hint).toContain('--convention');
    }
  });

  it('does not accept inherited object keys as names', () => {
    expect(() => getConvention('toString')).toThrow(InvalidArgumentError);
  });
});
