/**
 * @module accountability/compliance/evidence
 * An evidence index for an auditor: per clause of a framework (EU AI Act, NIST AI RMF, ISO/IEC
 * 42001; see frameworks.ts), the ledger entries that evidence it, each with its RFC 9162 inclusion
 * proof against the signed checkpoint the index carries, so every item can be checked offline.
 */
import type { InclusionProofJSON } from '../ledger/proof.js';
import type { RunRecord } from '../record.js';
import { FRAMEWORK_CLAUSES, FRAMEWORKS, type FrameworkName, matchesEvidence } from './frameworks.js';

/** One evidence item: a ledger entry and its proof. */
export interface EvidenceItem {
  readonly index: number;
  readonly kind: string;
  readonly command: string;
  readonly timestamp: string;
  readonly actor: string;
  readonly proof: InclusionProofJSON;
}

/** The evidence index, keyed by clause. */
export interface EvidenceIndex {
  readonly schemaVersion: 1;
  readonly framework: FrameworkName;
  readonly title: string;
  readonly origin: string;
  readonly treeSize: number;
  readonly rootHash: string;
  /** C2SP signed checkpoint at treeSize: the anchor of every proof. */
  readonly checkpoint: string;
  readonly verifierKey: string;
  readonly clauses: Readonly<
    Record<
      string,
      {
        readonly title: string;
        readonly evidence: readonly string[];
        readonly items: readonly EvidenceItem[];
      }
    >
  >;
  /** Clauses with no evidence. */
  readonly gaps: readonly string[];
}

/**
 * Builds the evidence index of `framework` from ledger records and a proof function.
 * @example buildEvidenceIndex('eu-ai-act', { … }).clauses['Art. 14'].items[0].proof.leafIndex // 5
 */
export function buildEvidenceIndex(
  framework: FrameworkName,
  src: {
    readonly records: readonly RunRecord[];
    readonly prove: (index: number) => InclusionProofJSON;
    readonly origin: string;
    readonly rootHash: string;
    readonly checkpoint: string;
    readonly verifierKey: string;
  },
): EvidenceIndex {
  const clauses: Record<string, { title: string; evidence: readonly string[]; items: EvidenceItem[] }> = {};
  const gaps: string[] = [];
  for (const c of FRAMEWORK_CLAUSES[framework]) {
    const items: EvidenceItem[] = [];
    src.records.forEach((r, index) => {
      if (c.evidence.some((e) => matchesEvidence(e, r)))
        items.push({
          index,
          kind: r.kind,
          command: r.command,
          timestamp: r.timestamp,
          actor: r.actor,
          proof: src.prove(index),
        });
    });
    clauses[c.clause] = { title: c.title, evidence: c.evidence, items };
    if (items.length === 0) gaps.push(c.clause);
  }
  return {
    schemaVersion: 1,
    framework,
    title: FRAMEWORKS[framework],
    origin: src.origin,
    treeSize: src.records.length,
    rootHash: src.rootHash,
    checkpoint: src.checkpoint,
    verifierKey: src.verifierKey,
    clauses,
    gaps,
  };
}
