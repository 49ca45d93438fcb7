/**
 * @module explain/toy-models.fixture
 * Small hand-written models for the explainer tests: a `Model` from a plain function of numeric
 * columns, so expected Shapley values can be worked out by hand.
 */
import { isValidAt, type Table } from '../data/index.js';
import type { Model, ModelTask } from '../models/index.js';

/** A model that applies `f` to each row's numeric features (booleans as 0/1, missing as NaN). */
export function toyModel(
  features: readonly string[],
  f: (x: Float64Array) => number,
  task: ModelTask = 'regression',
): Model & { calls: number; rowsScored: number } {
  const m = {
    task,
    features,
    classes: task === 'binary' ? ['no', 'yes'] : [],
    calls: 0,
    rowsScored: 0,
    async predictProba(rows: Table): Promise<Float64Array> {
      m.calls++;
      m.rowsScored += rows.nrows;
      const cols = features.map((n) => rows.column(n));
      const x = new Float64Array(features.length);
      const out = new Float64Array(rows.nrows);
      for (let i = 0; i < rows.nrows; i++) {
        cols.forEach((c, j) => {
          x[j] = !isValidAt(c, i) ? Number.NaN : c.kind === 'category' ? c.codes[i]! : c.values[i]!;
        });
        out[i] = f(x);
      }
      return out;
    },
  };
  return m;
}

/** Logistic sigmoid. */
export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
