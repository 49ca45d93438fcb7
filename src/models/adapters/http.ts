/**
 * @module models/adapters/http
 * A model served over HTTP: rows go out as JSON (`{ "rows": [{ column: value, … }, …] }`) in
 * batches, probabilities come back (`{ "probabilities": [...] }`, `{ "scores": [...] }` or a bare
 * array). Each request has a timeout; failures that may pass (network errors, 429, 5xx) are
 * retried with exponential backoff and jitter from a seeded generator; at most `concurrency`
 * requests are in flight.
 */
import { AequaError, seededRng } from '../../core/index.js';
import type { Table } from '../../data/index.js';
import type { Model, ModelTask } from '../model.js';
import { checkScores, plainRows } from './rows.js';

export interface HttpModelOptions {
  readonly features: readonly string[];
  /** @default 'binary' */
  readonly task?: ModelTask;
  readonly classes?: readonly string[];
  /** Rows per request. @default 256 */
  readonly batchSize?: number;
  /** Requests in flight at once. @default 4 */
  readonly concurrency?: number;
  /** Per-request timeout in ms. @default 10000 */
  readonly timeoutMs?: number;
  /** Retries after the first attempt. @default 3 */
  readonly retries?: number;
  /** First backoff delay in ms; doubles each retry. @default 200 */
  readonly backoffMs?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Seed of the backoff jitter. @default 0 */
  readonly seed?: number;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason);
    });
  });

/**
 * A `Model` backed by an HTTP endpoint.
 * @example const m = httpModel('http://localhost:8080/predict', { features: ['age', 'sex'] }); await m.predictProba(table)
 */
export function httpModel(url: string, opts: HttpModelOptions): Model {
  const task = opts.task ?? 'binary';
  const batchSize = opts.batchSize ?? 256;
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const retries = opts.retries ?? 3;
  const backoff = opts.backoffMs ?? 200;
  const rng = seededRng(opts.seed ?? 0);
  const shown = url.replace(/\/\/[^/@]*@/, '//***@');

  async function post(rows: unknown[], signal?: AbortSignal): Promise<unknown> {
    let lastError = '';
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(backoff * 2 ** (attempt - 1) * (0.5 + rng.nextFloat64()), signal);
      const timeout = AbortSignal.timeout(timeoutMs);
      const both = signal ? AbortSignal.any([signal, timeout]) : timeout;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', ...opts.headers },
          body: JSON.stringify({ rows }),
          signal: both,
        });
        if (res.status === 429 || res.status >= 500) {
          lastError = `HTTP ${res.status}`;
          await res.body?.cancel();
          continue;
        }
        if (!res.ok) {
          const text = (await res.text()).slice(0, 200);
          throw new AequaError('AEQ_MODEL_CONNECTION', `${shown} answered HTTP ${res.status}: ${text}`, {
            hint: 'The endpoint refused the request; check the URL and the expected JSON body.',
          });
        }
        const body = (await res.json()) as unknown;
        if (Array.isArray(body)) return body;
        const o = body as Record<string, unknown>;
        return o.probabilities ?? o.scores ?? o.predictions ?? body;
      } catch (e) {
        if (e instanceof AequaError) throw e;
        if (signal?.aborted) throw signal.reason;
        lastError = timeout.aborted ? `timed out after ${timeoutMs} ms` : (e as Error).message;
      }
    }
    throw new AequaError(
      'AEQ_MODEL_CONNECTION',
      `${shown} failed after ${retries + 1} attempts: ${lastError}.`,
      {
        hint: 'Check that the service is running; raise timeoutMs or retries for a slow endpoint.',
      },
    );
  }

  return {
    task,
    features: opts.features,
    classes: opts.classes ?? (task === 'binary' ? ['0', '1'] : []),
    async predictProba(table: Table, o?: { signal?: AbortSignal }): Promise<Float64Array> {
      const n = table.nrows;
      const out = new Float64Array(n);
      const starts: number[] = [];
      for (let s = 0; s < n; s += batchSize) starts.push(s);
      let next = 0;
      const worker = async () => {
        while (next < starts.length) {
          const s = starts[next++]!;
          const e = Math.min(n, s + batchSize);
          const got = await post(plainRows(table, opts.features, s, e), o?.signal);
          out.set(checkScores(got, e - s, `The model at ${shown}`, task !== 'regression'), s);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, starts.length) }, worker));
      return out;
    },
  };
}
