/**
 * @module explain/global/surrogate
 * A global surrogate: a shallow decision tree trained to mimic any model's predictions, with its
 * fidelity (how often it agrees with the model on held-out rows) reported, and printed as rules
 * (Craven & Shavlik 1996, "Extracting tree-structured representations of trained networks";
 * Molnar, "Interpretable Machine Learning", §9.2, https://christophm.github.io/interpretable-ml-book/global.html).
 */
import { InvalidArgumentError, seededRng } from '../../core/index.js';
import { categoryColumn, type Table } from '../../data/index.js';
import { decisionTree, type Model, type TreeModel, trainTestSplit } from '../../models/index.js';
import { checkFeatures, predict, predictedClass } from './model-io.js';

const TARGET = '__surrogate_target__';

/** Options of {@link globalSurrogate}. */
export interface GlobalSurrogateOptions {
  /** Depth of the surrogate tree: deeper is more faithful and harder to read. @default 3 */
  readonly maxDepth?: number;
  /** Minimum rows per leaf. @default 1 */
  readonly minSamplesLeaf?: number;
  /** Share (0 < s < 1) or count of rows held out to measure fidelity. @default 0.25 */
  readonly testSize?: number;
  /** Decision threshold on P(positive) for a binary model. @default 0.5 */
  readonly threshold?: number;
  /** @default 0 */
  readonly seed?: number;
  readonly signal?: AbortSignal;
}

/** Result of {@link globalSurrogate}. */
export interface GlobalSurrogate {
  readonly kind: 'globalSurrogate';
  /** The fitted tree (a Model itself: it can be saved, audited and explained). */
  readonly tree: TreeModel;
  /** 'accuracy' (share of rows where tree and model predict the same class) or 'r2' (regression). */
  readonly fidelityMetric: 'accuracy' | 'r2';
  /** Fidelity on the held-out rows. */
  readonly fidelity: number;
  /** Fidelity on the rows the tree was fitted to. */
  readonly trainFidelity: number;
  readonly nTrain: number;
  readonly nTest: number;
  /** The tree as indented if/else rules over the raw features. */
  readonly rules: string;
}

/**
 * Fits a CART tree (`decisionTree` from the models layer) to the model's own predictions on
 * `table` — the predicted class for a classifier (P ≥ threshold for binary), the value for
 * regression — on a seeded training part, and measures fidelity on the rest: accuracy of the
 * tree's class against the model's class, or R² of the tree's value against the model's value.
 * The explanation is of the model, not of the world: high fidelity says the rules describe the
 * model, not that the model is right. Low fidelity (say below 0.9) means the rules are too coarse.
 *
 * @throws {AEQ_MODEL_FEATURES} when the table lacks model features.
 * @throws {AEQ_INVALID_ARGUMENT} for bad options or too few rows.
 * @throws {AEQ_DATA_CONSTANT_TARGET} when the model predicts one class on every training row.
 * @example
 * const s = await globalSurrogate(model, table, { maxDepth: 2 });
 * s.fidelity // 0.94
 * s.rules
 * // if income ≤ 32500
 * //   → no (P(yes) = 0.1, 410 rows) …
 */
export async function globalSurrogate(
  model: Model,
  table: Table,
  opts: GlobalSurrogateOptions = {},
): Promise<GlobalSurrogate> {
  const fn = 'globalSurrogate';
  checkFeatures(fn, model, table);
  if (table.nrows < 4) throw new InvalidArgumentError(fn, 'table', `${table.nrows} rows`, 'at least 4 rows');
  const threshold = opts.threshold ?? 0.5;
  if (!(threshold > 0 && threshold < 1))
    throw new InvalidArgumentError(fn, 'threshold', opts.threshold, 'a number in (0, 1)');
  const maxDepth = opts.maxDepth ?? 3;
  const x = table.select(model.features);
  const out = await predict(model, x, opts.signal);
  const regression = model.task === 'regression';
  const modelCls = predictedClass(model, out, threshold);
  const targetCol = regression
    ? ({ kind: 'number', values: Float64Array.from(out), valid: null } as const)
    : categoryColumn(Array.from(modelCls, (c) => model.classes[c]!));
  const split = trainTestSplit(table.nrows, {
    testSize: opts.testSize ?? 0.25,
    rng: seededRng(opts.seed ?? 0),
  });
  const data = x.withColumn(TARGET, targetCol);
  const tree = await decisionTree({
    maxDepth,
    ...(opts.minSamplesLeaf === undefined ? {} : { minSamplesLeaf: opts.minSamplesLeaf }),
    task: regression ? 'regression' : 'classification',
  }).fit(data.take(split.train), TARGET, {
    features: model.features,
    ...(model.task === 'binary' ? { positive: [model.classes[1]!] } : {}),
    ...(opts.signal === undefined ? {} : { signal: opts.signal }),
  });
  const fidelityOn = async (rows: Uint32Array): Promise<number> => {
    const part = x.take(rows);
    const t = await tree.predictProba(part);
    if (regression) {
      let mean = 0;
      for (let i = 0; i < rows.length; i++) mean += out[rows[i]!]!;
      mean /= rows.length;
      let res = 0;
      let tot = 0;
      for (let i = 0; i < rows.length; i++) {
        const m = out[rows[i]!]!;
        res += (m - t[i]!) ** 2;
        tot += (m - mean) ** 2;
      }
      return tot > 0 ? 1 - res / tot : res === 0 ? 1 : 0;
    }
    const treeCls = predictedClass(tree, t, 0.5); // leaves hold the share of rows the model put in each class: majority wins;
    let same = 0;
    for (let i = 0; i < rows.length; i++)
      if (tree.classes[treeCls[i]!] === model.classes[modelCls[rows[i]!]!]) same++;
    return same / rows.length;
  };
  return {
    kind: 'globalSurrogate',
    tree,
    fidelityMetric: regression ? 'r2' : 'accuracy',
    fidelity: await fidelityOn(split.test),
    trainFidelity: await fidelityOn(split.train),
    nTrain: split.train.length,
    nTest: split.test.length,
    rules: tree.toRules(),
  };
}
