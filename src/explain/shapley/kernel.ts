/**
 * @module explain/shapley/kernel
 * KernelSHAP (Lundberg & Lee 2017, "A Unified Approach to Interpreting Model Predictions",
 * https://arxiv.org/abs/1705.07874, Theorem 2): Shapley values as the weighted least-squares fit of
 * the coalition values with the Shapley kernel π(S) = (d−1) / (C(d,|S|)·|S|·(d−|S|)). Coalition
 * sizes are filled completely from the ends inwards while the budget allows and then sampled in
 * complementary pairs (the shap package's scheme); local accuracy Σφ = f(x) − E f is enforced exactly
 * by eliminating one unknown. With a budget ≥ 2^d − 2 every coalition is used and the fit equals the
 * exact Shapley values. Features equal in the row and every background row get exactly 0 and are left
 * out of the fit (a smaller design), as in the shap package.
 */
import { InvalidArgumentError, type Rng, randomInt } from '../../core/index.js';
import type { Table } from '../../data/index.js';
import { choleskySolve, type Model } from '../../models/index.js';
import type { Explanation } from '../explanation.js';
import type { FeatureGroups } from '../maskers/features.js';
import type { RowPool } from '../maskers/interventional.js';
import { type AttributionOptions, prepareBlackBox, runRows } from './common.js';

/** Options of {@link kernelShap}. */
export interface KernelShapOptions extends AttributionOptions {
  /** Coalitions evaluated per row. @default 2·d + 2048 */
  readonly nsamples?: number;
}

/** A coalition design: m masks (m × d, 0/1) with their kernel weights. */
export interface KernelDesign {
  readonly d: number;
  readonly m: number;
  readonly masks: Uint8Array;
  readonly weights: Float64Array;
  /** True when every coalition was enumerated (the fit is then exact). */
  readonly complete: boolean;
}

function binom(n: number, k: number): number {
  let c = 1;
  for (let i = 0; i < k; i++) c = (c * (n - i)) / (i + 1);
  return Math.round(c);
}

/**
 * The coalitions KernelSHAP evaluates and their weights (independent of the explained row).
 * @example kernelDesign(3, 100, seededRng(0)).m // 6 (all 2³ − 2 coalitions)
 */
export function kernelDesign(d: number, nsamples: number, rng: Rng): KernelDesign {
  const masks: number[] = [];
  const weights: number[] = [];
  const add = (mask: Uint8Array, w: number): void => {
    for (let j = 0; j < d; j++) masks.push(mask[j]!);
    weights.push(w);
  };
  const total = d <= 30 ? 2 ** d - 2 : Number.POSITIVE_INFINITY;
  const nSizes = Math.ceil((d - 1) / 2);
  const nPaired = Math.floor((d - 1) / 2);
  // Kernel mass per size class (a size and its complement together when paired).
  const sizeWeight = new Float64Array(nSizes);
  for (let s = 1; s <= nSizes; s++) sizeWeight[s - 1] = ((d - 1) / (s * (d - s))) * (s <= nPaired ? 2 : 1);
  let sw = 0;
  for (const w of sizeWeight) sw += w;
  for (let s = 0; s < nSizes; s++) sizeWeight[s] = sizeWeight[s]! / sw;

  const mask = new Uint8Array(d);
  const comp = new Uint8Array(d);
  const complete = nsamples >= total;
  let left = complete ? total : nsamples;
  let nFull = 0;
  const remaining = Float64Array.from(sizeWeight);
  for (let s = 1; s <= nSizes; s++) {
    const paired = s <= nPaired;
    const nSub = binom(d, s) * (paired ? 2 : 1);
    if (!complete && !(left * remaining[s - 1]! >= nSub * (1 - 1e-8))) break;
    nFull++;
    left -= nSub;
    if (remaining[s - 1]! < 1) {
      const r = 1 - remaining[s - 1]!;
      for (let t = 0; t < nSizes; t++) remaining[t] = remaining[t]! / r;
    }
    const w = sizeWeight[s - 1]! / nSub;
    // All subsets of size s (combinations in lexicographic order), with complements when paired.
    const idx = Int32Array.from({ length: s }, (_, t) => t);
    for (;;) {
      mask.fill(0);
      for (let t = 0; t < s; t++) mask[idx[t]!] = 1;
      add(mask, w);
      if (paired) {
        for (let j = 0; j < d; j++) comp[j] = 1 - mask[j]!;
        add(comp, w);
      }
      let t = s - 1;
      while (t >= 0 && idx[t] === d - s + t) t--;
      if (t < 0) break;
      idx[t] = idx[t]! + 1;
      for (let u = t + 1; u < s; u++) idx[u] = idx[u - 1]! + 1;
    }
  }
  if (nFull < nSizes && left > 0) {
    // Sample sizes from the kernel mass of the sizes not filled, subsets uniformly within a size,
    // each with its complement; repeated coalitions accumulate weight.
    const rest = new Float64Array(nSizes - nFull);
    let rs = 0;
    for (let s = nFull + 1; s <= nSizes; s++) {
      rest[s - nFull - 1] = sizeWeight[s - 1]!;
      rs += sizeWeight[s - 1]!;
    }
    const seen = new Map<string, number>();
    const perm = Int32Array.from({ length: d }, (_, j) => j);
    const start = weights.length;
    let sampledWeight = 0;
    let attempts = 0;
    while (left > 0 && attempts < 4 * nsamples) {
      attempts++;
      let u = rng.nextFloat64() * rs;
      let s = nFull + 1;
      for (let t = 0; t < rest.length; t++) {
        u -= rest[t]!;
        if (u < 0) {
          s = nFull + 1 + t;
          break;
        }
        s = nFull + 1 + t;
      }
      // Partial Fisher–Yates: the first s entries of perm are a uniform subset of size s.
      for (let t = 0; t < s; t++) {
        const r = t + randomInt(rng, d - t);
        const tmp = perm[t]!;
        perm[t] = perm[r]!;
        perm[r] = tmp;
      }
      mask.fill(0);
      for (let t = 0; t < s; t++) mask[perm[t]!] = 1;
      const put = (mk: Uint8Array): void => {
        const key = String.fromCharCode(...mk);
        const at = seen.get(key);
        sampledWeight += 1;
        if (at !== undefined) weights[at] = weights[at]! + 1;
        else {
          seen.set(key, weights.length);
          add(mk, 1);
          left--;
        }
      };
      put(mask);
      if (s <= nPaired && left > 0) {
        for (let j = 0; j < d; j++) comp[j] = 1 - mask[j]!;
        put(comp);
      }
    }
    // The sampled coalitions share the kernel mass of the sizes not filled completely.
    let massLeft = 0;
    for (let s = nFull + 1; s <= nSizes; s++) massLeft += sizeWeight[s - 1]!;
    for (let k = start; k < weights.length; k++) weights[k] = (weights[k]! * massLeft) / sampledWeight;
  }
  return {
    d,
    m: weights.length,
    masks: Uint8Array.from(masks),
    weights: Float64Array.from(weights),
    complete: nFull === nSizes,
  };
}

/**
 * Solves the constrained weighted least squares: minimise Σ_k w_k (y_k − z_k·φ)² subject to
 * Σφ = delta, where y_k = v(z_k) − v(∅). The last unknown is eliminated: φ_d = delta − Σ_{j<d} φ_j.
 */
export function solveKernel(design: KernelDesign, y: Float64Array, delta: number): Float64Array {
  const { d, m, masks, weights } = design;
  const phi = new Float64Array(d);
  if (d === 1) {
    phi[0] = delta;
    return phi;
  }
  const q = d - 1;
  const a = new Float64Array(q * q);
  const b = new Float64Array(q);
  const row = new Float64Array(q);
  for (let k = 0; k < m; k++) {
    const off = k * d;
    const zl = masks[off + q]!;
    for (let j = 0; j < q; j++) row[j] = masks[off + j]! - zl;
    const w = weights[k]!;
    const t = y[k]! - zl * delta;
    for (let i = 0; i < q; i++) {
      const wi = w * row[i]!;
      if (wi === 0) continue;
      b[i] = b[i]! + wi * t;
      for (let j = 0; j <= i; j++) a[i * q + j] = a[i * q + j]! + wi * row[j]!;
    }
  }
  for (let i = 0; i < q; i++) for (let j = 0; j < i; j++) a[j * q + i] = a[i * q + j]!;
  const { x } = choleskySolve(a, b, q);
  let s = 0;
  for (let j = 0; j < q; j++) {
    phi[j] = x[j]!;
    s += x[j]!;
  }
  phi[q] = delta - s;
  return phi;
}

/**
 * KernelSHAP over a background (summarised by weighted k-means above `maxBackground` rows).
 * @throws {AEQ_INVALID_ARGUMENT} for a missing background, rows out of range, or nsamples < 1.
 * @throws {AEQ_MODEL_FEATURES} when the data or the background lacks a model column.
 * @example
 * const e = await kernelShap(model, data, { background, rows: [3], seed: 1 });
 * e.rows[0].attributions // Float64Array [0.12, −0.03, …]; Σ = prediction − baseValue exactly
 */
export async function kernelShap(
  model: Model,
  data: Table,
  opts: KernelShapOptions = {},
): Promise<Explanation> {
  const fn = 'kernelShap';
  const p = prepareBlackBox(fn, model, data, opts);
  const d = p.groups.names.length;
  const nsamples = opts.nsamples ?? 2 * d + 2048;
  if (!Number.isInteger(nsamples) || nsamples < 1)
    throw new InvalidArgumentError(fn, 'nsamples', opts.nsamples, 'a positive integer');
  // One design per number of varying features (the full one for rows where every feature varies).
  const designs = new Map<number, KernelDesign>();
  const designFor = (dv: number): KernelDesign => {
    let des = designs.get(dv);
    if (des === undefined) {
      des = kernelDesign(dv, nsamples, p.rng.fork(dv === d ? 'kernel' : `kernel:${dv}`));
      designs.set(dv, des);
    }
    return des;
  };
  let skipped = 0;
  const e = await runRows('kernel', p, opts, async (i, prediction, base) => {
    // A feature equal in the row and in every background row cannot change any coalition's value:
    // its Shapley value is exactly 0 and it is left out of the regression (as the shap package does).
    const vary = varyingFeatures(p.pool, p.groups, i);
    const dv = vary.length;
    skipped += d - dv;
    const design = designFor(dv);
    const phi = new Float64Array(d);
    if (dv === 0) return phi;
    let sub: Float64Array;
    if (design.m === 0) sub = solveKernel(design, new Float64Array(0), prediction - base);
    else {
      let masks = design.masks;
      if (dv < d) {
        // Expand the masks to all d features; the constant ones take 0 (either value gives the same row).
        masks = new Uint8Array(design.m * d);
        for (let k = 0; k < design.m; k++)
          for (let t = 0; t < dv; t++) masks[k * d + vary[t]!] = design.masks[k * dv + t]!;
      }
      const v = await p.game.evaluate(i, masks, design.m);
      for (let k = 0; k < v.length; k++) v[k] = v[k]! - base;
      sub = solveKernel(design, v, prediction - base);
    }
    for (let t = 0; t < dv; t++) phi[vary[t]!] = sub[t]!;
    return phi;
  });
  const full = designFor(d);
  return {
    ...e,
    parameters: {
      ...e.parameters,
      nsamples,
      coalitions: full.m,
      allCoalitions: full.complete,
      constantFeaturesSkipped: skipped,
    },
  };
}

/**
 * Indices of the explained features of pool row `i` that differ from at least one background row
 * (in some column of the feature; missing equals only missing).
 * @example varyingFeatures(pool, groups, 0) // Int32Array [0, 2] when feature 1 equals every background row
 */
export function varyingFeatures(pool: RowPool, groups: FeatureGroups, i: number): Int32Array {
  const d = groups.names.length;
  const varies = new Uint8Array(d);
  const { nx, nb } = pool;
  pool.cols.forEach((c, k) => {
    const g = groups.groupOf[k]!;
    if (varies[g] === 1) return;
    const miss = c.missing;
    const mi = miss ? miss[i]! : 0;
    for (let b = nx; b < nx + nb; b++) {
      const mb = miss ? miss[b]! : 0;
      if (mi !== mb || (mi === 0 && c.values[b] !== c.values[i])) {
        varies[g] = 1;
        return;
      }
    }
  });
  const out: number[] = [];
  for (let j = 0; j < d; j++) if (varies[j] === 1) out.push(j);
  return Int32Array.from(out);
}
