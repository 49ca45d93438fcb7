// Explanation benchmarks (issue 5): explanations per second of KernelSHAP (12 Adult features,
// background 100, default nsamples 2·d + 2048) on logistic regression and boosted trees, of
// permutation SHAP at the same budget, TreeSHAP per row on the 100-tree GBDT (path-dependent and
// interventional), and exact enumeration (2^12 coalitions) on the same rows for comparison, all in
// one run. Medians over REPS runs. `node bench/explain.mjs [--quick]` after `npm run build`.
import { performance } from 'node:perf_hooks';
import { seededRng } from '../dist/core/index.js';
import { loadTable } from '../dist/data/io/index.js';
import { exactShapley, kernelShap, linearShap, permutationShap, treeShap } from '../dist/explain/index.js';
import { gradientBoosting, logisticRegression } from '../dist/models/index.js';

const quick = process.argv.includes('--quick');
const REPS = quick ? 1 : 3;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const sample = (n, k, seed) => {
  const rng = seededRng(seed);
  const idx = Uint32Array.from({ length: n }, (_, i) => i);
  for (let t = 0; t < k; t++) {
    const r = t + Math.floor(rng.nextFloat64() * (n - t));
    [idx[t], idx[r]] = [idx[r], idx[t]];
  }
  return idx.slice(0, k).sort();
};

const train = await loadTable(new URL('../examples/data/adult-train.csv', import.meta.url).pathname);
const test = await loadTable(new URL('../examples/data/adult-test.csv', import.meta.url).pathname);
const features = [
  'age',
  'workclass',
  'education',
  'education_num',
  'marital_status',
  'occupation',
  'relationship',
  'race',
  'sex',
  'capital_gain',
  'hours_per_week',
  'native_country',
];
const fitOpts = { features, positive: ['>50K'] };
const logistic = await logisticRegression().fit(train, 'income', fitOpts);
const gbdt = await gradientBoosting({ nEstimators: 100 }).fit(train, 'income', fitOpts);
const background = train.take(sample(train.nrows, 100, 1));
const kRows = Array.from({ length: quick ? 2 : 4 }, (_, i) => i);
const treeRows = Array.from({ length: 1000 }, (_, i) => i);

async function time(fn) {
  const ts = [];
  let out;
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    out = await fn();
    ts.push(performance.now() - t0);
  }
  return { ms: median(ts), out };
}
const maxDiff = (a, b) => {
  let m = 0;
  a.rows.forEach((r, i) => {
    r.attributions.forEach((v, j) => {
      m = Math.max(m, Math.abs(v - b.rows[i].attributions[j]));
    });
  });
  return m;
};

const table = [];
const add = (model, method, rowsN, ms, note = '') =>
  table.push({
    model,
    method,
    rows: rowsN,
    'ms/row (median)': (ms / rowsN).toFixed(ms / rowsN < 1 ? 3 : 0),
    'explanations/s': (rowsN / (ms / 1000)).toFixed(rowsN / (ms / 1000) < 10 ? 2 : 0),
    note,
  });

for (const [name, model] of [
  ['logistic', logistic],
  ['gbdt (100 trees)', gbdt],
]) {
  const opts = { background, rows: kRows, seed: 0 };
  const exact = await time(() => exactShapley(model, test, opts));
  const kernel = await time(() => kernelShap(model, test, opts));
  const perm = await time(() => permutationShap(model, test, opts));
  add(name, 'exact (4096 coalitions)', kRows.length, exact.ms, 'reference');
  add(
    name,
    `kernel (nsamples ${kernel.out.parameters.nsamples})`,
    kRows.length,
    kernel.ms,
    `max |φ − exact| ${maxDiff(kernel.out, exact.out).toExponential(1)}; ${(exact.ms / kernel.ms).toFixed(1)}× exact`,
  );
  add(
    name,
    `permutation (${perm.out.parameters.npermutations} pairs)`,
    kRows.length,
    perm.ms,
    `max |φ − exact| ${maxDiff(perm.out, exact.out).toExponential(1)}; ${(exact.ms / perm.ms).toFixed(1)}× exact`,
  );
}
const pd = await time(() =>
  treeShap(gbdt, test, { rows: treeRows, link: 'logit', treeMode: 'path-dependent' }),
);
add('gbdt (100 trees)', 'tree, path-dependent', treeRows.length, pd.ms);
const ivRows = treeRows.slice(0, 100);
const iv = await time(() => treeShap(gbdt, test, { rows: ivRows, link: 'logit', background }));
add('gbdt (100 trees)', 'tree, interventional (bg 100)', ivRows.length, iv.ms);
const lin = await time(() => linearShap(logistic, test, { rows: treeRows, background }));
add('logistic', 'linear', treeRows.length, lin.ms);
console.table(table);
