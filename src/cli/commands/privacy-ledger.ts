/**
 * @module cli/commands/privacy-ledger
 * How the privacy commands (dp-describe, attack, encrypt, decrypt, pii, anonymity) leave a ledger record
 * without leaking what they protect: key and passphrase files are never hashed into the record (a hash of
 * a short passphrase can be brute-forced), `--text` bodies are replaced by their length, and only
 * aggregate figures enter the summary (never matched PII or the values of small anonymity classes).
 */
import type { JsonValue } from '../../accountability/index.js';
import type { ParsedValues } from '../args.js';
import type { CliIo } from '../io.js';
import { withLedger } from '../ledger-hook.js';

/** Flags naming secrets: never recorded as ledger inputs. */
const SECRET_FLAGS = ['passphrase-file', 'key-file', 'new-key-file', 'new-passphrase-file', 'hash-key-file'];
/** Flags whose value is personal data itself: recorded only as their length. */
const TEXT_FLAGS = new Set(['--text']);

/**
 * The command line with the values of text flags replaced by `<N chars>`.
 * @example redactArgv(['scan', '--text', 'mail a@b.org']) // ['scan', '--text', '<11 chars>']
 */
export function redactArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf('=');
    if (eq > 0 && TEXT_FLAGS.has(a.slice(0, eq))) out.push(`${a.slice(0, eq)}=<${a.length - eq - 1} chars>`);
    else if (TEXT_FLAGS.has(a) && i + 1 < argv.length) {
      out.push(a, `<${argv[i + 1]!.length} chars>`);
      i++;
    } else out.push(a);
  }
  return out;
}

/**
 * Appends a privacy command's run to the project ledger (when there is one and `--no-ledger` was not
 * given), dropping secret flags from the inputs. `out` names an output written to a default path.
 * @example await recordPrivacyRun('encrypt', argv, values, [input], io, { cipher: 'AES-256-GCM' }, output)
 */
export async function recordPrivacyRun(
  command: string,
  argv: readonly string[],
  values: ParsedValues,
  positionals: readonly string[],
  io: CliIo,
  summary: { readonly [k: string]: JsonValue },
  out?: string,
): Promise<void> {
  const scrubbed: ParsedValues = { ...values };
  for (const f of SECRET_FLAGS) delete scrubbed[f];
  delete scrubbed.text;
  if (out !== undefined) scrubbed.out = out;
  await withLedger(command, redactArgv(argv), scrubbed, positionals, io, summary);
}
