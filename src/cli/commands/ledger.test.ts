import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CapturedIo, captureIo } from '../test-io.fixture.js';
import { appendRunRecord, runLedger } from './ledger.js';

/*
 * The `aequa ledger` command end to end in a temporary project. Proofs printed with --format json are
 * checked by the verifier below, written here from RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2
 * (consistency) with node:crypto only, so it shares no code with src/accountability/ledger.
 */

const sha = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const hex = (s: string) => Buffer.from(s, 'hex');
const node = (l: Uint8Array, r: Uint8Array) => sha(Uint8Array.of(1), l, r);

/** RFC 9162 §2.1.3.2: recompute the root from a leaf hash and its inclusion path. */
function rfcInclusionRoot(index: number, size: number, leaf: Buffer, path: readonly Buffer[]): Buffer | null {
  if (index >= size) return null;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = node(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else r = node(r, p);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

/** RFC 9162 §2.1.4.2: check that `path` proves the tree of size n2 extends the tree of size n1. */
function rfcConsistencyOk(n1: number, n2: number, r1: Buffer, r2: Buffer, path: readonly Buffer[]): boolean {
  if (n1 === n2) return path.length === 0 && r1.equals(r2);
  if (n1 === 0 || n1 > n2 || path.length === 0) return false;
  const c = (n1 & (n1 - 1)) === 0 ? [r1, ...path] : [...path];
  let fn = n1 - 1;
  let sn = n2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = c[0]!;
  let sr = c[0]!;
  for (const p of c.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = node(p, fr);
      sr = node(p, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else sr = node(sr, p);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(r1) && sr.equals(r2);
}

/** Naive MTH (RFC 9162 §2.1.1) over leaf hashes, for the root after n appends. */
function mth(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return node(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

let project: string;
let dir: string;
const N = 7;

function capture(): CapturedIo {
  return captureIo();
}

async function ledger(...argv: string[]): Promise<{ code: number; stdout: string }> {
  const c = capture();
  const code = await runLedger([...argv, '--dir', dir], c);
  return { code, stdout: c.out() };
}

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'aequa-ledger-cli-'));
  dir = join(project, '.aequa', 'ledger');
});
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('aequa ledger', () => {
  it('returns null from appendRunRecord while the project has no ledger', async () => {
    const r = await appendRunRecord(project, { command: 'audit', toolVersion: 'aequa@0.1.0', actor: 'ana' });
    expect(r).toBeNull();
  });

  it('initialises a ledger and prints its origin and verifier key as JSON', async () => {
    const r = await ledger('init', '--origin', 'example.com/credit', '--format', 'json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { origin: string; verifierKey: string };
    expect(j.origin).toBe('example.com/credit');
    expect(j.verifierKey).toMatch(/^example\.com\/credit\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/);
  });

  it('appends records with appendRunRecord and lists them in order with log', async () => {
    for (let i = 0; i < N; i++) {
      const r = await appendRunRecord(project, {
        command: `cmd-${i}`,
        toolVersion: 'aequa@0.1.0',
        actor: 'ana',
        timestamp: '2025-01-31T12:00:00.000Z',
        summary: { verdict: i % 2 ? 'pass' : 'fail' },
      });
      expect(r?.index).toBe(i);
    }
    const r = await ledger('log', '--format', 'json');
    const rows = JSON.parse(r.stdout) as { index: number; record: { command: string } }[];
    expect(rows.map((x) => x.record.command)).toEqual(Array.from({ length: N }, (_, i) => `cmd-${i}`));
    const text = await ledger('log');
    expect(text.stdout).toContain(`example.com/credit · ${N} entries`);
    expect(text.stdout).toMatch(/\n\s+3 {2}2025-01-31T12:00:00\.000Z {2}run\s+cmd-3/);
  });

  it('shows one entry whose leaf hash is SHA-256(0x00 ‖ canonical JSON of the record)', async () => {
    const r = await ledger('show', '3');
    const j = JSON.parse(r.stdout) as { index: number; leafHash: string; record: Record<string, unknown> };
    expect(j.index).toBe(3);
    // The stored record has only ASCII strings and no numbers besides small integers, so sorting the
    // keys by code unit (RFC 8785 §3.2.3) and JSON.stringify give the canonical bytes.
    const canon = (v: unknown): string =>
      Array.isArray(v)
        ? `[${v.map(canon).join(',')}]`
        : v !== null && typeof v === 'object'
          ? `{${Object.keys(v)
              .sort()
              .map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k])}`)
              .join(',')}}`
          : JSON.stringify(v);
    expect(j.leafHash).toBe(sha(Uint8Array.of(0), Buffer.from(canon(j.record))).toString('hex'));
  });

  it('prints inclusion proofs that the RFC 9162 verifier accepts for every entry, and rejects when tampered', async () => {
    const leaves: Buffer[] = [];
    for (let i = 0; i < N; i++)
      leaves.push(hex(JSON.parse((await ledger('show', String(i))).stdout).leafHash));
    for (const size of [1, 4, N]) {
      for (let i = 0; i < size; i++) {
        const r = await ledger('prove', String(i), '--size', String(size), '--format', 'json');
        const p = JSON.parse(r.stdout) as {
          leafIndex: number;
          treeSize: number;
          leafHash: string;
          rootHash: string;
          path: string[];
        };
        expect(Object.keys(p).sort()).toEqual(['leafHash', 'leafIndex', 'path', 'rootHash', 'treeSize']);
        expect([p.leafIndex, p.treeSize, p.leafHash]).toEqual([i, size, leaves[i]!.toString('hex')]);
        expect(p.rootHash).toBe(mth(leaves.slice(0, size)).toString('hex'));
        const path = p.path.map(hex);
        expect(rfcInclusionRoot(i, size, leaves[i]!, path)?.toString('hex')).toBe(p.rootHash);
        if (path.length > 0) {
          path[0]![0]! ^= 1;
          expect(rfcInclusionRoot(i, size, leaves[i]!, path)?.toString('hex')).not.toBe(p.rootHash);
        }
      }
    }
  });

  it('prints consistency proofs that the RFC 9162 verifier accepts, and rejects with a wrong old root', async () => {
    for (let n1 = 1; n1 <= N; n1++) {
      const r = await ledger('consistency', String(n1), String(N), '--format', 'json');
      const p = JSON.parse(r.stdout) as {
        oldSize: number;
        newSize: number;
        oldRoot: string;
        newRoot: string;
        path: string[];
      };
      expect(Object.keys(p).sort()).toEqual(['newRoot', 'newSize', 'oldRoot', 'oldSize', 'path']);
      expect([p.oldSize, p.newSize]).toEqual([n1, N]);
      const path = p.path.map(hex);
      expect(rfcConsistencyOk(n1, N, hex(p.oldRoot), hex(p.newRoot), path)).toBe(true);
      const wrong = hex(p.oldRoot);
      wrong[31]! ^= 0x80;
      expect(rfcConsistencyOk(n1, N, wrong, hex(p.newRoot), path)).toBe(false);
    }
  });

  it('verifies a clean ledger with exit 0, and names the corrupted entry with exit 1', async () => {
    const cp = await ledger('checkpoint');
    expect(cp.stdout).toMatch(new RegExp(`^example\\.com/credit\\n${N}\\n`));
    const ok = await ledger('verify');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(
      `✔ example.com/credit: ${N} entries, 1 signed checkpoints and 0 approvals verify`,
    );
    const file = join(dir, 'entries.log');
    const bytes = readFileSync(file);
    const at = bytes.indexOf('cmd-4');
    expect(at).toBeGreaterThan(0);
    bytes[at + 4] = '9'.charCodeAt(0); // cmd-4 → cmd-9: one changed byte inside entry 4
    writeFileSync(file, bytes);
    const bad = await ledger('verify', '--format', 'json');
    expect(bad.code).toBe(1);
    const j = JSON.parse(bad.stdout) as {
      ok: boolean;
      firstBadEntry: number;
      problems: { message: string }[];
    };
    expect(j.ok).toBe(false);
    expect(j.firstBadEntry).toBe(4);
    expect(j.problems[0]!.message).toContain('entry 4');
  });
});

describe('aequa ledger retention and checkpoints', () => {
  let proj: string;
  let rdir: string;
  const run = async (...argv: string[]) => {
    const c = capture();
    const code = await runLedger([...argv, '--dir', rdir], c);
    return { code, stdout: c.out() };
  };
  beforeAll(async () => {
    proj = mkdtempSync(join(tmpdir(), 'aequa-ledger-ret-'));
    rdir = join(proj, '.aequa', 'ledger');
  });
  afterAll(() => rmSync(proj, { recursive: true, force: true }));

  it('saves a policy, checkpoints every N appends, redacts old payloads, and still verifies', async () => {
    expect((await run('init', '--origin', 'example.com/events')).code).toBe(0);
    const set = await run(
      'retention',
      'set',
      '--keep-days',
      '30',
      '--every-entries',
      '4',
      '--format',
      'json',
    );
    expect(JSON.parse(set.stdout)).toEqual({ retention: { keepDays: 30, everyEntries: 4 } });
    // 10 events: 0–5 from 2020 (far older than 30 days), 6–9 from now.
    for (let i = 0; i < 10; i++)
      await appendRunRecord(proj, {
        kind: 'event',
        command: 'predict',
        toolVersion: 'aequa@0.1.0',
        actor: 'svc',
        timestamp: i < 6 ? `2020-01-0${i + 1}T00:00:00.000Z` : new Date().toISOString(),
        config: { applicant: `secret-${i}` },
      });
    // Checkpoints after the 1st append (none before), then 4 entries later: sizes 1, 5, 9.
    const cps = JSON.parse((await run('checkpoints', '--format', 'json')).stdout) as { size: number }[];
    expect(cps.map((c) => c.size)).toEqual([1, 5, 9]);
    const dry = await run('retention', 'apply', '--dry-run', '--format', 'json');
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, redacted: 6, ranges: [[0, 6]] });
    const applied = await run('retention', 'apply');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/^Redacted the payloads of 6 entries older than .* \(0–5\)/);
    expect(readFileSync(join(rdir, 'entries.log'), 'utf8')).not.toContain('secret-0');
    const v = await run('verify', '--format', 'json');
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({
      ok: true,
      size: 11,
      tombstones: 6,
      firstBadCheckpoint: null,
    });
    const show = JSON.parse((await run('show', '2')).stdout) as { record: { kind: string } };
    expect(show.record.kind).toBe('retention');
    const listed = await run('checkpoints');
    expect(listed.stdout).toMatch(/4 stored checkpoints/);
  });
});
