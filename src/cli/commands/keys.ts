/**
 * @module cli/commands/keys
 * `aequa keys generate|rotate`: make a 32-byte key file, or re-wrap the data key of encrypted files
 * under a new passphrase or key (envelope encryption: the encrypted body is not touched).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { readKeySource, rotateFileKey } from '../../privacy/node.js';
import { type CommandSpec, commandHelp, parseCommandArgs, stringFlag, usageError } from '../args.js';
import type { CliIo } from '../io.js';

export const keysCommand: CommandSpec = {
  name: 'keys',
  summary:
    'Manage encryption keys: `generate` writes a random 32-byte key file; `rotate` re-wraps encrypted files under a new key without re-encrypting them.',
  usage:
    'aequa keys generate --out key.hex | aequa keys rotate <file.aeq>… (--passphrase-file F | --key-file F) (--new-passphrase-file F | --new-key-file F)',
  options: {
    'passphrase-file': { type: 'string', description: 'Current passphrase file', placeholder: 'FILE' },
    'key-file': { type: 'string', description: 'Current key file', placeholder: 'FILE' },
    'new-passphrase-file': { type: 'string', description: 'New passphrase file', placeholder: 'FILE' },
    'new-key-file': { type: 'string', description: 'New key file', placeholder: 'FILE' },
    out: { type: 'string', description: 'generate: the key file to write (mode 0600)', placeholder: 'FILE' },
    force: { type: 'boolean', description: 'generate: overwrite an existing key file' },
    help: { type: 'boolean', short: 'h', description: 'Show this help' },
  },
  examples: [
    'aequa keys generate --out ~/.aequa/key.hex',
    'aequa keys rotate data.csv.aeq model.json.aeq --passphrase-file old.txt --new-key-file ~/.aequa/key.hex',
  ],
};

/** Runs `aequa keys`; returns the exit code. */
export async function runKeys(argv: readonly string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(keysCommand, argv);
  const [sub, ...files] = positionals;
  if (v.help || sub === undefined) {
    io.stdout(commandHelp(keysCommand));
    return v.help ? 0 : 2;
  }
  if (sub === 'generate') {
    const out = stringFlag(v.out);
    if (out === undefined) throw usageError('keys generate needs --out FILE.', 'keys');
    if (existsSync(out) && !v.force)
      throw usageError(
        `The key file "${out}" exists; pass --force to replace it (data under it becomes unreadable).`,
        'keys',
      );
    // Created with mode 0600 from the start (no window where the key is world-readable).
    if (v.force) await rm(out, { force: true });
    const fh = await open(out, 'wx', 0o600);
    try {
      await fh.writeFile(`${randomBytes(32).toString('hex')}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    io.stdout(
      `Wrote a random 32-byte key to ${out} (mode 0600). Keep a backup: without it the data is lost.\n`,
    );
    return 0;
  }
  if (sub !== 'rotate') throw usageError(`Unknown keys subcommand "${sub}"; use generate or rotate.`, 'keys');
  if (files.length === 0) throw usageError('keys rotate needs at least one encrypted file.', 'keys');
  const current = await readKeySource({
    passphraseFile: stringFlag(v['passphrase-file']),
    keyFile: stringFlag(v['key-file']),
  });
  const next = await readKeySource({
    passphraseFile: stringFlag(v['new-passphrase-file']),
    keyFile: stringFlag(v['new-key-file']),
  });
  for (const f of files) {
    const r = await rotateFileKey(f, current, next);
    io.stdout(`Rotated ${f}: key re-wrapped, ${r.bodyBytes} encrypted bytes copied unchanged.\n`);
  }
  return 0;
}
