/** aequa/privacy attacks: membership inference (loss, confidence, shadow models) with exact ROC. Re-exports only. */
export * from './membership.js';
export * from './roc.js';
