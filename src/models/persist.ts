/**
 * @module models/persist
 * Saving and loading built-in models as documented JSON (layout: `ModelFile` in model.ts, schema:
 * schemas/model.schema.json). Each model kind registers a loader; `loadModel` checks the common
 * fields and the format version, then hands the file to the loader of its `kind`. Numbers are
 * written by `JSON.stringify`, which prints the shortest decimal that reads back to the same double
 * (ECMA-262 Number::toString), so finite parameters round-trip exactly.
 */
import { AequaError, InvalidArgumentError, listSome } from '../core/index.js';
import type { Table } from '../data/index.js';
import type { Model, ModelFile, ModelTask, SavableModel } from './model.js';

/** The model-file format version this aequa writes and the newest it reads. */
export const MODEL_FORMAT_VERSION = 1;

const loaders = new Map<string, (file: ModelFile) => SavableModel>();

const TASKS: Readonly<Record<ModelTask, true>> = { binary: true, multiclass: true, regression: true };

/**
 * Registers the loader of a model kind (built-in learners register themselves when imported).
 * @throws {AEQ_INVALID_ARGUMENT} when `kind` already has a different loader.
 * @example registerModelKind('logistic', logisticModelFromFile)
 */
export function registerModelKind(kind: string, load: (file: ModelFile) => SavableModel): void {
  const prev = loaders.get(kind);
  if (prev !== undefined && prev !== load)
    throw new InvalidArgumentError(
      'registerModelKind',
      'kind',
      kind,
      `a kind without a loader (known: ${listSome([...loaders.keys()])})`,
    );
  loaders.set(kind, load);
}

/** The model kinds that `loadModel` can read, sorted. */
export function modelKinds(): string[] {
  return [...loaders.keys()].sort();
}

/**
 * The common fields of a built-in model's file, around its kind-specific `parameters` (what every
 * `SavableModel.toJSON` returns).
 * @example modelFileOf(model, { intercept: 0 }).format // 'aequa-model'
 */
export function modelFileOf(
  model: SavableModel & { readonly target: string },
  parameters: unknown,
  metadata?: Readonly<Record<string, unknown>>,
): ModelFile {
  return {
    format: 'aequa-model',
    version: MODEL_FORMAT_VERSION,
    kind: model.kind,
    task: model.task,
    features: [...model.features],
    classes: [...model.classes],
    target: model.target,
    preprocessing: model.preprocessor.toJSON(),
    parameters,
    ...(metadata === undefined ? {} : { metadata }),
  };
}

/**
 * The model as 2-space-indented JSON (a `ModelFile`).
 * @example JSON.parse(saveModelJSON(model)).format // 'aequa-model'
 */
export function saveModelJSON(model: SavableModel): string {
  return JSON.stringify(model.toJSON(), null, 2);
}

/**
 * Reads a model from its JSON text.
 * @throws {AEQ_MODEL_FORMAT} when the text is not JSON or not a valid model file (see {@link loadModel}).
 * @example loadModelJSON(saveModelJSON(model)).kind // 'logistic'
 */
export function loadModelJSON(text: string): SavableModel {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new AequaError('AEQ_MODEL_FORMAT', `The model file is not valid JSON: ${(e as Error).message}.`, {
      hint: 'Check that the file is a model saved by aequa (saveModelJSON) and was not truncated.',
      cause: e,
    });
  }
  return loadModel(json);
}

/**
 * Rebuilds a model from a parsed model file.
 * @throws {AEQ_MODEL_FORMAT} when `format` is not "aequa-model", the version is newer than
 *   {@link MODEL_FORMAT_VERSION}, the kind is unknown (the message lists the known kinds), or a
 *   common field is missing or of the wrong type (every such field is listed).
 * @example loadModel(model.toJSON()).features // the model's features
 */
export function loadModel(json: unknown): SavableModel {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw formatError(
      `The model file must hold a JSON object, got ${json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json}.`,
    );
  const f = json as Record<string, unknown>;
  if (f.format !== 'aequa-model')
    throw formatError(
      `The file is not an aequa model file: "format" is ${JSON.stringify(f.format) ?? 'absent'}, expected "aequa-model".`,
    );
  if (typeof f.version !== 'number' || !Number.isInteger(f.version) || f.version < 1)
    throw formatError(`"version" must be an integer ≥ 1, got ${JSON.stringify(f.version) ?? 'nothing'}.`);
  if (f.version > MODEL_FORMAT_VERSION)
    throw formatError(
      `The model file was written by a newer aequa (format ${f.version}); this version reads format ${MODEL_FORMAT_VERSION}.`,
      'Upgrade aequa to read this model, or re-save it with this version.',
    );
  const issues: string[] = [];
  if (typeof f.kind !== 'string') issues.push('"kind" must be a string');
  if (typeof f.task !== 'string' || !(f.task in TASKS))
    issues.push(
      `"task" must be one of ${Object.keys(TASKS).join(', ')}, got ${JSON.stringify(f.task) ?? 'nothing'}`,
    );
  if (!isStringArray(f.features)) issues.push('"features" must be an array of strings');
  if (!isStringArray(f.classes)) issues.push('"classes" must be an array of strings');
  if (typeof f.target !== 'string') issues.push('"target" must be a string');
  if (!('preprocessing' in f)) issues.push('"preprocessing" is missing');
  if (!('parameters' in f)) issues.push('"parameters" is missing');
  if (
    f.metadata !== undefined &&
    (typeof f.metadata !== 'object' || f.metadata === null || Array.isArray(f.metadata))
  )
    issues.push('"metadata" must be an object');
  if (issues.length > 0) throw formatError(`The model file is invalid: ${issues.join('; ')}.`);
  const load = loaders.get(f.kind as string);
  if (load === undefined)
    throw formatError(
      `The model kind "${f.kind as string}" is unknown; known kinds: ${listSome(modelKinds())}.`,
      'Import the module that defines this kind before loading, or upgrade aequa.',
    );
  return load(f as unknown as ModelFile);
}

/**
 * Checks that `table` has every column `model` reads.
 * @throws {AEQ_MODEL_FEATURES} listing the missing columns and the table's columns the model does not use.
 * @example checkFeatures(model, table) // returns nothing when every feature is present
 */
export function checkFeatures(model: Pick<Model, 'features'>, table: Table): void {
  const missing = model.features.filter((f) => !table.has(f));
  if (missing.length === 0) return;
  const used = new Set(model.features);
  const extra = table.names.filter((n) => !used.has(n));
  const src = table.source === undefined ? 'the data' : table.source;
  throw new AequaError(
    'AEQ_MODEL_FEATURES',
    `The model needs ${missing.length} column${missing.length === 1 ? '' : 's'} missing from ${src}: ` +
      `${listSome(missing.map((m) => `"${m}"`))}. Columns of the data the model does not use: ${listSome(extra.map((m) => `"${m}"`))}.`,
    {
      hint: 'Rename or add the missing columns (a renamed column often shows up among the unused ones).',
      details: { missing, extra },
    },
  );
}

function formatError(
  message: string,
  hint = 'Re-save the model with this version of aequa, or upgrade aequa.',
): AequaError {
  return new AequaError('AEQ_MODEL_FORMAT', message, { hint });
}

function isStringArray(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((s) => typeof s === 'string');
}
