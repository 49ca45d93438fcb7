import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { AuditResult } from '../metrics/index.js';
import { renderJson } from './json.js';

const ROOT = resolve(import.meta.dirname, '../..');
const text = readFileSync(resolve(ROOT, 'test/fixtures/audit-result.json'), 'utf8');
const fixture = JSON.parse(text) as AuditResult;

describe('renderJson', () => {
  it('round-trips the result exactly', () => {
    expect(JSON.parse(renderJson(fixture))).toEqual(fixture);
  });

  it('uses 2-space indentation and ends with one newline', () => {
    const out = renderJson(fixture);
    expect(out.startsWith('{\n  "schemaVersion": "1.0.0",\n  "tool": {\n    "name": "aequa"')).toBe(true);
    expect(out.endsWith('}\n')).toBe(true);
    expect(out.endsWith('\n\n')).toBe(false);
  });

  it('keeps keys in the order the result holds them, so equal results give equal bytes', () => {
    const out = renderJson(fixture);
    expect(Object.keys(JSON.parse(out))).toEqual(Object.keys(fixture));
    expect(renderJson(structuredClone(fixture))).toBe(out);
  });

  it('produces JSON that validates against schemas/audit.schema.json', () => {
    const schema = JSON.parse(readFileSync(resolve(ROOT, 'schemas/audit.schema.json'), 'utf8')) as object;
    const validate = new Ajv2020({ strict: true }).compile(schema);
    expect(validate(JSON.parse(renderJson(fixture)))).toBe(true);
  });
});
