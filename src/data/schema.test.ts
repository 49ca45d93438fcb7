/**
 * Schema inference and text-to-column conversion. Expected kinds and values are read off the
 * inputs by hand; the properties check the number grammar against JavaScript's own parser.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AequaError } from '../core/index.js';
import { cellString } from './column.js';
import {
  columnFromStrings,
  compareCodePoints,
  inferKind,
  inferSchema,
  isNonFiniteText,
  isNumberText,
  trimText,
} from './schema.js';

describe('inferKind', () => {
  it('calls a column number when every value is a finite number after trimming', () => {
    expect(inferKind([' 1', '2.5 ', '-3e2', '.5', '+7', null])).toBe('number');
  });

  it('calls a column boolean when every value is true or false in any case', () => {
    expect(inferKind(['TRUE', 'false', ' True ', null])).toBe('boolean');
  });

  it('calls a 0/1 column number, not boolean', () => {
    expect(inferKind(['0', '1'])).toBe('number');
  });

  it('calls a column category when one value is text, and an all-missing column category', () => {
    expect(inferKind(['1', '2', 'x'])).toBe('category');
    expect(inferKind([null, null])).toBe('category');
  });

  it('keeps a number column with a NaN a number column, so loading can report the cell', () => {
    expect(inferKind(['1', 'NaN', '3'])).toBe('number');
    expect(inferKind(['NaN'])).toBe('category'); // no finite number at all: plain text
  });
});

describe('inferSchema', () => {
  it('counts missing cells and lets overrides win', () => {
    const s = inferSchema({ age: ['39', '50'], sex: ['Male', null], id: ['1', '2'] }, { id: 'category' });
    expect(s.columns).toEqual([
      { name: 'age', kind: 'number', nullCount: 0 },
      { name: 'sex', kind: 'category', nullCount: 1 },
      { name: 'id', kind: 'category', nullCount: 0 },
    ]);
  });

  it('rejects an override for a column that does not exist, suggesting the closest name', () => {
    expect.assertions(2);
    try {
      inferSchema({ age: ['1'] }, { agee: 'number' });
    } catch (e) {
      expect((e as AequaError).code).toBe('AEQ_DATA_MISSING_COLUMN');
      expect((e as Error).message).toContain('Did you mean "age"?');
    }
  });
});

describe('columnFromStrings', () => {
  it('parses numbers with a validity mask for missing cells', () => {
    const c = columnFromStrings(['1', null, ' 2.5'], 'number');
    expect(c.kind).toBe('number');
    expect(c.kind === 'number' && [...c.values]).toEqual([1, 0, 2.5]);
    expect([0, 1, 2].map((i) => cellString(c, i))).toEqual(['1', null, '2.5']);
  });

  it('sorts category levels by code point and codes missing cells -1', () => {
    const c = columnFromStrings(['b', 'B', null, 'a', 'b'], 'category');
    expect(c.kind === 'category' && c.levels).toEqual(['B', 'a', 'b']);
    expect(c.kind === 'category' && [...c.codes]).toEqual([2, 0, -1, 1, 2]);
  });

  it('reads booleans from true/false and 1/0', () => {
    const c = columnFromStrings(['TRUE', '0', null, 'false', '1'], 'boolean');
    expect([0, 1, 2, 3, 4].map((i) => cellString(c, i))).toEqual(['true', 'false', null, 'false', 'true']);
  });

  it('throws AEQ_DATA_NAN naming the column and the 1-based row for NaN or Infinity', () => {
    expect.assertions(3);
    try {
      columnFromStrings(['1', '2', 'Infinity'], 'number', { name: 'score', source: 'x.csv' });
    } catch (e) {
      expect((e as AequaError).code).toBe('AEQ_DATA_NAN');
      expect((e as AequaError).details).toMatchObject({ column: 'score', row: 3, value: 'Infinity' });
      expect((e as Error).message).toMatchInlineSnapshot(
        `"Column "score" of x.csv holds "Infinity" at data row 3; numbers must be finite, and missing cells must be marked missing."`,
      );
    }
  });

  it('throws AEQ_DATA_TYPE for text in a column declared number', () => {
    expect.assertions(2);
    try {
      columnFromStrings(['1', 'x'], 'number', { name: 'age' });
    } catch (e) {
      expect((e as AequaError).code).toBe('AEQ_DATA_TYPE');
      expect((e as Error).message).toMatchInlineSnapshot(
        `"Column "age" is declared number but holds "x" at data row 2."`,
      );
    }
  });
});

describe('number grammar', () => {
  it('accepts every finite double as JavaScript prints it and reads it back equal (-0 as 0)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const s = String(x);
        expect(isNumberText(s)).toBe(true);
        const c = columnFromStrings([s], 'number');
        expect(c.kind === 'number' && c.values[0] === x).toBe(true);
      }),
    );
  });

  it('never accepts a string that Number() reads as NaN', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        if (isNumberText(s)) expect(Number.isNaN(Number(trimText(s)))).toBe(false);
      }),
    );
  });

  it('recognises the non-finite spellings', () => {
    expect(['NaN', 'nan', '-inf', 'Infinity', ' +INF '].every(isNonFiniteText)).toBe(true);
    expect(['1', 'info', 'nana', ''].some(isNonFiniteText)).toBe(false);
  });
});

describe('compareCodePoints', () => {
  it('orders strings like their UTF-8 bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const ea = Buffer.from(a, 'utf8');
        const eb = Buffer.from(b, 'utf8');
        expect(Math.sign(compareCodePoints(a, b))).toBe(Math.sign(Buffer.compare(ea, eb)));
      }),
    );
  });
});
