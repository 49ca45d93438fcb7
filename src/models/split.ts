/**
 * @module models/split
 * Train/validation/test splits and k-fold cross-validation, optionally stratified so that each
 * part keeps the class proportions (scikit-learn's train_test_split and StratifiedKFold ideas,
 * https://scikit-learn.org/stable/modules/cross_validation.html). Shuffles are Fisher–Yates with
 * the caller's seeded Rng; per-class sizes are apportioned by largest remainders (Hamilton), so
 * every class is within one row of its exact share.
 */
import { InvalidArgumentError, type Rng, randomInt } from '../core/index.js';

/** Options of {@link trainTestSplit}. */
export interface SplitOptions {
  /** Share of rows (0 < s < 1) or number of rows (an integer ≥ 1) for the test part. @default 0.25 */
  readonly testSize?: number;
  /** Share or number of rows for the validation part. @default 0 */
  readonly validationSize?: number;
  /** Class of each row (length n); each part then keeps the class proportions. */
  readonly stratify?: ArrayLike<number>;
  readonly rng: Rng;
}

/** Row indices of the parts, each sorted ascending; together they are 0 … n − 1, each once. */
export interface Split {
  readonly train: Uint32Array;
  readonly validation: Uint32Array;
  readonly test: Uint32Array;
}

/**
 * Splits rows 0 … n − 1 into train, validation and test parts at random.
 * Sizes: round(share·n) rows, or the given count. Stratified: each class c of n_c rows gives
 * ⌊share·n_c⌋ or ⌈share·n_c⌉ rows to a part, the ceilings going to the largest remainders so that
 * the part still has its total size.
 * @throws {AEQ_INVALID_ARGUMENT} for a bad n or size, sizes adding up to n or more, or a stratify
 *   array of the wrong length or with non-finite entries.
 * @example trainTestSplit(10, { testSize: 0.3, rng: seededRng(1) }).test.length // 3
 */
export function trainTestSplit(n: number, opts: SplitOptions): Split {
  const fn = 'trainTestSplit';
  checkN(fn, n);
  const nTest = partSize(fn, 'testSize', opts.testSize ?? 0.25, n);
  const nVal = partSize(fn, 'validationSize', opts.validationSize ?? 0, n);
  if (nTest + nVal >= n && n > 0)
    throw new InvalidArgumentError(
      fn,
      'testSize',
      opts.testSize ?? 0.25,
      `sizes leaving at least one training row (test ${nTest} + validation ${nVal} of ${n} rows)`,
    );
  const classes = groupRows(fn, n, opts.stratify);
  const rng = opts.rng;
  for (const rows of classes) shuffle(rows, rng);
  // Per class: test rows first, then validation, then train.
  const testCounts = apportion(
    classes.map((r) => r.length),
    nTest,
  );
  const valCounts = apportion(
    classes.map((r) => r.length),
    nVal,
    testCounts,
  );
  const test = new Uint32Array(nTest);
  const validation = new Uint32Array(nVal);
  const train = new Uint32Array(n - nTest - nVal);
  let t = 0;
  let v = 0;
  let r = 0;
  classes.forEach((rows, c) => {
    const a = testCounts[c]!;
    const b = a + valCounts[c]!;
    for (let i = 0; i < rows.length; i++) {
      if (i < a) test[t++] = rows[i]!;
      else if (i < b) validation[v++] = rows[i]!;
      else train[r++] = rows[i]!;
    }
  });
  return { train: train.sort(), validation: validation.sort(), test: test.sort() };
}

/** Options of {@link kFold}. */
export interface KFoldOptions {
  /** Class of each row (length n); each fold then keeps the class proportions. */
  readonly stratify?: ArrayLike<number>;
  readonly rng: Rng;
}

/**
 * k-fold cross-validation: rows are shuffled (within classes when stratified) and dealt to the
 * folds in turn, so fold sizes (and, stratified, the rows of each class per fold) differ by at most
 * one. Each fold's `test` is its rows; `train` is all other rows. Indices are sorted ascending.
 * @throws {AEQ_INVALID_ARGUMENT} when k is not an integer in 2 … n, or stratify is invalid.
 * @example kFold(10, 5, { rng: seededRng(1) }).map((f) => f.test.length) // [2, 2, 2, 2, 2]
 */
export function kFold(n: number, k: number, opts: KFoldOptions): { train: Uint32Array; test: Uint32Array }[] {
  const fn = 'kFold';
  checkN(fn, n);
  if (!Number.isInteger(k) || k < 2 || k > n)
    throw new InvalidArgumentError(fn, 'k', k, `an integer from 2 to the number of rows (${n})`);
  const classes = groupRows(fn, n, opts.stratify);
  const fold = new Uint32Array(n);
  const sizes = new Uint32Array(k);
  let deal = 0;
  for (const rows of classes) {
    shuffle(rows, opts.rng);
    // Continuing the deal across classes keeps both per-class and total fold sizes within one.
    for (let i = 0; i < rows.length; i++, deal++) {
      const f = deal % k;
      fold[rows[i]!] = f;
      sizes[f]!++;
    }
  }
  const out: { train: Uint32Array; test: Uint32Array }[] = [];
  for (let f = 0; f < k; f++) {
    const test = new Uint32Array(sizes[f]!);
    const train = new Uint32Array(n - sizes[f]!);
    let a = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      if (fold[i] === f) test[a++] = i;
      else train[b++] = i;
    }
    out.push({ train, test });
  }
  return out;
}

function checkN(fn: string, n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw new InvalidArgumentError(fn, 'n', n, 'a number of rows (an integer ≥ 0)');
}

/** A share in (0, 1) becomes round(share·n); an integer count is taken as is. */
function partSize(fn: string, name: string, size: number, n: number): number {
  if (size === 0) return 0;
  if (size > 0 && size < 1) return Math.round(size * n);
  if (Number.isInteger(size) && size >= 1 && size <= n) return size;
  throw new InvalidArgumentError(
    fn,
    name,
    size,
    `a share in (0, 1) or a whole number of rows from 1 to ${n}`,
  );
}

/** Rows grouped by class, classes in increasing order; one group of all rows without stratify. */
function groupRows(fn: string, n: number, stratify: ArrayLike<number> | undefined): Uint32Array[] {
  if (stratify === undefined) return [Uint32Array.from({ length: n }, (_, i) => i)];
  if (stratify.length !== n)
    throw new InvalidArgumentError(fn, 'stratify', `length ${stratify.length}`, `one class per row (${n})`);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const c = stratify[i]!;
    if (!Number.isFinite(c)) throw new InvalidArgumentError(fn, `stratify[${i}]`, c, 'a finite class code');
    let rows = byClass.get(c);
    if (rows === undefined) byClass.set(c, (rows = []));
    rows.push(i);
  }
  return [...byClass.entries()].sort((a, b) => a[0] - b[0]).map(([, rows]) => Uint32Array.from(rows));
}

/** Fisher–Yates shuffle in place. */
function shuffle(a: Uint32Array, rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

/**
 * Splits `total` rows over classes in proportion to their sizes (Hamilton's largest remainders).
 * `taken` are rows of each class already given to another part: a class never gives more than it
 * has left, and its quota is share · n_c with share = total / Σ n_c.
 */
function apportion(sizes: readonly number[], total: number, taken?: readonly number[]): number[] {
  const n = sizes.reduce((a, b) => a + b, 0);
  if (total === 0 || n === 0) return sizes.map(() => 0);
  const share = total / n;
  const counts = sizes.map((s) => Math.floor(s * share));
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = sizes
    .map((s, c) => ({ c, rem: s * share - Math.floor(s * share) }))
    .sort((a, b) => b.rem - a.rem || a.c - b.c);
  for (let pass = 0; left > 0 && pass < 2; pass++) {
    for (const { c } of order) {
      if (left === 0) break;
      const room = sizes[c]! - (taken?.[c] ?? 0) - counts[c]!;
      // First pass: one extra row each for the largest remainders; a second pass runs only when
      // rows already given to another part left a class without room.
      if (room > 0) {
        counts[c]!++;
        left--;
      }
    }
  }
  return counts;
}
