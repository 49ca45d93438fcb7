/**
 * @module cli/commands/ledger
 * `aequa ledger init|log|show N|prove N|consistency OLD NEW|verify|checkpoint|export`: the
 * project's tamper-evident run ledger (RFC 9162 Merkle log with C2SP signed checkpoints, see
 * src/accountability). Also `appendRunRecord`, a programmatic append (commands record through
 * `withLedger` in cli/ledger-hook).
 */
import { createRequire } from 'node:module';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import {
  type AppendResult,
  checkApprovals,
  consistencyProofToJSON,
  createRunRecord,
  DEFAULT_REDACT_KINDS,
  defaultOrigin,
  inclusionProofToJSON,
  Ledger,
  ledgerDir,
  type RecordKind,
  type RetentionPolicy,
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
    'Tamper-evident ledger of runs: init, log, show N, prove N, consistency OLD NEW, verify, checkpoint, checkpoints, retention, export.',
  usage:
    'aequa ledger <init|log|show N|prove N|consistency OLD NEW|verify|checkpoint|checkpoints|retention [show|set|apply]|export> [options]',
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
    'keep-days': {
      type: 'string',
      description:
        'retention set|apply: redact payloads of entries older than N days (they stay in the log as tombstones)',
      placeholder: 'N',
    },
    every: {
      type: 'string',
      description:
        'retention set: sign a checkpoint when this much time has passed since the last (e.g. 1d, 12h)',
      placeholder: 'DURATION',
    },
    'every-entries': {
      type: 'string',
      description: 'retention set: sign a checkpoint every N appended entries',
      placeholder: 'N',
    },
    kinds: {
      type: 'string',
      description: 'retention set|apply: record kinds whose payloads are redacted (default event,run)',
      placeholder: 'K,…',
    },
    'dry-run': {
      type: 'boolean',
      description: 'retention apply: report what would be redacted, change nothing',
    },
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
    'aequa ledger retention set --keep-days 180 --every 1d --every-entries 10000',
    'aequa ledger retention apply --dry-run',
    'aequa ledger checkpoints',
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
  'checkpoints',
  'retention',
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
    const r = await ledger.append(full);
    // Periodic signed checkpoints of the retention policy (EU AI Act Art. 12): when one is due.
    await ledger.checkpointIfDue();
    return r;
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

  const writes = sub === 'checkpoint' || (sub === 'retention' && (args[0] === 'set' || args[0] === 'apply'));
  const ledger = await Ledger.open(dir, { readOnly: !writes });
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
                `✔ ${ledger.origin}: ${r.size} entries, ${r.checkpoints} signed checkpoints and ${r.approvals} approvals verify${r.tombstones > 0 ? ` (${r.tombstones} redacted to tombstones, leaf hashes checked)` : ''} · root ${r.rootHash}`,
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
      case 'checkpoints': {
        const cps = await ledger.storedCheckpoints();
        if (json) {
          print(cps.map(({ note: _, ...c }) => c));
          return 0;
        }
        const lines = [`${ledger.origin} · ${cps.length} stored checkpoint${cps.length === 1 ? '' : 's'}`];
        for (const c of cps)
          lines.push(
            `${String(c.position).padStart(4)}  size ${String(c.size).padStart(8)}  ${c.time ?? '(time not recorded)'}  root ${c.rootHash.slice(0, 16)}…` +
              (c.proof && c.position > 0
                ? `  proof from ${c.proof.fromSize} (${c.proof.path.length} hashes)`
                : ''),
          );
        lines.push('Run `aequa ledger verify` to check every signature and the consistency between them.');
        io.stdout(`${lines.join('\n')}\n`);
        return 0;
      }
      case 'retention':
        return await retention(ledger, args, values, io, json);
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

async function retention(
  ledger: Ledger,
  args: readonly string[],
  values: Record<string, unknown>,
  io: CliIo,
  json: boolean,
): Promise<number> {
  const action = args[0] ?? 'show';
  const print = (obj: unknown) => io.stdout(`${JSON.stringify(obj, null, 2)}\n`);
  const intFlag = (name: string, min: number): number | undefined =>
    numberFlag(values[name] as string | undefined, name, 'ledger', (x) =>
      Number.isInteger(x) && x >= min ? null : `must be an integer ≥ ${min}`,
    );
  const kindsFlag = stringFlag(values.kinds as string | undefined);
  const kinds =
    kindsFlag === undefined ? undefined : (kindsFlag.split(',').map((k) => k.trim()) as RecordKind[]);
  const keepDays = intFlag('keep-days', 0);
  if (action === 'show') {
    const p = ledger.meta.retention ?? null;
    if (json) print({ retention: p });
    else
      io.stdout(
        p === null
          ? 'No retention policy is set. Set one with `aequa ledger retention set --keep-days N --every 1d`.\n'
          : `Retention policy of ${ledger.origin}:\n` +
              `  keep payloads   ${p.keepDays === undefined ? 'forever' : `${p.keepDays} days, then tombstones (leaf hash kept)`}\n` +
              `  checkpoints     ${[p.every ? `every ${p.every}` : '', p.everyEntries ? `every ${p.everyEntries} entries` : ''].filter(Boolean).join(' or ') || 'on demand'}\n` +
              `  redacted kinds  ${(p.kinds ?? DEFAULT_REDACT_KINDS).join(', ')}\n`,
      );
    return 0;
  }
  if (action === 'set') {
    const everyEntries = intFlag('every-entries', 1);
    const every = stringFlag(values.every as string | undefined);
    const policy: RetentionPolicy = {
      ...(ledger.meta.retention ?? {}),
      ...(keepDays === undefined ? {} : { keepDays }),
      ...(every === undefined ? {} : { every }),
      ...(everyEntries === undefined ? {} : { everyEntries }),
      ...(kinds === undefined ? {} : { kinds }),
    };
    await ledger.setRetention(policy);
    if (json) print({ retention: ledger.meta.retention });
    else
      io.stdout(
        `Retention policy saved in ${ledger.dir}/ledger.json: ${JSON.stringify(ledger.meta.retention)}\n`,
      );
    return 0;
  }
  if (action === 'apply') {
    const r = await ledger.applyRetention({
      actor: currentActor(io.env),
      toolVersion: toolVersion(),
      dryRun: values['dry-run'] === true,
      ...(keepDays === undefined ? {} : { keepDays }),
      ...(kinds === undefined ? {} : { kinds }),
    });
    if (json) print(r);
    else {
      const span = r.ranges.map(([a, b]) => (b - a === 1 ? `${a}` : `${a}–${b - 1}`)).join(', ');
      io.stdout(
        `${r.dryRun ? 'Would redact' : 'Redacted'} the payloads of ${r.redacted} entr${r.redacted === 1 ? 'y' : 'ies'} older than ${r.cutoff}${span ? ` (${span})` : ''}; ` +
          'their leaf hashes stay in the log, so every proof and checkpoint still verifies.\n' +
          (r.retentionEntry === null ? '' : `  retention entry  ${r.retentionEntry}\n`) +
          (r.checkpoint === null ? '' : `  checkpoint       signed at size ${ledger.size}\n`),
      );
    }
    return 0;
  }
  throw usageError(`Unknown retention action "${action}". Use show, set or apply.`, 'ledger');
}
