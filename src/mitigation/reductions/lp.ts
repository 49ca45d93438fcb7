/**
 * @module mitigation/reductions/lp
 * A small dense two-phase simplex (Dantzig; Bland's rule against cycling) for the LP step of the
 * reductions: the best mixture of the hypotheses found so far, min Σ_h Q_h·err_h + B·s subject to
 * Σ_h Q_h·γ_{k,h} − s ≤ eps_k, Σ_h Q_h = 1, Q ≥ 0, s ≥ 0, whose duals are the Lagrange multipliers
 * λ. Written by hand because the problems have a few dozen rows and columns and the library must
 * stay free of dependencies; a general LP package would be far larger than this file.
 */

/** Result of {@link simplex}: primal x, duals y (one per equality row), objective value. */
export interface LpResult {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly value: number;
  readonly status: 'optimal' | 'infeasible' | 'unbounded' | 'iterationLimit';
}

const TOL = 1e-11;

/**
 * Solves min c·x subject to A x = b, x ≥ 0 (A is m × N row-major; rows with b < 0 are negated).
 * The duals satisfy c_j − y·A_j ≥ 0 for every column at the optimum.
 * @example simplex([1, 1], [1, 1], 1, 2, [1]).value // 1
 */
export function simplex(
  c: ArrayLike<number>,
  A: ArrayLike<number>,
  m: number,
  N: number,
  b: ArrayLike<number>,
  maxPivots = 5000,
): LpResult {
  // Tableau: m rows of [A | I (artificials) | b], then the objective row.
  const W = N + m + 1;
  const T = new Float64Array((m + 1) * W);
  const sign = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    sign[i] = b[i]! < 0 ? -1 : 1;
    for (let j = 0; j < N; j++) T[i * W + j] = sign[i]! * A[i * N + j]!;
    T[i * W + N + i] = 1;
    T[i * W + W - 1] = sign[i]! * b[i]!;
  }
  const basis = Int32Array.from({ length: m }, (_, i) => N + i);
  const obj = m * W;
  // Phase 1: minimise the sum of artificials; reduced costs r_j = −Σ_i T[i][j] for j < N.
  for (let j = 0; j < W; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += T[i * W + j]!;
    T[obj + j] = j >= N && j < N + m ? 0 : -s;
  }
  let pivots = 0;
  const run = (allowed: number): 'optimal' | 'unbounded' | 'iterationLimit' => {
    for (;;) {
      if (pivots++ > maxPivots) return 'iterationLimit';
      let enter = -1;
      for (let j = 0; j < allowed; j++) {
        if (T[obj + j]! < -TOL) {
          enter = j; // Bland: the first improving column
          break;
        }
      }
      if (enter < 0) return 'optimal';
      let leave = -1;
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < m; i++) {
        const a = T[i * W + enter]!;
        if (a > TOL) {
          const r = T[i * W + W - 1]! / a;
          if (r < best - TOL || (Math.abs(r - best) <= TOL && leave >= 0 && basis[i]! < basis[leave]!)) {
            best = r;
            leave = i;
          }
        }
      }
      if (leave < 0) return 'unbounded';
      pivot(T, W, m + 1, leave, enter);
      basis[leave] = enter;
    }
  };
  const p1 = run(N);
  if (p1 === 'iterationLimit') return fail(N, m, 'iterationLimit');
  if (-T[obj + W - 1]! > 1e-8) return fail(N, m, 'infeasible');
  // Drive artificials at level 0 out of the basis where a real column can replace them.
  for (let i = 0; i < m; i++) {
    if (basis[i]! < N) continue;
    for (let j = 0; j < N; j++) {
      if (Math.abs(T[i * W + j]!) > 1e-9) {
        pivot(T, W, m + 1, i, j);
        basis[i] = j;
        break;
      }
    }
  }
  // Phase 2: reduced costs of the real objective (artificials cost 0 and never re-enter).
  for (let j = 0; j < W; j++) T[obj + j] = j < N ? c[j]! : 0;
  for (let i = 0; i < m; i++) {
    const bj = basis[i]!;
    const cb = bj < N ? c[bj]! : 0;
    if (cb === 0) continue;
    for (let j = 0; j < W; j++) T[obj + j] = T[obj + j]! - cb * T[i * W + j]!;
  }
  const p2 = run(N);
  if (p2 !== 'optimal') return fail(N, m, p2);
  const x = new Float64Array(N);
  for (let i = 0; i < m; i++) if (basis[i]! < N) x[basis[i]!] = T[i * W + W - 1]!;
  // The artificial column of row i started as e_i with cost 0, so its reduced cost is −y_i.
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) y[i] = -T[obj + N + i]! * sign[i]!;
  let value = 0;
  for (let j = 0; j < N; j++) value += c[j]! * x[j]!;
  return { x, y, value, status: 'optimal' };
}

function pivot(T: Float64Array, W: number, rows: number, r: number, col: number): void {
  const p = T[r * W + col]!;
  for (let j = 0; j < W; j++) T[r * W + j] = T[r * W + j]! / p;
  for (let i = 0; i < rows; i++) {
    if (i === r) continue;
    const f = T[i * W + col]!;
    if (f === 0) continue;
    for (let j = 0; j < W; j++) T[i * W + j] = T[i * W + j]! - f * T[r * W + j]!;
  }
}

function fail(N: number, m: number, status: LpResult['status']): LpResult {
  return { x: new Float64Array(N), y: new Float64Array(m), value: Number.NaN, status };
}

/** The LP step's solution: mixture weights over hypotheses, multipliers λ, and the LP value. */
export interface MixtureSolution {
  readonly weights: Float64Array;
  readonly lambda: Float64Array;
  readonly value: number;
}

/**
 * Best mixture of hypotheses under the constraints γ_k ≤ eps, with violations priced at B:
 * min_Q Σ Q_h·err_h + B·max(0, max_k Σ_h Q_h γ_{k,h} − eps). λ_k ≥ 0, Σλ ≤ B.
 * @param errors objective of each hypothesis (length H).
 * @param gammas γ of each hypothesis (H arrays of length K).
 * @returns null when the solver fails (it should not: the LP is always feasible and bounded).
 * @example bestMixture([0.1, 0.3], [Float64Array.of(0.2), Float64Array.of(-0.2)], 0.01, 100).weights // ≈ [0.525, 0.475]
 */
export function bestMixture(
  errors: readonly number[],
  gammas: readonly Float64Array[],
  eps: number,
  B: number,
): MixtureSolution | null {
  const H = errors.length;
  const K = gammas[0]?.length ?? 0;
  // Columns: Q_1..Q_H, s, slack_1..slack_K. Rows: K constraint rows, then Σ Q = 1.
  const N = H + 1 + K;
  const m = K + 1;
  const A = new Float64Array(m * N);
  const b = new Float64Array(m);
  const c = new Float64Array(N);
  for (let h = 0; h < H; h++) c[h] = errors[h]!;
  c[H] = B;
  for (let k = 0; k < K; k++) {
    for (let h = 0; h < H; h++) A[k * N + h] = gammas[h]![k]!;
    A[k * N + H] = -1;
    A[k * N + H + 1 + k] = 1;
    b[k] = eps;
  }
  for (let h = 0; h < H; h++) A[K * N + h] = 1;
  b[K] = 1;
  const r = simplex(c, A, m, N, b);
  if (r.status !== 'optimal') return null;
  const lambda = new Float64Array(K);
  for (let k = 0; k < K; k++) lambda[k] = Math.max(0, -r.y[k]!);
  const weights = r.x.slice(0, H);
  let s = 0;
  for (let h = 0; h < H; h++) s += weights[h]!;
  for (let h = 0; h < H; h++) weights[h] = weights[h]! / s;
  return { weights, lambda, value: r.value };
}
