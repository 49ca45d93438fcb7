/**
 * @module accountability/record
 * `RunRecord`: what the ledger stores for each run or event: the command, its configuration, the
 * SHA-256 of every input and output, the tool version, who ran it, when, and a summary of the
 * results. `kind` types the event, so the ledger doubles as the automatic event log that high-risk
 * AI systems must keep (EU AI Act Art. 12, https://eur-lex.europa.eu/eli/reg/2024/1689/oj).
 */
import { AequaError } from '../core/index.js';
import { canonicalize, type JsonValue } from './ledger/canonical.js';

/** Current RunRecord schema version; a ledger entry with a larger one comes from a newer aequa. */
export const RUN_RECORD_VERSION = 1;

/** Kinds of ledger events: the runtime list of the `RecordKind` union. */
export const RECORD_KINDS = {
  /** A command ran (audit, train, predict, mitigate, explain, …). */
  run: true,
  /** A named role approved (signed off) an earlier entry. */
  approval: true,
  /** A model card or datasheet was published. */
  card: true,
  /** A retention action: entries' payloads were archived elsewhere (the log keeps their hashes). */
  retention: true,
  /** Any other event the system under audit reports (monitoring alert, human override, …). */
  event: true,
} as const satisfies Record<string, true>;

export type RecordKind = keyof typeof RECORD_KINDS;

/** A file a run read or wrote, by content hash. */
export interface FileRef {
  readonly path: string;
  /** Lowercase hex SHA-256 of the file's bytes. */
  readonly sha256: string;
  /** Size in bytes. @minimum 0 */
  readonly bytes?: number;
  /** What the file was to the run, e.g. `data`, `model`, `policy`, `report`. */
  readonly role?: string;
}

/**
 * One ledger entry. Layout (schema version 1): every field below, serialised as RFC 8785 canonical
 * JSON; the leaf hash is SHA-256(0x00 ‖ those bytes).
 */
export interface RunRecord {
  /** @default 1 */
  readonly schemaVersion: number;
  readonly kind: RecordKind;
  /** The command, e.g. `audit`, with its positional arguments in `config`. */
  readonly command: string;
  readonly config: { readonly [k: string]: JsonValue };
  readonly inputs: readonly FileRef[];
  readonly outputs: readonly FileRef[];
  /** `aequa@<version>`. */
  readonly toolVersion: string;
  /** Who ran it (user name, service account or e-mail). */
  readonly actor: string;
  /** RFC 3339 UTC time, e.g. `2025-01-31T12:00:00.000Z`. */
  readonly timestamp: string;
  /** Results summary (verdict, key metrics). */
  readonly summary: { readonly [k: string]: JsonValue };
  /** Indices of earlier entries this one refers to (an approval, a card). */
  readonly refs?: readonly number[];
}

/** Options of {@link createRunRecord}; everything but command, toolVersion and actor has a default. */
export interface RunRecordInit {
  readonly command: string;
  readonly toolVersion: string;
  readonly actor: string;
  /** @default 'run' */
  readonly kind?: RecordKind;
  /** @default {} */
  readonly config?: { readonly [k: string]: JsonValue };
  /** @default [] */
  readonly inputs?: readonly FileRef[];
  /** @default [] */
  readonly outputs?: readonly FileRef[];
  /** @default now */
  readonly timestamp?: Date | string;
  /** @default {} */
  readonly summary?: { readonly [k: string]: JsonValue };
  readonly refs?: readonly number[];
}

/**
 * Builds and validates a RunRecord.
 * @throws {AEQ_LEDGER_RECORD_INVALID} listing every problem found
 * @example createRunRecord({ command: 'audit', toolVersion: 'aequa@0.1.0', actor: 'ana', timestamp: '2025-01-31T12:00:00.000Z' })
 * // { schemaVersion: 1, kind: 'run', command: 'audit', config: {}, inputs: [], outputs: [], toolVersion: 'aequa@0.1.0', actor: 'ana', timestamp: '2025-01-31T12:00:00.000Z', summary: {} }
 */
export function createRunRecord(init: RunRecordInit): RunRecord {
  const ts = init.timestamp ?? new Date();
  return parseRunRecord({
    schemaVersion: RUN_RECORD_VERSION,
    kind: init.kind ?? 'run',
    command: init.command,
    config: init.config ?? {},
    inputs: init.inputs ?? [],
    outputs: init.outputs ?? [],
    toolVersion: init.toolVersion,
    actor: init.actor,
    timestamp: typeof ts === 'string' ? ts : ts.toISOString(),
    summary: init.summary ?? {},
    ...(init.refs ? { refs: init.refs } : {}),
  });
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const STRING_FIELDS = ['command', 'toolVersion', 'actor'] as const;
const OBJECT_FIELDS = ['config', 'summary'] as const;
const FILE_FIELDS = ['inputs', 'outputs'] as const;
function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const FIELDS = new Set([
  'schemaVersion',
  'kind',
  'command',
  'config',
  'inputs',
  'outputs',
  'toolVersion',
  'actor',
  'timestamp',
  'summary',
  'refs',
]);

/**
 * Validates an unknown value as a RunRecord, collecting every problem.
 * @throws {AEQ_LEDGER_VERSION} when schemaVersion is newer than this aequa knows
 * @throws {AEQ_LEDGER_RECORD_INVALID} listing every problem found
 */
export function parseRunRecord(value: unknown): RunRecord {
  return canonicalRunRecord(value).record;
}

/** A validated RunRecord with its RFC 8785 canonical JSON text (the bytes the ledger hashes). */
export interface CanonicalRunRecord {
  readonly record: RunRecord;
  /** RFC 8785 canonical JSON of `record`. */
  readonly canonical: string;
}

/**
 * Validates an unknown value as a RunRecord, as {@link parseRunRecord} does, and returns the
 * canonical JSON text computed while validating, so that the ledger canonicalises each record once.
 * @throws {AEQ_LEDGER_VERSION} when schemaVersion is newer than this aequa knows
 * @throws {AEQ_LEDGER_RECORD_INVALID} listing every problem found
 * @example canonicalRunRecord(createRunRecord({ command: 'audit', toolVersion: 'aequa@0.1.0', actor: 'ana', timestamp: '2025-01-31T12:00:00.000Z' })).canonical
 * // '{"actor":"ana","command":"audit","config":{},"inputs":[],"kind":"run","outputs":[],"schemaVersion":1,"summary":{},"timestamp":"2025-01-31T12:00:00.000Z","toolVersion":"aequa@0.1.0"}'
 */
export function canonicalRunRecord(value: unknown): CanonicalRunRecord {
  const issues: string[] = [];
  if (!isObj(value)) throw recordError(['the record must be a JSON object']);
  const v = value;
  if (typeof v.schemaVersion === 'number' && v.schemaVersion > RUN_RECORD_VERSION)
    throw new AequaError(
      'AEQ_LEDGER_VERSION',
      `The record has schema version ${v.schemaVersion}; this aequa reads up to ${RUN_RECORD_VERSION}.`,
      { hint: 'Upgrade aequa to read this ledger.' },
    );
  if (v.schemaVersion !== RUN_RECORD_VERSION) issues.push(`schemaVersion must be ${RUN_RECORD_VERSION}`);
  if (typeof v.kind !== 'string' || !(v.kind in RECORD_KINDS))
    issues.push(`kind must be one of ${Object.keys(RECORD_KINDS).join(', ')}, got ${JSON.stringify(v.kind)}`);
  for (const k of STRING_FIELDS)
    if (typeof v[k] !== 'string' || v[k] === '') issues.push(`${k} must be a non-empty string`);
  if (typeof v.timestamp !== 'string' || !RFC3339.test(v.timestamp) || Number.isNaN(Date.parse(v.timestamp)))
    issues.push(`timestamp must be an RFC 3339 time, got ${JSON.stringify(v.timestamp)}`);
  for (const k of OBJECT_FIELDS) if (!isObj(v[k])) issues.push(`${k} must be an object`);
  for (const k of FILE_FIELDS) {
    const arr = v[k];
    if (!Array.isArray(arr)) {
      issues.push(`${k} must be an array`);
      continue;
    }
    for (let i = 0; i < arr.length; i++) {
      const f: unknown = arr[i];
      if (
        !isObj(f) ||
        typeof f.path !== 'string' ||
        typeof f.sha256 !== 'string' ||
        !SHA256_HEX.test(f.sha256)
      )
        issues.push(`${k}[${i}] must be { path, sha256 (64 lowercase hex digits) }`);
      else if (f.bytes !== undefined && !(Number.isSafeInteger(f.bytes) && (f.bytes as number) >= 0))
        issues.push(`${k}[${i}].bytes must be a non-negative integer`);
    }
  }
  if (
    v.refs !== undefined &&
    !(Array.isArray(v.refs) && v.refs.every((r) => Number.isSafeInteger(r) && r >= 0))
  )
    issues.push('refs must be an array of entry indices');
  for (const k in v) if (Object.hasOwn(v, k) && !FIELDS.has(k)) issues.push(`unknown field "${k}"`);
  if (issues.length) throw recordError(issues);
  let canonical: string;
  try {
    canonical = canonicalize(v);
  } catch (e) {
    throw recordError([(e as Error).message]);
  }
  return { record: v as unknown as RunRecord, canonical };
}

function recordError(issues: readonly string[]): AequaError {
  return new AequaError(
    'AEQ_LEDGER_RECORD_INVALID',
    `The run record is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${issues.map((i) => `✖ ${i}`).join('\n')}`,
    { hint: 'Fix the fields listed; numbers must be finite and strings valid Unicode.', details: { issues } },
  );
}
