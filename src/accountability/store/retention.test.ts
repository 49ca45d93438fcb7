import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalize } from '../ledger/canonical.js';
import { toHex } from '../ledger/hash.js';
import { naiveMTH } from '../ledger/naive-merkle.fixture.js';
import { verifyConsistency, verifyInclusion } from '../ledger/proof.js';
import { createRunRecord, type RecordKind, type RunRecord } from '../record.js';
import { Ledger } from './file-store.js';
import { decodeFrame, encodeFrame, encodeHead } from './frame.js';
import { parseDuration, parseRetentionPolicy, parseTombstone, tombstoneText, toRanges } from './retention.js';

const root = mkdtempSync(join(tmpdir(), 'aequa-retention-'));
let n = 0;
const fresh = () => join(root, `l${n++}`, 'ledger');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const DAY = 86_400_000;
const NOW = new Date('2025-06-30T00:00:00.000Z');
/** Entry i happened (60 - 5i) days before NOW: entries 0–5 are older than 30 days, 6–11 are not. */
const rec = (i: number, kind: RecordKind = 'event'): RunRecord =>
  createRunRecord({
    kind,
    command: 'predict',
    toolVersion: 'aequa@0.1.0',
    actor: 'svc',
    timestamp: new Date(NOW.getTime() - (60 - 5 * i) * DAY - 1),
    config: { request: i, applicant: `person-${i}` },
    summary: { decision: i % 2 ? 'accept' : 'refer' },
  });
// Independent leaf hash: SHA-256(0x00 ‖ canonical JSON), without the ledger's hash module.
const leafOf = (r: RunRecord) =>
  new Uint8Array(createHash('sha256').update(Uint8Array.of(0)).update(canonicalize(r)).digest());

/** The frames of entries.log, as separate buffers. */
function frames(dir: string): Buffer[] {
  const buf = readFileSync(join(dir, 'entries.log'));
  const out: Buffer[] = [];
  for (let off = 0; off < buf.length; ) {
    const f = decodeFrame(buf, off);
    if (!f.ok) throw new Error(f.reason);
    out.push(buf.subarray(off, off + f.length));
    off += f.length;
  }
  return out;
}

/** Rewrites entries.log from frames and makes the (unsigned, CRC-only) head agree, as a careful forger would. */
async function forge(dir: string, parts: Buffer[]): Promise<void> {
  const all = Buffer.concat(parts);
  writeFileSync(join(dir, 'entries.log'), all);
  const leaves = parts.map((p) => {
    const f = decodeFrame(p, 0);
    if (!f.ok) throw new Error(f.reason);
    return new Uint8Array(f.leafHash);
  });
  writeFileSync(
    join(dir, 'head'),
    encodeHead({ size: leaves.length, bytes: all.length, root: naiveMTH(leaves) }),
  );
}

const payloadOf = (frame: Buffer) => {
  const f = decodeFrame(frame, 0);
  if (!f.ok) throw new Error(f.reason);
  return f;
};

describe('retention helpers', () => {
  it('reads durations with a unit and refuses anything else', () => {
    expect(parseDuration('12h')).toBe(12 * 3_600_000);
    expect(parseDuration('1d')).toBe(DAY);
    expect(parseDuration('2w')).toBe(14 * DAY);
    expect(() => parseDuration('1 day')).toThrow(/12h or 1d/);
    expect(() => parseDuration('0d')).toThrow(expect.objectContaining({ code: 'AEQ_INVALID_ARGUMENT' }));
  });

  it('compresses sorted indices into half-open ranges', () => {
    expect(toRanges([0, 1, 2, 5, 7, 8])).toEqual([
      [0, 3],
      [5, 6],
      [7, 9],
    ]);
    expect(toRanges([])).toEqual([]);
  });

  it('checks a policy field by field and names the bad one', () => {
    expect(parseRetentionPolicy({ keepDays: 180, every: '1d', everyEntries: 1000 })).toEqual({
      keepDays: 180,
      every: '1d',
      everyEntries: 1000,
    });
    expect(() => parseRetentionPolicy({ keepDays: -1 })).toThrow(/keepDays = -1/);
    expect(() => parseRetentionPolicy({ every: 'daily' })).toThrow(/every = "daily"/);
    expect(() => parseRetentionPolicy({ kinds: ['retention'] })).toThrow(
      expect.objectContaining({ code: 'AEQ_LEDGER_RETENTION' }),
    );
    expect(() => parseRetentionPolicy({ keepDay: 3 })).toThrow(/keepDay/);
  });

  it('reads a tombstone only in its exact canonical form', () => {
    const h = 'ab'.repeat(32);
    const t = tombstoneText(h, 7);
    expect(t).toBe(`{"leafHash":"${h}","retention":7,"tombstone":1}`);
    expect(parseTombstone(Buffer.from(t))).toEqual({ tombstone: 1, leafHash: h, retention: 7 });
    expect(parseTombstone(Buffer.from(t.replace(':7,', ': 7,')))).toBeNull();
    expect(parseTombstone(Buffer.from(t.replace('ab', 'AB')))).toBeNull();
    expect(parseTombstone(Buffer.from(canonicalize(rec(0))))).toBeNull();
  });
});

describe('checkpoints and consistency between them', () => {
  async function threeCheckpoints() {
    const dir = fresh();
    const l = await Ledger.init(dir, { origin: 'example.com/ret' });
    const t0 = new Date('2025-01-01T00:00:00.000Z');
    for (let i = 0; i < 5; i++) await l.append(rec(i));
    await l.checkpoint(t0);
    for (let i = 5; i < 12; i++) await l.append(rec(i));
    await l.checkpoint(new Date(t0.getTime() + DAY));
    for (let i = 12; i < 15; i++) await l.append(rec(i));
    await l.checkpoint(new Date(t0.getTime() + 2 * DAY));
    await l.close();
    return dir;
  }

  it('stores each checkpoint with its time and a consistency proof from the one before, which verify', async () => {
    const dir = await threeCheckpoints();
    const l = await Ledger.open(dir, { readOnly: true });
    const cps = await l.storedCheckpoints();
    expect(cps.map((c) => [c.size, c.time, c.proof?.fromSize])).toEqual([
      [5, '2025-01-01T00:00:00.000Z', 0],
      [12, '2025-01-02T00:00:00.000Z', 5],
      [15, '2025-01-03T00:00:00.000Z', 12],
    ]);
    const leaves = Array.from({ length: 15 }, (_, i) => leafOf(rec(i)));
    // Roots recomputed with the naive MTH, proofs checked with the RFC 9162 verifier.
    for (const [k, c] of cps.entries()) {
      expect(c.rootHash).toBe(toHex(naiveMTH(leaves.slice(0, c.size))));
      if (k === 0) continue;
      const prev = cps[k - 1]!;
      expect(() =>
        verifyConsistency({
          oldSize: prev.size,
          newSize: c.size,
          oldRoot: naiveMTH(leaves.slice(0, prev.size)),
          newRoot: naiveMTH(leaves.slice(0, c.size)),
          path: c.proof!.path.map((h) => new Uint8Array(Buffer.from(h, 'hex'))),
        }),
      ).not.toThrow();
    }
    const r = await l.verify();
    expect(r).toMatchObject({ ok: true, checkpoints: 3, firstBadCheckpoint: null, size: 15 });
    await l.close();
  });

  it('detects an entry dropped between two checkpoints and names the checkpoint that covers it', async () => {
    const dir = await threeCheckpoints();
    // Drop entry 7 and renumber the later frames with fresh checksums.
    const parts = frames(dir).filter((_, i) => i !== 7);
    const renumbered = parts.map((p, i) => {
      const f = payloadOf(p);
      return encodeFrame(i, f.payload, f.leafHash);
    });
    await forge(dir, renumbered);
    const l = await Ledger.open(dir, { readOnly: true });
    const r = await l.verify();
    expect(r.ok).toBe(false);
    expect(r.size).toBe(14);
    // Checkpoint 0 (size 5) still matches; checkpoint 1 (size 12) covers entry 7: it is the first to fail.
    expect(r.firstBadCheckpoint).toBe(1);
    expect(r.firstBadEntry).toBe(5);
    expect(r.problems[0]!.message).toMatch(/Checkpoint 1 \(size 12\).*altered/);
    await l.close();
  });

  it('detects a stored checkpoint whose consistency proof does not link it to the one before', async () => {
    const dir = await threeCheckpoints();
    const path = join(dir, 'checkpoints.log');
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    const third = JSON.parse(lines[2]!);
    third.proof.path[0] = '00'.repeat(32);
    lines[2] = canonicalize(third);
    writeFileSync(path, `${lines.join('\n')}\n`);
    const l = await Ledger.open(dir, { readOnly: true });
    const r = await l.verify();
    expect(r.ok).toBe(false);
    expect(r.firstBadCheckpoint).toBe(2);
    expect(r.problems.map((p) => p.message).join('\n')).toMatch(/not consistent with checkpoint 1/);
    await l.close();
  });

  it('signs a checkpoint when the policy says one is due, by entries or by time', async () => {
    const l = await Ledger.init(fresh(), { origin: 'example.com/due' });
    const t0 = new Date('2025-01-01T00:00:00.000Z');
    expect(await l.checkpointIfDue(t0)).toBeNull(); // no policy
    await l.setRetention({ everyEntries: 5, every: '1h' });
    await l.append(rec(0));
    expect(await l.checkpointIfDue(t0)).not.toBeNull(); // first checkpoint
    for (let i = 1; i < 4; i++) await l.append(rec(i));
    expect(await l.checkpointIfDue(new Date(t0.getTime() + 30 * 60_000))).toBeNull(); // 3 entries, 30 min
    expect(await l.checkpointIfDue(new Date(t0.getTime() + 61 * 60_000))).not.toBeNull(); // 61 min
    for (let i = 4; i < 9; i++) await l.append(rec(i));
    expect(await l.checkpointIfDue(new Date(t0.getTime() + 62 * 60_000))).not.toBeNull(); // 5 entries
    expect(await l.checkpointIfDue(new Date(t0.getTime() + 9 * 3_600_000))).toBeNull(); // nothing new
    expect((await l.storedCheckpoints()).map((c) => c.size)).toEqual([1, 4, 9]);
    expect((await l.verify()).ok).toBe(true);
    await l.close();
  });
});

describe('redaction to tombstones', () => {
  async function redacted() {
    const dir = fresh();
    const l = await Ledger.init(dir, { origin: 'example.com/redact' });
    for (let i = 0; i < 12; i++) await l.append(rec(i, i === 3 ? 'card' : 'event'));
    const rootBefore = toHex(l.root());
    await l.setRetention({ keepDays: 30 });
    const report = await l.applyRetention({ actor: 'dpo', toolVersion: 'aequa@0.1.0', now: NOW });
    return { dir, l, rootBefore, report };
  }

  it('replaces old payloads by tombstones that keep every proof and checkpoint valid', async () => {
    const { dir, l, rootBefore, report } = await redacted();
    // By hand: entry i is 60 - 5i days (+1 ms) old, so 0–6 are older than the 30-day cutoff; 3 is a
    // card (not a redacted kind), leaving 0–2 and 4–6; entry 12 is the retention entry.
    expect(report).toMatchObject({
      redacted: 6,
      ranges: [
        [0, 3],
        [4, 7],
      ],
      retentionEntry: 12,
    });
    expect(report.cutoff).toBe('2025-05-31T00:00:00.000Z');
    expect(l.size).toBe(13);
    const leaves = [
      ...Array.from({ length: 12 }, (_, i) => leafOf(rec(i, i === 3 ? 'card' : 'event'))),
      l.leafHash(12),
    ];
    expect(toHex(l.root(12))).toBe(rootBefore);
    expect(toHex(l.root())).toBe(toHex(naiveMTH(leaves)));
    const text = readFileSync(join(dir, 'entries.log'), 'utf8');
    expect(text).not.toContain('person-0');
    expect(text).not.toContain('person-6');
    expect(text).toContain('person-3');
    expect(text).toContain('person-7');
    const e = await l.get(1);
    expect(e.tombstone).toEqual({ tombstone: 1, leafHash: toHex(leafOf(rec(1))), retention: 12 });
    expect(e.record.kind).toBe('retention');
    expect((await l.get(7)).record).toEqual(rec(7));
    await l.append(rec(20));
    await l.checkpoint(NOW);
    await l.close();
    const r = await Ledger.open(dir, { readOnly: true });
    const rep = await r.verify();
    expect(rep).toMatchObject({ ok: true, tombstones: 6, checkpoints: 2, size: 14 });
    for (let i = 0; i < r.size; i++) expect(() => verifyInclusion(r.prove(i))).not.toThrow();
    expect(() => verifyConsistency(r.consistency(5, 14))).not.toThrow();
    expect(JSON.parse(readFileSync(join(dir, 'ledger.json'), 'utf8')).version).toBe(2);
    await r.close();
  });

  it('redacts nothing new on a second run, and a dry run changes nothing', async () => {
    const { dir, l } = await redacted();
    const before = readFileSync(join(dir, 'entries.log'));
    const dry = await l.applyRetention({
      actor: 'dpo',
      toolVersion: 'x',
      now: NOW,
      keepDays: 0,
      dryRun: true,
    });
    expect(dry).toMatchObject({ dryRun: true, redacted: 5 }); // 7–11 (0–6 are tombstones or the card 3)
    expect(readFileSync(join(dir, 'entries.log')).equals(before)).toBe(true);
    const again = await l.applyRetention({ actor: 'dpo', toolVersion: 'x', now: NOW });
    expect(again).toMatchObject({ redacted: 0, retentionEntry: null });
    await l.close();
  });

  it('completes a redaction that was declared but interrupted before the rewrite', async () => {
    const dir = fresh();
    const l = await Ledger.init(dir, { origin: 'example.com/resume' });
    for (let i = 6; i < 10; i++) await l.append(rec(i)); // all recent
    // A retention entry declaring [0, 2) whose rewrite never happened.
    await l.append(
      createRunRecord({
        kind: 'retention',
        command: 'ledger retention',
        actor: 'dpo',
        toolVersion: 'x',
        summary: { redacted: [[0, 2]] },
      }),
    );
    const r = await l.applyRetention({ actor: 'dpo', toolVersion: 'x', now: NOW, keepDays: 30 });
    expect(r).toMatchObject({ redacted: 2, ranges: [[0, 2]], retentionEntry: null });
    expect((await l.get(0)).tombstone?.retention).toBe(4);
    expect((await l.verify()).ok).toBe(true);
    await l.close();
  });

  it('detects a tombstone whose leaf hash was changed, even with a valid frame', async () => {
    const { dir, l } = await redacted();
    await l.close();
    const parts = frames(dir);
    const forged = 'cd'.repeat(32);
    parts[1] = encodeFrame(1, Buffer.from(tombstoneText(forged, 12)), Buffer.from(forged, 'hex'));
    await forge(dir, parts);
    const r = await (await Ledger.open(dir, { readOnly: true })).verify();
    expect(r.ok).toBe(false);
    expect(r.firstBadCheckpoint).toBe(0); // the checkpoint signed before redacting
    expect(r.problems[0]!.message).toMatch(/Checkpoint 0 .*altered/);
  });

  it('detects a tombstone that names the wrong retention entry, and a forged tombstone of a kept entry', async () => {
    const { dir, l } = await redacted();
    await l.close();
    const original = frames(dir);
    const f1 = payloadOf(original[1]!);
    const wrong = [...original];
    wrong[1] = encodeFrame(1, Buffer.from(tombstoneText(toHex(f1.leafHash), 11)), f1.leafHash);
    await forge(dir, wrong);
    let r = await (await Ledger.open(dir, { readOnly: true })).verify();
    expect(r).toMatchObject({ ok: false, firstBadEntry: 1 });
    expect(r.problems[0]!.message).toMatch(/tombstone naming entry 11/);
    // Entry 7 was not redacted: a tombstone for it, even with its true leaf hash, is refused.
    const f7 = payloadOf(original[7]!);
    const kept = [...original];
    kept[7] = encodeFrame(7, Buffer.from(tombstoneText(toHex(f7.leafHash), 12)), f7.leafHash);
    await forge(dir, kept);
    r = await (await Ledger.open(dir, { readOnly: true })).verify();
    expect(r).toMatchObject({ ok: false, firstBadEntry: 7 });
    // A flipped bit in a tombstone fails its frame checksum.
    const flipped = Buffer.concat(original);
    const off = original.slice(0, 2).reduce((a, p) => a + p.length, 0) + 20;
    flipped[off]! ^= 0x01;
    writeFileSync(join(dir, 'entries.log'), flipped);
    r = await (await Ledger.open(dir, { readOnly: true })).verify();
    expect(r).toMatchObject({ ok: false, firstBadEntry: 2 });
  });
});
