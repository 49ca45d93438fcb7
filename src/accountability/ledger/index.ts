export * from './canonical.js';
export * from './checkpoint.js';
export * from './errors.js';
export * from './hash.js';
export * from './proof.js';
export * from './tree.js';
