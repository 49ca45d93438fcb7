// Model benchmarks (part of npm run bench): fit time of each built-in learner on Adult (train
// split, 32,561 rows) with its test accuracy, and predict throughput on 1M rows, as medians.
// Baseline: logistic regression, the simplest learner, measured in the same run.
import { performance } from 'node:perf_hooks';
import { toBinary } from '../dist/data/index.js';
import { loadTable } from '../dist/data/io/index.js';
import { decisionTree, gradientBoosting, logisticRegression, mlp } from '../dist/models/index.js';

const quick = process.argv.includes('--quick');
const REPS = quick ? 1 : 3;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const train = await loadTable(new URL('../examples/data/adult-train.csv', import.meta.url).pathname);
const test = await loadTable(new URL('../examples/data/adult-test.csv', import.meta.url).pathname);
const features = train.names.filter((n) => n !== 'income');
const y = toBinary(test.column('income'), ['>50K']).values;

// 1M rows to score: the test table repeated.
const idx = new Uint32Array(1_000_000);
for (let i = 0; i < idx.length; i++) idx[i] = i % test.nrows;
const big = test.take(idx);

const learners = [
  ['logistic', () => logisticRegression()],
  ['tree (depth 8)', () => decisionTree({ maxDepth: 8 })],
  ['gbdt (100 trees)', () => gradientBoosting()],
  ['mlp ([32], ≤50 epochs)', () => mlp()],
];
const rows = [];
let baseFit = 0;
let basePred = 0;
for (const [name, make] of learners) {
  const fits = [];
  let model;
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    model = await make().fit(train, 'income', { features, positive: ['>50K'] });
    fits.push(performance.now() - t0);
  }
  const p = await model.predictProba(test);
  let correct = 0;
  for (let i = 0; i < y.length; i++) correct += (p[i] >= 0.5 ? 1 : 0) === y[i] ? 1 : 0;
  const preds = [];
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    await model.predictProba(big);
    preds.push(performance.now() - t0);
  }
  const fit = median(fits);
  const pred = median(preds);
  if (name === 'logistic') {
    baseFit = fit;
    basePred = pred;
  }
  rows.push({
    learner: name,
    'fit s (median)': (fit / 1000).toFixed(2),
    'fit vs logistic': (fit / baseFit).toFixed(2),
    'test accuracy': (correct / y.length).toFixed(4),
    'predict rows/s (1M)': Math.round(1_000_000 / (pred / 1000)).toLocaleString('en-US'),
    'predict vs logistic': (pred / basePred).toFixed(2),
  });
}
console.table(rows);
