/**
 * @module core/sum
 * Compensated summation (Neumaier 1974, an improvement of Kahan's), used for every sum over more
 * than a few thousand terms so that totals over millions of rows keep full precision.
 */

/** A running compensated sum. `add` is O(1); `value` is the corrected total. */
export class Adder {
  private s = 0;
  private c = 0;
  add(x: number): this {
    const t = this.s + x;
    if (Math.abs(this.s) >= Math.abs(x)) this.c += this.s - t + x;
    else this.c += x - t + this.s;
    this.s = t;
    return this;
  }
  get value(): number {
    return this.s + this.c;
  }
}

/**
 * Neumaier-compensated sum of an array.
 * @example fsum([0.1, 0.2, 0.3, -0.6]) // 0 exactly, where a naive loop gives 1.1e-16
 */
export function fsum(values: ArrayLike<number>): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    const t = s + x;
    if (Math.abs(s) >= Math.abs(x)) c += s - t + x;
    else c += x - t + s;
    s = t;
  }
  return s + c;
}
