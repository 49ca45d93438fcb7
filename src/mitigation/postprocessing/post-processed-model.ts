/**
 * @module mitigation/postprocessing/post-processed-model
 * A black-box model followed by a group threshold rule (Hardt, Price & Srebro 2016,
 * https://arxiv.org/abs/1610.02413): it scores rows with the base model, reads each row's group
 * from the sensitive column, and returns P(ŷ = 1) under the rule. Saves as kind 'postprocessed',
 * nesting the base model's file, when the base model can be saved.
 */
import { AequaError, InvalidArgumentError } from '../../core/index.js';
import { cellString, createTable, type Table } from '../../data/index.js';
import {
  fitPreprocessor,
  loadModel,
  MODEL_FORMAT_VERSION,
  type Model,
  type ModelFile,
  type ModelTask,
  type Preprocessor,
  registerModelKind,
  type SavableModel,
} from '../../models/index.js';
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
export class PostProcessedModel implements SavableModel {
  readonly kind = 'postprocessed';
  readonly task: ModelTask = 'binary';
  readonly features: readonly string[];
  readonly classes: readonly string[];
  readonly target: string;

  constructor(
    readonly base: Model,
    readonly rule: ThresholdRule,
    readonly sensitive: string,
  ) {
    if (base.task !== 'binary')
      throw new InvalidArgumentError(
        'postProcessedModel',
        'base',
        `a ${base.task} model`,
        'a binary classifier',
      );
    this.features = base.features.includes(sensitive) ? base.features : [...base.features, sensitive];
    this.classes = base.classes;
    this.target = (base as { target?: string }).target ?? '';
  }

  get preprocessor(): Preprocessor {
    return (this.base as Partial<SavableModel>).preprocessor ?? fitPreprocessor(createTable({}), []);
  }

  async predictProba(
    rows: Table,
    opts: { readonly signal?: AbortSignal; readonly batchSize?: number } = {},
  ): Promise<Float64Array> {
    const scores = await this.base.predictProba(rows, opts);
    const col = rows.column(this.sensitive, 'sensitive');
    const groups = Array.from({ length: rows.nrows }, (_, i) => cellString(col, i));
    return applyRule(this.rule, scores, groups);
  }

  /**
   * The model file.
   * @throws {AEQ_INVALID_ARGUMENT} when the base model cannot be saved (a foreign ONNX or HTTP model).
   */
  toJSON(): ModelFile {
    const b = this.base as Partial<SavableModel>;
    if (typeof b.toJSON !== 'function')
      throw new InvalidArgumentError(
        'PostProcessedModel.toJSON',
        'base',
        'a model without toJSON',
        'a built-in (savable) base model',
        'Save the rule alone (result.rule is plain JSON) and re-apply it with applyRule.',
      );
    const base = b.toJSON();
    const parameters: PostProcessedParameters = { sensitive: this.sensitive, rule: this.rule, base };
    return {
      format: 'aequa-model',
      version: MODEL_FORMAT_VERSION,
      kind: 'postprocessed',
      task: 'binary',
      features: [...this.features],
      classes: [...this.classes],
      target: base.target,
      preprocessing: null,
      parameters,
    };
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
