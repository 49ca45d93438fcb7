/**
 * @module explain/narrate/narrate
 * A plain-language explanation of one decision from its attributions and, optionally, a
 * counterfactual ("The application was declined mainly because …; raising … to … would have changed
 * the decision"), after the "reason codes" of adverse-action notices and the counterfactual
 * explanations of Wachter et al. 2018 (https://arxiv.org/abs/1711.00399). Faithful by construction:
 * every number is printed by the fixed rules of format.ts from the attributions given.
 */
import { InvalidArgumentError } from '../../core/index.js';
import type { FeatureValue } from '../explanation.js';
import type { AttributionsLike } from '../global/attributions-like.js';
import { formatAttribution, formatScore, formatValue } from './format.js';
import { ENGLISH_TEMPLATES, type NarrationTemplates } from './templates.js';

/** A change of a counterfactual (the shape `counterfactuals` returns). */
export interface NarratedChange {
  readonly feature: string;
  readonly from: FeatureValue;
  readonly to: FeatureValue;
}

/** Options of {@link narrate}. */
export interface NarrateOptions {
  /** Index into `expl.rows`. @default 0 */
  readonly row?: number;
  /** The row's feature values (aligned with featureNames). @default expl.rows[row].values */
  readonly values?: readonly FeatureValue[];
  /** What was decided about. @default 'application' */
  readonly subject?: string;
  /** Word for an outcome at or above the threshold. @default 'approved' */
  readonly positiveOutcome?: string;
  /** Word for an outcome below the threshold. @default 'declined' */
  readonly negativeOutcome?: string;
  /** Whether the positive outcome is the favourable one (wording of the "against" sentence). @default true */
  readonly positiveIsFavourable?: boolean;
  /** Decision threshold on the prediction. @default 0.5 */
  readonly threshold?: number;
  /** Features named, the largest |attribution| first. @default 3 */
  readonly top?: number;
  /** Display names of features. */
  readonly featureLabels?: Readonly<Record<string, string>>;
  /** A counterfactual whose changes end the text. */
  readonly counterfactual?: { readonly changes: readonly NarratedChange[] };
  /** Sentence builders. @default ENGLISH_TEMPLATES */
  readonly templates?: NarrationTemplates;
}

/** One feature named in the text. */
export interface NarratedReason {
  readonly feature: string;
  readonly value: FeatureValue;
  readonly attribution: number;
  /** True: it pushed towards the outcome the row got. */
  readonly supports: boolean;
}

/** Result of {@link narrate}. */
export interface Narration {
  readonly text: string;
  readonly sentences: readonly string[];
  readonly outcome: string;
  /** The features named, in the order of decreasing |attribution|. */
  readonly reasons: readonly NarratedReason[];
}

/**
 * Writes the explanation of one decision. The outcome is `positiveOutcome` when prediction ≥
 * threshold; the `top` features by |φ| are named — those whose sign points to the outcome
 * (φ > 0 for positive, φ < 0 for negative) as its main reasons, the others as counting against it —
 * each as "feature was value (±φ)"; the counterfactual's changes become "raising/lowering/changing …".
 * Features with φ = 0 are never named.
 *
 * @throws {AEQ_INVALID_ARGUMENT} for a row index out of range or values of the wrong length.
 * @example
 * narrate(expl, { row: 0, counterfactual: cf.counterfactuals[0] }).text
 * // 'The application was declined (score 0.18, threshold 0.50). It was declined mainly because income was 20000 (−0.31)
 * //  and debt was 0.5 (−0.12). In its favour: age was 30 (+0.05). Raising income from 20000 to 40000 would have
 * //  changed the decision.'
 */
export function narrate(expl: AttributionsLike, opts: NarrateOptions = {}): Narration {
  const fn = 'narrate';
  const i = opts.row ?? 0;
  const r = expl.rows[i];
  if (r === undefined)
    throw new InvalidArgumentError(
      fn,
      'row',
      opts.row,
      `an index into the ${expl.rows.length} explained rows`,
    );
  const names = expl.featureNames;
  const values = opts.values ?? r.values;
  if (values !== undefined && values.length !== names.length)
    throw new InvalidArgumentError(
      fn,
      'values',
      `length ${values.length}`,
      `one value per feature (${names.length})`,
    );
  const top = opts.top ?? 3;
  if (!Number.isInteger(top) || top < 1)
    throw new InvalidArgumentError(fn, 'top', opts.top, 'an integer ≥ 1');
  const t = opts.templates ?? ENGLISH_TEMPLATES;
  const threshold = opts.threshold ?? 0.5;
  const positive = r.prediction >= threshold;
  const outcome = positive ? (opts.positiveOutcome ?? 'approved') : (opts.negativeOutcome ?? 'declined');
  const favourable = positive === (opts.positiveIsFavourable ?? true);
  const label = (f: string): string => opts.featureLabels?.[f] ?? f;

  const order = Array.from(names, (_, j) => j).filter((j) => r.attributions[j] !== 0);
  order.sort((a, b) => Math.abs(r.attributions[b]!) - Math.abs(r.attributions[a]!) || a - b);
  const reasons: NarratedReason[] = order.slice(0, top).map((j) => ({
    feature: names[j]!,
    value: values?.[j] ?? null,
    attribution: r.attributions[j]!,
    supports: positive ? r.attributions[j]! > 0 : r.attributions[j]! < 0,
  }));
  const phrase = (x: NarratedReason): string =>
    t.reason({
      feature: label(x.feature),
      value: formatValue(x.value),
      attribution: formatAttribution(x.attribution),
    });

  const sentences = [
    t.decision({
      subject: opts.subject ?? 'application',
      outcome,
      score: formatScore(r.prediction),
      threshold: formatScore(threshold),
    }),
  ];
  const pro = reasons.filter((x) => x.supports).map(phrase);
  const con = reasons.filter((x) => !x.supports).map(phrase);
  sentences.push(pro.length > 0 ? t.because({ outcome, reasons: pro }) : t.noMainReason({ outcome }));
  if (con.length > 0) sentences.push(t.against({ outcome, favourable, reasons: con }));
  const changes = opts.counterfactual?.changes ?? [];
  if (changes.length > 0) {
    sentences.push(
      t.counterfactual({
        changes: changes.map((c) =>
          t.change({
            feature: label(c.feature),
            from: formatValue(c.from),
            to: formatValue(c.to),
            direction:
              typeof c.from === 'number' && typeof c.to === 'number'
                ? c.to > c.from
                  ? 'raise'
                  : 'lower'
                : 'set',
          }),
        ),
      }),
    );
  }
  return { text: sentences.join(' '), sentences, outcome, reasons };
}
