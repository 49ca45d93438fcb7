/**
 * @module cli/commands/ledger
 * `aequa ledger init|log|show N|prove N|consistency OLD NEW|verify|checkpoint|export`: the
 * project's tamper-evident run ledger (RFC 9162 Merkle log with C2SP signed checkpoints, see
 * src/accountability). Also `appendRunRecord`, which other commands call to record their run.
 */
import { createRequire } from 'node:module';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import {
  type AppendResult,
  checkApprovals,
  consistencyProofToJSON,
  createRunRecord,
  defaultOrigin,
  inclusionProofToJSON,
  Ledger,
  ledgerDir,
  type RunRecord,
  type RunRecordInit,
  toHex,
  verifyConsistency,
  verifyInclusion,
} from '../../accountability/index.js';
import {
  type CommandSpec,
  commandHelp,
  numberFlag,
  parseCommandArgs,
  stringFlag,
  usageError,
} from '../args.js';
import { writeFileAtomic } from '../fs.js';
import type { CliIo } from '../io.js';

export const ledgerCommand: CommandSpec = {
  name: 'ledger',
  summary:
    'Tamper-evident ledger of runs: init, log, show N, prove N, consistency OLD NEW, verify, checkpoint, export.',
  usage: 'aequa ledger <init|log|show N|prove N|consistency OLD NEW|verify|checkpoint|export> [options]',
  options: {
    dir: {
      type: 'string',
      description: 'Ledger folder',
      placeholder: 'DIR',
      default: '.aequa/ledger',
    },
    origin: {
      type: 'string',
      description: 'init: the log identity, first line of checkpoints (default aequa/<folder name>)',
      placeholder: 'NAME',
    },
    size: {
      type: 'string',
      description: 'prove: tree size to prove against (default: current)',
      placeholder: 'N',
    },
    limit: {
      type: 'string',
      description: 'log: show at most N entries, newest last',
      placeholder: 'N',
      default: '50',
    },
    out: { type: 'string', description: 'export: write to this file instead of stdout', placeholder: 'FILE' },
    format: { type: 'string', description: 'table | json', placeholder: 'FMT', default: 'table' },
    debug: { type: 'boolean', description: 'Show stack traces' },
    help: { type: 'boolean', short: 'h', description: 'Show this help' },
  },
  examples: [
    'aequa ledger init --origin example.com/credit-model',
    'aequa ledger log',
    'aequa ledger prove 3 --format json',
    'aequa ledger consistency 10 20 --format json',
    'aequa ledger verify',
  ],
};

const SUBCOMMANDS = [
  'init',
  'log',
  'show',
  'prove',
  'consistency',
  'verify',
  'checkpoint',
  'export',
] as const;

/** The aequa version, as `aequa@x.y.z`, for RunRecord.toolVersion. */
export function toolVersion(): string {
  const require = createRequire(import.meta.url);
  return `aequa@${(require('../../../package.json') as { version: string }).version}`;
}

/** Who is running: $USER, else the OS account name. */
export function currentActor(env: Readonly<Record<string, string | undefined>>): string {
  const u = env.AEQUA_ACTOR ?? env.USER ?? env.USERNAME;
  if (u) return u;
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Appends a run record to the project's ledger when one is initialised (`<cwd>/.aequa/ledger`),
 * and returns its index and leaf hash; returns null when the project has no ledger. Commands call
 * it after a successful run unless `--no-ledger` was given.
 */
export async function appendRunRecord(
  cwd: string,
  record: RunRecord | RunRecordInit,
): Promise<AppendResult | null> {
  const dir = ledgerDir(cwd);
  if (!(await Ledger.exists(dir))) return null;
  const full = 'schemaVersion' in record ? record : createRunRecord(record);
  const ledger = await Ledger.open(dir);
  try {
    return await ledger.append(full);
  } finally {
    await ledger.close();
  }
}

function index(v: string | undefined, what: string): number {
  if (v === undefined || !/^\d+$/.test(v))
    throw usageError(
      `${what} must be a non-negative integer, got ${v === undefined ? 'nothing' : `"${v}"`}.`,
      'ledger',
    );
  return Number(v);
}

export async function runLedger(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(ledgerCommand, argv);
  if (values.help || positionals.length === 0) {
    io.stdout(commandHelp(ledgerCommand));
    return values.help ? 0 : 2;
  }
  const [sub, ...args] = positionals;
  if (!(SUBCOMMANDS as readonly string[]).includes(sub!))
    throw usageError(`Unknown ledger subcommand "${sub}". Use one of: ${SUBCOMMANDS.join(', ')}.`, 'ledger');
  const json = stringFlag(values.format) === 'json';
  const dir = resolve(stringFlag(values.dir) ?? '.aequa/ledger');
  const print = (obj: unknown) => io.stdout(`${JSON.stringify(obj, null, 2)}\n`);

  if (sub === 'init') {
    const origin = stringFlag(values.origin) ?? defaultOrigin(resolve(dir, '..', '..'));
    const ledger = await Ledger.init(dir, { origin });
    await ledger.close();
    if (json) print({ dir, origin, verifierKey: ledger.meta.verifierKey });
    else
      io.stdout(
        `Initialised a ledger in ${dir}\n  origin        ${origin}\n  verifier key  ${ledger.meta.verifierKey}\n` +
          '  private key   private.key (mode 0600): back it up; it signs checkpoints.\n',
      );
    return 0;
  }

  const ledger = await Ledger.open(dir, { readOnly: sub !== 'checkpoint' });
  try {
    switch (sub) {
      case 'log': {
        const limit =
          numberFlag(values.limit, 'limit', 'ledger', (x) =>
            x >= 1 && Number.isInteger(x) ? null : 'must be a positive integer',
          ) ?? 50;
        const from = Math.max(0, ledger.size - limit);
        const rows = [];
        for (let i = from; i < ledger.size; i++) rows.push(await ledger.get(i));
        if (json) {
          print(rows.map((e) => ({ index: e.index, leafHash: toHex(e.leafHash), record: e.record })));
          return 0;
        }
        const lines = [`${ledger.origin} · ${ledger.size} entries · root ${toHex(ledger.root())}`];
        for (const e of rows) {
          const r = e.record;
          const verdict = typeof r.summary.verdict === 'string' ? ` · ${r.summary.verdict}` : '';
          lines.push(
            `${String(e.index).padStart(6)}  ${r.timestamp}  ${r.kind.padEnd(8)} ${r.command.padEnd(12)} ${r.actor}  ${toHex(e.leafHash).slice(0, 12)}${verdict}`,
          );
        }
        io.stdout(`${lines.join('\n')}\n`);
        return 0;
      }
      case 'show': {
        const e = await ledger.get(index(args[0], 'The entry index'));
        print({ index: e.index, leafHash: toHex(e.leafHash), record: e.record });
        return 0;
      }
      case 'prove': {
        const i = index(args[0], 'The entry index');
        const size = values.size === undefined ? ledger.size : index(stringFlag(values.size), '--size');
        const p = ledger.prove(i, size);
        verifyInclusion(p);
        const j = inclusionProofToJSON(p);
        if (json) print(j);
        else
          io.stdout(
            `Entry ${i} is leaf ${j.leafIndex} of the tree of ${j.treeSize} entries (verified).\n` +
              `  leaf hash  ${j.leafHash}\n  root hash  ${j.rootHash}\n` +
              j.path.map((h, k) => `  path[${k}]    ${h}\n`).join(''),
          );
        return 0;
      }
      case 'consistency': {
        const oldSize = index(args[0], 'OLD');
        const newSize = index(args[1], 'NEW');
        const p = ledger.consistency(oldSize, newSize);
        verifyConsistency(p);
        const j = consistencyProofToJSON(p);
        if (json) print(j);
        else
          io.stdout(
            `The tree of ${newSize} entries extends the tree of ${oldSize} (verified).\n` +
              `  old root  ${j.oldRoot}\n  new root  ${j.newRoot}\n` +
              j.path.map((h, k) => `  path[${k}]  ${h}\n`).join(''),
          );
        return 0;
      }
      case 'verify': {
        const base = await ledger.verify();
        // Approval events carry their own Ed25519 signatures: check each against the entry it signs.
        const approvals = base.ok ? await checkApprovals(ledger) : [];
        const bad = approvals.filter((a) => a.problem !== null);
        const r = {
          ...base,
          ok: base.ok && bad.length === 0,
          approvals: approvals.length,
          firstBadEntry: base.firstBadEntry ?? bad[0]?.index ?? null,
          problems: [
            ...base.problems,
            ...bad.map((a) => ({ index: a.index, message: `Approval entry ${a.index}: ${a.problem}.` })),
          ],
        };
        if (json) print(r);
        else {
          const lines = r.ok
            ? [
                `✔ ${ledger.origin}: ${r.size} entries, ${r.checkpoints} signed checkpoints and ${r.approvals} approvals verify · root ${r.rootHash}`,
              ]
            : [
                `✖ ${ledger.origin}: verification failed${r.firstBadEntry === null ? '' : ` from entry ${r.firstBadEntry}`}`,
                ...r.problems.map((p) => `  ✖ ${p.message}`),
              ];
          if (r.tornTailBytes > 0)
            lines.push(
              `  note: ${r.tornTailBytes} bytes of an interrupted append follow the last entry; the next append removes them.`,
            );
          io.stdout(`${lines.join('\n')}\n`);
        }
        return r.ok ? 0 : 1;
      }
      case 'checkpoint': {
        const note = await ledger.checkpoint();
        io.stdout(json ? `${JSON.stringify({ size: ledger.size, note }, null, 2)}\n` : note);
        return 0;
      }
      case 'export': {
        const entries = [];
        for (let i = 0; i < ledger.size; i++) {
          const e = await ledger.get(i);
          entries.push({ index: i, leafHash: toHex(e.leafHash), record: e.record });
        }
        const notes = await ledger.checkpoints();
        const doc = {
          schemaVersion: 1,
          origin: ledger.origin,
          verifierKey: ledger.meta.verifierKey,
          size: ledger.size,
          rootHash: toHex(ledger.root()),
          checkpoint: notes.at(-1) ?? null,
          entries,
        };
        const text = `${JSON.stringify(doc, null, 2)}\n`;
        const out = stringFlag(values.out);
        if (out) {
          await writeFileAtomic(out, text);
          io.stdout(`Exported ${ledger.size} entries to ${out}\n`);
        } else io.stdout(text);
        return 0;
      }
    }
  } finally {
    await ledger.close();
  }
  return 2;
}
