/**
 * @module mitigation/postprocessing/calibrated-equalized-odds
 * Calibrated equalized odds (Pleiss, Raghavan, Wu, Kleinberg & Weinberger 2017, "On Fairness and
 * Calibration", https://arxiv.org/abs/1709.02012): keep each group's scores calibrated and equalise
 * one cost (generalized FNR, generalized FPR, or a weighted mix) across groups by withholding
 * information: every group except the costliest outputs, with probability α_g, its base rate μ_g
 * instead of the model's score. α_g comes from the paper's closed form (section 4). Works on the
 * scores of any binary Model; the wrapped model saves as kind 'calibrated-eq-odds'.
 */
import { Adder, AequaError, InvalidArgumentError, listSome, seededRng, warn } from '../../core/index.js';
import { loadModel, type Model, type ModelFile, registerModelKind } from '../../models/index.js';
import { checkLength, codesFromValues } from '../groups.js';
import { emptyCellError } from '../messages.js';
import { GroupRuleModel } from './group-rule-model.js';
import { checkLabels, checkScores } from './threshold-optimizer.js';

/** The cost made equal across groups. */
export type CalibratedCost = 'fnr' | 'fpr' | 'weighted';

/** Options of {@link calibratedEqualizedOdds}. */
export interface CalibratedEqOddsOptions {
  /** @default 'weighted' */
  readonly cost?: CalibratedCost;
  /** Weight of false positives in the 'weighted' cost. @default 1 */
  readonly fpWeight?: number;
  /** Weight of false negatives in the 'weighted' cost. @default 1 */
  readonly fnWeight?: number;
  /** Name of the sensitive attribute, for messages and the wrapped model. @default 'groups' */
  readonly sensitive?: string;
}

/** One group's figures before and after mixing (all on the fitting data). */
export interface CalibratedEqOddsGroup {
  readonly group: string;
  readonly rows: number;
  /** μ_g: share of positive labels. */
  readonly baseRate: number;
  /** Probability of replacing the score by μ_g. */
  readonly mixRate: number;
  /** GFPR = mean score of the negatives; GFNR = mean (1 − score) of the positives. */
  readonly generalizedFprBefore: number;
  readonly generalizedFnrBefore: number;
  readonly generalizedFprAfter: number;
  readonly generalizedFnrAfter: number;
  readonly costBefore: number;
  readonly costAfter: number;
  /** Cost of always predicting μ_g (the most a group can be moved to). */
  readonly trivialCost: number;
}

/** The fitted rule: serialisable, applied with {@link applyCalibratedEqOdds}. */
export interface CalibratedEqOddsRule {
  readonly kind: 'calibrated-eq-odds';
  readonly cost: CalibratedCost;
  readonly fpWeight: number;
  readonly fnWeight: number;
  /** Per group: the mixing rate α_g and the base rate μ_g. */
  readonly groups: Readonly<Record<string, { readonly mixRate: number; readonly baseRate: number }>>;
}

/** Result of {@link calibratedEqualizedOdds}. */
export interface CalibratedEqOddsResult {
  readonly rule: CalibratedEqOddsRule;
  readonly groups: readonly CalibratedEqOddsGroup[];
  /** The shared cost: the highest group cost before mixing. */
  readonly targetCost: number;
  /** False when some group cannot reach the target even by always predicting its base rate (it gets α = 1). */
  readonly feasible: boolean;
}

/**
 * Fits calibrated equalized odds on scores, 0/1 labels and groups. With μ_g the base rate,
 * GFPR_g = mean score of group g's negatives and GFNR_g = mean (1 − score) of its positives, the
 * cost is GFNR ('fnr'), GFPR ('fpr') or (a·(1 − μ)·GFPR + b·μ·GFNR)/(a + b) ('weighted', a = fpWeight,
 * b = fnWeight). The trivial classifier ŝ = μ_g costs 1 − μ_g, μ_g, or μ_g(1 − μ_g). With target
 * c* = max_g c_g, each group gets α_g = (c* − c_g) / (c(μ_g) − c_g), so its mixed cost
 * (1 − α_g)c_g + α_g c(μ_g) equals c* (costs are linear in the scores).
 *
 * Use it when calibrated probabilities must be kept per group (risk scores); it equalises only one
 * error type. For hard decisions with equal TPR and FPR use thresholdOptimizer.
 * @param scores calibrated P(y = 1) per row, e.g. a model's predictProba.
 * @throws {AEQ_INVALID_ARGUMENT} for lengths that differ, labels other than 0/1, scores outside [0, 1], or a bad option.
 * @throws {AEQ_MITIGATION_SINGLE_GROUP} for one group, or a group without positives or negatives.
 * Warns AEQ_W_CONSTRAINT_NOT_MET (and sets `feasible: false`) when a group cannot reach the target.
 * @example
 * const r = calibratedEqualizedOdds([0.9, 0.7, 0.3, 0.1, 0.6, 0.6, 0.4, 0.4], [1, 1, 0, 0, 1, 1, 0, 0],
 *   ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b'], { cost: 'fnr' });
 * r.rule.groups.a.mixRate // 0.666…: a's GFNR 0.2 moves 2/3 of the way to 1 − μ = 0.5, reaching b's 0.4
 */
export function calibratedEqualizedOdds(
  scores: ArrayLike<number>,
  y: ArrayLike<number>,
  groups: ArrayLike<string | number | boolean | null | undefined>,
  opts: CalibratedEqOddsOptions = {},
): CalibratedEqOddsResult {
  const fn = 'calibratedEqualizedOdds';
  const n = scores.length;
  checkLength(fn, 'y', y.length, n);
  checkLength(fn, 'groups', groups.length, n);
  const cost = opts.cost ?? 'weighted';
  if (cost !== 'fnr' && cost !== 'fpr' && cost !== 'weighted')
    throw new InvalidArgumentError(fn, 'cost', cost, '"fnr", "fpr" or "weighted"');
  const a = opts.fpWeight ?? 1;
  const b = opts.fnWeight ?? 1;
  for (const [name, v] of [
    ['fpWeight', a],
    ['fnWeight', b],
  ] as const)
    if (!(v >= 0) || !Number.isFinite(v)) throw new InvalidArgumentError(fn, name, v, 'a finite number ≥ 0');
  if (!(a + b > 0)) throw new InvalidArgumentError(fn, 'fpWeight + fnWeight', a + b, 'a number > 0');
  const s = checkScores(fn, scores);
  for (let i = 0; i < n; i++)
    if (!(s[i]! >= 0 && s[i]! <= 1))
      throw new InvalidArgumentError(
        fn,
        `scores[${i}]`,
        s[i],
        'a probability in [0, 1]',
        'Pass calibrated probabilities (predictProba of a binary model), not raw margins.',
      );
  const yy = checkLabels(fn, y);
  const g = codesFromValues(groups, opts.sensitive ?? 'groups', fn);
  const G = g.names.length;
  const pos = new Float64Array(G);
  const neg = new Float64Array(G);
  const sumPos = Array.from({ length: G }, () => new Adder());
  const sumNeg = Array.from({ length: G }, () => new Adder());
  for (let i = 0; i < n; i++) {
    const k = g.codes[i]!;
    if (yy[i] === 1) {
      pos[k] = pos[k]! + 1;
      sumPos[k]!.add(1 - s[i]!);
    } else {
      neg[k] = neg[k]! + 1;
      sumNeg[k]!.add(s[i]!);
    }
  }
  const costOf = (gfpr: number, gfnr: number, mu: number): number =>
    cost === 'fnr' ? gfnr : cost === 'fpr' ? gfpr : (a * (1 - mu) * gfpr + b * mu * gfnr) / (a + b);
  const before = g.names.map((name, k) => {
    if (pos[k] === 0) throw emptyCellError(fn, 'calibrated equalized odds', name, 'a positive label');
    if (neg[k] === 0) throw emptyCellError(fn, 'calibrated equalized odds', name, 'a negative label');
    const mu = pos[k]! / (pos[k]! + neg[k]!);
    const gfpr = sumNeg[k]!.value / neg[k]!;
    const gfnr = sumPos[k]!.value / pos[k]!;
    // The trivial score μ has GFPR = μ and GFNR = 1 − μ.
    return { mu, gfpr, gfnr, c: costOf(gfpr, gfnr, mu), trivial: costOf(mu, 1 - mu, mu) };
  });
  const target = Math.max(...before.map((q) => q.c));
  let feasible = true;
  const rows: CalibratedEqOddsGroup[] = [];
  const ruleGroups: Record<string, { mixRate: number; baseRate: number }> = {};
  before.forEach((q, k) => {
    let alpha = 0;
    if (q.c < target) {
      const room = q.trivial - q.c;
      alpha = room > 0 ? (target - q.c) / room : Number.POSITIVE_INFINITY;
      if (alpha > 1) {
        alpha = 1;
        feasible = false;
      }
    }
    const gfprAfter = (1 - alpha) * q.gfpr + alpha * q.mu;
    const gfnrAfter = (1 - alpha) * q.gfnr + alpha * (1 - q.mu);
    const name = g.names[k]!;
    ruleGroups[name] = { mixRate: alpha, baseRate: q.mu };
    rows.push({
      group: name,
      rows: pos[k]! + neg[k]!,
      baseRate: q.mu,
      mixRate: alpha,
      generalizedFprBefore: q.gfpr,
      generalizedFnrBefore: q.gfnr,
      generalizedFprAfter: gfprAfter,
      generalizedFnrAfter: gfnrAfter,
      costBefore: q.c,
      costAfter: costOf(gfprAfter, gfnrAfter, q.mu),
      trivialCost: q.trivial,
    });
  });
  if (!feasible) {
    const stuck = rows.filter((r) => r.mixRate === 1).map((r) => r.group);
    warn(
      'AEQ_W_CONSTRAINT_NOT_MET',
      `${fn}: group${stuck.length > 1 ? 's' : ''} ${listSome(stuck.map((q) => `"${q}"`))} cannot reach the ${cost} cost ${target.toPrecision(4)} even by always predicting the base rate (Pleiss et al.: calibration and this cost conflict when base rates differ); they output their base rate on every row.`,
      { cost, target, groups: stuck },
    );
  }
  return {
    rule: { kind: 'calibrated-eq-odds', cost, fpWeight: a, fnWeight: b, groups: ruleGroups },
    groups: rows,
    targetCost: target,
    feasible,
  };
}

/**
 * Applies a fitted rule to scores. With `seed`, each row independently outputs μ_g with probability
 * α_g and its score otherwise (the paper's randomized classifier, reproducible for the same seed
 * and row order); without it, the expected output (1 − α_g)·score + α_g·μ_g, which has the same
 * generalized FPR and FNR.
 * @throws {AEQ_INVALID_ARGUMENT} for a group the rule was not fitted on, or lengths that differ.
 * @example applyCalibratedEqOdds(rule, [0.9], ['b']) // Float64Array [(1 − α_b)·0.9 + α_b·μ_b]
 */
export function applyCalibratedEqOdds(
  rule: CalibratedEqOddsRule,
  scores: ArrayLike<number>,
  groups: ArrayLike<string | number | boolean | null | undefined>,
  opts: { readonly seed?: number } = {},
): Float64Array {
  const n = scores.length;
  checkLength('applyCalibratedEqOdds', 'groups', groups.length, n);
  const rng = opts.seed === undefined ? undefined : seededRng(opts.seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const name = String(groups[i]);
    const r = rule.groups[name];
    if (r === undefined)
      throw new InvalidArgumentError(
        'applyCalibratedEqOdds',
        'groups',
        name,
        `one of the groups the rule was fitted on (${listSome(Object.keys(rule.groups))})`,
        'Calibrated equalized odds needs every group at fitting time; refit on data that includes this group.',
      );
    const si = scores[i]!;
    if (rng === undefined) out[i] = (1 - r.mixRate) * si + r.mixRate * r.baseRate;
    else out[i] = rng.nextFloat64() < r.mixRate ? r.baseRate : si;
  }
  return out;
}

/** `parameters` of a saved calibrated-equalized-odds model. */
export interface CalibratedEqOddsParameters {
  readonly sensitive: string;
  readonly rule: CalibratedEqOddsRule;
  /** Seed of the per-row draws; null = expected scores (no randomization). */
  readonly seed: number | null;
  readonly base: ModelFile;
}

/**
 * A binary model followed by calibrated-equalized-odds mixing. `predictProba` reads each row's group
 * from the sensitive column and returns the randomized score (a fresh generator from `seed` on
 * every call, so the same table gives the same output), or the expected score when `seed` is null.
 */
export class CalibratedEqOddsModel extends GroupRuleModel {
  readonly kind = 'calibrated-eq-odds';

  constructor(
    base: Model,
    readonly rule: CalibratedEqOddsRule,
    sensitive: string,
    readonly seed: number | null,
  ) {
    super(base, sensitive, 'calibratedEqOddsModel');
    if (seed !== null && !Number.isInteger(seed))
      throw new InvalidArgumentError(
        'calibratedEqOddsModel',
        'seed',
        seed,
        'an integer, or null for expected scores',
      );
  }

  protected applyGroupRule(scores: Float64Array, groups: readonly (string | null)[]): Float64Array {
    return applyCalibratedEqOdds(this.rule, scores, groups, this.seed === null ? {} : { seed: this.seed });
  }

  /**
   * The model file.
   * @throws {AEQ_INVALID_ARGUMENT} when the base model cannot be saved (a foreign ONNX or HTTP model).
   */
  toJSON(): ModelFile {
    return this.nestedFile(
      'CalibratedEqOddsModel.toJSON',
      'applyCalibratedEqOdds',
      (base): CalibratedEqOddsParameters => ({
        sensitive: this.sensitive,
        rule: this.rule,
        seed: this.seed,
        base,
      }),
    );
  }
}

/**
 * Wraps a model with a fitted calibrated-equalized-odds rule.
 * @param opts.seed seed of the randomized output; null gives expected scores. @default 0
 * @throws {AEQ_INVALID_ARGUMENT} when the base model is not binary or the seed is not an integer.
 * @example
 * const r = calibratedEqualizedOdds(await model.predictProba(valid), yValid, sexValid, { cost: 'fnr' });
 * const fair = calibratedEqOddsModel(model, r.rule, { sensitive: 'sex' });
 * await fair.predictProba(test) // scores, with group b's replaced by μ_b at rate α_b
 */
export function calibratedEqOddsModel(
  base: Model,
  rule: CalibratedEqOddsRule,
  opts: { readonly sensitive: string; readonly seed?: number | null },
): CalibratedEqOddsModel {
  return new CalibratedEqOddsModel(base, rule, opts.sensitive, opts.seed === undefined ? 0 : opts.seed);
}

/**
 * Rebuilds a calibrated-equalized-odds model (registered as kind 'calibrated-eq-odds').
 * @throws {AEQ_MODEL_FORMAT} when the rule, seed or nested base model is malformed.
 * @example calibratedEqOddsModelFromFile(model.toJSON()).sensitive // 'sex'
 */
export function calibratedEqOddsModelFromFile(file: ModelFile): CalibratedEqOddsModel {
  const p = file.parameters as Partial<CalibratedEqOddsParameters> | null;
  const issues: string[] = [];
  if (typeof p !== 'object' || p === null) issues.push('"parameters" must be an object');
  else {
    if (typeof p.sensitive !== 'string') issues.push('"parameters.sensitive" must be a string');
    if (!(p.seed === null || Number.isInteger(p.seed)))
      issues.push('"parameters.seed" must be an integer or null');
    if (typeof p.base !== 'object' || p.base === null) issues.push('"parameters.base" must be a model file');
    const r = p.rule;
    if (r?.kind !== 'calibrated-eq-odds' || !['fnr', 'fpr', 'weighted'].includes(r.cost as string))
      issues.push(
        '"parameters.rule" must have kind "calibrated-eq-odds" and cost "fnr", "fpr" or "weighted"',
      );
    else if (
      typeof r.groups !== 'object' ||
      r.groups === null ||
      !Object.values(r.groups).every(
        (q) =>
          typeof q === 'object' &&
          q !== null &&
          q.mixRate >= 0 &&
          q.mixRate <= 1 &&
          q.baseRate >= 0 &&
          q.baseRate <= 1,
      )
    )
      issues.push('"parameters.rule.groups" must map each group to mixRate and baseRate in [0, 1]');
  }
  if (issues.length > 0)
    throw new AequaError(
      'AEQ_MODEL_FORMAT',
      `The calibrated-eq-odds model file is invalid: ${issues.join('; ')}.`,
      {
        hint: 'Re-save the model with this version of aequa.',
        details: { issues },
      },
    );
  const q = p as CalibratedEqOddsParameters;
  return new CalibratedEqOddsModel(loadModel(q.base), q.rule, q.sensitive, q.seed);
}

registerModelKind('calibrated-eq-odds', calibratedEqOddsModelFromFile);
