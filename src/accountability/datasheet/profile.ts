/**
 * @module accountability/datasheet/profile
 * `profileDataset`: the facts a datasheet can state from the data itself: rows, columns with their
 * types and missing cells, and (with sensitive columns) group representation, label base rates and
 * missingness by group, taken from `dataBias` so that the datasheet and `aequa data-bias` agree.
 * The questions these facts answer come from Gebru et al. 2021 (https://arxiv.org/abs/1803.09010).
 */
import { type DataBiasResult, dataBias } from '../../bias/index.js';
import { InvalidArgumentError } from '../../core/index.js';
import { missingCount, resolvePositive, type Table, toBinary } from '../../data/index.js';

/** One column of the data. */
export interface ColumnProfile {
  readonly name: string;
  readonly type: 'number' | 'category' | 'boolean';
  readonly role: 'label' | 'sensitive' | 'feature';
  readonly missing: number;
  /** missing / rows (0 for an empty table). */
  readonly missingRate: number;
  /** Distinct values among the valid cells (categories and booleans). */
  readonly distinct?: number;
  /** Smallest and largest valid value (numbers; null when every cell is missing). */
  readonly min?: number | null;
  readonly max?: number | null;
}

/** One group of a sensitive column. */
export interface GroupProfile {
  readonly group: string;
  readonly count: number;
  /** count / rows. */
  readonly share: number;
  /** P(label = positive | group), with a label; null for a group without labelled rows. */
  readonly baseRate?: number | null;
  readonly baseRateCi?: readonly [number, number] | null;
}

/** One sensitive column (or intersection): its groups and where values go missing by group. */
export interface SensitiveProfile {
  readonly feature: string;
  readonly groups: readonly GroupProfile[];
  /** min / max of the base rates (four-fifths rule), with a label. */
  readonly baseRateRatio?: number | null;
  /** Missing rate per group of each column that has missing cells. */
  readonly missingByGroup: readonly {
    readonly column: string;
    readonly byGroup: Readonly<Record<string, number | null>>;
  }[];
}

/** The label column overall. */
export interface LabelProfile {
  readonly column: string;
  readonly positive: readonly string[];
  readonly positives: number;
  readonly negatives: number;
  readonly missing: number;
  /** positives / (positives + negatives). */
  readonly positiveRate: number;
}

/** What the data says about itself. */
export interface DatasetProfile {
  readonly rows: number;
  readonly columns: readonly ColumnProfile[];
  readonly label: LabelProfile | null;
  readonly sensitive: readonly SensitiveProfile[];
  /** Plain-language findings of `dataBias` (under-representation, base-rate gaps, missingness gaps…). */
  readonly findings: readonly string[];
}

/** Options of {@link profileDataset}. */
export interface ProfileOptions {
  /** The label (outcome) column. */
  readonly label?: string;
  /** Label value(s) meaning the positive class. @default the data layer's rule (1/true/yes …) */
  readonly positive?: readonly string[];
  /** Sensitive column(s): group representation and base rates are reported for each. @default [] */
  readonly sensitive?: readonly string[];
  /** Also profile every intersection of two or more sensitive columns. @default false */
  readonly intersections?: boolean;
  /** Confidence level of the base-rate intervals (Wilson). @default 0.95 */
  readonly confidence?: number;
}

function columnProfile(table: Table, name: string, role: ColumnProfile['role']): ColumnProfile {
  const col = table.column(name);
  const missing = missingCount(col);
  const base = {
    name,
    type: col.kind,
    role,
    missing,
    missingRate: table.nrows > 0 ? missing / table.nrows : 0,
  };
  if (col.kind === 'number') {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    const v = col.values;
    for (let i = 0; i < v.length; i++) {
      if (col.valid !== null && !col.valid.isValid(i)) continue;
      const x = v[i]!;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    return { ...base, min: min <= max ? min : null, max: min <= max ? max : null };
  }
  const seen = new Uint8Array(col.kind === 'category' ? col.levels.length : 2);
  const codes = col.kind === 'category' ? col.codes : col.values;
  let distinct = 0;
  for (let i = 0; i < codes.length; i++) {
    if (col.valid !== null && !col.valid.isValid(i)) continue;
    const c = codes[i]!;
    if (c >= 0 && seen[c] === 0) {
      seen[c] = 1;
      distinct++;
    }
  }
  return { ...base, distinct };
}

/**
 * Profiles a table for its datasheet. Group counts, shares, base rates (with Wilson intervals) and
 * missingness by group come from `dataBias` (without the proxy classifier), over the columns that
 * have missing cells.
 * @throws {AEQ_DATA_MISSING_COLUMN} when the label or a sensitive column is absent
 * @throws {AEQ_INVALID_ARGUMENT} when the label is also listed as sensitive
 * @example
 * const p = await profileDataset(fromArrays({ sex: ['F', 'M', 'M', 'M'], y: [0, 1, 1, 0] }), { label: 'y', sensitive: ['sex'] });
 * p.sensitive[0].groups.map((g) => [g.group, g.count, g.baseRate]) // [['F', 1, 0], ['M', 3, 0.6667]]
 */
export async function profileDataset(table: Table, opts: ProfileOptions = {}): Promise<DatasetProfile> {
  const sensitive = [...(opts.sensitive ?? [])];
  const label = opts.label;
  if (label !== undefined) {
    table.column(label, 'label');
    if (sensitive.includes(label))
      throw new InvalidArgumentError('profileDataset', 'label', label, 'a column that is not also sensitive');
  }
  for (const s of sensitive) table.column(s, 'sensitive');
  const columns = table.names.map((n) =>
    columnProfile(table, n, n === label ? 'label' : sensitive.includes(n) ? 'sensitive' : 'feature'),
  );
  let bias: DataBiasResult | null = null;
  if (sensitive.length > 0 && table.nrows > 0)
    bias = await dataBias(table, {
      sensitive,
      ...(label !== undefined ? { label } : {}),
      ...(opts.positive !== undefined ? { positive: opts.positive } : {}),
      intersections: opts.intersections === true,
      features: columns.filter((c) => c.role === 'feature' && c.missing > 0).map((c) => c.name),
      proxyAuc: false,
      ...(opts.confidence !== undefined ? { confidence: opts.confidence } : {}),
    });
  let labelProfile: LabelProfile | null = null;
  if (bias?.labels) {
    const l = bias.labels;
    labelProfile = {
      column: l.column,
      positive: l.positive,
      positives: l.positives,
      negatives: l.negatives,
      missing: l.missing,
      positiveRate: l.positiveRate,
    };
  } else if (label !== undefined && table.nrows > 0) {
    labelProfile = labelOnly(table, label, opts.positive);
  }
  const sens: SensitiveProfile[] = bias
    ? Object.entries(bias.byFeature).map(([feature, fb]) => ({
        feature,
        groups: fb.groups.map((g) => ({
          group: g.group,
          count: g.count,
          share: g.share,
          ...(g.baseRate !== undefined ? { baseRate: g.baseRate } : {}),
          ...(g.baseRateCi !== undefined ? { baseRateCi: g.baseRateCi } : {}),
        })),
        ...(fb.labels ? { baseRateRatio: fb.labels.baseRateRatio.value } : {}),
        missingByGroup: fb.missingness
          .filter((m) => m.missing > 0)
          .map((m) => ({ column: m.column, byGroup: m.byGroup })),
      }))
    : [];
  return {
    rows: table.nrows,
    columns,
    label: labelProfile,
    sensitive: sens,
    findings: bias ? bias.findings.map((f) => f.message) : [],
  };
}

/** The label summary without sensitive columns: `dataBias` needs a group, so count directly. */
function labelOnly(table: Table, label: string, positive: readonly string[] | undefined): LabelProfile {
  const col = table.column(label, 'label');
  const pv = resolvePositive(col, { name: label, role: 'label', ...(positive ? { positive } : {}) });
  const bin = toBinary(col, pv.positive);
  let pos = 0;
  let neg = 0;
  for (let i = 0; i < table.nrows; i++) {
    if (bin.valid !== null && !bin.valid.isValid(i)) continue;
    if (bin.values[i]) pos++;
    else neg++;
  }
  return {
    column: label,
    positive: pv.positive,
    positives: pos,
    negatives: neg,
    missing: table.nrows - pos - neg,
    positiveRate: pos + neg > 0 ? pos / (pos + neg) : 0,
  };
}
