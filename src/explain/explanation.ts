/**
 * @module explain/explanation
 * The one result type of local explanations (the idea of shap's `Explanation` object, Lundberg &
 * Lee 2017, https://arxiv.org/abs/1705.07874): per explained row the model's output, the base value
 * (the expected output over the background) and one additive attribution per feature, so that
 * `baseValue + Σ attributions ≈ prediction` on the scale named by `link`.
 */

/** Scale on which `prediction`, `baseValue` and the attributions are expressed. */
export type Link = 'identity' | 'logit';

/** The attribution methods (the CLI's `--method` values, without `auto`). */
export type ExplainMethod = 'exact' | 'kernel' | 'permutation' | 'tree' | 'linear' | 'ig' | 'lime';

/** The version of the JSON contract written by {@link explanationToJSON}. */
export const EXPLANATION_SCHEMA_VERSION = '1.0.0';

/** A feature's raw value as shown to people (a category's level, a number, a flag, or missing). */
export type FeatureValue = string | number | boolean | null;

/** The explanation of one row. */
export interface RowExplanation {
  /** Index of the row in the table it was explained from. */
  readonly row: number;
  /** The model's output for the row (on the `link` scale). */
  readonly prediction: number;
  /** Expected output over the background, or the reference point (on the `link` scale). */
  readonly baseValue: number;
  /** One attribution per feature, aligned with `featureNames`. */
  readonly attributions: Float64Array;
  /** The row's raw feature values, aligned with `featureNames` (a group shows its columns joined). */
  readonly values?: readonly FeatureValue[];
  /**
   * Method-specific numbers: `completenessGap` (integrated gradients: Σφ − (f(x) − f(x′))),
   * `intercept` and `r2` (LIME's local surrogate), `localPrediction` (LIME).
   */
  readonly diagnostics?: Readonly<Record<string, number>>;
}

/** Local explanations of several rows by one method. */
export interface Explanation {
  readonly method: ExplainMethod;
  readonly link: Link;
  /** The explained features: raw model columns or named groups of them. */
  readonly featureNames: readonly string[];
  readonly rows: readonly RowExplanation[];
  /** What was used: nsamples, background size, seed, tree mode, steps, why `auto` chose the method… */
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** The JSON contract of `aequa explain --format json` (see schemas/explanation.schema.json). */
export interface ExplanationJSON {
  readonly schemaVersion: typeof EXPLANATION_SCHEMA_VERSION;
  readonly method: ExplainMethod;
  readonly link: Link;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly explanations: readonly {
    readonly row: number;
    readonly prediction: number;
    readonly baseValue: number;
    readonly attributions: Readonly<Record<string, number>>;
    readonly values?: Readonly<Record<string, FeatureValue>>;
    readonly diagnostics?: Readonly<Record<string, number>>;
  }[];
}

/**
 * The plain JSON form of an explanation (attributions keyed by feature name).
 * @example
 * explanationToJSON(e).explanations[0]
 * // { row: 0, prediction: 0.81, baseValue: 0.24, attributions: { age: 0.31, 'hours-per-week': 0.26 } }
 */
export function explanationToJSON(e: Explanation): ExplanationJSON {
  const names = e.featureNames;
  return {
    schemaVersion: EXPLANATION_SCHEMA_VERSION,
    method: e.method,
    link: e.link,
    parameters: e.parameters,
    explanations: e.rows.map((r) => {
      const attributions: Record<string, number> = {};
      for (let j = 0; j < names.length; j++) attributions[names[j]!] = r.attributions[j]!;
      const out: {
        row: number;
        prediction: number;
        baseValue: number;
        attributions: Record<string, number>;
        values?: Record<string, FeatureValue>;
        diagnostics?: Readonly<Record<string, number>>;
      } = { row: r.row, prediction: r.prediction, baseValue: r.baseValue, attributions };
      if (r.values !== undefined) {
        const values: Record<string, FeatureValue> = {};
        for (let j = 0; j < names.length; j++) values[names[j]!] = r.values[j] ?? null;
        out.values = values;
      }
      if (r.diagnostics !== undefined) out.diagnostics = r.diagnostics;
      return out;
    }),
  };
}

/** One feature's attribution, for ranking. */
export interface RankedAttribution {
  readonly feature: string;
  readonly index: number;
  readonly attribution: number;
  readonly value: FeatureValue | undefined;
}

/**
 * The `k` features with the largest |attribution| in one row, largest first (ties: feature order).
 * @example topAttributions(e, 0, 2) // [{ feature: 'age', index: 0, attribution: 0.31, value: 52 }, …]
 */
export function topAttributions(
  e: Explanation,
  rowIndex: number,
  k = Number.POSITIVE_INFINITY,
): RankedAttribution[] {
  const r = e.rows[rowIndex];
  if (r === undefined) return [];
  const order = Array.from(e.featureNames, (_, j) => j);
  order.sort((a, b) => Math.abs(r.attributions[b]!) - Math.abs(r.attributions[a]!) || a - b);
  return order.slice(0, Math.min(k, order.length)).map((j) => ({
    feature: e.featureNames[j]!,
    index: j,
    attribution: r.attributions[j]!,
    value: r.values?.[j],
  }));
}
