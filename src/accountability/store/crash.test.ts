/**
 * Crash safety with real processes: a child appends in a loop (several appends in flight, so
 * group commit is exercised) and prints each acknowledged index with a synchronous write to
 * stdout; the parent kills it with SIGKILL after a seeded random delay, then checks that the
 * ledger verifies and holds every acknowledged entry with its content. Repeated over rounds on the
 * same ledger, so each round also exercises recovery (stale lock, torn tail) on reopen.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRng } from '../../core/index.js';
import { Ledger } from './file-store.js';

const SRC = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'aequa-crash-'));

/** Transpiles the modules the child needs (core, accountability ledger/store/record) to plain ESM. */
function buildChild(): string {
  const out = join(work, 'build');
  const roots = ['core', 'accountability/ledger', 'accountability/store'].map((d) => join(SRC, d));
  const files = [
    ...roots.flatMap((d) => readdirSync(d).map((f) => join(d, f))),
    join(SRC, 'accountability/record.ts'),
  ].filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  for (const f of files) {
    const js = ts.transpileModule(readFileSync(f, 'utf8'), {
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
    }).outputText;
    const dest = join(out, relative(SRC, f)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, js);
  }
  writeFileSync(join(out, 'package.json'), '{"type":"module"}');
  const child = join(out, 'child.js');
  writeFileSync(
    child,
    `import { writeSync } from 'node:fs';
import { Ledger } from './accountability/store/file-store.js';
import { createRunRecord } from './accountability/record.js';
const [dir, round] = process.argv.slice(2);
const ledger = await Ledger.open(dir);
writeSync(1, 'open ' + ledger.size + '\\n');
let n = 0;
function one() {
  const k = n++;
  const r = createRunRecord({ command: 'crash-test', toolVersion: 'aequa@test', actor: 'child',
    timestamp: '2025-01-01T00:00:00.000Z', config: { round: Number(round), n: k }, summary: { pad: 'x'.repeat(k % 50) } });
  ledger.append(r).then((a) => { writeSync(1, a.index + ' ' + round + ' ' + k + '\\n'); one(); });
}
for (let i = 0; i < 8; i++) one();
`,
  );
  return child;
}

function runUntilKilled(child: string, dir: string, round: number, delayMs: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const p: ChildProcess = spawn(process.execPath, [child, dir, String(round)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    p.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    let timer: NodeJS.Timeout | null = null;
    p.stdout!.once('data', () => {
      timer = setTimeout(() => p.kill('SIGKILL'), delayMs);
    });
    p.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal === 'SIGKILL') resolvePromise(out);
      else reject(new Error(`child exited with ${code}: ${err}`));
    });
  });
}

describe('ledger crash safety (real child processes killed with SIGKILL)', () => {
  let child = '';
  beforeAll(() => {
    child = buildChild();
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('verifies and keeps every acknowledged entry after each kill, round after round', async () => {
    const dir = join(work, '.aequa', 'ledger');
    await (await Ledger.init(dir, { origin: 'example.com/crash' })).close();
    const rng = seededRng(7);
    const acked = new Map<number, { round: number; n: number }>();
    for (let round = 0; round < 6; round++) {
      const delay = 30 + Math.floor(rng.nextFloat64() * 300);
      const out = await runUntilKilled(child, dir, round, delay);
      for (const line of out.split('\n')) {
        const m = /^(\d+) (\d+) (\d+)$/.exec(line);
        if (m) acked.set(Number(m[1]), { round: Number(m[2]), n: Number(m[3]) });
      }
      const ledger = await Ledger.open(dir, { readOnly: true });
      const report = await ledger.verify();
      expect(report.problems).toEqual([]);
      expect(report.ok).toBe(true);
      const missing = [...acked.keys()].filter((i) => i >= ledger.size);
      expect(missing).toEqual([]);
      for (const [i, want] of acked) {
        if (want.round !== round) continue;
        const e = await ledger.get(i);
        expect(e.record.config).toEqual(want);
      }
      await ledger.close();
    }
    // Each round acknowledged appends (the kill never came before the first few fsyncs).
    expect(acked.size).toBeGreaterThan(6 * 8);
    // The indices acknowledged form a gap-free prefix of the log.
    const final = await Ledger.open(dir);
    expect(Math.max(...acked.keys())).toBeLessThan(final.size);
    expect((await final.verify()).ok).toBe(true);
    await final.close();
  });
});
