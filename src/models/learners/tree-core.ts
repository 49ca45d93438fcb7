/**
 * @module models/learners/tree-core
 * What the tree learners share: the arrays-of-nodes layout (read by the CART tree, the boosted
 * ensemble and, later, TreeSHAP), its JSON codec, routing rows to leaves, target / weight / feature
 * resolution, readable rules, and the exact CART split search (Breiman, Friedman, Olshen & Stone
 * 1984, "Classification and Regression Trees"; pre-sorted, level-wise scan as in SLIQ, Mehta et al.
 * 1996, https://doi.org/10.1007/BFb0014141). Written by hand: no browser-safe tree library exists.
 */
import { AequaError, InvalidArgumentError, type Rng, randomInt, show } from '../../core/index.js';
import { distinctValues, type Table } from '../../data/index.js';
import type { Matrix } from '../model.js';
import type { Preprocessor } from '../preprocess.js';

/**
 * A fitted tree as parallel arrays, one entry per node; node 0 is the root and children always
 * have larger indices than their parent. A row goes left at node k when
 * `x[feature[k]] ≤ threshold[k]` (x is the encoded row), right otherwise.
 *
 * - `feature`: encoded column index, −1 at leaves;
 * - `threshold`: split value in the raw units of that column (0 at leaves);
 * - `left`, `right`: child node indices, −1 at leaves;
 * - `value`: nodeCount × nOutputs, row-major — class probabilities (classification), the mean
 *   (regression tree) or the leaf score (boosted trees), defined at every node, not only leaves;
 * - `weight`: the node cover: summed sample weight (CART) or summed hessian (boosting);
 * - `count`: number of training rows that reached the node.
 */
export interface TreeNodes {
  readonly nodeCount: number;
  readonly nOutputs: number;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
  readonly weight: Float64Array;
  readonly count: Int32Array;
}

/** The JSON form of {@link TreeNodes}: the same fields as plain arrays. */
export interface TreeNodesJSON {
  readonly nodeCount: number;
  readonly nOutputs: number;
  readonly feature: readonly number[];
  readonly threshold: readonly number[];
  readonly left: readonly number[];
  readonly right: readonly number[];
  readonly value: readonly number[];
  readonly weight: readonly number[];
  readonly count: readonly number[];
}

/**
 * Plain arrays for `JSON.stringify` (numbers keep every bit through JSON: shortest round-trip form).
 * @example treeNodesToJSON(model.nodes).threshold // [3.5, 0, 0.5, 0, 0]
 */
export function treeNodesToJSON(t: TreeNodes): TreeNodesJSON {
  return {
    nodeCount: t.nodeCount,
    nOutputs: t.nOutputs,
    feature: Array.from(t.feature),
    threshold: Array.from(t.threshold),
    left: Array.from(t.left),
    right: Array.from(t.right),
    value: Array.from(t.value),
    weight: Array.from(t.weight),
    count: Array.from(t.count),
  };
}

/**
 * Reads and checks the JSON form of a tree: array lengths, child indices (always after the parent,
 * so routing terminates), feature indices below `nCols`, finite numbers.
 * @throws {AEQ_MODEL_FORMAT} naming the first field that is wrong.
 * @example treeNodesFromJSON(treeNodesToJSON(nodes), 5, 'parameters.tree').nodeCount // nodes.nodeCount
 */
export function treeNodesFromJSON(json: unknown, nCols: number, where: string): TreeNodes {
  const bad = (what: string): AequaError =>
    new AequaError('AEQ_MODEL_FORMAT', `The model file's ${where} is corrupt: ${what}.`, {
      hint: 'Re-save the model with saveModelJSON; do not edit tree arrays by hand.',
      details: { where },
    });
  if (typeof json !== 'object' || json === null) throw bad(`expected an object, got ${show(json)}`);
  const o = json as Record<string, unknown>;
  const nodeCount = o.nodeCount;
  const nOutputs = o.nOutputs;
  if (typeof nodeCount !== 'number' || !Number.isInteger(nodeCount) || nodeCount < 1)
    throw bad(`nodeCount must be an integer ≥ 1, got ${show(nodeCount)}`);
  if (typeof nOutputs !== 'number' || !Number.isInteger(nOutputs) || nOutputs < 1)
    throw bad(`nOutputs must be an integer ≥ 1, got ${show(nOutputs)}`);
  const nums = (name: string, len: number): number[] => {
    const a = o[name];
    if (!Array.isArray(a) || a.length !== len)
      throw bad(`"${name}" must be an array of ${len} numbers, got ${show(a)}`);
    for (let i = 0; i < a.length; i++) {
      if (typeof a[i] !== 'number' || !Number.isFinite(a[i]))
        throw bad(`"${name}[${i}]" must be a finite number, got ${show(a[i])}`);
    }
    return a as number[];
  };
  const feature = Int32Array.from(nums('feature', nodeCount));
  const threshold = Float64Array.from(nums('threshold', nodeCount));
  const left = Int32Array.from(nums('left', nodeCount));
  const right = Int32Array.from(nums('right', nodeCount));
  const value = Float64Array.from(nums('value', nodeCount * nOutputs));
  const weight = Float64Array.from(nums('weight', nodeCount));
  const count = Int32Array.from(nums('count', nodeCount));
  for (let k = 0; k < nodeCount; k++) {
    const f = feature[k]!;
    if (f === -1) {
      if (left[k] !== -1 || right[k] !== -1) throw bad(`leaf ${k} has children`);
      continue;
    }
    if (f < 0 || f >= nCols) throw bad(`node ${k} splits on column ${f}, but there are ${nCols} columns`);
    const l = left[k]!;
    const r = right[k]!;
    if (l <= k || r <= k || l >= nodeCount || r >= nodeCount || l === r)
      throw bad(`node ${k} has children ${l} and ${r}; they must be distinct nodes after it`);
  }
  return { nodeCount, nOutputs, feature, threshold, left, right, value, weight, count };
}

/**
 * The leaf that encoded row `row` of `x` reaches.
 * @example leafIndex(model.nodes, model.preprocessor.transform(rows), 0) // 3 (a leaf: feature[3] === −1)
 */
export function leafIndex(t: TreeNodes, x: Matrix, row: number): number {
  const { feature, threshold, left, right } = t;
  const off = row * x.cols;
  const data = x.data;
  let k = 0;
  let f = feature[0]!;
  while (f >= 0) {
    k = data[off + f]! <= threshold[k]! ? left[k]! : right[k]!;
    f = feature[k]!;
  }
  return k;
}

/**
 * Depth (edges on the longest root-to-leaf path) and number of leaves.
 * @example treeShape(stump.nodes) // { depth: 1, leaves: 2 }
 */
export function treeShape(t: TreeNodes): { depth: number; leaves: number } {
  const depthOf = new Int32Array(t.nodeCount);
  let depth = 0;
  let leaves = 0;
  for (let k = 0; k < t.nodeCount; k++) {
    if (t.feature[k]! < 0) {
      leaves++;
      continue;
    }
    const dd = depthOf[k]! + 1;
    depthOf[t.left[k]!] = dd;
    depthOf[t.right[k]!] = dd;
    if (dd > depth) depth = dd;
  }
  return { depth, leaves };
}

// ---------------------------------------------------------------------------------------------
// Inputs and options.

/**
 * The default task of a tree learner for `target`: regression for a number column with more than
 * two distinct values, classification otherwise.
 * @example defaultTargetKind(fromArrays({ y: [0, 1, 1] }), 'y') // 'classification'
 */
export function defaultTargetKind(table: Table, target: string): 'classification' | 'regression' {
  const col = table.column(target, 'target');
  return col.kind === 'number' && distinctValues(col).length > 2 ? 'regression' : 'classification';
}

/**
 * Checks an integer option ≥ min (Infinity allowed) and returns it, or the default when absent.
 * @throws {AEQ_INVALID_ARGUMENT} for a value below `min` or not an integer.
 * @example intOption('decisionTree', 'maxDepth', undefined, 3, 0) // 3
 */
export function intOption(
  fn: string,
  name: string,
  v: number | undefined,
  dflt: number,
  min: number,
): number {
  if (v === undefined) return dflt;
  if (!(v >= min) || !(Number.isInteger(v) || v === Number.POSITIVE_INFINITY))
    throw new InvalidArgumentError(fn, name, v, `an integer ≥ ${min}`);
  return v;
}

/**
 * Throws `signal.reason` when the signal has aborted.
 * @example checkAbort(AbortSignal.abort()) // throws the AbortError
 */
export function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason;
}

// ---------------------------------------------------------------------------------------------
// Readable rules.

/**
 * Shortest decimal of `t` when short; otherwise 6 significant digits.
 * @example formatNumber(1 / 3) // '0.333333'
 */
export function formatNumber(t: number): string {
  const s = String(t);
  return s.length <= 10 ? s : String(Number(t.toPrecision(6)));
}

/**
 * The condition "row goes left/right" at a split, in the raw feature's words: a one-hot column
 * `sex=Male` with threshold 0.5 reads "sex is not Male" (left) or "sex is Male" (right); a
 * numeric column reads "age ≤ 37.5" or "age > 37.5".
 * @example splitCondition(pre, pre.outputNames.indexOf('sex=Male'), 0.5, true) // 'sex is not Male'
 */
function splitCondition(pre: Preprocessor, col: number, threshold: number, goesLeft: boolean): string {
  const name = pre.outputNames[col] ?? `x${col}`;
  const raw = pre.features[pre.sourceFeature[col] ?? -1];
  if (raw !== undefined && name.startsWith(`${raw}=`) && threshold > 0 && threshold < 1) {
    const level = name.slice(raw.length + 1);
    if (level === '<missing>') return goesLeft ? `${raw} is not missing` : `${raw} is missing`;
    return goesLeft ? `${raw} is not ${level}` : `${raw} is ${level}`;
  }
  return `${name} ${goesLeft ? '≤' : '>'} ${formatNumber(threshold)}`;
}

/**
 * Indented if/else rules of a tree; `leafText(node)` describes a leaf's prediction.
 * @example formatRules(stump, pre, (k) => `leaf ${k}`) // 'if x ≤ 2.5\n  → leaf 1\nelse  # x > 2.5\n  → leaf 2'
 */
export function formatRules(t: TreeNodes, pre: Preprocessor, leafText: (node: number) => string): string {
  const lines: string[] = [];
  const walk = (k: number, indent: string): void => {
    const f = t.feature[k]!;
    if (f < 0) {
      lines.push(`${indent}→ ${leafText(k)}`);
      return;
    }
    lines.push(`${indent}if ${splitCondition(pre, f, t.threshold[k]!, true)}`);
    walk(t.left[k]!, `${indent}  `);
    lines.push(`${indent}else  # ${splitCondition(pre, f, t.threshold[k]!, false)}`);
    walk(t.right[k]!, `${indent}  `);
  };
  walk(0, '');
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Exact CART split search.

/** Split criteria: Gini or entropy (bits) for classification, squared error for regression. */
export type Criterion = 'gini' | 'entropy' | 'squared';

/** Parameters of {@link buildExactTree}. */
export interface ExactTreeParams {
  readonly criterion: Criterion;
  /** Number of classes (classification; y holds 0..k−1), or 0 for regression. */
  readonly nClasses: number;
  readonly maxDepth: number;
  readonly minSamplesLeaf: number;
  readonly minSamplesSplit: number;
  /** Weighted impurity decrease a split must reach, as a fraction of the total weight (scikit-learn's rule). */
  readonly minImpurityDecrease: number;
  /** Encoded columns drawn at random for each node (= cols: all, no randomness). */
  readonly maxFeatures: number;
  readonly rng: Rng;
  readonly signal?: AbortSignal | undefined;
}

/** Relative size below which two gains count as tied (then the earlier feature/threshold wins). */
const TIE = 1e-12;
const LOG2E = Math.LOG2E;

/** Neumaier-compensated `s[k] += x` with the running compensation in `c[k]`. */
function nadd(s: Float64Array, c: Float64Array, k: number, x: number): void {
  const a = s[k]!;
  const t = a + x;
  c[k]! += Math.abs(a) >= Math.abs(x) ? a - t + x : x - t + a;
  s[k] = t;
}

/**
 * Midpoint of two consecutive distinct values a < b, kept strictly below b (so x ≤ t sends a left, b right).
 * @example midpoint(3, 4) // 3.5
 */
export function midpoint(a: number, b: number): number {
  let t = a + (b - a) / 2;
  if (!Number.isFinite(t)) t = a / 2 + b / 2;
  return t >= b || t < a ? a : t;
}

function xlogx(v: number): number {
  return v > 0 ? v * Math.log(v) : 0;
}

/**
 * Growable node storage used while a tree is built; `freeze()` gives the typed-array layout.
 * @example const l = new NodeList(1); l.add([0.5], 10, 10); l.freeze().nodeCount // 1
 */
export class NodeList {
  readonly feature: number[] = [];
  readonly threshold: number[] = [];
  readonly left: number[] = [];
  readonly right: number[] = [];
  readonly value: number[] = [];
  readonly weight: number[] = [];
  readonly count: number[] = [];
  constructor(readonly nOutputs: number) {}
  get size(): number {
    return this.feature.length;
  }
  add(value: ArrayLike<number>, weight: number, count: number): number {
    const id = this.feature.length;
    this.feature.push(-1);
    this.threshold.push(0);
    this.left.push(-1);
    this.right.push(-1);
    for (let j = 0; j < this.nOutputs; j++) this.value.push(value[j]!);
    this.weight.push(weight);
    this.count.push(count);
    return id;
  }
  freeze(): TreeNodes {
    return {
      nodeCount: this.feature.length,
      nOutputs: this.nOutputs,
      feature: Int32Array.from(this.feature),
      threshold: Float64Array.from(this.threshold),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      value: Float64Array.from(this.value),
      weight: Float64Array.from(this.weight),
      count: Int32Array.from(this.count),
    };
  }
}

/** Integer columns spanning at most this range skip the full sort in {@link presortColumn}. */
const SMALL_RANGE = 1024;

/**
 * Sorts one column of the kept rows by value, stably (ties by row order), into `idx`/`val`.
 * Ranks by binary search in the sorted distinct values, then a counting sort: O(m log m) with
 * native numeric sorting and no comparator calls.
 */
function presortColumn(
  x: Matrix,
  rows: Uint32Array,
  f: number,
  tmp: Float64Array,
  rank: Int32Array,
  idx: Uint32Array,
  val: Float64Array,
  off: number,
): void {
  const m = rows.length;
  const d = x.cols;
  const data = x.data;
  for (let r = 0; r < m; r++) tmp[r] = data[rows[r]! * d + f]!;
  // Small-integer columns (one-hot 0/1, counts, ages): distinct values from a presence table over
  // [min, max], without sorting m values.
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let integers = true;
  for (let r = 0; r < m; r++) {
    const v = tmp[r]!;
    if (v < min) min = v;
    if (v > max) max = v;
    if (integers && !Number.isInteger(v)) integers = false;
  }
  let sorted: Float64Array;
  let u = 0;
  if (integers && max - min <= SMALL_RANGE) {
    const seen = new Uint8Array(max - min + 1);
    for (let r = 0; r < m; r++) seen[tmp[r]! - min] = 1;
    sorted = new Float64Array(seen.length);
    for (let k = 0; k < seen.length; k++) if (seen[k]) sorted[u++] = min + k;
  } else {
    sorted = tmp.slice(0, m).sort();
    for (let r = 0; r < m; r++) if (r === 0 || sorted[r]! !== sorted[u - 1]!) sorted[u++] = sorted[r]!;
  }
  const counts = new Int32Array(u + 1);
  for (let r = 0; r < m; r++) {
    const v = tmp[r]!;
    let lo = 0;
    let hi = u - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    rank[r] = lo;
    counts[lo + 1]!++;
  }
  for (let k = 0; k < u; k++) counts[k + 1]! += counts[k]!;
  for (let r = 0; r < m; r++) {
    const p = counts[rank[r]!]!++;
    idx[off + p] = r;
    val[off + p] = tmp[r]!;
  }
}

/**
 * Grows a CART tree with exact best splits. Every column is sorted once; each level then scans
 * every column's sorted order once, accumulating left-side statistics per open node and scoring a
 * split at every boundary between distinct values (threshold at the midpoint): O(n·d) per level,
 * O(n·d·depth) in all. Rows with weight 0 are left out (weight 0 = row absent). A node becomes a
 * leaf when its target is constant, it has fewer than `minSamplesSplit` rows, it is at `maxDepth`,
 * or no split leaves `minSamplesLeaf` rows on each side and decreases the weighted impurity by
 * `minImpurityDecrease`·W_total. Ties go to the lower column index, then the lower threshold.
 * @example buildExactTree(x, y, w, { criterion: 'gini', nClasses: 2, maxDepth: 1, … }).threshold[0] // 3.5
 */
export function buildExactTree(x: Matrix, y: Float64Array, w: Float64Array, p: ExactTreeParams): TreeNodes {
  const d = x.cols;
  const data = x.data;
  const K = p.nClasses;
  const reg = K === 0;
  const S = reg ? 3 : K; // stats per node: class weights, or (W, Σwy, Σwy²)
  const nOut = reg ? 1 : K;
  const crit = p.criterion;

  let keepCount = 0;
  for (let i = 0; i < x.rows; i++) if (w[i]! > 0) keepCount++;
  const rows = new Uint32Array(keepCount);
  for (let i = 0, r = 0; i < x.rows; i++) if (w[i]! > 0) rows[r++] = i;
  const m = keepCount;
  const yk = new Float64Array(m);
  const wk = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    yk[r] = y[rows[r]!]!;
    wk[r] = w[rows[r]!]!;
  }

  // Root statistics.
  const nodes = new NodeList(nOut);
  const stats: number[] = []; // per node, stride S
  const constant: boolean[] = [];
  {
    const s = new Float64Array(S);
    const c = new Float64Array(S);
    for (let r = 0; r < m; r++) addRow(s, c, 0, yk[r]!, wk[r]!);
    for (let j = 0; j < S; j++) s[j]! += c[j]!;
    let varies = false;
    for (let r = 1; r < m && !varies; r++) varies = yk[r] !== yk[0];
    pushNode(s, m, !varies);
  }
  function addRow(s: Float64Array, c: Float64Array, base: number, yv: number, wv: number): void {
    if (reg) {
      nadd(s, c, base, wv);
      nadd(s, c, base + 1, wv * yv);
      nadd(s, c, base + 2, wv * yv * yv);
    } else nadd(s, c, base + yv, wv);
  }
  function nodeWeight(s: ArrayLike<number>, base: number): number {
    if (reg) return s[base]!;
    let t = 0;
    for (let k = 0; k < K; k++) t += s[base + k]!;
    return t;
  }
  function pushNode(s: ArrayLike<number>, count: number, isConstant: boolean): number {
    const W = nodeWeight(s, 0);
    const v = new Float64Array(nOut);
    if (reg) v[0] = s[1]! / W;
    else for (let k = 0; k < K; k++) v[k] = s[k]! / W;
    for (let j = 0; j < S; j++) stats.push(s[j]!);
    constant.push(isConstant);
    return nodes.add(v, W, count);
  }
  const wTotal = nodes.weight[0]!;
  const splittable = (node: number, depth: number): boolean =>
    depth < p.maxDepth &&
    !constant[node] &&
    nodes.count[node]! >= p.minSamplesSplit &&
    nodes.count[node]! >= 2 * p.minSamplesLeaf;

  let frontier: number[] = splittable(0, 0) ? [0] : [];
  if (frontier.length === 0) return nodes.freeze();

  // Pre-sorted columns: idx[f·len + r] is a kept-row index, val the value, sorted per column.
  let len = m;
  let idx = new Uint32Array(m * d);
  let val = new Float64Array(m * d);
  {
    const tmp = new Float64Array(m);
    const rank = new Int32Array(m);
    for (let f = 0; f < d; f++) presortColumn(x, rows, f, tmp, rank, idx, val, f * m);
  }
  const nodeOf = new Int32Array(m); // all rows start at the root

  for (let depth = 0; frontier.length > 0; depth++) {
    checkAbort(p.signal);
    const nSlots = frontier.length;
    const slotOf = new Int32Array(nodes.size).fill(-1);
    frontier.forEach((node, s) => {
      slotOf[node] = s;
    });
    const tot = new Float64Array(nSlots * S);
    const totCount = new Int32Array(nSlots);
    const parentProxy = new Float64Array(nSlots);
    const tol = new Float64Array(nSlots);
    for (let s = 0; s < nSlots; s++) {
      const node = frontier[s]!;
      for (let j = 0; j < S; j++) tot[s * S + j] = stats[node * S + j]!;
      totCount[s] = nodes.count[node]!;
      const W = nodes.weight[node]!;
      if (reg) {
        parentProxy[s] = (tot[s * S + 1]! * tot[s * S + 1]!) / W;
        tol[s] = TIE * (Math.abs(tot[s * S + 2]!) + Number.MIN_VALUE);
      } else {
        let pp = 0;
        for (let k = 0; k < K; k++) {
          const t = tot[s * S + k]!;
          pp += crit === 'gini' ? (t * t) / W : xlogx(t);
        }
        parentProxy[s] = crit === 'gini' ? pp : (pp - xlogx(W)) * LOG2E;
        tol[s] = TIE * W;
      }
    }
    // Columns each node may use (maxFeatures < d: a fresh random subset per node).
    let allowed: Uint8Array | null = null;
    if (p.maxFeatures < d) {
      allowed = new Uint8Array(nSlots * d);
      const perm = new Int32Array(d);
      for (let s = 0; s < nSlots; s++) {
        for (let f = 0; f < d; f++) perm[f] = f;
        for (let j = 0; j < p.maxFeatures; j++) {
          const r = j + randomInt(p.rng, d - j);
          const t = perm[j]!;
          perm[j] = perm[r]!;
          perm[r] = t;
          allowed[s * d + perm[j]!] = 1;
        }
      }
    }

    const cum = new Float64Array(nSlots * S);
    const cumC = new Float64Array(nSlots * S);
    const cumCount = new Int32Array(nSlots);
    const last = new Float64Array(nSlots);
    const bestGain = new Float64Array(nSlots).fill(Number.NEGATIVE_INFINITY);
    const bestFeat = new Int32Array(nSlots).fill(-1);
    const bestThr = new Float64Array(nSlots);
    const msl = p.minSamplesLeaf;

    for (let f = 0; f < d; f++) {
      cum.fill(0);
      cumC.fill(0);
      cumCount.fill(0);
      const base = f * len;
      for (let r = 0; r < len; r++) {
        const i = idx[base + r]!;
        const s = slotOf[nodeOf[i]!]!;
        if (s < 0 || (allowed !== null && allowed[s * d + f] === 0)) continue;
        const v = val[base + r]!;
        const nL = cumCount[s]!;
        if (nL >= msl && v !== last[s] && totCount[s]! - nL >= msl) {
          const gain = splitProxy(s) - parentProxy[s]!;
          if (gain > bestGain[s]! + tol[s]!) {
            bestGain[s] = gain;
            bestFeat[s] = f;
            bestThr[s] = midpoint(last[s]!, v);
          }
        }
        addRow(cum, cumC, s * S, yk[i]!, wk[i]!);
        cumCount[s] = nL + 1;
        last[s] = v;
      }
    }

    // Weighted proxy of the children's impurity (higher is better) for the left part in `cum`.
    function splitProxy(s: number): number {
      const o = s * S;
      if (reg) {
        const WL = cum[o]! + cumC[o]!;
        const SL = cum[o + 1]! + cumC[o + 1]!;
        const WR = tot[o]! - WL;
        const SR = tot[o + 1]! - SL;
        if (!(WL > 0) || !(WR > 0)) return Number.NEGATIVE_INFINITY;
        return (SL * SL) / WL + (SR * SR) / WR;
      }
      let WL = 0;
      let WR = 0;
      let aL = 0;
      let aR = 0;
      for (let k = 0; k < K; k++) {
        const l = cum[o + k]! + cumC[o + k]!;
        const rr = tot[o + k]! - l;
        WL += l;
        WR += rr;
        if (crit === 'gini') {
          aL += l * l;
          aR += rr * rr;
        } else {
          aL += xlogx(l);
          aR += xlogx(rr);
        }
      }
      if (!(WL > 0) || !(WR > 0)) return Number.NEGATIVE_INFINITY;
      return crit === 'gini' ? aL / WL + aR / WR : (aL - xlogx(WL) + aR - xlogx(WR)) * LOG2E;
    }

    // Make the splits and route rows to the children.
    const firstChild = nodes.size;
    const splitLeft = new Int32Array(nSlots).fill(-1);
    let nSplit = 0;
    for (let s = 0; s < nSlots; s++) {
      if (bestFeat[s]! < 0) continue;
      if (bestGain[s]! < p.minImpurityDecrease * wTotal - tol[s]!) continue;
      splitLeft[s] = firstChild + 2 * nSplit++;
    }
    if (nSplit === 0) break;
    const cs = new Float64Array(2 * nSplit * S);
    const cc = new Float64Array(2 * nSplit * S);
    const ccount = new Int32Array(2 * nSplit);
    const firstY = new Float64Array(2 * nSplit).fill(Number.NaN);
    const varies = new Uint8Array(2 * nSplit);
    let active = 0;
    for (let r = 0; r < m; r++) {
      const s = slotOf[nodeOf[r]!]!;
      if (s < 0) continue;
      const L = splitLeft[s]!;
      if (L < 0) continue;
      const f = bestFeat[s]!;
      const child = data[rows[r]! * d + f]! <= bestThr[s]! ? L : L + 1;
      nodeOf[r] = child;
      const c = child - firstChild;
      addRow(cs, cc, c * S, yk[r]!, wk[r]!);
      ccount[c]!++;
      if (Number.isNaN(firstY[c]!)) firstY[c] = yk[r]!;
      else if (yk[r] !== firstY[c]) varies[c] = 1;
      active++;
    }
    const next: number[] = [];
    for (let s = 0; s < nSlots; s++) {
      const L = splitLeft[s]!;
      if (L < 0) continue;
      const node = frontier[s]!;
      nodes.feature[node] = bestFeat[s]!;
      nodes.threshold[node] = bestThr[s]!;
      nodes.left[node] = L;
      nodes.right[node] = L + 1;
      for (let side = 0; side < 2; side++) {
        const c = L - firstChild + side;
        const st = new Float64Array(S);
        for (let j = 0; j < S; j++) st[j] = cs[c * S + j]! + cc[c * S + j]!;
        const id = pushNode(st, ccount[c]!, varies[c] === 0);
        if (splittable(id, depth + 1)) next.push(id);
      }
    }
    frontier = next;
    if (frontier.length === 0) break;

    // Drop rows of finished nodes from the sorted columns when they are the majority.
    let stillOpen = 0;
    const open = new Uint8Array(nodes.size);
    for (const node of frontier) open[node] = 1;
    for (let r = 0; r < m; r++) if (open[nodeOf[r]!]) stillOpen++;
    if (stillOpen < len / 2 && active > 0) {
      const nIdx = new Uint32Array(stillOpen * d);
      const nVal = new Float64Array(stillOpen * d);
      for (let f = 0; f < d; f++) {
        let q = f * stillOpen;
        for (let r = f * len, e = (f + 1) * len; r < e; r++) {
          if (open[nodeOf[idx[r]!]!]) {
            nIdx[q] = idx[r]!;
            nVal[q++] = val[r]!;
          }
        }
      }
      idx = nIdx;
      val = nVal;
      len = stillOpen;
    }
  }
  return nodes.freeze();
}
