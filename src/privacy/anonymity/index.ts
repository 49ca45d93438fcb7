/**
 * aequa privacy/anonymity: k-anonymity, ℓ-diversity and t-closeness checks, and generalisation with
 * suppression to reach a target k. Browser-safe.
 */
export { type AnonymizeOptions, type AnonymizeResult, anonymize } from './generalize.js';
export {
  type CategoryHierarchy,
  type Hierarchy,
  type MaskHierarchy,
  type NumericHierarchy,
  parseHierarchies,
} from './hierarchy.js';
export {
  type AnonymityReport,
  type CheckOptions,
  checkAnonymity,
  type EquivalenceClasses,
  emd,
  equivalenceClasses,
} from './measures.js';
