/**
 * @module cli/commands/data-bias
 * `aequa data-bias`: parse flags into DataBiasOptions, load the table, call `dataBias()`, render
 * (terminal table, JSON with `schemaVersion`, Markdown; with --out also the HTML report). No statistics here.
 */
import { join, resolve } from 'node:path';
import { type DataBiasOptions, type DataBiasResult, dataBias } from '../../bias/index.js';
import { loadTable } from '../../data/io/index.js';
import { renderDataBiasHtml } from '../../report/index.js';
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
import { writeFileAtomic } from '../fs.js';
import type { CliIo } from '../io.js';
import { LEDGER_OPTION, withLedger } from '../ledger-hook.js';
import { LOAD_OPTIONS, loadOptionsFromFlags } from '../load-flags.js';
import { renderDataBiasMarkdown, renderDataBiasTerminal } from '../render/data-bias.js';
import { progressBar } from '../render/progress.js';

export const dataBiasCommand: CommandSpec = {
  name: 'data-bias',
  summary:
    'Find bias in a data set before training: representation, label base rates, missingness, distribution shift, proxies of the sensitive attribute and balance over intersections.',
  usage: 'aequa data-bias <data file> --sensitive COL[,COL…] [--label COL] [options]',
  options: {
    label: { type: 'string', description: 'Label (outcome) column', placeholder: 'COL' },
    positive: {
      type: 'string',
      multiple: true,
      description: 'Label value meaning the positive (favourable) class',
      placeholder: 'VALUE',
    },
    sensitive: {
      type: 'string',
      multiple: true,
      description: 'Sensitive column(s), comma-separated',
      placeholder: 'COLS',
    },
    intersections: { type: 'boolean', description: 'Also analyse intersections of the sensitive columns' },
    control: {
      type: 'string',
      multiple: true,
      description: 'Control column(s) for the conditional demographic disparity',
      placeholder: 'COLS',
    },
    features: {
      type: 'string',
      multiple: true,
      description: 'Columns to examine (default: all but the label and the sensitive ones)',
      placeholder: 'COLS',
    },
    reference: {
      type: 'string',
      multiple: true,
      description: 'Reference share of a group, e.g. sex=Female=0.5 (default: uniform)',
      placeholder: 'FEATURE=GROUP=SHARE',
    },
    ci: {
      type: 'string',
      description: 'Confidence level of base-rate intervals',
      placeholder: 'LEVEL',
      default: '0.95',
    },
    bins: {
      type: 'string',
      description: 'Quantile bins for number features',
      placeholder: 'N',
      default: '10',
    },
    'proxy-auc': {
      type: 'boolean',
      description: 'Cross-validated proxy classifier; --no-proxy-auc skips it (faster)',
      default: true,
    },
    folds: { type: 'string', description: 'Folds of the proxy classifier', placeholder: 'K', default: '3' },
    seed: { type: 'string', description: 'Random seed (proxy folds)', placeholder: 'N', default: '0' },
    ...LOAD_OPTIONS,
    format: { type: 'string', description: 'table | json | markdown', placeholder: 'FMT', default: 'table' },
    out: {
      type: 'string',
      description: 'Write report.html, data-bias.json and data-bias.md here',
      placeholder: 'DIR',
    },
    ...LEDGER_OPTION,
    debug: { type: 'boolean', description: 'Show stack traces' },
    help: { type: 'boolean', short: 'h', description: 'Show this help' },
  },
  examples: [
    'aequa data-bias examples/data/adult-train.csv --label income --positive ">50K" --sensitive sex,race --intersections',
    'aequa data-bias examples/data/compas.csv --label two_year_recid --sensitive race --control priors_count --format json',
  ],
};

const CMD = 'data-bias';

/** Turns parsed flags into the data path and DataBiasOptions (validates usage, not data). */
function dataBiasOptionsFromFlags(
  values: Record<string, unknown>,
  positionals: readonly string[],
): { file: string; options: DataBiasOptions } {
  const v = values as Record<string, string | boolean | string[] | undefined>;
  if (positionals.length !== 1)
    throw usageError(
      positionals.length === 0
        ? 'Give one data file (CSV, TSV, Parquet, JSON, JSONL, Arrow).'
        : `Expected one data file, got ${positionals.length}: ${positionals.join(' ')}.`,
      CMD,
    );
  const sensitive = listFlag(v.sensitive);
  if (sensitive.length === 0)
    throw usageError(
      '--sensitive is required: the column(s) holding the groups, e.g. --sensitive sex,race.',
      CMD,
    );
  const reference: Record<string, number> = {};
  for (const r of multiFlag(v.reference)) {
    const eq = r.lastIndexOf('=');
    const share = Number(r.slice(eq + 1));
    if (eq <= 0 || r.slice(eq + 1).trim() === '' || !(share >= 0 && share <= 1))
      throw usageError(
        `--reference must be FEATURE=GROUP=SHARE or GROUP=SHARE with a share in [0, 1]; got "${r}".`,
        CMD,
      );
    reference[r.slice(0, eq)] = share;
  }
  const label = stringFlag(v.label);
  const positive = multiFlag(v.positive);
  const control = listFlag(v.control);
  const features = listFlag(v.features);
  const int = (x: number) => (Number.isInteger(x) ? null : 'must be an integer');
  return {
    file: positionals[0]!,
    options: {
      sensitive,
      ...(label ? { label } : {}),
      ...(positive.length ? { positive } : {}),
      intersections: v.intersections === true,
      ...(control.length ? { control } : {}),
      ...(features.length ? { features } : {}),
      reference: Object.keys(reference).length > 0 ? reference : 'uniform',
      confidence:
        numberFlag(v.ci, 'ci', CMD, (x) =>
          x > 0 && x < 1 ? null : 'must be a level between 0 and 1, such as 0.95',
        ) ?? 0.95,
      bins:
        numberFlag(v.bins, 'bins', CMD, (x) =>
          Number.isInteger(x) && x >= 2 ? null : 'must be an integer ≥ 2',
        ) ?? 10,
      proxyAuc: v['proxy-auc'] !== false,
      folds:
        numberFlag(v.folds, 'folds', CMD, (x) =>
          Number.isInteger(x) && x >= 2 ? null : 'must be an integer ≥ 2',
        ) ?? 3,
      seed: numberFlag(v.seed, 'seed', CMD, int) ?? 0,
    },
  };
}

/** Runs `aequa data-bias`; returns the exit code (0: ran; errors are thrown for the dispatcher). */
export async function runDataBias(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(dataBiasCommand, argv);
  if (values.help) {
    io.stdout(commandHelp(dataBiasCommand));
    return 0;
  }
  const format = stringFlag(values.format) ?? 'table';
  if (!['table', 'json', 'markdown'].includes(format))
    throw usageError(`--format must be one of table, json, markdown; got "${format}".`, CMD);
  const { file, options } = dataBiasOptionsFromFlags(values, positionals);
  const table = await loadTable(file, loadOptionsFromFlags(values, CMD));
  const bar = progressBar(
    { write: io.stderr, isTTY: io.stderrIsTTY ?? false, columns: io.columns },
    Boolean(io.env.CI),
  );
  let result: DataBiasResult;
  try {
    result = await dataBias(table, { ...options, onProgress: (p) => bar.update(p) });
  } finally {
    bar.finish();
  }
  const json = `${JSON.stringify(result, null, 2)}\n`;
  const outDir = stringFlag(values.out);
  if (outDir) {
    const dir = resolve(outDir);
    await writeFileAtomic(join(dir, 'data-bias.json'), json);
    await writeFileAtomic(join(dir, 'data-bias.md'), renderDataBiasMarkdown(result));
    await writeFileAtomic(join(dir, 'report.html'), await renderDataBiasHtml(result));
  }
  if (format === 'json') io.stdout(json);
  else if (format === 'markdown') io.stdout(renderDataBiasMarkdown(result));
  else {
    io.stdout(renderDataBiasTerminal(result));
    if (outDir) io.stdout(`\nReports written to ${outDir}/report.html, data-bias.json, data-bias.md\n`);
  }
  await withLedger('data-bias', argv, values, positionals, io, result);
  return 0;
}
