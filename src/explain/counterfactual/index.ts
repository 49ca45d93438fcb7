export {
  type Counterfactual,
  type CounterfactualSearchOptions,
  type CounterfactualSet,
  counterfactuals,
  type FeatureChange,
} from './dice.js';
export { smallestChange } from './smallest-change.js';
