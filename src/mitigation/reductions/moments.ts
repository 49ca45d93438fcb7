/**
 * @module mitigation/reductions/moments
 * Fairness constraints as values (the "moments" of Agarwal et al. 2018, "A Reductions Approach to
 * Fair Classification", https://arxiv.org/abs/1803.02453, §2, and Agarwal, Dudík & Wu 2019, "Fair
 * Regression", https://arxiv.org/abs/1905.12843, for bounded group loss). A constraint binds to the
 * training labels and group codes and then works only from per-cell sums (cell = event × group), so
 * no rows × constraints matrix is ever built: the Lagrangian's per-row costs come from one
 * coefficient per cell.
 */
import { InvalidArgumentError } from '../../core/index.js';
import type { GroupCodes } from '../groups.js';
import { emptyCellError } from '../messages.js';

/** The constraint families of the reductions approach. */
export type ConstraintName =
  | 'demographicParity'
  | 'equalizedOdds'
  | 'truePositiveRateParity'
  | 'falsePositiveRateParity'
  | 'errorRateParity'
  | 'boundedGroupLoss';

/** What a constraint binds to: the training labels and the group of each row. */
export interface BoundData {
  /** 0/1 labels (classification) or target values (regression). */
  readonly y: Float64Array;
  readonly groups: GroupCodes;
}

/** The objective and the constraint values γ_k of one (possibly randomized) predictor. */
export interface MomentValues {
  /** Classification error (expected, for fractional decisions) or mean squared loss. */
  readonly objective: number;
  /** γ_k; the constraint is γ_k ≤ eps for every k. */
  readonly gamma: Float64Array;
}

/** A constraint bound to data: evaluates predictors and builds the learner's reduced problem. */
export interface BoundConstraint {
  readonly constraint: Constraint;
  /** Number of constraint rows K. */
  readonly size: number;
  /** A readable name per constraint row, e.g. "+ sex=Female". */
  readonly labels: readonly string[];
  /** Rows in each cell: (event e, group a) at e·G + a for parity constraints (rows 2c, 2c + 1), group a for bounded group loss. */
  readonly cellRows: Float64Array;
  /** Objective and γ of decisions in [0, 1] (classification) or predicted values (regression). */
  evaluate(pred: Float64Array): MomentValues;
  /**
   * The best-response problem for multipliers λ (length K, ≥ 0): fills `labels` (0/1, or the
   * unchanged targets for regression) and `weights` (≥ 0, summing to n) such that a learner
   * minimising the weighted error minimises the Lagrangian L(h, λ) over h.
   */
  reducedProblem(lambda: Float64Array, weights: Float64Array, labels: Float64Array): void;
}

/** A fairness constraint with its slack. Values, not classes: `demographicParity({ eps: 0.01 })`. */
export interface Constraint {
  readonly name: ConstraintName;
  /** Slack: each γ_k may reach eps. */
  readonly eps: number;
  readonly task: 'classification' | 'regression';
  /** The core audit's disparity this constraint bounds (difference form). */
  readonly disparity: string;
  bind(data: BoundData): BoundConstraint;
}

/** Options of the constraint constructors. */
export interface ConstraintOptions {
  /** Slack (> 0). Parity constraints: the largest allowed gap between a group's rate and the overall rate (so the max − min difference between groups is at most 2·eps). @default 0.01 */
  readonly eps?: number;
}

interface ParitySpec {
  readonly name: Exclude<ConstraintName, 'boundedGroupLoss'>;
  readonly disparity: string;
  /** Events: which rows each one conditions on; -1 for none. */
  readonly events: readonly { readonly label: string; readonly when: (y: number) => boolean }[];
  /** The constrained utility: the decision itself, or the error. */
  readonly utility: 'decision' | 'error';
}

const ALL = { label: 'all rows', when: () => true };
const POS = { label: 'label = positive', when: (y: number) => y === 1 };
const NEG = { label: 'label = negative', when: (y: number) => y === 0 };

function checkEps(fn: string, eps: number): number {
  if (!(eps > 0) || !Number.isFinite(eps))
    throw new InvalidArgumentError(
      fn,
      'eps',
      eps,
      'a finite number > 0',
      'eps is the allowed slack of the constraint, e.g. 0.01; eps = 0 asks for exact parity, which no finite sample can certify.',
    );
  return eps;
}

function parity(spec: ParitySpec, opts: ConstraintOptions): Constraint {
  const eps = checkEps(spec.name, opts.eps ?? 0.01);
  const self: Constraint = {
    name: spec.name,
    eps,
    task: 'classification',
    disparity: spec.disparity,
    bind: (data) => bindParity(self, spec, data),
  };
  return self;
}

/**
 * Demographic parity: |P(ŷ = 1 | A = a) − P(ŷ = 1)| ≤ eps for every group a.
 * @throws {AEQ_INVALID_ARGUMENT} for eps ≤ 0.
 * @example demographicParity({ eps: 0.01 }).disparity // 'demographicParityDifference'
 */
export function demographicParity(opts: ConstraintOptions = {}): Constraint {
  return parity(
    {
      name: 'demographicParity',
      disparity: 'demographicParityDifference',
      events: [ALL],
      utility: 'decision',
    },
    opts,
  );
}

/**
 * Equalized odds: |P(ŷ = 1 | A = a, Y = y) − P(ŷ = 1 | Y = y)| ≤ eps for y ∈ {0, 1} and every group.
 * @example equalizedOdds({ eps: 0.02 }).name // 'equalizedOdds'
 */
export function equalizedOdds(opts: ConstraintOptions = {}): Constraint {
  return parity(
    { name: 'equalizedOdds', disparity: 'equalizedOddsDifference', events: [NEG, POS], utility: 'decision' },
    opts,
  );
}

/**
 * True-positive-rate parity (equal opportunity): |P(ŷ = 1 | A = a, Y = 1) − P(ŷ = 1 | Y = 1)| ≤ eps.
 * @example truePositiveRateParity().disparity // 'equalOpportunityDifference'
 */
export function truePositiveRateParity(opts: ConstraintOptions = {}): Constraint {
  return parity(
    {
      name: 'truePositiveRateParity',
      disparity: 'equalOpportunityDifference',
      events: [POS],
      utility: 'decision',
    },
    opts,
  );
}

/**
 * False-positive-rate parity: |P(ŷ = 1 | A = a, Y = 0) − P(ŷ = 1 | Y = 0)| ≤ eps.
 * @example falsePositiveRateParity().disparity // 'falsePositiveRateDifference'
 */
export function falsePositiveRateParity(opts: ConstraintOptions = {}): Constraint {
  return parity(
    {
      name: 'falsePositiveRateParity',
      disparity: 'falsePositiveRateDifference',
      events: [NEG],
      utility: 'decision',
    },
    opts,
  );
}

/**
 * Error-rate parity: |P(ŷ ≠ y | A = a) − P(ŷ ≠ y)| ≤ eps.
 * @example errorRateParity().disparity // 'accuracyDifference'
 */
export function errorRateParity(opts: ConstraintOptions = {}): Constraint {
  return parity(
    { name: 'errorRateParity', disparity: 'accuracyDifference', events: [ALL], utility: 'error' },
    opts,
  );
}

/**
 * Bounded group loss for regression: E[(h(X) − Y)² | A = a] ≤ eps for every group (eps is an
 * absolute bound on each group's mean squared error, not a gap).
 * @example boundedGroupLoss({ eps: 0.5 }).task // 'regression'
 */
export function boundedGroupLoss(opts: ConstraintOptions = {}): Constraint {
  const eps = checkEps('boundedGroupLoss', opts.eps ?? 0.01);
  const self: Constraint = {
    name: 'boundedGroupLoss',
    eps,
    task: 'regression',
    disparity: 'meanErrorDifference',
    bind: (data) => bindBoundedLoss(self, data),
  };
  return self;
}

/** Constraint constructors by name (CLI `--constraint demographic-parity` maps here). */
export const CONSTRAINTS: Readonly<Record<ConstraintName, (opts?: ConstraintOptions) => Constraint>> = {
  demographicParity,
  equalizedOdds,
  truePositiveRateParity,
  falsePositiveRateParity,
  errorRateParity,
  boundedGroupLoss,
};

// ---- binding ---------------------------------------------------------------------------------

function bindParity(self: Constraint, spec: ParitySpec, data: BoundData): BoundConstraint {
  const { y, groups } = data;
  const n = y.length;
  const G = groups.names.length;
  const E = spec.events.length;
  const codes = groups.codes;
  // cell of each row: e·G + a, or -1 when the row is in no event.
  const cell = new Int32Array(n);
  const cellCount = new Float64Array(E * G);
  const eventCount = new Float64Array(E);
  for (let i = 0; i < n; i++) {
    cell[i] = -1;
    for (let e = 0; e < E; e++) {
      if (spec.events[e]!.when(y[i]!)) {
        cell[i] = e * G + codes[i]!;
        cellCount[e * G + codes[i]!]! += 1;
        eventCount[e]! += 1;
        break; // the events of one constraint are disjoint
      }
    }
  }
  for (let e = 0; e < E; e++)
    for (let a = 0; a < G; a++)
      if (cellCount[e * G + a] === 0)
        throw emptyCellError(self.name, self.name, groups.names[a]!, spec.events[e]!.label);
  const labels: string[] = [];
  for (let c = 0; c < E * G; c++) {
    const e = Math.floor(c / G);
    const name = `${groups.column}=${groups.names[c % G]}${E > 1 ? ` | ${spec.events[e]!.label}` : ''}`;
    labels.push(`+ ${name}`, `- ${name}`);
  }
  const errorUtility = spec.utility === 'error';
  const sums = new Float64Array(E * G);
  const comp = new Float64Array(E * G);
  const coef = new Float64Array(E * G);
  return {
    constraint: self,
    size: 2 * E * G,
    labels,
    cellRows: cellCount,
    evaluate(pred) {
      if (pred.length !== n)
        throw new InvalidArgumentError('evaluate', 'pred', `length ${pred.length}`, `${n} predictions`);
      sums.fill(0);
      comp.fill(0);
      let err = 0;
      let errComp = 0;
      for (let i = 0; i < n; i++) {
        const p = pred[i]!;
        const yi = y[i]!;
        const ei = yi === 1 ? 1 - p : p;
        // Neumaier-compensated running sums (n may be millions).
        const t = err + ei;
        errComp += Math.abs(err) >= ei ? err - t + ei : ei - t + err;
        err = t;
        const c = cell[i]!;
        if (c < 0) continue;
        const u = errorUtility ? ei : p;
        const s = sums[c]!;
        const st = s + u;
        comp[c] = comp[c]! + (Math.abs(s) >= Math.abs(u) ? s - st + u : u - st + s);
        sums[c] = st;
      }
      const gamma = new Float64Array(2 * E * G);
      for (let e = 0; e < E; e++) {
        let total = 0;
        for (let a = 0; a < G; a++) total += sums[e * G + a]! + comp[e * G + a]!;
        const overall = total / eventCount[e]!;
        for (let a = 0; a < G; a++) {
          const c = e * G + a;
          const g = (sums[c]! + comp[c]!) / cellCount[c]! - overall;
          gamma[2 * c] = g;
          gamma[2 * c + 1] = -g;
        }
      }
      return { objective: (err + errComp) / n, gamma };
    },
    reducedProblem(lambda, weights, out) {
      // ∂L/∂h_i · n = (1 − 2y_i) + d_i·n·(μ_{e,a}/n_{e,a} − Σ_a' μ_{e,a'}/n_e), μ = λ⁺ − λ⁻,
      // d_i = 1 for the decision, 1 − 2y_i for the error. Predict 1 where that cost is negative.
      for (let e = 0; e < E; e++) {
        let m = 0;
        for (let a = 0; a < G; a++) m += lambda[2 * (e * G + a)]! - lambda[2 * (e * G + a) + 1]!;
        for (let a = 0; a < G; a++) {
          const c = e * G + a;
          coef[c] = n * ((lambda[2 * c]! - lambda[2 * c + 1]!) / cellCount[c]! - m / eventCount[e]!);
        }
      }
      let total = 0;
      for (let i = 0; i < n; i++) {
        const base = 1 - 2 * y[i]!;
        const c = cell[i]!;
        const cost = c < 0 ? base : base + (errorUtility ? base : 1) * coef[c]!;
        out[i] = cost < 0 ? 1 : 0;
        const w = Math.abs(cost);
        weights[i] = w;
        total += w;
      }
      normalise(weights, total);
    },
  };
}

function bindBoundedLoss(self: Constraint, data: BoundData): BoundConstraint {
  const { y, groups } = data;
  const n = y.length;
  const G = groups.names.length;
  const codes = groups.codes;
  const counts = groups.counts;
  const sums = new Float64Array(G);
  const comp = new Float64Array(G);
  return {
    constraint: self,
    size: G,
    labels: groups.names.map((g) => `${groups.column}=${g}`),
    cellRows: counts,
    evaluate(pred) {
      if (pred.length !== n)
        throw new InvalidArgumentError('evaluate', 'pred', `length ${pred.length}`, `${n} predictions`);
      sums.fill(0);
      comp.fill(0);
      for (let i = 0; i < n; i++) {
        const r = pred[i]! - y[i]!;
        const l = r * r;
        const a = codes[i]!;
        const s = sums[a]!;
        const t = s + l;
        comp[a] = comp[a]! + (s >= l ? s - t + l : l - t + s);
        sums[a] = t;
      }
      let total = 0;
      const gamma = new Float64Array(G);
      for (let a = 0; a < G; a++) {
        const s = sums[a]! + comp[a]!;
        total += s;
        gamma[a] = s / counts[a]!;
      }
      return { objective: total / n, gamma };
    },
    reducedProblem(lambda, weights, out) {
      // L = Σ_i ℓ_i·(1/n + λ_a/n_a): a weighted regression on the unchanged targets.
      let total = 0;
      for (let i = 0; i < n; i++) {
        const a = codes[i]!;
        const w = 1 + (n * lambda[a]!) / counts[a]!;
        weights[i] = w;
        out[i] = y[i]!;
        total += w;
      }
      normalise(weights, total);
    },
  };
}

/** Scales weights to sum to n (the learners' penalties assume unit-scale weights, as scikit-learn's do). */
function normalise(weights: Float64Array, total: number): void {
  const n = weights.length;
  if (!(total > 0)) {
    weights.fill(1);
    return;
  }
  const s = n / total;
  for (let i = 0; i < n; i++) weights[i] = weights[i]! * s;
}
