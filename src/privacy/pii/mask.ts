/**
 * @module privacy/pii/mask
 * Format-preserving masking: a masked value keeps its length, its separators and the class of each
 * character (upper-case letter → 'X', lower-case → 'x', digit → '#'), optionally showing the first or
 * last few alphanumerics (PCI DSS 3.4 allows the last four digits of a card number to be shown).
 */
import { InvalidArgumentError } from '../../core/index.js';

/** Options of format-preserving masking. */
export interface MaskOptions {
  /** Letters and digits left visible at the start. @default 0 */
  readonly keepFirst?: number;
  /** Letters and digits left visible at the end. @default 0 */
  readonly keepLast?: number;
}

function isAlnum(c: string): boolean {
  return /[\p{L}\p{N}]/u.test(c);
}

/**
 * Masks a value keeping its length and character classes.
 * @throws {AEQ_INVALID_ARGUMENT} negative or fractional keepFirst/keepLast
 * @example maskValue('4111 1111 1111 1234', { keepLast: 4 }) // '#### #### #### 1234'
 * @example maskValue('AB123456C') // 'XX######X'
 */
export function maskValue(value: string, opts: MaskOptions = {}): string {
  const first = opts.keepFirst ?? 0;
  const last = opts.keepLast ?? 0;
  for (const [k, v] of [
    ['keepFirst', first],
    ['keepLast', last],
  ] as const)
    if (!Number.isInteger(v) || v < 0)
      throw new InvalidArgumentError('maskValue', k, v, 'a non-negative integer');
  const chars = [...value];
  let total = 0;
  for (const c of chars) if (isAlnum(c)) total++;
  let seen = 0;
  let out = '';
  for (const c of chars) {
    if (!isAlnum(c)) {
      out += c;
      continue;
    }
    const keep = seen < first || seen >= total - last;
    seen++;
    if (keep) out += c;
    else if (/\p{N}/u.test(c)) out += '#';
    else out += c === c.toUpperCase() && c !== c.toLowerCase() ? 'X' : 'x';
  }
  return out;
}
