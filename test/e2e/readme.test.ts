/**
 * The README's examples must keep working: each ```ts block is run as a module (it imports
 * 'aequa' by name, which resolves to this package through its `exports`), and each `npx aequa
 * audit` command is run through the built CLI.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const ART = join(ROOT, 'test/.artifacts');

const tsBlocks = [...README.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const shBlocks = [...README.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
const auditCommands = shBlocks
  .map((b) => b.replace(/\\\n\s*/g, ' '))
  .flatMap((b) => b.split('\n'))
  .map((l) => l.trim())
  .filter((l) => l.startsWith('npx aequa audit examples/'));

describe('README examples', () => {
  it('has TypeScript examples and audit commands to check', () => {
    expect(tsBlocks.length).toBeGreaterThan(0);
    expect(auditCommands.length).toBeGreaterThan(0);
  });

  it.each(tsBlocks.map((b, i) => [i, b] as const))('runs TypeScript example %i', (i, code) => {
    mkdirSync(ART, { recursive: true });
    const file = join(ART, `readme-example-${i}.mjs`);
    writeFileSync(file, code);
    const out = execFileSync(process.execPath, [file], { cwd: ROOT, encoding: 'utf8' });
    expect(out.length).toBeGreaterThan(0);
  });

  it.each(auditCommands.map((c, i) => [i, c] as const))('runs audit command %i', (_i, cmd) => {
    // Parse the shell line: single-quoted arguments, the policy file written first when used.
    const args = [
      ...cmd
        .replace(/^npx aequa /, '')
        .replace(/\s*\|\|.*$/, '')
        .matchAll(/'([^']*)'|(\S+)/g),
    ].map((m) => m[1] ?? m[2]!);
    const out = join(ART, 'readme-out');
    const withOut = args.map((a) => (a === 'reports/compas' ? out : a));
    if (args.includes('policy.yaml')) {
      const yaml = README.match(/```yaml\n([\s\S]*?)```/)![1]!;
      mkdirSync(ART, { recursive: true });
      writeFileSync(join(ART, 'policy.yaml'), yaml);
    }
    const final = withOut.map((a) => (a === 'policy.yaml' ? join(ART, 'policy.yaml') : a));
    let status = 0;
    try {
      execFileSync(process.execPath, [join(ROOT, 'dist/cli/main.js'), ...final], {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (e) {
      status = (e as { status: number }).status;
    }
    // 0, or 1 when the README's own policy fails (the example shows `|| echo "release blocked"`).
    expect([0, 1]).toContain(status);
    if (!args.includes('--policy')) expect(status).toBe(0);
  });
});
