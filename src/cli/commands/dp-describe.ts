/**
 * @module cli/commands/dp-describe
 * `aequa dp-describe`: a differentially private summary of a data file (every column, under one
 * (ε, δ) budget), and with --label/--sensitive a DP fairness audit (noisy group sizes and selection
 * rates), so that an auditor need not see the raw data. The statistics live in `src/privacy/analytics`.
 */
import { loadTable, openDuckDbQuery, openPostgres, openSource, quoteIdent } from '../../data/io/index.js';
import type { SqlExecutor } from '../../metrics/index.js';
import {
  type DpDescription,
  type DpFairnessResult,
  type DpRelease,
  dpDescribe,
  dpDescribeSql,
  dpFairnessAudit,
} from '../../privacy/index.js';
import {
  type CommandSpec,
  commandHelp,
  listFlag,
  multiFlag,
  numberFlag,
  type ParsedValues,
  parseCommandArgs,
  stringFlag,
  usageError,
} from '../args.js';
import type { CliIo } from '../io.js';
import { LEDGER_OPTION } from '../ledger-hook.js';
import { LOAD_OPTIONS, loadOptionsFromFlags } from '../load-flags.js';
import { safeText } from '../render/table.js';
import { recordPrivacyRun } from './privacy-ledger.js';

export const dpDescribeCommand: CommandSpec = {
  name: 'dp-describe',
  summary:
    'Differentially private summary of a data set: counts, means, spreads, quantiles and histograms of every column, and a DP fairness audit.',
  usage:
    'aequa dp-describe (<data file> | --sql URL --table NAME|--query SQL) --epsilon E [--delta D] [--clamp COL=LOW:HIGH …] [options]',
  options: {
    epsilon: {
      type: 'string',
      description: 'Total privacy budget ε > 0 for everything released',
      placeholder: 'E',
    },
    delta: {
      type: 'string',
      description: 'δ in [0, 1) for releasing undeclared categories (e.g. 1e-6; 0 = only declared ones)',
      placeholder: 'D',
      default: '0',
    },
    clamp: {
      type: 'string',
      multiple: true,
      description: 'Clamping range of a number column, from domain knowledge (required to release it)',
      placeholder: 'COL=LOW:HIGH',
    },
    levels: {
      type: 'string',
      multiple: true,
      description: 'Declared (public) categories of a column, released without thresholding',
      placeholder: 'COL=A,B,C',
    },
    'id-column': {
      type: 'string',
      description: 'Column identifying people (contribution bounding)',
      placeholder: 'COL',
    },
    'max-rows-per-person': {
      type: 'string',
      description: 'Rows kept per person with --id-column',
      placeholder: 'K',
      default: '1',
    },
    select: {
      type: 'string',
      description: 'Describe only these columns (default: all)',
      placeholder: 'COLS',
    },
    quantiles: {
      type: 'string',
      description: 'Quantiles of number columns',
      placeholder: 'Q,Q',
      default: '0.25,0.5,0.75',
    },
    label: { type: 'string', description: 'Outcome column for the DP fairness audit', placeholder: 'COL' },
    positive: {
      type: 'string',
      multiple: true,
      description: 'Favourable outcome value',
      placeholder: 'VALUE',
    },
    sensitive: {
      type: 'string',
      description: 'Sensitive column for the DP fairness audit',
      placeholder: 'COL',
    },
    'fairness-share': {
      type: 'string',
      description: 'Share of ε given to the fairness audit when --label/--sensitive are given',
      placeholder: 'F',
      default: '0.5',
    },
    engine: {
      type: 'string',
      description: 'memory (load the rows) | duckdb (aggregate inside DuckDB; only aggregates leave it)',
      placeholder: 'ENGINE',
      default: 'memory',
    },
    sql: {
      type: 'string',
      description: 'Aggregate inside a database: postgres://… or duckdb: / duckdb:FILE.duckdb',
      placeholder: 'URL',
    },
    table: { type: 'string', description: 'Table (with --sql)', placeholder: 'NAME' },
    query: { type: 'string', description: 'Query (with --sql)', placeholder: 'SQL' },
    ...LOAD_OPTIONS,
    format: { type: 'string', description: 'table | json', placeholder: 'FMT', default: 'table' },
    debug: { type: 'boolean', description: 'Show stack traces' },
    ...LEDGER_OPTION,
    help: { type: 'boolean', short: 'h', description: 'Show this help' },
  },
  examples: [
    'aequa dp-describe people.csv --epsilon 1 --delta 1e-6 --clamp age=0:120 --clamp income=0:250000',
    'aequa dp-describe --sql postgres://me@db/hr --table staff --epsilon 1 --clamp age=18:70 --levels grade=A,B,C',
    'aequa dp-describe loans.csv --epsilon 2 --clamp age=18:100 --label approved --positive yes --sensitive sex --format json',
  ],
};

const CMD = 'dp-describe';

function parseClamp(items: readonly string[]): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (const it of items) {
    const m = /^(.+)=([^:]+):([^:]+)$/.exec(it);
    const lo = m ? Number(m[2]) : Number.NaN;
    const hi = m ? Number(m[3]) : Number.NaN;
    if (!m || m[2]!.trim() === '' || m[3]!.trim() === '' || !Number.isFinite(lo) || !Number.isFinite(hi))
      throw usageError(
        `--clamp must be COL=LOW:HIGH with two numbers, e.g. --clamp age=0:120; got "${it}".`,
        CMD,
      );
    if (!(lo < hi)) throw usageError(`--clamp ${m[1]}: LOW must be below HIGH; got ${lo}:${hi}.`, CMD);
    out[m[1]!] = [lo, hi];
  }
  return out;
}

function parseLevels(items: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const it of items) {
    const eq = it.indexOf('=');
    if (eq <= 0) throw usageError(`--levels must be COL=A,B,C; got "${it}".`, CMD);
    out[it.slice(0, eq)] = listFlag(it.slice(eq + 1));
  }
  return out;
}

function f(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 1e6 ? x.toExponential(3) : String(Number(x.toPrecision(digits)));
}

function pm(r: DpRelease): string {
  return r.noiseStd === null ? '' : ` (±${f(r.noiseStd, 2)})`;
}

function renderTable(d: DpDescription, fair: DpFairnessResult | null): string {
  const lines: string[] = [];
  lines.push(
    `Differentially private summary: ε = ${f(d.spent.epsilon)}${d.spent.delta ? `, δ = ${d.spent.delta}` : ''}` +
      `${fair ? ` + fairness ε = ${f(fair.epsilon)}` : ''}; at most ${d.maxRowsPerPerson} row(s) per person`,
    `rows ≈ ${Math.round(d.rows.value)}${pm(d.rows)}`,
    '',
  );
  for (const c of d.columns) {
    const name = safeText(c.name);
    if (!c.released) {
      lines.push(`${name} (${c.kind}): not released — ${c.reason}`);
      continue;
    }
    if (c.mean) {
      const qs = (c.quantiles ?? []).map((q) => `${q.label.split('(')[0]}=${f(q.value)}`).join(' ');
      lines.push(
        `${name} (number, clamped ${c.clamp![0]}:${c.clamp![1]}): n ≈ ${Math.round(c.count!.value)}, mean ${f(c.mean.value)}${pm(c.mean)}, sd ${f(c.std!)}${qs ? `, ${qs}` : ''}`,
      );
      continue;
    }
    const h = c.histogram!;
    const bins = h.bins.map((b) => `${safeText(b.level)}: ${Math.max(0, Math.round(b.count))}`).join(', ');
    lines.push(
      `${name} (${c.kind}): ${bins || '(no category above the release threshold)'} (noise sd ${f(h.noiseStd, 2)}${h.threshold !== null ? `, threshold ${f(h.threshold, 3)}` : ''})`,
    );
  }
  if (fair) {
    lines.push(
      '',
      `DP fairness audit: ${safeText(fair.label)} by ${safeText(fair.sensitive)} (ε = ${f(fair.epsilon)})`,
    );
    for (const g of fair.groups) {
      const r = g.selectionRate;
      lines.push(
        `  ${safeText(g.group)}: size ≈ ${Math.round(g.size.value)} (±${f(g.size.noiseStd, 2)}), selection rate ${f(r.value, 3)} [${f(r.ci95[0], 3)}, ${f(r.ci95[1], 3)}]`,
      );
    }
    lines.push(
      `  demographic parity difference ${f(fair.demographicParityDifference, 3)}, disparate impact ratio ${f(fair.disparateImpactRatio, 3)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Runs `aequa dp-describe`; returns the exit code (usage and data errors are thrown: exit 2). */
export async function runDpDescribe(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(dpDescribeCommand, argv);
  if (values.help) {
    io.stdout(commandHelp(dpDescribeCommand));
    return 0;
  }
  const sqlUrl = stringFlag(values.sql);
  const engine = stringFlag(values.engine) ?? 'memory';
  if (engine !== 'memory' && engine !== 'duckdb')
    throw usageError(`--engine must be memory or duckdb; got "${engine}".`, CMD);
  if (sqlUrl !== undefined) {
    if (positionals.length > 0) throw usageError('Give either a data file or --sql, not both.', CMD);
    if ((stringFlag(values.table) === undefined) === (stringFlag(values.query) === undefined))
      throw usageError('--sql needs exactly one of --table NAME or --query SQL.', CMD);
  } else if (positionals.length !== 1)
    throw usageError(
      positionals.length === 0
        ? 'Give one data file (CSV, TSV, Parquet, JSON, JSONL, Arrow), or --sql URL --table NAME.'
        : `Expected one data file, got ${positionals.length}.`,
      CMD,
    );
  const format = stringFlag(values.format) ?? 'table';
  if (!['table', 'json'].includes(format))
    throw usageError(`--format must be table or json; got "${format}".`, CMD);
  const epsilon = numberFlag(values.epsilon, 'epsilon', CMD, (x) => (x > 0 ? null : 'must be > 0'));
  if (epsilon === undefined)
    throw usageError('--epsilon is required: the total privacy budget, e.g. --epsilon 1.', CMD);
  const delta =
    numberFlag(values.delta, 'delta', CMD, (x) =>
      x >= 0 && x < 1 ? null : 'must be in [0, 1), e.g. 1e-6',
    ) ?? 0;
  const k =
    numberFlag(values['max-rows-per-person'], 'max-rows-per-person', CMD, (x) =>
      Number.isInteger(x) && x >= 1 ? null : 'must be an integer ≥ 1',
    ) ?? 1;
  const quantiles = listFlag(values.quantiles ?? '0.25,0.5,0.75').map((s) => {
    const q = Number(s);
    if (!(q >= 0 && q <= 1)) throw usageError(`--quantiles must be numbers in [0, 1]; got "${s}".`, CMD);
    return q;
  });
  const share =
    numberFlag(values['fairness-share'], 'fairness-share', CMD, (x) =>
      x > 0 && x < 1 ? null : 'must be in (0, 1)',
    ) ?? 0.5;
  const label = stringFlag(values.label);
  const sensitive = stringFlag(values.sensitive);
  if ((label === undefined) !== (sensitive === undefined))
    throw usageError('The DP fairness audit needs both --label and --sensitive.', CMD);
  const idColumn = stringFlag(values['id-column']);
  if (idColumn === undefined && values['max-rows-per-person'] !== undefined)
    throw usageError('--max-rows-per-person needs --id-column.', CMD);
  const clamp = parseClamp(multiFlag(values.clamp));
  const levels = parseLevels(multiFlag(values.levels));

  const fair = label !== undefined && sensitive !== undefined;
  const describeEps = fair ? epsilon * (1 - share) : epsilon;
  const select = listFlag(values.select);
  const positive = multiFlag(values.positive);
  if (sqlUrl !== undefined || engine === 'duckdb') {
    // Pushdown: the database computes clamped sums and counts; only those aggregates reach this process.
    if (fair && positive.length === 0)
      throw usageError('With --sql or --engine duckdb the DP fairness audit needs --positive VALUE.', CMD);
    const keep = (c: string) => select.length === 0 || select.includes(c);
    const exec = await openExecutor(values, sqlUrl, positionals[0]);
    let res: Awaited<ReturnType<typeof dpDescribeSql>>;
    try {
      res = await dpDescribeSql(exec, {
        epsilon: describeEps,
        clamp: Object.fromEntries(Object.entries(clamp).filter(([c]) => keep(c))),
        levels: Object.fromEntries(Object.entries(levels).filter(([c]) => keep(c) && c !== sensitive)),
        ...(idColumn !== undefined ? { idColumn, maxRowsPerPerson: k } : {}),
        ...(fair
          ? {
              fairness: {
                label: label!,
                sensitive: sensitive!,
                positive,
                epsilon: epsilon * share,
                ...(levels[sensitive!] ? { groups: levels[sensitive!]! } : {}),
              },
            }
          : {}),
      });
    } finally {
      await exec.close();
    }
    return finish(argv, values, positionals, io, format, res.description, res.fairness, exec.description);
  }
  const table = await loadTable(positionals[0]!, loadOptionsFromFlags(values, CMD));
  const description = dpDescribe(table, {
    epsilon: describeEps,
    ...(select.length ? { columns: select } : {}),
    delta,
    clamp,
    levels,
    quantiles,
    ...(idColumn !== undefined ? { idColumn, maxRowsPerPerson: k } : {}),
  });
  const fairness = fair
    ? dpFairnessAudit(table, {
        label: label!,
        sensitive: sensitive!,
        epsilon: epsilon * share,
        ...(positive.length ? { positive } : {}),
        ...(levels[sensitive!] ? { groups: levels[sensitive!]! } : {}),
        ...(idColumn !== undefined ? { idColumn, maxRowsPerPerson: k } : {}),
      })
    : null;
  return finish(argv, values, positionals, io, format, description, fairness, null);
}

async function openExecutor(
  values: ParsedValues,
  sqlUrl: string | undefined,
  file: string | undefined,
): Promise<SqlExecutor> {
  const table = stringFlag(values.table);
  const query = stringFlag(values.query);
  if (sqlUrl === undefined) return openSource(file!, loadOptionsFromFlags(values, CMD));
  if (sqlUrl === 'duckdb' || sqlUrl.startsWith('duckdb:')) {
    const database = sqlUrl.slice('duckdb:'.length).replace(/^\/\//, '');
    const q = query ?? `SELECT * FROM ${table!.split('.').map(quoteIdent).join('.')}`;
    return openDuckDbQuery(q, database ? { database } : {});
  }
  return openPostgres(sqlUrl, {
    ...(table !== undefined ? { table } : {}),
    ...(query !== undefined ? { query } : {}),
  });
}

async function finish(
  argv: readonly string[],
  values: ParsedValues,
  positionals: readonly string[],
  io: CliIo,
  format: string,
  description: DpDescription,
  fairness: DpFairnessResult | null,
  pushdown: string | null,
): Promise<number> {
  const privacy = {
    epsilon: description.spent.epsilon + (fairness?.epsilon ?? 0),
    delta: description.spent.delta,
    composition: 'basic',
  };
  if (format === 'json') {
    const out = {
      schemaVersion: 1,
      privacy,
      ...(pushdown !== null ? { pushdown } : {}),
      describe: description,
      fairness,
    };
    io.stdout(`${JSON.stringify(out, null, 2)}\n`);
  } else
    io.stdout(
      `${pushdown !== null ? `Aggregated inside the database (${pushdown}); only clamped sums and counts left it.\n` : ''}${renderTable(description, fairness)}`,
    );
  // The released (noisy) figures are public by construction, so the summary may keep them.
  await recordPrivacyRun(CMD, argv, values, positionals, io, {
    epsilon: privacy.epsilon,
    delta: privacy.delta,
    accountant: 'basic composition',
    columns: description.columns.length,
    ...(pushdown !== null ? { pushdown } : {}),
    ...(fairness
      ? {
          fairness: {
            label: fairness.label,
            sensitive: fairness.sensitive,
            demographicParityDifference: fairness.demographicParityDifference,
            disparateImpactRatio: fairness.disparateImpactRatio,
          },
        }
      : {}),
  });
  return 0;
}
