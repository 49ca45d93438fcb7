/**
 * @module core/warnings
 * Typed warnings (`AEQ_W_*`) through a pluggable logger. Library code never writes to the console:
 * it emits warnings here; the CLI installs a logger that prints them, tests capture them.
 */

export const WARNING_CODES = {
  AEQ_W_UNDEFINED_METRIC:
    'A metric is undefined for a group (0/0 or an empty group) and is reported as null.',
  AEQ_W_SMALL_GROUP: 'A group is smaller than the minimum group size; its values are reported but flagged.',
  AEQ_W_DROPPED_ROWS: 'Rows with missing label, prediction or score were dropped (--drop-missing).',
  AEQ_W_LABEL_VALUES:
    'The label column has more than two values; all but the positive ones count as negative.',
  AEQ_W_DUPLICATE_COLUMN: 'The header repeats a column name; the later copies were renamed.',
  AEQ_W_SCORE_BINNED: 'A score column has too many distinct values for exact AUC in SQL; scores were binned.',
  AEQ_W_NOT_CONVERGED: 'A model fit stopped at its iteration limit before meeting its convergence tolerance.',
  AEQ_W_CONSTRAINT_NOT_MET:
    'A fairness mitigation stopped without meeting its constraint on the training data; the best reachable disparity is reported.',
} as const;

export type WarningCode = keyof typeof WARNING_CODES;

export interface Warning {
  readonly code: WarningCode;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export type Logger = (w: Warning) => void;

let current: Logger = () => {};

/** Emits a warning to the installed logger. */
export function warn(code: WarningCode, message: string, details?: Record<string, unknown>): void {
  current(details === undefined ? { code, message } : { code, message, details });
}

/** Installs a logger; returns the previous one. */
export function setLogger(logger: Logger): Logger {
  const prev = current;
  current = logger;
  return prev;
}

/** Runs `fn` with warnings captured into an array (for tests and for collecting into results). */
export async function withWarnings<T>(fn: () => Promise<T> | T): Promise<{ result: T; warnings: Warning[] }> {
  const warnings: Warning[] = [];
  const prev = setLogger((w) => {
    warnings.push(w);
    prev(w);
  });
  try {
    const result = await fn();
    return { result, warnings };
  } finally {
    setLogger(prev);
  }
}
