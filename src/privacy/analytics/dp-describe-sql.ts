/**
 * @module privacy/analytics/dp-describe-sql
 * The DP summary and DP fairness audit of a SQL relation, from the aggregates `sqlAggregates` computes
 * inside the database: the same Laplace releases as `dpDescribe`/`dpFairnessAudit` on a Table (Dwork & Roth
 * 2014, §3.3), with the noise added here, so the raw rows never leave the database. Quantiles are not
 * pushed down (they would need one rank count per grid bin) and category columns need declared levels.
 */
import { AequaError, InvalidArgumentError } from '../../core/index.js';
import type { SqlExecutor } from '../../metrics/index.js';
import { Budget } from '../accounting/index.js';
import { laplaceMechanism, laplaceNoise, type RandomSource } from '../mechanisms/index.js';
import type { DpColumnSummary, DpDescription } from './dp-describe.js';
import { type DpFairnessResult, noisyFairness } from './dp-fairness.js';
import { type DpRelease, laplaceRelease } from './dp-stats.js';
import { type Aggregates, sqlAggregates } from './sql-aggregates.js';

/** Options of {@link dpDescribeSql}. */
export interface DpDescribeSqlOptions {
  /** ε of the column summary (> 0). */
  readonly epsilon: number;
  /** Clamping ranges of the number columns to release. */
  readonly clamp?: Readonly<Record<string, readonly [number, number]>>;
  /** Declared (public) categories of the category columns to release. */
  readonly levels?: Readonly<Record<string, readonly string[]>>;
  readonly idColumn?: string;
  readonly maxRowsPerPerson?: number;
  /** A DP fairness audit with its own ε: group sizes and selection rates of `label` by `sensitive`. */
  readonly fairness?: {
    readonly label: string;
    readonly sensitive: string;
    readonly positive: readonly string[];
    readonly epsilon: number;
    /** Declared groups (default: the groups present, treated as public as in `dpFairnessAudit`). */
    readonly groups?: readonly string[];
  };
  readonly source?: RandomSource;
}

const Z95 = 1.959963984540054;

/**
 * Releases a DP summary (and optionally a DP fairness audit) of a SQL relation.
 * @throws {AEQ_INVALID_ARGUMENT} for ε ≤ 0, a bad clamp range, a missing column, no column to release
 * @example const { description } = await dpDescribeSql(exec, { epsilon: 1, clamp: { age: [0, 120] } });
 * description.columns[0].mean.value // ≈ 38.6 (noisy)
 */
export async function dpDescribeSql(
  exec: SqlExecutor,
  o: DpDescribeSqlOptions,
): Promise<{ description: DpDescription; fairness: DpFairnessResult | null; aggregatesOf: string }> {
  const fn = 'dpDescribeSql';
  if (!(o.epsilon > 0 && Number.isFinite(o.epsilon)))
    throw new InvalidArgumentError(fn, 'epsilon', o.epsilon, 'a finite number > 0');
  if (o.fairness && !(o.fairness.epsilon > 0 && Number.isFinite(o.fairness.epsilon)))
    throw new InvalidArgumentError(fn, 'fairness.epsilon', o.fairness.epsilon, 'a finite number > 0');
  const k = o.maxRowsPerPerson ?? 1;
  const clamp = o.clamp ?? {};
  const levels = o.levels ?? {};
  const agg: Aggregates = await sqlAggregates(exec, {
    numeric: clamp,
    categorical: Object.keys(levels),
    ...(o.fairness
      ? {
          groups: { sensitive: o.fairness.sensitive, label: o.fairness.label, positive: o.fairness.positive },
        }
      : {}),
    ...(o.idColumn !== undefined ? { idColumn: o.idColumn, maxRowsPerPerson: k } : {}),
  });
  const source = o.source ? { source: o.source } : {};
  const budget = new Budget({ epsilon: o.epsilon });
  const released = Object.keys(clamp).length + Object.keys(levels).length;
  const share = o.epsilon / (1 + released);
  const laplace = (label: string, exact: number, sensitivity: number, epsilon: number): DpRelease =>
    laplaceRelease(label, exact, sensitivity, epsilon, source);
  budget.spend({ epsilon: share }, 'rows');
  const rows = laplace('rows', agg.rows, k, share);
  const columns: DpColumnSummary[] = [];
  for (const [name, [lower, upper]] of Object.entries(clamp)) {
    const a = agg.numeric[name]!;
    if (a.count > 0 && a.inside === 0)
      throw new AequaError(
        'AEQ_PRIVACY_CLAMP_RANGE',
        `The clamping range [${lower}, ${upper}] of column "${name}" excludes every one of its values, so every statistic would be an edge of the range.`,
        {
          hint: `Give a range that covers the plausible values of "${name}", set from domain knowledge (e.g. age 0:120).`,
          details: { column: name, lower, upper },
        },
      );
    budget.spend({ epsilon: share }, `moments(${name})`);
    // as dpMoments: count, Σ(x − m), Σ(x − m)² with ε/3 each, sensitivities k, k·h, k·h²
    const e = share / 3;
    const h = (upper - lower) / 2;
    const n = laplace(`count(${name})`, a.count, k, e);
    const r1 = laplace(`sum(${name})`, a.s1, k * h, e);
    const r2 = laplace(`sumsq(${name})`, a.s2, k * h * h, e);
    const nn = Math.max(1, n.value);
    const m1 = Math.max(-h, Math.min(h, r1.value / nn));
    const variance = Math.max(0, Math.min(h * h, r2.value / nn - m1 * m1));
    const sd = Math.sqrt(r1.noiseStd! ** 2 + m1 * m1 * n.noiseStd! ** 2) / nn;
    const mean = (lower + upper) / 2 + m1;
    columns.push({
      name,
      kind: 'number',
      released: true,
      clamp: [lower, upper],
      count: n,
      mean: {
        label: `mean(${name})`,
        value: mean,
        epsilon: (2 * share) / 3,
        delta: 0,
        mechanism: 'laplace',
        noiseStd: sd,
        ci95: [Math.max(lower, mean - Z95 * sd), Math.min(upper, mean + Z95 * sd)],
      },
      std: Math.sqrt(variance),
    });
  }
  for (const [name, lv] of Object.entries(levels)) {
    budget.spend({ epsilon: share }, `histogram(${name})`);
    const counts = agg.categorical[name] ?? {};
    const noise = laplaceNoise({ epsilon: share, sensitivity: k });
    columns.push({
      name,
      kind: 'category',
      released: true,
      histogram: {
        label: name,
        epsilon: share,
        delta: 0,
        bins: lv.map((level) => ({
          level,
          count: laplaceMechanism(counts[level] ?? 0, { epsilon: share, sensitivity: k, ...source }),
        })),
        noiseStd: noise.std,
        threshold: null,
      },
    });
  }
  const description: DpDescription = {
    schemaVersion: 1,
    budget: { epsilon: o.epsilon, delta: 0 },
    spent: budget.spent,
    maxRowsPerPerson: k,
    rows,
    columns,
    ledger: budget.entries,
  };
  let fairness: DpFairnessResult | null = null;
  if (o.fairness) {
    const f = o.fairness;
    const counts = agg.groups ?? {};
    const groups = f.groups ?? Object.keys(counts).sort();
    fairness = noisyFairness(
      {
        sensitive: f.sensitive,
        label: f.label,
        positive: [...f.positive],
        epsilon: f.epsilon,
        maxRowsPerPerson: k,
      },
      groups,
      (j) => [counts[groups[j]!]?.size ?? 0, counts[groups[j]!]?.positives ?? 0],
      source,
    );
  }
  return { description, fairness, aggregatesOf: exec.description };
}
