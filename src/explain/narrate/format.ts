/**
 * @module explain/narrate/format
 * The fixed rules for numbers in explanation text and pictures, so that what a person reads can be
 * checked against the attributions: attributions carry an explicit sign (U+2212 for minus) and two
 * decimals (two significant digits below 0.005); values keep integers whole and round others to four
 * significant digits; scores get two decimals.
 */
import type { FeatureValue } from '../explanation.js';

/** The minus sign used in text (U+2212), distinct from a hyphen. */
export const MINUS = '\u2212';

/**
 * A signed attribution: "+0.31", "−0.12", "+0.0031" (|x| < 0.005: two significant digits), "0.00" for 0.
 * @example formatAttribution(-0.3149) // '−0.31'
 */
export function formatAttribution(x: number): string {
  if (x === 0 || Object.is(x, -0)) return '0.00';
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  const body = a >= 0.005 ? a.toFixed(2) : a.toPrecision(2);
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
  if (Number.isInteger(v)) return String(v);
  if (!Number.isFinite(v)) return String(v);
  return String(Number(v.toPrecision(4)));
}

/**
 * A score or probability with two decimals.
 * @example formatScore(0.2349) // '0.23'
 */
export function formatScore(x: number): string {
  return x.toFixed(2);
}

/**
 * Parses text written by {@link formatAttribution} back to a number (for tests and consumers).
 * @example parseAttribution('−0.31') // -0.31
 */
export function parseAttribution(s: string): number {
  return Number(s.replace(MINUS, '-'));
}
