/**
 * @module privacy/attacks/membership
 * Membership inference: how well can an attacker tell the rows a model was trained on from rows it
 * never saw? Three attacks, each scored by AUC and TPR at low FPR (exact ROC, see roc.ts):
 * - loss threshold (Yeom et al. 2018, https://arxiv.org/abs/1709.01604): a low loss on the true
 *   label means "member";
 * - confidence threshold (Yeom et al. 2018; Salem et al. 2019): a high top-class probability
 *   means "member" (needs no label);
 * - shadow models (Shokri et al. 2017, https://arxiv.org/abs/1610.05820): k models of the same
 *   learner trained on disjoint halves of the attacker's own data teach a per-class attack model
 *   what members' prediction vectors look like.
 */
import { InvalidArgumentError, type Rng, randomInt, seededRng } from '../../core/index.js';
import { cellString, fromArrays, type Table, toBinary } from '../../data/index.js';
import { type Learner, logisticRegression, type Model } from '../../models/index.js';
import { type AttackRoc, attackRoc, tprAtFpr } from './roc.js';

/** The false-positive rates at which every attack reports its TPR. */
export const ATTACK_FPRS: readonly number[] = [0.001, 0.01, 0.1];

/** Which attack. */
export type MembershipAttackName = 'loss' | 'confidence' | 'shadow';

/** The outcome of one attack. */
export interface MembershipAttackResult {
  readonly attack: MembershipAttackName;
  /** Attack AUC: 0.5 is guessing, 1 tells every member apart. */
  readonly auc: number;
  /** TPR at the FPRs of {@link ATTACK_FPRS} (exact ROC interpolation). */
  readonly tprAtFpr: readonly { readonly fpr: number; readonly tpr: number }[];
  /** Membership advantage max(TPR − FPR) over thresholds (Yeom et al. 2018). */
  readonly advantage: number;
  readonly members: number;
  readonly nonMembers: number;
}

/** Options of {@link membershipInference}. */
export interface MembershipOptions {
  /** Rows the model was trained on. */
  readonly train: Table;
  /** Rows from the same population the model never saw. */
  readonly holdout: Table;
  /** The label column (in both tables). */
  readonly label: string;
  /** @default ['loss', 'confidence'] (plus 'shadow' when `shadow` is given) */
  readonly attacks?: readonly MembershipAttackName[];
  /** Shadow-model attack: the learner and the attacker's own data (disjoint from `train`). */
  readonly shadow?: ShadowOptions;
}

/** Options of the shadow-model attack. */
export interface ShadowOptions {
  /** The same kind of learner the target was trained with. */
  readonly learner: Learner;
  /** The attacker's data, from the same population, disjoint from the target's training rows. */
  readonly data: Table;
  /** Number of shadow models (the data is cut into k disjoint parts). @default 4 */
  readonly models?: number;
  /** Seed of the split of the shadow data. @default 0 */
  readonly seed?: number;
}

/**
 * Runs membership-inference attacks against `model`.
 * @throws {AEQ_INVALID_ARGUMENT} for a regression model with the confidence or shadow attack, an
 *   empty table, or 'shadow' without `shadow` options.
 * @example
 * const [loss] = await membershipInference(model, { train, holdout, label: 'y', attacks: ['loss'] });
 * loss.auc // e.g. 0.74 for an overfit tree, 0.5 for a model that ignores its input
 */
export async function membershipInference(
  model: Model,
  opts: MembershipOptions,
): Promise<MembershipAttackResult[]> {
  const attacks = opts.attacks ?? (opts.shadow ? ['loss', 'confidence', 'shadow'] : ['loss', 'confidence']);
  const fn = 'membershipInference';
  for (const a of attacks)
    if (a !== 'loss' && a !== 'confidence' && a !== 'shadow')
      throw new InvalidArgumentError(fn, 'attacks', a, '"loss", "confidence" or "shadow"');
  if (attacks.includes('shadow') && opts.shadow === undefined)
    throw new InvalidArgumentError(
      fn,
      'shadow',
      undefined,
      'shadow-model options ({ learner, data }) for the shadow attack',
    );
  if (model.task === 'regression' && attacks.some((a) => a !== 'loss'))
    throw new InvalidArgumentError(
      fn,
      'attacks',
      attacks,
      "['loss'] for a regression model (confidence and shadow attacks need class probabilities)",
    );
  const inView = await predictionView(model, opts.train, opts.label);
  const outView = await predictionView(model, opts.holdout, opts.label);
  const results: MembershipAttackResult[] = [];
  for (const a of attacks) {
    let roc: AttackRoc;
    if (a === 'loss') roc = attackRoc(negLoss(inView), negLoss(outView));
    else if (a === 'confidence') roc = attackRoc(topConfidence(inView), topConfidence(outView));
    else {
      const attackModel = await trainShadowAttack(model, opts.label, opts.shadow!);
      roc = attackRoc(await attackModel(inView), await attackModel(outView));
    }
    results.push(summariseAttack(a, roc));
  }
  return results;
}

/** The result of an attack from its ROC curve. */
export function summariseAttack(attack: MembershipAttackName, roc: AttackRoc): MembershipAttackResult {
  let advantage = 0;
  for (let i = 0; i < roc.fpr.length; i++) advantage = Math.max(advantage, roc.tpr[i]! - roc.fpr[i]!);
  return {
    attack,
    auc: roc.auc,
    tprAtFpr: ATTACK_FPRS.map((fpr) => ({ fpr, tpr: tprAtFpr(roc, fpr) })),
    advantage,
    members: roc.members,
    nonMembers: roc.nonMembers,
  };
}

/** A model's outputs on some rows, with each row's true label as a class index (or value). */
interface PredictionView {
  readonly n: number;
  /** Columns of `p` per row: 1 for binary (P(positive)) and regression, k for multiclass. */
  readonly k: number;
  readonly task: Model['task'];
  readonly p: Float64Array;
  /** Class index (binary: 0/1) or target value (regression). */
  readonly y: Float64Array;
}

async function predictionView(model: Model, table: Table, label: string): Promise<PredictionView> {
  const n = table.nrows;
  if (n === 0)
    throw new InvalidArgumentError(
      'membershipInference',
      'table',
      'a table with no rows',
      'at least one row',
    );
  const col = table.column(label, 'label');
  const p = await model.predictProba(table);
  const y = new Float64Array(n);
  if (model.task === 'binary') {
    const b = toBinary(col, model.classes[1]!.split('|')).values;
    for (let i = 0; i < n; i++) y[i] = b[i]!;
    return { n, k: 1, task: model.task, p, y };
  }
  if (model.task === 'regression') {
    if (col.kind !== 'number')
      throw new InvalidArgumentError(
        'membershipInference',
        'label',
        label,
        'a numeric column for a regression model',
      );
    y.set(col.values);
    return { n, k: 1, task: model.task, p, y };
  }
  const index = new Map(model.classes.map((c, i) => [c, i]));
  for (let i = 0; i < n; i++) {
    const v = cellString(col, i);
    const c = v === null ? undefined : index.get(v);
    if (c === undefined)
      throw new InvalidArgumentError(
        'membershipInference',
        `${label}[${i}]`,
        v,
        `one of the model's classes (${model.classes.join(', ')})`,
      );
    y[i] = c;
  }
  return { n, k: model.classes.length, task: model.task, p, y };
}

/** Smallest probability used in a log (keeps losses finite for hard 0/1 predictions). */
const P_MIN = 1e-12;

function pTrue(v: PredictionView, i: number): number {
  if (v.task === 'binary') return v.y[i] === 1 ? v.p[i]! : 1 - v.p[i]!;
  return v.p[i * v.k + v.y[i]!]!;
}

/** −loss per row (higher = more likely a member). */
function negLoss(v: PredictionView): Float64Array {
  const out = new Float64Array(v.n);
  for (let i = 0; i < v.n; i++) {
    if (v.task === 'regression') {
      const e = v.p[i]! - v.y[i]!;
      out[i] = -e * e;
    } else out[i] = Math.log(Math.max(pTrue(v, i), P_MIN));
  }
  return out;
}

/** The probability of row i's most likely class. */
function topProb(v: PredictionView, i: number): number {
  if (v.task === 'binary') return Math.max(v.p[i]!, 1 - v.p[i]!);
  let m = 0;
  for (let c = 0; c < v.k; c++) m = Math.max(m, v.p[i * v.k + c]!);
  return m;
}

function topConfidence(v: PredictionView): Float64Array {
  const out = new Float64Array(v.n);
  for (let i = 0; i < v.n; i++) out[i] = topProb(v, i);
  return out;
}

/** Attack features of row i: log P(true class), log(1 − P(true class)), log P(top class). */
function attackFeatures(v: PredictionView, i: number, out: number[][]): void {
  const pt = pTrue(v, i);
  const top = topProb(v, i);
  out[0]!.push(Math.log(Math.max(pt, P_MIN)));
  out[1]!.push(Math.log(Math.max(1 - pt, P_MIN)));
  out[2]!.push(Math.log(Math.max(top, P_MIN)));
}

/**
 * Trains k shadow models on disjoint "in" halves of the shadow data and one attack model per
 * true class (logistic regression on the attack features) from the shadows' in/out rows.
 * Returns the scorer: P(member) per row of a prediction view of the target model.
 */
async function trainShadowAttack(
  target: Model,
  label: string,
  s: ShadowOptions,
): Promise<(v: PredictionView) => Promise<Float64Array>> {
  const k = s.models ?? 4;
  if (!(Number.isInteger(k) && k >= 1))
    throw new InvalidArgumentError('membershipInference', 'shadow.models', k, 'an integer ≥ 1');
  const n = s.data.nrows;
  if (n < 4 * k)
    throw new InvalidArgumentError(
      'membershipInference',
      'shadow.data',
      `${n} rows`,
      `at least ${4 * k} rows (4 per shadow model)`,
      'Give the attacker more data, or fewer shadow models.',
    );
  const rng = seededRng(s.seed ?? 0).fork('shadow');
  const perm = permutation(n, rng);
  const positive = target.task === 'binary' ? target.classes[1]!.split('|') : undefined;
  const classes = target.task === 'binary' ? 2 : target.classes.length;
  // Per true class: features (3 columns) and membership.
  const feats = Array.from({ length: classes }, () => [[], [], []] as number[][]);
  const member = Array.from({ length: classes }, () => [] as number[]);
  for (let m = 0; m < k; m++) {
    const lo = Math.floor((m * n) / k);
    const hi = Math.floor(((m + 1) * n) / k);
    const mid = (lo + hi) >>> 1;
    const inRows = s.data.take(perm.slice(lo, mid));
    const outRows = s.data.take(perm.slice(mid, hi));
    const shadow = await s.learner.fit(inRows, label, {
      features: target.features,
      seed: (s.seed ?? 0) + m,
      ...(positive === undefined ? {} : { positive }),
    });
    for (const [rows, isIn] of [
      [inRows, 1],
      [outRows, 0],
    ] as const) {
      const v = await predictionView(shadow, rows, label);
      for (let i = 0; i < v.n; i++) {
        const c = v.y[i]!;
        attackFeatures(v, i, feats[c]!);
        member[c]!.push(isIn);
      }
    }
  }
  const models: (Model | null)[] = [];
  for (let c = 0; c < classes; c++) {
    const ms = member[c]!;
    const mixed = ms.includes(0) && ms.includes(1);
    if (!mixed) {
      models.push(null);
      continue;
    }
    const t = fromArrays({ f0: feats[c]![0]!, f1: feats[c]![1]!, f2: feats[c]![2]!, member: ms });
    models.push(await logisticRegression({ C: 1 }).fit(t, 'member', { positive: ['1'] }));
  }
  return async (v: PredictionView): Promise<Float64Array> => {
    // Rows of a class without an attack model (the shadows saw only members or only non-members
    // of it) get 0.5: no information.
    const out = new Float64Array(v.n).fill(0.5);
    for (let c = 0; c < classes; c++) {
      const am = models[c];
      if (!am) continue;
      const rows: number[] = [];
      for (let i = 0; i < v.n; i++) if (v.y[i] === c) rows.push(i);
      if (rows.length === 0) continue;
      const f = [[], [], []] as number[][];
      for (const i of rows) attackFeatures(v, i, f);
      const p = await am.predictProba(fromArrays({ f0: f[0]!, f1: f[1]!, f2: f[2]! }));
      for (let j = 0; j < rows.length; j++) out[rows[j]!] = p[j]!;
    }
    return out;
  };
}

function permutation(n: number, rng: Rng): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}
