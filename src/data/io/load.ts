/**
 * @module data/io/load
 * `loadTable`: a data file straight into a Table (openSource + toTable + close). The rules for
 * formats, missing values and duplicate names are those of `openSource` (data/io/duckdb.ts).
 * See https://duckdb.org/docs/data/overview for the readers underneath.
 */
import type { Table } from '../table.js';
import { checkSize, openSource } from './duckdb.js';
import { formatFromPath, readHead } from './formats.js';
import { DEFAULT_MAX_BYTES, type LoadOptions } from './options.js';

/**
 * Loads a data file (CSV, TSV, Parquet, JSON, JSON Lines, Arrow IPC; gzip-compressed text) into
 * a Table, all columns or only `columns`. The size limit (`maxBytes`) is checked before reading.
 * @throws {AEQ_IO_FILE_NOT_FOUND | AEQ_IO_FORMAT | AEQ_IO_TOO_LARGE | AEQ_DATA_EMPTY | AEQ_DATA_NAN}
 * @example (await loadTable('examples/data/compas.csv')).nrows // 6172
 */
export async function loadTable(
  path: string,
  opts: LoadOptions & { readonly select?: readonly string[] } = {},
): Promise<Table> {
  const head = await readHead(path, formatFromPath(path).gzip);
  checkSize(path, head.size, opts.maxBytes ?? DEFAULT_MAX_BYTES);
  const src = await openSource(path, opts);
  try {
    return await src.toTable(opts.select);
  } finally {
    await src.close();
  }
}
