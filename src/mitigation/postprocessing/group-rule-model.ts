/**
 * @module mitigation/postprocessing/group-rule-model
 * Internal base of the models that post-process a binary base model's scores by group (Hardt, Price &
 * Srebro 2016, https://arxiv.org/abs/1610.02413; Pleiss et al. 2017, https://arxiv.org/abs/1709.02012):
 * it scores rows with the base model, reads each row's group from the sensitive column, hands both to
 * the subclass's rule, and saves as a model file that nests the base model's file.
 */
import { InvalidArgumentError } from '../../core/index.js';
import { cellString, createTable, type Table } from '../../data/index.js';
import {
  fitPreprocessor,
  MODEL_FORMAT_VERSION,
  type Model,
  type ModelFile,
  type ModelTask,
  type Preprocessor,
  type SavableModel,
} from '../../models/index.js';

/**
 * A binary base model followed by a per-group rule on its scores. Subclasses supply `kind`, the rule
 * (`applyGroupRule`) and `toJSON` (through {@link GroupRuleModel.nestedFile}).
 * @example
 * class Identity extends GroupRuleModel {
 *   readonly kind = 'identity';
 *   protected applyGroupRule(scores: Float64Array) { return scores; }
 *   toJSON() { return this.nestedFile('Identity.toJSON', 'nothing', (base) => ({ base })); }
 * }
 * await new Identity(model, 'sex', 'identity').predictProba(rows) // the base model's scores
 */
export abstract class GroupRuleModel implements SavableModel {
  abstract readonly kind: string;
  readonly task: ModelTask = 'binary';
  readonly features: readonly string[];
  readonly classes: readonly string[];
  readonly target: string;

  /** @throws {AEQ_INVALID_ARGUMENT} naming `caller` when the base model is not binary. */
  constructor(
    readonly base: Model,
    readonly sensitive: string,
    caller: string,
  ) {
    if (base.task !== 'binary')
      throw new InvalidArgumentError(caller, 'base', `a ${base.task} model`, 'a binary classifier');
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
    return this.applyGroupRule(scores, groups);
  }

  abstract toJSON(): ModelFile;

  /** The subclass's rule: one output per row from the base score and the row's group. */
  protected abstract applyGroupRule(scores: Float64Array, groups: readonly (string | null)[]): Float64Array;

  /**
   * The model file of kind `this.kind`, with `parameters(baseFile)` as its parameters.
   * @throws {AEQ_INVALID_ARGUMENT} naming `caller` when the base model cannot be saved (a foreign
   * ONNX or HTTP model); the hint points to re-applying the rule with `reapplyWith`.
   */
  protected nestedFile(
    caller: string,
    reapplyWith: string,
    parameters: (base: ModelFile) => unknown,
  ): ModelFile {
    const b = this.base as Partial<SavableModel>;
    if (typeof b.toJSON !== 'function')
      throw new InvalidArgumentError(
        caller,
        'base',
        'a model without toJSON',
        'a built-in (savable) base model',
        `Save the rule alone (result.rule is plain JSON) and re-apply it with ${reapplyWith}.`,
      );
    const base = b.toJSON();
    return {
      format: 'aequa-model',
      version: MODEL_FORMAT_VERSION,
      kind: this.kind,
      task: 'binary',
      features: [...this.features],
      classes: [...this.classes],
      target: base.target,
      preprocessing: null,
      parameters: parameters(base),
    };
  }
}
