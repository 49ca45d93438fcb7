/** aequa/privacy training: DP-SGD for the built-in logistic and MLP learners. Re-exports only. */
export { cryptoRng } from './crypto-rng.js';
export {
  type DiscreteNoisePlan,
  planDiscreteNoise,
  sampleDiscreteGaussianInt,
  type WordSource,
} from './discrete-noise.js';
export {
  DpSgdModel,
  type DpSgdOptions,
  type DpSgdPrivacy,
  type DpSgdTraining,
  dpSgd,
  modelPrivacy,
  poissonSample,
} from './dp-sgd.js';
