/**
 * @module models/linalg
 * Small dense linear algebra for the built-in learners: a Cholesky solve of symmetric positive
 * semi-definite systems (normal equations, Newton steps) in row-major Float64Arrays. Directions
 * with a zero pivot (collinear one-hot columns, an all-zero "<other>" column) are held at 0, which
 * gives an exact solution whenever the right-hand side lies in the range of the matrix (Golub &
 * Van Loan, Matrix Computations, 4th ed., §4.2.8). Hand-written: a few dozen lines over typed arrays.
 */

/**
 * Pivots below this fraction of the largest diagonal entry count as zero. About 10⁵ machine
 * epsilons: well above rounding in the Schur complements of the d ≤ a few hundred systems here,
 * well below any genuine curvature of standardised features.
 */
const PIVOT_TOL = 1e-11;

/**
 * Solves A·x = b for a symmetric positive semi-definite d × d matrix A (row-major; only the lower
 * triangle is read). Variables whose pivot is (numerically) zero are set to 0.
 * @param a the matrix (not modified).
 * @param b the right-hand side, length d (not modified).
 * @returns x, length d, and the number of dropped (zero-pivot) variables.
 * @example choleskySolve(Float64Array.of(4, 2, 2, 3), Float64Array.of(2, 1), 2).x // Float64Array [0.5, 0]
 */
export function choleskySolve(
  a: Float64Array,
  b: Float64Array,
  d: number,
): { readonly x: Float64Array; readonly dropped: number } {
  const l = new Float64Array(d * d);
  let maxDiag = 0;
  for (let j = 0; j < d; j++) maxDiag = Math.max(maxDiag, Math.abs(a[j * d + j]!));
  const tol = PIVOT_TOL * maxDiag;
  const keep = new Uint8Array(d);
  let dropped = 0;
  for (let j = 0; j < d; j++) {
    let s = a[j * d + j]!;
    for (let k = 0; k < j; k++) s -= l[j * d + k]! * l[j * d + k]!;
    if (!(s > tol)) {
      dropped++;
      continue; // row and column j of L stay zero
    }
    keep[j] = 1;
    const ljj = Math.sqrt(s);
    l[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let t = a[i * d + j]!;
      for (let k = 0; k < j; k++) t -= l[i * d + k]! * l[j * d + k]!;
      l[i * d + j] = t / ljj;
    }
  }
  // L·z = b, then Lᵀ·x = z, skipping dropped variables.
  const z = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    if (!keep[i]) continue;
    let t = b[i]!;
    for (let k = 0; k < i; k++) t -= l[i * d + k]! * z[k]!;
    z[i] = t / l[i * d + i]!;
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    if (!keep[i]) continue;
    let t = z[i]!;
    for (let k = i + 1; k < d; k++) t -= l[k * d + i]! * x[k]!;
    x[i] = t / l[i * d + i]!;
  }
  return { x, dropped };
}
