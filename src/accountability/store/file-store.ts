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
import { bytesEqual, leafHash as hashLeaf, toHex } from '../ledger/hash.js';
import type { ConsistencyProof, InclusionProof } from '../ledger/proof.js';
import { verifyConsistency } from '../ledger/proof.js';
import { MerkleTree } from '../ledger/tree.js';
import { parseRunRecord, type RunRecord } from '../record.js';
import { decodeFrame, decodeHead, encodeFrame, encodeHead, HEAD_SIZE, type Head } from './frame.js';

/** Format version of the ledger folder; a larger one in ledger.json means a newer aequa wrote it. */
export const LEDGER_FORMAT_VERSION = 1;

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
  /** The canonical JSON bytes that were hashed. */
  readonly bytes: Uint8Array;
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
  } catch (e) {
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

interface Pending {
  readonly frame: Buffer;
  readonly index: number;
  readonly leafHash: Uint8Array;
  resolve(r: AppendResult): void;
  reject(e: unknown): void;
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
  readonly meta: LedgerMeta;
  readonly readOnly: boolean;
  readonly #verifier: NoteVerifier;
  #tree: MerkleTree;
  #offsets: number[];
  #bytes: number;
  #nextIndex: number;
  #fh: FileHandle;
  #headFh: FileHandle | null;
  #lockPath: string | null;
  #pending: Pending[] = [];
  #flushing: Promise<void> | null = null;
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
    this.meta = meta;
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
      version: LEDGER_FORMAT_VERSION,
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
    let payload: Buffer;
    try {
      payload = Buffer.from(canonicalize(parseRunRecord(record)), 'utf8');
    } catch (e) {
      return Promise.reject(e);
    }
    const leaf = hashLeaf(payload);
    const index = this.#nextIndex++;
    const frame = encodeFrame(index, payload, leaf);
    return new Promise<AppendResult>((resolve, reject) => {
      this.#pending.push({ frame, index, leafHash: leaf, resolve, reject });
      if (this.#flushing === null) this.#flushing = this.#flushLoop();
    });
  }

  async #flushLoop(): Promise<void> {
    await null; // let appends issued in the same tick join the first batch
    while (this.#pending.length > 0) {
      let n = 0;
      let bytes = 0;
      while (
        n < this.#pending.length &&
        (n === 0 || bytes + this.#pending[n]!.frame.length <= MAX_BATCH_BYTES)
      )
        bytes += this.#pending[n++]!.frame.length;
      const batch = this.#pending.splice(0, n);
      const buf =
        batch.length === 1
          ? batch[0]!.frame
          : Buffer.concat(
              batch.map((b) => b.frame),
              bytes,
            );
      try {
        let done = 0;
        while (done < buf.length) {
          const { bytesWritten } = await this.#fh.write(buf, done, buf.length - done, this.#bytes + done);
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
        for (const b of [...batch, ...this.#pending.splice(0)]) b.reject(err);
        break;
      }
      for (const b of batch) {
        this.#offsets.push(this.#bytes);
        this.#tree.append(b.leafHash);
        this.#bytes += b.frame.length;
      }
      // The head is a hint written after the data is durable; it is synced on close.
      await this.#writeHead().catch(() => {});
      for (const b of batch) b.resolve({ index: b.index, leafHash: b.leafHash });
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
   * Reads entry i back.
   * @throws {AEQ_LEDGER_NOT_FOUND} when i is out of range
   * @throws {AEQ_LEDGER_CORRUPT} when the stored frame no longer matches its leaf hash
   */
  async get(i: number): Promise<LedgerEntry> {
    this.#checkIndex(i);
    const offset = this.#offsets[i]!;
    const end = i + 1 < this.#offsets.length ? this.#offsets[i + 1]! : this.#bytes;
    const buf = Buffer.alloc(end - offset);
    await this.#fh.read(buf, 0, buf.length, offset);
    const f = decodeFrame(buf, 0);
    if (!f.ok || f.index !== i || !bytesEqual(hashLeaf(f.payload), this.#tree.leafHash(i)))
      throw corrupt(`Ledger entry ${i} changed on disk since it was opened.`, { index: i });
    return {
      index: i,
      record: JSON.parse(f.payload.toString('utf8')) as RunRecord,
      leafHash: f.leafHash,
      bytes: f.payload,
    };
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
   * Signs a checkpoint of the current tree (C2SP tlog-checkpoint as a signed note), stores it and
   * returns its text.
   * @throws {AEQ_LEDGER_KEY} when the private key is missing or not this ledger's
   */
  async checkpoint(): Promise<string> {
    await this.flush();
    const signer = await this.#loadSigner();
    const size = this.size;
    const note = signCheckpoint({ origin: this.origin, size, rootHash: this.#tree.root(size) }, signer);
    const fh = await open(join(this.dir, FILES.checkpoints), 'a');
    try {
      await fh.write(`${canonicalize({ note, size })}\n`);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    const tmp = join(this.dir, `.${FILES.latest}.tmp`);
    await writeFile(tmp, note);
    await rename(tmp, join(this.dir, FILES.latest));
    return note;
  }

  /** All stored checkpoint notes, oldest first. */
  async checkpoints(): Promise<string[]> {
    const text = await readFile(join(this.dir, FILES.checkpoints), 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => (JSON.parse(l) as { note: string }).note);
  }

  /**
   * Recomputes everything from the bytes on disk: every frame's checksum, index and leaf hash, that
   * each payload is a canonical RunRecord, the committed head, and every signed checkpoint's
   * signature and root (with a consistency proof between successive checkpoints). Names the first
   * bad entry. Does not change the files.
   */
  async verify(): Promise<VerifyReport> {
    await this.flush();
    const problems: VerifyProblem[] = [];
    let firstBad: number | null = null;
    const bad = (index: number | null, message: string) => {
      problems.push({ index, message });
      if (index !== null && (firstBad === null || index < firstBad)) firstBad = index;
    };
    const headBuf = await readFile(join(this.dir, FILES.head)).catch(() => Buffer.alloc(0));
    const head = decodeHead(headBuf);
    if (head === null) bad(null, `The head record (${FILES.head}) is missing or fails its checksum.`);
    const buf = await readFile(join(this.dir, FILES.entries));
    const tree = new MerkleTree();
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
      if (!bytesEqual(hashLeaf(f.payload), f.leafHash)) {
        bad(i, `Ledger ${where}: its stored leaf hash does not match its content.`);
        break;
      }
      const problem = checkPayload(f.payload);
      if (problem) {
        bad(i, `Ledger ${where}: ${problem}.`);
        break;
      }
      tree.append(f.leafHash);
      offset += f.length;
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
    const notes = await this.checkpoints().catch((e: unknown) => {
      bad(null, `${FILES.checkpoints} is unreadable: ${(e as Error).message}.`);
      return [] as string[];
    });
    let prev: { size: number; root: Uint8Array } | null = null;
    for (const [k, note] of notes.entries()) {
      try {
        const cp = openCheckpoint(note, this.#verifier, this.origin);
        if (cp.size > tree.size) {
          bad(
            tree.size,
            `Checkpoint ${k} signed size ${cp.size}, but only ${tree.size} entries verify: entries from ${tree.size} on are missing or damaged.`,
          );
          continue;
        }
        const root = tree.root(cp.size);
        if (!bytesEqual(root, cp.rootHash)) {
          const lo = prev?.size ?? 0;
          bad(
            lo,
            `Checkpoint ${k} (size ${cp.size}) signed root ${toHex(cp.rootHash)}, recomputed ${toHex(root)}: an entry in ${lo}–${cp.size - 1} was altered after it was signed.`,
          );
          continue;
        }
        if (prev !== null && prev.size <= cp.size)
          verifyConsistency({
            oldSize: prev.size,
            newSize: cp.size,
            oldRoot: prev.root,
            newRoot: cp.rootHash,
            path: tree.consistencyProof(prev.size, cp.size),
          });
        else if (prev !== null)
          bad(null, `Checkpoint ${k} has size ${cp.size}, smaller than the one before (${prev.size}).`);
        prev = { size: cp.size, root: cp.rootHash };
      } catch (e) {
        if (e instanceof RootMismatchError) bad(prev?.size ?? 0, e.message);
        else bad(null, `Checkpoint ${k}: ${(e as Error).message}`);
      }
    }
    return {
      ok: problems.length === 0,
      size: tree.size,
      rootHash: toHex(tree.root()),
      checkpoints: notes.length,
      firstBadEntry: firstBad,
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

function checkPayload(payload: Buffer): string | null {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    return 'its content is not UTF-8 JSON';
  }
  try {
    if (canonicalize(value) !== payload.toString('utf8')) return 'its content is not in canonical form';
    parseRunRecord(value);
  } catch (e) {
    return (e as Error).message.split('\n')[0]!.replace(/\.$/, '');
  }
  return null;
}

/** The default origin for a project folder: `aequa/<folder name>`, made a valid key name. */
export function defaultOrigin(projectRoot: string): string {
  const name = basename(projectRoot).replace(/[\s+]+/g, '-') || 'project';
  return `aequa/${name}`;
}
