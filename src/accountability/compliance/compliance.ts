/**
 * @module accountability/compliance/compliance
 * Compliance policies as code: rules over everything the ledger holds (fairness thresholds on the
 * latest audit, required CIs, maximum ε, required card fields, explanation coverage, sign-off by
 * named roles, maximum age of the last audit, required evidence), each citing its source clause,
 * and rule packs for the EEOC four-fifths rule (29 CFR § 1607.4(D)), the EU AI Act high-risk
 * obligations (Arts. 9–15) and the NIST AI RMF functions. Schema: schemas/policy.schema.json.
 */
import { ConfigError, closest, type Issue } from '../../core/index.js';
import type { JsonValue } from '../ledger/canonical.js';
import { POLICY_METRICS } from '../policy/policy.js';
import type { RunRecord } from '../record.js';
import { FRAMEWORK_CLAUSES, matchesEvidence } from './frameworks.js';

export type ComplianceOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** One rule; `cite` names the clause it enforces. */
export type ComplianceRule = {
  readonly id: string;
  readonly cite?: string;
  readonly description?: string;
} & (
  | {
      readonly type: 'metric';
      readonly metric: string;
      readonly op: ComplianceOp;
      readonly value: number;
      readonly feature?: string;
    }
  | { readonly type: 'ci-required'; readonly level?: number }
  | { readonly type: 'max-epsilon'; readonly value: number }
  | { readonly type: 'card-fields'; readonly fields: readonly string[] }
  | { readonly type: 'explanation-coverage'; readonly value: number }
  | { readonly type: 'approval'; readonly role: string; readonly of?: string }
  | { readonly type: 'max-age'; readonly days: number; readonly command?: string }
  | { readonly type: 'evidence'; readonly command: string }
);

export type RuleType = ComplianceRule['type'];
const RULE_TYPES: Record<RuleType, true> = {
  metric: true,
  'ci-required': true,
  'max-epsilon': true,
  'card-fields': true,
  'explanation-coverage': true,
  approval: true,
  'max-age': true,
  evidence: true,
};

export interface CompliancePolicy {
  readonly name: string | null;
  readonly rules: readonly ComplianceRule[];
}

/** Rule packs: `packs: [eeoc-four-fifths, eu-ai-act, nist-ai-rmf]` in a policy. */
export const RULE_PACKS: Readonly<Record<string, readonly ComplianceRule[]>> = {
  'eeoc-four-fifths': [
    {
      id: 'eeoc-four-fifths',
      type: 'metric',
      metric: 'disparateImpact',
      op: '>=',
      value: 0.8,
      cite: 'EEOC Uniform Guidelines, 29 CFR § 1607.4(D)',
      description: 'Selection rate of every group at least four-fifths of the highest group’s rate',
    },
  ],
  'eu-ai-act': [
    ...FRAMEWORK_CLAUSES['eu-ai-act']
      .filter((c) => c.clause !== 'Art. 14' && c.clause !== 'Art. 11')
      .map(
        (c): ComplianceRule => ({
          id: `eu-ai-act-${c.clause.replace(/\W+/g, '').toLowerCase()}`,
          type: 'evidence',
          command: c.evidence[0]!,
          cite: `EU AI Act ${c.clause}`,
          description: c.title,
        }),
      ),
    {
      id: 'eu-ai-act-art11',
      type: 'card-fields',
      fields: [
        'model_details.version',
        'model_parameters.data',
        'quantitative_analysis.performance_metrics',
        'considerations.limitations',
      ],
      cite: 'EU AI Act Art. 11 and Annex IV',
      description: 'Technical documentation',
    },
    {
      id: 'eu-ai-act-art14',
      type: 'approval',
      role: 'human-oversight',
      cite: 'EU AI Act Art. 14',
      description: 'Human oversight: a named person signed off the latest audit',
    },
    {
      id: 'eu-ai-act-art15-ci',
      type: 'ci-required',
      cite: 'EU AI Act Art. 15(1), Annex IV 2(g)',
      description: 'Accuracy figures carry confidence intervals',
    },
  ],
  'nist-ai-rmf': FRAMEWORK_CLAUSES['nist-ai-rmf'].map(
    (c): ComplianceRule =>
      c.evidence[0]!.startsWith('kind:approval')
        ? {
            id: `nist-${c.clause.toLowerCase()}`,
            type: 'approval',
            role: 'risk-officer',
            cite: `NIST AI RMF 1.0 ${c.clause}`,
            description: c.title,
          }
        : {
            id: `nist-${c.clause.toLowerCase()}`,
            type: 'evidence',
            command: c.evidence[0]!,
            cite: `NIST AI RMF 1.0 ${c.clause}`,
            description: c.title,
          },
  ),
};

const OPS: readonly ComplianceOp[] = ['<', '<=', '>', '>=', '==', '!='];
const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses a compliance policy (from YAML/JSON), expanding `packs`. Collects every problem; an unknown
 * metric names the closest known ones.
 * @throws {AEQ_POLICY_INVALID}
 * @example parseCompliancePolicy({ packs: ['eeoc-four-fifths'] }).rules[0].id // 'eeoc-four-fifths'
 */
export function parseCompliancePolicy(input: unknown): CompliancePolicy {
  const issues: Issue[] = [];
  if (!isObj(input))
    throw new ConfigError('AEQ_POLICY_INVALID', 'The policy', [
      { code: 'invalid_type', path: [], message: 'A policy must be a mapping with "rules" and/or "packs".' },
    ]);
  for (const k of Object.keys(input))
    if (!['name', 'description', 'rules', 'packs'].includes(k))
      issues.push({
        code: 'unknown_key',
        path: [k],
        message: `Unknown key "${k}"; expected name, description, rules, packs.`,
      });
  const rules: ComplianceRule[] = [];
  const packs = input.packs === undefined ? [] : input.packs;
  if (!Array.isArray(packs))
    issues.push({ code: 'invalid_type', path: ['packs'], message: '"packs" must be a list of pack names.' });
  else
    packs.forEach((p, i) => {
      const pack = typeof p === 'string' ? RULE_PACKS[p] : undefined;
      if (!pack) {
        const near = typeof p === 'string' ? closest(p, Object.keys(RULE_PACKS)) : undefined;
        issues.push({
          code: 'unknown_pack',
          path: ['packs', i],
          message: `Unknown rule pack ${JSON.stringify(p)}.${near ? ` Did you mean "${near}"?` : ''} Packs: ${Object.keys(RULE_PACKS).join(', ')}.`,
        });
      } else rules.push(...pack);
    });
  const raw = input.rules === undefined ? [] : input.rules;
  if (!Array.isArray(raw))
    issues.push({ code: 'invalid_type', path: ['rules'], message: '"rules" must be a list.' });
  else
    raw.forEach((r, i) => {
      const rule = parseRule(r, ['rules', i], issues, i);
      if (rule) rules.push(rule);
    });
  if (rules.length === 0 && issues.length === 0)
    issues.push({ code: 'too_small', path: ['rules'], message: 'The policy has no rules and no packs.' });
  const ids = new Set<string>();
  for (const r of rules) {
    if (ids.has(r.id))
      issues.push({ code: 'duplicate_id', path: ['rules'], message: `Rule id "${r.id}" is used twice.` });
    ids.add(r.id);
  }
  if (issues.length) throw new ConfigError('AEQ_POLICY_INVALID', 'The compliance policy', issues);
  return { name: typeof input.name === 'string' ? input.name : null, rules };
}

function parseRule(r: unknown, path: (string | number)[], issues: Issue[], i: number): ComplianceRule | null {
  const bad = (field: string | null, message: string) => {
    issues.push({ code: 'invalid_rule', path: field ? [...path, field] : path, message });
    return null;
  };
  if (!isObj(r)) return bad(null, 'A rule must be a mapping with "type".');
  const type = r.type;
  if (typeof type !== 'string' || !(type in RULE_TYPES)) {
    const near = typeof type === 'string' ? closest(type, Object.keys(RULE_TYPES)) : undefined;
    return bad(
      'type',
      `Unknown rule type ${JSON.stringify(type)}.${near ? ` Did you mean "${near}"?` : ''} Types: ${Object.keys(RULE_TYPES).join(', ')}.`,
    );
  }
  const base = {
    id: typeof r.id === 'string' ? r.id : `rule-${i + 1}`,
    ...(typeof r.cite === 'string' ? { cite: r.cite } : {}),
    ...(typeof r.description === 'string' ? { description: r.description } : {}),
  };
  const n = (k: string) => (typeof r[k] === 'number' && Number.isFinite(r[k]) ? (r[k] as number) : null);
  switch (type as RuleType) {
    case 'metric': {
      const metric = r.metric;
      if (typeof metric !== 'string')
        return bad('metric', 'A metric rule needs "metric", e.g. disparateImpact.');
      const baseName = metric.startsWith('overall.') ? metric.slice(8) : metric;
      if (!POLICY_METRICS.has(baseName)) {
        const near = closest(baseName, [...POLICY_METRICS]);
        const also = [...POLICY_METRICS]
          .filter((m) => m.toLowerCase().includes(baseName.toLowerCase().slice(0, 6)) && m !== near)
          .slice(0, 3);
        return bad(
          'metric',
          `Unknown metric "${metric}".${
            near || also.length
              ? ` Did you mean ${[near, ...also]
                  .filter(Boolean)
                  .map((m) => `"${m}"`)
                  .join(', ')}?`
              : ''
          }`,
        );
      }
      if (typeof r.op !== 'string' || !(OPS as readonly string[]).includes(r.op))
        return bad('op', `"op" must be one of ${OPS.join(' ')}.`);
      if (n('value') === null) return bad('value', '"value" must be a finite number.');
      return {
        ...base,
        type: 'metric',
        metric,
        op: r.op as ComplianceOp,
        value: n('value')!,
        ...(typeof r.feature === 'string' ? { feature: r.feature } : {}),
      };
    }
    case 'ci-required':
      return { ...base, type: 'ci-required', ...(n('level') !== null ? { level: n('level')! } : {}) };
    case 'max-epsilon':
      return n('value') !== null && n('value')! > 0
        ? { ...base, type: 'max-epsilon', value: n('value')! }
        : bad('value', '"value" must be a positive ε.');
    case 'card-fields':
      return Array.isArray(r.fields) && r.fields.every((f) => typeof f === 'string')
        ? { ...base, type: 'card-fields', fields: r.fields as string[] }
        : bad('fields', '"fields" must be a list of card field paths, e.g. considerations.limitations.');
    case 'explanation-coverage':
      return n('value') !== null
        ? { ...base, type: 'explanation-coverage', value: n('value')! }
        : bad('value', '"value" must be a number in [0, 1].');
    case 'approval':
      return typeof r.role === 'string'
        ? { ...base, type: 'approval', role: r.role, ...(typeof r.of === 'string' ? { of: r.of } : {}) }
        : bad('role', 'An approval rule needs "role".');
    case 'max-age':
      return n('days') !== null && n('days')! > 0
        ? {
            ...base,
            type: 'max-age',
            days: n('days')!,
            ...(typeof r.command === 'string' ? { command: r.command } : {}),
          }
        : bad('days', '"days" must be a positive number.');
    case 'evidence':
      return typeof r.command === 'string'
        ? { ...base, type: 'evidence', command: r.command }
        : bad('command', 'An evidence rule needs "command", e.g. data-bias.');
  }
}

/** The outcome of one rule. */
export interface RuleOutcome {
  readonly id: string;
  readonly type: RuleType;
  readonly cite: string | null;
  readonly description: string | null;
  readonly status: 'pass' | 'fail' | 'missing';
  readonly message: string;
  /** Ledger entries the outcome rests on. */
  readonly entries: readonly number[];
}

export interface ComplianceReport {
  readonly policy: string | null;
  readonly passed: boolean;
  readonly counts: { readonly pass: number; readonly fail: number; readonly missing: number };
  readonly rules: readonly RuleOutcome[];
}

type Obj = { readonly [k: string]: JsonValue };
const asObj = (v: unknown): Obj | null => (isObj(v) ? (v as Obj) : null);

function cmp(a: number, op: ComplianceOp, b: number): boolean {
  return op === '<'
    ? a < b
    : op === '<='
      ? a <= b
      : op === '>'
        ? a > b
        : op === '>='
          ? a >= b
          : op === '=='
            ? a === b
            : a !== b;
}

function getPath(o: unknown, path: string): unknown {
  let v: unknown = o;
  for (const k of path.split('.')) v = isObj(v) ? v[k] : undefined;
  return v;
}

/**
 * Evaluates a policy over ledger records (index = position). Missing evidence is its own status,
 * and fails the gate like a violated rule. `cards` maps card-record indices to the card JSON
 * (cards are stored by digest in the ledger), `now` fixes the clock for max-age.
 * @example evaluateCompliance(policy, records, { now: new Date() }).passed // true
 */
export function evaluateCompliance(
  policy: CompliancePolicy,
  records: readonly RunRecord[],
  opts: { readonly now?: Date; readonly cards?: ReadonlyMap<number, unknown> } = {},
): ComplianceReport {
  const now = opts.now ?? new Date();
  const last = (pred: (r: RunRecord) => boolean): number => {
    for (let i = records.length - 1; i >= 0; i--) if (pred(records[i]!)) return i;
    return -1;
  };
  const lastAudit = last((r) => r.kind === 'run' && r.command === 'audit');
  const out: RuleOutcome[] = [];
  for (const rule of policy.rules) {
    const o = (status: RuleOutcome['status'], message: string, entries: number[] = []) =>
      out.push({
        id: rule.id,
        type: rule.type,
        cite: rule.cite ?? null,
        description: rule.description ?? null,
        status,
        message,
        entries,
      });
    const audit = lastAudit >= 0 ? records[lastAudit]!.summary : null;
    switch (rule.type) {
      case 'metric': {
        if (!audit) {
          o('missing', 'No audit is recorded in the ledger.');
          break;
        }
        if (rule.metric.startsWith('overall.')) {
          const v = asObj(audit.overall)?.[rule.metric.slice(8)];
          if (typeof v !== 'number')
            o('missing', `The latest audit (entry ${lastAudit}) has no ${rule.metric}.`, [lastAudit]);
          else
            o(
              cmp(v, rule.op, rule.value) ? 'pass' : 'fail',
              `${rule.metric} = ${v} (entry ${lastAudit}); required ${rule.op} ${rule.value}.`,
              [lastAudit],
            );
          break;
        }
        const feats = Object.entries(asObj(audit.byFeature) ?? {}).filter(([f]) =>
          rule.feature ? f === rule.feature : true,
        );
        const vals = feats.map(
          ([f, fv]) => [f, asObj(asObj(asObj(fv)?.disparities)?.[rule.metric])?.value] as const,
        );
        const known = vals.filter((x): x is readonly [string, number] => typeof x[1] === 'number');
        if (known.length === 0) {
          o(
            'missing',
            `The latest audit (entry ${lastAudit}) has no value of ${rule.metric}${rule.feature ? ` for ${rule.feature}` : ''}.`,
            [lastAudit],
          );
          break;
        }
        const failing = known.filter(([, v]) => !cmp(v, rule.op, rule.value));
        o(
          failing.length ? 'fail' : 'pass',
          `${known.map(([f, v]) => `${f}: ${rule.metric} = ${Number(v.toPrecision(4))}`).join('; ')} (entry ${lastAudit}); required ${rule.op} ${rule.value}.`,
          [lastAudit],
        );
        break;
      }
      case 'ci-required': {
        if (!audit) {
          o('missing', 'No audit is recorded in the ledger.');
          break;
        }
        const level = asObj(audit.options)?.ci;
        if (typeof level !== 'number')
          o(
            'fail',
            `The latest audit (entry ${lastAudit}) has no confidence intervals; run it with --ci 0.95.`,
            [lastAudit],
          );
        else if (rule.level !== undefined && level < rule.level)
          o('fail', `The latest audit's CIs are at ${level}, below ${rule.level}.`, [lastAudit]);
        else
          o('pass', `The latest audit (entry ${lastAudit}) reports ${level * 100}% confidence intervals.`, [
            lastAudit,
          ]);
        break;
      }
      case 'max-epsilon': {
        const idx = records
          .map((r, i) => [r, i] as const)
          .filter(
            ([r]) =>
              typeof r.summary.epsilon === 'number' || typeof asObj(r.summary.privacy)?.epsilon === 'number',
          );
        if (!idx.length) {
          o('missing', 'No privacy run with an ε is recorded.');
          break;
        }
        const total = idx.reduce(
          (s, [r]) => s + ((r.summary.epsilon ?? asObj(r.summary.privacy)?.epsilon) as number),
          0,
        );
        o(
          total <= rule.value ? 'pass' : 'fail',
          `Total recorded ε = ${Number(total.toPrecision(6))} (sequential composition over ${idx.length} runs); maximum ${rule.value}.`,
          idx.map(([, i]) => i),
        );
        break;
      }
      case 'card-fields': {
        // The newest card whose JSON was provided (and matched its digest); else the newest card record.
        const provided = [...(opts.cards?.keys() ?? [])];
        const ci = provided.length ? Math.max(...provided) : last((r) => r.kind === 'card');
        const card = ci >= 0 ? opts.cards?.get(ci) : undefined;
        if (ci < 0 || card === undefined) {
          o(
            'missing',
            ci < 0
              ? 'No model card is recorded.'
              : `The card of entry ${ci} was not provided (pass it with --card).`,
            ci < 0 ? [] : [ci],
          );
          break;
        }
        const empty = rule.fields.filter((f) => {
          const v = getPath(card, f);
          return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
        });
        o(
          empty.length ? 'fail' : 'pass',
          empty.length
            ? `The card (entry ${ci}) lacks ${empty.join(', ')}.`
            : `The card (entry ${ci}) has ${rule.fields.join(', ')}.`,
          [ci],
        );
        break;
      }
      case 'explanation-coverage': {
        const ei = last((r) => r.command === 'explain');
        const cov = ei >= 0 ? records[ei]!.summary.coverage : undefined;
        if (typeof cov !== 'number') o('missing', 'No explanation run with a coverage figure is recorded.');
        else
          o(
            cov >= rule.value ? 'pass' : 'fail',
            `Explanation coverage ${cov} (entry ${ei}); required ≥ ${rule.value}.`,
            [ei],
          );
        break;
      }
      case 'approval': {
        const target = rule.of
          ? last((r) => r.kind === 'run' && r.command === rule.of)
          : last((r) => r.kind === 'run' && (r.command === 'audit' || r.command === 'card'));
        const cardIdx = last((r) => r.kind === 'card');
        const targets = [target, rule.of ? -1 : cardIdx].filter((t) => t >= 0);
        if (!targets.length) {
          o('missing', `Nothing to approve: no ${rule.of ?? 'audit or card'} is recorded.`);
          break;
        }
        const a = last(
          (r) =>
            r.kind === 'approval' &&
            asObj(asObj(r.summary.approval))?.role === rule.role &&
            (r.refs ?? []).some((x) => targets.includes(x)),
        );
        if (a < 0)
          o(
            'fail',
            `No ${rule.role} approved entr${targets.length > 1 ? 'ies' : 'y'} ${targets.join(' or ')}; run aequa approve ${targets[0]} --role ${rule.role} --key FILE.`,
            targets,
          );
        else
          o(
            'pass',
            `${String(asObj(records[a]!.summary.approval)?.actor)} approved entry ${records[a]!.refs?.[0]} as ${rule.role} (entry ${a}).`,
            [a],
          );
        break;
      }
      case 'max-age': {
        const cmd = rule.command ?? 'audit';
        const i = last((r) => r.kind === 'run' && r.command === cmd);
        if (i < 0) {
          o('missing', `No ${cmd} is recorded.`);
          break;
        }
        const days = (now.getTime() - Date.parse(records[i]!.timestamp)) / 86_400_000;
        o(
          days <= rule.days ? 'pass' : 'fail',
          `The last ${cmd} (entry ${i}) is ${days.toFixed(1)} days old; maximum ${rule.days}.`,
          [i],
        );
        break;
      }
      case 'evidence': {
        const i = last(
          (r) =>
            matchesEvidence(rule.command, r) ||
            (rule.command.startsWith('kind:') ? false : r.command === rule.command),
        );
        if (i < 0) o('missing', `No ${rule.command} is recorded in the ledger.`);
        else o('pass', `${rule.command} recorded (entry ${i}, ${records[i]!.timestamp}).`, [i]);
        break;
      }
    }
  }
  const counts = { pass: 0, fail: 0, missing: 0 };
  for (const r of out) counts[r.status]++;
  return { policy: policy.name, passed: counts.fail === 0 && counts.missing === 0, counts, rules: out };
}
