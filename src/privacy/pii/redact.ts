/**
 * @module privacy/pii/redact
 * Replaces the personal data found by `scanText` with one of four operators: `redact` ([REDACTED]),
 * `mask` (format-preserving, last four digits of cards kept), `hash` (keyed HMAC-SHA-256 pseudonym) or
 * `placeholder` (<EMAIL_1>, the same number for the same value within one document), as in the
 * anonymizer operators of Microsoft Presidio (https://microsoft.github.io/presidio/anonymizer/).
 */
import { InvalidArgumentError } from '../../core/index.js';
import type { PiiEntity, PiiFinding } from './detectors.js';
import { maskValue } from './mask.js';
import { pseudonym } from './pseudonymize.js';
import { type ScanOptions, scanText } from './scan.js';

/** How a finding is replaced. */
export type PiiOperator = 'redact' | 'mask' | 'hash' | 'placeholder';

/** The operators, for validation and help texts. */
export const PII_OPERATORS: Readonly<Record<PiiOperator, true>> = {
  redact: true,
  mask: true,
  hash: true,
  placeholder: true,
};

/** Options of redaction: the scan options plus the operator. */
export interface RedactOptions extends ScanOptions {
  /** @default 'placeholder' */
  readonly operator?: PiiOperator;
  /** Secret key of the `hash` operator (at least 16 bytes). */
  readonly key?: Uint8Array | string;
  /** Placeholder numbering shared across calls (one map per document keeps numbers consistent). */
  readonly placeholders?: Map<string, string>;
}

/** The redacted text and what was replaced. */
export interface RedactResult {
  readonly text: string;
  readonly findings: readonly PiiFinding[];
}

/** The entity-aware mask: cards keep their last 4 digits, emails their first letter and domain. */
function maskFinding(f: PiiFinding): string {
  switch (f.entity) {
    case 'CREDIT_CARD':
    case 'IBAN':
      return maskValue(f.text, { keepLast: 4 });
    case 'PHONE':
      return maskValue(f.text, { keepLast: 2 });
    case 'EMAIL': {
      const at = f.text.indexOf('@');
      return `${f.text[0]}${'*'.repeat(Math.max(0, at - 1))}${f.text.slice(at)}`;
    }
    default:
      return maskValue(f.text);
  }
}

/**
 * Replaces one finding's text by the operator.
 * @throws {AEQ_INVALID_ARGUMENT} `hash` without a key of at least 16 bytes
 */
export function replacement(
  f: {
    readonly entity: PiiEntity;
    readonly text: string;
    readonly start?: number;
    readonly end?: number;
    readonly confidence?: number;
  },
  operator: PiiOperator,
  opts: { readonly key?: Uint8Array | string; readonly placeholders?: Map<string, string> } = {},
): string {
  switch (operator) {
    case 'redact':
      return '[REDACTED]';
    case 'mask':
      return maskFinding({ start: 0, end: f.text.length, confidence: 1, ...f });
    case 'hash':
      if (opts.key === undefined)
        throw new InvalidArgumentError(
          'redactText',
          'key',
          undefined,
          'a secret key for the hash operator',
          'Pass key (--hash-key-file).',
        );
      return `<${f.entity}:${pseudonym(f.text, { key: opts.key, length: 12 })}>`;
    case 'placeholder': {
      const map = opts.placeholders ?? new Map<string, string>();
      const k = `${f.entity}\u0000${f.text}`;
      let p = map.get(k);
      if (p === undefined) {
        let n = 1;
        for (const key of map.keys()) if (key.startsWith(`${f.entity}\u0000`)) n++;
        p = `<${f.entity}_${n}>`;
        map.set(k, p);
      }
      return p;
    }
  }
}

/**
 * Finds personal data in `text` and replaces each finding by the operator.
 * @throws {AEQ_INVALID_ARGUMENT} an unknown operator, or `hash` without a key
 * @example redactText('Mail jane@example.com or jane@example.com').text // 'Mail <EMAIL_1> or <EMAIL_1>'
 */
export function redactText(text: string, opts: RedactOptions = {}): RedactResult {
  const op = opts.operator ?? 'placeholder';
  if (!(op in PII_OPERATORS))
    throw new InvalidArgumentError(
      'redactText',
      'operator',
      op,
      `one of ${Object.keys(PII_OPERATORS).join(', ')}`,
    );
  const findings = scanText(text, opts);
  const placeholders = opts.placeholders ?? new Map<string, string>();
  let out = '';
  let at = 0;
  for (const f of findings) {
    out += text.slice(at, f.start);
    out += replacement(f, op, { ...(opts.key !== undefined ? { key: opts.key } : {}), placeholders });
    at = f.end;
  }
  return { text: out + text.slice(at), findings };
}
