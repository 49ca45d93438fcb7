/**
 * @module mitigation/reductions/logistic-response
 * A fast best-response oracle for the reductions (Agarwal et al. 2018, https://arxiv.org/abs/1803.02453)
 * when the base learner is the built-in binary logistic regression with an L2 (or no) penalty: the
 * features are encoded once into a sparse row matrix (one-hot rows are mostly zeros), and each
 * reduced problem is solved by damped Newton steps warm-started from the previous solution, so a
 * refit costs a few passes over the nonzeros instead of a full fit with re-encoding.
 */
import { Adder, fsum, InvalidArgumentError } from '../../core/index.js';
import type { Table } from '../../data/index.js';
import {
  choleskySolve,
  fitPreprocessor,
  LogisticModel,
  type Model,
  type Preprocessor,
} from '../../models/index.js';
import { type SparseRows, sparseRowsOf } from '../sparse-rows.js';

/** Rows encoded per chunk, so the dense encoding of a large table never exists at once. */
const CHUNK = 8192;

/** Encodes `table` with `pre` into sparse rows, chunk by chunk. */
export function encodeSparse(pre: Preprocessor, table: Table): SparseRows {
  const n = table.nrows;
  const start = new Uint32Array(n + 1);
  const chunks: SparseRows[] = [];
  let nnz = 0;
  for (let lo = 0; lo < n; lo += CHUNK) {
    const hi = Math.min(n, lo + CHUNK);
    const rows = new Uint32Array(hi - lo);
    for (let i = 0; i < rows.length; i++) rows[i] = lo + i;
    const c = sparseRowsOf(pre.transform(lo === 0 && hi === n ? table : table.take(rows)));
    for (let i = 1; i <= hi - lo; i++) start[lo + i] = nnz + c.start[i]!;
    nnz += c.index.length;
    chunks.push(c);
  }
  const index = new Int32Array(nnz);
  const value = new Float64Array(nnz);
  let at = 0;
  for (const c of chunks) {
    index.set(c.index, at);
    value.set(c.value, at);
    at += c.index.length;
  }
  return { rows: n, cols: pre.outputNames.length, start, index, value };
}

/** A reusable weighted logistic fit on fixed encoded rows. */
export interface LogisticResponder {
  /** Fits labels (0/1) with weights (≥ 0), warm-started; returns the model and its 0/1 decisions. */
  fit(labels: Float64Array, weights: Float64Array): { model: LogisticModel; decisions: Float64Array };
}

/**
 * Builds the fast responder from a model the learner produced (on any rows): when it is a binary
 * `LogisticModel` with an L2 or no penalty, the responder refits models of the same settings on
 * `table`, encoded once by a preprocessor learned from `table` with unit weights (the learner's own
 * fit learns weighted means and sds instead; the penalty and the fit are otherwise the same).
 * @returns null when the template is not such a model (the caller then refits through the learner).
 * @example logisticResponder(await logisticRegression().fit(t, 'y'), t, ['x'], 'y') // a responder
 */
export function logisticResponder(
  template: Model,
  table: Table,
  features: readonly string[],
  target: string,
): LogisticResponder | null {
  if (!(template instanceof LogisticModel) || template.task !== 'binary') return null;
  const s = template.settings;
  if (s.penalty !== 'l2' && s.penalty !== 'none') return null;
  const json = template.preprocessor.toJSON() as { standardize?: unknown } | null;
  const standardize = typeof json === 'object' && json !== null ? json.standardize !== false : true;
  const pre = fitPreprocessor(table, features, { standardize });
  const x = encodeSparse(pre, table);
  const n = x.rows;
  const q = x.cols + 1;
  // The learner's penalty: λ = 1/(C·Σw), with Σw = n (the reductions scale the weights to sum to n).
  const lambda = s.penalty === 'none' ? 0 : 1 / (s.C * n);
  const params = { penalty: s.penalty, C: s.C, l1Ratio: s.l1Ratio, lambda, fitIntercept: s.fitIntercept };
  let theta: Float64Array = new Float64Array(q);
  let first: Float64Array | null = null;
  const comp = new Float64Array(q);
  const eta = new Float64Array(n);
  return {
    fit(labels, weights) {
      if (labels.length !== n || weights.length !== n)
        throw new InvalidArgumentError('logisticResponder', 'labels', `length ${labels.length}`, `${n} rows`);
      const k: LogisticKernel = {
        x,
        y: labels,
        w: weights,
        invSw: 1 / fsum(weights),
        l2: lambda,
        fitIntercept: s.fitIntercept,
      };
      // Warm start: the previous solution, or the first one when it fits the new problem better.
      const start = first !== null && logisticLoss(k, first) < logisticLoss(k, theta) ? first : theta;
      const res = newton(k, start, comp);
      theta = res.x;
      first ??= theta;
      const model = new LogisticModel({
        task: 'binary',
        features: [...features],
        classes: ['0', '1'],
        target,
        preprocessor: pre,
        theta: Float64Array.from(theta),
        blocks: 1,
        params,
        fit: {
          solver: 'newton',
          iterations: res.iterations,
          gradientNorm: res.gradientNorm,
          converged: res.converged,
        },
      });
      linearPredictor(x, theta, eta);
      const decisions = new Float64Array(n);
      // Same arithmetic as LogisticModel.forward (θ₀ + Σ θ_j x_j in column order, then the sigmoid),
      // so the decisions equal those of model.predictProba(table) ≥ 0.5 bit for bit.
      for (let i = 0; i < n; i++) decisions[i] = sigmoid(eta[i]!) >= 0.5 ? 1 : 0;
      return { model, decisions };
    },
  };
}

/** Inputs of {@link logisticObjective}. */
interface LogisticKernel {
  readonly x: SparseRows;
  readonly y: Float64Array;
  readonly w: Float64Array;
  readonly invSw: number;
  readonly l2: number;
  readonly fitIntercept: boolean;
}

/** Armijo sufficient-decrease constant (Nocedal & Wright, Numerical Optimization, ch. 3). */
const ARMIJO = 1e-4;

/**
 * Damped Newton from θ₀ until ‖∇‖₂ ≤ 1e-8 (the learner's tolerance) or 100 iterations. Unlike the
 * models' general `newtonMinimize`, each trial point is evaluated with its Hessian, so an accepted
 * full step (the usual case near a warm start) costs one pass over the rows instead of two.
 */
function newton(
  k: LogisticKernel,
  theta0: Float64Array,
  comp: Float64Array,
): { x: Float64Array; iterations: number; gradientNorm: number; converged: boolean } {
  const q = theta0.length;
  let x: Float64Array = Float64Array.from(theta0);
  let g = new Float64Array(q);
  let h = new Float64Array(q * q);
  let xNew: Float64Array = new Float64Array(q);
  let gNew = new Float64Array(q);
  let hNew = new Float64Array(q * q);
  const negGrad = new Float64Array(q);
  let fx = logisticObjective(k, x, g, comp, h);
  let gn = norm(g);
  const tol = 1e-8;
  let it = 0;
  for (; it < 100 && gn > tol; it++) {
    for (let j = 0; j < q; j++) negGrad[j] = -g[j]!;
    const step = choleskySolve(h, negGrad, q).x;
    let slope = 0;
    for (let j = 0; j < q; j++) slope += g[j]! * step[j]!;
    if (!(slope < 0)) {
      // Numerically flat along the Newton direction: steepest descent instead.
      for (let j = 0; j < q; j++) step[j] = negGrad[j]!;
      slope = -gn * gn;
    }
    // The full step is tried with its gradient and Hessian (kept when accepted); shorter ones, after a
    // rejection, with the loss alone, and the accepted one then gets its derivatives.
    let t = 1;
    let accepted = false;
    for (let halvings = 0; halvings < 60; halvings++, t *= 0.5) {
      for (let j = 0; j < q; j++) xNew[j] = x[j]! + t * step[j]!;
      const fNew = halvings === 0 ? logisticObjective(k, xNew, gNew, comp, hNew) : logisticLoss(k, xNew);
      // 1e-14·(1 + |f|): increases below the objective's rounding are not failures near the optimum.
      if (fNew <= fx + ARMIJO * t * slope + 1e-14 * (1 + Math.abs(fx))) {
        accepted = true;
        fx = halvings === 0 ? fNew : logisticObjective(k, xNew, gNew, comp, hNew);
        break;
      }
    }
    if (!accepted) break;
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    [h, hNew] = [hNew, h];
    gn = norm(g);
  }
  return { x, iterations: it, gradientNorm: gn, converged: gn <= tol };
}

function norm(v: Float64Array): number {
  let s = 0;
  for (let j = 0; j < v.length; j++) s += v[j]! * v[j]!;
  return Math.sqrt(s);
}

/** η_i = θ₀ + Σ_j θ_{1+j}·x_ij over the nonzeros of row i (ascending j). */
function linearPredictor(x: SparseRows, theta: Float64Array, out: Float64Array): void {
  const { start, index, value } = x;
  for (let i = 0; i < x.rows; i++) {
    let s = theta[0]!;
    for (let p = start[i]!, e = start[i + 1]!; p < e; p++) s += theta[1 + index[p]!]! * value[p]!;
    out[i] = s;
  }
}

/**
 * Σw·(softplus(η) − yη)/Σw + ½·l2·‖β‖² on sparse rows; fills the gradient (Neumaier-compensated
 * through `comp`) and, when `hess` is given, the Hessian (p × p, both triangles), accumulated over
 * pairs of nonzeros only: O(nnz²) per row. The readable form: H = Xᵀ·diag(w·p(1 − p))·X/Σw + l2·I.
 */
function logisticObjective(
  k: LogisticKernel,
  theta: Float64Array,
  grad: Float64Array,
  comp: Float64Array,
  hess?: Float64Array,
): number {
  const { x, y, w, invSw } = k;
  const { start, index, value } = x;
  const q = x.cols + 1;
  grad.fill(0);
  comp.fill(0);
  if (hess !== undefined) hess.fill(0);
  const loss = new Adder();
  for (let i = 0; i < x.rows; i++) {
    const wi = w[i]!;
    if (wi === 0) continue;
    const b = start[i]!;
    const e = start[i + 1]!;
    let eta = theta[0]!;
    for (let p = b; p < e; p++) eta += theta[1 + index[p]!]! * value[p]!;
    const yi = y[i]!;
    loss.add(wi * (softplus(eta) - yi * eta));
    const pr = sigmoid(eta);
    const r = wi * (pr - yi);
    compAdd(grad, comp, 0, r);
    for (let p = b; p < e; p++) compAdd(grad, comp, 1 + index[p]!, r * value[p]!);
    if (hess !== undefined) {
      const s = wi * pr * (1 - pr);
      hess[0] = hess[0]! + s;
      for (let p = b; p < e; p++) {
        const ja = 1 + index[p]!;
        const sa = s * value[p]!;
        const row = ja * q;
        hess[row] = hess[row]! + sa;
        for (let r2 = b; r2 <= p; r2++) {
          const jb = 1 + index[r2]!;
          hess[row + jb] = hess[row + jb]! + sa * value[r2]!;
        }
      }
    }
  }
  let pen = 0;
  for (let j = 0; j < q; j++) {
    grad[j] = (grad[j]! + comp[j]!) * invSw;
    if (j > 0) {
      grad[j] = grad[j]! + k.l2 * theta[j]!;
      pen += theta[j]! * theta[j]!;
    }
  }
  if (!k.fitIntercept) grad[0] = 0;
  if (hess !== undefined) {
    for (let a = 0; a < q; a++) {
      for (let c = 0; c <= a; c++) {
        const v = hess[a * q + c]! * invSw + (a === c && a > 0 ? k.l2 : 0);
        hess[a * q + c] = v;
        hess[c * q + a] = v;
      }
    }
    if (!k.fitIntercept) for (let a = 0; a < q; a++) hess[a] = hess[a * q] = 0;
  }
  return loss.value * invSw + 0.5 * k.l2 * pen;
}

/** The objective's value alone (Σw·(softplus(η) − yη)/Σw + ½·l2·‖β‖²), for line-search trials. */
function logisticLoss(k: LogisticKernel, theta: Float64Array): number {
  const { x, y, w, invSw } = k;
  const { start, index, value } = x;
  const loss = new Adder();
  for (let i = 0; i < x.rows; i++) {
    const wi = w[i]!;
    if (wi === 0) continue;
    let eta = theta[0]!;
    for (let p = start[i]!, e = start[i + 1]!; p < e; p++) eta += theta[1 + index[p]!]! * value[p]!;
    loss.add(wi * (softplus(eta) - y[i]! * eta));
  }
  let pen = 0;
  for (let j = 1; j < theta.length; j++) pen += theta[j]! * theta[j]!;
  return loss.value * invSw + 0.5 * k.l2 * pen;
}

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

function compAdd(sum: Float64Array, comp: Float64Array, j: number, v: number): void {
  const s = sum[j]!;
  const t = s + v;
  comp[j] = comp[j]! + (Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s);
  sum[j] = t;
}
