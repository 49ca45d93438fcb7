/**
 * @module privacy/mechanisms/discrete-laplace
 * Exact sampler of the discrete Laplace distribution P(y) ∝ exp(−|y|/scale) on the integers, by
 * Algorithm 2 of Canonne, Kamath & Steinke 2020 (https://arxiv.org/abs/2004.00010), with the scale
 * as an exact rational t/s.
 */
import { InvalidArgumentError } from '../../core/index.js';
import { bernoulliExp, bernoulliRational } from './bernoulli.js';
import { defaultRandomSource, type RandomSource, uniformBigInt } from './random-source.js';
import { type Rational, toRational } from './rational.js';

/**
 * One draw from the discrete Laplace distribution with the given scale (a positive number, taken at
 * its exact binary value, or an exact rational). Returns a BigInt.
 * @example sampleDiscreteLaplace(2) // e.g. -1n; P(y) ∝ exp(−|y|/2)
 */
export function sampleDiscreteLaplace(
  scale: number | Rational,
  src: RandomSource = defaultRandomSource(),
): bigint {
  const r = typeof scale === 'number' ? toRational(scale) : scale;
  if (!(r.n > 0n && r.d > 0n))
    throw new InvalidArgumentError(
      'sampleDiscreteLaplace',
      'scale',
      typeof scale === 'number' ? scale : `${r.n}/${r.d}`,
      'a scale > 0',
    );
  const t = r.n; // scale = t / s
  const s = r.d;
  for (;;) {
    const u = uniformBigInt(src, t);
    if (!bernoulliExp(src, u, t)) continue;
    let v = 0n;
    while (bernoulliExp(src, 1n, 1n)) v += 1n;
    const x = u + t * v;
    const y = x / s;
    const negative = bernoulliRational(src, 1n, 2n);
    if (negative && y === 0n) continue;
    return negative ? -y : y;
  }
}
