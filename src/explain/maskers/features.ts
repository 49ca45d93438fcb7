/**
 * @module explain/maskers/features
 * Which "features" an explanation attributes to: the model's raw input columns (so a one-hot encoded
 * categorical is one feature, its columns a group for free), optionally merged into named groups
 * (e.g. `{ address: ['zip', 'city'] }`), as in shap's Partition/grouped maskers
 * (https://shap.readthedocs.io/en/latest/generated/shap.maskers.Partition.html).
 */
import { InvalidArgumentError, listSome } from '../../core/index.js';
import { isValidAt, type Table } from '../../data/index.js';
import type { FeatureValue } from '../explanation.js';

/** Explained features and how the model's columns map onto them. */
export interface FeatureGroups {
  /** Explained feature names (a group's name, or the column's own name), in the model's column order. */
  readonly names: readonly string[];
  /** The model's input columns, in order. */
  readonly columns: readonly string[];
  /** For each model column, the index of its explained feature in `names`. */
  readonly groupOf: Int32Array;
}

/**
 * Resolves explicit groups against the model's columns; ungrouped columns stay features of their own.
 * A group takes the place of its first column.
 * @throws {AEQ_INVALID_ARGUMENT} for a group naming an unknown column, a column in two groups, an empty
 *   group, or a group name equal to an ungrouped column.
 * @example resolveGroups(['age', 'zip', 'city'], { place: ['zip', 'city'] }).names // ['age', 'place']
 */
export function resolveGroups(
  columns: readonly string[],
  groups: Readonly<Record<string, readonly string[]>> = {},
): FeatureGroups {
  const fn = 'explain';
  const owner = new Map<string, string>();
  for (const [name, cols] of Object.entries(groups)) {
    if (cols.length === 0)
      throw new InvalidArgumentError(fn, `groups.${name}`, [], 'a non-empty list of model columns');
    for (const c of cols) {
      if (!columns.includes(c))
        throw new InvalidArgumentError(
          fn,
          `groups.${name}`,
          c,
          `one of the model's columns (${listSome(columns)})`,
          'A group merges columns the model reads; check the spelling.',
        );
      const prev = owner.get(c);
      if (prev !== undefined && prev !== name)
        throw new InvalidArgumentError(fn, `groups.${name}`, c, `a column not already in group "${prev}"`);
      owner.set(c, name);
    }
  }
  const names: string[] = [];
  const index = new Map<string, number>();
  const groupOf = new Int32Array(columns.length);
  columns.forEach((c, k) => {
    const g = owner.get(c);
    const name = g ?? c;
    if (g !== undefined && columns.includes(g) && owner.get(g) === undefined)
      throw new InvalidArgumentError(fn, 'groups', g, 'a group name that is not also an ungrouped column');
    let j = index.get(name);
    if (j === undefined) {
      j = names.length;
      names.push(name);
      index.set(name, j);
    }
    groupOf[k] = j;
  });
  return { names, columns, groupOf };
}

/**
 * The raw values of row `row` of `table` per explained feature (a group's columns as `col=value, …`).
 * @example tableValues(fromArrays({ a: [1], b: ['x'] }), resolveGroups(['a', 'b']), 0) // [1, 'x']
 */
export function tableValues(table: Table, groups: FeatureGroups, row: number): FeatureValue[] {
  const parts: { col: string; v: FeatureValue }[][] = groups.names.map(() => []);
  groups.columns.forEach((name, k) => {
    const c = table.column(name);
    let v: FeatureValue = null;
    if (isValidAt(c, row)) {
      if (c.kind === 'number') v = c.values[row]!;
      else if (c.kind === 'boolean') v = c.values[row] === 1;
      else v = c.levels[c.codes[row]!] ?? null;
    }
    parts[groups.groupOf[k]!]!.push({ col: name, v });
  });
  return parts.map((p) => (p.length === 1 ? p[0]!.v : p.map((e) => `${e.col}=${e.v}`).join(', ')));
}

/**
 * For each encoded column of a model's preprocessor, the explained feature it belongs to (one-hot
 * columns of a category, and its missing indicator, all map to the category's feature).
 */
export function encodedGroups(
  groups: FeatureGroups,
  pre: { readonly features: readonly string[]; readonly sourceFeature: readonly number[] },
): Int32Array {
  const byName = new Map(groups.columns.map((c, k) => [c, groups.groupOf[k]!]));
  return Int32Array.from(pre.sourceFeature, (s) => byName.get(pre.features[s]!) ?? -1);
}
