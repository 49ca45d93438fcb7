import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalize } from '../ledger/canonical.js';
import { openCheckpoint, parseVerifierKey } from '../ledger/checkpoint.js';
import { toHex } from '../ledger/hash.js';
import { naiveMTH } from '../ledger/naive-merkle.fixture.js';
import { verifyConsistency, verifyInclusion } from '../ledger/proof.js';
import { createRunRecord, type RunRecord } from '../record.js';
import { LEDGER_FORMAT_VERSION, Ledger } from './file-store.js';

const root = mkdtempSync(join(tmpdir(), 'aequa-ledger-'));
let n = 0;
const fresh = () => join(root, `l${n++}`, '.aequa', 'ledger');
const rec = (i: number): RunRecord =>
  createRunRecord({
    command: 'audit',
    toolVersion: 'aequa@0.1.0',
    actor: 'ana',
    timestamp: '2025-01-31T12:00:00.000Z',
    config: { run: i },
    summary: { verdict: i % 2 ? 'pass' : 'fail', accuracy: 0.5 + i / 1000 },
  });
// Independent leaf hash: SHA-256(0x00 ‖ canonical JSON), without the ledger's own hash module.
const leafOf = (r: RunRecord) =>
  new Uint8Array(createHash('sha256').update(Uint8Array.of(0)).update(canonicalize(r)).digest());

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('Ledger (file store)', () => {
  it('creates the folder with a 0600 private key and a verifier key in ledger.json', async () => {
    const dir = fresh();
    const l = await Ledger.init(dir, { origin: 'example.com/credit' });
    await l.close();
    expect(statSync(join(dir, 'private.key')).mode & 0o777).toBe(0o600);
    const meta = JSON.parse(readFileSync(join(dir, 'ledger.json'), 'utf8'));
    expect(meta).toMatchObject({ format: 'aequa-ledger', version: 1, origin: 'example.com/credit' });
    expect(meta.verifierKey).toMatch(/^example\.com\/credit\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    await expect(Ledger.init(dir, { origin: 'x' })).rejects.toMatchObject({ code: 'AEQ_LEDGER_EXISTS' });
  });

  it('appends durably, reads back, and hashes leaves as SHA-256(0x00 ‖ canonical JSON)', async () => {
    const l = await Ledger.init(fresh(), { origin: 'example.com/a' });
    const r = await l.append(rec(0));
    expect(r.index).toBe(0);
    expect(toHex(r.leafHash)).toBe(toHex(leafOf(rec(0))));
    const e = await l.get(0);
    expect(e.record).toEqual(rec(0));
    expect(new TextDecoder().decode(e.bytes)).toBe(canonicalize(rec(0)));
    await expect(l.get(1)).rejects.toMatchObject({ code: 'AEQ_LEDGER_NOT_FOUND' });
    await l.close();
  });

  it('group-commits concurrent appends into consecutive indices with the naive root', async () => {
    const dir = fresh();
    const l = await Ledger.init(dir, { origin: 'example.com/b' });
    const records = Array.from({ length: 500 }, (_, i) => rec(i));
    const results = await Promise.all(records.map((r) => l.append(r)));
    expect(results.map((r) => r.index)).toEqual(records.map((_, i) => i));
    expect(l.size).toBe(500);
    expect(toHex(l.root())).toBe(toHex(naiveMTH(records.map(leafOf))));
    await l.close();
    const again = await Ledger.open(dir, { readOnly: true });
    expect(again.size).toBe(500);
    expect(toHex(again.root(123))).toBe(toHex(naiveMTH(records.slice(0, 123).map(leafOf))));
    await again.close();
  });

  it('proves inclusion and consistency, and signs checkpoints that verify under ledger.json key', async () => {
    const dir = fresh();
    const l = await Ledger.init(dir, { origin: 'example.com/c' });
    for (let i = 0; i < 13; i++) await l.append(rec(i));
    const cp1 = await l.checkpoint();
    for (let i = 13; i < 21; i++) await l.append(rec(i));
    const cp2 = await l.checkpoint();
    const v = parseVerifierKey(JSON.parse(readFileSync(join(dir, 'ledger.json'), 'utf8')).verifierKey);
    const a = openCheckpoint(cp1, v, 'example.com/c');
    const b = openCheckpoint(cp2, v, 'example.com/c');
    expect([a.size, b.size]).toEqual([13, 21]);
    expect(() => verifyInclusion({ ...l.prove(7, 13), rootHash: a.rootHash })).not.toThrow();
    expect(() =>
      verifyConsistency({ ...l.consistency(13, 21), oldRoot: a.rootHash, newRoot: b.rootHash }),
    ).not.toThrow();
    expect(readFileSync(join(dir, 'checkpoint'), 'utf8')).toBe(cp2);
    const report = await l.verify();
    expect(report).toMatchObject({ ok: true, size: 21, checkpoints: 2, firstBadEntry: null, problems: [] });
    expect(() => l.prove(21)).toThrow(expect.objectContaining({ code: 'AEQ_LEDGER_NOT_FOUND' }));
    await l.close();
  });

  it('lets one writer at a time hold the lock, readers at any time', async () => {
    const dir = fresh();
    const l = await Ledger.init(dir, { origin: 'example.com/d' });
    await expect(Ledger.open(dir)).rejects.toMatchObject({ code: 'AEQ_LEDGER_LOCKED' });
    const r = await Ledger.open(dir, { readOnly: true });
    await expect(r.append(rec(0))).rejects.toMatchObject({ code: 'AEQ_LEDGER_LOCKED' });
    await r.close();
    await l.close();
    // A lock left by a dead process is taken over.
    writeFileSync(join(dir, 'lock'), '2147483646');
    const w = await Ledger.open(dir);
    await w.close();
  });

  it('gives clear errors for a missing ledger, a newer format and a missing key', async () => {
    await expect(Ledger.open(join(root, 'nothing'))).rejects.toMatchObject({ code: 'AEQ_LEDGER_NOT_FOUND' });
    const dir = fresh();
    await (await Ledger.init(dir, { origin: 'example.com/e' })).close();
    const meta = JSON.parse(readFileSync(join(dir, 'ledger.json'), 'utf8'));
    writeFileSync(join(dir, 'ledger.json'), JSON.stringify({ ...meta, version: LEDGER_FORMAT_VERSION + 1 }));
    await expect(Ledger.open(dir)).rejects.toMatchObject({ code: 'AEQ_LEDGER_VERSION' });
    writeFileSync(join(dir, 'ledger.json'), JSON.stringify(meta));
    writeFileSync(join(dir, 'private.key'), '');
    const l = await Ledger.open(dir);
    await expect(l.checkpoint()).rejects.toMatchObject({ code: 'AEQ_LEDGER_KEY' });
    await l.close();
  });

  it('ignores a torn tail when reading and truncates it when opened for writing', async () => {
    const dir = fresh();
    const l = await Ledger.init(dir, { origin: 'example.com/f' });
    for (let i = 0; i < 3; i++) await l.append(rec(i));
    await l.close();
    const entries = readFileSync(join(dir, 'entries.log'));
    // The first 40 bytes of a copy of frame 0, as a write cut short by a crash would leave.
    appendFileSync(join(dir, 'entries.log'), entries.subarray(0, 40));
    const r = await Ledger.open(dir, { readOnly: true });
    expect(await r.verify()).toMatchObject({ ok: true, size: 3, tornTailBytes: 40 });
    await r.close();
    const w = await Ledger.open(dir);
    expect(statSync(join(dir, 'entries.log')).size).toBe(entries.length);
    expect((await w.append(rec(3))).index).toBe(3);
    expect(await w.verify()).toMatchObject({ ok: true, size: 4, tornTailBytes: 0 });
    await w.close();
  });
});

describe('Ledger.verify detects tampering (properties)', () => {
  const SIZE = 12;
  let template = '';
  const frames: { start: number; end: number }[] = [];

  async function makeTemplate(): Promise<void> {
    if (template) return;
    template = fresh();
    const l = await Ledger.init(template, { origin: 'example.com/t' });
    for (let i = 0; i < SIZE; i++) await l.append(rec(i));
    await l.checkpoint();
    await l.close();
    const buf = readFileSync(join(template, 'entries.log'));
    // Frame boundaries from the length field (bytes 4–7 of each frame; 52 bytes of framing).
    for (let o = 0; o < buf.length; ) {
      const end = o + 52 + buf.readUInt32BE(o + 4);
      frames.push({ start: o, end });
      o = end;
    }
  }

  async function verifyMutated(mutate: (b: Buffer) => Buffer) {
    const dir = fresh();
    cpSync(template, dir, { recursive: true });
    const file = join(dir, 'entries.log');
    writeFileSync(file, mutate(readFileSync(file)));
    const l = await Ledger.open(dir, { readOnly: true });
    try {
      return await l.verify();
    } finally {
      await l.close();
    }
  }

  const frameAt = (byte: number) => frames.findIndex((f) => byte >= f.start && byte < f.end);
  const seg = (b: Buffer, i: number) => b.subarray(frames[i]!.start, frames[i]!.end);

  it('finds any single-bit change in the entries file and names the entry holding it', async () => {
    await makeTemplate();
    const total = frames.at(-1)!.end;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: total - 1 }),
        fc.integer({ min: 0, max: 7 }),
        async (byte, bit) => {
          const r = await verifyMutated((b) => {
            const c = Buffer.from(b);
            c[byte]! ^= 1 << bit;
            return c;
          });
          expect(r.ok).toBe(false);
          expect(r.firstBadEntry).toBe(frameAt(byte));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('finds two entries swapped, and names the first', async () => {
    await makeTemplate();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: SIZE - 1 }),
        fc.integer({ min: 0, max: SIZE - 1 }),
        async (a, b) => {
          fc.pre(a !== b);
          const [i, j] = a < b ? [a, b] : [b, a];
          const r = await verifyMutated((buf) => {
            const parts = frames.map((_, k) => seg(buf, k));
            [parts[i], parts[j]] = [parts[j]!, parts[i]!];
            return Buffer.concat(parts);
          });
          expect(r.ok).toBe(false);
          expect(r.firstBadEntry).toBe(i);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('finds a dropped entry, and names its index', async () => {
    await makeTemplate();
    for (let k = 0; k < SIZE; k++) {
      const r = await verifyMutated((buf) =>
        Buffer.concat(frames.map((_, m) => seg(buf, m)).filter((_, m) => m !== k)),
      );
      expect(r.ok).toBe(false);
      expect(r.firstBadEntry).toBe(k);
    }
  });

  it('finds an inserted entry (a copy of another), and names the insertion point', async () => {
    await makeTemplate();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: SIZE - 1 }),
        fc.integer({ min: 0, max: SIZE }),
        async (src, at) => {
          const r = await verifyMutated((buf) => {
            const parts = frames.map((_, k) => seg(buf, k));
            parts.splice(at, 0, seg(buf, src));
            return Buffer.concat(parts);
          });
          expect(r.ok).toBe(false);
          // A copy inserted just before its original sits at its own index, so the break is one later.
          expect(r.firstBadEntry).toBe(at === src ? at + 1 : at);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('finds an entry rewritten with valid framing by its signed checkpoint', async () => {
    await makeTemplate();
    // A careful forger re-frames entry 4 with new content, correct checksum and leaf hash.
    const { encodeFrame } = await import('./frame.js');
    const { leafHash } = await import('../ledger/hash.js');
    const r = await verifyMutated((buf) => {
      const parts = frames.map((_, k) => seg(buf, k));
      const forged = Buffer.from(canonicalize({ ...rec(4), summary: { verdict: 'pass', accuracy: 0.99 } }));
      parts[4] = encodeFrame(4, forged, leafHash(forged));
      return Buffer.concat(parts);
    });
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.message).join('\n')).toMatch(/recomputed/);
  });
});
