/**
 * @module core/errors
 * Typed errors with stable codes. A code is public API: `ERROR_CODES` maps each one to its meaning
 * and the fix, `docs/errors.md` is generated from it, and `test/errors-doc.test.ts` keeps the three
 * (thrown codes, this table, the doc) equal. A retired code is never reused.
 */

export const ERROR_CODES = {
  AEQ_INVALID_ARGUMENT: {
    meaning: 'An argument or option has a value outside what the function accepts.',
    howToFix: 'Read the message: it names the argument, the value received and what is expected.',
  },
  AEQ_DATA_MISSING_COLUMN: {
    meaning: 'A column named in the options is not in the data.',
    howToFix: 'Use one of the available column names listed in the message (the closest one is suggested).',
  },
  AEQ_DATA_NAN: {
    meaning: 'A numeric column holds NaN or an infinite value in a cell that is not marked missing.',
    howToFix: 'Mark missing cells as missing (empty, or with --na) or clean the data before the audit.',
  },
  AEQ_DATA_MISSING_VALUES: {
    meaning: 'The label, prediction, score or weight column has missing cells.',
    howToFix:
      'Fill them, or pass --drop-missing (dropMissing: true) to drop those rows; the count is reported.',
  },
  AEQ_DATA_AMBIGUOUS_POSITIVE: {
    meaning: 'The positive (favourable) value of a binary column could not be chosen automatically.',
    howToFix: 'Pass --positive VALUE (repeatable) to say which value(s) mean the positive class.',
  },
  AEQ_DATA_NOT_BINARY: {
    meaning: 'A column that must be binary holds more than two distinct values.',
    howToFix:
      'Pass --positive VALUE to map one value to positive and all others to negative, or audit as multiclass.',
  },
  AEQ_DATA_CONSTANT_TARGET: {
    meaning: 'The target (label) column has a single value, so no model can be learned from it.',
    howToFix: 'Check the label column and any filters; a classifier needs at least two classes.',
  },
  AEQ_DATA_TYPE: {
    meaning: 'A column has the wrong type for its role (for example text in a score column).',
    howToFix: 'Choose a numeric column for scores, weights and regression targets, or override the schema.',
  },
  AEQ_DATA_SINGLE_GROUP: {
    meaning: 'A sensitive column has a single group, so there is nothing to compare or rebalance.',
    howToFix:
      'Choose a sensitive column with at least two values, or check the filters that produced the data.',
  },
  AEQ_DATA_EMPTY: {
    meaning: 'The data has no rows (after filtering or dropping missing values).',
    howToFix: 'Check the file and the filters; an audit needs at least one row.',
  },
  AEQ_IO_FILE_NOT_FOUND: {
    meaning: 'The input file does not exist or cannot be read.',
    howToFix: 'Check the path and the permissions.',
  },
  AEQ_IO_FORMAT: {
    meaning: 'The file could not be parsed as the format its extension or --format names.',
    howToFix:
      'Check that the file is what its extension says, or pass --input-format csv|tsv|parquet|json|jsonl|arrow.',
  },
  AEQ_IO_TOO_LARGE: {
    meaning: 'The file is too large to load into memory.',
    howToFix:
      'Use SQL pushdown (--engine duckdb or --sql), which computes the statistics without loading rows.',
  },
  AEQ_SQL_CONNECTION: {
    meaning: 'The SQL source could not be reached or the query failed.',
    howToFix: 'Check the connection string, that the server is running, and the table or query name.',
  },
  AEQ_POLICY_INVALID: {
    meaning: 'A policy file does not follow the policy schema.',
    howToFix:
      'Fix the entries listed in the message; each rule is `metric op number`, optionally per feature.',
  },
  AEQ_CONFIG_INVALID: {
    meaning: 'A configuration object or file is invalid.',
    howToFix: 'Fix the entries listed in the message.',
  },
  AEQ_MODEL_OUTPUT: {
    meaning: 'A model returned something other than one finite number (or probability) per row.',
    howToFix: 'Make the model return an array with one probability per row, in row order.',
  },
  AEQ_MODEL_CONNECTION: {
    meaning: 'A model endpoint could not be reached, timed out, or answered with an error after all retries.',
    howToFix: 'Check the URL, that the service is running, and the timeout and retry options.',
  },
  AEQ_MODEL_LOAD: {
    meaning: 'A model file, folder or module could not be loaded.',
    howToFix:
      'Check the path and that the file is a model of the kind its name says (.json, .onnx, a folder, a .js/.mjs module).',
  },
  AEQ_MODEL_FORMAT: {
    meaning: 'A model file is not a valid aequa model file, or is from a newer format version.',
    howToFix: 'Re-save the model with this version of aequa, or upgrade aequa.',
  },
  AEQ_MODEL_FEATURES: {
    meaning: 'The data lacks columns the model was trained on.',
    howToFix:
      'Rename or add the missing columns listed in the message (extra columns are listed to spot renames).',
  },
  AEQ_MITIGATION_SINGLE_GROUP: {
    meaning:
      'The sensitive attribute given to a mitigation method has fewer than two groups (or a group lacks the rows a constraint needs).',
    howToFix:
      'Choose a sensitive column with at least two groups, each with positive and negative labels where the constraint conditions on the label.',
  },
  AEQ_MITIGATION_WEIGHTS_IGNORED: {
    meaning:
      'A reduction (exponentiated gradient, grid search) was given a learner that ignores sample weights.',
    howToFix:
      'Use a learner that honours sampleWeight (logistic, tree, gbdt, mlp, linear), or a post-processing method.',
  },
  AEQ_MITIGATION_INFEASIBLE: {
    meaning:
      'The fairness constraint could not be met within its slack; the best reachable disparity is reported.',
    howToFix:
      'Raise --eps to at least the reported best disparity, raise --max-iter, or try another learner or method.',
  },
  AEQ_LEDGER_NOT_FOUND: {
    meaning: 'There is no ledger in the project folder (.aequa/ledger), or an entry index is past its end.',
    howToFix: 'Run `aequa ledger init` in the project folder first, or check the folder and the index.',
  },
  AEQ_LEDGER_EXISTS: {
    meaning: 'A ledger already exists where `aequa ledger init` was asked to create one.',
    howToFix: 'Use the existing ledger; a ledger is never re-initialised over its history.',
  },
  AEQ_LEDGER_VERSION: {
    meaning: 'The ledger was written by a newer version of aequa (an unknown format version).',
    howToFix: 'Upgrade aequa to read this ledger.',
  },
  AEQ_LEDGER_KEY: {
    meaning: 'The ledger signing key is missing, unreadable, or does not match the public key on record.',
    howToFix: 'Restore .aequa/ledger/private.key from your backup (keep it at mode 0600).',
  },
  AEQ_LEDGER_LOCKED: {
    meaning: 'Another live process holds the ledger write lock.',
    howToFix: 'Wait for the other aequa process to finish; a lock left by a dead process is taken over.',
  },
  AEQ_LEDGER_CORRUPT: {
    meaning: 'A ledger entry or checkpoint fails verification: altered, reordered, dropped or inserted.',
    howToFix:
      'Treat the ledger as tampered with from the entry named in the message; restore it from a copy you trust.',
  },
  AEQ_LEDGER_ROOT_MISMATCH: {
    meaning: 'A Merkle proof or checkpoint leads to a root hash other than the expected one.',
    howToFix: 'The proof, the leaf or the root is wrong: fetch them again from the ledger and compare.',
  },
  AEQ_LEDGER_PROOF_INVALID: {
    meaning:
      'A Merkle proof has the wrong shape for its tree sizes or indices (too short, too long, out of range).',
    howToFix: 'Check the leaf index and tree sizes the proof was made for, and regenerate it.',
  },
  AEQ_LEDGER_CHECKPOINT_INVALID: {
    meaning: 'A checkpoint (signed note) is malformed or its signature does not verify under the key.',
    howToFix: 'Check that the checkpoint text is complete and was signed by the ledger key you trust.',
  },
  AEQ_LEDGER_RECORD_INVALID: {
    meaning: 'A run record does not follow the RunRecord schema, or is not representable as canonical JSON.',
    howToFix: 'Fix the fields listed in the message (numbers must be finite, strings valid Unicode).',
  },
  AEQ_LEDGER_RETENTION: {
    meaning: 'The ledger retention policy in ledger.json or on the command line is malformed.',
    howToFix: 'Set it again with `aequa ledger retention set --keep-days N --every 1d`.',
  },
  AEQ_PRIVACY_BUDGET_EXHAUSTED: {
    meaning: 'A differentially private release would spend more privacy (ε, δ) than the budget has left.',
    howToFix:
      'Raise the budget (--epsilon/--delta), give each release a smaller ε, or release fewer statistics.',
  },
  AEQ_CRYPTO_KEY: {
    meaning:
      'The key material for encryption is unusable: an empty passphrase file, or a key file that is not 32 bytes.',
    howToFix:
      'Put a non-empty passphrase in the passphrase file, or a 32-byte key (raw or 64 hex digits) in the key file.',
  },
  AEQ_CRYPTO_FORMAT: {
    meaning:
      'The file is not an aequa encrypted file, is from a newer format version, or its header is cut short.',
    howToFix:
      'Check that the file was written by `aequa encrypt`, and upgrade aequa if it is from a newer one.',
  },
  AEQ_CRYPTO_AUTH: {
    meaning:
      'Decryption failed authentication: the key or passphrase is wrong, or the file was altered or truncated.',
    howToFix:
      'Check the passphrase or key file; if it is right, the file is damaged or tampered with: restore it from a copy.',
  },
  AEQ_ANONYMITY_INFEASIBLE: {
    meaning:
      'No generalisation of the quasi-identifiers reaches the target k (or l) within the allowed suppression.',
    howToFix: 'Lower --k, raise --max-suppression, give coarser hierarchies, or drop a quasi-identifier.',
  },
  AEQ_EXPLAIN_NO_COUNTERFACTUAL: {
    meaning:
      'The counterfactual search found no change of the mutable features that gives the desired outcome.',
    howToFix:
      'Raise the search budget (generations, populationSize), widen the ranges or allowed values, or make fewer features immutable.',
  },
  AEQ_CARD_NO_RUNS: {
    meaning: 'A model card was asked for a model that no ledger entry trained, evaluated or used.',
    howToFix:
      'Record a run first (aequa train/audit with a ledger initialised), or name entries with --runs.',
  },
  AEQ_CARD_INVALID: {
    meaning: 'A model card, datasheet or signed card file does not follow its schema.',
    howToFix: 'Fix the fields listed in the message; cards follow the Model Card Toolkit JSON schema v0.0.2.',
  },
  AEQ_SECAGG_RANGE: {
    meaning:
      'A value for secure aggregation is outside the fixed-point range, or the range could overflow the field.',
    howToFix:
      'Clip or rescale the inputs, or change the bound and scale so that parties·bound·scale stays below 2^60.',
  },
  AEQ_SECAGG_PROTOCOL: {
    meaning:
      'A secure-aggregation message broke the protocol (wrong vector length, unknown party, wrong round, bad share).',
    howToFix:
      'Check that every party uses the same vector length and aggregator URL; the message names the party and the field.',
  },
  AEQ_SECAGG_TOO_FEW: {
    meaning: 'Fewer parties than the threshold survived, so the masks cannot be removed safely.',
    howToFix:
      'Lower the threshold (keeping it above half the parties) or make sure more parties stay online.',
  },
  AEQ_PRIVACY_CLAMP_RANGE: {
    meaning:
      'A differentially private statistic was asked with a clamping range that excludes every value of the column.',
    howToFix:
      'Give a range that covers the plausible values, e.g. --clamp age=0:120 (set it from domain knowledge, not from the data).',
  },
  AEQ_CLI_USAGE: {
    meaning: 'The command line is not valid.',
    howToFix: 'Run `aequa --help` or `aequa <command> --help` for the options.',
  },
} as const satisfies Record<string, { meaning: string; howToFix: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** One problem found while validating a structured input (config, policy, schema). */
export interface Issue {
  readonly code: string;
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Base class of every error aequa throws on purpose. */
export class AequaError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { hint?: string; cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AequaError';
    this.code = code;
    this.hint = opts.hint;
    this.details = opts.details;
  }
}

/** A named column is not in the data. Carries the available names and the closest match. */
export class MissingColumnError extends AequaError {
  readonly column: string;
  readonly available: readonly string[];
  readonly suggestion: string | undefined;
  constructor(column: string, available: readonly string[], source?: string, role?: string) {
    const suggestion = closest(column, available);
    const where = source ? ` in ${source}` : '';
    const asRole = role ? ` (given as ${role})` : '';
    const did = suggestion ? ` Did you mean "${suggestion}"?` : '';
    super(
      'AEQ_DATA_MISSING_COLUMN',
      `Column "${column}"${asRole} is not${where}.${did} Available: ${listSome(available)}.`,
      { hint: 'Pass one of the available column names.', details: { column, available, suggestion } },
    );
    this.name = 'MissingColumnError';
    this.column = column;
    this.available = available;
    this.suggestion = suggestion;
  }
}

/** Invalid argument: names the argument, the function, the value and what was expected. */
export class InvalidArgumentError extends AequaError {
  constructor(fn: string, arg: string, got: unknown, expected: string, hint?: string) {
    super(
      'AEQ_INVALID_ARGUMENT',
      `Argument "${arg}" passed to ${fn} must be ${expected}, got ${show(got)}.`,
      {
        ...(hint === undefined ? {} : { hint }),
        details: { fn, arg, expected },
      },
    );
    this.name = 'InvalidArgumentError';
  }
}

/** Validation of a structured input, holding every issue found, not only the first. */
export class ConfigError extends AequaError {
  readonly issues: readonly Issue[];
  constructor(code: 'AEQ_CONFIG_INVALID' | 'AEQ_POLICY_INVALID', what: string, issues: readonly Issue[]) {
    const lines = issues.map((i) => `✖ ${i.message}${i.path.length ? `\n  → at ${i.path.join('.')}` : ''}`);
    super(
      code,
      `${what} is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
    );
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** True for errors thrown by aequa, also across module realms (checks the code prefix). */
export function isAequaError(e: unknown): e is AequaError {
  if (e instanceof AequaError) return true;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as { code?: unknown }).code === 'string' &&
    ((e as { code: string }).code.startsWith('AEQ_') as boolean) &&
    (e as { code: string }).code in ERROR_CODES
  );
}

/** Shows a value in a message: strings quoted, long arrays truncated. */
export function show(v: unknown): string {
  if (typeof v === 'string') return `"${v.length > 80 ? `${v.slice(0, 77)}...` : v}"`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint')
    return `${String(v)} (${typeof v})`;
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `[${listSome(v.map((x) => String(x)))}] (array)`;
  return `${Object.prototype.toString.call(v)}`;
}

/** Joins up to `max` names and says how many more there are. */
export function listSome(names: readonly string[], max = 10): string {
  if (names.length === 0) return '(none)';
  const head = names.slice(0, max).join(', ');
  return names.length > max ? `${head}, …and ${names.length - max} more` : head;
}

/** The candidate closest to `name` by edit distance (case-insensitive), if it is close enough to be a typo. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  const a = name.toLowerCase();
  for (const c of candidates) {
    const d = levenshtein(a, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  if (best === undefined) return undefined;
  return bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function levenshtein(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
