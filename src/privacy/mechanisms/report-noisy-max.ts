/**
 * @module privacy/mechanisms/report-noisy-max
 * Report-noisy-max with exponential noise, in its exact permute-and-flip form (McKenna & Sheldon 2020,
 * https://arxiv.org/abs/2010.12603, who show the two are the same mechanism; Ding et al. 2021): visit
 * the candidates in a uniformly random order and stop at the first that passes an exact
 * Bernoulli(exp(ε(u − u*)/(2Δ))) test. ε-DP, and never worse in expected utility than the
 * exponential mechanism.
 */
import { bernoulliExp } from './bernoulli.js';
import { type SelectionOptions, selectionExponents } from './exponential.js';
import { defaultRandomSource, uniformBigInt } from './random-source.js';

/**
 * The index of the (noisily) largest utility: ε-DP.
 * @example reportNoisyMax([3, 90, 4], { epsilon: 1, sensitivity: 1, monotonic: true }) // 1, almost surely
 */
export function reportNoisyMax(utilities: ArrayLike<number>, o: SelectionOptions): number {
  const gammas = selectionExponents('reportNoisyMax', utilities, o);
  const src = o.source ?? defaultRandomSource();
  const order = Array.from({ length: gammas.length }, (_, i) => i);
  // Fisher–Yates, lazily: draw the next candidate from the unvisited suffix.
  for (let k = 0; k < order.length; k++) {
    const j = k + Number(uniformBigInt(src, BigInt(order.length - k)));
    const t = order[k]!;
    order[k] = order[j]!;
    order[j] = t;
    const g = gammas[order[k]!]!;
    if (bernoulliExp(src, g.n, g.d)) return order[k]!;
  }
  // Unreachable: the best candidate has γ = 0 and always passes.
  return order[order.length - 1]!;
}
