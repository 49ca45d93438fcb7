/**
 * @module privacy/pii/pseudonymize
 * Keyed pseudonyms for identifier columns: HMAC-SHA-256(key, value) truncated to a hex prefix
 * (a keyed hash, GDPR art. 4(5) pseudonymisation: re-identification needs the key, which is kept apart).
 * The same value and key always give the same pseudonym, so joins across tables still work.
 */
import { InvalidArgumentError } from '../../core/index.js';
import { type Column, categoryColumn, cellString, type Table } from '../../data/index.js';
import { hmacSha256, toHex } from './sha256.js';

/** Options of keyed pseudonyms. */
export interface PseudonymOptions {
  /** Secret key (at least 16 bytes; a string is UTF-8 encoded). */
  readonly key: Uint8Array | string;
  /** Hex characters kept from the 64 of the HMAC (4 … 64). 16 hex = 64 bits: collisions unlikely below ~10^8 values. @default 16 */
  readonly length?: number;
  /** Text put before the hex, e.g. 'pid_'. @default '' */
  readonly prefix?: string;
}

function checkOpts(fn: string, o: PseudonymOptions): number {
  const keyLen = typeof o.key === 'string' ? new TextEncoder().encode(o.key).length : o.key.length;
  if (keyLen < 16)
    throw new InvalidArgumentError(
      fn,
      'key',
      `${keyLen} bytes`,
      'a secret of at least 16 bytes',
      'Use a random 32-byte key.',
    );
  const len = o.length ?? 16;
  if (!Number.isInteger(len) || len < 4 || len > 64)
    throw new InvalidArgumentError(fn, 'length', len, 'an integer number of hex characters in [4, 64]');
  return len;
}

/**
 * The keyed pseudonym of one value: prefix + first `length` hex characters of HMAC-SHA-256(key, value).
 * @throws {AEQ_INVALID_ARGUMENT} a key shorter than 16 bytes or a length outside [4, 64]
 * @example pseudonym('alice@example.com', { key: 'a 16+ byte secret key', prefix: 'pid_' }) // 'pid_' + 16 hex
 */
export function pseudonym(value: string, opts: PseudonymOptions): string {
  const len = checkOpts('pseudonym', opts);
  return `${opts.prefix ?? ''}${toHex(hmacSha256(opts.key, value)).slice(0, len)}`;
}

/**
 * Replaces the named identifier columns of a table with keyed pseudonyms (missing cells stay missing).
 * Each distinct value is hashed once.
 * @throws {AEQ_DATA_MISSING_COLUMN} a named column is not in the table
 * @example pseudonymizeColumns(t, ['email'], { key }).column('email') // category column of 'a1b2…' values
 */
export function pseudonymizeColumns(table: Table, columns: readonly string[], opts: PseudonymOptions): Table {
  checkOpts('pseudonymizeColumns', opts);
  let out = table;
  for (const name of columns) {
    const col: Column = table.column(name, 'identifier column');
    const cache = new Map<string, string>();
    const vals: (string | null)[] = new Array(table.nrows);
    for (let i = 0; i < table.nrows; i++) {
      const s = cellString(col, i);
      if (s === null) {
        vals[i] = null;
        continue;
      }
      let p = cache.get(s);
      if (p === undefined) {
        p = pseudonym(s, opts);
        cache.set(s, p);
      }
      vals[i] = p;
    }
    out = out.withColumn(name, categoryColumn(vals));
  }
  return out;
}
