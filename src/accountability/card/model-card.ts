/**
 * @module accountability/card/model-card
 * The model card as aequa stores it: the field names of the Model Card Toolkit JSON schema v0.0.2
 * (https://github.com/tensorflow/model-card-toolkit, `model_card.schema.json`: model_details,
 * model_parameters, quantitative_analysis, considerations) plus one `aequa` extension member with
 * what MCT has no field for (mitigation, explanations, privacy, caveats, the ledger entries cited,
 * the Hugging Face metadata). Import keeps every member it does not know, so MCT → card → MCT is
 * lossless (Mitchell et al. 2019, "Model Cards for Model Reporting", https://arxiv.org/abs/1810.03993).
 */
import { AequaError } from '../../core/index.js';
import type { JsonValue } from '../ledger/canonical.js';

/** MCT schema version these names follow. */
export const MCT_SCHEMA_VERSION = '0.0.2';

export interface McOwner {
  readonly name?: string;
  readonly contact?: string;
}
export interface McVersion {
  readonly name?: string;
  readonly date?: string;
  readonly diff?: string;
}
export interface McLicense {
  readonly identifier?: string;
  readonly custom_text?: string;
}
export interface McDescription {
  readonly description: string;
}
export interface McRisk {
  readonly name: string;
  readonly mitigation_strategy?: string;
}
export interface McConfidenceInterval {
  readonly lower_bound: string;
  readonly upper_bound: string;
}
export interface McPerformanceMetric {
  readonly type: string;
  /** MCT v0.0.2 stores values as strings. */
  readonly value: string;
  readonly slice?: string;
  readonly confidence_interval?: McConfidenceInterval;
  readonly threshold?: string;
}
export interface McDataset {
  readonly name?: string;
  readonly link?: string;
  readonly sensitive?: { readonly sensitive_data?: readonly string[] };
  readonly [k: string]: unknown;
}

/** One ledger entry a card was built from, with its inclusion proof in the tree the card cites. */
export interface CardCitation {
  readonly index: number;
  readonly command: string;
  readonly kind: string;
  readonly timestamp: string;
  readonly leafHash: string;
  /** RFC 9162 audit path (lowercase hex), deepest first, in the tree of `aequa.ledger.treeSize`. */
  readonly path: readonly string[];
}

/** What MCT has no field for. */
export interface AequaCardExtension {
  readonly mitigation?: readonly JsonValue[];
  readonly explanation?: JsonValue;
  readonly privacy?: {
    readonly epsilon: number | null;
    readonly delta?: number | null;
    readonly note?: string;
  };
  readonly caveats?: readonly string[];
  readonly ledger?: {
    readonly origin: string;
    readonly treeSize: number;
    readonly rootHash: string;
    readonly entries: readonly CardCitation[];
  };
  /** Hugging Face card metadata (YAML front matter) kept verbatim. */
  readonly hf?: { readonly [k: string]: JsonValue };
  readonly [k: string]: unknown;
}

/** A model card: MCT v0.0.2 members plus the `aequa` extension; unknown members are kept. */
export interface ModelCard {
  readonly schema_version?: string;
  readonly model_details: {
    readonly name?: string;
    readonly overview?: string;
    readonly documentation?: string;
    readonly owners?: readonly McOwner[];
    readonly version?: McVersion;
    readonly licenses?: readonly McLicense[];
    readonly references?: readonly { readonly reference: string }[];
    readonly citations?: readonly { readonly style?: string; readonly citation: string }[];
    readonly path?: string;
    readonly [k: string]: unknown;
  };
  readonly model_parameters?: {
    readonly model_architecture?: string;
    readonly data?: readonly McDataset[];
    readonly input_format?: string;
    readonly output_format?: string;
    readonly [k: string]: unknown;
  };
  readonly quantitative_analysis?: {
    readonly performance_metrics?: readonly McPerformanceMetric[];
    readonly [k: string]: unknown;
  };
  readonly considerations?: {
    readonly users?: readonly McDescription[];
    readonly use_cases?: readonly McDescription[];
    readonly limitations?: readonly McDescription[];
    readonly tradeoffs?: readonly McDescription[];
    readonly ethical_considerations?: readonly McRisk[];
    readonly [k: string]: unknown;
  };
  readonly aequa?: AequaCardExtension;
  readonly [k: string]: unknown;
}

function invalid(issues: readonly string[]): AequaError {
  return new AequaError(
    'AEQ_CARD_INVALID',
    `The model card is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${issues.map((i) => `✖ ${i}`).join('\n')}`,
    {
      hint: 'Model cards follow the Model Card Toolkit JSON schema v0.0.2 (model_details, model_parameters, quantitative_analysis, considerations).',
      details: { issues },
    },
  );
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads a Model Card Toolkit JSON document (schema v0.0.2) as a card, checking the types of the
 * members it knows and keeping every other member as is (so export gives back the same JSON).
 * @throws {AEQ_CARD_INVALID} listing every problem
 * @example fromMctJson({ model_details: { name: 'credit' } }).model_details.name // 'credit'
 */
export function fromMctJson(json: unknown): ModelCard {
  const issues: string[] = [];
  if (!isObj(json)) throw invalid(['a model card must be a JSON object']);
  if (!isObj(json.model_details)) issues.push('model_details must be an object');
  if (json.schema_version !== undefined && typeof json.schema_version !== 'string')
    issues.push('schema_version must be a string');
  for (const k of ['model_parameters', 'quantitative_analysis', 'considerations', 'aequa'])
    if (json[k] !== undefined && !isObj(json[k])) issues.push(`${k} must be an object`);
  const qa = json.quantitative_analysis;
  if (isObj(qa) && qa.performance_metrics !== undefined) {
    if (!Array.isArray(qa.performance_metrics))
      issues.push('quantitative_analysis.performance_metrics must be a list');
    else
      qa.performance_metrics.forEach((m: unknown, i) => {
        if (!isObj(m) || typeof m.type !== 'string' || typeof m.value !== 'string')
          issues.push(`quantitative_analysis.performance_metrics[${i}] needs string "type" and "value"`);
      });
  }
  const c = json.considerations;
  if (isObj(c))
    for (const k of ['users', 'use_cases', 'limitations', 'tradeoffs'])
      if (
        c[k] !== undefined &&
        !(Array.isArray(c[k]) && c[k].every((d) => isObj(d) && typeof d.description === 'string'))
      )
        issues.push(`considerations.${k} must be a list of { description }`);
  if (issues.length) throw invalid(issues);
  return json as unknown as ModelCard;
}

/**
 * The card as Model Card Toolkit JSON. `strict` drops the `aequa` extension (for tools that reject
 * unknown members); otherwise the JSON carries everything.
 * @example toMctJson(card, { strict: true }).aequa // undefined
 */
export function toMctJson(
  card: ModelCard,
  opts: { readonly strict?: boolean } = {},
): Record<string, unknown> {
  const { aequa, ...rest } = card;
  return opts.strict || aequa === undefined ? { ...rest } : { ...rest, aequa };
}
