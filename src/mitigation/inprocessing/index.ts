/**
 * @module mitigation/inprocessing
 * Fairness-aware training ("bias-aware training"): learners whose loss carries a fairness term.
 * fairLogisticRegression and fairMlp add λ × a covariance (Zafar et al. 2017) or group-gap penalty;
 * adversarialDebiasing (Zhang et al. 2018) trains the network against an adversary that tries to
 * recover the group. All return ordinary built-in models (kinds 'logistic' and 'mlp').
 */
export {
  type AdversarialConstraint,
  type AdversarialDebiasingOptions,
  adversarialDebiasing,
} from './adversarial-debiasing.js';
export { type FairLogisticOptions, fairLogisticRegression } from './fair-logistic-regression.js';
export { type FairMlpOptions, fairMlp } from './fair-mlp.js';
export { type FairnessPenalty, logitGradientSum, type PenaltyTerms, penaltyTerms } from './penalty.js';
