/**
 * @module accountability/store/retention
 * Pieces of the ledger's retention policy (EU AI Act Art. 12 event logs, https://eur-lex.europa.eu/eli/reg/2024/1689/oj):
 * the policy stored in ledger.json, durations such as `30d`, index ranges, and tombstones. A
 * tombstone replaces the stored payload of an old entry but keeps its RFC 9162 leaf hash, so the
 * Merkle tree, every proof and every signed checkpoint still verify; it names the `retention`
 * entry that declared the redaction, which makes the tombstone itself tamper-evident.
 */
import { AequaError, InvalidArgumentError } from '../../core/index.js';
import { canonicalize } from '../ledger/canonical.js';
import { RECORD_KINDS, type RecordKind } from '../record.js';

/** The retention policy of a ledger (the `retention` field of ledger.json). */
export interface RetentionPolicy {
  /** Payloads of entries older than this many days may be redacted to tombstones. */
  readonly keepDays?: number;
  /** Sign a checkpoint when this much time has passed since the last one, e.g. `1d`, `12h`. */
  readonly every?: string;
  /** Sign a checkpoint when this many entries were appended since the last one. */
  readonly everyEntries?: number;
  /** Kinds whose payloads are redacted. @default ['event', 'run'] */
  readonly kinds?: readonly RecordKind[];
}

/** Kinds redacted when a policy does not list them: the event log proper, not cards or approvals. */
export const DEFAULT_REDACT_KINDS: readonly RecordKind[] = ['event', 'run'];

const UNITS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * Milliseconds of a duration written as a positive number and a unit (s, m, h, d, w).
 * @throws {AEQ_INVALID_ARGUMENT} for anything else
 * @example parseDuration('12h') // 43200000
 */
export function parseDuration(text: string, what = 'every'): number {
  const m = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(text.trim());
  const ms = m ? Number(m[1]) * UNITS[m[2]!]! : Number.NaN;
  if (!(ms > 0))
    throw new InvalidArgumentError(
      'parseDuration',
      what,
      text,
      'a positive number followed by s, m, h, d or w (for example 12h or 1d)',
    );
  return ms;
}

/**
 * Checks a retention policy read from ledger.json or given on the command line.
 * @throws {AEQ_LEDGER_RETENTION} naming the first bad field
 * @example parseRetentionPolicy({ keepDays: 180, every: '1d' }) // { keepDays: 180, every: '1d' }
 */
export function parseRetentionPolicy(value: unknown): RetentionPolicy {
  const bad = (field: string, got: unknown, expected: string): never => {
    throw new AequaError(
      'AEQ_LEDGER_RETENTION',
      `The ledger retention policy has ${field} = ${JSON.stringify(got)}; expected ${expected}.`,
      {
        hint: 'Set it again with `aequa ledger retention set --keep-days N --every 1d`.',
        details: { field },
      },
    );
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return bad('(root)', value, 'an object');
  const v = value as Record<string, unknown>;
  for (const k of Object.keys(v))
    if (!['keepDays', 'every', 'everyEntries', 'kinds'].includes(k))
      bad(k, v[k], 'one of keepDays, every, everyEntries, kinds');
  if (v.keepDays !== undefined && !(typeof v.keepDays === 'number' && v.keepDays >= 0))
    bad('keepDays', v.keepDays, 'a number of days ≥ 0');
  if (v.every !== undefined) {
    if (typeof v.every !== 'string') bad('every', v.every, 'a duration such as 1d');
    try {
      parseDuration(v.every as string);
    } catch {
      bad('every', v.every, 'a duration such as 1d, 12h or 30m');
    }
  }
  if (
    v.everyEntries !== undefined &&
    !(Number.isSafeInteger(v.everyEntries) && (v.everyEntries as number) > 0)
  )
    bad('everyEntries', v.everyEntries, 'a positive integer');
  if (
    v.kinds !== undefined &&
    !(
      Array.isArray(v.kinds) &&
      v.kinds.every((k) => typeof k === 'string' && k in RECORD_KINDS && k !== 'retention')
    )
  )
    bad(
      'kinds',
      v.kinds,
      `a list of record kinds other than retention (${Object.keys(RECORD_KINDS).join(', ')})`,
    );
  return v as RetentionPolicy;
}

/**
 * Half-open index ranges [from, to) covering sorted, distinct indices.
 * @example toRanges([1, 2, 3, 7]) // [[1, 4], [7, 8]]
 */
export function toRanges(sorted: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && last[1] === i) last[1] = i + 1;
    else out.push([i, i + 1]);
  }
  return out;
}

/**
 * True when i lies in one of the half-open ranges.
 * @example inRanges([[1, 4]], 3) // true
 */
export function inRanges(ranges: readonly (readonly [number, number])[], i: number): boolean {
  for (const [a, b] of ranges) if (i >= a && i < b) return true;
  return false;
}

/**
 * What replaces a redacted entry's payload: its leaf hash (lowercase hex, SHA-256(0x00 ‖ original
 * canonical record)) and the index of the `retention` entry that declared the redaction.
 */
export interface Tombstone {
  readonly tombstone: 1;
  readonly leafHash: string;
  readonly retention: number;
}

/**
 * The canonical JSON text of a tombstone (the payload stored in its frame).
 * @example tombstoneText('6e34…', 9) // '{"leafHash":"6e34…","retention":9,"tombstone":1}'
 */
export function tombstoneText(leafHashHex: string, retention: number): string {
  return canonicalize({ tombstone: 1, leafHash: leafHashHex, retention });
}

const TOMBSTONE_START = Buffer.from('{"leafHash":"');

/**
 * The tombstone a stored payload holds, or null when the payload is not one (a RunRecord).
 * Only the exact canonical form counts, so a tombstone cannot be altered and still be read as one.
 * @example parseTombstone(Buffer.from(tombstoneText('00'.repeat(32), 3))) // { tombstone: 1, leafHash: '0000…', retention: 3 }
 */
export function parseTombstone(payload: Uint8Array): Tombstone | null {
  if (payload.length < TOMBSTONE_START.length) return null;
  for (let i = 0; i < TOMBSTONE_START.length; i++) if (payload[i] !== TOMBSTONE_START[i]) return null;
  let v: unknown;
  const text = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8');
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  const t = v as Partial<Tombstone>;
  if (
    typeof t.leafHash !== 'string' ||
    !/^[0-9a-f]{64}$/.test(t.leafHash) ||
    !Number.isSafeInteger(t.retention) ||
    (t.retention as number) < 0 ||
    t.tombstone !== 1 ||
    tombstoneText(t.leafHash, t.retention as number) !== text
  )
    return null;
  return { tombstone: 1, leafHash: t.leafHash, retention: t.retention as number };
}
