/**
 * @module privacy/mechanisms/sparse-vector
 * The sparse vector technique, AboveThreshold (Dwork & Roth 2014, Alg. 1; Lyu, Su & Li 2017,
 * https://arxiv.org/abs/1603.01699, Alg. 1 with ε₁ = ε₂ = ε/2): one noisy threshold T + Lap(2Δ/ε),
 * each query + Lap(4Δ/ε), stop at the first query above the noisy threshold. ε-DP however many queries
 * are asked before it stops. Noise is the exact discrete Laplace on a power-of-two grid (as in
 * {@link laplaceMechanism}), compared in integer arithmetic.
 */
import { InvalidArgumentError } from '../../core/index.js';
import { sampleDiscreteLaplace } from './discrete-laplace.js';
import { defaultRandomSource, type RandomSource } from './random-source.js';
import { toRational } from './rational.js';

/** Options of {@link aboveThreshold}. */
export interface AboveThresholdOptions {
  readonly epsilon: number;
  /** Sensitivity Δ of every query. */
  readonly sensitivity: number;
  readonly granularity?: number;
  readonly source?: RandomSource;
}

/**
 * The index of the first query whose noisy value reaches the noisy threshold, or −1 if none does.
 * Queries may be an iterable that computes each value lazily; iteration stops at the answer.
 * @example aboveThreshold([1, 2, 500, 3], 100, { epsilon: 1, sensitivity: 1 }) // 2, almost surely
 */
export function aboveThreshold(
  queries: Iterable<number>,
  threshold: number,
  o: AboveThresholdOptions,
): number {
  const fn = 'aboveThreshold';
  if (!(o.epsilon > 0) || !Number.isFinite(o.epsilon))
    throw new InvalidArgumentError(fn, 'epsilon', o.epsilon, 'a finite number > 0');
  if (!(o.sensitivity > 0) || !Number.isFinite(o.sensitivity))
    throw new InvalidArgumentError(fn, 'sensitivity', o.sensitivity, 'a finite number > 0');
  if (!Number.isFinite(threshold))
    throw new InvalidArgumentError(fn, 'threshold', threshold, 'a finite number');
  const g = o.granularity ?? 2 ** (Math.floor(Math.log2(o.sensitivity)) - 24);
  if (!(g > 0) || 2 ** Math.round(Math.log2(g)) !== g)
    throw new InvalidArgumentError(fn, 'granularity', g, 'a power of two');
  const src = o.source ?? defaultRandomSource();
  const d = BigInt(Math.ceil(o.sensitivity / g));
  const e = toRational(o.epsilon);
  // grid scales: 2Δ'/ε and 4Δ'/ε, exactly
  const tNoisy = BigInt(Math.round(threshold / g)) + sampleDiscreteLaplace({ n: 2n * d * e.d, d: e.n }, src);
  let i = 0;
  for (const q of queries) {
    if (!Number.isFinite(q)) throw new InvalidArgumentError(fn, `queries[${i}]`, q, 'a finite number');
    const v = BigInt(Math.round(q / g)) + sampleDiscreteLaplace({ n: 4n * d * e.d, d: e.n }, src);
    if (v >= tNoisy) return i;
    i++;
  }
  return -1;
}
