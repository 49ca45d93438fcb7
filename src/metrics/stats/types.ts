/**
 * @module metrics/stats/types
 * Sufficient statistics (DESIGN idea 1). Every group metric is a pure function of these small,
 * mergeable records. Producers (in-memory kernel, SQL GROUP BY in DuckDB or PostgreSQL) emit a
 * `StatsCube`: one cell per combination of the grouping columns (all sensitive and control
 * features crossed), so that any feature, intersection or stratum is obtained by merging cells
 * and the data is scanned once.
 */

/**
 * Weighted confusion counts of a binary decision, plus the raw row counts of each cell.
 * Weighted sums drive the metrics; raw counts drive intervals, tests and the bootstrap.
 * Without sample weights the two are equal.
 */
export interface Confusion {
  /** Σ w over rows with y = 1, ŷ = 1. */
  readonly tp: number;
  /** Σ w over rows with y = 0, ŷ = 1. */
  readonly fp: number;
  /** Σ w over rows with y = 0, ŷ = 0. */
  readonly tn: number;
  /** Σ w over rows with y = 1, ŷ = 0. */
  readonly fn: number;
  /** Row counts of the same four cells. */
  readonly ntp: number;
  readonly nfp: number;
  readonly ntn: number;
  readonly nfn: number;
}

/**
 * The distribution of a score by class: for each distinct score value (ascending), the weighted
 * and raw counts of positives and negatives. Exact ROC AUC, Brier score, calibration and the
 * Jigsaw AUCs are functions of it; two histograms merge by a sorted merge.
 */
export interface ScoreHistogram {
  /** Distinct score values, strictly ascending. */
  readonly values: Float64Array;
  /** Σ w of positives (y = 1) at each value. */
  readonly pos: Float64Array;
  /** Σ w of negatives (y = 0) at each value. */
  readonly neg: Float64Array;
  /** Row counts of positives at each value. */
  readonly npos: Float64Array;
  /** Row counts of negatives at each value. */
  readonly nneg: Float64Array;
}

/**
 * Moment sums for a regression target: error e = ŷ − y. All sums weighted except `n`.
 */
export interface RegressionMoments {
  readonly n: number;
  readonly w: number;
  readonly sumPred: number;
  readonly sumTrue: number;
  readonly sumErr: number;
  readonly sumAbsErr: number;
  readonly sumSqErr: number;
}

/**
 * Joint counts of (true class, predicted class) for multiclass tasks, row-major K×K
 * (`weighted[t * K + p]`). One-vs-rest confusion for class k is derived from it.
 */
export interface ClassMatrix {
  readonly k: number;
  readonly weighted: Float64Array;
  readonly counts: Float64Array;
}

/** One cell of the cube: the statistics of the rows sharing one value of every grouping column. */
export interface StatsCell {
  /** One value per dimension (cube.dims order); null = the cell's value is missing. */
  readonly key: readonly (string | null)[];
  readonly confusion?: Confusion;
  readonly scores?: ScoreHistogram;
  readonly regression?: RegressionMoments;
  readonly classes?: ClassMatrix;
}

export type Task = 'binary' | 'regression' | 'multiclass';

/** The producers' output: statistics for every combination of the grouping columns. */
export interface StatsCube {
  readonly task: Task;
  /** Grouping columns, e.g. ['race', 'sex', 'education'] (sensitive features then controls). */
  readonly dims: readonly string[];
  readonly cells: readonly StatsCell[];
  /** Class names for multiclass (index = class code in ClassMatrix). */
  readonly classNames?: readonly string[];
  /** Rows seen, and rows left out because label/prediction/score/weight was missing. */
  readonly rowsSeen: number;
  readonly rowsDropped: number;
  /** Which producer made the cube: 'memory' | 'duckdb' | 'postgres' | 'stream'. */
  readonly producer: string;
}
