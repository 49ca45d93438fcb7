/**
 * @module models/adapters/onnx
 * An ONNX model file as a `Model`, run by onnxruntime-node (CPU). The input and output names
 * and shapes are discovered from the session. Files exported by aequa carry their encoding in
 * the ONNX metadata (`aequa.preprocessing`, `aequa.task`, `aequa.classes`), so they take raw
 * tables; a foreign file takes the numeric columns named by `features`, in order.
 */
import { readFile } from 'node:fs/promises';
import { AequaError, MissingColumnError } from '../../core/index.js';
import type { Table } from '../../data/index.js';
import type { Matrix, Model, ModelTask } from '../model.js';
import { readMetadata } from '../onnx/proto.js';
import { type Preprocessor, preprocessorFromJSON } from '../preprocess.js';

export interface OnnxModelOptions {
  /** Raw columns, in the order of the model's input (for files not exported by aequa). */
  readonly features?: readonly string[];
  readonly task?: ModelTask;
  readonly classes?: readonly string[];
  /** Rows per run. @default 8192 */
  readonly batchSize?: number;
  /** Output to read, when the model has several. @default the first tensor output */
  readonly output?: string;
}

export interface OnnxModel extends Model {
  readonly inputName: string;
  readonly outputName: string;
  readonly inputWidth: number;
  close(): Promise<void>;
}

type Ort = typeof import('onnxruntime-node');

/**
 * Loads an ONNX model (a path or the bytes).
 * @throws {AEQ_MODEL_LOAD} when the file cannot be read or is not ONNX.
 * @throws {AEQ_MODEL_FEATURES} when the input shape does not fit the features.
 */
export async function loadOnnxModel(
  source: string | Uint8Array,
  opts: OnnxModelOptions = {},
): Promise<OnnxModel> {
  const what = typeof source === 'string' ? `"${source}"` : 'the ONNX bytes';
  let bytes: Uint8Array;
  try {
    bytes = typeof source === 'string' ? new Uint8Array(await readFile(source)) : source;
  } catch (e) {
    throw new AequaError('AEQ_MODEL_LOAD', `Cannot read the ONNX file ${what}: ${(e as Error).message}`, {
      cause: e,
      hint: 'Check the path given to --model.',
    });
  }
  // Lazy import: `import 'aequa'` must not load the ONNX Runtime.
  const ort: Ort = await import('onnxruntime-node');
  let session: import('onnxruntime-node').InferenceSession;
  let meta: Record<string, string>;
  try {
    meta = readMetadata(bytes);
    session = await ort.InferenceSession.create(bytes);
  } catch (e) {
    throw new AequaError(
      'AEQ_MODEL_LOAD',
      `${what} is not an ONNX model onnxruntime can load: ${(e as Error).message.split('\n')[0]}`,
      {
        cause: e,
        hint: 'Check that the file is an ONNX model (opset ≤ 21).',
      },
    );
  }
  const inputs = session.inputMetadata;
  if (inputs.length !== 1 || !inputs[0]!.isTensor)
    throw new AequaError(
      'AEQ_MODEL_LOAD',
      `${what} has ${inputs.length} inputs (${session.inputNames.join(', ')}); aequa runs models with one tensor input of shape [N, features].`,
      {
        hint: 'Export the model with a single [N, d] float input.',
      },
    );
  const input = inputs[0] as import('onnxruntime-node').InferenceSession.TensorValueMetadata;
  const elem = input.type === 'float64' ? 'float64' : input.type === 'float32' ? 'float32' : null;
  if (elem === null)
    throw new AequaError(
      'AEQ_MODEL_LOAD',
      `The input "${input.name}" of ${what} has type ${input.type}; aequa feeds float32 or float64.`,
      {
        hint: 'Export the model with a float input.',
      },
    );
  const width = typeof input.shape[1] === 'number' ? input.shape[1] : -1;

  let pre: Preprocessor | null = null;
  if (meta['aequa.preprocessing']) pre = preprocessorFromJSON(JSON.parse(meta['aequa.preprocessing']));
  const features = pre?.features ?? opts.features;
  if (!features || features.length === 0)
    throw new AequaError(
      'AEQ_MODEL_LOAD',
      `${what} was not exported by aequa, so it does not say which columns it reads.`,
      {
        hint: 'Pass the input columns in order (--features a,b,c).',
      },
    );
  const encodedWidth = pre ? pre.outputNames.length : features.length;
  if (width > 0 && width !== encodedWidth)
    throw new AequaError(
      'AEQ_MODEL_FEATURES',
      `The ONNX input "${input.name}" expects ${width} columns per row, but ${pre ? `the encoding gives ${encodedWidth}` : `${features.length} features were given`}.`,
      { hint: 'Pass the same columns, in the same order, as the model was trained on.' },
    );
  const outName = opts.output ?? session.outputMetadata.find((o) => o.isTensor)?.name;
  if (!outName || !session.outputNames.includes(outName))
    throw new AequaError(
      'AEQ_MODEL_LOAD',
      `${what} has no tensor output${opts.output ? ` named "${opts.output}"` : ''}; outputs: ${session.outputNames.join(', ')}.`,
      {
        hint: 'Export probabilities as a tensor (e.g. without ZipMap), or pick one with --output.',
      },
    );
  const task = (meta['aequa.task'] as ModelTask | undefined) ?? opts.task ?? 'binary';
  const classes = meta['aequa.classes']
    ? (JSON.parse(meta['aequa.classes']) as string[])
    : (opts.classes ?? (task === 'binary' ? ['0', '1'] : []));
  const batch = opts.batchSize ?? 8192;

  const encode = (table: Table): Matrix => {
    if (pre) return pre.transform(table);
    const missing = features.filter((f) => !table.has(f));
    if (missing.length)
      throw new MissingColumnError(missing[0]!, table.names, table.source, 'an ONNX model input');
    const n = table.nrows;
    const d = features.length;
    const data = new Float64Array(n * d);
    features.forEach((f, j) => {
      const col = table.column(f);
      if (col.kind === 'category')
        throw new AequaError('AEQ_DATA_TYPE', `Column "${f}" holds text, but the ONNX model takes numbers.`, {
          hint: 'Encode it as numbers first, or export the model from aequa so it carries its encoding.',
        });
      for (let i = 0; i < n; i++) {
        if (col.valid !== null && !col.valid.isValid(i))
          throw new AequaError(
            'AEQ_DATA_MISSING_VALUES',
            `Column "${f}" has a missing value at row ${i}; the ONNX model cannot take it.`,
            {
              hint: 'Fill or drop missing values first.',
            },
          );
        data[i * d + j] = col.values[i]!;
      }
    });
    return { rows: n, cols: d, data };
  };

  return {
    task,
    features,
    classes,
    inputName: input.name,
    outputName: outName,
    inputWidth: encodedWidth,
    async predictProba(table: Table): Promise<Float64Array> {
      const x = encode(table);
      const n = x.rows;
      const d = x.cols;
      const k = task === 'multiclass' ? classes.length : 1;
      const out = new Float64Array(n * k);
      for (let s = 0; s < n; s += batch) {
        const e = Math.min(n, s + batch);
        const slice = x.data.subarray(s * d, e * d);
        const data = elem === 'float64' ? Float64Array.from(slice) : Float32Array.from(slice);
        const res = await session.run({ [input.name]: new ort.Tensor(elem, data, [e - s, d]) });
        const t = res[outName]!;
        const v = t.data as Float32Array | Float64Array;
        const cols = t.dims.length >= 2 ? Number(t.dims[t.dims.length - 1]) : 1;
        for (let i = 0; i < e - s; i++) {
          if (task === 'multiclass') for (let c = 0; c < k; c++) out[(s + i) * k + c] = v[i * cols + c]!;
          // Binary: a [N, 2] output holds [P(negative), P(positive)].
          else out[s + i] = cols === 2 ? v[i * 2 + 1]! : v[i * cols]!;
        }
      }
      return out;
    },
    async close() {
      await session.release();
    },
  };
}
