/**
 * @module mitigation/reductions/grid-search
 * Grid search over Lagrange multipliers (Agarwal et al. 2018, §3.4, https://arxiv.org/abs/1803.02453),
 * with fairlearn's semantics (https://fairlearn.org/main/api_reference/generated/fairlearn.reductions.GridSearch.html):
 * one signed multiplier per constraint (the +/− pair collapsed), a grid of `gridSize` points in
 * [−gridLimit, gridLimit] that includes λ = 0, one best-response fit per point, and the deterministic
 * model minimising (1 − w)·error + w·disparity on the training data (w = constraintWeight).
 */
import { InvalidArgumentError } from '../../core/index.js';
import type { Table } from '../../data/index.js';
import type { Learner, Model } from '../../models/index.js';
import { lambdaGrid } from './grid.js';
import { CONSTRAINTS, type Constraint } from './moments.js';
import { createOracle, type ReductionOptions } from './oracle.js';
import { type Candidate, type ReductionSummary, trainingValues, warnIfUnmet } from './result.js';

/** Options of {@link gridSearch}. */
export interface GridSearchOptions extends ReductionOptions {
  /** Number of grid points (learner fits). @default 10 */
  readonly gridSize?: number;
  /** Each signed multiplier ranges over [−gridLimit, gridLimit] (bounded group loss: [0, gridLimit]). @default 2 */
  readonly gridLimit?: number;
  /**
   * Weight w of the disparity when choosing the model: the chosen grid point minimises
   * (1 − w)·error + w·disparity on the training data (fairlearn's "tradeoff_optimization"). w = 1 picks
   * the least unfair point, w = 0 the most accurate. @default 0.5
   */
  readonly constraintWeight?: number;
}

/** Result of {@link gridSearch}. */
export interface GridSearchResult extends ReductionSummary {
  readonly method: 'gridSearch';
  /** The chosen deterministic model (also in `best`). */
  readonly model: Model;
  /** Index of the chosen grid point in `candidates` and `models`. */
  readonly chosen: number;
  /** The model fitted at each grid point, in grid order. */
  readonly models: readonly Model[];
  /** (1 − w)·error + w·disparity of each grid point; the chosen one is the first minimum. */
  readonly losses: readonly number[];
}

/**
 * Fits the best response at each grid point and returns the model with the best trade-off
 * (1 − w)·error + w·disparity on the training data, w = `constraintWeight` (fairlearn's selection rule:
 * it does not insist on eps, so the chosen model may exceed it — then a warning says so).
 *
 * The grid: per event of the constraint, one signed multiplier per group but one (the group gaps,
 * weighted by group size, sum to zero, so one is redundant). The group left out is the smallest in
 * that event: a multiplier μ on group a moves its cost by μ·(1/p_a − 1) relative to the others, so
 * the larger the free groups, the finer the grid's steps. (fairlearn leaves out the group that appears
 * last in the data; on Adult by sex both leave out "Female".) A positive value becomes λ⁺, a negative
 * one λ⁻. Points: see {@link lambdaGrid}.
 * @throws {AEQ_INVALID_ARGUMENT} for gridSize < 1, gridLimit ≤ 0, constraintWeight outside [0, 1],
 *   eps ≤ 0, or more than 12 free multipliers.
 * @throws {AEQ_MITIGATION_SINGLE_GROUP}, {AEQ_MITIGATION_WEIGHTS_IGNORED} as exponentiatedGradient.
 * @example
 * const r = await gridSearch(logisticRegression(), demographicParity({ eps: 0.02 }), adult,
 *   { label: 'income', positive: ['>50K'], sensitive: 'sex', gridSize: 21 });
 * r.losses[r.chosen] === Math.min(...r.losses) // true
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
  const cw = opts.constraintWeight ?? 0.5;
  if (!(cw >= 0 && cw <= 1)) throw new InvalidArgumentError(fn, 'constraintWeight', cw, 'a number in [0, 1]');
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
  // The cells (e·G + a) that carry a free multiplier: every group of an event but its smallest.
  const free: number[] = [];
  if (!regression) {
    const cellRows = bound.cellRows;
    for (let e = 0; e < E; e++) {
      let drop = 0;
      for (let a = 1; a < G; a++) if (cellRows[e * G + a]! < cellRows[e * G + drop]!) drop = a;
      for (let a = 0; a < G; a++) if (a !== drop) free.push(e * G + a);
    }
  }
  const points = lambdaGrid(dims, gridSize, limit, !regression);
  const models: Model[] = [];
  const candidates: Candidate[] = [];
  const losses: number[] = [];
  for (const mu of points) {
    const lambda = new Float64Array(K);
    if (regression) for (let a = 0; a < G; a++) lambda[a] = mu[a]!;
    else
      for (let j = 0; j < dims; j++) {
        const cell = free[j]!;
        lambda[2 * cell] = Math.max(mu[j]!, 0);
        lambda[2 * cell + 1] = Math.max(-mu[j]!, 0);
      }
    const { model, decisions } = await oracle.bestResponse(lambda);
    models.push(model);
    const train = trainingValues(bound.evaluate(decisions), c.eps, bound.labels);
    candidates.push({ lambda: Array.from(lambda), train });
    losses.push((1 - cw) * train.objective + cw * train.disparity);
    opts.onProgress?.({ label: fn, done: models.length, total: points.length });
  }
  let chosen = 0;
  for (let h = 1; h < losses.length; h++) if (losses[h]! < losses[chosen]!) chosen = h;
  const train = candidates[chosen]!.train;
  const satisfied = warnIfUnmet(fn, c.name, c.eps, train, 'grid');
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
    chosen,
    models,
    losses,
  };
}
