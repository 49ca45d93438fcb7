/**
 * @module mitigation/reductions/grid-search
 * Grid search over Lagrange multipliers (Agarwal et al. 2018, §3.4, https://arxiv.org/abs/1803.02453):
 * fit the best response to each λ on a grid and keep the most accurate deterministic model that meets
 * the constraint on the training data. Cheaper to reason about than exponentiated gradient (no
 * randomization) but needs more fits for the same trade-off, and its grid grows with the groups.
 */
import { InvalidArgumentError } from '../../core/index.js';
import type { Table } from '../../data/index.js';
import type { Learner, Model } from '../../models/index.js';
import { CONSTRAINTS, type Constraint } from './moments.js';
import { createOracle, type ReductionOptions } from './oracle.js';
import { type Candidate, type ReductionSummary, trainingValues, warnIfUnmet } from './result.js';

/** Options of {@link gridSearch}. */
export interface GridSearchOptions extends ReductionOptions {
  /** Number of grid points (learner fits). @default 10 */
  readonly gridSize?: number;
  /** Each free multiplier ranges over [−gridLimit, gridLimit] (bounded group loss: [0, gridLimit]). @default 2 */
  readonly gridLimit?: number;
}

/** Result of {@link gridSearch}. */
export interface GridSearchResult extends ReductionSummary {
  readonly method: 'gridSearch';
  /** The chosen deterministic model (also in `best` when it meets the constraint). */
  readonly model: Model;
}

/**
 * Fits the best response at each grid point and returns the most accurate model whose training
 * disparity is within eps (or, when none is, the least unfair one, with a warning).
 *
 * The grid: per event of the constraint one free multiplier per group but the last (the last is
 * redundant, because the group gaps, weighted by group size, sum to zero); values are evenly spaced in
 * [−gridLimit, gridLimit] and the `gridSize` points nearest 0 (L1) are used, 0 included.
 * @throws {AEQ_INVALID_ARGUMENT} for gridSize < 1, gridLimit ≤ 0, eps ≤ 0, or more than 12 free multipliers.
 * @throws {AEQ_MITIGATION_SINGLE_GROUP}, {AEQ_MITIGATION_WEIGHTS_IGNORED} as exponentiatedGradient.
 * @example
 * const r = await gridSearch(logisticRegression(), demographicParity({ eps: 0.02 }), adult,
 *   { label: 'income', positive: ['>50K'], sensitive: 'sex', gridSize: 15 });
 * r.train.disparity // ≤ 0.02 when a grid point reaches it
 */
export async function gridSearch(
  learner: Learner,
  constraint: Constraint,
  table: Table,
  opts: GridSearchOptions,
): Promise<GridSearchResult> {
  const fn = 'gridSearch';
  const c = opts.eps === undefined ? constraint : CONSTRAINTS[constraint.name]({ eps: opts.eps });
  const gridSize = opts.gridSize ?? 10;
  if (!Number.isInteger(gridSize) || gridSize < 1)
    throw new InvalidArgumentError(fn, 'gridSize', gridSize, 'an integer ≥ 1');
  const limit = opts.gridLimit ?? 2;
  if (!(limit > 0) || !Number.isFinite(limit))
    throw new InvalidArgumentError(fn, 'gridLimit', limit, 'a finite number > 0');
  const oracle = await createOracle(fn, learner, c, table, opts);
  const bound = oracle.bound;
  const K = bound.size;
  const G = oracle.groups.names.length;
  const regression = c.name === 'boundedGroupLoss';
  // Parity: K = 2·E·G rows (+/−) per (event, group); free dims: E·(G − 1). BGL: K = G, all free, ≥ 0.
  const E = regression ? 1 : K / (2 * G);
  const dims = regression ? G : E * (G - 1);
  if (dims > 12)
    throw new InvalidArgumentError(
      fn,
      'sensitive',
      `${G} groups (${dims} multipliers)`,
      'at most 12 free multipliers for a grid',
      'Use exponentiatedGradient, whose cost does not grow with a grid.',
    );
  const points = grid(dims, gridSize, limit, regression);
  const models: Model[] = [];
  const candidates: Candidate[] = [];
  for (const mu of points) {
    const lambda = new Float64Array(K);
    if (regression) for (let a = 0; a < G; a++) lambda[a] = mu[a]!;
    else
      for (let e = 0; e < E; e++)
        for (let a = 0; a < G - 1; a++) {
          const v = mu[e * (G - 1) + a]!;
          const cell = e * G + a;
          lambda[2 * cell] = Math.max(v, 0);
          lambda[2 * cell + 1] = Math.max(-v, 0);
        }
    const { model, decisions } = await oracle.bestResponse(lambda);
    models.push(model);
    candidates.push({
      lambda: Array.from(lambda),
      train: trainingValues(bound.evaluate(decisions), c.eps, bound.labels),
    });
    opts.onProgress?.({ label: fn, done: models.length, total: points.length });
  }
  let chosen = -1;
  for (let h = 0; h < candidates.length; h++) {
    const t = candidates[h]!.train;
    if (t.violation <= 0 && (chosen < 0 || t.objective < candidates[chosen]!.train.objective)) chosen = h;
  }
  if (chosen < 0) {
    chosen = 0;
    for (let h = 1; h < candidates.length; h++)
      if (candidates[h]!.train.disparity < candidates[chosen]!.train.disparity) chosen = h;
  }
  const train = candidates[chosen]!.train;
  const satisfied = warnIfUnmet(fn, c.name, c.eps, train);
  return {
    method: fn,
    constraint: c.name,
    eps: c.eps,
    fits: oracle.fits(),
    satisfied,
    train,
    best: models[chosen]!,
    bestTrain: train,
    candidates,
    model: models[chosen]!,
  };
}

/** The `size` points of the evenly spaced grid on [−limit, limit]^dims (or [0, limit]) nearest 0. */
function grid(dims: number, size: number, limit: number, nonNegative: boolean): Float64Array[] {
  // Points per axis: the smallest m (odd when signed, so that 0 is on it) with enough points.
  let m = nonNegative ? 2 : 3;
  while (m ** dims < size) m += nonNegative ? 1 : 2;
  const axis = Array.from({ length: m }, (_, j) =>
    nonNegative ? (limit * j) / (m - 1) : -limit + (2 * limit * j) / (m - 1),
  );
  const total = m ** dims;
  const all: { p: Float64Array; norm: number; idx: number }[] = [];
  for (let idx = 0; idx < total; idx++) {
    const p = new Float64Array(dims);
    let r = idx;
    let norm = 0;
    for (let d = 0; d < dims; d++) {
      p[d] = axis[r % m]!;
      r = Math.floor(r / m);
      norm += Math.abs(p[d]!);
    }
    all.push({ p, norm, idx });
  }
  all.sort((a, b) => a.norm - b.norm || a.idx - b.idx);
  return all.slice(0, size).map((x) => x.p);
}
