/**
 * @module core/rng
 * Seeded, reproducible randomness. Every random choice in aequa (bootstrap, splits, sampling) takes
 * an `Rng`; the same seed gives the same stream on every platform. The generator is xoshiro128**
 * (Blackman & Vigna, https://prng.di.unimi.it/), seeded through splitmix32 so that small seeds
 * (0, 1, 2, …) give well-mixed states. Not for cryptography or differential-privacy noise.
 */

export interface Rng {
  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** A uniform double in [0, 1) with 53 random bits. */
  nextFloat64(): number;
  /** An independent generator derived from this one's seed and a label (stable across runs). */
  fork(label: string): Rng;
  readonly seed: number;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function hashLabel(seed: number, label: string): number {
  // FNV-1a over the label, mixed with the seed: a stable derivation for fork().
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * Creates a seeded generator.
 * @example seededRng(42).nextUint32() // the same number on every run
 */
export function seededRng(seed: number): Rng {
  if (!Number.isInteger(seed)) throw new TypeError(`seededRng: seed must be an integer, got ${seed}`);
  const init = splitmix32(seed >>> 0);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
    const t = (b << 9) >>> 0;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  return {
    seed: seed >>> 0,
    nextUint32,
    nextFloat64: () => {
      const hi = nextUint32() >>> 5; // 27 bits
      const lo = nextUint32() >>> 6; // 26 bits
      return (hi * 67108864 + lo) / 9007199254740992;
    },
    fork: (label: string) => seededRng(hashLabel(seed >>> 0, label)),
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** A uniform integer in [0, n) without modulo bias. */
export function randomInt(rng: Rng, n: number): number {
  if (n <= 0) throw new RangeError(`randomInt: n must be positive, got ${n}`);
  if (n <= 0x100000000) {
    const limit = 0x100000000 - (0x100000000 % n);
    for (;;) {
      const x = rng.nextUint32();
      if (x < limit) return x % n;
    }
  }
  return Math.floor(rng.nextFloat64() * n);
}

/**
 * Draws a binomial(n, p) variate, exactly for any n. When the expected count of the rarer outcome
 * is small (n·min(p, 1−p) < 16) it inverts the CDF by sequential search (O(n·p) expected steps);
 * otherwise it splits on the i-th order statistic of n uniforms, X ~ Beta(i, n + 1 − i)
 * (Knuth, TAOCP vol. 2, 3.4.1), which leaves a binomial over the i − 1 uniforms below X or the
 * n − i above it. Choosing i ≈ n·p makes the remaining problem's rarer-outcome count shrink to
 * about its square root per step, so a few beta draws suffice even for n in the billions.
 */
export function binomial(rng: Rng, n: number, p: number): number {
  if (p <= 0 || n <= 0) return 0;
  if (p >= 1) return n;
  let count = 0;
  let nn = n;
  let pp = p;
  for (;;) {
    if (nn <= 0 || pp <= 0) return count;
    if (pp >= 1) return count + nn;
    const q = pp > 0.5 ? 1 - pp : pp;
    if (nn * q < 16) {
      const x = binomialInversion(rng, nn, q);
      return count + (pp > 0.5 ? nn - x : x);
    }
    const i = Math.min(nn, Math.max(1, Math.floor(nn * pp) + 1));
    const x = betaVariate(rng, i, nn + 1 - i);
    if (x >= pp) {
      // The i-th smallest uniform is above p: only the i − 1 below it can fall under p,
      // and each does so with probability p / x.
      nn = i - 1;
      pp = pp / x;
    } else {
      // The i smallest uniforms are all below p; the other n − i are uniform on (x, 1).
      count += i;
      nn -= i;
      pp = (pp - x) / (1 - x);
    }
  }
}

/** Binomial(n, q) for q ≤ ½ and small n·q, by inversion of the CDF from 0 upwards. */
function binomialInversion(rng: Rng, n: number, q: number): number {
  const u = rng.nextFloat64();
  const ratio = q / (1 - q);
  let pk = Math.exp(n * Math.log1p(-q)); // P(X = 0) ≥ e^−23 here: no underflow
  let cdf = pk;
  let k = 0;
  while (u >= cdf && k < n) {
    pk *= ((n - k) / (k + 1)) * ratio;
    k++;
    cdf += pk;
  }
  return k;
}

/** Gamma(shape, 1) by Marsaglia & Tsang (2000). */
export function gammaVariate(rng: Rng, shape: number): number {
  if (shape < 1) {
    const u = rng.nextFloat64();
    return gammaVariate(rng, shape + 1) * u ** (1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normalVariate(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.nextFloat64();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

function betaVariate(rng: Rng, a: number, b: number): number {
  const x = gammaVariate(rng, a);
  const y = gammaVariate(rng, b);
  return x / (x + y);
}

/** Standard normal by the polar Box–Muller method. */
export function normalVariate(rng: Rng): number {
  for (;;) {
    const u = 2 * rng.nextFloat64() - 1;
    const v = 2 * rng.nextFloat64() - 1;
    const s = u * u + v * v;
    if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
  }
}

/**
 * Draws counts for `n` trials over categories with the given probabilities (multinomial), by
 * sequential conditional binomials: X_k ~ Binomial(n − Σ_{j<k} X_j, p_k / Σ_{j≥k} p_j). Writes
 * into `out` (length ≥ probs.length). The probabilities need not sum to 1 (they are weights; the
 * tail sums are computed back to front, so small trailing categories keep their exact share).
 * Throws a RangeError for a negative or non-integer `n`, a negative or non-finite weight, or
 * all-zero weights with n > 0.
 */
export function multinomialInto(rng: Rng, n: number, probs: ArrayLike<number>, out: Float64Array): void {
  const k = probs.length;
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`multinomialInto: n must be an integer ≥ 0, got ${n}`);
  if (out.length < k) throw new RangeError(`multinomialInto: out has length ${out.length}, need ${k}`);
  const tail = new Float64Array(k + 1);
  for (let j = k - 1; j >= 0; j--) {
    const p = probs[j]!;
    if (!(p >= 0) || !Number.isFinite(p)) {
      throw new RangeError(`multinomialInto: probs[${j}] must be a finite number ≥ 0, got ${p}`);
    }
    tail[j] = tail[j + 1]! + p;
  }
  if (n > 0 && !(tail[0]! > 0)) throw new RangeError('multinomialInto: probabilities are all zero');
  let left = n;
  let last = k - 1; // the last category with positive weight takes whatever is left
  while (last > 0 && probs[last] === 0) last--;
  for (let j = 0; j < k; j++) {
    if (left === 0 || j > last) {
      out[j] = 0;
      continue;
    }
    if (j === last) {
      out[j] = left;
      left = 0;
      continue;
    }
    const x = binomial(rng, left, Math.min(1, probs[j]! / tail[j]!));
    out[j] = x;
    left -= x;
  }
}
