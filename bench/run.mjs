// Benchmarks (npm run bench): medians of repeated runs, with ratios against a baseline measured in
// the same process. Baselines:
// - group metrics: one plain pass that only sums the label column (the floor any kernel must pay);
// - DuckDB pushdown: the in-memory kernel on the same rows;
// - bootstrap: the same 1,000 resamples on a cube of 1M rows (cost must not grow with rows).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createTable, seededRng } from '../dist/index.js';
import { bootstrapCube, memoryCube, sqlCube } from '../dist/metrics/index.js';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const REPS = quick ? 3 : 7;
const SIZES = quick ? [1_000_000] : [1_000_000, 10_000_000];
const GROUPS = 8;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function time(fn, reps = REPS) {
  const t = [];
  for (let i = 0; i < reps; i++) {
    globalThis.gc?.();
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

function makeTable(n, seed = 1) {
  const rng = seededRng(seed);
  const y = new Float64Array(n);
  const score = new Float64Array(n);
  const pred = new Float64Array(n);
  const g = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const grp = rng.nextUint32() % GROUPS;
    g[i] = grp;
    const p = 0.2 + 0.05 * grp;
    y[i] = rng.nextFloat64() < p ? 1 : 0;
    score[i] = Math.min(1, Math.max(0, 0.5 * y[i] + 0.5 * rng.nextFloat64()));
    pred[i] = score[i] >= 0.5 ? 1 : 0;
  }
  const levels = Array.from({ length: GROUPS }, (_, k) => `g${k}`);
  return createTable({
    y: { kind: 'number', values: y, valid: null },
    score: { kind: 'number', values: score, valid: null },
    p: { kind: 'number', values: pred, valid: null },
    group: { kind: 'category', codes: g, levels, valid: null },
  });
}

const rows = [];
const spec = { task: 'binary', label: 'y', score: 'score', threshold: 0.5, positive: ['1'], dims: ['group'] };
const predSpec = { task: 'binary', label: 'y', prediction: 'p', positive: ['1'], dims: ['group'] };

for (const n of SIZES) {
  const table = makeTable(n);
  const y = table.column('y').values;
  const floor = await time(() => {
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i];
    return s;
  });
  const confusionOnly = await time(() => memoryCube(table, predSpec));
  const thresholded = await time(() => memoryCube(table, spec));
  rows.push({
    bench: `one pass over the label column`,
    rows: n,
    'median ms': floor.toFixed(1),
    ratio: '1.00 (baseline)',
  });
  rows.push({
    bench: `group confusion (prediction column), ${GROUPS} groups`,
    rows: n,
    'median ms': confusionOnly.toFixed(1),
    ratio: (confusionOnly / floor).toFixed(2),
  });
  rows.push({
    bench: `group stats + score histograms (score ≥ t)`,
    rows: n,
    'median ms': thresholded.toFixed(1),
    ratio: (thresholded / floor).toFixed(2),
  });
}

// DuckDB pushdown from a Parquet file vs the in-memory kernel on the same rows.
{
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const { openSource } = await import('../dist/data/io/index.js');
  const dir = join(import.meta.dirname, '.data');
  mkdirSync(dir, { recursive: true });
  for (const n of SIZES) {
    const file = join(dir, `bench-${n}.parquet`);
    if (!existsSync(file)) {
      const inst = await DuckDBInstance.create(':memory:');
      const c = await inst.connect();
      await c.run(`COPY (SELECT (hash(i) % ${GROUPS})::INTEGER AS grp, 'g' || grp AS "group",
        CASE WHEN (hash(i * 7) % 1000) / 1000.0 < 0.2 + 0.05 * grp THEN 1 ELSE 0 END AS y,
        (hash(i * 13) % 1000) / 1000.0 AS score FROM range(${n}) t(i)) TO '${file}' (FORMAT parquet)`);
      c.closeSync?.();
    }
    const src = await openSource(file);
    const pushdown = await time(() => sqlCube(src, spec), 3);
    const table = await src.toTable(['y', 'score', 'group']);
    await src.close();
    const mem = await time(() => memoryCube(table, spec), 3);
    rows.push({
      bench: 'DuckDB GROUP BY pushdown from Parquet (scores)',
      rows: n,
      'median ms': pushdown.toFixed(1),
      ratio: `${(pushdown / mem).toFixed(2)} × in-memory`,
    });
  }
}

// Bootstrap over sufficient statistics: cost independent of the row count.
{
  const base = memoryCube(makeTable(1_000_000), predSpec);
  const stat = (c) => {
    const out = new Float64Array(GROUPS);
    c.cells.forEach((cell, i) => {
      const k = cell.confusion;
      out[i] = (k.tp + k.fp) / (k.tp + k.fp + k.tn + k.fn);
    });
    return out;
  };
  const b1 = await time(() => bootstrapCube(base, stat, { resamples: 1000, rng: seededRng(1) }), 3);
  rows.push({
    bench: 'bootstrap 1,000 resamples (selection rate per group)',
    rows: 1_000_000,
    'median ms': b1.toFixed(1),
    ratio: '1.00 (baseline)',
  });
  for (const n of SIZES.filter((s) => s !== 1_000_000).concat(quick ? [] : [100_000])) {
    const c = memoryCube(makeTable(n, 2), predSpec);
    const b = await time(() => bootstrapCube(c, stat, { resamples: 1000, rng: seededRng(1) }), 3);
    rows.push({
      bench: 'bootstrap 1,000 resamples (selection rate per group)',
      rows: n,
      'median ms': b.toFixed(1),
      ratio: (b / b1).toFixed(2),
    });
  }
}

console.table(rows);
