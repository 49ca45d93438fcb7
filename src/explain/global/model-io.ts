/**
 * @module explain/global/model-io
 * Small shared pieces of the model-agnostic explainers: checking that a table has the model's
 * features, reading a target as numbers in the model's own coding, constant columns for
 * what-if tables, and turning model outputs into predicted classes. No paper; plumbing.
 */
import { AequaError, InvalidArgumentError, listSome } from '../../core/index.js';
import { type Column, cellString, isValidAt, type Table } from '../../data/index.js';
import type { Model } from '../../models/index.js';

/**
 * Throws AEQ_MODEL_FEATURES when `table` lacks columns the model reads.
 * @throws {AEQ_MODEL_FEATURES}
 */
export function checkFeatures(fn: string, model: Model, table: Table): void {
  const missing = model.features.filter((f) => !table.has(f));
  if (missing.length > 0) {
    const extra = table.names.filter((n) => !model.features.includes(n));
    throw new AequaError(
      'AEQ_MODEL_FEATURES',
      `${fn}: the data lacks ${missing.length} model feature(s): ${listSome(missing)}. Columns present but unused: ${listSome(extra)}.`,
      { hint: 'Rename or add the missing columns.', details: { missing, extra } },
    );
  }
}

/** Number of outputs per row of `predictProba` (1 for binary and regression, k for multiclass). */
export function outputWidth(model: Model): number {
  return model.task === 'multiclass' ? model.classes.length : 1;
}

/**
 * The target in the model's coding: binary 0/1 (1 = `model.classes[1]`), multiclass the index in
 * `model.classes`, regression the value. A column is matched by its cell strings.
 * @throws {AEQ_DATA_MISSING_VALUES} when a target cell is missing.
 * @throws {AEQ_INVALID_ARGUMENT} for a value that is not one of the model's classes, or a wrong length.
 */
export function targetValues(
  fn: string,
  model: Model,
  table: Table,
  target: string | ArrayLike<number>,
): Float64Array {
  const n = table.nrows;
  if (typeof target !== 'string') {
    if (target.length !== n)
      throw new InvalidArgumentError(fn, 'target', `length ${target.length}`, `one value per row (${n})`);
    return Float64Array.from(target);
  }
  const col = table.column(target, 'target');
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!isValidAt(col, i))
      throw new AequaError(
        'AEQ_DATA_MISSING_VALUES',
        `${fn}: the target column "${target}" has a missing cell at row ${i}.`,
        { hint: 'Drop rows with a missing target before explaining.', details: { column: target, row: i } },
      );
    if (model.task === 'regression') {
      if (col.kind !== 'number')
        throw new InvalidArgumentError(fn, 'target', target, 'a numeric column for a regression model');
      out[i] = col.values[i]!;
      continue;
    }
    const s = cellString(col, i)!;
    const k = model.classes.indexOf(s);
    if (k < 0)
      throw new InvalidArgumentError(
        fn,
        'target',
        s,
        `one of the model's classes (${listSome(model.classes)}) in column "${target}", row ${i}`,
      );
    out[i] = k;
  }
  return out;
}

/** A column of `n` copies of `value` shaped like `like` (same kind, same levels). */
export function constantColumn(like: Column, n: number, value: number): Column {
  switch (like.kind) {
    case 'number':
      return { kind: 'number', values: new Float64Array(n).fill(value), valid: null };
    case 'category':
      return { kind: 'category', codes: new Int32Array(n).fill(value), levels: like.levels, valid: null };
    case 'boolean':
      return { kind: 'boolean', values: new Uint8Array(n).fill(value), valid: null };
  }
}

/** Predicted class per row: binary p ≥ threshold, multiclass argmax; regression keeps the value. */
export function predictedClass(model: Model, out: Float64Array, threshold = 0.5): Float64Array {
  const k = outputWidth(model);
  const n = out.length / k;
  const res = new Float64Array(n);
  if (model.task === 'regression') return Float64Array.from(out);
  if (model.task === 'binary') {
    for (let i = 0; i < n; i++) res[i] = out[i]! >= threshold ? 1 : 0;
    return res;
  }
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (out[i * k + c]! > out[i * k + best]!) best = c;
    res[i] = best;
  }
  return res;
}

/** Calls `predictProba` and checks the output length. @throws {AEQ_MODEL_OUTPUT} */
export async function predict(model: Model, table: Table, signal?: AbortSignal): Promise<Float64Array> {
  const out = await model.predictProba(table, signal === undefined ? {} : { signal });
  const want = table.nrows * outputWidth(model);
  if (out.length !== want)
    throw new AequaError(
      'AEQ_MODEL_OUTPUT',
      `The model returned ${out.length} numbers for ${table.nrows} rows; expected ${want}.`,
      { hint: 'Make predictProba return one number per row (k per row for multiclass).' },
    );
  return out;
}
