/**
 * @module models/fit-data
 * The common first step of every built-in learner: choose the feature columns, read the sample
 * weights and the target, learn the preprocessor and encode the design matrix. Classification
 * targets follow the data layer's positive-value rule (data/labels.ts); regression targets must be
 * numbers. Rows with a missing target are an error (the learner never drops rows silently).
 */
import { AequaError, fsum, InvalidArgumentError, listSome } from '../core/index.js';
import {
  type Column,
  compareCodePoints,
  distinctValues,
  resolvePositive,
  type Table,
  toBinary,
} from '../data/index.js';
import type { FitOptions, Matrix, ModelTask } from './model.js';
import { fitPreprocessor, type PreprocessOptions, type Preprocessor } from './preprocess.js';

/** The encoded training data of a learner. */
export interface FitData {
  readonly task: ModelTask;
  readonly features: readonly string[];
  /** binary: [negative, positive]; multiclass: sorted class names; regression: []. */
  readonly classes: readonly string[];
  readonly target: string;
  readonly preprocessor: Preprocessor;
  readonly x: Matrix;
  /** 0/1 (binary), class code 0..k−1 (multiclass) or the value (regression). */
  readonly y: Float64Array;
  /** Sample weights, or all ones. */
  readonly weights: Float64Array;
  /** Σ weights (compensated). */
  readonly weightSum: number;
}

/** Options of {@link prepareFitData}. */
export interface PrepareFitOptions extends FitOptions {
  /** 'classification' picks binary or multiclass from the target; 'regression' needs numbers. */
  readonly kind: 'classification' | 'regression';
  /** Options of the feature encoding (standardisation, level limits). @default fitPreprocessor's defaults */
  readonly preprocess?: Omit<PreprocessOptions, 'weights'>;
}

/**
 * Selects features, weights and target from `table` and encodes them.
 * Features default to every column except the target and the weight column. A two-valued target is
 * binary with the positive value chosen by `opts.positive` or the data layer's rule; when that rule
 * finds no recognisable positive value the later value in code-point order is positive (the model
 * is symmetric; `classes` records the choice). More than two values without `positive` make a
 * multiclass target with classes in code-point order.
 * @throws {AEQ_DATA_MISSING_COLUMN} when the target, weight or a feature column is absent.
 * @throws {AEQ_DATA_MISSING_VALUES} when the target or weights have missing cells.
 * @throws {AEQ_DATA_TYPE} when a regression target or weight column is not numeric.
 * @throws {AEQ_DATA_EMPTY} when the table has no rows.
 * @example prepareFitData(fromArrays({ x: [1, 2], y: ['no', 'yes'] }), 'y', { kind: 'classification' }).classes // ['no', 'yes']
 */
export function prepareFitData(table: Table, target: string, opts: PrepareFitOptions): FitData {
  const n = table.nrows;
  const targetCol = table.column(target, 'target');
  if (n === 0)
    throw new AequaError('AEQ_DATA_EMPTY', `The training table${where(table)} has no rows.`, {
      hint: 'Check the file and any filters; a model needs at least one row.',
    });
  const weightName = typeof opts.sampleWeight === 'string' ? opts.sampleWeight : undefined;
  const weights = readWeights(table, opts.sampleWeight);
  const features = opts.features ?? table.names.filter((name) => name !== target && name !== weightName);
  if (features.includes(target))
    throw new InvalidArgumentError('fit', 'features', features, `a list without the target "${target}"`);
  if (targetCol.valid !== null && targetCol.valid.count() < n)
    throw new AequaError(
      'AEQ_DATA_MISSING_VALUES',
      `The target column "${target}"${where(table)} has ${n - targetCol.valid.count()} missing cells of ${n}.`,
      {
        hint: 'Drop the rows with a missing target before fitting.',
        details: { column: target, missing: n - targetCol.valid.count() },
      },
    );
  let task: ModelTask;
  let classes: string[];
  let y: Float64Array;
  if (opts.kind === 'regression') {
    if (targetCol.kind === 'category') throw typeError(target, 'a regression target', table);
    task = 'regression';
    classes = [];
    y = Float64Array.from(targetCol.values);
    for (let i = 0; i < n; i++)
      if (!Number.isFinite(y[i]!))
        throw new AequaError(
          'AEQ_DATA_NAN',
          `The target column "${target}" holds ${y[i]} at row ${i + 1}; targets must be finite.`,
          { hint: 'Clean the target column.', details: { column: target, row: i + 1 } },
        );
  } else {
    const values = distinctValues(targetCol);
    if (values.length < 2)
      throw new AequaError(
        'AEQ_DATA_CONSTANT_TARGET',
        `The target column "${target}"${where(table)} has a single value (${values.map((v) => JSON.stringify(v)).join(', ') || 'none'}), so there is nothing to learn.`,
        {
          hint: 'Check the label column and any filters; a classifier needs at least two classes.',
          details: { column: target },
        },
      );
    if (values.length <= 2 || opts.positive !== undefined) {
      task = 'binary';
      const pv = choosePositive(targetCol, values, target, opts.positive);
      y = Float64Array.from(toBinary(targetCol, pv.positive).values);
      classes = [pv.negative.join('|'), pv.positive.join('|')];
    } else {
      task = 'multiclass';
      classes = values;
      y = classCodes(targetCol, values);
    }
  }
  const empty = features.filter((f) => {
    const c = table.column(f, 'a feature');
    return c.valid !== null && c.valid.count() === 0;
  });
  if (empty.length > 0)
    throw new AequaError(
      'AEQ_DATA_MISSING_VALUES',
      `Feature column${empty.length > 1 ? 's' : ''} ${empty.map((f) => `"${f}"`).join(', ')}${where(table)} ${empty.length > 1 ? 'have' : 'has'} no values at all.`,
      {
        hint: `Leave ${empty.length > 1 ? 'them' : 'it'} out (--exclude ${empty.join(',')}), or check the missing-value markers (--na).`,
        details: { columns: empty },
      },
    );
  const preprocessor = fitPreprocessor(table, features, { ...opts.preprocess, weights });
  const x = preprocessor.transform(table);
  const weightSum = fsum(weights);
  if (!(weightSum > 0))
    throw new InvalidArgumentError(
      'fit',
      'sampleWeight',
      'weights summing to 0',
      'weights with a positive sum',
    );
  return { task, features, classes, target, preprocessor, x, y, weights, weightSum };
}

function choosePositive(
  col: Column,
  values: readonly string[],
  name: string,
  positive: readonly string[] | undefined,
): { positive: readonly string[]; negative: readonly string[] } {
  if (positive !== undefined) return resolvePositive(col, { positive, name, role: 'label' });
  try {
    return resolvePositive(col, { name, role: 'label' });
  } catch (e) {
    if (values.length === 2 && (e as { code?: string }).code === 'AEQ_DATA_AMBIGUOUS_POSITIVE') {
      const [a, b] = [...values].sort(compareCodePoints) as [string, string];
      return { positive: [b], negative: [a] };
    }
    throw e;
  }
}

function classCodes(col: Column, classes: readonly string[]): Float64Array {
  const n = col.kind === 'category' ? col.codes.length : col.values.length;
  const index = new Map<string, number>();
  for (let k = 0; k < classes.length; k++) index.set(classes[k]!, k);
  const y = new Float64Array(n);
  if (col.kind === 'category') {
    const map = col.levels.map((l) => index.get(l) ?? -1);
    for (let i = 0; i < n; i++) y[i] = map[col.codes[i]!]!;
  } else if (col.kind === 'number') {
    for (let i = 0; i < n; i++) y[i] = index.get(String(col.values[i])) ?? -1;
  } else {
    for (let i = 0; i < n; i++) y[i] = index.get(col.values[i] ? 'true' : 'false') ?? -1;
  }
  return y;
}

function readWeights(table: Table, w: string | Float64Array | undefined): Float64Array {
  const n = table.nrows;
  let out: Float64Array;
  let name = 'sampleWeight';
  if (w === undefined) return new Float64Array(n).fill(1);
  if (typeof w === 'string') {
    name = w;
    const col = table.column(w, 'weight');
    if (col.kind !== 'number') throw typeError(w, 'a weight column', table);
    if (col.valid !== null && col.valid.count() < n)
      throw new AequaError(
        'AEQ_DATA_MISSING_VALUES',
        `The weight column "${w}"${where(table)} has ${n - col.valid.count()} missing cells.`,
        { hint: 'Fill the missing weights (or drop those rows) before fitting.', details: { column: w } },
      );
    out = col.values;
  } else {
    if (w.length !== n)
      throw new InvalidArgumentError(
        'fit',
        'sampleWeight',
        `length ${w.length}`,
        `one weight per row (${n})`,
      );
    out = w;
  }
  for (let i = 0; i < n; i++) {
    const v = out[i]!;
    if (!(v >= 0) || !Number.isFinite(v))
      throw new InvalidArgumentError('fit', name, v, `finite weights ≥ 0 (row ${i + 1})`);
  }
  return out;
}

function typeError(name: string, role: string, table: Table): AequaError {
  const col = table.column(name);
  return new AequaError(
    'AEQ_DATA_TYPE',
    `Column "${name}"${where(table)} is ${col.kind}, but ${role} must be numeric.`,
    {
      hint: `Choose a numeric column, or fix the cells of "${name}" so that it loads as numbers.`,
      details: {
        column: name,
        kind: col.kind,
        levels: col.kind === 'category' ? listSome(col.levels) : undefined,
      },
    },
  );
}

function where(table: Table): string {
  return table.source === undefined ? '' : ` of ${table.source}`;
}
