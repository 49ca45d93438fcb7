export { fileRef } from './file-ref.js';
export type {
  AppendResult,
  ApplyRetentionOptions,
  LedgerEntry,
  LedgerInitOptions,
  LedgerMeta,
  LedgerOpenOptions,
  RetentionReport,
  StoredCheckpoint,
  VerifyProblem,
  VerifyReport,
} from './file-store.js';
export { defaultOrigin, LEDGER_FORMAT_VERSION, Ledger, ledgerDir } from './file-store.js';
export type { RetentionPolicy, Tombstone } from './retention.js';
export {
  DEFAULT_REDACT_KINDS,
  inRanges,
  parseDuration,
  parseRetentionPolicy,
  parseTombstone,
  tombstoneText,
  toRanges,
} from './retention.js';
