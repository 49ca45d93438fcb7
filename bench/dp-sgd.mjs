// DP-SGD overhead (node bench/dp-sgd.mjs [--quick]): wall time (median of 3) of training the same
// model on Adult (adult-train.csv, 32,561 rows) with the same epochs and expected batch size,
// privately (dpSgd: Poisson batches, per-example clipping, Gaussian noise, RDP accounting for
// ε = 3, δ = 1e-5) and non-privately (the mlp learner's minibatch AdamW; hidden: [] is logistic
// regression), with the ratio and the test accuracy of each (adult-test.csv). Both noise kinds:
// 'discrete' (grid rounding + exact discrete Gaussian, floating-point safe) and 'float'.
import { performance } from 'node:perf_hooks';
import { toBinary } from '../dist/data/index.js';
import { loadTable } from '../dist/data/io/index.js';
import { mlp } from '../dist/models/index.js';
import { dpSgd } from '../dist/privacy/index.js';

const REPS = process.argv.includes('--quick') ? 1 : 3;
const EPOCHS = 3;
const BATCH = 256;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const train = await loadTable(new URL('../examples/data/adult-train.csv', import.meta.url).pathname);
const test = await loadTable(new URL('../examples/data/adult-test.csv', import.meta.url).pathname);
const fitOpts = { positive: ['>50K'], seed: 0 };
const yTest = toBinary(test.column('income'), ['>50K']).values;

async function accuracy(model) {
  const p = await model.predictProba(test);
  let ok = 0;
  for (let i = 0; i < p.length; i++) if ((p[i] >= 0.5 ? 1 : 0) === yTest[i]) ok++;
  return ok / p.length;
}

async function time(learner) {
  const ms = [];
  let model;
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    model = await learner.fit(train, 'income', fitOpts);
    ms.push(performance.now() - t0);
  }
  return { ms: median(ms), model };
}

const rows = [];
for (const [name, hidden] of [
  ['logistic', []],
  ['mlp [32]', [32]],
]) {
  const plain = await time(
    mlp({
      hidden,
      epochs: EPOCHS,
      batchSize: BATCH,
      validationFraction: 0,
      learningRate: 0.01,
      weightDecay: 0,
    }),
  );
  const plainAccuracy = +(await accuracy(plain.model)).toFixed(4);
  for (const noise of ['discrete', 'float']) {
    const dp = await time(
      dpSgd({
        model: hidden.length ? 'mlp' : 'logistic',
        hidden,
        epsilon: 3,
        delta: 1e-5,
        maxGradNorm: 1,
        epochs: EPOCHS,
        batchSize: BATCH,
        learningRate: 0.01,
        noise,
      }),
    );
    rows.push({
      model: name,
      noise,
      plainSeconds: +(plain.ms / 1000).toFixed(3),
      dpSeconds: +(dp.ms / 1000).toFixed(3),
      ratio: +(dp.ms / plain.ms).toFixed(2),
      plainAccuracy,
      dpAccuracy: +(await accuracy(dp.model)).toFixed(4),
      epsilon: +dp.model.privacy.epsilon.toFixed(3),
      noiseMultiplier: +dp.model.privacy.noiseMultiplier.toFixed(4),
      accountedC: +dp.model.privacy.accountedGradNorm.toFixed(5),
      steps: dp.model.privacy.steps,
    });
  }
}
console.log(
  `DP-SGD overhead on Adult (${train.nrows} rows, ${EPOCHS} epochs, batch ${BATCH}, median of ${REPS})`,
);
console.table(rows);
