/**
 * @module explain/counterfactual/feature-space
 * The search space of a counterfactual: per model feature its kind, whether it may change, the
 * values it may take (a range for numbers, allowed levels for categories) and its distance scale
 * (the median absolute deviation, as in Wachter, Mittelstadt & Russell 2018,
 * https://arxiv.org/abs/1711.00399). Candidates are flat Float64Arrays: numbers as values,
 * categories as codes into a merged level list, flags as 0/1.
 */
import { AequaError, InvalidArgumentError, listSome, type Rng } from '../../core/index.js';
import { type Column, createTable, isValidAt, type Table } from '../../data/index.js';
import type { FeatureValue } from '../explanation.js';

/** One feature of the search space. */
export interface SpaceFeature {
  readonly name: string;
  readonly kind: 'number' | 'category' | 'boolean';
  readonly mutable: boolean;
  /** Number: bounds (inclusive); category/boolean: unused (0). */
  readonly lo: number;
  readonly hi: number;
  /** Number: round candidates to integers (every reference value is an integer). */
  readonly integer: boolean;
  /** Number: distance unit (MAD, or the standard deviation when MAD is 0, or 1). */
  readonly scale: number;
  /** Category: merged levels of the query and the data; boolean: ['false', 'true']. */
  readonly levels: readonly string[];
  /** Category/boolean: codes the feature may take. */
  readonly allowed: readonly number[];
}

/** The search space and the query row as a candidate. */
export interface FeatureSpace {
  readonly features: readonly SpaceFeature[];
  readonly query: Float64Array;
}

/** Options that shape the space. */
export interface SpaceOptions {
  readonly immutable?: readonly string[];
  readonly ranges?: Readonly<Record<string, readonly [number, number]>>;
  readonly allowedValues?: Readonly<Record<string, readonly string[]>>;
}

function median(sorted: Float64Array): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  return n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

/**
 * Builds the space from the model's features, the query row and reference data.
 * @throws {AEQ_INVALID_ARGUMENT} for unknown names in immutable/ranges/allowedValues, an empty
 *   range, a query cell that is missing, or a query outside a column's kind.
 */
export function buildSpace(
  fn: string,
  features: readonly string[],
  query: Table,
  data: Table,
  opts: SpaceOptions,
): FeatureSpace {
  const immutable = new Set(opts.immutable ?? []);
  for (const name of [
    ...immutable,
    ...Object.keys(opts.ranges ?? {}),
    ...Object.keys(opts.allowedValues ?? {}),
  ]) {
    if (!features.includes(name))
      throw new InvalidArgumentError(
        fn,
        'immutable/ranges/allowedValues',
        name,
        `one of the model's features (${listSome(features)})`,
      );
  }
  const q = new Float64Array(features.length);
  const out: SpaceFeature[] = [];
  features.forEach((name, j) => {
    const qc = query.column(name);
    const dc = data.column(name);
    if (!isValidAt(qc, 0))
      throw new InvalidArgumentError(
        fn,
        `query.${name}`,
        'a missing cell',
        'a value in every model feature',
        'Fill the missing value before asking for counterfactuals.',
      );
    const mutable = !immutable.has(name);
    if (qc.kind === 'number') {
      if (dc.kind !== 'number')
        throw new InvalidArgumentError(fn, `data.${name}`, dc.kind, 'a number column like the query');
      const vals: number[] = [];
      for (let i = 0; i < data.nrows; i++) if (isValidAt(dc, i)) vals.push(dc.values[i]!);
      vals.push(qc.values[0]!);
      const sorted = Float64Array.from(vals).sort();
      const med = median(sorted);
      const dev = Float64Array.from(sorted, (v) => Math.abs(v - med)).sort();
      let scale = median(dev);
      if (!(scale > 0)) {
        let m = 0;
        for (const v of sorted) m += v;
        m /= sorted.length;
        let ss = 0;
        for (const v of sorted) ss += (v - m) ** 2;
        scale = Math.sqrt(ss / sorted.length) || 1;
      }
      const r = opts.ranges?.[name];
      const lo = r ? r[0] : sorted[0]!;
      const hi = r ? r[1] : sorted[sorted.length - 1]!;
      if (!(lo <= hi) || !Number.isFinite(lo) || !Number.isFinite(hi))
        throw new InvalidArgumentError(
          fn,
          `ranges.${name}`,
          r ? [...r] : [lo, hi],
          'finite [lo, hi] with lo ≤ hi',
        );
      q[j] = qc.values[0]!;
      out.push({
        name,
        kind: 'number',
        mutable,
        lo,
        hi,
        integer: sorted.every((v) => Number.isInteger(v)) && Number.isInteger(lo) && Number.isInteger(hi),
        scale,
        levels: [],
        allowed: [],
      });
      return;
    }
    if (qc.kind === 'boolean') {
      q[j] = qc.values[0]!;
      const want = opts.allowedValues?.[name];
      const allowed = want ? [0, 1].filter((c) => want.includes(c === 1 ? 'true' : 'false')) : [0, 1];
      out.push({
        name,
        kind: 'boolean',
        mutable,
        lo: 0,
        hi: 1,
        integer: true,
        scale: 1,
        levels: ['false', 'true'],
        allowed,
      });
      return;
    }
    if (dc.kind !== 'category')
      throw new InvalidArgumentError(fn, `data.${name}`, dc.kind, 'a category column like the query');
    const levels = [...dc.levels];
    for (const l of qc.levels) if (!levels.includes(l)) levels.push(l);
    const present = new Set<number>();
    for (let i = 0; i < data.nrows; i++)
      if (dc.codes[i]! >= 0) present.add(levels.indexOf(dc.levels[dc.codes[i]!]!));
    const want = opts.allowedValues?.[name];
    if (want) for (const w of want) if (!levels.includes(w)) levels.push(w);
    const allowed = want ? want.map((w) => levels.indexOf(w)) : [...present].sort((a, b) => a - b);
    q[j] = levels.indexOf(qc.levels[qc.codes[0]!]!);
    out.push({ name, kind: 'category', mutable, lo: 0, hi: 0, integer: true, scale: 1, levels, allowed });
  });
  return { features: out, query: q };
}

/** A fresh value for feature `f` drawn uniformly from what it may take, different from `current` when possible. */
export function drawValue(f: SpaceFeature, current: number, rng: Rng): number {
  if (f.kind === 'number') {
    const v = f.lo + rng.nextFloat64() * (f.hi - f.lo);
    return f.integer ? Math.min(f.hi, Math.max(f.lo, Math.round(v))) : v;
  }
  const others = f.allowed.filter((c) => c !== current);
  if (others.length === 0) return current;
  return others[Math.floor(rng.nextFloat64() * others.length)]!;
}

/** MAD-scaled L1 distance for numbers plus 0/1 mismatches for categories and flags. */
export function distance(
  space: FeatureSpace,
  a: Float64Array,
  ao: number,
  b: Float64Array,
  bo: number,
): number {
  const fs = space.features;
  let d = 0;
  for (let j = 0; j < fs.length; j++) {
    const f = fs[j]!;
    const x = a[ao + j]!;
    const y = b[bo + j]!;
    d += f.kind === 'number' ? Math.abs(x - y) / f.scale : x === y ? 0 : 1;
  }
  return d;
}

/** Number of features whose value differs. */
export function changedCount(a: Float64Array, ao: number, b: Float64Array, d: number): number {
  let c = 0;
  for (let j = 0; j < d; j++) if (a[ao + j] !== b[j]) c++;
  return c;
}

/** A table of `n` candidates (row-major n × d) in the model's column kinds. */
export function candidatesTable(space: FeatureSpace, cand: Float64Array, n: number): Table {
  const d = space.features.length;
  const cols: Record<string, Column> = {};
  space.features.forEach((f, j) => {
    if (f.kind === 'number') {
      const v = new Float64Array(n);
      for (let i = 0; i < n; i++) v[i] = cand[i * d + j]!;
      cols[f.name] = { kind: 'number', values: v, valid: null };
    } else if (f.kind === 'boolean') {
      const v = new Uint8Array(n);
      for (let i = 0; i < n; i++) v[i] = cand[i * d + j]!;
      cols[f.name] = { kind: 'boolean', values: v, valid: null };
    } else {
      const v = new Int32Array(n);
      for (let i = 0; i < n; i++) v[i] = cand[i * d + j]!;
      cols[f.name] = { kind: 'category', codes: v, levels: f.levels, valid: null };
    }
  });
  return createTable(cols);
}

/** The value of feature j of a candidate as people read it. */
export function displayValue(f: SpaceFeature, v: number): FeatureValue {
  if (f.kind === 'number') return v;
  if (f.kind === 'boolean') return v === 1;
  return f.levels[v] ?? null;
}

/** Throws AEQ_EXPLAIN_NO_COUNTERFACTUAL with the budget spent and what to try. */
export function noCounterfactual(desired: string, evaluations: number, mutable: number): AequaError {
  return new AequaError(
    'AEQ_EXPLAIN_NO_COUNTERFACTUAL',
    `No counterfactual with outcome ${desired} was found after ${evaluations} model evaluations over ${mutable} mutable feature(s).`,
    {
      hint: 'Raise generations or populationSize, widen ranges/allowedValues, or make fewer features immutable.',
      details: { desired, evaluations, mutable },
    },
  );
}
