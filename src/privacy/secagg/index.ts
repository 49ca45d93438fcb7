/** aequa/privacy/node secure aggregation (Node-only: node:crypto, node:http). Re-exports only. */
export * from './additive.js';
export * from './federated.js';
export {
  checkFixedPointCapacity,
  decodeFixed,
  encodeFixed,
  FIELD_PRIME,
  type FixedPoint,
  randomFieldElement,
} from './field.js';
export * from './http.js';
export * from './prg.js';
export * from './protocol.js';
export * from './shamir.js';
