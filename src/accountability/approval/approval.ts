/**
 * @module accountability/approval/approval
 * Sign-off: a named role approves one ledger entry. The approval is an Ed25519 signature over the
 * RFC 8785 canonical JSON of `{ entryIndex, leafHash, role, actor, time }`, stored as a ledger
 * event (`kind: 'approval'`, `refs: [entryIndex]`) with the approver's verifier key, so anyone can
 * check it without aequa. Keys use the same text encodings as the ledger's own key (Go
 * `golang.org/x/mod/sumdb/note`), see ../ledger/checkpoint.ts.
 */
import { generateKeyPairSync } from 'node:crypto';
import { AequaError } from '../../core/index.js';
import { canonicalBytes } from '../ledger/canonical.js';
import {
  ed25519PrivateKeyFromSeed,
  ed25519PublicKey,
  ed25519Signer,
  type NoteSigner,
  parseVerifierKey,
  signerKeyString,
  verifierKeyString,
} from '../ledger/checkpoint.js';
import { bytesEqual, fromBase64, fromHex, toBase64, toHex } from '../ledger/hash.js';
import { createRunRecord, type RunRecord } from '../record.js';
import type { Ledger } from '../store/file-store.js';

/** What an approver signs. */
export interface ApprovalStatement {
  /** Index of the approved ledger entry. */
  readonly entryIndex: number;
  /** Lowercase hex leaf hash of that entry: the approval is of exactly those bytes. */
  readonly leafHash: string;
  /** The role signing off, e.g. `risk-officer`, `dpo`, `model-owner`. */
  readonly role: string;
  /** Who signs: the approver key's name. */
  readonly actor: string;
  /** RFC 3339 UTC time of the approval. */
  readonly time: string;
  /** Optional free-text note (signed too). */
  readonly note?: string;
}

/** The `summary` of an approval record. */
export interface ApprovalSummary {
  readonly approval: ApprovalStatement;
  /** The approver's verifier key `<name>+<hex key ID>+<base64(0x01 ‖ public key)>`. */
  readonly verifierKey: string;
  /** Base64 Ed25519 signature over canonicalJSON(approval). */
  readonly signature: string;
}

/** An approver's key: signer plus its public verifier key string. */
export interface ApproverKey {
  readonly signer: NoteSigner;
  readonly verifierKey: string;
}

function keyError(message: string, hint: string): AequaError {
  return new AequaError('AEQ_LEDGER_KEY', message, { hint });
}

/**
 * A fresh approver key named `name`; returns the private key text (keep it at mode 0600) and the
 * verifier key to publish.
 * @example generateApproverKey('ana').verifierKey // 'ana+1a2b3c4d+AT…'
 */
export function generateApproverKey(name: string): {
  readonly privateKey: string;
  readonly verifierKey: string;
} {
  const { privateKey } = generateKeyPairSync('ed25519');
  ed25519Signer(name, privateKey); // validates the name
  return {
    privateKey: signerKeyString(name, privateKey),
    verifierKey: verifierKeyString(name, ed25519PublicKey(privateKey)),
  };
}

/**
 * Reads an approver key from its text `PRIVATE+KEY+<name>+<hex8>+<base64(0x01 ‖ seed)>`.
 * @throws {AEQ_LEDGER_KEY} when malformed or its key ID does not match
 */
export function parseApproverKey(text: string): ApproverKey {
  const m = /^PRIVATE\+KEY\+([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(text.trim());
  if (!m)
    throw keyError(
      'The approver key is not of the form PRIVATE+KEY+name+hex8+base64.',
      'Make one with `aequa approve keygen NAME --key FILE`.',
    );
  const raw = fromBase64(m[3]!, 'key');
  if (raw.length !== 33 || raw[0] !== 1)
    throw keyError(
      'The approver key is not an Ed25519 key.',
      'Make one with `aequa approve keygen NAME --key FILE`.',
    );
  const pk = ed25519PrivateKeyFromSeed(raw.subarray(1));
  const signer = ed25519Signer(m[1]!, pk);
  if (!bytesEqual(signer.keyId, fromHex(m[2]!, 'key ID')))
    throw keyError(
      `The key ID ${m[2]} of the approver key does not match its key.`,
      'The key file is damaged: restore it.',
    );
  return { signer, verifierKey: verifierKeyString(m[1]!, ed25519PublicKey(pk)) };
}

/**
 * Signs an approval of ledger entry `entryIndex` (whose leaf hash is `leafHash`) and returns the
 * RunRecord to append.
 * @example approvalRecord({ entryIndex: 3, leafHash, role: 'risk-officer', key, toolVersion: 'aequa@0.1.0' }).refs // [3]
 */
export function approvalRecord(init: {
  readonly entryIndex: number;
  readonly leafHash: string;
  readonly role: string;
  readonly key: ApproverKey;
  readonly toolVersion: string;
  readonly note?: string;
  readonly time?: Date;
}): RunRecord {
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(init.role))
    throw new AequaError('AEQ_INVALID_ARGUMENT', `Role "${init.role}" must be a word such as risk-officer.`, {
      hint: 'Use letters, digits, ".", "_" or "-", e.g. --role risk-officer.',
    });
  const approval: ApprovalStatement = {
    entryIndex: init.entryIndex,
    leafHash: init.leafHash,
    role: init.role,
    actor: init.key.signer.name,
    time: (init.time ?? new Date()).toISOString(),
    ...(init.note ? { note: init.note } : {}),
  };
  const signature = toBase64(init.key.signer.sign(canonicalBytes(approval)));
  const summary: ApprovalSummary = { approval, verifierKey: init.key.verifierKey, signature };
  return createRunRecord({
    kind: 'approval',
    command: 'approve',
    toolVersion: init.toolVersion,
    actor: approval.actor,
    timestamp: approval.time,
    config: { role: init.role },
    summary: summary as unknown as RunRecord['summary'],
    refs: [init.entryIndex],
  });
}

/**
 * Checks an approval record: its signature under the verifier key it carries, that it names the
 * entry in `refs`, and that the signed leaf hash is the ledger's leaf hash of that entry. Returns
 * null when it holds, else the reason. `trustedKeys`, when given, must contain the verifier key.
 * @example verifyApproval(record, (i) => toHex(ledger.leafHash(i))) // null
 */
export function verifyApproval(
  record: RunRecord,
  leafHashOf: (index: number) => string | null,
  trustedKeys?: readonly string[],
): string | null {
  const s = record.summary as unknown as Partial<ApprovalSummary>;
  const a = s.approval;
  if (
    record.kind !== 'approval' ||
    !a ||
    typeof s.signature !== 'string' ||
    typeof s.verifierKey !== 'string'
  )
    return 'it is not an approval record';
  if (record.refs?.[0] !== a.entryIndex)
    return `it refers to entry ${record.refs?.[0]} but signs entry ${a.entryIndex}`;
  let ok = false;
  try {
    const v = parseVerifierKey(s.verifierKey);
    if (v.name !== a.actor) return `it is signed by key "${v.name}" but names actor "${a.actor}"`;
    ok = v.verify(canonicalBytes(a), fromBase64(s.signature, 'signature'));
  } catch (e) {
    return `its key or signature is malformed (${(e as Error).message})`;
  }
  if (!ok) return 'its Ed25519 signature does not verify';
  const leaf = leafHashOf(a.entryIndex);
  if (leaf === null) return `it approves entry ${a.entryIndex}, which is not in the ledger`;
  if (leaf !== a.leafHash)
    return `it approves leaf ${a.leafHash.slice(0, 12)}…, but entry ${a.entryIndex} is ${leaf.slice(0, 12)}…`;
  if (trustedKeys && !trustedKeys.includes(s.verifierKey))
    return `its key ${s.verifierKey} is not among the trusted keys`;
  return null;
}

/** One approval found in a ledger, checked. */
export interface CheckedApproval {
  /** The approval record's own index. */
  readonly index: number;
  readonly approval: ApprovalStatement | null;
  readonly verifierKey: string | null;
  /** Null when the approval holds, else why not. */
  readonly problem: string | null;
}

/**
 * Reads every approval event of a ledger and checks it with {@link verifyApproval}.
 * @example (await checkApprovals(ledger)).filter((a) => a.problem !== null) // []
 */
export async function checkApprovals(ledger: Ledger): Promise<CheckedApproval[]> {
  const out: CheckedApproval[] = [];
  const leafOf = (i: number) => (i >= 0 && i < ledger.size ? toHex(ledger.leafHash(i)) : null);
  for (let i = 0; i < ledger.size; i++) {
    const { record } = await ledger.get(i);
    if (record.kind !== 'approval') continue;
    const s = record.summary as unknown as Partial<ApprovalSummary>;
    const problem = verifyApproval(record, leafOf);
    const later =
      problem === null && (s.approval?.entryIndex ?? -1) >= i
        ? 'it approves an entry that is not earlier than itself'
        : null;
    out.push({
      index: i,
      approval: s.approval ?? null,
      verifierKey: typeof s.verifierKey === 'string' ? s.verifierKey : null,
      problem: problem ?? later,
    });
  }
  return out;
}
