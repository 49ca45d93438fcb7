// Mitigation benchmarks (node bench/mitigation.mjs [--quick]): on Adult (train adult-train.csv,
// 32,561 rows; test adult-test.csv, 16,281 rows) by sex with logistic regression, the wall time
// (median of 3 runs, 1 with --quick) of fitting each method, and the test accuracy, balanced accuracy,
// demographic parity difference, equalized odds difference and disparate impact (Female / Male
// selection rate) it reaches next to the unmitigated baseline. Randomized classifiers are scored by
// expected rates. Runs go through compareMitigations, the same code as `aequa mitigate`.
// Post-processing times exclude the base fit (it is the baseline's) but include scoring the training
// rows with it; pre-processing times include the learner's fit on the changed data.
import { compareMitigations } from '../dist/cli/commands/mitigate.js';
import { loadTable } from '../dist/data/io/index.js';
import '../dist/mitigation/index.js';
import { logisticRegression } from '../dist/models/index.js';

const REPS = process.argv.includes('--quick') ? 1 : 3;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const train = await loadTable(new URL('../examples/data/adult-train.csv', import.meta.url).pathname);
const test = await loadTable(new URL('../examples/data/adult-test.csv', import.meta.url).pathname);
const common = {
  train,
  test,
  label: 'income',
  positive: ['>50K'],
  sensitive: 'sex',
  features: train.names.filter((n) => n !== 'income'),
  learner: () => logisticRegression(),
  eps: [0.01],
  maxIter: 50,
  gridSize: 10,
  objective: 'accuracy',
  seed: 0,
  confidence: null,
  extraDisparities: ['equalizedOddsDifference', 'disparateImpact', 'demographicParityDifference'],
};

const plan = [
  ['exponentiated-gradient', 'demographic-parity'],
  ['exponentiated-gradient', 'equalized-odds'],
  ['grid-search', 'demographic-parity'],
  ['grid-search', 'equalized-odds'],
  ['threshold-optimizer', 'demographic-parity'],
  ['threshold-optimizer', 'equalized-odds'],
  ['threshold-optimizer', 'true-positive-rate-parity'],
  ['calibrated-eq-odds', 'equalized-odds'],
  ['group-thresholds', 'demographic-parity', { rule: { kind: 'targetTpr', target: 0.8 } }, 'target-tpr:0.8'],
  ['reject-option', 'demographic-parity'],
  ['reweighing', 'demographic-parity'],
  ['resample', 'demographic-parity'],
  ['massaging', 'demographic-parity'],
  ['disparate-impact-remover', 'demographic-parity'],
  ['correlation-remover', 'demographic-parity'],
];

const f4 = (x) => (typeof x === 'number' ? x.toFixed(4) : '—');
const row = (name, constraint, secs, t) => ({
  method: name,
  constraint,
  'fit s (median)': secs.toFixed(2),
  'test acc.': f4(t.accuracy),
  'bal. acc.': f4(t.balancedAccuracy),
  'DP diff.': f4(t.demographicParityDifference),
  'EO diff.': f4(t.equalizedOddsDifference),
  DI: f4(t.disparateImpact),
});

const rows = [];
let baseline = null;
const baseTimes = [];
for (const [method, constraint, extra = {}, note = ''] of plan) {
  const times = [];
  let last;
  for (let r = 0; r < REPS; r++) {
    last = await compareMitigations({ ...common, ...extra, methods: [method], constraint });
    times.push(last.runs[1].fitSeconds);
    baseTimes.push(last.runs[0].fitSeconds);
  }
  if (baseline === null) baseline = last.runs[0].test;
  rows.push(row(note ? `${method} ${note}` : method, constraint, median(times), last.runs[1].test));
}
rows.unshift(row('baseline (logistic)', '—', median(baseTimes), baseline));
console.table(rows);
