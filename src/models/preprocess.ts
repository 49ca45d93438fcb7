/**
 * @module models/preprocess
 * The encoding a model learns from its training table and carries inside its saved file:
 * one-hot for categories (levels sorted by code point, with an "<other>" bucket for rare or unseen
 * values), standardisation for numbers (weighted mean and population sd), booleans as 0/1, and
 * missing values imputed (mean, or all-zero one-hot) plus a "<missing>" indicator column when the
 * training column had missing cells (scikit-learn's SimpleImputer(add_indicator=True) idea).
 */
import { Adder, AequaError, InvalidArgumentError, listSome, MissingColumnError } from '../core/index.js';
import { type Column, compareCodePoints, type Table } from '../data/index.js';
import type { Matrix } from './model.js';

export interface Preprocessor {
  /** The raw input columns, in order. */
  readonly features: readonly string[];
  /** Names of the encoded columns, e.g. ['age', 'sex=Female', 'sex=Male', 'sex=<other>']. */
  readonly outputNames: readonly string[];
  /** For each encoded column, the index of the raw feature it came from (feature groups for SHAP). */
  readonly sourceFeature: readonly number[];
  /** Encodes rows (throws MissingColumnError naming the absent columns). */
  transform(table: Table): Matrix;
  toJSON(): unknown;
}

/**
 * How one raw feature is encoded; the saved layout (inside `preprocessing.columns` of a model file).
 * - number: `(x − mean) / sd` when standardising, else `x`; a missing cell becomes the mean (0 after
 *   standardisation) and, if `missingIndicator`, sets the `name=<missing>` column to 1.
 * - category: one column `name=level` per kept level, then `name=<other>` (levels not kept or not
 *   seen in training), then `name=<missing>` if `missingIndicator`; a missing cell is all zeros
 *   plus the indicator.
 * - boolean: 0/1; a missing cell becomes `mean` (the training share of true) plus the indicator.
 */
export type FeatureEncoding =
  | {
      readonly kind: 'number';
      readonly name: string;
      readonly mean: number;
      readonly sd: number;
      readonly missingIndicator: boolean;
    }
  | {
      readonly kind: 'category';
      readonly name: string;
      readonly levels: readonly string[];
      readonly missingIndicator: boolean;
    }
  | {
      readonly kind: 'boolean';
      readonly name: string;
      readonly mean: number;
      readonly missingIndicator: boolean;
    };

/** The JSON form of a preprocessor (`preprocessing` in a model file). */
export interface PreprocessorJSON {
  readonly standardize: boolean;
  readonly columns: readonly FeatureEncoding[];
}

/** Options of {@link fitPreprocessor}. */
export interface PreprocessOptions {
  /** Standardise number columns to weighted mean 0 and sd 1. @default true */
  readonly standardize?: boolean;
  /** At most this many levels per category get their own column (the most frequent); the rest go to "<other>". @default 50 */
  readonly maxLevels?: number;
  /** Levels seen in fewer training rows go to "<other>". @default 1 */
  readonly minLevelCount?: number;
  /** Row weights for the means and sds (length = rows). @default all 1 */
  readonly weights?: Float64Array;
}

const OTHER = '<other>';
const MISSING = '<missing>';

/**
 * Learns an encoding of `features` from a training table.
 * @param table the training rows.
 * @param features the raw columns to encode, in order.
 * @throws {AEQ_DATA_MISSING_COLUMN} when a feature is not in the table.
 * @throws {AEQ_INVALID_ARGUMENT} for a bad option or weights of the wrong length.
 * @example
 * const p = fitPreprocessor(fromArrays({ age: [20, 40], sex: ['M', 'F'] }), ['age', 'sex']);
 * p.outputNames // ['age', 'sex=F', 'sex=M', 'sex=<other>']
 * p.transform(fromArrays({ age: [30], sex: ['X'] })).data // Float64Array [0, 0, 0, 1]
 */
export function fitPreprocessor(
  table: Table,
  features: readonly string[],
  opts: PreprocessOptions = {},
): Preprocessor {
  const standardize = opts.standardize ?? true;
  const maxLevels = opts.maxLevels ?? 50;
  const minLevelCount = opts.minLevelCount ?? 1;
  if (!Number.isInteger(maxLevels) || maxLevels < 0)
    throw new InvalidArgumentError('fitPreprocessor', 'maxLevels', maxLevels, 'an integer ≥ 0');
  if (!Number.isFinite(minLevelCount) || minLevelCount < 0)
    throw new InvalidArgumentError('fitPreprocessor', 'minLevelCount', minLevelCount, 'a number ≥ 0');
  const w = opts.weights;
  if (w !== undefined && w.length !== table.nrows)
    throw new InvalidArgumentError(
      'fitPreprocessor',
      'weights',
      `length ${w.length}`,
      `one weight per row (${table.nrows})`,
    );
  checkColumns(table, features);
  const columns: FeatureEncoding[] = [];
  for (const name of features) {
    const col = table.column(name);
    const hasMissing = col.valid !== null && col.valid.count() < table.nrows;
    switch (col.kind) {
      case 'number': {
        checkFinite(col, name, table.source);
        const { mean, sd } = weightedMeanSd(col.values, col, w);
        columns.push({ kind: 'number', name, mean, sd, missingIndicator: hasMissing });
        break;
      }
      case 'boolean': {
        const { mean } = weightedMeanSd(col.values, col, w);
        columns.push({ kind: 'boolean', name, mean, missingIndicator: hasMissing });
        break;
      }
      case 'category': {
        const counts = new Float64Array(col.levels.length);
        for (let i = 0; i < col.codes.length; i++) {
          const c = col.codes[i]!;
          if (c >= 0 && (col.valid === null || col.valid.isValid(i))) counts[c]!++;
        }
        // Most frequent first, ties by code point, so the choice does not depend on first-seen order.
        const candidates = col.levels
          .map((level, k) => ({ level, count: counts[k]! }))
          .filter((e) => e.count > 0 && e.count >= minLevelCount)
          .sort((a, b) => b.count - a.count || compareCodePoints(a.level, b.level))
          .slice(0, maxLevels)
          .map((e) => e.level)
          .sort(compareCodePoints);
        columns.push({ kind: 'category', name, levels: candidates, missingIndicator: hasMissing });
        break;
      }
    }
  }
  return new EncodedPreprocessor({ standardize, columns });
}

/**
 * Rebuilds a preprocessor from its JSON form (the `preprocessing` field of a model file).
 * @throws {AEQ_MODEL_FORMAT} naming every field that is missing or of the wrong type.
 * @example preprocessorFromJSON(fitPreprocessor(t, ['age']).toJSON()).outputNames // ['age']
 */
export function preprocessorFromJSON(json: unknown): Preprocessor {
  const issues: string[] = [];
  const at = 'preprocessing';
  if (!isRecord(json)) throw formatError([`${at} must be an object, got ${typeName(json)}`]);
  if (typeof json.standardize !== 'boolean') issues.push(`${at}.standardize must be a boolean`);
  if (!Array.isArray(json.columns)) issues.push(`${at}.columns must be an array`);
  const columns: FeatureEncoding[] = [];
  if (Array.isArray(json.columns)) {
    json.columns.forEach((c: unknown, i: number) => {
      const p = `${at}.columns[${i}]`;
      if (!isRecord(c)) {
        issues.push(`${p} must be an object`);
        return;
      }
      const bad = (field: string, want: string) => issues.push(`${p}.${field} must be ${want}`);
      if (typeof c.name !== 'string') bad('name', 'a string');
      if (typeof c.missingIndicator !== 'boolean') bad('missingIndicator', 'a boolean');
      const name = String(c.name);
      const mi = c.missingIndicator === true;
      if (c.kind === 'number') {
        if (!isFiniteNumber(c.mean)) bad('mean', 'a finite number');
        if (!isFiniteNumber(c.sd) || c.sd <= 0) bad('sd', 'a finite number > 0');
        columns.push({ kind: 'number', name, mean: Number(c.mean), sd: Number(c.sd), missingIndicator: mi });
      } else if (c.kind === 'boolean') {
        if (!isFiniteNumber(c.mean)) bad('mean', 'a finite number');
        columns.push({ kind: 'boolean', name, mean: Number(c.mean), missingIndicator: mi });
      } else if (c.kind === 'category') {
        const ok = Array.isArray(c.levels) && c.levels.every((l: unknown) => typeof l === 'string');
        if (!ok) bad('levels', 'an array of strings');
        columns.push({
          kind: 'category',
          name,
          levels: ok ? [...(c.levels as string[])] : [],
          missingIndicator: mi,
        });
      } else bad('kind', `"number", "category" or "boolean" (got ${JSON.stringify(c.kind)})`);
    });
  }
  if (issues.length > 0) throw formatError(issues);
  return new EncodedPreprocessor({ standardize: json.standardize as boolean, columns });
}

class EncodedPreprocessor implements Preprocessor {
  readonly features: readonly string[];
  readonly outputNames: readonly string[];
  readonly sourceFeature: readonly number[];
  private readonly spec: PreprocessorJSON;
  /** First encoded column of each feature. */
  private readonly offsets: Int32Array;

  constructor(spec: PreprocessorJSON) {
    this.spec = spec;
    this.features = spec.columns.map((c) => c.name);
    const names: string[] = [];
    const source: number[] = [];
    this.offsets = new Int32Array(spec.columns.length);
    spec.columns.forEach((c, j) => {
      this.offsets[j] = names.length;
      if (c.kind === 'category') {
        for (const l of c.levels) names.push(`${c.name}=${l}`);
        names.push(`${c.name}=${OTHER}`);
      } else names.push(c.name);
      if (c.missingIndicator) names.push(`${c.name}=${MISSING}`);
      while (source.length < names.length) source.push(j);
    });
    this.outputNames = names;
    this.sourceFeature = source;
  }

  transform(table: Table): Matrix {
    checkColumns(table, this.features);
    const n = table.nrows;
    const d = this.outputNames.length;
    const out = new Float64Array(n * d);
    this.spec.columns.forEach((enc, j) => {
      const col = table.column(enc.name);
      const off = this.offsets[j]!;
      const valid = col.valid;
      switch (enc.kind) {
        case 'number': {
          if (col.kind === 'category') throw kindError(enc.name, 'number', 'text (category)', table.source);
          const values = col.values; // Float64Array, or 0/1 Uint8Array for a boolean column
          if (col.kind === 'number') checkFinite(col, enc.name, table.source);
          const center = this.spec.standardize ? enc.mean : 0;
          const scale = this.spec.standardize ? enc.sd : 1;
          const impute = (enc.mean - center) / scale;
          for (let i = 0, o = off; i < n; i++, o += d) {
            if (valid !== null && !valid.isValid(i)) {
              out[o] = impute;
              if (enc.missingIndicator) out[o + 1] = 1;
            } else out[o] = (values[i]! - center) / scale;
          }
          break;
        }
        case 'boolean': {
          if (col.kind === 'category') throw kindError(enc.name, 'boolean', 'text (category)', table.source);
          const values = col.values;
          if (col.kind === 'number') {
            for (let i = 0; i < n; i++) {
              const v = values[i]!;
              if ((valid === null || valid.isValid(i)) && v !== 0 && v !== 1)
                throw kindError(enc.name, 'boolean', `the number ${v} at row ${i + 1}`, table.source);
            }
          }
          for (let i = 0, o = off; i < n; i++, o += d) {
            if (valid !== null && !valid.isValid(i)) {
              out[o] = enc.mean;
              if (enc.missingIndicator) out[o + 1] = 1;
            } else out[o] = values[i]!;
          }
          break;
        }
        case 'category': {
          const k = enc.levels.length;
          const other = off + k;
          const missing = enc.missingIndicator ? other + 1 : -1;
          if (col.kind === 'category') {
            // Map the table's level codes to output columns once; rows then cost one lookup.
            const index = new Map<string, number>();
            for (let t = 0; t < enc.levels.length; t++) index.set(enc.levels[t]!, off + t);
            const target = new Int32Array(col.levels.length);
            for (let t = 0; t < col.levels.length; t++) target[t] = index.get(col.levels[t]!) ?? other;
            for (let i = 0, o = 0; i < n; i++, o += d) {
              const c = col.codes[i]!;
              if (c < 0 || (valid !== null && !valid.isValid(i))) {
                if (missing >= 0) out[o + missing] = 1;
              } else out[o + target[c]!] = 1;
            }
          } else {
            // Numbers or booleans where training saw text: match their spelling to the levels.
            const index = new Map<string, number>();
            for (let t = 0; t < enc.levels.length; t++) index.set(enc.levels[t]!, off + t);
            for (let i = 0, o = 0; i < n; i++, o += d) {
              if (valid !== null && !valid.isValid(i)) {
                if (missing >= 0) out[o + missing] = 1;
                continue;
              }
              const v = col.values[i]!;
              const s = col.kind === 'boolean' ? (v ? 'true' : 'false') : String(v);
              out[o + (index.get(s) ?? other)] = 1;
            }
          }
          break;
        }
      }
    });
    return { rows: n, cols: d, data: out };
  }

  toJSON(): PreprocessorJSON {
    return {
      standardize: this.spec.standardize,
      columns: this.spec.columns.map((c) =>
        c.kind === 'category' ? { ...c, levels: [...c.levels] } : { ...c },
      ),
    };
  }
}

/** Throws MissingColumnError listing every feature absent from `table`. */
function checkColumns(table: Table, features: readonly string[]): void {
  const missing = features.filter((f) => !table.has(f));
  if (missing.length === 0) return;
  const e = new MissingColumnError(missing[0]!, table.names, table.source, 'model feature');
  e.message =
    `The model needs columns ${listSome(features.map((f) => `"${f}"`))}, missing from the data: ` +
    `${listSome(missing.map((f) => `"${f}"`))}. Available: ${listSome(table.names)}.` +
    (e.suggestion === undefined ? '' : ` Did you mean "${e.suggestion}" for "${missing[0]}"?`);
  throw e;
}

function kindError(name: string, want: string, got: string, source: string | undefined): AequaError {
  const where = source === undefined ? '' : ` of ${source}`;
  return new AequaError(
    'AEQ_DATA_TYPE',
    `Column "${name}"${where} was ${want} when the model was trained, but the data gives ${got}.`,
    {
      hint: `Pass "${name}" as a ${want} column (check the schema override or the file's cells).`,
      details: { column: name, expected: want },
    },
  );
}

function checkFinite(col: Column & { kind: 'number' }, name: string, source: string | undefined): void {
  const v = col.values;
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i]!) && (col.valid === null || col.valid.isValid(i))) {
      throw new AequaError(
        'AEQ_DATA_NAN',
        `Column "${name}"${source === undefined ? '' : ` of ${source}`} holds ${v[i]} at row ${i + 1}; numbers must be finite, and missing cells must be marked missing.`,
        { hint: 'Mark the cell missing or clean the data.', details: { column: name, row: i + 1 } },
      );
    }
  }
}

/** Weighted mean and population sd over valid cells; sd 0 (or no data) becomes 1. */
function weightedMeanSd(
  values: ArrayLike<number>,
  col: Column,
  w: Float64Array | undefined,
): { mean: number; sd: number } {
  const valid = col.valid;
  const sw = new Adder();
  const swx = new Adder();
  for (let i = 0; i < values.length; i++) {
    if (valid !== null && !valid.isValid(i)) continue;
    const wi = w === undefined ? 1 : w[i]!;
    sw.add(wi);
    swx.add(wi * values[i]!);
  }
  if (!(sw.value > 0)) return { mean: 0, sd: 1 };
  const mean = swx.value / sw.value;
  // Second pass about the mean: no cancellation from Σx² − n·mean².
  const ss = new Adder();
  for (let i = 0; i < values.length; i++) {
    if (valid !== null && !valid.isValid(i)) continue;
    const dx = values[i]! - mean;
    ss.add((w === undefined ? 1 : w[i]!) * dx * dx);
  }
  const sd = Math.sqrt(ss.value / sw.value);
  return { mean, sd: sd > 0 && Number.isFinite(sd) ? sd : 1 };
}

function formatError(issues: readonly string[]): AequaError {
  return new AequaError(
    'AEQ_MODEL_FORMAT',
    `The model file's preprocessing is invalid: ${listSome(issues as string[], 10)}.`,
    { hint: 'Re-save the model with this version of aequa, or upgrade aequa.', details: { issues } },
  );
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

function typeName(x: unknown): string {
  return x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x;
}
