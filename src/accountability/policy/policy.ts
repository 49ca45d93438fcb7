/**
 * @module accountability/policy/policy
 * Compliance policies: thresholds on audit results that gate a release (`aequa audit --policy`).
 * A policy is a list of rules `metric op number`, optionally scoped to one sensitive feature
 * (`race: equalizedOddsDifference <= 0.1`) or to the overall metrics (`overall.accuracy >= 0.7`).
 * In doubt the gate is strict: a rule whose metric is undefined (null) fails, and says why.
 */
import { ConfigError, closest, type Issue } from '../../core/index.js';
import {
  type AuditResult,
  BINARY_METRICS,
  DISPARITY_NAMES,
  type PolicyResult,
  type PolicyRuleResult,
  REGRESSION_METRICS,
  SCORE_METRICS,
} from '../../metrics/index.js';

/**
 * Every metric name a policy rule may use: the named disparities, the inequality indices and
 * score/regression gaps the audit adds, and the per-group metrics (for `overall.<metric>`).
 */
export const POLICY_METRICS: ReadonlySet<string> = new Set<string>([
  ...DISPARITY_NAMES,
  'generalizedEntropyIndex',
  'generalizedEntropyBetweenGroups',
  'generalizedEntropyWithinGroups',
  'theilIndex',
  'theilBetweenGroups',
  'theilWithinGroups',
  'rocAucDifference',
  'bpsnAucDifference',
  'bnspAucDifference',
  ...['meanPrediction', 'meanError', 'meanAbsoluteError', 'rootMeanSquaredError'].flatMap((m) => [
    `${m}Difference`,
    `${m}Ratio`,
  ]),
  ...BINARY_METRICS,
  ...SCORE_METRICS,
  ...REGRESSION_METRICS,
]);

export type PolicyOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** One parsed rule. `feature: null` applies the rule to every sensitive feature (and intersection). */
export interface PolicyRule {
  readonly text: string;
  readonly feature: string | null;
  /** A disparity name (`disparateImpact`), or `overall.<metric>`. */
  readonly metric: string;
  readonly op: PolicyOp;
  readonly threshold: number;
  /** Apply to intersections too when feature is null (default true). */
  readonly includeIntersections: boolean;
}

export interface Policy {
  readonly name: string | null;
  readonly rules: readonly PolicyRule[];
}

const OPS: readonly PolicyOp[] = ['<=', '>=', '==', '!=', '<', '>'];
const RULE_RE =
  /^\s*(?:([^:]+?)\s*:\s*)?([A-Za-z][A-Za-z0-9_.]*)\s*(<=|>=|==|!=|<|>)\s*(-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?)\s*$/i;

/**
 * Parses a policy from a plain object (as read from YAML or JSON). Collects every problem.
 * Accepted forms: `{ rules: ["disparateImpact >= 0.8", "race: equalizedOddsDifference <= 0.1",
 * { metric, op, value, feature? }] }`, or a bare array of rules.
 * @throws {AEQ_POLICY_INVALID} listing every invalid rule with its path.
 * @example parsePolicy({ rules: ['disparateImpact >= 0.8'] }).rules[0].threshold // 0.8
 */
export function parsePolicy(input: unknown, knownMetrics?: ReadonlySet<string>): Policy {
  const issues: Issue[] = [];
  let rawRules: unknown;
  let name: string | null = null;
  let includeIntersections = true;
  if (Array.isArray(input)) rawRules = input;
  else if (typeof input === 'object' && input !== null) {
    const obj = input as Record<string, unknown>;
    rawRules = obj.rules;
    if (typeof obj.name === 'string') name = obj.name;
    if (typeof obj.intersections === 'boolean') includeIntersections = obj.intersections;
    for (const k of Object.keys(obj)) {
      if (!['rules', 'name', 'description', 'intersections'].includes(k))
        issues.push({
          code: 'unknown_key',
          path: [k],
          message: `Unknown key "${k}"; expected rules, name, description, intersections.`,
        });
    }
  } else {
    issues.push({
      code: 'invalid_type',
      path: [],
      message: 'A policy must be an object with a "rules" list.',
    });
  }
  const rules: PolicyRule[] = [];
  if (!Array.isArray(rawRules)) {
    if (issues.length === 0)
      issues.push({
        code: 'invalid_type',
        path: ['rules'],
        message: '"rules" must be a list of rules such as "disparateImpact >= 0.8".',
      });
  } else {
    rawRules.forEach((r, i) => {
      const rule = parseRule(r, ['rules', i], issues, includeIntersections);
      if (rule === null) return;
      const base = rule.metric.startsWith('overall.') ? rule.metric.slice('overall.'.length) : rule.metric;
      if (knownMetrics && !knownMetrics.has(base)) {
        const near = closest(base, [...knownMetrics]);
        issues.push({
          code: 'unknown_metric',
          path: ['rules', i],
          message: `Unknown metric "${rule.metric}" in rule "${rule.text}".${near ? ` Did you mean "${rule.metric.startsWith('overall.') ? 'overall.' : ''}${near}"?` : ` Known: ${[...knownMetrics].slice(0, 12).join(', ')}, …`}`,
        });
        return;
      }
      rules.push(rule);
    });
    if (rawRules.length === 0)
      issues.push({ code: 'too_small', path: ['rules'], message: 'The policy has no rules.' });
  }
  if (issues.length > 0) throw new ConfigError('AEQ_POLICY_INVALID', 'The policy', issues);
  return { name, rules };
}

function parseRule(
  r: unknown,
  path: (string | number)[],
  issues: Issue[],
  inter: boolean,
): PolicyRule | null {
  if (typeof r === 'string') {
    const m = RULE_RE.exec(r);
    if (!m) {
      issues.push({
        code: 'invalid_rule',
        path,
        message: `Cannot read rule "${r}"; write "metric op number", e.g. "disparateImpact >= 0.8" or "race: equalizedOddsDifference <= 0.1".`,
      });
      return null;
    }
    return {
      text: r.trim(),
      feature: m[1]?.trim() ?? null,
      metric: m[2]!,
      op: m[3] as PolicyOp,
      threshold: Number(m[4]),
      includeIntersections: inter,
    };
  }
  // YAML reads `- race: equalizedOddsDifference <= 0.1` as the mapping { race: '…' }: a rule
  // scoped to a feature.
  if (typeof r === 'object' && r !== null && !Array.isArray(r)) {
    const entries = Object.entries(r as Record<string, unknown>);
    if (entries.length === 1 && typeof entries[0]![1] === 'string' && !('metric' in (r as object))) {
      const [feature, text] = entries[0] as [string, string];
      return parseRule(`${feature}: ${text}`, path, issues, inter);
    }
  }
  if (typeof r === 'object' && r !== null) {
    const o = r as Record<string, unknown>;
    const bad = (field: string, msg: string) =>
      issues.push({ code: 'invalid_rule', path: [...path, field], message: msg });
    const okMetric = typeof o.metric === 'string' && o.metric.length > 0;
    const okOp = typeof o.op === 'string' && (OPS as readonly string[]).includes(o.op);
    const okVal = typeof o.value === 'number' && Number.isFinite(o.value);
    const okFeature = o.feature === undefined || typeof o.feature === 'string';
    if (!okMetric) bad('metric', 'A rule needs "metric", a metric name such as "disparateImpact".');
    if (!okOp) bad('op', `A rule needs "op", one of ${OPS.join(' ')}; got ${JSON.stringify(o.op)}.`);
    if (!okVal) bad('value', `A rule needs "value", a finite number; got ${JSON.stringify(o.value)}.`);
    if (!okFeature) bad('feature', '"feature" must be a sensitive feature name.');
    if (!(okMetric && okOp && okVal && okFeature)) return null;
    const feature = (o.feature as string | undefined) ?? null;
    const text = `${feature ? `${feature}: ` : ''}${o.metric as string} ${o.op as string} ${o.value as number}`;
    return {
      text,
      feature,
      metric: o.metric as string,
      op: o.op as PolicyOp,
      threshold: o.value as number,
      includeIntersections: inter,
    };
  }
  issues.push({
    code: 'invalid_rule',
    path,
    message: `A rule must be a string or an object; got ${JSON.stringify(r)}.`,
  });
  return null;
}

function compare(a: number, op: PolicyOp, b: number): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
  }
}

/**
 * Evaluates a policy against an audit result: one outcome per rule and feature.
 * A rule naming a feature that the audit did not cover fails (the audit did not check what the
 * policy demands); so does a rule whose value is undefined.
 * @example evaluatePolicy(policy, result).passed // false when any rule fails
 */
export function evaluatePolicy(
  policy: Policy,
  result: AuditResult,
  source: string | null = null,
): PolicyResult {
  const out: PolicyRuleResult[] = [];
  const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(4).replace(/0+$/, ''));
  for (const rule of policy.rules) {
    if (rule.metric.startsWith('overall.')) {
      const m = rule.metric.slice('overall.'.length);
      const actual = result.overall[m] ?? null;
      const passed = actual !== null && compare(actual, rule.op, rule.threshold);
      out.push({
        rule: rule.text,
        feature: null,
        metric: rule.metric,
        op: rule.op,
        threshold: rule.threshold,
        actual,
        passed,
        message:
          actual === null
            ? `${rule.metric} is undefined, so "${rule.text}" cannot hold`
            : `${rule.metric} = ${fmt(actual)} ${passed ? 'satisfies' : 'violates'} ${rule.op} ${rule.threshold}`,
      });
      continue;
    }
    const features = Object.keys(result.byFeature).filter((f) => {
      if (rule.feature !== null) return f === rule.feature;
      return rule.includeIntersections || !f.includes('&');
    });
    if (features.length === 0) {
      out.push({
        rule: rule.text,
        feature: rule.feature,
        metric: rule.metric,
        op: rule.op,
        threshold: rule.threshold,
        actual: null,
        passed: false,
        message: `feature "${rule.feature}" was not audited; add it to --sensitive`,
      });
      continue;
    }
    for (const f of features) {
      const d = result.byFeature[f]!.disparities[rule.metric];
      const actual = d?.value ?? null;
      const passed = actual !== null && compare(actual, rule.op, rule.threshold);
      const why = d === undefined ? 'was not computed' : `is undefined (${d.undefinedBecause ?? 'no value'})`;
      out.push({
        rule: rule.text,
        feature: f,
        metric: rule.metric,
        op: rule.op,
        threshold: rule.threshold,
        actual,
        passed,
        message:
          actual === null
            ? `${f}: ${rule.metric} ${why}, so the rule cannot hold`
            : `${f}: ${rule.metric} = ${fmt(actual)} ${passed ? 'satisfies' : 'violates'} ${rule.op} ${rule.threshold}`,
      });
    }
  }
  return { source, passed: out.every((r) => r.passed), rules: out };
}
