import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { dataBias } from '../bias/index.js';
import { loadTable } from '../data/io/index.js';
import { renderDataBiasHtml } from './data-bias-html.js';

const schema = JSON.parse(
  await readFile(new URL('../../schemas/data-bias.schema.json', import.meta.url), 'utf8'),
) as object;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

describe('schemas/data-bias.schema.json', () => {
  it('accepts the real result on German credit with a label, intersections and a control', async () => {
    const t = await loadTable(new URL('../../examples/data/german-credit.csv', import.meta.url).pathname);
    const r = await dataBias(t, {
      label: 'credit_risk',
      positive: ['good'],
      sensitive: ['sex', 'age_group'],
      intersections: true,
      control: ['housing'],
      features: ['duration', 'credit_amount', 'purpose', 'housing', 'age'],
      proxyAuc: false,
    });
    expect(validate(r), JSON.stringify(validate.errors)).toBe(true);
    // The HTML renders every feature, intersections included (two charts each, no proxy AUC facet lost).
    const html = await renderDataBiasHtml(r);
    expect(html.match(/<section id="feature-\d+"/g)).toHaveLength(3);
    expect(html).not.toContain('<script');
  }, 30_000);

  it('rejects a result whose shape drifted', async () => {
    const t = await loadTable(new URL('../../examples/data/german-credit.csv', import.meta.url).pathname);
    const r = await dataBias(t, { sensitive: ['sex'], features: ['duration'], proxyAuc: false });
    expect(validate(r), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...r, kind: 'audit' })).toBe(false);
    expect(validate({ ...r, input: { ...r.input, rows: -1 } })).toBe(false);
    expect(validate({ ...r, extra: 1 })).toBe(false);
  });
});
