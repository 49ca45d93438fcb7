export * from './model.js';
export * from './preprocess.js';
