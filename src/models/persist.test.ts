import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { AequaError } from '../core/index.js';
import { fromArrays } from '../data/index.js';
import { ridgeRegression } from './learners/linear.js';
import { logisticRegression } from './learners/logistic.js';
import type { SavableModel } from './model.js';
import {
  checkFeatures,
  loadModel,
  loadModelJSON,
  MODEL_FORMAT_VERSION,
  modelKinds,
  saveModelJSON,
} from './persist.js';

const schema = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../schemas/model.schema.json'), 'utf8'),
) as Record<string, unknown>;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

const data = fromArrays({
  age: [20, 35, null, 50, 41, 28],
  sex: ['F', 'M', 'M', null, 'F', 'M'],
  member: [true, false, true, true, null, false],
  y: [0, 1, 0, 1, 1, 0],
  size: [1.5, 2.5, 2, 4, 3.5, 1],
  cls: ['a', 'b', 'c', 'a', 'b', 'c'],
});

async function models(): Promise<SavableModel[]> {
  return [
    await logisticRegression().fit(data, 'y', { features: ['age', 'sex', 'member'] }),
    await logisticRegression({ penalty: 'elasticnet' }).fit(data, 'cls', {
      features: ['age', 'sex', 'member'],
    }),
    await ridgeRegression().fit(data, 'size', { features: ['age', 'sex', 'member'] }),
  ];
}

function errorOf(fn: () => unknown): AequaError {
  try {
    fn();
  } catch (e) {
    return e as AequaError;
  }
  throw new Error('expected an error');
}

describe('model files', () => {
  it('are valid against schemas/model.schema.json', async () => {
    for (const m of await models()) {
      const doc = JSON.parse(saveModelJSON(m)) as unknown;
      const ok = validate(doc);
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it('fail the schema when a required field or parameter is wrong', async () => {
    const [m] = await models();
    const doc = JSON.parse(saveModelJSON(m!)) as Record<string, unknown>;
    delete doc.target;
    (doc.parameters as Record<string, unknown>).penalty = 'l3';
    expect(validate(doc)).toBe(false);
    const paths = (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
    expect(paths).toContain(" must have required property 'target'");
    expect(paths).toContain('/parameters/penalty must be equal to one of the allowed values');
  });

  it('are 2-space-indented JSON with format and version first', async () => {
    const [m] = await models();
    const text = saveModelJSON(m!);
    expect(text.split('\n').slice(0, 3)).toEqual([
      '{',
      '  "format": "aequa-model",',
      `  "version": ${MODEL_FORMAT_VERSION},`,
    ]);
  });

  it('know the built-in kinds once their modules are imported', () => {
    expect(modelKinds()).toEqual(expect.arrayContaining(['linear', 'logistic']));
  });
});

describe('loadModelJSON errors', () => {
  it('reports text that is not JSON', () => {
    const e = errorOf(() => loadModelJSON('{"format": '));
    expect(e.code).toBe('AEQ_MODEL_FORMAT');
    expect(e.message.startsWith('The model file is not valid JSON: ')).toBe(true);
  });

  it('reports a file that is not an aequa model', () => {
    const e = errorOf(() => loadModelJSON('{"format": "onnx"}'));
    expect(e.code).toBe('AEQ_MODEL_FORMAT');
    expect(e.message).toMatchInlineSnapshot(
      `"The file is not an aequa model file: "format" is "onnx", expected "aequa-model"."`,
    );
  });

  it('reports a file from a newer format version', async () => {
    const [m] = await models();
    const doc = { ...m!.toJSON(), version: 2 };
    const e = errorOf(() => loadModel(doc));
    expect(e.code).toBe('AEQ_MODEL_FORMAT');
    expect(e.message).toMatchInlineSnapshot(
      `"The model file was written by a newer aequa (format 2); this version reads format 1."`,
    );
    expect(e.hint).toBe('Upgrade aequa to read this model, or re-save it with this version.');
  });

  it('reports an unknown kind with the known ones', async () => {
    const [m] = await models();
    const e = errorOf(() => loadModel({ ...m!.toJSON(), kind: 'svm' }));
    expect(e.code).toBe('AEQ_MODEL_FORMAT');
    expect(e.message).toContain('The model kind "svm" is unknown; known kinds: ');
    expect(e.message).toContain('linear');
    expect(e.message).toContain('logistic');
  });

  it('lists every missing or mistyped common field', () => {
    const e = errorOf(() =>
      loadModel({ format: 'aequa-model', version: 1, kind: 'logistic', task: 'ranking', classes: [1] }),
    );
    expect(e.code).toBe('AEQ_MODEL_FORMAT');
    expect(e.message).toMatchInlineSnapshot(
      `"The model file is invalid: "task" must be one of binary, multiclass, regression, got "ranking"; "features" must be an array of strings; "classes" must be an array of strings; "target" must be a string; "preprocessing" is missing; "parameters" is missing."`,
    );
  });
});

describe('checkFeatures', () => {
  it('lists the missing columns and the unused ones', async () => {
    const [m] = await models();
    const e = errorOf(() => checkFeatures(m!, fromArrays({ age: [1], gender: ['F'], y: [1] }, 'new.csv')));
    expect(e.code).toBe('AEQ_MODEL_FEATURES');
    expect(e.details).toEqual({ missing: ['sex', 'member'], extra: ['gender', 'y'] });
    expect(e.message).toMatchInlineSnapshot(
      `"The model needs 2 columns missing from new.csv: "sex", "member". Columns of the data the model does not use: "gender", "y"."`,
    );
  });

  it('passes when every feature is present, whatever else the table holds', async () => {
    const [m] = await models();
    expect(checkFeatures(m!, data)).toBeUndefined();
  });
});
