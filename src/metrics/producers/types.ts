/**
 * @module metrics/producers/types
 * One contract, three producers (in-memory kernel, DuckDB, PostgreSQL), one conformance suite
 * (test/conformance/producers.test.ts): given the same rows and spec they must emit the same cube.
 */
import type { StatsCube, Task } from '../stats/types.js';

/** What to compute statistics for: which column plays which role, and how values map to classes. */
export interface StatsSpec {
  readonly task: Task;
  /** Label (ground truth) column. */
  readonly label: string;
  /** Prediction column (0/1 or the same values as the label). Mutually exclusive with `threshold`. */
  readonly prediction?: string;
  /** Score column (probability or risk score). With `threshold`, the prediction is score ≥ threshold. */
  readonly score?: string;
  readonly threshold?: number;
  /**
   * Label (and prediction) values that mean the positive class, as strings (numbers written as
   * in `String(x)`: '1', '0.5'). Resolved before the producer runs (data/labels.ts).
   */
  readonly positive?: readonly string[];
  /** Grouping columns: sensitive features, then control features. */
  readonly dims: readonly string[];
  /** Sample-weight column (non-negative numbers). */
  readonly weight?: string;
  /** Drop rows with a missing label/prediction/score/weight (counted); otherwise such rows are an error. */
  readonly dropMissing?: boolean;
}

/** Runs SQL and returns rows as plain objects (numbers as JS numbers, text as strings, NULL as null). */
export interface SqlExecutor {
  readonly dialect: 'duckdb' | 'postgres';
  query(sql: string, params?: readonly unknown[]): Promise<readonly Record<string, unknown>[]>;
  /** Column names of the relation (for validation and suggestions). */
  columns(): Promise<readonly string[]>;
  /** The relation to aggregate: a quoted table name or a parenthesised subquery, with an alias. */
  readonly relation: string;
  /** A description for messages (path or table name, never a password). */
  readonly description: string;
  close(): Promise<void>;
}

export interface StatsProducer {
  readonly name: 'memory' | 'duckdb' | 'postgres' | 'stream';
  cube(spec: StatsSpec): Promise<StatsCube>;
}
