export * from './budget.js';
export * from './fft.js';
export * from './log-erfc.js';
export * from './pld.js';
export * from './rdp.js';
