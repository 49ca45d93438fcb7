// Mitigation benchmarks (node bench/mitigation.mjs [--quick]): wall time (median of 3) of
// exponentiated gradient (demographic parity and equalized odds), grid search and the threshold
// optimizer on Adult (train: adult-train.csv, 32,561 rows; test: adult-test.csv) by sex with
// logistic regression, with test accuracy and the disparity each reaches (expected rates for
// randomized models, computed by the core audit). Baseline: the unmitigated logistic regression.
import { performance } from 'node:perf_hooks';
import { audit } from '../dist/audit.js';
import { toBinary } from '../dist/data/index.js';
import { loadTable } from '../dist/data/io/index.js';
import {
  demographicParity,
  equalizedOdds,
  expectedOutcomes,
  exponentiatedGradient,
  gridSearch,
  postProcessedModel,
  thresholdOptimizer,
} from '../dist/mitigation/index.js';
import { logisticRegression } from '../dist/models/index.js';

const REPS = process.argv.includes('--quick') ? 1 : 3;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const train = await loadTable(new URL('../examples/data/adult-train.csv', import.meta.url).pathname);
const test = await loadTable(new URL('../examples/data/adult-test.csv', import.meta.url).pathname);
const positive = ['>50K'];
const features = train.names.filter((n) => n !== 'income');
const common = { label: 'income', positive, sensitive: 'sex', features };

async function evaluate(model) {
  const p = await model.predictProba(test);
  const data = expectedOutcomes(test, p);
  const r = await audit({
    data,
    label: 'income',
    prediction: 'prediction',
    weight: 'weight',
    positive,
    sensitive: ['sex'],
  });
  const d = r.byFeature.sex.disparities;
  return {
    accuracy: r.overall.accuracy,
    dp: d.demographicParityDifference.value,
    eo: d.equalizedOddsDifference.value,
  };
}

const methods = [
  [
    'baseline (logistic)',
    async () => ({ model: await logisticRegression().fit(train, 'income', { features, positive }) }),
  ],
  [
    'EG, demographic parity, eps 0.01',
    async () => exponentiatedGradient(logisticRegression(), demographicParity({ eps: 0.01 }), train, common),
  ],
  [
    'EG, equalized odds, eps 0.01',
    async () => exponentiatedGradient(logisticRegression(), equalizedOdds({ eps: 0.01 }), train, common),
  ],
  [
    'grid search, demographic parity, 10 points',
    async () => gridSearch(logisticRegression(), demographicParity({ eps: 0.01 }), train, common),
  ],
  [
    'threshold optimizer, demographic parity (incl. base fit)',
    async () => {
      const base = await logisticRegression().fit(train, 'income', { features, positive });
      const y = toBinary(train.column('income'), positive).values;
      const sexCol = train.column('sex');
      const sex = Array.from(sexCol.codes, (c) => sexCol.levels[c]);
      const r = thresholdOptimizer(await base.predictProba(train), y, sex, {
        constraint: 'demographic_parity',
      });
      return { model: postProcessedModel(base, r.rule, { sensitive: 'sex' }) };
    },
  ],
];

const rows = [];
for (const [name, run] of methods) {
  const times = [];
  let out;
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    out = await run();
    times.push(performance.now() - t0);
  }
  const m = await evaluate(out.model);
  rows.push({
    method: name,
    'wall s (median)': (median(times) / 1000).toFixed(2),
    fits: out.fits ?? 1,
    'test accuracy': m.accuracy.toFixed(4),
    'DP difference': m.dp.toFixed(4),
    'EO difference': m.eo.toFixed(4),
  });
}
console.table(rows);
