export * from './errors.js';
export * from './rng.js';
export * from './sum.js';
export * from './warnings.js';
