/**
 * @module explain/counterfactual/dice
 * Diverse counterfactual explanations (DiCE: Mothilal, Sharma & Tan 2020, "Explaining machine learning
 * classifiers through diverse counterfactual explanations", https://arxiv.org/abs/1905.07697) for any
 * `Model`: seeded genetic search, sparsification, bisection towards the query, re-searches for other
 * feature sets, then a greedy pick of K valid, close, sparse counterfactuals that change different
 * features. Hand-written: no browser-safe TypeScript implementation exists.
 */
import { InvalidArgumentError, listSome, type Rng, seededRng } from '../../core/index.js';
import type { Table } from '../../data/index.js';
import type { Model } from '../../models/index.js';
import type { FeatureValue } from '../explanation.js';
import { checkFeatures, outputWidth, predict, predictedClass } from '../global/model-io.js';
import {
  buildSpace,
  candidatesTable,
  changedCount,
  displayValue,
  distance,
  drawValue,
  type FeatureSpace,
  noCounterfactual,
  type SpaceOptions,
} from './feature-space.js';

/** Options of {@link counterfactuals}. */
export interface CounterfactualSearchOptions extends SpaceOptions {
  /** Reference rows: the ranges, distance scales (MAD) and category levels come from them. */
  readonly data: Table;
  /** Number of counterfactuals. @default 4 */
  readonly k?: number;
  /** Wanted class (a name in `model.classes`). @default the other class (binary), the runner-up (multiclass) */
  readonly desiredClass?: string;
  /** Wanted interval of the predicted value (regression models; required there). */
  readonly desiredRange?: readonly [number, number];
  /** Decision threshold on P(positive) for binary models. @default 0.5 */
  readonly threshold?: number;
  /** @default 0 */
  readonly seed?: number;
  /** Candidates per generation. @default 64 */
  readonly populationSize?: number;
  /** Generations of the genetic search (the budget). @default 40 */
  readonly generations?: number;
  /** Weight of the proximity term (mean scaled distance per feature). @default 0.5 */
  readonly proximityWeight?: number;
  /** Weight of the sparsity term (share of features changed). @default 1 */
  readonly sparsityWeight?: number;
  /** Weight of the diversity term when picking the K. @default 1 */
  readonly diversityWeight?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: { label: string; done: number; total: number }) => void;
}

/** One feature a counterfactual changes. */
export interface FeatureChange {
  readonly feature: string;
  readonly from: FeatureValue;
  readonly to: FeatureValue;
}

/** One counterfactual. */
export interface Counterfactual {
  /** The full counterfactual row, by feature. */
  readonly values: Readonly<Record<string, FeatureValue>>;
  /** Only the features that differ from the query, in model feature order. */
  readonly changes: readonly FeatureChange[];
  /** P(desired class), or the predicted value (regression). */
  readonly prediction: number;
  /** True: the model gives it the desired outcome (re-checked on the final row). */
  readonly valid: boolean;
  /** Σ_numbers |Δ|/MAD + Σ_categories [changed] (lower is closer). */
  readonly proximity: number;
  /** Number of changed features. */
  readonly sparsity: number;
}

/** Result of {@link counterfactuals}. */
export interface CounterfactualSet {
  readonly kind: 'counterfactuals';
  readonly query: Readonly<Record<string, FeatureValue>>;
  /** The query's predicted class (or value for regression). */
  readonly originalOutcome: string;
  /** P(desired class), or the predicted value, for the query. */
  readonly originalPrediction: number;
  /** The desired class, or the interval as "[lo, hi]". */
  readonly desiredOutcome: string;
  readonly requested: number;
  readonly counterfactuals: readonly Counterfactual[];
  readonly metrics: {
    /** Share of returned counterfactuals that are valid (1 by construction). */
    readonly validity: number;
    readonly meanProximity: number;
    readonly meanSparsity: number;
    /** Mean pairwise distance between the counterfactuals (0 for fewer than 2). */
    readonly diversity: number;
    /** det(K) with K_ij = 1/(1 + dist_ij), DiCE's determinantal diversity (1 for one counterfactual). */
    readonly dppDiversity: number;
    /**
     * Distinct sets of changed features among the counterfactuals. Below K when the search found no
     * other set (e.g. when every valid change needs the same feature).
     */
    readonly featureSets: number;
  };
  /** Rows the model scored during the search. */
  readonly evaluations: number;
  readonly seed: number;
}

interface Outcome {
  readonly label: string;
  readonly original: string;
  /** Score of row i of the model output: p (the number reported), valid, hinge (distance to validity). */
  readonly score: (out: Float64Array, i: number) => { p: number; valid: boolean; hinge: number };
}

/** Internal: how the final K are picked. */
export type Selection = 'diverse' | 'sparsest';

/**
 * K diverse counterfactuals for one row: rows close to it, changing few features, that the model
 * puts in the desired class. Immutable features are never changed; numbers stay in `ranges` (default:
 * the data's min and max; integers stay integers when the data holds only integers) and categories
 * in `allowedValues` (default: the levels in the data).
 *
 * Loss of a candidate c for query x (DiCE's, with a hinge on the probability):
 *   10·[c invalid] + 10·hinge(c) + w_p · dist(c, x)/d + w_s · #changed(c)/d,
 *   dist = Σ_numbers |c_j − x_j| / MAD_j + Σ_categories [c_j ≠ x_j];
 * the first pick is the sparsest valid row, then the K are picked greedily maximising
 *   −loss(c) + w_div · (min_{s chosen} dist(c, s)/d + min_{s chosen} J(c, s)),
 * J the Jaccard distance between the sets of features c and s change (feature-set novelty). When
 * fewer than K sets are found, the search is re-run with each used feature frozen in turn, then
 * with a feature every row needs held below the value that flips the decision alone (so it must
 * combine with others); `metrics.featureSets` says how many distinct sets were returned.
 * Use it for tabular models with up to a few dozen features; the search calls the model in batches
 * of `populationSize` rows, about `generations` + 8·d times per search (up to 2K + 3 searches).
 *
 * @throws {AEQ_EXPLAIN_NO_COUNTERFACTUAL} when no valid counterfactual is found within the budget.
 * @throws {AEQ_INVALID_ARGUMENT} for a query that is not one row, a desired class the model does not
 *   have or already predicts, unknown feature names in the options, or bad numbers.
 * @throws {AEQ_MODEL_FEATURES} when the query or data lack model features.
 * @example
 * const cf = await counterfactuals(model, table.take(Uint32Array.of(7)), { data: table, k: 2, immutable: ['age'] });
 * cf.counterfactuals.map((c) => c.changes)
 * // [[{ feature: 'income', from: 21000, to: 34000 }], [{ feature: 'debt', from: 9000, to: 1200 }]]
 */
export async function counterfactuals(
  model: Model,
  query: Table,
  opts: CounterfactualSearchOptions,
): Promise<CounterfactualSet> {
  return searchCounterfactuals('counterfactuals', model, query, opts, 'diverse');
}

/** The shared search of {@link counterfactuals} and `smallestChange`. */
export async function searchCounterfactuals(
  fn: string,
  model: Model,
  query: Table,
  opts: CounterfactualSearchOptions,
  selection: Selection,
): Promise<CounterfactualSet> {
  if (query.nrows !== 1)
    throw new InvalidArgumentError(
      fn,
      'query',
      `${query.nrows} rows`,
      'a table of exactly one row (table.take([i]))',
    );
  checkFeatures(fn, model, query);
  checkFeatures(fn, model, opts.data);
  const k = positiveInt(fn, 'k', opts.k, selection === 'sparsest' ? 1 : 4);
  const P = positiveInt(fn, 'populationSize', opts.populationSize, 64);
  const G = positiveInt(fn, 'generations', opts.generations, 40);
  const wP = weight(fn, 'proximityWeight', opts.proximityWeight, 0.5);
  const wS = weight(fn, 'sparsityWeight', opts.sparsityWeight, 1);
  const wD = weight(fn, 'diversityWeight', opts.diversityWeight, 1);
  const seed = opts.seed ?? 0;
  const space = buildSpace(fn, model.features, query, opts.data, opts);
  const d = space.features.length;
  const x = space.query;
  let evaluations = 0;
  const evaluate = async (cand: Float64Array, n: number): Promise<Float64Array> => {
    evaluations += n;
    return predict(model, candidatesTable(space, cand, n), opts.signal);
  };
  const qOut = await evaluate(x, 1);
  const outcome = resolveOutcome(fn, model, opts, qOut);
  const q0 = outcome.score(qOut, 0);
  if (q0.valid)
    throw new InvalidArgumentError(
      fn,
      opts.desiredRange ? 'desiredRange' : 'desiredClass',
      outcome.label,
      `an outcome other than the query's own (${outcome.original})`,
      'Ask for another class, or explain why the row gets the outcome it has.',
    );

  const mutableAll = space.features.flatMap((f, j) =>
    f.mutable && (f.kind === 'number' ? f.hi > f.lo : f.allowed.some((c) => c !== x[j])) ? [j] : [],
  );
  if (mutableAll.length === 0) throw noCounterfactual(outcome.label, evaluations, 0);

  const lossOf = (cand: Float64Array, o: number, s: { valid: boolean; hinge: number }): number =>
    (s.valid ? 0 : 10 + 10 * s.hinge) +
    (wP * distance(space, cand, o, x, 0)) / d +
    (wS * changedCount(cand, o, x, d)) / d;
  const keyOf = (cand: Float64Array, o: number): string => Array.from(cand.subarray(o, o + d)).join(',');
  /** A valid row; `bound[j]`: for a changed number, the closest value towards x found invalid. */
  type Found = {
    c: Float64Array;
    p: number;
    loss: number;
    prox: number;
    sparse: number;
    bound: Float64Array;
  };

  /**
   * One genetic search over the mutable features not in `frozen`, in `sp` (the space, or one with some
   * ranges and levels narrowed), then refinement; the valid rows found.
   */
  const search = async (
    sp: FeatureSpace,
    frozen: ReadonlySet<number>,
    generations: number,
    label: string,
  ): Promise<Found[]> => {
    const mutable = mutableAll.filter(
      (j) =>
        !frozen.has(j) &&
        (sp.features[j]!.kind === 'number'
          ? sp.features[j]!.hi > sp.features[j]!.lo
          : sp.features[j]!.allowed.some((c) => c !== x[j])),
    );
    const M = mutable.length;
    if (M === 0) return [];
    const rng = seededRng(seed).fork(label);
    const archive = new Map<string, Float64Array>();
    let pop = new Float64Array(P * d);
    for (let i = 0; i < P; i++) {
      pop.set(x, i * d);
      const m = 1 + Math.floor(rng.nextFloat64() ** 2 * M);
      const order = shuffled(mutable, rng);
      for (let t = 0; t < Math.min(m, M); t++) {
        const j = order[t]!;
        pop[i * d + j] = drawValue(sp.features[j]!, x[j]!, rng);
      }
    }
    const fitness = new Float64Array(P);
    const scorePop = async (cands: Float64Array): Promise<void> => {
      const out = await evaluate(cands, P);
      for (let i = 0; i < P; i++) {
        const s = outcome.score(out, i);
        fitness[i] = lossOf(cands, i * d, s);
        if (s.valid) {
          const key = keyOf(cands, i * d);
          if (!archive.has(key)) archive.set(key, cands.slice(i * d, i * d + d));
        }
      }
    };
    await scorePop(pop);
    const elite = Math.max(1, Math.floor(P / 5));
    const pMutate = Math.max(1 / M, 0.1);
    for (let g = 0; g < generations; g++) {
      if (archive.size >= Math.max(20, 5 * k) && g >= 5) break;
      const order = Array.from({ length: P }, (_, i) => i).sort((a, b) => fitness[a]! - fitness[b]!);
      const next = new Float64Array(P * d);
      for (let e = 0; e < elite; e++) next.set(pop.subarray(order[e]! * d, order[e]! * d + d), e * d);
      for (let i = elite; i < P; i++) {
        const a = tournament(fitness, rng);
        const b = tournament(fitness, rng);
        for (let j = 0; j < d; j++)
          next[i * d + j] = (rng.nextFloat64() < 0.5 ? pop[a * d + j] : pop[b * d + j])!;
        for (const j of mutable) {
          const u = rng.nextFloat64();
          if (u < pMutate) next[i * d + j] = drawValue(sp.features[j]!, next[i * d + j]!, rng);
          else if (u < pMutate + 0.15) next[i * d + j] = x[j]!;
        }
      }
      pop = next;
      await scorePop(pop);
      opts.onProgress?.({ label: 'counterfactual search', done: g + 1, total: generations });
    }
    if (archive.size === 0) return [];

    // Refine a pool of the best by loss mixed with a greedy diverse pick: revert changes, then move
    // numbers back towards x; then re-check every refined row.
    const ranked = [...archive.values()].map((c) => ({ c, loss: lossOf(c, 0, { valid: true, hinge: 0 }) }));
    ranked.sort((a, b) => a.loss - b.loss);
    const pool = greedyDiverse(ranked, Math.max(10, 3 * k), space, x, wD + 1).map((r) => r.c);
    await sparsify(sp, pool, x, evaluate, outcome);
    const bounds = await pullBack(sp, pool, x, evaluate, outcome);
    const R = pool.length;
    const flat = new Float64Array(R * d);
    pool.forEach((c, i) => {
      flat.set(c, i * d);
    });
    const out = await evaluate(flat, R);
    const found: Found[] = [];
    for (let i = 0; i < R; i++) {
      const s = outcome.score(out, i);
      if (!s.valid) continue;
      found.push({
        c: pool[i]!,
        p: s.p,
        loss: lossOf(flat, i * d, s),
        prox: distance(space, flat, i * d, x, 0),
        sparse: changedCount(flat, i * d, x, d),
        bound: bounds[i]!,
      });
    }
    return found;
  };

  const final: Found[] = [];
  const seen = new Set<string>();
  const add = (found: readonly Found[]): number => {
    let added = 0;
    for (const f of found) {
      const key = keyOf(f.c, 0);
      if (seen.has(key)) continue;
      seen.add(key);
      final.push(f);
      added++;
    }
    return added;
  };
  add(await search(space, new Set(), G, 'counterfactuals'));
  if (final.length === 0) throw noCounterfactual(outcome.label, evaluations, mutableAll.length);
  // Refinement tends to pull every candidate onto the same cheapest change. While fewer than K
  // feature sets are found, search again so that the K differ in *what* they change (DiCE's point):
  // first with each feature used so far frozen in turn (then all of them together), which finds
  // other features that flip the decision on their own; then, for a feature every counterfactual
  // needs, with that feature held on the query's side of its smallest change found (numbers) or off
  // the levels used (categories), so that it must combine with other features.
  if (selection === 'diverse') await diversify();

  async function diversify(): Promise<void> {
    const tried = new Set<string>();
    const budget = 2 * k + 2;
    for (let round = 1; round <= budget; round++) {
      const sets = changeSets(final, x);
      const minimal = sets.filter((a) => !sets.some((b) => b !== a && isSubset(b, a)));
      if (minimal.length >= k) return;
      // Features in use, those of the sparsest counterfactual first.
      const used: number[] = [];
      for (const f of [...final].sort((a, b) => a.sparse - b.sparse || a.loss - b.loss))
        for (let j = 0; j < d; j++) if (f.c[j] !== x[j] && !used.includes(j)) used.push(j);
      const actions: { key: string; frozen: number[]; capped: number[] }[] = [
        ...used.map((j) => ({ key: `freeze:${j}`, frozen: [j], capped: [] })),
        ...(used.length > 1 ? [{ key: `freeze:${used.join('+')}`, frozen: used, capped: [] }] : []),
        ...(sets.length < k ? used.map((j) => ({ key: `cap:${j}`, frozen: [], capped: [j] })) : []),
      ];
      const next = actions.find((a) => !tried.has(a.key));
      if (next === undefined) return;
      tried.add(next.key);
      const sp = next.capped.length > 0 ? capped(next.capped) : space;
      add(await search(sp, new Set(next.frozen), Math.max(5, Math.ceil(G / 2)), `counterfactuals:${round}`));
    }
  }

  /**
   * The space with each feature in `js` kept on the query's side of the changes found: a number up to
   * the value the bisection found invalid when it changed alone (else just short of its closest valid
   * value), a category off the levels used.
   */
  function capped(js: readonly number[]): FeatureSpace {
    const features = space.features.map((f, j) => {
      if (!js.includes(j)) return f;
      const rows = final.filter((r) => r.c[j] !== x[j]);
      const vals = rows.map((r) => r.c[j]!);
      if (f.kind !== 'number') return { ...f, allowed: f.allowed.filter((c) => !vals.includes(c)) };
      const q = x[j]!;
      const step = f.integer ? 1 : f.scale * 1e-3;
      const alone = rows.filter((r) => r.sparse === 1).map((r) => r.bound[j]!);
      const up = [...vals.filter((v) => v > q).map((v) => v - step), ...alone.filter((b) => b > q)];
      const down = [...vals.filter((v) => v < q).map((v) => v + step), ...alone.filter((b) => b < q)];
      // Changes went both ways: keep the feature between the closest ones on either side.
      const hi = up.length > 0 ? Math.min(f.hi, ...up) : f.hi;
      const lo = down.length > 0 ? Math.max(f.lo, ...down) : f.lo;
      return { ...f, lo: Math.min(lo, hi), hi };
    });
    return { features, query: space.query };
  }

  let chosen: typeof final;
  if (selection === 'sparsest') {
    chosen = [...final].sort((a, b) => a.sparse - b.sparse || a.prox - b.prox).slice(0, k);
  } else {
    // The first pick is the sparsest valid counterfactual (then the lowest loss).
    chosen = greedyDiverse(
      [...final].sort((a, b) => a.sparse - b.sparse || a.loss - b.loss),
      k,
      space,
      x,
      wD,
    );
  }

  const n = chosen.length;
  let pair = 0;
  let pairs = 0;
  const K = new Float64Array(n * n);
  for (let a = 0; a < n; a++)
    for (let b = 0; b < n; b++) {
      const dist = distance(space, chosen[a]!.c, 0, chosen[b]!.c, 0);
      K[a * n + b] = 1 / (1 + dist);
      if (a < b) {
        pair += dist;
        pairs++;
      }
    }
  const rowValues = (c: Float64Array): Record<string, FeatureValue> =>
    Object.fromEntries(space.features.map((f, j) => [f.name, displayValue(f, c[j]!)]));
  const cfs: Counterfactual[] = chosen.map((f) => ({
    values: rowValues(f.c),
    changes: space.features.flatMap((sf, j) =>
      f.c[j] === x[j]
        ? []
        : [{ feature: sf.name, from: displayValue(sf, x[j]!), to: displayValue(sf, f.c[j]!) }],
    ),
    prediction: f.p,
    valid: true,
    proximity: f.prox,
    sparsity: f.sparse,
  }));
  return {
    kind: 'counterfactuals',
    query: rowValues(x),
    originalOutcome: outcome.original,
    originalPrediction: q0.p,
    desiredOutcome: outcome.label,
    requested: k,
    counterfactuals: cfs,
    metrics: {
      validity: 1,
      meanProximity: cfs.reduce((s, c) => s + c.proximity, 0) / n,
      meanSparsity: cfs.reduce((s, c) => s + c.sparsity, 0) / n,
      diversity: pairs > 0 ? pair / pairs : 0,
      dppDiversity: determinant(K, n),
      featureSets: changeSets(chosen, x).length,
    },
    evaluations,
    seed,
  };
}

type Evaluate = (cand: Float64Array, n: number) => Promise<Float64Array>;

/** Indices of the features a candidate changes from the query. */
function changeSet(c: Float64Array, x: Float64Array): number[] {
  const out: number[] = [];
  for (let j = 0; j < x.length; j++) if (c[j] !== x[j]) out.push(j);
  return out;
}

/** The distinct change sets of the candidates found so far. */
function changeSets(found: readonly { c: Float64Array }[], x: Float64Array): number[][] {
  const byKey = new Map<string, number[]>();
  for (const f of found) {
    const s = changeSet(f.c, x);
    byKey.set(s.join(','), s);
  }
  return [...byKey.values()];
}

function isSubset(a: readonly number[], b: readonly number[]): boolean {
  return a.every((j) => b.includes(j));
}

/**
 * Jaccard distance between the feature sets two candidates change: 0 for the same set, 1 for
 * disjoint sets (and for two unchanged rows, which never occur among counterfactuals).
 */
function setDistance(a: Float64Array, b: Float64Array, x: Float64Array): number {
  let both = 0;
  let either = 0;
  for (let j = 0; j < x.length; j++) {
    const ca = a[j] !== x[j];
    const cb = b[j] !== x[j];
    if (ca && cb) both++;
    if (ca || cb) either++;
  }
  return either === 0 ? 0 : 1 - both / either;
}

/**
 * Greedy pick of `size` items from `sorted`: the first, then repeatedly the item maximising
 *   −loss + w · (min_{s picked} dist(c, s) / d + min_{s picked} jaccard(changed(c), changed(s))),
 * the second term DiCE's diversity (MAD-scaled distance), the third the novelty of the feature set
 * changed, so that a change of other features beats a slightly cheaper variant of the same change.
 * Items at distance 0 from a picked one are skipped.
 */
function greedyDiverse<T extends { c: Float64Array; loss: number }>(
  sorted: readonly T[],
  size: number,
  space: FeatureSpace,
  x: Float64Array,
  w: number,
): T[] {
  if (sorted.length === 0) return [];
  const d = x.length;
  const first = sorted[0]!;
  const chosen: T[] = [first];
  const minD = sorted.map((s) => distance(space, s.c, 0, first.c, 0));
  const minN = sorted.map((s) => setDistance(s.c, first.c, x));
  while (chosen.length < size) {
    let best = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < sorted.length; i++) {
      if (minD[i]! === 0) continue;
      const score = -sorted[i]!.loss + w * (minD[i]! / d + minN[i]!);
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
    if (best < 0) break;
    const pick = sorted[best]!;
    chosen.push(pick);
    for (let i = 0; i < sorted.length; i++) {
      minD[i] = Math.min(minD[i]!, distance(space, sorted[i]!.c, 0, pick.c, 0));
      minN[i] = Math.min(minN[i]!, setDistance(sorted[i]!.c, pick.c, x));
    }
  }
  return chosen;
}

/** Greedy sparsification: per candidate, try reverting each change (largest scaled change first), batched across candidates. */
async function sparsify(
  space: FeatureSpace,
  pool: Float64Array[],
  x: Float64Array,
  evaluate: Evaluate,
  outcome: Outcome,
): Promise<void> {
  const d = space.features.length;
  const plans = pool.map((c) => {
    const idx: number[] = [];
    for (let j = 0; j < d; j++) if (c[j] !== x[j]) idx.push(j);
    const cost = (j: number): number => {
      const f = space.features[j]!;
      return f.kind === 'number' ? Math.abs(c[j]! - x[j]!) / f.scale : 1;
    };
    return idx.sort((a, b) => cost(b) - cost(a));
  });
  const rounds = Math.max(0, ...plans.map((p) => p.length));
  for (let t = 0; t < rounds; t++) {
    const who = plans.flatMap((p, i) => (t < p.length ? [i] : []));
    if (who.length === 0) break;
    const flat = new Float64Array(who.length * d);
    who.forEach((i, r) => {
      flat.set(pool[i]!, r * d);
      const j = plans[i]![t]!;
      flat[r * d + j] = x[j]!;
    });
    const out = await evaluate(flat, who.length);
    who.forEach((i, r) => {
      if (outcome.score(out, r).valid) pool[i] = flat.slice(r * d, r * d + d);
    });
  }
}

/**
 * Bisection of each changed number towards the query value while the outcome stays valid. Returns
 * per pool row the bounds: for each changed number the closest value towards the query found
 * invalid (the query's value when none was tried), else the query's value.
 */
async function pullBack(
  space: FeatureSpace,
  pool: Float64Array[],
  x: Float64Array,
  evaluate: Evaluate,
  outcome: Outcome,
): Promise<Float64Array[]> {
  const d = space.features.length;
  const bounds = pool.map(() => Float64Array.from(x));
  const steps = 6;
  for (let j = 0; j < d; j++) {
    const f = space.features[j]!;
    if (f.kind !== 'number') continue;
    const lo = new Float64Array(pool.length).fill(x[j]!); // the invalid side
    for (let s = 0; s < steps; s++) {
      const who: number[] = [];
      const mids: number[] = [];
      pool.forEach((c, i) => {
        if (c[j] === x[j]) return;
        let mid = (c[j]! + lo[i]!) / 2;
        if (f.integer) mid = Math.round(mid);
        mid = Math.min(f.hi, Math.max(f.lo, mid)); // the query itself may lie outside the range
        if (mid === c[j] || mid === lo[i]) return;
        who.push(i);
        mids.push(mid);
      });
      if (who.length === 0) break;
      const flat = new Float64Array(who.length * d);
      who.forEach((i, r) => {
        flat.set(pool[i]!, r * d);
        flat[r * d + j] = mids[r]!;
      });
      const out = await evaluate(flat, who.length);
      who.forEach((i, r) => {
        if (outcome.score(out, r).valid) pool[i] = flat.slice(r * d, r * d + d);
        else lo[i] = mids[r]!;
      });
    }
    lo.forEach((v, i) => {
      bounds[i]![j] = v;
    });
  }
  return bounds;
}

function resolveOutcome(
  fn: string,
  model: Model,
  opts: CounterfactualSearchOptions,
  q: Float64Array,
): Outcome {
  if (model.task === 'regression') {
    const r = opts.desiredRange;
    if (r === undefined || !(r[0] <= r[1]))
      throw new InvalidArgumentError(
        fn,
        'desiredRange',
        r ? [...r] : r,
        '[lo, hi] with lo ≤ hi for a regression model',
      );
    const [lo, hi] = r;
    return {
      label: `[${lo}, ${hi}]`,
      original: String(q[0]),
      score: (out, i) => {
        const v = out[i]!;
        return { p: v, valid: v >= lo && v <= hi, hinge: v < lo ? lo - v : v > hi ? v - hi : 0 };
      },
    };
  }
  const classes = model.classes;
  const threshold = opts.threshold ?? 0.5;
  if (!(threshold > 0 && threshold < 1))
    throw new InvalidArgumentError(fn, 'threshold', opts.threshold, 'a number in (0, 1)');
  const current = predictedClass(model, q, threshold)[0]!;
  const k = outputWidth(model);
  let desired: number;
  if (opts.desiredClass !== undefined) {
    desired = classes.indexOf(opts.desiredClass);
    if (desired < 0)
      throw new InvalidArgumentError(
        fn,
        'desiredClass',
        opts.desiredClass,
        `one of the model's classes (${listSome(classes)})`,
      );
  } else if (model.task === 'binary') desired = 1 - current;
  else {
    desired = current === 0 ? 1 : 0;
    for (let c = 0; c < k; c++) if (c !== current && q[c]! > q[desired]!) desired = c;
  }
  if (model.task === 'binary') {
    const pos = desired === 1;
    return {
      label: classes[desired]!,
      original: classes[current]!,
      score: (out, i) => {
        const p = out[i]!;
        return pos
          ? { p, valid: p >= threshold, hinge: Math.max(0, threshold - p) }
          : { p: 1 - p, valid: p < threshold, hinge: Math.max(0, p - threshold) };
      },
    };
  }
  return {
    label: classes[desired]!,
    original: classes[current]!,
    score: (out, i) => {
      let best = 0;
      let other = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) {
        if (out[i * k + c]! > out[i * k + best]!) best = c;
        if (c !== desired) other = Math.max(other, out[i * k + c]!);
      }
      const p = out[i * k + desired]!;
      return { p, valid: best === desired, hinge: Math.max(0, other - p) };
    },
  };
}

function positiveInt(fn: string, name: string, v: number | undefined, dflt: number): number {
  const x = v ?? dflt;
  if (!Number.isInteger(x) || x < 1) throw new InvalidArgumentError(fn, name, v, 'an integer ≥ 1');
  return x;
}

function weight(fn: string, name: string, v: number | undefined, dflt: number): number {
  const x = v ?? dflt;
  if (!(x >= 0) || !Number.isFinite(x)) throw new InvalidArgumentError(fn, name, v, 'a finite number ≥ 0');
  return x;
}

function shuffled(items: readonly number[], rng: Rng): number[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng.nextFloat64() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}

function tournament(fitness: Float64Array, rng: Rng): number {
  const a = Math.floor(rng.nextFloat64() * fitness.length);
  const b = Math.floor(rng.nextFloat64() * fitness.length);
  return fitness[a]! <= fitness[b]! ? a : b;
}

/** Determinant of an n × n matrix by Gaussian elimination with partial pivoting (n is small). */
function determinant(m: Float64Array, n: number): number {
  const a = Float64Array.from(m);
  let det = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]!) > Math.abs(a[p * n + c]!)) p = r;
    if (a[p * n + c] === 0) return 0;
    if (p !== c) {
      for (let t = 0; t < n; t++) {
        const tmp = a[c * n + t]!;
        a[c * n + t] = a[p * n + t]!;
        a[p * n + t] = tmp;
      }
      det = -det;
    }
    const piv = a[c * n + c]!;
    det *= piv;
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c]! / piv;
      for (let t = c; t < n; t++) a[r * n + t] = a[r * n + t]! - f * a[c * n + t]!;
    }
  }
  return det;
}
