/**
 * @module privacy/analytics/dp-describe
 * A differentially private summary of every column of a table under one (ε, δ) budget: the row
 * count; for each number column with a declared clamping range its count, mean, standard deviation
 * and quartiles; for each category or boolean column its histogram (categories thresholded when not
 * declared). Contribution bounding by an id column first (Wilson et al. 2020,
 * https://arxiv.org/abs/1909.01917). Composition is basic: the parts' ε add up to the budget.
 */
import { InvalidArgumentError } from '../../core/index.js';
import type { Table } from '../../data/index.js';
import { Budget, type BudgetEntry } from '../accounting/index.js';
import type { RandomSource } from '../mechanisms/index.js';
import { boundContributions } from './contribution.js';
import {
  type DpHistogram,
  type DpRelease,
  dpCount,
  dpHistogram,
  dpMoments,
  dpQuantiles,
} from './dp-stats.js';

/** Options of {@link dpDescribe}. */
export interface DpDescribeOptions {
  readonly epsilon: number;
  /** δ for category thresholding (default 0: category columns need `levels`). */
  readonly delta?: number;
  /** Clamping range per number column; number columns without one are not released. */
  readonly clamp?: Readonly<Record<string, readonly [number, number]>>;
  /** Declared (public) categories per column: released without thresholding. */
  readonly levels?: Readonly<Record<string, readonly string[]>>;
  /** Column identifying people; with it, at most `maxRowsPerPerson` rows per person are used. */
  readonly idColumn?: string;
  readonly maxRowsPerPerson?: number;
  /** Columns to describe (default: all but the id column). */
  readonly columns?: readonly string[];
  /** Quantiles of number columns (default [0.25, 0.5, 0.75]). */
  readonly quantiles?: readonly number[];
  readonly source?: RandomSource;
}

/** One column of a {@link DpDescription}. */
export interface DpColumnSummary {
  readonly name: string;
  readonly kind: 'number' | 'category' | 'boolean';
  readonly released: boolean;
  /** Why the column was not released. */
  readonly reason?: string;
  readonly count?: DpRelease;
  readonly mean?: DpRelease;
  readonly std?: number;
  readonly quantiles?: readonly DpRelease[];
  readonly histogram?: DpHistogram;
  readonly clamp?: readonly [number, number];
}

/** The DP summary and its accounting. */
export interface DpDescription {
  readonly schemaVersion: 1;
  readonly budget: { readonly epsilon: number; readonly delta: number };
  readonly spent: { readonly epsilon: number; readonly delta: number };
  readonly maxRowsPerPerson: number;
  readonly rows: DpRelease;
  readonly columns: readonly DpColumnSummary[];
  /** Every release, in order, with its cost (basic composition: the ε add up). */
  readonly ledger: readonly BudgetEntry[];
}

/**
 * Releases a DP summary of every column.
 * @example dpDescribe(table, { epsilon: 1, delta: 1e-6, clamp: { age: [0, 120] } }).columns[0].mean.value
 * // ≈ 38.6 on Adult (noisy)
 */
export function dpDescribe(table: Table, o: DpDescribeOptions): DpDescription {
  const fn = 'dpDescribe';
  if (!(o.epsilon > 0) || !Number.isFinite(o.epsilon))
    throw new InvalidArgumentError(fn, 'epsilon', o.epsilon, 'a finite number > 0');
  const delta = o.delta ?? 0;
  if (!(delta >= 0 && delta < 1)) throw new InvalidArgumentError(fn, 'delta', delta, 'a number in [0, 1)');
  const budget = new Budget({ epsilon: o.epsilon, delta });
  const source = o.source ? { source: o.source } : {};
  let t = table;
  let k = 1;
  if (o.idColumn !== undefined) {
    k = o.maxRowsPerPerson ?? 1;
    t = boundContributions(table, { idColumn: o.idColumn, maxRowsPerPerson: k, ...source }).table;
  } else if (o.maxRowsPerPerson !== undefined) {
    throw new InvalidArgumentError(
      fn,
      'maxRowsPerPerson',
      o.maxRowsPerPerson,
      'used together with idColumn',
      'Pass idColumn too.',
    );
  }
  const names = o.columns ?? table.names.filter((n) => n !== o.idColumn);
  for (const [c] of Object.entries(o.clamp ?? {})) if (!names.includes(c)) table.column(c, 'clamped column'); // a typo in --clamp: MissingColumnError
  const quantiles = o.quantiles ?? [0.25, 0.5, 0.75];

  // Plan first (which columns are released, and how), then split ε and δ evenly.
  const plan = names.map((name) => {
    const col = t.column(name);
    const range = o.clamp?.[name];
    if (col.kind === 'number') {
      return range
        ? { name, kind: col.kind, act: 'numeric' as const, range }
        : {
            name,
            kind: col.kind,
            act: 'skip' as const,
            reason: `no clamping range: pass --clamp ${name}=LOW:HIGH`,
          };
    }
    const declared = o.levels?.[name] ?? (col.kind === 'boolean' ? ['false', 'true'] : undefined);
    if (declared) return { name, kind: col.kind, act: 'histogram' as const, levels: declared };
    return delta > 0
      ? { name, kind: col.kind, act: 'threshold' as const }
      : {
          name,
          kind: col.kind,
          act: 'skip' as const,
          reason: 'categories not declared and δ = 0: pass --delta (e.g. 1e-6)',
        };
  });
  const released = plan.filter((p) => p.act !== 'skip');
  const share = o.epsilon / (1 + released.length);
  const thresholded = plan.filter((p) => p.act === 'threshold').length;
  const deltaShare = thresholded > 0 ? delta / thresholded : 0;
  const q = { budget, maxRowsPerPerson: k, ...source };

  const rows = dpCount(t, { ...q, epsilon: share, label: 'rows' });
  const columns: DpColumnSummary[] = plan.map((p) => {
    if (p.act === 'skip') return { name: p.name, kind: p.kind, released: false, reason: p.reason };
    if (p.act === 'numeric') {
      const [lower, upper] = p.range;
      const m = dpMoments(t, p.name, {
        ...q,
        epsilon: quantiles.length ? share / 2 : share,
        lower,
        upper,
        label: p.name,
      });
      const qs = quantiles.length
        ? dpQuantiles(t, p.name, quantiles, { ...q, epsilon: share / 2, lower, upper, label: p.name })
        : [];
      return {
        name: p.name,
        kind: p.kind,
        released: true,
        clamp: p.range,
        count: m.count,
        mean: m.mean,
        std: m.std,
        quantiles: qs,
      };
    }
    const histogram =
      p.act === 'histogram'
        ? dpHistogram(t, p.name, { ...q, epsilon: share, levels: p.levels })
        : dpHistogram(t, p.name, { ...q, epsilon: share, delta: deltaShare });
    return { name: p.name, kind: p.kind, released: true, histogram };
  });
  return {
    schemaVersion: 1,
    budget: { epsilon: o.epsilon, delta },
    spent: budget.spent,
    maxRowsPerPerson: k,
    rows,
    columns,
    ledger: budget.entries,
  };
}
