export * from './audit-types.js';
export * from './producers/types.js';
export * from './stats/types.js';
