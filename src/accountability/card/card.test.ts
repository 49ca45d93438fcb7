import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { AequaError } from '../../core/index.js';
import { createRunRecord } from '../record.js';
import { ANNEX_IV_ITEMS, lintAnnexIv } from './annex-iv.js';
import { buildModelCard, relatedEntries } from './build-card.js';
import {
  cardToHfMetadata,
  cardToHfYaml,
  hfMetadataToCard,
  parseModelCardMarkdown,
  renderModelCardMarkdown,
} from './hf-card.js';
import { fromMctJson, type ModelCard, toMctJson } from './model-card.js';

const text = fc.string({ minLength: 1, maxLength: 12 });
const desc = fc.array(fc.record({ description: text }), { maxLength: 3 });
/** Arbitrary MCT v0.0.2 documents, with extra members MCT tools may add. */
const mctDoc = fc.record(
  {
    schema_version: fc.constant('0.0.2'),
    model_details: fc.record(
      {
        name: text,
        overview: text,
        owners: fc.array(fc.record({ name: text, contact: text }), { maxLength: 2 }),
        version: fc.record({ name: text, date: text }),
        licenses: fc.array(fc.record({ identifier: text }), { maxLength: 2 }),
      },
      { requiredKeys: [] },
    ),
    model_parameters: fc.record(
      { model_architecture: text, input_format: text, output_format: text },
      { requiredKeys: [] },
    ),
    quantitative_analysis: fc.record({
      performance_metrics: fc.array(
        fc.record(
          {
            type: text,
            value: text,
            slice: text,
            confidence_interval: fc.record({ lower_bound: text, upper_bound: text }),
          },
          { requiredKeys: ['type', 'value'] },
        ),
        { maxLength: 4 },
      ),
    }),
    considerations: fc.record(
      {
        users: desc,
        use_cases: desc,
        limitations: desc,
        tradeoffs: desc,
        ethical_considerations: fc.array(fc.record({ name: text, mitigation_strategy: text }), {
          maxLength: 2,
        }),
      },
      { requiredKeys: [] },
    ),
    x_vendor: fc.jsonValue({ maxDepth: 2 }),
  },
  { requiredKeys: ['model_details'] },
);

/** Arbitrary Hugging Face metadata: the keys the Hub documents plus free ones. */
const scalar = fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean());
const hfMeta = fc.record(
  {
    license: fc.constantFrom('mit', 'apache-2.0', 'other'),
    language: fc.array(fc.constantFrom('en', 'fr', 'de'), { maxLength: 2 }),
    tags: fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
    datasets: fc.array(fc.string({ maxLength: 8 }), { maxLength: 2 }),
    'model-index': fc.array(
      fc.record({
        name: text,
        results: fc.array(
          fc.record({
            task: fc.record({ type: text }),
            metrics: fc.array(fc.record({ type: text, value: fc.integer() }), { maxLength: 3 }),
          }),
          { maxLength: 2 },
        ),
      }),
      { minLength: 1, maxLength: 1 },
    ),
    custom: fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), scalar, { maxKeys: 3 }),
  },
  { requiredKeys: [] },
);

describe('Model Card Toolkit JSON', () => {
  it('round-trips any MCT v0.0.2 document without loss (JSON → card → JSON)', () => {
    fc.assert(
      fc.property(mctDoc, (doc) => {
        const json = JSON.parse(JSON.stringify(doc)) as unknown;
        expect(toMctJson(fromMctJson(json))).toEqual(json);
        expect(JSON.parse(JSON.stringify(toMctJson(fromMctJson(json))))).toEqual(json);
      }),
      { numRuns: 200 },
    );
  });

  it('collects every type problem with its path', () => {
    expect.assertions(3);
    try {
      fromMctJson({
        model_details: 1,
        quantitative_analysis: { performance_metrics: [{ type: 'acc', value: 0.9 }] },
      });
    } catch (e) {
      expect((e as AequaError).code).toBe('AEQ_CARD_INVALID');
      expect((e as AequaError).message).toContain('✖ model_details must be an object');
      expect((e as AequaError).message).toContain(
        '✖ quantitative_analysis.performance_metrics[0] needs string "type" and "value"',
      );
    }
  });
});

describe('Hugging Face card metadata', () => {
  it('round-trips any metadata without loss (YAML → card → YAML), also through the Markdown', () => {
    fc.assert(
      fc.property(hfMeta, (meta) => {
        const yamlText = stringify(meta);
        const card = hfMetadataToCard(parse(yamlText));
        expect(cardToHfYaml(card)).toBe(yamlText);
        expect(cardToHfMetadata(parseModelCardMarkdown(renderModelCardMarkdown(card)))).toEqual(meta);
      }),
      { numRuns: 150 },
    );
  });

  it('maps license, name and model-index metrics to the MCT fields', () => {
    const c = hfMetadataToCard({
      license: 'mit',
      'model-index': [
        { name: 'credit', results: [{ metrics: [{ type: 'accuracy', value: 0.83, name: 'acc' }] }] },
      ],
    });
    expect(c.model_details).toEqual({ name: 'credit', licenses: [{ identifier: 'mit' }] });
    expect(c.quantitative_analysis?.performance_metrics).toEqual([
      { type: 'accuracy', value: '0.83', slice: 'acc' },
    ]);
  });
});

const rec = (command: string, inputs: string[], outputs: string[], extra: object = {}) =>
  createRunRecord({
    command,
    toolVersion: 'aequa@0.1.0',
    actor: 'ana',
    timestamp: '2025-01-31T12:00:00.000Z',
    inputs: inputs.map((h, i) => ({ path: `in${i}`, sha256: h.repeat(64), role: 'data' })),
    outputs: outputs.map((h, i) => ({ path: `out${i}`, sha256: h.repeat(64) })),
    ...extra,
  });

describe('relatedEntries', () => {
  it('follows content hashes: training data → model → predictions → audit, and approvals of those', () => {
    // hashes: a training data, b model, c predictions, d unrelated
    const entries = [
      rec('data-bias', ['a'], []), // 0: on the training data
      rec('train', ['a'], ['b']), // 1
      rec('audit', ['d'], []), // 2: unrelated
      rec('predict', ['b', 'a'], ['c']), // 3
      rec('audit', ['c'], []), // 4
      createRunRecord({ kind: 'approval', command: 'approve', toolVersion: 'x', actor: 'bo', refs: [4] }), // 5
      createRunRecord({ kind: 'approval', command: 'approve', toolVersion: 'x', actor: 'bo', refs: [2] }), // 6
    ].map((record, index) => ({ index, record }));
    expect(relatedEntries('b'.repeat(64), entries)).toEqual([0, 1, 3, 4, 5]);
    expect(relatedEntries('e'.repeat(64), entries)).toEqual([]);
  });
});

describe('buildModelCard and the Annex IV linter', () => {
  const ledger = { origin: 'test/l', treeSize: 3, rootHash: '00'.repeat(32) };
  const model = {
    path: 'model.json',
    sha256: 'b'.repeat(64),
    file: { kind: 'logistic', task: 'binary', features: ['x'], classes: ['0', '1'] },
  };
  const audit = rec('audit', ['c'], [], {
    summary: {
      overall: { accuracy: 0.8 },
      byFeature: {
        sex: {
          groups: { F: { count: 10, small: true, selectionRate: 0.3, ci: { selectionRate: [0.1, 0.6] } } },
          disparities: { disparateImpact: { value: 0.75, ci: [0.5, 1] } },
        },
      },
      findings: [{ severity: 'significant', message: 'selection rate gap' }],
    },
  });
  const entries = [
    rec('train', ['a'], ['b'], { summary: { learner: 'logistic', validation: { rows: 5, accuracy: 0.9 } } }),
    audit,
    rec('explain', ['b'], [], { summary: { epsilon: 0.5 } }),
  ].map((record, index) => ({ index, record, leafHash: String(index).repeat(64), path: [] }));

  it('puts the audit metrics with CIs, small-group limitations, findings and ε into the card', () => {
    const c = buildModelCard({ model, entries, ledger });
    const pm = c.quantitative_analysis!.performance_metrics!;
    expect(pm).toContainEqual({
      type: 'selectionRate',
      value: '0.3',
      slice: 'sex=F (entry 1)',
      confidence_interval: { lower_bound: '0.1', upper_bound: '0.6' },
    });
    expect(pm).toContainEqual({
      type: 'disparateImpact',
      value: '0.75',
      slice: 'sex (entry 1)',
      confidence_interval: { lower_bound: '0.5', upper_bound: '1' },
    });
    expect(pm).toContainEqual({ type: 'accuracy', value: '0.9', slice: 'validation (entry 0)' });
    expect(c.considerations!.limitations!.map((l) => l.description)).toContain(
      'Group sex=F has only 10 rows in the audit (entry 1); its metrics are unreliable.',
    );
    expect(c.considerations!.ethical_considerations).toEqual([{ name: 'selection rate gap (entry 1)' }]);
    expect(c.aequa!.privacy).toEqual({ epsilon: 0.5 });
  });

  it('scores covered/required Annex IV items and lists the missing ones by clause', () => {
    const bare: ModelCard = { model_details: { name: 'x' } };
    const r0 = lintAnnexIv(bare);
    const required = ANNEX_IV_ITEMS.filter((i) => i.required).length;
    expect([r0.covered, r0.required, r0.score]).toEqual([0, required, 0]);
    expect(r0.missing[0]).toMatch(/^IV\.1\(a\) Intended purpose/);
    const full = buildModelCard({
      model,
      entries,
      ledger,
      answers: {
        intendedUse: ['screening'],
        users: ['officers'],
        caveats: ['Monitor drift monthly after release.'],
      },
    });
    const r = lintAnnexIv(full);
    // covered: every required item (the card has use cases, owners, version+date, users, data, metrics with CI,
    // group slices, limitations, ethical considerations, ledger entries and a monitoring caveat).
    expect(r.missing).toEqual([]);
    expect(r.score).toBe(1);
  });

  it('refuses to build a card from no entries (AEQ_CARD_NO_RUNS)', () => {
    expect(() => buildModelCard({ model, entries: [], ledger })).toThrow(
      expect.objectContaining({ code: 'AEQ_CARD_NO_RUNS' }),
    );
  });
});
