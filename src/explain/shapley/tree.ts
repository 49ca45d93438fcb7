/**
 * @module explain/shapley/tree
 * TreeSHAP for the built-in CART tree and boosted trees (Lundberg, Erion, Chen et al. 2020, "From
 * local explanations to global understanding with explainable AI for trees", Nature Machine
 * Intelligence, https://doi.org/10.1038/s42256-019-0138-9):
 * - path-dependent (Algorithm 2): exact Shapley values of E[f(x) | x_S] estimated by the tree's node
 *   covers, in O(leaves · depth²) per tree and row, no background needed;
 * - interventional: exact Shapley values of the interventional game E_z f(x_S, z_S̄) over background
 *   rows z, by one walk per (tree, background row) that follows x and z where they agree and branches
 *   where they disagree; a leaf reached with the x-side features A and z-side features B adds
 *   v·(|A|−1)!|B|!/(|A|+|B|)! to each feature of A and −v·|A|!(|B|−1)!/(|A|+|B|)! to each of B.
 * Features are raw features (or groups): every encoded column of a category maps to one player.
 */
import { InvalidArgumentError } from '../../core/index.js';
import type { Table } from '../../data/index.js';
import type { GbdtModel, Matrix, Model, TreeModel, TreeNodes } from '../../models/index.js';
import type { Explanation } from '../explanation.js';
import type { AttributionOptions } from './common.js';
import { type EncodedModel, encodedBackground, encodedExplanation, prepareEncoded } from './encoded.js';

/** Options of {@link treeShap}. */
export interface TreeShapOptions extends AttributionOptions {
  /** @default 'interventional' when a background is given, else 'path-dependent' */
  readonly treeMode?: 'path-dependent' | 'interventional';
}

/** A tree ensemble as TreeSHAP reads it: trees, the output index in `value`, and a constant. */
interface Ensemble {
  readonly trees: readonly TreeNodes[];
  readonly index: number;
  readonly constant: number;
}

/**
 * True for the built-in decision tree and gradient-boosted trees.
 * @example supportsTree(await gradientBoosting().fit(t, 'y')) // true
 */
export function supportsTree(model: Model): model is TreeModel | GbdtModel {
  const k = (model as { kind?: unknown }).kind;
  return (
    (k === 'tree' && (model as TreeModel).nodes !== undefined) ||
    (k === 'gbdt' && Array.isArray((model as GbdtModel).trees))
  );
}

function ensembleOf(
  fn: string,
  model: TreeModel | GbdtModel,
  link: 'identity' | 'logit',
  classIndex: number,
): Ensemble {
  if (model.kind === 'gbdt') {
    if (model.loss === 'logistic' && link !== 'logit')
      throw new InvalidArgumentError(
        fn,
        'link',
        link,
        "'logit' for a boosted classifier (its trees add up in log-odds)",
        "Pass --link logit, or use method 'permutation' or 'exact' for attributions of the probability.",
      );
    return { trees: model.trees, index: 0, constant: model.baseScore };
  }
  if (link !== 'identity')
    throw new InvalidArgumentError(
      fn,
      'link',
      link,
      "'identity' for a decision tree (its leaves hold probabilities or values)",
      "Use method 'permutation' or 'exact' for attributions in log-odds.",
    );
  const index = model.task === 'binary' ? 1 : model.task === 'multiclass' ? classIndex : 0;
  return { trees: [model.nodes], index, constant: 0 };
}

// ---------------------------------------------------------------------------------------------
// Path-dependent TreeSHAP (Algorithm 2). The path is stored in flat arrays; each recursion level
// works on its own slice [off, off + depth], copied from its parent's.

interface Path {
  feat: Int32Array;
  zero: Float64Array;
  one: Float64Array;
  w: Float64Array;
}

function extendPath(P: Path, off: number, depth: number, pz: number, po: number, pi: number): void {
  const { w } = P;
  P.feat[off + depth] = pi;
  P.zero[off + depth] = pz;
  P.one[off + depth] = po;
  w[off + depth] = depth === 0 ? 1 : 0;
  for (let i = depth - 1; i >= 0; i--) {
    w[off + i + 1] = w[off + i + 1]! + (po * w[off + i]! * (i + 1)) / (depth + 1);
    w[off + i] = (pz * w[off + i]! * (depth - i)) / (depth + 1);
  }
}

function unwindPath(P: Path, off: number, depth: number, at: number): void {
  const { w } = P;
  const one = P.one[off + at]!;
  const zero = P.zero[off + at]!;
  let next = w[off + depth]!;
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const tmp = w[off + i]!;
      w[off + i] = (next * (depth + 1)) / ((i + 1) * one);
      next = tmp - (w[off + i]! * zero * (depth - i)) / (depth + 1);
    } else w[off + i] = (w[off + i]! * (depth + 1)) / (zero * (depth - i));
  }
  for (let i = at; i < depth; i++) {
    P.feat[off + i] = P.feat[off + i + 1]!;
    P.zero[off + i] = P.zero[off + i + 1]!;
    P.one[off + i] = P.one[off + i + 1]!;
  }
}

/** Σ of the path weights with element `at` unwound (without modifying the path). */
function unwoundSum(P: Path, off: number, depth: number, at: number): number {
  const { w } = P;
  const one = P.one[off + at]!;
  const zero = P.zero[off + at]!;
  let next = w[off + depth]!;
  let total = 0;
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const tmp = (next * (depth + 1)) / ((i + 1) * one);
      total += tmp;
      next = w[off + i]! - (tmp * zero * (depth - i)) / (depth + 1);
    } else if (zero !== 0) total += w[off + i]! / zero / ((depth - i) / (depth + 1));
  }
  return total;
}

function coverOf(t: TreeNodes, k: number): number {
  const w = t.weight[k]!;
  return w > 0 ? w : t.count[k]!;
}

/** Path-dependent TreeSHAP of one tree at encoded row `row` of x, added into phi (by group). */
export function pathDependentTreeKernel(
  t: TreeNodes,
  index: number,
  x: Matrix,
  row: number,
  group: Int32Array,
  phi: Float64Array,
  P: Path,
): void {
  const K = t.nOutputs;
  const xo = row * x.cols;
  const recurse = (
    node: number,
    depth: number,
    parentOff: number,
    pz: number,
    po: number,
    pi: number,
  ): void => {
    const off = parentOff + depth + 1;
    for (let i = 0; i < depth; i++) {
      P.feat[off + i] = P.feat[parentOff + i]!;
      P.zero[off + i] = P.zero[parentOff + i]!;
      P.one[off + i] = P.one[parentOff + i]!;
      P.w[off + i] = P.w[parentOff + i]!;
    }
    extendPath(P, off, depth, pz, po, pi);
    const f = t.feature[node]!;
    if (f < 0) {
      const v = t.value[node * K + index]!;
      for (let i = 1; i <= depth; i++) {
        const s = unwoundSum(P, off, depth, i);
        const g = P.feat[off + i]!;
        phi[g] = phi[g]! + s * (P.one[off + i]! - P.zero[off + i]!) * v;
      }
      return;
    }
    const l = t.left[node]!;
    const r = t.right[node]!;
    const goLeft = x.data[xo + f]! <= t.threshold[node]!;
    const hot = goLeft ? l : r;
    const cold = goLeft ? r : l;
    const W = coverOf(t, node);
    const hz = W > 0 ? coverOf(t, hot) / W : 0.5;
    const cz = W > 0 ? coverOf(t, cold) / W : 0.5;
    const g = group[f]!;
    let iz = 1;
    let io = 1;
    let d = depth;
    let k = 0;
    for (; k <= d; k++) if (P.feat[off + k] === g) break;
    if (k <= d) {
      iz = P.zero[off + k]!;
      io = P.one[off + k]!;
      unwindPath(P, off, d, k);
      d -= 1;
    }
    recurse(hot, d + 1, off, hz * iz, io, g);
    recurse(cold, d + 1, off, cz * iz, 0, g);
  };
  recurse(0, 0, 0, 1, 1, -1);
}

/** E[f] under the tree's covers (the path-dependent base value of one tree). */
export function expectedTreeValue(t: TreeNodes, index: number): number {
  const K = t.nOutputs;
  const e = new Float64Array(t.nodeCount);
  for (let k = t.nodeCount - 1; k >= 0; k--) {
    if (t.feature[k]! < 0) e[k] = t.value[k * K + index]!;
    else {
      const l = t.left[k]!;
      const r = t.right[k]!;
      const cl = coverOf(t, l);
      const cr = coverOf(t, r);
      e[k] = cl + cr > 0 ? (cl * e[l]! + cr * e[r]!) / (cl + cr) : 0.5 * (e[l]! + e[r]!);
    }
  }
  return e[0]!;
}

function leafValue(t: TreeNodes, index: number, x: Matrix, row: number): number {
  const off = row * x.cols;
  let k = 0;
  while (t.feature[k]! >= 0) k = x.data[off + t.feature[k]!]! <= t.threshold[k]! ? t.left[k]! : t.right[k]!;
  return t.value[k * t.nOutputs + index]!;
}

function maxDepth(t: TreeNodes): number {
  const depth = new Int32Array(t.nodeCount);
  let m = 0;
  for (let k = 0; k < t.nodeCount; k++) {
    if (t.feature[k]! < 0) continue;
    depth[t.left[k]!] = depth[k]! + 1;
    depth[t.right[k]!] = depth[k]! + 1;
    if (depth[k]! + 1 > m) m = depth[k]! + 1;
  }
  return m;
}

// ---------------------------------------------------------------------------------------------
// Interventional TreeSHAP.

/**
 * Interventional TreeSHAP of one tree for row `row` of x against row `zr` of z, scaled by `scale`
 * and added into phi. `state` (per group: 0 free, 1 x-side, 2 z-side) must be all 0 on entry.
 */
export function interventionalTreeKernel(
  t: TreeNodes,
  index: number,
  x: Matrix,
  row: number,
  z: Matrix,
  zr: number,
  group: Int32Array,
  phi: Float64Array,
  scale: number,
  state: Uint8Array,
  stackA: Int32Array,
  stackB: Int32Array,
  wPos: Float64Array,
  wNeg: Float64Array,
  width: number,
): void {
  const K = t.nOutputs;
  const xo = row * x.cols;
  const zo = zr * z.cols;
  const walk = (node: number, a: number, b: number): void => {
    const f = t.feature[node]!;
    if (f < 0) {
      const v = t.value[node * K + index]! * scale;
      if (a > 0) {
        const c = v * wPos[a * width + b]!;
        for (let i = 0; i < a; i++) phi[stackA[i]!] = phi[stackA[i]!]! + c;
      }
      if (b > 0) {
        const c = v * wNeg[a * width + b]!;
        for (let i = 0; i < b; i++) phi[stackB[i]!] = phi[stackB[i]!]! - c;
      }
      return;
    }
    const thr = t.threshold[node]!;
    const xs = x.data[xo + f]! <= thr ? t.left[node]! : t.right[node]!;
    const zs = z.data[zo + f]! <= thr ? t.left[node]! : t.right[node]!;
    const g = group[f]!;
    const s = state[g]!;
    if (xs === zs || s === 1) {
      walk(xs, a, b);
      return;
    }
    if (s === 2) {
      walk(zs, a, b);
      return;
    }
    state[g] = 1;
    stackA[a] = g;
    walk(xs, a + 1, b);
    state[g] = 2;
    stackB[b] = g;
    walk(zs, a, b + 1);
    state[g] = 0;
  };
  walk(0, 0, 0);
}

/** (a−1)!b!/(a+b)! and a!(b−1)!/(a+b)! for a, b < width (row-major a·width + b). */
function leafWeights(width: number): { wPos: Float64Array; wNeg: Float64Array } {
  const fact = new Float64Array(2 * width + 1);
  fact[0] = 1;
  for (let i = 1; i < fact.length; i++) fact[i] = fact[i - 1]! * i;
  const wPos = new Float64Array(width * width);
  const wNeg = new Float64Array(width * width);
  for (let a = 0; a < width; a++) {
    for (let b = 0; b < width; b++) {
      if (a > 0) wPos[a * width + b] = (fact[a - 1]! * fact[b]!) / fact[a + b]!;
      if (b > 0) wNeg[a * width + b] = (fact[a]! * fact[b - 1]!) / fact[a + b]!;
    }
  }
  return { wPos, wNeg };
}

/**
 * TreeSHAP for a decision tree (identity link: probability or value) or boosted trees (logit link for
 * a classifier: the trees add up in log-odds; identity for regression).
 * @throws {AEQ_INVALID_ARGUMENT} for a model that is not a built-in tree model, a link its trees are not
 *   additive in, interventional mode without a background, or rows out of range.
 * @example
 * const e = await treeShap(gbdt, data, { rows: [0], link: 'logit' }); // path-dependent
 * e.rows[0].baseValue + sum(e.rows[0].attributions) // e.rows[0].prediction (the raw score)
 */
export async function treeShap(model: Model, data: Table, opts: TreeShapOptions = {}): Promise<Explanation> {
  const fn = 'treeShap';
  if (!supportsTree(model))
    throw new InvalidArgumentError(
      fn,
      'model',
      (model as { kind?: string }).kind ?? model.task,
      "a built-in decision tree ('tree') or boosted trees ('gbdt')",
      "Use method 'permutation', 'kernel' or 'exact' for other models.",
    );
  const link = opts.link ?? (model.kind === 'gbdt' && model.loss === 'logistic' ? 'logit' : 'identity');
  const ens = ensembleOf(fn, model, link, opts.classIndex ?? 0);
  const mode = opts.treeMode ?? (opts.background === undefined ? 'path-dependent' : 'interventional');
  if (mode !== 'path-dependent' && mode !== 'interventional')
    throw new InvalidArgumentError(fn, 'treeMode', mode, "'path-dependent' or 'interventional'");
  const p = prepareEncoded(fn, model as unknown as EncodedModel, data, { ...opts, link });
  const nf = p.groups.names.length;
  const x = p.x;
  const group = p.encGroup;
  let depthMax = 0;
  for (const t of ens.trees) depthMax = Math.max(depthMax, maxDepth(t));
  const rows: { prediction: number; baseValue: number; attributions: Float64Array }[] = [];
  let parameters: Record<string, unknown> = { treeMode: mode, trees: ens.trees.length, model: model.kind };
  const predict = (m: Matrix, r: number): number => {
    let s = ens.constant;
    for (const t of ens.trees) s += leafValue(t, ens.index, m, r);
    return s;
  };
  if (mode === 'path-dependent') {
    let base = ens.constant;
    for (const t of ens.trees) base += expectedTreeValue(t, ens.index);
    const size = ((depthMax + 3) * (depthMax + 4)) / 2;
    const P: Path = {
      feat: new Int32Array(size),
      zero: new Float64Array(size),
      one: new Float64Array(size),
      w: new Float64Array(size),
    };
    for (let i = 0; i < x.rows; i++) {
      const phi = new Float64Array(nf);
      for (const t of ens.trees) pathDependentTreeKernel(t, ens.index, x, i, group, phi, P);
      rows.push({ prediction: predict(x, i), baseValue: base, attributions: phi });
      opts.onProgress?.({ label: 'tree', done: i + 1, total: x.rows });
    }
  } else {
    const bg = encodedBackground(fn, model as unknown as EncodedModel, opts, p.rng);
    parameters = { ...parameters, ...bg.parameters };
    const z = bg.z;
    let base = 0;
    for (let r = 0; r < z.rows; r++) base += bg.weights[r]! * predict(z, r);
    const width = depthMax + 2;
    const { wPos, wNeg } = leafWeights(width);
    const state = new Uint8Array(nf);
    const stackA = new Int32Array(width);
    const stackB = new Int32Array(width);
    for (let i = 0; i < x.rows; i++) {
      opts.signal?.throwIfAborted();
      const phi = new Float64Array(nf);
      for (let r = 0; r < z.rows; r++) {
        const w = bg.weights[r]!;
        for (const t of ens.trees)
          interventionalTreeKernel(
            t,
            ens.index,
            x,
            i,
            z,
            r,
            group,
            phi,
            w,
            state,
            stackA,
            stackB,
            wPos,
            wNeg,
            width,
          );
      }
      rows.push({ prediction: predict(x, i), baseValue: base, attributions: phi });
      opts.onProgress?.({ label: 'tree', done: i + 1, total: x.rows });
    }
  }
  return encodedExplanation('tree', p, rows, parameters);
}
