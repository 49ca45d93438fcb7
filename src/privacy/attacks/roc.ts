/**
 * @module privacy/attacks/roc
 * The exact ROC curve of a membership-inference attack: scores of members against scores of
 * non-members, tied scores forming one diagonal step, AUC by the trapezoid rule over integer counts
 * (equal to the Mann–Whitney U statistic with ties counted ½), and TPR at a fixed FPR by linear
 * interpolation between ROC vertices (the randomised threshold that reaches exactly that FPR), as
 * Carlini et al. 2022 recommend for reporting attacks (https://arxiv.org/abs/2112.03570).
 */
import { InvalidArgumentError } from '../../core/index.js';

/** An ROC curve: vertices from (0, 0) to (1, 1), FPR non-decreasing. */
export interface AttackRoc {
  readonly fpr: Float64Array;
  readonly tpr: Float64Array;
  /** Area under the curve: P(member score > non-member score) + ½·P(tie). */
  readonly auc: number;
  readonly members: number;
  readonly nonMembers: number;
}

/**
 * The ROC curve of scores where higher means "more likely a member".
 * @throws {AEQ_INVALID_ARGUMENT} when either side is empty or a score is NaN.
 * @example
 * attackRoc(Float64Array.of(3, 2), Float64Array.of(2, 1)).auc // 0.875: (1 + 1 + ½ + 1)/4
 */
export function attackRoc(members: Float64Array, nonMembers: Float64Array): AttackRoc {
  const P = members.length;
  const N = nonMembers.length;
  if (P === 0 || N === 0)
    throw new InvalidArgumentError(
      'attackRoc',
      P === 0 ? 'members' : 'nonMembers',
      'an empty array',
      'at least one score on each side',
      'Pass the training rows as members and rows the model never saw as non-members.',
    );
  const n = P + N;
  const scores = new Float64Array(n);
  scores.set(members, 0);
  scores.set(nonMembers, P);
  for (let i = 0; i < n; i++)
    if (Number.isNaN(scores[i]!))
      throw new InvalidArgumentError(
        'attackRoc',
        i < P ? 'members' : 'nonMembers',
        Number.NaN,
        'numbers, not NaN',
      );
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => scores[b]! - scores[a]!);
  const fpr: number[] = [0];
  const tpr: number[] = [0];
  let tp = 0;
  let fp = 0;
  // Twice the area in units of one (member, non-member) pair: integers, exact below 2^53.
  let area2 = 0;
  for (let i = 0; i < n; ) {
    const s = scores[order[i]!]!;
    const tp0 = tp;
    const fp0 = fp;
    for (; i < n && scores[order[i]!]! === s; i++) {
      if (order[i]! < P) tp++;
      else fp++;
    }
    area2 += (fp - fp0) * (tp + tp0);
    fpr.push(fp / N);
    tpr.push(tp / P);
  }
  return {
    fpr: Float64Array.from(fpr),
    tpr: Float64Array.from(tpr),
    auc: area2 / (2 * P * N),
    members: P,
    nonMembers: N,
  };
}

/**
 * The attack's true-positive rate at false-positive rate `fpr`, interpolated linearly between the
 * ROC vertices around it (at a vertical step, the highest TPR reached at that FPR).
 * @throws {AEQ_INVALID_ARGUMENT} when `fpr` is outside [0, 1].
 * @example tprAtFpr(attackRoc(Float64Array.of(3, 2), Float64Array.of(2, 1)), 0.25) // 0.75
 */
export function tprAtFpr(roc: AttackRoc, fpr: number): number {
  if (!(fpr >= 0 && fpr <= 1)) throw new InvalidArgumentError('tprAtFpr', 'fpr', fpr, 'a number in [0, 1]');
  const f = roc.fpr;
  const t = roc.tpr;
  // Last vertex with FPR ≤ fpr (FPR is non-decreasing; the last of equal FPRs has the highest TPR).
  let lo = 0;
  let hi = f.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (f[mid]! <= fpr) lo = mid;
    else hi = mid - 1;
  }
  if (f[lo] === fpr || lo === f.length - 1) return t[lo]!;
  const f0 = f[lo]!;
  const f1 = f[lo + 1]!;
  return t[lo]! + ((t[lo + 1]! - t[lo]!) * (fpr - f0)) / (f1 - f0);
}
