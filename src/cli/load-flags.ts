/**
 * @module cli/load-flags
 * The flags that say how to read a data file, shared by every command that reads one.
 */
import type { InputFormat, LoadOptions } from '../data/io/index.js';
import { listFlag, multiFlag, numberFlag, type OptionSpec, type ParsedValues, stringFlag } from './args.js';

export const LOAD_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  'input-format': {
    type: 'string',
    description: 'csv | tsv | parquet | json | jsonl | arrow (default: from extension)',
    placeholder: 'FMT',
  },
  header: {
    type: 'boolean',
    description: 'The file has a header row; --no-header when it has none (name columns with --columns)',
  },
  columns: {
    type: 'string',
    description: 'Column names for a file without a header, comma-separated',
    placeholder: 'NAMES',
  },
  skip: { type: 'string', description: 'Skip this many leading lines', placeholder: 'N' },
  delimiter: { type: 'string', description: 'Field delimiter (default: sniffed)', placeholder: 'CHAR' },
  na: {
    type: 'string',
    multiple: true,
    description: "Extra missing-value marker, e.g. '?'",
    placeholder: 'TEXT',
  },
  trim: {
    type: 'boolean',
    description: 'Trim spaces around text values; --no-trim keeps them',
    default: true,
  },
};

/** LoadOptions from the parsed load flags. */
export function loadOptionsFromFlags(v: ParsedValues, cmd: string): LoadOptions {
  return {
    ...(stringFlag(v['input-format']) ? { format: stringFlag(v['input-format']) as InputFormat } : {}),
    ...(v.header === false ? { header: false } : {}),
    ...(stringFlag(v.columns) ? { columns: listFlag(v.columns) } : {}),
    ...(v.skip !== undefined
      ? {
          skip: numberFlag(v.skip, 'skip', cmd, (x) =>
            Number.isInteger(x) && x >= 0 ? null : 'must be a non-negative integer',
          )!,
        }
      : {}),
    ...(stringFlag(v.delimiter) ? { delimiter: stringFlag(v.delimiter)! } : {}),
    ...(multiFlag(v.na).length ? { na: multiFlag(v.na) } : {}),
    ...(v.trim === false ? { trim: false } : {}),
  };
}
