/**
 * @module metrics/audit-types
 * The audit's input specification and its result: the object that `audit()` returns and that
 * `report.json` / `--format json` carries (schema: schemas/audit.schema.json). Names here are a
 * public contract: camelCase metric names, `byFeature`, `groups`, `disparities` with `value`/`ci`.
 */

/** Which established toolkit's conventions to follow for differences, ratios and 0/0. */
export type ConventionName = 'aequa' | 'fairlearn' | 'aif360' | 'aequitas';

export interface Convention {
  readonly name: ConventionName;
  /**
   * How `*Difference` disparities are formed:
   * - 'maxMinusMin': unsigned max − min over all groups (aequa, fairlearn);
   * - 'unprivilegedMinusPrivileged': signed, worst-off group − reference (aif360: the
   *   reference is the privileged group);
   * - 'toReference': the largest |group − reference| (aequitas).
   */
  readonly difference: 'maxMinusMin' | 'unprivilegedMinusPrivileged' | 'toReference';
  /** How `*Ratio` disparities are formed: 'minOverMax' (aequa, fairlearn), or 'toReference' (aif360, aequitas). */
  readonly ratio: 'minOverMax' | 'toReference';
  /** What a rate whose denominator is zero becomes: null with a reason (aequa, aif360, aequitas) or 0 (fairlearn). */
  readonly undefinedRate: 'null' | 'zero';
  /** Band within which a ratio counts as fair: [0.8, 1.25] (aequitas), or ratio ≥ 0.8 (four-fifths rule). */
  readonly fairRatioBand: readonly [number, number];
}

/** Why a metric has no value. */
export type UndefinedReason =
  | 'emptyGroup'
  | 'noPositives'
  | 'noNegatives'
  | 'noPredictedPositives'
  | 'noPredictedNegatives'
  | 'singleClass'
  | 'zeroWeight'
  | 'undefinedInput';

/** A metric's value, or null with the reason it is undefined. Every metric function returns this. */
export interface MetricValue {
  readonly value: number | null;
  readonly undefinedBecause?: UndefinedReason;
}

/** Per-group (and overall) metrics of a binary classification audit. */
export const BINARY_METRICS = [
  'count',
  'weight',
  'baseRate',
  'selectionRate',
  'truePositiveRate',
  'falsePositiveRate',
  'trueNegativeRate',
  'falseNegativeRate',
  'precision',
  'negativePredictiveValue',
  'falseDiscoveryRate',
  'falseOmissionRate',
  'accuracy',
  'balancedAccuracy',
  'f1',
  'positivePredictionShare',
] as const;

/** Per-group metrics that need a score. */
export const SCORE_METRICS = [
  'rocAuc',
  'brierScore',
  'expectedCalibrationError',
  'subgroupAuc',
  'bpsnAuc',
  'bnspAuc',
] as const;

/** Per-group metrics of a regression audit. */
export const REGRESSION_METRICS = [
  'count',
  'weight',
  'meanPrediction',
  'meanTarget',
  'meanError',
  'meanAbsoluteError',
  'rootMeanSquaredError',
] as const;

export type BinaryMetricName = (typeof BINARY_METRICS)[number];
export type ScoreMetricName = (typeof SCORE_METRICS)[number];
export type RegressionMetricName = (typeof REGRESSION_METRICS)[number];
export type MetricName = BinaryMetricName | ScoreMetricName | RegressionMetricName;

/** A confidence interval [low, high]. */
export type Interval = readonly [number, number];

/**
 * One group's result. Metric values sit at the top level (`selectionRate`, `truePositiveRate`, …;
 * null when undefined, with the reason in `undefinedBecause`), as the JSON contract requires.
 */
export type GroupResult = {
  /** Row count (unweighted). */
  readonly count: number;
  /** True when count < minGroupSize: values are reported but flagged as unreliable. */
  readonly small: boolean;
  /** The group's value per feature, e.g. { race: 'Caucasian', sex: 'Male' }. */
  readonly key: Readonly<Record<string, string | null>>;
  /** Why a metric is null. */
  readonly undefinedBecause?: Readonly<Partial<Record<MetricName, UndefinedReason>>>;
  /** Confidence intervals per metric (Wilson for rates, or bootstrap). */
  readonly ci?: Readonly<Partial<Record<MetricName, Interval>>>;
  /** Difference and ratio of each metric to the reference group (Aequitas style). */
  readonly vsReference?: Readonly<
    Partial<Record<MetricName, { readonly difference: number | null; readonly ratio: number | null }>>
  >;
} & Readonly<Partial<Record<Exclude<MetricName, 'count'>, number | null>>>;

export interface DisparityResult {
  readonly value: number | null;
  /** 'zeroDenominator': a ratio whose denominator (the max, or the reference's value) is 0. */
  readonly undefinedBecause?: UndefinedReason | 'fewerThanTwoGroups' | 'zeroDenominator';
  readonly ci?: Interval;
  /** The groups that set the value (e.g. the min and the max group). */
  readonly groups?: readonly string[];
  /** The base metric(s) the disparity is built from. */
  readonly metric: string;
  /** 'difference' | 'ratio' | 'index'. */
  readonly kind: 'difference' | 'ratio' | 'index';
  /** Two-sided p-value of the test that the underlying rates are equal, and after correction. */
  readonly pValue?: number;
  readonly adjustedPValue?: number;
  readonly significant?: boolean;
  /** For ratios: whether the four-fifths rule (ratio ≥ 0.8) holds. */
  readonly fourFifths?: boolean;
}

export interface ConditionalResult {
  /** The control feature(s). */
  readonly control: readonly string[];
  /** Conditional demographic disparity per group (Wachter, Mittelstadt & Russell 2021). */
  readonly conditionalDemographicDisparity: Readonly<Record<string, number | null>>;
  /** The demographic parity difference inside each stratum of the control. */
  readonly byStratum: Readonly<
    Record<string, { readonly count: number; readonly demographicParityDifference: number | null }>
  >;
}

export interface FeatureResult {
  /** The sensitive feature(s): ['race'] or ['race', 'sex'] for an intersection. */
  readonly features: readonly string[];
  readonly reference: string;
  readonly groups: Readonly<Record<string, GroupResult>>;
  readonly disparities: Readonly<Record<string, DisparityResult>>;
  /** Worst and best group of every metric. */
  readonly extremes: Readonly<
    Record<
      string,
      {
        readonly groupMin: { group: string; value: number };
        readonly groupMax: { group: string; value: number };
      }
    >
  >;
  readonly conditional?: ConditionalResult;
}

/** One tested disparity, listed for the multiple-comparison correction. */
export interface SignificanceTest {
  readonly feature: string;
  readonly metric: string;
  readonly groups: readonly [string, string];
  readonly statistic: number;
  readonly pValue: number;
  readonly adjustedPValue: number;
  readonly significant: boolean;
  readonly test: 'twoProportionZ' | 'chiSquare' | 'welchT' | 'welchZ';
}

export interface Finding {
  readonly severity: 'info' | 'warning' | 'significant';
  readonly feature: string;
  readonly metric: string;
  readonly message: string;
}

export interface PolicyRuleResult {
  readonly rule: string;
  readonly feature: string | null;
  readonly metric: string;
  readonly op: '<' | '<=' | '>' | '>=' | '==' | '!=';
  readonly threshold: number;
  readonly actual: number | null;
  readonly passed: boolean;
  readonly message: string;
}

export interface PolicyResult {
  readonly source: string | null;
  readonly passed: boolean;
  readonly rules: readonly PolicyRuleResult[];
}

export interface AuditInputSummary {
  readonly source: string;
  readonly engine: 'memory' | 'duckdb' | 'postgres';
  readonly task: 'binary' | 'regression' | 'multiclass';
  readonly label: string;
  readonly prediction: string | null;
  readonly score: string | null;
  readonly threshold: number | null;
  readonly positive: readonly string[] | null;
  readonly sensitive: readonly string[];
  readonly control: readonly string[];
  readonly weight: string | null;
  readonly rowsSeen: number;
  readonly rowsDropped: number;
}

export interface AuditOptionsSummary {
  readonly ci: number | null;
  readonly ciMethod: 'wilson' | 'bootstrap' | null;
  readonly bootstrapResamples: number | null;
  readonly seed: number;
  readonly alpha: number;
  readonly correction: 'holm' | 'bh' | 'none';
  readonly minGroupSize: number;
  readonly intersections: boolean;
  readonly generalizedEntropyAlpha: number;
}

export interface AuditResult {
  readonly schemaVersion: '1.0.0';
  readonly tool: { readonly name: 'aequa'; readonly version: string };
  readonly input: AuditInputSummary;
  readonly options: AuditOptionsSummary;
  readonly convention: Convention;
  /** Rows audited (after dropping). */
  readonly rows: number;
  /** Metric name → value over all rows. */
  readonly overall: Readonly<Record<string, number | null>>;
  /** Sensitive feature (or "race&sex") → its groups and disparities. */
  readonly byFeature: Readonly<Record<string, FeatureResult>>;
  readonly significance: {
    readonly correction: 'holm' | 'bh' | 'none';
    readonly alpha: number;
    readonly tests: readonly SignificanceTest[];
  };
  /** Plain-language verdict: which gaps are significant. */
  readonly verdict: { readonly summary: string; readonly findings: readonly Finding[] };
  readonly policy?: PolicyResult;
  readonly warnings: readonly { readonly code: string; readonly message: string }[];
  /** Curves for charts (ROC and calibration by group), present when a score was given. */
  readonly curves?: Readonly<
    Record<
      string,
      Readonly<
        Record<
          string,
          {
            readonly roc: readonly (readonly [number, number])[];
            readonly calibration: readonly {
              readonly meanScore: number;
              readonly observedRate: number;
              readonly count: number;
            }[];
          }
        >
      >
    >
  >;
}
