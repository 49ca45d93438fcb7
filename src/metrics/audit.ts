/**
 * @module metrics/audit
 * `auditCube`: the whole fairness audit as a pure function of a `StatsCube` (DESIGN idea 1). It
 * marginalises the cube to each sensitive feature and intersection, computes per-group metrics,
 * disparities under the chosen convention, Wilson and bootstrap intervals (the bootstrap resamples
 * cells, so it costs O(cells × resamples) whatever the row count), significance tests with a
 * multiple-comparison correction across every test of the audit, and a plain-language verdict.
 */
import { AequaError, seededRng, warn } from '../core/index.js';
import type {
  AuditResult,
  Convention,
  ConventionName,
  DisparityResult,
  FeatureResult,
  Finding,
  GroupResult,
  Interval,
  MetricName,
  MetricValue,
  SignificanceTest,
  UndefinedReason,
} from './audit-types.js';
import { binaryMetrics, positivePredictionShare } from './base.js';
import { bootstrapCube } from './bootstrap.js';
import { conditionalDisparities } from './conditional.js';
import { getConvention } from './conventions.js';
import { groupKey, marginalize, totalStats } from './cube.js';
import { computeDisparities, extremes, vsReference } from './disparity.js';
import { entropyDecomposition, generalizedEntropyIndex, theilIndex } from './entropy.js';
import { wilsonInterval } from './intervals.js';
import { benjaminiHochberg, chiSquareTest, holm, twoProportionZTest } from './significance.js';
import { normalCdf } from './special.js';
import { oneVsRest } from './stats/classes.js';
import { emptyConfusion } from './stats/confusion.js';
import { regressionMetrics } from './stats/moments.js';
import {
  bnspAuc,
  bpsnAuc,
  brierScore,
  calibrationCurve,
  expectedCalibrationError,
  rocAuc,
  rocCurve,
  subtractScoreHistograms,
} from './stats/scores.js';
import type { Confusion, RegressionMoments, ScoreHistogram, StatsCube } from './stats/types.js';

/** Everything `auditCube` needs besides the cube (the CLI and `audit()` fill it from flags). */
export interface AuditConfig {
  readonly source: string;
  readonly engine: 'memory' | 'duckdb' | 'postgres';
  readonly label: string;
  readonly prediction: string | null;
  readonly score: string | null;
  readonly threshold: number | null;
  readonly positive: readonly string[] | null;
  readonly sensitive: readonly string[];
  readonly control: readonly string[];
  readonly weight: string | null;
  readonly intersections: boolean;
  readonly reference: Readonly<Record<string, string>>;
  readonly convention: ConventionName;
  readonly ci: number | null;
  readonly ciMethod: 'wilson' | 'bootstrap' | null;
  readonly bootstrap: number;
  readonly seed: number;
  readonly alpha: number;
  readonly correction: 'holm' | 'bh' | 'none';
  readonly minGroupSize: number;
  readonly generalizedEntropyAlpha: number;
  readonly version?: string;
  readonly onProgress?: (p: { label: string; done: number; total: number }) => void;
}

export const AUDIT_SCHEMA_VERSION = '1.0.0' as const;
export const TOOL_VERSION = '0.1.0';

/** Rates with their (successes, trials) in raw counts, for Wilson intervals and tests. */
const RATE_PARTS: Partial<Record<MetricName, (c: Confusion) => readonly [number, number, number, number]>> = {
  // [weighted numerator, weighted denominator, raw numerator, raw denominator]
  baseRate: (c) => [c.tp + c.fn, c.tp + c.fp + c.tn + c.fn, c.ntp + c.nfn, c.ntp + c.nfp + c.ntn + c.nfn],
  selectionRate: (c) => [
    c.tp + c.fp,
    c.tp + c.fp + c.tn + c.fn,
    c.ntp + c.nfp,
    c.ntp + c.nfp + c.ntn + c.nfn,
  ],
  truePositiveRate: (c) => [c.tp, c.tp + c.fn, c.ntp, c.ntp + c.nfn],
  falseNegativeRate: (c) => [c.fn, c.tp + c.fn, c.nfn, c.ntp + c.nfn],
  falsePositiveRate: (c) => [c.fp, c.fp + c.tn, c.nfp, c.nfp + c.ntn],
  trueNegativeRate: (c) => [c.tn, c.fp + c.tn, c.ntn, c.nfp + c.ntn],
  precision: (c) => [c.tp, c.tp + c.fp, c.ntp, c.ntp + c.nfp],
  falseDiscoveryRate: (c) => [c.fp, c.tp + c.fp, c.nfp, c.ntp + c.nfp],
  negativePredictiveValue: (c) => [c.tn, c.tn + c.fn, c.ntn, c.ntn + c.nfn],
  falseOmissionRate: (c) => [c.fn, c.tn + c.fn, c.nfn, c.ntn + c.nfn],
  accuracy: (c) => [c.tp + c.tn, c.tp + c.fp + c.tn + c.fn, c.ntp + c.ntn, c.ntp + c.nfp + c.ntn + c.nfn],
};

/** The disparities that get a significance test, and the rate each one compares. */
const TESTED: readonly { disparity: string; rate: MetricName }[] = [
  { disparity: 'demographicParityDifference', rate: 'selectionRate' },
  { disparity: 'equalOpportunityDifference', rate: 'truePositiveRate' },
  { disparity: 'falsePositiveRateDifference', rate: 'falsePositiveRate' },
  { disparity: 'predictiveParityDifference', rate: 'precision' },
  { disparity: 'accuracyDifference', rate: 'accuracy' },
];

interface Merged {
  key: Record<string, string | null>;
  confusion: Confusion;
  scores: ScoreHistogram | undefined;
  regression: RegressionMoments | undefined;
}

function rawCount(c: Confusion): number {
  return c.ntp + c.nfp + c.ntn + c.nfn;
}

/** The feature sets to audit: each feature, then (with intersections) every combination of ≥ 2. */
export function featureSets(sensitive: readonly string[], intersections: boolean): string[][] {
  const sets: string[][] = sensitive.map((s) => [s]);
  if (!intersections || sensitive.length < 2) return sets;
  const n = sensitive.length;
  const combos: string[][] = [];
  for (let mask = 1; mask < 1 << n; mask++) {
    const set = sensitive.filter((_, i) => mask & (1 << i));
    if (set.length >= 2) combos.push(set);
  }
  combos.sort((a, b) => a.length - b.length);
  return [...sets, ...combos];
}

function groupsOf(cube: StatsCube, dims: readonly string[]): Map<string, Merged> {
  const m = marginalize(cube, dims);
  const out = new Map<string, Merged>();
  for (const [k, v] of m) {
    out.set(k, {
      key: v.key,
      confusion: v.cell.confusion ?? emptyConfusion,
      scores: v.cell.scores,
      regression: v.cell.regression,
    });
  }
  return out;
}

function pickReference(
  feature: string,
  groups: Map<string, Merged>,
  config: AuditConfig,
  weightOf: (g: Merged) => number,
): string {
  const given = config.reference[feature];
  if (given !== undefined) {
    if (!groups.has(given)) {
      const names = [...groups.keys()];
      throw new AequaError(
        'AEQ_INVALID_ARGUMENT',
        `Reference group "${given}" is not a value of ${feature}. Groups: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}.`,
        { hint: `Pass --reference ${feature}=VALUE with one of the groups listed.` },
      );
    }
    return given;
  }
  let best = '';
  let bestN = -1;
  for (const [k, g] of groups) {
    const n = weightOf(g);
    if (n > bestN) {
      bestN = n;
      best = k;
    }
  }
  return best;
}

function regressionCount(m: RegressionMoments | undefined): number {
  return m?.n ?? 0;
}

/**
 * Computes the full audit from sufficient statistics.
 * @throws {AEQ_DATA_EMPTY} when the cube holds no rows.
 */
export function auditCube(cube: StatsCube, config: AuditConfig): AuditResult {
  if (cube.task === 'multiclass') return auditMulticlass(cube, config);
  const convention = getConvention(config.convention);
  const total = totalStats(cube);
  const isRegression = cube.task === 'regression';
  const totalRows = isRegression
    ? regressionCount(total.regression)
    : rawCount(total.confusion ?? emptyConfusion);
  if (totalRows === 0) {
    throw new AequaError(
      'AEQ_DATA_EMPTY',
      `No rows left to audit in ${config.source} (${cube.rowsSeen} seen, ${cube.rowsDropped} dropped).`,
      {
        hint: 'Check the file, the filters and --drop-missing.',
      },
    );
  }
  const sets = featureSets(config.sensitive, config.intersections);
  const byFeature: Record<string, FeatureResult> = {};
  const findingsExtra: Finding[] = [];
  const tests: {
    feature: string;
    metric: string;
    groups: [string, string];
    statistic: number;
    pValue: number;
    test: SignificanceTest['test'];
    disparity?: string;
  }[] = [];
  const hasScores = config.score !== null && cube.cells.some((c) => c.scores !== undefined);

  const eligibleByFeature = new Map<string, Set<string>>();
  // Brier score and calibration need probabilities; a risk score on another scale (deciles) gets
  // AUCs only, with one warning instead of a null per group.
  const scoresAreProbabilities =
    hasScores && total.scores !== undefined && brierScore(total.scores).value !== null;
  if (hasScores && !scoresAreProbabilities) {
    warn(
      'AEQ_W_UNDEFINED_METRIC',
      `Scores in "${config.score}" are not all within [0, 1], so the Brier score and calibration are not computed; AUCs are.`,
    );
  }
  const overall: Record<string, number | null> = {};
  if (isRegression) {
    for (const [k, v] of Object.entries(regressionMetrics(total.regression!))) overall[k] = v.value;
  } else {
    const conf = total.confusion ?? emptyConfusion;
    for (const [k, v] of Object.entries(binaryMetrics(conf, convention)))
      overall[k] = (v as MetricValue).value;
    overall.positivePredictionShare = 1;
    if (hasScores && total.scores) {
      overall.rocAuc = rocAuc(total.scores).value;
      if (scoresAreProbabilities) {
        overall.brierScore = brierScore(total.scores).value;
        overall.expectedCalibrationError = expectedCalibrationError(total.scores).value;
      }
    }
    overall.generalizedEntropyIndex = generalizedEntropyIndex(conf, config.generalizedEntropyAlpha).value;
    overall.theilIndex = theilIndex(conf).value;
  }

  const curves: Record<
    string,
    Record<
      string,
      { roc: [number, number][]; calibration: { meanScore: number; observedRate: number; count: number }[] }
    >
  > = {};

  for (const set of sets) {
    const fname = set.join('&');
    const groups = groupsOf(cube, set);
    const weightOf = (g: Merged) => (isRegression ? regressionCount(g.regression) : rawCount(g.confusion));
    const reference = pickReference(fname, groups, config, weightOf);
    const groupResults: Record<string, GroupResult> = {};
    // Disparities, extremes and tests compare groups of at least minGroupSize rows; smaller groups
    // are reported and flagged but would otherwise dominate every max − min by noise alone.
    const bigEnough = [...groups].filter(([, st]) => weightOf(st) >= config.minGroupSize).map(([g]) => g);
    const eligible = new Set(bigEnough.length >= 2 ? bigEnough : [...groups.keys()]);
    eligible.add(reference);
    eligibleByFeature.set(fname, eligible);
    const undefinedNotes: string[] = [];
    const values = new Map<string, Map<string, MetricValue>>(); // metric → group → value

    const put = (metric: string, group: string, v: MetricValue) => {
      let m = values.get(metric);
      if (!m) values.set(metric, (m = new Map()));
      m.set(group, v);
    };

    for (const [g, st] of groups) {
      const metrics: Record<string, MetricValue> = {};
      if (isRegression) {
        Object.assign(metrics, regressionMetrics(st.regression!));
      } else {
        Object.assign(metrics, binaryMetrics(st.confusion, convention));
        metrics.positivePredictionShare = positivePredictionShare(
          st.confusion,
          total.confusion ?? emptyConfusion,
        );
        if (hasScores && st.scores && total.scores) {
          const background = subtractScoreHistograms(total.scores, st.scores);
          metrics.rocAuc = rocAuc(st.scores);
          if (scoresAreProbabilities) {
            metrics.brierScore = brierScore(st.scores);
            metrics.expectedCalibrationError = expectedCalibrationError(st.scores);
          }
          metrics.subgroupAuc = metrics.rocAuc;
          metrics.bpsnAuc = bpsnAuc(st.scores, background);
          metrics.bnspAuc = bnspAuc(st.scores, background);
          if (set.length === 1) {
            (curves[fname] ??= {})[g] = {
              roc: rocCurve(st.scores).map(([a, b]) => [a, b] as [number, number]),
              calibration: calibrationCurve(st.scores).map((b) => ({ ...b })),
            };
          }
        }
      }
      const count = weightOf(st);
      const small = count < config.minGroupSize;
      if (small)
        warn(
          'AEQ_W_SMALL_GROUP',
          `${fname}=${g} has ${count} rows (< ${config.minGroupSize}); its values are unreliable.`,
        );
      const flat: Record<string, number | null> = {};
      const reasons: Partial<Record<MetricName, UndefinedReason>> = {};
      for (const [k, v] of Object.entries(metrics)) {
        flat[k] = v.value;
        if (v.value === null && v.undefinedBecause) reasons[k as MetricName] = v.undefinedBecause;
        put(k, g, v);
      }
      const nUndef = Object.keys(reasons).length;
      if (nUndef > 0)
        undefinedNotes.push(
          `${g}: ${Object.entries(reasons)
            .map(([m, r]) => `${m} (${r})`)
            .join(', ')}`,
        );
      let ci: Partial<Record<MetricName, Interval>> | undefined;
      if (config.ci !== null && config.ciMethod === 'wilson' && !isRegression) {
        ci = {};
        for (const [m, parts] of Object.entries(RATE_PARTS)) {
          const [wx, wn, , rn] = parts(st.confusion);
          if (wn <= 0 || rn <= 0) continue;
          const iv = wilsonInterval((wx / wn) * rn, rn, config.ci);
          if (iv) ci[m as MetricName] = iv;
        }
      }
      groupResults[g] = {
        ...flat,
        count,
        small,
        key: st.key,
        ...(nUndef > 0 ? { undefinedBecause: reasons } : {}),
        ...(ci ? { ci } : {}),
      } as GroupResult;
    }

    if (undefinedNotes.length > 0) {
      const shown = undefinedNotes.slice(0, 3).join('; ');
      const more = undefinedNotes.length > 3 ? `; …and ${undefinedNotes.length - 3} more groups` : '';
      warn('AEQ_W_UNDEFINED_METRIC', `${fname}: undefined metrics reported as null: ${shown}${more}.`);
    }
    const onlyEligible = (gv: Map<string, MetricValue>) => new Map([...gv].filter(([g]) => eligible.has(g)));

    // Aequitas-style comparison of every group to the reference.
    const vsRefByGroup: Record<
      string,
      Record<string, { difference: number | null; ratio: number | null }>
    > = {};
    for (const [metric, gv] of values) {
      if (metric === 'count' || metric === 'weight') continue;
      const cmp = vsReference(gv, reference);
      for (const [g, d] of Object.entries(cmp)) (vsRefByGroup[g] ??= {})[metric] = d;
    }
    for (const g of Object.keys(groupResults)) {
      if (vsRefByGroup[g])
        groupResults[g] = { ...groupResults[g]!, vsReference: vsRefByGroup[g] } as GroupResult;
    }

    const ext: FeatureResult['extremes'] = {};
    const extOut: Record<
      string,
      { groupMin: { group: string; value: number }; groupMax: { group: string; value: number } }
    > = {};
    for (const [metric, gv] of values) {
      if (metric === 'count' || metric === 'weight') continue;
      const e = extremes(onlyEligible(gv));
      if (e) extOut[metric] = e;
    }
    Object.assign(ext, extOut);

    let disparities: Record<string, DisparityResult>;
    if (isRegression) {
      disparities = regressionDisparities(
        new Map([...values].map(([m, gv]) => [m, onlyEligible(gv)])),
        reference,
        convention,
      );
      // Mean error of each group against the reference: a large-sample z test from the moments.
      const ref = groups.get(reference)?.regression;
      for (const [g, st] of groups) {
        if (g === reference || !eligible.has(g) || !ref || !st.regression) continue;
        const z = regressionErrorZ(st.regression, ref);
        if (z && Number.isFinite(z.pValue))
          tests.push({
            feature: fname,
            metric: 'meanError',
            groups: [g, reference],
            statistic: z.statistic,
            pValue: z.pValue,
            test: 'welchZ',
            disparity: 'meanErrorDifference',
          });
      }
    } else {
      const confusions = new Map<string, Confusion>();
      const allConfusions = new Map<string, Confusion>();
      for (const [g, st] of groups) {
        allConfusions.set(g, st.confusion);
        if (eligible.has(g)) confusions.set(g, st.confusion);
      }
      disparities = {
        ...computeDisparities(confusions, { reference, convention, onUndefined: 'skip' }),
        ...inequalityIndices(allConfusions, config.generalizedEntropyAlpha),
      };
      if (hasScores) {
        for (const m of ['rocAuc', 'bpsnAuc', 'bnspAuc'] as const) {
          const gv = values.get(m);
          if (!gv) continue;
          const e = extremes(onlyEligible(gv));
          if (e)
            disparities[`${m}Difference`] = {
              value: e.groupMax.value - e.groupMin.value,
              metric: m,
              kind: 'difference',
              groups: [e.groupMin.group, e.groupMax.group],
            };
        }
      }

      // Significance: a chi-square test of equal rates across all groups per tested disparity, and
      // a two-proportion z test of each group against the reference; one correction over all.
      for (const { disparity, rate } of TESTED) {
        const parts = RATE_PARTS[rate]!;
        const table: number[][] = [];
        for (const [g, st] of groups) {
          if (!eligible.has(g)) continue;
          const [wx, wn, , rn] = parts(st.confusion);
          if (wn <= 0 || rn <= 0) continue;
          const x = (wx / wn) * rn;
          table.push([x, rn - x]);
        }
        if (table.length >= 2) {
          const t = chiSquareTest(table);
          if (t && Number.isFinite(t.pValue)) {
            const d = disparities[disparity];
            tests.push({
              feature: fname,
              metric: disparity,
              groups: (d?.groups?.slice(0, 2) as [string, string]) ?? ['*', '*'],
              statistic: t.statistic,
              pValue: t.pValue,
              test: 'chiSquare',
              disparity,
            });
          }
        }
        const ref = groups.get(reference)!;
        const [rwx, rwn, , rrn] = parts(ref.confusion);
        for (const [g, st] of groups) {
          if (g === reference || !eligible.has(g)) continue;
          const [wx, wn, , rn] = parts(st.confusion);
          if (wn <= 0 || rn <= 0 || rwn <= 0 || rrn <= 0) continue;
          const z = twoProportionZTest((wx / wn) * rn, rn, (rwx / rwn) * rrn, rrn);
          if (z && Number.isFinite(z.pValue))
            tests.push({
              feature: fname,
              metric: rate,
              groups: [g, reference],
              statistic: z.statistic,
              pValue: z.pValue,
              test: 'twoProportionZ',
            });
        }
      }
    }

    let conditional: FeatureResult['conditional'];
    if (config.control.length > 0 && !isRegression) {
      const dims = [...set, ...config.control];
      const cells = marginalize(cube, dims);
      const nested = new Map<string, Map<string, Confusion>>();
      for (const v of cells.values()) {
        const g = groupKey(set.map((d) => v.key[d] ?? null));
        const s = groupKey(config.control.map((d) => v.key[d] ?? null));
        let m = nested.get(g);
        if (!m) nested.set(g, (m = new Map()));
        m.set(s, v.cell.confusion ?? emptyConfusion);
      }
      conditional = conditionalDisparities(nested, convention, reference, config.control);
    }

    byFeature[fname] = {
      features: set,
      reference,
      groups: groupResults,
      disparities,
      extremes: ext,
      ...(conditional ? { conditional } : {}),
    };
  }

  // Bootstrap intervals for disparities (and group metrics with ciMethod 'bootstrap').
  if (config.ci !== null && config.bootstrap > 0) {
    addBootstrapIntervals(cube, config, convention, sets, byFeature, eligibleByFeature);
  }

  // Multiple-comparison correction over every test of the audit.
  const p = tests.map((t) => t.pValue);
  const adj =
    config.correction === 'holm' ? holm(p) : config.correction === 'bh' ? benjaminiHochberg(p) : p.slice();
  const sigTests: SignificanceTest[] = tests.map((t, i) => ({
    feature: t.feature,
    metric: t.metric,
    groups: t.groups,
    statistic: t.statistic,
    pValue: t.pValue,
    adjustedPValue: adj[i]!,
    significant: adj[i]! < config.alpha,
    test: t.test,
  }));
  tests.forEach((t, i) => {
    if (!t.disparity) return;
    const fr = byFeature[t.feature]!;
    const d = fr.disparities[t.disparity];
    if (!d) return;
    // Several pairwise tests may back one disparity (regression): it keeps the strongest evidence.
    if (d.adjustedPValue !== undefined && d.adjustedPValue <= adj[i]!) return;
    const sig = { pValue: t.pValue, adjustedPValue: adj[i]!, significant: adj[i]! < config.alpha };
    const related = [t.disparity, t.disparity.replace(/Difference$/, 'Ratio')];
    const upd: Record<string, DisparityResult> = { ...fr.disparities };
    for (const r of related) if (upd[r]) upd[r] = { ...upd[r]!, ...sig };
    if (t.disparity === 'demographicParityDifference') {
      for (const r of ['disparateImpact', 'statisticalParityDifference'])
        if (upd[r]) upd[r] = { ...upd[r]!, ...sig };
    }
    byFeature[t.feature] = { ...fr, disparities: upd };
  });
  // Equalized odds is significant when either of its parts is.
  for (const [f, fr] of Object.entries(byFeature)) {
    const tp = fr.disparities.equalOpportunityDifference;
    const fp = fr.disparities.falsePositiveRateDifference;
    if (!tp?.adjustedPValue && !fp?.adjustedPValue) continue;
    const pv = Math.min(tp?.pValue ?? 1, fp?.pValue ?? 1);
    const ap = Math.min(tp?.adjustedPValue ?? 1, fp?.adjustedPValue ?? 1);
    const upd = { ...fr.disparities };
    for (const r of ['equalizedOddsDifference', 'equalizedOddsRatio', 'averageOddsDifference'])
      if (upd[r]) upd[r] = { ...upd[r]!, pValue: pv, adjustedPValue: ap, significant: ap < config.alpha };
    byFeature[f] = { ...fr, disparities: upd };
  }

  const verdict = buildVerdict(byFeature, sigTests, config, findingsExtra);
  const result: AuditResult = {
    schemaVersion: AUDIT_SCHEMA_VERSION,
    tool: { name: 'aequa', version: config.version ?? TOOL_VERSION },
    input: {
      source: config.source,
      engine: config.engine,
      task: cube.task,
      label: config.label,
      prediction: config.prediction,
      score: config.score,
      threshold: config.threshold,
      positive: config.positive,
      sensitive: config.sensitive,
      control: config.control,
      weight: config.weight,
      rowsSeen: cube.rowsSeen,
      rowsDropped: cube.rowsDropped,
    },
    options: {
      ci: config.ci,
      ciMethod: config.ciMethod,
      bootstrapResamples: config.ci !== null ? config.bootstrap : null,
      seed: config.seed,
      alpha: config.alpha,
      correction: config.correction,
      minGroupSize: config.minGroupSize,
      intersections: config.intersections,
      generalizedEntropyAlpha: config.generalizedEntropyAlpha,
    },
    convention,
    rows: totalRows,
    overall,
    byFeature,
    significance: { correction: config.correction, alpha: config.alpha, tests: sigTests },
    verdict,
    warnings: [],
    ...(Object.keys(curves).length > 0 ? { curves } : {}),
  };
  return result;
}

/**
 * The generalized entropy index (α) and the Theil index with their between- and within-group
 * parts. They are inequality over individuals, so every group counts, small ones included.
 */
function inequalityIndices(
  groups: ReadonlyMap<string, Confusion>,
  alpha: number,
): Record<string, DisparityResult> {
  const out: Record<string, DisparityResult> = {};
  for (const [name, a] of [
    ['generalizedEntropy', alpha],
    ['theil', 1],
  ] as const) {
    const d = entropyDecomposition(groups, a);
    out[name === 'theil' ? 'theilIndex' : 'generalizedEntropyIndex'] = {
      value: d.total,
      metric: 'benefit',
      kind: 'index',
    };
    out[`${name}BetweenGroups`] = { value: d.between, metric: 'benefit', kind: 'index' };
    out[`${name}WithinGroups`] = { value: d.within, metric: 'benefit', kind: 'index' };
  }
  return out;
}

function regressionDisparities(
  values: Map<string, Map<string, MetricValue>>,
  reference: string,
  convention: Convention,
): Record<string, DisparityResult> {
  const out: Record<string, DisparityResult> = {};
  for (const metric of [
    'meanPrediction',
    'meanError',
    'meanAbsoluteError',
    'rootMeanSquaredError',
  ] as const) {
    const gv = values.get(metric);
    if (!gv) continue;
    const e = extremes(gv);
    if (!e) {
      out[`${metric}Difference`] = {
        value: null,
        undefinedBecause: 'fewerThanTwoGroups',
        metric,
        kind: 'difference',
      };
      continue;
    }
    if (convention.difference === 'maxMinusMin') {
      out[`${metric}Difference`] = {
        value: e.groupMax.value - e.groupMin.value,
        metric,
        kind: 'difference',
        groups: [e.groupMin.group, e.groupMax.group],
      };
    } else {
      const r = gv.get(reference)?.value ?? null;
      let best: { g: string; d: number } | null = null;
      for (const [g, v] of gv) {
        if (g === reference || v.value === null || r === null) continue;
        const d = v.value - r;
        if (best === null || Math.abs(d) > Math.abs(best.d)) best = { g, d };
      }
      out[`${metric}Difference`] = best
        ? { value: best.d, metric, kind: 'difference', groups: [best.g, reference] }
        : { value: null, undefinedBecause: 'fewerThanTwoGroups', metric, kind: 'difference' };
    }
    if (e.groupMax.value > 0 && e.groupMin.value >= 0)
      out[`${metric}Ratio`] = {
        value: e.groupMin.value / e.groupMax.value,
        metric,
        kind: 'ratio',
        groups: [e.groupMin.group, e.groupMax.group],
      };
  }
  return out;
}

function addBootstrapIntervals(
  cube: StatsCube,
  config: AuditConfig,
  convention: Convention,
  sets: string[][],
  byFeature: Record<string, FeatureResult>,
  eligibleByFeature: ReadonlyMap<string, ReadonlySet<string>>,
): void {
  if (cube.task !== 'binary') return;
  // The statistic: every disparity of every feature (and every group rate with ciMethod
  // 'bootstrap'), flattened in a fixed order.
  const slots: { feature: string; kind: 'disparity' | 'group'; name: string; group?: string }[] = [];
  for (const set of sets) {
    const f = set.join('&');
    const fr = byFeature[f]!;
    for (const d of Object.keys(fr.disparities)) slots.push({ feature: f, kind: 'disparity', name: d });
    if (config.ciMethod === 'bootstrap') {
      for (const g of Object.keys(fr.groups))
        for (const m of Object.keys(RATE_PARTS)) slots.push({ feature: f, kind: 'group', name: m, group: g });
    }
  }
  const refs = new Map(sets.map((s) => [s.join('&'), byFeature[s.join('&')]!.reference]));
  const statistic = (c: StatsCube): Float64Array => {
    const out = new Float64Array(slots.length).fill(Number.NaN);
    const cache = new Map<
      string,
      { disp: Record<string, DisparityResult>; groups: Map<string, Confusion> }
    >();
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      let entry = cache.get(s.feature);
      if (!entry) {
        const set = s.feature.split('&');
        const m = marginalize(c, set);
        const groups = new Map<string, Confusion>();
        const eligible = eligibleByFeature.get(s.feature);
        const all = new Map<string, Confusion>();
        for (const [k, v] of m) {
          all.set(k, v.cell.confusion ?? emptyConfusion);
          if (!eligible || eligible.has(k)) groups.set(k, v.cell.confusion ?? emptyConfusion);
        }
        const disp: Record<string, DisparityResult> = {
          ...computeDisparities(groups, { reference: refs.get(s.feature)!, convention, onUndefined: 'skip' }),
          ...inequalityIndices(all, config.generalizedEntropyAlpha),
        };
        entry = { disp, groups };
        cache.set(s.feature, entry);
      }
      if (s.kind === 'disparity') {
        const v = entry.disp[s.name]?.value;
        if (v !== null && v !== undefined) out[i] = v;
      } else {
        const conf = entry.groups.get(s.group!);
        if (!conf) continue;
        const [wx, wn] = RATE_PARTS[s.name as MetricName]!(conf);
        if (wn > 0) out[i] = wx / wn;
      }
    }
    return out;
  };
  const total = config.bootstrap;
  config.onProgress?.({ label: 'bootstrap', done: 0, total });
  const boot = bootstrapCube(cube, statistic, {
    resamples: config.bootstrap,
    rng: seededRng(config.seed).fork('audit-bootstrap'),
    confidence: config.ci!,
  });
  config.onProgress?.({ label: 'bootstrap', done: total, total });
  slots.forEach((s, i) => {
    const iv = boot.intervals[i];
    if (!iv) return;
    const fr = byFeature[s.feature]!;
    if (s.kind === 'disparity') {
      const d = fr.disparities[s.name];
      if (!d || d.value === null) return;
      byFeature[s.feature] = { ...fr, disparities: { ...fr.disparities, [s.name]: { ...d, ci: iv } } };
    } else {
      const g = fr.groups[s.group!]!;
      if (g[s.name as Exclude<MetricName, 'count'>] === null) return;
      const ci = { ...(g.ci ?? {}), [s.name]: iv };
      byFeature[s.feature] = { ...fr, groups: { ...fr.groups, [s.group!]: { ...g, ci } as GroupResult } };
    }
  });
}

const PLAIN: Record<string, string> = {
  demographicParityDifference: 'selection rates differ',
  equalOpportunityDifference: 'true positive rates differ',
  falsePositiveRateDifference: 'false positive rates differ',
  predictiveParityDifference: 'precision differs',
  accuracyDifference: 'accuracy differs',
  selectionRate: 'selection rate',
  truePositiveRate: 'true positive rate',
  falsePositiveRate: 'false positive rate',
  precision: 'precision',
  accuracy: 'accuracy',
  meanErrorDifference: 'mean errors differ',
};

function fmtRate(metric: string, x: number): string {
  return metric === 'meanError' ? x.toFixed(3) : pct(x);
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function buildVerdict(
  byFeature: Record<string, FeatureResult>,
  tests: readonly SignificanceTest[],
  config: AuditConfig,
  extra: Finding[],
): AuditResult['verdict'] {
  const findings: Finding[] = [...extra];
  const corr =
    config.correction === 'holm' ? 'Holm' : config.correction === 'bh' ? 'Benjamini–Hochberg' : 'no';
  for (const [f, fr] of Object.entries(byFeature)) {
    for (const t of [...TESTED, { disparity: 'meanErrorDifference', rate: 'meanError' as MetricName }]) {
      const d = fr.disparities[t.disparity];
      if (!d || d.value === null || d.significant === undefined) continue;
      const g = d.groups;
      const rates = g ? g.map((x) => fr.groups[x]?.[t.rate as Exclude<MetricName, 'count'>]) : [];
      const detail =
        g && rates.every((r) => typeof r === 'number')
          ? ` (${g[0]} ${fmtRate(t.rate, rates[0] as number)} vs ${g[1]} ${fmtRate(t.rate, rates[1] as number)})`
          : '';
      if (d.significant) {
        findings.push({
          severity: 'significant',
          feature: f,
          metric: t.disparity,
          message: `${f}: ${PLAIN[t.disparity]} by ${Math.abs(d.value).toFixed(3)}${detail}; significant after ${corr} correction (adjusted p = ${fmtP(d.adjustedPValue!)}).`,
        });
      }
    }
    const di = fr.disparities.disparateImpact;
    if (di && di.value !== null && di.value < 0.8) {
      findings.push({
        severity: 'warning',
        feature: f,
        metric: 'disparateImpact',
        message: `${f}: disparate impact ${di.value.toFixed(3)} is below the four-fifths (0.8) threshold${di.groups ? ` (${di.groups[0]} vs ${di.groups[1]})` : ''}.`,
      });
    }
    const small = Object.entries(fr.groups)
      .filter(([, g]) => g.small)
      .map(([k]) => k);
    if (small.length > 0) {
      findings.push({
        severity: 'info',
        feature: f,
        metric: 'count',
        message: `${f}: ${small.length} group${small.length > 1 ? 's have' : ' has'} fewer than ${config.minGroupSize} rows (${small.slice(0, 5).join(', ')}${small.length > 5 ? ', …' : ''}); their numbers are unreliable.`,
      });
    }
  }
  const nSig = tests.filter((t) => t.significant).length;
  const nDisp = findings.filter((x) => x.severity === 'significant').length;
  const summary =
    tests.length === 0
      ? 'No significance tests could be run (fewer than two groups with data).'
      : nDisp > 0
        ? `${nDisp} disparit${nDisp === 1 ? 'y is' : 'ies are'} statistically significant at α = ${config.alpha} after ${corr} correction over ${tests.length} tests (${nSig} tests significant).`
        : `No disparity is statistically significant at α = ${config.alpha} after ${corr} correction over ${tests.length} tests.${nSig > 0 ? ` ${nSig} pairwise test${nSig > 1 ? 's are' : ' is'} significant.` : ''}`;
  return { summary, findings };
}

function fmtP(p: number): string {
  return p < 1e-4 ? p.toExponential(1) : p.toFixed(4);
}

// Welch-type z for regression errors, kept for when regression gets tests (moments carry Σe and Σe²).
export function regressionErrorZ(
  a: RegressionMoments,
  b: RegressionMoments,
): { statistic: number; pValue: number } | null {
  if (a.w <= 0 || b.w <= 0 || a.n < 2 || b.n < 2) return null;
  const ma = a.sumErr / a.w;
  const mb = b.sumErr / b.w;
  const va = Math.max(0, a.sumSqErr / a.w - ma * ma) * (a.n / (a.n - 1));
  const vb = Math.max(0, b.sumSqErr / b.w - mb * mb) * (b.n / (b.n - 1));
  const se = Math.sqrt(va / a.n + vb / b.n);
  if (se === 0) return null;
  const z = (ma - mb) / se;
  return { statistic: z, pValue: 2 * (1 - normalCdf(Math.abs(z))) };
}

export { groupKey };

/**
 * Multiclass audits, one-vs-rest: for each class, the decision "predicted this class" against
 * "is this class" is audited as a binary task. Results land in `byFeature` under
 * `<feature>[class=<name>]`, and `overall` holds the multiclass accuracy plus each class's
 * one-vs-rest metrics as `<metric>[class=<name>]`. Each class's tests are corrected within the
 * class, then the whole family is corrected again together.
 */
function auditMulticlass(cube: StatsCube, config: AuditConfig): AuditResult {
  const names = cube.classNames ?? [];
  if (names.length < 2) {
    throw new AequaError(
      'AEQ_DATA_NOT_BINARY',
      `A multiclass audit needs at least two classes; found ${names.length}.`,
      {
        hint: 'Use --task binary for a two-class label.',
      },
    );
  }
  let correct = 0;
  let all = 0;
  for (const cell of cube.cells) {
    const m = cell.classes;
    if (!m) continue;
    for (let t = 0; t < m.k; t++) {
      for (let p = 0; p < m.k; p++) {
        all += m.weighted[t * m.k + p]!;
        if (t === p) correct += m.weighted[t * m.k + p]!;
      }
    }
  }
  const perClass = names.map((name, k) => {
    const binary: StatsCube = {
      ...cube,
      task: 'binary',
      cells: cube.cells.map((c) => ({ key: c.key, confusion: oneVsRest(c.classes!, k) })),
    };
    return { name, result: auditCube(binary, { ...config, positive: [name] }) };
  });
  const first = perClass[0]!.result;
  const overall: Record<string, number | null> = {
    accuracy: all > 0 ? correct / all : null,
    count: first.rows,
  };
  const byFeature: Record<string, FeatureResult> = {};
  const tests: SignificanceTest[] = [];
  const findings: Finding[] = [];
  for (const { name, result } of perClass) {
    for (const [m, v] of Object.entries(result.overall))
      if (m !== 'count' && m !== 'weight') overall[`${m}[class=${name}]`] = v;
    for (const [f, fr] of Object.entries(result.byFeature)) byFeature[`${f}[class=${name}]`] = fr;
    for (const t of result.significance.tests) tests.push({ ...t, feature: `${t.feature}[class=${name}]` });
    for (const x of result.verdict.findings) findings.push({ ...x, feature: `${x.feature}[class=${name}]` });
  }
  const p = tests.map((t) => t.pValue);
  const adj = config.correction === 'holm' ? holm(p) : config.correction === 'bh' ? benjaminiHochberg(p) : p;
  const corrected = tests.map((t, i) => ({
    ...t,
    adjustedPValue: adj[i]!,
    significant: adj[i]! < config.alpha,
  }));
  const nSig = findings.filter((f) => f.severity === 'significant').length;
  return {
    ...first,
    input: { ...first.input, task: 'multiclass', positive: null },
    overall,
    byFeature,
    significance: { correction: config.correction, alpha: config.alpha, tests: corrected },
    verdict: {
      summary: `One-vs-rest over ${names.length} classes: ${nSig} disparit${nSig === 1 ? 'y is' : 'ies are'} significant within their class (α = ${config.alpha}).`,
      findings,
    },
  };
}
