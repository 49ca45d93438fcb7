/**
 * @module privacy/analytics/dp-fairness
 * A differentially private fairness audit: per group of a sensitive column, the noisy group size and
 * the noisy count of positive outcomes (two Laplace histograms, ε/2 each), hence selection rates,
 * their demographic-parity difference and disparate-impact ratio, with the noise's standard deviation
 * and a 95% interval, so that an auditor can judge disparities without seeing a row. Group labels are
 * treated as public (the sensitive attribute's categories are a declared domain).
 */
import { InvalidArgumentError } from '../../core/index.js';
import { cellString, resolvePositive, type Table, toBinary } from '../../data/index.js';
import { Budget } from '../accounting/index.js';
import { laplaceMechanism, laplaceNoise, type RandomSource } from '../mechanisms/index.js';
import { boundContributions } from './contribution.js';

/** Options of {@link dpFairnessAudit}. */
export interface DpFairnessOptions {
  /** Outcome column (label or prediction). */
  readonly label: string;
  /** Values meaning the favourable outcome (default: resolved as in the audit). */
  readonly positive?: readonly string[];
  /** The sensitive column whose groups are compared. */
  readonly sensitive: string;
  readonly epsilon: number;
  /** Budget to spend from (default: a fresh one of `epsilon`). */
  readonly budget?: Budget;
  readonly idColumn?: string;
  readonly maxRowsPerPerson?: number;
  /** Declared groups (default: the column's categories, treated as public). */
  readonly groups?: readonly string[];
  readonly source?: RandomSource;
}

/** A noisy number with its noise sd and 95% interval. */
export interface NoisyValue {
  readonly value: number;
  readonly noiseStd: number;
  readonly ci95: readonly [number, number];
}

/** One group of a {@link DpFairnessResult}. */
export interface DpGroupStats {
  readonly group: string;
  readonly size: NoisyValue;
  readonly positives: NoisyValue;
  readonly selectionRate: NoisyValue;
}

/** The DP fairness audit. */
export interface DpFairnessResult {
  readonly schemaVersion: 1;
  readonly sensitive: string;
  readonly label: string;
  readonly positive: readonly string[];
  readonly epsilon: number;
  readonly maxRowsPerPerson: number;
  readonly groups: readonly DpGroupStats[];
  /** max − min of the noisy selection rates. */
  readonly demographicParityDifference: number;
  /** min / max of the noisy selection rates (NaN when every rate is 0). */
  readonly disparateImpactRatio: number;
}

const Z95 = 1.959963984540054;

/**
 * Group sizes and selection rates under ε-DP.
 * @example dpFairnessAudit(t, { label: 'y', positive: ['1'], sensitive: 'sex', epsilon: 1 }).groups[0].selectionRate
 * // { value: 0.251, noiseStd: 0.0045, ci95: [0.242, 0.260] }
 */
export function dpFairnessAudit(table: Table, o: DpFairnessOptions): DpFairnessResult {
  const fn = 'dpFairnessAudit';
  if (!(o.epsilon > 0) || !Number.isFinite(o.epsilon))
    throw new InvalidArgumentError(fn, 'epsilon', o.epsilon, 'a finite number > 0');
  const budget = o.budget ?? new Budget({ epsilon: o.epsilon });
  const source = o.source ? { source: o.source } : {};
  let t = table;
  let k = 1;
  if (o.idColumn !== undefined) {
    k = o.maxRowsPerPerson ?? 1;
    t = boundContributions(table, { idColumn: o.idColumn, maxRowsPerPerson: k, ...source }).table;
  }
  const labelCol = t.column(o.label, 'label');
  const sensCol = t.column(o.sensitive, 'sensitive');
  const pos = resolvePositive(labelCol, {
    name: o.label,
    role: 'label',
    ...(o.positive?.length ? { positive: o.positive } : {}),
  });
  const y = toBinary(labelCol, pos.positive);
  const groups =
    o.groups ??
    (sensCol.kind === 'category'
      ? [...sensCol.levels]
      : sensCol.kind === 'boolean'
        ? ['false', 'true']
        : [
            ...new Set(
              Array.from({ length: t.nrows }, (_, i) => cellString(sensCol, i)).filter((s) => s !== null),
            ),
          ].sort());
  const index = new Map(groups.map((g, i) => [g, i]));
  const n = new Float64Array(groups.length);
  const p = new Float64Array(groups.length);
  for (let i = 0; i < t.nrows; i++) {
    if (y.valid !== null && !y.valid.isValid(i)) continue;
    const g = cellString(sensCol, i);
    if (g === null) continue;
    const j = index.get(g);
    if (j === undefined) continue;
    n[j]! += 1;
    p[j]! += y.values[i]!;
  }
  budget.spend({ epsilon: o.epsilon }, `fairness(${o.sensitive}, ${o.label})`);
  return noisyFairness(
    {
      sensitive: o.sensitive,
      label: o.label,
      positive: pos.positive,
      epsilon: o.epsilon,
      maxRowsPerPerson: k,
    },
    groups,
    (j) => [n[j]!, p[j]!],
    source,
  );
}

/**
 * The noisy half of the audit from exact per-group counts (shared with `dpDescribeSql`): per group, Laplace
 * noise of scale k/(ε/2) on the size, then on the positives, the clamped selection rate with its delta-method
 * standard deviation, and the disparities. Spends no budget (the caller does).
 * @example noisyFairness({ sensitive: 's', label: 'y', positive: ['1'], epsilon: 1, maxRowsPerPerson: 1 }, ['a'], () => [100, 25], {}).groups[0].selectionRate.value
 * // ≈ 0.25 (noisy)
 */
export function noisyFairness(
  head: Pick<DpFairnessResult, 'sensitive' | 'label' | 'positive' | 'epsilon' | 'maxRowsPerPerson'>,
  groups: readonly string[],
  counts: (j: number) => readonly [size: number, positives: number],
  source: { readonly source?: RandomSource },
): DpFairnessResult {
  const k = head.maxRowsPerPerson;
  const e = head.epsilon / 2;
  const noise = laplaceNoise({ epsilon: e, sensitivity: k });
  const half = noise.scale * Math.log(20);
  const noisy = (x: number): NoisyValue => {
    const v = laplaceMechanism(x, { epsilon: e, sensitivity: k, ...source });
    return { value: v, noiseStd: noise.std, ci95: [v - half, v + half] };
  };
  const out: DpGroupStats[] = groups.map((group, j) => {
    const [exactSize, exactPositives] = counts(j);
    const size = noisy(exactSize);
    const positives = noisy(exactPositives);
    const nn = Math.max(1, size.value);
    const r = Math.min(1, Math.max(0, positives.value / nn));
    // delta method on r = P/N with independent noises of sd s: sd(r) ≈ s·√(1 + r²)/N
    const sd = (noise.std * Math.sqrt(1 + r * r)) / nn;
    return {
      group,
      size,
      positives,
      selectionRate: { value: r, noiseStd: sd, ci95: [Math.max(0, r - Z95 * sd), Math.min(1, r + Z95 * sd)] },
    };
  });
  const rates = out.map((g) => g.selectionRate.value);
  const max = Math.max(...rates);
  const min = Math.min(...rates);
  return {
    schemaVersion: 1,
    ...head,
    groups: out,
    demographicParityDifference: max - min,
    disparateImpactRatio: max > 0 ? min / max : Number.NaN,
  };
}
