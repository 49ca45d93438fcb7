/**
 * The default positive-value rule and the 0/1 coding. Expected values are read off the inputs;
 * the property checks toBinary against a direct per-cell membership test.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AequaError, withWarnings } from '../core/index.js';
import { booleanColumn, type Column, categoryColumn, numberColumn } from './column.js';
import { resolvePositive, toBinary } from './labels.js';

const opts = { name: 'y', role: 'label' } as const;

function code(fn: () => unknown): AequaError {
  try {
    fn();
  } catch (e) {
    return e as AequaError;
  }
  throw new Error('expected an error');
}

describe('resolvePositive without explicit values', () => {
  it.each([
    [['no', 'yes'], 'yes', 'no'],
    [['N', 'Y'], 'Y', 'N'],
    [['neg', 'POS'], 'POS', 'neg'],
    [['False', 'True'], 'True', 'False'],
  ])('picks the recognised word among %j', (values, pos, neg) => {
    expect(resolvePositive(categoryColumn(values), opts)).toEqual({ positive: [pos], negative: [neg] });
  });

  it('picks 1 in a 0/1 number column and "true" in a boolean column', () => {
    expect(resolvePositive(numberColumn([0, 1, 1, null]), opts)).toEqual({
      positive: ['1'],
      negative: ['0'],
    });
    expect(resolvePositive(booleanColumn([false, true]), opts)).toEqual({
      positive: ['true'],
      negative: ['false'],
    });
  });

  it('picks the value above 0 when the other is at most 0', () => {
    expect(resolvePositive(numberColumn([-1, 2]), opts)).toEqual({ positive: ['2'], negative: ['-1'] });
    expect(resolvePositive(numberColumn([0, 4, 0]), opts)).toEqual({ positive: ['4'], negative: ['0'] });
  });

  it('throws AEQ_DATA_AMBIGUOUS_POSITIVE for two unrecognised values, listing them', () => {
    const e = code(() =>
      resolvePositive(categoryColumn(['>50K', '<=50K']), { name: 'income', role: 'label' }),
    );
    expect(e.code).toBe('AEQ_DATA_AMBIGUOUS_POSITIVE');
    expect(e.message).toMatchInlineSnapshot(
      `"Cannot tell which value of the label column "income" is positive: it holds "<=50K", ">50K"; pass --positive VALUE to name the positive (favourable) value."`,
    );
    expect(code(() => resolvePositive(numberColumn([2, 3]), opts)).code).toBe('AEQ_DATA_AMBIGUOUS_POSITIVE');
  });

  it('throws AEQ_DATA_NOT_BINARY for three values', () => {
    const e = code(() => resolvePositive(categoryColumn(['a', 'b', 'c']), opts));
    expect(e.code).toBe('AEQ_DATA_NOT_BINARY');
    expect(e.message).toContain('a, b, c');
    expect(e.message).toContain('--positive VALUE');
  });

  it('handles a single value by its word and an all-missing column as empty', () => {
    expect(resolvePositive(numberColumn([0, 0]), opts)).toEqual({ positive: [], negative: ['0'] });
    expect(resolvePositive(categoryColumn(['yes']), opts)).toEqual({ positive: ['yes'], negative: [] });
    expect(code(() => resolvePositive(categoryColumn([null, null]), opts)).code).toBe('AEQ_DATA_EMPTY');
  });
});

describe('resolvePositive with explicit values', () => {
  it('makes the given values positive and every other value negative, warning about extra values', async () => {
    const { result, warnings } = await withWarnings(() =>
      resolvePositive(categoryColumn(['a', 'b', 'c']), { ...opts, positive: ['b'] }),
    );
    expect(result).toEqual({ positive: ['b'], negative: ['a', 'c'] });
    expect(warnings.map((w) => w.code)).toEqual(['AEQ_W_LABEL_VALUES']);
  });

  it("accepts ['>50K', '>50K.'] on the train labels and on the test labels alike", () => {
    const train = categoryColumn(['<=50K', '>50K', '<=50K']);
    const test = categoryColumn(['<=50K.', '>50K.', '>50K.']);
    const positive = ['>50K', '>50K.'];
    expect(resolvePositive(train, { ...opts, positive }).negative).toEqual(['<=50K']);
    expect(resolvePositive(test, { ...opts, positive }).negative).toEqual(['<=50K.']);
    expect([...toBinary(train, positive).values]).toEqual([0, 1, 0]);
    expect([...toBinary(test, positive).values]).toEqual([0, 1, 1]);
  });

  it('matches numbers by value, so "1.0" names the value 1', () => {
    expect(resolvePositive(numberColumn([0, 1]), { ...opts, positive: ['1.0'] })).toEqual({
      positive: ['1'],
      negative: ['0'],
    });
  });

  it('throws AEQ_INVALID_ARGUMENT when no given value occurs', () => {
    const e = code(() => resolvePositive(numberColumn([0, 1]), { ...opts, positive: ['yes'] }));
    expect(e.code).toBe('AEQ_INVALID_ARGUMENT');
    expect(e.message).toContain('0, 1');
  });
});

describe('toBinary', () => {
  it('keeps the column missing mask and writes 0 under it', () => {
    const col = numberColumn([1, null, 0]);
    const b = toBinary(col, ['1']);
    expect([...b.values]).toEqual([1, 0, 0]);
    expect(b.valid).toBe(col.valid);
    expect(b.valid?.isValid(1)).toBe(false);
  });

  it('codes booleans by "true"/"false"', () => {
    expect([...toBinary(booleanColumn([true, false]), ['false']).values]).toEqual([0, 1]);
  });

  it('agrees with a per-cell membership test on any category column', () => {
    const level = fc.constantFrom('a', 'b', 'c', 'd');
    fc.assert(
      fc.property(fc.array(fc.option(level, { nil: null })), fc.uniqueArray(level), (cells, positive) => {
        const col: Column = categoryColumn(cells);
        const b = toBinary(col, positive);
        cells.forEach((v, i) => {
          expect(b.values[i]).toBe(v !== null && positive.includes(v) ? 1 : 0);
        });
      }),
    );
  });
});
