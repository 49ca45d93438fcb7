import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DisparityResult, GroupResult } from '../metrics/index.js';
import {
  cellWithReason,
  featureTitle,
  fmtCount,
  fmtInterval,
  fmtNum,
  fmtP,
  fmtWithCi,
  fourFifthsOf,
  groupCell,
  inFairBand,
  metricLabel,
} from './format.js';

describe('fmtNum', () => {
  it('rounds to 3 decimals by default and prints null, undefined and NaN as a dash', () => {
    expect(fmtNum(0.41666)).toBe('0.417');
    expect(fmtNum(0)).toBe('0.000');
    expect(fmtNum(null)).toBe('—');
    expect(fmtNum(undefined)).toBe('—');
    expect(fmtNum(Number.NaN)).toBe('—');
  });

  it('never prints a negative zero', () => {
    // -0.0001 rounds to -0.000 with toFixed(3); a report should say 0.000.
    expect(fmtNum(-0.0001)).toBe('0.000');
    expect(fmtNum(-0)).toBe('0.000');
    expect(fmtNum(-0.25)).toBe('-0.250');
  });

  it('prints every finite number with exactly the requested decimals', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 6 }), (x, d) => {
        const s = fmtNum(x, d);
        const decimals = s.includes('.') ? s.split('.')[1]!.length : 0;
        expect(decimals).toBe(d);
        // The printed value is within half a unit of the last place of x (plus float slack 1e-9).
        expect(Math.abs(Number(s) - x)).toBeLessThanOrEqual(0.5 * 10 ** -d + 1e-9);
      }),
    );
  });
});

describe('interval and p-value formatting', () => {
  it('formats a value with its interval as value [lo, hi]', () => {
    expect(fmtWithCi(0.42, [0.39, 0.45])).toBe('0.420 [0.390, 0.450]');
    expect(fmtWithCi(0.42, undefined)).toBe('0.420');
    expect(fmtWithCi(null, [0.39, 0.45])).toBe('—');
    expect(fmtInterval(undefined)).toBe('');
  });

  it('prints p-values to 3 decimals down to 0.001 and scientific below', () => {
    expect(fmtP(0.0257)).toBe('0.026');
    expect(fmtP(0.001)).toBe('0.001');
    expect(fmtP(0.000999)).toBe('1.0e-3');
    expect(fmtP(8.602e-99)).toBe('8.6e-99');
    expect(fmtP(0)).toBe('0');
    expect(fmtP(undefined)).toBe('—');
  });

  it('prints integer counts bare and weighted counts with one decimal', () => {
    expect(fmtCount(6172)).toBe('6172');
    expect(fmtCount(12.25)).toBe('12.3');
    expect(fmtCount(null)).toBe('—');
  });
});

describe('labels', () => {
  it('uses short labels for known metrics and splits other camelCase names into words', () => {
    expect(metricLabel('truePositiveRate')).toBe('TPR');
    expect(metricLabel('selectionRate')).toBe('selection rate');
    expect(metricLabel('demographicParityDifference')).toBe('demographic parity difference');
    expect(metricLabel('rocAucDifference')).toBe('ROC AUC difference');
  });

  it('shows an intersection key with a multiplication sign', () => {
    expect(featureTitle('race&sex')).toBe('race × sex');
    expect(featureTitle('race')).toBe('race');
  });
});

describe('groupCell', () => {
  const g = {
    count: 11,
    small: true,
    key: { race: 'x' },
    selectionRate: 0.363636,
    truePositiveRate: null,
    undefinedBecause: { truePositiveRate: 'noPositives' },
    ci: { selectionRate: [0.151665, 0.646199] },
  } as unknown as GroupResult;

  it('shows a value with its interval, or a dash with the reason when it is undefined', () => {
    expect(groupCell(g, 'selectionRate')).toEqual({ text: '0.364 [0.152, 0.646]', reason: undefined });
    expect(groupCell(g, 'selectionRate', false).text).toBe('0.364');
    expect(groupCell(g, 'truePositiveRate')).toEqual({ text: '—', reason: 'noPositives' });
    expect(cellWithReason(groupCell(g, 'truePositiveRate'))).toBe('— (noPositives)');
    expect(groupCell(g, 'count').text).toBe('11');
  });

  it('shows a dash without a reason for a metric the group does not have', () => {
    expect(groupCell(g, 'rocAuc')).toEqual({ text: '—', reason: undefined });
  });
});

describe('four-fifths rule and fair band', () => {
  const ratio = (value: number | null, extra: Partial<DisparityResult> = {}): DisparityResult => ({
    value,
    kind: 'ratio',
    metric: 'selectionRate',
    ...extra,
  });

  it('uses the result’s own fourFifths flag when present', () => {
    expect(fourFifthsOf(ratio(0.9, { fourFifths: false }))).toBe(false);
  });

  it('computes ratio ≥ 0.8 for ratios without the flag, and nothing for differences or nulls', () => {
    expect(fourFifthsOf(ratio(0.8))).toBe(true);
    expect(fourFifthsOf(ratio(0.7999))).toBe(false);
    expect(fourFifthsOf(ratio(null))).toBeUndefined();
    expect(fourFifthsOf({ value: 0.1, kind: 'difference', metric: 'selectionRate' })).toBeUndefined();
  });

  it('checks both ends of the fair band', () => {
    expect(inFairBand(ratio(1.25), [0.8, 1.25])).toBe(true);
    expect(inFairBand(ratio(1.26), [0.8, 1.25])).toBe(false);
    expect(inFairBand(ratio(0.79), [0.8, 1.25])).toBe(false);
  });
});
