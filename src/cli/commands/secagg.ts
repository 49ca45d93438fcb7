/**
 * @module cli/commands/secagg
 * `aequa secagg serve|join`: secure aggregation over loopback or LAN HTTP (Bonawitz et al. 2017,
 * https://eprint.iacr.org/2017/281), as an aggregator and as parties. With `--groups`, a federated
 * fairness audit: each party submits its per-group confusion counts, the aggregator learns only their
 * sum and prints the pooled group metrics. The protocol lives in `src/privacy/secagg`.
 */
import { readFile } from 'node:fs/promises';
import { AequaError } from '../../core/index.js';
import { cellString, resolvePositive, type Table, toBinary } from '../../data/index.js';
import { loadTable } from '../../data/io/index.js';
import type { Confusion } from '../../metrics/index.js';
import { falsePositiveRate, selectionRate, truePositiveRate } from '../../metrics/index.js';
import { confusionInput, confusionResult, joinSecAgg, serveSecAgg } from '../../privacy/node.js';
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
import { LOAD_OPTIONS, loadOptionsFromFlags } from '../load-flags.js';

export const secaggCommand: CommandSpec = {
  name: 'secagg',
  summary:
    'Secure aggregation: parties learn the sum of their vectors (or pooled fairness-audit counts) without revealing their own.',
  usage:
    'aequa secagg serve --parties N --threshold T (--length L | --groups A,B) [--port P]\n' +
    '       aequa secagg join URL --id I (--input FILE.json | --confusion data.csv --label y --prediction p --sensitive s --groups A,B)',
  options: {
    parties: { type: 'string', description: 'serve: number of parties', placeholder: 'N' },
    threshold: {
      type: 'string',
      description: 'serve: parties needed to finish (Shamir threshold; the rest may drop out)',
      placeholder: 'T',
    },
    length: { type: 'string', description: 'serve: vector length', placeholder: 'L' },
    port: {
      type: 'string',
      description: 'serve: TCP port (0 = any free port)',
      placeholder: 'P',
      default: '0',
    },
    host: {
      type: 'string',
      description: 'serve: address to listen on',
      placeholder: 'HOST',
      default: '127.0.0.1',
    },
    timeout: {
      type: 'string',
      description: 'serve: seconds a round waits for missing parties',
      placeholder: 'S',
      default: '30',
    },
    groups: {
      type: 'string',
      description: 'Federated fairness audit: the agreed group list (8 counts per group)',
      placeholder: 'A,B',
    },
    id: { type: 'string', description: 'join: this party’s id, 1…N', placeholder: 'I' },
    input: {
      type: 'string',
      description: 'join: JSON file with the vector (an array of numbers)',
      placeholder: 'FILE',
    },
    confusion: {
      type: 'string',
      description: 'join: data file whose per-group confusion counts this party contributes',
      placeholder: 'FILE',
    },
    label: { type: 'string', description: 'join --confusion: label column', placeholder: 'COL' },
    prediction: { type: 'string', description: 'join --confusion: prediction column', placeholder: 'COL' },
    sensitive: { type: 'string', description: 'join --confusion: sensitive column', placeholder: 'COL' },
    positive: {
      type: 'string',
      multiple: true,
      description: 'Favourable outcome value',
      placeholder: 'VALUE',
    },
    ...LOAD_OPTIONS,
    format: { type: 'string', description: 'table | json', placeholder: 'FMT', default: 'table' },
    debug: { type: 'boolean', description: 'Show stack traces' },
    help: { type: 'boolean', short: 'h', description: 'Show this help' },
  },
  examples: [
    'aequa secagg serve --parties 3 --threshold 2 --groups F,M --port 4100',
    'aequa secagg join http://127.0.0.1:4100 --id 1 --confusion bank1.csv --label y --prediction yhat --sensitive sex --groups F,M',
    'aequa secagg join http://127.0.0.1:4100 --id 2 --input update.json',
  ],
};

const CMD = 'secagg';
const CELLS = 8;

const int = (v: unknown, name: string, min: number) =>
  numberFlag(v as string | undefined, name, CMD, (x) =>
    Number.isInteger(x) && x >= min ? null : `must be an integer ≥ ${min}`,
  );

/** Per-group confusion counts of one party's data (rows with a missing cell are skipped). */
function localConfusion(
  table: Table,
  o: { label: string; prediction: string; sensitive: string; positive: readonly string[] },
): Record<string, Confusion> {
  const yc = table.column(o.label, 'label');
  const pc = table.column(o.prediction, 'prediction');
  const sc = table.column(o.sensitive, 'sensitive');
  const pos = o.positive.length
    ? [...o.positive]
    : [...resolvePositive(yc, { name: o.label, role: 'label' }).positive];
  const y = toBinary(yc, pos);
  const p = toBinary(pc, pos);
  const acc: Record<string, [number, number, number, number]> = {};
  for (let i = 0; i < table.nrows; i++) {
    const g = cellString(sc, i);
    if (g === null || (y.valid !== null && !y.valid.isValid(i)) || (p.valid !== null && !p.valid.isValid(i)))
      continue;
    const c = (acc[g] ??= [0, 0, 0, 0]);
    const k = y.values[i] ? (p.values[i] ? 0 : 3) : p.values[i] ? 1 : 2; // tp, fp, tn, fn
    c[k]!++;
  }
  const out: Record<string, Confusion> = {};
  for (const [g, [tp, fp, tn, fn]] of Object.entries(acc))
    out[g] = { tp, fp, tn, fn, ntp: tp, nfp: fp, ntn: tn, nfn: fn };
  return out;
}

function fmt(x: number | null): string {
  return x === null || !Number.isFinite(x) ? '-' : x.toFixed(4);
}

/** Pooled per-group metrics and the two headline gaps, from the summed counts. */
function pooledAudit(groups: readonly string[], sum: Float64Array) {
  const pooled = confusionResult(groups, sum);
  const rows = groups.map((g) => {
    const c = pooled[g]!;
    const v = (m: { value: number | null } | { value: number }) => (m.value ?? null) as number | null;
    return {
      group: g,
      rows: c.ntp + c.nfp + c.ntn + c.nfn,
      selectionRate: v(selectionRate(c)),
      truePositiveRate: v(truePositiveRate(c)),
      falsePositiveRate: v(falsePositiveRate(c)),
      confusion: c,
    };
  });
  const gap = (k: 'selectionRate' | 'truePositiveRate' | 'falsePositiveRate') => {
    const xs = rows.map((r) => r[k]).filter((x): x is number => x !== null && Number.isFinite(x));
    return xs.length < 2 ? null : Math.max(...xs) - Math.min(...xs);
  };
  const tprGap = gap('truePositiveRate');
  const fprGap = gap('falsePositiveRate');
  return {
    groups: rows,
    demographicParityDifference: gap('selectionRate'),
    equalizedOddsDifference: tprGap === null || fprGap === null ? null : Math.max(tprGap, fprGap),
  };
}

async function serve(v: Record<string, unknown>, io: CliIo, json: boolean): Promise<number> {
  const parties = int(v.parties, 'parties', 2);
  if (parties === undefined) throw usageError('serve needs --parties N (at least 2).', CMD);
  const threshold = int(v.threshold, 'threshold', 1) ?? parties;
  if (threshold > parties)
    throw usageError(`--threshold must be at most --parties (${parties}); got ${threshold}.`, CMD);
  const groups = listFlag(v.groups as string | undefined);
  let length = int(v.length, 'length', 1);
  if (groups.length > 0) {
    if (length !== undefined && length !== groups.length * CELLS)
      throw usageError(
        `--length must be ${groups.length * CELLS} (8 counts × ${groups.length} groups) with --groups.`,
        CMD,
      );
    length = groups.length * CELLS;
  }
  if (length === undefined) throw usageError('serve needs --length L or --groups A,B.', CMD);
  const port = int(v.port ?? '0', 'port', 0)!;
  const timeout =
    numberFlag(v.timeout as string | undefined, 'timeout', CMD, (x) => (x > 0 ? null : 'must be > 0')) ?? 30;
  const server = await serveSecAgg({
    parties,
    threshold,
    length,
    port,
    host: stringFlag(v.host as string | undefined) ?? '127.0.0.1',
    roundTimeoutMs: timeout * 1000,
  });
  io.stderr(
    `aequa secagg: aggregator listening on ${server.url} (${parties} parties, threshold ${threshold}, length ${length})\n`,
  );
  try {
    const r = await server.result;
    const sum = Float64Array.from(r.sum);
    const audit = groups.length > 0 ? pooledAudit(groups, sum) : null;
    if (json)
      io.stdout(
        `${JSON.stringify({ schemaVersion: 1, survivors: r.survivors, dropped: r.dropped, sum: Array.from(sum), ...(audit ? { audit } : {}) }, null, 2)}\n`,
      );
    else {
      const lines = [
        `Aggregated ${r.survivors.length} of ${parties} parties (survivors ${r.survivors.join(', ')}${r.dropped.length ? `; dropped ${r.dropped.join(', ')}` : ''}).`,
      ];
      if (audit) {
        lines.push(
          '',
          `${'group'.padEnd(12)}${'rows'.padStart(8)}${'selection'.padStart(11)}${'TPR'.padStart(8)}${'FPR'.padStart(8)}`,
        );
        for (const g of audit.groups)
          lines.push(
            `${g.group.padEnd(12)}${String(g.rows).padStart(8)}${fmt(g.selectionRate).padStart(11)}${fmt(g.truePositiveRate).padStart(8)}${fmt(g.falsePositiveRate).padStart(8)}`,
          );
        lines.push(
          '',
          `demographic parity difference ${fmt(audit.demographicParityDifference)}, equalized odds difference ${fmt(audit.equalizedOddsDifference)}`,
          'No party’s own counts were revealed to the aggregator or to the other parties.',
        );
      } else lines.push(`sum: [${Array.from(sum).join(', ')}]`);
      io.stdout(`${lines.join('\n')}\n`);
    }
    return 0;
  } finally {
    // a grace period so that the final round's responses reach every party before the sockets close
    await new Promise((r) => setTimeout(r, 1000));
    await server.close();
  }
}

async function join(url: string, v: Record<string, unknown>, io: CliIo, json: boolean): Promise<number> {
  const id = int(v.id, 'id', 1);
  if (id === undefined) throw usageError('join needs --id I (this party’s number, 1…N).', CMD);
  const inputFile = stringFlag(v.input as string | undefined);
  const dataFile = stringFlag(v.confusion as string | undefined);
  if ((inputFile === undefined) === (dataFile === undefined))
    throw usageError('join needs one of --input FILE.json or --confusion DATA.', CMD);
  let vector: Float64Array;
  const groups = listFlag(v.groups as string | undefined);
  if (inputFile !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(inputFile, 'utf8'));
    } catch (e) {
      throw new AequaError(
        'AEQ_IO_FILE_NOT_FOUND',
        `Cannot read a JSON vector from "${inputFile}": ${(e as Error).message}.`,
        {
          hint: 'Give a JSON file holding an array of numbers, e.g. [0.5, 1, 2].',
          cause: e,
        },
      );
    }
    if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'number' && Number.isFinite(x)))
      throw usageError(`--input ${inputFile} must hold a JSON array of finite numbers.`, CMD);
    vector = Float64Array.from(parsed as number[]);
  } else {
    const need = (k: string) => {
      const s = stringFlag(v[k] as string | undefined);
      if (s === undefined) throw usageError(`--confusion needs --${k} COL.`, CMD);
      return s;
    };
    if (groups.length === 0)
      throw usageError('--confusion needs --groups A,B: the group list every party agreed on.', CMD);
    const table = await loadTable(dataFile!, loadOptionsFromFlags(v as never, CMD));
    const counts = localConfusion(table, {
      label: need('label'),
      prediction: need('prediction'),
      sensitive: need('sensitive'),
      positive: multiFlag(v.positive as string[] | undefined),
    });
    vector = confusionInput(groups, counts);
  }
  const r = await joinSecAgg(url, id, vector);
  if (r === null) return 0;
  const audit =
    groups.length > 0 && dataFile !== undefined ? pooledAudit(groups, Float64Array.from(r.sum)) : null;
  if (json)
    io.stdout(
      `${JSON.stringify({ schemaVersion: 1, id, survivors: r.survivors, sum: Array.from(r.sum), ...(audit ? { audit } : {}) }, null, 2)}\n`,
    );
  else
    io.stdout(
      `Party ${id}: the aggregate of ${r.survivors.length} parties is ${audit ? `demographic parity difference ${fmt(audit.demographicParityDifference)}, equalized odds difference ${fmt(audit.equalizedOddsDifference)}` : `[${Array.from(r.sum).join(', ')}]`}.\n`,
    );
  return 0;
}

/** Runs `aequa secagg`; returns the exit code (usage and protocol errors are thrown: exit 2). */
export async function runSecagg(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(secaggCommand, argv);
  const [sub, ...rest] = positionals;
  if (values.help || sub === undefined) {
    io.stdout(commandHelp(secaggCommand));
    return values.help ? 0 : 2;
  }
  const format = stringFlag(values.format) ?? 'table';
  if (format !== 'table' && format !== 'json')
    throw usageError(`--format must be table or json; got "${format}".`, CMD);
  if (sub === 'serve') {
    if (rest.length) throw usageError(`Unexpected arguments: ${rest.join(' ')}.`, CMD);
    return serve(values, io, format === 'json');
  }
  if (sub === 'join') {
    if (rest.length !== 1)
      throw usageError('join needs the aggregator URL, e.g. http://127.0.0.1:4100.', CMD);
    const url = rest[0]!.replace(/\/+$/, '');
    if (!/^https?:\/\//.test(url))
      throw usageError(`The aggregator URL must start with http:// or https://; got "${url}".`, CMD);
    return join(url, values, io, format === 'json');
  }
  throw usageError(`Unknown secagg subcommand "${sub}"; use serve or join.`, CMD);
}
