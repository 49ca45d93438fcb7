/**
 * @module accountability/responsibility/bins
 * Codes any column as a small set of bins that read as predicates ("age < 31", "sex = Female",
 * "hours missing"), the alphabet of the error-analysis slices and tree. Numbers are cut at
 * quantiles of their valid values; a missing cell gets its own bin.
 */
import { InvalidArgumentError } from '../../core/index.js';
import { isValidAt, type Table } from '../../data/index.js';

/** One column coded into bins. */
export interface FeatureBins {
  readonly feature: string;
  /** Bin of each row, 0 ≤ code < labels.length. */
  readonly codes: Int32Array;
  /** Human-readable predicate of each bin. */
  readonly labels: readonly string[];
  /** True when the non-missing bins are ordered (numbers), so a tree may split at a threshold. */
  readonly ordered: boolean;
  /** Index of the "missing" bin, or -1 when no cell is missing. */
  readonly missingBin: number;
  /** Ordered bins: bin b ≥ 1 holds edges[b − 1] ≤ x (< edges[b]); empty otherwise. */
  readonly edges: readonly number[];
}

const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4))));

/**
 * Bins a column. Numbers with at most `maxBins` distinct values get one bin per value; otherwise
 * cuts at the quantiles i/maxBins of the valid values (ties merged, so there may be fewer bins).
 * @example binFeature(fromArrays({ age: [20, 30, 40, 50] }), 'age', 2).labels // ['age < 40', 'age ≥ 40']
 */
export function binFeature(table: Table, feature: string, maxBins = 5): FeatureBins {
  if (!Number.isInteger(maxBins) || maxBins < 2)
    throw new InvalidArgumentError('binFeature', 'maxBins', maxBins, 'an integer ≥ 2');
  const col = table.column(feature);
  const n = table.nrows;
  const codes = new Int32Array(n);
  let anyMissing = false;
  for (let i = 0; i < n; i++) if (!isValidAt(col, i)) anyMissing = true;
  if (col.kind === 'category' || col.kind === 'boolean') {
    const labels =
      col.kind === 'category'
        ? col.levels.map((l) => `${feature} = ${l}`)
        : [`${feature} = false`, `${feature} = true`];
    const missingBin = anyMissing ? labels.length : -1;
    for (let i = 0; i < n; i++) {
      if (!isValidAt(col, i)) codes[i] = missingBin;
      else codes[i] = col.kind === 'category' ? col.codes[i]! : col.values[i]!;
    }
    return {
      feature,
      codes,
      labels: anyMissing ? [...labels, `${feature} missing`] : labels,
      ordered: false,
      missingBin,
      edges: [],
    };
  }
  const vals: number[] = [];
  for (let i = 0; i < n; i++) if (isValidAt(col, i)) vals.push(col.values[i]!);
  const sorted = Float64Array.from(vals).sort();
  const distinct = [...new Set(sorted)];
  let edges: number[]; // bin b holds edges[b-1] ≤ x < edges[b]
  const labels: string[] = [];
  if (distinct.length <= maxBins) {
    edges = distinct.slice(1);
    for (const v of distinct) labels.push(`${feature} = ${fmt(v)}`);
  } else {
    const cut = new Set<number>();
    // Distinct values > maxBins ≥ 2, so some value exceeds the minimum; a quantile equal to the
    // minimum (a mass point such as capital-gain = 0) is moved to the next value up.
    const aboveMin = distinct[1]!;
    for (let q = 1; q < maxBins; q++) {
      const v = sorted[Math.floor((q * sorted.length) / maxBins)]!;
      cut.add(v > sorted[0]! ? v : aboveMin);
    }
    edges = [...cut].sort((a, b) => a - b);
    for (let b = 0; b <= edges.length; b++) {
      if (b === 0) labels.push(`${feature} < ${fmt(edges[0]!)}`);
      else if (b === edges.length) labels.push(`${feature} ≥ ${fmt(edges[b - 1]!)}`);
      else labels.push(`${fmt(edges[b - 1]!)} ≤ ${feature} < ${fmt(edges[b]!)}`);
    }
  }
  const missingBin = anyMissing ? labels.length : -1;
  for (let i = 0; i < n; i++) {
    if (!isValidAt(col, i)) {
      codes[i] = missingBin;
      continue;
    }
    const x = col.values[i]!;
    let lo = 0;
    let hi = edges.length; // first edge > x
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (edges[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    codes[i] = lo;
  }
  if (anyMissing) labels.push(`${feature} missing`);
  return { feature, codes, labels, ordered: true, missingBin, edges };
}
