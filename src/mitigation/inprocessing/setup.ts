/**
 * @module mitigation/inprocessing/setup
 * The common first step of the fairness-aware learners: read the sensitive column into group codes,
 * choose the feature columns (by default without the sensitive one, so that the fitted model does not
 * treat groups differently by construction: Zafar et al.'s "disparate treatment"), and encode the
 * training data with the models' own preprocessing.
 */
import { AequaError, InvalidArgumentError, listSome } from '../../core/index.js';
import type { Table } from '../../data/index.js';
import { type FitData, type FitOptions, prepareFitData } from '../../models/index.js';
import { type GroupCodes, groupCodes } from '../groups.js';

/** The encoded data of a fairness-aware fit. */
export interface FairFitData {
  readonly data: FitData;
  readonly groups: GroupCodes;
  readonly features: readonly string[];
}

/**
 * Groups, features and encoded training data; binary targets only.
 * @throws {AEQ_MITIGATION_SINGLE_GROUP} for a sensitive column with fewer than two groups.
 * @throws {AEQ_DATA_NOT_BINARY} for a target with more than two classes, or a sensitive column with
 * more than two groups when `binarySensitive` is set.
 */
export function prepareFairFit(
  table: Table,
  target: string,
  opts: {
    readonly fn: string;
    readonly sensitive: string;
    readonly includeSensitive: boolean;
    readonly binarySensitive: boolean;
    readonly standardize: boolean;
    readonly fit: FitOptions;
  },
): FairFitData {
  const { fn, sensitive } = opts;
  if (typeof sensitive !== 'string' || sensitive === '')
    throw new InvalidArgumentError(fn, 'sensitive', sensitive, 'the name of the sensitive column');
  if (sensitive === target)
    throw new InvalidArgumentError(fn, 'sensitive', sensitive, `a column other than the target "${target}"`);
  const groups = groupCodes(table, sensitive, fn);
  if (opts.binarySensitive && groups.names.length > 2)
    throw new AequaError(
      'AEQ_DATA_NOT_BINARY',
      `${fn}: the sensitive attribute "${sensitive}" has ${groups.names.length} groups (${listSome(groups.names)}); the adversary is a logistic model that predicts one of two groups.`,
      {
        hint: 'Merge the groups into two (e.g. the group of interest vs the rest), or use fairLogisticRegression / fairMlp, which take any number of groups.',
        details: { column: sensitive, groups: [...groups.names] },
      },
    );
  const weightName = typeof opts.fit.sampleWeight === 'string' ? opts.fit.sampleWeight : undefined;
  const features =
    opts.fit.features ??
    table.names.filter((c) => c !== target && c !== weightName && (opts.includeSensitive || c !== sensitive));
  const data = prepareFitData(table, target, {
    ...opts.fit,
    features,
    kind: 'classification',
    preprocess: { standardize: opts.standardize },
  });
  if (data.task !== 'binary')
    throw new AequaError(
      'AEQ_DATA_NOT_BINARY',
      `${fn}: the target "${target}" has ${data.classes.length} classes (${listSome(data.classes)}); the fairness penalty is defined for a binary decision.`,
      {
        hint: 'Pass positive values (--positive) to make the target binary.',
        details: { column: target, classes: [...data.classes] },
      },
    );
  return { data, groups, features };
}
