import { describe, expect, it } from 'vitest';
import { newtonMinimize, owlqnMinimize } from './optim.js';

describe('owlqnMinimize', () => {
  it('finds the minimum of the Rosenbrock function as plain L-BFGS', () => {
    // f = (1 − x)² + 100(y − x²)², minimum 0 at (1, 1).
    const r = owlqnMinimize(
      (v, g) => {
        const [x, y] = [v[0]!, v[1]!];
        g[0] = -2 * (1 - x) - 400 * x * (y - x * x);
        g[1] = 200 * (y - x * x);
        return (1 - x) ** 2 + 100 * (y - x * x) ** 2;
      },
      Float64Array.of(-1.2, 1),
    );
    expect(r.converged).toBe(true);
    // ‖∇‖ ≤ 1e-8·‖∇₀‖ ≈ 2e-6 and the Hessian's smallest eigenvalue ≈ 0.4 bound the error by ≈ 5e-6.
    expect(Math.abs(r.x[0]! - 1)).toBeLessThan(1e-5);
    expect(Math.abs(r.x[1]! - 1)).toBeLessThan(1e-5);
  });

  it('matches soft-thresholding on a separable quadratic with an L1 term, zeros exact', () => {
    // f = Σ ½a_i(x_i − c_i)² + λ_i|x_i|: minimiser sign(c_i)·max(|c_i| − λ_i/a_i, 0).
    const a = [1, 2, 0.5, 4, 1];
    const c = [3, -0.2, 1, -2, 0.4];
    const l1 = Float64Array.of(1, 1, 1, 1, 0);
    const r = owlqnMinimize(
      (v, g) => {
        let f = 0;
        for (let i = 0; i < 5; i++) {
          g[i] = a[i]! * (v[i]! - c[i]!);
          f += 0.5 * a[i]! * (v[i]! - c[i]!) ** 2;
        }
        return f;
      },
      new Float64Array(5),
      { l1 },
    );
    // By hand: (3 − 1, 0 [0.2 < 0.5], 0 [1 < 2], −(2 − 0.25), 0.4 [no penalty]) = (2, 0, 0, −1.75, 0.4).
    const want = [2, 0, 0, -1.75, 0.4];
    expect(r.converged).toBe(true);
    expect(r.x[1]).toBe(0);
    expect(r.x[2]).toBe(0);
    for (let i = 0; i < 5; i++) expect(Math.abs(r.x[i]! - want[i]!)).toBeLessThan(1e-8);
  });
});

describe('newtonMinimize', () => {
  it('minimises a smooth convex function (log-sum-exp plus a quadratic) to its stationary point', () => {
    // f = log(eˣ + eʸ + e^(−x−y)) + ½(x² + y²); at the minimum ∇f = 0, checked by the formula here.
    const grad = (x: number, y: number) => {
      const e = [Math.exp(x), Math.exp(y), Math.exp(-x - y)];
      const s = e[0]! + e[1]! + e[2]!;
      return [(e[0]! - e[2]!) / s + x, (e[1]! - e[2]!) / s + y];
    };
    const r = newtonMinimize(
      (v, g, h) => {
        const [x, y] = [v[0]!, v[1]!];
        const e = [Math.exp(x), Math.exp(y), Math.exp(-x - y)];
        const s = e[0]! + e[1]! + e[2]!;
        const p = e.map((t) => t / s);
        const [gx, gy] = grad(x, y);
        g[0] = gx!;
        g[1] = gy!;
        if (h) {
          // Hessian of log-sum-exp over rows u = (1,0), (0,1), (−1,−1): Σp·uuᵀ − (Σp·u)(Σp·u)ᵀ, plus I.
          const m = [p[0]! - p[2]!, p[1]! - p[2]!];
          h[0] = p[0]! + p[2]! - m[0]! * m[0]! + 1;
          h[1] = h[2] = p[2]! - m[0]! * m[1]!;
          h[3] = p[1]! + p[2]! - m[1]! * m[1]! + 1;
        }
        return Math.log(s) + 0.5 * (x * x + y * y);
      },
      Float64Array.of(2, -3),
    );
    expect(r.converged).toBe(true);
    const [gx, gy] = grad(r.x[0]!, r.x[1]!);
    expect(Math.hypot(gx!, gy!)).toBeLessThan(1e-8);
    // By symmetry of f under swapping x and y the minimiser has x = y.
    expect(Math.abs(r.x[0]! - r.x[1]!)).toBeLessThan(1e-8);
  });
});
