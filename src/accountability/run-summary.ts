/**
 * @module accountability/run-summary
 * What a command's result leaves in its RunRecord `summary`: a JSON-safe copy (RFC 8785 holds no
 * NaN, Infinity or undefined) and, for the audit, the compact slice that model cards and policies
 * read back — overall metrics, per-group metrics with their CIs, disparities with CIs and tests.
 */
import type { AuditResult } from '../metrics/index.js';
import type { JsonValue } from './ledger/canonical.js';

/**
 * A JSON-safe copy of a value: non-finite numbers become null, undefined members and functions are
 * dropped, typed arrays become arrays, Dates ISO strings; deeper than `maxDepth` becomes null.
 * @example toJsonValue({ a: Number.NaN, b: undefined, c: [1, Infinity] }) // { a: null, c: [1, null] }
 */
export function toJsonValue(value: unknown, maxDepth = 32): JsonValue {
  return convert(value, maxDepth);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Replaces lone surrogates (which RFC 8785 cannot encode) with U+FFFD. */
const wellFormed = (s: string): string => s.replace(LONE_SURROGATE, '\uFFFD');

function convert(v: unknown, depth: number): JsonValue {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? v : null;
    case 'string':
      return wellFormed(v);
    case 'boolean':
      return v;
    case 'bigint':
      return Number.isSafeInteger(Number(v)) ? Number(v) : String(v);
    case 'object': {
      if (depth <= 0) return null;
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
      if (ArrayBuffer.isView(v) && !(v instanceof DataView))
        return Array.from(v as unknown as ArrayLike<number>, (x) => convert(x, depth - 1));
      if (Array.isArray(v)) return v.map((x) => convert(x, depth - 1));
      const out: Record<string, JsonValue> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
        out[wellFormed(k)] = convert(x, depth - 1);
      }
      return out;
    }
    default:
      return null;
  }
}

/**
 * The ledger summary of an audit: its input and options, overall metrics, each feature's groups
 * (metrics, `small` flag, CIs) and disparities (value, CI, four-fifths, significance), the verdict
 * and the policy outcome. Curves and the raw test list are left out (they are in report.json,
 * whose hash the record carries).
 * @example auditRunSummary(result).verdict // 'No significant disparity at α = 0.05 …'
 */
export function auditRunSummary(result: AuditResult): { readonly [k: string]: JsonValue } {
  const byFeature: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(result.byFeature)) {
    byFeature[name] = {
      features: f.features,
      reference: f.reference,
      groups: f.groups,
      disparities: f.disparities,
    };
  }
  const s = {
    schemaVersion: result.schemaVersion,
    verdict: result.verdict.summary,
    findings: result.verdict.findings,
    input: result.input,
    options: result.options,
    convention: result.convention.name,
    rows: result.rows,
    overall: result.overall,
    byFeature,
    ...(result.policy ? { policy: result.policy } : {}),
    warnings: result.warnings.map((w) => w.code),
  };
  return toJsonValue(s) as { readonly [k: string]: JsonValue };
}
