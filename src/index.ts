/**
 * aequa: the public API. Re-exports only; each concern also has its own subpath
 * (`aequa/core`, `aequa/data`, `aequa/metrics`, `aequa/report`).
 */

export * from './accountability/index.js';
export { type AuditOptions, audit, type SqlSourceOptions } from './audit.js';
export * from './bias/index.js';
export * from './core/index.js';
export * from './data/index.js';
export * from './metrics/index.js';
export * from './mitigation/index.js';
export * from './models/index.js';
