/**
 * Secure aggregation with real processes: the aggregator runs here on loopback HTTP, each party is
 * a separate Node process (the secagg modules transpiled to plain ESM, as the ledger crash test
 * does), and one party drops out after sharing its keys.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinSecAgg, serveSecAgg } from './http.js';
import { SecAggParty } from './protocol.js';
import { transpileTo } from './transpile.fixture.js';

const SRC = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'aequa-secagg-'));
let child: string;

beforeAll(() => {
  const out = join(work, 'build');
  const files = ['core', 'privacy/secagg']
    .flatMap((d) => readdirSync(join(SRC, d)).map((f) => join(SRC, d, f)))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  transpileTo(SRC, files, out);
  child = join(out, 'party.js');
  writeFileSync(
    child,
    `import { joinSecAgg } from './privacy/secagg/http.js';
const [url, id, vec, stop] = process.argv.slice(2);
try {
  const r = await joinSecAgg(url, Number(id), JSON.parse(vec), stop ? { stopAfter: stop } : {});
  process.stdout.write(JSON.stringify(r === null ? null : { sum: Array.from(r.sum), survivors: r.survivors, dropped: r.dropped }));
} catch (e) {
  process.stdout.write(JSON.stringify({ error: e.code, message: e.message }));
}
`,
  );
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function party(url: string, id: number, vec: number[], stop?: string): Promise<unknown> {
  return new Promise((res, rej) => {
    const p = spawn(
      process.execPath,
      [child, url, String(id), JSON.stringify(vec), ...(stop ? [stop] : [])],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    p.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    p.on('exit', (code) =>
      code === 0 ? res(JSON.parse(out)) : rej(new Error(`party ${id} exited ${code}: ${err}`)),
    );
  });
}

describe('secure aggregation over HTTP', () => {
  it('sums the vectors of 3 party processes after a 4th drops out having shared its keys', async () => {
    const server = await serveSecAgg({ parties: 4, threshold: 3, length: 3, roundTimeoutMs: 1500 });
    try {
      const vectors = [
        [0.5, -1, 1000],
        [1.25, 2, -3],
        [-0.75, 4, 0.001],
        [99, 99, 99],
      ];
      const outs = await Promise.all(
        vectors.map((v, i) => party(server.url, i + 1, v, i === 3 ? 'share' : undefined)),
      );
      const r = await server.result;
      // Plain sum of parties 1–3 by hand: 1, 5, 997.001 (the last rounded to the 2^-24 grid).
      expect(r.sum[0]).toBe(1);
      expect(r.sum[1]).toBe(5);
      expect(r.sum[2]).toBeCloseTo(997.001, 6);
      expect(r.survivors).toEqual([1, 2, 3]);
      expect(r.dropped).toEqual([4]);
      expect(outs[3]).toBeNull();
      expect((outs[0] as { sum: number[] }).sum).toEqual(Array.from(r.sum));
    } finally {
      await server.close();
    }
  }, 20_000);

  it('refuses a party whose vector has the wrong length, and sums the others without it', async () => {
    const config = { parties: 3, threshold: 2, length: 3 };
    const server = await serveSecAgg({ ...config, roundTimeoutMs: 400 });
    const call = async (round: string, body: unknown) => {
      const res = await fetch(`${server.url}/${round}`, { method: 'POST', body: JSON.stringify(body) });
      // biome-ignore lint/suspicious/noExplicitAny: the replies of the rounds differ; the test reads known fields
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    };
    try {
      // The party library refuses locally before sending anything.
      await expect(joinSecAgg(server.url, 3, [1, 2])).rejects.toThrow(
        /Party 3 has a vector of length 2; the aggregation expects 3/,
      );
      // A hand-driven party 3 that follows the protocol but truncates its masked vector.
      const bad = new SecAggParty(3, [7, 7, 7], config);
      const good = [joinSecAgg(server.url, 1, [1, 2, 3]), joinSecAgg(server.url, 2, [10, 20, 30])];
      const { body: r0 } = await call('advertise', bad.advertise());
      const { body: r1 } = await call('share', bad.shareKeys(r0.roster));
      const masked = bad.maskedInput(r1.inbox);
      const refused = await call('masked', { id: 3, masked: masked.masked.slice(0, 2) });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toEqual({
        code: 'AEQ_SECAGG_PROTOCOL',
        message: 'Party 3 sent a vector of length 2; every party must send 3 values.',
      });
      const r = await server.result;
      // Party 3 counts as dropped: its pairwise masks are removed from its shared key.
      expect(Array.from(r.sum)).toEqual([11, 22, 33]);
      expect(r.dropped).toEqual([3]);
      expect((await good[0]!)!.survivors).toEqual([1, 2]);
      await good[1];
    } finally {
      await server.close();
    }
  });
});
