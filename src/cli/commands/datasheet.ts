/**
 * @module cli/commands/datasheet
 * `aequa datasheet data.csv [--label y] [--sensitive a,b] [--answers FILE] [--format md|json] [--out F]`:
 * a datasheet for a dataset (Gebru et al. 2021, https://arxiv.org/abs/1803.09010), prefilled from
 * the data (rows, columns, missingness, groups, base rates, file SHA-256), completed from a small
 * YAML (`--template` prints the blank one), with the open required questions listed as gaps.
 * Recorded in the project's ledger like every other command.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  buildDatasheet,
  type Datasheet,
  type DatasheetAnswers,
  datasheetDigest,
  datasheetTemplate,
  fileRef,
  parseDatasheetAnswers,
  profileDataset,
  renderDatasheetMarkdown,
} from '../../accountability/index.js';
import { AequaError } from '../../core/index.js';
import { loadTable } from '../../data/io/index.js';
import {
  type CommandSpec,
  commandHelp,
  listFlag,
  multiFlag,
  parseCommandArgs,
  stringFlag,
  usageError,
} from '../args.js';
import { writeFileAtomic } from '../fs.js';
import type { CliIo } from '../io.js';
import { LEDGER_OPTION, withLedger } from '../ledger-hook.js';
import { LOAD_OPTIONS, loadOptionsFromFlags } from '../load-flags.js';

export const datasheetCommand: CommandSpec = {
  name: 'datasheet',
  summary:
    'Datasheet for a dataset: composition, collection, groups, base rates, missingness, licence; prefilled from the data, completed from a YAML; gaps listed.',
  usage:
    'aequa datasheet <data file> [--label COL] [--sensitive COLS] [--answers FILE] [--format md|json] [--out FILE] | aequa datasheet --template',
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
      description: 'Sensitive column(s), comma-separated: group representation and base rates',
      placeholder: 'COLS',
    },
    intersections: { type: 'boolean', description: 'Also profile intersections of the sensitive columns' },
    answers: {
      type: 'string',
      description: 'YAML with the answers to the datasheet questions (see --template)',
      placeholder: 'FILE',
    },
    license: { type: 'string', description: 'Licence of the dataset (SPDX id)', placeholder: 'ID' },
    name: {
      type: 'string',
      description: 'Name of the dataset (default: the file name)',
      placeholder: 'NAME',
    },
    template: { type: 'boolean', description: 'Print the blank answers YAML with every question' },
    ...LOAD_OPTIONS,
    format: { type: 'string', description: 'md | json', placeholder: 'FMT', default: 'md' },
    out: { type: 'string', description: 'Write the datasheet here instead of stdout', placeholder: 'FILE' },
    ...LEDGER_OPTION,
    debug: { type: 'boolean', description: 'Show stack traces' },
    help: { type: 'boolean', short: 'h', description: 'Show this help' },
  },
  examples: [
    'aequa datasheet --template > datasheet.yaml',
    'aequa datasheet examples/data/adult-train.csv --label income --positive ">50K" --sensitive sex,race --answers datasheet.yaml --out DATASHEET.md',
    'aequa datasheet data.csv --sensitive sex --license CC-BY-4.0 --format json',
  ],
};

const CMD = 'datasheet';

async function readAnswers(path: string): Promise<DatasheetAnswers> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new AequaError('AEQ_IO_FILE_NOT_FOUND', `Cannot read the answers file "${path}".`, {
      cause: e,
      hint: 'Check --answers; `aequa datasheet --template > datasheet.yaml` writes a blank one.',
    });
  }
  const { parse } = await import('yaml');
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    throw new AequaError(
      'AEQ_CARD_INVALID',
      `The datasheet answers file "${path}" is not valid YAML: ${(e as Error).message.split('\n')[0]}`,
      { cause: e, hint: 'Fix the YAML at the line named; start from `aequa datasheet --template`.' },
    );
  }
  return parseDatasheetAnswers(raw, path);
}

/** Runs `aequa datasheet`; returns the exit code (0: written; errors are thrown for the dispatcher). */
export async function runDatasheet(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(datasheetCommand, argv);
  if (values.help) {
    io.stdout(commandHelp(datasheetCommand));
    return 0;
  }
  const out = stringFlag(values.out);
  const emit = async (text: string) => (out ? writeFileAtomic(out, text) : io.stdout(text));
  if (values.template) {
    await emit(datasheetTemplate());
    return 0;
  }
  const format = stringFlag(values.format) ?? 'md';
  if (format !== 'md' && format !== 'json')
    throw usageError(`--format must be md or json; got "${format}".`, CMD);
  if (positionals.length !== 1)
    throw usageError(
      positionals.length === 0
        ? 'Give one data file (CSV, TSV, Parquet, JSON, JSONL, Arrow), or --template for the blank answers file.'
        : `Expected one data file, got ${positionals.length}: ${positionals.join(' ')}.`,
      CMD,
    );
  const file = positionals[0]!;
  const answersPath = stringFlag(values.answers);
  const answers = answersPath ? await readAnswers(answersPath) : {};
  const table = await loadTable(file, loadOptionsFromFlags(values, CMD));
  const { sha256, bytes } = await fileRef(file);
  const label = stringFlag(values.label);
  const positive = multiFlag(values.positive);
  const profile = await profileDataset(table, {
    sensitive: listFlag(values.sensitive),
    ...(label ? { label } : {}),
    ...(positive.length ? { positive } : {}),
    intersections: values.intersections === true,
  });
  const license = stringFlag(values.license);
  const name = stringFlag(values.name);
  const ds: Datasheet = buildDatasheet({
    profile,
    answers,
    file: { path: file, sha256, bytes },
    name: name ?? basename(file),
    ...(license ? { license } : {}),
  });
  await emit(format === 'json' ? `${JSON.stringify(ds, null, 2)}\n` : renderDatasheetMarkdown(ds));
  const { answered, required } = ds.completeness;
  io.stderr(
    `datasheet: ${answered}/${required} required questions answered${
      ds.gaps.length ? `; open:\n${ds.gaps.map((g) => `  - ${g.key}: ${g.question}`).join('\n')}` : ''
    }\n`,
  );
  await withLedger(CMD, argv, values, positionals, io, {
    datasheetSha256: datasheetDigest(ds),
    name: ds.name,
    rows: profile.rows,
    columns: profile.columns.length,
    answered,
    required,
    gaps: ds.gaps.map((g) => g.key),
  });
  return 0;
}
