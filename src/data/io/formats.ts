/**
 * @module data/io/formats
 * Which format a file is in (extension, then magic bytes), and the dialect of delimited text:
 * delimiter, header and column names. We sniff the dialect ourselves and give DuckDB explicit
 * options (`auto_detect=false`) because DuckDB's sniffer silently drops ragged rows and does not
 * consider a space delimiter (german.data); see https://duckdb.org/docs/data/csv/overview.
 */
import { open, stat } from 'node:fs/promises';
import { gunzipSync, constants as zlibConstants } from 'node:zlib';
import { AequaError, InvalidArgumentError, warn } from '../../core/index.js';
import { isNumberText, trimText } from '../schema.js';
import type { InputFormat, LoadOptions } from './options.js';

/** The format a path names by its extension, and whether it is gzip-compressed. */
export interface PathFormat {
  readonly format: InputFormat;
  readonly gzip: boolean;
  /** True when the extension did not name a format and delimited text is assumed. */
  readonly guessed: boolean;
}

const EXTENSIONS: Readonly<Record<string, InputFormat>> = {
  csv: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  parquet: 'parquet',
  pq: 'parquet',
  json: 'json',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  arrow: 'arrow',
  feather: 'arrow',
  ipc: 'arrow',
  arrows: 'arrow',
};

/**
 * The format of a file from its name. `.gz` is looked through (`x.csv.gz` is gzip-compressed CSV).
 * Any other extension (`.txt`, `.data`, `.test`, none) is read as delimited text with the
 * delimiter sniffed, which is how the UCI files come.
 * @example formatFromPath('adult.csv.gz') // { format: 'csv', gzip: true, guessed: false }
 */
export function formatFromPath(path: string): PathFormat {
  let name = path.toLowerCase();
  const gzip = name.endsWith('.gz');
  if (gzip) name = name.slice(0, -3);
  const dot = name.lastIndexOf('.');
  const slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
  const ext = dot > slash ? name.slice(dot + 1) : '';
  const format = EXTENSIONS[ext];
  return format === undefined ? { format: 'csv', gzip, guessed: true } : { format, gzip, guessed: false };
}

/** What the first bytes of a file look like. */
export type ContentKind = 'parquet' | 'arrow' | 'gzip' | 'zip' | 'binary' | 'text';

/**
 * Classifies the first bytes of a file by magic number: Parquet `PAR1`, Arrow IPC `ARROW1` or
 * a stream's 0xFFFFFFFF continuation marker, gzip 1F 8B, zip `PK`; otherwise text unless a NUL
 * byte or invalid UTF-8 occurs in the sample.
 * @example contentKind(new TextEncoder().encode('a,b\n1,2\n')) // 'text'
 */
export function contentKind(head: Uint8Array): ContentKind {
  const at = (i: number) => head[i] ?? -1;
  if (at(0) === 0x50 && at(1) === 0x41 && at(2) === 0x52 && at(3) === 0x31) return 'parquet';
  if (startsWith(head, 'ARROW1')) return 'arrow';
  if (at(0) === 0xff && at(1) === 0xff && at(2) === 0xff && at(3) === 0xff) return 'arrow';
  if (at(0) === 0x1f && at(1) === 0x8b) return 'gzip';
  if (at(0) === 0x50 && at(1) === 0x4b && at(2) === 0x03 && at(3) === 0x04) return 'zip';
  if (head.includes(0)) return 'binary';
  // The sample may end inside a multi-byte character: ignore up to 3 trailing bytes.
  const cut = Math.max(0, head.length - 3);
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, cut));
  } catch {
    return 'binary';
  }
  return 'text';
}

function startsWith(bytes: Uint8Array, ascii: string): boolean {
  for (let i = 0; i < ascii.length; i++) if (bytes[i] !== ascii.charCodeAt(i)) return false;
  return true;
}

const FORMAT_NAMES: Readonly<Record<InputFormat, string>> = {
  csv: 'CSV',
  tsv: 'TSV',
  parquet: 'Parquet',
  json: 'JSON',
  jsonl: 'JSON Lines',
  arrow: 'Arrow IPC',
};

const CONTENT_NAMES: Readonly<Record<ContentKind, string>> = {
  parquet: 'a Parquet file',
  arrow: 'an Arrow IPC file',
  gzip: 'gzip-compressed data',
  zip: 'a zip archive',
  binary: 'binary data',
  text: 'text',
};

/** AEQ_IO_FORMAT: the file is not what its extension or --input-format says. */
export function formatError(path: string, format: InputFormat, found: string, cause?: unknown): AequaError {
  return new AequaError(
    'AEQ_IO_FORMAT',
    `"${path}" could not be read as ${FORMAT_NAMES[format]}: ${found}.`,
    {
      hint: 'Check that the file is what its extension says, or pass --input-format csv|tsv|parquet|json|jsonl|arrow.',
      ...(cause === undefined ? {} : { cause }),
      details: { path, format },
    },
  );
}

/** Size of the sample read from the start of a file for sniffing. */
const HEAD_BYTES = 1 << 20;

/** The first bytes of a file (decompressed when `gzip`) and the file's size. */
export interface FileHead {
  readonly size: number;
  /** The raw first bytes (before decompression). */
  readonly raw: Uint8Array;
  /** The first bytes of the content (decompressed when gzip). */
  readonly bytes: Uint8Array;
  /** True when `bytes` is the whole content. */
  readonly complete: boolean;
}

/**
 * Reads the head of a file for sniffing. Throws AEQ_IO_FILE_NOT_FOUND when the path does not
 * exist or is not a readable file.
 */
export async function readHead(path: string, gzip: boolean): Promise<FileHead> {
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new Error('not a regular file');
    size = s.size;
  } catch (e) {
    throw new AequaError('AEQ_IO_FILE_NOT_FOUND', `Cannot read "${path}": ${reason(e)}.`, {
      hint: 'Check the path (relative paths are resolved from the current directory) and the permissions.',
      cause: e,
      details: { path },
    });
  }
  const fh = await open(path, 'r');
  try {
    const buf = new Uint8Array(Math.min(size, HEAD_BYTES));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const raw = buf.subarray(0, bytesRead);
    if (!gzip || contentKind(raw) !== 'gzip') return { size, raw, bytes: raw, complete: bytesRead === size };
    const bytes = new Uint8Array(gunzipSync(raw, { finishFlush: zlibConstants.Z_SYNC_FLUSH }));
    return { size, raw, bytes, complete: bytesRead === size };
  } finally {
    await fh.close();
  }
}

function reason(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  return e instanceof Error ? e.message : String(e);
}

/**
 * Checks that the content matches the expected format by its magic bytes.
 * @throws {AEQ_IO_FORMAT} when it does not (for example text named `.parquet`).
 */
export function checkContent(path: string, format: InputFormat, gzip: boolean, head: FileHead): void {
  if (gzip && contentKind(head.raw) !== 'gzip')
    throw formatError(path, format, 'the name ends in .gz but the file is not gzip-compressed');
  const kind = contentKind(head.bytes);
  switch (format) {
    case 'parquet':
      if (kind !== 'parquet')
        throw formatError(
          path,
          format,
          `it has no Parquet magic bytes ("PAR1") and looks like ${CONTENT_NAMES[kind]}`,
        );
      return;
    case 'arrow':
      if (kind !== 'arrow')
        throw formatError(
          path,
          format,
          `it has no Arrow IPC magic bytes ("ARROW1") and looks like ${CONTENT_NAMES[kind]}`,
        );
      return;
    default: {
      if (kind !== 'text') throw formatError(path, format, `it looks like ${CONTENT_NAMES[kind]}, not text`);
      if (format === 'json' || format === 'jsonl') {
        const text = new TextDecoder()
          .decode(head.bytes.subarray(0, 4096))
          .replace(/^\uFEFF/, '')
          .trimStart();
        const first = text[0];
        const ok = format === 'json' ? first === '[' || first === '{' : first === '{';
        if (!ok) {
          const want = format === 'json' ? 'an array "[" or object "{"' : 'one object "{" per line';
          throw formatError(path, format, `it starts with ${JSON.stringify(text.slice(0, 20))}, not ${want}`);
        }
      }
    }
  }
}

/** The dialect of a delimited text file, as passed to DuckDB's `read_csv`. */
export interface Dialect {
  readonly delimiter: string;
  readonly header: boolean;
  /** Final column names (trimmed, de-duplicated). */
  readonly names: readonly string[];
}

const DELIMITERS = [',', '\t', ';', '|'] as const;
const SAMPLE_RECORDS = 100;

/**
 * Parses up to `max` records of delimited text (RFC 4180 quoting with `"`; CRLF or LF). Blank
 * lines are skipped. When `complete` is false the last record may be cut and is dropped.
 */
export function parseRecords(text: string, delimiter: string, max: number, complete = true): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const n = text.length;
  const endRecord = () => {
    row.push(field);
    field = '';
    if (!(row.length === 1 && row[0] === '')) out.push(row);
    row = [];
  };
  while (i < n && out.length < max) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field.length === 0) quoted = true;
    else if (ch === delimiter) {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
    } else field += ch;
    i++;
  }
  if (out.length < max && complete && (field !== '' || row.length > 0)) endRecord();
  return out;
}

/** Lines of `text` after skipping `skip` lines (line ends: LF or CRLF). */
function afterSkip(text: string, skip: number): string {
  let pos = 0;
  for (let k = 0; k < skip && pos < text.length; k++) {
    const nl = text.indexOf('\n', pos);
    pos = nl === -1 ? text.length : nl + 1;
  }
  return text.slice(pos);
}

/** Field counts of the sampled records, as a set. */
function fieldCounts(records: readonly (readonly string[])[]): Set<number> {
  return new Set(records.map((r) => r.length));
}

/**
 * Chooses the delimiter: the candidate (`,` tab `;` `|`) that splits every sampled record into
 * the same number (> 1) of fields, the most fields winning; failing that a space when it does
 * (trailing blanks ignored); failing that a comma (a one-column file).
 * @example sniffDelimiter('a;b\n1;2\n') // ';'
 */
export function sniffDelimiter(text: string, complete = true): string {
  let best: string | undefined;
  let bestCount = 1;
  for (const d of DELIMITERS) {
    const recs = parseRecords(text, d, SAMPLE_RECORDS, complete);
    const counts = fieldCounts(recs);
    const count = recs[0]?.length ?? 0;
    if (counts.size === 1 && count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  if (best !== undefined) return best;
  const lines = text.split(/\r?\n/).map((l) => l.replace(/[ \t]+$/, ''));
  if (!complete) lines.pop();
  const sample = lines.filter((l) => l !== '').slice(0, SAMPLE_RECORDS);
  const spaces = new Set(sample.map((l) => l.split(' ').length));
  if (sample.length > 0 && spaces.size === 1 && [...spaces][0]! > 1) return ' ';
  return ',';
}

/**
 * Whether the first record is a header: every field is non-empty and not a number, and either
 * some column holds numbers below it, or (an all-text file) its values are distinct. This is the
 * same rule DuckDB's sniffer uses; pass `header` explicitly when it guesses wrong.
 * @example sniffHeader([['age', 'sex'], ['39', 'Male']]) // true
 */
export function sniffHeader(records: readonly (readonly string[])[]): boolean {
  const first = records[0];
  if (first === undefined) return false;
  const cells = first.map(trimText);
  if (cells.some((c) => c === '' || isNumberText(c))) return false;
  const body = records.slice(1);
  for (let j = 0; j < cells.length; j++) {
    if (body.some((r) => r[j] !== undefined && isNumberText(r[j]!))) return true;
  }
  return new Set(cells).size === cells.length;
}

/**
 * Column names made unique: the first copy keeps its name, later copies get `_1`, `_2`, …
 * (the names DuckDB gives; comparison ignores case, as DuckDB identifiers do). Empty names
 * become `column1`, `column2`, … by position. Emits AEQ_W_DUPLICATE_COLUMN for each rename.
 * @example uniqueNames(['id', 'score', 'score'], 'x.csv') // ['id', 'score', 'score_1'] (and a warning)
 */
export function uniqueNames(names: readonly string[], source: string): string[] {
  const used = new Set<string>();
  const out: string[] = [];
  for (let i = 0; i < names.length; i++) {
    const base = names[i] === '' ? `column${i + 1}` : names[i]!;
    let name = base;
    for (let k = 1; used.has(name.toLowerCase()); k++) name = `${base}_${k}`;
    if (name !== base) {
      warn(
        'AEQ_W_DUPLICATE_COLUMN',
        `The header of ${source} repeats the column name "${base}"; column ${i + 1} was renamed "${name}".`,
        { column: base, renamed: name, position: i + 1 },
      );
    }
    used.add(name.toLowerCase());
    out.push(name);
  }
  return out;
}

/**
 * Works out the dialect of a delimited text file from its head and the options.
 * @throws {AEQ_INVALID_ARGUMENT} when `columns` has a different length than the file's records.
 */
export function sniffDialect(
  path: string,
  format: 'csv' | 'tsv',
  head: FileHead,
  opts: LoadOptions,
): Dialect {
  const text = afterSkip(new TextDecoder().decode(head.bytes).replace(/^\uFEFF/, ''), opts.skip ?? 0);
  const delimiter = opts.delimiter ?? (format === 'tsv' ? '\t' : sniffDelimiter(text, head.complete));
  const records = parseRecords(text, delimiter, SAMPLE_RECORDS, head.complete);
  const header = opts.header ?? (opts.columns !== undefined ? false : sniffHeader(records));
  const width = records[0]?.length ?? 0;
  const trim = opts.trim ?? true;
  let names: readonly string[];
  if (opts.columns !== undefined) {
    if (width > 0 && opts.columns.length !== width) {
      throw new InvalidArgumentError(
        'loadTable',
        'columns',
        [...opts.columns],
        `${width} names, one per field of ${path} (got ${opts.columns.length})`,
        'Give one name per column, in file order.',
      );
    }
    names = opts.columns;
  } else if (header) {
    names = records[0]!.map((n) => (trim ? trimText(n) : n));
  } else {
    names = Array.from({ length: width }, (_, j) => `column${j + 1}`);
  }
  return { delimiter, header, names: uniqueNames(names, path) };
}
