/**
 * @module privacy/pii/table-scan
 * PII in the text columns of a Table: a per-column scan with hit rates (the share of non-missing cells
 * holding each entity), and a redaction of chosen columns with the same operators as free text.
 */
import { type Column, categoryColumn, cellString, type Table } from '../../data/index.js';
import type { PiiEntity } from './detectors.js';
import { type RedactOptions, redactText } from './redact.js';
import { type ScanOptions, scanText } from './scan.js';

/** The scan of one column. */
export interface ColumnPiiSummary {
  readonly column: string;
  /** Cells that are not missing. */
  readonly cells: number;
  /** Cells with at least one finding. */
  readonly cellsWithPii: number;
  /** cellsWithPii / cells (0 for an empty column). */
  readonly hitRate: number;
  /** Cells holding each entity (a cell counts once per entity). */
  readonly entities: Readonly<Partial<Record<PiiEntity, number>>>;
  /** The most frequent entity, or null. */
  readonly dominant: PiiEntity | null;
  /** Up to three example findings, masked, to show what was found. */
  readonly examples: readonly string[];
}

/** The scan of a table. */
export interface TablePiiScan {
  readonly rows: number;
  readonly columns: readonly ColumnPiiSummary[];
}

function cells(col: Column, nrows: number): (string | null)[] {
  const out: (string | null)[] = new Array(nrows);
  for (let i = 0; i < nrows; i++) out[i] = cellString(col, i);
  return out;
}

/**
 * Scans each column (all by default; number and boolean columns too, as text) for personal data.
 * Distinct values are scanned once.
 * @throws {AEQ_DATA_MISSING_COLUMN} a named column is not in the table
 * @example scanTable(t, { columns: ['notes'] }).columns[0].hitRate // 0.4
 */
export function scanTable(
  table: Table,
  opts: ScanOptions & { readonly columns?: readonly string[] } = {},
): TablePiiScan {
  const names = opts.columns ?? table.names;
  const out: ColumnPiiSummary[] = [];
  for (const name of names) {
    const col = table.column(name);
    const cache = new Map<string, Set<PiiEntity>>();
    const counts: Partial<Record<PiiEntity, number>> = {};
    const examples: string[] = [];
    let n = 0;
    let hit = 0;
    for (const s of cells(col, table.nrows)) {
      if (s === null) continue;
      n++;
      let ents = cache.get(s);
      if (ents === undefined) {
        const found = scanText(s, opts);
        ents = new Set(found.map((f) => f.entity));
        if (found.length > 0 && examples.length < 3)
          examples.push(redactText(s, { ...opts, operator: 'mask' }).text);
        cache.set(s, ents);
      }
      if (ents.size > 0) hit++;
      for (const e of ents) counts[e] = (counts[e] ?? 0) + 1;
    }
    let dominant: PiiEntity | null = null;
    for (const [e, c] of Object.entries(counts) as [PiiEntity, number][])
      if (dominant === null || c > (counts[dominant] ?? 0)) dominant = e;
    out.push({
      column: name,
      cells: n,
      cellsWithPii: hit,
      hitRate: n === 0 ? 0 : hit / n,
      entities: counts,
      dominant,
      examples,
    });
  }
  return { rows: table.nrows, columns: out };
}

/**
 * Redacts personal data in the named columns (a new table; those columns become text columns).
 * Placeholders are numbered per column, so equal values get equal placeholders within a column.
 * @throws {AEQ_DATA_MISSING_COLUMN} a named column is not in the table
 * @example redactTable(t, ['notes'], { operator: 'mask' }).column('notes') // category column
 */
export function redactTable(table: Table, columns: readonly string[], opts: RedactOptions = {}): Table {
  let out = table;
  for (const name of columns) {
    const col = table.column(name);
    const placeholders = new Map<string, string>();
    const cache = new Map<string, string>();
    const vals = cells(col, table.nrows).map((s) => {
      if (s === null) return null;
      let r = cache.get(s);
      if (r === undefined) {
        r = redactText(s, { ...opts, placeholders }).text;
        cache.set(s, r);
      }
      return r;
    });
    out = out.withColumn(name, categoryColumn(vals));
  }
  return out;
}
