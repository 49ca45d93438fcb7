import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.js';
import { runMitigate } from '../../src/cli/commands/mitigate.js';
import type { CliIo } from '../../src/cli/io.js';
import { loadTable } from '../../src/data/io/index.js';
import { expectedOutcomes } from '../../src/mitigation/index.js';
import { loadModelJSON } from '../../src/models/index.js';

const DATA = resolve(import.meta.dirname, '../../examples/data');

function capture(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    isTTY: false,
    columns: 120,
    env: {},
  };
}

describe('aequa mitigate on Adult by sex', () => {
  it('narrows the demographic parity gap of logistic regression with EG and the threshold optimizer', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aequa-mitigate-'));
    try {
      const io = capture();
      const code = await runMitigate(
        [
          join(DATA, 'adult-train.csv'),
          '--test',
          join(DATA, 'adult-test.csv'),
          '--label',
          'income',
          '--positive',
          '>50K',
          '--sensitive',
          'sex',
          '--method',
          'exponentiated-gradient,threshold-optimizer',
          '--constraint',
          'demographic-parity',
          '--eps',
          '0.01',
          '--format',
          'json',
          '--out',
          dir,
        ],
        io,
      );
      expect(code).toBe(0);
      const r = JSON.parse(io.out.join(''));
      const byMethod = Object.fromEntries(
        r.runs.map((x: { method: string; test: Record<string, number> }) => [x.method, x.test]),
      );
      // Baseline: the unmitigated model is clearly unfair by sex (men are selected far more often).
      expect(byMethod.baseline.demographicParityDifference).toBeGreaterThan(0.15);
      // EG with eps 0.01 bounds each group's gap to the overall rate by 0.01 on training data, so the
      // max − min gap is ≤ 0.02 there; on 16k test rows allow 0.03 of sampling slack (group sd ≈ 0.004).
      expect(r.after.demographicParityDifference).toBeLessThan(0.05);
      expect(byMethod['threshold-optimizer'].demographicParityDifference).toBeLessThan(0.03);
      // Fairness costs some accuracy, but not much on Adult (baseline ≈ 0.85).
      expect(r.after.accuracy).toBeGreaterThan(0.8);
      expect(byMethod['threshold-optimizer'].accuracy).toBeGreaterThan(0.8);
      expect(r.method).toBe('exponentiated-gradient');
      expect(r.before.accuracy).toBe(byMethod.baseline.accuracy);
      // The chosen (EG) model was saved and predicts the same probabilities after loading.
      const model = loadModelJSON(await readFile(join(dir, 'model.json'), 'utf8'));
      expect(model.kind).toBe('randomized');
      const test = await loadTable(join(DATA, 'adult-test.csv'));
      const p = await model.predictProba(test.take(Uint32Array.of(0, 1, 2)));
      expect(p.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(await readFile(join(dir, 'report.md'), 'utf8')).toContain('| exponentiated-gradient | 0.01 |');
      // Re-audit the saved randomized model on the whole test file with audit() on expected outcomes.
      const full = expectedOutcomes(test, await model.predictProba(test));
      const again = await audit({
        data: full,
        label: 'income',
        prediction: 'prediction',
        weight: 'weight',
        positive: ['>50K'],
        sensitive: ['sex'],
      });
      // Same counts, summed in another order: 1e-9.
      expect(again.overall.accuracy).toBeCloseTo(r.after.accuracy, 9);
      expect(again.byFeature.sex!.disparities.demographicParityDifference!.value).toBeCloseTo(
        r.after.demographicParityDifference,
        9,
      );
      // The baseline (deterministic) is scored at the 0.5 threshold: logistic regression reaches ≈ 0.85.
      expect(r.before.accuracy).toBeGreaterThan(0.84);
      const html = await readFile(join(dir, 'report.html'), 'utf8');
      expect(html).toContain('<svg role="img"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('exits with a usage error for eps ≤ 0', async () => {
    await expect(
      runMitigate(
        [
          join(DATA, 'adult-train.csv'),
          '--test',
          join(DATA, 'adult-test.csv'),
          '--label',
          'income',
          '--sensitive',
          'sex',
          '--method',
          'exponentiated-gradient',
          '--eps',
          '0',
        ],
        capture(),
      ),
    ).rejects.toMatchObject({ code: 'AEQ_CLI_USAGE' });
  });
});
