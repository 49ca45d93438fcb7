export type { AttributedRow, AttributionsLike } from './attributions-like.js';
export { type AttributionImportance, meanAbsShap } from './mean-abs-shap.js';
export {
  type PartialDependence,
  type PartialDependenceOptions,
  partialDependence,
} from './partial-dependence.js';
export {
  type FeatureImportance,
  type ImportanceMetric,
  type PermutationImportance,
  type PermutationImportanceOptions,
  permutationImportance,
} from './permutation-importance.js';
export { type GlobalSurrogate, type GlobalSurrogateOptions, globalSurrogate } from './surrogate.js';
