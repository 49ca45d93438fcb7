import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { fromArrays } from '../data/index.js';
import { gradientBoosting } from './learners/gbdt.js';
import { mlp } from './learners/mlp.js';
import { decisionTree } from './learners/tree.js';

const schema = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../schemas/model.schema.json'), 'utf8'),
);
const validate = new Ajv2020({ strict: false }).compile(schema);
const t = fromArrays({
  x: [1, 2, 3, 4, 5, 6, 7, 8],
  c: ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b'],
  y: [0, 0, 1, 0, 1, 1, 1, 0],
});

describe('schemas/model.schema.json for tree models and MLPs', () => {
  it('accepts saved tree, gbdt and mlp models', async () => {
    for (const m of [
      await decisionTree({ maxDepth: 2 }).fit(t, 'y'),
      await gradientBoosting({ nEstimators: 3, minSamplesLeaf: 1 }).fit(t, 'y'),
      await mlp({ hidden: [3], epochs: 2 }).fit(t, 'y'),
    ]) {
      const file = JSON.parse(JSON.stringify(m.toJSON()));
      expect([file.kind, validate(file), validate.errors]).toEqual([file.kind, true, null]);
    }
  });

  it('rejects a tree whose node arrays are not numbers, and an unknown loss', async () => {
    const tree = JSON.parse(JSON.stringify((await decisionTree({ maxDepth: 2 }).fit(t, 'y')).toJSON()));
    tree.parameters.tree.left = ['1'];
    expect(validate(tree)).toBe(false);
    const gb = JSON.parse(
      JSON.stringify((await gradientBoosting({ nEstimators: 1, minSamplesLeaf: 1 }).fit(t, 'y')).toJSON()),
    );
    gb.parameters.loss = 'hinge';
    expect(validate(gb)).toBe(false);
  });
});
