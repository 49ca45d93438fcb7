/**
 * @module data/labels
 * Which value of a label or prediction column is the positive (favourable) class, and the 0/1
 * coding that follows from it. The default rule is documented in README "Labels": explicit
 * values win; otherwise a recognised word (1/true/yes/y/positive/pos) or the one value > 0
 * of a numeric pair; anything else asks the user for `--positive VALUE`. Pure and browser-safe.
 */
import { AequaError, InvalidArgumentError, listSome, warn } from '../core/index.js';
import type { Column, Validity } from './column.js';
import { compareCodePoints, trimText } from './schema.js';

/** The positive and negative values of a binary column, as strings (numbers as `String(x)`). */
export interface PositiveValues {
  readonly positive: readonly string[];
  readonly negative: readonly string[];
}

/** Options of `resolvePositive`. */
export interface ResolvePositiveOptions {
  /** Values that mean the positive class; all other values are negative. @default chosen by the rule */
  readonly positive?: readonly string[];
  /** Column name, for messages. */
  readonly name: string;
  /** What the column is used as, for messages. */
  readonly role: 'label' | 'prediction';
}

/** Words that mark the positive value of a two-valued column (compared case-insensitively). */
const POSITIVE_WORDS: ReadonlySet<string> = new Set(['1', 'true', 'yes', 'y', 'positive', 'pos']);
/** Words that mark the negative value of a one-valued column. */
const NEGATIVE_WORDS: ReadonlySet<string> = new Set(['0', 'false', 'no', 'n', 'negative', 'neg']);

/**
 * The distinct values present in a column (valid cells only), as strings: category levels that
 * occur, numbers as `String(x)`, booleans as 'true'/'false'. Sorted by code point.
 * @example distinctValues(categoryColumn(['b', 'a', 'b'])) // ['a', 'b']
 */
export function distinctValues(column: Column): string[] {
  const valid = column.valid;
  if (column.kind === 'category') {
    const seen = new Uint8Array(column.levels.length);
    for (let i = 0; i < column.codes.length; i++) {
      const c = column.codes[i]!;
      if (c >= 0 && (valid === null || valid.isValid(i))) seen[c] = 1;
    }
    return column.levels.filter((_, k) => seen[k] === 1).sort(compareCodePoints);
  }
  if (column.kind === 'boolean') {
    let t = false;
    let f = false;
    for (let i = 0; i < column.values.length; i++) {
      if (valid !== null && !valid.isValid(i)) continue;
      if (column.values[i]) t = true;
      else f = true;
    }
    return [...(f ? ['false'] : []), ...(t ? ['true'] : [])];
  }
  const set = new Set<number>();
  for (let i = 0; i < column.values.length; i++) {
    if (valid !== null && !valid.isValid(i)) continue;
    set.add(column.values[i]!);
  }
  return [...set].sort((a, b) => a - b).map((x) => String(x));
}

/**
 * Chooses the positive value(s) of a label or prediction column.
 *
 * Rule: with explicit `positive` values, those are positive and every other value negative
 * (warning AEQ_W_LABEL_VALUES when the column has more than two values). Without them, the
 * column must have at most two values; the positive one is the value spelled 1/true/yes/y/
 * positive/pos (any case), or, for two numbers, the one above 0 when the other is ≤ 0.
 *
 * @throws {AEQ_DATA_AMBIGUOUS_POSITIVE} when two values give no recognisable positive one.
 * @throws {AEQ_DATA_NOT_BINARY} when more than two values occur and no `positive` is given.
 * @throws {AEQ_INVALID_ARGUMENT} when none of the explicit values occurs in the column.
 * @throws {AEQ_DATA_EMPTY} when the column has no values at all.
 * @example resolvePositive(categoryColumn(['no', 'yes']), { name: 'y', role: 'label' })
 * // { positive: ['yes'], negative: ['no'] }
 */
export function resolvePositive(column: Column, opts: ResolvePositiveOptions): PositiveValues {
  const values = distinctValues(column);
  const what = `${opts.role} column "${opts.name}"`;
  if (values.length === 0) {
    throw new AequaError('AEQ_DATA_EMPTY', `The ${what} has no values (every cell is missing).`, {
      hint: 'Check the column name and the missing-value markers (--na).',
      details: { column: opts.name },
    });
  }
  if (opts.positive !== undefined && opts.positive.length > 0) {
    const positive = [...new Set(opts.positive.map((p) => normalise(column, p)))];
    const pos = new Set(positive);
    const present = values.filter((v) => pos.has(v));
    if (present.length === 0) {
      throw new InvalidArgumentError(
        'resolvePositive',
        'positive',
        [...opts.positive],
        `values that occur in the ${what} (${listSome(values)})`,
        'Pass --positive with one of the listed values.',
      );
    }
    if (values.length > 2) {
      warn(
        'AEQ_W_LABEL_VALUES',
        `The ${what} has ${values.length} values (${listSome(values)}); ${listSome(present)} count as positive, all others as negative.`,
        { column: opts.name, values, positive },
      );
    }
    return { positive, negative: values.filter((v) => !pos.has(v)) };
  }
  if (values.length > 2) {
    throw new AequaError(
      'AEQ_DATA_NOT_BINARY',
      `The ${what} has ${values.length} values (${listSome(values)}), but a binary audit needs two; pass --positive VALUE to count that value as positive and all others as negative.`,
      { hint: 'Pass --positive VALUE (repeatable).', details: { column: opts.name, values } },
    );
  }
  if (values.length === 1) {
    const v = values[0]!;
    const w = word(v);
    if (POSITIVE_WORDS.has(w)) return { positive: [v], negative: [] };
    if (NEGATIVE_WORDS.has(w) || (column.kind === 'number' && Number(v) <= 0))
      return { positive: [], negative: [v] };
    throw ambiguous(what, opts.name, values);
  }
  const [a, b] = values as [string, string];
  const pa = POSITIVE_WORDS.has(word(a));
  const pb = POSITIVE_WORDS.has(word(b));
  if (pa !== pb) return pa ? { positive: [a], negative: [b] } : { positive: [b], negative: [a] };
  if (!pa && column.kind === 'number') {
    const x = Number(a);
    const y = Number(b);
    if (x <= 0 && y > 0) return { positive: [b], negative: [a] };
    if (y <= 0 && x > 0) return { positive: [a], negative: [b] };
  }
  throw ambiguous(what, opts.name, values);
}

/** 0/1 codes of a binary column (`positive` values → 1), with the column's missing mask. */
export interface BinaryCodes {
  readonly values: Uint8Array;
  readonly valid: Validity | null;
}

/**
 * Codes a column as 0/1: cells whose value is in `positive` become 1, other valid cells 0.
 * Missing cells stay missing (the column's own validity mask is returned, not copied) and hold 0.
 * @example toBinary(categoryColumn(['>50K.', '<=50K.']), ['>50K', '>50K.']).values // Uint8Array [1, 0]
 */
export function toBinary(column: Column, positive: readonly string[]): BinaryCodes {
  switch (column.kind) {
    case 'category': {
      const pos = new Set(positive);
      const isPos = new Uint8Array(column.levels.length);
      for (let k = 0; k < column.levels.length; k++) isPos[k] = pos.has(column.levels[k]!) ? 1 : 0;
      const n = column.codes.length;
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const c = column.codes[i]!;
        out[i] = c >= 0 ? isPos[c]! : 0;
      }
      return { values: out, valid: column.valid };
    }
    case 'number': {
      const pos = new Set<number>();
      for (const p of positive) {
        const x = Number(trimText(p));
        if (trimText(p) !== '' && Number.isFinite(x)) pos.add(x);
      }
      const n = column.values.length;
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = pos.has(column.values[i]!) ? 1 : 0;
      if (column.valid !== null) for (let i = 0; i < n; i++) if (!column.valid.isValid(i)) out[i] = 0;
      return { values: out, valid: column.valid };
    }
    case 'boolean': {
      const lower = positive.map((p) => trimText(p).toLowerCase());
      const t = lower.includes('true') || lower.includes('1') ? 1 : 0;
      const f = lower.includes('false') || lower.includes('0') ? 1 : 0;
      const n = column.values.length;
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = column.values[i] ? t : f;
      if (column.valid !== null) for (let i = 0; i < n; i++) if (!column.valid.isValid(i)) out[i] = 0;
      return { values: out, valid: column.valid };
    }
  }
}

/** Writes an explicit value the way the column's values are written (numbers as String(x)). */
function normalise(column: Column, p: string): string {
  if (column.kind === 'number') {
    const t = trimText(p);
    const x = Number(t);
    return t !== '' && Number.isFinite(x) ? String(x) : p;
  }
  if (column.kind === 'boolean') {
    const t = trimText(p).toLowerCase();
    return t === '1' ? 'true' : t === '0' ? 'false' : t;
  }
  return p;
}

function word(v: string): string {
  return trimText(v).toLowerCase();
}

function ambiguous(what: string, name: string, values: readonly string[]): AequaError {
  const list = values.map((v) => `"${v}"`).join(', ');
  return new AequaError(
    'AEQ_DATA_AMBIGUOUS_POSITIVE',
    `Cannot tell which value of the ${what} is positive: it holds ${list}; pass --positive VALUE to name the positive (favourable) value.`,
    {
      hint: `Pass --positive VALUE, e.g. --positive "${values[values.length - 1]}".`,
      details: { column: name, values },
    },
  );
}
