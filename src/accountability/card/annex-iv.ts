/**
 * @module accountability/card/annex-iv
 * Completeness of a model card against the technical documentation of EU AI Act Annex IV
 * (Regulation (EU) 2024/1689, https://eur-lex.europa.eu/eli/reg/2024/1689/oj, Annex IV points 1–9).
 * Each item names its clause and the card field that covers it; items a model card cannot hold
 * (hardware, market forms, declaration of conformity) are listed as not required for the card.
 * Score = covered required items / required items.
 */
import type { ModelCard } from './model-card.js';

/** One Annex IV item. */
export interface AnnexIvItem {
  /** Clause, e.g. `IV.2(g)`. */
  readonly clause: string;
  readonly title: string;
  /** Whether a model card is expected to cover it. */
  readonly required: boolean;
  /** Where in the card it is documented. */
  readonly field: string;
}

/** The result of {@link lintAnnexIv}. */
export interface AnnexIvReport {
  /** covered / required, in [0, 1]. */
  readonly score: number;
  readonly covered: number;
  readonly required: number;
  readonly items: readonly (AnnexIvItem & { readonly covered: boolean })[];
  /** Required items the card misses, as `clause title (field)`. */
  readonly missing: readonly string[];
}

type Check = (c: ModelCard) => boolean;
const some = (xs: readonly unknown[] | undefined): boolean => (xs?.length ?? 0) > 0;
const text = (s: string | undefined): boolean => typeof s === 'string' && s.trim().length > 0;

const ITEMS: readonly (AnnexIvItem & { readonly check: Check })[] = [
  {
    clause: 'IV.1(a)',
    title: 'Intended purpose, provider, version',
    required: true,
    field: 'considerations.use_cases, model_details.owners, model_details.version',
    check: (c) =>
      some(c.considerations?.use_cases) &&
      some(c.model_details.owners) &&
      text(c.model_details.version?.name),
  },
  {
    clause: 'IV.1(b)',
    title: 'Interaction with other hardware or software',
    required: false,
    field: '—',
    check: () => false,
  },
  {
    clause: 'IV.1(c)',
    title: 'Versions of relevant software',
    required: true,
    field: 'model_details.version',
    check: (c) => text(c.model_details.version?.name),
  },
  {
    clause: 'IV.1(d)',
    title: 'Forms in which the system is placed on the market',
    required: false,
    field: '—',
    check: () => false,
  },
  { clause: 'IV.1(e)', title: 'Hardware on which it runs', required: false, field: '—', check: () => false },
  {
    clause: 'IV.1(h)',
    title: 'Instructions for use for the deployer',
    required: true,
    field: 'considerations.users, model_details.documentation',
    check: (c) => some(c.considerations?.users) || text(c.model_details.documentation),
  },
  {
    clause: 'IV.2(a)',
    title: 'Methods and steps of development',
    required: true,
    field: 'model_parameters.model_architecture, aequa.ledger',
    check: (c) => text(c.model_parameters?.model_architecture) && some(c.aequa?.ledger?.entries),
  },
  {
    clause: 'IV.2(b)',
    title: 'Design specifications, key design choices, what the system optimises',
    required: true,
    field: 'model_details.overview, considerations.tradeoffs',
    check: (c) =>
      text(c.model_details.overview) &&
      (some(c.considerations?.tradeoffs) || text(c.model_parameters?.model_architecture)),
  },
  {
    clause: 'IV.2(c)',
    title: 'System architecture',
    required: true,
    field: 'model_parameters.model_architecture, input_format, output_format',
    check: (c) =>
      text(c.model_parameters?.model_architecture) &&
      text(c.model_parameters?.input_format) &&
      text(c.model_parameters?.output_format),
  },
  {
    clause: 'IV.2(d)',
    title: 'Data requirements: training data provenance, characteristics',
    required: true,
    field: 'model_parameters.data',
    check: (c) => some(c.model_parameters?.data),
  },
  {
    clause: 'IV.2(e)',
    title: 'Assessment of human oversight measures (Art. 14)',
    required: true,
    field: 'considerations.users or an approval in the ledger',
    check: (c) =>
      some(c.considerations?.users) || (c.aequa?.ledger?.entries.some((e) => e.kind === 'approval') ?? false),
  },
  { clause: 'IV.2(f)', title: 'Pre-determined changes', required: false, field: '—', check: () => false },
  {
    clause: 'IV.2(g)',
    title: 'Validation and testing: metrics, discriminatory impacts, dated test logs',
    required: true,
    field: 'quantitative_analysis.performance_metrics, aequa.ledger',
    check: (c) => some(c.quantitative_analysis?.performance_metrics) && some(c.aequa?.ledger?.entries),
  },
  { clause: 'IV.2(h)', title: 'Cybersecurity measures', required: false, field: '—', check: () => false },
  {
    clause: 'IV.3',
    title: 'Capabilities and limitations, accuracy for groups, foreseeable risks',
    required: true,
    field: 'considerations.limitations, performance_metrics with group slices',
    check: (c) =>
      some(c.considerations?.limitations) &&
      (c.quantitative_analysis?.performance_metrics?.some((m) => m.slice?.includes('=')) ?? false),
  },
  {
    clause: 'IV.4',
    title: 'Appropriateness of the performance metrics',
    required: true,
    field: 'performance_metrics with confidence intervals',
    check: (c) =>
      c.quantitative_analysis?.performance_metrics?.some((m) => m.confidence_interval !== undefined) ?? false,
  },
  {
    clause: 'IV.5',
    title: 'Risk management system (Art. 9)',
    required: true,
    field: 'considerations.ethical_considerations or tradeoffs',
    check: (c) => some(c.considerations?.ethical_considerations) || some(c.considerations?.tradeoffs),
  },
  {
    clause: 'IV.6',
    title: 'Relevant changes through the lifecycle',
    required: true,
    field: 'model_details.version.date, aequa.ledger',
    check: (c) => text(c.model_details.version?.date) && some(c.aequa?.ledger?.entries),
  },
  {
    clause: 'IV.7',
    title: 'Harmonised standards applied',
    required: false,
    field: 'model_details.references',
    check: (c) => some(c.model_details.references),
  },
  { clause: 'IV.8', title: 'EU declaration of conformity', required: false, field: '—', check: () => false },
  {
    clause: 'IV.9',
    title: 'Post-market monitoring plan (Art. 72)',
    required: true,
    field: 'aequa.caveats or model_details.documentation',
    check: (c) =>
      (c.aequa?.caveats?.some((s) => /monitor/i.test(s)) ?? false) || text(c.model_details.documentation),
  },
];

/** The Annex IV items checked, with their clauses. */
export const ANNEX_IV_ITEMS: readonly AnnexIvItem[] = ITEMS.map(({ check: _c, ...i }) => i);

/**
 * Scores a card against EU AI Act Annex IV: covered required items / required items, and the
 * required items it misses.
 * @example lintAnnexIv(card) // { score: 0.769, covered: 10, required: 13, missing: ['IV.1(h) Instructions for use … (considerations.users, …)', …], … }
 */
export function lintAnnexIv(card: ModelCard): AnnexIvReport {
  const items = ITEMS.map(({ check, ...i }) => ({ ...i, covered: check(card) }));
  const req = items.filter((i) => i.required);
  const covered = req.filter((i) => i.covered).length;
  return {
    score: req.length === 0 ? 1 : covered / req.length,
    covered,
    required: req.length,
    items,
    missing: req.filter((i) => !i.covered).map((i) => `${i.clause} ${i.title} (${i.field})`),
  };
}
