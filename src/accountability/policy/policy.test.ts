import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/index.js';
import type { AuditResult } from '../../metrics/index.js';
import { evaluatePolicy, parsePolicy } from './policy.js';

/** A minimal audit result with two features; only the fields the policy reads matter. */
function result(): AuditResult {
  const feature = (di: number | null, eod: number) =>
    ({
      features: ['x'],
      reference: 'a',
      groups: {},
      extremes: {},
      disparities: {
        disparateImpact:
          di === null
            ? { value: null, undefinedBecause: 'noPositives', metric: 'selectionRate', kind: 'ratio' }
            : { value: di, metric: 'selectionRate', kind: 'ratio' },
        equalizedOddsDifference: { value: eod, metric: 'tpr/fpr', kind: 'difference' },
      },
    }) as unknown as AuditResult['byFeature'][string];
  return {
    overall: { accuracy: 0.71 },
    byFeature: { race: feature(0.75, 0.05), sex: feature(0.9, 0.2), 'race&sex': feature(null, 0.3) },
  } as unknown as AuditResult;
}

describe('parsePolicy', () => {
  it('reads string rules with and without a feature, and object rules', () => {
    const p = parsePolicy({
      name: 'gate',
      rules: [
        'disparateImpact >= 0.8',
        'race: equalizedOddsDifference <= 0.1',
        { metric: 'overall.accuracy', op: '>', value: 0.7 },
      ],
    });
    expect(p.name).toBe('gate');
    expect(p.rules.map((r) => [r.feature, r.metric, r.op, r.threshold])).toEqual([
      [null, 'disparateImpact', '>=', 0.8],
      ['race', 'equalizedOddsDifference', '<=', 0.1],
      [null, 'overall.accuracy', '>', 0.7],
    ]);
  });

  it('collects every invalid rule with its path instead of stopping at the first', () => {
    expect.assertions(4);
    try {
      parsePolicy({ rules: ['disparateImpact >> 0.8', { metric: 'x', op: '=>', value: 'a' }], extra: 1 });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const err = e as ConfigError;
      expect(err.code).toBe('AEQ_POLICY_INVALID');
      expect(err.issues.map((i) => i.path.join('.'))).toEqual([
        'extra',
        'rules.0',
        'rules.1.op',
        'rules.1.value',
      ]);
      expect(err.message).toContain('→ at rules.1.op');
    }
  });

  it('rejects a policy without rules and unknown metrics when a list is given', () => {
    expect(() => parsePolicy({ rules: [] })).toThrow(/no rules/);
    expect(() => parsePolicy('nope')).toThrow(ConfigError);
    expect(() => parsePolicy(['disparateImpakt >= 0.8'], new Set(['disparateImpact']))).toThrow(
      /Unknown metric "disparateImpakt"/,
    );
  });
});

describe('evaluatePolicy', () => {
  it('checks a feature-less rule on every feature, intersections included', () => {
    const r = evaluatePolicy(parsePolicy(['disparateImpact >= 0.8']), result());
    expect(r.rules.map((x) => [x.feature, x.actual, x.passed])).toEqual([
      ['race', 0.75, false],
      ['sex', 0.9, true],
      ['race&sex', null, false],
    ]);
    expect(r.passed).toBe(false);
    expect(r.rules[2]!.message).toContain('undefined (noPositives)');
  });

  it('can leave intersections out', () => {
    const r = evaluatePolicy(
      parsePolicy({ rules: ['disparateImpact >= 0.7'], intersections: false }),
      result(),
    );
    expect(r.rules.map((x) => x.feature)).toEqual(['race', 'sex']);
    expect(r.passed).toBe(true);
  });

  it('scopes a rule to one feature and reads overall metrics', () => {
    const r = evaluatePolicy(
      parsePolicy(['race: equalizedOddsDifference <= 0.1', 'overall.accuracy >= 0.7']),
      result(),
    );
    expect(r.rules.map((x) => x.passed)).toEqual([true, true]);
    expect(r.passed).toBe(true);
  });

  it('fails a rule about a feature the audit did not cover', () => {
    const r = evaluatePolicy(parsePolicy(['age: disparateImpact >= 0.8']), result());
    expect(r.passed).toBe(false);
    expect(r.rules[0]!.message).toContain('was not audited');
  });

  it('compares with each operator exactly at the boundary', () => {
    const ops: [string, boolean][] = [
      ['<', false],
      ['<=', true],
      ['>', false],
      ['>=', true],
      ['==', true],
      ['!=', false],
    ];
    for (const [op, want] of ops) {
      const r = evaluatePolicy(parsePolicy([`race: disparateImpact ${op} 0.75`]), result());
      expect([op, r.passed]).toEqual([op, want]);
    }
  });
});
