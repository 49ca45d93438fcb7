/**
 * @module models/adapters/rows
 * Rows as plain objects keyed by column name, for foreign models that take JSON (HTTP endpoints,
 * JavaScript functions), and checks on what such models return.
 */
import { AequaError } from '../../core/index.js';
import type { Table } from '../../data/index.js';

export type PlainRow = Record<string, string | number | boolean | null>;

/** Rows [start, end) of `table` as plain objects over `features`. */
export function plainRows(
  table: Table,
  features: readonly string[],
  start = 0,
  end = table.nrows,
): PlainRow[] {
  const cols = features.map((f) => [f, table.column(f)] as const);
  const out: PlainRow[] = [];
  for (let i = start; i < end; i++) {
    const row: PlainRow = {};
    for (const [name, col] of cols) {
      if (col.valid !== null && !col.valid.isValid(i)) row[name] = null;
      else if (col.kind === 'number') row[name] = col.values[i]!;
      else if (col.kind === 'boolean') row[name] = col.values[i] === 1;
      else row[name] = col.levels[col.codes[i]!] ?? null;
    }
    out.push(row);
  }
  return out;
}

/**
 * Checks what a foreign model returned for `n` rows: an array (or typed array) of n finite
 * numbers, each in [0, 1] when they are probabilities.
 * @throws {AEQ_MODEL_OUTPUT} naming the model, what came back and what was expected.
 */
export function checkScores(out: unknown, n: number, what: string, probabilities: boolean): Float64Array {
  const arr =
    out instanceof Float64Array || out instanceof Float32Array || Array.isArray(out)
      ? (out as ArrayLike<unknown>)
      : null;
  if (arr === null)
    throw new AequaError(
      'AEQ_MODEL_OUTPUT',
      `${what} returned ${describe(out)}, not an array of ${n} numbers.`,
      {
        hint: 'Return an array with one probability per row, in row order.',
      },
    );
  if (arr.length !== n)
    throw new AequaError('AEQ_MODEL_OUTPUT', `${what} returned ${arr.length} values for ${n} rows.`, {
      hint: 'Return exactly one value per row, in row order.',
    });
  const res = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = arr[i];
    if (typeof v !== 'number' || !Number.isFinite(v) || (probabilities && (v < 0 || v > 1)))
      throw new AequaError(
        'AEQ_MODEL_OUTPUT',
        `${what} returned ${JSON.stringify(v)} for row ${i}; expected ${probabilities ? 'a probability in [0, 1]' : 'a finite number'}.`,
        { hint: 'Check the model output; probabilities must be between 0 and 1.' },
      );
    res[i] = v;
  }
  return res;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object')
    return `an object with keys ${Object.keys(v as object)
      .slice(0, 5)
      .join(', ')}`;
  return `${typeof v} ${JSON.stringify(v)}`;
}
