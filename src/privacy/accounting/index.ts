export * from './budget.js';
export * from './log-erfc.js';
export * from './rdp.js';
