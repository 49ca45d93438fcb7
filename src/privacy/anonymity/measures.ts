/**
 * @module privacy/anonymity/measures
 * Anonymity of a released table over declared quasi-identifiers: k-anonymity (Sweeney 2002,
 * https://doi.org/10.1142/S0218488502001648), distinct and entropy ℓ-diversity (Machanavajjhala et al. 2007,
 * https://doi.org/10.1145/1217299.1217302) and t-closeness with the Earth Mover's Distance (Li, Li &
 * Venkatasubramanian 2007, https://doi.org/10.1109/ICDE.2007.367856): ordered distance for numbers,
 * equal distance for categories. Missing cells form their own value.
 */
import { InvalidArgumentError } from '../../core/index.js';
import { cellString, type Table } from '../../data/index.js';

/** The equivalence classes of a table: rows sharing all quasi-identifier values. */
export interface EquivalenceClasses {
  /** Class index per row. */
  readonly classOf: Int32Array;
  /** Rows per class. */
  readonly sizes: Int32Array;
  /** The quasi-identifier values of each class (missing shown as null). */
  readonly keys: readonly (readonly (string | null)[])[];
}

/** The anonymity measures of a table. */
export interface AnonymityReport {
  readonly rows: number;
  readonly quasiIdentifiers: readonly string[];
  readonly sensitive: string | null;
  readonly classes: number;
  /** The size of the smallest equivalence class (0 for an empty table). */
  readonly k: number;
  /** Rows in classes smaller than the target k (when one is given). */
  readonly rowsBelowK: number | null;
  /** Minimum over classes of the number of distinct sensitive values. */
  readonly distinctL: number | null;
  /** Minimum over classes of exp(entropy of the sensitive values) (natural log). */
  readonly entropyL: number | null;
  /** Maximum over classes of the EMD between the class's and the table's sensitive distribution. */
  readonly t: number | null;
  readonly tDistance: 'ordered' | 'equal' | null;
  /** The smallest classes (up to 5), with their quasi-identifier values. */
  readonly smallest: readonly {
    readonly values: Readonly<Record<string, string | null>>;
    readonly size: number;
  }[];
  /** Whether each given target holds. */
  readonly meets: Readonly<{ k?: boolean; l?: boolean; t?: boolean }>;
}

/**
 * Groups rows by their quasi-identifier values.
 * @throws {AEQ_DATA_MISSING_COLUMN} a quasi-identifier is not in the table
 * @example equivalenceClasses(t, ['age', 'zip']).sizes // Int32Array [3, 2, …]
 */
export function equivalenceClasses(table: Table, qi: readonly string[]): EquivalenceClasses {
  const n = table.nrows;
  // Per column: a dense code per row (0 = missing) and the value of each code.
  const codes: Int32Array[] = [];
  const values: (string | null)[][] = [];
  for (const q of qi) {
    const col = table.column(q, 'quasi-identifier');
    const idx = new Map<string, number>();
    const vals: (string | null)[] = [null];
    const cs = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = cellString(col, i);
      if (v === null) continue;
      let c = idx.get(v);
      if (c === undefined) {
        c = vals.length;
        vals.push(v);
        idx.set(v, c);
      }
      cs[i] = c;
    }
    codes.push(cs);
    values.push(vals);
  }
  let space = 1;
  for (const v of values) space *= v.length;
  const numeric = space < Number.MAX_SAFE_INTEGER;
  const index = new Map<number | string, number>();
  const classOf = new Int32Array(n);
  const sizes: number[] = [];
  const keys: (string | null)[][] = [];
  for (let i = 0; i < n; i++) {
    let key: number | string;
    if (numeric) {
      key = 0;
      for (let q = 0; q < qi.length; q++) key = key * values[q]!.length + codes[q]![i]!;
    } else key = codes.map((c) => c[i]).join(',');
    let c = index.get(key);
    if (c === undefined) {
      c = sizes.length;
      index.set(key, c);
      sizes.push(0);
      keys.push(codes.map((cs, q) => values[q]![cs[i]!]!));
    }
    classOf[i] = c;
    sizes[c]!++;
  }
  return { classOf, sizes: Int32Array.from(sizes), keys };
}

/**
 * Earth Mover's Distance between two distributions over the same m values. `ordered`: values are ranked
 * and neighbours are 1/(m−1) apart, EMD = (1/(m−1)) Σ_i |Σ_{j≤i} (p_j − q_j)|; otherwise all values are
 * at distance 1, EMD = ½ Σ |p_i − q_i| (Li et al. 2007, section 4.2).
 * @example emd([1, 0, 0], [0, 0, 1], true) // 1
 */
export function emd(p: ArrayLike<number>, q: ArrayLike<number>, ordered: boolean): number {
  const m = p.length;
  if (q.length !== m)
    throw new InvalidArgumentError('emd', 'q', q.length, `a distribution of ${m} values like p`);
  if (m <= 1) return 0;
  let s = 0;
  if (ordered) {
    let cum = 0;
    for (let i = 0; i < m - 1; i++) {
      cum += p[i]! - q[i]!;
      s += Math.abs(cum);
    }
    return s / (m - 1);
  }
  for (let i = 0; i < m; i++) s += Math.abs(p[i]! - q[i]!);
  return s / 2;
}

/** Options of {@link checkAnonymity}. */
export interface CheckOptions {
  /** Quasi-identifier columns. */
  readonly qi: readonly string[];
  /** Sensitive column for ℓ-diversity and t-closeness. */
  readonly sensitive?: string;
  /** Target k (reported in `meets.k`). */
  readonly k?: number;
  /** Target ℓ (distinct ℓ-diversity, reported in `meets.l`). */
  readonly l?: number;
  /** Target t (reported in `meets.t`). */
  readonly t?: number;
}

/**
 * k-anonymity, ℓ-diversity and t-closeness of a table over its quasi-identifiers.
 * @throws {AEQ_DATA_MISSING_COLUMN} a named column is not in the table
 * @throws {AEQ_INVALID_ARGUMENT} no quasi-identifiers, or k < 1, l < 1, t outside [0, 1]
 * @example checkAnonymity(t, { qi: ['age', 'zip'], sensitive: 'diagnosis' }).k // 2
 */
export function checkAnonymity(table: Table, opts: CheckOptions): AnonymityReport {
  if (opts.qi.length === 0)
    throw new InvalidArgumentError('checkAnonymity', 'qi', [], 'at least one quasi-identifier column');
  if (opts.k !== undefined && !(Number.isInteger(opts.k) && opts.k >= 1))
    throw new InvalidArgumentError('checkAnonymity', 'k', opts.k, 'an integer ≥ 1');
  if (opts.l !== undefined && !(opts.l >= 1))
    throw new InvalidArgumentError('checkAnonymity', 'l', opts.l, 'a number ≥ 1');
  if (opts.t !== undefined && !(opts.t >= 0 && opts.t <= 1))
    throw new InvalidArgumentError('checkAnonymity', 't', opts.t, 'a number in [0, 1]');
  const ec = equivalenceClasses(table, opts.qi);
  const nc = ec.sizes.length;
  let k = nc === 0 ? 0 : Number.POSITIVE_INFINITY;
  for (const s of ec.sizes) k = Math.min(k, s);
  let rowsBelowK: number | null = null;
  if (opts.k !== undefined) {
    rowsBelowK = 0;
    for (const s of ec.sizes) if (s < opts.k) rowsBelowK += s;
  }
  let distinctL: number | null = null;
  let entropyL: number | null = null;
  let t: number | null = null;
  let tDistance: 'ordered' | 'equal' | null = null;
  if (opts.sensitive !== undefined) {
    const col = table.column(opts.sensitive, 'sensitive column');
    // sensitive values as codes; numbers are ranked by value for the ordered distance
    const vals: (string | null)[] = [];
    for (let i = 0; i < table.nrows; i++) vals.push(cellString(col, i));
    const uniq = [...new Set(vals.map((v) => v ?? '\u0000missing'))];
    if (col.kind === 'number') {
      tDistance = 'ordered';
      uniq.sort((a, b) => (a === '\u0000missing' ? 1 : b === '\u0000missing' ? -1 : Number(a) - Number(b)));
    } else tDistance = 'equal';
    const code = new Map(uniq.map((u, i) => [u, i]));
    const m = uniq.length;
    const counts = new Float64Array(nc * m);
    const overall = new Float64Array(m);
    for (let i = 0; i < table.nrows; i++) {
      const c = code.get(vals[i] ?? '\u0000missing')!;
      counts[ec.classOf[i]! * m + c]!++;
      overall[c]!++;
    }
    for (let j = 0; j < m; j++) overall[j]! /= Math.max(1, table.nrows);
    distinctL = nc === 0 ? 0 : Number.POSITIVE_INFINITY;
    entropyL = distinctL;
    t = 0;
    const p = new Float64Array(m);
    for (let c = 0; c < nc; c++) {
      const size = ec.sizes[c]!;
      let distinct = 0;
      let h = 0;
      for (let j = 0; j < m; j++) {
        const n = counts[c * m + j]!;
        p[j] = n / size;
        if (n > 0) {
          distinct++;
          h -= p[j]! * Math.log(p[j]!);
        }
      }
      distinctL = Math.min(distinctL, distinct);
      entropyL = Math.min(entropyL, Math.exp(h));
      t = Math.max(t, emd(p, overall, tDistance === 'ordered'));
    }
  }
  const order = [...ec.sizes.keys()].sort((a, b) => ec.sizes[a]! - ec.sizes[b]! || a - b).slice(0, 5);
  const smallest = order.map((c) => ({
    values: Object.fromEntries(opts.qi.map((q, j) => [q, ec.keys[c]![j] ?? null])),
    size: ec.sizes[c]!,
  }));
  const meets: { k?: boolean; l?: boolean; t?: boolean } = {};
  if (opts.k !== undefined) meets.k = k >= opts.k;
  if (opts.l !== undefined && distinctL !== null) meets.l = distinctL >= opts.l;
  if (opts.t !== undefined && t !== null) meets.t = t <= opts.t + 1e-12;
  return {
    rows: table.nrows,
    quasiIdentifiers: [...opts.qi],
    sensitive: opts.sensitive ?? null,
    classes: nc,
    k,
    rowsBelowK,
    distinctL,
    entropyL,
    t,
    tDistance,
    smallest,
    meets,
  };
}
