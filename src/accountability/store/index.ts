export { fileRef } from './file-ref.js';
export type {
  AppendResult,
  LedgerEntry,
  LedgerInitOptions,
  LedgerMeta,
  LedgerOpenOptions,
  VerifyProblem,
  VerifyReport,
} from './file-store.js';
export { defaultOrigin, LEDGER_FORMAT_VERSION, Ledger, ledgerDir } from './file-store.js';
