export * from './contribution.js';
export * from './dp-describe.js';
export * from './dp-describe-sql.js';
export * from './dp-fairness.js';
export * from './dp-stats.js';
export * from './sql-aggregates.js';
