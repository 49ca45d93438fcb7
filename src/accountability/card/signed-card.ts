/**
 * @module accountability/card/signed-card
 * A published card that proves itself: the card, the ledger record that committed to its RFC 8785
 * canonical SHA-256, the record's RFC 9162 inclusion proof, and a C2SP signed checkpoint of the tree
 * the proof leads to. Anyone holding the ledger's verifier key can check that the card is exactly the
 * one the ledger recorded (no card tool we know of offers this); see ../ledger for the primitives.
 */
import { AequaError } from '../../core/index.js';
import { canonicalBytes } from '../ledger/canonical.js';
import { openCheckpoint, parseVerifierKey } from '../ledger/checkpoint.js';
import { bytesEqual, leafHash, sha256, toHex } from '../ledger/hash.js';
import { type InclusionProofJSON, inclusionProofFromJSON, verifyInclusion } from '../ledger/proof.js';
import { createRunRecord, parseRunRecord, type RunRecord } from '../record.js';
import type { ModelCard } from './model-card.js';

/** Format of a signed card file, version 1. */
export interface SignedCard {
  readonly format: 'aequa-signed-card';
  readonly version: 1;
  readonly card: ModelCard;
  /** The ledger record of the card: kind `card`, summary.cardSha256 = SHA-256(canonical card). */
  readonly record: RunRecord;
  readonly proof: InclusionProofJSON;
  /** C2SP signed checkpoint whose root the proof leads to. */
  readonly checkpoint: string;
  /** The ledger's verifier key (check it against one you trust, e.g. with --key). */
  readonly verifierKey: string;
}

/** The outcome of {@link verifySignedCard}. */
export interface CardVerification {
  readonly ok: boolean;
  readonly index: number | null;
  readonly treeSize: number | null;
  readonly problems: readonly string[];
}

/** Lowercase hex SHA-256 of a card's RFC 8785 canonical JSON. */
export function cardDigest(card: ModelCard | Record<string, unknown>): string {
  return toHex(sha256(canonicalBytes(card)));
}

/**
 * The ledger record that publishes a card: kind `card`, refs = the entries it cites.
 * @example cardRecord(card, { toolVersion: 'aequa@0.1.0', actor: 'ana' }).summary.cardSha256 // '9f2c…'
 */
export function cardRecord(
  card: ModelCard | Record<string, unknown>,
  init: {
    readonly toolVersion: string;
    readonly actor: string;
    readonly refs?: readonly number[];
    readonly what?: string;
  },
): RunRecord {
  const c = card as ModelCard;
  return createRunRecord({
    kind: 'card',
    command: init.what ?? 'card',
    toolVersion: init.toolVersion,
    actor: init.actor,
    summary: {
      cardSha256: cardDigest(card),
      name: c.model_details?.name ?? (card as { name?: string }).name ?? null,
    },
    ...(init.refs?.length ? { refs: [...init.refs] } : {}),
  });
}

/**
 * Checks a signed card: (1) SHA-256 of the canonical card equals the record's `cardSha256`;
 * (2) SHA-256(0x00 ‖ canonical record) is the proof's leaf hash; (3) the inclusion proof leads to
 * its root (RFC 9162 §2.1.3.2); (4) the checkpoint's signature verifies under the verifier key and it
 * commits to that root and tree size; (5) the verifier key is `trustedKey` when one is given.
 * Collects every failure instead of stopping at the first.
 * @example verifySignedCard(doc).ok // true
 */
export function verifySignedCard(
  doc: unknown,
  opts: { readonly trustedKey?: string } = {},
): CardVerification {
  const problems: string[] = [];
  const d = doc as Partial<SignedCard>;
  if (typeof doc !== 'object' || doc === null || d.format !== 'aequa-signed-card')
    throw new AequaError(
      'AEQ_CARD_INVALID',
      'This file is not a signed aequa card (format "aequa-signed-card").',
      {
        hint: 'Verify the card.json written by `aequa card --format json --out FILE`.',
      },
    );
  if (d.version !== 1)
    throw new AequaError(
      'AEQ_LEDGER_VERSION',
      `The signed card has version ${String(d.version)}; this aequa reads 1.`,
      {
        hint: 'Upgrade aequa to verify this card.',
      },
    );
  let record: RunRecord | null = null;
  try {
    record = parseRunRecord(d.record);
  } catch (e) {
    problems.push(`the embedded ledger record is invalid: ${(e as Error).message.split('\n')[0]}`);
  }
  const digest = cardDigest(d.card as ModelCard);
  if (record && record.summary.cardSha256 !== digest)
    problems.push(
      `the card's SHA-256 is ${digest}, but the ledger recorded ${String(record.summary.cardSha256)}: the card was changed`,
    );
  let proof: ReturnType<typeof inclusionProofFromJSON> | null = null;
  try {
    proof = inclusionProofFromJSON(d.proof as InclusionProofJSON);
  } catch (e) {
    problems.push(`the inclusion proof is malformed: ${(e as Error).message}`);
  }
  if (record && proof) {
    const leaf = leafHash(canonicalBytes(record));
    if (!bytesEqual(leaf, proof.leafHash))
      problems.push(
        `the record hashes to leaf ${toHex(leaf)}, but the proof is for leaf ${toHex(proof.leafHash)}`,
      );
    else
      try {
        verifyInclusion(proof);
      } catch (e) {
        problems.push(`the inclusion proof does not verify: ${(e as Error).message}`);
      }
  }
  if (typeof d.verifierKey !== 'string') problems.push('the verifier key is missing');
  else {
    if (opts.trustedKey !== undefined && opts.trustedKey !== d.verifierKey)
      problems.push(`the card is signed by ${d.verifierKey}, not by the trusted key ${opts.trustedKey}`);
    try {
      const cp = openCheckpoint(String(d.checkpoint), parseVerifierKey(d.verifierKey));
      if (proof && (cp.size !== proof.treeSize || !bytesEqual(cp.rootHash, proof.rootHash)))
        problems.push(
          `the signed checkpoint commits to size ${cp.size} root ${toHex(cp.rootHash)}, the proof to size ${proof.treeSize} root ${toHex(proof.rootHash)}`,
        );
    } catch (e) {
      problems.push(`the checkpoint does not verify: ${(e as Error).message}`);
    }
  }
  return {
    ok: problems.length === 0,
    index: proof?.leafIndex ?? null,
    treeSize: proof?.treeSize ?? null,
    problems,
  };
}
