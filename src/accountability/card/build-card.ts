/**
 * @module accountability/card/build-card
 * Builds a model card from ledger records, so the documentation states only what was run (DESIGN
 * idea 5): which entries concern a model is decided by content hashes — the run that wrote the model
 * file, runs that read it, runs that read what those wrote (predictions → audit), and runs over the
 * training data. Layout of the card: Mitchell et al. 2019 (https://arxiv.org/abs/1810.03993).
 */
import { AequaError } from '../../core/index.js';
import type { JsonValue } from '../ledger/canonical.js';
import type { RunRecord } from '../record.js';
import {
  type CardCitation,
  MCT_SCHEMA_VERSION,
  type McPerformanceMetric,
  type McRisk,
  type ModelCard,
} from './model-card.js';

/** One ledger entry offered to the card builder. */
export interface CardEntry {
  readonly index: number;
  readonly record: RunRecord;
  readonly leafHash: string;
  /** Inclusion path of the entry in the tree of `ledger.treeSize`. */
  readonly path: readonly string[];
}

/** What the user states and the ledger cannot know (from `--answers` or flags). */
export interface CardAnswers {
  readonly name?: string;
  readonly overview?: string;
  readonly intendedUse?: readonly string[];
  readonly users?: readonly string[];
  readonly outOfScope?: readonly string[];
  readonly limitations?: readonly string[];
  readonly ethicalConsiderations?: readonly string[];
  readonly caveats?: readonly string[];
  readonly owners?: readonly { readonly name: string; readonly contact?: string }[];
  readonly license?: string;
}

/** Options of {@link buildModelCard}. */
export interface BuildCardOptions {
  readonly model: {
    readonly path: string;
    readonly sha256: string;
    /** The model file's descriptive fields, when it is an aequa model file. */
    readonly file?: {
      readonly kind?: string;
      readonly task?: string;
      readonly features?: readonly string[];
      readonly classes?: readonly string[];
    };
  };
  readonly entries: readonly CardEntry[];
  readonly ledger: { readonly origin: string; readonly treeSize: number; readonly rootHash: string };
  readonly answers?: CardAnswers;
}

/** Per-group metrics shown in the card (when the audit computed them). */
const GROUP_METRICS = [
  'selectionRate',
  'truePositiveRate',
  'falsePositiveRate',
  'accuracy',
  'meanError',
] as const;

const str = (x: number): string => String(Number(x.toPrecision(6)));

/**
 * Indices of the entries that concern the model with SHA-256 `modelSha`, in ledger order: runs that
 * wrote it (train, mitigate), read it (predict, explain), read what those wrote (an audit of the
 * predictions), ran over its training data (data-bias), and approvals of any of these.
 * @example relatedEntries(sha, records) // [0, 1, 2, 5]
 */
export function relatedEntries(
  modelSha: string,
  entries: readonly { readonly index: number; readonly record: RunRecord }[],
): number[] {
  const trainingData = new Set<string>();
  for (const { record } of entries)
    if (record.kind === 'run' && record.outputs.some((o) => o.sha256 === modelSha))
      for (const i of record.inputs) trainingData.add(i.sha256);
  const derived = new Set<string>([modelSha]);
  const related = new Set<number>();
  for (const { index, record } of entries) {
    if (record.kind === 'card') continue;
    if (record.kind === 'approval') {
      if (record.refs?.some((r) => related.has(r))) related.add(index);
      continue;
    }
    const writes = record.outputs.some((o) => o.sha256 === modelSha);
    const reads = record.inputs.some((i) => derived.has(i.sha256));
    const onData = record.command === 'data-bias' && record.inputs.some((i) => trainingData.has(i.sha256));
    if (writes || reads || onData) {
      related.add(index);
      if (reads && !writes) for (const o of record.outputs) derived.add(o.sha256);
    }
  }
  return [...related].sort((a, b) => a - b);
}

type Obj = { readonly [k: string]: JsonValue };
const asObj = (v: JsonValue | undefined): Obj | null =>
  v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null;
const num = (v: JsonValue | undefined): number | null => (typeof v === 'number' ? v : null);

function auditMetrics(
  entry: CardEntry,
  out: McPerformanceMetric[],
  limits: string[],
  risks: McRisk[],
): string[] {
  const s = entry.record.summary;
  const tag = `entry ${entry.index}`;
  const overall = asObj(s.overall) ?? {};
  for (const [k, v] of Object.entries(overall))
    if (typeof v === 'number' && k !== 'count' && k !== 'weight')
      out.push({ type: k, value: str(v), slice: `overall (${tag})` });
  const sensitive: string[] = [];
  for (const [feature, fv] of Object.entries(asObj(s.byFeature) ?? {})) {
    const f = asObj(fv);
    if (!f) continue;
    sensitive.push(feature);
    for (const [group, gv] of Object.entries(asObj(f.groups) ?? {})) {
      const g = asObj(gv);
      if (!g) continue;
      const ci = asObj(g.ci) ?? {};
      for (const m of GROUP_METRICS) {
        const v = num(g[m]);
        if (v === null) continue;
        const c = ci[m];
        out.push({
          type: m,
          value: str(v),
          slice: `${feature}=${group} (${tag})`,
          ...(Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number'
            ? { confidence_interval: { lower_bound: str(c[0]), upper_bound: str(c[1]) } }
            : {}),
        });
      }
      if (g.small === true)
        limits.push(
          `Group ${feature}=${group} has only ${num(g.count)} rows in the audit (${tag}); its metrics are unreliable.`,
        );
    }
    for (const [name, dv] of Object.entries(asObj(f.disparities) ?? {})) {
      const d = asObj(dv);
      const v = num(d?.value);
      if (!d || v === null) continue;
      const c = d.ci;
      out.push({
        type: name,
        value: str(v),
        slice: `${feature} (${tag})`,
        ...(Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number'
          ? { confidence_interval: { lower_bound: str(c[0]), upper_bound: str(c[1]) } }
          : {}),
      });
    }
  }
  for (const fv of Array.isArray(s.findings) ? s.findings : []) {
    const f = asObj(fv);
    if (f && f.severity === 'significant' && typeof f.message === 'string')
      risks.push({ name: `${f.message} (${tag})` });
  }
  const policy = asObj(s.policy);
  if (policy && policy.passed === false) limits.push(`The release policy failed in the audit of ${tag}.`);
  return sensitive;
}

/**
 * Builds a model card from the ledger entries that concern a model.
 * @throws {AEQ_CARD_NO_RUNS} when `entries` is empty
 * @example buildModelCard({ model, entries, ledger }).quantitative_analysis.performance_metrics[0] // { type: 'accuracy', value: '0.83', slice: 'overall (entry 2)' }
 */
export function buildModelCard(opts: BuildCardOptions): ModelCard {
  const { model, entries, ledger } = opts;
  const a = opts.answers ?? {};
  if (entries.length === 0)
    throw new AequaError(
      'AEQ_CARD_NO_RUNS',
      `No ledger entry trained, evaluated or used the model ${model.path} (sha256 ${model.sha256.slice(0, 12)}…).`,
      {
        hint: 'Run aequa train/predict/audit with a ledger initialised (aequa ledger init), or name the entries with --runs.',
        details: { model: model.path, sha256: model.sha256 },
      },
    );
  const metrics: McPerformanceMetric[] = [];
  const limitations: string[] = [...(a.limitations ?? [])];
  const risks: McRisk[] = (a.ethicalConsiderations ?? []).map((name) => ({ name }));
  const tradeoffs: string[] = [];
  const mitigation: JsonValue[] = [];
  const datasets: { name: string; link: string; sensitive: string[] }[] = [];
  const sensitive = new Set<string>();
  let explanation: JsonValue | undefined;
  let epsilon: number | null = null;
  let delta: number | null = null;
  let trainedBy: string | null = null;
  let trainedAt: string | null = null;
  let architecture = model.file?.kind ?? 'unknown';
  let audits = 0;
  for (const e of entries) {
    const r = e.record;
    const s = r.summary;
    if (
      r.command === 'train' ||
      (r.command === 'mitigate' && r.outputs.some((o) => o.sha256 === model.sha256))
    ) {
      trainedBy = r.actor;
      trainedAt = r.timestamp;
      if (typeof s.learner === 'string')
        architecture = `${s.learner}${model.file?.task ? ` (${model.file.task})` : ''}`;
      for (const i of r.inputs)
        if (i.role === 'data' && !datasets.some((d) => d.link === i.sha256))
          datasets.push({ name: i.path, link: `sha256:${i.sha256}`, sensitive: [] });
      const v = asObj(s.validation);
      if (v)
        for (const [k, x] of Object.entries(v))
          if (typeof x === 'number' && k !== 'rows')
            metrics.push({ type: k, value: str(x), slice: `validation (entry ${e.index})` });
    }
    if (r.command === 'mitigate') {
      mitigation.push({
        entry: e.index,
        method: s.method ?? null,
        constraint: s.constraint ?? null,
        before: s.before ?? null,
        after: s.after ?? null,
      });
      tradeoffs.push(
        `Mitigation (${typeof s.method === 'string' ? s.method : 'method not recorded'}, entry ${e.index}) trades some accuracy for a smaller ${typeof s.constraint === 'string' ? s.constraint : 'disparity'}; the before/after figures are in the aequa.mitigation section.`,
      );
    }
    if (r.command === 'audit') {
      audits++;
      for (const f of auditMetrics(e, metrics, limitations, risks)) sensitive.add(f);
    }
    if (r.command === 'explain' || asObj(s.explanation)) explanation = s.explanation ?? s;
    const eps = num(s.epsilon) ?? num(asObj(s.privacy)?.epsilon);
    if (eps !== null) {
      epsilon = (epsilon ?? 0) + eps; // sequential composition: the total over recorded releases
      const d = num(s.delta) ?? num(asObj(s.privacy)?.delta);
      if (d !== null) delta = (delta ?? 0) + d;
    }
  }
  if (audits === 0)
    limitations.push(
      'No fairness audit of this model is recorded in the ledger: group performance is unknown.',
    );
  if (epsilon === null)
    limitations.push(
      'No differential-privacy guarantee is recorded: the model may memorise individual training rows.',
    );
  if (explanation === undefined) limitations.push('No explanation run is recorded for this model.');
  for (const d of datasets) d.sensitive = [...sensitive];
  const features = model.file?.features ?? [];
  const citations: CardCitation[] = entries.map((e) => ({
    index: e.index,
    command: e.record.command,
    kind: e.record.kind,
    timestamp: e.record.timestamp,
    leafHash: e.leafHash,
    path: e.path,
  }));
  const name = a.name ?? model.path.replace(/^.*\//, '').replace(/\.json$/, '');
  const card: ModelCard = {
    schema_version: MCT_SCHEMA_VERSION,
    model_details: {
      name,
      overview:
        a.overview ??
        `A ${model.file?.kind ?? ''} ${model.file?.task ?? ''} model over ${features.length} features, documented from ${entries.length} ledger entr${entries.length === 1 ? 'y' : 'ies'} of ${ledger.origin}.`.replace(
          / {2,}/g,
          ' ',
        ),
      owners: a.owners ?? (trainedBy ? [{ name: trainedBy }] : []),
      version: { name: model.sha256.slice(0, 12), ...(trainedAt ? { date: trainedAt } : {}) },
      ...(a.license ? { licenses: [{ identifier: a.license }] } : {}),
      path: model.path,
    },
    model_parameters: {
      model_architecture: architecture,
      data: datasets.map((d) => ({ name: d.name, link: d.link, sensitive: { sensitive_data: d.sensitive } })),
      input_format: features.join(', '),
      output_format:
        model.file?.task === 'binary'
          ? `Probability of "${model.file.classes?.[1] ?? 'positive'}"`
          : (model.file?.task ?? 'scores'),
    },
    quantitative_analysis: { performance_metrics: metrics },
    considerations: {
      users: (a.users ?? []).map((description) => ({ description })),
      use_cases: [
        ...(a.intendedUse ?? []).map((d) => ({ description: d })),
        ...(a.outOfScope ?? []).map((d) => ({ description: `Out of scope: ${d}` })),
      ],
      limitations: limitations.map((description) => ({ description })),
      tradeoffs: tradeoffs.map((description) => ({ description })),
      ethical_considerations: risks,
    },
    aequa: {
      mitigation,
      ...(explanation !== undefined ? { explanation } : {}),
      privacy: { epsilon, ...(delta !== null ? { delta } : {}) },
      caveats: [
        ...(a.caveats ?? []),
        'Figures are those recorded in the cited ledger entries; re-run `aequa verify` on this card to check it is the one the ledger recorded.',
      ],
      ledger: { ...ledger, entries: citations },
    },
  };
  return card;
}
