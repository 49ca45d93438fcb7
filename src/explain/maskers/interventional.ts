/**
 * @module explain/maskers/interventional
 * The interventional ("independent") masker of KernelSHAP and friends (Lundberg & Lee 2017,
 * https://arxiv.org/abs/1705.07874; Janzing, Minorics & Blöbaum 2020, https://arxiv.org/abs/1910.13413):
 * the value of a coalition S at row x is v(S) = link(Σ_b w_b f(x_S, z_b,S̄)) over background rows z_b.
 * The explained rows and the background are copied once into a pool of typed columns with merged
 * category dictionaries; a batch of coalitions is one gather per column into one `Table` and one
 * `predictProba` call — no per-row objects.
 */
import { AequaError, listSome } from '../../core/index.js';
import { type Column, cellString, createTable, isValidAt, type Table, Validity } from '../../data/index.js';
import type { Model } from '../../models/index.js';
import type { FeatureValue } from '../explanation.js';
import { logit, type OutputSpec, readOutputInto } from '../output.js';
import type { FeatureGroups } from './features.js';

/** Rows per `predictProba` call. @default 8192 */
export const DEFAULT_BATCH_ROWS = 8192;

/** One model column of a pool, in one encoding for explained and background rows. */
export type PoolColumn =
  | { readonly kind: 'number'; readonly values: Float64Array; readonly missing: Uint8Array | null }
  | { readonly kind: 'boolean'; readonly values: Uint8Array; readonly missing: Uint8Array | null }
  | {
      readonly kind: 'category';
      readonly values: Int32Array;
      readonly levels: readonly string[];
      readonly missing: Uint8Array | null;
    };

/**
 * Explained rows (pool rows 0..nx−1) and background rows (nx..nx+nb−1) of the model's columns, in one
 * encoding per column.
 */
export interface RowPool {
  readonly nx: number;
  readonly nb: number;
  readonly columns: readonly string[];
  readonly cols: readonly PoolColumn[];
  /** Background weights, normalised to sum to 1. */
  readonly weights: Float64Array;
}

/** Throws AEQ_MODEL_FEATURES naming the model columns that `table` lacks. */
export function checkModelColumns(table: Table, columns: readonly string[], what: string): void {
  const missing = columns.filter((c) => !table.has(c));
  if (missing.length > 0)
    throw new AequaError(
      'AEQ_MODEL_FEATURES',
      `The ${what} lacks ${missing.length} column(s) the model reads: ${listSome(missing)}. It has: ${listSome(table.names)}.`,
      {
        hint:
          what === 'background'
            ? 'Give background rows with every model feature (e.g. rows of the training data).'
            : 'Explain rows that have every column the model was trained on.',
        details: { missing, available: table.names },
      },
    );
}

function missingMask(col: Column, n: number): Uint8Array | null {
  if (col.valid === null) return null;
  let m: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    if (!isValidAt(col, i)) {
      m ??= new Uint8Array(n);
      m[i] = 1;
    }
  }
  return m;
}

function joinMissing(a: Uint8Array | null, na: number, b: Uint8Array | null, nb: number): Uint8Array | null {
  if (a === null && b === null) return null;
  const out = new Uint8Array(na + nb);
  if (a !== null) out.set(a, 0);
  if (b !== null) out.set(b, na);
  return out;
}

/**
 * Copies the model's columns of `rows` and `background` into one pool. Columns of different kinds in
 * the two tables (a number in one, text in the other) are both read as text levels.
 * @throws {AEQ_MODEL_FEATURES} when either table lacks a model column.
 */
export function buildPool(
  columns: readonly string[],
  rows: Table,
  background: Table,
  weights?: Float64Array,
): RowPool {
  checkModelColumns(rows, columns, 'data');
  checkModelColumns(background, columns, 'background');
  const nx = rows.nrows;
  const nb = background.nrows;
  const cols = columns.map((name): PoolColumn => {
    const a = rows.column(name);
    const b = background.column(name);
    const missing = joinMissing(missingMask(a, nx), nx, missingMask(b, nb), nb);
    if (a.kind === 'number' && b.kind === 'number') {
      const values = new Float64Array(nx + nb);
      values.set(a.values, 0);
      values.set(b.values, nx);
      return { kind: 'number', values, missing };
    }
    if (a.kind === 'boolean' && b.kind === 'boolean') {
      const values = new Uint8Array(nx + nb);
      values.set(a.values, 0);
      values.set(b.values, nx);
      return { kind: 'boolean', values, missing };
    }
    // Categories (or mixed kinds): merge the dictionaries by spelling.
    const levels: string[] = [];
    const index = new Map<string, number>();
    const values = new Int32Array(nx + nb).fill(-1);
    const put = (col: Column, n: number, off: number): void => {
      if (col.kind === 'category') {
        const map = new Int32Array(col.levels.length);
        for (let t = 0; t < col.levels.length; t++) {
          const l = col.levels[t]!;
          let c = index.get(l);
          if (c === undefined) {
            c = levels.length;
            levels.push(l);
            index.set(l, c);
          }
          map[t] = c;
        }
        for (let i = 0; i < n; i++) {
          const c = col.codes[i]!;
          values[off + i] = c >= 0 && isValidAt(col, i) ? map[c]! : -1;
        }
        return;
      }
      for (let i = 0; i < n; i++) {
        const s = cellString(col, i);
        if (s === null) continue;
        let c = index.get(s);
        if (c === undefined) {
          c = levels.length;
          levels.push(s);
          index.set(s, c);
        }
        values[off + i] = c;
      }
    };
    put(a, nx, 0);
    put(b, nb, nx);
    return { kind: 'category', values, levels, missing };
  });
  const w = new Float64Array(nb);
  if (weights === undefined) w.fill(1 / nb);
  else {
    let s = 0;
    for (let b = 0; b < nb; b++) s += weights[b]!;
    for (let b = 0; b < nb; b++) w[b] = weights[b]! / s;
  }
  return { nx, nb, columns, cols, weights: w };
}

/**
 * A table of pool rows: for output row r, pool row `src[r]`. One typed array per column.
 * @example poolTable(pool, Uint32Array.of(0, 0, 5)).nrows // 3
 */
export function poolTable(pool: RowPool, src: Uint32Array): Table {
  const out: Record<string, Column> = {};
  pool.cols.forEach((c, k) => {
    out[pool.columns[k]!] = gatherColumn(c, src);
  });
  return createTable(out);
}

/** Column `c` at pool rows `src` (one typed array, a validity mask only where cells are missing). */
export function gatherColumn(c: PoolColumn, src: Uint32Array): Column {
  const n = src.length;
  let valid: Validity | null = null;
  if (c.missing !== null) {
    for (let r = 0; r < n; r++) {
      if (c.missing[src[r]!]) {
        valid ??= new Validity(n);
        valid.setValid(r, false);
      }
    }
  }
  if (c.kind === 'number') {
    const v = new Float64Array(n);
    for (let r = 0; r < n; r++) v[r] = c.values[src[r]!]!;
    return { kind: 'number', values: v, valid };
  }
  if (c.kind === 'boolean') {
    const v = new Uint8Array(n);
    for (let r = 0; r < n; r++) v[r] = c.values[src[r]!]!;
    return { kind: 'boolean', values: v, valid };
  }
  const v = new Int32Array(n);
  for (let r = 0; r < n; r++) v[r] = c.values[src[r]!]!;
  return { kind: 'category', codes: v, levels: c.levels, valid };
}

/** The raw values of pool row `i`, per explained feature (a group's columns joined by ", "). */
export function poolValues(pool: RowPool, groups: FeatureGroups, i: number): FeatureValue[] {
  const cell = (k: number): FeatureValue => {
    const c = pool.cols[k]!;
    if (c.missing?.[i]) return null;
    if (c.kind === 'number') return c.values[i]!;
    if (c.kind === 'boolean') return c.values[i] === 1;
    return c.levels[c.values[i]!] ?? null;
  };
  const parts: { col: string; v: FeatureValue }[][] = groups.names.map(() => []);
  for (let k = 0; k < groups.columns.length; k++)
    parts[groups.groupOf[k]!]!.push({ col: groups.columns[k]!, v: cell(k) });
  return parts.map((p) => (p.length === 1 ? p[0]!.v : p.map((e) => `${e.col}=${e.v}`).join(', ')));
}

/** A cooperative game per explained row: the value of coalitions of explained features. */
export interface Game {
  /** Number of explained features (players). */
  readonly d: number;
  /** Number of explained rows. */
  readonly nRows: number;
  /**
   * v_i(S) for `m` coalitions given as an m × d 0/1 matrix (1 = the feature takes row i's value),
   * on the link scale.
   */
  evaluate(i: number, masks: Uint8Array, m: number): Promise<Float64Array>;
  /** v_i(all features) = link(Σ_b w_b f(x_i)) (= link(f(x_i)) up to rounding) for every explained row. */
  predictions(): Promise<Float64Array>;
  /** v(∅) = link(Σ_b w_b f(z_b)), the same for every row. */
  baseValue(): Promise<number>;
  /** Model rows scored so far. */
  readonly modelRows: number;
}

/**
 * The interventional game over a pool.
 * @example
 * const g = interventionalGame(model, pool, groups, spec);
 * await g.evaluate(0, Uint8Array.of(1, 0, 0), 1) // Float64Array [E_b f(x₀,₁, z_b,₂, z_b,₃)]
 */
export function interventionalGame(
  model: Model,
  pool: RowPool,
  groups: FeatureGroups,
  spec: OutputSpec,
  opts: { readonly batchRows?: number; readonly signal?: AbortSignal } = {},
): Game {
  const d = groups.names.length;
  const { nx, nb, weights } = pool;
  const batchRows = opts.batchRows ?? DEFAULT_BATCH_ROWS;
  const perBatch = Math.max(1, Math.floor(batchRows / nb));
  const groupOf = groups.groupOf;
  const ncols = groups.columns.length;
  let modelRows = 0;
  let base: number | undefined;
  // Unlinked mean of the model output over the batch's background block.
  const score = async (table: Table, n: number): Promise<Float64Array> => {
    const raw = await model.predictProba(table, opts.signal ? { signal: opts.signal } : {});
    modelRows += n;
    const out = new Float64Array(n);
    readOutputInto(raw, n, { ...spec, link: 'identity' }, out);
    return out;
  };
  const linkOf = (p: number): number => (spec.link === 'logit' ? logit(p) : p);
  return {
    d,
    nRows: nx,
    get modelRows() {
      return modelRows;
    },
    async evaluate(i, masks, m) {
      const out = new Float64Array(m);
      const src = new Uint32Array(Math.min(perBatch, m) * nb);
      for (let t0 = 0; t0 < m; t0 += perBatch) {
        const mt = Math.min(perBatch, m - t0);
        const n = mt * nb;
        const s = n === src.length ? src : src.subarray(0, n);
        const table = batchTable(pool, s, masks, t0, mt, d, i, groupOf, ncols);
        const f = await score(table, n);
        for (let t = 0; t < mt; t++) {
          let acc = 0;
          const off = t * nb;
          for (let b = 0; b < nb; b++) acc += weights[b]! * f[off + b]!;
          out[t0 + t] = linkOf(acc);
        }
      }
      return out;
    },
    async predictions() {
      const src = new Uint32Array(nx);
      for (let i = 0; i < nx; i++) src[i] = i;
      const f = await score(poolTable(pool, src), nx);
      // The same weighted sum evaluate() forms for the all-features coalition (every term f(x)), so
      // that v(all) is bitwise the value the estimators telescope to.
      for (let i = 0; i < nx; i++) {
        const fx = f[i]!;
        let acc = 0;
        for (let b = 0; b < nb; b++) acc += weights[b]! * fx;
        f[i] = linkOf(acc);
      }
      return f;
    },
    async baseValue() {
      if (base !== undefined) return base;
      const src = new Uint32Array(nb);
      for (let b = 0; b < nb; b++) src[b] = nx + b;
      const f = await score(poolTable(pool, src), nb);
      let acc = 0;
      for (let b = 0; b < nb; b++) acc += weights[b]! * f[b]!;
      base = linkOf(acc);
      return base;
    },
  };
}

/**
 * Builds the table of `mt` coalitions × nb background rows. Column k of coalition t reads pool row
 * `i` when feature groupOf[k] is in the coalition, else background row b.
 */
function batchTable(
  pool: RowPool,
  src: Uint32Array,
  masks: Uint8Array,
  t0: number,
  mt: number,
  d: number,
  i: number,
  groupOf: Int32Array,
  ncols: number,
): Table {
  const nb = pool.nb;
  const nx = pool.nx;
  const out: Record<string, Column> = {};
  for (let k = 0; k < ncols; k++) {
    const g = groupOf[k]!;
    // src: the pool row each output row reads for this column.
    for (let t = 0; t < mt; t++) {
      const on = masks[(t0 + t) * d + g] === 1;
      const off = t * nb;
      if (on) src.fill(i, off, off + nb);
      else for (let b = 0; b < nb; b++) src[off + b] = nx + b;
    }
    out[pool.columns[k]!] = gatherColumn(pool.cols[k]!, src);
  }
  return createTable(out);
}
