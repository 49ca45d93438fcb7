/**
 * @module privacy/accounting/budget
 * A privacy budget that every differentially private release spends from, and that refuses a
 * release that would exceed it. Compositions: basic (Dwork & Roth 2014, Thm 3.16), advanced
 * (Dwork, Rothblum & Vadhan 2010; heterogeneous form of Kairouz et al. 2015), zCDP (Bun & Steinke
 * 2016, https://arxiv.org/abs/1605.02065) and Rényi DP (Mironov 2017, https://arxiv.org/abs/1702.07476)
 * with the improved conversion to (ε, δ) of Balle et al. 2020.
 */
import { AequaError, InvalidArgumentError } from '../../core/index.js';
import { DEFAULT_RDP_ORDERS, rdpToEpsilon } from './rdp.js';

/**
 * What one release costs: an (ε, δ) guarantee (δ = 0 for pure DP), a zCDP ρ, or an RDP curve over
 * the budget's orders.
 */
export type PrivacyCost =
  | { readonly epsilon: number; readonly delta?: number }
  | { readonly rho: number }
  | { readonly orders: readonly number[]; readonly rdp: ArrayLike<number> };

/** How the budget composes its releases. */
export type Composition = 'basic' | 'advanced' | 'zcdp' | 'rdp';

/** One release recorded by a {@link Budget}. */
export interface BudgetEntry {
  readonly label: string;
  readonly cost: PrivacyCost;
}

/** Options of {@link Budget}. */
export interface BudgetOptions {
  /** Total ε > 0. */
  readonly epsilon: number;
  /** Total δ in [0, 1) (default 0: pure DP only). */
  readonly delta?: number;
  /** Composition rule (default 'basic'). */
  readonly composition?: Composition;
  /** RDP orders for 'zcdp' and 'rdp' (default {@link DEFAULT_RDP_ORDERS} plus 128, 256, 512, 1024). */
  readonly orders?: readonly number[];
}

const BUDGET_ORDERS: readonly number[] = [...DEFAULT_RDP_ORDERS, 64, 96, 128, 256, 512, 1024];

function fmt(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(6))) : String(x);
}

function describeCost(c: PrivacyCost): string {
  if ('rho' in c) return `ρ=${fmt(c.rho)} (zCDP)`;
  if ('rdp' in c) return `an RDP curve over ${c.orders.length} orders`;
  return `ε=${fmt(c.epsilon)}, δ=${fmt(c.delta ?? 0)}`;
}

/**
 * A privacy budget (ε, δ) with a composition rule. `spend` records a release or throws
 * `AEQ_PRIVACY_BUDGET_EXHAUSTED` (nothing is recorded) when the composed total would exceed the budget.
 * @example
 * const b = new Budget({ epsilon: 1 });
 * b.spend({ epsilon: 0.4 }, 'count'); b.spend({ epsilon: 0.4 }, 'sum');
 * b.remaining // { epsilon: 0.2, delta: 0 } (up to rounding)
 * b.spend({ epsilon: 0.5 }, 'mean') // throws AEQ_PRIVACY_BUDGET_EXHAUSTED
 */
export class Budget {
  readonly epsilon: number;
  readonly delta: number;
  readonly composition: Composition;
  readonly orders: readonly number[];
  private readonly log: BudgetEntry[] = [];

  constructor(o: BudgetOptions) {
    if (!(o.epsilon > 0) || Number.isNaN(o.epsilon))
      throw new InvalidArgumentError('Budget', 'epsilon', o.epsilon, 'a number > 0');
    const delta = o.delta ?? 0;
    if (!(delta >= 0 && delta < 1))
      throw new InvalidArgumentError('Budget', 'delta', delta, 'a number in [0, 1)');
    this.epsilon = o.epsilon;
    this.delta = delta;
    this.composition = o.composition ?? 'basic';
    if (!['basic', 'advanced', 'zcdp', 'rdp'].includes(this.composition))
      throw new InvalidArgumentError(
        'Budget',
        'composition',
        this.composition,
        "'basic', 'advanced', 'zcdp' or 'rdp'",
      );
    this.orders = o.orders ?? BUDGET_ORDERS;
  }

  /** The releases recorded so far. */
  get entries(): readonly BudgetEntry[] {
    return this.log.slice();
  }

  /**
   * The (ε, δ) spent so far under the budget's composition. Under advanced, zCDP and RDP composition the
   * conversion to (ε, δ) uses all the δ not claimed by (ε, δ) releases, so δ then reads as the whole budget.
   */
  get spent(): { epsilon: number; delta: number } {
    return this.compose(this.log);
  }

  /** What is left: budget minus spent, per coordinate, never negative. */
  get remaining(): { epsilon: number; delta: number } {
    const s = this.spent;
    return { epsilon: Math.max(0, this.epsilon - s.epsilon), delta: Math.max(0, this.delta - s.delta) };
  }

  /** True when `cost` could be spent now. */
  canSpend(cost: PrivacyCost): boolean {
    this.check(cost);
    const t = this.compose([...this.log, { label: '', cost }]);
    return this.fits(t);
  }

  /**
   * Records a release, or throws `AEQ_PRIVACY_BUDGET_EXHAUSTED` saying what was asked and what remains.
   * @example new Budget({ epsilon: 1, delta: 1e-6 }).spend({ epsilon: 0.5, delta: 1e-7 }, 'mean age')
   */
  spend(cost: PrivacyCost, label = `release ${this.log.length + 1}`): void {
    this.check(cost);
    const t = this.compose([...this.log, { label, cost }]);
    if (!this.fits(t)) {
      const r = this.remaining;
      throw new AequaError(
        'AEQ_PRIVACY_BUDGET_EXHAUSTED',
        `The release "${label}" asks for ${describeCost(cost)}, which would bring the total to ε=${fmt(t.epsilon)}, ` +
          `δ=${fmt(t.delta)} under ${this.composition} composition, above the budget ε=${fmt(this.epsilon)}, ` +
          `δ=${fmt(this.delta)}; ${this.log.length} release(s) have left ε=${fmt(r.epsilon)}, δ=${fmt(r.delta)}.`,
        {
          hint: 'Raise the budget, give this release a smaller ε (more noise), or release fewer statistics.',
          details: {
            label,
            asked: cost,
            remaining: r,
            spent: this.spent,
            budget: { epsilon: this.epsilon, delta: this.delta },
          },
        },
      );
    }
    this.log.push({ label, cost });
  }

  private fits(t: { epsilon: number; delta: number }): boolean {
    // A relative slack of 1e-12 so that spending a budget in exact parts (0.1 + 0.2 + 0.7) succeeds.
    return t.epsilon <= this.epsilon * (1 + 1e-12) && t.delta <= this.delta * (1 + 1e-12);
  }

  private check(cost: PrivacyCost): void {
    if ('rho' in cost) {
      if (!(cost.rho >= 0) || !Number.isFinite(cost.rho))
        throw new InvalidArgumentError('Budget.spend', 'rho', cost.rho, 'a finite number ≥ 0');
      if (this.composition === 'basic' || this.composition === 'advanced')
        throw new InvalidArgumentError(
          'Budget.spend',
          'cost',
          'a zCDP cost',
          'an (ε, δ) cost under basic or advanced composition',
          "Create the budget with composition: 'zcdp' or 'rdp' to spend ρ.",
        );
      return;
    }
    if ('rdp' in cost) {
      if (this.composition !== 'rdp')
        throw new InvalidArgumentError(
          'Budget.spend',
          'cost',
          'an RDP curve',
          "an (ε, δ) or ρ cost unless the composition is 'rdp'",
          "Create the budget with composition: 'rdp'.",
        );
      if (cost.orders.length !== this.orders.length || cost.orders.some((a, i) => a !== this.orders[i]))
        throw new InvalidArgumentError(
          'Budget.spend',
          'orders',
          cost.orders,
          "the budget's orders",
          'Compute the RDP curve at budget.orders.',
        );
      return;
    }
    if (!(cost.epsilon >= 0) || !Number.isFinite(cost.epsilon))
      throw new InvalidArgumentError('Budget.spend', 'epsilon', cost.epsilon, 'a finite number ≥ 0');
    const d = cost.delta ?? 0;
    if (!(d >= 0 && d < 1)) throw new InvalidArgumentError('Budget.spend', 'delta', d, 'a number in [0, 1)');
  }

  private compose(entries: readonly BudgetEntry[]): { epsilon: number; delta: number } {
    let pureSum = 0; // Σ ε of pure releases
    let approxEps = 0; // Σ ε of releases with δ > 0
    let approxDelta = 0;
    const pure: number[] = [];
    const approx: { e: number; d: number }[] = [];
    let rho = 0;
    const curve = new Float64Array(this.orders.length);
    let hasCurve = false;
    for (const { cost } of entries) {
      if ('rho' in cost) {
        rho += cost.rho;
      } else if ('rdp' in cost) {
        hasCurve = true;
        for (let k = 0; k < curve.length; k++) curve[k]! += cost.rdp[k]!;
      } else if ((cost.delta ?? 0) > 0) {
        approxEps += cost.epsilon;
        approxDelta += cost.delta ?? 0;
        approx.push({ e: cost.epsilon, d: cost.delta ?? 0 });
      } else {
        pureSum += cost.epsilon;
        pure.push(cost.epsilon);
      }
    }
    const basic = { epsilon: pureSum + approxEps, delta: approxDelta };
    if (this.composition === 'basic') return basic;
    const slack = this.delta - approxDelta;
    if (this.composition === 'advanced') {
      // Heterogeneous advanced composition over all releases: ε' = √(2 ln(1/δ') Σεᵢ²) + Σ εᵢ(e^{εᵢ}−1),
      // δ_total = δ' + Σδᵢ, with δ' the δ the budget has beyond the releases' own.
      if (slack <= 0 || entries.length < 2) return basic;
      let s2 = 0;
      let s1 = 0;
      for (const e of [...pure, ...approx.map((a) => a.e)]) {
        s2 += e * e;
        s1 += e * Math.expm1(e);
      }
      const adv = Math.sqrt(2 * Math.log(1 / slack) * s2) + s1;
      return adv < basic.epsilon ? { epsilon: adv, delta: this.delta } : basic;
    }
    // zCDP / RDP: pure ε-DP is (α, min(ε, αε²/2))-RDP; ρ-zCDP is (α, αρ)-RDP for every α > 1.
    if (rho === 0 && !hasCurve && pure.length === 0) return basic;
    const total = new Float64Array(this.orders.length);
    for (let k = 0; k < total.length; k++) {
      const a = this.orders[k]!;
      let r = a * rho + curve[k]!;
      for (const e of pure) r += Math.min(e, (a * e * e) / 2);
      total[k] = r;
    }
    if (slack <= 0) {
      // No δ left for the conversion: only pure releases can compose, by the basic rule.
      return rho === 0 && !hasCurve ? basic : { epsilon: Number.POSITIVE_INFINITY, delta: this.delta };
    }
    const conv = rdpToEpsilon(this.orders, total, slack).epsilon;
    if (rho === 0 && !hasCurve && pureSum <= conv) return basic;
    return { epsilon: conv + approxEps, delta: this.delta };
  }
}
