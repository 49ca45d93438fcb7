/**
 * @module privacy/anonymity/generalize
 * Full-domain generalisation with suppression to reach k-anonymity (optionally distinct ℓ-diversity):
 * Samarati's lattice search (Samarati 2001, https://doi.org/10.1109/69.971193) for the nodes of minimal
 * height that need at most `maxSuppression` suppressed rows, then, among those, the node of least
 * information loss by the normalized certainty penalty (Xu et al. 2006, https://doi.org/10.1145/1150402.1150504).
 */
import { AequaError, InvalidArgumentError } from '../../core/index.js';
import { type Column, categoryColumn, cellString, type Table } from '../../data/index.js';
import { buildLevels, type Hierarchy, type Level } from './hierarchy.js';

/** Options of {@link anonymize}. */
export interface AnonymizeOptions {
  /** Quasi-identifier columns. */
  readonly qi: readonly string[];
  /** Target k: every released equivalence class has at least k rows. */
  readonly k: number;
  /** Also require at least l distinct sensitive values per class (needs `sensitive`). */
  readonly l?: number;
  readonly sensitive?: string;
  /** Hierarchies per quasi-identifier. @default numeric binning for numbers, masking for fixed-length codes, '*' otherwise */
  readonly hierarchies?: Readonly<Record<string, Hierarchy>>;
  /** Largest share of rows that may be suppressed. @default 0.05 */
  readonly maxSuppression?: number;
  /** `minimalHeight`: Samarati (lowest lattice height, then least loss); `minLoss`: least loss over the whole lattice. @default 'minimalHeight' */
  readonly strategy?: 'minimalHeight' | 'minLoss';
  /** Suppressed rows are removed (`remove`) or kept with every quasi-identifier set to '*' (`mask`). @default 'remove' */
  readonly suppression?: 'remove' | 'mask';
}

/** The generalised table and what it cost. */
export interface AnonymizeResult {
  readonly table: Table;
  /** Chosen level per quasi-identifier, out of its hierarchy's top level. */
  readonly levels: Readonly<Record<string, { readonly level: number; readonly top: number }>>;
  /** Sum of the levels (the node's height in the lattice). */
  readonly height: number;
  /** Normalized certainty penalty in [0, 1]: mean over rows and quasi-identifiers; a suppressed row costs 1. */
  readonly ncp: number;
  readonly suppressedRows: number;
  /** Smallest class size of the released rows. */
  readonly k: number;
  readonly classes: number;
  /** Lattice nodes evaluated. */
  readonly nodesEvaluated: number;
}

const MAX_NODES = 200_000;

interface Eval {
  readonly ok: boolean;
  readonly suppressed: Uint8Array;
  readonly suppressedRows: number;
  readonly ncp: number;
  readonly k: number;
  readonly classes: number;
}

/**
 * Generalises the quasi-identifiers of a table (and suppresses a few rows) until it is k-anonymous.
 * @throws {AEQ_DATA_MISSING_COLUMN} a named column is not in the table
 * @throws {AEQ_INVALID_ARGUMENT} k < 1, maxSuppression outside [0, 1), l without sensitive, a lattice above 200 000 nodes
 * @throws {AEQ_ANONYMITY_INFEASIBLE} no node reaches k (and l) within the suppression limit
 * @example anonymize(t, { qi: ['age', 'zip'], k: 5 }).levels // { age: { level: 2, top: 5 }, zip: { level: 1, top: 5 } }
 */
export function anonymize(table: Table, opts: AnonymizeOptions): AnonymizeResult {
  const { qi, k } = opts;
  if (qi.length === 0)
    throw new InvalidArgumentError('anonymize', 'qi', [], 'at least one quasi-identifier column');
  if (!(Number.isInteger(k) && k >= 1)) throw new InvalidArgumentError('anonymize', 'k', k, 'an integer ≥ 1');
  const maxSup = opts.maxSuppression ?? 0.05;
  if (!(maxSup >= 0 && maxSup < 1))
    throw new InvalidArgumentError('anonymize', 'maxSuppression', maxSup, 'a share in [0, 1)');
  if (opts.l !== undefined && opts.sensitive === undefined)
    throw new InvalidArgumentError('anonymize', 'sensitive', undefined, 'a sensitive column when l is given');
  const n = table.nrows;
  const levels: Level[][] = qi.map((q) =>
    buildLevels(table.column(q, 'quasi-identifier'), n, opts.hierarchies?.[q]),
  );
  const tops = levels.map((l) => l.length - 1);
  let total = 1;
  for (const t of tops) total *= t + 1;
  if (total > MAX_NODES)
    throw new InvalidArgumentError(
      'anonymize',
      'hierarchies',
      `${total} lattice nodes`,
      `at most ${MAX_NODES} nodes`,
      'Give hierarchies with fewer levels, or fewer quasi-identifiers.',
    );

  let sensCodes: Int32Array | null = null;
  if (opts.sensitive !== undefined) {
    const col = table.column(opts.sensitive, 'sensitive column');
    const idx = new Map<string, number>();
    sensCodes = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const s = cellString(col, i) ?? '\u0000missing';
      let c = idx.get(s);
      if (c === undefined) {
        c = idx.size;
        idx.set(s, c);
      }
      sensCodes[i] = c;
    }
  }
  const budget = Math.floor(maxSup * n);
  const classOf = new Int32Array(n);

  const evaluate = (node: readonly number[]): Eval => {
    const index = new Map<number | string, number>();
    const sizes: number[] = [];
    const cols = qi.map((_, q) => levels[q]![node[q]!]!);
    // A mixed-radix number is the class key when it fits in 53 bits (no string per row); else a string.
    let space = 1;
    for (const lv of cols) space *= lv.labels.length + 1;
    const numeric = space < Number.MAX_SAFE_INTEGER;
    for (let i = 0; i < n; i++) {
      let key: number | string;
      if (numeric) {
        key = 0;
        for (const lv of cols) key = key * (lv.labels.length + 1) + lv.codes[i]! + 1;
      } else key = cols.map((lv) => lv.codes[i]).join(',');
      let c = index.get(key);
      if (c === undefined) {
        c = sizes.length;
        index.set(key, c);
        sizes.push(0);
      }
      classOf[i] = c;
      sizes[c]!++;
    }
    const bad = new Uint8Array(sizes.length);
    for (let c = 0; c < sizes.length; c++) if (sizes[c]! < k) bad[c] = 1;
    if (opts.l !== undefined && sensCodes !== null) {
      const seen = sizes.map(() => new Set<number>());
      for (let i = 0; i < n; i++) seen[classOf[i]!]!.add(sensCodes[i]!);
      for (let c = 0; c < sizes.length; c++) if (seen[c]!.size < opts.l) bad[c] = 1;
    }
    const suppressed = new Uint8Array(n);
    let sup = 0;
    let cost = 0;
    let minK = Number.POSITIVE_INFINITY;
    let classes = 0;
    for (let c = 0; c < sizes.length; c++)
      if (!bad[c]) {
        classes++;
        minK = Math.min(minK, sizes[c]!);
      }
    for (let i = 0; i < n; i++) {
      if (bad[classOf[i]!]) {
        suppressed[i] = 1;
        sup++;
        cost += qi.length;
        continue;
      }
      for (let q = 0; q < qi.length; q++) {
        const lv = levels[q]![node[q]!]!;
        const code = lv.codes[i]!;
        if (code >= 0) cost += lv.ncp[code]!;
      }
    }
    return {
      ok: sup <= budget && (n - sup > 0 || n === 0),
      suppressed,
      suppressedRows: sup,
      ncp: n === 0 ? 0 : cost / (n * qi.length),
      k: classes === 0 ? 0 : minK,
      classes,
    };
  };

  // All nodes bucketed by height (sum of levels).
  const byHeight: number[][][] = [];
  const node = new Array<number>(qi.length).fill(0);
  for (let idx = 0; idx < total; idx++) {
    let rem = idx;
    let h = 0;
    for (let q = 0; q < qi.length; q++) {
      node[q] = rem % (tops[q]! + 1);
      rem = Math.floor(rem / (tops[q]! + 1));
      h += node[q]!;
    }
    (byHeight[h] ??= []).push([...node]);
  }
  let best: { node: number[]; ev: Eval } | null = null;
  let evaluated = 0;
  for (const nodes of byHeight) {
    for (const nd of nodes) {
      const ev = evaluate(nd);
      evaluated++;
      if (ev.ok && (best === null || ev.ncp < best.ev.ncp - 1e-15)) best = { node: nd, ev };
    }
    if (best !== null && (opts.strategy ?? 'minimalHeight') === 'minimalHeight') break;
  }
  if (best === null)
    throw new AequaError(
      'AEQ_ANONYMITY_INFEASIBLE',
      `No generalisation of ${qi.join(', ')} reaches k = ${k}${opts.l !== undefined ? ` and l = ${opts.l}` : ''} with at most ${budget} suppressed rows (${(100 * maxSup).toFixed(1)}% of ${n}).`,
      {
        hint: 'Lower k (or l), raise maxSuppression (--max-suppression), or give coarser hierarchies.',
        details: { k, l: opts.l, n },
      },
    );

  const { node: chosen, ev } = best;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (!ev.suppressed[i] || opts.suppression === 'mask') keep.push(i);
  let out = table.take(Uint32Array.from(keep));
  qi.forEach((q, j) => {
    const lv = levels[j]![chosen[j]!]!;
    const vals = keep.map((i) =>
      ev.suppressed[i] ? '*' : lv.codes[i]! < 0 ? null : lv.labels[lv.codes[i]!]!,
    );
    const col: Column = categoryColumn(vals);
    out = out.withColumn(q, col);
  });
  return {
    table: out,
    levels: Object.fromEntries(qi.map((q, j) => [q, { level: chosen[j]!, top: tops[j]! }])),
    height: chosen.reduce((a, b) => a + b, 0),
    ncp: ev.ncp,
    suppressedRows: ev.suppressedRows,
    k: ev.k,
    classes: ev.classes,
    nodesEvaluated: evaluated,
  };
}
