/**
 * @module explain/narrate/templates
 * The sentences of an explanation, as a replaceable object: pass another object of the same shape
 * to `narrate` to write in another language or house style. Numbers arrive already formatted by the
 * fixed rules of `format.ts`, so a template cannot misstate them.
 */

/** One feature's part of the decision, formatted. */
export interface ReasonText {
  readonly feature: string;
  readonly value: string;
  /** Signed, e.g. "−0.31". */
  readonly attribution: string;
}

/** One change of a counterfactual, formatted. */
export interface ChangeText {
  readonly feature: string;
  readonly from: string;
  readonly to: string;
  /** 'raise'/'lower' for numbers, 'set' for categories and flags. */
  readonly direction: 'raise' | 'lower' | 'set';
}

/** The sentence builders of an explanation. */
export interface NarrationTemplates {
  /** "The application was declined (score 0.23, threshold 0.50)." */
  decision(ctx: { subject: string; outcome: string; score: string; threshold: string }): string;
  /** "It was declined mainly because income was 20000 (−0.31) and debt was 0.5 (−0.12)." */
  because(ctx: { outcome: string; reasons: readonly string[] }): string;
  /** Sentence when none of the top features points towards the outcome. */
  noMainReason(ctx: { outcome: string }): string;
  /**
   * "In its favour: age was 52 (+0.05)." — features that pushed against the outcome;
   * `favourable` says whether the outcome itself is the favourable one.
   */
  against(ctx: { outcome: string; favourable: boolean; reasons: readonly string[] }): string;
  /** "income was 20000 (−0.31)" */
  reason(r: ReasonText): string;
  /** "raising income from 20000 to 40000" */
  change(c: ChangeText): string;
  /** "Raising income from 20000 to 40000 would have changed the decision." */
  counterfactual(ctx: { changes: readonly string[] }): string;
  /** "a, b and c" */
  list(items: readonly string[]): string;
}

function capitalise(s: string): string {
  return s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1);
}

/**
 * English sentences.
 * @example ENGLISH_TEMPLATES.reason({ feature: 'income', value: '20000', attribution: '−0.31' }) // 'income was 20000 (−0.31)'
 */
export const ENGLISH_TEMPLATES: NarrationTemplates = {
  decision: ({ subject, outcome, score, threshold }) =>
    `The ${subject} was ${outcome} (score ${score}, threshold ${threshold}).`,
  because: ({ outcome, reasons }) => `It was ${outcome} mainly because ${ENGLISH_TEMPLATES.list(reasons)}.`,
  noMainReason: ({ outcome }) =>
    `No single feature pushed it towards being ${outcome}; the outcome reflects the baseline.`,
  // Feature names are not capitalised (they may be identifiers), so the sentence starts with a label.
  against: ({ favourable, reasons }) =>
    `${favourable ? 'Against it' : 'In its favour'}: ${ENGLISH_TEMPLATES.list(reasons)}.`,
  reason: ({ feature, value, attribution }) => `${feature} was ${value} (${attribution})`,
  change: ({ feature, from, to, direction }) =>
    direction === 'raise'
      ? `raising ${feature} from ${from} to ${to}`
      : direction === 'lower'
        ? `lowering ${feature} from ${from} to ${to}`
        : `changing ${feature} from ${from} to ${to}`,
  counterfactual: ({ changes }) =>
    `${capitalise(ENGLISH_TEMPLATES.list(changes))} would have changed the decision.`,
  list: (items) =>
    items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`,
};
