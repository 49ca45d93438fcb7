/**
 * @module accountability/compliance/sarif
 * A compliance report as SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format,
 * https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html), so code-scanning UIs show each
 * failed or unevidenced rule as a finding on the policy file. Passing rules are `kind: pass`.
 */
import type { ComplianceReport } from './compliance.js';

/**
 * The SARIF 2.1.0 log of a compliance report: one run, one reportingDescriptor per rule (with its
 * clause), one result per rule (`fail` → level error, `missing` → warning, `pass` → kind pass).
 * @example toSarif(report, { policyUri: 'policy.yaml', toolVersion: '0.1.0' }).version // '2.1.0'
 */
export function toSarif(
  report: ComplianceReport,
  opts: {
    readonly policyUri: string;
    readonly toolVersion: string;
    readonly ruleLines?: ReadonlyMap<string, number>;
  },
): Record<string, unknown> {
  const rules = report.rules.map((r) => ({
    id: r.id,
    name: r.id.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: r.description ?? r.type },
    fullDescription: { text: `${r.description ?? r.type}${r.cite ? ` (${r.cite})` : ''}` },
    properties: { clause: r.cite ?? null, ruleType: r.type },
  }));
  const results = report.rules.map((r, i) => ({
    ruleId: r.id,
    ruleIndex: i,
    kind: r.status === 'pass' ? 'pass' : 'fail',
    level: r.status === 'fail' ? 'error' : r.status === 'missing' ? 'warning' : 'none',
    message: {
      text: `${r.status === 'missing' ? 'Missing evidence: ' : ''}${r.message}${r.cite ? ` [${r.cite}]` : ''}`,
    },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: opts.policyUri },
          region: { startLine: opts.ruleLines?.get(r.id) ?? 1 },
        },
      },
    ],
    properties: { status: r.status, ledgerEntries: r.entries },
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'aequa',
            version: opts.toolVersion,
            informationUri: 'https://github.com/aequa-ml/aequa',
            rules,
          },
        },
        results,
      },
    ],
  };
}
