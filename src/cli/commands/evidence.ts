/**
 * @module cli/commands/evidence
 * `aequa evidence --framework eu-ai-act|nist-ai-rmf|iso-42001 [--out FILE]`: an evidence index keyed
 * by clause, each item a ledger entry with its RFC 9162 inclusion proof against a freshly signed
 * checkpoint (see src/accountability/compliance/evidence.ts).
 */
import {
  buildEvidenceIndex,
  FRAMEWORKS,
  type FrameworkName,
  inclusionProofToJSON,
  Ledger,
  type RunRecord,
  toHex,
} from '../../accountability/index.js';
import { closest } from '../../core/index.js';
import { type CommandSpec, commandHelp, parseCommandArgs, stringFlag, usageError } from '../args.js';
import { writeFileAtomic } from '../fs.js';
import type { CliIo } from '../io.js';
import { projectLedgerDir } from '../ledger-hook.js';

export const evidenceCommand: CommandSpec = {
  name: 'evidence',
  summary:
    'Export an evidence index by clause (EU AI Act, NIST AI RMF, ISO/IEC 42001), each item with its inclusion proof.',
  usage: 'aequa evidence --framework eu-ai-act|nist-ai-rmf|iso-42001 [--out FILE]',
  options: {
    framework: { type: 'string', description: Object.keys(FRAMEWORKS).join(' | '), placeholder: 'NAME' },
    out: { type: 'string', description: 'Write the index here instead of stdout', placeholder: 'FILE' },
    dir: { type: 'string', description: 'Ledger folder (default .aequa/ledger)', placeholder: 'DIR' },
    debug: { type: 'boolean', description: 'Show stack traces' },
    help: { type: 'boolean', short: 'h', description: 'Show this help' },
  },
  examples: ['aequa evidence --framework eu-ai-act --out evidence.json'],
};

/** Runs `aequa evidence`; returns the exit code. */
export async function runEvidence(argv: readonly string[], io: CliIo): Promise<number> {
  const cmd = 'evidence';
  const { values } = parseCommandArgs(evidenceCommand, argv);
  if (values.help) {
    io.stdout(commandHelp(evidenceCommand));
    return 0;
  }
  const fw = stringFlag(values.framework);
  if (!fw || !(fw in FRAMEWORKS)) {
    const near = fw ? closest(fw, Object.keys(FRAMEWORKS)) : undefined;
    throw usageError(
      `--framework must be one of ${Object.keys(FRAMEWORKS).join(', ')}; got ${fw ? `"${fw}"` : 'nothing'}.${near ? ` Did you mean "${near}"?` : ''}`,
      cmd,
    );
  }
  const ledger = await Ledger.open(stringFlag(values.dir) ?? projectLedgerDir(io));
  try {
    const records: RunRecord[] = [];
    for (let i = 0; i < ledger.size; i++) records.push((await ledger.get(i)).record);
    const checkpoint = await ledger.checkpoint();
    const size = records.length;
    const index = buildEvidenceIndex(fw as FrameworkName, {
      records,
      prove: (i) => inclusionProofToJSON(ledger.prove(i, size)),
      origin: ledger.origin,
      rootHash: toHex(ledger.root(size)),
      checkpoint,
      verifierKey: ledger.meta.verifierKey,
    });
    const text = `${JSON.stringify(index, null, 2)}\n`;
    const out = stringFlag(values.out);
    if (out) {
      await writeFileAtomic(out, text);
      io.stdout(
        `Evidence index for ${index.title}: ${Object.keys(index.clauses).length} clauses, ${index.gaps.length} without evidence${index.gaps.length ? ` (${index.gaps.join(', ')})` : ''}; written to ${out}\n`,
      );
    } else io.stdout(text);
    return 0;
  } finally {
    await ledger.close();
  }
}
