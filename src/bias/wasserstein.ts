/**
 * @module bias/wasserstein
 * The Wasserstein-1 (earth mover's) distance between two empirical distributions on the real line,
 * W₁ = ∫ |F_A(x) − F_B(x)| dx (Vallender 1974, https://doi.org/10.1137/1118101): the least average
 * distance that mass must travel to turn one sample into the other. In the units of the values.
 */
import { InvalidArgumentError } from '../core/index.js';

/**
 * W₁ between two sorted samples (ascending, finite, both non-empty), optionally weighted. The kernel of
 * {@link wasserstein1}: one merge over both samples, no allocation.
 */
export function wasserstein1Sorted(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  wa?: ArrayLike<number>,
  wb?: ArrayLike<number>,
): number {
  let ta = 0;
  let tb = 0;
  if (wa) for (let i = 0; i < a.length; i++) ta += wa[i]!;
  else ta = a.length;
  if (wb) for (let j = 0; j < b.length; j++) tb += wb[j]!;
  else tb = b.length;
  let i = 0;
  let j = 0;
  let fa = 0; // F_A at the current point, as a share
  let fb = 0;
  let prev = Math.min(a[0]!, b[0]!);
  let total = 0;
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    total += Math.abs(fa - fb) * (x - prev);
    while (i < a.length && a[i]! === x) {
      fa += (wa ? wa[i]! : 1) / ta;
      i++;
    }
    while (j < b.length && b[j]! === x) {
      fb += (wb ? wb[j]! : 1) / tb;
      j++;
    }
    prev = x;
  }
  return total;
}

/**
 * The Wasserstein-1 distance between two samples of real numbers (each an empirical distribution
 * with equal mass per value). Symmetric, ≥ 0, 0 only for equal distributions; shifting every value of
 * one sample by c changes it by at most |c|. O((n + m) log(n + m)).
 *
 * @throws {AEQ_INVALID_ARGUMENT} when a sample is empty or holds a non-finite value.
 * @example wasserstein1([0, 1], [1, 2]) // 1 (every unit of mass moves by 1)
 * @example wasserstein1([0], [0, 2]) // 1 (half the mass moves by 2)
 */
export function wasserstein1(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const fn = 'wasserstein1';
  for (const [name, s] of [
    ['a', a],
    ['b', b],
  ] as const) {
    if (s.length === 0) throw new InvalidArgumentError(fn, name, 'an empty sample', 'at least one value');
    for (let i = 0; i < s.length; i++)
      if (!Number.isFinite(s[i]!))
        throw new InvalidArgumentError(fn, `${name}[${i}]`, s[i], 'a finite number');
  }
  return wasserstein1Sorted(Float64Array.from(a).sort(), Float64Array.from(b).sort());
}
