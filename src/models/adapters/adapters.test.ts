import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromArrays } from '../../data/index.js';
import { functionModel, loadFunctionModel } from './function.js';
import { httpModel } from './http.js';

const table = fromArrays({ age: [20, 50, 35, null], sex: ['F', 'M', 'F', 'M'] });
const rule = (r: Record<string, unknown>) => (typeof r.age === 'number' && r.age > 40 ? 0.8 : 0.1);

describe('functionModel', () => {
  it('passes rows as plain objects (null for missing) and returns the scores in order', async () => {
    const seen: unknown[] = [];
    const m = functionModel(
      (rows) => {
        seen.push(...rows);
        return rows.map(rule);
      },
      { features: ['age', 'sex'], batchSize: 3 },
    );
    expect([...(await m.predictProba(table))]).toEqual([0.1, 0.8, 0.1, 0.1]);
    expect(seen[3]).toEqual({ age: null, sex: 'M' });
  });

  it('rejects a wrong number of scores or a value outside [0, 1] with AEQ_MODEL_OUTPUT', async () => {
    await expect(functionModel(() => [0.5], { features: ['age'] }).predictProba(table)).rejects.toMatchObject(
      {
        code: 'AEQ_MODEL_OUTPUT',
        message: expect.stringContaining('1 values for 4 rows'),
      },
    );
    await expect(
      functionModel((r) => r.map(() => 1.5), { features: ['age'] }).predictProba(table),
    ).rejects.toMatchObject({
      code: 'AEQ_MODEL_OUTPUT',
      message: expect.stringContaining('1.5 for row 0'),
    });
  });

  it('loads a module exporting predictProba and features', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aequa-fn-'));
    const file = join(dir, 'model.mjs');
    writeFileSync(
      file,
      "export const features = ['age'];\nexport async function predictProba(rows) { return rows.map((r) => (r.age > 40 ? 0.8 : 0.1)); }\n",
    );
    const m = await loadFunctionModel(file);
    expect([...(await m.predictProba(table))]).toEqual([0.1, 0.8, 0.1, 0.1]);
    writeFileSync(join(dir, 'none.mjs'), 'export const x = 1;\n');
    await expect(loadFunctionModel(join(dir, 'none.mjs'))).rejects.toMatchObject({ code: 'AEQ_MODEL_LOAD' });
    await expect(loadFunctionModel(join(dir, 'missing.mjs'))).rejects.toMatchObject({
      code: 'AEQ_MODEL_LOAD',
    });
  });
});

describe('httpModel', () => {
  let server: Server;
  let url = '';
  let calls = 0;
  let failFirst = 0;
  let inFlight = 0;
  let maxInFlight = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        calls++;
        if (failFirst > 0) {
          failFirst--;
          res.writeHead(503).end('busy');
          return;
        }
        if (req.url === '/slow') return; // never answers: the client must time out
        if (req.url === '/bad') {
          res.writeHead(400).end('bad rows');
          return;
        }
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        const rows = (JSON.parse(body) as { rows: Record<string, unknown>[] }).rows;
        setTimeout(() => {
          inFlight--;
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ probabilities: rows.map(rule) }));
        }, 20);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('sends batches, keeps the row order and respects the concurrency limit', async () => {
    calls = 0;
    maxInFlight = 0;
    const big = fromArrays({ age: Array.from({ length: 50 }, (_, i) => i * 2) });
    const m = httpModel(`${url}/predict`, { features: ['age'], batchSize: 5, concurrency: 2 });
    const p = await m.predictProba(big);
    expect(calls).toBe(10);
    expect(maxInFlight).toBeLessThanOrEqual(2);
    expect([...p]).toEqual(Array.from({ length: 50 }, (_, i) => (i * 2 > 40 ? 0.8 : 0.1)));
  });

  it('retries 503 answers with backoff and then succeeds', async () => {
    calls = 0;
    failFirst = 2;
    const m = httpModel(`${url}/predict`, { features: ['age'], retries: 3, backoffMs: 5 });
    expect([...(await m.predictProba(table))]).toEqual([0.1, 0.8, 0.1, 0.1]);
    expect(calls).toBe(3);
  });

  it('gives up after the retries with AEQ_MODEL_CONNECTION', async () => {
    failFirst = 10;
    const m = httpModel(`${url}/predict`, { features: ['age'], retries: 1, backoffMs: 1 });
    await expect(m.predictProba(table)).rejects.toMatchObject({
      code: 'AEQ_MODEL_CONNECTION',
      message: expect.stringContaining('after 2 attempts: HTTP 503'),
    });
    failFirst = 0;
  });

  it('times out a request that never answers', async () => {
    const m = httpModel(`${url}/slow`, { features: ['age'], retries: 0, timeoutMs: 100 });
    await expect(m.predictProba(table)).rejects.toMatchObject({
      message: expect.stringContaining('timed out after 100 ms'),
    });
  });

  it('does not retry a 4xx answer', async () => {
    calls = 0;
    const m = httpModel(`${url}/bad`, { features: ['age'], retries: 3, backoffMs: 1 });
    await expect(m.predictProba(table)).rejects.toMatchObject({
      code: 'AEQ_MODEL_CONNECTION',
      message: expect.stringContaining('HTTP 400'),
    });
    expect(calls).toBe(1);
  });
});

describe('loadFunctionModel with TypeScript', () => {
  it('transpiles a .ts module (types and all) and leaves no temporary file behind', async () => {
    const { readdirSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'aequa-ts-'));
    const file = join(dir, 'model.ts');
    writeFileSync(
      file,
      "interface Row { age: number | null }\nexport const features: string[] = ['age'];\nexport function predictProba(rows: Row[]): number[] {\n  return rows.map((r) => ((r.age ?? 0) > 40 ? 0.8 : 0.1));\n}\n",
    );
    const m = await loadFunctionModel(file);
    expect([...(await m.predictProba(table))]).toEqual([0.1, 0.8, 0.1, 0.1]);
    expect(readdirSync(dir)).toEqual(['model.ts']);
  });
});
