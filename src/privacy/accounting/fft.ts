/**
 * @module privacy/accounting/fft
 * A small in-place iterative radix-2 complex FFT (Cooley & Tukey 1965) and the linear convolution of two
 * non-negative real sequences built on it, for composing privacy loss distributions.
 * https://en.wikipedia.org/wiki/Cooley%E2%80%93Tukey_FFT_algorithm
 */
import { InvalidArgumentError } from '../../core/index.js';

/**
 * In-place FFT of the complex sequence (re, im), whose length must be a power of two. `inverse` computes
 * the unscaled inverse transform (divide by n afterwards).
 * @example const re = new Float64Array([1, 1, 0, 0]); const im = new Float64Array(4); fft(re, im, false);
 * // re = [2, 1, 0, 1], im = [0, -1, 0, 1]
 */
export function fft(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  if (n !== im.length || (n & (n - 1)) !== 0 || n === 0)
    throw new InvalidArgumentError('fft', 'length', n, 'equal real and imaginary lengths, a power of two');
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const tr = re[i]!;
      re[i] = re[j]!;
      re[j] = tr;
      const ti = im[i]!;
      im[i] = im[j]!;
      im[j] = ti;
    }
  }
  const sign = inverse ? 1 : -1;
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1;
    const ang = (sign * 2 * Math.PI) / len;
    // Twiddles computed directly per index (not by repeated multiplication) to keep the error at O(ε log n).
    for (let k = 0; k < half; k++) {
      const wr = Math.cos(ang * k);
      const wi = Math.sin(ang * k);
      for (let s = k; s < n; s += len) {
        const t = s + half;
        const xr = re[t]! * wr - im[t]! * wi;
        const xi = re[t]! * wi + im[t]! * wr;
        re[t] = re[s]! - xr;
        im[t] = im[s]! - xi;
        re[s] = re[s]! + xr;
        im[s] = im[s]! + xi;
      }
    }
  }
}

/**
 * The linear convolution c[k] = Σ a[i]·b[k−i] of two real sequences, of length a.length + b.length − 1,
 * by FFT; round-off negatives (≈ −1e-17) are set to 0 since the inputs are probability masses.
 * @example convolveReal(Float64Array.of(0.5, 0.5), Float64Array.of(0.5, 0.5)) // [0.25, 0.5, 0.25]
 */
export function convolveReal(a: Float64Array, b: Float64Array): Float64Array {
  const m = a.length + b.length - 1;
  let n = 1;
  while (n < m) n <<= 1;
  const ar = new Float64Array(n);
  const ai = new Float64Array(n);
  ar.set(a);
  const same = a === b;
  fft(ar, ai, false);
  let br = ar;
  let bi = ai;
  if (!same) {
    br = new Float64Array(n);
    bi = new Float64Array(n);
    br.set(b);
    fft(br, bi, false);
  }
  for (let k = 0; k < n; k++) {
    const r = ar[k]! * br[k]! - ai[k]! * bi[k]!;
    const i = ar[k]! * bi[k]! + ai[k]! * br[k]!;
    ar[k] = r;
    ai[k] = i;
  }
  fft(ar, ai, true);
  const out = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const v = ar[k]! / n;
    out[k] = Math.max(v, 0);
  }
  return out;
}
