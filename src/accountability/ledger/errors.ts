/**
 * @module accountability/ledger/errors
 * Verification errors of the Merkle log. A mismatch carries both sides, as the transparency-dev
 * merkle verifier does (RFC 9162 §2.1.3.2, §2.1.4.2): the root that was expected and the root the
 * proof actually leads to, so a user can tell a wrong proof from a wrong checkpoint.
 */
import { AequaError } from '../../core/index.js';
import { toHex } from './hash.js';

/** A proof or a recomputed tree leads to another root hash than the expected one. */
export class RootMismatchError extends AequaError {
  /** Lowercase hex of the root the caller expected. */
  readonly expected: string;
  /** Lowercase hex of the root that was computed. */
  readonly computed: string;
  constructor(
    what: string,
    expected: Uint8Array,
    computed: Uint8Array,
    details: Record<string, unknown> = {},
  ) {
    const e = toHex(expected);
    const c = toHex(computed);
    super('AEQ_LEDGER_ROOT_MISMATCH', `${what}: expected root ${e}, computed ${c}.`, {
      hint: 'The proof, the leaf or the root is wrong: fetch them again from the ledger and compare.',
      details: { ...details, expected: e, computed: c },
    });
    this.name = 'RootMismatchError';
    this.expected = e;
    this.computed = c;
  }
}

/** A proof whose shape does not fit its indices and sizes (too short, too long, out of range). */
export class ProofError extends AequaError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('AEQ_LEDGER_PROOF_INVALID', message, {
      hint: 'Check the leaf index and tree sizes the proof was made for, and regenerate it.',
      details,
    });
    this.name = 'ProofError';
  }
}
