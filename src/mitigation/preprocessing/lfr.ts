/**
 * @module mitigation/preprocessing/lfr
 * Learning fair representations (Zemel, Wu, Swersky, Pitassi & Dwork 2013, ICML,
 * https://proceedings.mlr.press/v28/zemel13.html): map each row to soft memberships of K prototypes
 * so that the memberships keep the features (A_x, reconstruction), predict the label (A_y) and have
 * the same mean in every group (A_z, statistical parity of the memberships). The three-term loss
 * and its analytic gradient are written here and minimised by the models' L-BFGS; A_z uses a smooth
 * absolute value √(t² + δ²) − δ (δ = 1e-4) so that the quasi-Newton steps stay well defined.
 */
import { Adder, AequaError, InvalidArgumentError, listSome, randomInt, seededRng } from '../../core/index.js';
import { type Column, createTable, type Table } from '../../data/index.js';
import {
  type Matrix,
  type ModelFile,
  modelFileOf,
  owlqnMinimize,
  type Preprocessor,
  prepareFitData,
  preprocessorFromJSON,
  registerModelKind,
  type SavableModel,
} from '../../models/index.js';
import { groupCodes } from '../groups.js';
import { sparseRowsOf } from '../sparse-rows.js';

/** Options of {@link lfr}. */
export interface LfrOptions {
  /** The binary label column. */
  readonly label: string;
  /** The sensitive column (two or more groups). */
  readonly sensitive: string;
  /** Value(s) of the label meaning positive. @default the data layer's rule */
  readonly positive?: readonly string[];
  /** Feature columns. @default every column but the label and the sensitive one */
  readonly features?: readonly string[];
  /** Number of prototypes K. @default 10 */
  readonly prototypes?: number;
  /** Weight of the reconstruction term A_x. @default 0.01 */
  readonly ax?: number;
  /** Weight of the prediction term A_y. @default 1 */
  readonly ay?: number;
  /**
   * Weight of the parity term A_z. Larger values push the memberships to exact parity at the cost of
   * the prediction term (on Adult, 50 gives a near-constant predictor; 1 keeps 81% test accuracy with a
   * 0.8-point selection-rate gap). @default 1
   */
  readonly az?: number;
  /** L-BFGS iteration limit. @default 200 */
  readonly maxIter?: number;
  /** Seed of the prototype initialisation (K distinct training rows). @default 0 */
  readonly seed?: number;
}

/** The three loss terms (unweighted) at one parameter value. */
export interface LfrLoss {
  /** Mean squared reconstruction error of the encoded features. */
  readonly reconstruction: number;
  /** Σ_k |M̄_k(group 1) − M̄_k(group 0)| (more groups: Σ_g Σ_k |M̄_k(g) − M̄_k|), exact absolute values. */
  readonly parity: number;
  /** Mean cross-entropy of the predicted label. */
  readonly prediction: number;
  /** Ax·reconstruction + Ay·prediction + Az·parity (with the smooth absolute value). */
  readonly total: number;
}

/** What LFR did, on the training rows. */
export interface LfrReport {
  readonly groups: readonly {
    readonly group: string;
    readonly rows: number;
    /** Mean membership of each prototype over the group's rows, before (init) and after training. */
    readonly meanMembershipBefore: readonly number[];
    readonly meanMembershipAfter: readonly number[];
  }[];
  readonly lossBefore: LfrLoss;
  readonly lossAfter: LfrLoss;
  /** Largest |difference| of a prototype's mean membership between two groups, before and after. */
  readonly maxMembershipGapBefore: number;
  readonly maxMembershipGapAfter: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/** Result of {@link lfr}. */
export interface LfrResult {
  /**
   * Rows as K membership columns `lfr_1` … `lfr_K` plus `lfr_score` (the predicted label probability);
   * the label and sensitive columns are carried over when present, so the result can be fitted or audited.
   */
  transform(table: Table): Table;
  /** Predicts the label from the memberships (kind 'lfr'; saves and loads). */
  readonly model: LfrModel;
  readonly report: LfrReport;
}

/** Smoothing of |t| in the parity term. */
const DELTA = 1e-4;
/** Keeps log(ŷ) finite when a prototype's label probability saturates. */
const LOG_EPS = 1e-12;

/**
 * Learns a fair representation. Memberships M_ik = softmax_k(−‖xᵢ − v_k‖²) over the encoded
 * (standardised, one-hot) features; reconstruction x̂ᵢ = Σ_k M_ik v_k; prediction
 * ŷᵢ = Σ_k M_ik σ(w_k). Loss = Ax·mean‖x − x̂‖² + Ay·mean CE(y, ŷ) + Az·Σ_k |M̄_k⁺ − M̄_k⁻|.
 *
 * Use it when downstream users need data whose features no longer reveal the group; it is slower
 * than reweighing (O(rows·K·features) per iteration) and loses information by design.
 * @throws {AEQ_INVALID_ARGUMENT} for K < 2, negative term weights, or a bad maxIter/seed.
 * @throws {AEQ_MITIGATION_SINGLE_GROUP} for a sensitive column with one group.
 * @throws {AEQ_DATA_NOT_BINARY} for a label with more than two classes.
 * @example
 * const r = lfr(adult, { label: 'income', sensitive: 'sex', prototypes: 10 });
 * r.report.maxMembershipGapAfter // well below maxMembershipGapBefore
 * r.transform(adultTest).names // ['lfr_1', …, 'lfr_10', 'lfr_score', 'income', 'sex']
 */
export function lfr(table: Table, opts: LfrOptions): LfrResult {
  const fn = 'lfr';
  const K = opts.prototypes ?? 10;
  if (!Number.isInteger(K) || K < 2) throw new InvalidArgumentError(fn, 'prototypes', K, 'an integer ≥ 2');
  const ax = opts.ax ?? 0.01;
  const ay = opts.ay ?? 1;
  const az = opts.az ?? 1;
  for (const [name, v] of [
    ['ax', ax],
    ['ay', ay],
    ['az', az],
  ] as const)
    if (!(v >= 0) || !Number.isFinite(v)) throw new InvalidArgumentError(fn, name, v, 'a finite number ≥ 0');
  const maxIter = opts.maxIter ?? 200;
  if (!Number.isInteger(maxIter) || maxIter < 1)
    throw new InvalidArgumentError(fn, 'maxIter', maxIter, 'an integer ≥ 1');
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(seed)) throw new InvalidArgumentError(fn, 'seed', seed, 'an integer');
  if (opts.sensitive === opts.label)
    throw new InvalidArgumentError(
      fn,
      'sensitive',
      opts.sensitive,
      `a column other than the label "${opts.label}"`,
    );
  const groups = groupCodes(table, opts.sensitive, fn);
  const features = opts.features ?? table.names.filter((c) => c !== opts.label && c !== opts.sensitive);
  const data = prepareFitData(table, opts.label, {
    kind: 'classification',
    features,
    ...(opts.positive === undefined ? {} : { positive: opts.positive }),
  });
  if (data.task !== 'binary')
    throw new AequaError(
      'AEQ_DATA_NOT_BINARY',
      `${fn}: the label "${opts.label}" has ${data.classes.length} classes (${listSome(data.classes)}); the prediction term of LFR needs a binary label.`,
      {
        hint: 'Pass positive values (--positive) to make the label binary.',
        details: { column: opts.label },
      },
    );
  const { x, y } = data;
  const n = x.rows;
  const d = x.cols;
  if (n < K)
    throw new InvalidArgumentError(fn, 'prototypes', K, `at most the number of training rows (${n})`);
  const G = groups.names.length;
  const codes = groups.codes;
  const counts = groups.counts;

  // Parameters: V (K × d, row-major), then the K label logits w.
  const theta0 = new Float64Array(K * d + K);
  const rng = seededRng(seed).fork('lfr:init');
  const chosen = new Set<number>();
  while (chosen.size < K) chosen.add(randomInt(rng, n));
  [...chosen].forEach((row, k) => {
    theta0.set(x.data.subarray(row * d, row * d + d), k * d);
  });

  const evaluate = lfrObjective({ x, y, codes, counts, groups: G, prototypes: K, ax, ay, az });
  const M = new Float64Array(n * K);
  const lossBefore = evaluate(theta0, null);
  membershipsInto(x, theta0, K, M);
  const before = groupMeans(M, codes, counts, n, K, G);
  const res = owlqnMinimize((t, g) => evaluate(t, g).total, theta0, { maxIter, tol: 1e-6 });
  const lossAfter = evaluate(res.x, null);
  membershipsInto(x, res.x, K, M);
  const after = groupMeans(M, codes, counts, n, K, G);
  const prototypes = res.x.slice(0, K * d);
  const probs = Float64Array.from({ length: K }, (_, k) => sigmoid(res.x[K * d + k]!));
  const model = new LfrModel({
    preprocessor: data.preprocessor,
    classes: data.classes,
    target: opts.label,
    prototypes,
    probs,
    sensitive: opts.sensitive,
  });
  const keep = [opts.label, opts.sensitive];
  return {
    model,
    transform(t: Table): Table {
      const m = model.memberships(t);
      const cols: Record<string, Column> = {};
      for (let k = 0; k < K; k++) {
        const v = new Float64Array(t.nrows);
        for (let i = 0; i < t.nrows; i++) v[i] = m.data[i * K + k]!;
        cols[`lfr_${k + 1}`] = { kind: 'number', values: v, valid: null };
      }
      cols.lfr_score = { kind: 'number', values: model.scores(m), valid: null };
      for (const c of keep) if (t.names.includes(c)) cols[c] = t.column(c);
      return createTable(cols, t.source);
    },
    report: {
      groups: groups.names.map((group, g) => ({
        group,
        rows: counts[g]!,
        meanMembershipBefore: Array.from(before.subarray(g * K, g * K + K)),
        meanMembershipAfter: Array.from(after.subarray(g * K, g * K + K)),
      })),
      lossBefore,
      lossAfter,
      maxMembershipGapBefore: maxGap(before, G, K),
      maxMembershipGapAfter: maxGap(after, G, K),
      iterations: res.iterations,
      converged: res.converged,
    },
  };
}

/** The data and weights of an LFR objective. */
export interface LfrProblem {
  /** Encoded features, n × d. */
  readonly x: Matrix;
  /** 0/1 labels. */
  readonly y: Float64Array;
  /** Group code per row (0..groups−1) and rows per group. */
  readonly codes: Int32Array;
  readonly counts: Float64Array;
  readonly groups: number;
  readonly prototypes: number;
  readonly ax: number;
  readonly ay: number;
  readonly az: number;
}

/**
 * The LFR objective over parameters θ = [V (K × d, row-major), w (K label logits)]: returns the loss
 * terms and, when `grad` is given, fills it with ∂total/∂θ (analytic; see the module header).
 * Exposed for gradient checks and custom optimisers; {@link lfr} is the usual entry point.
 * @example lfrObjective(problem)(theta, grad).total // Ax·reconstruction + Ay·prediction + Az·smooth parity
 */
export function lfrObjective(p: LfrProblem): (theta: Float64Array, grad: Float64Array | null) => LfrLoss {
  const { x, y, codes, counts, ax, ay, az } = p;
  const K = p.prototypes;
  const G = p.groups;
  const n = x.rows;
  const d = x.cols;
  // Compressed sparse rows of x and ‖xᵢ‖²: one-hot columns are mostly zero, so distances and
  // reconstructions go through xᵢ·v_k (non-zeros × K) and the K × K Gram matrix of the prototypes.
  const { start, index: col, value: val } = sparseRowsOf(x);
  const xx = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let q = 0;
    for (let t = start[i]!; t < start[i + 1]!; t++) q += val[t]! * val[t]!;
    xx[i] = q;
  }
  // Buffers reused by every evaluation (the objective allocates nothing per row).
  const M = new Float64Array(n * K);
  const dots = new Float64Array(n * K);
  const yhat = new Float64Array(n);
  const VV = new Float64Array(K * K);
  const xhatV = new Float64Array(K);
  const Gk = new Float64Array(K);
  const D = new Float64Array(K);
  const A = new Float64Array(K * K);
  const meanGK = new Float64Array(G * K);
  const meanK = new Float64Array(K);
  const eGK = new Float64Array(G * K);
  const eK = new Float64Array(K);
  const sk = new Float64Array(K);

  return (theta: Float64Array, grad: Float64Array | null): LfrLoss => {
    for (let k = 0; k < K; k++) {
      sk[k] = sigmoid(theta[K * d + k]!);
      for (let l = 0; l <= k; l++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += theta[k * d + j]! * theta[l * d + j]!;
        VV[k * K + l] = s;
        VV[l * K + k] = s;
      }
    }
    const lx = new Adder();
    const ly = new Adder();
    meanGK.fill(0);
    meanK.fill(0);
    for (let i = 0; i < n; i++) {
      const mo = i * K;
      // dᵢₖ = ‖xᵢ‖² − 2xᵢ·v_k + ‖v_k‖²; M = softmax(−d) (shifted by the smallest distance).
      let min = Number.POSITIVE_INFINITY;
      for (let k = 0; k < K; k++) {
        let s = 0;
        for (let t = start[i]!; t < start[i + 1]!; t++) s += val[t]! * theta[k * d + col[t]!]!;
        dots[mo + k] = s;
        const dist = xx[i]! - 2 * s + VV[k * K + k]!;
        M[mo + k] = dist;
        if (dist < min) min = dist;
      }
      let z = 0;
      for (let k = 0; k < K; k++) {
        const e = Math.exp(-(M[mo + k]! - min));
        M[mo + k] = e;
        z += e;
      }
      let yh = 0;
      let xd = 0;
      for (let k = 0; k < K; k++) {
        const m = M[mo + k]! / z;
        M[mo + k] = m;
        yh += m * sk[k]!;
        xd += m * dots[mo + k]!;
      }
      let hh = 0;
      for (let k = 0; k < K; k++) {
        let r = 0;
        for (let l = 0; l < K; l++) r += M[mo + l]! * VV[k * K + l]!;
        hh += M[mo + k]! * r;
      }
      yhat[i] = yh;
      ly.add(-(y[i]! * Math.log(yh + LOG_EPS) + (1 - y[i]!) * Math.log(1 - yh + LOG_EPS)));
      // ‖xᵢ − x̂ᵢ‖² = ‖xᵢ‖² − 2Σ_k M_ik xᵢ·v_k + Σ_kl M_ik M_il v_k·v_l
      lx.add(Math.max(0, xx[i]! - 2 * xd + hh));
      const go = codes[i]! * K;
      for (let k = 0; k < K; k++) {
        meanGK[go + k] = meanGK[go + k]! + M[mo + k]!;
        meanK[k] = meanK[k]! + M[mo + k]!;
      }
    }
    for (let g = 0; g < G; g++)
      for (let k = 0; k < K; k++) meanGK[g * K + k] = meanGK[g * K + k]! / counts[g]!;
    for (let k = 0; k < K; k++) meanK[k] = meanK[k]! / n;
    // Parity: two groups compare group 1 with group 0 (the paper); more compare each with the overall mean.
    let parity = 0;
    let smooth = 0;
    eGK.fill(0);
    eK.fill(0);
    if (G === 2) {
      for (let k = 0; k < K; k++) {
        const t = meanGK[K + k]! - meanGK[k]!;
        parity += Math.abs(t);
        const r = Math.sqrt(t * t + DELTA * DELTA);
        smooth += r - DELTA;
        eK[k] = t / r; // ∂/∂t
      }
    } else {
      for (let g = 0; g < G; g++)
        for (let k = 0; k < K; k++) {
          const t = meanGK[g * K + k]! - meanK[k]!;
          parity += Math.abs(t);
          const r = Math.sqrt(t * t + DELTA * DELTA);
          smooth += r - DELTA;
          eGK[g * K + k] = t / r;
          eK[k] = eK[k]! + t / r;
        }
    }
    const reconstruction = lx.value / n;
    const prediction = ly.value / n;
    const loss: LfrLoss = {
      reconstruction,
      parity,
      prediction,
      total: ax * reconstruction + ay * prediction + az * smooth,
    };
    if (grad === null) return loss;
    grad.fill(0);
    D.fill(0);
    A.fill(0);
    const wOff = K * d;
    const cx = (-2 * ax) / n;
    for (let i = 0; i < n; i++) {
      const mo = i * K;
      const g = codes[i]!;
      // x̂ᵢ·v_k = Σ_l M_il v_l·v_k.
      for (let k = 0; k < K; k++) {
        let r = 0;
        for (let l = 0; l < K; l++) r += M[mo + l]! * VV[l * K + k]!;
        xhatV[k] = r;
      }
      const yi = y[i]!;
      const yh = yhat[i]!;
      const t = (-ay / n) * (yi / (yh + LOG_EPS) - (1 - yi) / (1 - yh + LOG_EPS));
      let avg = 0;
      for (let k = 0; k < K; k++) {
        // Gk = ∂L/∂M_ik: reconstruction −(2Ax/n)(xᵢ − x̂ᵢ)·v_k, prediction t·σ(w_k), parity.
        let v = cx * (dots[mo + k]! - xhatV[k]!) + t * sk[k]!;
        if (G === 2) v += az * eK[k]! * (g === 1 ? 1 / counts[1]! : -1 / counts[0]!);
        else v += az * (eGK[g * K + k]! / counts[g]! - eK[k]! / n);
        Gk[k] = v;
        avg += M[mo + k]! * v;
        grad[wOff + k] = grad[wOff + k]! + t * M[mo + k]! * sk[k]! * (1 - sk[k]!);
      }
      for (let k = 0; k < K; k++) {
        const m = M[mo + k]!;
        // ∂L/∂d_ik = −M_ik(G_ik − Σ_l M_il G_il), ∂d_ik/∂v_k = −2(xᵢ − v_k); the direct reconstruction
        // term is rec·(xᵢ − x̂ᵢ) with rec = −(2Ax/n)M_ik. The xᵢ parts are added sparsely here, the
        // v_k and x̂ᵢ parts through D_k = Σᵢ dd_ik and A_kl = Σᵢ rec_ik M_il after the loop.
        const dd = -m * (Gk[k]! - avg);
        const rec = cx * m;
        const coef = -2 * dd + rec;
        D[k] = D[k]! + dd;
        for (let l = 0; l < K; l++) A[k * K + l] = A[k * K + l]! + rec * M[mo + l]!;
        const vo = k * d;
        for (let s = start[i]!; s < start[i + 1]!; s++)
          grad[vo + col[s]!] = grad[vo + col[s]!]! + coef * val[s]!;
      }
    }
    for (let k = 0; k < K; k++) {
      const vo = k * d;
      for (let j = 0; j < d; j++) {
        let h = 0;
        for (let l = 0; l < K; l++) h += A[k * K + l]! * theta[l * d + j]!;
        grad[vo + j] = grad[vo + j]! + 2 * D[k]! * theta[vo + j]! - h;
      }
    }
    return loss;
  };
}

/** `parameters` of a saved LFR model. */
export interface LfrParameters {
  /** K prototypes in the encoded feature space (aligned with the preprocessor's outputNames). */
  readonly prototypes: readonly (readonly number[])[];
  /** σ(w_k): each prototype's probability of the positive label. */
  readonly labelProbabilities: readonly number[];
  /** The sensitive column the representation was made fair for (documentation; not read at prediction). */
  readonly sensitive: string;
}

/**
 * The label predictor of a fair representation: P(y = 1) = Σ_k M_k(x)·σ(w_k), with M(x) the softmax
 * of negative squared distances to the prototypes. Saves as kind 'lfr'.
 */
export class LfrModel implements SavableModel {
  readonly kind = 'lfr';
  readonly task = 'binary' as const;
  readonly features: readonly string[];
  readonly classes: readonly string[];
  readonly target: string;
  readonly preprocessor: Preprocessor;
  readonly sensitive: string;
  /** K × d prototypes, row-major. */
  readonly prototypes: Float64Array;
  readonly labelProbabilities: Float64Array;
  readonly k: number;

  constructor(init: {
    readonly preprocessor: Preprocessor;
    readonly classes: readonly string[];
    readonly target: string;
    readonly prototypes: Float64Array;
    readonly probs: Float64Array;
    readonly sensitive: string;
  }) {
    this.preprocessor = init.preprocessor;
    this.features = init.preprocessor.features;
    this.classes = init.classes;
    this.target = init.target;
    this.prototypes = init.prototypes;
    this.labelProbabilities = init.probs;
    this.sensitive = init.sensitive;
    this.k = init.probs.length;
  }

  /** Prototype memberships of the rows (n × K, rows sum to 1). */
  memberships(rows: Table): Matrix {
    const x = this.preprocessor.transform(rows);
    const out = new Float64Array(x.rows * this.k);
    membershipsInto(x, this.prototypes, this.k, out);
    return { rows: x.rows, cols: this.k, data: out };
  }

  /** Σ_k M_ik σ(w_k) per row of a membership matrix. */
  scores(m: Matrix): Float64Array {
    const out = new Float64Array(m.rows);
    for (let i = 0; i < m.rows; i++) {
      let s = 0;
      for (let k = 0; k < this.k; k++) s += m.data[i * this.k + k]! * this.labelProbabilities[k]!;
      out[i] = s;
    }
    return out;
  }

  async predictProba(rows: Table, opts: { readonly signal?: AbortSignal } = {}): Promise<Float64Array> {
    opts.signal?.throwIfAborted();
    return this.scores(this.memberships(rows));
  }

  toJSON(): ModelFile {
    const d = this.prototypes.length / this.k;
    const parameters: LfrParameters = {
      prototypes: Array.from({ length: this.k }, (_, k) =>
        Array.from(this.prototypes.subarray(k * d, k * d + d)),
      ),
      labelProbabilities: Array.from(this.labelProbabilities),
      sensitive: this.sensitive,
    };
    return modelFileOf(this, parameters);
  }
}

/**
 * Rebuilds an LFR model (registered as kind 'lfr').
 * @throws {AEQ_MODEL_FORMAT} when the prototypes or probabilities are missing or of the wrong shape.
 * @example lfrModelFromFile(model.toJSON()).k // 10
 */
export function lfrModelFromFile(file: ModelFile): LfrModel {
  const preprocessor = preprocessorFromJSON(file.preprocessing);
  const d = preprocessor.outputNames.length;
  const p = file.parameters as Partial<Record<keyof LfrParameters, unknown>> | null;
  const finite = (v: unknown, len: number): v is number[] =>
    Array.isArray(v) && v.length === len && v.every((e) => typeof e === 'number' && Number.isFinite(e));
  const probs = p?.labelProbabilities;
  const k = Array.isArray(probs) ? probs.length : 0;
  const issues: string[] = [];
  if (k < 2 || !finite(probs, k) || !probs.every((q) => q >= 0 && q <= 1))
    issues.push('"parameters.labelProbabilities" must hold K ≥ 2 probabilities');
  if (!Array.isArray(p?.prototypes) || p.prototypes.length !== k || !p.prototypes.every((r) => finite(r, d)))
    issues.push(`"parameters.prototypes" must be K arrays of ${d} finite numbers (one per encoded column)`);
  if (typeof p?.sensitive !== 'string') issues.push('"parameters.sensitive" must be a string');
  if (file.classes.length !== 2) issues.push('an LFR model needs 2 classes');
  if (issues.length > 0)
    throw new AequaError('AEQ_MODEL_FORMAT', `The lfr model file is invalid: ${issues.join('; ')}.`, {
      hint: 'Re-save the model with this version of aequa.',
      details: { issues },
    });
  const prototypes = new Float64Array(k * d);
  (p!.prototypes as number[][]).forEach((r, i) => {
    prototypes.set(r, i * d);
  });
  return new LfrModel({
    preprocessor,
    classes: file.classes,
    target: file.target,
    prototypes,
    probs: Float64Array.from(probs as number[]),
    sensitive: p!.sensitive as string,
  });
}

registerModelKind('lfr', lfrModelFromFile);

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** M_ik = softmax_k(−‖xᵢ − v_k‖²) into `out` (n × K); V is the first K·d entries of `theta`. */
function membershipsInto(x: Matrix, theta: Float64Array, K: number, out: Float64Array): void {
  const { rows: n, cols: d, data } = x;
  for (let i = 0; i < n; i++) {
    const xo = i * d;
    const mo = i * K;
    let min = Number.POSITIVE_INFINITY;
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const e = data[xo + j]! - theta[k * d + j]!;
        s += e * e;
      }
      out[mo + k] = s;
      if (s < min) min = s;
    }
    let z = 0;
    for (let k = 0; k < K; k++) {
      const e = Math.exp(-(out[mo + k]! - min));
      out[mo + k] = e;
      z += e;
    }
    for (let k = 0; k < K; k++) out[mo + k] = out[mo + k]! / z;
  }
}

function groupMeans(
  M: Float64Array,
  codes: Int32Array,
  counts: Float64Array,
  n: number,
  K: number,
  G: number,
): Float64Array {
  const out = new Float64Array(G * K);
  for (let i = 0; i < n; i++) {
    const go = codes[i]! * K;
    for (let k = 0; k < K; k++) out[go + k] = out[go + k]! + M[i * K + k]!;
  }
  for (let g = 0; g < G; g++) for (let k = 0; k < K; k++) out[g * K + k] = out[g * K + k]! / counts[g]!;
  return out;
}

function maxGap(means: Float64Array, G: number, K: number): number {
  let best = 0;
  for (let k = 0; k < K; k++)
    for (let a = 0; a < G; a++)
      for (let b = a + 1; b < G; b++) best = Math.max(best, Math.abs(means[a * K + k]! - means[b * K + k]!));
  return best;
}
