export * from './ledger/index.js';
export * from './policy/index.js';
export * from './record.js';
export * from './store/index.js';
