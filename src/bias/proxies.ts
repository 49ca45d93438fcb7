/**
 * @module bias/proxies
 * Proxy detection: which features predict a sensitive attribute, so that dropping the attribute
 * would not remove its influence (Feldman et al. 2015, https://arxiv.org/abs/1412.3756, §3).
 * Three views, ranked: mutual information and Cramér's V on the feature's levels or bins, and the
 * cross-validated ROC AUC of a shallow decision tree that predicts the group from the feature alone.
 */
import { isAequaError, seededRng } from '../core/index.js';
import type { CategoryColumn, Table } from '../data/index.js';
import { rocAuc, scoreHistogram } from '../metrics/index.js';
import { decisionTree, kFold } from '../models/index.js';
import { cramersV, entropy, mutualInformation } from './association.js';
import type { Discretized } from './discretize.js';
import type { GroupCodes } from './groups.js';
import type { ProxyScore } from './types.js';

/** A feature is flagged as a proxy at or above either threshold. */
export const PROXY_THRESHOLDS = {
  /** AUC of 0.7: "acceptable discrimination" in Hosmer & Lemeshow's usual reading. */
  auc: 0.7,
  /** Cramér's V of 0.3: a moderate association in Cohen's conventions for df = 1. */
  cramersV: 0.3,
} as const;

/** Options of {@link proxyAuc}. */
export interface ProxyAucOptions {
  /** Cross-validation folds. @default 3 */
  readonly folds?: number;
  /** Depth of the tree. @default 4 */
  readonly maxDepth?: number;
  /** @default 0 */
  readonly seed?: number;
}

const TARGET = '\u0000group';

/**
 * Cross-validated ROC AUC of a decision tree (depth `maxDepth`, at least 20 rows per leaf) that
 * predicts the group of each row from one feature: stratified k-fold, out-of-fold scores pooled, AUC
 * of the pooled scores. With more than two groups, the unweighted mean of the one-vs-rest AUCs.
 * Seeded: the same seed gives the same folds and the same value.
 *
 * @returns the AUC in [0, 1] (0.5 = no information), or null with a reason.
 * @example await proxyAuc(fromArrays({ zip: [...] , ...}), 'zip', groupCodes(t, ['race'])) // { auc: 0.93 }
 */
export async function proxyAuc(
  table: Table,
  feature: string,
  groups: GroupCodes,
  opts: ProxyAucOptions = {},
): Promise<{ auc: number | null; undefinedBecause?: string }> {
  const k = groups.labels.length;
  const n = table.nrows;
  const folds = Math.min(opts.folds ?? 3, n);
  if (k < 2) return { auc: null, undefinedBecause: 'singleGroup' };
  let smallest = Number.POSITIVE_INFINITY;
  for (let g = 0; g < k; g++) smallest = Math.min(smallest, groups.counts[g]!);
  if (smallest < folds) return { auc: null, undefinedBecause: 'groupSmallerThanFolds' };
  const target: CategoryColumn = {
    kind: 'category',
    codes: groups.codes,
    levels: groups.labels,
    valid: null,
  };
  const data = table.select([feature]).withColumn(TARGET, target);
  const rng = seededRng(opts.seed ?? 0).fork(`proxy:${feature}`);
  const splits = kFold(n, folds, { stratify: groups.codes, rng });
  const learner = decisionTree({ maxDepth: opts.maxDepth ?? 4, minSamplesLeaf: 20 });
  // Out-of-fold probability of each group, n × k (binary: column 1 only is used).
  const oof = new Float64Array(n * k);
  try {
    for (const { train, test } of splits) {
      const trainTable = data.take(train);
      const model = await learner.fit(trainTable, TARGET, {
        features: [feature],
        ...(k === 2 ? { positive: [groups.labels[1]!] } : {}),
      });
      const p = await model.predictProba(data.take(test));
      if (model.task === 'binary') {
        for (let i = 0; i < test.length; i++) oof[test[i]! * k + 1] = p[i]!;
      } else {
        const col = model.classes.map((c) => groups.labels.indexOf(c));
        const kc = model.classes.length;
        for (let i = 0; i < test.length; i++)
          for (let c = 0; c < kc; c++) if (col[c]! >= 0) oof[test[i]! * k + col[c]!] = p[i * kc + c]!;
      }
    }
  } catch (e) {
    if (isAequaError(e) && (e.code === 'AEQ_DATA_CONSTANT_TARGET' || e.code === 'AEQ_DATA_EMPTY'))
      return { auc: null, undefinedBecause: 'cannotFit' };
    if (isAequaError(e) && e.code === 'AEQ_DATA_MISSING_VALUES')
      return { auc: null, undefinedBecause: 'allMissing' };
    throw e;
  }
  const scores = new Float64Array(n);
  const y = new Uint8Array(n);
  const classes = k === 2 ? [1] : Array.from({ length: k }, (_, g) => g);
  let sum = 0;
  let m = 0;
  for (const g of classes) {
    for (let i = 0; i < n; i++) {
      scores[i] = oof[i * k + g]!;
      y[i] = groups.codes[i] === g ? 1 : 0;
    }
    const auc = rocAuc(scoreHistogram(scores, y)).value;
    if (auc !== null) {
      sum += auc;
      m++;
    }
  }
  if (m === 0) return { auc: null, undefinedBecause: 'singleClass' };
  return { auc: sum / m };
}

/**
 * Contingency table groups × levels of a discretized feature (rows with a missing feature value left out).
 */
export function contingency(groups: GroupCodes, feature: Discretized): number[][] {
  const k = groups.labels.length;
  const L = feature.levels.length;
  const flat = new Float64Array(k * L);
  const codes = feature.codes;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (c >= 0) flat[groups.codes[i]! * L + c]! += 1;
  }
  const out: number[][] = [];
  for (let g = 0; g < k; g++) out.push(Array.from(flat.subarray(g * L, (g + 1) * L)));
  return out;
}

/** Options of {@link proxyScores}. */
export interface ProxyScoresOptions extends ProxyAucOptions {
  /** Compute the classifier AUC (the slow part). @default true */
  readonly auc?: boolean;
  readonly signal?: AbortSignal;
}

/**
 * Scores every feature as a proxy of the groups and ranks them: by AUC when computed, then by
 * Cramér's V, then by mutual information (ties by name).
 * @example (await proxyScores(table, groups, { zip: discretize(table.column('zip')) }))[0].feature // 'zip'
 */
export async function proxyScores(
  table: Table,
  groups: GroupCodes,
  features: Readonly<Record<string, Discretized>>,
  opts: ProxyScoresOptions = {},
): Promise<ProxyScore[]> {
  const hS = entropy(groups.counts);
  const rows: Omit<ProxyScore, 'rank'>[] = [];
  for (const [name, d] of Object.entries(features)) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    const table2 = contingency(groups, d);
    const mi = mutualInformation(table2);
    const v = cramersV(table2);
    const a =
      opts.auc === false
        ? { auc: null, undefinedBecause: 'notComputed' }
        : await proxyAuc(table, name, groups, opts);
    const flagged =
      (a.auc !== null && a.auc >= PROXY_THRESHOLDS.auc) || (v !== null && v >= PROXY_THRESHOLDS.cramersV);
    rows.push({
      feature: name,
      kind: d.kind,
      mutualInformation: mi,
      normalizedMutualInformation: hS > 0 ? Math.min(1, mi / hS) : null,
      cramersV: v,
      auc: a.auc,
      ...(a.undefinedBecause !== undefined ? { aucUndefinedBecause: a.undefinedBecause } : {}),
      flagged,
    });
  }
  const key = (x: number | null): number => (x === null ? -1 : x);
  rows.sort(
    (a, b) =>
      key(b.auc) - key(a.auc) ||
      key(b.cramersV) - key(a.cramersV) ||
      b.mutualInformation - a.mutualInformation ||
      (a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0),
  );
  return rows.map((r, i) => ({ ...r, rank: i + 1 }));
}
