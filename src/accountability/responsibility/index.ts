/**
 * @module accountability/responsibility
 * Responsibility attribution: where errors and harms concentrate (slices, an error-analysis tree)
 * and which pipeline stage a disparity comes from (an exact decomposition and counterfactual re-runs).
 */
export { binFeature, type FeatureBins } from './bins.js';
export { type ErrorTreeNode, type ErrorTreeOptions, errorTree } from './error-tree.js';
export { findSlices, type Slice, type SliceOptions, type SliceReport } from './slices.js';
export {
  type CounterfactualOptions,
  type CounterfactualStages,
  counterfactualStages,
  decomposeGap,
  type GapDecomposition,
  type GapInput,
  type PipelineRun,
} from './stages.js';
