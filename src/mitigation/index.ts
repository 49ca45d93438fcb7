/**
 * @module mitigation
 * Bias mitigation at every stage: pre-processing (change the data), in-processing (the reductions
 * of Agarwal et al. 2018: exponentiated gradient and grid search over any learner that takes sample
 * weights) and post-processing (group thresholds on any model's scores: Hardt et al. 2016, reject
 * option classification, plain per-group rules).
 */

export { expectedOutcomes } from './expected.js';
export * from './inprocessing/index.js';
export {
  applyCalibratedEqOdds,
  type CalibratedCost,
  type CalibratedEqOddsGroup,
  CalibratedEqOddsModel,
  type CalibratedEqOddsOptions,
  type CalibratedEqOddsParameters,
  type CalibratedEqOddsResult,
  type CalibratedEqOddsRule,
  calibratedEqOddsModel,
  calibratedEqOddsModelFromFile,
  calibratedEqualizedOdds,
} from './postprocessing/calibrated-equalized-odds.js';
export { type PerGroupSpec, perGroupThresholds } from './postprocessing/per-group-thresholds.js';
export {
  PostProcessedModel,
  type PostProcessedParameters,
  postProcessedModel,
  postProcessedModelFromFile,
} from './postprocessing/post-processed-model.js';
export {
  type RejectOptionOptions,
  type RejectOptionResult,
  rejectOptionClassification,
} from './postprocessing/reject-option.js';
export {
  applyRule,
  type GroupRule,
  plainThreshold,
  ruleProbability,
  type ThresholdRule,
} from './postprocessing/rule.js';
export {
  type ThresholdOptimizerOptions,
  type ThresholdOptimizerResult,
  thresholdOptimizer,
} from './postprocessing/threshold-optimizer.js';
export * from './preprocessing/index.js';
export {
  type EgOptions,
  type EgResult,
  exponentiatedGradient,
} from './reductions/exponentiated-gradient.js';
export { lambdaGrid } from './reductions/grid.js';
export { type GridSearchOptions, type GridSearchResult, gridSearch } from './reductions/grid-search.js';
export { bestMixture, type MixtureSolution } from './reductions/lp.js';
export {
  type BoundConstraint,
  type BoundData,
  boundedGroupLoss,
  CONSTRAINTS,
  type Constraint,
  type ConstraintName,
  type ConstraintOptions,
  demographicParity,
  equalizedOdds,
  errorRateParity,
  falsePositiveRateParity,
  type MomentValues,
  truePositiveRateParity,
} from './reductions/moments.js';
export type { ReductionOptions } from './reductions/oracle.js';
export {
  ConstantModel,
  constantModelFromFile,
  type Member,
  RandomizedModel,
  type RandomizedParameters,
  randomizedModelFromFile,
} from './reductions/randomized.js';
export type { Candidate, ReductionSummary, TrainingValues } from './reductions/result.js';
