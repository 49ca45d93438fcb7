/**
 * @module data/io/csv
 * Writes a Table as RFC 4180 CSV text (https://www.rfc-editor.org/rfc/rfc4180): a header row,
 * LF line ends, fields quoted only when they hold a delimiter, quote or line break, or have
 * blanks at either end (so that loading with trimming gives the same value back). Missing cells
 * are empty. Numbers are written with `String(x)`, which reads back to the same double.
 */
import { type Column, cellString } from '../column.js';
import type { Table } from '../table.js';

/** Quotes one CSV field when needed. */
export function csvField(value: string, delimiter = ','): string {
  const needs =
    value.includes(delimiter) ||
    value.includes('"') ||
    value.includes('\n') ||
    value.includes('\r') ||
    /^[ \t]|[ \t]$/.test(value);
  return needs ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * The CSV text of a table (header, then one line per row, each ending in LF).
 * @example formatCsv(fromArrays({ a: [1, null], b: ['x, y', 'z'] })) // 'a,b\n1,"x, y"\n,z\n'
 */
export function formatCsv(table: Table, opts: { readonly delimiter?: string } = {}): string {
  const d = opts.delimiter ?? ',';
  const cols: Column[] = table.names.map((n) => table.column(n));
  const lines: string[] = [table.names.map((n) => csvField(n, d)).join(d)];
  for (let i = 0; i < table.nrows; i++) {
    const cells: string[] = [];
    for (const c of cols) {
      const s = cellString(c, i);
      cells.push(s === null ? '' : csvField(s, d));
    }
    lines.push(cells.join(d));
  }
  return `${lines.join('\n')}\n`;
}
