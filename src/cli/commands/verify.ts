/**
 * @module cli/commands/verify
 * `aequa verify card.json [--key VKEY]`: proves a published card is exactly the one the ledger
 * recorded (card digest → record → leaf hash → RFC 9162 inclusion proof → signed C2SP checkpoint).
 * Without a file it verifies the project ledger with its approvals (`aequa ledger verify`).
 */
import { readFile } from 'node:fs/promises';
import { Ledger, toHex, verifySignedCard } from '../../accountability/index.js';
import { AequaError } from '../../core/index.js';
import { type CommandSpec, commandHelp, parseCommandArgs, stringFlag } from '../args.js';
import type { CliIo } from '../io.js';
import { projectLedgerDir } from '../ledger-hook.js';
import { runLedger } from './ledger.js';

export const verifyCommand: CommandSpec = {
  name: 'verify',
  summary:
    'Prove a signed card is the one the ledger recorded; without a file, verify the ledger and its approvals.',
  usage: 'aequa verify [card.json] [--key VERIFIER_KEY] [--dir DIR]',
  options: {
    key: {
      type: 'string',
      description: 'The ledger verifier key you trust (name+hex+base64)',
      placeholder: 'VKEY',
    },
    dir: {
      type: 'string',
      description: 'Ledger folder to cross-check (default .aequa/ledger when present)',
      placeholder: 'DIR',
    },
    format: { type: 'string', description: 'table | json', placeholder: 'FMT', default: 'table' },
    debug: { type: 'boolean', description: 'Show stack traces' },
    help: { type: 'boolean', short: 'h', description: 'Show this help' },
  },
  examples: ['aequa verify card.json --key "aequa/credit+1a2b3c4d+AT…"', 'aequa verify'],
};

/** Runs `aequa verify`; exit 0 verified, 1 verification failed. */
export async function runVerify(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(verifyCommand, argv);
  if (values.help) {
    io.stdout(commandHelp(verifyCommand));
    return 0;
  }
  const json = stringFlag(values.format) === 'json';
  const dirFlag = stringFlag(values.dir);
  const dir = dirFlag ?? projectLedgerDir(io);
  const file = positionals[0];
  if (!file) return runLedger(['verify', '--dir', dir, ...(json ? ['--format', 'json'] : [])], io);
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new AequaError(
      'AEQ_CARD_INVALID',
      `Cannot read "${file}" as a signed card (JSON): ${(e as Error).message}.`,
      {
        cause: e,
        hint: 'Verify the JSON written by `aequa card --format json --out FILE`.',
      },
    );
  }
  const key = stringFlag(values.key);
  const r = verifySignedCard(doc, key ? { trustedKey: key } : {});
  const problems = [...r.problems];
  // Cross-check against the local ledger when there is one: the entry must be the same leaf there.
  if ((dirFlag || (await Ledger.exists(dir))) && r.index !== null) {
    const ledger = await Ledger.open(dir, { readOnly: true });
    try {
      const d = doc as { proof?: { leafHash?: string }; verifierKey?: string };
      if (d.verifierKey !== ledger.meta.verifierKey)
        problems.push(`the card was recorded by another ledger (${d.verifierKey})`);
      else if (r.index >= ledger.size)
        problems.push(`entry ${r.index} is not in the local ledger of ${ledger.size} entries`);
      else if (toHex(ledger.leafHash(r.index)) !== d.proof?.leafHash)
        problems.push(`entry ${r.index} of the local ledger is a different leaf`);
    } finally {
      await ledger.close();
    }
  }
  const ok = problems.length === 0;
  if (json) io.stdout(`${JSON.stringify({ ...r, ok, problems }, null, 2)}\n`);
  else if (ok)
    io.stdout(
      `✔ ${file} is the card recorded as ledger entry ${r.index} (tree size ${r.treeSize}, signed checkpoint verified)\n`,
    );
  else io.stdout(`✖ ${file} does not verify:\n${problems.map((p) => `  ✖ ${p}`).join('\n')}\n`);
  return ok ? 0 : 1;
}
