import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fromArrays } from '../../data/index.js';
import { loadAnyModel } from './index.js';
import { loadTransformersModel, type TransformersModel } from './transformers.js';

/** The fixture module (test/fixtures/tiny-transformer.ts), imported by path: it lies outside `src`. */
interface TinyFixture {
  TINY_VOCAB: readonly string[];
  TINY_HIDDEN: number;
  TINY_EMBEDDINGS: Float64Array;
  TINY_WEIGHTS: Float64Array;
  TINY_BIAS: Float64Array;
  makeTinyTransformer(dir: string, opts?: { skip?: readonly string[]; labels?: readonly string[] }): string;
}
const FIXTURE = pathToFileURL(
  resolve(import.meta.dirname, '../../../test/fixtures/tiny-transformer.ts'),
).href;

let fx: TinyFixture;
let root: string;
let folder: string;
let model: TransformersModel;

beforeAll(async () => {
  fx = (await import(FIXTURE)) as TinyFixture;
  root = mkdtempSync(join(tmpdir(), 'aequa-tiny-transformer-'));
  folder = fx.makeTinyTransformer(join(root, 'tiny'));
  model = await loadTransformersModel(folder, { textColumn: 'comment' });
});

afterAll(async () => {
  await model?.close();
  rmSync(root, { recursive: true, force: true });
});

/**
 * The hand computation, from the fixture's weights and the BERT tokenisation rules (lowercase,
 * split on spaces, a word not in the vocabulary is [UNK], [CLS] … [SEP] around it): the mean of
 * the token embeddings, times W, plus b, through a softmax. Returns [P(nontoxic), P(toxic)].
 */
function byHand(text: string): [number, number] {
  const h = fx.TINY_HIDDEN;
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  const ids = [2, ...words.map((w) => (fx.TINY_VOCAB.includes(w) ? fx.TINY_VOCAB.indexOf(w) : 1)), 3];
  const mean = new Array<number>(h).fill(0);
  for (const id of ids) for (let j = 0; j < h; j++) mean[j]! += fx.TINY_EMBEDDINGS[id * h + j]! / ids.length;
  const z = [0, 1].map((c) => {
    let s = fx.TINY_BIAS[c]!;
    for (let j = 0; j < h; j++) s += mean[j]! * fx.TINY_WEIGHTS[j * 2 + c]!;
    return s;
  });
  const m = Math.max(z[0]!, z[1]!);
  const e0 = Math.exp(z[0]! - m);
  const e1 = Math.exp(z[1]! - m);
  return [e0 / (e0 + e1), e1 / (e0 + e1)];
}

// ONNX Runtime computes in float32 (relative rounding 6e-8 per operation, a dozen operations on
// values below 10) and transformers.js returns the softmax as float32: the error is below 1e-6,
// so 1e-5 leaves a wide margin while still catching any wrong weight, token or pooling.
const TOL = 1e-5;

const SENTENCES = [
  'this movie is awful',
  'you are lovely',
  'the food was good',
  'the service was terrible and slow',
  'I hate this',
  'people',
  'a very kind people are you',
];

describe('loadTransformersModel (text classification)', () => {
  it('describes a binary model over the text column with the labels from id2label', () => {
    expect(model.task).toBe('binary');
    expect(model.features).toEqual(['comment']);
    expect(model.labels).toEqual(['nontoxic', 'toxic']);
    expect(model.classes).toEqual(['nontoxic', 'toxic']);
    expect(model.pipelineTask).toBe('text-classification');
    expect(model.folder).toBe(resolve(folder));
  });

  it('returns P(toxic) equal to the softmax of the mean embedding times W plus b, computed by hand', async () => {
    const p = await model.predictProba(fromArrays({ comment: SENTENCES }));
    expect(p).toBeInstanceOf(Float64Array);
    expect(p.length).toBe(SENTENCES.length);
    SENTENCES.forEach((s, i) => {
      expect(Math.abs(p[i]! - byHand(s)[1])).toBeLessThan(TOL);
    });
  });

  it('scores "awful" as toxic and "lovely" as not toxic', async () => {
    const p = await model.predictProba(
      fromArrays({ comment: ['the movie was awful', 'the movie was lovely'] }),
    );
    expect(p[0]!).toBeGreaterThan(0.5);
    expect(p[1]!).toBeLessThan(0.5);
  });

  it('raises P(toxic) whenever "awful" is added to a sentence (property over random sentences)', async () => {
    // "awful" scores 9.625 on the toxic-minus-nontoxic direction W[:,1] − W[:,0] = (2, −2, −0.75);
    // every other token scores at most 8 ("terrible"), so adding it lifts the mean, hence P(toxic).
    const words = fx.TINY_VOCAB.slice(5).filter((w) => w !== 'awful');
    const sentences = fc.sample(fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 12 }), {
      seed: 42,
      numRuns: 40,
    });
    const plain = sentences.map((ws) => ws.join(' '));
    const withAwful = sentences.map((ws, i) => {
      const at = i % (ws.length + 1);
      return [...ws.slice(0, at), 'awful', ...ws.slice(at)].join(' ');
    });
    const p = await model.predictProba(fromArrays({ comment: [...plain, ...withAwful] }));
    for (let i = 0; i < plain.length; i++) expect(p[plain.length + i]!).toBeGreaterThan(p[i]!);
  });

  it('gives the same numbers in batches of 1, 3 and all rows at once', async () => {
    const table = fromArrays({ comment: SENTENCES });
    const all = await model.predictProba(table, { batchSize: 1000 });
    for (const batchSize of [1, 3]) {
      const b = await model.predictProba(table, { batchSize });
      // Padding tokens are multiplied by an attention mask of exact zeros and adding +0 is exact,
      // so every row sums the same terms in the same order whatever the padding: bit-for-bit equal.
      for (let i = 0; i < SENTENCES.length; i++) expect(Object.is(b[i], all[i])).toBe(true);
    }
  });

  it('returns P(label) for an explicit positiveLabel', async () => {
    const m = await loadTransformersModel(folder, { textColumn: 'comment', positiveLabel: 'nontoxic' });
    expect(m.classes).toEqual(['toxic', 'nontoxic']);
    const p = await m.predictProba(fromArrays({ comment: SENTENCES.slice(0, 3) }));
    for (let i = 0; i < 3; i++) expect(Math.abs(p[i]! - byHand(SENTENCES[i]!)[0])).toBeLessThan(TOL);
    await m.close();
  });

  it('picks the label named "positive" by default even when it has id 0, else the label with id 1', async () => {
    const named = fx.makeTinyTransformer(join(root, 'named'), { labels: ['positive', 'negative'] });
    const m = await loadTransformersModel(named, { textColumn: 'comment' });
    expect(m.classes).toEqual(['negative', 'positive']);
    const p = await m.predictProba(fromArrays({ comment: ['this movie is awful'] }));
    // Label 0 ('positive') holds the fixture's 'nontoxic' column.
    expect(Math.abs(p[0]! - byHand('this movie is awful')[0])).toBeLessThan(TOL);
    await m.close();
    const plain = fx.makeTinyTransformer(join(root, 'plain'), { labels: ['ham', 'spam'] });
    const m2 = await loadTransformersModel(plain, { textColumn: 'comment' });
    expect(m2.classes).toEqual(['ham', 'spam']);
    await m2.close();
  });

  it('returns an n × k matrix in id2label order for more than two labels', async () => {
    const three = fx.makeTinyTransformer(join(root, 'three'), { labels: ['low', 'mid', 'high'] });
    const m = await loadTransformersModel(three, { textColumn: 'comment' });
    expect(m.task).toBe('multiclass');
    expect(m.classes).toEqual(['low', 'mid', 'high']);
    const texts = ['this movie is awful', 'you are lovely'];
    const p = await m.predictProba(fromArrays({ comment: texts }));
    expect(p.length).toBe(6);
    // The fixture repeats W's columns (nontoxic, toxic, nontoxic) with biases b + (0, 0, 1/4).
    texts.forEach((t, i) => {
      const [q0, q1] = byHand(t);
      // Logits: z0, z1, z0 + 1/4 → softmax over three from the two-class probabilities.
      const e = [q0, q1, q0 * Math.exp(0.25)];
      const s = e[0]! + e[1]! + e[2]!;
      for (let c = 0; c < 3; c++) expect(Math.abs(p[i * 3 + c]! - e[c]! / s)).toBeLessThan(TOL);
    });
    await expect(
      loadTransformersModel(three, { textColumn: 'comment', positiveLabel: 'high' }),
    ).rejects.toMatchObject({ code: 'AEQ_INVALID_ARGUMENT' });
    await m.close();
  });

  it('refuses embed() on a classifier with AEQ_INVALID_ARGUMENT', async () => {
    await expect(model.embed(fromArrays({ comment: ['a'] }))).rejects.toMatchObject({
      code: 'AEQ_INVALID_ARGUMENT',
      message: expect.stringContaining('text classification'),
    });
  });
});

describe('loadTransformersModel (feature extraction)', () => {
  it('embeds each text as the mean of its token embeddings, computed by hand', async () => {
    const m = await loadTransformersModel(folder, { textColumn: 'comment', task: 'feature-extraction' });
    const texts = ['this movie is awful', 'you', 'people are very kind'];
    const x = await m.embed(fromArrays({ comment: texts }), { batchSize: 2 });
    expect([x.rows, x.cols]).toEqual([3, fx.TINY_HIDDEN]);
    texts.forEach((t, i) => {
      const ids = [2, ...t.split(' ').map((w) => fx.TINY_VOCAB.indexOf(w)), 3];
      for (let j = 0; j < fx.TINY_HIDDEN; j++) {
        let s = 0;
        for (const id of ids) s += fx.TINY_EMBEDDINGS[id * fx.TINY_HIDDEN + j]!;
        // float32 mean of values that are multiples of 1/8: error ≤ a few float32 ulps (~1e-7).
        expect(Math.abs(x.data[i * fx.TINY_HIDDEN + j]! - s / ids.length)).toBeLessThan(1e-6);
      }
    });
    await expect(m.predictProba(fromArrays({ comment: texts }))).rejects.toMatchObject({
      code: 'AEQ_INVALID_ARGUMENT',
      message: expect.stringContaining('feature extraction'),
    });
    await m.close();
  });
});

describe('loadAnyModel with a folder', () => {
  it('loads the folder through transformers.js and scores like loadTransformersModel', async () => {
    const m = await loadAnyModel(folder, { textColumn: 'comment' });
    const table = fromArrays({ comment: SENTENCES });
    const [a, b] = [await m.predictProba(table), await model.predictProba(table)];
    for (let i = 0; i < SENTENCES.length; i++) expect(Object.is(a[i], b[i])).toBe(true);
  });

  it('takes a single --features entry as the text column', async () => {
    const m = await loadAnyModel(folder, { features: ['comment'] });
    expect(m.features).toEqual(['comment']);
  });

  it('asks for the text column when none is given', async () => {
    await expect(loadAnyModel(folder)).rejects.toMatchObject({
      code: 'AEQ_MODEL_LOAD',
      hint: expect.stringContaining('--text-column'),
    });
  });
});

describe('aequa predict with a model folder', () => {
  it('writes P(toxic) per row as the score column with --text-column', async () => {
    const { runPredict } = await import('../../cli/commands/predict.js');
    const data = join(root, 'comments.csv');
    const out = join(root, 'scored.csv');
    writeFileSync(data, 'id,comment\n1,this movie is awful\n2,you are lovely\n');
    const lines: string[] = [];
    const io = { stdout: (t: string) => lines.push(t), stderr: () => {}, isTTY: false, columns: 80, env: {} };
    const code = await runPredict([folder, data, '--out', out, '--text-column', 'comment'], io);
    expect(code).toBe(0);
    const rows = readFileSync(out, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('id,comment,score,prediction');
    const score = Number(rows[1]!.split(',')[2]);
    expect(Math.abs(score - byHand('this movie is awful')[1])).toBeLessThan(TOL);
    expect(rows[1]!.endsWith(',1')).toBe(true);
    expect(rows[2]!.endsWith(',0')).toBe(true);
  });
});

describe('errors', () => {
  it('names the missing file when the folder has no config.json', async () => {
    const dir = fx.makeTinyTransformer(join(root, 'no-config'), { skip: ['config.json'] });
    await expect(loadTransformersModel(dir, { textColumn: 'comment' })).rejects.toMatchObject({
      code: 'AEQ_MODEL_LOAD',
      message: expect.stringContaining('lacks config.json'),
    });
  });

  it('names onnx/model.onnx when the folder has no ONNX file', async () => {
    const dir = fx.makeTinyTransformer(join(root, 'no-onnx'), { skip: ['onnx/model.onnx'] });
    await expect(loadTransformersModel(dir, { textColumn: 'comment' })).rejects.toMatchObject({
      code: 'AEQ_MODEL_LOAD',
      message: expect.stringContaining('lacks onnx/model.onnx'),
    });
  });

  it('wraps what transformers.js cannot load in AEQ_MODEL_LOAD', async () => {
    const dir = fx.makeTinyTransformer(join(root, 'bad-type'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'no-such-architecture' }));
    await expect(loadTransformersModel(dir, { textColumn: 'comment' })).rejects.toMatchObject({
      code: 'AEQ_MODEL_LOAD',
      message: expect.stringContaining('transformers.js cannot load'),
    });
  });

  it('rejects a missing text column with AEQ_DATA_MISSING_COLUMN and suggests the closest name', async () => {
    await expect(model.predictProba(fromArrays({ coment: ['awful'] }))).rejects.toMatchObject({
      code: 'AEQ_DATA_MISSING_COLUMN',
      message: expect.stringContaining('Did you mean "coment"?'),
    });
  });

  it('rejects a numeric text column with AEQ_DATA_TYPE', async () => {
    await expect(model.predictProba(fromArrays({ comment: [1, 2] }))).rejects.toMatchObject({
      code: 'AEQ_DATA_TYPE',
      message: expect.stringContaining('holds numbers'),
    });
  });

  it('rejects a missing text with AEQ_DATA_MISSING_VALUES naming the row', async () => {
    await expect(model.predictProba(fromArrays({ comment: ['awful', null] }))).rejects.toMatchObject({
      code: 'AEQ_DATA_MISSING_VALUES',
      message: expect.stringContaining('row 1'),
    });
  });

  it('rejects an unknown positiveLabel and a bad batch size with AEQ_INVALID_ARGUMENT', async () => {
    await expect(
      loadTransformersModel(folder, { textColumn: 'comment', positiveLabel: 'spam' }),
    ).rejects.toMatchObject({
      code: 'AEQ_INVALID_ARGUMENT',
      message: expect.stringContaining('nontoxic, toxic'),
    });
    await expect(
      loadTransformersModel(folder, { textColumn: 'comment', batchSize: 0 }),
    ).rejects.toMatchObject({
      code: 'AEQ_INVALID_ARGUMENT',
    });
  });
});

describe('offline', () => {
  it('fails fast with AEQ_MODEL_LOAD for a folder that does not exist, without fetching', async () => {
    const fetchSpy = vi.fn(() => {
      throw new Error('network used');
    });
    vi.stubGlobal('fetch', fetchSpy);
    try {
      // A name that is also a valid Hub model id: it must not be looked up remotely.
      await expect(
        loadTransformersModel(join(root, 'Xenova/toxic-bert'), { textColumn: 'comment' }),
      ).rejects.toMatchObject({ code: 'AEQ_MODEL_LOAD', message: expect.stringContaining('does not exist') });
      await expect(
        loadTransformersModel('Xenova/toxic-bert', { textColumn: 'comment' }),
      ).rejects.toMatchObject({
        code: 'AEQ_MODEL_LOAD',
      });
      expect(fetchSpy).not.toHaveBeenCalled();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('loads and scores the folder without fetching and leaves remote models switched off', async () => {
    const fetchSpy = vi.fn(() => {
      throw new Error('network used');
    });
    vi.stubGlobal('fetch', fetchSpy);
    try {
      const m = await loadTransformersModel(folder, { textColumn: 'comment' });
      await m.predictProba(fromArrays({ comment: ['awful'] }));
      await m.close();
      expect(fetchSpy).not.toHaveBeenCalled();
    } finally {
      vi.unstubAllGlobals();
    }
    const { env } = await import('@huggingface/transformers');
    expect(env.allowRemoteModels).toBe(false);
  });
});
