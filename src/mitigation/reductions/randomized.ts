/**
 * @module mitigation/reductions/randomized
 * The output of the reductions (Agarwal et al. 2018, https://arxiv.org/abs/1803.02453): a randomized
 * classifier Q, a distribution over fitted models. For a row x it predicts 1 with probability
 * Σ_h Q(h)·1{h(x) ≥ threshold} (classification) or returns Σ_h Q(h)·h(x) (regression). It saves
 * as a model file of kind 'randomized' whose parameters nest the members' own model files.
 */
import { AequaError, InvalidArgumentError } from '../../core/index.js';
import { createTable, type Table } from '../../data/index.js';
import {
  fitPreprocessor,
  loadModel,
  MODEL_FORMAT_VERSION,
  type Model,
  type ModelFile,
  type ModelTask,
  modelFileOf,
  type Preprocessor,
  preprocessorFromJSON,
  registerModelKind,
  type SavableModel,
} from '../../models/index.js';

/** One member of a randomized model and its probability. */
export interface Member {
  readonly weight: number;
  readonly model: Model;
}

/** `parameters` of a saved randomized model. */
export interface RandomizedParameters {
  /** Members' decisions are `p ≥ threshold` (classification). */
  readonly threshold: number;
  readonly members: readonly { readonly weight: number; readonly model: ModelFile }[];
}

/**
 * A distribution over models. `predictProba` is the probability of a positive decision (the
 * members' 0/1 decisions averaged with their weights), so thresholding it at 0.5 is NOT the
 * randomized classifier: draw the decision with that probability, or use expected rates.
 */
export class RandomizedModel implements SavableModel {
  readonly kind = 'randomized';
  readonly task: ModelTask;
  readonly features: readonly string[];
  readonly classes: readonly string[];
  readonly target: string;
  /** The preprocessor of the heaviest member (each member keeps its own). */
  readonly preprocessor: Preprocessor;
  readonly members: readonly Member[];
  readonly threshold: number;
  readonly metadata: Readonly<Record<string, unknown>> | undefined;

  constructor(init: {
    task: ModelTask;
    classes: readonly string[];
    target: string;
    members: readonly Member[];
    threshold?: number;
    metadata?: Readonly<Record<string, unknown>>;
  }) {
    if (init.members.length === 0)
      throw new InvalidArgumentError('RandomizedModel', 'members', [], 'at least one member');
    let total = 0;
    for (const m of init.members) {
      if (!(m.weight >= 0) || !Number.isFinite(m.weight))
        throw new InvalidArgumentError(
          'RandomizedModel',
          'members[].weight',
          m.weight,
          'a finite number ≥ 0',
        );
      total += m.weight;
    }
    if (!(total > 0))
      throw new InvalidArgumentError('RandomizedModel', 'members', 'weights summing to 0', 'a positive sum');
    this.members = init.members.map((m) => ({ weight: m.weight / total, model: m.model }));
    this.task = init.task;
    this.classes = init.classes;
    this.target = init.target;
    this.threshold = init.threshold ?? 0.5;
    this.metadata = init.metadata;
    const seen = new Set<string>();
    const features: string[] = [];
    for (const m of this.members)
      for (const f of m.model.features) if (!seen.has(f)) seen.add(f) && features.push(f);
    this.features = features;
    let heaviest = this.members[0]!;
    for (const m of this.members) if (m.weight > heaviest.weight) heaviest = m;
    this.preprocessor = (heaviest.model as Partial<SavableModel>).preprocessor ?? emptyPreprocessor();
  }

  async predictProba(
    rows: Table,
    opts: { readonly signal?: AbortSignal; readonly batchSize?: number } = {},
  ): Promise<Float64Array> {
    const out = new Float64Array(rows.nrows);
    const classify = this.task !== 'regression';
    for (const m of this.members) {
      opts.signal?.throwIfAborted();
      const p = await m.model.predictProba(rows, opts);
      const w = m.weight;
      const t = this.threshold;
      if (classify) for (let i = 0; i < out.length; i++) out[i] = out[i]! + (p[i]! >= t ? w : 0);
      else for (let i = 0; i < out.length; i++) out[i] = out[i]! + w * p[i]!;
    }
    // The weights sum to 1 only up to rounding: keep probabilities in [0, 1].
    if (classify) for (let i = 0; i < out.length; i++) if (out[i]! > 1) out[i] = 1;
    return out;
  }

  /** The member with the largest weight (a deterministic model). */
  heaviest(): Model {
    let best = this.members[0]!;
    for (const m of this.members) if (m.weight > best.weight) best = m;
    return best.model;
  }

  /**
   * The model file; every member must be savable.
   * @throws {AEQ_INVALID_ARGUMENT} when a member cannot be saved (for example a foreign model).
   */
  toJSON(): ModelFile {
    const members = this.members.map((m, k) => {
      const s = m.model as Partial<SavableModel>;
      if (typeof s.toJSON !== 'function')
        throw new InvalidArgumentError(
          'RandomizedModel.toJSON',
          `members[${k}]`,
          'a model without toJSON',
          'built-in (savable) members',
        );
      return { weight: m.weight, model: s.toJSON() };
    });
    const parameters: RandomizedParameters = { threshold: this.threshold, members };
    return {
      format: 'aequa-model',
      version: MODEL_FORMAT_VERSION,
      kind: 'randomized',
      task: this.task,
      features: [...this.features],
      classes: [...this.classes],
      target: this.target,
      preprocessing: null,
      parameters,
      ...(this.metadata === undefined ? {} : { metadata: { ...this.metadata } }),
    };
  }
}

/**
 * Rebuilds a randomized model from its file (registered as kind 'randomized').
 * @throws {AEQ_MODEL_FORMAT} when the members are missing or malformed (nested files are checked by their own loaders).
 * @example randomizedModelFromFile(model.toJSON()).members.length // as saved
 */
export function randomizedModelFromFile(file: ModelFile): RandomizedModel {
  const p = file.parameters as Partial<RandomizedParameters> | null;
  if (
    typeof p !== 'object' ||
    p === null ||
    typeof p.threshold !== 'number' ||
    !Array.isArray(p.members) ||
    p.members.length === 0 ||
    !p.members.every((m) => typeof m?.weight === 'number' && m.weight >= 0 && typeof m.model === 'object')
  )
    throw new AequaError(
      'AEQ_MODEL_FORMAT',
      'The randomized model file is invalid: "parameters" must hold a numeric "threshold" and a non-empty "members" list of { weight ≥ 0, model }.',
      { hint: 'Re-save the model with this version of aequa.' },
    );
  return new RandomizedModel({
    task: file.task,
    classes: file.classes,
    target: file.target,
    threshold: p.threshold,
    members: p.members.map((m) => ({ weight: m.weight, model: loadModel(m.model) })),
    ...(file.metadata === undefined ? {} : { metadata: file.metadata }),
  });
}

registerModelKind('randomized', randomizedModelFromFile);

function emptyPreprocessor(): Preprocessor {
  return fitPreprocessor(createTable({}), []);
}

/**
 * A model that predicts one value everywhere: the best response when the reduced problem's labels
 * are all equal (the learner cannot be fitted on one class). Saves as kind 'constant'.
 */
export class ConstantModel implements SavableModel {
  readonly kind = 'constant';
  readonly features: readonly string[] = [];
  readonly preprocessor: Preprocessor = emptyPreprocessor();
  constructor(
    readonly task: ModelTask,
    readonly classes: readonly string[],
    readonly target: string,
    readonly value: number,
  ) {}

  async predictProba(rows: Table): Promise<Float64Array> {
    return new Float64Array(rows.nrows).fill(this.value);
  }

  toJSON(): ModelFile {
    return modelFileOf(this, { value: this.value });
  }
}

/**
 * Rebuilds a constant model (registered as kind 'constant').
 * @throws {AEQ_MODEL_FORMAT} when `parameters.value` is not a finite number.
 * @example constantModelFromFile(new ConstantModel('binary', ['0', '1'], 'y', 1).toJSON()).value // 1
 */
export function constantModelFromFile(file: ModelFile): ConstantModel {
  const v = (file.parameters as { value?: unknown } | null)?.value;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new AequaError('AEQ_MODEL_FORMAT', 'The constant model file needs a finite "parameters.value".', {
      hint: 'Re-save the model with this version of aequa.',
    });
  preprocessorFromJSON(file.preprocessing);
  return new ConstantModel(file.task, file.classes, file.target, v);
}

registerModelKind('constant', constantModelFromFile);
