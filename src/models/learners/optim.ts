/**
 * @module models/learners/optim
 * Deterministic optimisers for the convex fits of the built-in learners:
 * - `newtonMinimize`: damped Newton (Nocedal & Wright, Numerical Optimization, 2nd ed., ch. 3),
 *   steps from a semi-definite Cholesky solve, Armijo backtracking;
 * - `owlqnMinimize`: L-BFGS (Nocedal & Wright ch. 7), extended to an L1 term by OWL-QN (Andrew &
 *   Gao 2007, "Scalable training of L1-regularized log-linear models",
 *   https://doi.org/10.1145/1273496.1273501). With no L1 term it is plain L-BFGS.
 * Hand-written: small, allocation-free per iteration, and exact zeros under L1 need OWL-QN.
 */
import { choleskySolve } from '../linalg.js';

/** Why an optimiser stopped, and where. */
export interface OptimResult {
  readonly x: Float64Array;
  /** Objective at x (smooth part plus the L1 term). */
  readonly value: number;
  readonly iterations: number;
  /** Gradient norm (pseudo-gradient under L1) at x. */
  readonly gradientNorm: number;
  /** True when the gradient norm met the tolerance. */
  readonly converged: boolean;
}

/** Options shared by the optimisers. */
export interface OptimOptions {
  /** Stop when ‖∇‖₂ ≤ tol · max(1, ‖∇ at the start‖₂). @default 1e-8 */
  readonly tol?: number;
  /** Iteration limit. @default 100 (Newton), 1000 (L-BFGS) */
  readonly maxIter?: number;
  readonly signal?: AbortSignal;
}

/** Armijo sufficient-decrease constant (Nocedal & Wright use 1e-4). */
const ARMIJO = 1e-4;
/** Backtracking gives up after this many halvings (2⁻⁶⁰ ≈ 1e-18 of the step). */
const MAX_HALVINGS = 60;
/**
 * Increases of the objective below this relative size are rounding: near the optimum a decrease of
 * ‖∇‖² ≈ 1e-18 is far below the ~1e-16 relative resolution of the objective, so a strict Armijo
 * test would reject every step while the gradient can still be driven down.
 */
const ROUNDING_SLACK = 1e-14;
/** L-BFGS memory (Nocedal & Wright suggest 3–20). */
const MEMORY = 10;

/**
 * Objective with gradient and, when `hess` is given, the Hessian (row-major p × p; at least the
 * lower triangle must be written). Returns the value.
 */
export type ObjectiveWithHessian = (x: Float64Array, grad: Float64Array, hess?: Float64Array) => number;

/** Objective with gradient. Returns the value and fills `grad`. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

/**
 * Minimises a smooth convex function by damped Newton steps. When the Hessian is singular along
 * some directions (collinear columns), those directions get no step.
 * @example newtonMinimize((x, g, h) => { g[0] = 2 * (x[0]! - 3); if (h) h[0] = 2; return (x[0]! - 3) ** 2; }, new Float64Array(1)).x // Float64Array [3]
 */
export function newtonMinimize(
  f: ObjectiveWithHessian,
  x0: Float64Array,
  opts: OptimOptions = {},
): OptimResult {
  const tol = opts.tol ?? 1e-8;
  const maxIter = opts.maxIter ?? 100;
  const p = x0.length;
  const x = Float64Array.from(x0);
  const g = new Float64Array(p);
  const h = new Float64Array(p * p);
  const xNew = new Float64Array(p);
  const gNew = new Float64Array(p);
  let fx = f(x, g, h);
  const target = tol * Math.max(1, norm(g));
  let gn = norm(g);
  let it = 0;
  for (; it < maxIter && gn > target; it++) {
    opts.signal?.throwIfAborted();
    for (let i = 0; i < p; i++) g[i] = -g[i]!;
    const { x: step } = choleskySolve(h, g, p);
    let slope = 0;
    for (let i = 0; i < p; i++) slope -= g[i]! * step[i]!; // ∇ᵀ·step (g holds −∇ now)
    if (!(slope < 0)) {
      // No descent along the Newton direction (numerically flat): fall back to steepest descent.
      for (let i = 0; i < p; i++) step[i] = g[i]!;
      slope = -dot(g, g);
    }
    let t = 1;
    let accepted = false;
    for (let k = 0; k < MAX_HALVINGS; k++, t *= 0.5) {
      for (let i = 0; i < p; i++) xNew[i] = x[i]! + t * step[i]!;
      const fNew = f(xNew, gNew);
      if (fNew <= fx + ARMIJO * t * slope + ROUNDING_SLACK * (1 + Math.abs(fx))) {
        accepted = true;
        break;
      }
    }
    if (!accepted) break;
    x.set(xNew);
    fx = f(x, g, h);
    gn = norm(g);
  }
  return { x, value: fx, iterations: it, gradientNorm: gn, converged: gn <= target };
}

/** Options of {@link owlqnMinimize}. */
export interface OwlqnOptions extends OptimOptions {
  /** Per-coordinate L1 weights c_j ≥ 0: the objective is f(x) + Σ c_j·|x_j|. @default none */
  readonly l1?: Float64Array;
}

/**
 * Minimises f(x) + Σ c_j |x_j| for smooth convex f by OWL-QN (plain L-BFGS when there is no L1
 * term). Coordinates that the L1 term pins to zero come out exactly 0.
 * @example owlqnMinimize((x, g) => { g[0] = 2 * (x[0]! - 3); return (x[0]! - 3) ** 2; }, new Float64Array(1), { l1: Float64Array.of(8) }).x // Float64Array [0]
 */
export function owlqnMinimize(f: Objective, x0: Float64Array, opts: OwlqnOptions = {}): OptimResult {
  const tol = opts.tol ?? 1e-8;
  const maxIter = opts.maxIter ?? 1000;
  const p = x0.length;
  const c = opts.l1;
  const l1 = (v: Float64Array): number => {
    if (c === undefined) return 0;
    let s = 0;
    for (let i = 0; i < p; i++) s += c[i]! * Math.abs(v[i]!);
    return s;
  };
  const x = Float64Array.from(x0);
  const g = new Float64Array(p);
  const pg = new Float64Array(p);
  const dir = new Float64Array(p);
  const xNew = new Float64Array(p);
  const gNew = new Float64Array(p);
  const sHist = Array.from({ length: MEMORY }, () => new Float64Array(p));
  const yHist = Array.from({ length: MEMORY }, () => new Float64Array(p));
  const rho = new Float64Array(MEMORY);
  const alpha = new Float64Array(MEMORY);
  let stored = 0;
  let head = 0; // next slot to write
  let fx = f(x, g) + l1(x);
  pseudoGradient(x, g, c, pg);
  let gn = norm(pg);
  const target = tol * Math.max(1, gn);
  let it = 0;
  for (; it < maxIter && gn > target; it++) {
    opts.signal?.throwIfAborted();
    // Two-loop recursion: dir = −H·pg.
    for (let i = 0; i < p; i++) dir[i] = -pg[i]!;
    for (let k = 0; k < stored; k++) {
      const j = (head - 1 - k + MEMORY) % MEMORY;
      const a = rho[j]! * dot(sHist[j]!, dir);
      alpha[j] = a;
      axpy(-a, yHist[j]!, dir);
    }
    if (stored > 0) {
      const j = (head - 1 + MEMORY) % MEMORY;
      const yy = dot(yHist[j]!, yHist[j]!);
      const gamma = 1 / (rho[j]! * yy);
      for (let i = 0; i < p; i++) dir[i] = dir[i]! * gamma;
    }
    for (let k = stored - 1; k >= 0; k--) {
      const j = (head - 1 - k + MEMORY) % MEMORY;
      const b = rho[j]! * dot(yHist[j]!, dir);
      axpy(alpha[j]! - b, sHist[j]!, dir);
    }
    if (c !== undefined) {
      // Keep only components that descend along the pseudo-gradient (OWL-QN's sign constraint).
      for (let i = 0; i < p; i++) if (dir[i]! * pg[i]! >= 0) dir[i] = 0;
    }
    // The first step has no curvature information: scale it to unit length.
    let t = stored === 0 ? 1 / Math.max(1, norm(dir)) : 1;
    let accepted = false;
    let fNew = fx;
    for (let k = 0; k < MAX_HALVINGS; k++, t *= 0.5) {
      for (let i = 0; i < p; i++) {
        let v = x[i]! + t * dir[i]!;
        if (c !== undefined && c[i]! > 0) {
          // Project onto the orthant of x (or of −pg where x is 0).
          const orth = x[i]! !== 0 ? Math.sign(x[i]!) : -Math.sign(pg[i]!);
          if (Math.sign(v) !== orth) v = 0;
        }
        xNew[i] = v;
      }
      let decrease = 0;
      for (let i = 0; i < p; i++) decrease += pg[i]! * (xNew[i]! - x[i]!);
      fNew = f(xNew, gNew) + l1(xNew);
      if (fNew <= fx + ARMIJO * decrease + ROUNDING_SLACK * (1 + Math.abs(fx))) {
        accepted = true;
        break;
      }
    }
    if (!accepted) break;
    const s = sHist[head]!;
    const y = yHist[head]!;
    for (let i = 0; i < p; i++) {
      s[i] = xNew[i]! - x[i]!;
      y[i] = gNew[i]! - g[i]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-16 * Math.sqrt(dot(s, s) * dot(y, y)) && sy > 0) {
      rho[head] = 1 / sy;
      head = (head + 1) % MEMORY;
      stored = Math.min(stored + 1, MEMORY);
    }
    x.set(xNew);
    g.set(gNew);
    fx = fNew;
    pseudoGradient(x, g, c, pg);
    gn = norm(pg);
  }
  return { x, value: fx, iterations: it, gradientNorm: gn, converged: gn <= target };
}

/** The minimum-norm subgradient of f + Σ c|x| (Andrew & Gao's pseudo-gradient). */
function pseudoGradient(
  x: Float64Array,
  g: Float64Array,
  c: Float64Array | undefined,
  out: Float64Array,
): void {
  for (let i = 0; i < x.length; i++) {
    const ci = c === undefined ? 0 : c[i]!;
    const gi = g[i]!;
    const xi = x[i]!;
    if (ci === 0) out[i] = gi;
    else if (xi > 0) out[i] = gi + ci;
    else if (xi < 0) out[i] = gi - ci;
    else if (gi + ci < 0) out[i] = gi + ci;
    else if (gi - ci > 0) out[i] = gi - ci;
    else out[i] = 0;
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] = y[i]! + a * x[i]!;
}

function norm(a: Float64Array): number {
  return Math.sqrt(dot(a, a));
}
