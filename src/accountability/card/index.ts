export * from './annex-iv.js';
export * from './build-card.js';
export * from './hf-card.js';
export * from './model-card.js';
export * from './signed-card.js';
