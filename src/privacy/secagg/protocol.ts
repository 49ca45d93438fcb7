/**
 * @module privacy/secagg/protocol
 * Secure aggregation after Bonawitz et al. 2017 ("Practical Secure Aggregation for
 * Privacy-Preserving Machine Learning", https://eprint.iacr.org/2017/281), simplified to the
 * semi-honest setting. n parties each hold a vector; the aggregator learns only the sum over the
 * parties that finished, even when some drop out after the key-sharing round.
 *
 * Rounds: (0) each party advertises two X25519 public keys (c: channel, s: masks); (1) each party
 * Shamir-shares (t of n) a fresh self-mask seed b and its mask private key s, and sends each share
 * to its owner encrypted with AES-256-GCM under a key from ECDH(c_u, c_v); (2) each party sends
 * y_u = x_u + PRG(b_u) + Σ_{v>u} PRG(s_uv) − Σ_{v<u} PRG(s_uv) mod p, with s_uv = SHA-256(ECDH(s_u,
 * s_v)); (3) the aggregator names the survivors and the dropped; each survivor returns its shares of
 * b for survivors and of s for the dropped (never both for one party), and the aggregator removes
 * the masks.
 * Protected (semi-honest, fewer than t colluding parties, aggregator not colluding with t − 1): a
 * single party's vector. Not protected: the sum itself (add DP noise if it must be private), inputs
 * against a malicious aggregator that lies about who dropped (the full protocol adds signatures and
 * a consistency round), and the identities and vector lengths of the parties.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { AequaError } from '../../core/index.js';
import {
  checkFixedPointCapacity,
  decodeFixed,
  encodeFixed,
  FIELD_PRIME,
  type FixedPoint,
  mod,
} from './field.js';
import { expandSeed } from './prg.js';
import { type ShamirBytesShare, shamirCombineBytes, shamirSplitBytes } from './shamir.js';

/** The public parameters every party and the aggregator agree on. */
export interface SecAggConfig {
  /** Number of parties (ids 1..parties). */
  readonly parties: number;
  /** Shares needed to unmask; survivors must number at least this. Must exceed parties/2. */
  readonly threshold: number;
  /** Length of every party's vector. */
  readonly length: number;
  readonly fixedPoint?: FixedPoint;
}

/** Round 0: a party's public keys (raw X25519, base64url). */
export interface AdvertiseMessage {
  readonly id: number;
  readonly channelKey: string;
  readonly maskKey: string;
}

/** Round 1: encrypted shares from `from`, one per recipient. */
export interface ShareKeysMessage {
  readonly id: number;
  readonly shares: Readonly<Record<string, EncryptedShare>>;
}

/** AES-256-GCM ciphertext (base64url fields). */
export interface EncryptedShare {
  readonly iv: string;
  readonly data: string;
  readonly tag: string;
}

/** Round 2: the masked vector (decimal strings of field elements). */
export interface MaskedInputMessage {
  readonly id: number;
  readonly masked: readonly string[];
}

/** Round 3 request from the aggregator: who survived round 2, who dropped after round 1. */
export interface UnmaskRequest {
  readonly survivors: readonly number[];
  readonly dropped: readonly number[];
}

/** Round 3: a survivor's shares (decimal strings) of b for survivors and of s for the dropped. */
export interface UnmaskMessage {
  readonly id: number;
  readonly selfMaskShares: Readonly<Record<string, readonly string[]>>;
  readonly maskKeyShares: Readonly<Record<string, readonly string[]>>;
}

/** The aggregate: the decoded sum over the survivors. */
export interface SecAggResult {
  readonly sum: Float64Array;
  readonly survivors: readonly number[];
  readonly dropped: readonly number[];
}

const KEY_BYTES = 32;

function protocolError(message: string, details: Record<string, unknown> = {}): AequaError {
  return new AequaError('AEQ_SECAGG_PROTOCOL', message, {
    hint: 'Check that every party runs the same aequa version with the same configuration.',
    details,
  });
}

/**
 * Checks a configuration.
 * @throws {AEQ_SECAGG_PROTOCOL} for fewer than 2 parties, a threshold ≤ parties/2 or > parties, a bad length.
 * @throws {AEQ_SECAGG_RANGE} when the fixed-point range could overflow the field for this many parties.
 */
export function checkSecAggConfig(c: SecAggConfig): void {
  if (!(Number.isInteger(c.parties) && c.parties >= 2))
    throw protocolError(`Secure aggregation needs at least 2 parties, got ${c.parties}.`);
  if (!(Number.isInteger(c.threshold) && c.threshold > c.parties / 2 && c.threshold <= c.parties))
    throw protocolError(
      `The threshold must be an integer in (${c.parties}/2, ${c.parties}], got ${c.threshold}: at or below half, two disjoint sets of survivors could each unmask.`,
    );
  if (!(Number.isInteger(c.length) && c.length >= 1))
    throw protocolError(`The vector length must be an integer ≥ 1, got ${c.length}.`);
  checkFixedPointCapacity(c.parties, c.fixedPoint);
}

const b64 = (u: Uint8Array): string => Buffer.from(u).toString('base64url');
const unb64 = (s: string): Buffer => Buffer.from(s, 'base64url');

function rawPublic(k: KeyObject): string {
  return (k.export({ format: 'jwk' }) as { x: string }).x;
}
function rawPrivate(k: KeyObject): Buffer {
  return unb64((k.export({ format: 'jwk' }) as { d: string }).d);
}
function publicKey(x: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x }, format: 'jwk' });
}
function privateKey(d: Uint8Array, x: string): KeyObject {
  return createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', x, d: b64(d) }, format: 'jwk' });
}
function kdf(secret: Uint8Array, label: string): Buffer {
  return createHash('sha256').update(secret).update(label).digest();
}
/** The pairwise mask seed of u and v (symmetric). */
function pairSeed(priv: KeyObject, pubX: string): Buffer {
  return kdf(diffieHellman({ privateKey: priv, publicKey: publicKey(pubX) }), 'aequa-secagg-mask');
}
function addVec(acc: bigint[], v: readonly bigint[], sign: 1 | -1): void {
  for (let j = 0; j < acc.length; j++) acc[j] = mod(sign === 1 ? acc[j]! + v[j]! : acc[j]! - v[j]!);
}

/**
 * One party of the protocol: call the four round methods in order with what the aggregator sends.
 * @example
 * const party = new SecAggParty(1, Float64Array.of(0.5, 2), { parties: 3, threshold: 2, length: 2 });
 * party.advertise().id // 1
 */
export class SecAggParty {
  private readonly channel = generateKeyPairSync('x25519');
  private readonly mask = generateKeyPairSync('x25519');
  private readonly selfSeed = randomBytes(KEY_BYTES);
  private readonly input: bigint[];
  private roster: Readonly<Record<string, AdvertiseMessage>> = {};
  /** Shares received in round 1 (and our own), by the sharing party's id. */
  private readonly held = new Map<number, { b: ShamirBytesShare; s: ShamirBytesShare }>();
  private sharedWith: number[] = [];

  constructor(
    readonly id: number,
    input: ArrayLike<number>,
    readonly config: SecAggConfig,
  ) {
    checkSecAggConfig(config);
    if (!(Number.isInteger(id) && id >= 1 && id <= config.parties))
      throw protocolError(`Party id must be an integer in [1, ${config.parties}], got ${id}.`);
    if (input.length !== config.length)
      throw protocolError(
        `Party ${id} has a vector of length ${input.length}; the aggregation expects ${config.length}.`,
        {
          party: id,
          length: input.length,
          expected: config.length,
        },
      );
    this.input = encodeFixed(input, config.fixedPoint);
  }

  /** Round 0. */
  advertise(): AdvertiseMessage {
    return {
      id: this.id,
      channelKey: rawPublic(this.channel.publicKey),
      maskKey: rawPublic(this.mask.publicKey),
    };
  }

  /** Round 1, given every advertised party (at least the threshold). */
  shareKeys(roster: Readonly<Record<string, AdvertiseMessage>>): ShareKeysMessage {
    const ids = Object.keys(roster).map(Number);
    if (ids.length < this.config.threshold)
      throw new AequaError(
        'AEQ_SECAGG_TOO_FEW',
        `Only ${ids.length} parties advertised keys; the threshold is ${this.config.threshold}.`,
      );
    this.roster = roster;
    const n = this.config.parties;
    const t = this.config.threshold;
    const bShares = shamirSplitBytes(this.selfSeed, t, n);
    const sShares = shamirSplitBytes(rawPrivate(this.mask.privateKey), t, n);
    const shares: Record<string, EncryptedShare> = {};
    for (const v of ids) {
      const b = bShares[v - 1]!;
      const s = sShares[v - 1]!;
      if (v === this.id) {
        this.held.set(this.id, { b, s });
        continue;
      }
      const plain = JSON.stringify({ from: this.id, to: v, b: b.ys.map(String), s: s.ys.map(String) });
      const key = this.channelKey(v);
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      c.setAAD(Buffer.from(`${this.id}->${v}`));
      const data = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      shares[v] = { iv: b64(iv), data: b64(data), tag: b64(c.getAuthTag()) };
    }
    return { id: this.id, shares };
  }

  /** Round 2, given the shares addressed to this party (by sender id). */
  maskedInput(inbox: Readonly<Record<string, EncryptedShare>>): MaskedInputMessage {
    for (const [from, enc] of Object.entries(inbox)) {
      const u = Number(from);
      const d = createDecipheriv('aes-256-gcm', this.channelKey(u), unb64(enc.iv));
      d.setAAD(Buffer.from(`${u}->${this.id}`));
      d.setAuthTag(unb64(enc.tag));
      let msg: { from: number; to: number; b: string[]; s: string[] };
      try {
        msg = JSON.parse(Buffer.concat([d.update(unb64(enc.data)), d.final()]).toString('utf8'));
      } catch (e) {
        throw new AequaError(
          'AEQ_SECAGG_PROTOCOL',
          `The key share from party ${u} does not decrypt (tampered or misrouted).`,
          {
            hint: 'Check that the aggregator relays the shares unchanged.',
            cause: e,
            details: { from: u },
          },
        );
      }
      if (msg.from !== u || msg.to !== this.id)
        throw protocolError(`The key share from party ${u} is addressed wrongly.`);
      this.held.set(u, {
        b: { x: this.id, ys: msg.b.map(BigInt) },
        s: { x: this.id, ys: msg.s.map(BigInt) },
      });
    }
    // Mask only against parties whose key shares arrived: their masks can be removed if they drop.
    this.sharedWith = [...this.held.keys()].filter((v) => v !== this.id).sort((a, b) => a - b);
    const L = this.config.length;
    const y = this.input.slice();
    addVec(y, expandSeed(this.selfSeed, L), 1);
    for (const v of this.sharedWith) {
      const m = expandSeed(pairSeed(this.mask.privateKey, this.roster[v]!.maskKey), L);
      addVec(y, m, this.id < v ? 1 : -1);
    }
    return { id: this.id, masked: y.map(String) };
  }

  /** Round 3: shares of b for survivors, of s for the dropped; refuses an overlap or too few survivors. */
  unmask(req: UnmaskRequest): UnmaskMessage {
    const surv = new Set(req.survivors);
    if (req.dropped.some((u) => surv.has(u)))
      throw protocolError(
        'The aggregator named a party both as survivor and as dropped; revealing both shares would expose its input.',
      );
    if (req.survivors.length < this.config.threshold)
      throw new AequaError(
        'AEQ_SECAGG_TOO_FEW',
        `Only ${req.survivors.length} parties survived; the threshold is ${this.config.threshold}.`,
      );
    const selfMaskShares: Record<string, string[]> = {};
    const maskKeyShares: Record<string, string[]> = {};
    for (const u of req.survivors) {
      const h = this.held.get(u);
      if (h) selfMaskShares[u] = h.b.ys.map(String);
    }
    for (const u of req.dropped) {
      const h = this.held.get(u);
      if (h) maskKeyShares[u] = h.s.ys.map(String);
    }
    return { id: this.id, selfMaskShares, maskKeyShares };
  }

  private channelKey(v: number): Buffer {
    const peer = this.roster[v];
    if (!peer) throw protocolError(`Party ${v} did not advertise keys.`, { party: v });
    return kdf(
      diffieHellman({ privateKey: this.channel.privateKey, publicKey: publicKey(peer.channelKey) }),
      'aequa-secagg-channel',
    );
  }
}

/**
 * The aggregator: collects each round's messages, routes the encrypted shares, and removes the
 * masks at the end. Round transitions are explicit (`close…`), so a transport decides when a round
 * ends (everyone answered, or a deadline passed).
 * @example
 * const agg = new SecAggAggregator({ parties: 3, threshold: 2, length: 2 });
 * agg.advertise(party.advertise());
 */
export class SecAggAggregator {
  private readonly roster: Record<string, AdvertiseMessage> = {};
  private readonly inboxes = new Map<number, Record<string, EncryptedShare>>();
  private readonly sharers = new Set<number>();
  private readonly masked = new Map<number, bigint[]>();
  private readonly unmasks = new Map<number, UnmaskMessage>();
  private status: UnmaskRequest | null = null;

  constructor(readonly config: SecAggConfig) {
    checkSecAggConfig(config);
  }

  private checkId(id: unknown, round: string): number {
    if (!(typeof id === 'number' && Number.isInteger(id) && id >= 1 && id <= this.config.parties))
      throw protocolError(
        `${round}: party id must be an integer in [1, ${this.config.parties}], got ${String(id)}.`,
        { round },
      );
    return id;
  }

  advertise(m: AdvertiseMessage): void {
    const id = this.checkId(m.id, 'advertise');
    if (typeof m.channelKey !== 'string' || typeof m.maskKey !== 'string')
      throw protocolError(`advertise: party ${id} sent no keys.`);
    if (this.roster[id]) throw protocolError(`advertise: party ${id} advertised twice.`, { party: id });
    this.roster[id] = { id, channelKey: m.channelKey, maskKey: m.maskKey };
  }

  /** Ends round 0: the roster every party receives. */
  closeAdvertise(): Readonly<Record<string, AdvertiseMessage>> {
    const n = Object.keys(this.roster).length;
    if (n < this.config.threshold)
      throw new AequaError(
        'AEQ_SECAGG_TOO_FEW',
        `Only ${n} parties advertised keys; the threshold is ${this.config.threshold}.`,
      );
    return { ...this.roster };
  }

  shareKeys(m: ShareKeysMessage): void {
    const id = this.checkId(m.id, 'shareKeys');
    if (!this.roster[id])
      throw protocolError(`shareKeys: party ${id} did not advertise keys.`, { party: id });
    for (const [to, enc] of Object.entries(m.shares)) {
      const v = this.checkId(Number(to), 'shareKeys');
      if (!this.roster[v]) continue;
      const box = this.inboxes.get(v) ?? {};
      box[id] = enc;
      this.inboxes.set(v, box);
    }
    this.sharers.add(id);
  }

  /** Ends round 1: the shares addressed to `id` from parties that completed round 1. */
  inboxOf(id: number): Record<string, EncryptedShare> {
    const box = this.inboxes.get(id) ?? {};
    return Object.fromEntries(Object.entries(box).filter(([u]) => this.sharers.has(Number(u))));
  }

  maskedInput(m: MaskedInputMessage): void {
    const id = this.checkId(m.id, 'maskedInput');
    if (!this.sharers.has(id))
      throw protocolError(`maskedInput: party ${id} did not share its keys in round 1.`, { party: id });
    if (!Array.isArray(m.masked) || m.masked.length !== this.config.length)
      throw protocolError(
        `Party ${id} sent a vector of length ${Array.isArray(m.masked) ? m.masked.length : 'none'}; every party must send ${this.config.length} values.`,
        { party: id, length: Array.isArray(m.masked) ? m.masked.length : null, expected: this.config.length },
      );
    const v = m.masked.map((s) => {
      const x = typeof s === 'string' && /^\d+$/.test(s) ? BigInt(s) : -1n;
      if (x < 0n || x >= FIELD_PRIME)
        throw protocolError(`Party ${id} sent a value that is not a field element.`, { party: id });
      return x;
    });
    this.masked.set(id, v);
  }

  /** Ends round 2: survivors (sent a masked vector) and dropped (shared keys, then vanished). */
  closeMasked(): UnmaskRequest {
    const survivors = [...this.masked.keys()].sort((a, b) => a - b);
    const dropped = [...this.sharers].filter((u) => !this.masked.has(u)).sort((a, b) => a - b);
    if (survivors.length < this.config.threshold)
      throw new AequaError(
        'AEQ_SECAGG_TOO_FEW',
        `Only ${survivors.length} parties sent their masked vectors; the threshold is ${this.config.threshold}.`,
        {
          details: { survivors, dropped },
        },
      );
    this.status = { survivors, dropped };
    return this.status;
  }

  unmask(m: UnmaskMessage): void {
    const id = this.checkId(m.id, 'unmask');
    if (!this.status?.survivors.includes(id))
      throw protocolError(`unmask: party ${id} is not a survivor.`, { party: id });
    this.unmasks.set(id, m);
  }

  /** Ends round 3: removes the masks and decodes the sum. */
  finish(): SecAggResult {
    const st = this.status;
    if (st === null) throw protocolError('finish: round 2 has not been closed.');
    const responders = [...this.unmasks.values()];
    if (responders.length < this.config.threshold)
      throw new AequaError(
        'AEQ_SECAGG_TOO_FEW',
        `Only ${responders.length} survivors sent their unmasking shares; the threshold is ${this.config.threshold}.`,
      );
    const L = this.config.length;
    const sum = new Array<bigint>(L).fill(0n);
    for (const u of st.survivors) addVec(sum, this.masked.get(u)!, 1);
    const collect = (u: number, field: 'selfMaskShares' | 'maskKeyShares'): ShamirBytesShare[] =>
      responders
        .filter((r) => r[field][u] !== undefined)
        .map((r) => ({ x: r.id, ys: r[field][u]!.map((s) => BigInt(s)) }));
    for (const u of st.survivors) {
      const shares = collect(u, 'selfMaskShares');
      if (shares.length < this.config.threshold)
        throw new AequaError(
          'AEQ_SECAGG_TOO_FEW',
          `Only ${shares.length} shares of party ${u}'s self mask arrived; the threshold is ${this.config.threshold}.`,
        );
      addVec(sum, expandSeed(shamirCombineBytes(shares.slice(0, this.config.threshold), KEY_BYTES), L), -1);
    }
    for (const u of st.dropped) {
      const shares = collect(u, 'maskKeyShares');
      if (shares.length < this.config.threshold)
        throw new AequaError(
          'AEQ_SECAGG_TOO_FEW',
          `Only ${shares.length} shares of dropped party ${u}'s mask key arrived; the threshold is ${this.config.threshold}.`,
        );
      const sk = privateKey(
        shamirCombineBytes(shares.slice(0, this.config.threshold), KEY_BYTES),
        this.roster[u]!.maskKey,
      );
      if (rawPublic(createPublicKey(sk)) !== this.roster[u]!.maskKey)
        throw protocolError(
          `The reconstructed mask key of dropped party ${u} does not match its advertised key.`,
          { party: u },
        );
      for (const v of st.survivors) {
        // Survivor v added sign(v, u)·PRG(s_vu) (it held u's shares, so u was in its mask set).
        const m = expandSeed(pairSeed(sk, this.roster[v]!.maskKey), L);
        addVec(sum, m, v < u ? -1 : 1);
      }
    }
    return { sum: decodeFixed(sum, this.config.fixedPoint), survivors: st.survivors, dropped: st.dropped };
  }
}
