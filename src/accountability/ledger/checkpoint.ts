/**
 * @module accountability/ledger/checkpoint
 * Signed checkpoints in the C2SP formats, so that witnesses and existing transparency-log tools can
 * read them: a signed note (https://c2sp.org/signed-note: text, a blank line, then lines
 * `— <name> <base64(key ID ‖ signature)>`, key ID = SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4]
 * for Ed25519) whose text is a tlog checkpoint (https://c2sp.org/tlog-checkpoint: origin, tree size,
 * base64 root hash). Keys use the Go `golang.org/x/mod/sumdb/note` text encodings.
 */
import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { AequaError } from '../../core/index.js';
import { bytesEqual, fromBase64, HASH_SIZE, sha256, toBase64, toHex } from './hash.js';

/** The tree head a checkpoint commits to. */
export interface Checkpoint {
  /** Unique identity of the log, e.g. `example.com/ledger` (first line of the note). */
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** Optional extension lines after the root hash. */
  readonly extensions?: readonly string[];
}

/** Signs note text under a key name. */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/** Verifies note signatures of one key. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: Uint8Array;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

/** One signature line of a note, after parsing. */
export interface NoteSignature {
  readonly name: string;
  readonly keyId: Uint8Array;
  readonly signature: Uint8Array;
}

const ALG_ED25519 = 0x01;
const EM_DASH_LINE = '\u2014 ';
// PKCS #8 DER prefix of an Ed25519 private key (RFC 8410 §7); the 32-byte seed follows.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function invalid(message: string, details: Record<string, unknown> = {}): AequaError {
  return new AequaError('AEQ_LEDGER_CHECKPOINT_INVALID', message, {
    hint: 'Check that the checkpoint text is complete and was signed by the ledger key you trust.',
    details,
  });
}

function keyError(message: string): AequaError {
  return new AequaError('AEQ_LEDGER_KEY', message, {
    hint: 'Restore the key file from your backup, or check that the key string was copied whole.',
  });
}

/** A key name is non-empty, has no whitespace and no '+' (signed-note §"Signatures"). */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name);
}

/**
 * The 4-byte key ID of an Ed25519 key: SHA-256(name ‖ 0x0A ‖ 0x01 ‖ publicKey)[:4].
 * @example toHex(keyId('PeterNeumann', pub)) // 'c74f20a3' (the Go sumdb/note test key)
 */
export function keyId(name: string, publicKey: Uint8Array): Uint8Array {
  const nameBytes = new TextEncoder().encode(name);
  const buf = new Uint8Array(nameBytes.length + 2 + publicKey.length);
  buf.set(nameBytes, 0);
  buf[nameBytes.length] = 0x0a;
  buf[nameBytes.length + 1] = ALG_ED25519;
  buf.set(publicKey, nameBytes.length + 2);
  return sha256(buf).slice(0, 4);
}

/** The Ed25519 private key object of a 32-byte seed. */
export function ed25519PrivateKeyFromSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw keyError(`An Ed25519 seed has 32 bytes, got ${seed.length}.`);
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** The 32-byte seed of an Ed25519 private key object. */
export function ed25519Seed(privateKey: KeyObject): Uint8Array {
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  return new Uint8Array(der.subarray(der.length - 32));
}

/** The raw 32-byte Ed25519 public key of a private or public key object. */
export function ed25519PublicKey(key: KeyObject): Uint8Array {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const jwk = pub.export({ format: 'jwk' }) as { x?: string };
  if (!jwk.x) throw keyError('The key is not an Ed25519 key.');
  return new Uint8Array(Buffer.from(jwk.x, 'base64url'));
}

function publicKeyObject(raw: Uint8Array): KeyObject {
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') },
    format: 'jwk',
  });
}

/**
 * A note signer for an Ed25519 private key under `name`.
 * @throws {AEQ_LEDGER_KEY} when the name is invalid or the key is not Ed25519
 */
export function ed25519Signer(name: string, privateKey: KeyObject): NoteSigner {
  if (!isValidKeyName(name)) throw keyError(`Key name "${name}" must be non-empty, without spaces or "+".`);
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw keyError(`The signing key is ${String(privateKey.asymmetricKeyType)}, not ed25519.`);
  const id = keyId(name, ed25519PublicKey(privateKey));
  return {
    name,
    keyId: id,
    sign: (m) => new Uint8Array(sign(null, m, privateKey)),
  };
}

/**
 * A note verifier for a raw 32-byte Ed25519 public key under `name`.
 * @throws {AEQ_LEDGER_KEY} when the name is invalid or the key is not 32 bytes
 */
export function ed25519Verifier(name: string, publicKey: Uint8Array): NoteVerifier {
  if (!isValidKeyName(name)) throw keyError(`Key name "${name}" must be non-empty, without spaces or "+".`);
  if (publicKey.length !== 32) throw keyError(`An Ed25519 public key has 32 bytes, got ${publicKey.length}.`);
  const key = publicKeyObject(publicKey);
  return {
    name,
    keyId: keyId(name, publicKey),
    verify: (m, s) => s.length === 64 && verify(null, m, key, s),
  };
}

/**
 * The verifier key string `<name>+<hex key ID>+<base64(0x01 ‖ public key)>` (Go sumdb/note `vkey`).
 * @example verifierKeyString('PeterNeumann', pub) // 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'
 */
export function verifierKeyString(name: string, publicKey: Uint8Array): string {
  return `${name}+${toHex(keyId(name, publicKey))}+${toBase64(new Uint8Array([ALG_ED25519, ...publicKey]))}`;
}

/**
 * Parses a verifier key string; checks the key ID against the key.
 * @throws {AEQ_LEDGER_KEY} when malformed, not Ed25519, or the key ID does not match
 */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(vkey);
  if (!m) throw keyError(`"${vkey}" is not a verifier key of the form name+hex8+base64.`);
  const raw = decodeKey(m[3]!);
  const v = ed25519Verifier(m[1]!, raw);
  if (toHex(v.keyId) !== m[2]) throw keyError(`The key ID ${m[2]} in "${vkey}" does not match its key.`);
  return v;
}

/**
 * The signer key string `PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 ‖ seed)>` (Go sumdb/note `skey`).
 */
export function signerKeyString(name: string, privateKey: KeyObject): string {
  const id = keyId(name, ed25519PublicKey(privateKey));
  return `PRIVATE+KEY+${name}+${toHex(id)}+${toBase64(new Uint8Array([ALG_ED25519, ...ed25519Seed(privateKey)]))}`;
}

/**
 * Parses a signer key string.
 * @throws {AEQ_LEDGER_KEY} when malformed, not Ed25519, or the key ID does not match
 */
export function parseSignerKey(skey: string): NoteSigner {
  const m = /^PRIVATE\+KEY\+([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(skey.trim());
  if (!m) throw keyError('The private key is not of the form PRIVATE+KEY+name+hex8+base64.');
  const seed = decodeKey(m[3]!);
  const s = ed25519Signer(m[1]!, ed25519PrivateKeyFromSeed(seed));
  if (toHex(s.keyId) !== m[2])
    throw keyError(`The key ID ${m[2]} of the private key does not match its key.`);
  return s;
}

function decodeKey(b64: string): Uint8Array {
  let raw: Uint8Array;
  try {
    raw = fromBase64(b64);
  } catch {
    throw keyError(`The key "${b64}" is not valid base64.`);
  }
  if (raw.length !== 33 || raw[0] !== ALG_ED25519)
    throw keyError(`The key is not an Ed25519 key (algorithm byte ${raw[0]}, ${raw.length} bytes).`);
  return raw.subarray(1);
}

/**
 * The checkpoint note text: origin, decimal size, base64 root hash, extension lines, each ending in "\n".
 * @example formatCheckpoint({ origin: 'example.com/log', size: 1, rootHash }) // 'example.com/log\n1\nbjQLnP+z…oB0=\n'
 */
export function formatCheckpoint(cp: Checkpoint): string {
  if (!cp.origin || /[\n]/.test(cp.origin))
    throw invalid(`Origin "${cp.origin}" must be one non-empty line.`);
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) throw invalid(`Tree size ${cp.size} is not a count.`);
  if (cp.rootHash.length !== HASH_SIZE) throw invalid('The root hash must have 32 bytes.');
  const ext = cp.extensions ?? [];
  for (const e of ext)
    if (!e || /\n/.test(e)) throw invalid(`Extension line "${e}" must be one non-empty line.`);
  return [cp.origin, String(cp.size), toBase64(cp.rootHash), ...ext].map((l) => `${l}\n`).join('');
}

/**
 * Parses checkpoint note text (unsigned body).
 * @throws {AEQ_LEDGER_CHECKPOINT_INVALID} when a line is missing or malformed
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw invalid('A checkpoint body ends with a newline.');
  const lines = text.slice(0, -1).split('\n');
  const [origin, size, root, ...extensions] = lines;
  if (!origin) throw invalid('The checkpoint has no origin line.');
  if (size === undefined || !/^(0|[1-9][0-9]*)$/.test(size) || !Number.isSafeInteger(Number(size)))
    throw invalid(`The checkpoint size line "${String(size)}" is not a decimal count.`);
  let rootHash: Uint8Array;
  try {
    rootHash = fromBase64(root ?? '');
  } catch {
    throw invalid(`The checkpoint root line "${String(root)}" is not base64.`);
  }
  if (rootHash.length !== HASH_SIZE) throw invalid('The checkpoint root hash is not 32 bytes.');
  if (extensions.some((e) => e === '')) throw invalid('A checkpoint has no empty lines in its body.');
  return { origin, size: Number(size), rootHash, ...(extensions.length ? { extensions } : {}) };
}

/**
 * Signs note text: returns text + "\n" + one signature line per signer.
 * @throws {AEQ_LEDGER_CHECKPOINT_INVALID} when the text is empty, lacks the final newline or contains a blank line
 */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  if (!text.endsWith('\n') || text.includes('\n\n') || text.length === 0)
    throw invalid('Note text must be non-empty, end with a newline and contain no blank line.');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is rejected
  if (/[\u0000-\u0009\u000b-\u001f]/.test(text))
    throw invalid('Note text must not contain control characters.');
  const msg = new TextEncoder().encode(text);
  const lines = signers.map((s) => {
    const sig = s.sign(msg);
    return `${EM_DASH_LINE}${s.name} ${toBase64(new Uint8Array([...s.keyId, ...sig]))}\n`;
  });
  return `${text}\n${lines.join('')}`;
}

/** Splits a signed note into its text and parsed signature lines, without verifying them. */
export function parseNote(note: string): { text: string; signatures: NoteSignature[] } {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n'))
    throw invalid('A signed note is text, a blank line, then signature lines.');
  const text = note.slice(0, split + 1);
  const sigLines = note.slice(split + 2, -1).split('\n');
  if (sigLines.length > 100) throw invalid('A signed note has at most 100 signatures.');
  const signatures = sigLines.map((line) => {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/u.exec(line);
    if (!m || !isValidKeyName(m[1]!)) throw invalid(`Malformed signature line "${line}".`);
    let raw: Uint8Array;
    try {
      raw = fromBase64(m[2]!);
    } catch {
      throw invalid(`The signature of "${m[1]}" is not base64.`);
    }
    if (raw.length < 5) throw invalid(`The signature of "${m[1]}" is too short.`);
    return { name: m[1]!, keyId: raw.slice(0, 4), signature: raw.slice(4) };
  });
  return { text, signatures };
}

/**
 * Opens a signed note: checks every signature from a known key (name and key ID) and returns the
 * text. A known key whose signature fails rejects the whole note (signed-note spec).
 * @throws {AEQ_LEDGER_CHECKPOINT_INVALID} when malformed, a known signature fails, or no known key signed
 */
export function openNote(
  note: string,
  verifiers: readonly NoteVerifier[],
): { text: string; verified: NoteSignature[]; unverified: NoteSignature[] } {
  const { text, signatures } = parseNote(note);
  const msg = new TextEncoder().encode(text);
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  for (const s of signatures) {
    const v = verifiers.find((x) => x.name === s.name && bytesEqual(x.keyId, s.keyId));
    if (!v) {
      unverified.push(s);
      continue;
    }
    if (!v.verify(msg, s.signature))
      throw invalid(`The signature of key ${s.name}+${toHex(s.keyId)} does not verify.`, {
        key: `${s.name}+${toHex(s.keyId)}`,
      });
    verified.push(s);
  }
  if (verified.length === 0)
    throw invalid(
      `The note has no signature from a trusted key (signed by: ${signatures.map((s) => `${s.name}+${toHex(s.keyId)}`).join(', ') || 'nobody'}).`,
    );
  return { text, verified, unverified };
}

/**
 * Signs a checkpoint: the C2SP tlog-checkpoint text as a signed note.
 * @example signCheckpoint({ origin: 'example.com/log', size: 1, rootHash }, signer)
 * // 'example.com/log\n1\nbjQL…oB0=\n\n— example.com/log AbCd…\n'
 */
export function signCheckpoint(cp: Checkpoint, signer: NoteSigner): string {
  return signNote(formatCheckpoint(cp), [signer]);
}

/**
 * Verifies a signed checkpoint under the verifier and returns the tree head it commits to.
 * @throws {AEQ_LEDGER_CHECKPOINT_INVALID} when the signature fails or the body is malformed
 */
export function openCheckpoint(note: string, verifier: NoteVerifier, origin?: string): Checkpoint {
  const { text } = openNote(note, [verifier]);
  const cp = parseCheckpoint(text);
  if (origin !== undefined && cp.origin !== origin)
    throw invalid(`The checkpoint is for origin "${cp.origin}", expected "${origin}".`);
  return cp;
}
