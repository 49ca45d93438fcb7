/**
 * aequa/privacy/node: the Node-only parts of the privacy layer (encryption at rest with `node:crypto`
 * and `node:fs`). Browser-safe privacy code is exported from `aequa/privacy`.
 */
export * from './crypto/index.js';
export * from './secagg/index.js';
