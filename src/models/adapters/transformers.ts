/**
 * @module models/adapters/transformers
 * A Hugging Face model folder (config.json, tokenizer.json, tokenizer_config.json, onnx/*.onnx),
 * run by transformers.js (https://huggingface.co/docs/transformers.js) on ONNX Runtime, as a
 * `Model` over one text column. Strictly offline: remote models are switched off and the folder
 * is checked before transformers.js sees it, so a missing file fails fast and nothing is fetched.
 */
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { AequaError, InvalidArgumentError, listSome, MissingColumnError } from '../../core/index.js';
import type { Table } from '../../data/index.js';
import type { Matrix, Model, ModelTask } from '../model.js';

/** What the folder's model is used for. */
export type TransformersTask = 'text-classification' | 'feature-extraction';

export interface TransformersModelOptions {
  /** The column holding the text to score. */
  readonly textColumn: string;
  /** @default 'text-classification' */
  readonly task?: TransformersTask;
  /**
   * Two-label classifiers: the label whose probability `predictProba` returns. Default: the label
   * named (case-insensitively) `toxic`, `positive`, `pos`, `LABEL_1` or `1`, if exactly one is;
   * otherwise the label with id 1.
   */
  readonly positiveLabel?: string;
  /** Texts per model run. @default 32 */
  readonly batchSize?: number;
}

/**
 * A transformers.js model: a `Model` over one text column, plus mean-pooled embeddings. A
 * feature-extraction model has no prediction head: its `task` reads 'regression' only to satisfy
 * the contract, and `predictProba` throws AEQ_INVALID_ARGUMENT (use `embed`).
 */
export interface TransformersModel extends Model {
  /** The absolute path of the model folder. */
  readonly folder: string;
  readonly pipelineTask: TransformersTask;
  /** The model's labels by id (from `id2label`); empty for feature extraction. */
  readonly labels: readonly string[];
  /**
   * Feature extraction: one mean-pooled (over non-padding tokens, not normalised) embedding per
   * row, n × hidden.
   */
  embed(rows: Table, opts?: { readonly signal?: AbortSignal; readonly batchSize?: number }): Promise<Matrix>;
  /** Releases the ONNX Runtime session. */
  close(): Promise<void>;
}

/** The parts of a transformers.js pipeline used here. */
interface TensorLike {
  readonly dims: readonly number[];
  readonly data: ArrayLike<number>;
}
type ClassifierPipe = (
  texts: string[],
  opts: { top_k: null },
) => Promise<{ label: string; score: number }[][]>;
type ExtractorPipe = (texts: string[], opts: { pooling: 'mean'; normalize: false }) => Promise<TensorLike>;
interface Pipe {
  dispose(): Promise<void>;
}

/** ONNX file names transformers.js looks for, by dtype, in the order tried here. */
const ONNX_FILES: readonly (readonly [string, string])[] = [
  ['fp32', 'model.onnx'],
  ['q8', 'model_quantized.onnx'],
  ['fp16', 'model_fp16.onnx'],
  ['int8', 'model_int8.onnx'],
  ['uint8', 'model_uint8.onnx'],
  ['q4', 'model_q4.onnx'],
  ['bnb4', 'model_bnb4.onnx'],
  ['q4f16', 'model_q4f16.onnx'],
];

const POSITIVE_NAMES = new Set(['toxic', 'positive', 'pos', 'label_1', '1']);

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Loads a transformers.js model folder (offline: the folder must hold every file; nothing is
 * downloaded). Text classification: `predictProba` returns P(positive label) per row for two
 * labels, or the n × k softmax (sigmoid for `problem_type: multi_label_classification`) in
 * `id2label` order. Feature extraction: `embed` returns mean-pooled embeddings.
 * @throws {AEQ_MODEL_LOAD} when the folder or one of its files is missing, or transformers.js cannot load it.
 * @throws {AEQ_INVALID_ARGUMENT} when `positiveLabel` is not one of the labels, or `batchSize` is not a positive integer.
 * @example
 * const m = await loadTransformersModel('models/toxicity', { textColumn: 'comment' });
 * m.classes // ['nontoxic', 'toxic']
 * await m.predictProba(table) // Float64Array [0.93, 0.12, …]: P(toxic) per row
 */
export async function loadTransformersModel(
  folder: string,
  opts: TransformersModelOptions,
): Promise<TransformersModel> {
  const fn = 'loadTransformersModel';
  if (typeof opts.textColumn !== 'string' || opts.textColumn === '')
    throw new InvalidArgumentError(
      fn,
      'textColumn',
      opts.textColumn,
      'the name of the column holding the text',
      'Pass textColumn (--text-column on the command line).',
    );
  const pipelineTask = opts.task ?? 'text-classification';
  if (pipelineTask !== 'text-classification' && pipelineTask !== 'feature-extraction')
    throw new InvalidArgumentError(fn, 'task', pipelineTask, "'text-classification' or 'feature-extraction'");
  const defaultBatch = checkBatch(opts.batchSize ?? 32, fn);
  const abs = resolve(folder);

  // Check the folder before transformers.js sees it: clear messages, and no chance of a fetch.
  let info: import('node:fs').Stats;
  try {
    info = await stat(abs);
  } catch (e) {
    throw new AequaError('AEQ_MODEL_LOAD', `The model folder "${folder}" does not exist.`, {
      cause: e,
      hint: 'Check the path; transformers.js models are loaded from a local folder only.',
    });
  }
  if (!info.isDirectory())
    throw new AequaError(
      'AEQ_MODEL_LOAD',
      `"${folder}" is a file, but a transformers.js model is a folder.`,
      {
        hint: 'Pass the folder holding config.json, tokenizer.json and onnx/model.onnx.',
      },
    );
  const missing: string[] = [];
  for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json'])
    if (!(await isFile(join(abs, f)))) missing.push(f);
  let dtype: string | undefined;
  for (const [d, file] of ONNX_FILES)
    if (await isFile(join(abs, 'onnx', file))) {
      dtype = d;
      break;
    }
  if (dtype === undefined) missing.push('onnx/model.onnx');
  if (missing.length)
    throw new AequaError(
      'AEQ_MODEL_LOAD',
      `The model folder "${folder}" lacks ${missing.join(', ')}; a transformers.js model needs config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx (or a quantised onnx/model_quantized.onnx).`,
      {
        hint: 'Export the model with Optimum (optimum-cli export onnx) or copy the whole folder from the Hub.',
        details: { folder: abs, missing },
      },
    );

  // Lazy import: `import 'aequa'` must not load transformers.js.
  const tf = await import('@huggingface/transformers');
  tf.env.allowRemoteModels = false;
  tf.env.allowLocalModels = true;
  tf.env.localModelPath = `${dirname(abs)}/`;
  // Read only the folder: no file cache (which could shadow it) and no browser cache.
  tf.env.useFSCache = false;
  tf.env.useBrowserCache = false;

  let pipe: Pipe;
  try {
    // An absolute path is never a Hub id, so transformers.js reads it as a path as is.
    pipe = (await tf.pipeline(pipelineTask, abs, {
      local_files_only: true,
      device: 'cpu',
      dtype: dtype as 'fp32',
    })) as unknown as Pipe;
  } catch (e) {
    throw new AequaError(
      'AEQ_MODEL_LOAD',
      `transformers.js cannot load "${folder}" for ${pipelineTask}: ${String((e as Error)?.message ?? e).split('\n')[0]}`,
      {
        cause: e,
        hint: 'Check that config.json names a model_type transformers.js supports and that the ONNX inputs match it.',
      },
    );
  }

  const config = ((pipe as unknown as { model?: { config?: Record<string, unknown> } }).model?.config ??
    {}) as { id2label?: Record<string, string>; problem_type?: string };
  const textColumn = opts.textColumn;
  const texts = textsOf(textColumn);
  const run = async <T>(f: () => Promise<T>, s: number, e: number): Promise<T> => {
    try {
      return await f();
    } catch (err) {
      throw new AequaError(
        'AEQ_MODEL_OUTPUT',
        `transformers.js failed on rows ${s}–${e - 1} with the model "${folder}": ${String((err as Error)?.message ?? err).split('\n')[0]}`,
        {
          cause: err,
          hint: 'Check that the ONNX model inputs and outputs match its config.json model_type.',
        },
      );
    }
  };

  if (pipelineTask === 'feature-extraction') {
    const extract = pipe as unknown as ExtractorPipe;
    return {
      task: 'regression',
      features: [textColumn],
      classes: [],
      folder: abs,
      pipelineTask,
      labels: [],
      async predictProba(): Promise<Float64Array> {
        throw new AequaError(
          'AEQ_INVALID_ARGUMENT',
          `The model "${folder}" was loaded for feature extraction, which gives embeddings, not predictions.`,
          { hint: "Call embed(table), or load it with task: 'text-classification'." },
        );
      },
      async embed(table, o = {}): Promise<Matrix> {
        const all = texts(table);
        const n = all.length;
        const batch = checkBatch(o.batchSize ?? defaultBatch, 'embed');
        let out: Float64Array | null = null;
        let d = 0;
        for (let s = 0; s < n; s += batch) {
          o.signal?.throwIfAborted();
          const e = Math.min(n, s + batch);
          const t = await run(() => extract(all.slice(s, e), { pooling: 'mean', normalize: false }), s, e);
          const width = t.dims[t.dims.length - 1] ?? 0;
          if (out === null) {
            d = width;
            out = new Float64Array(n * d);
          }
          for (let i = 0; i < (e - s) * d; i++) out[s * d + i] = t.data[i]!;
        }
        return { rows: n, cols: d, data: out ?? new Float64Array(0) };
      },
      async close() {
        await pipe.dispose();
      },
    };
  }

  // Text classification: labels in id order.
  const id2label = config.id2label ?? { 0: 'LABEL_0', 1: 'LABEL_1' };
  const k = Object.keys(id2label).length;
  const labels: string[] = [];
  for (let i = 0; i < k; i++) {
    const l = id2label[String(i)];
    if (l === undefined)
      throw new AequaError(
        'AEQ_MODEL_LOAD',
        `The id2label of "${folder}/config.json" has no label for id ${i}; ids must run 0…${k - 1}.`,
        { hint: 'Fix id2label in config.json.' },
      );
    labels.push(l);
  }
  if (new Set(labels).size !== k || k < 2)
    throw new AequaError(
      'AEQ_MODEL_LOAD',
      `The id2label of "${folder}/config.json" must name at least two distinct labels, got [${listSome(labels)}].`,
      { hint: 'Fix id2label in config.json.' },
    );
  const task: ModelTask = k === 2 ? 'binary' : 'multiclass';
  let positive = 1;
  if (opts.positiveLabel !== undefined) {
    if (task !== 'binary')
      throw new InvalidArgumentError(
        fn,
        'positiveLabel',
        opts.positiveLabel,
        `unset for a model with ${k} labels (it scores every label)`,
        'Drop positiveLabel: predictProba returns one probability per label.',
      );
    positive = labels.indexOf(opts.positiveLabel);
    if (positive < 0)
      throw new InvalidArgumentError(
        fn,
        'positiveLabel',
        opts.positiveLabel,
        `one of the model's labels (${labels.join(', ')})`,
      );
  } else if (task === 'binary') {
    const named = labels.flatMap((l, i) => (POSITIVE_NAMES.has(l.toLowerCase()) ? [i] : []));
    if (named.length === 1) positive = named[0]!;
  }
  const classes = task === 'binary' ? [labels[1 - positive]!, labels[positive]!] : labels;
  const index = new Map(labels.map((l, i) => [l, i] as const));
  const classify = pipe as unknown as ClassifierPipe;

  return {
    task,
    features: [textColumn],
    classes,
    folder: abs,
    pipelineTask,
    labels,
    async predictProba(table, o = {}): Promise<Float64Array> {
      const all = texts(table);
      const n = all.length;
      const batch = checkBatch(o.batchSize ?? defaultBatch, 'predictProba');
      const width = task === 'binary' ? 1 : k;
      const out = new Float64Array(n * width);
      for (let s = 0; s < n; s += batch) {
        o.signal?.throwIfAborted();
        const e = Math.min(n, s + batch);
        const res = await run(() => classify(all.slice(s, e), { top_k: null }), s, e);
        for (let i = 0; i < e - s; i++) {
          const row = res[i];
          if (!row || row.length !== k)
            throw new AequaError(
              'AEQ_MODEL_OUTPUT',
              `transformers.js returned ${row?.length ?? 0} label scores for row ${s + i}; the model has ${k} labels.`,
              { hint: 'Check that the ONNX logits have one column per id2label entry.' },
            );
          for (const { label, score } of row) {
            const c = index.get(label)!;
            if (task === 'binary') {
              if (c === positive) out[s + i] = score;
            } else out[(s + i) * k + c] = score;
          }
        }
      }
      return out;
    },
    async embed(): Promise<Matrix> {
      throw new AequaError(
        'AEQ_INVALID_ARGUMENT',
        `The model "${folder}" was loaded for text classification; embeddings come from a feature-extraction model.`,
        { hint: "Load the folder with task: 'feature-extraction' to call embed(table)." },
      );
    },
    async close() {
      await pipe.dispose();
    },
  };
}

function checkBatch(b: number, fn: string): number {
  if (!Number.isInteger(b) || b < 1) throw new InvalidArgumentError(fn, 'batchSize', b, 'a positive integer');
  return b;
}

/** Reads the text column as strings; missing, absent and non-text columns are errors. */
function textsOf(name: string): (table: Table) => string[] {
  return (table) => {
    if (!table.has(name)) throw new MissingColumnError(name, table.names, table.source, 'the text column');
    const col = table.column(name);
    if (col.kind !== 'category')
      throw new AequaError(
        'AEQ_DATA_TYPE',
        `Column "${name}" holds ${col.kind === 'number' ? 'numbers' : 'booleans'}, but the text column must hold text.`,
        {
          hint: 'Pass the column holding the text as the text column.',
          details: { column: name, kind: col.kind },
        },
      );
    const n = table.nrows;
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const code = col.codes[i]!;
      if (code < 0 || (col.valid !== null && !col.valid.isValid(i)))
        throw new AequaError(
          'AEQ_DATA_MISSING_VALUES',
          `The text column "${name}" has a missing value at row ${i}; the model cannot score it.`,
          { hint: 'Fill missing texts (for example with an empty string) or drop those rows first.' },
        );
      out[i] = col.levels[code]!;
    }
    return out;
  };
}
