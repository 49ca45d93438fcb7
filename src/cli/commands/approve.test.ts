import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunRecord, Ledger, type RunRecord, toHex } from '../../accountability/index.js';
import { runCli } from '../run.js';
import { type CapturedIo, captureIo } from '../test-io.fixture.js';
import { runApprove } from './approve.js';
import { runLedger } from './ledger.js';

let dir: string;
let ledgerDir: string;
let key: string;

function cap(): CapturedIo {
  return captureIo({ env: { AEQUA_LEDGER_DIR: ledgerDir } });
}

/** Canonical JSON for the flat ASCII statement (RFC 8785: keys sorted, no whitespace). */
const canon = (o: Record<string, unknown>) =>
  `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(o[k])}`)
    .join(',')}}`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aequa-approve-'));
  ledgerDir = join(dir, '.aequa', 'ledger');
  key = join(dir, 'ana.key');
  const l = await Ledger.init(ledgerDir, { origin: 'test/approve' });
  for (let i = 0; i < 3; i++)
    await l.append(createRunRecord({ command: `run-${i}`, toolVersion: 'aequa@0.1.0', actor: 'bo' }));
  await l.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('aequa approve', () => {
  it('makes an approver key at mode 0600 and refuses to overwrite it', async () => {
    const c = cap();
    expect(await runApprove(['keygen', 'ana', '--key', key, '--format', 'json'], c)).toBe(0);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(JSON.parse(c.out()).verifierKey).toMatch(/^ana\+[0-9a-f]{8}\+/);
    expect(await runCli(['approve', 'keygen', 'ana', '--key', key], cap())).toBe(2);
  });

  it('appends an approval whose Ed25519 signature an independent verifier accepts', async () => {
    const c = cap();
    expect(await runApprove(['1', '--role', 'risk-officer', '--key', key, '--note', 'ok to ship'], c)).toBe(
      0,
    );
    expect(c.out()).toMatch(
      /^Entry 1 \([0-9a-f]{12}\) approved by ana as risk-officer: recorded as entry 3\n$/,
    );
    const l = await Ledger.open(ledgerDir, { readOnly: true });
    const rec: RunRecord = (await l.get(3)).record;
    const leaf1 = toHex(l.leafHash(1));
    await l.close();
    expect([rec.kind, rec.refs]).toEqual(['approval', [1]]);
    const s = rec.summary as { approval: Record<string, unknown>; verifierKey: string; signature: string };
    expect(s.approval).toMatchObject({ entryIndex: 1, leafHash: leaf1, role: 'risk-officer', actor: 'ana' });
    // Verifier key = name+keyid+base64(0x01 ‖ 32-byte public key): take the raw key, check with node:crypto.
    const raw = Buffer.from(s.verifierKey.split('+').slice(2).join('+'), 'base64').subarray(1);
    const pub = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
      format: 'jwk',
    });
    const msg = Buffer.from(canon(s.approval));
    expect(verify(null, msg, pub, Buffer.from(s.signature, 'base64'))).toBe(true);
    expect(
      verify(
        null,
        Buffer.from(canon({ ...s.approval, role: 'intern' })),
        pub,
        Buffer.from(s.signature, 'base64'),
      ),
    ).toBe(false);
  });

  it('ledger verify counts the approval, and fails naming it when its signature is forged', async () => {
    const ok = cap();
    expect(await runLedger(['verify', '--dir', ledgerDir], ok)).toBe(0);
    expect(ok.out()).toContain('4 entries');
    expect(ok.out()).toContain('1 approvals verify');
    // Append a forged approval: a valid record whose signature is another message's.
    const l = await Ledger.open(ledgerDir);
    const real = (await l.get(3)).record;
    const s = real.summary as { approval: Record<string, unknown> };
    await l.append({
      ...real,
      summary: { ...real.summary, approval: { ...s.approval, role: 'ceo' } },
    } as RunRecord);
    await l.close();
    const bad = cap();
    expect(await runLedger(['verify', '--dir', ledgerDir, '--format', 'json'], bad)).toBe(1);
    const j = JSON.parse(bad.out()) as { firstBadEntry: number; problems: { message: string }[] };
    expect(j.firstBadEntry).toBe(4);
    expect(j.problems[0]!.message).toBe('Approval entry 4: its Ed25519 signature does not verify.');
  });

  it('exits 2 with AEQ_LEDGER_KEY when the key file is missing or not a key', async () => {
    const c = cap();
    expect(await runCli(['approve', '0', '--role', 'dpo', '--key', join(dir, 'none.key')], c)).toBe(2);
    expect(c.err()).toContain('(AEQ_LEDGER_KEY)');
    writeFileSync(join(dir, 'junk.key'), 'hello');
    const d = cap();
    expect(await runCli(['approve', '0', '--role', 'dpo', '--key', join(dir, 'junk.key')], d)).toBe(2);
    expect(d.err()).toContain('PRIVATE+KEY+name+hex8+base64');
    expect(readFileSync(key, 'utf8')).toMatch(/^PRIVATE\+KEY\+ana\+/);
  });
});
