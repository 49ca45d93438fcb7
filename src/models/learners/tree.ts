/**
 * @module models/learners/tree
 * CART decision trees for binary, multiclass and regression targets (Breiman, Friedman, Olshen &
 * Stone 1984, "Classification and Regression Trees"): exact best splits on sorted values, Gini or
 * entropy or squared error, sample weights, deterministic ties. Thresholds are in the raw units of
 * the columns (no standardisation), so `toRules()` reads like the data. Hand-written: see tree-core.
 */
import { AequaError, InvalidArgumentError, seededRng, show } from '../../core/index.js';
import type { Table } from '../../data/index.js';
import { prepareFitData } from '../fit-data.js';
import type { FitOptions, Learner, Matrix, ModelFile, ModelTask, SavableModel } from '../model.js';
import { modelFileOf, registerModelKind } from '../persist.js';
import { type Preprocessor, preprocessorFromJSON } from '../preprocess.js';
import {
  buildExactTree,
  type Criterion,
  checkAbort,
  defaultTargetKind,
  formatNumber,
  formatRules,
  intOption,
  leafIndex,
  type TreeNodes,
  type TreeNodesJSON,
  treeNodesFromJSON,
  treeNodesToJSON,
  treeShape,
} from './tree-core.js';

/** Options of {@link decisionTree}. */
export interface DecisionTreeOptions {
  /** @default 'regression' for a numeric target with more than two values, else 'classification' */
  readonly task?: 'classification' | 'regression';
  /** @default 'gini' for classification, 'squared' for regression */
  readonly criterion?: Criterion;
  /** Maximum depth (edges from the root to a leaf). @default Infinity */
  readonly maxDepth?: number;
  /** Minimum training rows in each leaf. @default 1 */
  readonly minSamplesLeaf?: number;
  /** Minimum training rows in a node for it to be split. @default 2 */
  readonly minSamplesSplit?: number;
  /** A split must decrease the weighted impurity by this share of the total weight (scikit-learn's rule). @default 0 */
  readonly minImpurityDecrease?: number;
  /** Encoded columns drawn at random (seeded) for each node; default all, which needs no randomness. */
  readonly maxFeatures?: number;
}

/** The `parameters` of a saved tree (model file kind 'tree'). */
export interface TreeParameters {
  readonly criterion: Criterion;
  readonly tree: TreeNodesJSON;
}

/** A fitted CART tree. */
export interface TreeModel extends SavableModel {
  readonly kind: 'tree';
  readonly target: string;
  readonly criterion: Criterion;
  /** The nodes (thresholds on the encoded columns of `preprocessor`, in raw units). */
  readonly nodes: TreeNodes;
  /** Edges on the longest root-to-leaf path. */
  readonly depth: number;
  /** Number of leaves. */
  readonly leaves: number;
  /** The prediction on encoded rows: P(positive), n × k probabilities, or the value. */
  forward(x: Matrix): Float64Array;
  /** The leaf each encoded row reaches. */
  apply(x: Matrix): Int32Array;
  /** The tree as indented if/else rules over the raw features. */
  toRules(): string;
}

/**
 * A CART decision tree learner. Splits are exact: every column is sorted once and every boundary
 * between distinct values is scored, the threshold being the midpoint; a row goes left when its
 * value is ≤ the threshold. Classification leaves hold weighted class proportions, regression
 * leaves the weighted mean. Use it for a readable model or as a baseline; for accuracy prefer
 * `gradientBoosting`.
 *
 * Impurity of a node with weighted class totals w_k (W = Σ w_k): Gini 1 − Σ (w_k/W)²; entropy
 * −Σ (w_k/W) log₂(w_k/W); squared error Σ w_i (y_i − ȳ)² / W. The chosen split maximises
 * W·I(node) − W_L·I(left) − W_R·I(right).
 *
 * @throws {AEQ_INVALID_ARGUMENT} for an option out of range or a criterion that does not fit the task.
 * @example
 * const t = await decisionTree({ maxDepth: 1 }).fit(fromArrays({ x: [1, 2, 3, 4], y: ['n', 'n', 'yes', 'yes'] }), 'y');
 * t.toRules()
 * // if x ≤ 2.5
 * //   → n (P(yes) = 0, 2 rows)
 * // else  # x > 2.5
 * //   → yes (P(yes) = 1, 2 rows)
 */
export function decisionTree(opts: DecisionTreeOptions = {}): Learner<TreeModel> {
  const fn = 'decisionTree';
  const maxDepth = intOption(fn, 'maxDepth', opts.maxDepth, Number.POSITIVE_INFINITY, 0);
  const minSamplesLeaf = intOption(fn, 'minSamplesLeaf', opts.minSamplesLeaf, 1, 1);
  const minSamplesSplit = intOption(fn, 'minSamplesSplit', opts.minSamplesSplit, 2, 2);
  const maxFeaturesOpt = intOption(fn, 'maxFeatures', opts.maxFeatures, Number.POSITIVE_INFINITY, 1);
  const minImpurityDecrease = opts.minImpurityDecrease ?? 0;
  if (!(minImpurityDecrease >= 0) || !Number.isFinite(minImpurityDecrease))
    throw new InvalidArgumentError(
      fn,
      'minImpurityDecrease',
      opts.minImpurityDecrease,
      'a finite number ≥ 0',
    );
  if (opts.task !== undefined && opts.task !== 'classification' && opts.task !== 'regression')
    throw new InvalidArgumentError(fn, 'task', opts.task, "'classification' or 'regression'");
  if (opts.criterion !== undefined && !['gini', 'entropy', 'squared'].includes(opts.criterion))
    throw new InvalidArgumentError(fn, 'criterion', opts.criterion, "'gini', 'entropy' or 'squared'");

  return {
    kind: 'tree',
    async fit(table: Table, target: string, fitOpts: FitOptions = {}): Promise<TreeModel> {
      checkAbort(fitOpts.signal);
      const kind = opts.task ?? defaultTargetKind(table, target);
      const regression = kind === 'regression';
      const criterion = opts.criterion ?? (regression ? 'squared' : 'gini');
      if (regression !== (criterion === 'squared')) {
        throw new InvalidArgumentError(
          fn,
          'criterion',
          criterion,
          regression
            ? "'squared' for a regression target"
            : "'gini' or 'entropy' for a classification target",
          `The target "${target}" is a ${kind} target; change the criterion or the task.`,
        );
      }
      const data = prepareFitData(table, target, { ...fitOpts, kind, preprocess: { standardize: false } });
      const x = data.x;
      const rng = fitOpts.rng ?? seededRng(fitOpts.seed ?? 0);
      const nodes = buildExactTree(x, data.y, data.weights, {
        criterion,
        nClasses: regression ? 0 : data.classes.length,
        maxDepth,
        minSamplesLeaf,
        minSamplesSplit,
        minImpurityDecrease,
        maxFeatures: Math.min(maxFeaturesOpt, x.cols),
        rng,
        signal: fitOpts.signal,
      });
      fitOpts.onProgress?.({ label: 'tree', done: 1, total: 1 });
      return new FittedTree(
        data.task,
        data.features,
        data.classes,
        target,
        criterion,
        data.preprocessor,
        nodes,
      );
    },
  };
}

/** The fitted tree; immutable. Build it with {@link decisionTree} or {@link treeModelFromFile}. */
class FittedTree implements TreeModel {
  readonly kind = 'tree' as const;
  readonly depth: number;
  readonly leaves: number;

  constructor(
    readonly task: ModelTask,
    readonly features: readonly string[],
    readonly classes: readonly string[],
    readonly target: string,
    readonly criterion: Criterion,
    readonly preprocessor: Preprocessor,
    readonly nodes: TreeNodes,
  ) {
    const s = treeShape(nodes);
    this.depth = s.depth;
    this.leaves = s.leaves;
  }

  async predictProba(rows: Table, opts: { readonly signal?: AbortSignal } = {}): Promise<Float64Array> {
    checkAbort(opts.signal);
    return this.forward(this.preprocessor.transform(rows));
  }

  apply(x: Matrix): Int32Array {
    const out = new Int32Array(x.rows);
    for (let i = 0; i < x.rows; i++) out[i] = leafIndex(this.nodes, x, i);
    return out;
  }

  forward(x: Matrix): Float64Array {
    const t = this.nodes;
    const K = t.nOutputs;
    const value = t.value;
    const n = x.rows;
    if (this.task === 'multiclass') {
      const out = new Float64Array(n * K);
      for (let i = 0; i < n; i++) {
        const leaf = leafIndex(t, x, i);
        for (let k = 0; k < K; k++) out[i * K + k] = value[leaf * K + k]!;
      }
      return out;
    }
    // Binary: the positive class is class 1; regression: the single output.
    const j = this.task === 'binary' ? 1 : 0;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = value[leafIndex(t, x, i) * K + j]!;
    return out;
  }

  toRules(): string {
    const t = this.nodes;
    return formatRules(t, this.preprocessor, (k) => {
      const rows = `${t.count[k]} row${t.count[k] === 1 ? '' : 's'}`;
      if (this.task === 'regression') return `${formatNumber(t.value[k]!)} (${rows})`;
      const K = t.nOutputs;
      let best = 0;
      for (let c = 1; c < K; c++) if (t.value[k * K + c]! > t.value[k * K + best]!) best = c;
      const cls = this.classes[best] ?? String(best);
      if (this.task === 'binary')
        return `${cls} (P(${this.classes[1]}) = ${formatNumber(t.value[k * K + 1]!)}, ${rows})`;
      return `${cls} (P = ${formatNumber(t.value[k * K + best]!)}, ${rows})`;
    });
  }

  toJSON(): ModelFile {
    const parameters: TreeParameters = { criterion: this.criterion, tree: treeNodesToJSON(this.nodes) };
    return modelFileOf(this, parameters);
  }
}

/**
 * Rebuilds a tree from its model file (registered as kind 'tree', so `loadModelJSON` reads it).
 * @throws {AEQ_MODEL_FORMAT} when the parameters or the preprocessing are corrupt.
 * @example treeModelFromFile(model.toJSON()).depth // the depth of `model`
 */
export function treeModelFromFile(file: ModelFile): TreeModel {
  const pre = preprocessorFromJSON(file.preprocessing);
  const p = file.parameters as Partial<TreeParameters> | null;
  const criterion = p?.criterion;
  if (criterion !== 'gini' && criterion !== 'entropy' && criterion !== 'squared')
    throw new AequaError(
      'AEQ_MODEL_FORMAT',
      `The tree model file's parameters.criterion must be "gini", "entropy" or "squared", got ${show(criterion)}.`,
      { hint: 'Re-save the model with saveModelJSON.' },
    );
  if (pre.features.join('\u0000') !== file.features.join('\u0000'))
    throw new AequaError(
      'AEQ_MODEL_FORMAT',
      `The tree model file lists features ${show([...file.features])} but its preprocessing encodes ${show([...pre.features])}.`,
      { hint: 'Re-save the model with saveModelJSON.' },
    );
  const nodes = treeNodesFromJSON(p?.tree, pre.outputNames.length, 'parameters.tree');
  const nOut = file.task === 'regression' ? 1 : file.classes.length;
  if (nodes.nOutputs !== nOut || (file.task !== 'regression') !== (criterion !== 'squared'))
    throw new AequaError(
      'AEQ_MODEL_FORMAT',
      `The tree model file is inconsistent: task ${file.task} with ${file.classes.length} classes, criterion ${criterion} and ${nodes.nOutputs} outputs per node.`,
      { hint: 'Re-save the model with saveModelJSON.' },
    );
  return new FittedTree(file.task, file.features, file.classes, file.target, criterion, pre, nodes);
}

registerModelKind('tree', treeModelFromFile);
