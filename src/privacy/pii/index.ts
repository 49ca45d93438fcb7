/**
 * aequa privacy/pii: PII detection and redaction in text and tables, keyed pseudonyms and
 * format-preserving masking. Browser-safe (no node: imports).
 */
export {
  bsnValid,
  cnResidentIdValid,
  ibanValid,
  ipv6Valid,
  luhnValid,
  PII_ENTITIES,
  type PiiEntity,
  type PiiFinding,
  ssnValid,
} from './detectors.js';
export { type MaskOptions, maskValue } from './mask.js';
export { type PseudonymOptions, pseudonym, pseudonymizeColumns } from './pseudonymize.js';
export {
  PII_OPERATORS,
  type PiiOperator,
  type RedactOptions,
  type RedactResult,
  redactText,
} from './redact.js';
export { parseEntities, type ScanOptions, scanText } from './scan.js';
export { type ColumnPiiSummary, redactTable, scanTable, type TablePiiScan } from './table-scan.js';
