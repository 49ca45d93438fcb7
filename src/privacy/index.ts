/**
 * aequa/privacy: differential privacy (mechanisms, accountants, budgets, DP analytics), DP training,
 * secure aggregation and privacy attacks. Re-exports only; other privacy modules add their lines here.
 */
export * from './accounting/index.js';
export * from './analytics/index.js';
export * from './anonymity/index.js';
export * from './attacks/index.js';
export * from './mechanisms/index.js';
export * from './pii/index.js';
export * from './training/index.js';
