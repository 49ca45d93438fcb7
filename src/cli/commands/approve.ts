/**
 * @module cli/commands/approve
 * `aequa approve N --role ROLE --key FILE [--note TEXT]`: a named role signs off ledger entry N with
 * an Ed25519 key (signature over the canonical JSON of { entryIndex, leafHash, role, actor, time }),
 * appended as an approval event; `aequa approve keygen NAME --key FILE` makes an approver key.
 */
import { open, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  approvalRecord,
  generateApproverKey,
  Ledger,
  parseApproverKey,
  toHex,
} from '../../accountability/index.js';
import { AequaError } from '../../core/index.js';
import { type CommandSpec, commandHelp, parseCommandArgs, stringFlag, usageError } from '../args.js';
import type { CliIo } from '../io.js';
import { projectLedgerDir } from '../ledger-hook.js';
import { toolVersion } from './ledger.js';

export const approveCommand: CommandSpec = {
  name: 'approve',
  summary:
    'Sign off a ledger entry as a named role (Ed25519-signed approval event); keygen makes an approver key.',
  usage: 'aequa approve <N> --role ROLE --key FILE [--note TEXT] | aequa approve keygen NAME --key FILE',
  options: {
    role: { type: 'string', description: 'The role signing off, e.g. risk-officer', placeholder: 'ROLE' },
    key: {
      type: 'string',
      description: 'Approver private key file (made by `approve keygen`)',
      placeholder: 'FILE',
    },
    note: { type: 'string', description: 'A note signed with the approval', placeholder: 'TEXT' },
    dir: { type: 'string', description: 'Ledger folder (default .aequa/ledger)', placeholder: 'DIR' },
    format: { type: 'string', description: 'table | json', placeholder: 'FMT', default: 'table' },
    debug: { type: 'boolean', description: 'Show stack traces' },
    help: { type: 'boolean', short: 'h', description: 'Show this help' },
  },
  examples: [
    'aequa approve keygen ana --key ~/.aequa/ana.key',
    'aequa approve 12 --role risk-officer --key ~/.aequa/ana.key',
  ],
};

/** Runs `aequa approve`; returns the exit code. */
export async function runApprove(argv: readonly string[], io: CliIo): Promise<number> {
  const cmd = 'approve';
  const { values, positionals } = parseCommandArgs(approveCommand, argv);
  if (values.help || positionals.length === 0) {
    io.stdout(commandHelp(approveCommand));
    return values.help ? 0 : 2;
  }
  const keyPath = stringFlag(values.key);
  if (!keyPath) throw usageError('--key is required: the approver private key file.', cmd);
  const json = stringFlag(values.format) === 'json';
  if (positionals[0] === 'keygen') {
    const name = positionals[1];
    if (!name) throw usageError('Give the approver name: aequa approve keygen NAME --key FILE.', cmd);
    const k = generateApproverKey(name);
    let fh: Awaited<ReturnType<typeof open>>;
    try {
      fh = await open(keyPath, 'wx', 0o600);
    } catch (e) {
      throw new AequaError(
        'AEQ_LEDGER_EXISTS',
        `Cannot create the key file ${keyPath}: ${(e as Error).message}.`,
        {
          hint: 'Choose a new path; an existing key is never overwritten.',
          cause: e,
        },
      );
    }
    try {
      await fh.writeFile(`${k.privateKey}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (json) io.stdout(`${JSON.stringify({ name, key: keyPath, verifierKey: k.verifierKey }, null, 2)}\n`);
    else
      io.stdout(
        `Approver key for ${name} written to ${keyPath} (mode 0600)\n  verifier key  ${k.verifierKey}\n`,
      );
    return 0;
  }
  const n = positionals[0]!;
  if (!/^\d+$/.test(n)) throw usageError(`The entry index must be a non-negative integer, got "${n}".`, cmd);
  const role = stringFlag(values.role);
  if (!role) throw usageError('--role is required, e.g. --role risk-officer.', cmd);
  let keyText: string;
  try {
    keyText = await readFile(keyPath, 'utf8');
  } catch (e) {
    throw new AequaError('AEQ_LEDGER_KEY', `Cannot read the approver key ${keyPath}.`, {
      hint: 'Check the path given to --key, or make a key with `aequa approve keygen NAME --key FILE`.',
      cause: e,
    });
  }
  const key = parseApproverKey(keyText);
  const dir = stringFlag(values.dir) ? resolve(stringFlag(values.dir)!) : projectLedgerDir(io);
  const ledger = await Ledger.open(dir);
  try {
    const index = Number(n);
    const leafHash = toHex(ledger.leafHash(index));
    const note = stringFlag(values.note);
    const record = approvalRecord({
      entryIndex: index,
      leafHash,
      role,
      key,
      toolVersion: toolVersion(),
      ...(note ? { note } : {}),
    });
    const r = await ledger.append(record);
    if (json)
      io.stdout(
        `${JSON.stringify({ index: r.index, leafHash: toHex(r.leafHash), approval: record.summary }, null, 2)}\n`,
      );
    else
      io.stdout(
        `Entry ${index} (${leafHash.slice(0, 12)}) approved by ${key.signer.name} as ${role}: recorded as entry ${r.index}\n`,
      );
    return 0;
  } finally {
    await ledger.close();
  }
}
