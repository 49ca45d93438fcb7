/**
 * @module cli/commands/audit
 * `aequa audit`: parse flags into AuditOptions, call `audit()`, render. No metric logic here.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { POLICY_METRICS, type Policy, parsePolicy } from '../../accountability/index.js';
import { type AuditOptions, audit } from '../../audit.js';
import { AequaError } from '../../core/index.js';
import type { AuditResult, ConventionName, Task } from '../../metrics/index.js';
import { renderHtml, renderJson, renderMarkdown } from '../../report/index.js';
import {
  type CommandSpec,
  choiceFlag,
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
import { cliProgressBar } from '../render/progress.js';
import { renderTerminal } from '../render/table.js';

export const auditCommand: CommandSpec = {
  name: 'audit',
  summary:
    'Audit a classifier for group fairness: per-group metrics with confidence intervals, disparities with significance tests (corrected for multiple comparisons), a plain-language verdict, and reports.',
  usage:
    'aequa audit <data file> --label COL (--prediction COL | --score COL --threshold T) --sensitive COL[,COL…] [options]',
  options: {
    label: { type: 'string', description: 'Ground-truth label column', placeholder: 'COL' },
    prediction: {
      type: 'string',
      description: 'Prediction column (same values as the label, or 0/1)',
      placeholder: 'COL',
    },
    score: { type: 'string', description: 'Score column (probability or risk score)', placeholder: 'COL' },
    threshold: { type: 'string', description: 'Predict positive when score ≥ threshold', placeholder: 'T' },
    positive: {
      type: 'string',
      multiple: true,
      description: 'Label value meaning the positive (favourable) class',
      placeholder: 'VALUE',
    },
    sensitive: {
      type: 'string',
      multiple: true,
      description: 'Sensitive feature column(s), comma-separated',
      placeholder: 'COLS',
    },
    intersections: { type: 'boolean', description: 'Also audit intersections of the sensitive features' },
    'min-group-size': {
      type: 'string',
      description: 'Flag groups smaller than this as too small',
      placeholder: 'N',
      default: '30',
    },
    control: {
      type: 'string',
      multiple: true,
      description: 'Control feature(s) for conditional disparities',
      placeholder: 'COLS',
    },
    weight: { type: 'string', description: 'Sample-weight column', placeholder: 'COL' },
    reference: {
      type: 'string',
      multiple: true,
      description: 'Reference group, e.g. race=Caucasian (default: largest group)',
      placeholder: 'FEATURE=VALUE',
    },
    convention: {
      type: 'string',
      description: 'aequa | fairlearn | aif360 | aequitas',
      placeholder: 'NAME',
      default: 'aequa',
    },
    ci: { type: 'string', description: 'Confidence level of intervals, e.g. 0.95', placeholder: 'LEVEL' },
    'ci-method': {
      type: 'string',
      description: 'wilson (rates; bootstrap for disparities) | bootstrap',
      placeholder: 'METHOD',
      default: 'wilson',
    },
    bootstrap: { type: 'string', description: 'Bootstrap resamples', placeholder: 'N', default: '1000' },
    seed: { type: 'string', description: 'Random seed (bootstrap)', placeholder: 'N', default: '0' },
    alpha: { type: 'string', description: 'Significance level', placeholder: 'A', default: '0.05' },
    correction: {
      type: 'string',
      description: 'Multiple-comparison correction: holm | bh | none',
      placeholder: 'METHOD',
      default: 'holm',
    },
    'ge-alpha': {
      type: 'string',
      description: 'α of the generalized entropy index',
      placeholder: 'A',
      default: '2',
    },
    task: {
      type: 'string',
      description: 'binary | regression | multiclass',
      placeholder: 'TASK',
      default: 'binary',
    },
    'drop-missing': {
      type: 'boolean',
      description: 'Drop rows with a missing label, prediction, score or weight (counted)',
    },
    engine: {
      type: 'string',
      description: 'memory (load rows) | duckdb (GROUP BY pushdown into DuckDB)',
      placeholder: 'ENGINE',
      default: 'memory',
    },
    sql: {
      type: 'string',
      description: 'SQL source for pushdown: postgres://… or duckdb: / duckdb:FILE.duckdb',
      placeholder: 'URL',
    },
    table: { type: 'string', description: 'Table (with --sql)', placeholder: 'NAME' },
    query: { type: 'string', description: 'Query (with --sql)', placeholder: 'SQL' },
    ...LOAD_OPTIONS,
    policy: {
      type: 'string',
      description: 'Policy file (YAML or JSON); exit 1 when a rule fails',
      placeholder: 'FILE',
    },
    format: { type: 'string', description: 'table | json | markdown', placeholder: 'FMT', default: 'table' },
    out: {
      type: 'string',
      description: 'Write report.html, report.md and report.json here',
      placeholder: 'DIR',
    },
    color: { type: 'boolean', description: 'Force colours on or off (--no-color); default: on for a TTY' },
    ...LEDGER_OPTION,
    debug: { type: 'boolean', description: 'Show stack traces' },
    help: { type: 'boolean', short: 'h', description: 'Show this help' },
  },
  examples: [
    'aequa audit examples/data/compas.csv --label two_year_recid --score decile_score --threshold 5 --sensitive race,sex --intersections --ci 0.95 --out reports/compas',
    "aequa audit adult.data --no-header --columns age,workclass,… --na '?' --label income --positive '>50K' --prediction pred --sensitive sex",
    'aequa audit --sql postgres://user@localhost/db --table predictions --label y --prediction yhat --sensitive race --format json',
  ],
};

const CONVENTIONS = ['aequa', 'fairlearn', 'aif360', 'aequitas'];

/** Reads a policy file (YAML or JSON). */
async function loadPolicy(path: string): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new AequaError('AEQ_IO_FILE_NOT_FOUND', `Cannot read the policy file "${path}".`, {
      cause: e,
      hint: 'Check the path given to --policy.',
    });
  }
  let obj: unknown;
  try {
    const { parse } = await import('yaml');
    obj = parse(text);
  } catch (e) {
    throw new AequaError(
      'AEQ_POLICY_INVALID',
      `The policy file "${path}" is not valid YAML or JSON: ${(e as Error).message.split('\n')[0]}`,
      {
        cause: e,
        hint: 'Write rules as a YAML list under "rules:", e.g. - disparateImpact >= 0.8',
      },
    );
  }
  return parsePolicy(obj, POLICY_METRICS);
}

/** Turns the parsed flags into AuditOptions (validates usage, not data). */
async function auditOptionsFromFlags(
  values: Record<string, unknown>,
  positionals: string[],
): Promise<AuditOptions> {
  const v = values as Record<string, string | boolean | string[] | undefined>;
  const cmd = 'audit';
  const label = stringFlag(v.label);
  if (!label) throw usageError('--label is required: the column with the true outcome.', cmd);
  const sensitive = listFlag(v.sensitive);
  if (sensitive.length === 0)
    throw usageError(
      '--sensitive is required: the column(s) holding the groups to compare, e.g. --sensitive race,sex.',
      cmd,
    );
  const sqlUrl = stringFlag(v.sql);
  if (positionals.length > 1)
    throw usageError(`Expected one data file, got ${positionals.length}: ${positionals.join(' ')}.`, cmd);
  const file = positionals[0];
  if (!file && !sqlUrl)
    throw usageError(
      'Give a data file (CSV, TSV, Parquet, JSON, JSONL, Arrow) or --sql URL --table NAME.',
      cmd,
    );
  if (file && sqlUrl) throw usageError('Give either a data file or --sql, not both.', cmd);
  if (sqlUrl && !stringFlag(v.table) && !stringFlag(v.query))
    throw usageError('--sql needs --table NAME or --query SQL.', cmd);

  const reference: Record<string, string> = {};
  for (const r of multiFlag(v.reference)) {
    const eq = r.indexOf('=');
    if (eq <= 0) throw usageError(`--reference must be FEATURE=VALUE, e.g. race=Caucasian; got "${r}".`, cmd);
    reference[r.slice(0, eq).trim()] = r.slice(eq + 1).trim();
  }
  const load = loadOptionsFromFlags(v, cmd);
  const policyPath = stringFlag(v.policy);
  const prediction = stringFlag(v.prediction);
  const score = stringFlag(v.score);
  const threshold = numberFlag(v.threshold, 'threshold', cmd);
  const ci = numberFlag(v.ci, 'ci', cmd, (x) =>
    x > 0 && x < 1 ? null : 'must be a confidence level between 0 and 1, such as 0.95',
  );
  const positive = multiFlag(v.positive);
  const control = listFlag(v.control);
  const weight = stringFlag(v.weight);
  const engine = choiceFlag(v.engine, ['memory', 'duckdb'] as const, 'engine', cmd);
  const table = stringFlag(v.table);
  const query = stringFlag(v.query);
  return {
    data: sqlUrl ? { url: sqlUrl, ...(table ? { table } : {}), ...(query ? { query } : {}) } : file!,
    label,
    sensitive,
    ...(prediction ? { prediction } : {}),
    ...(score ? { score } : {}),
    ...(threshold !== undefined ? { threshold } : {}),
    ...(positive.length ? { positive } : {}),
    intersections: v.intersections === true,
    ...(control.length ? { control } : {}),
    ...(weight ? { weight } : {}),
    reference,
    convention: choiceFlag(v.convention, CONVENTIONS as ConventionName[], 'convention', cmd) ?? 'aequa',
    ...(ci !== undefined ? { ci } : {}),
    ciMethod: choiceFlag(v['ci-method'], ['wilson', 'bootstrap'] as const, 'ci-method', cmd) ?? 'wilson',
    bootstrap:
      numberFlag(v.bootstrap, 'bootstrap', cmd, (x) =>
        Number.isInteger(x) && x >= 10 ? null : 'must be an integer ≥ 10',
      ) ?? 1000,
    seed: numberFlag(v.seed, 'seed', cmd, (x) => (Number.isInteger(x) ? null : 'must be an integer')) ?? 0,
    alpha:
      numberFlag(v.alpha, 'alpha', cmd, (x) => (x > 0 && x < 1 ? null : 'must be between 0 and 1')) ?? 0.05,
    correction: choiceFlag(v.correction, ['holm', 'bh', 'none'] as const, 'correction', cmd) ?? 'holm',
    minGroupSize:
      numberFlag(v['min-group-size'], 'min-group-size', cmd, (x) =>
        Number.isInteger(x) && x >= 0 ? null : 'must be a non-negative integer',
      ) ?? 30,
    generalizedEntropyAlpha: numberFlag(v['ge-alpha'], 'ge-alpha', cmd) ?? 2,
    task:
      choiceFlag(v.task, ['binary', 'regression', 'multiclass'] as const, 'task', cmd) ?? ('binary' as Task),
    dropMissing: v['drop-missing'] === true,
    ...(engine ? { engine } : {}),
    load,
    ...(policyPath ? { policy: await loadPolicy(policyPath), policySource: policyPath } : {}),
  };
}

export async function runAudit(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(auditCommand, argv);
  if (values.help) {
    io.stdout(commandHelp(auditCommand));
    return 0;
  }
  const format =
    choiceFlag(values.format, ['table', 'json', 'markdown'] as const, 'format', 'audit') ?? 'table';
  const opts = await auditOptionsFromFlags(values, positionals);
  const bar = cliProgressBar(io);
  let result: AuditResult;
  try {
    result = await audit({ ...opts, onProgress: (p) => bar.update(p) });
  } finally {
    bar.finish();
  }

  const outDir = stringFlag(values.out);
  if (outDir) {
    const dir = resolve(outDir);
    const html = await renderHtml(result);
    await writeFileAtomic(join(dir, 'report.json'), renderJson(result));
    await writeFileAtomic(join(dir, 'report.md'), renderMarkdown(result));
    await writeFileAtomic(join(dir, 'report.html'), html);
  }
  const color = values.color === undefined ? io.isTTY && !io.env.NO_COLOR : values.color === true;
  if (format === 'json') io.stdout(renderJson(result));
  else if (format === 'markdown') io.stdout(renderMarkdown(result));
  else {
    io.stdout(
      renderTerminal(result, { color: Boolean(color), ...(io.columns ? { width: io.columns } : {}) }),
    );
    if (outDir) io.stdout(`\nReports written to ${outDir}/report.html, report.md, report.json\n`);
  }
  await withLedger('audit', argv, values, positionals, io, result);
  return result.policy && !result.policy.passed ? 1 : 0;
}
