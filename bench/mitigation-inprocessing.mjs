// In-processing and the remaining mitigation methods on Adult (node bench/mitigation-inprocessing.mjs
// [--quick] [--reps N]; needs `npm run build`): train adult-train.csv (32,561 rows), test
// adult-test.csv (16,281 rows), sensitive attribute sex, label income (>50K positive). For each
// method: wall time of the fit (median of --reps runs, default 1: the network methods take tens of
// seconds), test accuracy, balanced accuracy, demographic parity difference and equalized odds
// difference of the 0.5-threshold decisions, and disparate impact (Female / Male selection rate).
// Baselines: logistic regression with and without the sex column (the fair learners leave it out).
import { loadTable } from '../dist/data/io/index.js';
import {
  adversarialDebiasing,
  applyCalibratedEqOdds,
  calibratedEqualizedOdds,
  fairLogisticRegression,
  fairMlp,
  lfr,
} from '../dist/mitigation/index.js';
import { logisticRegression, mlp } from '../dist/models/index.js';

const quick = process.argv.includes('--quick');
const repsArg = process.argv.indexOf('--reps');
const REPS = repsArg > 0 ? Number(process.argv[repsArg + 1]) : 1;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const train = await loadTable(new URL('../examples/data/adult-train.csv', import.meta.url).pathname);
const test = await loadTable(new URL('../examples/data/adult-test.csv', import.meta.url).pathname);
const cell = (t, name) => {
  const c = t.column(name);
  return Array.from({ length: t.nrows }, (_, i) => c.levels[c.codes[i]]);
};
const yTest = cell(test, 'income').map((v) => (v.startsWith('>50K') ? 1 : 0));
const yTrain = cell(train, 'income').map((v) => (v.startsWith('>50K') ? 1 : 0));
const sTest = cell(test, 'sex');
const sTrain = cell(train, 'sex');
const positive = ['>50K'];
const noSex = train.names.filter((n) => n !== 'income' && n !== 'sex');
const withSex = train.names.filter((n) => n !== 'income');

function metrics(p) {
  const c = { Female: [0, 0, 0, 0], Male: [0, 0, 0, 0] }; // tp fp tn fn
  let correct = 0;
  const all = [0, 0, 0, 0];
  for (let i = 0; i < p.length; i++) {
    const d = p[i] >= 0.5 ? 1 : 0;
    const k = d === 1 ? (yTest[i] === 1 ? 0 : 1) : yTest[i] === 0 ? 2 : 3;
    c[sTest[i]][k]++;
    all[k]++;
    if (d === yTest[i]) correct++;
  }
  const sel = (q) => (q[0] + q[1]) / (q[0] + q[1] + q[2] + q[3]);
  const tpr = (q) => q[0] / (q[0] + q[3]);
  const fpr = (q) => q[1] / (q[1] + q[2]);
  return {
    acc: correct / p.length,
    bal: 0.5 * (tpr(all) + 1 - fpr(all)),
    dp: Math.abs(sel(c.Female) - sel(c.Male)),
    eo: Math.max(Math.abs(tpr(c.Female) - tpr(c.Male)), Math.abs(fpr(c.Female) - fpr(c.Male))),
    di: sel(c.Female) / sel(c.Male),
  };
}

const rows = [];
async function run(name, fitOnce) {
  const times = [];
  let p;
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    p = await fitOnce();
    times.push((performance.now() - t0) / 1000);
  }
  const m = metrics(p);
  const row = {
    method: name,
    'fit s': median(times).toFixed(2),
    'test acc.': m.acc.toFixed(4),
    'bal. acc.': m.bal.toFixed(4),
    'DP diff.': m.dp.toFixed(4),
    'EO diff.': m.eo.toFixed(4),
    DI: m.di.toFixed(4),
  };
  rows.push(row);
  console.error(JSON.stringify(row));
}

const fitOpts = (features) => ({ positive, features });
await run('logistic (with sex)', async () =>
  (await logisticRegression().fit(train, 'income', fitOpts(withSex))).predictProba(test),
);
let base;
await run('logistic (without sex)', async () => {
  base = await logisticRegression().fit(train, 'income', fitOpts(noSex));
  return base.predictProba(test);
});
for (const lambda of quick ? [10] : [1, 10, 100]) {
  await run(`fairLogisticRegression gap λ=${lambda}`, async () =>
    (
      await fairLogisticRegression({ sensitive: 'sex', lambda }).fit(train, 'income', { positive })
    ).predictProba(test),
  );
}
for (const lambda of quick ? [] : [1, 10]) {
  await run(`fairLogisticRegression covariance λ=${lambda}`, async () =>
    (
      await fairLogisticRegression({ sensitive: 'sex', lambda, penalty: 'covariance' }).fit(train, 'income', {
        positive,
      })
    ).predictProba(test),
  );
}
const epochs = quick ? 3 : 10;
await run(`mlp [32] (without sex), ${epochs} epochs`, async () =>
  (
    await mlp({ hidden: [32], epochs, batchSize: 128, learningRate: 0.003, validationFraction: 0 }).fit(
      train,
      'income',
      fitOpts(noSex),
    )
  ).predictProba(test),
);
await run(`fairMlp [32] gap λ=10, ${epochs} epochs`, async () =>
  (
    await fairMlp({ sensitive: 'sex', lambda: 10, hidden: [32], epochs }).fit(train, 'income', { positive })
  ).predictProba(test),
);
for (const alpha of quick ? [1] : [1, 100]) {
  await run(`adversarialDebiasing [32] DP α=${alpha}, ${epochs} epochs`, async () =>
    (
      await adversarialDebiasing({ sensitive: 'sex', alpha, hidden: [32], epochs }).fit(train, 'income', {
        positive,
      })
    ).predictProba(test),
  );
}
await run(`adversarialDebiasing [32] EO α=1, ${epochs} epochs`, async () =>
  (
    await adversarialDebiasing({
      sensitive: 'sex',
      alpha: 1,
      hidden: [32],
      epochs,
      constraint: 'equalized-odds',
    }).fit(train, 'income', { positive })
  ).predictProba(test),
);
for (const cost of ['fnr', 'fpr', 'weighted']) {
  await run(`calibratedEqualizedOdds ${cost} (on logistic without sex)`, async () => {
    const r = calibratedEqualizedOdds(await base.predictProba(train), yTrain, sTrain, { cost });
    return applyCalibratedEqOdds(r.rule, await base.predictProba(test), sTest, { seed: 0 });
  });
}
await run(`lfr K=10${quick ? ', 30 iterations' : ''}`, async () => {
  const r = lfr(train, {
    label: 'income',
    sensitive: 'sex',
    positive,
    prototypes: 10,
    maxIter: quick ? 30 : 200,
  });
  return r.model.predictProba(test);
});
console.table(rows);
