/**
 * @module data/io/arrow
 * Arrow IPC files (`.arrow`, `.feather` v2, `.ipc`; file or stream format) read with flechette
 * (https://github.com/uwdata/flechette) straight into a Table. DuckDB's arrow extension cannot be
 * installed here, so DuckDB never parses these files; `openSource` registers the Table in DuckDB
 * instead. Text columns get the same trim / NA / inference rules as CSV (`data/schema.ts`).
 */
// flechette: a small, dependency-free Arrow IPC decoder; apache-arrow was rejected as ~10x larger.

import { readFile } from 'node:fs/promises';
import { Type, tableFromIPC } from '@uwdata/flechette';
import { type Column, type ColumnKind, Validity } from '../column.js';
import { checkOverrides, columnFromStrings, inferKind, nanError, trimText, typeError } from '../schema.js';
import { createTable, type Table } from '../table.js';
import { formatError } from './formats.js';
import type { LoadOptions } from './options.js';

/** Text cleaning of the loaders: trim (optional), then empty and NA markers become missing. */
export function cleanText(value: string, trim: boolean, na: ReadonlySet<string>): string | null {
  const v = trim ? trimText(value) : value;
  return v === '' || na.has(v) ? null : v;
}

type ArrowColumn = ReturnType<ReturnType<typeof tableFromIPC>['getChildAt']>;

/**
 * Reads an Arrow IPC file into a Table. Numeric Arrow types become number columns (NaN or
 * infinite values are AEQ_DATA_NAN), booleans boolean columns, everything else text.
 * @throws {AEQ_IO_FORMAT} when flechette cannot decode the file.
 * @throws {AEQ_DATA_NAN} for a NaN or infinite value in a number column.
 * @example (await readArrow('x.arrow')).names // ['a', 'b']
 */
export async function readArrow(path: string, opts: LoadOptions = {}): Promise<Table> {
  const bytes = await readFile(path);
  let at: ReturnType<typeof tableFromIPC>;
  try {
    at = tableFromIPC(bytes);
  } catch (e) {
    throw formatError(
      path,
      'arrow',
      `the Arrow decoder failed (${e instanceof Error ? e.message : String(e)})`,
      e,
    );
  }
  const trim = opts.trim ?? true;
  const na = new Set(opts.na ?? []);
  const names = at.names.map(String);
  checkOverrides(opts.schema ?? {}, names, path);
  const nrows = opts.limit === undefined ? at.numRows : Math.min(at.numRows, opts.limit);
  const cols = new Map<string, Column>();
  for (let j = 0; j < names.length; j++) {
    const name = names[j]!;
    const child = at.getChildAt(j);
    const override = opts.schema?.[name];
    cols.set(name, arrowColumn(child, nrows, { name, source: path }, override, trim, na));
  }
  return createTable(cols, path);
}

function typeIdOf(col: ArrowColumn): number {
  const t = col.type as { typeId: number; dictionary?: { typeId: number } };
  return t.typeId === Type.Dictionary && t.dictionary !== undefined ? t.dictionary.typeId : t.typeId;
}

function arrowColumn(
  col: ArrowColumn,
  n: number,
  ctx: { name: string; source: string },
  override: ColumnKind | undefined,
  trim: boolean,
  na: ReadonlySet<string>,
): Column {
  const typeId = typeIdOf(col);
  const numeric = typeId === Type.Int || typeId === Type.Float || typeId === Type.Decimal;
  const bool = typeId === Type.Bool;
  const raw = col.toArray() as ArrayLike<unknown>;
  if (numeric && (override === undefined || override === 'number')) {
    const values = new Float64Array(n);
    let valid: Validity | null = null;
    for (let i = 0; i < n; i++) {
      const v = raw[i];
      if (v === null || v === undefined) {
        valid ??= new Validity(n);
        valid.setValid(i, false);
        continue;
      }
      const x = Number(v);
      if (!Number.isFinite(x)) throw nanError(ctx, i + 1, x);
      values[i] = x;
    }
    return { kind: 'number', values, valid };
  }
  if (bool && (override === undefined || override === 'boolean')) {
    const values = new Uint8Array(n);
    let valid: Validity | null = null;
    for (let i = 0; i < n; i++) {
      const v = raw[i];
      if (v === null || v === undefined) {
        valid ??= new Validity(n);
        valid.setValid(i, false);
      } else values[i] = v ? 1 : 0;
    }
    return { kind: 'boolean', values, valid };
  }
  const text = new Array<string | null>(n);
  for (let i = 0; i < n; i++) {
    const v = raw[i];
    text[i] = v === null || v === undefined ? null : cleanText(textOf(v), trim, na);
  }
  const kind = override ?? (numeric ? 'number' : bool ? 'boolean' : inferKind(text));
  if (kind === 'boolean' && numeric) {
    for (let i = 0; i < n; i++) {
      const v = text[i];
      if (v !== null && v !== undefined && v !== '0' && v !== '1') throw typeError(ctx, i + 1, v, 'boolean');
    }
  }
  return columnFromStrings(text, kind, ctx);
}

function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? Number(x) : x));
  return String(v);
}
