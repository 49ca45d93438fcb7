/**
 * @module cli/commands/privacy
 * `aequa privacy epsilon|noise`: the DP-SGD accountant on the command line. `epsilon` reports the
 * (ε, δ) spent by the Poisson-subsampled Gaussian mechanism (Mironov, Talwar & Zhang 2019, with the
 * improved conversion of Balle et al. 2020, or the tighter PRV/PLD accountant with --accountant prv); `noise` solves for the noise multiplier σ that meets a
 * target ε. The arithmetic lives in `src/privacy/accounting`.
 */
import { DEFAULT_RDP_ORDERS, dpSgdEpsilon, dpSgdNoise, prvAccountant } from '../../privacy/index.js';
import {
  type CommandSpec,
  commandHelp,
  numberFlag,
  parseCommandArgs,
  stringFlag,
  usageError,
} from '../args.js';
import type { CliIo } from '../io.js';

export const privacyCommand: CommandSpec = {
  name: 'privacy',
  summary: 'Privacy accounting for DP-SGD: the ε spent by a training run, or the noise a target ε needs.',
  usage:
    'aequa privacy epsilon --sample-rate Q --noise-multiplier SIGMA --steps T --delta D [--accountant rdp|prv] [--grid-step H]\n' +
    '       aequa privacy noise --epsilon E --delta D --sample-rate Q --steps T',
  options: {
    'sample-rate': {
      type: 'string',
      description: 'Poisson sampling rate q = batch size / data size, in (0, 1]',
      placeholder: 'Q',
    },
    'noise-multiplier': {
      type: 'string',
      description: 'σ = noise std / clipping norm (epsilon)',
      placeholder: 'SIGMA',
    },
    steps: { type: 'string', description: 'Number of noisy steps T (e.g. epochs / q)', placeholder: 'T' },
    epochs: {
      type: 'string',
      description: 'Instead of --steps: epochs, giving T = ⌈epochs / q⌉',
      placeholder: 'N',
    },
    delta: {
      type: 'string',
      description: 'Target δ in (0, 1), e.g. 1e-5 (below 1/data size)',
      placeholder: 'D',
    },
    epsilon: { type: 'string', description: 'Target ε > 0 (noise)', placeholder: 'E' },
    accountant: {
      type: 'string',
      description: 'rdp, or prv (numerical privacy loss distribution, tighter; epsilon only)',
      placeholder: 'NAME',
      default: 'rdp',
    },
    'grid-step': {
      type: 'string',
      description: 'prv: grid width h of the privacy loss (finer = tighter and slower)',
      placeholder: 'H',
      default: '5e-5',
    },
    format: { type: 'string', description: 'table | json', placeholder: 'FMT', default: 'table' },
    debug: { type: 'boolean', description: 'Show stack traces' },
    help: { type: 'boolean', short: 'h', description: 'Show this help' },
  },
  examples: [
    'aequa privacy epsilon --sample-rate 0.0042667 --noise-multiplier 1.1 --epochs 60 --delta 1e-5',
    'aequa privacy noise --epsilon 3 --delta 1e-5 --sample-rate 0.01 --steps 5000 --format json',
  ],
};

const CMD = 'privacy';

type Values = Record<string, string | boolean | string[] | undefined>;

function sampleRate(v: Values): number {
  const q = numberFlag(v['sample-rate'], 'sample-rate', CMD, (x) =>
    x > 0 && x <= 1 ? null : 'must be a sampling rate in (0, 1] (batch size / data size)',
  );
  if (q === undefined)
    throw usageError('--sample-rate is required, e.g. --sample-rate 0.004 (batch 256 of 60000).', CMD);
  return q;
}

function delta(v: Values): number {
  const d = numberFlag(v.delta, 'delta', CMD, (x) =>
    x > 0 && x < 1 ? null : 'must be in (0, 1), typically below 1/(number of people), e.g. 1e-5',
  );
  if (d === undefined) throw usageError('--delta is required, e.g. --delta 1e-5.', CMD);
  return d;
}

function steps(v: Values, q: number): number {
  const s = numberFlag(v.steps, 'steps', CMD, (x) =>
    Number.isInteger(x) && x >= 1 ? null : 'must be an integer ≥ 1',
  );
  const e = numberFlag(v.epochs, 'epochs', CMD, (x) => (x > 0 ? null : 'must be > 0'));
  if (s !== undefined && e !== undefined) throw usageError('Give --steps or --epochs, not both.', CMD);
  if (s !== undefined) return s;
  if (e !== undefined) return Math.ceil(e / q);
  throw usageError('--steps (or --epochs) is required.', CMD);
}

function fmtNum(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(6))) : String(x);
}

/** ε of `steps` sampled-Gaussian steps by either accountant, with the one detail each reports. */
function spentEpsilon(
  accountant: 'rdp' | 'prv',
  q: number,
  sigma: number,
  steps: number,
  d: number,
  gridStep: number,
): { epsilon: number; detail: { gridStep: number } | { order: number }; how: string } {
  if (accountant === 'prv')
    return {
      epsilon: prvAccountant({ sampleRate: q, noiseMultiplier: sigma, steps, gridStep }).epsilon(d),
      detail: { gridStep },
      how: `PRV accountant: an upper bound, grid h = ${gridStep}`,
    };
  const r = dpSgdEpsilon({ sampleRate: q, noiseMultiplier: sigma, steps, delta: d });
  return {
    epsilon: r.epsilon,
    detail: { order: r.order },
    how: `RDP accountant, best order α = ${r.order} of ${DEFAULT_RDP_ORDERS.length}`,
  };
}

/** Runs `aequa privacy`; returns the exit code (usage errors are thrown for the dispatcher: exit 2). */
export async function runPrivacy(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(privacyCommand, argv);
  if (values.help || positionals.length === 0) {
    io.stdout(commandHelp(privacyCommand));
    return values.help ? 0 : 2;
  }
  const sub = positionals[0]!;
  if (positionals.length > 1)
    throw usageError(`Unexpected arguments: ${positionals.slice(1).join(' ')}.`, CMD);
  const format = stringFlag(values.format) ?? 'table';
  if (!['table', 'json'].includes(format))
    throw usageError(`--format must be table or json; got "${format}".`, CMD);
  const accountant = stringFlag(values.accountant) ?? 'rdp';
  if (accountant !== 'rdp' && accountant !== 'prv')
    throw usageError(`--accountant must be rdp or prv; got "${accountant}".`, CMD);
  if (accountant === 'prv' && sub === 'noise')
    throw usageError(
      '`aequa privacy noise` solves for σ with the RDP accountant only; drop --accountant prv, then check the σ it prints with `aequa privacy epsilon --accountant prv`.',
      CMD,
    );
  const gridStep =
    numberFlag(values['grid-step'] ?? '5e-5', 'grid-step', CMD, (x) =>
      x >= 1e-6 && x <= 0.01 ? null : 'must be in [1e-6, 0.01]',
    ) ?? 5e-5;
  if (sub === 'epsilon') {
    const q = sampleRate(values);
    const sigma = numberFlag(values['noise-multiplier'], 'noise-multiplier', CMD, (x) =>
      x > 0 ? null : 'must be > 0',
    );
    if (sigma === undefined)
      throw usageError('--noise-multiplier is required, e.g. --noise-multiplier 1.1.', CMD);
    const d = delta(values);
    const t = steps(values, q);
    const { epsilon, detail, how } = spentEpsilon(accountant, q, sigma, t, d, gridStep);
    const out = {
      schemaVersion: 1,
      epsilon,
      delta: d,
      accountant,
      ...detail,
      sampleRate: q,
      noiseMultiplier: sigma,
      steps: t,
    };
    if (format === 'json') io.stdout(`${JSON.stringify(out, null, 2)}\n`);
    else
      io.stdout(
        `ε = ${fmtNum(epsilon)} at δ = ${d} (${how})\n` +
          `  ${t} steps of the sampled Gaussian, q = ${fmtNum(q)}, σ = ${sigma}\n`,
      );
    return 0;
  }
  if (sub === 'noise') {
    const eps = numberFlag(values.epsilon, 'epsilon', CMD, (x) => (x > 0 ? null : 'must be > 0'));
    if (eps === undefined) throw usageError('--epsilon is required, e.g. --epsilon 3.', CMD);
    const q = sampleRate(values);
    const d = delta(values);
    const t = steps(values, q);
    const sigma = dpSgdNoise({ sampleRate: q, steps: t, delta: d, epsilon: eps });
    const spent = dpSgdEpsilon({ sampleRate: q, noiseMultiplier: sigma, steps: t, delta: d });
    const out = {
      schemaVersion: 1,
      noiseMultiplier: sigma,
      epsilon: spent.epsilon,
      targetEpsilon: eps,
      delta: d,
      accountant,
      order: spent.order,
      sampleRate: q,
      steps: t,
    };
    if (format === 'json') io.stdout(`${JSON.stringify(out, null, 2)}\n`);
    else
      io.stdout(
        `σ = ${fmtNum(sigma)} (noise multiplier) spends ε = ${fmtNum(spent.epsilon)} ≤ ${eps} at δ = ${d}\n` +
          `  ${t} steps, q = ${fmtNum(q)}, RDP accountant (order α = ${spent.order})\n`,
      );
    return 0;
  }
  throw usageError(
    `Unknown subcommand "${sub}": use \`aequa privacy epsilon\` or \`aequa privacy noise\`.`,
    CMD,
  );
}
