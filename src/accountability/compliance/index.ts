export * from './compliance.js';
export * from './evidence.js';
export * from './frameworks.js';
export * from './sarif.js';
