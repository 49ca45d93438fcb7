/**
 * @module report/pareto
 * The accuracy–disparity trade-off of mitigation runs: which points are Pareto-optimal (no other
 * point is at least as accurate and at least as fair, and strictly better in one), and the "knee",
 * the front point nearest the ideal corner once both axes are scaled to the candidates' range
 * (the compromise-programming choice of Zeleny 1973; see Deb, "Multi-Objective Optimization Using
 * Evolutionary Algorithms", 2001, ch. 2).
 */

/** One point: higher accuracy is better, lower disparity (absolute value) is better. */
export interface TradeoffPoint {
  readonly accuracy: number | null;
  readonly disparity: number | null;
}

const usable = (p: TradeoffPoint): p is { accuracy: number; disparity: number } =>
  typeof p.accuracy === 'number' &&
  typeof p.disparity === 'number' &&
  Number.isFinite(p.accuracy) &&
  Number.isFinite(p.disparity);

/**
 * Indices of the Pareto-optimal points, in input order. Disparity is compared by absolute value;
 * points with a null or non-finite coordinate are never on the front; equal points are all kept.
 * @example
 * paretoFront([{ accuracy: 0.85, disparity: 0.18 }, { accuracy: 0.83, disparity: 0.01 }, { accuracy: 0.8, disparity: 0.05 }])
 * // [0, 1]  (the third is beaten by the second on both axes)
 */
export function paretoFront(points: readonly TradeoffPoint[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (!usable(p)) continue;
    const dp = Math.abs(p.disparity);
    let dominated = false;
    for (let j = 0; j < points.length && !dominated; j++) {
      const q = points[j]!;
      if (j === i || !usable(q)) continue;
      const dq = Math.abs(q.disparity);
      dominated = q.accuracy >= p.accuracy && dq <= dp && (q.accuracy > p.accuracy || dq < dp);
    }
    if (!dominated) out.push(i);
  }
  return out;
}

/**
 * The knee among `candidates` (indices into `points`): the Pareto-optimal candidate closest, in
 * Euclidean distance, to the ideal corner (best accuracy, lowest |disparity| among the candidates)
 * after scaling each axis to [0, 1] over the candidates. Ties go to the earlier index; an axis with
 * no spread counts as 0. Returns null when no candidate has both coordinates.
 * @example
 * paretoKnee([{ accuracy: 0.85, disparity: 0.18 }, { accuracy: 0.84, disparity: 0.02 }, { accuracy: 0.80, disparity: 0.0 }], [0, 1, 2])
 * // 1  (scaled distances to the corner: 0 → 1, 1 → 0.23, 2 → 1)
 */
export function paretoKnee(points: readonly TradeoffPoint[], candidates: readonly number[]): number | null {
  const sub = candidates.filter((i) => points[i] !== undefined && usable(points[i]!));
  if (sub.length === 0) return null;
  const front = new Set(paretoFront(sub.map((i) => points[i]!)).map((k) => sub[k]!));
  let aMin = Number.POSITIVE_INFINITY;
  let aMax = Number.NEGATIVE_INFINITY;
  let dMin = Number.POSITIVE_INFINITY;
  let dMax = Number.NEGATIVE_INFINITY;
  for (const i of sub) {
    const p = points[i] as { accuracy: number; disparity: number };
    const d = Math.abs(p.disparity);
    aMin = Math.min(aMin, p.accuracy);
    aMax = Math.max(aMax, p.accuracy);
    dMin = Math.min(dMin, d);
    dMax = Math.max(dMax, d);
  }
  let best: number | null = null;
  let bestDist = Number.POSITIVE_INFINITY;
  for (const i of sub) {
    if (!front.has(i)) continue;
    const p = points[i] as { accuracy: number; disparity: number };
    const da = aMax > aMin ? (aMax - p.accuracy) / (aMax - aMin) : 0;
    const dd = dMax > dMin ? (Math.abs(p.disparity) - dMin) / (dMax - dMin) : 0;
    const dist = Math.hypot(da, dd);
    if (dist < bestDist) {
      bestDist = dist;
      best = i;
    }
  }
  return best;
}
