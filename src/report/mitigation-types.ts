/**
 * @module report/mitigation-types
 * The result of `aequa mitigate` (schemas/mitigation.schema.json): the unmitigated baseline and each
 * mitigation run, measured on a test file by the core audit, and which run was chosen. The shape is
 * what the JSON output, the Markdown and HTML reports and the ledger record share.
 */
import type { Interval } from '../metrics/index.js';

/**
 * Test-set figures of one model: `accuracy`, `balancedAccuracy` and the constraint's disparity under
 * its audit name (e.g. `demographicParityDifference`), each a number or null, plus `ci` with an
 * interval per figure when intervals were asked for.
 */
export type MitigationFigures = {
  readonly accuracy: number | null;
  readonly balancedAccuracy: number | null;
  readonly ci?: Readonly<Record<string, Interval>>;
} & { readonly [disparity: string]: number | null | Readonly<Record<string, Interval>> | undefined };

/** One point of the trade-off: a method with its slack or penalty weight. */
export interface MitigationRunReport {
  /** 0 is the baseline; the terminal table and `--choose N` use the same numbers. */
  readonly index: number;
  /** 'baseline' or the method's CLI name, e.g. 'exponentiated-gradient'. */
  readonly method: string;
  /** Constraint slack of the reductions, else null. */
  readonly eps: number | null;
  /** Penalty weight of fairness-regularised learners, else null. */
  readonly lambda: number | null;
  /** Test-set figures. */
  readonly test: MitigationFigures;
  /** Wall time of fitting (seconds). */
  readonly fitSeconds: number;
  /** The constraint's violation reached on the training data (reductions only). */
  readonly trainDisparity?: number;
  /** Whether the constraint was met on the training data within eps (reductions only). */
  readonly satisfied?: boolean;
  /** True when the model must see repaired inputs (disparate impact / correlation remover). */
  readonly needsRepairedInput?: boolean;
}

/** The whole comparison. */
export interface MitigationReport {
  readonly schemaVersion: '1.0.0';
  readonly command: 'mitigate';
  readonly tool: { readonly name: 'aequa'; readonly version: string };
  readonly train: string;
  readonly test: string;
  readonly trainRows: number;
  readonly testRows: number;
  readonly label: string;
  readonly positive: readonly string[];
  readonly sensitive: string;
  readonly learner: string;
  /** Constraint flag, e.g. 'demographic-parity'. */
  readonly constraint: string;
  /** The audit's name of the disparity the constraint bounds, e.g. 'demographicParityDifference'. */
  readonly disparity: string;
  /** Confidence level of the intervals, or null. */
  readonly confidence: number | null;
  /** How the chosen run was picked: 'first', 'best-accuracy', 'lowest-disparity', 'pareto-knee' or 'index'. */
  readonly choice: string;
  /** Method of the chosen run. */
  readonly method: string;
  readonly eps: number | null;
  readonly lambda: number | null;
  /** Index of the chosen run in `runs`. */
  readonly chosen: number;
  /** Baseline figures (= runs[0].test). */
  readonly before: MitigationFigures;
  /** Chosen run's figures. */
  readonly after: MitigationFigures;
  /** Indices of the runs on the accuracy–disparity Pareto front (baseline included). */
  readonly paretoFront: readonly number[];
  readonly runs: readonly MitigationRunReport[];
  /** Path of the saved chosen model, or null. */
  readonly model: string | null;
  readonly warnings: readonly string[];
}
