/**
 * @module mitigation/reductions/grid
 * The grid of Lagrange multipliers of grid search (Agarwal et al. 2018, §3.4,
 * https://arxiv.org/abs/1803.02453), generated as fairlearn's GridSearch does
 * (https://fairlearn.org/main/api_reference/generated/fairlearn.reductions.GridSearch.html): the integer
 * points of an L1 ball of radius m in the free coordinates, in lexicographic order (most negative
 * first), the first `size` of them, scaled by limit/m, with m the smallest radius giving enough points.
 */
import { InvalidArgumentError } from '../../core/index.js';

/**
 * Grid points (each of length `dims`) for grid search.
 *
 * Radius m starts at ⌊(size / 2^dims)^(1/dims) − 1⌋ (signed coordinates; size^(1/dims) − 1 when they are
 * non-negative) and grows until the ball {v ∈ ℤ^dims : ‖v‖₁ ≤ m} (v ≥ 0 when not signed) holds at least
 * `size` points; the first `size` in lexicographic order are kept and multiplied by limit/m. So a signed
 * 1-D grid of 10 points over limit 2 is −2, −1.6, …, 1.6. When the kept points miss the origin (possible
 * from 3 dimensions), the last one is replaced by it: the unconstrained fit is always a candidate.
 * @throws {AEQ_INVALID_ARGUMENT} for dims < 1, size < 1, or limit not finite and > 0.
 * @example lambdaGrid(2, 10, 2, true).map((p) => Array.from(p))
 * // [[-2,0],[-1,-1],[-1,0],[-1,1],[0,-2],[0,-1],[0,0],[0,1],[0,2],[1,-1]]
 */
export function lambdaGrid(dims: number, size: number, limit: number, signed: boolean): Float64Array[] {
  const fn = 'lambdaGrid';
  if (!Number.isInteger(dims) || dims < 1) throw new InvalidArgumentError(fn, 'dims', dims, 'an integer ≥ 1');
  if (!Number.isInteger(size) || size < 1) throw new InvalidArgumentError(fn, 'size', size, 'an integer ≥ 1');
  if (!(limit > 0) || !Number.isFinite(limit))
    throw new InvalidArgumentError(fn, 'limit', limit, 'a finite number > 0');
  let m = Math.max(0, Math.floor((size / (signed ? 2 ** dims : 1)) ** (1 / dims) - 1));
  let points: Int32Array[] = [];
  for (;;) {
    points = ballPoints(dims, m, signed, size);
    if (points.length >= size) break;
    m++;
  }
  const scale = m > 0 ? limit / m : 0;
  const out = points.map((p) => Float64Array.from(p, (v) => v * scale + 0));
  if (!points.some((p) => p.every((v) => v === 0))) out[out.length - 1] = new Float64Array(dims);
  return out;
}

/** The first `cap` integer points of the L1 ball of radius r, lexicographic order. */
function ballPoints(dims: number, r: number, signed: boolean, cap: number): Int32Array[] {
  const out: Int32Array[] = [];
  const entry = new Int32Array(dims);
  const visit = (index: number, budget: number): void => {
    if (out.length >= cap) return;
    if (index === dims) {
      out.push(Int32Array.from(entry));
      return;
    }
    for (let v = signed ? -budget : 0; v <= budget && out.length < cap; v++) {
      entry[index] = v;
      visit(index + 1, budget - Math.abs(v));
    }
    entry[index] = 0;
  };
  visit(0, r);
  return out;
}
