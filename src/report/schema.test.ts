/**
 * The published JSON Schema of the audit result (schemas/audit.schema.json, JSON Schema draft
 * 2020-12, https://json-schema.org/draft/2020-12) against the fixture and against the TypeScript
 * contract in src/metrics/audit-types.ts, so that the schema cannot drift from the types.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { BINARY_METRICS, REGRESSION_METRICS, SCORE_METRICS } from '../metrics/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const schema = JSON.parse(readFileSync(resolve(ROOT, 'schemas/audit.schema.json'), 'utf8')) as Record<
  string,
  unknown
>;
const fixture = JSON.parse(readFileSync(resolve(ROOT, 'test/fixtures/audit-result.json'), 'utf8')) as Record<
  string,
  unknown
>;

const ajv = new Ajv2020({ allErrors: true, strict: true });
const validate = ajv.compile(schema);

function clone<T>(x: T): T {
  return structuredClone(x);
}

/** The fixture's race feature, typed loosely so tests can corrupt it. */
function race(doc: Record<string, unknown>): {
  groups: Record<string, Record<string, unknown>>;
  disparities: Record<string, Record<string, unknown>>;
} {
  return (doc.byFeature as Record<string, never>).race!;
}

function errorsOf(doc: unknown): string[] {
  validate(doc);
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
  );
}

describe('schemas/audit.schema.json', () => {
  it('compiles under strict mode as a draft 2020-12 schema', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(typeof validate).toBe('function');
  });

  it('accepts the hand-written COMPAS-like fixture', () => {
    expect(errorsOf(fixture)).toEqual([]);
  });

  it('allows every metric name of BINARY_METRICS, SCORE_METRICS and REGRESSION_METRICS in a group', () => {
    const names = [...new Set<string>([...BINARY_METRICS, ...SCORE_METRICS, ...REGRESSION_METRICS])];
    for (const name of names) {
      const doc = clone(fixture);
      const g = race(doc).groups.Caucasian!;
      // count must stay an integer; every other metric takes a number or null.
      g[name] = name === 'count' ? 7 : 0.5;
      g.ci = { [name]: [0.4, 0.6] };
      g.undefinedBecause = { [name]: 'noPositives' };
      g.vsReference = { [name]: { difference: 0, ratio: 1 } };
      expect(errorsOf(doc), `metric ${name}`).toEqual([]);
    }
  });

  it('lists exactly the metric names of the TypeScript contract in $defs.metricName', () => {
    const names = new Set<string>([...BINARY_METRICS, ...SCORE_METRICS, ...REGRESSION_METRICS]);
    const defs = schema.$defs as Record<string, { enum?: string[] }>;
    expect(new Set(defs.metricName?.enum)).toEqual(names);
  });

  it('rejects a misspelled metric in a group', () => {
    const doc = clone(fixture);
    race(doc).groups.Caucasian!.selectionRat = 0.3;
    const errors = errorsOf(doc);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toContain('selectionRat');
  });

  it('rejects a misspelled metric name inside a group ci', () => {
    const doc = clone(fixture);
    race(doc).groups.Caucasian!.ci = { truePositivRate: [0.1, 0.2] };
    expect(errorsOf(doc).join('\n')).toContain('truePositivRate');
  });

  it('rejects a misspelled field in a disparity', () => {
    const doc = clone(fixture);
    race(doc).disparities.demographicParityDifference!.adjustedPvalue = 0.01;
    expect(errorsOf(doc).join('\n')).toContain('adjustedPvalue');
  });

  it('rejects a disparity kind outside difference, ratio and index', () => {
    const doc = clone(fixture);
    race(doc).disparities.demographicParityDifference!.kind = 'gap';
    expect(errorsOf(doc).length).toBeGreaterThan(0);
  });

  it('rejects a confidence interval with three ends', () => {
    const doc = clone(fixture);
    race(doc).disparities.demographicParityDifference!.ci = [0.1, 0.2, 0.3];
    expect(errorsOf(doc).length).toBeGreaterThan(0);
  });

  it('rejects an unknown undefinedBecause reason', () => {
    const doc = clone(fixture);
    race(doc).groups['Native American']!.undefinedBecause = { truePositiveRate: 'noIdea' };
    expect(errorsOf(doc).length).toBeGreaterThan(0);
  });

  it('rejects an unknown top-level field and a missing required one', () => {
    const extra = clone(fixture);
    extra.verdicts = {};
    expect(errorsOf(extra).join('\n')).toContain('verdicts');
    const missing = clone(fixture);
    delete missing.significance;
    expect(errorsOf(missing).join('\n')).toContain('significance');
  });

  it('rejects a p-value above 1', () => {
    const doc = clone(fixture);
    race(doc).disparities.demographicParityDifference!.pValue = 1.5;
    expect(errorsOf(doc).length).toBeGreaterThan(0);
  });
});

describe('test/fixtures/audit-result.json', () => {
  type Group = Record<string, unknown> & { count: number; ci?: Record<string, [number, number]> };
  const byFeature = fixture.byFeature as Record<string, { reference: string; groups: Record<string, Group> }>;
  const RATES = [
    'baseRate',
    'selectionRate',
    'truePositiveRate',
    'falsePositiveRate',
    'trueNegativeRate',
    'falseNegativeRate',
    'precision',
    'negativePredictiveValue',
    'falseDiscoveryRate',
    'falseOmissionRate',
    'accuracy',
    'rocAuc',
  ];

  it('has group counts that add up to the audited rows in every feature', () => {
    for (const [name, fr] of Object.entries(byFeature)) {
      const sum = Object.values(fr.groups).reduce((a, g) => a + g.count, 0);
      expect(sum, name).toBe(fixture.rows);
    }
  });

  it('keeps every rate in [0, 1] and every group interval around its value', () => {
    for (const [name, fr] of Object.entries(byFeature)) {
      for (const [g, gr] of Object.entries(fr.groups)) {
        for (const r of RATES) {
          const v = gr[r];
          if (v === null || v === undefined) continue;
          expect(v as number, `${name}/${g}/${r}`).toBeGreaterThanOrEqual(0);
          expect(v as number, `${name}/${g}/${r}`).toBeLessThanOrEqual(1);
        }
        for (const [m, [lo, hi]] of Object.entries(gr.ci ?? {})) {
          expect(lo, `${name}/${g}/${m}`).toBeLessThanOrEqual(gr[m] as number);
          expect(hi, `${name}/${g}/${m}`).toBeGreaterThanOrEqual(gr[m] as number);
        }
      }
    }
  });

  it('names a reference group that exists, and a small race group with a null metric and its reason', () => {
    for (const fr of Object.values(byFeature)) expect(Object.keys(fr.groups)).toContain(fr.reference);
    const small = Object.entries(byFeature.race!.groups).filter(([, g]) => g.small === true);
    expect(small.map(([k]) => k)).toEqual(['Native American']);
    const [, g] = small[0]!;
    expect(g.truePositiveRate).toBeNull();
    expect((g.undefinedBecause as Record<string, string>).truePositiveRate).toBe('noPositives');
  });
});
