/**
 * @module cli/ledger-hook
 * The one call each command makes at the end of a successful run: when the project has a ledger
 * (`.aequa/ledger` in the working folder, or `$AEQUA_LEDGER_DIR`), append a RunRecord with the
 * command line, the SHA-256 of every input and output file, and a summary of the result (DESIGN
 * idea 5: "every run leaves a record"; EU AI Act Art. 12 automatic logging). `--no-ledger` opts out.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  type AppendResult,
  auditRunSummary,
  createRunRecord,
  type FileRef,
  fileRef,
  type JsonValue,
  Ledger,
  ledgerDir,
  toHex,
  toJsonValue,
} from '../accountability/index.js';
import type { AuditResult } from '../metrics/index.js';
import type { OptionSpec, ParsedValues } from './args.js';
import { currentActor, toolVersion } from './commands/ledger.js';
import type { CliIo } from './io.js';

/** The `--ledger / --no-ledger` flag every recording command accepts. */
export const LEDGER_OPTION: Readonly<Record<'ledger', OptionSpec>> = {
  ledger: {
    type: 'boolean',
    description: 'Record this run in .aequa/ledger when the project has one (--no-ledger to skip)',
    default: true,
  },
};

/** Flags whose value names a file the command wrote. */
const OUTPUT_FLAGS = new Set(['out', 'onnx', 'sarif']);
/** Flags that never name an input file. */
const NOT_INPUT_FLAGS = new Set(['format', 'sql', 'query', 'table', 'dir', 'key', ...OUTPUT_FLAGS]);

/** The ledger folder a command appends to: `$AEQUA_LEDGER_DIR`, else `<cwd>/.aequa/ledger`. */
export function projectLedgerDir(io: CliIo): string {
  const env = io.env.AEQUA_LEDGER_DIR;
  return env ? resolve(env) : ledgerDir(process.cwd());
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/** Removes passwords from URLs in the recorded command line (postgres://user:secret@host). */
function redact(s: string): string {
  return s.replace(/(\/\/[^/:@\s]+):[^@/\s]+@/g, '$1:***@');
}

/** Commands whose first positional argument is a model. */
const MODEL_FIRST: ReadonlySet<string> = new Set(['predict', 'explain', 'responsibility']);

/** The summary a command's result leaves in the ledger; the audit keeps its metrics and CIs. */
function summarise(command: string, result: unknown): { readonly [k: string]: JsonValue } {
  if (command === 'audit') return auditRunSummary(result as AuditResult);
  const v = toJsonValue(result);
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as { readonly [k: string]: JsonValue })
    : { result: v };
}

/**
 * Appends the run to the project's ledger unless `--no-ledger` was given or there is no ledger.
 * Inputs are the positional arguments and flag values that name existing files (`--model` and
 * `--policy` keep their flag name as role); outputs are `--out` (a file, or the files directly in
 * that folder), `--onnx`, `--sarif`, plus `extraOutputs` (files written to default paths).
 * Prints `ledger: recorded as entry N` on stderr.
 * @throws {AEQ_LEDGER_LOCKED} / {AEQ_LEDGER_KEY} … when the ledger exists but cannot take the record
 */
export async function withLedger(
  command: string,
  argv: readonly string[],
  values: ParsedValues,
  positionals: readonly string[],
  io: CliIo,
  result: unknown,
  extraOutputs: readonly string[] = [],
): Promise<AppendResult | null> {
  if (values.ledger === false) return null;
  const dir = projectLedgerDir(io);
  if (!(await Ledger.exists(dir))) return null;
  const inputs: FileRef[] = [];
  const outputs: FileRef[] = [];
  const seen = new Set<string>();
  for (const [i, p] of positionals.entries())
    if (await isFile(p)) {
      seen.add(resolve(p));
      inputs.push(await fileRef(p, MODEL_FIRST.has(command) && i === 0 ? 'model' : 'data'));
    }
  for (const [flag, v] of Object.entries(values)) {
    const paths = typeof v === 'string' ? [v] : Array.isArray(v) ? v : [];
    for (const p of paths) {
      if (OUTPUT_FLAGS.has(flag)) {
        const st = await stat(p).catch(() => null);
        if (st?.isFile()) outputs.push(await fileRef(p, flag));
        else if (st?.isDirectory())
          for (const name of (await readdir(p)).sort())
            if (!name.startsWith('.') && (await isFile(join(p, name))))
              outputs.push(await fileRef(join(p, name), flag));
      } else if (!NOT_INPUT_FLAGS.has(flag) && !seen.has(resolve(p)) && (await isFile(p))) {
        seen.add(resolve(p));
        inputs.push(await fileRef(p, flag === 'model' || flag === 'policy' ? flag : 'data'));
      }
    }
  }
  const outSeen = new Set(outputs.map((o) => resolve(o.path)));
  for (const p of extraOutputs)
    if (!outSeen.has(resolve(p)) && (await isFile(p))) outputs.push(await fileRef(p, 'model'));
  const record = createRunRecord({
    command,
    toolVersion: toolVersion(),
    actor: currentActor(io.env),
    config: { argv: argv.map(redact) },
    inputs,
    outputs,
    summary: summarise(command, result),
  });
  const ledger = await Ledger.open(dir);
  try {
    const r = await ledger.append(record);
    // Periodic signed checkpoints of the retention policy (EU AI Act Art. 12): when one is due.
    await ledger.checkpointIfDue();
    io.stderr(`ledger: recorded as entry ${r.index} (${toHex(r.leafHash).slice(0, 12)})\n`);
    return r;
  } finally {
    await ledger.close();
  }
}
