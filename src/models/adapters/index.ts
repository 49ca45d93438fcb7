/**
 * @module models/adapters
 * Node-only ways to get a `Model` from outside: ONNX files, HTTP endpoints, JS modules, and
 * `loadAnyModel`, which picks one from what `--model` names.
 */
import { readFile, stat } from 'node:fs/promises';
import { AequaError } from '../../core/index.js';
import type { Model } from '../model.js';
import { loadModelJSON } from '../persist.js';
import { loadFunctionModel } from './function.js';
import { httpModel } from './http.js';
import { loadOnnxModel } from './onnx.js';
import { loadTransformersModel } from './transformers.js';

export * from './function.js';
export * from './http.js';
export * from './onnx.js';
export * from './rows.js';
export * from './transformers.js';

/**
 * Loads a model from what the CLI's `--model` names: a built-in model JSON file, an `.onnx`
 * file, an `http(s)://` URL, a `.js`/`.mjs` module exporting `predictProba(rows)`, or a
 * transformers.js model folder (text classification over `textColumn`).
 * @throws {AEQ_MODEL_LOAD} when the path does not exist or is none of those, or a folder is given
 *   without `textColumn` (a single `features` entry is taken as the text column).
 */
export async function loadAnyModel(
  spec: string,
  opts: { features?: readonly string[]; textColumn?: string } = {},
): Promise<Model> {
  if (/^https?:\/\//.test(spec)) {
    if (!opts.features?.length)
      throw new AequaError(
        'AEQ_MODEL_LOAD',
        `An endpoint (${spec.replace(/\/\/[^/@]*@/, '//***@')}) does not say which columns it reads.`,
        {
          hint: 'Pass --features col1,col2,… (sent as JSON objects with those keys).',
        },
      );
    return httpModel(spec, { features: opts.features });
  }
  let info: import('node:fs').Stats;
  try {
    info = await stat(spec);
  } catch (e) {
    throw new AequaError('AEQ_MODEL_LOAD', `The model "${spec}" does not exist.`, {
      cause: e,
      hint: 'Check the path given as the model.',
    });
  }
  const lower = spec.toLowerCase();
  if (info.isDirectory()) {
    const textColumn = opts.textColumn ?? (opts.features?.length === 1 ? opts.features[0] : undefined);
    if (!textColumn)
      throw new AequaError(
        'AEQ_MODEL_LOAD',
        `"${spec}" is a transformers.js model folder, but no text column was named for it to read.`,
        { hint: 'Pass the column holding the text (--text-column NAME).' },
      );
    return loadTransformersModel(spec, { textColumn });
  }
  if (lower.endsWith('.onnx')) return loadOnnxModel(spec, opts.features ? { features: opts.features } : {});
  if (/\.(c|m)?(j|t)s$/.test(lower))
    return loadFunctionModel(spec, opts.features ? { features: opts.features } : {});
  if (lower.endsWith('.json')) return loadModelJSON(await readFile(spec, 'utf8'));
  throw new AequaError('AEQ_MODEL_LOAD', `Cannot tell what kind of model "${spec}" is from its name.`, {
    hint: 'Use a .json (aequa model), .onnx, .js/.mjs module, or an http(s):// URL.',
  });
}
