/**
 * @module mitigation/reductions/result
 * What the reductions return, shared by exponentiated gradient and grid search: the model(s) and
 * the training-data objective and disparity they reach, computed from per-group sums.
 */
import { warn } from '../../core/index.js';
import type { Model } from '../../models/index.js';
import type { ConstraintName, MomentValues } from './moments.js';

/** Objective and constraint values of a predictor on the training data. */
export interface TrainingValues {
  /** Classification error (expected, for a randomized classifier) or mean squared loss. */
  readonly objective: number;
  /** max_k γ_k: for parity constraints the largest gap between a group's rate and the overall rate. */
  readonly disparity: number;
  /** max(0, disparity − eps). */
  readonly violation: number;
  /** γ_k by constraint row label. */
  readonly gamma: Readonly<Record<string, number>>;
}

/** One best response found by a reduction: its multipliers and training values (for trade-off plots). */
export interface Candidate {
  readonly lambda: readonly number[];
  readonly train: TrainingValues;
}

/** Common fields of the reductions' results. */
export interface ReductionSummary {
  readonly method: 'exponentiatedGradient' | 'gridSearch';
  readonly constraint: ConstraintName;
  readonly eps: number;
  /** Learner fits (including the two small weight-probe fits). */
  readonly fits: number;
  /** Whether the returned model meets the constraint on the training data (violation ≤ 1e-7). */
  readonly satisfied: boolean;
  /** The returned model's training values. */
  readonly train: TrainingValues;
  /** The best deterministic model: min objective + B·violation over every hypothesis found. */
  readonly best: Model;
  readonly bestTrain: TrainingValues;
  /** Every hypothesis found, in order. */
  readonly candidates: readonly Candidate[];
}

/** Violations at or below this count as met (LP round-off). */
export const SATISFIED_TOL = 1e-7;

/** Training values from moment values and row labels. */
export function trainingValues(v: MomentValues, eps: number, labels: readonly string[]): TrainingValues {
  let d = Number.NEGATIVE_INFINITY;
  const gamma: Record<string, number> = {};
  for (let k = 0; k < v.gamma.length; k++) {
    d = Math.max(d, v.gamma[k]!);
    gamma[labels[k]!] = v.gamma[k]!;
  }
  return { objective: v.objective, disparity: d, violation: Math.max(0, d - eps), gamma };
}

/** Mixes moment values linearly (the values of a randomized classifier). */
export function mixValues(values: readonly MomentValues[], weights: ArrayLike<number>): MomentValues {
  const K = values[0]!.gamma.length;
  const gamma = new Float64Array(K);
  let objective = 0;
  for (let h = 0; h < values.length; h++) {
    const w = weights[h]!;
    if (w === 0) continue;
    objective += w * values[h]!.objective;
    for (let k = 0; k < K; k++) gamma[k] = gamma[k]! + w * values[h]!.gamma[k]!;
  }
  return { objective, gamma };
}

/** Warns when the constraint is not met (the caller still gets the best reachable model). */
export function warnIfUnmet(
  method: string,
  constraint: string,
  eps: number,
  t: TrainingValues,
  kind: 'reachable' | 'grid' = 'reachable',
): boolean {
  if (t.violation <= SATISFIED_TOL) return true;
  const what =
    kind === 'grid'
      ? `the chosen grid point (best trade-off of error and disparity) has disparity ${t.disparity.toPrecision(4)} (violation ${t.violation.toPrecision(3)}); a larger gridSize or constraintWeight moves it toward eps`
      : `the best reachable disparity is ${t.disparity.toPrecision(4)} (violation ${t.violation.toPrecision(3)})`;
  warn(
    'AEQ_W_CONSTRAINT_NOT_MET',
    `${method}: ${constraint} is not met within eps = ${eps} on the training data; ${what}.`,
    { method, constraint, eps, disparity: t.disparity, violation: t.violation },
  );
  return false;
}
