/**
 * @module cli/commands/pii
 * `aequa pii scan|redact`: find personal data in free text (`--text`, a .txt/.md/.log file) or in the
 * columns of a data file (CSV, Parquet, JSON…), and replace it with an operator. Parses flags, calls
 * `scanText`/`redactText`/`scanTable`/`redactTable` from `privacy`, renders.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { AequaError } from '../../core/index.js';
import { formatCsv, loadTable } from '../../data/io/index.js';
import {
  PII_OPERATORS,
  type PiiFinding,
  type PiiOperator,
  parseEntities,
  pseudonymizeColumns,
  redactTable,
  redactText,
  type ScanOptions,
  scanTable,
  scanText,
} from '../../privacy/index.js';
import {
  type CommandSpec,
  commandHelp,
  listFlag,
  numberFlag,
  type ParsedValues,
  parseCommandArgs,
  stringFlag,
  usageError,
} from '../args.js';
import { writeFileAtomic } from '../fs.js';
import type { CliIo } from '../io.js';
import { LEDGER_OPTION } from '../ledger-hook.js';
import { LOAD_OPTIONS, loadOptionsFromFlags } from '../load-flags.js';
import { recordPrivacyRun } from './privacy-ledger.js';

/** Findings per entity: the only trace of a text scan the ledger keeps (never the matched text). */
function entityCounts(findings: readonly PiiFinding[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of findings) out[f.entity] = (out[f.entity] ?? 0) + 1;
  return out;
}

export const piiCommand: CommandSpec = {
  name: 'pii',
  summary:
    'Find and redact personal data: emails, phones, cards, IBANs, IPs, national IDs, dates of birth and names in text or data columns.',
  usage:
    'aequa pii scan|redact (<file> | --text "…") [--columns COLS] [--operator redact|mask|hash|placeholder]',
  options: {
    ...LOAD_OPTIONS,
    text: { type: 'string', description: 'Scan this text instead of a file', placeholder: 'TEXT' },
    columns: {
      type: 'string',
      description: 'Data columns to scan or redact (default: all / those with hits)',
      placeholder: 'COLS',
    },
    entities: {
      type: 'string',
      description: 'Entities to look for, comma-separated (default: all)',
      placeholder: 'LIST',
    },
    'min-confidence': {
      type: 'string',
      description: 'Drop findings below this confidence',
      placeholder: 'P',
      default: '0.5',
    },
    operator: {
      type: 'string',
      description: 'redact | mask | hash | placeholder',
      placeholder: 'OP',
      default: 'placeholder',
    },
    pseudonymize: {
      type: 'string',
      description:
        'redact: replace these identifier columns whole by keyed pseudonyms (needs --hash-key-file)',
      placeholder: 'COLS',
    },
    'hash-key-file': {
      type: 'string',
      description: 'Secret key file of the hash operator (≥ 16 bytes)',
      placeholder: 'FILE',
    },
    out: {
      type: 'string',
      description: 'redact: write the result here (default: stdout for text, <file>.redacted.csv for data)',
      placeholder: 'FILE',
    },
    format: { type: 'string', description: 'table | json', placeholder: 'FMT', default: 'table' },
    ...LEDGER_OPTION,
    help: { type: 'boolean', short: 'h', description: 'Show this help' },
  },
  examples: [
    'aequa pii scan --text "Mail jane@example.com or call +44 20 7946 0958"',
    'aequa pii scan customers.csv --format json',
    'aequa pii redact tickets.csv --columns body --operator mask --out tickets-clean.csv',
  ],
};

const CMD = 'pii';
const TEXT_EXT = new Set(['.txt', '.md', '.log', '.text', '']);

function scanOptions(v: ParsedValues): ScanOptions {
  const min = numberFlag(v['min-confidence'] ?? '0.5', 'min-confidence', CMD, (x) =>
    x >= 0 && x <= 1 ? null : 'must be in [0, 1]',
  )!;
  const ents = listFlag(v.entities).map((e) => e.toUpperCase());
  return { minConfidence: min, ...(ents.length ? { entities: parseEntities('pii', ents) } : {}) };
}

function renderFindings(findings: readonly PiiFinding[]): string {
  if (findings.length === 0) return 'No personal data found.\n';
  const rows = findings.map((f) => [
    f.entity,
    `${f.start}-${f.end}`,
    f.confidence.toFixed(2),
    JSON.stringify(f.text),
  ]);
  const head = ['entity', 'span', 'conf.', 'text'];
  const w = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (r: readonly string[]): string =>
    r
      .map((c, j) => c.padEnd(w[j]!))
      .join('  ')
      .trimEnd();
  return `${[line(head), ...rows.map(line)].join('\n')}\n${findings.length} finding${findings.length === 1 ? '' : 's'}.\n`;
}

/** Runs `aequa pii`; returns the exit code. */
export async function runPii(argv: readonly string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(piiCommand, argv);
  const [sub, ...files] = positionals;
  if (v.help || sub === undefined) {
    io.stdout(commandHelp(piiCommand));
    return v.help ? 0 : 2;
  }
  if (sub !== 'scan' && sub !== 'redact')
    throw usageError(`Unknown pii subcommand "${sub}"; use scan or redact.`, CMD);
  const text = stringFlag(v.text);
  if ((text === undefined) === (files.length === 0) || files.length > 1)
    throw usageError('Give one input: a file, or --text "…".', CMD);
  const opts = scanOptions(v);
  const json = stringFlag(v.format) === 'json';
  const operator = (stringFlag(v.operator) ?? 'placeholder') as PiiOperator;
  if (!(operator in PII_OPERATORS))
    throw usageError(
      `--operator must be one of ${Object.keys(PII_OPERATORS).join(', ')}, got "${operator}".`,
      CMD,
    );
  let key: Uint8Array | undefined;
  const keyFile = stringFlag(v['hash-key-file']);
  if (keyFile !== undefined) key = new Uint8Array(await readFile(keyFile));
  if (operator === 'hash' && sub === 'redact' && key === undefined)
    throw usageError('--operator hash needs --hash-key-file FILE (a secret of at least 16 bytes).', CMD);
  const redactOpts = { ...opts, operator, ...(key ? { key } : {}) };
  const record = (summary: Parameters<typeof recordPrivacyRun>[5], out?: string) =>
    recordPrivacyRun(CMD, argv, v, positionals, io, { subcommand: sub, ...summary }, out);

  const file = files[0];
  const isText = text !== undefined || (file !== undefined && TEXT_EXT.has(extname(file).toLowerCase()));
  if (isText) {
    let body = text;
    if (body === undefined) {
      try {
        body = await readFile(file!, 'utf8');
      } catch (e) {
        throw new AequaError('AEQ_IO_FILE_NOT_FOUND', `Cannot read "${file}": ${(e as Error).message}.`, {
          cause: e,
        });
      }
    }
    if (sub === 'scan') {
      const findings = scanText(body, opts);
      io.stdout(
        json ? `${JSON.stringify({ schemaVersion: 1, findings }, null, 2)}\n` : renderFindings(findings),
      );
      await record({ findings: findings.length, entities: entityCounts(findings) });
      return 0;
    }
    const r = redactText(body, redactOpts);
    const out = stringFlag(v.out);
    if (out !== undefined) {
      await writeFileAtomic(out, r.text);
      io.stdout(
        `Replaced ${r.findings.length} finding${r.findings.length === 1 ? '' : 's'} (${operator}); wrote ${out}.\n`,
      );
    } else if (json)
      io.stdout(`${JSON.stringify({ schemaVersion: 1, text: r.text, findings: r.findings }, null, 2)}\n`);
    else io.stdout(r.text.endsWith('\n') ? r.text : `${r.text}\n`);
    await record({ operator, findings: r.findings.length, entities: entityCounts(r.findings) });
    return 0;
  }

  const cols = listFlag(v.columns);
  // --columns here names the columns to scan, not the header of a header-less file (a load flag elsewhere).
  const load = loadOptionsFromFlags({ ...v, columns: undefined }, CMD);
  // Named columns are read as text, so leading zeros and long digit runs survive.
  const schema = Object.fromEntries(cols.map((c) => [c, 'category' as const]));
  const table = await loadTable(file!, { ...load, ...(cols.length ? { schema } : {}) });
  const scanAll = () => scanTable(table, { ...opts, ...(cols.length ? { columns: cols } : {}) });
  if (sub === 'scan') {
    const scan = scanAll();
    if (json) io.stdout(`${JSON.stringify({ schemaVersion: 1, file, ...scan }, null, 2)}\n`);
    else {
      const lines = [`${file}: ${scan.rows} rows`, ''];
      const w = Math.max(6, ...scan.columns.map((c) => c.column.length));
      lines.push(`${'column'.padEnd(w)}  hit rate  cells  entities`);
      for (const c of scan.columns) {
        const ents = Object.entries(c.entities)
          .map(([e, n]) => `${e} ${n}`)
          .join(', ');
        lines.push(
          `${c.column.padEnd(w)}  ${`${(100 * c.hitRate).toFixed(1)}%`.padStart(8)}  ${String(c.cells).padStart(5)}  ${ents || '-'}`,
        );
      }
      const flagged = scan.columns.filter((c) => c.cellsWithPii > 0).map((c) => c.column);
      lines.push(
        '',
        flagged.length ? `Columns with personal data: ${flagged.join(', ')}.` : 'No personal data found.',
      );
      io.stdout(`${lines.join('\n')}\n`);
    }
    await record({
      rows: scan.rows,
      columns: scan.columns.map((c) => ({ column: c.column, hitRate: c.hitRate, entities: c.entities })),
    });
    return 0;
  }
  const pseudo = listFlag(v.pseudonymize);
  if (pseudo.length > 0 && key === undefined)
    throw usageError('--pseudonymize needs --hash-key-file FILE (a secret of at least 16 bytes).', CMD);
  // Named columns are redacted as given; otherwise the scan picks the columns holding personal data.
  const targets = (
    cols.length
      ? cols
      : scanAll()
          .columns.filter((c) => c.cellsWithPii > 0)
          .map((c) => c.column)
  ).filter((c) => !pseudo.includes(c));
  let red = redactTable(table, targets, redactOpts);
  if (pseudo.length > 0) red = pseudonymizeColumns(red, pseudo, { key: key!, prefix: 'pid_' });
  const out = stringFlag(v.out) ?? `${file!.replace(/\.[^./]+$/, '')}.redacted.csv`;
  await writeFileAtomic(out, formatCsv(red));
  const did = [
    `redacted ${targets.length ? targets.join(', ') : 'no columns'} (${operator})`,
    ...(pseudo.length ? [`pseudonymised ${pseudo.join(', ')} (HMAC-SHA-256)`] : []),
  ];
  io.stdout(`${did.join('; ').replace(/^r/, 'R')}; wrote ${out}.\n`);
  await record({ operator, redacted: targets, pseudonymized: pseudo }, out);
  return 0;
}
