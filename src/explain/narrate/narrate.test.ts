import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAttribution, formatScore, formatValue, MINUS, parseAttribution } from './format.js';
import { narrate } from './narrate.js';
import { ENGLISH_TEMPLATES, type NarrationTemplates } from './templates.js';

const REASON = /([A-Za-z_]\w*) was (\S+) \(([+\u2212]?[0-9][0-9.e+\u2212]*)\)/g;

function parseReasons(sentence: string): { feature: string; value: string; number: number; sign: string }[] {
  return [...sentence.matchAll(REASON)].map((m) => ({
    feature: m[1]!,
    value: m[2]!,
    number: parseAttribution(m[3]!),
    sign: m[3]!.startsWith(MINUS) ? '-' : '+',
  }));
}

describe('formatAttribution and formatValue', () => {
  it('write signed attributions with two decimals and small ones with two significant digits', () => {
    expect(formatAttribution(-0.3149)).toBe(`${MINUS}0.31`);
    expect(formatAttribution(0.005)).toBe('+0.01'); // toFixed rounds half up here (0.005 is 0.005000000000000000104)
    expect(formatAttribution(0.0031)).toBe('+0.0031');
    expect(formatAttribution(-4.9e-9)).toBe(`${MINUS}4.9e${MINUS}9`);
    expect(parseAttribution(`${MINUS}4.9e${MINUS}9`)).toBe(-4.9e-9);
    expect(formatAttribution(0)).toBe('0.00');
    expect(parseAttribution(`${MINUS}0.31`)).toBe(-0.31);
  });

  it('write integers whole and other numbers to four significant digits', () => {
    expect(formatValue(20000)).toBe('20000');
    expect(formatValue(0.123456)).toBe('0.1235');
    expect(formatValue(true)).toBe('true');
    expect(formatValue(null)).toBe('missing');
    expect(formatValue(-3)).toBe(`${MINUS}3`);
    expect(formatValue(-0.123456)).toBe(`${MINUS}0.1235`);
  });

  it('write scores with two decimals and U+2212 for a negative score, never a hyphen or "−0.00"', () => {
    expect(formatScore(0.2349)).toBe('0.23');
    // −5.021 (a log-odds) → "−5.02", the same minus as the attributions.
    expect(formatScore(-5.021)).toBe(`${MINUS}5.02`);
    expect(formatScore(-0.001)).toBe('0.00');
    expect(parseAttribution(formatScore(-5.021))).toBe(-5.02);
  });
});

/** The decision sentence's "(score S, threshold T)", parsed; the numbers must not use an ASCII hyphen. */
const DECISION = /\(score ([+\u2212]?\d+\.\d\d), threshold ([+\u2212]?\d+\.\d\d)\)/;

describe('narrate', () => {
  const expl = {
    featureNames: ['income', 'debt', 'age', 'housing'],
    rows: [
      {
        row: 0,
        prediction: 0.18,
        baseValue: 0.6,
        attributions: new Float64Array([-0.31, -0.12, 0.05, -0.04]),
        values: [20000, 0.5, 30, 'rent'],
      },
    ],
  };

  it('writes the decision, its main reasons, what counted in its favour and the counterfactual', () => {
    const n = narrate(expl, {
      counterfactual: {
        changes: [
          { feature: 'income', from: 20000, to: 40000 },
          { feature: 'housing', from: 'rent', to: 'own' },
        ],
      },
    });
    expect(n.text).toBe(
      `The application was declined (score 0.18, threshold 0.50). It was declined mainly because income was 20000 (${MINUS}0.31) and debt was 0.5 (${MINUS}0.12). In its favour: age was 30 (+0.05). Raising income from 20000 to 40000 and changing housing from rent to own would have changed the decision.`,
    );
  });

  it('states every number and direction as the attributions say, naming the top features by |φ| (property)', () => {
    const names = ['income', 'debt', 'age', 'tenure', 'score', 'region'];
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 6, maxLength: 6 }),
        fc.array(fc.integer({ min: 0, max: 99999 }), { minLength: 6, maxLength: 6 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 6 }),
        (phi, vals, prediction, top) => {
          const e = {
            featureNames: names,
            rows: [
              { row: 0, prediction, baseValue: 0.5, attributions: Float64Array.from(phi), values: vals },
            ],
          };
          const n = narrate(e, { top });
          const positive = prediction >= 0.5;
          expect(n.sentences[0]).toContain(positive ? 'was approved' : 'was declined');
          // The expected top features: nonzero |φ| descending, ties by position, at most `top`.
          const expected = names
            .map((f, j) => ({ f, j, a: phi[j]! }))
            .filter((x) => x.a !== 0)
            .sort((x, y) => Math.abs(y.a) - Math.abs(x.a) || x.j - y.j)
            .slice(0, top);
          const because = n.sentences.find((s) => s.includes('mainly because')) ?? '';
          const favour =
            n.sentences.find((s) => s.startsWith('In its favour:') || s.startsWith('Against it:')) ?? '';
          const stated = [
            ...parseReasons(because).map((r) => ({ ...r, pro: true })),
            ...parseReasons(favour).map((r) => ({ ...r, pro: false })),
          ];
          expect(stated.map((s) => s.feature).sort()).toEqual(expected.map((x) => x.f).sort());
          for (const s of stated) {
            const j = names.indexOf(s.feature);
            const a = phi[j]!;
            // Same sign as φ, and the printed number is φ rounded: within half a unit of its last digit.
            expect(s.sign).toBe(a < 0 ? '-' : '+');
            const tol = Math.abs(a) >= 0.005 ? 0.005 + 1e-12 : Math.abs(a) * 0.05 + 1e-300;
            expect(Math.abs(s.number - a)).toBeLessThanOrEqual(tol);
            // Listed as a main reason exactly when φ points to the outcome.
            expect(s.pro).toBe(positive ? a > 0 : a < 0);
            expect(s.value).toBe(formatValue(vals[j]!));
          }
        },
      ),
      { numRuns: 200, seed: 11 },
    );
  });

  it('states the score and threshold as the prediction says, with U+2212 for log-odds below 0 (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -12, max: 12, noNaN: true }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 4, maxLength: 4 }),
        (prediction, threshold, phi) => {
          const e = {
            ...expl,
            rows: [{ ...expl.rows[0]!, prediction, attributions: Float64Array.from(phi) }],
          };
          const n = narrate(e, { threshold });
          // No ASCII hyphen-minus anywhere in the text: every negative number uses U+2212.
          expect(n.text).not.toMatch(/-/);
          const m = DECISION.exec(n.sentences[0]!);
          expect(m).not.toBeNull();
          // Printed to two decimals: within half a unit of the last digit (plus float slack).
          expect(Math.abs(parseAttribution(m![1]!) - prediction)).toBeLessThanOrEqual(0.005 + 1e-12);
          expect(Math.abs(parseAttribution(m![2]!) - threshold)).toBeLessThanOrEqual(0.005 + 1e-12);
          if (prediction <= -0.005) expect(m![1]!.startsWith(MINUS)).toBe(true);
        },
      ),
      { numRuns: 200, seed: 12 },
    );
  });

  it('takes replacement templates for another language', () => {
    const de: NarrationTemplates = {
      ...ENGLISH_TEMPLATES,
      decision: ({ outcome, score }) => `Der Antrag wurde ${outcome} (Wert ${score}).`,
      because: ({ reasons }) => `Hauptgründe: ${reasons.join('; ')}.`,
      against: ({ reasons }) => `Dafür sprach: ${reasons.join('; ')}.`,
      reason: ({ feature, value, attribution }) => `${feature} = ${value} (${attribution})`,
    };
    const n = narrate(expl, { templates: de, negativeOutcome: 'abgelehnt', top: 2 });
    expect(n.text).toBe(
      `Der Antrag wurde abgelehnt (Wert 0.18). Hauptgründe: income = 20000 (${MINUS}0.31); debt = 0.5 (${MINUS}0.12).`,
    );
  });

  it('refuses a row index out of range', () => {
    expect(() => narrate(expl, { row: 3 })).toThrow(
      /Argument "row" passed to narrate must be an index into the 1 explained rows, got 3/,
    );
  });
});
