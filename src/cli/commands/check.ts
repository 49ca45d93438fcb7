/**
 * @module cli/commands/check
 * `aequa check --policy policy.yaml [--card card.json] [--sarif out.sarif] [--format table|json]`:
 * evaluates a compliance policy (rules and rule packs, each citing its clause) over the project
 * ledger; pass / fail / missing evidence per rule; exit 1 when any rule fails or lacks evidence.
 */
import { readFile } from 'node:fs/promises';
import {
  type CompliancePolicy,
  cardDigest,
  evaluateCompliance,
  Ledger,
  parseCompliancePolicy,
  type RunRecord,
  toSarif,
} from '../../accountability/index.js';
import { AequaError } from '../../core/index.js';
import { type CommandSpec, commandHelp, parseCommandArgs, stringFlag, usageError } from '../args.js';
import { writeFileAtomic } from '../fs.js';
import type { CliIo } from '../io.js';
import { LEDGER_OPTION, projectLedgerDir, withLedger } from '../ledger-hook.js';
import { toolVersion } from './ledger.js';

export const checkCommand: CommandSpec = {
  name: 'check',
  summary:
    'Check a compliance policy (YAML rules and packs: EEOC four-fifths, EU AI Act, NIST AI RMF) against the ledger.',
  usage: 'aequa check --policy FILE [--card card.json] [--sarif FILE] [--format table|json]',
  options: {
    policy: {
      type: 'string',
      description: 'Compliance policy (YAML or JSON, schemas/policy.schema.json)',
      placeholder: 'FILE',
    },
    card: {
      type: 'string',
      description: 'The signed card (card.json) for card-fields rules',
      placeholder: 'FILE',
    },
    sarif: { type: 'string', description: 'Also write the findings as SARIF 2.1.0', placeholder: 'FILE' },
    dir: { type: 'string', description: 'Ledger folder (default .aequa/ledger)', placeholder: 'DIR' },
    format: { type: 'string', description: 'table | json', placeholder: 'FMT', default: 'table' },
    ...LEDGER_OPTION,
    debug: { type: 'boolean', description: 'Show stack traces' },
    help: { type: 'boolean', short: 'h', description: 'Show this help' },
  },
  examples: ['aequa check --policy policy.yaml --sarif aequa.sarif'],
};

async function loadPolicy(path: string): Promise<{ policy: CompliancePolicy; lines: Map<string, number> }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new AequaError('AEQ_IO_FILE_NOT_FOUND', `Cannot read the policy file "${path}".`, {
      cause: e,
      hint: 'Check --policy.',
    });
  }
  const { parse } = await import('yaml');
  let obj: unknown;
  try {
    obj = parse(text);
  } catch (e) {
    throw new AequaError(
      'AEQ_POLICY_INVALID',
      `The policy file "${path}" is not valid YAML: ${(e as Error).message.split('\n')[0]}`,
      { cause: e },
    );
  }
  const policy = parseCompliancePolicy(obj);
  const lines = new Map<string, number>();
  text.split('\n').forEach((l, i) => {
    const m = /\bid:\s*["']?([\w.-]+)/.exec(l);
    if (m && !lines.has(m[1]!)) lines.set(m[1]!, i + 1);
  });
  return { policy, lines };
}

/** Runs `aequa check`; exit 0 all rules pass, 1 a rule fails or lacks evidence. */
export async function runCheck(argv: readonly string[], io: CliIo): Promise<number> {
  const cmd = 'check';
  const { values } = parseCommandArgs(checkCommand, argv);
  if (values.help) {
    io.stdout(commandHelp(checkCommand));
    return 0;
  }
  const path = stringFlag(values.policy);
  if (!path) throw usageError('--policy is required: the compliance policy file.', cmd);
  const { policy, lines } = await loadPolicy(path);
  const dir = stringFlag(values.dir) ?? projectLedgerDir(io);
  const ledger = await Ledger.open(dir, { readOnly: true });
  const records: RunRecord[] = [];
  try {
    for (let i = 0; i < ledger.size; i++) records.push((await ledger.get(i)).record);
  } finally {
    await ledger.close();
  }
  const cards = new Map<number, unknown>();
  const cardPath = stringFlag(values.card);
  if (cardPath) {
    const doc = JSON.parse(await readFile(cardPath, 'utf8')) as {
      card?: unknown;
      proof?: { leafIndex?: number };
    };
    const i = doc.proof?.leafIndex;
    // Only a card whose digest is the one the ledger recorded counts as evidence.
    if (
      typeof i === 'number' &&
      records[i]?.summary.cardSha256 === cardDigest(doc.card as Record<string, unknown>)
    )
      cards.set(i, doc.card);
    else
      io.stderr(
        `warning: ${cardPath} is not the card recorded in this ledger; card rules will report missing evidence.\n`,
      );
  }
  const report = evaluateCompliance(policy, records, { cards });
  const sarif = stringFlag(values.sarif);
  if (sarif)
    await writeFileAtomic(
      sarif,
      `${JSON.stringify(toSarif(report, { policyUri: path, toolVersion: toolVersion().replace(/^aequa@/, ''), ruleLines: lines }), null, 2)}\n`,
    );
  if (stringFlag(values.format) === 'json')
    io.stdout(`${JSON.stringify({ schemaVersion: 1, ...report }, null, 2)}\n`);
  else {
    const mark = { pass: '✔', fail: '✖', missing: '?' } as const;
    io.stdout(
      `${[
        `Compliance check${policy.name ? ` · ${policy.name}` : ''} · ${report.counts.pass} pass, ${report.counts.fail} fail, ${report.counts.missing} missing evidence`,
        ...report.rules.map((r) => `${mark[r.status]} ${r.id}${r.cite ? ` [${r.cite}]` : ''}: ${r.message}`),
      ].join('\n')}\n`,
    );
  }
  // The check itself is a run worth keeping: what was checked, against which policy, with what outcome.
  // Recorded in the project ledger only (not in a ledger named by --dir, which may be someone else's).
  if (stringFlag(values.dir) === undefined)
    await withLedger('check', argv, values, [], io, {
      policy: policy.name ?? path,
      passed: report.passed,
      counts: report.counts,
      rules: report.rules.map((r) => ({ id: r.id, status: r.status })),
    });
  return report.passed ? 0 : 1;
}
