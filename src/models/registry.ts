/**
 * @module models/registry
 * Built-in learners by name, for the CLI (`aequa train --learner logistic --params C=0.5`), with
 * `k=v` parameters parsed into the learner's options.
 */
import { AequaError, closest } from '../core/index.js';
import { gradientBoosting } from './learners/gbdt.js';
import { ridgeRegression } from './learners/linear.js';
import { logisticRegression } from './learners/logistic.js';
import { mlp } from './learners/mlp.js';
import { decisionTree } from './learners/tree.js';
import type { Learner } from './model.js';

type Params = Record<string, string | number | boolean | number[]>;

export const LEARNERS: Readonly<Record<string, { summary: string; make: (p: Params) => Learner }>> = {
  logistic: {
    summary: 'logistic regression (L1/L2/elastic-net), fitted to the optimum',
    make: (p) => logisticRegression(p as never),
  },
  linear: { summary: 'ridge (linear) regression, closed form', make: (p) => ridgeRegression(p as never) },
  mlp: {
    summary: 'multilayer perceptron trained with AdamW and early stopping',
    make: (p) => mlp(p as never),
  },
  tree: { summary: 'CART decision tree, printable as rules', make: (p) => decisionTree(p as never) },
  gbdt: { summary: 'gradient-boosted trees (histogram splits)', make: (p) => gradientBoosting(p as never) },
};

/**
 * Parses `k=v` strings: numbers, booleans, comma-separated number lists (`hidden=32,16`), or text.
 * @example parseParams(['C=0.5', 'hidden=32,16', 'penalty=l1']) // { C: 0.5, hidden: [32, 16], penalty: 'l1' }
 */
export function parseParams(items: readonly string[]): Params {
  const out: Params = {};
  for (const it of items) {
    const eq = it.indexOf('=');
    if (eq <= 0)
      throw new AequaError(
        'AEQ_INVALID_ARGUMENT',
        `A learner parameter must be written key=value; got "${it}".`,
        {
          hint: 'For example --params C=0.5 --params penalty=l1.',
        },
      );
    const k = it.slice(0, eq).trim();
    const v = it.slice(eq + 1).trim();
    if (v === 'true' || v === 'false') out[k] = v === 'true';
    else if (v !== '' && Number.isFinite(Number(v))) out[k] = Number(v);
    else if (v.includes(',') && v.split(',').every((x) => x.trim() !== '' && Number.isFinite(Number(x))))
      out[k] = v.split(',').map(Number);
    else out[k] = v;
  }
  return out;
}

/**
 * A learner by name.
 * @throws {AEQ_INVALID_ARGUMENT} for an unknown name (with the closest one) or bad parameters.
 */
export function learnerByName(name: string, params: Params = {}): Learner {
  const entry = LEARNERS[name];
  if (!entry) {
    const near = closest(name, Object.keys(LEARNERS));
    throw new AequaError(
      'AEQ_INVALID_ARGUMENT',
      `Unknown learner "${name}".${near ? ` Did you mean "${near}"?` : ''} Learners: ${Object.keys(LEARNERS).join(', ')}.`,
      {
        hint: 'Pass --learner logistic|linear|mlp|tree|gbdt.',
      },
    );
  }
  return entry.make(params);
}
