/**
 * @module bias/types
 * The result of `dataBias` (`aequa data-bias --format json`): plain, JSON-able objects with
 * camelCase names. Numbers that would be infinite (a KL divergence against a distribution that
 * never shows a value) are null, as JSON has no infinity. `schemaVersion` is bumped on any change of shape.
 */
import type { ConditionalResult, DisparityResult, Finding, Interval } from '../metrics/index.js';

/** Version of the `DataBiasResult` layout. */
export const DATA_BIAS_SCHEMA_VERSION = '1.0.0' as const;

/** A chi-square test: statistic, degrees of freedom, p-value. */
export interface ChiSquare {
  readonly statistic: number | null;
  readonly df: number;
  readonly pValue: number;
}

/** One group of a sensitive feature (or intersection). */
export interface GroupDataBias {
  readonly group: string;
  /** The group's value per sensitive column (null = missing). */
  readonly key: Readonly<Record<string, string | null>>;
  readonly count: number;
  /** count / rows. */
  readonly share: number;
  /** The group's share in the reference distribution (uniform by default); null when not given. */
  readonly referenceShare: number | null;
  /** share / referenceShare: below 1 the group is under-represented. */
  readonly representationRatio: number | null;
  /** Class imbalance of the group against the rest, (n_rest − n_g) / N (SageMaker Clarify's CI): > 0 when smaller than the rest. */
  readonly facetImbalance: number;
  /** With a label: positives among the group's rows with a label. */
  readonly positives?: number;
  /** With a label: P(y = positive | group), null for a group without labelled rows. */
  readonly baseRate?: number | null;
  /** Wilson interval of the base rate at the requested confidence. */
  readonly baseRateCi?: Interval | null;
  /** Base rate − the reference group's. */
  readonly baseRateDifference?: number | null;
  /** Base rate / the reference group's (null when that is 0). */
  readonly baseRateRatio?: number | null;
  /** KL(P(y | group) ‖ P(y | reference group)) in nats; null when infinite or undefined. */
  readonly labelKl?: number | null;
  /** Jensen–Shannon divergence of the same two label distributions. */
  readonly labelJs?: number | null;
}

/** Distance of the groups' shares from the reference distribution. */
export interface RepresentationDistance {
  readonly reference: 'uniform' | 'given';
  /** KL(observed shares ‖ reference shares); null when infinite (a group the reference gives 0). */
  readonly kl: number | null;
  readonly js: number;
  readonly tv: number;
  /** Goodness of fit of the group counts to the reference shares. */
  readonly chiSquare: ChiSquare | null;
}

/** Label base rates across the groups. */
export interface LabelBias {
  /** The group the others are compared with (the largest). */
  readonly reference: string;
  /** max − min of the base rates. */
  readonly baseRateDifference: DisparityResult;
  /** min / max of the base rates. */
  readonly baseRateRatio: DisparityResult;
  /** Chi-square test that the base rates are equal. */
  readonly chiSquare: ChiSquare | null;
  /** The largest KL(P(y | g) ‖ P(y | reference)) over groups; null when infinite for some group. */
  readonly maxLabelKl: number | null;
  /** Conditional demographic disparity of the labels given the control feature(s), with a control. */
  readonly conditional?: ConditionalResult;
}

/** Missing cells of one column across the groups. */
export interface Missingness {
  readonly column: string;
  readonly missing: number;
  readonly rate: number;
  readonly byGroup: Readonly<Record<string, number | null>>;
  /** max − min of the group rates. */
  readonly difference: number | null;
  /** Chi-square test that the missing rates are equal (null when nothing is missing). */
  readonly pValue: number | null;
}

/** One group's distance from the whole data on one feature. */
export interface GroupDistance {
  readonly kl: number | null;
  readonly js: number | null;
  readonly tv: number | null;
  /** Wasserstein-1 in the feature's units (number features only). */
  readonly wasserstein1?: number | null;
  /** Chi-square test of the group against the other rows on the feature's levels or bins. */
  readonly chiSquare?: ChiSquare | null;
}

/** How far each group's distribution of one feature is from the whole data's. */
export interface FeatureDistance {
  readonly feature: string;
  readonly kind: 'number' | 'category' | 'boolean';
  /** Number features with many values are compared on quantile bins (Wasserstein-1 on the raw values). */
  readonly binned: boolean;
  readonly byGroup: Readonly<Record<string, GroupDistance>>;
  readonly maxJs: number | null;
  readonly maxTv: number | null;
}

/** Feature shift between the groups within each label class. */
export interface LabelConditionalShift {
  readonly feature: string;
  /** Per label class ('positive', 'negative'): each group against all rows of that class. */
  readonly byLabel: Readonly<Record<'positive' | 'negative', Readonly<Record<string, GroupDistance>>>>;
  readonly maxJs: number | null;
}

/** How well one feature predicts the sensitive attribute. */
export interface ProxyScore {
  readonly feature: string;
  readonly kind: 'number' | 'category' | 'boolean';
  /** I(feature; sensitive) in nats, on the feature's levels or bins. */
  readonly mutualInformation: number;
  /** I / H(sensitive): the share of the sensitive attribute's entropy the feature explains; null when H = 0. */
  readonly normalizedMutualInformation: number | null;
  readonly cramersV: number | null;
  /** Cross-validated ROC AUC of a shallow tree predicting the group from this feature alone (macro one-vs-rest for more than two groups). */
  readonly auc: number | null;
  readonly aucUndefinedBecause?: string;
  /** True when auc ≥ 0.7 or Cramér's V ≥ 0.3 (see PROXY_THRESHOLDS). */
  readonly flagged: boolean;
  /** 1 = the strongest proxy. */
  readonly rank: number;
}

/** Everything about one sensitive feature or intersection. */
export interface SensitiveFeatureDataBias {
  readonly features: readonly string[];
  readonly groups: readonly GroupDataBias[];
  readonly representation: RepresentationDistance;
  readonly labels: LabelBias | null;
  readonly missingness: readonly Missingness[];
  readonly featureDistances: readonly FeatureDistance[];
  readonly labelConditionalShift: readonly LabelConditionalShift[];
  readonly proxies: readonly ProxyScore[];
}

/** Balance of group sizes over every intersection of the sensitive features. */
export interface IntersectionBalance {
  readonly features: readonly string[];
  /** Number of intersections (the full cross product of the observed values). */
  readonly cells: number;
  readonly emptyCells: number;
  /** Theil index of the intersection sizes, in [0, ln cells]. */
  readonly theil: number;
  readonly theilMax: number;
  readonly atkinson: number;
  readonly atkinsonEpsilon: number;
  readonly smallest: { readonly group: string; readonly count: number };
  readonly largest: { readonly group: string; readonly count: number };
}

/** The label column overall. */
export interface LabelSummary {
  readonly column: string;
  readonly positive: readonly string[];
  readonly positives: number;
  readonly negatives: number;
  readonly missing: number;
  readonly positiveRate: number;
  /** minority count / majority count: 1 is balanced. */
  readonly imbalanceRatio: number;
}

/** The result of {@link dataBias}. */
export interface DataBiasResult {
  readonly schemaVersion: typeof DATA_BIAS_SCHEMA_VERSION;
  readonly kind: 'dataBias';
  readonly input: {
    readonly source: string | null;
    readonly rows: number;
    readonly label: string | null;
    readonly sensitive: readonly string[];
    readonly intersections: boolean;
    readonly control: readonly string[];
    readonly features: readonly string[];
    readonly reference: 'uniform' | Readonly<Record<string, number>>;
    readonly confidence: number;
    readonly bins: number;
    readonly seed: number;
  };
  readonly labels: LabelSummary | null;
  /** Keyed by feature name ('sex', or 'race&sex' for an intersection). */
  readonly byFeature: Readonly<Record<string, SensitiveFeatureDataBias>>;
  readonly balance: IntersectionBalance | null;
  readonly findings: readonly Finding[];
}
