import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger, type SignedCard } from '../../accountability/index.js';
import { runCli } from '../run.js';
import { type CapturedIo, captureIo } from '../test-io.fixture.js';

/*
 * train → predict → audit → card → verify in one project. The training data: 80 rows, x = i mod 10,
 * sex alternating M/F, y = 1 when x > 4; every group has 40 rows.
 */
let dir: string;
let ledgerDir: string;
const p = (f: string) => join(dir, f);

function cap(): CapturedIo {
  return captureIo({ env: { AEQUA_LEDGER_DIR: ledgerDir, AEQUA_ACTOR: 'ana' } });
}
const cli = async (...argv: string[]) => {
  const c = cap();
  const code = await runCli(argv, c);
  return { code, out: c.out(), err: c.err() };
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aequa-card-'));
  ledgerDir = join(dir, '.aequa', 'ledger');
  const rows = ['x,sex,y'];
  for (let i = 0; i < 80; i++) rows.push(`${i % 10},${i % 2 ? 'F' : 'M'},${i % 10 > 4 ? 1 : 0}`);
  writeFileSync(p('train.csv'), `${rows.join('\n')}\n`);
  writeFileSync(p('other.json'), '{"kind":"logistic"}\n');
  writeFileSync(
    p('answers.yaml'),
    'intendedUse:\n  - Pre-screening of loan applications\nusers:\n  - Credit officers, who review every decision\n',
  );
  await (await Ledger.init(ledgerDir, { origin: 'test/card' })).close();
  expect(
    (await cli('train', p('train.csv'), '--label', 'y', '--out', p('model.json'), '--validation', '0')).code,
  ).toBe(0);
  expect((await cli('predict', p('model.json'), p('train.csv'), '--out', p('preds.csv'))).code).toBe(0);
  const a = await cli(
    'audit',
    p('preds.csv'),
    '--label',
    'y',
    '--prediction',
    'prediction',
    '--sensitive',
    'sex',
    '--ci',
    '0.95',
    '--format',
    'json',
  );
  expect(a.code).toBe(0);
  // an unrelated run that must not be cited
  writeFileSync(p('unrelated.csv'), 'sex,y\nF,1\nM,0\nF,0\nM,1\n');
  expect(
    (await cli('data-bias', p('unrelated.csv'), '--sensitive', 'sex', '--format', 'json', '--no-proxy-auc'))
      .code,
  ).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('aequa card', () => {
  it('builds a card from the entries that trained, used and audited the model, and records it', async () => {
    const r = await cli(
      'card',
      '--model',
      p('model.json'),
      '--answers',
      p('answers.yaml'),
      '--format',
      'json',
      '--out',
      p('card.json'),
    );
    expect(r.code).toBe(0);
    // entries: 0 train, 1 predict, 2 audit of the predictions, 3 data-bias of another file → card at 4
    expect(r.err).toContain('card: built from entries 0, 1, 2; recorded as entry 4');
    expect(r.err).toMatch(/Annex IV completeness \d+\/\d+ \(\d+%\)/);
    const s = JSON.parse(readFileSync(p('card.json'), 'utf8')) as SignedCard;
    const card = s.card;
    expect(card.model_details.version?.name).toBe(
      createHash('sha256')
        .update(readFileSync(p('model.json')))
        .digest('hex')
        .slice(0, 12),
    );
    expect(card.considerations?.use_cases?.[0]?.description).toBe('Pre-screening of loan applications');
    // The audit's group metrics come with their CIs: 40 rows per group.
    const sel = card.quantitative_analysis?.performance_metrics?.find(
      (m) => m.type === 'selectionRate' && m.slice === 'sex=F (entry 2)',
    );
    expect(sel?.confidence_interval).toBeDefined();
    expect(Number(sel!.confidence_interval!.lower_bound)).toBeLessThanOrEqual(Number(sel!.value));
    expect(card.aequa?.ledger?.entries.map((e) => e.index)).toEqual([0, 1, 2]);
    expect(card.aequa?.privacy?.epsilon).toBeNull();
    expect(card.considerations?.limitations?.map((l) => l.description)).toContain(
      'No differential-privacy guarantee is recorded: the model may memorise individual training rows.',
    );
  });

  it('verifies the published card, and fails naming the cause when one metric is edited', async () => {
    const ok = await cli('verify', p('card.json'));
    expect(ok.code).toBe(0);
    expect(ok.out).toContain(
      'is the card recorded as ledger entry 4 (tree size 5, signed checkpoint verified)',
    );
    const s = JSON.parse(readFileSync(p('card.json'), 'utf8')) as SignedCard;
    const metrics = s.card.quantitative_analysis!.performance_metrics as unknown as { value: string }[];
    metrics[0]!.value = '0.99';
    writeFileSync(p('forged.json'), JSON.stringify(s));
    const bad = await cli('verify', p('forged.json'), '--format', 'json');
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out).problems[0]).toMatch(
      /^the card's SHA-256 is [0-9a-f]{64}, but the ledger recorded [0-9a-f]{64}: the card was changed$/,
    );
    const wrongKey = await cli('verify', p('card.json'), '--key', 'other+00000000+AQ==');
    expect(wrongKey.code).toBe(1);
  });

  it('renders Markdown with Hugging Face front matter and the template sections', async () => {
    const r = await cli('card', '--model', p('model.json'));
    expect(r.code).toBe(0);
    expect(r.out.startsWith('---\n')).toBe(true);
    expect(r.out).toContain('model-index:');
    for (const h of [
      '# Model Card for model',
      '## Uses',
      '## Bias, Risks, and Limitations',
      '## Training Details',
      '## Evaluation',
      '## Provenance',
    ])
      expect(r.out).toContain(`\n${h}\n`);
    expect(r.out).toMatch(/\| selectionRate \| sex=F \(entry 2\) \| [0-9.]+ \| \[[0-9.]+, [0-9.]+\] \|/);
  });

  it('exits 2 with AEQ_CARD_NO_RUNS for a model no entry trained or used', async () => {
    const r = await cli('card', '--model', p('other.json'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('(AEQ_CARD_NO_RUNS)');
    expect(r.err).toContain('No ledger entry trained, evaluated or used the model');
  });

  it('converts a signed card to strict MCT JSON and to Markdown with --from', async () => {
    const r = await cli('card', '--from', p('card.json'), '--format', 'json', '--strict');
    const j = JSON.parse(r.out) as Record<string, unknown>;
    expect(Object.keys(j).sort()).toEqual([
      'considerations',
      'model_details',
      'model_parameters',
      'quantitative_analysis',
      'schema_version',
    ]);
    writeFileSync(p('mct.json'), r.out);
    const back = await cli('card', '--from', p('mct.json'), '--format', 'json', '--strict');
    expect(JSON.parse(back.out)).toEqual(j);
  });
});

describe('aequa check and aequa evidence', () => {
  it('reports pass, fail and missing evidence per rule with its clause, and exits 1', async () => {
    writeFileSync(
      p('policy.yaml'),
      [
        'name: release',
        'packs: [eeoc-four-fifths]',
        'rules:',
        '  - id: ci',
        '    type: ci-required',
        '  - id: fresh-audit',
        '    type: max-age',
        '    days: 30',
        '  - id: card',
        '    type: card-fields',
        '    fields: [considerations.use_cases, model_details.documentation]',
        '  - id: privacy',
        '    type: max-epsilon',
        '    value: 1',
        '    cite: internal DP standard §2',
      ].join('\n'),
    );
    const r = await cli(
      'check',
      '--policy',
      p('policy.yaml'),
      '--card',
      p('card.json'),
      '--sarif',
      p('out.sarif'),
      '--format',
      'json',
    );
    expect(r.code).toBe(1);
    // The check itself is recorded: the ledger's last entry holds its outcome per rule.
    expect(r.err).toMatch(/ledger: recorded as entry \d+/);
    const ledger = await Ledger.open(ledgerDir, { readOnly: true });
    try {
      const last = (await ledger.get(ledger.size - 1)).record;
      expect(last.command).toBe('check');
      expect(last.summary).toMatchObject({ passed: false, counts: { pass: 2, fail: 2, missing: 1 } });
    } finally {
      await ledger.close();
    }
    const j = JSON.parse(r.out) as {
      rules: { id: string; status: string; cite: string | null; message: string }[];
    };
    const st = Object.fromEntries(j.rules.map((x) => [x.id, x.status]));
    // The model predicts y exactly (y = 1 iff x > 4): F rows have odd x (3 of 5 values > 4, rate 0.6), M rows
    // even x (2 of 5, rate 0.4), so disparate impact = 0.4 / 0.6 = 0.6667 < 0.8: the four-fifths rule fails.
    expect(j.rules[0]!.message).toBe('sex: disparateImpact = 0.6667 (entry 2); required >= 0.8.');
    expect(st).toEqual({
      'eeoc-four-fifths': 'fail',
      ci: 'pass',
      'fresh-audit': 'pass',
      card: 'fail',
      privacy: 'missing',
    });
    expect(j.rules[0]!.cite).toBe('EEOC Uniform Guidelines, 29 CFR § 1607.4(D)');
    expect(j.rules.find((x) => x.id === 'card')!.message).toBe(
      'The card (entry 4) lacks model_details.documentation.',
    );

    // SARIF 2.1.0: validated against the parts of the OASIS schema that code-scanning UIs read.
    const { Ajv } = await import('ajv');
    const sarifSubset = {
      type: 'object',
      required: ['version', 'runs'],
      properties: {
        version: { const: '2.1.0' },
        runs: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['tool', 'results'],
            properties: {
              tool: {
                type: 'object',
                required: ['driver'],
                properties: { driver: { type: 'object', required: ['name', 'rules'] } },
              },
              results: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['ruleId', 'message', 'level', 'kind', 'locations'],
                  properties: {
                    message: { type: 'object', required: ['text'] },
                    level: { enum: ['none', 'note', 'warning', 'error'] },
                    kind: { enum: ['notApplicable', 'pass', 'fail', 'review', 'open', 'informational'] },
                    locations: { type: 'array', items: { type: 'object', required: ['physicalLocation'] } },
                  },
                },
              },
            },
          },
        },
      },
    };
    const sarif = JSON.parse(readFileSync(p('out.sarif'), 'utf8'));
    const ajv = new Ajv({ strict: false });
    expect(ajv.validate(sarifSubset, sarif)).toBe(true);
    const levels = sarif.runs[0].results.map((x: { ruleId: string; level: string }) => [x.ruleId, x.level]);
    expect(levels).toContainEqual(['card', 'error']);
    expect(levels).toContainEqual(['privacy', 'warning']);
    const line = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'privacy').locations[0]
      .physicalLocation.region.startLine;
    expect(line).toBe(12); // "  - id: privacy" is line 12 of policy.yaml
  });

  it('exits 2 for an unknown metric, naming it and suggesting close names', async () => {
    writeFileSync(
      p('bad.yaml'),
      'rules:\n  - type: metric\n    metric: disparateImpakt\n    op: ">="\n    value: 0.8\n',
    );
    const r = await cli('check', '--policy', p('bad.yaml'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('Unknown metric "disparateImpakt". Did you mean "disparateImpact"');
    expect(r.err).toContain('(AEQ_POLICY_INVALID)');
  });

  it('exports an EU AI Act evidence index whose proofs verify against its signed checkpoint', async () => {
    const { verifyInclusion, inclusionProofFromJSON, openCheckpoint, parseVerifierKey, toHex } = await import(
      '../../accountability/index.js'
    );
    const r = await cli('evidence', '--framework', 'eu-ai-act');
    expect(r.code).toBe(0);
    const idx = JSON.parse(r.out) as {
      treeSize: number;
      rootHash: string;
      checkpoint: string;
      verifierKey: string;
      clauses: Record<string, { items: { index: number; command: string; proof: never }[] }>;
      gaps: string[];
    };
    const cp = openCheckpoint(idx.checkpoint, parseVerifierKey(idx.verifierKey));
    expect([cp.size, toHex(cp.rootHash)]).toEqual([idx.treeSize, idx.rootHash]);
    expect(idx.clauses['Art. 11']!.items.map((i) => i.index)).toEqual([4, 5]); // the two cards
    expect(idx.clauses['Art. 10']!.items.map((i) => i.command)).toEqual(['data-bias']);
    expect(idx.gaps).toEqual(['Art. 14']); // no approval yet
    for (const c of Object.values(idx.clauses))
      for (const it of c.items) {
        const proof = inclusionProofFromJSON(it.proof);
        expect(toHex(proof.rootHash)).toBe(idx.rootHash);
        expect(() => verifyInclusion(proof)).not.toThrow();
      }
    const bad = await cli('evidence', '--framework', 'eu-ai-akt');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('Did you mean "eu-ai-act"?');
  });
});
