/**
 * @module accountability/compliance/frameworks
 * Which ledger evidence answers which clause of three frameworks: the EU AI Act high-risk
 * obligations (Regulation (EU) 2024/1689 Arts. 9–15, https://eur-lex.europa.eu/eli/reg/2024/1689/oj),
 * the NIST AI RMF 1.0 functions (https://doi.org/10.6028/NIST.AI.100-1) and ISO/IEC 42001:2023
 * clauses. One table drives both the `aequa evidence` index and the rule packs of `aequa check`.
 */

/** A framework aequa can index evidence for. */
export const FRAMEWORKS = {
  'eu-ai-act': 'EU AI Act (Regulation (EU) 2024/1689), high-risk obligations',
  'nist-ai-rmf': 'NIST AI Risk Management Framework 1.0',
  'iso-42001': 'ISO/IEC 42001:2023 AI management system',
} as const satisfies Record<string, string>;

export type FrameworkName = keyof typeof FRAMEWORKS;

/** One clause and the ledger events that evidence it. */
export interface FrameworkClause {
  readonly clause: string;
  readonly title: string;
  /** Commands whose run records are evidence (e.g. `audit`), or `kind:approval` / `kind:card`. */
  readonly evidence: readonly string[];
}

/** The clause table per framework. */
export const FRAMEWORK_CLAUSES: Readonly<Record<FrameworkName, readonly FrameworkClause[]>> = {
  'eu-ai-act': [
    { clause: 'Art. 9', title: 'Risk management system', evidence: ['audit', 'mitigate', 'responsibility'] },
    { clause: 'Art. 10', title: 'Data and data governance', evidence: ['data-bias', 'datasheet'] },
    { clause: 'Art. 11', title: 'Technical documentation (Annex IV)', evidence: ['kind:card'] },
    {
      clause: 'Art. 12',
      title: 'Record-keeping (automatic logging)',
      evidence: ['train', 'predict', 'audit'],
    },
    {
      clause: 'Art. 13',
      title: 'Transparency and provision of information to deployers',
      evidence: ['kind:card', 'explain'],
    },
    { clause: 'Art. 14', title: 'Human oversight', evidence: ['kind:approval'] },
    {
      clause: 'Art. 15',
      title: 'Accuracy, robustness and cybersecurity',
      evidence: ['audit', 'train', 'robustness'],
    },
  ],
  'nist-ai-rmf': [
    {
      clause: 'GOVERN',
      title: 'Policies, roles and accountability are in place',
      evidence: ['kind:approval', 'check'],
    },
    {
      clause: 'MAP',
      title: 'Context, data and impacts are characterised',
      evidence: ['data-bias', 'datasheet', 'kind:card'],
    },
    {
      clause: 'MEASURE',
      title: 'Risks are analysed and tracked (fairness, explainability, privacy)',
      evidence: ['audit', 'explain', 'train'],
    },
    { clause: 'MANAGE', title: 'Risks are prioritised and treated', evidence: ['mitigate', 'kind:approval'] },
  ],
  'iso-42001': [
    { clause: '6.1', title: 'Actions to address risks and opportunities', evidence: ['audit', 'mitigate'] },
    { clause: '7.5', title: 'Documented information', evidence: ['kind:card', 'datasheet'] },
    { clause: '8.4', title: 'AI system impact assessment', evidence: ['audit', 'data-bias'] },
    {
      clause: '9.1',
      title: 'Monitoring, measurement, analysis and evaluation',
      evidence: ['audit', 'predict'],
    },
    { clause: '9.3', title: 'Management review', evidence: ['kind:approval'] },
    { clause: 'A.7', title: 'Data for AI systems', evidence: ['data-bias', 'datasheet'] },
  ],
};

/** Whether a record is evidence of the kind `e` (`audit`, or `kind:approval`). */
export function matchesEvidence(
  e: string,
  record: { readonly kind: string; readonly command: string },
): boolean {
  return e.startsWith('kind:') ? record.kind === e.slice(5) : record.kind === 'run' && record.command === e;
}
