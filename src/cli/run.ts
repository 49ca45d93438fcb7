/**
 * @module cli/run
 * Dispatches `aequa <command>` and maps errors to the exit-code contract: 0 = ran and every policy
 * holds, 1 = ran and a policy failed, 2 = bad usage or input (one-line message and a hint on
 * stderr; the stack only with --debug).
 */
import { createRequire } from 'node:module';
import { closest, ERROR_CODES, isAequaError, setLogger } from '../core/index.js';
import { anonymityCommand, runAnonymity } from './commands/anonymity.js';
import { approveCommand, runApprove } from './commands/approve.js';
import { attackCommand, runAttack } from './commands/attack.js';
import { auditCommand, runAudit } from './commands/audit.js';
import { cardCommand, runCard } from './commands/card.js';
import { checkCommand, runCheck } from './commands/check.js';
import { dataBiasCommand, runDataBias } from './commands/data-bias.js';
import { datasheetCommand, runDatasheet } from './commands/datasheet.js';
import { decryptCommand, runDecrypt } from './commands/decrypt.js';
import { dpDescribeCommand, runDpDescribe } from './commands/dp-describe.js';
import { encryptCommand, runEncrypt } from './commands/encrypt.js';
import { evidenceCommand, runEvidence } from './commands/evidence.js';
import { explainCommand, runExplain } from './commands/explain.js';
import { keysCommand, runKeys } from './commands/keys.js';
import { ledgerCommand, runLedger } from './commands/ledger.js';
import { mitigateCommand, runMitigate } from './commands/mitigate.js';
import { piiCommand, runPii } from './commands/pii.js';
import { predictCommand, runPredict } from './commands/predict.js';
import { privacyCommand, runPrivacy } from './commands/privacy.js';
import { responsibilityCommand, runResponsibility } from './commands/responsibility.js';
import { runSecagg, secaggCommand } from './commands/secagg.js';
import { runTrain, trainCommand } from './commands/train.js';
import { runVerify, verifyCommand } from './commands/verify.js';
import type { CliIo } from './io.js';

const COMMANDS: Record<
  string,
  { summary: string; run: (argv: readonly string[], io: CliIo) => Promise<number> }
> = {
  audit: { summary: auditCommand.summary, run: runAudit },
  train: { summary: trainCommand.summary, run: runTrain },
  predict: { summary: predictCommand.summary, run: runPredict },
  explain: { summary: explainCommand.summary, run: runExplain },
  attack: { summary: attackCommand.summary, run: runAttack },
  'data-bias': { summary: dataBiasCommand.summary, run: runDataBias },
  mitigate: { summary: mitigateCommand.summary, run: runMitigate },
  ledger: { summary: ledgerCommand.summary, run: runLedger },
  privacy: { summary: privacyCommand.summary, run: runPrivacy },
  'dp-describe': { summary: dpDescribeCommand.summary, run: runDpDescribe },
  secagg: { summary: secaggCommand.summary, run: runSecagg },
  encrypt: { summary: encryptCommand.summary, run: runEncrypt },
  decrypt: { summary: decryptCommand.summary, run: runDecrypt },
  keys: { summary: keysCommand.summary, run: runKeys },
  pii: { summary: piiCommand.summary, run: runPii },
  anonymity: { summary: anonymityCommand.summary, run: runAnonymity },
  approve: { summary: approveCommand.summary, run: runApprove },
  card: { summary: cardCommand.summary, run: runCard },
  datasheet: { summary: datasheetCommand.summary, run: runDatasheet },
  verify: { summary: verifyCommand.summary, run: runVerify },
  check: { summary: checkCommand.summary, run: runCheck },
  evidence: { summary: evidenceCommand.summary, run: runEvidence },
  responsibility: { summary: responsibilityCommand.summary, run: runResponsibility },
};

export function version(): string {
  const require = createRequire(import.meta.url);
  return (require('../../package.json') as { version: string }).version;
}

function mainHelp(): string {
  const lines = [
    `aequa ${version()}: fairness, transparency, privacy and accountability for machine-learning systems`,
    '',
    'Usage: aequa <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(16)}${c.summary.split(':')[0]}`),
    '',
    "Run `aequa <command> --help` for a command's options.",
    'Exit codes: 0 ran and every policy holds, 1 a policy failed, 2 bad usage or input.',
  ];
  return `${lines.join('\n')}\n`;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const debug = argv.includes('--debug');
  const prevLogger = setLogger((w) => io.stderr(`warning ${w.code}: ${w.message}\n`));
  try {
    const [cmd, ...rest] = argv;
    if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      io.stdout(mainHelp());
      return cmd === undefined ? 2 : 0;
    }
    if (cmd === '--version' || cmd === '-v') {
      io.stdout(`${version()}\n`);
      return 0;
    }
    const command = COMMANDS[cmd];
    if (!command) {
      const s = closest(cmd, Object.keys(COMMANDS));
      io.stderr(
        `aequa: unknown command "${cmd}".${s ? ` Did you mean "${s}"?` : ''} Run \`aequa --help\` for the list.\n`,
      );
      return 2;
    }
    return await command.run(rest, io);
  } catch (e) {
    if (isAequaError(e)) {
      io.stderr(`aequa: ${e.message}\n`);
      const hint = e.hint ?? ERROR_CODES[e.code]?.howToFix;
      if (hint) io.stderr(`hint: ${hint}\n`);
      io.stderr(`(${e.code})\n`);
      if (debug && e.stack) io.stderr(`${e.stack}\n`);
      return 2;
    }
    const err = e as Error;
    io.stderr(`aequa: unexpected error: ${err?.message ?? String(e)}\n`);
    io.stderr(
      debug ? `${err?.stack ?? ''}\n` : 'Run again with --debug for the stack trace, and please report it.\n',
    );
    return 2;
  } finally {
    setLogger(prevLogger);
  }
}
