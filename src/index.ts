/**
 * aequa: the public API. Re-exports only; each concern also has its own subpath
 * (`aequa/core`, `aequa/data`, `aequa/metrics`, `aequa/report`).
 */

export * from './accountability/index.js';
export { type AuditOptions, audit, type SqlSourceOptions } from './audit.js';
export * from './bias/index.js';
export * from './core/index.js';
export * from './data/index.js';
export * from './explain/index.js';
// Both accountability and explain/counterfactual export this name; the root keeps accountability's
// (explain's is on the `aequa/explain` subpath).
export * from './metrics/index.js';
export * from './mitigation/index.js';
export * from './models/index.js';
export * from './privacy/index.js';
