/**
 * aequa/privacy mechanisms: exact samplers on a secure random source and the DP mechanisms built on
 * them. Browser-safe (no node: imports).
 */
export * from './analytic-gaussian.js';
export * from './bernoulli.js';
export * from './discrete-gaussian.js';
export * from './discrete-laplace.js';
export * from './exponential.js';
export * from './gaussian.js';
export * from './laplace.js';
export * from './random-source.js';
export * from './randomized-response.js';
export * from './rational.js';
export * from './report-noisy-max.js';
export * from './sparse-vector.js';
