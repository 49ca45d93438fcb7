/**
 * @module accountability/card/hf-card
 * Hugging Face model cards: Markdown with YAML front matter (metadata: license, tags, datasets,
 * `model-index` results) and the section layout of the Hub's model-card template
 * (https://huggingface.co/docs/hub/model-cards). The front matter is kept verbatim in the card's
 * `aequa.hf` member, and only members it lacks are derived, so YAML → card → YAML is lossless.
 */
import { parse, stringify } from 'yaml';
import { AequaError } from '../../core/index.js';
import type { JsonValue } from '../ledger/canonical.js';
import { MCT_SCHEMA_VERSION, type McPerformanceMetric, type ModelCard } from './model-card.js';

type Meta = { readonly [k: string]: JsonValue };
const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The Hugging Face metadata of a card: its stored `aequa.hf` members, plus `license` and
 * `model-index` derived from the card when absent.
 * @example cardToHfMetadata(card).license // 'apache-2.0'
 */
export function cardToHfMetadata(card: ModelCard): Meta {
  const meta: Record<string, JsonValue> = { ...(card.aequa?.hf ?? {}) };
  const lic = card.model_details.licenses?.[0]?.identifier;
  if (meta.license === undefined && lic) meta.license = lic;
  const metrics = card.quantitative_analysis?.performance_metrics ?? [];
  if (meta['model-index'] === undefined && metrics.length > 0)
    meta['model-index'] = [
      {
        name: card.model_details.name ?? 'model',
        results: [
          {
            task: { type: 'tabular-classification' },
            dataset: { name: card.model_details.path ?? 'evaluation data', type: 'tabular' },
            metrics: metrics.map((m) => ({
              type: m.type,
              value: Number.isFinite(Number(m.value)) ? Number(m.value) : m.value,
              ...(m.slice ? { name: `${m.type} · ${m.slice}` } : {}),
            })),
          },
        ],
      },
    ];
  return meta;
}

/**
 * A card from Hugging Face metadata: name, licence and `model-index` metrics mapped to MCT fields,
 * the metadata itself kept in `aequa.hf`.
 * @throws {AEQ_CARD_INVALID} when the metadata is not a mapping
 * @example hfMetadataToCard({ license: 'mit', model_name: 'credit' }).model_details.name // 'credit'
 */
export function hfMetadataToCard(meta: unknown): ModelCard {
  if (!isObj(meta))
    throw new AequaError(
      'AEQ_CARD_INVALID',
      'The Hugging Face card metadata (YAML front matter) must be a mapping.',
      {
        hint: 'Start the card with ---, YAML keys such as license: and model-index:, then ---.',
      },
    );
  const index =
    Array.isArray(meta['model-index']) && isObj(meta['model-index'][0]) ? meta['model-index'][0] : null;
  const metrics: McPerformanceMetric[] = [];
  if (index && Array.isArray(index.results))
    for (const r of index.results)
      if (isObj(r) && Array.isArray(r.metrics))
        for (const m of r.metrics)
          if (isObj(m) && typeof m.type === 'string' && m.value !== undefined)
            metrics.push({
              type: m.type,
              value: String(m.value),
              ...(typeof m.name === 'string' ? { slice: m.name } : {}),
            });
  const name =
    typeof meta.model_name === 'string'
      ? meta.model_name
      : typeof index?.name === 'string'
        ? index.name
        : undefined;
  return {
    schema_version: MCT_SCHEMA_VERSION,
    model_details: {
      ...(name !== undefined ? { name } : {}),
      ...(typeof meta.license === 'string' ? { licenses: [{ identifier: meta.license }] } : {}),
    },
    ...(metrics.length ? { quantitative_analysis: { performance_metrics: metrics } } : {}),
    aequa: { hf: meta as Meta },
  };
}

const bullets = (xs: readonly { description: string }[] | undefined, none: string): string =>
  xs?.length ? xs.map((x) => `- ${x.description}`).join('\n') : `_${none}_`;

/**
 * The card as a Hugging Face model card: YAML front matter, then the Hub template's sections
 * (Model Details, Uses, Bias Risks and Limitations, Training Details, Evaluation, …).
 * @example renderModelCardMarkdown(card).startsWith('---\n') // true
 */
export function renderModelCardMarkdown(card: ModelCard): string {
  const d = card.model_details;
  const p = card.model_parameters ?? {};
  const c = card.considerations ?? {};
  const x = card.aequa ?? {};
  const metrics = card.quantitative_analysis?.performance_metrics ?? [];
  const fmtCi = (m: McPerformanceMetric) =>
    m.confidence_interval
      ? `[${m.confidence_interval.lower_bound}, ${m.confidence_interval.upper_bound}]`
      : '';
  const lines = [
    '---',
    stringify(cardToHfMetadata(card)).trimEnd(),
    '---',
    '',
    `# Model Card for ${d.name ?? 'model'}`,
    '',
    d.overview ?? '',
    '',
    '## Model Details',
    '',
    '### Model Description',
    '',
    `- **Developed by:** ${(d.owners ?? []).map((o) => o.name).join(', ') || '_not recorded_'}`,
    `- **Model type:** ${p.model_architecture ?? '_not recorded_'}`,
    `- **Version:** ${d.version?.name ?? '_'}${d.version?.date ? ` (${d.version.date})` : ''}`,
    `- **License:** ${d.licenses?.map((l) => l.identifier ?? l.custom_text).join(', ') || '_not stated_'}`,
    `- **Inputs:** ${p.input_format || '_'}`,
    `- **Output:** ${p.output_format ?? '_'}`,
    '',
    '## Uses',
    '',
    '### Direct Use',
    '',
    bullets(c.use_cases, 'Intended use not stated: add it with --answers.'),
    '',
    '### Users',
    '',
    bullets(c.users, 'Intended users not stated.'),
    '',
    '## Bias, Risks, and Limitations',
    '',
    bullets(c.limitations, 'None recorded.'),
    '',
    ...(c.ethical_considerations?.length
      ? [
          '### Ethical Considerations',
          '',
          ...c.ethical_considerations.map(
            (r) => `- ${r.name}${r.mitigation_strategy ? ` — mitigation: ${r.mitigation_strategy}` : ''}`,
          ),
          '',
        ]
      : []),
    '### Recommendations',
    '',
    bullets(c.tradeoffs, 'No mitigation is recorded.'),
    '',
    '## Training Details',
    '',
    '### Training Data',
    '',
    ...(p.data?.length
      ? p.data.map(
          (ds) =>
            `- ${ds.name ?? 'data'} (${ds.link ?? ''}); sensitive attributes: ${ds.sensitive?.sensitive_data?.join(', ') || 'none recorded'}`,
        )
      : ['_Not recorded._']),
    '',
    '## Evaluation',
    '',
    '### Results',
    '',
    ...(metrics.length
      ? [
          '| metric | slice | value | CI |',
          '| --- | --- | ---: | --- |',
          ...metrics.map((m) => `| ${m.type} | ${m.slice ?? ''} | ${m.value} | ${fmtCi(m)} |`),
        ]
      : ['_No evaluation recorded._']),
    '',
    '## Privacy',
    '',
    x.privacy?.epsilon != null
      ? `Differential privacy: ε = ${x.privacy.epsilon}${x.privacy.delta != null ? `, δ = ${x.privacy.delta}` : ''}.`
      : '_No differential-privacy guarantee recorded._',
    '',
    '## Caveats',
    '',
    ...(x.caveats ?? []).map((s) => `- ${s}`),
    '',
    ...(x.ledger
      ? [
          '## Provenance',
          '',
          `Built from ${x.ledger.entries.length} entries of the ledger ${x.ledger.origin} (tree size ${x.ledger.treeSize}, root ${x.ledger.rootHash}):`,
          '',
          ...x.ledger.entries.map(
            (e) => `- entry ${e.index}: ${e.command} (${e.timestamp}), leaf ${e.leafHash}`,
          ),
          '',
        ]
      : []),
  ];
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

/**
 * Reads a Hugging Face model card (Markdown with YAML front matter) into a card via its metadata.
 * @throws {AEQ_CARD_INVALID} when there is no front matter or it is not YAML
 */
export function parseModelCardMarkdown(text: string): ModelCard {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  if (!m)
    throw new AequaError(
      'AEQ_CARD_INVALID',
      'The Markdown card has no YAML front matter (a block between --- lines at the top).',
      {
        hint: 'Hugging Face cards start with ---, the metadata, then ---.',
      },
    );
  let meta: unknown;
  try {
    meta = parse(m[1]!);
  } catch (e) {
    throw new AequaError(
      'AEQ_CARD_INVALID',
      `The card's front matter is not valid YAML: ${(e as Error).message.split('\n')[0]}`,
      {
        cause: e,
      },
    );
  }
  return hfMetadataToCard(meta ?? {});
}

/** YAML text of the card's Hugging Face metadata (the front matter, without the --- lines). */
export function cardToHfYaml(card: ModelCard): string {
  return stringify(cardToHfMetadata(card));
}
