/**
 * `aequa secagg` with real processes over loopback: the sources are transpiled to plain ESM in a scratch
 * folder inside the checkout (so that packages resolve from its node_modules), then the aggregator and
 * three parties each run `node cli/main.js secagg …` as separate processes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSecAgg } from '../../privacy/node.js';
import { transpileTo } from '../../privacy/secagg/transpile.fixture.js';
import { runCli } from '../run.js';
import { captureIo } from '../test-io.fixture.js';

const SRC = resolve(import.meta.dirname, '../..');
const ROOT = resolve(SRC, '..');
let work: string;
let main: string;

function walk(d: string): string[] {
  return readdirSync(d).flatMap((f) => {
    const p = join(d, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

function run(args: string[]): {
  child: ChildProcess;
  done: Promise<{ code: number; out: string; err: string }>;
} {
  const child = spawn(process.execPath, [main, ...args], {
    cwd: work,
    env: { ...process.env, AEQUA_LEDGER_DIR: join(work, 'no-ledger') },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (b) => {
    out += b;
  });
  child.stderr!.on('data', (b) => {
    err += b;
  });
  const done = new Promise<{ code: number; out: string; err: string }>((res) =>
    child.on('close', (code) => res({ code: code ?? -1, out, err })),
  );
  return { child, done };
}

// Three parties' predictions; y, yhat and group per row.
const PARTS = [
  [
    ['1', '1', 'F'],
    ['0', '1', 'F'],
    ['1', '0', 'M'],
    ['0', '0', 'M'],
    ['1', '1', 'M'],
  ],
  [
    ['1', '1', 'F'],
    ['1', '1', 'F'],
    ['0', '0', 'F'],
    ['0', '1', 'M'],
  ],
  [
    ['0', '0', 'F'],
    ['1', '0', 'F'],
    ['1', '1', 'M'],
    ['0', '1', 'M'],
    ['0', '0', 'M'],
    ['1', '1', 'M'],
  ],
];

beforeAll(() => {
  work = mkdtempSync(join(ROOT, '.secagg-test-'));
  transpileTo(
    SRC,
    walk(SRC).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')),
    work,
  );
  main = join(work, 'cli', 'main.js');
  for (const [i, rows] of PARTS.entries())
    writeFileSync(
      join(work, `party${i + 1}.csv`),
      `y,yhat,sex\n${rows.map((r) => r.join(',')).join('\n')}\n`,
    );
}, 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('aequa secagg', () => {
  it('pools three parties’ confusion counts in separate processes and prints the federated audit', async () => {
    const server = run([
      'secagg',
      'serve',
      '--parties',
      '3',
      '--threshold',
      '2',
      '--groups',
      'F,M',
      '--format',
      'json',
    ]);
    const url = await new Promise<string>((res, rej) => {
      const t = setTimeout(() => rej(new Error('aggregator did not start')), 20_000);
      server.child.stderr!.on('data', (b: Buffer) => {
        const m = /listening on (http:\/\/\S+)/.exec(String(b));
        if (m) {
          clearTimeout(t);
          res(m[1]!);
        }
      });
    });
    const parties = [1, 2, 3].map((id) =>
      run([
        ...['secagg', 'join', url, '--id', String(id), '--confusion', `party${id}.csv`],
        ...[
          '--label',
          'y',
          '--prediction',
          'yhat',
          '--sensitive',
          'sex',
          '--groups',
          'F,M',
          '--positive',
          '1',
        ],
      ]),
    );
    const results = await Promise.all(parties.map((p) => p.done));
    for (const r of results) expect(r.code, r.err).toBe(0);
    const agg = await server.done;
    expect(agg.code, agg.err).toBe(0);
    const j = JSON.parse(agg.out);
    // By hand over the 15 rows: F: tp 3, fp 1, tn 2, fn 1 (7 rows); M: tp 3, fp 2, tn 2, fn 1 (8 rows).
    const f = j.audit.groups[0];
    const m = j.audit.groups[1];
    expect([f.confusion.tp, f.confusion.fp, f.confusion.tn, f.confusion.fn]).toEqual([3, 1, 2, 1]);
    expect([m.confusion.tp, m.confusion.fp, m.confusion.tn, m.confusion.fn]).toEqual([3, 2, 2, 1]);
    // selection rates 4/7 and 5/8: difference 5/8 − 4/7 = 3/56; TPR 3/4 both; FPR 1/3 vs 2/4: gap 1/6
    expect(j.audit.demographicParityDifference).toBeCloseTo(3 / 56, 12);
    expect(j.audit.equalizedOddsDifference).toBeCloseTo(1 / 6, 12);
    expect(j.survivors).toEqual([1, 2, 3]);
    expect(results[0]!.out).toContain('demographic parity difference 0.0536');
  }, 60_000);

  it('refuses a party vector of the wrong length with exit 2 and names both lengths', async () => {
    const server = await serveSecAgg({ parties: 2, threshold: 2, length: 4, roundTimeoutMs: 2000 });
    try {
      writeFileSync(join(work, 'short.json'), '[1, 2, 3]');
      const io = captureIo({ columns: 100 });
      const code = await runCli(
        ['secagg', 'join', server.url, '--id', '1', '--input', join(work, 'short.json')],
        io,
      );
      expect(code).toBe(2);
      expect(io.err()).toContain('Party 1 has a vector of length 3; the aggregation expects 4.');
    } finally {
      await server.close();
    }
  });

  it.each([
    [
      ['serve', '--parties', '3', '--threshold', '4', '--length', '2'],
      /--threshold must be at most --parties/,
    ],
    [['serve', '--parties', '3'], /--length L or --groups/],
    [['join', 'http://127.0.0.1:1', '--id', '1'], /one of --input FILE.json or --confusion/],
    [['join', 'localhost:1', '--id', '1', '--input', 'x.json'], /must start with http/],
  ])('refuses %j with exit 2', async (args, msg) => {
    const io = captureIo({ columns: 100 });
    expect(await runCli(['secagg', ...args], io)).toBe(2);
    expect(io.err()).toMatch(msg);
  });
});
