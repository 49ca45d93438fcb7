/**
 * @module mitigation/postprocessing/post-processed-model
 * A black-box model followed by a group threshold rule (Hardt, Price & Srebro 2016,
 * https://arxiv.org/abs/1610.02413): it scores rows with the base model, reads each row's group
 * from the sensitive column, and returns P(ŷ = 1) under the rule. Saves as kind 'postprocessed',
 * nesting the base model's file, when the base model can be saved.
 */
import { AequaError } from '../../core/index.js';
import { loadModel, type Model, type ModelFile, registerModelKind } from '../../models/index.js';
import { GroupRuleModel } from './group-rule-model.js';
import { applyRule, type GroupRule, type ThresholdRule } from './rule.js';

/** `parameters` of a saved post-processed model. */
export interface PostProcessedParameters {
  readonly sensitive: string;
  readonly rule: ThresholdRule;
  readonly base: ModelFile;
}

/**
 * A model whose decisions are a group rule on a base model's scores. `predictProba` returns the
 * probability of a positive decision (randomized rules give values strictly between 0 and 1).
 */
export class PostProcessedModel extends GroupRuleModel {
  readonly kind = 'postprocessed';

  constructor(
    base: Model,
    readonly rule: ThresholdRule,
    sensitive: string,
  ) {
    super(base, sensitive, 'postProcessedModel');
  }

  protected applyGroupRule(scores: Float64Array, groups: readonly (string | null)[]): Float64Array {
    return applyRule(this.rule, scores, groups);
  }

  /**
   * The model file.
   * @throws {AEQ_INVALID_ARGUMENT} when the base model cannot be saved (a foreign ONNX or HTTP model).
   */
  toJSON(): ModelFile {
    return this.nestedFile(
      'PostProcessedModel.toJSON',
      'applyRule',
      (base): PostProcessedParameters => ({ sensitive: this.sensitive, rule: this.rule, base }),
    );
  }
}

/**
 * Wraps a model with a group rule.
 * @param base any binary `Model` (built-in, ONNX, HTTP, JS module).
 * @param rule from thresholdOptimizer, perGroupThresholds or rejectOptionClassification (`.rule`).
 * @throws {AEQ_INVALID_ARGUMENT} when the base model is not binary.
 * @example
 * const fair = postProcessedModel(model, thresholdOptimizer(p, y, sex, { constraint: 'equalized_odds' }).rule, { sensitive: 'sex' });
 * await fair.predictProba(test) // P(ŷ = 1) per row
 */
export function postProcessedModel(
  base: Model,
  rule: ThresholdRule,
  opts: { readonly sensitive: string },
): PostProcessedModel {
  return new PostProcessedModel(base, rule, opts.sensitive);
}

/**
 * Rebuilds a post-processed model (registered as kind 'postprocessed').
 * @throws {AEQ_MODEL_FORMAT} when the rule or the nested base model is malformed.
 * @example postProcessedModelFromFile(model.toJSON()).sensitive // 'sex'
 */
export function postProcessedModelFromFile(file: ModelFile): PostProcessedModel {
  const p = file.parameters as Partial<PostProcessedParameters> | null;
  const ok =
    typeof p === 'object' &&
    p !== null &&
    typeof p.sensitive === 'string' &&
    typeof p.base === 'object' &&
    p.rule?.kind === 'group-thresholds' &&
    typeof p.rule.groups === 'object' &&
    Object.values(p.rule.groups as Record<string, GroupRule>).every((r) =>
      ['hi', 'lo', 'pMid', 'mix', 'constant'].every(
        (k) =>
          typeof (r as unknown as Record<string, unknown>)[k] === 'number' ||
          (r as unknown as Record<string, unknown>)[k] === null,
      ),
    );
  if (!ok)
    throw new AequaError(
      'AEQ_MODEL_FORMAT',
      'The post-processed model file is invalid: "parameters" needs "sensitive", a "rule" of kind "group-thresholds" with numeric hi, lo, pMid, mix and constant per group, and a nested "base" model.',
      { hint: 'Re-save the model with this version of aequa.' },
    );
  // JSON writes +∞ (the "select none" threshold) as null.
  const groups: Record<string, GroupRule> = {};
  for (const [k, r] of Object.entries(p!.rule!.groups)) {
    const fix = (v: number | null): number => (v === null ? Number.POSITIVE_INFINITY : v);
    groups[k] = { hi: fix(r.hi), lo: fix(r.lo), pMid: r.pMid, mix: r.mix, constant: r.constant };
  }
  return new PostProcessedModel(loadModel(p!.base), { ...p!.rule!, groups }, p!.sensitive!);
}

registerModelKind('postprocessed', postProcessedModelFromFile);
