import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AequaError, InvalidArgumentError } from '../core/index.js';
import { fromArrays, type Table } from '../data/index.js';
import { dataBias } from './data-bias.js';

/*
 * The base pattern (10 rows), repeated 10 times so that the proxy tree can split (≥ 20 rows a leaf);
 * repetition leaves every share, rate and divergence unchanged and multiplies chi-square statistics by 10.
 *
 *  row sex y c x    dept p
 *   1   F  1 a  —    x   pf
 *   2   F  0 a  1    x   pf
 *   3   F  0 b  2    y   pf
 *   4   F  0 b  3    y   pf
 *   5   M  1 a  4    x   pm
 *   6   M  1 a  5    x   pm
 *   7   M  1 a  —    y   pm
 *   8   M  0 a  —    y   pm
 *   9   M  0 a  6    x   pm
 *  10   M  0 a  7    y   pm
 */
const BASE = {
  sex: ['F', 'F', 'F', 'F', 'M', 'M', 'M', 'M', 'M', 'M'],
  y: [1, 0, 0, 0, 1, 1, 1, 0, 0, 0],
  c: ['a', 'a', 'b', 'b', 'a', 'a', 'a', 'a', 'a', 'a'],
  x: [null, 1, 2, 3, 4, 5, null, null, 6, 7],
  dept: ['x', 'x', 'y', 'y', 'x', 'x', 'y', 'y', 'x', 'y'],
  p: ['pf', 'pf', 'pf', 'pf', 'pm', 'pm', 'pm', 'pm', 'pm', 'pm'],
} as const;

function repeat(times: number, order?: readonly number[]): Table {
  const cols: Record<string, (string | number | null)[]> = {};
  for (const [k, v] of Object.entries(BASE)) {
    const out: (string | number | null)[] = [];
    for (let t = 0; t < times; t++) out.push(...v);
    cols[k] = order ? order.map((i) => out[i]!) : out;
  }
  return fromArrays(cols);
}

const T = repeat(10);

function expectClose(a: unknown, b: unknown, path = '$'): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Math.abs(a - b) > 1e-12 * Math.max(1, Math.abs(b))) expect(`${path}: ${a}`).toBe(`${path}: ${b}`);
    return;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    expect(a).toEqual(b);
    return;
  }
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  for (const k of Object.keys(a))
    expectClose((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
}
const Z = 1.959963984540054; // Φ⁻¹(0.975)

function wilson(x: number, n: number): [number, number] {
  const p = x / n;
  const d = 1 + (Z * Z) / n;
  const center = (p + (Z * Z) / (2 * n)) / d;
  const half = (Z / d) * Math.sqrt((p * (1 - p)) / n + (Z * Z) / (4 * n * n));
  return [center - half, center + half];
}

describe('dataBias', () => {
  it('reports representation against a uniform reference, with the hand-computed distances', async () => {
    const r = await dataBias(T, { label: 'y', sensitive: 'sex', proxyAuc: false });
    const [f, m] = r.byFeature.sex!.groups;
    expect([f!.group, f!.count, f!.share, f!.referenceShare]).toEqual(['F', 40, 0.4, 0.5]);
    expect(f!.representationRatio).toBeCloseTo(0.8, 12);
    expect(m!.representationRatio).toBeCloseTo(1.2, 12);
    // facet imbalance (n_rest − n_F)/N = (60 − 40)/100
    expect(f!.facetImbalance).toBeCloseTo(0.2, 12);
    const rep = r.byFeature.sex!.representation;
    // KL((.4, .6) ‖ (.5, .5)) = .4 ln .8 + .6 ln 1.2; TV = .1; χ² = (40−50)²/50 + (60−50)²/50 = 4
    expect(rep.kl).toBeCloseTo(0.4 * Math.log(0.8) + 0.6 * Math.log(1.2), 12);
    expect(rep.tv).toBeCloseTo(0.1, 12);
    expect(rep.chiSquare!.statistic).toBeCloseTo(4, 10);
    expect(rep.chiSquare!.df).toBe(1);
  });

  it('reports base rates with Wilson intervals, their disparity, the chi-square test and label KL', async () => {
    const r = await dataBias(T, { label: 'y', sensitive: 'sex', proxyAuc: false });
    const fb = r.byFeature.sex!;
    const [f, m] = fb.groups;
    expect(f!.baseRate).toBeCloseTo(0.25, 12);
    expect(m!.baseRate).toBeCloseTo(0.5, 12);
    const [lo, hi] = wilson(10, 40);
    expect(f!.baseRateCi![0]).toBeCloseTo(lo, 12);
    expect(f!.baseRateCi![1]).toBeCloseTo(hi, 12);
    expect(fb.labels!.reference).toBe('M'); // the largest group
    expect(f!.baseRateDifference).toBeCloseTo(-0.25, 12);
    expect(f!.baseRateRatio).toBeCloseTo(0.5, 12);
    expect(fb.labels!.baseRateDifference.value).toBeCloseTo(0.25, 12);
    expect(fb.labels!.baseRateRatio.value).toBeCloseTo(0.5, 12);
    // [[10, 30], [30, 30]]: E = [[16, 24], [24, 36]] → 36/16 + 36/24 + 36/24 + 36/36 = 6.25
    expect(fb.labels!.chiSquare!.statistic).toBeCloseTo(6.25, 10);
    // KL((.25, .75) ‖ (.5, .5)) = .25 ln .5 + .75 ln 1.5
    expect(f!.labelKl).toBeCloseTo(0.25 * Math.log(0.5) + 0.75 * Math.log(1.5), 12);
    expect(m!.labelKl).toBe(0);
    expect(fb.labels!.maxLabelKl).toBeCloseTo(f!.labelKl!, 15);
    expect(r.labels).toMatchObject({ positives: 40, negatives: 60, missing: 0, positiveRate: 0.4 });
    expect(r.labels!.imbalanceRatio).toBeCloseTo(40 / 60, 12);
  });

  it('computes the conditional demographic disparity of the labels given a control', async () => {
    // x: F 1+/1−, M 2+/1− → accepted 3 (F 1), rejected 2 (F 1): DD_F = 1/2 − 1/3 = 1/6
    // y: F 0+/2−, M 1+/2− → accepted 1 (F 0), rejected 4 (F 2): DD_F = 2/4 − 0 = 1/2
    // CDD_F = ½·1/6 + ½·1/2 = 1/3
    const r = await dataBias(T, { label: 'y', sensitive: 'sex', control: 'dept', proxyAuc: false });
    const cdd = r.byFeature.sex!.labels!.conditional!.conditionalDemographicDisparity;
    expect(cdd.F).toBeCloseTo(1 / 3, 12);
    expect(cdd.M).toBeCloseTo(-1 / 3, 12);
  });

  it('reports missing rates per group and their spread', async () => {
    const r = await dataBias(T, { label: 'y', sensitive: 'sex', proxyAuc: false });
    const x = r.byFeature.sex!.missingness.find((m) => m.column === 'x')!;
    expect(x.missing).toBe(30);
    expect(x.byGroup.F).toBeCloseTo(0.25, 12);
    expect(x.byGroup.M).toBeCloseTo(1 / 3, 12);
    expect(x.difference).toBeCloseTo(1 / 12, 12);
    expect(r.byFeature.sex!.missingness.find((m) => m.column === 'c')!.pValue).toBeNull();
  });

  it("measures each group's distance from the whole data per feature", async () => {
    const r = await dataBias(T, { label: 'y', sensitive: 'sex', proxyAuc: false });
    const c = r.byFeature.sex!.featureDistances.find((d) => d.feature === 'c')!;
    const f = c.byGroup.F!;
    // F: (a, b) = (.5, .5); all rows: (.8, .2)
    expect(f.tv).toBeCloseTo(0.3, 12);
    expect(f.kl).toBeCloseTo(0.5 * Math.log(0.5 / 0.8) + 0.5 * Math.log(0.5 / 0.2), 12);
    const js =
      0.5 * (0.5 * Math.log(0.5 / 0.65) + 0.5 * Math.log(0.5 / 0.35)) +
      0.5 * (0.8 * Math.log(0.8 / 0.65) + 0.2 * Math.log(0.2 / 0.35));
    expect(f.js).toBeCloseTo(js, 12);
    // F against M on c: [[20, 20], [60, 0]] → χ² = 1.2²·10/3.2 … = 37.5 (see cramersV below)
    expect(f.chiSquare!.statistic).toBeCloseTo(37.5, 9);
    const x = r.byFeature.sex!.featureDistances.find((d) => d.feature === 'x')!;
    expect(x.kind).toBe('number');
    expect(x.binned).toBe(false);
    // W1({1,2,3}, {1,…,7}) = 2 and W1({4,…,7}, {1,…,7}) = 6/7 + (9 + 6 + 3)/28 = 1.5
    expect(x.byGroup.F!.wasserstein1).toBeCloseTo(2, 12);
    expect(x.byGroup.M!.wasserstein1).toBeCloseTo(1.5, 12);
  });

  it('measures feature shift within each label class', async () => {
    const r = await dataBias(T, { label: 'y', sensitive: 'sex', proxyAuc: false });
    const c = r.byFeature.sex!.labelConditionalShift.find((d) => d.feature === 'c')!;
    // y = 0: F (a, b) = (1/3, 2/3) against all negatives (4/6, 2/6): TV = 1/3; y = 1: every row is a
    expect(c.byLabel.negative.F!.tv).toBeCloseTo(1 / 3, 12);
    expect(c.byLabel.positive.F!.tv).toBeCloseTo(0, 12);
    expect(c.byLabel.positive.M!.js).toBeCloseTo(0, 12);
  });

  it('ranks a perfect proxy first, with Cramér’s V 1, normalised mutual information 1 and AUC 1', async () => {
    const r = await dataBias(T, { label: 'y', sensitive: 'sex', seed: 3 });
    const [top, ...rest] = r.byFeature.sex!.proxies;
    expect(top!.feature).toBe('p');
    expect(top!.rank).toBe(1);
    expect(top!.cramersV).toBeCloseTo(1, 12);
    expect(top!.mutualInformation).toBeCloseTo(-(0.4 * Math.log(0.4) + 0.6 * Math.log(0.6)), 12);
    expect(top!.normalizedMutualInformation).toBeCloseTo(1, 12);
    expect(top!.auc).toBeCloseTo(1, 12);
    expect(top!.flagged).toBe(true);
    const c = rest.find((p) => p.feature === 'c')!;
    expect(c.cramersV).toBeCloseTo(Math.sqrt(37.5 / 100), 12);
    expect(r.findings.some((f) => f.metric === 'proxy' && f.message.includes('"p"'))).toBe(true);
  });

  it('gives the same proxy AUC for the same seed', async () => {
    const a = await dataBias(T, { sensitive: 'sex', seed: 7, features: ['c', 'x'] });
    const b = await dataBias(T, { sensitive: 'sex', seed: 7, features: ['c', 'x'] });
    expect(a.byFeature.sex!.proxies).toEqual(b.byFeature.sex!.proxies);
  });

  it('uses given reference shares, keyed by feature and group', async () => {
    const r = await dataBias(T, {
      sensitive: 'sex',
      reference: { 'sex=F': 0.4, 'sex=M': 0.6 },
      proxyAuc: false,
    });
    expect(r.byFeature.sex!.representation.reference).toBe('given');
    expect(r.byFeature.sex!.representation.kl).toBeCloseTo(0, 12);
    expect(r.byFeature.sex!.groups[0]!.representationRatio).toBeCloseTo(1, 12);
    await expect(dataBias(T, { sensitive: 'sex', reference: { F: 0.4, M: 0.4 } })).rejects.toThrow(
      InvalidArgumentError,
    );
  });

  it('summarises balance over every intersection, counting empty ones', async () => {
    // sex × race cells: F&a 1, F&b 1, F&c 0, M&a 3, M&b 1, M&c 1 (μ = 7/6)
    const t = fromArrays({
      sex: ['F', 'F', 'M', 'M', 'M', 'M', 'M'],
      race: ['a', 'b', 'a', 'a', 'a', 'b', 'c'],
    });
    const r = await dataBias(t, { sensitive: ['sex', 'race'], intersections: true, proxyAuc: false });
    const counts = [1, 1, 0, 3, 1, 1];
    const mu = 7 / 6;
    const theil = counts.reduce((s, x) => s + (x > 0 ? (x / mu) * Math.log(x / mu) : 0), 0) / 6;
    const m = counts.reduce((s, x) => s + Math.sqrt(x / mu), 0) / 6;
    expect(r.balance).toMatchObject({ cells: 6, emptyCells: 1, smallest: { group: 'F&c', count: 0 } });
    expect(r.balance!.theil).toBeCloseTo(theil, 12);
    expect(r.balance!.atkinson).toBeCloseTo(1 - m * m, 12);
    expect(Object.keys(r.byFeature)).toEqual(['sex', 'race', 'sex&race']);
  });

  it('works without a label: no base rates and no label-conditional shift', async () => {
    const r = await dataBias(T, { sensitive: 'sex', proxyAuc: false });
    expect(r.labels).toBeNull();
    expect(r.byFeature.sex!.labels).toBeNull();
    expect(r.byFeature.sex!.labelConditionalShift).toEqual([]);
    expect(r.byFeature.sex!.groups[0]!.baseRate).toBeUndefined();
  });

  it('refuses a sensitive column with a single group', async () => {
    expect.assertions(2);
    try {
      await dataBias(fromArrays({ s: ['a', 'a'], y: [0, 1] }), { sensitive: 's', label: 'y' });
    } catch (e) {
      expect(e).toBeInstanceOf(AequaError);
      expect((e as AequaError).code).toBe('AEQ_DATA_SINGLE_GROUP');
    }
  });

  it('refuses a label that is also sensitive, and an absent column', async () => {
    await expect(dataBias(T, { sensitive: 'sex', label: 'sex' })).rejects.toThrow(InvalidArgumentError);
    await expect(dataBias(T, { sensitive: 'sexx' })).rejects.toMatchObject({
      code: 'AEQ_DATA_MISSING_COLUMN',
    });
  });

  it('does not depend on the order of the rows', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray([...Array(30).keys()], { minLength: 30, maxLength: 30 }),
        async (order) => {
          const a = await dataBias(repeat(3), {
            label: 'y',
            sensitive: 'sex',
            control: 'dept',
            proxyAuc: false,
          });
          const b = await dataBias(repeat(3, order), {
            label: 'y',
            sensitive: 'sex',
            control: 'dept',
            proxyAuc: false,
          });
          // Counts are integers, but category levels come in first-seen order, so sums over levels may
          // run in another order: equal up to a few ulps (1e-12 relative).
          expectClose(b.byFeature, a.byFeature);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('round-trips through JSON unchanged (no infinities or typed arrays)', async () => {
    const r = await dataBias(T, { label: 'y', sensitive: 'sex', control: 'dept', proxyAuc: false });
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(r.schemaVersion).toBe('1.0.0');
  });
});
