import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accuracyScore, evaluate, f1Score, logLoss, meanSquaredError } from './evaluate.js';

describe('accuracyScore', () => {
  it('counts matching codes, weighted', () => {
    // Rows 0, 1 and 3 match: 3/4 unweighted; weights 1, 2, 3, 4 give (1 + 2 + 4)/10.
    expect(accuracyScore([0, 1, 1, 2], [0, 1, 0, 2])).toBe(0.75);
    expect(accuracyScore([0, 1, 1, 2], [0, 1, 0, 2], [1, 2, 3, 4])).toBeCloseTo(0.7, 15);
    expect(accuracyScore([1, 0], [1, 1], [1, 3])).toBe(0.25);
  });

  it('is the same as the share of equal pairs for any binary arrays', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 1 })), { minLength: 1 }),
        (pairs) => {
          const same = pairs.filter(([a, b]) => a === b).length;
          expect(
            accuracyScore(
              pairs.map((p) => p[0]),
              pairs.map((p) => p[1]),
            ),
          ).toBeCloseTo(same / pairs.length, 14);
        },
      ),
    );
  });
});

describe('f1Score', () => {
  it('is 2tp/(2tp+fp+fn) for binary codes', () => {
    // tp = 1 (row 0), fn = 1 (row 1), fp = 1 (row 2): 2/(2+1+1) = 0.5.
    expect(f1Score([1, 1, 0, 0], [1, 0, 1, 0])).toBe(0.5);
  });

  it('macro-averages one-vs-rest F1 over the classes present', () => {
    // class 0: tp 1 → 1; class 1: tp 1, fp 1 → 2/3; class 2: fn 1 → 0. Mean 5/9.
    expect(f1Score([0, 1, 2], [0, 1, 1], { average: 'macro' })).toBeCloseTo(5 / 9, 15);
  });

  it('refuses binary averaging of three classes', () => {
    expect(() => f1Score([0, 1, 2], [0, 1, 2], { average: 'binary' })).toThrow(/average.*macro/);
  });
});

describe('logLoss', () => {
  it('is the mean negative log-probability of the true class', () => {
    // −(ln 0.8 + ln 0.6)/2 = 0.36698458754010020 (math.log in Python).
    expect(logLoss([1, 0], [0.8, 0.4])).toBeCloseTo(0.3669845875401002, 15);
    // Multiclass: rows pick 0.7 and 0.2; −(ln 0.7 + ln 0.2)/2 = 0.98305020298 .
    expect(logLoss([0, 2], [0.7, 0.2, 0.1, 0.5, 0.3, 0.2], { k: 3 })).toBeCloseTo(
      -(Math.log(0.7) + Math.log(0.2)) / 2,
      15,
    );
  });

  it('weights rows and clips certainty at 1e-15', () => {
    // weights 3 and 1: −(3 ln 0.8 + ln 0.6)/4.
    expect(logLoss([1, 0], [0.8, 0.4], { weights: [3, 1] })).toBeCloseTo(
      -(3 * Math.log(0.8) + Math.log(0.6)) / 4,
      15,
    );
    // A confident wrong answer costs −ln(1e−15) = 34.538776394910684, not Infinity.
    expect(logLoss([1], [0])).toBeCloseTo(34.538776394910684, 12);
  });

  it('rejects a label outside the classes', () => {
    expect(() => logLoss([3], [0.1, 0.2, 0.7], { k: 3 })).toThrow(/yTrue\[0\]/);
  });
});

describe('meanSquaredError', () => {
  it('averages squared errors, weighted', () => {
    expect(meanSquaredError([1, 2, 3], [1, 2, 5])).toBeCloseTo(4 / 3, 15);
    // weights 1, 1, 2: 2·4/4 = 2.
    expect(meanSquaredError([1, 2, 3], [1, 2, 5], [1, 1, 2])).toBe(2);
  });
});

describe('evaluate', () => {
  it('thresholds binary probabilities at 0.5 and reports log-loss, accuracy and F1', () => {
    // Predictions 1, 0, 0, 0 → accuracy 3/4; tp 1, fn 1 → F1 2/3.
    // loss −(ln .9 + ln .8 + ln .4 + ln .7)/4 = 0.40036743569623084 (Python math.log).
    const r = evaluate('binary', [1, 0, 1, 0], [0.9, 0.2, 0.4, 0.3]);
    expect(r.loss).toBeCloseTo(0.40036743569623084, 15);
    expect(r.accuracy).toBe(0.75);
    expect(r.f1).toBeCloseTo(2 / 3, 15);
  });

  it('takes the most probable class for multiclass outputs', () => {
    // argmax rows: 0, 1, 1 → accuracy 2/3; macro F1 as in the f1Score test (5/9).
    const r = evaluate('multiclass', [0, 1, 2], [0.6, 0.3, 0.1, 0.2, 0.5, 0.3, 0.1, 0.5, 0.4], {
      classes: 3,
    });
    expect(r.accuracy).toBeCloseTo(2 / 3, 15);
    expect(r.f1).toBeCloseTo(5 / 9, 15);
    expect(r.loss).toBeCloseTo(-(Math.log(0.6) + Math.log(0.5) + Math.log(0.4)) / 3, 15);
  });

  it('reports the mean squared error and no accuracy for regression', () => {
    expect(evaluate('regression', [1, 2], [2, 4])).toEqual({ loss: 2.5, accuracy: null, f1: null });
  });
});
