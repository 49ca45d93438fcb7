/**
 * @module privacy/secagg/http
 * Secure aggregation over HTTP: `serveSecAgg` runs the aggregator on a local port, `joinSecAgg`
 * runs one party against it. Each round is one POST that the aggregator answers when the round
 * closes: every expected party has sent, or `roundTimeoutMs` passed (the parties still missing are
 * then dropped). Node-only (node:http). Use TLS or a private network between machines: the
 * protocol protects inputs from the aggregator, not the connection from an eavesdropper on
 * metadata.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AequaError, type ErrorCode, isAequaError } from '../../core/index.js';
import {
  type AdvertiseMessage,
  checkSecAggConfig,
  type EncryptedShare,
  SecAggAggregator,
  type SecAggConfig,
  SecAggParty,
  type SecAggResult,
  type UnmaskRequest,
} from './protocol.js';

/** Options of {@link serveSecAgg}. */
export interface SecAggServeOptions extends SecAggConfig {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @default 0 */
  readonly port?: number;
  /** How long a round waits for missing parties once it is open. @default 30000 */
  readonly roundTimeoutMs?: number;
}

/** A running aggregator. */
export interface SecAggServer {
  readonly url: string;
  /** Resolves with the sum when round 3 closes; rejects when the run fails. */
  readonly result: Promise<SecAggResult>;
  close(): Promise<void>;
}

type Phase = 'advertise' | 'share' | 'masked' | 'unmask' | 'done' | 'failed';
const ORDER: readonly Phase[] = ['advertise', 'share', 'masked', 'unmask', 'done'];

/**
 * Starts an aggregator.
 * @example
 * const server = await serveSecAgg({ parties: 3, threshold: 2, length: 10 });
 * // each party: await joinSecAgg(server.url, id, vector)
 * (await server.result).sum // the element-wise sum of the survivors' vectors
 */
export async function serveSecAgg(opts: SecAggServeOptions): Promise<SecAggServer> {
  const config: SecAggConfig = {
    parties: opts.parties,
    threshold: opts.threshold,
    length: opts.length,
    ...(opts.fixedPoint === undefined ? {} : { fixedPoint: opts.fixedPoint }),
  };
  checkSecAggConfig(config);
  const agg = new SecAggAggregator(config);
  const timeoutMs = opts.roundTimeoutMs ?? 30_000;
  let phase: Phase = 'advertise';
  let expected = new Set<number>(Array.from({ length: config.parties }, (_, i) => i + 1));
  const got = new Set<number>();
  let waiters: { id: number; resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = [];
  let timer: NodeJS.Timeout | null = null;
  let failure: unknown = null;
  let resolveResult!: (r: SecAggResult) => void;
  let rejectResult!: (e: unknown) => void;
  const result = new Promise<SecAggResult>((res, rej) => {
    resolveResult = res;
    rejectResult = rej;
  });
  result.catch(() => {});
  let roster: Readonly<Record<string, AdvertiseMessage>> = {};
  let status: UnmaskRequest | null = null;
  let final: SecAggResult | null = null;

  const responseFor = (p: Phase, id: number): unknown => {
    if (p === 'advertise') return { roster };
    if (p === 'share') return { inbox: agg.inboxOf(id) };
    if (p === 'masked') return status;
    return { sum: Array.from(final!.sum), survivors: final!.survivors, dropped: final!.dropped };
  };

  const fail = (e: unknown): void => {
    phase = 'failed';
    failure = e;
    if (timer) clearTimeout(timer);
    for (const w of waiters) w.reject(e);
    waiters = [];
    rejectResult(e);
  };

  const closeRound = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    const p = phase;
    try {
      if (p === 'advertise') {
        roster = agg.closeAdvertise();
        expected = new Set(Object.keys(roster).map(Number));
      } else if (p === 'share') {
        expected = new Set(got);
      } else if (p === 'masked') {
        status = agg.closeMasked();
        expected = new Set(status.survivors);
      } else if (p === 'unmask') {
        final = agg.finish();
      }
    } catch (e) {
      fail(e);
      return;
    }
    phase = ORDER[ORDER.indexOf(p) + 1]!;
    got.clear();
    for (const w of waiters) w.resolve(responseFor(p, w.id));
    waiters = [];
    if (phase === 'done') resolveResult(final!);
    else timer = setTimeout(closeRound, timeoutMs);
  };

  const handle = async (round: Phase, body: Record<string, unknown>): Promise<unknown> => {
    if (phase === 'failed') throw failure;
    if (round !== phase)
      throw new AequaError(
        'AEQ_SECAGG_PROTOCOL',
        `The aggregator is in round "${phase}", not "${round}" (a late or repeated message).`,
        {
          details: { phase, round },
        },
      );
    const id = body.id as number;
    if (!expected.has(id))
      throw new AequaError(
        'AEQ_SECAGG_PROTOCOL',
        `Party ${String(id)} is not expected in round "${round}".`,
        { details: { id, round } },
      );
    if (got.has(id))
      throw new AequaError('AEQ_SECAGG_PROTOCOL', `Party ${id} already sent its "${round}" message.`);
    if (round === 'advertise') agg.advertise(body as unknown as AdvertiseMessage);
    else if (round === 'share') agg.shareKeys(body as never);
    else if (round === 'masked') agg.maskedInput(body as never);
    else agg.unmask(body as never);
    got.add(id);
    const done = new Promise((resolve, reject) => waiters.push({ id, resolve, reject }));
    if (round === 'advertise' && timer === null) timer = setTimeout(closeRound, timeoutMs);
    if ([...expected].every((e) => got.has(e))) closeRound();
    return done;
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? '').replace(/^\//, '');
    if (req.method === 'GET' && path === 'config') return send(200, config);
    const round = path as Phase;
    if (req.method !== 'POST' || !['advertise', 'share', 'masked', 'unmask'].includes(round))
      return send(404, {
        error: { code: 'AEQ_SECAGG_PROTOCOL', message: `No such endpoint: ${req.method} /${path}.` },
      });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 64 * 1024 * 1024) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(400, {
          error: { code: 'AEQ_SECAGG_PROTOCOL', message: 'The request body is not JSON.' },
        });
      }
      handle(round, body).then(
        (out) => send(200, out),
        (e) =>
          send(400, {
            error: {
              code: isAequaError(e) ? e.code : 'AEQ_SECAGG_PROTOCOL',
              message: (e as Error).message,
            },
          }),
      );
    });
  });
  await new Promise<void>((res) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', res));
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${addr.port}`,
    result,
    close: () =>
      new Promise<void>((res) => {
        if (timer) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => res());
      }),
  };
}

/** Options of {@link joinSecAgg}. */
export interface SecAggJoinOptions {
  /** Stop after this round (to simulate a dropout in tests). @default none */
  readonly stopAfter?: 'advertise' | 'share';
}

async function post(url: string, round: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}/${round}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) {
    const err = json.error as { code?: string; message?: string } | undefined;
    const code = (err?.code ?? 'AEQ_SECAGG_PROTOCOL') as ErrorCode;
    throw new AequaError(
      code,
      `The aggregator refused the "${round}" message: ${err?.message ?? res.statusText}`,
      {
        details: { round, status: res.status },
      },
    );
  }
  return json;
}

/**
 * Runs party `id` with its vector against the aggregator at `url`; resolves with the aggregate
 * the aggregator announces (or null when `stopAfter` made it drop out).
 * @throws {AEQ_SECAGG_PROTOCOL} when the vector length differs from the aggregator's, or a round is refused.
 * @example (await joinSecAgg('http://127.0.0.1:4000', 1, Float64Array.of(1, 2)))?.sum // [sum₁, sum₂]
 */
export async function joinSecAgg(
  url: string,
  id: number,
  input: ArrayLike<number>,
  opts: SecAggJoinOptions = {},
): Promise<SecAggResult | null> {
  const res = await fetch(`${url}/config`);
  const config = (await res.json()) as SecAggConfig;
  const party = new SecAggParty(id, input, config);
  const { roster } = (await post(url, 'advertise', party.advertise())) as {
    roster: Record<string, AdvertiseMessage>;
  };
  if (opts.stopAfter === 'advertise') return null;
  const { inbox } = (await post(url, 'share', party.shareKeys(roster))) as {
    inbox: Record<string, EncryptedShare>;
  };
  if (opts.stopAfter === 'share') return null;
  const status = (await post(url, 'masked', party.maskedInput(inbox))) as unknown as UnmaskRequest;
  const out = (await post(url, 'unmask', party.unmask(status))) as {
    sum: number[];
    survivors: number[];
    dropped: number[];
  };
  return { sum: Float64Array.from(out.sum), survivors: out.survivors, dropped: out.dropped };
}
