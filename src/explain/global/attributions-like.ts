/**
 * @module explain/global/attributions-like
 * The minimal shape of a set of local attributions that the global, disparity, text and picture
 * modules read. `Explanation` (explain/explanation.ts) has this shape, so any explanation can be
 * passed; other sources (a SHAP file, hand-made numbers in a test) can be too.
 */
import type { FeatureValue } from '../explanation.js';

/** One explained row: f(x) = baseValue + Σ attributions (for efficient methods). */
export interface AttributedRow {
  /** Index of the row in the explained table. */
  readonly row: number;
  readonly prediction: number;
  readonly baseValue: number;
  /** One attribution per feature, in `featureNames` order. */
  readonly attributions: Float64Array;
  /** The row's raw feature values, aligned with `featureNames`. */
  readonly values?: readonly FeatureValue[];
}

/** A set of local attributions over the same features. */
export interface AttributionsLike {
  readonly featureNames: readonly string[];
  readonly rows: readonly AttributedRow[];
}
