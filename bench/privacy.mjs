// DP mechanisms, accountant and analytics (node bench/privacy.mjs [--quick], after `npm run build`):
// per-draw cost of the exact samplers on the secure Web Crypto source against a floating-point
// inverse-CDF Laplace draw on the same source (the unsafe construction they replace), the
// accountant's run time, and dpDescribe on Adult (32,561 rows) with its error at ε = 1.
import { performance } from 'node:perf_hooks';
import { loadTable } from '../dist/data/io/index.js';
import {
  cryptoRandomSource,
  dpDescribe,
  dpSgdEpsilon,
  dpSgdNoise,
  gaussianMechanism,
  laplaceMechanism,
  prvAccountant,
  sampleDiscreteGaussian,
  sampleDiscreteLaplace,
} from '../dist/privacy/index.js';

const QUICK = process.argv.includes('--quick');
const REPS = QUICK ? 3 : 7;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
function timeIt(fn, n) {
  const ms = [];
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    fn(n);
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

const src = cryptoRandomSource();
const N = QUICK ? 20_000 : 100_000;
let sink = 0;
// Baseline: the textbook (unsafe) Laplace draw −b·sign(u)·ln(1−2|u|) from 53 secure random bits.
const floatLaplace = (n) => {
  for (let i = 0; i < n; i++) {
    const u = ((src.nextUint32() >>> 5) * 67108864 + (src.nextUint32() >>> 6)) / 9007199254740992 - 0.5;
    sink += -Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
  }
};
const cases = [
  ['float Laplace, inverse CDF (unsafe baseline)', floatLaplace],
  [
    'discrete Laplace, scale 1',
    (n) => {
      for (let i = 0; i < n; i++) sink += Number(sampleDiscreteLaplace(1, src));
    },
  ],
  [
    'discrete Laplace, scale 1000',
    (n) => {
      for (let i = 0; i < n; i++) sink += Number(sampleDiscreteLaplace(1000, src));
    },
  ],
  [
    'discrete Gaussian, σ = 3',
    (n) => {
      for (let i = 0; i < n; i++) sink += Number(sampleDiscreteGaussian(3, src));
    },
  ],
  [
    'discrete Gaussian, σ = 10000',
    (n) => {
      for (let i = 0; i < n; i++) sink += Number(sampleDiscreteGaussian(10000, src));
    },
  ],
  [
    'laplaceMechanism (ε = 1, Δ = 1, grid 2^-24)',
    (n) => {
      for (let i = 0; i < n; i++) sink += laplaceMechanism(42.5, { epsilon: 1, sensitivity: 1, source: src });
    },
  ],
  [
    'gaussianMechanism (ε = 1, δ = 1e-5, Δ = 1)',
    (n) => {
      for (let i = 0; i < n; i++)
        sink += gaussianMechanism(42.5, { epsilon: 1, delta: 1e-5, sensitivity: 1, source: src });
    },
  ],
];
const rows = [];
let base;
for (const [name, fn] of cases) {
  fn(1000); // warm up (and fill the calibration cache)
  const ms = timeIt(fn, N);
  const us = (ms * 1000) / N;
  base ??= us;
  rows.push([name, `${us.toFixed(2)} µs`, (us / base).toFixed(1)]);
}
console.log(`| sampler (${N.toLocaleString('en')} draws, median of ${REPS}) | per draw | ratio |`);
console.log('| --- | --- | --- |');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);

const q = 256 / 60000;
const msEps = timeIt(
  () => dpSgdEpsilon({ sampleRate: q, noiseMultiplier: 1.1, steps: 14063, delta: 1e-5 }),
  1,
);
const eps = dpSgdEpsilon({ sampleRate: q, noiseMultiplier: 1.1, steps: 14063, delta: 1e-5 });
const msNoise = timeIt(() => dpSgdNoise({ sampleRate: q, steps: 14063, delta: 1e-5, epsilon: 3 }), 1);
const sigma = dpSgdNoise({ sampleRate: q, steps: 14063, delta: 1e-5, epsilon: 3 });
console.log('');
console.log('| accountant | result | median time |');
console.log('| --- | --- | --- |');
console.log(
  `| dpSgdEpsilon, MNIST setting (151 orders) | ε = ${eps.epsilon.toFixed(4)} at α = ${eps.order} | ${msEps.toFixed(1)} ms |`,
);
console.log(`| dpSgdNoise, ε = 3 (bisection) | σ = ${sigma.toFixed(4)} | ${msNoise.toFixed(0)} ms |`);
// PRV/PLD accountant: ε upper bound on the same setting as the grid is refined (one run each: slow).
for (const h of QUICK ? [1e-4] : [4e-4, 2e-4, 1e-4, 5e-5, 2.5e-5]) {
  const t0 = performance.now();
  const e = prvAccountant({ sampleRate: q, noiseMultiplier: 1.1, steps: 14063, gridStep: h }).epsilon(1e-5);
  console.log(
    `| prvAccountant, MNIST setting, grid h = ${h} | ε ≤ ${e.toFixed(4)} | ${(performance.now() - t0).toFixed(0)} ms |`,
  );
}

const adult = await loadTable(new URL('../examples/data/adult-train.csv', import.meta.url).pathname);
const clamp = { age: [17, 90], hours_per_week: [1, 99] };
const exactMean = (c) => {
  const v = adult.column(c).values;
  let s = 0;
  for (const x of v) s += x;
  return s / v.length;
};
const msDesc = timeIt(() => dpDescribe(adult, { epsilon: 1, delta: 1e-6, clamp, source: src }), 1);
const errs = { age: [], hours_per_week: [] };
for (let r = 0; r < (QUICK ? 10 : 50); r++) {
  const d = dpDescribe(adult, { epsilon: 1, delta: 1e-6, clamp, source: src });
  for (const c of Object.keys(errs))
    errs[c].push(Math.abs(d.columns.find((x) => x.name === c).mean.value - exactMean(c)));
}
console.log('');
console.log(
  `| dpDescribe on Adult (${adult.nrows} rows, ${adult.names.length} columns), ε = 1, δ = 1e-6 | value |`,
);
console.log('| --- | --- |');
console.log(`| run time (median of ${REPS}) | ${msDesc.toFixed(0)} ms |`);
for (const c of Object.keys(errs))
  console.log(
    `| median absolute error of mean(${c}) (exact ${exactMean(c).toFixed(3)}) | ${median(errs[c]).toFixed(3)} |`,
  );
if (sink === 0.123) console.log('');
