/**
 * @module cli/commands/encrypt
 * `aequa encrypt FILE`: encrypts a data set, model, report or ledger file at rest (AES-256-GCM,
 * scrypt, envelope key; see `privacy/crypto`). Parses flags, reads the key material, calls `encryptFile`.
 */
import { existsSync } from 'node:fs';
import { DEFAULT_SCRYPT, encryptFile, readKeySource } from '../../privacy/node.js';
import {
  type CommandSpec,
  commandHelp,
  numberFlag,
  parseCommandArgs,
  stringFlag,
  usageError,
} from '../args.js';
import type { CliIo } from '../io.js';
import { LEDGER_OPTION } from '../ledger-hook.js';
import { recordPrivacyRun } from './privacy-ledger.js';

export const encryptCommand: CommandSpec = {
  name: 'encrypt',
  summary:
    'Encrypt a file at rest: AES-256-GCM in authenticated 64 KiB chunks, a random data key wrapped by a key from a passphrase (scrypt) or a 32-byte key file.',
  usage: 'aequa encrypt <file> (--passphrase-file FILE | --key-file FILE) [--out FILE]',
  options: {
    'passphrase-file': { type: 'string', description: 'File holding the passphrase', placeholder: 'FILE' },
    'key-file': {
      type: 'string',
      description: 'File holding a 32-byte key (raw or 64 hex digits)',
      placeholder: 'FILE',
    },
    out: { type: 'string', description: 'Output file (default: <file>.aeq)', placeholder: 'FILE' },
    'chunk-size': {
      type: 'string',
      description: 'Plaintext bytes per chunk',
      placeholder: 'BYTES',
      default: '65536',
    },
    force: { type: 'boolean', description: 'Overwrite the output file if it exists' },
    format: { type: 'string', description: 'table | json', placeholder: 'FMT', default: 'table' },
    ...LEDGER_OPTION,
    help: { type: 'boolean', short: 'h', description: 'Show this help' },
  },
  examples: [
    'aequa encrypt data/applicants.csv --passphrase-file ~/.aequa-pass',
    'aequa encrypt model.json --key-file key.hex --out model.json.aeq',
  ],
};

/** Runs `aequa encrypt`; returns the exit code. */
export async function runEncrypt(argv: readonly string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(encryptCommand, argv);
  if (v.help) {
    io.stdout(commandHelp(encryptCommand));
    return 0;
  }
  if (positionals.length !== 1) throw usageError('Give exactly one file to encrypt.', 'encrypt');
  const input = positionals[0]!;
  const output = stringFlag(v.out) ?? `${input}.aeq`;
  if (output === input) throw usageError('--out must differ from the input file.', 'encrypt');
  if (existsSync(output) && !v.force)
    throw usageError(
      `The output file "${output}" exists; pass --force to overwrite it or --out elsewhere.`,
      'encrypt',
    );
  const chunkSize = numberFlag(v['chunk-size'] ?? '65536', 'chunk-size', 'encrypt', (x) =>
    Number.isInteger(x) && x >= 1 && x <= 16 * 1024 * 1024 ? null : 'must be an integer in [1, 16777216]',
  )!;
  const source = await readKeySource({
    passphraseFile: stringFlag(v['passphrase-file']),
    keyFile: stringFlag(v['key-file']),
  });
  const res = await encryptFile(input, output, source, { chunkSize });
  const kdf =
    'key' in source
      ? 'raw 32-byte key'
      : `scrypt N=2^${DEFAULT_SCRYPT.log2N} r=${DEFAULT_SCRYPT.r} p=${DEFAULT_SCRYPT.p}`;
  if (stringFlag(v.format) === 'json')
    io.stdout(
      `${JSON.stringify({ schemaVersion: 1, input, ...res, cipher: 'AES-256-GCM', kdf }, null, 2)}\n`,
    );
  else
    io.stdout(
      `Encrypted ${input} → ${output} (${res.plaintextBytes} bytes in ${res.chunks} chunk${res.chunks === 1 ? '' : 's'}; AES-256-GCM, ${kdf}).\n`,
    );
  await recordPrivacyRun(
    'encrypt',
    argv,
    v,
    positionals,
    io,
    { cipher: 'AES-256-GCM', kdf, plaintextBytes: res.plaintextBytes, chunks: res.chunks },
    output,
  );
  return 0;
}
