/**
 * DP noise must come from a secure source through the exact samplers: this test fails if the
 * token Math·random (written here with a middle dot) appears anywhere in src/privacy (code, tests or comments), wider than the
 * architecture test, which checks library code only.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname);
const TOKEN = new RegExp(['Math', 'random'].join('\\s*\\.\\s*'));

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : /\.(ts|js|mjs)$/.test(p) ? [p] : [];
  });
}

describe('src/privacy', () => {
  it('never mentions the Math·random token', () => {
    const files = walk(ROOT);
    expect(files.length).toBeGreaterThan(10);
    const bad = files.filter((f) => TOKEN.test(readFileSync(f, 'utf8'))).map((f) => relative(ROOT, f));
    expect(bad).toEqual([]);
  });

  it('the check itself catches the token (guard against a broken pattern)', () => {
    expect(TOKEN.test(`const u = ${['Math', 'random'].join('.')}();`)).toBe(true);
  });
});
