/**
 * @module models/adapters/function
 * A plain JavaScript function as a model, or a module that exports `predictProba(rows)`: rows
 * are plain objects keyed by column name, the result an array (or a Promise of one) of
 * probabilities. The quickest way to audit a model a JS team already serves.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AequaError } from '../../core/index.js';
import type { Table } from '../../data/index.js';
import type { Model, ModelTask } from '../model.js';
import { checkScores, type PlainRow, plainRows } from './rows.js';

export type PredictFn = (rows: PlainRow[]) => ArrayLike<number> | Promise<ArrayLike<number>>;

/**
 * Wraps a function as a `Model`.
 * @example functionModel((rows) => rows.map((r) => (r.age > 40 ? 0.7 : 0.2)), { features: ['age'] })
 */
export function functionModel(
  fn: PredictFn,
  opts: {
    features: readonly string[];
    task?: ModelTask;
    classes?: readonly string[];
    batchSize?: number;
    name?: string;
  },
): Model {
  const task = opts.task ?? 'binary';
  const batch = opts.batchSize ?? 10_000;
  const name = opts.name ?? 'The predictProba function';
  return {
    task,
    features: opts.features,
    classes: opts.classes ?? (task === 'binary' ? ['0', '1'] : []),
    async predictProba(table: Table): Promise<Float64Array> {
      const out = new Float64Array(table.nrows);
      for (let s = 0; s < table.nrows; s += batch) {
        const e = Math.min(table.nrows, s + batch);
        const got = await fn(plainRows(table, opts.features, s, e));
        out.set(
          checkScores(
            Array.isArray(got) || ArrayBuffer.isView(got) ? got : got,
            e - s,
            name,
            task !== 'regression',
          ),
          s,
        );
      }
      return out;
    },
  };
}

/**
 * Loads a module that exports `predictProba(rows)` (named or default export; optionally
 * `features`). `.js`/`.mjs` are imported as they are.
 * @throws {AEQ_MODEL_LOAD} when the module cannot be imported or exports no predictProba.
 */
export async function loadFunctionModel(
  path: string,
  opts: { features?: readonly string[]; task?: ModelTask } = {},
): Promise<Model> {
  let mod: Record<string, unknown>;
  try {
    mod = /\.(c|m)?ts$/i.test(path)
      ? await importTypeScript(path)
      : ((await import(pathToFileURL(path).href)) as Record<string, unknown>);
  } catch (e) {
    if ((e as { code?: string }).code === 'AEQ_MODEL_LOAD') throw e;
    throw new AequaError(
      'AEQ_MODEL_LOAD',
      `Cannot import the model module "${path}": ${(e as Error).message.split('\n')[0]}`,
      {
        cause: e,
        hint: 'Give a .js, .mjs or .ts module that exports predictProba(rows).',
      },
    );
  }
  const def = mod.default as Record<string, unknown> | ((rows: PlainRow[]) => unknown) | undefined;
  const fn = (mod.predictProba ?? (typeof def === 'function' ? def : def?.predictProba)) as
    | PredictFn
    | undefined;
  if (typeof fn !== 'function')
    throw new AequaError('AEQ_MODEL_LOAD', `The module "${path}" exports no predictProba function.`, {
      hint: 'Export `predictProba(rows)` returning one probability per row.',
    });
  const features =
    opts.features ??
    (mod.features as readonly string[] | undefined) ??
    (typeof def === 'object' ? (def?.features as readonly string[] | undefined) : undefined);
  if (!features || features.length === 0)
    throw new AequaError('AEQ_MODEL_LOAD', `The module "${path}" does not say which columns it reads.`, {
      hint: 'Export `features` (an array of column names) from the module, or pass the features option.',
    });
  return functionModel(fn, {
    features,
    ...(opts.task ? { task: opts.task } : {}),
    name: `predictProba in ${path}`,
  });
}

/**
 * Imports a TypeScript module: Node 20 cannot strip types, so the file is transpiled with the
 * `typescript` package (the user's, when installed) to a temporary `.mjs` beside it, so that its
 * relative imports resolve as written, imported, and removed.
 * @throws {AEQ_MODEL_LOAD} when `typescript` is not installed.
 */
async function importTypeScript(path: string): Promise<Record<string, unknown>> {
  let ts: typeof import('typescript');
  try {
    ts = ((await import('typescript')) as { default: typeof import('typescript') }).default;
  } catch (e) {
    throw new AequaError(
      'AEQ_MODEL_LOAD',
      `Loading the TypeScript module "${path}" needs the typescript package, which is not installed.`,
      {
        cause: e,
        hint: 'Install typescript (npm i -D typescript), or compile the module to .js/.mjs first.',
      },
    );
  }
  const source = await readFile(path, 'utf8');
  const out = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: false,
    },
    fileName: basename(path),
  }).outputText;
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.mjs`);
  await writeFile(tmp, out);
  try {
    return (await import(pathToFileURL(tmp).href)) as Record<string, unknown>;
  } finally {
    await rm(tmp, { force: true });
  }
}
