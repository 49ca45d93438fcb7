import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ed25519PublicKey,
  ed25519Signer,
  formatCheckpoint,
  keyId,
  openCheckpoint,
  openNote,
  parseCheckpoint,
  parseSignerKey,
  parseVerifierKey,
  signCheckpoint,
  signerKeyString,
  signNote,
  verifierKeyString,
} from './checkpoint.js';
import { fromBase64, toHex } from './hash.js';

const go = JSON.parse(
  readFileSync(new URL('../../../test/vectors/ledger/signed-note-go.json', import.meta.url), 'utf8'),
);

describe('signed notes (C2SP signed-note, Go sumdb/note vectors)', () => {
  it('signs the Go test text under the Go test key byte for byte (Ed25519 is deterministic)', () => {
    const signer = parseSignerKey(go.input.signerKey);
    expect(toHex(signer.keyId)).toBe(go.expected.keyId);
    expect(signNote(go.input.text, [signer])).toBe(go.expected.note);
  });

  it('derives the key ID SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)[:4] and the verifier key string', () => {
    const v = parseVerifierKey(go.expected.verifierKey);
    const pub = fromBase64(go.expected.verifierKey.split('+')[2]).subarray(1);
    expect(toHex(keyId('PeterNeumann', pub))).toBe('c74f20a3');
    expect(verifierKeyString('PeterNeumann', pub)).toBe(go.expected.verifierKey);
    expect(toHex(v.keyId)).toBe('c74f20a3');
  });

  it('opens the Go note, keeping a signature from an unknown key as unverified', () => {
    const v = parseVerifierKey(go.expected.verifierKey);
    const note = go.expected.note + go.expected.otherSignatureLine;
    const r = openNote(note, [v]);
    expect(r.text).toBe(go.input.text);
    expect(r.verified.map((s) => s.name)).toEqual(['PeterNeumann']);
    expect(r.unverified.map((s) => s.name)).toEqual(['EnochRoot']);
    // With both keys known, both verify.
    const both = openNote(note, [v, parseVerifierKey(go.expected.otherVerifierKey)]);
    expect(both.verified).toHaveLength(2);
  });

  it('rejects a note whose known signature or text was altered, or that no trusted key signed', () => {
    const v = parseVerifierKey(go.expected.verifierKey);
    const note: string = go.expected.note;
    const sigAt = note.lastIndexOf(' ') + 10;
    const badSig = note.slice(0, sigAt) + (note[sigAt] === 'A' ? 'B' : 'A') + note.slice(sigAt + 1);
    expect(() => openNote(badSig, [v])).toThrow(
      expect.objectContaining({ code: 'AEQ_LEDGER_CHECKPOINT_INVALID' }),
    );
    expect(() => openNote(note.replace('cryptography', 'cryptograpHy'), [v])).toThrow(/does not verify/);
    expect(() => openNote(note, [parseVerifierKey(go.expected.otherVerifierKey)])).toThrow(
      /no signature from a trusted key/,
    );
    expect(() => openNote(go.input.text, [v])).toThrow(/blank line/);
    expect(() => openNote(`${go.input.text}\n— Bad Name x08g\n`, [v])).toThrow(/Malformed signature line/);
  });

  it('rejects mangled key strings', () => {
    expect(() => parseVerifierKey(go.expected.verifierKey.replace('c74f20a3', 'c74f20a4'))).toThrow(
      expect.objectContaining({ code: 'AEQ_LEDGER_KEY' }),
    );
    expect(() =>
      parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'),
    ).toThrow(/not an Ed25519 key/);
    expect(() => parseSignerKey(go.input.signerKey.slice(0, -4))).toThrow(
      expect.objectContaining({ code: 'AEQ_LEDGER_KEY' }),
    );
  });

  it('round-trips a fresh key through its signer and verifier strings', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const s = parseSignerKey(signerKeyString('example.com/log', privateKey));
    const v = parseVerifierKey(verifierKeyString('example.com/log', ed25519PublicKey(privateKey)));
    expect(toHex(s.keyId)).toBe(toHex(v.keyId));
    const note = signNote('hello\n', [s]);
    expect(openNote(note, [v]).text).toBe('hello\n');
  });
});

describe('tlog checkpoints (C2SP tlog-checkpoint)', () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const signer = ed25519Signer('example.com/log', privateKey);
  const verifier = parseVerifierKey(verifierKeyString('example.com/log', ed25519PublicKey(privateKey)));
  const root = fromBase64('XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=');

  it('formats origin, decimal size and base64 root, one per line', () => {
    expect(formatCheckpoint({ origin: 'example.com/log', size: 8, rootHash: root })).toBe(
      'example.com/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n',
    );
  });

  it('signs and opens a checkpoint, returning the tree head', () => {
    const note = signCheckpoint({ origin: 'example.com/log', size: 8, rootHash: root }, signer);
    expect(note.split('\n')[4]).toMatch(/^— example\.com\/log [A-Za-z0-9+/]{91}=$/);
    const cp = openCheckpoint(note, verifier, 'example.com/log');
    expect(cp.size).toBe(8);
    expect(toHex(cp.rootHash)).toBe(toHex(root));
    expect(() => openCheckpoint(note, verifier, 'example.com/other')).toThrow(/origin "example.com\/log"/);
    expect(() => openCheckpoint(note.replace('\n8\n', '\n9\n'), verifier)).toThrow(/does not verify/);
  });

  it('rejects malformed bodies: leading zeros, short roots, empty origin', () => {
    expect(() => parseCheckpoint('o\n08\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n')).toThrow(
      /decimal count/,
    );
    expect(() => parseCheckpoint('o\n8\nAQID\n')).toThrow(/not 32 bytes/);
    expect(() => parseCheckpoint('\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n')).toThrow(/no origin/);
    expect(parseCheckpoint('o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\next\n').extensions).toEqual([
      'ext',
    ]);
  });
});
