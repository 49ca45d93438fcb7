/**
 * @module cli/commands/anonymity
 * `aequa anonymity check|generalize`: k-anonymity, ℓ-diversity and t-closeness of a table over declared
 * quasi-identifiers, and generalisation with suppression to reach a target k. Parses flags, loads the
 * table and the hierarchies (JSON or YAML), calls `checkAnonymity`/`anonymize` from `privacy`, renders.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { JsonValue } from '../../accountability/index.js';
import { AequaError } from '../../core/index.js';
import { formatCsv, loadTable } from '../../data/io/index.js';
import {
  type AnonymityReport,
  anonymize,
  checkAnonymity,
  type Hierarchy,
  parseHierarchies,
} from '../../privacy/index.js';
import {
  type CommandSpec,
  commandHelp,
  listFlag,
  numberFlag,
  parseCommandArgs,
  stringFlag,
  usageError,
} from '../args.js';
import { writeFileAtomic } from '../fs.js';
import type { CliIo } from '../io.js';
import { LEDGER_OPTION } from '../ledger-hook.js';
import { LOAD_OPTIONS, loadOptionsFromFlags } from '../load-flags.js';
import { recordPrivacyRun } from './privacy-ledger.js';

export const anonymityCommand: CommandSpec = {
  name: 'anonymity',
  summary:
    'Anonymity of a released table: check k-anonymity, l-diversity and t-closeness over quasi-identifiers, or generalise and suppress to reach a target k with the least information loss.',
  usage: 'aequa anonymity check|generalize <data file> --qi COLS [--sensitive COL] [--k N] [--l N] [--t X]',
  options: {
    qi: {
      type: 'string',
      multiple: true,
      description: 'Quasi-identifier columns, comma-separated',
      placeholder: 'COLS',
    },
    sensitive: {
      type: 'string',
      description: 'Sensitive column (for l-diversity and t-closeness)',
      placeholder: 'COL',
    },
    k: {
      type: 'string',
      description: 'Target k (check: exit 1 when not met; generalize: required)',
      placeholder: 'N',
    },
    l: { type: 'string', description: 'Target distinct l-diversity', placeholder: 'N' },
    t: { type: 'string', description: 'check: target t-closeness', placeholder: 'X' },
    hierarchies: {
      type: 'string',
      description: 'JSON or YAML file of generalisation hierarchies per column',
      placeholder: 'FILE',
    },
    'max-suppression': {
      type: 'string',
      description: 'Largest share of rows that may be suppressed',
      placeholder: 'SHARE',
      default: '0.05',
    },
    strategy: {
      type: 'string',
      description: 'minimal-height (Samarati) | min-loss',
      placeholder: 'S',
      default: 'minimal-height',
    },
    out: {
      type: 'string',
      description: 'generalize: output CSV (default: <file>.anon.csv)',
      placeholder: 'FILE',
    },
    ...LOAD_OPTIONS,
    format: { type: 'string', description: 'table | json', placeholder: 'FMT', default: 'table' },
    ...LEDGER_OPTION,
    help: { type: 'boolean', short: 'h', description: 'Show this help' },
  },
  examples: [
    'aequa anonymity check patients.csv --qi age,zip,sex --sensitive diagnosis --k 5',
    'aequa anonymity generalize patients.csv --qi age,zip,sex --sensitive diagnosis --k 5 --hierarchies h.yaml --out released.csv',
  ],
};

const CMD = 'anonymity';

function fmt(x: number | null): string {
  return x === null ? '-' : Number.isInteger(x) ? String(x) : x.toFixed(4);
}

function renderReport(r: AnonymityReport): string[] {
  const mark = (ok: boolean | undefined): string => (ok === undefined ? '' : ok ? '  ✓' : '  ✗');
  const lines = [
    `${r.rows} rows, ${r.classes} equivalence classes over ${r.quasiIdentifiers.join(', ')}`,
    `k (smallest class)      ${fmt(r.k)}${mark(r.meets.k)}${r.rowsBelowK ? `  (${r.rowsBelowK} rows in smaller classes)` : ''}`,
  ];
  if (r.sensitive !== null) {
    lines.push(`distinct l              ${fmt(r.distinctL)}${mark(r.meets.l)}`);
    lines.push(`entropy l               ${fmt(r.entropyL)}`);
    lines.push(`t (EMD, ${r.tDistance} distance) ${fmt(r.t)}${mark(r.meets.t)}`);
  }
  lines.push('', 'Smallest classes:');
  for (const s of r.smallest)
    lines.push(
      `  ${String(s.size).padStart(5)}  ${Object.entries(s.values)
        .map(([k, v]) => `${k}=${v ?? '∅'}`)
        .join(', ')}`,
    );
  return lines;
}

async function readHierarchies(path: string | undefined): Promise<Record<string, Hierarchy> | undefined> {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new AequaError(
      'AEQ_IO_FILE_NOT_FOUND',
      `Cannot read the hierarchies file "${path}": ${(e as Error).message}.`,
      { cause: e },
    );
  }
  let obj: unknown;
  try {
    obj = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new AequaError(
      'AEQ_CONFIG_INVALID',
      `The hierarchies file "${path}" is not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'}: ${(e as Error).message}`,
      { cause: e },
    );
  }
  return parseHierarchies(obj);
}

/** Runs `aequa anonymity`; returns the exit code (1 when `check` finds a target unmet). */
export async function runAnonymity(argv: readonly string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(anonymityCommand, argv);
  const [sub, ...files] = positionals;
  if (v.help || sub === undefined) {
    io.stdout(commandHelp(anonymityCommand));
    return v.help ? 0 : 2;
  }
  if (sub !== 'check' && sub !== 'generalize')
    throw usageError(`Unknown anonymity subcommand "${sub}"; use check or generalize.`, CMD);
  if (files.length !== 1) throw usageError('Give one data file.', CMD);
  const file = files[0]!;
  const qi = listFlag(v.qi);
  if (qi.length === 0)
    throw usageError('--qi is required: the quasi-identifier columns, e.g. --qi age,zip,sex.', CMD);
  const sensitive = stringFlag(v.sensitive);
  const k = numberFlag(v.k, 'k', CMD, (x) =>
    Number.isInteger(x) && x >= 1 ? null : 'must be an integer ≥ 1',
  );
  const l = numberFlag(v.l, 'l', CMD, (x) => (x >= 1 ? null : 'must be ≥ 1'));
  const t = numberFlag(v.t, 't', CMD, (x) => (x >= 0 && x <= 1 ? null : 'must be in [0, 1]'));
  if (l !== undefined && sensitive === undefined) throw usageError('--l needs --sensitive COL.', CMD);
  if (t !== undefined && sensitive === undefined) throw usageError('--t needs --sensitive COL.', CMD);
  const hierarchies = await readHierarchies(stringFlag(v.hierarchies));
  // Quasi-identifiers are read as text (so ZIP codes keep their leading zeros) unless `generalize`
  // bins them as numbers: those with a numeric hierarchy, or without a hierarchy.
  const asText = (c: string): boolean =>
    sub === 'check' || (hierarchies?.[c] !== undefined && hierarchies[c]!.kind !== 'numeric');
  const schema = Object.fromEntries(qi.filter(asText).map((c) => [c, 'category' as const]));
  const table = await loadTable(file, { ...loadOptionsFromFlags(v, CMD), schema });
  const json = stringFlag(v.format) === 'json';
  const checkOpts = {
    qi,
    ...(sensitive !== undefined ? { sensitive } : {}),
    ...(k !== undefined ? { k } : {}),
    ...(l !== undefined ? { l } : {}),
    ...(t !== undefined ? { t } : {}),
  };

  if (sub === 'check') {
    const r = checkAnonymity(table, checkOpts);
    io.stdout(
      json
        ? `${JSON.stringify({ schemaVersion: 1, file, ...r }, null, 2)}\n`
        : `${renderReport(r).join('\n')}\n`,
    );
    await recordPrivacyRun(CMD, argv, v, positionals, io, { subcommand: sub, ...reportSummary(r) });
    return Object.values(r.meets).every((x) => x) ? 0 : 1;
  }
  if (k === undefined) throw usageError('generalize needs --k N (the target class size).', CMD);
  const maxSuppression = numberFlag(v['max-suppression'] ?? '0.05', 'max-suppression', CMD, (x) =>
    x >= 0 && x < 1 ? null : 'must be a share in [0, 1)',
  )!;
  const strategy = stringFlag(v.strategy) ?? 'minimal-height';
  if (strategy !== 'minimal-height' && strategy !== 'min-loss')
    throw usageError(`--strategy must be minimal-height or min-loss, got "${strategy}".`, CMD);
  const res = anonymize(table, {
    qi,
    k,
    ...(l !== undefined ? { l } : {}),
    ...(sensitive !== undefined ? { sensitive } : {}),
    ...(hierarchies ? { hierarchies } : {}),
    maxSuppression,
    strategy: strategy === 'min-loss' ? 'minLoss' : 'minimalHeight',
  });
  const out = stringFlag(v.out) ?? `${file.replace(/\.[^./]+$/, '')}.anon.csv`;
  await writeFileAtomic(out, formatCsv(res.table));
  const after = checkAnonymity(res.table, checkOpts);
  const { table: _released, ...summary } = res;
  if (json)
    io.stdout(`${JSON.stringify({ schemaVersion: 1, file, out, ...summary, check: after }, null, 2)}\n`);
  else {
    const lv = Object.entries(res.levels)
      .map(([c, x]) => `${c} ${x.level}/${x.top}`)
      .join(', ');
    io.stdout(
      `${[
        `Generalised ${qi.join(', ')} to levels ${lv} (height ${res.height}; ${res.nodesEvaluated} lattice nodes evaluated).`,
        `Information loss (NCP) ${res.ncp.toFixed(4)}; suppressed ${res.suppressedRows} of ${table.nrows} rows.`,
        `Wrote ${out}.`,
        '',
        ...renderReport(after),
      ].join('\n')}\n`,
    );
  }
  await recordPrivacyRun(
    CMD,
    argv,
    v,
    positionals,
    io,
    {
      subcommand: sub,
      levels: Object.fromEntries(Object.entries(res.levels).map(([c, x]) => [c, x.level])),
      ncp: res.ncp,
      suppressedRows: res.suppressedRows,
      check: reportSummary(after),
    },
    out,
  );
  return 0;
}

/** The figures of a report the ledger keeps: not the smallest classes' quasi-identifier values. */
function reportSummary(r: AnonymityReport): { [k: string]: JsonValue } {
  const { smallest: _smallest, meets, quasiIdentifiers, ...rest } = r;
  return { ...rest, quasiIdentifiers: [...quasiIdentifiers], meets: { ...meets } };
}
