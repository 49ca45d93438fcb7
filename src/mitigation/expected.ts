/**
 * @module mitigation/expected
 * Evaluating a randomized classifier by its expected confusion counts: each row is split into a
 * "predicted 1" copy with weight p and a "predicted 0" copy with weight 1 − p, so any weighted audit
 * gives the expected rates exactly (no sampling noise), which is how Hardt et al. 2016 and
 * Agarwal et al. 2018 state the guarantees of randomized classifiers.
 */
import { InvalidArgumentError } from '../core/index.js';
import type { Table } from '../data/index.js';
import { checkLength } from './groups.js';

/**
 * The table twice: first with `prediction` = 1 and `weight` = p, then with `prediction` = 0 and
 * `weight` = 1 − p (times the original weight column, if given). Columns are shared, not copied.
 * @throws {AEQ_INVALID_ARGUMENT} for probabilities outside [0, 1] or a length that differs.
 * @example expectedOutcomes(fromArrays({ y: [1] }), Float64Array.of(0.25)).column('weight') // values [0.25, 0.75]
 */
export function expectedOutcomes(
  table: Table,
  proba: Float64Array,
  opts: { readonly prediction?: string; readonly weight?: string; readonly baseWeight?: string } = {},
): Table {
  const n = table.nrows;
  checkLength('expectedOutcomes', 'proba', proba.length, n);
  const predName = opts.prediction ?? 'prediction';
  const weightName = opts.weight ?? 'weight';
  const base = opts.baseWeight === undefined ? null : table.column(opts.baseWeight, 'weight');
  if (base !== null && base.kind !== 'number')
    throw new InvalidArgumentError('expectedOutcomes', 'baseWeight', base.kind, 'a number column');
  const rows = new Uint32Array(2 * n);
  const pred = new Float64Array(2 * n);
  const w = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const p = proba[i]!;
    if (!(p >= 0 && p <= 1))
      throw new InvalidArgumentError('expectedOutcomes', `proba[${i}]`, p, 'a probability in [0, 1]');
    const bw = base === null ? 1 : (base.values as Float64Array)[i]!;
    rows[i] = i;
    rows[n + i] = i;
    pred[i] = 1;
    w[i] = p * bw;
    w[n + i] = (1 - p) * bw;
  }
  return table
    .take(rows)
    .withColumn(predName, { kind: 'number', values: pred, valid: null })
    .withColumn(weightName, { kind: 'number', values: w, valid: null });
}
