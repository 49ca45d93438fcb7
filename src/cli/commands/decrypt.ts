/**
 * @module cli/commands/decrypt
 * `aequa decrypt FILE.aeq`: verifies every chunk of a file written by `aequa encrypt` and writes the
 * plaintext only once all tags verified (temp file + rename). Calls `decryptFile` in `privacy/crypto`.
 */
import { existsSync } from 'node:fs';
import { decryptFile, readKeySource } from '../../privacy/node.js';
import { type CommandSpec, commandHelp, parseCommandArgs, stringFlag, usageError } from '../args.js';
import type { CliIo } from '../io.js';
import { LEDGER_OPTION } from '../ledger-hook.js';
import { recordPrivacyRun } from './privacy-ledger.js';

export const decryptCommand: CommandSpec = {
  name: 'decrypt',
  summary:
    'Decrypt a file written by `aequa encrypt`: a wrong key or an altered or truncated file fails and writes nothing.',
  usage: 'aequa decrypt <file.aeq> (--passphrase-file FILE | --key-file FILE) [--out FILE]',
  options: {
    'passphrase-file': { type: 'string', description: 'File holding the passphrase', placeholder: 'FILE' },
    'key-file': {
      type: 'string',
      description: 'File holding the 32-byte key (raw or 64 hex digits)',
      placeholder: 'FILE',
    },
    out: {
      type: 'string',
      description: 'Output file (default: the input without .aeq)',
      placeholder: 'FILE',
    },
    force: { type: 'boolean', description: 'Overwrite the output file if it exists' },
    format: { type: 'string', description: 'table | json', placeholder: 'FMT', default: 'table' },
    ...LEDGER_OPTION,
    help: { type: 'boolean', short: 'h', description: 'Show this help' },
  },
  examples: [
    'aequa decrypt data/applicants.csv.aeq --passphrase-file ~/.aequa-pass --out /tmp/applicants.csv',
  ],
};

/** Runs `aequa decrypt`; returns the exit code. */
export async function runDecrypt(argv: readonly string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(decryptCommand, argv);
  if (v.help) {
    io.stdout(commandHelp(decryptCommand));
    return 0;
  }
  if (positionals.length !== 1) throw usageError('Give exactly one file to decrypt.', 'decrypt');
  const input = positionals[0]!;
  const output = stringFlag(v.out) ?? (input.endsWith('.aeq') ? input.slice(0, -4) : `${input}.dec`);
  if (output === input) throw usageError('--out must differ from the input file.', 'decrypt');
  if (existsSync(output) && !v.force)
    throw usageError(
      `The output file "${output}" exists; pass --force to overwrite it or --out elsewhere.`,
      'decrypt',
    );
  const source = await readKeySource({
    passphraseFile: stringFlag(v['passphrase-file']),
    keyFile: stringFlag(v['key-file']),
  });
  const res = await decryptFile(input, output, source);
  if (stringFlag(v.format) === 'json')
    io.stdout(`${JSON.stringify({ schemaVersion: 1, input, ...res }, null, 2)}\n`);
  else
    io.stdout(
      `Decrypted ${input} → ${output} (${res.plaintextBytes} bytes, ${res.chunks} chunk${res.chunks === 1 ? '' : 's'} verified).\n`,
    );
  await recordPrivacyRun(
    'decrypt',
    argv,
    v,
    positionals,
    io,
    { plaintextBytes: res.plaintextBytes, chunks: res.chunks },
    output,
  );
  return 0;
}
