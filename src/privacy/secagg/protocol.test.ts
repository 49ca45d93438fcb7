import { describe, expect, it } from 'vitest';
import { isAequaError } from '../../core/index.js';
import { SecAggAggregator, SecAggParty } from './protocol.js';

/** Runs the four rounds in process; parties in `dropAfterShare` vanish after round 1. */
function run(inputs: number[][], threshold: number, dropAfterShare: number[] = []) {
  const config = { parties: inputs.length, threshold, length: inputs[0]!.length };
  const parties = inputs.map((x, i) => new SecAggParty(i + 1, x, config));
  const agg = new SecAggAggregator(config);
  for (const p of parties) agg.advertise(p.advertise());
  const roster = agg.closeAdvertise();
  for (const p of parties) agg.shareKeys(p.shareKeys(roster));
  const alive = parties.filter((p) => !dropAfterShare.includes(p.id));
  for (const p of alive) agg.maskedInput(p.maskedInput(agg.inboxOf(p.id)));
  const req = agg.closeMasked();
  for (const p of alive) agg.unmask(p.unmask(req));
  return agg.finish();
}

describe('secure aggregation in process', () => {
  it('sums every party’s vector when nobody drops out', () => {
    const r = run(
      [
        [1.5, -2, 0],
        [0.25, 3, 1e-6],
        [-1, 4.5, 7],
      ],
      2,
    );
    // Sums by hand: 0.75, 5.5, 7.000001; the encoding rounds to 2^-24 ≈ 6e-8 per value.
    expect(r.sum[0]).toBe(0.75);
    expect(r.sum[1]).toBe(5.5);
    expect(r.sum[2]).toBeCloseTo(7.000001, 6);
    expect(r.dropped).toEqual([]);
  });

  it('removes the masks of a party that dropped after sharing its keys, summing the survivors', () => {
    const r = run(
      [
        [1, 2],
        [10, 20],
        [100, 200],
        [1000, 2000],
      ],
      3,
      [2],
    );
    expect(Array.from(r.sum)).toEqual([1101, 2202]);
    expect(r.survivors).toEqual([1, 3, 4]);
    expect(r.dropped).toEqual([2]);
  });

  it('shows the aggregator a masked vector that is not the input', () => {
    const config = { parties: 2, threshold: 2, length: 3 };
    const a = new SecAggParty(1, [0, 0, 0], config);
    const b = new SecAggParty(2, [0, 0, 0], config);
    const agg = new SecAggAggregator(config);
    agg.advertise(a.advertise());
    agg.advertise(b.advertise());
    const roster = agg.closeAdvertise();
    agg.shareKeys(a.shareKeys(roster));
    agg.shareKeys(b.shareKeys(roster));
    const m = a.maskedInput(agg.inboxOf(1));
    // An all-zero input encodes to 0; a uniform mask is 0 with probability 2^-61 per element.
    expect(m.masked.every((s) => s !== '0')).toBe(true);
  });

  it('refuses a vector of the wrong length with the party and both lengths named', () => {
    const config = { parties: 3, threshold: 2, length: 4 };
    try {
      new SecAggParty(2, [1, 2, 3], config);
      expect.unreachable();
    } catch (e) {
      expect(isAequaError(e) && e.code).toBe('AEQ_SECAGG_PROTOCOL');
      expect((e as Error).message).toMatch(/Party 2 has a vector of length 3; the aggregation expects 4/);
    }
    const agg = new SecAggAggregator(config);
    agg.advertise({ id: 1, channelKey: 'a', maskKey: 'b' });
    agg.shareKeys({ id: 1, shares: {} });
    expect(() => agg.maskedInput({ id: 1, masked: ['1', '2'] })).toThrow(
      /Party 1 sent a vector of length 2; every party must send 4 values/,
    );
  });

  it('refuses to unmask with fewer survivors than the threshold', () => {
    expect(() => run([[1], [2], [3]], 3, [1])).toThrow(
      /Only 2 parties sent their masked vectors; the threshold is 3/,
    );
  });

  it('refuses a threshold at or below half the parties', () => {
    expect(() => new SecAggAggregator({ parties: 4, threshold: 2, length: 1 })).toThrow(
      /threshold must be an integer in \(4\/2, 4\]/,
    );
  });
});

describe('federated uses', () => {
  it('averages model updates weighted by rows, as plain FedAvg would', async () => {
    const { fedAvgInput, fedAvgResult } = await import('./federated.js');
    const thetas = [Float64Array.of(1, -2), Float64Array.of(3, 0), Float64Array.of(0.5, 4)];
    const rows = [100, 300, 100];
    const r = run(
      thetas.map((t, i) => Array.from(fedAvgInput(t, rows[i]!))),
      2,
    );
    // (100·1 + 300·3 + 100·0.5)/500 = 2.1; (−200 + 0 + 400)/500 = 0.4.
    const avg = fedAvgResult(r.sum);
    expect(avg[0]).toBeCloseTo(2.1, 12);
    expect(avg[1]).toBeCloseTo(0.4, 12);
  });

  it('pools per-group confusion counts for a federated audit without a party showing its own', async () => {
    const { confusionInput, confusionResult } = await import('./federated.js');
    const groups = ['F', 'M'];
    const c = (tp: number, fp: number, tn: number, fn: number) => ({
      tp,
      fp,
      tn,
      fn,
      ntp: tp,
      nfp: fp,
      ntn: tn,
      nfn: fn,
    });
    const parties = [{ F: c(1, 2, 3, 4) }, { F: c(10, 0, 5, 1), M: c(2, 2, 2, 2) }, { M: c(0, 1, 0, 1) }];
    const r = run(
      parties.map((p) => Array.from(confusionInput(groups, p))),
      2,
    );
    const pooled = confusionResult(groups, r.sum);
    expect(pooled.F).toEqual(c(11, 2, 8, 5));
    expect(pooled.M).toEqual(c(2, 3, 2, 3));
  });
});
