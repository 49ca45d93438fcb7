/**
 * @module accountability/store/file-store
 * The ledger on disk (Node only): `.aequa/ledger/` holds an append-only `entries.log` of
 * checksummed frames (see frame.ts), a `head` record, signed checkpoints, the Ed25519 key and
 * `ledger.json`. Appends are group-committed (every append waiting while an fsync runs goes into
 * the next write, one fdatasync per batch) and durable when their promise resolves; opening for
 * writing truncates a torn tail past the last committed entry. Design after the write-ahead logs of
 * embedded databases (SQLite WAL, LevelDB log); the tree is RFC 9162's (see ../ledger/tree.ts).
 */
import { generateKeyPairSync } from 'node:crypto';
import { type FileHandle, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AequaError } from '../../core/index.js';
import { canonicalize } from '../ledger/canonical.js';
import {
  ed25519PublicKey,
  type NoteSigner,
  type NoteVerifier,
  openCheckpoint,
  parseSignerKey,
  parseVerifierKey,
  signCheckpoint,
  signerKeyString,
  verifierKeyString,
} from '../ledger/checkpoint.js';
import { RootMismatchError } from '../ledger/errors.js';
import { bytesEqual, fromHex, leafHash as hashLeaf, toHex } from '../ledger/hash.js';
import type { ConsistencyProof, InclusionProof } from '../ledger/proof.js';
import { verifyConsistency } from '../ledger/proof.js';
import { MerkleTree } from '../ledger/tree.js';
import {
  canonicalRunRecord,
  createRunRecord,
  parseRunRecord,
  type RecordKind,
  type RunRecord,
} from '../record.js';
import {
  decodeFrame,
  decodeHead,
  encodeFrame,
  encodeHead,
  FRAME_OVERHEAD,
  HEAD_SIZE,
  type Head,
  maxFrameSize,
  writeFrame,
} from './frame.js';
import {
  DEFAULT_REDACT_KINDS,
  inRanges,
  parseDuration,
  parseRetentionPolicy,
  parseTombstone,
  type RetentionPolicy,
  type Tombstone,
  tombstoneText,
  toRanges,
} from './retention.js';

/**
 * Format version of the ledger folder; a larger one in ledger.json means a newer aequa wrote it.
 * Version 2 adds tombstones (redacted payloads, see retention.ts); a ledger is raised from 1 to 2
 * when its first payload is redacted, so that an older aequa refuses it instead of reporting tampering.
 */
export const LEDGER_FORMAT_VERSION = 2;

const FILES = {
  meta: 'ledger.json',
  key: 'private.key',
  entries: 'entries.log',
  head: 'head',
  checkpoints: 'checkpoints.log',
  latest: 'checkpoint',
  lock: 'lock',
} as const;

/** Largest batch written with one write + fdatasync. */
const MAX_BATCH_BYTES = 8 * 1024 * 1024;

/** ledger.json: what identifies the log. */
export interface LedgerMeta {
  readonly format: 'aequa-ledger';
  readonly version: number;
  /** Checkpoint origin line, also the signing key's name. */
  readonly origin: string;
  /** Verifier key `<name>+<hex key ID>+<base64(0x01 ‖ public key)>`, as witnesses take it. */
  readonly verifierKey: string;
  readonly created: string;
  /** The retention policy (`aequa ledger retention set`), when one is set. */
  readonly retention?: RetentionPolicy;
}

/** What {@link Ledger.append} resolves to once the entry is durable. */
export interface AppendResult {
  readonly index: number;
  readonly leafHash: Uint8Array;
}

/** One entry as read back. */
export interface LedgerEntry {
  readonly index: number;
  readonly record: RunRecord;
  readonly leafHash: Uint8Array;
  /** The canonical JSON bytes that were hashed (for a tombstone: the tombstone's bytes). */
  readonly bytes: Uint8Array;
  /**
   * Set when the payload was redacted by retention: then `record` is a stand-in of kind
   * `retention` (command `redacted`, timestamp of the retention entry) and only the leaf hash is original.
   */
  readonly tombstone: Tombstone | null;
}

/** One stored checkpoint, as `aequa ledger checkpoints` lists it. */
export interface StoredCheckpoint {
  /** Position in checkpoints.log, from 0. */
  readonly position: number;
  readonly size: number;
  /** Lowercase hex root hash the note signs. */
  readonly rootHash: string;
  /** When it was signed (RFC 3339), null for checkpoints written before this was recorded. */
  readonly time: string | null;
  /** Consistency proof from the previous stored checkpoint's size, as stored with it. */
  readonly proof: { readonly fromSize: number; readonly path: readonly string[] } | null;
  readonly note: string;
}

/** Options of {@link Ledger.applyRetention}. */
export interface ApplyRetentionOptions {
  /** Who runs it, for the retention entry. */
  readonly actor: string;
  /** `aequa@<version>`, for the retention entry. */
  readonly toolVersion: string;
  /** The clock. @default new Date() */
  readonly now?: Date;
  /** Overrides the policy's keepDays. */
  readonly keepDays?: number;
  /** Overrides the policy's kinds. */
  readonly kinds?: readonly RecordKind[];
  /** Report what would be redacted without changing anything. @default false */
  readonly dryRun?: boolean;
}

/** What {@link Ledger.applyRetention} did. */
export interface RetentionReport {
  /** Entries with a timestamp before this (RFC 3339) were due for redaction. */
  readonly cutoff: string;
  /** Entries whose payloads were (or, in a dry run, would be) replaced by tombstones. */
  readonly redacted: number;
  /** Half-open index ranges of those entries. */
  readonly ranges: readonly (readonly [number, number])[];
  /** Index of the `retention` entry declaring the redaction, null when nothing new was due. */
  readonly retentionEntry: number | null;
  /** The checkpoint signed before redacting, null when none was needed. */
  readonly checkpoint: string | null;
  readonly dryRun: boolean;
}

/** One problem found by {@link Ledger.verify}. */
export interface VerifyProblem {
  /** The first entry the problem concerns, when it can be named. */
  readonly index: number | null;
  readonly message: string;
}

/** The result of {@link Ledger.verify}. */
export interface VerifyReport {
  readonly ok: boolean;
  /** Entries that verified, in order from 0. */
  readonly size: number;
  /** Lowercase hex root over the verified entries. */
  readonly rootHash: string;
  /** Signed checkpoints checked against the recomputed tree. */
  readonly checkpoints: number;
  /** The first entry that failed, or null. */
  readonly firstBadEntry: number | null;
  /** Position (from 0) of the first stored checkpoint that failed, or null. */
  readonly firstBadCheckpoint: number | null;
  /** Entries whose payloads were redacted to tombstones (their leaf hashes verified). */
  readonly tombstones: number;
  readonly problems: readonly VerifyProblem[];
  /** Bytes past the last committed entry left by an interrupted append (removed by the next writer). */
  readonly tornTailBytes: number;
}

/** The ledger folder of a project: `<root>/.aequa/ledger`. */
export function ledgerDir(projectRoot: string): string {
  return join(projectRoot, '.aequa', 'ledger');
}

function notFound(dir: string, cause?: unknown): AequaError {
  return new AequaError('AEQ_LEDGER_NOT_FOUND', `There is no ledger in ${dir} (no ${FILES.meta}).`, {
    hint: 'Run `aequa ledger init` in the project folder first.',
    ...(cause === undefined ? {} : { cause }),
  });
}

function corrupt(message: string, details: Record<string, unknown>): AequaError {
  return new AequaError('AEQ_LEDGER_CORRUPT', message, {
    hint: 'Run `aequa ledger verify` for the full report, and restore the ledger from a copy you trust.',
    details,
  });
}

function outOfRange(what: string, v: number, size: number): AequaError {
  return new AequaError(
    'AEQ_LEDGER_NOT_FOUND',
    `${what} ${v} is not in the ledger, which has ${size} entr${size === 1 ? 'y' : 'ies'} (indices 0–${size - 1}).`,
    { hint: 'Run `aequa ledger log` to see the entries.', details: { [what]: v, size } },
  );
}

async function readMeta(dir: string): Promise<LedgerMeta> {
  let text: string;
  try {
    text = await readFile(join(dir, FILES.meta), 'utf8');
  } catch (e) {
    throw notFound(dir, e);
  }
  let meta: LedgerMeta;
  try {
    meta = JSON.parse(text) as LedgerMeta;
  } catch {
    throw corrupt(`${join(dir, FILES.meta)} is not valid JSON.`, { file: FILES.meta });
  }
  if (meta.format !== 'aequa-ledger' || typeof meta.version !== 'number')
    throw corrupt(`${join(dir, FILES.meta)} is not an aequa ledger description.`, { file: FILES.meta });
  if (meta.version > LEDGER_FORMAT_VERSION)
    throw new AequaError(
      'AEQ_LEDGER_VERSION',
      `The ledger in ${dir} has format version ${meta.version}; this aequa reads up to ${LEDGER_FORMAT_VERSION}.`,
      { hint: 'Upgrade aequa to read this ledger.', details: { version: meta.version } },
    );
  return meta;
}

async function fsyncDir(dir: string): Promise<void> {
  try {
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // Some platforms cannot fsync a directory; the files themselves are synced.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function acquireLock(dir: string): Promise<string> {
  const path = join(dir, FILES.lock);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(path, 'wx', 0o600);
      await fh.writeFile(String(process.pid));
      await fh.close();
      return path;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid))
        throw new AequaError(
          'AEQ_LEDGER_LOCKED',
          `The ledger in ${dir} is being written by process ${pid}.`,
          {
            hint: 'Wait for that aequa process to finish, then try again.',
            details: { pid },
          },
        );
      await rm(path, { force: true }); // left by a process that died: take it over
    }
  }
  throw new AequaError('AEQ_LEDGER_LOCKED', `Could not take the write lock of the ledger in ${dir}.`, {
    hint: 'Wait for the other aequa process to finish, then try again.',
  });
}

/**
 * Appends waiting for one group commit: their frames encoded back to back in one buffer (written
 * with one write and one fdatasync), their leaf hashes, and one promise all of them wait on.
 */
class Batch {
  buf: Buffer;
  len = 0;
  readonly starts: number[] = [];
  readonly leaves: Uint8Array[] = [];
  readonly done: Promise<void>;
  resolve!: () => void;
  reject!: (e: unknown) => void;
  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafe(capacity);
    this.done = new Promise<void>((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
    // Callers handle each append's own promise; this one must not count as unhandled.
    this.done.catch(() => {});
  }

  /** Encodes one entry's frame at the end of the buffer; returns its leaf hash. */
  add(index: number, text: string): Uint8Array {
    const need = this.len + maxFrameSize(text);
    if (need > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    const leaf = writeFrame(this.buf, this.len, index, text);
    this.starts.push(this.len);
    this.leaves.push(leaf);
    this.len += FRAME_OVERHEAD + this.buf.readUInt32BE(this.len + 4);
    return leaf;
  }
}

/** Options of {@link Ledger.init}. */
export interface LedgerInitOptions {
  /** The log's identity, first line of every checkpoint and the key name; no spaces or "+". */
  readonly origin: string;
}

/** Options of {@link Ledger.open}. */
export interface LedgerOpenOptions {
  /** Open without the write lock and without recovery; appends are refused. @default false */
  readonly readOnly?: boolean;
}

/**
 * A tamper-evident, append-only ledger of RunRecords in a folder. Use one writer per folder (a lock
 * file enforces it; a lock left by a dead process is taken over); readers may open read-only at
 * any time. Appends may be issued concurrently: they are batched into one fsync.
 *
 * @example
 * const ledger = await Ledger.init('.aequa/ledger', { origin: 'example.com/credit-model' });
 * const { index } = await ledger.append(record); // 0, durable
 * ledger.prove(0).path.length // 0 while the ledger has one entry
 * await ledger.close();
 */
export class Ledger {
  readonly dir: string;
  #meta: LedgerMeta;
  readonly readOnly: boolean;
  readonly #verifier: NoteVerifier;
  #tree: MerkleTree;
  #offsets: number[];
  #bytes: number;
  #nextIndex: number;
  #fh: FileHandle;
  #headFh: FileHandle | null;
  #lockPath: string | null;
  /** Batches not yet being written, oldest first; appends join the last one. */
  #batches: Batch[] = [];
  #flushing: Promise<void> | null = null;
  /** Head writes run behind the data writes, one at a time. */
  #headChain: Promise<void> = Promise.resolve();
  #failed: unknown = null;
  #closed = false;
  #signer: NoteSigner | null = null;

  private constructor(
    dir: string,
    meta: LedgerMeta,
    readOnly: boolean,
    fh: FileHandle,
    headFh: FileHandle | null,
    lockPath: string | null,
    tree: MerkleTree,
    offsets: number[],
    bytes: number,
  ) {
    this.dir = dir;
    this.#meta = meta;
    this.readOnly = readOnly;
    this.#verifier = parseVerifierKey(meta.verifierKey);
    this.#fh = fh;
    this.#headFh = headFh;
    this.#lockPath = lockPath;
    this.#tree = tree;
    this.#offsets = offsets;
    this.#bytes = bytes;
    this.#nextIndex = tree.size;
  }

  /** True when `dir` holds a ledger (its ledger.json exists). */
  static async exists(dir: string): Promise<boolean> {
    try {
      await stat(join(dir, FILES.meta));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Creates a ledger in `dir` with a fresh Ed25519 key pair (private key stored at mode 0600), and
   * opens it for writing.
   * @throws {AEQ_LEDGER_EXISTS} when `dir` already holds a ledger
   * @throws {AEQ_LEDGER_KEY} when the origin is not a valid key name
   */
  static async init(dir: string, opts: LedgerInitOptions): Promise<Ledger> {
    if (await Ledger.exists(dir))
      throw new AequaError('AEQ_LEDGER_EXISTS', `A ledger already exists in ${dir}.`, {
        hint: 'Use it; a ledger is never re-initialised over its history.',
      });
    await mkdir(dir, { recursive: true });
    const { privateKey } = generateKeyPairSync('ed25519');
    const skey = signerKeyString(opts.origin, privateKey);
    const keyFh = await open(join(dir, FILES.key), 'wx', 0o600);
    try {
      await keyFh.writeFile(`${skey}\n`);
      await keyFh.chmod(0o600);
      await keyFh.sync();
    } finally {
      await keyFh.close();
    }
    const entries = await open(join(dir, FILES.entries), 'a');
    await entries.sync();
    await entries.close();
    const head = await open(join(dir, FILES.head), 'w');
    await head.writeFile(encodeHead({ size: 0, bytes: 0, root: new MerkleTree().root() }));
    await head.sync();
    await head.close();
    const meta: LedgerMeta = {
      format: 'aequa-ledger',
      version: 1, // raised to 2 by the first redaction (tombstones)
      origin: opts.origin,
      verifierKey: verifierKeyString(opts.origin, ed25519PublicKey(privateKey)),
      created: new Date().toISOString(),
    };
    // ledger.json last, atomically: its presence means the folder is complete.
    const tmp = join(dir, `.${FILES.meta}.tmp`);
    await writeFile(tmp, `${JSON.stringify(meta, null, 2)}\n`);
    const t = await open(tmp, 'r+');
    await t.sync();
    await t.close();
    await rename(tmp, join(dir, FILES.meta));
    await fsyncDir(dir);
    return Ledger.open(dir);
  }

  /**
   * Opens the ledger in `dir`. For writing (the default) it takes the lock and recovers: a torn
   * tail past the last committed entry (an append interrupted before its fsync) is truncated.
   * @throws {AEQ_LEDGER_NOT_FOUND} when there is no ledger
   * @throws {AEQ_LEDGER_VERSION} when a newer aequa wrote it
   * @throws {AEQ_LEDGER_LOCKED} when another live process writes it
   * @throws {AEQ_LEDGER_CORRUPT} when a committed entry is damaged (run verify)
   */
  static async open(dir: string, opts: LedgerOpenOptions = {}): Promise<Ledger> {
    const meta = await readMeta(dir);
    const readOnly = opts.readOnly ?? false;
    const lockPath = readOnly ? null : await acquireLock(dir);
    try {
      const head = decodeHead(await readFile(join(dir, FILES.head)).catch(() => Buffer.alloc(0)));
      const buf = await readFile(join(dir, FILES.entries));
      const tree = new MerkleTree();
      const offsets: number[] = [];
      let offset = 0;
      while (offset < buf.length) {
        const f = decodeFrame(buf, offset);
        if (!f.ok || f.index !== tree.size) {
          if (readOnly) break; // a writer may be mid-append; ignore the tail
          const committed = head?.bytes ?? 0;
          if (head === null || offset < committed)
            throw corrupt(
              `Ledger entry ${tree.size} (byte ${offset} of ${FILES.entries}) is damaged: ${f.ok ? `it holds index ${f.index}` : f.reason}.`,
              { index: tree.size, offset },
            );
          break;
        }
        offsets.push(offset);
        tree.append(f.leafHash);
        offset += f.length;
      }
      if (!readOnly && head !== null && tree.size < head.size)
        throw corrupt(`The ledger head records ${head.size} entries but only ${tree.size} are readable.`, {
          index: tree.size,
        });
      const fh = await open(join(dir, FILES.entries), readOnly ? 'r' : 'r+');
      let headFh: FileHandle | null = null;
      if (!readOnly) {
        if (offset < buf.length) {
          await fh.truncate(offset); // the torn tail of an append that was never acknowledged
          await fh.sync();
        }
        headFh = await open(join(dir, FILES.head), 'r+');
      }
      const ledger = new Ledger(dir, meta, readOnly, fh, headFh, lockPath, tree, offsets, offset);
      if (!readOnly) await ledger.#writeHead();
      return ledger;
    } catch (e) {
      if (lockPath) await rm(lockPath, { force: true });
      throw e;
    }
  }

  /** ledger.json as last read or written. */
  get meta(): LedgerMeta {
    return this.#meta;
  }

  /** The log's origin (checkpoint first line and key name). */
  get origin(): string {
    return this.meta.origin;
  }

  /** Number of durable entries. */
  get size(): number {
    return this.#tree.size;
  }

  /**
   * Appends a record; resolves once it is on disk (fdatasync), with its index and leaf hash.
   * Concurrent appends share one write and one fsync.
   * @throws {AEQ_LEDGER_RECORD_INVALID} when the record is not a valid RunRecord
   */
  append(record: RunRecord): Promise<AppendResult> {
    if (this.readOnly || this.#closed)
      return Promise.reject(
        new AequaError(
          'AEQ_LEDGER_LOCKED',
          `The ledger in ${this.dir} is ${this.#closed ? 'closed' : 'open read-only'}.`,
          {
            hint: 'Open it for writing (Ledger.open without readOnly) to append.',
          },
        ),
      );
    if (this.#failed !== null) return Promise.reject(this.#failed);
    let text: string;
    try {
      text = canonicalRunRecord(record).canonical;
    } catch (e) {
      return Promise.reject(e);
    }
    let batch = this.#batches[this.#batches.length - 1];
    if (batch === undefined || batch.len >= MAX_BATCH_BYTES) {
      batch = new Batch(Math.min(MAX_BATCH_BYTES, 64 * 1024));
      this.#batches.push(batch);
    }
    const index = this.#nextIndex++;
    const leaf = batch.add(index, text);
    if (this.#flushing === null) this.#flushing = this.#flushLoop();
    return batch.done.then(() => ({ index, leafHash: leaf }));
  }

  async #flushLoop(): Promise<void> {
    await null; // let appends issued in the same tick join the first batch
    for (let batch = this.#batches.shift(); batch !== undefined; batch = this.#batches.shift()) {
      try {
        let done = 0;
        while (done < batch.len) {
          const { bytesWritten } = await this.#fh.write(
            batch.buf,
            done,
            batch.len - done,
            this.#bytes + done,
          );
          done += bytesWritten;
        }
        await this.#fh.datasync();
      } catch (e) {
        const err = new AequaError(
          'AEQ_LEDGER_CORRUPT',
          `Writing to the ledger in ${this.dir} failed: ${(e as Error).message}.`,
          {
            hint: 'Fix the disk problem, then reopen the ledger: recovery removes the unwritten tail.',
            cause: e,
          },
        );
        this.#failed = err;
        batch.reject(err);
        for (const b of this.#batches.splice(0)) b.reject(err);
        break;
      }
      const base = this.#bytes;
      for (let k = 0; k < batch.leaves.length; k++) {
        this.#offsets.push(base + batch.starts[k]!);
        this.#tree.append(batch.leaves[k]!);
      }
      this.#bytes += batch.len;
      // The head is a hint written after the data is durable (never ahead of it); synced on close.
      this.#headChain = this.#headChain.then(() => this.#writeHead()).catch(() => {});
      batch.resolve();
    }
    this.#flushing = null;
  }

  async #writeHead(): Promise<void> {
    if (!this.#headFh) return;
    const head: Head = { size: this.#tree.size, bytes: this.#bytes, root: this.#tree.root() };
    await this.#headFh.write(encodeHead(head), 0, HEAD_SIZE, 0);
  }

  /** Waits until every append issued so far is durable (or failed). */
  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    await this.#headChain;
  }

  /** Root hash of the first `size` entries (default: all durable entries). */
  root(size: number = this.size): Uint8Array {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size)
      throw outOfRange('size', size, this.size);
    return this.#tree.root(size);
  }

  /** Leaf hash of entry i. */
  leafHash(i: number): Uint8Array {
    this.#checkIndex(i);
    return this.#tree.leafHash(i);
  }

  /**
   * Reads entry i back. A redacted entry comes back with `tombstone` set and a stand-in record.
   * @throws {AEQ_LEDGER_NOT_FOUND} when i is out of range
   * @throws {AEQ_LEDGER_CORRUPT} when the stored frame no longer matches its leaf hash
   */
  async get(i: number): Promise<LedgerEntry> {
    this.#checkIndex(i);
    const f = await this.#readFrame(i);
    const leaf = this.#tree.leafHash(i);
    const tomb = parseTombstone(f.payload);
    if (tomb !== null) {
      if (tomb.leafHash !== toHex(leaf) || tomb.retention >= this.size)
        throw corrupt(`Ledger entry ${i} changed on disk since it was opened.`, { index: i });
      const r = tomb.retention === i ? null : await this.#readFrame(tomb.retention).catch(() => null);
      const ts = r
        ? (JSON.parse(r.payload.toString('utf8')) as { timestamp?: unknown }).timestamp
        : undefined;
      const record = createRunRecord({
        kind: 'retention',
        command: 'redacted',
        toolVersion: 'aequa',
        actor: 'retention',
        timestamp: typeof ts === 'string' ? ts : new Date(0),
        summary: { redacted: true, retentionEntry: tomb.retention, leafHash: tomb.leafHash },
      });
      return { index: i, record, leafHash: f.leafHash, bytes: f.payload, tombstone: tomb };
    }
    if (!bytesEqual(hashLeaf(f.payload), leaf))
      throw corrupt(`Ledger entry ${i} changed on disk since it was opened.`, { index: i });
    return {
      index: i,
      record: JSON.parse(f.payload.toString('utf8')) as RunRecord,
      leafHash: f.leafHash,
      bytes: f.payload,
      tombstone: null,
    };
  }

  async #readFrame(i: number): Promise<{ payload: Buffer; leafHash: Uint8Array }> {
    const offset = this.#offsets[i]!;
    const end = i + 1 < this.#offsets.length ? this.#offsets[i + 1]! : this.#bytes;
    const buf = Buffer.alloc(end - offset);
    await this.#fh.read(buf, 0, buf.length, offset);
    const f = decodeFrame(buf, 0);
    if (!f.ok || f.index !== i || !bytesEqual(f.leafHash, this.#tree.leafHash(i)))
      throw corrupt(`Ledger entry ${i} changed on disk since it was opened.`, { index: i });
    return f;
  }

  /**
   * Inclusion proof of entry i in the tree of `size` entries (default: all).
   * @throws {AEQ_LEDGER_NOT_FOUND} when i ≥ size or size > this.size
   */
  prove(i: number, size: number = this.size): InclusionProof {
    if (!Number.isSafeInteger(size) || size < 1 || size > this.size)
      throw outOfRange('size', size, this.size);
    if (!Number.isSafeInteger(i) || i < 0 || i >= size) throw outOfRange('index', i, size);
    return {
      leafIndex: i,
      treeSize: size,
      leafHash: this.#tree.leafHash(i),
      rootHash: this.#tree.root(size),
      path: this.#tree.inclusionProof(i, size),
    };
  }

  /**
   * Consistency proof between the trees of `oldSize` and `newSize` entries (default: all).
   * @throws {AEQ_LEDGER_NOT_FOUND} unless 0 ≤ oldSize ≤ newSize ≤ this.size
   */
  consistency(oldSize: number, newSize: number = this.size): ConsistencyProof {
    if (!Number.isSafeInteger(newSize) || newSize < 0 || newSize > this.size)
      throw outOfRange('size', newSize, this.size);
    if (!Number.isSafeInteger(oldSize) || oldSize < 0 || oldSize > newSize)
      throw outOfRange('size', oldSize, newSize + 1);
    return {
      oldSize,
      newSize,
      oldRoot: this.#tree.root(oldSize),
      newRoot: this.#tree.root(newSize),
      path: this.#tree.consistencyProof(oldSize, newSize),
    };
  }

  /** The verifier of this ledger's checkpoints. */
  get verifier(): NoteVerifier {
    return this.#verifier;
  }

  async #loadSigner(): Promise<NoteSigner> {
    if (this.#signer) return this.#signer;
    let skey: string;
    try {
      skey = await readFile(join(this.dir, FILES.key), 'utf8');
    } catch (e) {
      throw new AequaError(
        'AEQ_LEDGER_KEY',
        `The ledger signing key ${join(this.dir, FILES.key)} is missing.`,
        {
          hint: 'Restore private.key from your backup (mode 0600); without it no new checkpoint can be signed.',
          cause: e,
        },
      );
    }
    const signer = parseSignerKey(skey);
    if (signer.name !== this.#verifier.name || !bytesEqual(signer.keyId, this.#verifier.keyId))
      throw new AequaError(
        'AEQ_LEDGER_KEY',
        `The key in ${join(this.dir, FILES.key)} is not the key of this ledger.`,
        {
          hint: `Restore the private key whose verifier key is ${this.meta.verifierKey}.`,
        },
      );
    this.#signer = signer;
    return signer;
  }

  /**
   * Signs a checkpoint of the current tree (C2SP tlog-checkpoint as a signed note), stores it with
   * its time and the consistency proof from the previous stored checkpoint, and returns its text.
   * @throws {AEQ_LEDGER_KEY} when the private key is missing or not this ledger's
   */
  async checkpoint(now: Date = new Date()): Promise<string> {
    await this.flush();
    const signer = await this.#loadSigner();
    const size = this.size;
    const note = signCheckpoint({ origin: this.origin, size, rootHash: this.#tree.root(size) }, signer);
    const last = (await this.storedCheckpoints()).at(-1);
    const fromSize = last !== undefined && last.size <= size ? last.size : 0;
    const proof = { fromSize, path: this.#tree.consistencyProof(fromSize, size).map(toHex) };
    const fh = await open(join(this.dir, FILES.checkpoints), 'a');
    try {
      await fh.write(`${canonicalize({ note, size, time: now.toISOString(), proof })}\n`);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    const tmp = join(this.dir, `.${FILES.latest}.tmp`);
    await writeFile(tmp, note);
    await rename(tmp, join(this.dir, FILES.latest));
    return note;
  }

  /**
   * Signs a checkpoint when the retention policy says one is due: `everyEntries` entries or `every`
   * time since the last stored checkpoint (and at least one new entry). Returns the note, or null.
   * @throws {AEQ_LEDGER_KEY} when one is due and the private key is missing
   */
  async checkpointIfDue(now: Date = new Date()): Promise<string | null> {
    const policy = this.#meta.retention;
    if (!policy || (policy.every === undefined && policy.everyEntries === undefined)) return null;
    await this.flush();
    const last = (await this.storedCheckpoints()).at(-1);
    if (this.size === 0 || (last !== undefined && last.size >= this.size)) return null;
    const due =
      last === undefined ||
      (policy.everyEntries !== undefined && this.size - last.size >= policy.everyEntries) ||
      (policy.every !== undefined &&
        (last.time === null || now.getTime() - Date.parse(last.time) >= parseDuration(policy.every)));
    return due ? this.checkpoint(now) : null;
  }

  /** All stored checkpoint notes, oldest first. */
  async checkpoints(): Promise<string[]> {
    return (await this.storedCheckpoints()).map((c) => c.note);
  }

  /**
   * All stored checkpoints with their sizes, roots, times and stored consistency proofs, oldest
   * first. The signatures are not checked here (verify does).
   * @throws {AEQ_LEDGER_CORRUPT} when a line of checkpoints.log is not a stored checkpoint
   */
  async storedCheckpoints(): Promise<StoredCheckpoint[]> {
    const text = await readFile(join(this.dir, FILES.checkpoints), 'utf8').catch(() => '');
    const out: StoredCheckpoint[] = [];
    for (const line of text.split('\n')) {
      if (line.length === 0) continue;
      const position = out.length;
      let v: {
        note?: unknown;
        size?: unknown;
        time?: unknown;
        proof?: { fromSize?: unknown; path?: unknown };
      };
      try {
        v = JSON.parse(line);
      } catch {
        throw corrupt(`Checkpoint ${position} in ${FILES.checkpoints} is not valid JSON.`, { position });
      }
      if (typeof v.note !== 'string' || !Number.isSafeInteger(v.size))
        throw corrupt(`Checkpoint ${position} in ${FILES.checkpoints} has no note or size.`, { position });
      const rootLine = v.note.split('\n')[2] ?? '';
      const rootHash = /^[A-Za-z0-9+/]+=*$/.test(rootLine)
        ? Buffer.from(rootLine, 'base64').toString('hex')
        : '';
      const p = v.proof;
      const proof =
        p &&
        Number.isSafeInteger(p.fromSize) &&
        Array.isArray(p.path) &&
        p.path.every((h) => typeof h === 'string')
          ? { fromSize: p.fromSize as number, path: p.path as string[] }
          : null;
      out.push({
        position,
        size: v.size as number,
        rootHash,
        time: typeof v.time === 'string' ? v.time : null,
        proof,
        note: v.note,
      });
    }
    return out;
  }

  /**
   * Sets (or, with null, removes) the retention policy in ledger.json.
   * @throws {AEQ_LEDGER_RETENTION} when the policy is malformed
   */
  async setRetention(policy: RetentionPolicy | null): Promise<void> {
    this.#assertWritable();
    const { retention: _, ...rest } = this.#meta;
    const meta: LedgerMeta = policy === null ? rest : { ...rest, retention: parseRetentionPolicy(policy) };
    await this.#writeMeta(meta);
  }

  async #writeMeta(meta: LedgerMeta): Promise<void> {
    const tmp = join(this.dir, `.${FILES.meta}.tmp`);
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(`${JSON.stringify(meta, null, 2)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, join(this.dir, FILES.meta));
    await fsyncDir(this.dir);
    this.#meta = meta;
  }

  #assertWritable(): void {
    if (this.readOnly || this.#closed)
      throw new AequaError(
        'AEQ_LEDGER_LOCKED',
        `The ledger in ${this.dir} is ${this.#closed ? 'closed' : 'open read-only'}.`,
        { hint: 'Open it for writing (Ledger.open without readOnly).' },
      );
  }

  /**
   * Applies the retention policy (EU AI Act Art. 12 event logs). No entry ever leaves the log: the
   * payloads of entries older than `keepDays` (of the kinds the policy lists) are replaced by
   * tombstones that keep each entry's original leaf hash. Steps, each safe to interrupt: (1) append a
   * `retention` entry declaring the index ranges redacted, (2) sign a checkpoint, (3) rewrite
   * entries.log with the tombstones (to a temporary file, fsync, rename). An interrupted run is
   * completed by the next one. Then a checkpoint is signed if the policy says one is due.
   * @throws {AEQ_LEDGER_RETENTION} when no keepDays is given or set
   * @throws {AEQ_LEDGER_KEY} when the private key is missing
   */
  async applyRetention(opts: ApplyRetentionOptions): Promise<RetentionReport> {
    this.#assertWritable();
    const policy = this.#meta.retention ?? {};
    const keepDays = opts.keepDays ?? policy.keepDays;
    if (keepDays === undefined || !(keepDays >= 0))
      throw new AequaError(
        'AEQ_LEDGER_RETENTION',
        `No retention period is set for the ledger in ${this.dir}.`,
        {
          hint: 'Set one with `aequa ledger retention set --keep-days N`, or pass --keep-days.',
        },
      );
    const kinds = new Set<string>(opts.kinds ?? policy.kinds ?? DEFAULT_REDACT_KINDS);
    kinds.delete('retention'); // retention entries authenticate the tombstones: never redacted
    const now = opts.now ?? new Date();
    const cutoff = new Date(now.getTime() - keepDays * 86_400_000);
    await this.flush();
    const size = this.size;
    const buf = Buffer.alloc(this.#bytes);
    await this.#fh.read(buf, 0, buf.length, 0);
    // Which entries are due, and which were declared by an earlier, interrupted run.
    const declared = new Map<number, number>();
    const due: number[] = [];
    for (let i = 0; i < size; i++) {
      const f = decodeFrame(buf, this.#offsets[i]!);
      if (!f.ok) throw corrupt(`Ledger entry ${i} is damaged.`, { index: i });
      if (parseTombstone(f.payload) !== null) continue;
      const r = JSON.parse(f.payload.toString('utf8')) as RunRecord;
      if (r.kind === 'retention') {
        for (const [a, b] of redactedRanges(r)) for (let j = a; j < b && j < i; j++) declared.set(j, i);
        continue;
      }
      if (kinds.has(r.kind) && Date.parse(r.timestamp) < cutoff.getTime()) due.push(i);
    }
    const fresh = due.filter((i) => !declared.has(i));
    const pending = [...declared.keys()].filter((i) => {
      const f = decodeFrame(buf, this.#offsets[i]!);
      return f.ok && parseTombstone(f.payload) === null;
    });
    const ranges = toRanges(fresh);
    if (opts.dryRun)
      return {
        cutoff: cutoff.toISOString(),
        redacted: fresh.length + pending.length,
        ranges: toRanges([...fresh, ...pending].sort((a, b) => a - b)),
        retentionEntry: null,
        checkpoint: null,
        dryRun: true,
      };
    let retentionEntry: number | null = null;
    let note: string | null = null;
    if (fresh.length > 0) {
      const { index } = await this.append(
        createRunRecord({
          kind: 'retention',
          command: 'ledger retention',
          actor: opts.actor,
          toolVersion: opts.toolVersion,
          timestamp: now,
          config: { keepDays, kinds: [...kinds].sort() },
          summary: { cutoff: cutoff.toISOString(), redacted: ranges, count: fresh.length },
        }),
      );
      retentionEntry = index;
      for (const i of fresh) declared.set(i, index);
      note = await this.checkpoint(now);
    }
    const toRedact = [...fresh, ...pending];
    if (toRedact.length > 0) {
      if (this.#meta.version < 2) await this.#writeMeta({ ...this.#meta, version: 2 });
      await this.#rewriteWithTombstones(new Map(toRedact.map((i) => [i, declared.get(i)!])));
    }
    const periodic = await this.checkpointIfDue(now);
    return {
      cutoff: cutoff.toISOString(),
      redacted: toRedact.length,
      ranges: toRanges(toRedact.sort((a, b) => a - b)),
      retentionEntry,
      checkpoint: periodic ?? note,
      dryRun: false,
    };
  }

  /** Rewrites entries.log with the given entries' payloads replaced by tombstones (index → retention entry). */
  async #rewriteWithTombstones(redact: ReadonlyMap<number, number>): Promise<void> {
    await this.flush();
    // Hold the flush slot so that appends issued meanwhile wait in their batches.
    let release!: () => void;
    this.#flushing = new Promise<void>((r) => {
      release = r;
    });
    try {
      const buf = Buffer.alloc(this.#bytes);
      await this.#fh.read(buf, 0, buf.length, 0);
      const parts: Buffer[] = [];
      const offsets: number[] = [];
      let bytes = 0;
      for (let i = 0; i < this.#offsets.length; i++) {
        const start = this.#offsets[i]!;
        const end = i + 1 < this.#offsets.length ? this.#offsets[i + 1]! : this.#bytes;
        const retention = redact.get(i);
        const frame =
          retention === undefined
            ? buf.subarray(start, end)
            : encodeFrame(
                i,
                Buffer.from(tombstoneText(toHex(this.#tree.leafHash(i)), retention)),
                this.#tree.leafHash(i),
              );
        offsets.push(bytes);
        parts.push(frame);
        bytes += frame.length;
      }
      const tmp = join(this.dir, `.${FILES.entries}.tmp`);
      const out = await open(tmp, 'w');
      try {
        await out.writeFile(Buffer.concat(parts, bytes));
        await out.sync();
      } finally {
        await out.close();
      }
      await rename(tmp, join(this.dir, FILES.entries));
      await fsyncDir(this.dir);
      await this.#fh.close();
      this.#fh = await open(join(this.dir, FILES.entries), 'r+');
      this.#offsets = offsets;
      this.#bytes = bytes;
      await this.#writeHead();
      await this.#headFh?.sync();
    } finally {
      this.#flushing = null;
      release();
      if (this.#batches.length > 0) this.#flushing = this.#flushLoop();
    }
  }

  /**
   * Recomputes everything from the bytes on disk: every frame's checksum, index and leaf hash, that
   * each payload is a canonical RunRecord (or a tombstone keeping the original leaf hash, declared by
   * a later `retention` entry), the committed head, and every stored checkpoint: its signature, the
   * stored consistency proof from the checkpoint before it (so "nothing was deleted" is shown by the
   * checkpoints alone), and its root against the recomputed tree. Names the first bad entry and the
   * first bad checkpoint. Does not change the files.
   */
  async verify(): Promise<VerifyReport> {
    await this.flush();
    const problems: VerifyProblem[] = [];
    let firstBad: number | null = null;
    let firstBadCp: number | null = null;
    const bad = (index: number | null, message: string, checkpoint: number | null = null) => {
      problems.push({ index, message });
      if (index !== null && (firstBad === null || index < firstBad)) firstBad = index;
      if (checkpoint !== null && (firstBadCp === null || checkpoint < firstBadCp)) firstBadCp = checkpoint;
    };
    const headBuf = await readFile(join(this.dir, FILES.head)).catch(() => Buffer.alloc(0));
    const head = decodeHead(headBuf);
    if (head === null) bad(null, `The head record (${FILES.head}) is missing or fails its checksum.`);
    const buf = await readFile(join(this.dir, FILES.entries));
    const tree = new MerkleTree();
    const tombstones: [number, Tombstone][] = [];
    const retentions = new Map<number, readonly (readonly [number, number])[]>();
    let offset = 0;
    let tornTail = 0;
    while (offset < buf.length) {
      const i = tree.size;
      const f = decodeFrame(buf, offset);
      const where = `entry ${i} (byte ${offset})`;
      if (!f.ok) {
        if (head !== null && offset >= head.bytes && f.truncated) {
          tornTail = buf.length - offset;
          break;
        }
        bad(i, `Ledger ${where} is damaged: ${f.reason}.`);
        break;
      }
      if (f.index !== i) {
        bad(i, `Ledger ${where} holds index ${f.index}: entries were reordered, dropped or inserted.`);
        break;
      }
      const tomb = parseTombstone(f.payload);
      if (tomb !== null) {
        if (tomb.leafHash !== toHex(f.leafHash)) {
          bad(i, `Ledger ${where}: its tombstone's leaf hash does not match the frame's.`);
          break;
        }
        tombstones.push([i, tomb]);
      } else {
        if (!bytesEqual(hashLeaf(f.payload), f.leafHash)) {
          bad(i, `Ledger ${where}: its stored leaf hash does not match its content.`);
          break;
        }
        const checked = checkPayload(f.payload);
        if (typeof checked === 'string') {
          bad(i, `Ledger ${where}: ${checked}.`);
          break;
        }
        if (checked.kind === 'retention') retentions.set(i, redactedRanges(checked));
      }
      tree.append(f.leafHash);
      offset += f.length;
    }
    // A tombstone is genuine only when the later retention entry it names declared it.
    const scanBroken = firstBad !== null;
    for (const [i, t] of tombstones) {
      if (scanBroken && t.retention >= tree.size) continue; // its retention entry was not reached
      const ranges = t.retention > i ? retentions.get(t.retention) : undefined;
      if (ranges === undefined || !inRanges(ranges, i)) {
        bad(
          i,
          `Ledger entry ${i} is a tombstone naming entry ${t.retention}, which is not a retention entry that redacted it.`,
        );
        break;
      }
    }
    if (head !== null && firstBad === null) {
      if (tree.size < head.size)
        bad(
          tree.size,
          `The head records ${head.size} entries, but only ${tree.size} are on disk: entries were dropped.`,
        );
      else if (!bytesEqual(tree.root(head.size), head.root))
        bad(
          null,
          `The head root at size ${head.size} is ${toHex(head.root)}, recomputed ${toHex(tree.root(head.size))}.`,
        );
    }
    let stored: StoredCheckpoint[] = [];
    try {
      stored = await this.storedCheckpoints();
    } catch (e) {
      bad(null, `${FILES.checkpoints} is unreadable: ${(e as Error).message}`, 0);
    }
    let prev: { size: number; root: Uint8Array } | null = null;
    for (const s of stored) {
      const k = s.position;
      let cpSize: number;
      let cpRoot: Uint8Array;
      try {
        const cp = openCheckpoint(s.note, this.#verifier, this.origin);
        cpSize = cp.size;
        cpRoot = cp.rootHash;
      } catch (e) {
        bad(null, `Checkpoint ${k}: ${(e as Error).message}`, k);
        continue;
      }
      // 1. The checkpoint chain alone: the stored consistency proof from the previous checkpoint.
      if (prev !== null && prev.size > cpSize) {
        bad(null, `Checkpoint ${k} has size ${cpSize}, smaller than the one before (${prev.size}).`, k);
        continue;
      }
      if (prev !== null && s.proof !== null) {
        try {
          if (s.proof.fromSize !== prev.size)
            throw new Error(`its proof starts at size ${s.proof.fromSize}, not ${prev.size}`);
          verifyConsistency({
            oldSize: prev.size,
            newSize: cpSize,
            oldRoot: prev.root,
            newRoot: cpRoot,
            path: s.proof.path.map((h) => fromHex(h, 'proof hash')),
          });
        } catch (e) {
          bad(
            null,
            `Checkpoint ${k} (size ${cpSize}) is not consistent with checkpoint ${k - 1} (size ${prev.size}): ${(e as Error).message}`,
            k,
          );
        }
      }
      // 2. The checkpoint against the entries on disk.
      if (cpSize > tree.size) {
        bad(
          tree.size,
          `Checkpoint ${k} signed size ${cpSize}, but only ${tree.size} entries verify: entries from ${tree.size} on are missing or damaged.`,
          k,
        );
      } else {
        const root = tree.root(cpSize);
        if (!bytesEqual(root, cpRoot)) {
          const lo = prev?.size ?? 0;
          bad(
            lo,
            `Checkpoint ${k} (size ${cpSize}) signed root ${toHex(cpRoot)}, recomputed ${toHex(root)}: an entry in ${lo}–${cpSize - 1} was altered after it was signed.`,
            k,
          );
        } else if (prev !== null && s.proof === null) {
          try {
            verifyConsistency({
              oldSize: prev.size,
              newSize: cpSize,
              oldRoot: prev.root,
              newRoot: cpRoot,
              path: tree.consistencyProof(prev.size, cpSize),
            });
          } catch (e) {
            if (e instanceof RootMismatchError) bad(prev.size, e.message, k);
            else bad(null, `Checkpoint ${k}: ${(e as Error).message}`, k);
          }
        }
      }
      prev = { size: cpSize, root: cpRoot };
    }
    return {
      ok: problems.length === 0,
      size: tree.size,
      rootHash: toHex(tree.root()),
      checkpoints: stored.length,
      firstBadEntry: firstBad,
      firstBadCheckpoint: firstBadCp,
      tombstones: tombstones.length,
      problems,
      tornTailBytes: tornTail,
    };
  }

  /** Waits for pending appends, syncs the head, releases the lock. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
    if (this.#headFh) {
      await this.#writeHead();
      await this.#headFh.sync();
      await this.#headFh.close();
    }
    await this.#fh.close();
    if (this.#lockPath) await rm(this.#lockPath, { force: true });
  }

  #checkIndex(i: number): void {
    if (!Number.isSafeInteger(i) || i < 0 || i >= this.size) throw outOfRange('index', i, this.size);
  }
}

/** The record a payload holds, or why it is not a canonical RunRecord. */
function checkPayload(payload: Buffer): RunRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    return 'its content is not UTF-8 JSON';
  }
  try {
    if (canonicalize(value) !== payload.toString('utf8')) return 'its content is not in canonical form';
    return parseRunRecord(value);
  } catch (e) {
    return (e as Error).message.split('\n')[0]!.replace(/\.$/, '');
  }
}

/** The index ranges a retention entry declares redacted (its summary.redacted), [] when malformed. */
function redactedRanges(r: RunRecord): [number, number][] {
  const v = r.summary.redacted;
  if (!Array.isArray(v)) return [];
  const out: [number, number][] = [];
  for (const x of v)
    if (Array.isArray(x) && x.length === 2 && Number.isSafeInteger(x[0]) && Number.isSafeInteger(x[1]))
      out.push([x[0] as number, x[1] as number]);
  return out;
}

/** The default origin for a project folder: `aequa/<folder name>`, made a valid key name. */
export function defaultOrigin(projectRoot: string): string {
  const name = basename(projectRoot).replace(/[\s+]+/g, '-') || 'project';
  return `aequa/${name}`;
}
