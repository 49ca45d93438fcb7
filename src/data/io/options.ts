/**
 * @module data/io/options
 * Options of the file loaders (`openSource`, `loadTable`) and their defaults. The quirk rules
 * they control are described in `duckdb.ts`.
 */
import type { ColumnKind } from '../column.js';

/** File formats the loaders read. */
export type InputFormat = 'csv' | 'tsv' | 'parquet' | 'json' | 'jsonl' | 'arrow';

/** The list of formats, for validation and help texts. */
export const INPUT_FORMATS: Readonly<Record<InputFormat, true>> = {
  csv: true,
  tsv: true,
  parquet: true,
  json: true,
  jsonl: true,
  arrow: true,
};

/** How to read a file. Every field is optional; the defaults suit clean CSV with a header. */
export interface LoadOptions {
  /** File format. @default from the extension (`.csv`, `.tsv`, `.parquet`, `.json`, `.jsonl`/`.ndjson`, `.arrow`/`.feather`/`.ipc`; `.gz` is looked through); other extensions are read as delimited text */
  readonly format?: InputFormat;
  /** Whether the first line (after `skip`) holds column names. @default sniffed; false when `columns` is given */
  readonly header?: boolean;
  /** Column names for a file without a header (or to replace the header's names). */
  readonly columns?: readonly string[];
  /** Lines to skip at the top of the file before the header or data. @default 0 */
  readonly skip?: number;
  /** Field delimiter of delimited text. @default sniffed among `,` tab `;` `|` and space; tab for `.tsv` */
  readonly delimiter?: string;
  /** Extra text values that mean missing (e.g. `?`, `NA`). Empty cells are always missing. @default [] */
  readonly na?: readonly string[];
  /** Remove blanks (space, tab, CR, LF) around text values and header names. @default true */
  readonly trim?: boolean;
  /** Column kinds that override inference. */
  readonly schema?: Readonly<Record<string, ColumnKind>>;
  /** Read at most this many data rows. @default all */
  readonly limit?: number;
  /** Largest file `toTable`/`loadTable` will load into memory, in bytes. @default 4 GiB */
  readonly maxBytes?: number;
}

/** 4 GiB: above this a file is aggregated in DuckDB (pushdown) rather than loaded. */
export const DEFAULT_MAX_BYTES = 4 * 1024 ** 3;
