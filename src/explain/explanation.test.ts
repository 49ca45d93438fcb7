import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { fromArrays } from '../data/index.js';
import { ridgeRegression } from '../models/index.js';
import { explanationToJSON, topAttributions } from './explanation.js';
import { integratedGradients } from './gradients.js';
import { lime } from './lime.js';
import { exactShapley } from './shapley/exact.js';
import { toyModel } from './toy-models.fixture.js';

const schema = JSON.parse(
  await readFile(new URL('../../schemas/explanation.schema.json', import.meta.url), 'utf8'),
) as object;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

describe('explanationToJSON and schemas/explanation.schema.json', () => {
  const data = fromArrays({ a: [1, 2, null], b: ['x', 'y', 'x'], v: [1, 2, 3] });
  const model = toyModel(['a', 'b'], (x) => (Number.isNaN(x[0]!) ? 0 : x[0]!) + 2 * x[1]!);

  it('keys attributions and values by feature, and validates against the schema', async () => {
    const e = await exactShapley(model, data, { background: data });
    const j = explanationToJSON(e);
    expect(j.explanations[2]!.values).toEqual({ a: null, b: 'x' });
    expect(Object.keys(j.explanations[0]!.attributions)).toEqual(['a', 'b']);
    expect(validate(JSON.parse(JSON.stringify(j))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('validates LIME and integrated-gradients output with their diagnostics, and rejects drift', async () => {
    const l = explanationToJSON(await lime(model, data, { background: data, rows: [0], nsamples: 50 }));
    expect(validate(JSON.parse(JSON.stringify(l))), JSON.stringify(validate.errors)).toBe(true);
    const num = fromArrays({ a: [1, 2, 3, 4], v: [2, 4, 6, 8.5] });
    const lin = await ridgeRegression().fit(num, 'v', { features: ['a'] });
    const ig = explanationToJSON(await integratedGradients(lin, num, { background: num, rows: [1] }));
    expect(ig.explanations[0]!.diagnostics).toHaveProperty('completenessGap');
    expect(validate(JSON.parse(JSON.stringify(ig)))).toBe(true);
    expect(validate({ ...ig, method: 'magic' })).toBe(false);
    expect(validate({ ...ig, extra: 1 })).toBe(false);
  });

  it('ranks attributions by magnitude, ties in feature order', async () => {
    const e = {
      method: 'exact' as const,
      link: 'identity' as const,
      featureNames: ['p', 'q', 'r'],
      rows: [{ row: 0, prediction: 1, baseValue: 0, attributions: Float64Array.of(0.2, -0.5, 0.2) }],
      parameters: {},
    };
    expect(topAttributions(e, 0).map((a) => a.feature)).toEqual(['q', 'p', 'r']);
    expect(topAttributions(e, 0, 1)).toEqual([
      { feature: 'q', index: 1, attribution: -0.5, value: undefined },
    ]);
  });
});
