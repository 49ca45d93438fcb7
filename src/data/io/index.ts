/**
 * @module data/io
 * Node-only loaders: data files through DuckDB (CSV, TSV, Parquet, JSON, JSON Lines, gzip) and
 * Arrow IPC through flechette, into a `Table` or an SQL relation for pushdown.
 * See https://duckdb.org/docs/data/overview.
 */
export { cleanText, readArrow } from './arrow.js';
export { csvField, formatCsv } from './csv.js';
export { DuckDbSource, openDuckDbQuery, openSource, openTable, quoteIdent, quoteLiteral } from './duckdb.js';
export {
  type ContentKind,
  contentKind,
  type Dialect,
  formatFromPath,
  type PathFormat,
  parseRecords,
  sniffDelimiter,
  sniffHeader,
  uniqueNames,
} from './formats.js';
export { loadTable } from './load.js';
export { DEFAULT_MAX_BYTES, INPUT_FORMATS, type InputFormat, type LoadOptions } from './options.js';
export { openPostgres, redactUrl, tableParts } from './postgres.js';
