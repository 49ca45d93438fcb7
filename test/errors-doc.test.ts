/**
 * Error codes are public API (fastify's errors test): every code in ERROR_CODES is thrown
 * somewhere in src/, every code thrown is registered, and docs/errors.md is exactly what
 * scripts/errors-doc.mjs renders from the registry.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderErrorsDoc } from '../scripts/errors-doc.mjs';
import { ERROR_CODES } from '../src/core/errors.js';
import { WARNING_CODES } from '../src/core/warnings.js';

const ROOT = resolve(import.meta.dirname, '..');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

// The registries themselves do not count as uses; the error classes below ERROR_CODES do.
const sources = walk(join(ROOT, 'src'))
  .filter((f) => !f.endsWith('core/warnings.ts'))
  .map((f) => {
    const text = readFileSync(f, 'utf8');
    if (!f.endsWith('core/errors.ts')) return text;
    const start = text.indexOf('export const ERROR_CODES');
    const end = text.indexOf('} as const', start);
    return text.slice(0, start) + text.slice(end);
  })
  .join('\n');

describe('error codes', () => {
  it('every registered error code is used somewhere in src/', () => {
    const unused = Object.keys(ERROR_CODES).filter(
      (c) => !sources.includes(`'${c}'`) && !sources.includes(`"${c}"`),
    );
    expect(unused).toEqual([]);
  });

  it('every AEQ_ code used in src/ is registered', () => {
    const used = new Set([...sources.matchAll(/['"](AEQ_(?!W_)[A-Z_]+)['"]/g)].map((m) => m[1]!));
    const unknown = [...used].filter((c) => !(c in ERROR_CODES));
    expect(unknown).toEqual([]);
  });

  it('every warning code used in src/ is registered', () => {
    const used = new Set([...sources.matchAll(/['"](AEQ_W_[A-Z_]+)['"]/g)].map((m) => m[1]!));
    const unknown = [...used].filter((c) => !(c in WARNING_CODES));
    expect(unknown).toEqual([]);
  });

  it('docs/errors.md is generated from the registry', () => {
    const committed = readFileSync(join(ROOT, 'docs/errors.md'), 'utf8');
    expect(committed).toBe(renderErrorsDoc(ERROR_CODES, WARNING_CODES));
  });
});
