import { describe, expect, it } from 'vitest';
import { normalVariate, seededRng } from '../../core/index.js';
import { fromArrays, type Table } from '../../data/index.js';
import { decisionTree, type Model } from '../../models/index.js';
import { membershipInference } from './membership.js';

/** Noisy two-feature data: y = 1 when x1 + x2 + noise > 0, noise large (sd 1.5), so labels are ~30% flips. */
function noisy(n: number, seed: number): Table {
  const rng = seededRng(seed);
  const x1: number[] = [];
  const x2: number[] = [];
  const y: string[] = [];
  for (let i = 0; i < n; i++) {
    const a = normalVariate(rng);
    const b = normalVariate(rng);
    x1.push(a);
    x2.push(b);
    y.push(a + b + 1.5 * normalVariate(rng) > 0 ? 'yes' : 'no');
  }
  return fromArrays({ x1, x2, y });
}

const constantModel: Model = {
  task: 'binary',
  features: ['x1', 'x2'],
  classes: ['no', 'yes'],
  predictProba: async (rows: Table) => new Float64Array(rows.nrows).fill(0.5),
};

describe('membershipInference', () => {
  it('tells the members of an overfit deep tree apart (loss AUC > 0.6)', async () => {
    const train = noisy(300, 1);
    const holdout = noisy(300, 2);
    // Unlimited depth with 1-row leaves memorises the noisy labels: train loss ≈ 0, holdout much higher.
    const model = await decisionTree({ minSamplesLeaf: 1 }).fit(train, 'y', { positive: ['yes'] });
    const res = await membershipInference(model, { train, holdout, label: 'y' });
    const byName = Object.fromEntries(res.map((r) => [r.attack, r]));
    expect(byName.loss!.auc).toBeGreaterThan(0.6);
    // Every leaf is pure, so every confidence is 1 and the label-free attack learns nothing.
    expect(byName.confidence!.auc).toBe(0.5);
    expect(byName.loss!.members).toBe(300);
    expect(byName.loss!.tprAtFpr.map((t) => t.fpr)).toEqual([0.001, 0.01, 0.1]);
    // A membership advantage is at most 1 and at least the gap between TPR and FPR at 10%.
    expect(byName.loss!.advantage).toBeGreaterThanOrEqual(byName.loss!.tprAtFpr[2]!.tpr - 0.1);
  });

  it('gives AUC 0.5 exactly against a model that ignores its input', async () => {
    const res = await membershipInference(constantModel, {
      train: noisy(50, 3),
      holdout: noisy(40, 4),
      label: 'y',
    });
    // p = ½ everywhere: every loss is log 2 and every confidence ½, so all scores tie.
    for (const r of res) {
      expect(r.auc).toBe(0.5);
      expect(r.advantage).toBe(0);
      // One diagonal step from (0,0) to (1,1): TPR equals FPR.
      for (const t of r.tprAtFpr) expect(t.tpr).toBeCloseTo(t.fpr, 15);
    }
  });

  it('learns from shadow trees trained on disjoint data (shadow AUC > 0.6)', async () => {
    const train = noisy(200, 5);
    const holdout = noisy(200, 6);
    const attacker = noisy(800, 7);
    const learner = decisionTree({ minSamplesLeaf: 1 });
    const model = await learner.fit(train, 'y', { positive: ['yes'] });
    const [shadow] = await membershipInference(model, {
      train,
      holdout,
      label: 'y',
      attacks: ['shadow'],
      shadow: { learner, data: attacker, models: 4, seed: 1 },
    });
    expect(shadow!.attack).toBe('shadow');
    expect(shadow!.auc).toBeGreaterThan(0.6);
  });

  it('refuses the shadow attack without shadow data, naming the option', async () => {
    await expect(
      membershipInference(constantModel, {
        train: noisy(5, 1),
        holdout: noisy(5, 2),
        label: 'y',
        attacks: ['shadow'],
      }),
    ).rejects.toThrow(/shadow/);
  });
});
