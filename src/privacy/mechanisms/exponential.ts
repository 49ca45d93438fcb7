/**
 * @module privacy/mechanisms/exponential
 * The exponential mechanism (McSherry & Talwar 2007, https://doi.org/10.1109/FOCS.2007.66), sampled
 * exactly: propose a candidate uniformly and accept it with probability exp(ε(u − u*)/(2Δ)) by an exact
 * Bernoulli(exp(−γ)) draw on rationals (Canonne, Kamath & Steinke 2020, Alg. 1). The accepted
 * candidate has probability ∝ exp(εu/(2Δ)) exactly; no floating-point weights are summed or compared.
 * Expected proposals ≤ the number of candidates.
 */
import { InvalidArgumentError } from '../../core/index.js';
import { bernoulliExp } from './bernoulli.js';
import { defaultRandomSource, type RandomSource, uniformBigInt } from './random-source.js';
import { type Rational, ratDiv, ratMul, ratSub, toRational } from './rational.js';

/** Options of {@link exponentialMechanism} and {@link reportNoisyMax}. */
export interface SelectionOptions {
  readonly epsilon: number;
  /** Sensitivity Δ of the utility (how much one person changes any candidate's score). */
  readonly sensitivity: number;
  /** True when every score moves in the same direction on a neighbouring dataset (counts): halves the noise. */
  readonly monotonic?: boolean;
  readonly source?: RandomSource;
}

/** Validates and returns γ-rationals: γ_i = ε(u* − u_i)/(c·Δ), c = 1 if monotonic else 2. */
export function selectionExponents(
  fn: string,
  utilities: ArrayLike<number>,
  o: SelectionOptions,
): Rational[] {
  if (utilities.length === 0) throw new InvalidArgumentError(fn, 'utilities', [], 'at least one candidate');
  if (!(o.epsilon > 0) || !Number.isFinite(o.epsilon))
    throw new InvalidArgumentError(fn, 'epsilon', o.epsilon, 'a finite number > 0');
  if (!(o.sensitivity > 0) || !Number.isFinite(o.sensitivity))
    throw new InvalidArgumentError(fn, 'sensitivity', o.sensitivity, 'a finite number > 0');
  let best = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < utilities.length; i++) {
    const u = utilities[i]!;
    if (!Number.isFinite(u)) throw new InvalidArgumentError(fn, `utilities[${i}]`, u, 'a finite number');
    if (u > best) best = u;
  }
  const top = toRational(best);
  const factor = ratDiv(toRational(o.epsilon), toRational((o.monotonic ? 1 : 2) * o.sensitivity));
  return Array.from({ length: utilities.length }, (_, i) =>
    ratMul(factor, ratSub(top, toRational(utilities[i]!))),
  );
}

/**
 * Picks index i with probability ∝ exp(ε·u_i/(2Δ)) (∝ exp(ε·u_i/Δ) when `monotonic`): ε-DP.
 * @example exponentialMechanism([10, 50, 12], { epsilon: 1, sensitivity: 1 }) // 1, almost surely
 */
export function exponentialMechanism(utilities: ArrayLike<number>, o: SelectionOptions): number {
  const gammas = selectionExponents('exponentialMechanism', utilities, o);
  const src = o.source ?? defaultRandomSource();
  const n = BigInt(gammas.length);
  for (;;) {
    const i = Number(uniformBigInt(src, n));
    const g = gammas[i]!;
    if (bernoulliExp(src, g.n, g.d)) return i;
  }
}
