import { describe, expect, it } from 'vitest';
import { type EpochRecord, trainLoop } from './train-loop.js';

/** A loop whose train and dev losses follow fixed sequences. */
const fixed = (train: number[], dev: number[]) => ({
  step: (e: number) => train[e - 1]!,
  evaluate: (e: number) => ({ loss: dev[e - 1]!, accuracy: 1 - dev[e - 1]!, f1: 0.5 }),
});

describe('trainLoop', () => {
  it('records every epoch with train loss and dev figures', async () => {
    const r = await trainLoop({ epochs: 3, ...fixed([0.9, 0.7, 0.6], [0.8, 0.75, 0.7]) });
    expect(r.history).toEqual([
      { epoch: 1, trainLoss: 0.9, devLoss: 0.8, devAccuracy: 1 - 0.8, devF1: 0.5 },
      { epoch: 2, trainLoss: 0.7, devLoss: 0.75, devAccuracy: 1 - 0.75, devF1: 0.5 },
      { epoch: 3, trainLoss: 0.6, devLoss: 0.7, devAccuracy: 1 - 0.7, devF1: 0.5 },
    ]);
    expect(r.bestEpoch).toBe(3);
    expect(r.stoppedBy).toBe('epochs');
  });

  it('stops after `patience` epochs without improvement and names the best epoch', async () => {
    // Best dev loss at epoch 3 (0.4); epochs 4 and 5 do not improve → stop after 5 with patience 2.
    const best: number[] = [];
    const r = await trainLoop({
      epochs: 10,
      patience: 2,
      ...fixed([1, 1, 1, 1, 1, 1], [0.9, 0.5, 0.4, 0.45, 0.41, 0.3]),
      onBest: (rec) => best.push(rec.epoch),
    });
    expect(r.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(r.bestEpoch).toBe(3);
    expect(r.stoppedBy).toBe('patience');
    expect(best).toEqual([1, 2, 3]);
  });

  it('counts an improvement only when it beats the best by more than minDelta', async () => {
    // 0.5 → 0.495 is an improvement of 0.005 < 0.01: not counted, so patience 1 stops at epoch 2.
    const r = await trainLoop({
      epochs: 5,
      patience: 1,
      minDelta: 0.01,
      ...fixed([1, 1, 1], [0.5, 0.495, 0.2]),
    });
    expect(r.history.length).toBe(2);
    expect(r.bestEpoch).toBe(1);
  });

  it('stops when onEpoch returns false', async () => {
    const seen: EpochRecord[] = [];
    const r = await trainLoop({
      epochs: 10,
      ...fixed(Array(10).fill(1), Array(10).fill(1)),
      onEpoch: (rec) => {
        seen.push(rec);
        return rec.epoch < 4;
      },
    });
    expect(seen.length).toBe(4);
    expect(r.stoppedBy).toBe('callback');
  });

  it('without evaluate has null dev figures, no early stopping, and the last epoch as best', async () => {
    const r = await trainLoop({ epochs: 3, patience: 1, step: (e) => 1 / e });
    expect(r.history[2]).toEqual({
      epoch: 3,
      trainLoss: 1 / 3,
      devLoss: null,
      devAccuracy: null,
      devF1: null,
    });
    expect(r.bestEpoch).toBe(3);
  });

  it('throws the abort reason when the signal aborts between epochs', async () => {
    expect.assertions(2);
    const ac = new AbortController();
    let ran = 0;
    try {
      await trainLoop({
        epochs: 100,
        step: () => {
          ran++;
          if (ran === 2) ac.abort(new Error('stop please'));
          return 1;
        },
        signal: ac.signal,
      });
    } catch (e) {
      expect((e as Error).message).toBe('stop please');
      expect(ran).toBe(2);
    }
  });

  it('rejects a non-finite training loss with a hint to lower the learning rate', async () => {
    expect.assertions(1);
    await expect(trainLoop({ epochs: 2, step: () => Number.NaN })).rejects.toThrow(/finite training loss/);
  });

  it('rejects zero epochs', async () => {
    expect.assertions(1);
    await expect(trainLoop({ epochs: 0, step: () => 1 })).rejects.toThrow(/epochs.*integer ≥ 1/);
  });
});
