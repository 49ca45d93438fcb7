/**
 * @module bias
 * Bias in data, before any model: representation, label base rates, missingness, distribution
 * shift, proxies and balance (`dataBias`), and the distances and indices they are built from.
 */
export { type Contingency, cramersV, entropy, mutualInformation } from './association.js';
export { DATA_BIAS_THRESHOLDS, type DataBiasOptions, dataBias } from './data-bias.js';
export { type Discretized, type DiscretizeOptions, discretize } from './discretize.js';
export {
  chiSquareGoodnessOfFit,
  type GoodnessOfFit,
  jsDivergence,
  klDivergence,
  totalVariation,
} from './divergence.js';
export { type GroupCodes, groupCodes } from './groups.js';
export { atkinsonIndex, theilIndexOfCounts } from './inequality.js';
export { PROXY_THRESHOLDS, type ProxyAucOptions, proxyAuc, proxyScores } from './proxies.js';
export * from './types.js';
export { wasserstein1 } from './wasserstein.js';
