/**
 * @module cli/commands/attack
 * `aequa attack membership --model m.json --train train.csv --holdout holdout.csv --label y`:
 * runs membership-inference attacks (loss, confidence, and with --shadow-data the shadow-model
 * attack) against a model and prints attack AUC and TPR at 0.1%, 1% and 10% FPR. No attack logic here.
 */
import { learnerByName, parseParams } from '../../models/index.js';
import { type MembershipAttackName, membershipInference } from '../../privacy/index.js';
import {
  type CommandSpec,
  commandHelp,
  listFlag,
  multiFlag,
  numberFlag,
  parseCommandArgs,
  stringFlag,
  usageError,
} from '../args.js';
import type { CliIo } from '../io.js';
import { LEDGER_OPTION } from '../ledger-hook.js';
import { LOAD_OPTIONS, loadOptionsFromFlags } from '../load-flags.js';
import { recordPrivacyRun } from './privacy-ledger.js';

export const attackCommand: CommandSpec = {
  name: 'attack',
  summary: 'Privacy attacks on a model: membership inference (attack AUC, TPR at low FPR).',
  usage:
    'aequa attack membership --model m.json --train train.csv --holdout holdout.csv --label COL [--attacks loss,confidence,shadow] [--shadow-data FILE]',
  options: {
    model: { type: 'string', description: 'The model to attack (aequa JSON, ONNX, …)', placeholder: 'FILE' },
    train: { type: 'string', description: 'Rows the model was trained on (members)', placeholder: 'FILE' },
    holdout: {
      type: 'string',
      description: 'Rows from the same population the model never saw (non-members)',
      placeholder: 'FILE',
    },
    label: { type: 'string', description: 'Label column', placeholder: 'COL' },
    attacks: {
      type: 'string',
      multiple: true,
      description: 'loss, confidence, shadow (default: loss,confidence, plus shadow with --shadow-data)',
      placeholder: 'LIST',
    },
    'shadow-data': {
      type: 'string',
      description: "The attacker's own data for shadow models (disjoint from --train)",
      placeholder: 'FILE',
    },
    'shadow-learner': {
      type: 'string',
      description: 'Learner of the shadow models (the target’s kind)',
      placeholder: 'NAME',
      default: 'logistic',
    },
    'shadow-params': {
      type: 'string',
      multiple: true,
      description: 'Shadow learner parameter',
      placeholder: 'K=V',
    },
    'shadow-models': {
      type: 'string',
      description: 'Number of shadow models',
      placeholder: 'K',
      default: '4',
    },
    seed: { type: 'string', description: 'Seed of the shadow-data split', placeholder: 'N', default: '0' },
    format: { type: 'string', description: 'table | json', placeholder: 'FMT', default: 'table' },
    ...LOAD_OPTIONS,
    debug: { type: 'boolean', description: 'Show stack traces' },
    ...LEDGER_OPTION,
    help: { type: 'boolean', short: 'h', description: 'Show this help' },
  },
  examples: [
    'aequa attack membership --model adult-gbdt.json --train adult-train.csv --holdout adult-test.csv --label income',
    'aequa attack membership --model tree.json --train a.csv --holdout b.csv --label y --shadow-data c.csv --shadow-learner tree --format json',
  ],
};

export async function runAttack(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(attackCommand, argv);
  const cmd = 'attack';
  if (values.help) {
    io.stdout(commandHelp(attackCommand));
    return 0;
  }
  if (positionals[0] !== 'membership' || positionals.length !== 1)
    throw usageError(
      `Name the attack: aequa attack membership … (got ${positionals.length ? `"${positionals.join(' ')}"` : 'nothing'}).`,
      cmd,
    );
  const need = (flag: string): string => {
    const v = stringFlag(values[flag]);
    if (!v) throw usageError(`--${flag} is required.`, cmd);
    return v;
  };
  const modelPath = need('model');
  const trainPath = need('train');
  const holdoutPath = need('holdout');
  const label = need('label');
  const attacks = listFlag(values.attacks) as MembershipAttackName[];
  for (const a of attacks)
    if (a !== 'loss' && a !== 'confidence' && a !== 'shadow')
      throw usageError(`--attacks takes loss, confidence or shadow, got "${a}".`, cmd);
  const shadowPath = stringFlag(values['shadow-data']);
  if (attacks.includes('shadow') && !shadowPath)
    throw usageError(
      'The shadow attack needs --shadow-data: rows the attacker owns, disjoint from --train.',
      cmd,
    );
  const shadowModels =
    numberFlag(values['shadow-models'], 'shadow-models', cmd, (x) =>
      Number.isInteger(x) && x >= 1 ? null : 'must be an integer ≥ 1',
    ) ?? 4;
  const seed =
    numberFlag(values.seed, 'seed', cmd, (x) => (Number.isInteger(x) ? null : 'must be an integer')) ?? 0;
  const load = loadOptionsFromFlags(values, cmd);
  const { loadAnyModel } = await import('../../models/adapters/index.js');
  const { loadTable } = await import('../../data/io/index.js');
  const model = await loadAnyModel(modelPath);
  const train = await loadTable(trainPath, load);
  const holdout = await loadTable(holdoutPath, load);
  const shadow = shadowPath
    ? {
        learner: learnerByName(
          stringFlag(values['shadow-learner']) ?? 'logistic',
          parseParams(multiFlag(values['shadow-params'])),
        ),
        data: await loadTable(shadowPath, load),
        models: shadowModels,
        seed,
      }
    : undefined;
  const results = await membershipInference(model, {
    train,
    holdout,
    label,
    ...(attacks.length ? { attacks } : {}),
    ...(shadow ? { shadow } : {}),
  });
  await recordPrivacyRun(cmd, argv, values, positionals, io, {
    attack: 'membership',
    results: results.map((r) => ({
      attack: r.attack,
      auc: r.auc,
      advantage: r.advantage,
      members: r.members,
      nonMembers: r.nonMembers,
    })),
  });
  if (stringFlag(values.format) === 'json') {
    io.stdout(
      `${JSON.stringify({ schemaVersion: 1, attack: 'membership', model: modelPath, results }, null, 2)}\n`,
    );
    return 0;
  }
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const first = results[0];
  const lines = [
    `aequa attack membership · ${modelPath} · ${first?.members ?? 0} members vs ${first?.nonMembers ?? 0} non-members`,
    `${'attack'.padEnd(11)}${'AUC'.padStart(7)}${'TPR@0.1%'.padStart(10)}${'TPR@1%'.padStart(9)}${'TPR@10%'.padStart(9)}${'advantage'.padStart(11)}`,
  ];
  for (const r of results)
    lines.push(
      `${r.attack.padEnd(11)}${r.auc.toFixed(3).padStart(7)}${r.tprAtFpr.map((t, i) => pct(t.tpr).padStart(i === 0 ? 10 : 9)).join('')}${r.advantage.toFixed(3).padStart(11)}`,
    );
  lines.push(
    'AUC 0.5 and TPR = FPR mean the attacker learns nothing; compare against a DP-SGD model (aequa train --dp).',
  );
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}
