/**
 * @module explain/narrate/format
 * The fixed rules for numbers in explanation text and pictures, so that what a person reads can be
 * checked against the attributions: attributions carry an explicit sign (U+2212 for minus) and two
 * decimals (two significant digits below 0.005); values keep integers whole and round others to four
 * significant digits; scores get two decimals. Every negative number is written with U+2212.
 */
import type { FeatureValue } from '../explanation.js';

/** The minus sign used in text (U+2212), distinct from a hyphen. */
export const MINUS = '\u2212';

/** `s` (a number written by JavaScript) with every hyphen-minus (sign, exponent) replaced by U+2212. */
function withMinus(s: string): string {
  return s.replaceAll('-', MINUS);
}

/**
 * A signed attribution: "+0.31", "−0.12", "+0.0031" (|x| < 0.005: two significant digits), "0.00" for 0.
 * @example formatAttribution(-0.3149) // '−0.31'
 */
export function formatAttribution(x: number): string {
  if (x === 0 || Object.is(x, -0)) return '0.00';
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  const body = a >= 0.005 ? a.toFixed(2) : withMinus(a.toPrecision(2));
  return `${x < 0 ? MINUS : '+'}${body}`;
}

/**
 * A feature value as text: integers whole, other numbers to 4 significant digits, flags as
 * true/false, missing as "missing".
 * @example formatValue(0.123456) // '0.1235'
 */
export function formatValue(v: FeatureValue | undefined): string {
  if (v === null || v === undefined) return 'missing';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return v;
  if (Number.isInteger(v)) return withMinus(String(Object.is(v, -0) ? 0 : v));
  if (!Number.isFinite(v)) return withMinus(String(v));
  return withMinus(String(Number(v.toPrecision(4))));
}

/**
 * A score or probability with two decimals; negative scores (log-odds) with U+2212 like attributions,
 * and a score that rounds to zero as "0.00" (never "−0.00").
 * @example formatScore(-5.021) // '−5.02'
 */
export function formatScore(x: number): string {
  const s = x.toFixed(2);
  return /^-0\.00$/.test(s) ? '0.00' : withMinus(s);
}

/**
 * Parses text written by {@link formatAttribution}, {@link formatScore} or {@link formatValue} (a number)
 * back to a number (for tests and consumers).
 * @example parseAttribution('−0.31') // -0.31
 */
export function parseAttribution(s: string): number {
  return Number(s.replaceAll(MINUS, '-'));
}
