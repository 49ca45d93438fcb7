import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../core/index.js';
import {
  bnspAuc,
  bpsnAuc,
  brierScore,
  calibrationCurve,
  emptyScoreHistogram,
  expectedCalibrationError,
  mergeScoreHistograms,
  rocAuc,
  rocCurve,
  scoreHistogram,
  subgroupAuc,
  subtractScoreHistograms,
} from './scores.js';
import type { ScoreHistogram } from './types.js';

type Row = readonly [score: number, y: number, w: number];

/** Random rows with few distinct scores (so ties are common) and integer weights (exact sums). */
const rowsArb = fc.array(
  fc.tuple(
    fc.integer({ min: -4, max: 4 }).map((k) => k / 4),
    fc.integer({ min: 0, max: 1 }),
    fc.integer({ min: 0, max: 5 }),
  ),
  { maxLength: 40 },
);
const hist = (rows: readonly Row[]): ScoreHistogram =>
  scoreHistogram(
    rows.map((r) => r[0]),
    rows.map((r) => r[1]),
    rows.map((r) => r[2]),
  );
const plain = (h: ScoreHistogram) => ({
  values: [...h.values],
  pos: [...h.pos],
  neg: [...h.neg],
  npos: [...h.npos],
  nneg: [...h.nneg],
});

/** O(n²) reference AUC: every (positive, negative) pair, weight w⁺·w⁻, 1 if s⁺ > s⁻, ½ on ties. */
function pairwiseAuc(pos: readonly Row[], neg: readonly Row[]): number | null {
  let num = 0;
  let den = 0;
  for (const p of pos) {
    for (const n of neg) {
      const w = p[2] * n[2];
      den += w;
      num += p[0] > n[0] ? w : p[0] === n[0] ? w / 2 : 0;
    }
  }
  return den === 0 ? null : num / den;
}

describe('scoreHistogram', () => {
  it('sorts, run-length encodes and separates classes', () => {
    // values 0.2 (y=0,w=1; y=1,w=3), 0.5 (y=1,w=2), 0.9 (y=0,w=0.5)
    const h = scoreHistogram([0.5, 0.2, 0.9, 0.2], [1, 0, 0, 1], [2, 1, 0.5, 3]);
    expect(plain(h)).toEqual({
      values: [0.2, 0.5, 0.9],
      pos: [3, 2, 0],
      neg: [1, 0, 0.5],
      npos: [1, 1, 0],
      nneg: [1, 0, 1],
    });
  });

  it('treats −0 and 0 as one value stored as +0', () => {
    const h = scoreHistogram([-0, 0], [0, 1]);
    expect(h.values.length).toBe(1);
    expect(Object.is(h.values[0], 0)).toBe(true);
  });

  it('returns the empty histogram for no rows', () => {
    expect(scoreHistogram([], [])).toBe(emptyScoreHistogram);
  });

  it('rejects NaN scores, non-binary labels, negative weights and length mismatches', () => {
    expect(() => scoreHistogram([Number.NaN], [1])).toThrow(/"scores\[0\]" .*finite/);
    expect(() => scoreHistogram([0.1], [2])).toThrow(/"yTrue\[0\]" .*0 or 1/);
    expect(() => scoreHistogram([0.1], [1], [-1])).toThrow(/"weights\[0\]"/);
    expect(() => scoreHistogram([0.1, 0.2], [1])).toThrow(InvalidArgumentError);
  });
});

describe('mergeScoreHistograms', () => {
  it('equals the histogram of the concatenated rows', () => {
    fc.assert(
      fc.property(rowsArb, rowsArb, (a, b) => {
        expect(plain(mergeScoreHistograms(hist(a), hist(b)))).toEqual(plain(hist([...a, ...b])));
      }),
    );
  });

  it('is commutative and associative, with the empty histogram as identity', () => {
    fc.assert(
      fc.property(rowsArb, rowsArb, rowsArb, (a, b, c) => {
        const [ha, hb, hc] = [hist(a), hist(b), hist(c)];
        expect(plain(mergeScoreHistograms(ha, hb))).toEqual(plain(mergeScoreHistograms(hb, ha)));
        expect(plain(mergeScoreHistograms(mergeScoreHistograms(ha, hb), hc))).toEqual(
          plain(mergeScoreHistograms(ha, mergeScoreHistograms(hb, hc))),
        );
        expect(plain(mergeScoreHistograms(ha, emptyScoreHistogram))).toEqual(plain(ha));
      }),
    );
  });
});

describe('subtractScoreHistograms', () => {
  it('recovers the complement exactly', () => {
    fc.assert(
      fc.property(rowsArb, rowsArb, (a, b) => {
        const total = hist([...a, ...b]);
        expect(plain(subtractScoreHistograms(total, hist(a)))).toEqual(plain(hist(b)));
      }),
    );
  });

  it('rejects a part that is not a subset of the total', () => {
    const total = scoreHistogram([0.1, 0.5], [0, 1]);
    expect(() => subtractScoreHistograms(total, scoreHistogram([0.3], [0]))).toThrow(InvalidArgumentError);
    expect(() => subtractScoreHistograms(total, scoreHistogram([0.5, 0.5], [1, 1]))).toThrow(/more rows/);
    expect(() => subtractScoreHistograms(total, scoreHistogram([0.9], [1]))).toThrow(InvalidArgumentError);
  });
});

describe('rocAuc', () => {
  it('is 0.75 for a hand example', () => {
    // positives 0.35, 0.8; negatives 0.1, 0.4: pairs (0.35>0.1) (0.35<0.4) (0.8>0.1) (0.8>0.4) → 3/4
    expect(rocAuc(scoreHistogram([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]))).toEqual({ value: 0.75 });
  });

  it('counts ties as one half and uses weights', () => {
    // pos (0.5, w=2), neg (0.5, w=1), neg (0.2, w=3): U = 2·1·½ + 2·3·1 = 7, P·N = 2·4 = 8 → 0.875
    expect(rocAuc(scoreHistogram([0.5, 0.5, 0.2], [1, 0, 0], [2, 1, 3]))).toEqual({ value: 0.875 });
  });

  it('equals the O(n²) weighted pair count with ties ½ on random inputs', () => {
    fc.assert(
      fc.property(rowsArb, (rows) => {
        const expected = pairwiseAuc(
          rows.filter((r) => r[1] === 1),
          rows.filter((r) => r[1] === 0),
        );
        const got = rocAuc(hist(rows)).value;
        if (expected === null) expect(got).toBeNull();
        // Integer weights: numerator and denominator are exact; only the division rounds.
        else expect(got).toBeCloseTo(expected, 14);
      }),
    );
  });

  it('only depends on the order of scores, so any real scores work', () => {
    const s = [-3, 120, 7, 0.5];
    const y = [0, 1, 1, 0];
    // positives 120, 7; negatives −3, 0.5 → all 4 pairs correct → 1
    expect(rocAuc(scoreHistogram(s, y)).value).toBe(1);
    expect(
      rocAuc(
        scoreHistogram(
          s.map((v) => Math.exp(v / 100)),
          y,
        ),
      ).value,
    ).toBe(1);
  });

  it('returns null with a reason when undefined', () => {
    expect(rocAuc(emptyScoreHistogram)).toEqual({ value: null, undefinedBecause: 'emptyGroup' });
    expect(rocAuc(scoreHistogram([0.1, 0.2], [1, 1]))).toEqual({
      value: null,
      undefinedBecause: 'singleClass',
    });
    expect(rocAuc(scoreHistogram([0.1, 0.2], [0, 0]))).toEqual({
      value: null,
      undefinedBecause: 'singleClass',
    });
    expect(rocAuc(scoreHistogram([0.1, 0.2], [0, 1], [0, 1]))).toEqual({
      value: null,
      undefinedBecause: 'zeroWeight',
    });
  });

  it('subgroupAuc is the AUC of the subgroup', () => {
    const h = scoreHistogram([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
    expect(subgroupAuc(h)).toEqual(rocAuc(h));
  });
});

describe('bpsnAuc and bnspAuc', () => {
  it('match brute force on the Borkan et al. definitions', () => {
    fc.assert(
      fc.property(rowsArb, rowsArb, (group, background) => {
        const g = hist(group);
        const b = hist(background);
        const gPos = group.filter((r) => r[1] === 1);
        const gNeg = group.filter((r) => r[1] === 0);
        const bPos = background.filter((r) => r[1] === 1);
        const bNeg = background.filter((r) => r[1] === 0);
        // BPSN: background positives vs subgroup negatives; BNSP: subgroup positives vs background negatives.
        const bpsn = pairwiseAuc(bPos, gNeg);
        const bnsp = pairwiseAuc(gPos, bNeg);
        const gotBpsn = bpsnAuc(g, b).value;
        const gotBnsp = bnspAuc(g, b).value;
        if (bpsn === null) expect(gotBpsn).toBeNull();
        else expect(gotBpsn).toBeCloseTo(bpsn, 14);
        if (bnsp === null) expect(gotBnsp).toBeNull();
        else expect(gotBnsp).toBeCloseTo(bnsp, 14);
      }),
    );
  });

  it('flag where errors concentrate in a hand example', () => {
    // subgroup: neg 0.6, pos 0.9; background: pos 0.5, neg 0.2.
    const g = scoreHistogram([0.6, 0.9], [0, 1]);
    const b = scoreHistogram([0.5, 0.2], [1, 0]);
    expect(bpsnAuc(g, b)).toEqual({ value: 0 }); // 0.5 (bg pos) < 0.6 (sub neg)
    expect(bnspAuc(g, b)).toEqual({ value: 1 }); // 0.9 (sub pos) > 0.2 (bg neg)
  });

  it('name the missing side when undefined', () => {
    const onlyNeg = scoreHistogram([0.3], [0]);
    const onlyPos = scoreHistogram([0.3], [1]);
    expect(bpsnAuc(emptyScoreHistogram, onlyPos)).toEqual({ value: null, undefinedBecause: 'emptyGroup' });
    expect(bpsnAuc(onlyNeg, onlyNeg)).toEqual({ value: null, undefinedBecause: 'noPositives' });
    expect(bpsnAuc(onlyPos, onlyPos)).toEqual({ value: null, undefinedBecause: 'noNegatives' });
    expect(bnspAuc(onlyNeg, onlyNeg)).toEqual({ value: null, undefinedBecause: 'noPositives' });
    expect(bnspAuc(onlyPos, onlyPos)).toEqual({ value: null, undefinedBecause: 'noNegatives' });
  });
});

describe('rocCurve', () => {
  it('steps through thresholds from (0, 0) to (1, 1)', () => {
    // descending: 0.8 pos → (0, ½); 0.4 neg → (½, ½); 0.35 pos → (½, 1); 0.1 neg → (1, 1)
    expect(rocCurve(scoreHistogram([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]))).toEqual([
      [0, 0],
      [0, 0.5],
      [0.5, 0.5],
      [0.5, 1],
      [1, 1],
    ]);
  });

  it('downsamples long curves keeping both endpoints and monotonicity', () => {
    const n = 1000;
    const s = Array.from({ length: n }, (_, i) => i / n);
    const y = s.map((_, i) => ((i * 7919) % 3 === 0 ? 1 : 0));
    const full = rocCurve(scoreHistogram(s, y), 10_000);
    expect(full.length).toBe(n + 1);
    const c = rocCurve(scoreHistogram(s, y));
    expect(c.length).toBe(200);
    expect(c[0]).toEqual([0, 0]);
    expect(c[199]).toEqual([1, 1]);
    for (let i = 1; i < c.length; i++) {
      expect(c[i]![0]).toBeGreaterThanOrEqual(c[i - 1]![0]);
      expect(c[i]![1]).toBeGreaterThanOrEqual(c[i - 1]![1]);
    }
  });

  it('is empty when a class is missing', () => {
    expect(rocCurve(scoreHistogram([0.1], [1]))).toEqual([]);
  });
});

describe('brierScore', () => {
  it('is the weighted mean squared error of the score', () => {
    // (0.9−1)² = 0.01, (0.2−0)² = 0.04, (0.6−0)² = 0.36 → 0.41/3
    expect(brierScore(scoreHistogram([0.9, 0.2, 0.6], [1, 0, 0])).value).toBeCloseTo(0.41 / 3, 15);
    // weights 1, 2, 1: (0.01 + 0.08 + 0.36)/4 = 0.1125
    expect(brierScore(scoreHistogram([0.9, 0.2, 0.6], [1, 0, 0], [1, 2, 1])).value).toBeCloseTo(0.1125, 15);
  });

  it('is null with undefinedInput when a score is not a probability', () => {
    expect(brierScore(scoreHistogram([1.5, 0.2], [1, 0]))).toEqual({
      value: null,
      undefinedBecause: 'undefinedInput',
    });
    expect(brierScore(emptyScoreHistogram)).toEqual({ value: null, undefinedBecause: 'emptyGroup' });
  });
});

describe('expectedCalibrationError', () => {
  it('weights each bin gap by its share of weight', () => {
    // B = 2: bin [0, ½) holds 0.15, 0.15 with y 0, 1 → |0.15 − 0.5| = 0.35, share ½;
    // bin [½, 1] holds 0.85, 0.85 with y 1, 1 → |0.85 − 1| = 0.15, share ½ → 0.175 + 0.075 = 0.25
    expect(
      expectedCalibrationError(scoreHistogram([0.15, 0.15, 0.85, 0.85], [0, 1, 1, 1]), 2).value,
    ).toBeCloseTo(0.25, 15);
  });

  it('uses 10 bins by default and puts a score of 1 in the last bin', () => {
    // 10 bins: 0.05 (y=0) alone in bin 0 → gap 0.05; 1.0 (y=1) in bin 9 → gap 0;
    // 0.55 (y=1, w=2) alone in bin 5 → gap 0.45. ECE = (1·0.05 + 1·0 + 2·0.45) / 4 = 0.2375
    const h = scoreHistogram([0.05, 1, 0.55], [0, 1, 1], [1, 1, 2]);
    expect(expectedCalibrationError(h).value).toBeCloseTo(0.2375, 15);
  });

  it('is 0 when each bin is perfectly calibrated', () => {
    // bin [0.2, 0.3): scores 0.25 ×4 with one positive → mean 0.25, rate 0.25
    expect(expectedCalibrationError(scoreHistogram([0.25, 0.25, 0.25, 0.25], [1, 0, 0, 0])).value).toBe(0);
  });

  it('is null with undefinedInput for scores outside [0, 1] and rejects bad bin counts', () => {
    expect(expectedCalibrationError(scoreHistogram([-0.1], [0]))).toEqual({
      value: null,
      undefinedBecause: 'undefinedInput',
    });
    expect(() => expectedCalibrationError(scoreHistogram([0.1], [0]), 0)).toThrow(/"bins"/);
  });
});

describe('calibrationCurve', () => {
  it('lists non-empty bins with mean score, observed rate and count', () => {
    expect(calibrationCurve(scoreHistogram([0.15, 0.15, 0.85, 0.85], [0, 1, 1, 1]), 2)).toEqual([
      { meanScore: 0.15, observedRate: 0.5, count: 2 },
      { meanScore: 0.85, observedRate: 1, count: 2 },
    ]);
  });

  it('weights the mean score and rate', () => {
    // one bin (B = 1): scores 0.2 (y=0, w=3), 0.6 (y=1, w=1) → mean (0.6 + 0.6)/4 = 0.3, rate 1/4
    const [b] = calibrationCurve(scoreHistogram([0.2, 0.6], [0, 1], [3, 1]), 1);
    expect(b!.meanScore).toBeCloseTo(0.3, 15);
    expect(b!.observedRate).toBe(0.25);
    expect(b!.count).toBe(2);
  });

  it('is empty for scores outside [0, 1]', () => {
    expect(calibrationCurve(scoreHistogram([2], [1]))).toEqual([]);
  });
});
