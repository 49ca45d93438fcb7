export * from './column.js';
export * from './labels.js';
export * from './schema.js';
export * from './table.js';
